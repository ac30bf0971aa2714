//! The browser round trip (issue #18, "Browser round trip" and "Setup
//! sheet"): for each backend fixture, headless Chromium fills in and submits
//! the REAL built referral form (a service's refer page) and appointment
//! form, and the test checks that every value the visitor typed or chose is
//! in what the backend's fake KEPT: under a mapped name, or as a
//! `Label: value` line of the digest (`message` for HubSpot, `description`
//! for Salesforce; a choice shows its option's label as the page shows it).
//! Nothing may be lost. The setup sheet (`handoff intake --format json`)
//! must name exactly what the browser sent.
//!
//! ```text
//!   test ── build (endpoint / HANDOFF_TEST_INTAKE_ORIGIN → fake) ── intake --format json
//!     │
//!     └─ Chromium ── GET  http://127.0.0.1:<site>/services/cardiology/refer/?utm_…
//!                    POST https://127.0.0.1:<fake>/…      (Netlify: the site itself)
//! ```
//!
//! The form is read from the built HTML (every control, its label, its
//! choices' labels) and filled in through WebDriver alone, so the same
//! filling works with JavaScript off. One browser per test, one test at a
//! time (`exclusive`), both forms in one browser.

use std::collections::BTreeSet;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::formspree::Formspree;
use super::hubspot::{DECLARED_BY_DEFAULT, HubSpot};
use super::netlify::NetlifySite;
use super::salesforce::Salesforce;
use super::webhook::Webhook;
use super::{Fake, Kept, form_pairs};
use crate::browser::{Browser, Request, STEP, SiteServer, bind_loopback, exclusive, port_of};
use crate::support::SiteTest;

const PORTAL: &str = "4455667";
const REFERRAL_GUID: &str = "0a1b2c3d-1111-4222-8333-944455556666";
const APPOINTMENT_GUID: &str = "7e8f9a0b-2222-4333-8444-a55566667777";
const OID: &str = "00D5e000000AbCd";
/// A custom HubSpot contact property the practice maps urgency to (and so
/// creates and declares on its forms).
const URGENCY_PROPERTY: &str = "referral_urgency";
const FORMSPREE_REFERRAL: &str = "xqkrvbza";
const FORMSPREE_APPOINTMENT: &str = "mbjnqwer";
const UTM: [(&str, &str); 3] = [
    ("utm_source", "newsletter"),
    ("utm_medium", "email"),
    ("utm_campaign", "spring"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Hubspot,
    Salesforce,
    Formspree,
    Netlify,
    WebhookForm,
    WebhookJson,
}

impl Backend {
    fn fixture(self) -> &'static str {
        match self {
            Backend::Hubspot => "forms/hubspot",
            Backend::Salesforce => "forms/salesforce",
            Backend::Formspree => "forms/formspree",
            Backend::Netlify => "forms/netlify",
            Backend::WebhookForm => "forms/webhook-form",
            Backend::WebhookJson => "forms/webhook-json",
        }
    }

    /// The id the backend files a submission under (`Kept::form`).
    fn account_form(self, page: &Page) -> &'static str {
        let referral = page.kind == "referral";
        match self {
            Backend::Hubspot if referral => REFERRAL_GUID,
            Backend::Hubspot => APPOINTMENT_GUID,
            Backend::Formspree if referral => FORMSPREE_REFERRAL,
            Backend::Formspree => FORMSPREE_APPOINTMENT,
            Backend::Salesforce => OID,
            Backend::Netlify | Backend::WebhookForm | Backend::WebhookJson => page.kind,
        }
    }
}

/// A page with a form.
struct Page {
    path: &'static str,
    /// `referral` or `appointment`: the form's kind, `#<kind>-form`.
    kind: &'static str,
    /// The service the page belongs to (its checklist items are on it).
    service: Option<&'static str>,
    thanks: &'static str,
}

const REFERRAL: Page = Page {
    path: "/services/cardiology/refer/",
    kind: "referral",
    service: Some("cardiology"),
    thanks: "/refer/thanks/",
};

const APPOINTMENT: Page = Page {
    path: "/request-appointment/",
    kind: "appointment",
    service: None,
    thanks: "/request-appointment/thanks/",
};

const PAGES: [&Page; 2] = [&REFERRAL, &APPOINTMENT];

impl Page {
    fn form_css(&self) -> String {
        format!("#{}-form", self.kind)
    }
}

// ---- a backend fixture, built against its fake and served ----------------------------

