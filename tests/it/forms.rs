//! Forms and intake backends (SPEC §7), read from the built HTML.
//!
//! One tiny site per backend under `tests/fixtures/forms/<case>/`: the same
//! content (one service with a three-item checklist, one referral reason for
//! both audiences, one location, a privacy page) and a different `[intake]`.
//! Each backend's fixture is built once and goes through the same suite of
//! checks (`SUITE`, one test per backend from the `backend_suite!` macro
//! below; a failing check names itself and does not hide the others), run
//! against the markup parsed with `scraper` and against the JSON Schemas the
//! build writes, validated with `jsonschema`:
//!
//! - the form's `action`, `method`, transport and backend attributes;
//! - field names (canonical, or renamed by `[intake.field_names]` or the
//!   backend), the checklist radios, the hidden fields and the honeypot;
//! - labels, `autocomplete` tokens, `required`/`maxlength`/`pattern` equal to
//!   the schema's;
//! - a payload built from the form's own fields is accepted by the schema,
//!   and one missing a required field or with a checklist answer outside the
//!   enum is refused.
//!
//! Then the cases that are not a backend: `phi_ok = false`, no `[intake]`,
//! the thanks pages, and the `[intake]` guardrails (SPEC §7.5).

use std::collections::{BTreeMap, BTreeSet};

use scraper::{ElementRef, Html};
use serde_json::{Map, Value, json};

use crate::support::{Outcome, SiteTest, sel};

// ---- what each backend fixture must produce ---------------------------------

/// The two pathways of SPEC §7.1, and the referring offices' updates sign-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Referral,
    Appointment,
    Updates,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Referral => "referral",
            Kind::Appointment => "appointment",
            Kind::Updates => "updates",
        }
    }

    /// The `id` of the `<form>` element.
    pub fn form_id(self) -> &'static str {
        match self {
            Kind::Referral => "referral-form",
            Kind::Appointment => "appointment-form",
            Kind::Updates => "updates-form",
        }
    }

    pub fn thanks(self) -> &'static str {
        match self {
            Kind::Referral => "/refer/thanks/",
            Kind::Appointment => "/request-appointment/thanks/",
            Kind::Updates => "/partners/thanks/",
        }
    }

    pub fn schema_file(self) -> &'static str {
        match self {
            Kind::Referral => "public/forms/referral.schema.json",
            Kind::Appointment => "public/forms/appointment.schema.json",
            Kind::Updates => "public/forms/updates.schema.json",
        }
    }
}

/// One backend fixture and what its forms must look like.
struct Backend {
    case: &'static str,
    /// `action` of the referral, the appointment and the updates form.
    referral_action: &'static str,
    appointment_action: &'static str,
    updates_action: &'static str,
    /// `data-transport`: `native` (a normal POST) or `fetch` (the script sends JSON).
    transport: &'static str,
    honeypot: &'static str,
    /// Patient fields are on the referral form (`phi_ok = true`).
    phi_ok: bool,
    /// Hidden fields the backend adds, as (name, value), per form.
    referral_extra: &'static [(&'static str, &'static str)],
    appointment_extra: &'static [(&'static str, &'static str)],
    updates_extra: &'static [(&'static str, &'static str)],
    /// Attributes the backend adds to `<form>`, per form.
    referral_attributes: &'static [(&'static str, &'static str)],
    appointment_attributes: &'static [(&'static str, &'static str)],
    updates_attributes: &'static [(&'static str, &'static str)],
    /// Canonical name → the name the form sends (`[intake.field_names]` or
    /// the backend's own names).
    renames: &'static [(&'static str, &'static str)],
    /// A hidden `_subject` names the form and the page's service.
    subject: bool,
}

impl Backend {
    /// The name a canonical field is sent under.
    fn name(&self, canonical: &'static str) -> &'static str {
        self.renames
            .iter()
            .find(|(from, _)| *from == canonical)
            .map_or(canonical, |(_, to)| to)
    }

    fn action(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Referral => self.referral_action,
            Kind::Appointment => self.appointment_action,
            Kind::Updates => self.updates_action,
        }
    }

    fn extra_hidden(&self, kind: Kind) -> &'static [(&'static str, &'static str)] {
        match kind {
            Kind::Referral => self.referral_extra,
            Kind::Appointment => self.appointment_extra,
            Kind::Updates => self.updates_extra,
        }
    }

    fn attributes(&self, kind: Kind) -> &'static [(&'static str, &'static str)] {
        match kind {
            Kind::Referral => self.referral_attributes,
            Kind::Appointment => self.appointment_attributes,
            Kind::Updates => self.updates_attributes,
        }
    }

    fn build(&self) -> SiteTest {
        built(&format!("forms/{}", self.case))
    }
}

/// The base URL every fixture's site.toml sets.
const BASE: &str = "https://www.riverside-heart.example";
const WEBHOOK: &str = "https://intake.riverside-heart.example/v1/submissions";

const WEBHOOK_FORM: Backend = Backend {
    case: "webhook-form",
    referral_action: WEBHOOK,
    appointment_action: WEBHOOK,
    updates_action: WEBHOOK,
    transport: "native",
    honeypot: "website",
    phi_ok: true,
    referral_extra: &[],
    appointment_extra: &[],
    updates_extra: &[],
    referral_attributes: &[],
    appointment_attributes: &[],
    updates_attributes: &[],
    renames: &[],
    subject: false,
};

const WEBHOOK_JSON: Backend = Backend {
    case: "webhook-json",
    transport: "fetch",
    ..WEBHOOK_FORM
};

const FORMSPREE: Backend = Backend {
    case: "formspree",
    // The fixture's `form_ids`: a Formspree form per kind.
    referral_action: "https://formspree.io/f/xqkrvbza",
    appointment_action: "https://formspree.io/f/mrbgyjwo",
    updates_action: "https://formspree.io/f/mnnqpwkd",
    transport: "native",
    honeypot: "_gotcha",
    phi_ok: false,
    referral_extra: &[("_next", "https://www.riverside-heart.example/refer/thanks/")],
    appointment_extra: &[(
        "_next",
        "https://www.riverside-heart.example/request-appointment/thanks/",
    )],
    updates_extra: &[(
        "_next",
        "https://www.riverside-heart.example/partners/thanks/",
    )],
    referral_attributes: &[],
    appointment_attributes: &[],
    updates_attributes: &[],
    // `email` is Formspree's reply-to.
    renames: &[("clinician_email", "email")],
    subject: true,
};

const NETLIFY: Backend = Backend {
    case: "netlify",
    // Netlify takes the POST on the site itself and shows the action page.
    referral_action: "/refer/thanks/",
    appointment_action: "/request-appointment/thanks/",
    updates_action: "/partners/thanks/",
    transport: "native",
    honeypot: "bot-field",
    phi_ok: false,
    referral_extra: &[("form-name", "referral")],
    appointment_extra: &[("form-name", "appointment")],
    updates_extra: &[("form-name", "updates")],
    referral_attributes: &[
        ("data-netlify", "true"),
        ("name", "referral"),
        ("netlify-honeypot", "bot-field"),
    ],
    appointment_attributes: &[
        ("data-netlify", "true"),
        ("name", "appointment"),
        ("netlify-honeypot", "bot-field"),
    ],
    updates_attributes: &[
        ("data-netlify", "true"),
        ("name", "updates"),
        ("netlify-honeypot", "bot-field"),
    ],
    renames: &[],
    subject: false,
};

const HUBSPOT: Backend = Backend {
    case: "hubspot",
    referral_action: "https://api.hsforms.com/submissions/v3/integration/submit/4455667/0a1b2c3d-1111-4222-8333-944455556666",
    appointment_action: "https://api.hsforms.com/submissions/v3/integration/submit/4455667/7e8f9a0b-2222-4333-8444-a55566667777",
    updates_action: "https://api.hsforms.com/submissions/v3/integration/submit/4455667/3c4d5e6f-3333-4444-8555-b66677778888",
    transport: "fetch",
    honeypot: "website",
    phi_ok: true,
    referral_extra: &[],
    appointment_extra: &[],
    updates_extra: &[],
    referral_attributes: &[],
    appointment_attributes: &[],
    updates_attributes: &[],
    // HubSpot's contact properties (the fixture's `[intake.field_names]`
    // also names `email`); the script splits the name into `firstname`
    // and `lastname`.
    renames: &[
        ("clinician_email", "email"),
        ("clinician_phone", "phone"),
        ("clinician_fax", "fax"),
        ("clinician_practice", "company"),
        ("practice", "company"),
        ("role", "jobtitle"),
    ],
    subject: false,
};

const SALESFORCE: Backend = Backend {
    case: "salesforce",
    referral_action: "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8",
    appointment_action: "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8",
    updates_action: "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8",
    transport: "native",
    honeypot: "website",
    phi_ok: true,
    referral_extra: &[
        ("oid", "00D5e000000AbCd"),
        (
            "retURL",
            "https://www.riverside-heart.example/refer/thanks/",
        ),
        ("lead_source", "Web referral"),
    ],
    appointment_extra: &[
        ("oid", "00D5e000000AbCd"),
        (
            "retURL",
            "https://www.riverside-heart.example/request-appointment/thanks/",
        ),
        ("lead_source", "Web appointment request"),
    ],
    updates_extra: &[
        ("oid", "00D5e000000AbCd"),
        (
            "retURL",
            "https://www.riverside-heart.example/partners/thanks/",
        ),
        ("lead_source", "Web updates sign-up"),
    ],
    referral_attributes: &[],
    appointment_attributes: &[],
    updates_attributes: &[],
    // Web-to-Lead's standard lead fields.
    // Web-to-Lead's standard lead fields; the script splits the
    // contact's name into `first_name` and `last_name`.
    renames: &[
        ("clinician_practice", "company"),
        ("clinician_email", "email"),
        ("clinician_phone", "phone"),
        ("clinician_fax", "fax"),
        ("practice", "company"),
        ("role", "title"),
    ],
    subject: false,
};

