//! Pages that convert (issue 19), on the fixture `tests/fixtures/conversion`:
//! a page speaks to its reader (patient words on patient pages, a chooser on
//! pages for both), an urgent reason is a phone call and never a form, the
//! appointment form's visit type follows the page, the follow-up steps show
//! as a timeline, a referral from a service's pages lands on that service's
//! own thanks page, the fax cover sheet has every line an office fills in
//! and prints on one page, and `check` warns about the missing pieces.

use serde_json::json;

use crate::browser::{Browser, SiteServer, bind_loopback, exclusive, port_of};
use crate::forms::{Kind, Page, built, collapse};
use crate::support::{SiteTest, sel};

const CASE: &str = "conversion";
const BOTH: &str = "/referrals/palpitations/";
const PATIENT: &str = "/referrals/second-opinion/";
const URGENT: &str = "/referrals/after-discharge/";
const REFER: &str = "/services/cardiology/refer/";
const THANKS: &str = "/services/cardiology/refer/thanks/";
const PACKET: &str = "/services/cardiology/refer/packet/";
/// The service without follow-up steps, whose reason is urgent.
const HF_THANKS: &str = "/services/heart-failure/refer/thanks/";
const BASE: &str = "https://www.riverside-heart.example";

/// The headings of a page's `<main>`, whitespace collapsed.
fn headings(page: &Page) -> Vec<String> {
    page.html
        .select(&sel("main h1, main h2, main h3"))
        .map(|h| collapse(&h.text().collect::<String>()))
        .collect()
}

/// The steps of the page's follow-up timeline (`ol.timeline`), as text.
fn timeline(page: &Page) -> Vec<String> {
    page.html
        .select(&sel("main ol.timeline > li"))
        .map(|li| collapse(&li.text().collect::<String>()))
        .collect()
}

const STEPS: [&str; 4] = [
    "Referral received same business day",
    "Patient called to book within 1 business day",
    "Patient seen within 5 business days",
    "Consult note back to you 48 hours after the visit",
];

#[test]
fn an_urgent_reason_is_a_call_not_a_form() {
    let site = built(CASE);
    let page = Page::read(&site, URGENT);
    assert!(
        page.forms().is_empty(),
        "{URGENT}: an urgent reason carries no form"
    );
    assert!(
        !page.source.contains("/js/forms."),
        "{URGENT}: no form, no form script"
    );
    let ways: Vec<String> = page
        .html
        .select(&sel("dl.ways dt"))
        .map(|dt| collapse(&dt.text().collect::<String>()).to_lowercase())
        .collect();
    assert!(!ways.is_empty(), "{URGENT}: the ways to refer are listed");
    assert!(
        ways.iter().all(|w| !w.contains("online form")),
        "{URGENT}: the ways to refer list an online form: {ways:?}"
    );
    assert!(
        !page.text().to_lowercase().contains("use the referral form"),
        "{URGENT}: {}",
        page.text()
    );
    // It leads with the line to call and what to say, before anything else.
    let first = headings(&page);
    assert_eq!(first[1], "Urgent: call (555) 010-0180", "{first:?}");
    assert_eq!(first[2], "What to say when you call", "{first:?}");
    let call = page
        .html
        .select(&sel("main .callout-urgent a[href^='tel:']"))
        .next()
        .and_then(|a| a.value().attr("href"));
    assert_eq!(
        call,
        Some("tel:+15550100180"),
        "the service's referral line"
    );
    // A routine reason of the same kind of page still has its form.
    assert_eq!(Page::read(&site, BOTH).forms().len(), 2);
}

/// The words of the pages for referring clinicians, which a patient page
/// never shows.
const CLINICIAN_HEADINGS: [&str; 6] = [
    "Who to refer",
    "When to refer elsewhere",
    "What to send",
    "How to refer",
    "Refer online",
    "Questions from referring offices",
];

#[test]
fn a_patient_page_speaks_to_patients() {
    let site = built(CASE);
    let page = Page::read(&site, PATIENT);
    let heads = headings(&page);
    for clinical in CLINICIAN_HEADINGS {
        assert!(
            !heads.iter().any(|h| h == clinical),
            "{PATIENT} has the clinician heading {clinical:?}: {heads:?}"
        );
    }
    for patient in [
        "Is this the right place for me?",
        "What to bring",
        "What happens next",
    ] {
        assert!(
            heads.iter().any(|h| h == patient),
            "{PATIENT} lacks {patient:?}: {heads:?}"
        );
    }
    assert!(
        !page.text().contains("Required"),
        "{PATIENT} shows a \"Required\" badge: {}",
        page.text()
    );
    assert!(page.html.select(&sel(".tag-required")).next().is_none());
    // The checklist is there, in plain words.
    assert!(page.text().contains("Most recent EKG tracing"));
    assert!(page.form(Kind::Appointment).attr("id").is_some());
    assert!(
        !page
            .forms()
            .iter()
            .any(|f| f.attr("id") == Some("referral-form")),
        "{PATIENT} carries the referral form"
    );
    // When the coordinator calls, from `[intake] patient_callback`.
    assert!(
        page.text()
            .contains("A coordinator calls you within one business day"),
        "{}",
        page.text()
    );
}