struct Scene {
    backend: Backend,
    /// The site's origin (`http://127.0.0.1:<port>`; `https` for Netlify,
    /// whose fake is the site).
    origin: String,
    intake: Fake,
    _server: Option<SiteServer>,
    site: SiteTest,
    /// `handoff intake --format json`.
    sheet: Value,
}

impl Scene {
    fn new(backend: Backend) -> Scene {
        let mut declared = DECLARED_BY_DEFAULT.to_vec();
        declared.push(URGENCY_PROPERTY);
        Scene::declaring(backend, &declared)
    }

    /// For HubSpot, `declared` are the fields declared on both HubSpot forms.
    fn declaring(backend: Backend, declared: &[&str]) -> Scene {
        let site_listener = bind_loopback();
        let site_port = port_of(&site_listener);
        let netlify = backend == Backend::Netlify;
        let scheme = if netlify { "https" } else { "http" };
        let origin = format!("{scheme}://127.0.0.1:{site_port}");
        let intake_listener = (!netlify).then(bind_loopback);
        let intake_origin = intake_listener.as_ref().map_or_else(
            || origin.clone(),
            |l| format!("https://127.0.0.1:{}", port_of(l)),
        );

        let site = SiteTest::fixture(backend.fixture());
        configure(&site, backend, &origin, &intake_origin);
        let env: Vec<(&str, &str)> = match backend {
            Backend::Hubspot | Backend::Formspree => {
                vec![("HANDOFF_TEST_INTAKE_ORIGIN", intake_origin.as_str())]
            }
            _ => Vec::new(),
        };
        site.run_with_env(&env, &["build"]).expect_success();
        let out = site.run_with_env(&env, &["intake", "--format", "json"]);
        out.expect_success();
        let sheet: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "`handoff intake --format json` is not JSON ({e})\n{}",
                out.report()
            )
        });

        let thanks = |page: &Page| (page.kind, format!("{origin}{}", page.thanks));
        let (intake, server) = match (backend, intake_listener) {
            (Backend::Netlify, _) => (
                Fake::start_on(site_listener, NetlifySite::deploy(&site.public())),
                None,
            ),
            (_, Some(listener)) => {
                let fake = match backend {
                    Backend::Hubspot => Fake::start_on(
                        listener,
                        HubSpot::new(PORTAL)
                            .form(REFERRAL_GUID, declared)
                            .form(APPOINTMENT_GUID, declared),
                    ),
                    Backend::Salesforce => Fake::start_on(listener, Salesforce::new(OID)),
                    Backend::Formspree => Fake::start_on(
                        listener,
                        Formspree::new(&[FORMSPREE_REFERRAL, FORMSPREE_APPOINTMENT]),
                    ),
                    _ => Fake::start_on(
                        listener,
                        Webhook::new(&[thanks(&REFERRAL), thanks(&APPOINTMENT)]),
                    ),
                };
                (fake, Some(SiteServer::start(site_listener, site.public())))
            }
            (_, None) => unreachable!("only Netlify has no listener of its own"),
        };
        Scene {
            backend,
            origin,
            intake,
            _server: server,
            site,
            sheet,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The sheet's entry for one form.
    fn sheet_form(&self, kind: &str) -> &Value {
        self.sheet["forms"]
            .as_array()
            .and_then(|forms| forms.iter().find(|f| f["form"] == json!(kind)))
            .unwrap_or_else(|| panic!("the setup sheet has no form {kind:?}: {:#}", self.sheet))
    }

    /// The canonical field a control of `page` named `name` carries: its
    /// own name, or what the sheet says a backend-named control carries.
    fn canonical(&self, page: &Page, name: &str) -> String {
        let fields = self.sheet_fields(page);
        if fields
            .iter()
            .any(|f| strings(&f["carries"]).iter().any(|c| c == name))
        {
            return name.to_owned();
        }
        fields
            .iter()
            .find(|f| f["name"] == json!(name))
            .and_then(|f| strings(&f["carries"]).into_iter().next())
            .unwrap_or_else(|| name.to_owned())
    }

    /// A service's title, as its page and the digest show it.
    fn service_title(&self, slug: &str) -> String {
        self.site
            .read(&format!("content/services/{slug}.md"))
            .lines()
            .find_map(|l| l.strip_prefix("title:"))
            .map(|t| t.trim().trim_matches('"').to_owned())
            .unwrap_or_else(|| panic!("content/services/{slug}.md has no title"))
    }

    /// The sheet's fields that apply to `page` (absent `services`: every page).
    fn sheet_fields(&self, page: &Page) -> Vec<&Value> {
        self.sheet_form(page.kind)["fields"]
            .as_array()
            .unwrap_or_else(|| panic!("the sheet's {} form has no fields", page.kind))
            .iter()
            .filter(|f| match f["services"].as_array() {
                None => true,
                Some(services) => page
                    .service
                    .is_some_and(|s| services.iter().any(|x| x == &json!(s))),
            })
            .collect()
    }
}

