//! Education events (`content/events/<slug>.md`, tests/fixtures/events):
//! their pages and calendar files, the upcoming/past split of `/events/`
//! at a fixed `SOURCE_DATE_EPOCH`, the calendar file read back by the
//! `icalendar` Python package, the findings about wrong values and the
//! `check` warnings, and the calendar file's type under `serve`.

use std::process::Command;

use scraper::Html;
use serde_json::Value;

use crate::support::serve::Server;
use crate::support::{SiteTest, repo_root, sel};

/// 2026-02-01 00:00 UTC: the CME evening (March 14) and the case
/// conference (May 6) are ahead, the lunch-and-learn (January 20) is past.
const FEBRUARY: &str = "1769904000";
/// 2026-04-01 00:00 UTC: only the case conference is ahead.
const APRIL: &str = "1774982400";
/// 2026-03-14 23:30 UTC, 6:30 PM in Springfield: the CME evening
/// (6 to 8 PM, UTC−05:00) is under way, so still upcoming.
const DURING: &str = "1773531000";

fn site() -> SiteTest {
    SiteTest::fixture("events")
}

/// Builds `site` with "now" at `epoch`.
fn build_at(site: &SiteTest, epoch: &str) {
    site.run_with_env(&[("SOURCE_DATE_EPOCH", epoch)], &["build"])
        .expect_success();
}