const PHI_OFF: Backend = Backend {
    case: "phi-off",
    phi_ok: false,
    ..WEBHOOK_FORM
};

/// The service line, its referral reason and its checklist in every fixture.
const SERVICE: &str = "cardiology";
const SERVICE_TITLE: &str = "General Cardiology";
const REASON: &str = "palpitations";
/// Checklist item ids: required ones first (as the form lists them), then the optional one.
const CHECKLIST_REQUIRED: [&str; 2] = ["ekg", "echo-report"];
const CHECKLIST_OPTIONAL: [&str; 1] = ["holter-report"];
/// Filled in by the script at submit time; present and empty in the markup.
const TRACKING: [&str; 4] = ["utm_source", "utm_medium", "utm_campaign", "referrer_host"];

/// The pages that carry forms, and which.
const REFER_PAGE: &str = "/services/cardiology/refer/";
const HUB_PAGE: &str = "/refer/";
const APPOINTMENT_PAGE: &str = "/request-appointment/";
const REASON_PAGE: &str = "/referrals/palpitations/";
/// The service's two locations, as the location choice lists them after
/// "No preference" (`any`), and its page at each.
const LOCATIONS: [&str; 2] = ["main-street", "elm-street"];
const AT_LOCATION: [&str; 2] = [
    "/services/cardiology/main-street/",
    "/services/cardiology/elm-street/",
];
/// Where a referral sent from the service's own pages lands.
const SERVICE_THANKS: &str = "/services/cardiology/refer/thanks/";
/// The recruiting clinical trial in every backend fixture, its page and the
/// page a question asked there lands on.
const TRIAL: &str = "holter-ai";
const TRIAL_TITLE: &str = "Reading heart monitors with software";
const TRIAL_PAGE: &str = "/trials/holter-ai/";
const TRIAL_THANKS: &str = "/trials/holter-ai/thanks/";

/// Where a referral from `page` lands: the service's own thanks page from
/// its refer and reason pages, the hub's thanks page elsewhere.
fn referral_thanks_on(page: &str) -> &'static str {
    if page == REFER_PAGE || page == REASON_PAGE {
        SERVICE_THANKS
    } else {
        Kind::Referral.thanks()
    }
}

/// A backend's value (action, `_next`, `retURL`) as a `kind` form on `page`
/// carries it: the backends' tables are written for the hub.
fn placed(value: &str, kind: Kind, page: &str) -> String {
    match kind {
        Kind::Referral => value.replace(Kind::Referral.thanks(), referral_thanks_on(page)),
        Kind::Appointment | Kind::Updates => value.to_owned(),
    }
}

// ---- building and reading -----------------------------------------------------

/// Builds the fixture `case` and fails the test unless the build succeeds.
pub fn built(case: &str) -> SiteTest {
    let site = SiteTest::fixture(case);
    site.build(&[]).expect_success();
    site
}

/// `public/<path>index.html` for a page path like `/refer/`.
pub fn page_file(path: &str) -> String {
    format!("public{path}index.html")
}

/// A built page, parsed.
pub struct Page {
    pub path: String,
    pub html: Html,
    pub source: String,
}

impl Page {
    pub fn read(site: &SiteTest, path: &str) -> Page {
        let source = site.expect_file(&page_file(path));
        Page {
            path: path.to_owned(),
            html: Html::parse_document(&source),
            source,
        }
    }

    pub fn forms(&self) -> Vec<Form<'_>> {
        self.html
            .select(&sel("form"))
            .map(|el| Form { el, page: self })
            .collect()
    }

    /// The form with `id`, failing the test with the page's forms when absent.
    pub fn form(&self, kind: Kind) -> Form<'_> {
        let id = kind.form_id();
        let all = self.forms();
        let ids: Vec<String> = all
            .iter()
            .map(|f| f.attr("id").unwrap_or("(no id)").to_owned())
            .collect();
        all.into_iter()
            .find(|f| f.attr("id") == Some(id))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no <form id=\"{id}\"> (forms on the page: {ids:?})\n{}",
                    self.path,
                    excerpt(&self.source)
                )
            })
    }

    /// The visible text of the page's `<main>` (or body), whitespace collapsed.
    pub fn text(&self) -> String {
        let root = self
            .html
            .select(&sel("main"))
            .next()
            .or_else(|| self.html.select(&sel("body")).next())
            .expect("a page has a body");
        collapse(&root.text().collect::<String>())
    }
}

pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first 4000 characters of a page, for failure messages.
fn excerpt(source: &str) -> String {
    let cut: String = source.chars().take(4000).collect();
    format!("--- page source (start)\n{cut}\n---")
}

/// One visible control group of a form: an `<input>` (radios of one name
/// together), a `<select>` or a `<textarea>`.
#[derive(Clone, Debug)]
pub struct Control {
    pub name: String,
    /// The input's `type` (`text` when absent); `select`/`textarea` for those.
    pub kind: String,
    pub ids: Vec<String>,
    pub required: bool,
    pub maxlength: Option<usize>,
    pub pattern: Option<String>,
    pub autocomplete: Option<String>,
    /// Radio values, or select option values, in document order.
    pub values: Vec<String>,
    /// The checkbox's value.
    pub value: Option<String>,
    pub npi: bool,
}

/// A `<form>` on a page.
pub struct Form<'a> {
    pub el: ElementRef<'a>,
    pub page: &'a Page,
}