#[test]
fn a_page_for_both_opens_with_a_chooser() {
    let site = built(CASE);
    let page = Page::read(&site, BOTH);
    let chooser: Vec<(String, String)> = page
        .html
        .select(&sel("main nav.audience-chooser a"))
        .map(|a| {
            (
                collapse(&a.text().collect::<String>()),
                a.value().attr("href").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        chooser,
        [
            (
                "I'm a clinician referring a patient".to_owned(),
                "#audience-clinician".to_owned()
            ),
            (
                "I'm a patient or family member".to_owned(),
                "#audience-patient".to_owned()
            ),
        ]
    );
    // Each link lands on its part: the clinicians' holds the referral form,
    // the patients' the appointment form.
    let part = |id: &str| {
        page.html
            .select(&sel(&format!("main #{id}")))
            .next()
            .unwrap_or_else(|| panic!("{BOTH}: no #{id}"))
    };
    assert!(
        part("audience-clinician")
            .select(&sel("#referral-form"))
            .next()
            .is_some()
    );
    assert!(
        part("audience-patient")
            .select(&sel("#appointment-form"))
            .next()
            .is_some()
    );
    // Nav sits before the first section heading.
    let main = page.html.select(&sel("main")).next().expect("main").html();
    assert!(main.find("audience-chooser") < main.find("Who to refer"));
    // Pages for one audience have no chooser.
    for path in [PATIENT, URGENT] {
        let other = Page::read(&site, path);
        assert!(
            other
                .html
                .select(&sel(".audience-chooser"))
                .next()
                .is_none(),
            "{path}"
        );
    }
}

/// The checked `visit_type` of the appointment form on `path`.
fn preset_visit(site: &SiteTest, path: &str) -> Vec<String> {
    let page = Page::read(site, path);
    let form = page.form(Kind::Appointment);
    form.el
        .select(&sel("input[name=visit_type][checked]"))
        .filter_map(|i| i.value().attr("value").map(str::to_owned))
        .collect()
}

#[test]
fn the_visit_type_follows_the_page() {
    let site = built(CASE);
    assert_eq!(preset_visit(&site, PATIENT), ["second_opinion"]);
    assert_eq!(preset_visit(&site, BOTH), ["new_consult"]);
    assert_eq!(
        preset_visit(&site, "/request-appointment/"),
        ["new_consult"]
    );
    // The value is one the schema accepts.
    let schema = crate::forms::read_schema(&site, Kind::Appointment);
    let choices = &schema["properties"]["visit_type"]["enum"];
    assert!(
        choices
            .as_array()
            .is_some_and(|c| c.contains(&json!("second_opinion"))),
        "{choices}"
    );
}

#[test]
fn a_visit_type_that_does_not_exist_is_refused_with_the_closest() {
    let site = SiteTest::fixture(CASE);
    site.write(
        "content/referrals/second-opinion.md",
        &site
            .read("content/referrals/second-opinion.md")
            .replace("visit_type: second_opinion", "visit_type: second-opinion"),
    );
    let outcome = site.check(&["--format", "json"]);
    outcome
        .diagnostic("E014")
        .in_file("content/referrals/second-opinion.md")
        .mentions("second_opinion");
}

#[test]
fn the_follow_up_steps_show_as_a_timeline() {
    let site = built(CASE);
    for path in [REFER, THANKS] {
        assert_eq!(timeline(&Page::read(&site, path)), STEPS, "{path}");
    }
    // A service without steps keeps the generic list, and no empty timeline.
    let hf = Page::read(&site, HF_THANKS);
    assert!(timeline(&hf).is_empty());
    assert!(hf.html.select(&sel("main ol.steps > li")).count() >= 3);
}

#[test]
fn a_referral_from_a_service_lands_on_its_own_thanks_page() {
    let site = built(CASE);
    let on_service = format!("{BASE}{THANKS}");
    for path in [REFER, BOTH] {
        let page = Page::read(&site, path);
        let form = page.form(Kind::Referral);
        assert_eq!(form.attr("data-thanks"), Some(THANKS), "{path}");
        assert_eq!(
            form.hidden().get("retURL").map(String::as_str),
            Some(on_service.as_str()),
            "{path}: Salesforce's retURL"
        );
    }
    // The hub and the appointment forms keep their own.
    let hub = Page::read(&site, "/refer/");
    assert_eq!(
        hub.form(Kind::Referral).attr("data-thanks"),
        Some("/refer/thanks/")
    );
    let patient = Page::read(&site, PATIENT);
    assert_eq!(
        patient.form(Kind::Appointment).attr("data-thanks"),
        Some("/request-appointment/thanks/")
    );
    // Every service line has its page, noindex and out of the sitemap as the
    // hub's thanks page is.
    let sitemap = site.expect_file("public/sitemap.xml");
    for path in [THANKS, HF_THANKS, "/refer/thanks/"] {
        let page = Page::read(&site, path);
        assert!(page.source.contains("noindex"), "{path} is noindex");
        assert!(!sitemap.contains(path), "{path} is in the sitemap");
    }
}

#[test]
fn a_service_thanks_page_says_what_happens_next() {
    let site = built(CASE);
    let page = Page::read(&site, THANKS);
    let text = page.text();
    for needle in [
        "Thank you: we have your referral to General Cardiology",
        "We confirm receipt the same business day.",
        "Who will call",
        "Dana Ortiz",
        "Fax to (555) 010-0141",
        "cardiology-referrals@riverside-heart.example",
    ] {
        assert!(text.contains(needle), "{THANKS} lacks {needle:?}:\n{text}");
    }
    assert!(
        page.html
            .select(&sel(&format!("main a[href='{PACKET}']")))
            .next()
            .is_some(),
        "{THANKS} links the fax cover sheet"
    );
    assert!(page.forms().is_empty());
    // The hub's thanks page points to each service's.
    let hub = Page::read(&site, "/refer/thanks/");
    for path in [THANKS, HF_THANKS] {
        assert!(
            hub.html
                .select(&sel(&format!("main a[href='{path}']")))
                .next()
                .is_some(),
            "/refer/thanks/ does not link {path}"
        );
    }
    // The appointment's says when the patient is called, and what to have ready.
    let appointment = Page::read(&site, "/request-appointment/thanks/").text();
    for needle in [
        "will call you within one business day",
        "What to have ready",
        "Your insurance card",
    ] {
        assert!(appointment.contains(needle), "{needle:?}:\n{appointment}");
    }
}

#[test]
fn the_fax_cover_sheet_has_every_line_an_office_fills_in() {
    let site = built(CASE);
    let page = Page::read(&site, PACKET);
    let labels: Vec<String> = page
        .html
        .select(&sel("main .fax-cover dt"))
        .map(|dt| collapse(&dt.text().collect::<String>()))
        .collect();
    for label in [
        "Date",
        "Pages, including this one",
        "Referring clinician and NPI",
        "Clinician's phone",
        "Patient name",
        "Patient date of birth",
        "Patient phone",
        "Diagnosis and ICD-10 code",
        "Reason for referral and clinical question",
    ] {
        assert!(
            labels.iter().any(|l| l == label),
            "the cover sheet lacks {label:?}: {labels:?}"
        );
    }
    let text = page.text();
    for needle in [
        "1 Main St, Springfield, OR 97001",
        "Fax to (555) 010-0141",
        // The default confidentiality notice.
        "Confidential: this fax may contain protected health information.",
    ] {
        assert!(text.contains(needle), "{PACKET} lacks {needle:?}:\n{text}");
    }
    let button = page
        .html
        .select(&sel("main button[data-print]"))
        .next()
        .expect("a print button");
    assert_eq!(button.value().attr("type"), Some("button"));
    assert!(page.source.contains("/js/print."), "the print script");
    assert!(
        text.contains("Ctrl+P"),
        "the shortcut for readers without JavaScript"
    );
    // `[organization] fax_notice` replaces the default.
    let site = SiteTest::fixture(CASE);
    site.write(
        "site.toml",
        &site.read("site.toml").replace(
            "privacy_policy = \"/privacy/\"",
            "privacy_policy = \"/privacy/\"\nfax_notice = \"Private: for Riverside Heart only.\"",
        ),
    );
    site.build(&[]).expect_success();
    let text = Page::read(&site, PACKET).text();
    assert!(
        text.contains("Private: for Riverside Heart only."),
        "{text}"
    );
    assert!(!text.contains("Confidential: this fax"), "{text}");
}

#[test]
fn check_warns_about_an_urgent_pathway_and_a_loop_left_open() {
    let site = SiteTest::fixture(CASE);
    let outcome = site.check(&["--format", "json"]);
    let w030: Vec<String> = outcome
        .diagnostics()
        .into_iter()
        .filter(|d| d.code == "W030")
        .map(|d| format!("{}: {}", d.file.unwrap_or_default(), d.message))
        .collect();
    assert_eq!(
        w030,
        [
            "content/services/heart-failure.md: the referring section of `Heart Failure` has no urgent escalation, yet its urgent referral reasons (Heart failure after discharge) send offices to the phone",
            "content/services/heart-failure.md: the referring section of `Heart Failure` has no word on how the referring office hears back",
        ],
        "{}",
        outcome.report()
    );
    let hints: Vec<String> = outcome
        .diagnostics_with("W030")
        .into_iter()
        .filter_map(|f| f.diag.hint)
        .collect();
    assert!(
        hints.iter().any(|h| h.contains("referring.updates")),
        "{hints:?}"
    );
}

/// How many pages a PDF has: its `/Type /Page` objects (not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn the_fax_cover_sheet_prints_on_one_page_and_fits_a_phone() {
    let _one = exclusive();
    let site = built(CASE);
    let listener = bind_loopback();
    let origin = format!("http://127.0.0.1:{}", port_of(&listener));
    let _server = SiteServer::start(listener, site.public());
    let browser = Browser::start(true);
    browser.goto(&format!("{origin}{PACKET}"));
    // The script shows the print button.
    assert!(
        browser.displayed("button[data-print]"),
        "the print button is shown"
    );
    for (paper, w, h) in [("A4", 8.27, 11.69), ("Letter", 8.5, 11.0)] {
        let pages = pdf_pages(&browser.print_pdf(w, h));
        assert_eq!(pages, 1, "{PACKET} prints on {pages} {paper} pages");
    }
    // The count is read right: the refer page, with its form, is longer.
    browser.goto(&format!("{origin}{REFER}"));
    assert!(pdf_pages(&browser.print_pdf(8.27, 11.69)) > 1);
    // On a phone nothing is wider than the screen.
    browser.viewport(390, 844, true);
    browser.goto(&format!("{origin}{PACKET}"));
    let overflow = browser.execute(
        "return document.documentElement.scrollWidth - window.innerWidth;",
        json!([]),
    );
    assert!(
        overflow.as_i64().is_some_and(|o| o <= 0),
        "{PACKET} scrolls sideways at 390 px by {overflow}"
    );
}

/// axe-core finds nothing on the pages this fixture makes, at a phone's
/// width and a desktop's: each audience's reason page, the urgent one, the
/// thanks pages and the fax cover sheet.
#[test]
fn axe_finds_no_violations_on_the_conversion_pages() {
    let axe_path = crate::support::repo_root().join("node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe_path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): run `npm ci` at the repository root (scripts/test does)",
            axe_path.display()
        )
    });
    let _one = exclusive();
    let site = built(CASE);
    let listener = bind_loopback();
    let origin = format!("http://127.0.0.1:{}", port_of(&listener));
    let _server = SiteServer::start(listener, site.public());
    let browser = Browser::start(true);
    let mut problems = Vec::new();
    for (width, height, touch) in [(390, 844, true), (1280, 900, false)] {
        browser.viewport(width, height, touch);
        for path in [
            BOTH,
            PATIENT,
            URGENT,
            REFER,
            THANKS,
            HF_THANKS,
            PACKET,
            "/refer/thanks/",
            "/request-appointment/thanks/",
        ] {
            browser.goto(&format!("{origin}{path}"));
            browser.execute(&format!("{axe}\nreturn true;"), json!([]));
            let result = browser.execute(
                "return axe.run(document, { resultTypes: ['violations'] }).then(r => ({ \
                   rules: r.passes.length + r.violations.length + r.incomplete.length, \
                   violations: r.violations.map(v => v.id + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', ')) }));",
                json!([]),
            );
            assert!(
                result["rules"].as_u64().unwrap_or(0) > 20,
                "axe did not run on {path}: {result}"
            );
            for v in result["violations"].as_array().into_iter().flatten() {
                problems.push(format!("{path} at {width}px: {v}"));
            }
        }
    }
    assert!(problems.is_empty(), "axe-core:\n{}", problems.join("\n"));
}

#[test]
fn a_follow_up_step_needs_its_step() {
    let site = SiteTest::fixture(CASE);
    site.write(
        "content/services/cardiology.md",
        &site
            .read("content/services/cardiology.md")
            .replace("    - step: Patient seen\n", "    - stpe: Patient seen\n"),
    );
    let outcome = site.check(&["--format", "json"]);
    outcome
        .diagnostic("E013")
        .in_file("content/services/cardiology.md")
        .mentions("step 3 of `referring.updates` needs a `step`");
    // The misspelt key itself, with the closest.
    outcome
        .diagnostic("E012")
        .in_file("content/services/cardiology.md")
        .mentions("did you mean `step`?");
}