/// Points the fixture's site.toml at this machine: `base_url` at the site
/// server, the backend at its fake.
fn configure(site: &SiteTest, backend: Backend, origin: &str, intake: &str) {
    let toml = site.read("site.toml");
    let mut out = Vec::new();
    for line in toml.lines() {
        if line.starts_with("base_url") {
            out.push(format!("base_url = \"{origin}\""));
            continue;
        }
        if line.starts_with("endpoint =") || line.starts_with("form_id =") {
            continue;
        }
        out.push(line.to_owned());
        if line == "[intake.field_names]" && backend == Backend::Hubspot {
            out.push(format!("urgency = \"{URGENCY_PROPERTY}\""));
        }
        if line.starts_with("backend =") {
            match backend {
                Backend::Salesforce => out.push(format!(
                    "endpoint = \"{intake}/servlet/servlet.WebToLead?encoding=UTF-8\""
                )),
                Backend::WebhookForm | Backend::WebhookJson => {
                    out.push(format!("endpoint = \"{intake}/submit\""));
                }
                Backend::Formspree => out.push(format!(
                    "form_ids = {{ referral = \"{FORMSPREE_REFERRAL}\", appointment = \"{FORMSPREE_APPOINTMENT}\" }}"
                )),
                Backend::Hubspot | Backend::Netlify => {}
            }
        }
    }
    site.write("site.toml", &(out.join("\n") + "\n"));
}

// ---- the form as built -----------------------------------------------------------------

/// One control of the built form.
#[derive(Clone, Debug)]
struct Control {
    name: String,
    /// `text`, `email`, `tel`, `date`, `textarea`, `select`, `radio`,
    /// `checkbox`, `hidden`.
    kind: String,
    /// As the page shows it, "(required)" left out.
    label: String,
    /// A hidden field's value; a checkbox's value.
    value: String,
    /// Choices: (value, label, selected).
    options: Vec<(String, String, bool)>,
}

/// The controls of `page`'s form in the built site, and its honeypot's name.
fn controls(site: &SiteTest, page: &Page) -> (Vec<Control>, Option<String>) {
    let html = site.read(&format!("public{}index.html", page.path));
    let doc = scraper::Html::parse_document(&html);
    let sel = |css: &str| scraper::Selector::parse(css).expect("a selector");
    let form = doc
        .select(&sel(&page.form_css()))
        .next()
        .unwrap_or_else(|| panic!("no {} on {}", page.form_css(), page.path));
    let text = |el: scraper::ElementRef<'_>| {
        el.text()
            .collect::<String>()
            .replace("(required)", "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let label_for = |id: &str| {
        doc.select(&sel(&format!("label[for=\"{id}\"]")))
            .next()
            .map(text)
            .unwrap_or_default()
    };
    let mut out: Vec<Control> = Vec::new();
    let mut honeypot = None;
    for el in form.select(&sel("input[name], select[name], textarea[name]")) {
        let v = el.value();
        let name = v.attr("name").unwrap_or_default().to_owned();
        let in_honeypot = el
            .ancestors()
            .filter_map(scraper::ElementRef::wrap)
            .any(|a| a.value().classes().any(|c| c == "hp"));
        if in_honeypot {
            honeypot = Some(name);
            continue;
        }
        let kind = match v.name() {
            "select" => "select".to_owned(),
            "textarea" => "textarea".to_owned(),
            _ => v.attr("type").unwrap_or("text").to_owned(),
        };
        let id = v.attr("id").unwrap_or_default();
        match kind.as_str() {
            "radio" => {
                let label = el
                    .ancestors()
                    .filter_map(scraper::ElementRef::wrap)
                    .find(|a| a.value().name() == "fieldset")
                    .and_then(|f| f.select(&sel("legend")).next())
                    .map(text)
                    .unwrap_or_default();
                let option_label = el
                    .parent()
                    .and_then(scraper::ElementRef::wrap)
                    .map(text)
                    .unwrap_or_default();
                let option = (
                    v.attr("value").unwrap_or("on").to_owned(),
                    option_label,
                    v.attr("checked").is_some(),
                );
                match out.iter_mut().find(|c| c.name == name) {
                    Some(c) => c.options.push(option),
                    None => out.push(Control {
                        name,
                        kind,
                        label,
                        value: String::new(),
                        options: vec![option],
                    }),
                }
            }
            "select" => {
                let options = el
                    .select(&sel("option"))
                    .map(|o| {
                        (
                            o.value().attr("value").unwrap_or_default().to_owned(),
                            text(o),
                            o.value().attr("selected").is_some(),
                        )
                    })
                    .collect();
                out.push(Control {
                    label: label_for(id),
                    name,
                    kind,
                    value: String::new(),
                    options,
                });
            }
            "checkbox" => out.push(Control {
                label: label_for(id),
                name,
                kind,
                value: v.attr("value").unwrap_or("on").to_owned(),
                options: Vec::new(),
            }),
            _ => out.push(Control {
                label: label_for(id),
                value: v.attr("value").unwrap_or_default().to_owned(),
                name,
                kind,
                options: Vec::new(),
            }),
        }
    }
    (out, honeypot)
}