impl Form<'_> {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.el.value().attr(name)
    }

    fn describe(&self) -> String {
        format!(
            "{} form#{}",
            self.page.path,
            self.attr("id").unwrap_or("(no id)")
        )
    }

    /// Hidden inputs as name → value; a name given twice fails the test.
    pub fn hidden(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for input in self.el.select(&sel("input[type=hidden]")) {
            let name = input
                .value()
                .attr("name")
                .unwrap_or_else(|| panic!("{}: a hidden input has no name", self.describe()));
            let value = input.value().attr("value").unwrap_or("").to_owned();
            let before = out.insert(name.to_owned(), value);
            assert!(
                before.is_none(),
                "{}: the hidden field `{name}` is there twice",
                self.describe()
            );
        }
        out
    }

    /// Every `<input>` that is not hidden, with the honeypot.
    fn visible_inputs(&self) -> Vec<ElementRef<'_>> {
        self.el
            .select(&sel("input, select, textarea"))
            .filter(|e| e.value().attr("type") != Some("hidden"))
            .collect()
    }

    /// The honeypot input(s): inputs named `name`.
    pub fn inputs_named(&self, name: &str) -> Vec<ElementRef<'_>> {
        self.visible_inputs()
            .into_iter()
            .filter(|e| e.value().attr("name") == Some(name))
            .collect()
    }

    /// The controls people fill in (honeypot left out), one per name.
    pub fn controls(&self, honeypot: &str) -> Vec<Control> {
        let mut out: Vec<Control> = Vec::new();
        for el in self.visible_inputs() {
            let v = el.value();
            let name = v
                .attr("name")
                .unwrap_or_else(|| {
                    panic!("{}: a control has no name: {}", self.describe(), el.html())
                })
                .to_owned();
            if name == honeypot {
                continue;
            }
            let kind = match v.name() {
                // A group of tick boxes sharing a name: one control.
                "input" if v.attr("data-many").is_some() => "checkboxes".to_owned(),
                "input" => v.attr("type").unwrap_or("text").to_owned(),
                other => other.to_owned(),
            };
            let id = v.attr("id").map(str::to_owned);
            if let Some(existing) = out.iter_mut().find(|c| c.name == name) {
                assert!(
                    kind == existing.kind && matches!(kind.as_str(), "radio" | "checkboxes"),
                    "{}: two controls are named `{name}` ({} and {kind})",
                    self.describe(),
                    existing.kind
                );
                existing
                    .values
                    .push(v.attr("value").unwrap_or("").to_owned());
                existing.required |= v.attr("required").is_some();
                existing.ids.extend(id);
                continue;
            }
            let values = match kind.as_str() {
                "radio" | "checkboxes" => vec![v.attr("value").unwrap_or("").to_owned()],
                "select" => el
                    .select(&sel("option"))
                    .map(|o| {
                        o.value()
                            .attr("value")
                            .map_or_else(|| collapse(&o.text().collect::<String>()), str::to_owned)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            out.push(Control {
                name,
                kind: kind.clone(),
                ids: id.into_iter().collect(),
                required: v.attr("required").is_some(),
                maxlength: v.attr("maxlength").map(|m| {
                    m.parse()
                        .unwrap_or_else(|_| panic!("{}: maxlength={m:?}", self.describe()))
                }),
                pattern: v.attr("pattern").map(str::to_owned),
                autocomplete: v.attr("autocomplete").map(str::to_owned),
                values,
                value: if kind == "checkbox" {
                    Some(v.attr("value").unwrap_or("on").to_owned())
                } else {
                    None
                },
                npi: v.attr("data-npi").is_some(),
            });
        }
        out
    }

    pub fn control(&self, honeypot: &str, name: &str) -> Control {
        let all = self.controls(honeypot);
        let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        all.iter()
            .find(|c| c.name == name)
            .cloned()
            .unwrap_or_else(|| panic!("{}: no field `{name}` (fields: {names:?})", self.describe()))
    }

    /// Names of the controls people fill in.
    pub fn control_names(&self, honeypot: &str) -> BTreeSet<String> {
        self.controls(honeypot)
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    /// What the form sends when a person fills every field: hidden values as
    /// printed, the honeypot empty, the first option of each radio group and
    /// the first non-empty option of each select, the checkbox ticked, and
    /// text that fits each field's type, pattern and `maxlength`.
    pub fn payload(&self, honeypot: &str) -> Map<String, Value> {
        let mut out = Map::new();
        for (name, value) in self.hidden() {
            out.insert(name, json!(value));
        }
        out.insert(honeypot.to_owned(), json!(""));
        for c in self.controls(honeypot) {
            let value = match c.kind.as_str() {
                "checkboxes" => {
                    out.insert(c.name.clone(), json!([c.values[0]]));
                    continue;
                }
                "radio" => c.values[0].clone(),
                "select" => c
                    .values
                    .iter()
                    .find(|v| !v.is_empty())
                    .cloned()
                    .unwrap_or_default(),
                "checkbox" => c.value.clone().unwrap_or_default(),
                _ => sample_text(&c),
            };
            out.insert(c.name.clone(), json!(value));
        }
        out
    }
}

/// A value a person would type into a text-like control.
pub fn sample_text(c: &Control) -> String {
    let text = if c.npi {
        // CMS's published example of a valid NPI.
        "1234567893"
    } else {
        match c.kind.as_str() {
            "email" => "j.lee@oak-family-practice.example",
            "tel" => "+1 555 010 0300",
            "date" => "1960-03-15",
            "textarea" => {
                "New palpitations with a normal resting EKG: is an ambulatory monitor warranted?"
            }
            _ => "Jordan Lee",
        }
    };
    match c.maxlength {
        Some(n) => text.chars().take(n).collect(),
        None => text.to_owned(),
    }
}

// ---- JSON Schema --------------------------------------------------------------

pub fn read_schema(site: &SiteTest, kind: Kind) -> Value {
    let text = site.expect_file(kind.schema_file());
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}\n{text}", kind.schema_file()))
}

/// The validator of a form schema, with `format` asserted (a backend may).
fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}\n{schema:#}"))
}

/// The validation errors of `payload`, one line each (with the schema of the
/// field concerned), empty when valid.
fn errors(schema: &Value, payload: &Map<String, Value>) -> Vec<String> {
    let validator = validator(schema);
    let instance = Value::Object(payload.clone());
    validator
        .iter_errors(&instance)
        .map(|e| {
            let at = e.instance_path().to_string();
            let field = at
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default();
            let property = schema["properties"]
                .get(field)
                .map(Value::to_string)
                .unwrap_or_default();
            format!("{e} at `{at}`; the schema of `{field}`: {property}")
        })
        .collect()
}

fn expect_valid(schema: &Value, payload: &Map<String, Value>, what: &str) {
    let errors = errors(schema, payload);
    assert!(
        errors.is_empty(),
        "{what}: the schema refuses what the form sends:\n  {}\n--- payload\n{:#}",
        errors.join("\n  "),
        Value::Object(payload.clone()),
    );
}

fn expect_invalid(schema: &Value, payload: &Map<String, Value>, what: &str) {
    let errors = errors(schema, payload);
    assert!(
        !errors.is_empty(),
        "{what}: the schema accepts it\n--- payload\n{:#}\n--- schema\n{schema:#}",
        Value::Object(payload.clone()),
    );
}

fn schema_required(schema: &Value) -> BTreeSet<String> {
    schema["required"]
        .as_array()
        .unwrap_or_else(|| panic!("the schema has no `required` list:\n{schema:#}"))
        .iter()
        .map(|v| v.as_str().expect("`required` lists strings").to_owned())
        .collect()
}

fn schema_property<'s>(schema: &'s Value, name: &str) -> &'s Value {
    schema["properties"].get(name).unwrap_or_else(|| {
        panic!(
            "the schema has no property `{name}` (it has {:?})",
            schema["properties"]
                .as_object()
                .map(|o| o.keys().collect::<Vec<_>>())
        )
    })
}

/// `key` of a property, looked up in the property itself or in any branch of
/// its `anyOf`/`oneOf` (optional fields: "empty, or …").
fn schema_keyword<'s>(property: &'s Value, key: &str) -> Option<&'s Value> {
    if let Some(v) = property.get(key) {
        return Some(v);
    }
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| property.get(*k)?.as_array())
        .flatten()
        .find_map(|branch| {
            branch
                .get(key)
                .filter(|v| !(key == "maxLength" && **v == json!(0)))
        })
}

fn schema_enum(property: &Value) -> Option<Vec<String>> {
    schema_keyword(property, "enum").map(|e| {
        e.as_array()
            .expect("`enum` is a list")
            .iter()
            .map(|v| v.as_str().expect("enum values are strings").to_owned())
            .collect()
    })
}

// ---- the suite every backend runs ----------------------------------------------

/// The canonical fields of the referral form on a service's page.
fn referral_fields(backend: &Backend, with_checklist: bool) -> BTreeSet<String> {
    let mut names: Vec<String> = [
        "clinician_name",
        "clinician_practice",
        "clinician_npi",
        "clinician_phone",
        "clinician_fax",
        "clinician_email",
        "urgency",
        "location",
        "preferred_contact",
    ]
    .iter()
    .map(|c| backend.name(c).to_owned())
    .collect();
    if backend.phi_ok {
        for c in [
            "patient_name",
            "patient_dob",
            "patient_phone",
            "referral_reason",
            "clinical_question",
        ] {
            names.push(backend.name(c).to_owned());
        }
        if with_checklist {
            names.push("records_enclosed".to_owned());
            names.push("records_later".to_owned());
        }
    }
    names.into_iter().collect()
}

fn appointment_fields(backend: &Backend) -> BTreeSet<String> {
    [
        "name",
        "phone",
        "email",
        "preferred_contact",
        "best_time",
        "service",
        "visit_type",
        "referred_by",
        "location",
        "consent",
        "insurance",
    ]
    .iter()
    .map(|c| backend.name(c).to_owned())
    .collect()
}

/// The placements without the reason page, whose forms have their own test
/// (`reason_page_has_both_forms_with_the_reason`), so one missing feature does
/// not hide the others.
const CORE_PLACEMENTS: [(&str, Kind); 3] = [
    (REFER_PAGE, Kind::Referral),
    (HUB_PAGE, Kind::Referral),
    (APPOINTMENT_PAGE, Kind::Appointment),
];

fn action_and_method(b: &Backend, site: &SiteTest) {
    for (path, kind) in CORE_PLACEMENTS {
        let page = Page::read(site, path);
        let form = page.form(kind);
        let d = form.describe();
        assert_eq!(form.attr("method"), Some("post"), "{d}: method");
        let action = placed(b.action(kind), kind, path);
        assert_eq!(form.attr("action"), Some(action.as_str()), "{d}: action");
        assert_eq!(
            form.attr("data-transport"),
            Some(b.transport),
            "{d}: data-transport"
        );
        for (name, value) in b.attributes(kind) {
            assert_eq!(form.attr(name), Some(*value), "{d}: the attribute `{name}`");
        }
        if b.transport == "fetch" || b.referral_action.starts_with("https://api.hsforms.com/") {
            assert!(
                page.source.contains("/js/forms"),
                "{d}: a fetch form needs the form script on its page"
            );
        }
    }
}

fn referral_form_fields(b: &Backend, site: &SiteTest) {
    let page = Page::read(site, REFER_PAGE);
    let form = page.form(Kind::Referral);
    assert_eq!(
        form.control_names(b.honeypot),
        referral_fields(b, true),
        "{}: the referral form's fields",
        form.describe()
    );
    // On the hub the service is unknown: a select instead of the checklist.
    let hub = Page::read(site, HUB_PAGE);
    let form = hub.form(Kind::Referral);
    let mut expected = referral_fields(b, false);
    expected.insert("service".to_owned());
    assert_eq!(
        form.control_names(b.honeypot),
        expected,
        "{}: fields",
        form.describe()
    );
    let service = form.control(b.honeypot, "service");
    assert_eq!(
        service.kind, "select",
        "the hub's service field is a select"
    );
    assert!(service.required, "the hub's service select is required");
    assert!(service.values.contains(&SERVICE.to_owned()), "{service:?}");
}

