//! Forms (SPEC §7): [`Site`] + `[intake]` → a [`FormSpec`] per form and page,
//! and a JSON Schema (2020-12) per form kind.
//!
//! One list of canonical fields drives the markup (through templates), the
//! schema the backend validates against, and the local intake sink of
//! `serve`; renames from `[intake.field_names]` are applied once, here.
//! Patient fields exist only when the site declares `phi_ok = true`
//! (a backend under a business associate agreement). Emits no HTML.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::config::{Backend, Encoding, Intake};
pub use crate::model::FormKind;
use crate::model::Site;

/// How an input looks and what it accepts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Input {
    Text,
    Email,
    Tel,
    Date,
    Textarea,
    Select { options: Vec<Choice> },
    Radio { options: Vec<Choice> },
    Checkbox { value: String },
    Hidden { value: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field as the form sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The name sent to the backend (after `[intake.field_names]`).
    pub name: String,
    /// The canonical name (`clinician_email`), stable across backends.
    pub canonical: String,
    /// An HTML id, unique on the page.
    pub id: String,
    pub label: String,
    pub help: Option<String>,
    pub input: Input,
    pub required: bool,
    pub maxlength: Option<usize>,
    /// HTML `pattern` (without anchors, as browsers apply it whole).
    pub pattern: Option<String>,
    pub autocomplete: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fieldset {
    pub legend: String,
    pub help: Option<String>,
    pub fields: Vec<Field>,
}

/// Everything a template needs to print one form on one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormSpec {
    pub kind: FormKind,
    /// Unique on the page: `referral-form`.
    pub id: String,
    pub action: String,
    pub method: &'static str,
    /// `native`: a normal POST; `fetch`: the script sends JSON (the form
    /// still POSTs natively when JavaScript is off, where the backend allows).
    pub transport: &'static str,
    /// Extra attributes on `<form>` (netlify's), sorted.
    pub attributes: Vec<(String, String)>,
    pub hidden: Vec<Field>,
    pub honeypot: String,
    pub fieldsets: Vec<Fieldset>,
    pub submit_label: String,
    pub thanks_path: String,
    /// The patient-data fields are present (a BAA covers the backend).
    pub phi_ok: bool,
    /// The backend accepts only JSON: without JavaScript the form cannot send.
    pub needs_script: bool,
    /// For the script: JSON field mapping of a fetch backend.
    pub backend: &'static str,
}

/// Where a form sits: which page, and what it already knows.
#[derive(Debug, Clone, Default)]
pub struct Placement<'a> {
    /// Root-relative path of the page.
    pub page: &'a str,
    /// Index into `site.services`, when the page is about one service line.
    pub service: Option<usize>,
    /// Index into `site.referrals`, on a referral-reason page.
    pub reason: Option<usize>,
    /// `handoff serve` without `--real-intake`: post to the local sink
    /// `/_intake/<form>` instead of the configured backend.
    pub local: bool,
}

const NAME_MAX: usize = 100;
const PHONE_MAX: usize = 30;
const EMAIL_MAX: usize = 254;
const QUESTION_MAX: usize = 1000;

/// NPI: 10 digits (the check digit is verified by the script, SPEC §7.1).
pub const NPI_PATTERN: &str = "[0-9]{10}";
// Escaped so it is valid with the `v` flag browsers now apply to `pattern`
// and in JSON Schema (ECMA-262) alike.
const PHONE_PATTERN: &str = "[0-9+\\(\\)\\-. ]{7,30}";
const DATE_PATTERN: &str = "[0-9]{4}-[0-9]{2}-[0-9]{2}";

pub const CHECKLIST_PREFIX: &str = "checklist__";
pub const CHECKLIST_STATES: [(&str, &str); 3] = [
    ("enclosed", "Sent with this referral"),
    ("will_send", "Will send"),
    ("not_available", "Not available"),
];

/// Fields the script fills at submit time (SPEC §7.2); present and empty in the markup.
pub const TRACKING: [&str; 4] = ["utm_source", "utm_medium", "utm_campaign", "referrer_host"];

fn field(canonical: &str, label: &str, input: Input) -> Field {
    Field {
        name: canonical.to_owned(),
        canonical: canonical.to_owned(),
        id: String::new(),
        label: label.to_owned(),
        help: None,
        input,
        required: false,
        maxlength: None,
        pattern: None,
        autocomplete: None,
    }
}

