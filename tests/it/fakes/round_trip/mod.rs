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
//!
//! - `scene`: a backend fixture built against its fake, served, with its sheet;
//! - `form`: the built form's controls, and filling them in;
//! - `kept`: what was sent, and what did not arrive.

mod form;
mod kept;
mod scene;

use std::collections::BTreeSet;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::browser::{Browser, STEP, exclusive};
use crate::fakes::Kept;
use crate::fakes::hubspot::DECLARED_BY_DEFAULT;
use form::{Entry, controls, fill};
use kept::{lost, sent_names, strings};
use scene::{Backend, PAGES, Page, REFERRAL, Scene, TRIAL, URGENCY_PROPERTY, UTM};

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
    // The insurance question (issue #23) travels like every other value:
    // chosen or typed here, found in what the backend kept below.
    if page.kind == "appointment" {
        assert!(
            entries
                .iter()
                .any(|e| e.canonical == "insurance" && !e.raw.is_empty()),
            "{what}: the appointment form's insurance question was not answered"
        );
    }
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

    backend_specifics(scene, page, javascript, &entries, kept, &what);
    if page.path == TRIAL.path {
        trial_routed(browser, kept, &what);
    }
}

/// A question from a trial's page reaches the backend with the trial's
/// slug (under `trial`, or a `Clinical trial:` line of a CRM's digest),
/// and the page the browser lands on names the trial's contact.
fn trial_routed(browser: &Browser, kept: &Kept, what: &str) {
    let slug = "holter-ai";
    let digest = ["message", "description"]
        .iter()
        .filter_map(|n| kept.get(n))
        .any(|d| d.lines().any(|l| l == format!("Clinical trial: {slug}")));
    assert!(
        kept.holds("trial", slug) || digest,
        "{what}: the trial's slug did not arrive: {kept:#?}"
    );
    assert!(
        browser.url().ends_with(TRIAL.thanks),
        "{what}: landed on {}",
        browser.url()
    );
    let text = browser.text("main");
    assert!(
        text.contains("Nora Vance"),
        "{what}: the thanks page does not name the trial's contact: {text}"
    );
}

/// What each backend documents beyond the fields.
fn backend_specifics(
    scene: &Scene,
    page: &Page,
    javascript: bool,
    entries: &[Entry],
    kept: &Kept,
    what: &str,
) {
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
            let consent = entries.iter().any(|e| e.canonical == "consent");
            assert_eq!(
                !kept.extra["legalConsentOptions"].is_null(),
                consent,
                "{what}: legalConsentOptions must be sent exactly when the form has the consent box: {}",
                kept.extra["legalConsentOptions"]
            );
        }
        Backend::Salesforce => {
            // The fixture sets no `lead_source`: the defaults say which form.
            let want = match page.kind {
                "referral" => "Web referral",
                "updates" => "Web updates sign-up",
                _ => "Web appointment request",
            };
            assert_eq!(
                kept.get("lead_source"),
                Some(want),
                "{what}: lead_source: {kept:?}"
            );
        }
        Backend::Formspree => {
            let subject = kept.extra["subject"].as_str().unwrap_or_default();
            assert!(
                !subject.is_empty(),
                "{what}: no _subject: the notification says nothing of what it is"
            );
            // "Referral: Breast Oncology (priority)": the page's service, and
            // the urgency the script adds.
            if let Some(slug) = page.service {
                let title = scene.service_title(slug);
                assert!(
                    subject.starts_with("Referral") && subject.contains(&title),
                    "{what}: _subject {subject:?} does not name the referral and {title:?}"
                );
            }
            if let (true, Some(urgency)) = (javascript, typed("urgency")) {
                assert!(
                    subject.ends_with(&format!("({urgency})")),
                    "{what}: _subject {subject:?} does not give the urgency {urgency:?}"
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
            // A name the schema calls a list (a group of tick boxes) holds
            // every value kept under it.
            let mut payload: Map<String, Value> = Map::new();
            for (k, v) in &kept.fields {
                if schema["properties"][k.as_str()]["type"] == "array" {
                    let list = payload.entry(k.clone()).or_insert_with(|| json!([]));
                    if let Some(items) = list.as_array_mut() {
                        items.push(json!(v));
                    }
                } else {
                    payload.insert(k.clone(), json!(v));
                }
            }
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
            let controls = controls(&scene.site, page);
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