/// The records question is one compact control (issue #19): a group of
/// tick boxes, one per checklist item, the required items ticked, then
/// "the rest follows".
fn checklist_boxes(b: &Backend, site: &SiteTest) {
    let page = Page::read(site, REFER_PAGE);
    let form = page.form(Kind::Referral);
    let boxes: Vec<ElementRef<'_>> = form
        .el
        .select(&sel("input[name=records_enclosed]"))
        .collect();
    if !b.phi_ok {
        assert!(
            boxes.is_empty()
                && !form
                    .control_names(b.honeypot)
                    .iter()
                    .any(|n| n.starts_with("records_")),
            "{}: phi_ok = false, yet the form asks for records",
            form.describe()
        );
        return;
    }
    let order: Vec<&str> = boxes
        .iter()
        .filter_map(|i| i.value().attr("value"))
        .collect();
    let expected: Vec<&str> = CHECKLIST_REQUIRED
        .iter()
        .chain(&CHECKLIST_OPTIONAL)
        .copied()
        .collect();
    assert_eq!(order, expected, "checklist items: required first (SPEC §5)");
    for input in &boxes {
        let id = input.value().attr("value").unwrap_or_default();
        assert_eq!(input.value().attr("type"), Some("checkbox"), "{id}");
        assert!(
            input.value().attr("required").is_none(),
            "{id}: never a required box"
        );
        assert_eq!(
            input.value().attr("checked").is_some(),
            CHECKLIST_REQUIRED.contains(&id),
            "{id}: ticked exactly when the practice needs the record"
        );
    }
    assert!(
        !form
            .control_names(b.honeypot)
            .iter()
            .any(|n| n.starts_with("checklist__")),
        "one records control, not one per item"
    );
    let later = form.control(b.honeypot, "records_later");
    assert_eq!(later.kind, "checkbox");
    assert!(!later.required);
}

fn appointment_form_fields(b: &Backend, site: &SiteTest) {
    let page = Page::read(site, APPOINTMENT_PAGE);
    let form = page.form(Kind::Appointment);
    let names = form.control_names(b.honeypot);
    assert_eq!(names, appointment_fields(b), "{}: fields", form.describe());
    let visit = form.control(b.honeypot, "visit_type");
    for v in [
        "new_consult",
        "second_opinion",
        "follow_up",
        "clinical_trial",
    ] {
        assert!(
            visit.values.contains(&v.to_owned()),
            "visit_type lacks `{v}`: {visit:?}"
        );
    }
    let consent = form.control(b.honeypot, "consent");
    assert!(
        consent.kind == "checkbox" && consent.required,
        "{consent:?}"
    );
    assert!(
        page.text().to_lowercase().contains("medical details"),
        "the appointment page must say not to send medical details (SPEC §7.1)"
    );
}

fn expected_hidden(
    b: &Backend,
    kind: Kind,
    path: &str,
    service: Option<&str>,
    reason: &str,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    out.insert("form".into(), kind.as_str().into());
    out.insert("page".into(), path.into());
    out.insert("reason".into(), reason.into());
    // The fixtures have a trial: every appointment form carries the field,
    // empty off a trial's page.
    if kind == Kind::Appointment {
        out.insert("trial".into(), String::new());
    }
    if let Some(s) = service {
        out.insert("service".into(), s.into());
    }
    for t in TRACKING {
        out.insert(t.into(), String::new());
    }
    for (name, value) in b.extra_hidden(kind) {
        out.insert((*name).into(), placed(value, kind, path));
    }
    if b.subject {
        let form = match kind {
            Kind::Referral => "Referral",
            Kind::Appointment => "Appointment request",
            Kind::Updates => "Updates sign-up",
        };
        let subject = match service {
            Some(_) => format!("{form}: {SERVICE_TITLE}"),
            None => format!("{form} from the website"),
        };
        out.insert("_subject".into(), subject);
    }
    out
}

fn hidden_fields(b: &Backend, site: &SiteTest) {
    let cases = [
        (REFER_PAGE, Kind::Referral, Some(SERVICE)),
        (HUB_PAGE, Kind::Referral, None),
        (APPOINTMENT_PAGE, Kind::Appointment, None),
    ];
    for (path, kind, service) in cases {
        let page = Page::read(site, path);
        let form = page.form(kind);
        assert_eq!(
            form.hidden(),
            expected_hidden(b, kind, path, service, ""),
            "{}: hidden fields",
            form.describe()
        );
        // The script fills exactly these at submit time.
        for t in TRACKING {
            let tracked = form
                .el
                .select(&sel(&format!("input[type=hidden][name=\"{t}\"]")))
                .next()
                .expect("checked above");
            assert_eq!(
                tracked.value().attr("data-track"),
                Some(t),
                "{}: `{t}` is filled by the script",
                form.describe()
            );
        }
    }
}

/// SPEC §7.1: a reason page whose audience includes clinicians carries the
/// referral form, one whose audience includes patients the appointment form;
/// both know the service and the reason.
fn reason_page_has_both_forms_with_the_reason(b: &Backend, site: &SiteTest) {
    let page = Page::read(site, REASON_PAGE);
    let referral = page.form(Kind::Referral);
    assert_eq!(
        referral.hidden(),
        expected_hidden(b, Kind::Referral, REASON_PAGE, Some(SERVICE), REASON),
        "{}: hidden fields",
        referral.describe()
    );
    if b.phi_ok {
        let reason = referral.control(b.honeypot, "referral_reason");
        let selected = referral
            .el
            .select(&sel("select[name=referral_reason] option[selected]"))
            .next()
            .and_then(|o| o.value().attr("value"));
        assert_eq!(
            selected,
            Some(REASON),
            "the reason is preselected: {reason:?}"
        );
    }
    let appointment = page.form(Kind::Appointment);
    let hidden = appointment.hidden();
    assert_eq!(hidden.get("form").map(String::as_str), Some("appointment"));
    assert_eq!(hidden.get("reason").map(String::as_str), Some(REASON));
    assert_eq!(hidden.get("page").map(String::as_str), Some(REASON_PAGE));
    for form in [&referral, &appointment] {
        let kind = if form.attr("id") == Some(Kind::Referral.form_id()) {
            Kind::Referral
        } else {
            Kind::Appointment
        };
        expect_valid(
            &read_schema(site, kind),
            &form.payload(b.honeypot),
            &form.describe(),
        );
    }
}

fn honeypot(b: &Backend, site: &SiteTest) {
    for (path, kind) in CORE_PLACEMENTS {
        let page = Page::read(site, path);
        let form = page.form(kind);
        let d = form.describe();
        let traps = form.inputs_named(b.honeypot);
        assert_eq!(traps.len(), 1, "{d}: one honeypot named `{}`", b.honeypot);
        let trap = traps[0].value();
        assert_eq!(
            trap.attr("type").unwrap_or("text"),
            "text",
            "{d}: honeypot type"
        );
        assert_eq!(
            trap.attr("tabindex"),
            Some("-1"),
            "{d}: keyboard users never reach the honeypot"
        );
        assert_eq!(
            trap.attr("autocomplete"),
            Some("off"),
            "{d}: browsers never fill the honeypot"
        );
        assert!(
            trap.attr("required").is_none(),
            "{d}: the honeypot is optional"
        );
        assert!(
            trap.attr("value").is_none_or(str::is_empty),
            "{d}: the honeypot starts empty"
        );
        let hidden_from_at = traps[0]
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| a.value().attr("aria-hidden") == Some("true"));
        assert!(
            hidden_from_at,
            "{d}: the honeypot must sit inside aria-hidden=\"true\""
        );
        // The other backends' honeypot names are not used.
        for other in ["_gotcha", "bot-field", "website"] {
            if other != b.honeypot {
                assert!(
                    form.inputs_named(other).is_empty(),
                    "{d}: stray honeypot `{other}`"
                );
            }
        }
    }
}

/// Every visible control has a label: `<label for=id>` or an enclosing
/// `<label>`; radio groups also have a `<legend>`.
fn labels(_: &Backend, site: &SiteTest) {
    for (path, kind) in CORE_PLACEMENTS {
        let page = Page::read(site, path);
        let form = page.form(kind);
        for el in form.visible_inputs() {
            let v = el.value();
            let for_label = v.attr("id").and_then(|id| {
                page.html
                    .select(&sel(&format!("label[for=\"{id}\"]")))
                    .next()
            });
            let wrapping = el
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "label");
            let label = for_label.or(wrapping).unwrap_or_else(|| {
                panic!(
                    "{}: this control has no label: {}",
                    form.describe(),
                    el.html()
                )
            });
            assert!(
                !collapse(&label.text().collect::<String>()).is_empty(),
                "{}: the label of {} is empty",
                form.describe(),
                el.html()
            );
            if v.attr("type") == Some("radio") {
                let legend = el
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .find(|a| a.value().name() == "fieldset")
                    .and_then(|fs| fs.select(&sel("legend")).next());
                assert!(
                    legend.is_some(),
                    "{}: radio group without a legend: {}",
                    form.describe(),
                    el.html()
                );
            }
        }
        let privacy = form.el.select(&sel("a[href=\"/privacy/\"]")).next();
        assert!(
            privacy.is_some(),
            "{}: no link to the privacy policy",
            form.describe()
        );
    }
}

fn autocomplete(b: &Backend, site: &SiteTest) {
    let page = Page::read(site, REFER_PAGE);
    let form = page.form(Kind::Referral);
    let mut expected = vec![
        ("clinician_name", "name"),
        ("clinician_practice", "organization"),
        ("clinician_phone", "work tel"),
        ("clinician_email", "work email"),
    ];
    if b.phi_ok {
        expected.extend([
            ("patient_name", "off"),
            ("patient_dob", "off"),
            ("patient_phone", "off"),
        ]);
    }
    for (canonical, token) in expected {
        let c = form.control(b.honeypot, b.name(canonical));
        assert_eq!(
            c.autocomplete.as_deref(),
            Some(token),
            "{}: autocomplete of `{canonical}`",
            form.describe()
        );
    }
    let page = Page::read(site, APPOINTMENT_PAGE);
    let form = page.form(Kind::Appointment);
    for (canonical, token) in [("name", "name"), ("phone", "tel"), ("email", "email")] {
        let c = form.control(b.honeypot, b.name(canonical));
        assert_eq!(
            c.autocomplete.as_deref(),
            Some(token),
            "{}: autocomplete of `{canonical}`",
            form.describe()
        );
    }
}