impl Field {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn max(mut self, n: usize) -> Self {
        self.maxlength = Some(n);
        self
    }
    fn auto(mut self, token: &str) -> Self {
        self.autocomplete = Some(token.to_owned());
        self
    }
    fn pattern(mut self, p: &str) -> Self {
        self.pattern = Some(p.to_owned());
        self
    }
    fn help(mut self, h: &str) -> Self {
        self.help = Some(h.to_owned());
        self
    }
}

fn choices(options: &[(&str, &str)], selected: Option<&str>) -> Vec<Choice> {
    options
        .iter()
        .map(|(v, l)| Choice {
            value: (*v).to_owned(),
            label: (*l).to_owned(),
            selected: selected == Some(*v),
        })
        .collect()
}

/// The service field: hidden when the page knows the service, else a select.
/// `not_sure` adds a "Not sure" choice: patients often cannot name a service.
fn service_field(site: &Site, at: &Placement<'_>, not_sure: bool) -> Field {
    match at.service {
        Some(i) => field(
            "service",
            "Service line",
            Input::Hidden {
                value: site.services[i].slug.clone(),
            },
        ),
        None => {
            let mut options = vec![Choice {
                value: String::new(),
                label: "Choose a service line".into(),
                selected: true,
            }];
            options.extend(site.services.iter().map(|s| Choice {
                value: s.slug.clone(),
                label: s.title.clone(),
                selected: false,
            }));
            if not_sure {
                options.push(Choice {
                    value: "not_sure".into(),
                    label: "Not sure: please help me choose".into(),
                    selected: false,
                });
            }
            field("service", "Service line", Input::Select { options }).required()
        }
    }
}