/// One value the visitor typed or chose (or the page carried in a hidden
/// field), as it must arrive.
#[derive(Clone, Debug)]
struct Entry {
    /// The control's name in the page.
    name: String,
    /// The canonical field it carries.
    canonical: String,
    /// The field's label on the page.
    label: String,
    /// The value the browser holds.
    raw: String,
    /// What a person reads: the option's label for a choice.
    display: String,
    kind: String,
}

/// The hidden fields every form carries for the practice (DESIGN18 "Routes"):
/// they must arrive like typed values. Backend plumbing (`oid`, `retURL`,
/// `_next`, `form-name`, …) is the fakes' business, not the visitor's.
const HIDDEN_CANONICAL: [&str; 8] = [
    "form",
    "page",
    "reason",
    "service",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer_host",
];

/// What the test types into a text control carrying `canonical`: keys to
/// press, and the value the control then holds.
fn typed(control: &Control, canonical: &str, n: usize) -> (String, String) {
    let name = canonical;
    match control.kind.as_str() {
        // The en-US date control takes month, day, year.
        "date" => ("03151960".into(), "1960-03-15".into()),
        "email" => {
            let v = format!("{}@oak-family-practice.example", name.replace('_', "."));
            (v.clone(), v)
        }
        "tel" => {
            let v = format!("+1 555 010 {:04}", 300 + n);
            (v.clone(), v)
        }
        "textarea" => {
            let v = "Recurrent palpitations: is an ambulatory monitor warranted? (normal EKG)"
                .to_owned();
            (v.clone(), v)
        }
        _ => {
            let v = match name {
                n if n.contains("npi") => "1234567893",
                // An honorific: splitting it into first and last is unsure,
                // so the full name must also reach the digest.
                "clinician_name" => "Dr. Jordan Lee",
                "patient_name" => "Maria Gonzalez",
                "name" => "Sam Rivera",
                "clinician_practice" => "Oak Family Practice",
                "referred_by" => "Ana Ortiz",
                _ => "Typed by the visitor",
            }
            .to_owned();
            (v.clone(), v)
        }
    }
}