/// The event pages `/events/` links under the heading `id`, in order.
fn listed(site: &SiteTest, heading: &str) -> Vec<String> {
    let html = Html::parse_document(&site.read("public/events/index.html"));
    html.select(&sel(&format!("h2#{heading} + ul h3 a")))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

#[test]
fn events_have_a_page_a_calendar_file_and_a_sitemap_entry() {
    let site = site();
    site.build(&[]).expect_success();
    for slug in ["cme-evening", "tumor-board", "lunch-and-learn"] {
        let page = site.expect_file(&format!("public/events/{slug}/index.html"));
        let ics = site.expect_file(&format!("public/events/{slug}.ics"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{slug}.ics: {ics}");
        let html = Html::parse_document(&page);
        let calendar: Vec<&str> = html
            .select(&sel("a[download]"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(
            calendar,
            [format!("/events/{slug}.ics")],
            "{slug}: Add to calendar"
        );
    }
    let sitemap = site.read("public/sitemap.xml");
    for path in [
        "/events/",
        "/events/cme-evening/",
        "/events/lunch-and-learn/",
    ] {
        assert!(
            sitemap.contains(&format!(
                "<loc>https://www.springfield-heart.example{path}</loc>"
            )),
            "the sitemap lacks {path}:\n{sitemap}"
        );
    }
}

#[test]
fn an_event_page_shows_its_own_clock_place_credits_and_registration() {
    let site = site();
    build_at(&site, FEBRUARY);
    let html = Html::parse_document(&site.read("public/events/cme-evening/index.html"));
    let text = |css: &str| -> Vec<String> {
        html.select(&sel(css))
            .map(|e| e.text().collect::<String>())
            .collect()
    };
    assert_eq!(
        text("time[datetime='2026-03-14T18:00:00-05:00']"),
        ["Saturday, March 14, 2026, 6:00 PM – 8:00 PM (UTC−05:00)"]
    );
    let facts = text("dl.ways dd").join(" | ");
    for expected in [
        "Main Street Clinic",
        "1 Main St, Springfield, IL 62701",
        "Join the session online",
        "Primary care physicians and their office teams",
        "2.0 AMA PRA Category 1 Credits™",
    ] {
        assert!(facts.contains(expected), "{expected:?} not in {facts:?}");
    }
    let register: Vec<&str> = html
        .select(&sel("a.btn-primary"))
        .filter(|a| a.text().collect::<String>().starts_with("Register"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        register,
        ["https://events.springfield-heart.example/cme-evening"]
    );
    assert_eq!(
        text("h2 + ul.link-list a[href='/services/heart-failure/']"),
        ["Heart Failure"],
        "the related service line is linked"
    );
}

#[test]
fn upcoming_events_come_first_and_past_ones_keep_their_pages() {
    let site = site();
    build_at(&site, FEBRUARY);
    assert_eq!(
        listed(&site, "upcoming"),
        ["/events/cme-evening/", "/events/tumor-board/"],
        "soonest first"
    );
    assert_eq!(listed(&site, "past"), ["/events/lunch-and-learn/"]);

    build_at(&site, APRIL);
    assert_eq!(listed(&site, "upcoming"), ["/events/tumor-board/"]);
    assert_eq!(
        listed(&site, "past"),
        ["/events/cme-evening/", "/events/lunch-and-learn/"],
        "most recent first"
    );
    let past = site.expect_file("public/events/cme-evening/index.html");
    assert!(past.contains("This event has taken place."), "{past}");
    let links = Html::parse_document(&past);
    assert!(
        links
            .select(&sel(
                "a[href='https://events.springfield-heart.example/cme-evening']"
            ))
            .next()
            .is_none(),
        "a past event offers no registration button"
    );

    build_at(&site, DURING);
    assert_eq!(
        listed(&site, "upcoming"),
        ["/events/cme-evening/", "/events/tumor-board/"],
        "an event under way is still upcoming"
    );
}

/// What `tests/schemas/ics.py` (the `icalendar` package) reads from a file.
fn icalendar(site: &SiteTest, rel: &str) -> Value {
    let python = std::env::var_os("HANDOFF_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/pyenv/bin/python"));
    let out = Command::new(&python)
        .arg(repo_root().join("tests/schemas/ics.py"))
        .arg(site.path(rel))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}): run `scripts/test`, or python3 -m venv target/pyenv && \
                 target/pyenv/bin/pip install -r tests/schemas/requirements.txt",
                python.display()
            )
        });
    assert!(
        out.status.success(),
        "icalendar cannot read {rel}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("ics.py prints JSON")
}

#[test]
fn the_calendar_file_imports_the_right_utc_times() {
    let site = site();
    build_at(&site, FEBRUARY);
    let rel = "public/events/cme-evening.ics";
    let raw = site.read(rel);
    // RFC 5545 §3.1: CRLF after every line, at most 75 octets each.
    assert!(raw.ends_with("\r\n") && !raw.replace("\r\n", "").contains('\n'));
    for line in raw.split("\r\n") {
        assert!(
            line.len() <= 75,
            "a line of {} octets: {line:?}",
            line.len()
        );
    }
    for line in [
        "DTSTART:20260314T230000Z",
        "DTEND:20260315T010000Z",
        "DTSTAMP:20260201T000000Z",
    ] {
        assert!(
            raw.contains(&format!("\r\n{line}\r\n")),
            "no {line} in\n{raw}"
        );
    }
    let cal = icalendar(&site, rel);
    assert_eq!(cal["version"], "2.0");
    assert_eq!(cal["method"], "PUBLISH");
    let events = cal["events"].as_array().expect("events");
    assert_eq!(events.len(), 1);
    let e = &events[0];
    // 6 PM at UTC−05:00 is 11 PM UTC; the evening ends after midnight UTC.
    assert_eq!(e["dtstart"], "2026-03-14T23:00:00+00:00");
    assert_eq!(e["dtend"], "2026-03-15T01:00:00+00:00");
    assert_eq!(e["dtstamp"], "2026-02-01T00:00:00+00:00", "the build's now");
    assert_eq!(e["uid"], "cme-evening@www.springfield-heart.example");
    assert_eq!(e["summary"], "Heart failure after discharge: a CME evening");
    assert_eq!(
        e["location"], "Main Street Clinic, 1 Main St, Springfield, IL 62701",
        "commas escaped and read back"
    );
    assert_eq!(
        e["url"],
        "https://www.springfield-heart.example/events/cme-evening/"
    );
    assert_eq!(e["organizer"], "mailto:referrals@springfield-heart.example");
    assert_eq!(e["organizer_cn"], "Springfield Heart Clinic");
    let description = e["description"].as_str().expect("a description");
    assert!(
        description.starts_with("Cases from our heart failure clinic, for referring clinicians.\n")
            && description.contains("\nCredits: 2.0 AMA PRA Category 1 Credits™\n")
            && description
                .contains("\nRegister: https://events.springfield-heart.example/cme-evening\n"),
        "{description:?}"
    );
    let online = icalendar(&site, "public/events/tumor-board.ics");
    assert_eq!(
        online["events"][0]["location"],
        "https://meet.springfield-heart.example/case-conference"
    );
    // The same epoch writes the same bytes.
    let again = SiteTest::fixture("events");
    build_at(&again, FEBRUARY);
    assert_eq!(again.read(rel), raw);
}

/// The fixture with one event file replaced by `text`.
fn with_event(text: &str) -> SiteTest {
    let site = site();
    site.write("content/events/cme-evening.md", text);
    site
}

const RIGHT: &str = "---
title: Heart failure CME evening
starts: 2026-03-14T18:00:00-05:00
ends: 2026-03-14T20:00:00-05:00
location: main-street
registration: https://events.springfield-heart.example/cme-evening
services: [heart-failure]
---
";

#[test]
fn an_event_that_ends_before_it_starts_is_an_error_at_ends() {
    let site = with_event(&RIGHT.replace("ends: 2026-03-14T20:00:00", "ends: 2026-03-14T17:00:00"));
    let out = site.expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/events/cme-evening.md", 4, 7)
        .mentions("ends before it starts");
    site.check(&["--format", "json"]).diagnostic("E014").at_col(
        "content/events/cme-evening.md",
        4,
        7,
    );
}

#[test]
fn a_time_without_its_offset_is_an_error_with_an_example() {
    let site = with_event(&RIGHT.replace(
        "starts: 2026-03-14T18:00:00-05:00",
        "starts: 2026-03-14T18:00",
    ));
    site.expect_failed_build()
        .diagnostic("E014")
        .at_col("content/events/cme-evening.md", 3, 9)
        .mentions("no UTC offset")
        .mentions("2026-03-14T08:00:00-05:00");
}

#[test]
fn an_event_without_starts_is_missing_a_field() {
    let site = with_event(&RIGHT.replace("starts: 2026-03-14T18:00:00-05:00\n", ""));
    site.expect_failed_build()
        .diagnostic("E013")
        .at_col("content/events/cme-evening.md", 1, 1)
        .mentions("`starts`");
}

#[test]
fn unknown_locations_and_services_are_dangling_references() {
    let site = with_event(
        &RIGHT
            .replace("location: main-street", "location: main-stret")
            .replace("[heart-failure]", "[heart-failur]"),
    );
    let out = site.expect_failed_build();
    let found = out.diagnostics_with("E020");
    assert_eq!(found.len(), 2, "{}", out.report());
    let text = out.report();
    assert!(text.contains("did you mean `main-street`"), "{text}");
    assert!(text.contains("did you mean `heart-failure`"), "{text}");
    let json = site.check(&["--format", "json"]);
    let positions: Vec<String> = json
        .diagnostics()
        .iter()
        .filter(|d| d.code == "E020")
        .map(|d| d.location())
        .collect();
    assert_eq!(
        positions,
        [
            "content/events/cme-evening.md:5:11",
            "content/events/cme-evening.md:7:12"
        ]
    );
}

#[test]
fn an_online_address_must_be_https() {
    let site = with_event(&RIGHT.replace(
        "location: main-street",
        "online: http://meet.springfield-heart.example/x",
    ));
    site.expect_failed_build()
        .diagnostic("E014")
        .at_col("content/events/cme-evening.md", 5, 9)
        .mentions("https");
}

#[test]
fn check_warns_about_an_event_without_registration_or_place() {
    let clean = site().check(&["--format", "json"]);
    assert!(
        clean.diagnostics().iter().all(|d| d.code != "W032"),
        "{}",
        clean.report()
    );
    let site = with_event(
        "---\ntitle: Heart failure CME evening\nstarts: 2026-03-14T18:00:00-05:00\nends: 2026-03-14T20:00:00-05:00\n---\n",
    );
    site.build(&[]).expect_success();
    let out = site.check(&["--format", "json"]);
    let found = out.diagnostics_with("W032");
    assert_eq!(found.len(), 2, "{}", out.report());
    for f in &found {
        f.at_col("content/events/cme-evening.md", 2, 1);
    }
    out.diagnostic("W032").mentions("registration");
    let text = out.report();
    assert!(
        text.contains("no place: neither `location` nor `online`"),
        "{text}"
    );
}

#[test]
fn serve_sends_the_calendar_file_as_text_calendar() {
    let site = site();
    let server = Server::start(&site, &[]);
    let resp = server.get("/events/cme-evening.ics");
    assert_eq!(resp.status, 200, "{}", server.context());
    assert_eq!(
        resp.header("content-type").as_deref(),
        Some("text/calendar; charset=utf-8")
    );
    assert!(resp.body.contains("BEGIN:VEVENT\r\n"));
}

#[test]
fn text_cannot_break_out_of_the_calendar_file() {
    let site = with_event(&RIGHT.replace(
        "title: Heart failure CME evening",
        "title: \"CME; evening, part 2\\\\3\\r\\nATTENDEE:mailto:x@evil.example\\nEND:VEVENT\"",
    ));
    build_at(&site, FEBRUARY);
    let rel = "public/events/cme-evening.ics";
    let raw = site.read(rel);
    let unfolded = raw.replace("\r\n ", "");
    let names: Vec<&str> = unfolded
        .split("\r\n")
        .filter_map(|l| l.split_once(':').map(|(name, _)| name))
        .collect();
    assert!(!names.contains(&"ATTENDEE"), "{raw}");
    assert_eq!(names.iter().filter(|n| **n == "END").count(), 2, "{raw}");
    let cal = icalendar(&site, rel);
    assert_eq!(
        cal["events"][0]["summary"],
        "CME; evening, part 2\\3\nATTENDEE:mailto:x@evil.example\nEND:VEVENT",
        "read back as typed (the CR of a CRLF is a line break)"
    );
}

/// What a referring office sees of `/events/` and an event page, for review.
#[test]
fn event_pages_match_their_snapshots() {
    let site = site();
    build_at(&site, FEBRUARY);
    for (name, rel) in [
        ("events", "public/events/index.html"),
        ("event", "public/events/cme-evening/index.html"),
    ] {
        let html = site.read(rel);
        let from = html.find("<main").expect("a <main>");
        let to = html[from..].find("</main>").expect("a </main>") + from + "</main>".len();
        insta::assert_snapshot!(format!("main_{name}"), html[from..to].replace("><", ">\n<"));
    }
}