fn referral_fieldsets(site: &Site, intake: &Intake, at: &Placement<'_>) -> Vec<Fieldset> {
    let clinician = Fieldset {
        legend: "You, the referring clinician".into(),
        help: None,
        fields: vec![
            field("clinician_name", "Your name", Input::Text)
                .required()
                .max(NAME_MAX)
                .auto("name"),
            field(
                "clinician_practice",
                "Practice or organization",
                Input::Text,
            )
            .required()
            .max(NAME_MAX)
            .auto("organization"),
            field("clinician_npi", "NPI (optional)", Input::Text)
                .max(10)
                .pattern(NPI_PATTERN)
                .help("10 digits; helps us match your practice")
                .auto("off"),
            field("clinician_phone", "Phone", Input::Tel)
                .required()
                .max(PHONE_MAX)
                .pattern(PHONE_PATTERN)
                .auto("work tel"),
            field("clinician_fax", "Fax", Input::Tel)
                .max(PHONE_MAX)
                .pattern(PHONE_PATTERN)
                .auto("off"),
            field("clinician_email", "Email", Input::Email)
                .required()
                .max(EMAIL_MAX)
                .auto("work email"),
        ],
    };
    let mut referral_fields = vec![service_field(site, at, false)];
    let urgency = match at.reason.map(|r| site.referrals[r].urgency) {
        Some(crate::content::Urgency::Priority) => "priority",
        _ => "routine",
    };
    referral_fields.push(
        field(
            "urgency",
            "How soon should we see the patient?",
            Input::Radio {
                options: choices(
                    &[
                        ("routine", "Routine"),
                        ("priority", "Priority (within a few days)"),
                    ],
                    Some(urgency),
                ),
            },
        )
        .required()
        .help("Urgent or emergent? Do not use this form: call the number on this page."),
    );
    let mut sets = vec![clinician];
    if intake.phi_ok {
        sets.push(Fieldset {
            legend: "The patient".into(),
            help: Some("Sent over an encrypted connection to our intake team only.".into()),
            fields: vec![
                field("patient_name", "Patient name", Input::Text)
                    .required()
                    .max(NAME_MAX)
                    .auto("off"),
                field("patient_dob", "Date of birth", Input::Date)
                    .required()
                    .max(10)
                    .pattern(DATE_PATTERN)
                    .auto("off"),
                field("patient_phone", "Patient phone", Input::Tel)
                    .max(PHONE_MAX)
                    .pattern(PHONE_PATTERN)
                    .auto("off"),
            ],
        });
        let reasons: Vec<usize> = match at.service {
            Some(s) => site.services[s].reasons.clone(),
            None => (0..site.referrals.len()).collect(),
        };
        let selected = at.reason.map(|r| site.referrals[r].slug.as_str());
        let mut options = vec![Choice {
            value: String::new(),
            label: "Choose a reason".into(),
            selected: selected.is_none(),
        }];
        options.extend(reasons.iter().map(|&r| {
            let reason = &site.referrals[r];
            Choice {
                value: reason.slug.clone(),
                label: reason.title.clone(),
                selected: selected == Some(reason.slug.as_str()),
            }
        }));
        options.push(Choice {
            value: "other".into(),
            label: "Other (describe below)".into(),
            selected: false,
        });
        referral_fields.push(
            field(
                "referral_reason",
                "Reason for referral",
                Input::Select { options },
            )
            .required(),
        );
        referral_fields.push(
            field(
                "clinical_question",
                "Your clinical question for our team",
                Input::Textarea,
            )
            .required()
            .max(QUESTION_MAX)
            .help("A sentence or two: what would you like us to answer or do?"),
        );
    }
    sets.push(Fieldset {
        legend: "The referral".into(),
        help: None,
        fields: referral_fields,
    });
    if intake.phi_ok {
        let checklist = at
            .reason
            .and_then(|r| site.referrals[r].checklist.as_deref())
            .or_else(|| {
                at.service
                    .and_then(|s| site.services[s].checklist.as_deref())
            })
            .and_then(|id| site.checklists.get(id));
        if let Some(c) = checklist {
            let mut fields: Vec<Field> = c
                .items
                .iter()
                .filter(|i| i.required)
                .chain(c.items.iter().filter(|i| !i.required))
                .map(|item| {
                    let f = field(
                        &format!("{CHECKLIST_PREFIX}{}", item.id),
                        &item.label,
                        Input::Radio {
                            options: choices(&CHECKLIST_STATES, None),
                        },
                    );
                    if item.required { f.required() } else { f }
                })
                .collect();
            fields.iter_mut().for_each(|f| f.autocomplete = None);
            sets.push(Fieldset {
                legend: "Records".into(),
                help: Some("Send records by fax, secure email or the portal; tell us here what is on its way.".into()),
                fields,
            });
        }
    }
    sets.push(Fieldset {
        legend: "How we reach you".into(),
        help: None,
        fields: vec![
            field(
                "preferred_contact",
                "Preferred way to reach you",
                Input::Radio {
                    options: choices(
                        &[("phone", "Phone"), ("fax", "Fax"), ("email", "Email")],
                        Some("phone"),
                    ),
                },
            )
            .required(),
        ],
    });
    sets
}

fn appointment_fieldsets(site: &Site, at: &Placement<'_>) -> Vec<Fieldset> {
    let you = Fieldset {
        legend: "About you".into(),
        help: Some(
            "Please do not include medical details here; our team will ask when they call.".into(),
        ),
        fields: vec![
            field("name", "Your name", Input::Text)
                .required()
                .max(NAME_MAX)
                .auto("name"),
            field("phone", "Phone", Input::Tel)
                .required()
                .max(PHONE_MAX)
                .pattern(PHONE_PATTERN)
                .auto("tel"),
            field("email", "Email (optional)", Input::Email)
                .max(EMAIL_MAX)
                .auto("email"),
            field(
                "preferred_contact",
                "Best way to reach you",
                Input::Radio {
                    options: choices(
                        &[("phone", "Phone call"), ("email", "Email")],
                        Some("phone"),
                    ),
                },
            )
            .required(),
            field(
                "best_time",
                "Best time to call",
                Input::Select {
                    options: choices(
                        &[
                            ("any", "Any time"),
                            ("morning", "Morning"),
                            ("afternoon", "Afternoon"),
                        ],
                        Some("any"),
                    ),
                },
            ),
        ],
    };
    let mut visit = vec![service_field(site, at, true)];
    visit.push(
        field(
            "visit_type",
            "What kind of visit?",
            Input::Radio {
                options: choices(
                    &[
                        ("new_consult", "New consultation"),
                        ("second_opinion", "Second opinion"),
                        ("follow_up", "Follow-up visit"),
                        ("clinical_trial", "A question about clinical trials"),
                        ("not_sure", "Not sure"),
                    ],
                    Some("new_consult"),
                ),
            },
        )
        .required(),
    );
    visit.push(
        field("referred_by", "Referred by (optional)", Input::Text)
            .max(NAME_MAX)
            .auto("off")
            .help("Your doctor's name, if a doctor sent you"),
    );
    if !site.locations.is_empty() {
        let mut options = vec![Choice {
            value: "any".into(),
            label: "No preference".into(),
            selected: true,
        }];
        options.extend(site.locations.iter().map(|l| Choice {
            value: l.slug.clone(),
            label: l.title.clone(),
            selected: false,
        }));
        visit.push(field(
            "preferred_location",
            "Preferred location",
            Input::Select { options },
        ));
    }
    let consent = Fieldset {
        legend: "Consent".into(),
        help: None,
        fields: vec![
            field(
                "consent",
                "I agree that the practice may contact me by phone or email about this request.",
                Input::Checkbox {
                    value: "yes".into(),
                },
            )
            .required(),
        ],
    };
    vec![
        you,
        Fieldset {
            legend: "Your visit".into(),
            help: None,
            fields: visit,
        },
        consent,
    ]
}