/// Fills in every visible control of `page`'s form through WebDriver and
/// returns what was typed or chosen, plus the hidden values the page
/// carries (`javascript`: the tracking fields are filled from the address).
fn fill(browser: &Browser, scene: &Scene, page: &Page, javascript: bool) -> Vec<Entry> {
    let (controls, _) = controls(&scene.site, page);
    let form = page.form_css();
    let mut entries = Vec::new();
    for (n, c) in controls.iter().enumerate() {
        let css = format!("{form} [name=\"{}\"]", c.name);
        let canonical = scene.canonical(page, &c.name);
        let entry = |raw: &str, display: &str| Entry {
            name: c.name.clone(),
            canonical: canonical.clone(),
            label: c.label.clone(),
            raw: raw.to_owned(),
            display: display.to_owned(),
            kind: c.kind.clone(),
        };
        match c.kind.as_str() {
            "hidden" if HIDDEN_CANONICAL.contains(&canonical.as_str()) => {
                let tracked = UTM.iter().find(|(k, _)| *k == canonical);
                let value = match tracked {
                    Some((_, v)) if javascript => (*v).to_owned(),
                    _ => c.value.clone(),
                };
                let shown = if canonical == "service" && !value.is_empty() {
                    scene.service_title(&value)
                } else {
                    value.clone()
                };
                if !value.is_empty() {
                    entries.push(entry(&value, &shown));
                }
            }
            "hidden" => {}
            "select" => {
                let (value, label, _) = c
                    .options
                    .iter()
                    .find(|(v, _, selected)| !v.is_empty() && !selected)
                    .unwrap_or_else(|| panic!("{}: no choice to make in {c:?}", page.path));
                // Typing picks an option by its label, as a keyboard user
                // does; clicking an <option> leaves the popup open in
                // headless Chromium. The first word is enough, and has no
                // space (which would open the popup).
                let word = label.split_whitespace().next().unwrap_or_default();
                browser.type_into(&format!("{form} select[name=\"{}\"]", c.name), word);
                let now = browser.property(&css, "value");
                assert_eq!(
                    now,
                    json!(value),
                    "{}: typing {word:?} into `{}` did not choose {label:?}",
                    page.path,
                    c.name
                );
                entries.push(entry(value, label));
            }
            "radio" => {
                let (value, label, _) = c
                    .options
                    .iter()
                    .rev()
                    .find(|(_, _, checked)| !checked)
                    .unwrap_or_else(|| panic!("{}: no choice to make in {c:?}", page.path));
                browser.click(&format!(
                    "{form} input[name=\"{}\"][value=\"{value}\"]",
                    c.name
                ));
                entries.push(entry(value, label));
            }
            "checkbox" => {
                browser.click(&css);
                entries.push(entry(&c.value, &c.label));
            }
            _ => {
                let (keys, value) = typed(c, &canonical, n);
                browser.type_into(&css, &keys);
                assert_eq!(
                    browser.property(&css, "value"),
                    json!(value),
                    "{}: `{}` does not hold what was typed",
                    page.path,
                    c.name
                );
                entries.push(entry(&value, &value));
            }
        }
    }
    entries
}

// ---- what was kept, what was sent --------------------------------------------------------