/// `required`, `maxlength`, `pattern` and the choices of every control equal
/// what the form's JSON Schema says about the same name (SPEC §7.2).
fn constraints_match_schema(b: &Backend, site: &SiteTest) {
    for (path, kind) in CORE_PLACEMENTS {
        let schema = read_schema(site, kind);
        let required = schema_required(&schema);
        let page = Page::read(site, path);
        let form = page.form(kind);
        let d = form.describe();
        for c in form.controls(b.honeypot) {
            let prop = schema_property(&schema, &c.name);
            // A checklist answer is required on the page of a service whose
            // checklist requires it, so it cannot be required schema-wide.
            if !c.name.starts_with("checklist__") {
                assert_eq!(
                    c.required,
                    required.contains(&c.name),
                    "{d}: `{}` is {}required in the form and {}required in the schema",
                    c.name,
                    if c.required { "" } else { "not " },
                    if required.contains(&c.name) {
                        ""
                    } else {
                        "not "
                    },
                );
            }
            match c.kind.as_str() {
                "checkboxes" => {
                    assert_eq!(prop["type"], "array", "{d}: `{}`: {prop}", c.name);
                    let allowed = schema_enum(&prop["items"]).unwrap_or_else(|| {
                        panic!("{d}: `{}` lists no items in the schema: {prop}", c.name)
                    });
                    for v in &c.values {
                        assert!(
                            allowed.contains(v),
                            "{d}: `{}` offers `{v}`, the schema allows {allowed:?}",
                            c.name
                        );
                    }
                }
                "radio" | "select" => {
                    let allowed = schema_enum(prop).unwrap_or_else(|| {
                        panic!("{d}: `{}` has no enum in the schema: {prop}", c.name)
                    });
                    for v in c.values.iter().filter(|v| !v.is_empty()) {
                        assert!(
                            allowed.contains(v),
                            "{d}: `{}` offers `{v}`, the schema allows {allowed:?}",
                            c.name
                        );
                    }
                }
                "checkbox" => {
                    assert_eq!(
                        schema_keyword(prop, "const").and_then(Value::as_str),
                        c.value.as_deref(),
                        "{d}: `{}`",
                        c.name
                    );
                }
                // `maxlength` and `pattern` do not apply to date inputs.
                "date" => {}
                _ => {
                    let max = schema_keyword(prop, "maxLength")
                        .and_then(Value::as_u64)
                        .map(|n| n as usize);
                    assert_eq!(
                        c.maxlength, max,
                        "{d}: `{}`: maxlength vs the schema's maxLength",
                        c.name
                    );
                    let pattern = schema_keyword(prop, "pattern").and_then(Value::as_str);
                    let html = c.pattern.as_ref().map(|p| format!("^(?:{p})$"));
                    assert_eq!(
                        html.as_deref(),
                        pattern,
                        "{d}: `{}`: pattern vs the schema's",
                        c.name
                    );
                }
            }
        }
        // Required schema fields the form does not show are hidden fields it sends.
        let sent: BTreeSet<String> = form.payload(b.honeypot).keys().cloned().collect();
        for r in &required {
            assert!(
                sent.contains(r),
                "{d}: the schema requires `{r}`, which the form never sends"
            );
        }
    }
}

fn schemas_are_valid(_: &Backend, site: &SiteTest) {
    for kind in [Kind::Referral, Kind::Appointment] {
        let schema = read_schema(site, kind);
        assert_eq!(
            schema["$schema"],
            json!("https://json-schema.org/draft/2020-12/schema"),
            "{}: `$schema`",
            kind.schema_file()
        );
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!(
                "{} is not a valid 2020-12 schema: {e}\n{schema:#}",
                kind.schema_file()
            );
        }
        assert_eq!(schema["type"], json!("object"));
        let id = schema["$id"].as_str().unwrap_or_default();
        assert_eq!(
            id,
            format!("{BASE}/forms/{}.schema.json", kind.as_str()),
            "`$id`"
        );
    }
}

fn payloads_are_accepted(b: &Backend, site: &SiteTest) {
    for (path, kind) in CORE_PLACEMENTS {
        let schema = read_schema(site, kind);
        let page = Page::read(site, path);
        let form = page.form(kind);
        let full = form.payload(b.honeypot);
        expect_valid(
            &schema,
            &full,
            &format!("{} (every field filled)", form.describe()),
        );
    }
}

/// What a browser sends when the optional text fields are left blank: the
/// names with empty values.
fn blank_optional_fields_are_accepted(b: &Backend, site: &SiteTest) {
    for (path, kind) in CORE_PLACEMENTS {
        let schema = read_schema(site, kind);
        let page = Page::read(site, path);
        let form = page.form(kind);
        let mut minimal = form.payload(b.honeypot);
        for c in form.controls(b.honeypot) {
            if !c.required
                && !matches!(
                    c.kind.as_str(),
                    "radio" | "select" | "checkbox" | "checkboxes"
                )
            {
                minimal.insert(c.name.clone(), json!(""));
            }
        }
        expect_valid(
            &schema,
            &minimal,
            &format!("{} (optional fields blank)", form.describe()),
        );
    }
}

fn bad_payloads_are_refused(b: &Backend, site: &SiteTest) {
    for (path, kind) in CORE_PLACEMENTS {
        let schema = read_schema(site, kind);
        let page = Page::read(site, path);
        let form = page.form(kind);
        let full = form.payload(b.honeypot);
        let d = form.describe();
        // Each required control, left out.
        for c in form.controls(b.honeypot).iter().filter(|c| c.required) {
            if c.name.starts_with("checklist__") {
                continue;
            }
            let mut missing = full.clone();
            missing.remove(&c.name);
            expect_invalid(&schema, &missing, &format!("{d} without `{}`", c.name));
        }
        for name in ["form", "page"] {
            let mut missing = full.clone();
            missing.remove(name);
            expect_invalid(
                &schema,
                &missing,
                &format!("{d} without the hidden `{name}`"),
            );
        }
        let mut stranger = full.clone();
        stranger.insert("ssn".into(), json!("123-45-6789"));
        expect_invalid(
            &schema,
            &stranger,
            &format!("{d} with a field the form does not have"),
        );
        let mut bot = full.clone();
        bot.insert(b.honeypot.into(), json!("https://spam.example"));
        expect_invalid(&schema, &bot, &format!("{d} with the honeypot filled"));
    }
    if b.phi_ok {
        let schema = read_schema(site, Kind::Referral);
        let page = Page::read(site, REFER_PAGE);
        let form = page.form(Kind::Referral);
        let mut odd = form.payload(b.honeypot);
        odd.insert("checklist__ekg".into(), json!("maybe"));
        expect_invalid(
            &schema,
            &odd,
            "a checklist answer outside enclosed/will_send/not_available",
        );
    }
}

/// The location choice (issue #23): on both forms where the service is seen
/// at two places, "No preference" first and chosen, except on the service's
/// page at one location, where that location is; the payload carries it
/// under the backend's name and the JSON Schema lists every location.
fn location_choice(b: &Backend, site: &SiteTest) {
    let name = b.name("location");
    let mut choices = vec!["any".to_owned()];
    choices.extend(LOCATIONS.map(str::to_owned));
    let selected = |form: &Form<'_>| -> Vec<String> {
        form.el
            .select(&sel(&format!("select[name={name}] option[selected]")))
            .filter_map(|o| o.value().attr("value").map(str::to_owned))
            .collect()
    };
    for (path, kind) in CORE_PLACEMENTS {
        let page = Page::read(site, path);
        let form = page.form(kind);
        let control = form.control(b.honeypot, name);
        assert_eq!(control.kind, "select", "{}", form.describe());
        assert!(
            !control.required,
            "{}: a choice, never required",
            form.describe()
        );
        assert_eq!(control.values, choices, "{}: the choices", form.describe());
        assert_eq!(
            selected(&form),
            ["any"],
            "{}: no preference",
            form.describe()
        );
    }
    for kind in [Kind::Referral, Kind::Appointment] {
        let schema = read_schema(site, kind);
        let property = schema_property(&schema, name);
        assert_eq!(
            schema_enum(property),
            Some(choices.clone()),
            "{kind:?}: {property}"
        );
        assert!(
            !schema_required(&schema).contains(name),
            "{kind:?}: optional"
        );
    }
    for (path, location) in AT_LOCATION.iter().zip(LOCATIONS) {
        let page = Page::read(site, path);
        for kind in [Kind::Referral, Kind::Appointment] {
            let form = page.form(kind);
            let d = form.describe();
            assert_eq!(
                selected(&form),
                [location],
                "{d}: the page's location is chosen"
            );
            assert_eq!(
                form.hidden().get("service").map(String::as_str),
                Some(SERVICE),
                "{d}: the service is known"
            );
            let schema = read_schema(site, kind);
            let mut payload = form.payload(b.honeypot);
            payload.insert(name.to_owned(), json!(location));
            expect_valid(&schema, &payload, &d);
            payload.insert(name.to_owned(), json!("nowhere"));
            expect_invalid(&schema, &payload, &format!("{d} with an unknown location"));
        }
    }
}

