//! Clinical trials (issue 23), on the fixture `tests/fixtures/trials`: each
//! trial's page (phase, status, eligibility, locations, the contact, the
//! registry record, "Ask the trial team" with the appointment form that
//! carries the trial), its thanks page naming the contact, `/trials/` by
//! service line with recruiting trials first, service pages listing their
//! recruiting trials, the sitemap, the JSON Schema's `trial` field, and the
//! findings: a malformed NCT number, phase or status at its position, an
//! unknown service or location (an error with the closest id), a recruiting
//! trial without a contact (a `check` warning).

use serde_json::json;

use crate::forms::{Kind, Page, built, read_schema};
use crate::support::{SiteTest, sel};

const CASE: &str = "trials";
const RECRUITING: &str = "/trials/targeted-therapy/";
const RECRUITING_FILE: &str = "content/trials/targeted-therapy.md";
const COMPLETED: &str = "/trials/adjuvant-study/";
const CARDIOLOGY: &str = "/trials/heart-failure-device/";
const THANKS: &str = "/trials/targeted-therapy/thanks/";

/// The hrefs of the links inside `css` on a page, in order.
fn links(page: &Page, css: &str) -> Vec<String> {
    page.html
        .select(&sel(css))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

#[test]
fn a_trial_page_shows_the_trial_and_asks_its_team() {
    let site = built(CASE);
    let page = Page::read(&site, RECRUITING);
    let text = page.text();
    for shown in [
        "Targeted therapy for advanced lung cancer",
        "Recruiting",
        "Phase 1/Phase 2",
        "Who may take part",
        "Adults with advanced non-small cell lung cancer",
        "Lakeside Clinic",
        "Hillcrest Clinic",
        "Rosa Quint, Research nurse",
    ] {
        assert!(text.contains(shown), "{RECRUITING} lacks {shown:?}: {text}");
    }
    // Criteria are inline Markdown.
    assert!(
        page.source.contains("<strong>biopsy test</strong>"),
        "{RECRUITING}: the criteria's Markdown is not rendered"
    );
    let hrefs = links(&page, "main a");
    for href in [
        "https://clinicaltrials.gov/study/NCT09900001",
        "tel:+15550100172",
        "mailto:rquint@lakeside-health.example",
        "/locations/lakeside/",
        "/locations/hillcrest/",
        "/services/oncology/",
        "#ask-trial-team",
    ] {
        assert!(
            hrefs.iter().any(|h| h == href),
            "{RECRUITING}: no link to {href}: {hrefs:?}"
        );
    }
    let ask = page
        .html
        .select(&sel("main a.btn"))
        .find(|a| a.text().collect::<String>().contains("Ask the trial team"))
        .expect("an \"Ask the trial team\" button");
    assert_eq!(ask.value().attr("href"), Some("#ask-trial-team"));
    assert!(
        page.html.select(&sel("#ask-trial-team")).next().is_some(),
        "{RECRUITING}: the button's target is not on the page"
    );

    // The appointment form: the trial in its hidden field, the visit a
    // trial question, landing on the trial's own thanks page.
    let form = page.form(Kind::Appointment);
    let hidden = form.hidden();
    assert_eq!(
        hidden.get("trial").map(String::as_str),
        Some("targeted-therapy")
    );
    assert_eq!(
        hidden.get("service").map(String::as_str),
        Some("oncology"),
        "the trial's service line is known"
    );
    assert_eq!(form.attr("data-thanks"), Some(THANKS));
    let visit: Vec<_> = form
        .el
        .select(&sel("input[name=visit_type][checked]"))
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert_eq!(visit, ["clinical_trial"], "the visit type preselected");
}

#[test]
fn a_trial_that_no_longer_recruits_asks_no_questions() {
    let site = built(CASE);
    let page = Page::read(&site, COMPLETED);
    assert!(page.forms().is_empty(), "{COMPLETED} carries a form");
    assert!(
        page.text().contains("not taking new participants"),
        "{COMPLETED}: {}",
        page.text()
    );
    assert!(links(&page, "main a").iter().any(|h| h == "/trials/"));
}

#[test]
fn a_trial_thanks_page_names_the_trial_contact() {
    let site = built(CASE);
    let page = Page::read(&site, THANKS);
    let text = page.text();
    assert!(
        text.contains("Rosa Quint, Research nurse"),
        "{THANKS} does not name the contact: {text}"
    );
    let hrefs = links(&page, "main a");
    assert!(hrefs.iter().any(|h| h == "tel:+15550100172"), "{hrefs:?}");
    assert!(hrefs.iter().any(|h| h == RECRUITING), "{hrefs:?}");
    // A thanks page is not for search engines.
    assert!(page.source.contains("noindex"), "{THANKS} is indexable");
    let sitemap = site.expect_file("public/sitemap.xml");
    let base = "https://www.lakeside-health.example";
    for path in ["/trials/", RECRUITING, COMPLETED, CARDIOLOGY] {
        assert!(
            sitemap.contains(&format!("<loc>{base}{path}</loc>")),
            "the sitemap lacks {path}"
        );
    }
    assert!(!sitemap.contains(THANKS), "the sitemap lists {THANKS}");
}

#[test]
fn the_trials_page_groups_by_service_with_recruiting_trials_first() {
    let site = built(CASE);
    let page = Page::read(&site, "/trials/");
    // An in-page list of the service lines (in the site's order of
    // service lines): the filter without JavaScript.
    assert_eq!(
        links(&page, "main nav[aria-label=\"Trials by service line\"] a"),
        ["#trials-cardiology", "#trials-oncology"]
    );
    let groups: Vec<(String, Vec<String>)> = page
        .html
        .select(&sel("main section"))
        .map(|s| {
            let heading = s
                .select(&sel("h2"))
                .next()
                .map(|h| h.value().attr("id").unwrap_or_default().to_owned())
                .unwrap_or_default();
            (heading, links_in(&s))
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("trials-cardiology".to_owned(), vec![CARDIOLOGY.to_owned()]),
            (
                "trials-oncology".to_owned(),
                // Recruiting first, though the completed one weighs less.
                vec![RECRUITING.to_owned(), COMPLETED.to_owned()]
            ),
        ]
    );
    let text = page.text();
    assert!(
        text.contains("Completed") && text.contains("Recruiting"),
        "{text}"
    );
}

/// The trial links of a group (`/trials/<slug>/`), in order.
fn links_in(section: &scraper::ElementRef<'_>) -> Vec<String> {
    section
        .select(&sel("li a"))
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with("/trials/"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_service_page_lists_its_recruiting_trials() {
    let site = built(CASE);
    let page = Page::read(&site, "/services/oncology/");
    let hrefs = links(&page, "main a");
    assert!(hrefs.iter().any(|h| h == RECRUITING), "{hrefs:?}");
    assert!(
        !hrefs.iter().any(|h| h == COMPLETED),
        "a completed trial is listed on its service's page: {hrefs:?}"
    );
    let cardiology = Page::read(&site, "/services/cardiology/");
    assert!(links(&cardiology, "main a").iter().any(|h| h == CARDIOLOGY));
}

#[test]
fn the_appointment_schema_carries_the_trial() {
    let site = built(CASE);
    let schema = read_schema(&site, Kind::Appointment);
    let trial = &schema["properties"]["trial"];
    assert_eq!(
        trial["enum"],
        json!([
            "",
            "heart-failure-device",
            "targeted-therapy",
            "adjuvant-study"
        ]),
        "{trial}"
    );
    // The generic form sends it empty.
    let page = Page::read(&site, "/request-appointment/");
    let hidden = page.form(Kind::Appointment).hidden();
    assert_eq!(hidden.get("trial").map(String::as_str), Some(""));
    // A site without trials has no such field.
    let plain = built("conversion");
    assert!(read_schema(&plain, Kind::Appointment)["properties"]["trial"].is_null());
}

/// The fixture with `RECRUITING_FILE`'s line `from` written as `to`.
fn with_line(from: &str, to: &str) -> SiteTest {
    let site = SiteTest::fixture(CASE);
    let text = site.read(RECRUITING_FILE);
    assert!(text.contains(from), "{RECRUITING_FILE} has no {from:?}");
    site.write(RECRUITING_FILE, &text.replace(from, to));
    site
}

#[test]
fn a_malformed_nct_number_is_a_finding_at_its_value() {
    let site = with_line("nct_id: NCT09900001", "nct_id: NCT0990001");
    let out = site.expect_failed_build();
    out.diagnostic("E014")
        .at_col(RECRUITING_FILE, 5, 9)
        .mentions("NCT0990001")
        .mentions("exactly 8 digits");
}

#[test]
fn a_phase_or_status_outside_the_registrys_words_is_a_finding() {
    let site = with_line("phase: \"1/2\"", "phase: Phase 5");
    site.expect_failed_build()
        .diagnostic("E014")
        .at_col(RECRUITING_FILE, 6, 8)
        .mentions("Early Phase 1");
    let site = with_line("status: Recruiting", "status: enroling");
    site.expect_failed_build()
        .diagnostic("E014")
        .at_col(RECRUITING_FILE, 7, 9)
        .mentions("Active, not recruiting");
}

#[test]
fn an_unknown_service_or_location_is_an_error_with_the_closest_id() {
    let site = with_line("services: [oncology]", "services: [oncolgy]");
    site.expect_failed_build()
        .diagnostic("E020")
        .at_col(RECRUITING_FILE, 8, 12)
        .mentions("did you mean `oncology`");
    let site = with_line(
        "locations: [lakeside, hillcrest]",
        "locations: [lakeside, hilcrest]",
    );
    site.expect_failed_build()
        .diagnostic("E020")
        .at_col(RECRUITING_FILE, 9, 23)
        .mentions("did you mean `hillcrest`");
}

#[test]
fn check_warns_on_a_recruiting_trial_without_a_contact() {
    let site = SiteTest::fixture(CASE);
    let out = site.check(&["--format", "json"]);
    assert!(
        out.diagnostics_with("W033").is_empty(),
        "every recruiting trial of the fixture has a contact\n{}",
        out.report()
    );
    let text = site.read(RECRUITING_FILE);
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("contact:"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write(RECRUITING_FILE, &without);
    let out = site.check(&["--format", "json"]);
    out.diagnostic("W033")
        .at_col(RECRUITING_FILE, 7, 1)
        .mentions("Targeted therapy for advanced lung cancer")
        .mentions("contact:");
    // A completed trial without one is no finding.
    let site = SiteTest::fixture(CASE);
    let done = "content/trials/adjuvant-study.md";
    let text = site.read(done);
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("contact:"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write(done, &without);
    assert!(
        site.check(&["--format", "json"])
            .diagnostics_with("W033")
            .is_empty()
    );
}

/// `serve`'s local intake sink answers a question from a trial's page like
/// the live backend: the payload keeps the trial's slug and the post lands
/// on the trial's thanks page.
#[test]
fn the_serve_sink_lands_a_trial_question_on_the_trials_thanks_page() {
    use crate::support::serve::Server;
    let site = SiteTest::fixture(CASE);
    let server = Server::start(&site, &[]);
    let page = server.get(RECRUITING);
    assert_eq!(page.status, 200);
    let doc = scraper::Html::parse_document(&page.body);
    let form = doc
        .select(&sel("form#appointment-form"))
        .next()
        .expect("the trial's form");
    let action = form.value().attr("action").unwrap_or_default().to_owned();
    assert_eq!(action, "/_intake/appointment");
    let mut fields: Vec<(String, String)> = Vec::new();
    for el in form.select(&sel("input, select")) {
        let v = el.value();
        let Some(name) = v.attr("name") else { continue };
        let value = match (v.name(), v.attr("type").unwrap_or("text")) {
            ("select", _) => el
                .select(&sel("option"))
                .filter_map(|o| o.value().attr("value"))
                .find(|s| !s.is_empty())
                .unwrap_or_default()
                .to_owned(),
            (_, "radio") if v.attr("checked").is_none() => continue,
            (_, "hidden" | "radio" | "checkbox") => v.attr("value").unwrap_or_default().to_owned(),
            (_, "tel") => "555-010-0123".to_owned(),
            (_, "email") => "pat@example.org".to_owned(),
            _ if name == "website" => String::new(),
            _ if name == "name" => "Pat Example".to_owned(),
            _ => String::new(),
        };
        fields.push((name.to_owned(), value));
    }
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &fields {
        body.append_pair(k, v);
    }
    let resp = server.post(
        &action,
        "application/x-www-form-urlencoded",
        body.finish().as_bytes(),
    );
    assert_eq!(resp.status, 303, "{}\n{}", resp.head, resp.body);
    assert_eq!(resp.header("location").as_deref(), Some(THANKS));
    let line: serde_json::Value = serde_json::from_str(
        site.read(".handoff/intake.jsonl")
            .lines()
            .next()
            .expect("one line"),
    )
    .expect("JSON");
    assert_eq!(line["valid"], true, "{line}");
    assert_eq!(line["payload"]["trial"], "targeted-therapy");
    assert_eq!(line["payload"]["visit_type"], "clinical_trial");
}

/// axe-core (all its default rules) on `/trials/`, a recruiting trial's
/// page with its form, and its thanks page, on a 390 px phone and a
/// desktop: no violations.
#[test]
fn axe_finds_no_violations_on_the_trial_pages() {
    use crate::browser::{Browser, SiteServer, bind_loopback, exclusive, port_of};
    let axe_path = crate::support::repo_root().join("node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe_path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): run `npm ci` at the repository root (scripts/test does)",
            axe_path.display()
        )
    });
    let site = built(CASE);
    let _one = exclusive();
    let listener = bind_loopback();
    let origin = format!("http://127.0.0.1:{}", port_of(&listener));
    let _server = SiteServer::start(listener, site.public());
    let browser = Browser::start(true);
    let mut found = Vec::new();
    for (width, height, touch) in [(390, 844, true), (1280, 900, false)] {
        browser.viewport(width, height, touch);
        for path in ["/trials/", RECRUITING, THANKS] {
            browser.goto(&format!("{origin}{path}"));
            browser.execute(&format!("{axe}\nreturn true;"), json!([]));
            let result = browser.execute(
                "return axe.run(document, { resultTypes: ['violations'] }).then(r => ({ \
                   rules: r.passes.length + r.violations.length + r.incomplete.length, \
                   violations: r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')) }));",
                json!([]),
            );
            assert!(
                result["rules"].as_u64().unwrap_or(0) > 20,
                "axe did not run on {path}: {result}"
            );
            for v in result["violations"].as_array().into_iter().flatten() {
                found.push(format!("{path} at {width}px: {v}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "axe-core found:\n  {}",
        found.join("\n  ")
    );
}

/// A trial contact's number or address typed in a page is the practice's
/// own (no NAP drift), like a referral contact's.
#[test]
fn a_trial_contacts_number_in_a_page_is_no_nap_drift() {
    let site = SiteTest::fixture(CASE);
    let page = "content/trials/heart-failure-device.md";
    let text = site.read(page);
    site.write(
        page,
        &format!(
            "{text}\nQuestions? Call (555) 010-0172 or write to rquint@lakeside-health.example.\n"
        ),
    );
    let out = site.check(&["--format", "json"]);
    assert!(out.diagnostics_with("W020").is_empty(), "{}", out.report());
    // A number nobody publishes still is.
    site.write(page, &format!("{text}\nCall (555) 010-0999.\n"));
    let out = site.check(&["--format", "json"]);
    out.diagnostic("W020").in_file(page);
}

/// Criteria follow the link policy of page bodies: a script-running link
/// is E030 at the link, and no page is written.
#[test]
fn a_script_link_in_the_criteria_is_refused() {
    let site = with_line(
        "  - Adults with advanced non-small cell lung cancer",
        "  - Adults with [advanced](javascript:alert(1)) lung cancer",
    );
    site.expect_failed_build()
        .diagnostic("E030")
        .at(RECRUITING_FILE, 11)
        .mentions("javascript:alert(1)");
    let site = SiteTest::fixture(CASE);
    let file = "content/trials/heart-failure-device.md";
    let text = site.read(file);
    site.write(
        file,
        &text.replace(
            "Adults with **heart failure**",
            "Adults with [heart failure](javascript:alert(1))",
        ),
    );
    site.expect_failed_build().diagnostic("E030").in_file(file);
}

/// A trial not yet recruiting still asks its team (people may ask ahead),
/// and does not say it is closed.
#[test]
fn a_trial_not_yet_recruiting_still_asks_its_team() {
    let site = with_line("status: Recruiting", "status: not yet recruiting");
    site.build(&[]).expect_success();
    let page = Page::read(&site, RECRUITING);
    assert!(
        page.text().contains("Not yet recruiting"),
        "{}",
        page.text()
    );
    assert!(!page.text().contains("not taking new participants"));
    let form = page.form(Kind::Appointment);
    assert_eq!(
        form.hidden().get("trial").map(String::as_str),
        Some("targeted-therapy")
    );
    assert!(
        links(&page, "main a.btn")
            .iter()
            .any(|h| h == "#ask-trial-team")
    );
    // Not recruiting yet: not listed on its service line's page.
    let service = Page::read(&site, "/services/oncology/");
    assert!(!links(&service, "main a").iter().any(|h| h == RECRUITING));
}