/// The names a request carried, as sent.
fn sent_names(post: &Request) -> Vec<String> {
    if post.content_type().starts_with("application/json") {
        let body: Value = serde_json::from_slice(&post.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", post.body_text()));
        if let Some(fields) = body["fields"].as_array() {
            return fields
                .iter()
                .map(|f| f["name"].as_str().unwrap_or_default().to_owned())
                .collect();
        }
        return body
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
    }
    form_pairs(&post.body).into_iter().map(|(k, _)| k).collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Every entry that did not arrive in `kept`, described.
fn lost(scene: &Scene, page: &Page, entries: &[Entry], kept: &Kept) -> Vec<String> {
    let fields = scene.sheet_fields(page);
    let form = scene.sheet_form(page.kind);
    let carries = |f: &Value| strings(&f["carries"]);
    let digest_name = form["digest"]["name"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| {
            fields
                .iter()
                .find(|f| f["digest"] == json!(true))
                .and_then(|f| f["name"].as_str().map(str::to_owned))
        });
    let digest: Vec<&str> = digest_name
        .as_deref()
        .and_then(|n| kept.get(n))
        .unwrap_or_default()
        .lines()
        .collect();
    let mut problems = Vec::new();
    for e in entries {
        let canonical = e.canonical.clone();
        let routes: Vec<&&Value> = fields
            .iter()
            .filter(|f| carries(f).contains(&canonical))
            .collect();
        let direct: Vec<String> = routes
            .iter()
            .filter(|f| f["digest"] != json!(true))
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect();
        let mapped = direct
            .iter()
            .chain([&e.name, &canonical])
            .any(|n| kept.get(n) == Some(e.raw.as_str()));
        let split = direct.len() >= 2 && {
            let parts: Vec<&str> = direct
                .iter()
                .filter_map(|n| kept.get(n))
                .filter(|v| !v.is_empty())
                .collect();
            parts.join(" ") == e.raw
        };
        let line_label = form["digest"]["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["canonical"] == json!(canonical))
            .and_then(|l| l["label"].as_str());
        // `Label: value`, the label as the sheet gives it (a label may hold
        // ": " itself: "Record: Echo report").
        let in_digest = digest.iter().any(|line| {
            let value = match line_label {
                Some(l) => line.strip_prefix(l).and_then(|r| r.strip_prefix(": ")),
                None => line.rsplit_once(": ").map(|(_, v)| v),
            };
            value.is_some_and(|v| v == e.display || v == e.raw)
        });
        let consented = e.kind == "checkbox"
            && kept.extra["legalConsentOptions"]["consent"]["consentToProcess"] == json!(true);
        if !(mapped || split || in_digest || consented) {
            problems.push(format!(
                "`{}` ({canonical}, {:?}) = {:?} [shown as {:?}]: not under {direct:?}, and no `{}: …` line in the digest {:?}",
                e.name,
                e.label,
                e.raw,
                e.display,
                line_label.unwrap_or("<label>"),
                digest_name.as_deref().unwrap_or("(none)")
            ));
        }
    }
    problems
}

// ---- one submission ---------------------------------------------------------------------

/// Opens `page`, fills its form in, submits it, and checks what the fake
/// kept and the setup sheet against what the browser sent.
fn round_trip(scene: &Scene, browser: &Browser, page: &Page, javascript: bool) {
    let query: Vec<String> = UTM.iter().map(|(k, v)| format!("{k}={v}")).collect();
    browser.goto(&scene.url(&format!("{}?{}", page.path, query.join("&"))));
    browser.find(&page.form_css());
    let entries = fill(browser, scene, page, javascript);
    let before = scene.intake.posts().len();
    let kept_before = scene.intake.kept().len();
    browser.click(&format!(
        "{} button:not([type=button]):not([type=reset])",
        page.form_css()
    ));
    let what = format!(
        "{:?} {}, JavaScript {}",
        scene.backend,
        page.kind,
        if javascript { "on" } else { "off" }
    );
    let post = scene.intake.wait_for_posts(before + 1, &what);
    browser.wait_for_path(page.thanks);
    let kept = scene.intake.kept();
    assert_eq!(
        kept.len(),
        kept_before + 1,
        "{what}: the backend refused or dropped the submission\n--- sent\n{}\n--- requests\n{:?}",
        post.body_text(),
        scene
            .intake
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>()
    );
    let kept = &kept[kept_before];
    assert_eq!(
        kept.form,
        scene.backend.account_form(page),
        "{what}: filed under the wrong form"
    );

    let problems = lost(scene, page, &entries, kept);
    assert!(
        problems.is_empty(),
        "{what}: values were lost:\n  {}\n--- kept\n{:#?}\n--- sent\n{}",
        problems.join("\n  "),
        kept,
        post.body_text()
    );

    // The setup sheet names exactly what the browser sent.
    let sent: BTreeSet<String> = sent_names(&post).into_iter().collect();
    let sheet: BTreeSet<String> = scene
        .sheet_fields(page)
        .iter()
        .filter_map(|f| f["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        sheet,
        "{what}: the setup sheet differs from what the browser sent: sent but not on the sheet {:?}, on the sheet but not sent {:?}",
        sent.difference(&sheet).collect::<Vec<_>>(),
        sheet.difference(&sent).collect::<Vec<_>>()
    );

    backend_specifics(scene, page, &entries, kept, &what);
}

/// What each backend documents beyond the fields.
fn backend_specifics(scene: &Scene, page: &Page, entries: &[Entry], kept: &Kept, what: &str) {
    let typed = |canonical: &str| {
        entries
            .iter()
            .find(|e| e.canonical == canonical)
            .map(|e| e.raw.clone())
    };
    match scene.backend {
        Backend::Hubspot => {
            let uri = kept.extra["context"]["pageUri"]
                .as_str()
                .unwrap_or_default();
            assert!(
                uri.starts_with(&scene.url(page.path)),
                "{what}: context.pageUri = {uri:?}"
            );
            assert!(
                kept.extra["context"]["pageName"]
                    .as_str()
                    .is_some_and(|n| !n.is_empty()),
                "{what}: context.pageName is missing: {}",
                kept.extra["context"]
            );
            // Every property beyond HubSpot's defaults is on the sheet's
            // list of properties to create.
            let create = strings(
                &scene.sheet_form(page.kind)["create"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| c["name"].clone())
                    .collect::<Value>(),
            );
            for (name, _) in &kept.fields {
                assert!(
                    DECLARED_BY_DEFAULT.contains(&name.as_str()) || create.contains(name),
                    "{what}: `{name}` is sent but the sheet does not say to create it: {create:?}"
                );
            }
            if page.kind == "referral" {
                assert_eq!(
                    kept.get(URGENCY_PROPERTY),
                    typed("urgency").as_deref(),
                    "{what}: the mapped custom property does not carry the urgency"
                );
            }
            let consent = entries.iter().any(|e| e.kind == "checkbox");
            assert_eq!(
                !kept.extra["legalConsentOptions"].is_null(),
                consent,
                "{what}: legalConsentOptions must be sent exactly when the form has the consent box: {}",
                kept.extra["legalConsentOptions"]
            );
        }
        Backend::Salesforce => {
            let source = kept.get("lead_source").unwrap_or_default();
            assert!(!source.is_empty(), "{what}: no lead_source: {kept:?}");
        }
        Backend::Formspree => {
            let subject = kept.extra["subject"].as_str().unwrap_or_default();
            assert!(
                !subject.is_empty(),
                "{what}: no _subject: the notification says nothing of what it is"
            );
            if page.kind == "referral" {
                assert!(
                    subject.starts_with("Referral"),
                    "{what}: _subject {subject:?}"
                );
            }
            let email = typed("clinician_email")
                .or_else(|| typed("email"))
                .expect("the form has an email field");
            assert_eq!(
                kept.extra["reply_to"],
                json!(email),
                "{what}: the visitor's email is not the reply-to"
            );
        }
        Backend::WebhookForm | Backend::WebhookJson => {
            let schema_text = scene
                .site
                .read(&format!("public/forms/{}.schema.json", page.kind));
            let schema: Value = serde_json::from_str(&schema_text).expect("the schema is JSON");
            let validator = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
            let payload: Map<String, Value> = kept
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            let instance = Value::Object(payload);
            let errors: Vec<String> = validator
                .iter_errors(&instance)
                .map(|e| format!("{}: {e}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{what}: the payload breaks the published schema:\n  {}\n{instance:#}",
                errors.join("\n  ")
            );
        }
        Backend::Netlify => {}
    }
}

fn both_forms(backend: Backend, javascript: bool) {
    let _one = exclusive();
    let scene = Scene::new(backend);
    let browser = Browser::start(javascript);
    for page in PAGES {
        round_trip(&scene, &browser, page, javascript);
    }
}

// ---- the tests ---------------------------------------------------------------------------

#[test]
fn hubspot_keeps_every_value() {
    both_forms(Backend::Hubspot, true);
}

#[test]
fn salesforce_keeps_every_value() {
    both_forms(Backend::Salesforce, true);
}

#[test]
fn formspree_keeps_every_value() {
    both_forms(Backend::Formspree, true);
}

#[test]
fn formspree_keeps_every_value_without_javascript() {
    both_forms(Backend::Formspree, false);
}

#[test]
fn netlify_keeps_every_value() {
    both_forms(Backend::Netlify, true);
}

#[test]
fn netlify_keeps_every_value_without_javascript() {
    both_forms(Backend::Netlify, false);
}

#[test]
fn webhook_form_keeps_every_value() {
    both_forms(Backend::WebhookForm, true);
}

#[test]
fn webhook_form_keeps_every_value_without_javascript() {
    both_forms(Backend::WebhookForm, false);
}

#[test]
fn webhook_json_keeps_every_value() {
    both_forms(Backend::WebhookJson, true);
}

/// HubSpot takes JSON only and Salesforce drops what it does not know and
/// ignores honeypots: without JavaScript the forms cannot send. The button
/// is disabled, the note says why and where the number is, and pressing
/// Enter in a field posts nothing.
#[test]
fn hubspot_and_salesforce_cannot_send_without_javascript() {
    let _one = exclusive();
    let browser = Browser::start(false);
    for backend in [Backend::Hubspot, Backend::Salesforce] {
        let scene = Scene::new(backend);
        for page in PAGES {
            browser.goto(&scene.url(page.path));
            let form = page.form_css();
            browser.find(&form);
            let button = format!("{form} button:not([type=button]):not([type=reset])");
            assert_eq!(
                browser.property(&button, "disabled"),
                json!(true),
                "{backend:?} {}: the submit button is enabled without JavaScript",
                page.kind
            );
            let note = format!("{form} noscript *");
            assert!(
                browser.try_find(&note).is_some() && browser.displayed(&note),
                "{backend:?} {}: no <noscript> note is shown",
                page.kind
            );
            assert!(
                !browser.text(&note).trim().is_empty(),
                "{backend:?} {}: the <noscript> note is empty",
                page.kind
            );
            fill(&browser, &scene, page, false);
            // Enter in a text field: implicit submission, which a disabled
            // default button blocks.
            let (controls, _) = controls(&scene.site, page);
            let text = controls
                .iter()
                .find(|c| c.kind == "text")
                .expect("a text field");
            browser.type_into(&format!("{form} [name=\"{}\"]", text.name), "\u{E007}");
            thread::sleep(Duration::from_millis(1000));
            assert!(
                scene.intake.requests().is_empty(),
                "{backend:?} {}: something was posted without JavaScript: {:?}",
                page.kind,
                scene.intake.requests()
            );
            assert!(
                browser.url().contains(page.path),
                "{backend:?} {}: the browser left the form: {}",
                page.kind,
                browser.url()
            );
        }
    }
}

/// HubSpot refuses (a field the practice did not declare): the visitor sees
/// the generic message with the number to call; the console gets HubSpot's
/// error type and none of what the visitor typed.
#[test]
fn a_hubspot_refusal_shows_the_number_and_logs_only_the_error_type() {
    let _one = exclusive();
    let declared: Vec<&str> = DECLARED_BY_DEFAULT
        .iter()
        .copied()
        .filter(|n| *n != "message")
        .collect();
    let scene = Scene::declaring(Backend::Hubspot, &declared);
    let browser = Browser::start(true);
    let page = &REFERRAL;
    browser.goto(&scene.url(page.path));
    browser.find(&page.form_css());
    let entries = fill(&browser, &scene, page, true);
    browser.console_log(); // start from a clean log
    browser.click(&format!(
        "{} button:not([type=button]):not([type=reset])",
        page.form_css()
    ));
    scene.intake.wait_for_posts(1, "HubSpot refusal");
    // The numbers the page offers to call (`tel:` links), ten digits each.
    let html = scene.site.read(&format!("public{}index.html", page.path));
    let phones: BTreeSet<String> = html
        .split("href=\"tel:")
        .skip(1)
        .map(|rest| {
            let digits: String = rest
                .split('"')
                .next()
                .unwrap_or_default()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            digits[digits.len().saturating_sub(10)..].to_owned()
        })
        .collect();
    assert!(!phones.is_empty(), "{} offers no number to call", page.path);
    // The generic message: the status line, or the box shown when sending fails.
    let failed = format!("{} .form-failed", page.form_css());
    let start = Instant::now();
    let message = loop {
        let mut text = browser.text(&format!("{} .form-status", page.form_css()));
        if browser.try_find(&failed).is_some() && browser.displayed(&failed) {
            text.push_str(&browser.text(&failed));
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if phones.iter().any(|p| digits.contains(p.as_str())) {
            break text;
        }
        assert!(
            start.elapsed() < STEP,
            "the visitor is never given a number to call (one of {phones:?}): {text:?}"
        );
        thread::sleep(Duration::from_millis(100));
    };
    assert!(scene.intake.kept().is_empty());
    assert!(
        browser.url().contains(page.path),
        "the browser left the form: {}",
        browser.url()
    );
    let console = browser.console_log().join("\n");
    assert!(
        console.contains("FIELD_NOT_IN_FORM"),
        "the console does not carry HubSpot's errorType:\n{console}\n(status: {message})"
    );
    for e in entries
        .iter()
        .filter(|e| e.kind != "hidden" && e.raw.len() >= 5)
    {
        assert!(
            !console.contains(&e.raw),
            "the console shows what the visitor typed into `{}` ({:?}):\n{console}",
            e.name,
            e.raw
        );
    }
}

/// HubSpot and Salesforce ignore honeypots, so a filled one stops the
/// submission in the browser: the page goes to the thanks page (a bot sees
/// success) and nothing reaches the backend.
#[test]
fn a_filled_honeypot_stops_hubspot_and_salesforce_in_the_browser() {
    let _one = exclusive();
    let browser = Browser::start(true);
    for backend in [Backend::Hubspot, Backend::Salesforce] {
        let scene = Scene::new(backend);
        let page = &REFERRAL;
        browser.goto(&scene.url(page.path));
        browser.find(&page.form_css());
        fill(&browser, &scene, page, true);
        browser.execute(
            "document.querySelector(arguments[0]).value = 'http://spam.example/';",
            json!([format!("{} .hp input", page.form_css())]),
        );
        browser.click(&format!(
            "{} button:not([type=button]):not([type=reset])",
            page.form_css()
        ));
        browser.wait_for_path(page.thanks);
        thread::sleep(Duration::from_millis(500));
        assert!(
            scene.intake.requests().is_empty(),
            "{backend:?}: a filled honeypot reached the backend: {:?}",
            scene.intake.requests()
        );
    }
}