/// The NPI: 10 digits. The schema cannot check the check digit (the script does).
fn npi_pattern(b: &Backend, site: &SiteTest) {
    let schema = read_schema(site, Kind::Referral);
    let page = Page::read(site, REFER_PAGE);
    let form = page.form(Kind::Referral);
    let npi = form.control(b.honeypot, "clinician_npi");
    assert!(
        npi.npi,
        "the NPI field carries data-npi for the script's check-digit test"
    );
    assert_eq!(npi.maxlength, Some(10));
    let payload = form.payload(b.honeypot);
    for (value, ok) in [
        ("1234567893", true),
        ("", true),
        ("12345", false),
        ("12345678901", false),
        ("123456789a", false),
    ] {
        let mut p = payload.clone();
        p.insert("clinician_npi".into(), json!(value));
        if ok {
            expect_valid(&schema, &p, &format!("NPI {value:?}"));
        } else {
            expect_invalid(&schema, &p, &format!("NPI {value:?}"));
        }
    }
    let pattern = npi.pattern.expect("the NPI input has a pattern");
    let re = format!("^(?:{pattern})$");
    let check = json!({ "type": "string", "pattern": re });
    assert!(
        jsonschema::draft202012::is_valid(&check, &json!("1234567893")),
        "the HTML pattern {pattern:?} refuses 1234567893"
    );
    assert!(
        !jsonschema::draft202012::is_valid(&check, &json!("12345")),
        "the HTML pattern {pattern:?} accepts 12345"
    );
}

/// SPEC §7.2 "no patient data in a URL": every form on every page posts,
/// and no action's address carries a field of the form.
fn no_patient_data_in_urls(b: &Backend, site: &SiteTest) {
    let mut forms = 0;
    for rel in html_pages(site) {
        let source = site.read(&format!("public/{rel}"));
        let html = Html::parse_document(&source);
        for form in html.select(&sel("form")) {
            forms += 1;
            let method = form.value().attr("method").unwrap_or("get");
            assert!(
                method.eq_ignore_ascii_case("post"),
                "public/{rel}: a form with method={method:?}"
            );
            let action = form.value().attr("action").unwrap_or_default();
            let query = action.split_once('?').map_or("", |(_, q)| q);
            for input in form.select(&sel("input, select, textarea")) {
                let name = input.value().attr("name").unwrap_or_default();
                assert!(
                    name.is_empty() || !query.contains(&format!("{name}=")),
                    "public/{rel}: the action {action:?} carries the field `{name}`"
                );
            }
        }
    }
    assert!(
        forms >= 5,
        "{}: only {forms} forms in the whole site",
        b.case
    );
}

/// The policy's directives: name → sources.
fn csp_directives(policy: &str) -> BTreeMap<String, Vec<String>> {
    policy
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

/// The CSP source that allows posting to `action`: its origin, or `'self'`.
fn csp_source(action: &str) -> String {
    if action.starts_with('/') {
        return "'self'".to_owned();
    }
    let url = url::Url::parse(action)
        .unwrap_or_else(|e| panic!("the action {action:?} is not a URL: {e}"));
    url.origin().ascii_serialization()
}

/// SPEC §8: the Content-Security-Policy (in `_headers`, and as a `<meta>` on
/// pages with a form) lets the form reach its backend: `form-action`, and
/// `connect-src` when the script sends it.
fn csp_allows_the_backend(b: &Backend, site: &SiteTest) {
    let headers = site.expect_file("public/_headers");
    let header_policy = headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy:"))
        .unwrap_or_else(|| panic!("_headers has no Content-Security-Policy:\n{headers}"));
    for (path, kind) in CORE_PLACEMENTS {
        let page = Page::read(site, path);
        let form = page.form(kind);
        let source = csp_source(b.action(kind));
        let meta = page
            .html
            .select(&sel("meta[http-equiv]"))
            .find(|m| {
                m.value()
                    .attr("http-equiv")
                    .is_some_and(|h| h.eq_ignore_ascii_case("content-security-policy"))
            })
            .and_then(|m| m.value().attr("content"))
            .unwrap_or_else(|| panic!("{path}: a page with a form carries its CSP as a <meta> tag"))
            .to_owned();
        for (what, policy) in [
            ("the <meta> CSP", meta.as_str()),
            ("_headers", header_policy),
        ] {
            let directives = csp_directives(policy);
            let allows = |directive: &str| {
                directives
                    .get(directive)
                    .is_some_and(|s| s.contains(&source))
            };
            assert!(
                allows("form-action"),
                "{}: {what} does not allow form-action {source}: {policy}",
                form.describe()
            );
            if b.transport == "fetch" {
                assert!(
                    allows("connect-src"),
                    "{}: {what} does not allow connect-src {source}: {policy}",
                    form.describe()
                );
            }
        }
    }
}

// ---- the updates sign-up (issue #20) ----------------------------------------------

/// The partner program's page, where the updates sign-up is.
const PARTNERS_PAGE: &str = "/partners/";

/// The updates sign-up of `/partners/`: the backend's action, hidden
/// fields, attributes and honeypot, as the other forms; contact fields
/// only, under the backend's names; a schema of its own that takes what
/// the form sends and refuses what it cannot; and its own thanks page.
fn updates_form(b: &Backend, site: &SiteTest) {
    let kind = Kind::Updates;
    let page = Page::read(site, PARTNERS_PAGE);
    let form = page.form(kind);
    assert_eq!(form.attr("action"), Some(b.action(kind)), "action");
    assert_eq!(form.attr("method"), Some("post"));
    assert_eq!(form.attr("data-form"), Some("updates"));
    assert_eq!(form.attr("data-transport"), Some(b.transport));
    assert_eq!(form.attr("data-thanks"), Some(kind.thanks()));
    for (name, value) in b.attributes(kind) {
        assert_eq!(form.attr(name), Some(*value), "`<form {name}>`");
    }
    assert_eq!(
        form.hidden(),
        expected_hidden(b, kind, PARTNERS_PAGE, None, ""),
        "hidden fields"
    );
    assert_eq!(form.inputs_named(b.honeypot).len(), 1, "one honeypot");
    let want: BTreeSet<String> = [
        "name",
        b.name("practice"),
        b.name("role"),
        b.name("email"),
        "specialties",
        "consent",
    ]
    .iter()
    .map(|n| (*n).to_owned())
    .collect();
    assert_eq!(form.control_names(b.honeypot), want, "the sign-up's fields");
    // Contact-only whatever the backend, `phi_ok` or not.
    for c in form.controls(b.honeypot) {
        assert!(
            !c.name.starts_with("patient") && c.name != "clinical_question",
            "`{}` asks about a patient",
            c.name
        );
    }
    let specialties = form.control(b.honeypot, "specialties");
    assert_eq!(
        specialties.values,
        [SERVICE],
        "one tick box per service line"
    );

    let schema = read_schema(site, kind);
    if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("{} is not a valid 2020-12 schema: {e}", kind.schema_file());
    }
    assert_eq!(
        schema["$id"],
        json!(format!("{BASE}/forms/updates.schema.json"))
    );
    let full = form.payload(b.honeypot);
    expect_valid(&schema, &full, "the updates sign-up, every field filled");
    let mut no_email = full.clone();
    no_email.remove(b.name("email"));
    expect_invalid(&schema, &no_email, "the updates sign-up without an email");
    let mut unknown = full;
    unknown.insert("specialties".into(), json!(["dermatology"]));
    expect_invalid(&schema, &unknown, "a service line the site does not have");

    let thanks = Page::read(site, kind.thanks());
    assert!(
        thanks.forms().is_empty(),
        "{}: a thanks page has no form",
        kind.thanks()
    );
}

/// Issue 23: a trial's page carries the appointment form with the visit a
/// trial question and the trial's slug in the hidden `trial` field (a
/// canonical field of the schema), landing on the trial's thanks page,
/// which names the trial's contact.
fn trial_page_asks_the_trial_team(b: &Backend, site: &SiteTest) {
    let page = Page::read(site, TRIAL_PAGE);
    let form = page.form(Kind::Appointment);
    let to_trial = |v: String| v.replace(Kind::Appointment.thanks(), TRIAL_THANKS);
    let mut want = expected_hidden(b, Kind::Appointment, TRIAL_PAGE, Some(SERVICE), "");
    want.insert("trial".into(), TRIAL.into());
    for v in want.values_mut() {
        *v = to_trial(std::mem::take(v));
    }
    if b.subject {
        want.insert(
            "_subject".into(),
            format!("Appointment request: clinical trial {TRIAL_TITLE}"),
        );
    }
    assert_eq!(form.hidden(), want, "{}: hidden fields", form.describe());
    assert_eq!(form.attr("data-thanks"), Some(TRIAL_THANKS));
    let checked: Vec<_> = form
        .el
        .select(&sel("input[name=visit_type][checked]"))
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert_eq!(checked, ["clinical_trial"], "{}", form.describe());
    let schema = read_schema(site, Kind::Appointment);
    assert_eq!(
        schema_enum(schema_property(&schema, "trial")),
        Some(vec![String::new(), TRIAL.to_owned()]),
        "the schema's `trial`"
    );
    let payload = form.payload(b.honeypot);
    assert_eq!(payload.get("trial"), Some(&json!(TRIAL)));
    expect_valid(&schema, &payload, &form.describe());
    let thanks = Page::read(site, TRIAL_THANKS);
    assert!(
        thanks.text().contains("Nora Vance, Research nurse"),
        "{TRIAL_THANKS} does not name the trial's contact: {}",
        thanks.text()
    );
}

