//! Availability (issue #23): how soon a new patient is seen, whether new
//! patients are taken, telehealth, and when the practice last confirmed it.
//! Shown beside the refer button on a service line's page and its refer
//! page; a date over 90 days before the build's "now" warns (W035) in
//! `check` and `build`; a wrong value is a finding at the value. The
//! structured data is checked with the rest in `structured`.

use scraper::Html;

use crate::support::{Outcome, SiteTest, sel};

const EP: &str = "content/services/electrophysiology.md";
const ONCOLOGY: &str = "content/services/breast-oncology.md";
/// The example's `as_of` (both service lines).
const AS_OF: &str = "as_of: 2026-11-16";
/// 2027-02-14T00:00:00Z: 90 days after the example's `as_of`.
const DAY_90: &str = "1802563200";
/// 2027-02-15T00:00:00Z: 91 days after.
const DAY_91: &str = "1802649600";

/// 1-based line and character column of `needle`, once in `text`.
fn line_col(text: &str, needle: &str) -> (u32, u32) {
    assert_eq!(text.matches(needle).count(), 1, "`{needle}` in {text}");
    let before = &text[..text.find(needle).expect("counted above")];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (
        u32::try_from(line).expect("a small file"),
        u32::try_from(col).expect("a short line"),
    )
}

fn page(site: &SiteTest, path: &str) -> Html {
    Html::parse_document(&site.read(&format!("public{path}index.html")))
}

fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

#[test]
fn availability_is_shown_beside_the_refer_button() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let expected = [
        "Accepting new patients",
        "First visit: about 10 business days",
        "Telehealth visits available",
    ];
    // The service page: in the referring panel, just above its button.
    let doc = page(&site, "/services/electrophysiology/");
    assert_eq!(texts(&doc, ".panel-referring ul.availability li"), expected);
    assert_eq!(
        texts(&doc, ".panel-referring time[datetime=\"2026-11-16\"]"),
        ["November 16, 2026"]
    );
    let panel = doc
        .select(&sel(".panel-referring"))
        .next()
        .expect("a referring panel")
        .html();
    let (list, button) = (
        panel.find("availability").expect("the list"),
        panel.find("/refer/").expect("the refer button"),
    );
    assert!(
        list < button,
        "the availability comes before the refer button"
    );
    // The refer page: with the response time, above the form.
    let refer = page(&site, "/services/electrophysiology/refer/");
    assert_eq!(texts(&refer, ".panel ul.availability li"), expected);
    // A location's own block, each key it leaves out the service line's.
    let oncology = page(&site, "/services/breast-oncology/");
    assert_eq!(
        texts(&oncology, ".panel-referring .availability-at"),
        ["At Northside Heart & Oncology Clinic:"]
    );
    assert_eq!(
        texts(&oncology, ".panel-referring ul.availability li"),
        [
            "Accepting new patients",
            "First visit: within 5 business days of a cancer diagnosis",
            "Telehealth visits available",
            "Accepting new patients",
            "First visit: about 8 business days",
            "In-person visits only",
        ]
    );
    // The service line's page at a location shows that location's block
    // (each key it leaves out the service line's), and at a location
    // without one, the service line's.
    let northside = page(&site, "/services/breast-oncology/northside/");
    assert_eq!(
        texts(&northside, "main ul.availability li"),
        [
            "Accepting new patients",
            "First visit: about 8 business days",
            "In-person visits only",
        ]
    );
    let downtown = page(&site, "/services/breast-oncology/downtown/");
    assert_eq!(
        texts(&downtown, "main ul.availability li"),
        [
            "Accepting new patients",
            "First visit: within 5 business days of a cancer diagnosis",
            "Telehealth visits available",
        ]
    );
    // A service line that says nothing shows nothing.
    let quiet = page(&site, "/services/heart-failure/");
    assert!(texts(&quiet, ".availability, .availability-at").is_empty());
}

/// `check --format json` of the example under `epoch`.
fn check_at(site: &SiteTest, epoch: &str) -> Outcome {
    site.run_with_env(
        &[("SOURCE_DATE_EPOCH", epoch)],
        &["check", "--format", "json"],
    )
}