/// The honeypot's name, as each backend expects it.
fn honeypot(intake: &Intake) -> &'static str {
    match intake.backend {
        Backend::Formspree { .. } => "_gotcha",
        Backend::Netlify => "bot-field",
        Backend::Webhook { .. } | Backend::Hubspot { .. } | Backend::Salesforce { .. } => "website",
    }
}

/// Salesforce Web-to-Lead's standard names for the fields it has.
fn salesforce_name(canonical: &str) -> Option<&'static str> {
    match canonical {
        "clinician_name" | "name" => Some("last_name"),
        "clinician_practice" => Some("company"),
        "clinician_email" | "email" => Some("email"),
        "clinician_phone" | "phone" => Some("phone"),
        _ => None,
    }
}

/// The form for `kind` on the page `at`, or `None` without `[intake]`.
pub fn spec(site: &Site, kind: FormKind, at: &Placement<'_>) -> Option<FormSpec> {
    let intake = site.config.intake.as_ref()?;
    let base = site.config.base_url.as_str();
    let thanks_abs = format!("{base}{}", kind.thanks_path());
    let (action, transport, needs_script, backend) = match &intake.backend {
        Backend::Webhook { endpoint } => (
            endpoint.clone(),
            if intake.encoding == Encoding::Json {
                "fetch"
            } else {
                "native"
            },
            false,
            "webhook",
        ),
        Backend::Formspree { form_id } => (
            format!("https://formspree.io/f/{form_id}"),
            if intake.encoding == Encoding::Json {
                "fetch"
            } else {
                "native"
            },
            false,
            "formspree",
        ),
        Backend::Netlify => (kind.thanks_path().to_owned(), "native", false, "netlify"),
        Backend::Hubspot {
            portal_id,
            referral_guid,
            appointment_guid,
        } => {
            let guid = match kind {
                FormKind::Referral => referral_guid,
                FormKind::Appointment => appointment_guid,
            };
            (
                format!(
                    "https://api.hsforms.com/submissions/v3/integration/submit/{portal_id}/{guid}"
                ),
                "fetch",
                true,
                "hubspot",
            )
        }
        Backend::Salesforce { endpoint, .. } => (endpoint.clone(), "native", false, "salesforce"),
    };
    let action = if at.local {
        format!("/_intake/{}", kind.as_str())
    } else {
        action
    };
    let mut hidden = vec![
        field(
            "form",
            "Form",
            Input::Hidden {
                value: kind.as_str().to_owned(),
            },
        ),
        field(
            "page",
            "Page",
            Input::Hidden {
                value: at.page.to_owned(),
            },
        ),
        field(
            "reason",
            "Referral reason page",
            Input::Hidden {
                value: at
                    .reason
                    .map(|r| site.referrals[r].slug.clone())
                    .unwrap_or_default(),
            },
        ),
    ];
    hidden.extend(TRACKING.iter().map(|t| {
        field(
            t,
            t,
            Input::Hidden {
                value: String::new(),
            },
        )
    }));
    let mut attributes = Vec::new();
    match &intake.backend {
        Backend::Formspree { .. } => hidden.push(field(
            "_next",
            "Next page",
            Input::Hidden {
                value: thanks_abs.clone(),
            },
        )),
        Backend::Netlify => {
            hidden.push(field(
                "form-name",
                "Form name",
                Input::Hidden {
                    value: kind.as_str().to_owned(),
                },
            ));
            attributes.push(("data-netlify".to_owned(), "true".to_owned()));
            attributes.push(("name".to_owned(), kind.as_str().to_owned()));
            attributes.push(("netlify-honeypot".to_owned(), "bot-field".to_owned()));
        }
        Backend::Salesforce { oid, .. } => {
            hidden.push(field(
                "oid",
                "Organization id",
                Input::Hidden { value: oid.clone() },
            ));
            hidden.push(field(
                "retURL",
                "Return address",
                Input::Hidden {
                    value: thanks_abs.clone(),
                },
            ));
        }
        Backend::Webhook { .. } | Backend::Hubspot { .. } => {}
    }
    let mut fieldsets = match kind {
        FormKind::Referral => referral_fieldsets(site, intake, at),
        FormKind::Appointment => appointment_fieldsets(site, at),
    };
    // The service is known on this page: send it hidden.
    for set in &mut fieldsets {
        let (hid, shown): (Vec<Field>, Vec<Field>) = set
            .fields
            .drain(..)
            .partition(|f| matches!(f.input, Input::Hidden { .. }));
        hidden.extend(hid);
        set.fields = shown;
    }
    let prefix = kind.as_str();
    let rename = |f: &mut Field| {
        let renamed =
            intake
                .field_names
                .get(&f.canonical)
                .cloned()
                .or_else(|| match &intake.backend {
                    Backend::Salesforce { .. } => salesforce_name(&f.canonical).map(str::to_owned),
                    _ => None,
                });
        if let Some(n) = renamed {
            f.name = n;
        }
        f.id = format!(
            "{prefix}-{}",
            f.canonical.replace("__", "-").replace('_', "-")
        );
    };
    hidden.iter_mut().for_each(rename);
    fieldsets
        .iter_mut()
        .flat_map(|s| s.fields.iter_mut())
        .for_each(rename);
    Some(FormSpec {
        kind,
        id: format!("{prefix}-form"),
        action,
        method: "post",
        transport,
        attributes,
        hidden,
        honeypot: honeypot(intake).to_owned(),
        fieldsets,
        submit_label: match kind {
            FormKind::Referral => "Send referral".to_owned(),
            FormKind::Appointment => "Request appointment".to_owned(),
        },
        thanks_path: kind.thanks_path().to_owned(),
        phi_ok: intake.phi_ok,
        needs_script,
        backend,
    })
}