/// One check of a backend's build.
type Check = fn(&Backend, &SiteTest);

/// The checks every backend's build must pass, by name.
const SUITE: [(&str, Check); 21] = [
    ("action_and_method", action_and_method),
    ("referral_form_fields", referral_form_fields),
    ("checklist_boxes", checklist_boxes),
    ("appointment_form_fields", appointment_form_fields),
    ("hidden_fields", hidden_fields),
    (
        "reason_page_has_both_forms_with_the_reason",
        reason_page_has_both_forms_with_the_reason,
    ),
    ("honeypot", honeypot),
    ("labels", labels),
    ("autocomplete", autocomplete),
    ("constraints_match_schema", constraints_match_schema),
    ("schemas_are_valid", schemas_are_valid),
    ("payloads_are_accepted", payloads_are_accepted),
    (
        "blank_optional_fields_are_accepted",
        blank_optional_fields_are_accepted,
    ),
    ("bad_payloads_are_refused", bad_payloads_are_refused),
    ("npi_pattern", npi_pattern),
    ("csp_allows_the_backend", csp_allows_the_backend),
    ("no_patient_data_in_urls", no_patient_data_in_urls),
    ("insurance_question", insurance_question),
    ("updates_form", updates_form),
    (
        "trial_page_asks_the_trial_team",
        trial_page_asks_the_trial_team,
    ),
    ("location_choice", location_choice),
];

/// The appointment form's insurance question: optional, the plan's name
/// only (the hint says a member ID is never asked), a choice of the plans
/// `[organization] insurance` lists plus self-pay and "other / not sure"
/// (free text without a list), and in the JSON Schema with the same values,
/// left blank included. No control of either form asks for a member or
/// policy number.
fn insurance_question(b: &Backend, site: &SiteTest) {
    let page = Page::read(site, APPOINTMENT_PAGE);
    let form = page.form(Kind::Appointment);
    let d = form.describe();
    let name = b.name("insurance");
    let control = form.control(b.honeypot, name);
    assert!(!control.required, "{d}: the insurance question is optional");
    let toml = site.read("site.toml");
    let plans: Vec<String> = toml
        .lines()
        .find_map(|l| l.strip_prefix("insurance = "))
        .map(|list| {
            list.trim_matches(['[', ']'])
                .split(',')
                .map(|p| p.trim().trim_matches('"').to_owned())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let schema = read_schema(site, Kind::Appointment);
    let mut payload = form.payload(b.honeypot);
    if plans.is_empty() {
        assert_eq!(
            control.kind, "text",
            "{d}: free text without a list of plans"
        );
    } else {
        assert_eq!(control.kind, "select", "{d}: a choice of the listed plans");
        let mut expected = vec![String::new()];
        expected.extend(plans.iter().cloned());
        expected.extend(["self_pay".to_owned(), "not_sure".to_owned()]);
        assert_eq!(control.values, expected, "{d}: the insurance choices");
        for value in &control.values {
            payload.insert(name.to_owned(), json!(value));
            expect_valid(&schema, &payload, &format!("{d} with insurance `{value}`"));
        }
        payload.insert(name.to_owned(), json!("Some other plan"));
        expect_invalid(&schema, &payload, &format!("{d} with a plan not listed"));
    }
    let help = form
        .el
        .select(&sel(&format!("#{}-help", control.ids[0])))
        .next()
        .map(|h| h.text().collect::<String>())
        .unwrap_or_default();
    assert!(
        help.contains("never your member ID"),
        "{d}: the insurance question says it never asks for a member ID: {help:?}"
    );
    for (path, kind) in CORE_PLACEMENTS {
        let page = Page::read(site, path);
        let form = page.form(kind);
        for c in form.controls(b.honeypot) {
            let n = c.name.to_lowercase();
            for word in ["member", "policy", "subscriber", "group_number"] {
                assert!(
                    !n.contains(word),
                    "{}: `{}` asks for a {word}",
                    form.describe(),
                    c.name
                );
            }
        }
    }
}

/// The panic message of a failed check.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(a panic without a message)".to_owned())
}

/// Builds the backend's fixture once and runs every check of [`SUITE`] on
/// that build. A failing check does not hide the others: the test fails
/// with each failing check's name and message.
fn run_suite(b: &Backend) {
    let site = b.build();
    let failed: Vec<String> = SUITE
        .iter()
        .filter_map(|(name, check)| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(b, &site)))
                .err()
                .map(|payload| format!("--- {name}\n{}", panic_text(payload.as_ref())))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "forms/{}: {} of {} checks failed\n{}",
        b.case,
        failed.len(),
        SUITE.len(),
        failed.join("\n")
    );
}

macro_rules! backend_suite {
    ($($name:ident => $backend:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            run_suite(&$backend)
        }
    )*};
}

backend_suite! {
    webhook_form => WEBHOOK_FORM,
    webhook_json => WEBHOOK_JSON,
    formspree => FORMSPREE,
    netlify => NETLIFY,
    hubspot => HUBSPOT,
    salesforce => SALESFORCE,
    phi_off => PHI_OFF,
}

// ---- backend specifics ---------------------------------------------------------

#[test]
fn hubspot_needs_the_script_and_says_so_without_it() {
    let site = HUBSPOT.build();
    let page = Page::read(&site, REFER_PAGE);
    let form = page.form(Kind::Referral);
    assert_eq!(form.attr("data-backend"), Some("hubspot"));
    let noscript = form.el.select(&sel("noscript")).next();
    assert!(
        noscript.is_some_and(|n| n.inner_html().to_lowercase().contains("javascript")),
        "a HubSpot form only works with JavaScript: it must say so in <noscript>"
    );
}

#[test]
fn field_names_renames_reach_form_and_schema() {
    let site = HUBSPOT.build();
    let page = Page::read(&site, REFER_PAGE);
    let form = page.form(Kind::Referral);
    let names = form.control_names(HUBSPOT.honeypot);
    assert!(
        names.contains("email"),
        "the renamed field `email` is missing: {names:?}"
    );
    assert!(
        !names.contains("clinician_email"),
        "`clinician_email` was not renamed: {names:?}"
    );
    let email = form.control(HUBSPOT.honeypot, "email");
    assert_eq!(
        email.autocomplete.as_deref(),
        Some("work email"),
        "a rename keeps the clinician's token"
    );
    let schema = read_schema(&site, Kind::Referral);
    assert!(
        schema["properties"].get("email").is_some(),
        "the schema lacks `email`"
    );
    assert!(
        schema["properties"].get("clinician_email").is_none(),
        "the schema still has `clinician_email`"
    );
    assert!(
        schema_required(&schema).contains("email"),
        "the renamed field stays required"
    );
}

// ---- phi_ok = false ---------------------------------------------------------------

const PATIENT_FIELDS: [&str; 4] = [
    "patient_name",
    "patient_dob",
    "patient_phone",
    "clinical_question",
];

fn expect_contact_only(case: &str) {
    let site = built(case);
    for (path, kind) in CORE_PLACEMENTS {
        let page = Page::read(&site, path);
        let form = page.form(kind);
        for el in form.el.select(&sel("input, select, textarea")) {
            let name = el.value().attr("name").unwrap_or_default();
            assert!(
                !PATIENT_FIELDS.contains(&name) && !name.starts_with("checklist__"),
                "{case}: {} has the patient field `{name}` without phi_ok",
                form.describe()
            );
        }
    }
    let schema = read_schema(&site, Kind::Referral);
    for name in PATIENT_FIELDS {
        assert!(
            schema["properties"].get(name).is_none(),
            "{case}: the referral schema has `{name}`"
        );
    }
    // The page says where records and patient details go instead.
    let page = Page::read(&site, REFER_PAGE);
    let text = page.text();
    let form_at = text.find("Send referral").unwrap_or(text.len());
    let before_form = &text[..form_at];
    for needle in [
        "(555) 010-0141",
        "cardiology-referrals@riverside-heart.example",
    ] {
        assert!(
            before_form.contains(needle),
            "{case}: {REFER_PAGE} does not tell to send records to {needle}:\n{text}"
        );
    }
    assert!(
        text.contains("contact details only") || text.contains("patient details"),
        "{case}: {REFER_PAGE} must say that the form sends no patient data:\n{text}"
    );
    let hub = Page::read(&site, HUB_PAGE).text();
    assert!(
        hub.to_lowercase().contains("fax"),
        "{case}: /refer/ must say how to send records:\n{hub}"
    );
}

#[test]
fn phi_off_referral_form_is_contact_only() {
    expect_contact_only("forms/phi-off");
}

#[test]
fn formspree_referral_form_is_contact_only() {
    expect_contact_only("forms/formspree");
}

#[test]
fn netlify_referral_form_is_contact_only() {
    expect_contact_only("forms/netlify");
}

// ---- no [intake] ---------------------------------------------------------------------