#[test]
fn an_as_of_over_90_days_old_warns_at_its_date() {
    let site = SiteTest::example();
    // Day 90: still fresh.
    let fresh = check_at(&site, DAY_90);
    fresh.expect_exit(0);
    assert!(
        fresh.diagnostics_with("W035").is_empty(),
        "{}",
        fresh.report()
    );
    // Day 91: one warning per written date, at the date.
    let stale = check_at(&site, DAY_91);
    stale.expect_exit(0);
    assert_eq!(
        stale.diagnostics_with("W035").len(),
        2,
        "{}",
        stale.report()
    );
    for (file, title) in [(EP, "Electrophysiology"), (ONCOLOGY, "Breast Oncology")] {
        let text = site.read(file);
        let (line, col) = line_col(&text, AS_OF);
        let found = stale
            .diagnostics_with("W035")
            .into_iter()
            .find(|f| f.diag.file.as_deref() == Some(file))
            .unwrap_or_else(|| panic!("no W035 in {file}\n{}", stale.report()));
        found
            .at_col(file, line, col + "as_of: ".len() as u32)
            .mentions(&format!("`{title}`"))
            .mentions("2026-11-16, 91 days ago")
            .mentions("as_of: 2027-02-15");
    }
    // `--strict` fails on it; `build` shows it and still builds.
    site.run_with_env(&[("SOURCE_DATE_EPOCH", DAY_91)], &["check", "--strict"])
        .expect_exit(1);
    let built = site.run_with_env(&[("SOURCE_DATE_EPOCH", DAY_91)], &["build"]);
    built.expect_success();
    let (ep_line, _) = line_col(&site.read(EP), AS_OF);
    built.expect_finding_at("W035", EP, ep_line);
    assert_eq!(
        built.diagnostics_with("W035").len(),
        2,
        "{}",
        built.report()
    );
    // A location's own date is its own finding.
    let text = site.read(ONCOLOGY).replace(
        "      telehealth: false\n",
        "      telehealth: false\n      as_of: 2026-06-01\n",
    );
    site.write(ONCOLOGY, &text);
    let out = check_at(&site, DAY_90);
    let (line, col) = line_col(&text, "as_of: 2026-06-01");
    out.diagnostic("W035")
        .at_col(ONCOLOGY, line, col + 7)
        .mentions("2026-06-01");
    assert_eq!(out.diagnostics_with("W035").len(), 1, "{}", out.report());
}

/// The example, its electrophysiology `availability:` block replaced by
/// `block`; the build must fail with `code` at the value `at` of the line
/// `key: at` (or at the key `at` when `key` is empty).
fn expect_refused(block: &str, code: &str, (key, at): (&str, &str), mentions: &[&str]) {
    let site = SiteTest::example();
    let text = site.read(EP);
    let start = text.find("availability:\n").expect("the example's block");
    let end = text[start..].find("referring:").expect("after it") + start;
    let text = format!("{}{block}{}", &text[..start], &text[end..]);
    site.write(EP, &text);
    let out = site.expect_failed_build();
    let needle = if key.is_empty() {
        at.to_owned()
    } else {
        format!("{key}: {at}")
    };
    let (line, col) = line_col(&text, &needle);
    let skip = if key.is_empty() { 0 } else { key.len() + 2 };
    let found = out.diagnostic(code);
    found.at_col(EP, line, col + skip as u32);
    for m in mentions {
        found.mentions(m);
    }
}

#[test]
fn a_wrong_availability_value_is_a_finding_at_it() {
    expect_refused(
        "availability:\n  new_patient_wait: 0\n",
        "E014",
        ("new_patient_wait", "0"),
        &["from 1 to 365", "new_patient_wait: 5"],
    );
    expect_refused(
        "availability:\n  new_patient_wait: [soon]\n",
        "E014",
        ("new_patient_wait", "[soon]"),
        &["text or a number of business days"],
    );
    expect_refused(
        "availability:\n  accepting_new_patients: yes\n",
        "E014",
        ("accepting_new_patients", "yes"),
        &["`true` or `false`"],
    );
    expect_refused(
        "availability:\n  telehealth: maybe\n",
        "E014",
        ("telehealth", "maybe"),
        &["`true` or `false`"],
    );
    expect_refused(
        "availability:\n  as_of: 2026-02-31\n",
        "E014",
        ("as_of", "2026-02-31"),
        &["not a date", "YYYY-MM-DD"],
    );
    expect_refused(
        "availability:\n  as_of: last week\n",
        "E014",
        ("as_of", "last week"),
        &["YYYY-MM-DD"],
    );
    expect_refused(
        "availability:\n  telehelth: true\n",
        "E012",
        ("", "telehelth"),
        &["`telehealth`"],
    );
    // A location the site does not have, and one the service is not at.
    expect_refused(
        "availability:\n  by_location:\n    nortside: { new_patient_wait: 3 }\n",
        "E020",
        ("", "nortside"),
        &["`northside`"],
    );
    expect_refused(
        "availability:\n  by_location:\n    downtown: { new_patient_wait: 3 }\n",
        "E014",
        ("", "downtown"),
        &["add `downtown` to `locations:`"],
    );
}