/// The JSON Schema of everything a form of `kind` can send, over all pages
/// (every service, every reason, every checklist item).
pub fn schema(site: &Site, kind: FormKind) -> Option<Value> {
    let intake = site.config.intake.as_ref()?;
    let mut properties: BTreeMap<String, Value> = BTreeMap::new();
    let mut required: BTreeMap<String, ()> = BTreeMap::new();
    // The hub's form (service unknown) has every field but the checklist;
    // each service page adds its checklist's items.
    let mut specs = vec![spec(
        site,
        kind,
        &Placement {
            page: "/",
            service: None,
            reason: None,
            local: false,
        },
    )?];
    // Placements differ in their fields only by the checklist shown and the
    // reason's urgency: one representative of each is enough, and keeps the
    // schema's cost flat as the site grows.
    let mut seen = std::collections::BTreeSet::new();
    let placements = site
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (i, None, s.checklist.as_deref(), None))
        .chain(site.referrals.iter().enumerate().map(|(i, r)| {
            (
                r.service,
                Some(i),
                r.checklist.as_deref(),
                Some(r.urgency.as_str()),
            )
        }));
    for (service, reason, checklist, urgency) in placements {
        if !seen.insert((reason.is_some(), checklist, urgency)) {
            continue;
        }
        specs.extend(spec(
            site,
            kind,
            &Placement {
                page: "/",
                service: Some(service),
                reason,
                local: false,
            },
        ));
    }
    let always_required = |f: &Field| f.required && !f.canonical.starts_with(CHECKLIST_PREFIX);
    for spec in &specs {
        for f in spec
            .hidden
            .iter()
            .chain(spec.fieldsets.iter().flat_map(|s| s.fields.iter()))
        {
            // Once per field name: a property lists every service or
            // reason, so building it per page would be quadratic.
            properties
                .entry(f.name.clone())
                .or_insert_with(|| property(site, f));
            if always_required(f) || matches!(f.canonical.as_str(), "form" | "page") {
                required.insert(f.name.clone(), ());
            }
        }
    }
    // The honeypot is sent (empty) by every form; people leave it empty.
    let hp = honeypot(intake);
    properties.insert(hp.to_owned(), json!({ "type": "string", "maxLength": 0, "description": "Honeypot: empty unless a bot filled it." }));
    let base = site.config.base_url.as_str();
    Some(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{base}/forms/{}.schema.json", kind.as_str()),
        "title": match kind { FormKind::Referral => "Clinician referral", FormKind::Appointment => "Appointment request" },
        "description": format!("What the {} form of {} sends to the intake backend. Checklist answers are named `{CHECKLIST_PREFIX}<item id>`.", kind.as_str(), site.config.title),
        "type": "object",
        "properties": properties,
        "required": required.keys().collect::<Vec<_>>(),
        "additionalProperties": false,
    }))
}