/// Every HTML file under public/, as a page path (`/refer/`) or file path.
fn html_pages(site: &SiteTest) -> Vec<String> {
    let public = site.public();
    walkdir::WalkDir::new(&public)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(&public)
                .expect("under public/")
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn without_intake_there_is_no_form_anywhere() {
    let site = built("forms/no-intake");
    let pages = html_pages(&site);
    assert!(pages.len() > 5, "too few pages: {pages:?}");
    for rel in &pages {
        let source = site.read(&format!("public/{rel}"));
        let html = Html::parse_document(&source);
        assert!(
            html.select(&sel("form")).next().is_none(),
            "public/{rel} has a <form> without [intake]"
        );
        assert!(
            !source.contains("js/forms"),
            "public/{rel} loads the form script without [intake]"
        );
    }
    site.expect_no_file("public/forms/referral.schema.json");
    site.expect_no_file("public/forms/appointment.schema.json");
}

#[test]
fn without_intake_refer_pages_offer_phone_and_fax() {
    let site = built("forms/no-intake");
    let tel = |page: &Page, number: &str| {
        page.html
            .select(&sel(&format!("a[href=\"tel:{number}\"]")))
            .next()
            .is_some()
    };
    let refer = Page::read(&site, REFER_PAGE);
    assert!(
        tel(&refer, "+15550100140"),
        "{REFER_PAGE}: no phone link to the referral line"
    );
    let text = refer.text();
    for needle in [
        "(555) 010-0141",
        "cardiology-referrals@riverside-heart.example",
    ] {
        assert!(
            text.contains(needle),
            "{REFER_PAGE} lacks {needle}:\n{text}"
        );
    }
    let hub = Page::read(&site, HUB_PAGE);
    assert!(tel(&hub, "+15550100140"), "/refer/: no phone link");
    assert!(
        hub.text().contains("(555) 010-0141"),
        "/refer/: no fax number:\n{}",
        hub.text()
    );
    let appointment = Page::read(&site, APPOINTMENT_PAGE);
    assert!(
        tel(&appointment, "+15550100100"),
        "/request-appointment/: no phone link"
    );
    assert!(
        appointment.text().contains("info@riverside-heart.example"),
        "/request-appointment/: no email:\n{}",
        appointment.text()
    );
}

// ---- thanks pages -----------------------------------------------------------------------

#[test]
fn thanks_pages_exist_and_carry_no_form() {
    for case in ["forms/webhook-form", "forms/no-intake"] {
        let site = built(case);
        for kind in [Kind::Referral, Kind::Appointment] {
            let page = Page::read(&site, kind.thanks());
            assert!(
                page.forms().is_empty(),
                "{case}: {} has a form",
                kind.thanks()
            );
            assert!(
                !page.source.contains("js/forms"),
                "{case}: {} loads the form script",
                kind.thanks()
            );
        }
        let refer = Page::read(&site, Kind::Referral.thanks()).text();
        for needle in [
            "We confirm receipt the same business day.",
            "(555) 010-0141",
        ] {
            assert!(
                refer.contains(needle),
                "{case}: /refer/thanks/ lacks {needle:?}:\n{refer}"
            );
        }
    }
}

#[test]
fn form_script_is_small() {
    let site = built("forms/webhook-form");
    let js = walkdir::WalkDir::new(site.public().join("js"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("forms"))
        .unwrap_or_else(|| {
            panic!(
                "no js/forms*.js in the output\n{}",
                crate::support::listing(site.work_dir())
            )
        });
    let size = std::fs::metadata(js.path()).expect("stat").len();
    assert!(
        size < 5 * 1024,
        "{} is {size} bytes; SPEC §7.2 allows under 5 KB",
        js.path().display()
    );
    let page = Page::read(&site, REFER_PAGE);
    let script = page
        .html
        .select(&sel("script[src]"))
        .find(|s| {
            s.value()
                .attr("src")
                .is_some_and(|src| src.contains("/js/forms"))
        })
        .expect("the refer page loads the form script");
    assert!(
        script.value().attr("defer").is_some() || script.value().attr("async").is_some(),
        "the form script must not block rendering"
    );
}

// ---- guardrails (SPEC §7.5) -----------------------------------------------------------

/// The no-intake fixture with `[intake]` set to `intake` (TOML lines).
fn with_intake(intake: &str) -> SiteTest {
    let site = SiteTest::fixture("forms/no-intake");
    let toml = site.read("site.toml");
    site.write("site.toml", &format!("{toml}\n[intake]\n{intake}\n"));
    site
}

/// A build that fails with exit 1 and writes nothing; returns its outcome.
fn refused(intake: &str) -> Outcome {
    with_intake(intake).expect_failed_build()
}

#[test]
fn guardrail_http_endpoint() {
    let out = refused(
        "backend = \"webhook\"\nendpoint = \"http://intake.riverside-heart.example/v1\"\nphi_ok = true",
    );
    out.diagnostic("E004")
        .in_file("site.toml")
        .mentions("endpoint")
        .mentions("http:");
}

#[test]
fn guardrail_http_loopback_endpoint_in_a_build() {
    // http to a loopback host is for `serve` only (SPEC §7.5).
    let out = refused("backend = \"webhook\"\nendpoint = \"http://127.0.0.1:8080/submit\"");
    out.diagnostic("E004")
        .mentions("endpoint")
        .mentions("serve");
}

#[test]
fn guardrail_relative_endpoint() {
    let out = refused("backend = \"webhook\"\nendpoint = \"/submit\"");
    out.diagnostic("E004")
        .in_file("site.toml")
        .mentions("endpoint")
        .mentions("/submit");
}

#[test]
fn guardrail_javascript_endpoint() {
    let out = refused("backend = \"webhook\"\nendpoint = \"javascript:alert(1)\"");
    out.diagnostic("E004")
        .in_file("site.toml")
        .mentions("endpoint")
        .mentions("javascript:");
}

#[test]
fn guardrail_formspree_without_form_id() {
    let out = refused("backend = \"formspree\"");
    out.diagnostic("E003")
        .in_file("site.toml")
        .mentions("form_id");
}

#[test]
fn guardrail_hubspot_without_portal_id() {
    let out = refused(
        "backend = \"hubspot\"\nform_guids = { referral = \"0a1b2c3d-1111-4222-8333-944455556666\", appointment = \"7e8f9a0b-2222-4333-8444-a55566667777\" }",
    );
    out.diagnostic("E003")
        .in_file("site.toml")
        .mentions("portal_id");
}

#[test]
fn guardrail_salesforce_without_oid() {
    let out = refused("backend = \"salesforce\"");
    out.diagnostic("E003").in_file("site.toml").mentions("oid");
}

#[test]
fn guardrail_phi_with_formspree() {
    let out = refused("backend = \"formspree\"\nform_id = \"xqkrvbza\"\nphi_ok = true");
    out.diagnostic("E004")
        .in_file("site.toml")
        .mentions("phi_ok")
        .mentions("formspree");
}

#[test]
fn guardrail_phi_with_netlify() {
    let out = refused("backend = \"netlify\"\nphi_ok = true");
    out.diagnostic("E004")
        .in_file("site.toml")
        .mentions("phi_ok")
        .mentions("netlify");
}

#[test]
fn guardrail_unknown_backend_gets_a_hint() {
    let out =
        refused("backend = \"webhok\"\nendpoint = \"https://intake.riverside-heart.example/v1\"");
    out.diagnostic("E004")
        .in_file("site.toml")
        .mentions("backend")
        .mentions("webhok")
        .mentions("did you mean `webhook`?");
}

#[test]
fn guardrail_forms_need_a_privacy_policy() {
    // SPEC §3: `privacy_policy` is "required when forms are on".
    let site = with_intake(
        "backend = \"webhook\"\nendpoint = \"https://intake.riverside-heart.example/v1\"",
    );
    let toml = site
        .read("site.toml")
        .replace("privacy_policy = \"/privacy/\"\n", "");
    site.write("site.toml", &toml);
    let out = site.expect_failed_build();
    out.diagnostic_any(&["E003", "E004"])
        .in_file("site.toml")
        .mentions("privacy_policy");
}

/// Issue #19: on every page of the example site, a form shows at most 15
/// questions before its folded "More details" part (a radio or tick-box
/// group is one question), and asks nothing twice: a checklist item the
/// form asks itself (`clinical-question`) is not among the records.
#[test]
fn example_forms_are_short_and_ask_each_question_once() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let mut forms_seen = 0;
    for entry in walkdir::WalkDir::new(site.public()) {
        let entry = entry.expect("walk");
        if entry.file_name() != "index.html" {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(entry.path()).expect("read"));
        for form in html.select(&sel("form.intake-form")) {
            forms_seen += 1;
            let at = entry.path().display().to_string();
            let mut shown = BTreeSet::new();
            for el in form.select(&sel("input:not([type=hidden]), select, textarea")) {
                let folded = el.ancestors().filter_map(ElementRef::wrap).any(|a| {
                    a.value().name() == "details" || a.value().classes().any(|c| c == "hp")
                });
                if !folded {
                    shown.insert(el.value().attr("name").unwrap_or_default().to_owned());
                }
            }
            assert!(
                shown.len() <= 15,
                "{at}: {} questions before \"More details\": {shown:?}",
                shown.len()
            );
            let records: Vec<&str> = form
                .select(&sel("input[name=records_enclosed]"))
                .filter_map(|i| i.value().attr("value"))
                .collect();
            let asked: BTreeSet<String> = form
                .select(&sel("[name]"))
                .filter_map(|e| e.value().attr("name"))
                .map(|n| n.replace('_', "-"))
                .collect();
            for id in records {
                assert!(
                    !asked.contains(id),
                    "{at}: the records list asks `{id}`, which the form asks itself"
                );
            }
        }
    }
    assert!(
        forms_seen > 10,
        "only {forms_seen} forms in the example site"
    );
}