fn property(site: &Site, f: &Field) -> Value {
    let mut p = serde_json::Map::new();
    p.insert("type".into(), json!("string"));
    p.insert("title".into(), json!(f.label));
    let enum_of = |options: &[Choice]| {
        options
            .iter()
            .filter(|o| !o.value.is_empty())
            .map(|o| o.value.clone())
            .collect::<Vec<_>>()
    };
    match &f.input {
        Input::Select { options } | Input::Radio { options } => {
            let mut values = enum_of(options);
            if f.canonical == "service" {
                let not_sure = options.iter().any(|o| o.value == "not_sure");
                values = site.services.iter().map(|s| s.slug.clone()).collect();
                if not_sure {
                    values.push("not_sure".into());
                }
            }
            if f.canonical == "referral_reason" {
                values = site.referrals.iter().map(|r| r.slug.clone()).collect();
                values.push("other".into());
            }
            p.insert("enum".into(), json!(values));
        }
        Input::Checkbox { value } => {
            p.insert("const".into(), json!(value));
        }
        Input::Hidden { value } => match f.canonical.as_str() {
            "form" | "form-name" => {
                p.insert("const".into(), json!(value));
            }
            "service" => {
                p.insert(
                    "enum".into(),
                    json!(
                        site.services
                            .iter()
                            .map(|s| s.slug.clone())
                            .collect::<Vec<_>>()
                    ),
                );
            }
            "reason" => {
                let mut v: Vec<String> = site.referrals.iter().map(|r| r.slug.clone()).collect();
                v.insert(0, String::new());
                p.insert("enum".into(), json!(v));
            }
            "page" => {
                p.insert("pattern".into(), json!("^/[a-z0-9/_-]*$"));
            }
            _ => {
                p.insert("maxLength".into(), json!(200));
            }
        },
        Input::Email => {
            p.insert("format".into(), json!("email"));
        }
        Input::Date => {
            p.insert("format".into(), json!("date"));
        }
        Input::Text | Input::Tel | Input::Textarea => {}
    }
    if let Some(n) = f.maxlength {
        p.insert("maxLength".into(), json!(n));
    }
    if let Some(pat) = &f.pattern {
        p.insert("pattern".into(), json!(format!("^(?:{pat})$")));
    }
    if !f.required
        && (f.pattern.is_some() || matches!(f.input, Input::Email | Input::Date))
        && matches!(
            f.input,
            Input::Text | Input::Tel | Input::Email | Input::Date | Input::Textarea
        )
    {
        // An optional field is sent empty when left blank.
        // Empty, or a value that meets the field's pattern/format.
        return json!({ "title": f.label, "anyOf": [ { "type": "string", "maxLength": 0 }, Value::Object(p) ] });
    }
    Value::Object(p)
}

/// Luhn check of an NPI with the `80840` prefix (the card-issuer prefix the
/// NPI standard prepends), as the script does in the browser.
pub fn npi_is_valid(npi: &str) -> bool {
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = format!("80840{npi}")
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digit() {
        // CMS's published example NPI.
        assert!(npi_is_valid("1234567893"));
        assert!(!npi_is_valid("1234567890"));
        assert!(!npi_is_valid("123456789"));
        assert!(!npi_is_valid("12345678a3"));
    }
}
