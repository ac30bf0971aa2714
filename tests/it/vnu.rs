//! The built HTML passes the Nu HTML Checker (vnu.jar, from the npm package
//! vnu-jar). `scripts/test` installs java and the jar and exports
//! `HANDOFF_VNU_JAR`; without them these tests fail, they never skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{SiteTest, repo_root};

/// The jar: `$HANDOFF_VNU_JAR`, else `node_modules/vnu-jar/build/dist/vnu.jar`
/// at the repository root.
fn vnu_jar() -> PathBuf {
    let jar = std::env::var_os("HANDOFF_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("node_modules/vnu-jar/build/dist/vnu.jar"));
    assert!(
        jar.is_file(),
        "vnu.jar not found at {}: run `scripts/test` (it installs it with `npm ci` \
         and sets HANDOFF_VNU_JAR), or `npm ci` at the repository root",
        jar.display()
    );
    jar
}

/// Runs vnu over every HTML file under `dir`: (passed, its report).
fn run_vnu(dir: &Path) -> (bool, String) {
    let jar = vnu_jar();
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu", "--skip-non-html"])
        .arg(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `java -jar {}`: {e}\nInstall a Java runtime (Debian: default-jre-headless); \
                 `scripts/test` does it for you",
                jar.display()
            )
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = format!("{stdout}{stderr}").replace(&format!("{}/", dir.display()), "");
    (output.status.success() && report.trim().is_empty(), report)
}

/// Panics with vnu's report when it finds any error under `dir`.
pub(crate) fn expect_valid_html(dir: &Path) {
    let (passed, report) = run_vnu(dir);
    assert!(
        passed,
        "the Nu HTML Checker reported errors in {}:\n{report}",
        dir.display(),
    );
}

fn html_count(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

#[test]
fn example_site_is_valid_html() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    assert!(
        html_count(&site.public()) > 0,
        "the example site built no HTML"
    );
    expect_valid_html(&site.public());
}

#[test]
fn fixture_site_is_valid_html() {
    let site = SiteTest::fixture("build/basic");
    site.build(&["--drafts"]).expect_success();
    expect_valid_html(&site.public());
}

/// The pages of issue 19: each audience's reason page, the urgent one, the
/// per-service thanks pages and the fax cover sheet.
#[test]
fn conversion_fixture_is_valid_html() {
    let site = SiteTest::fixture("conversion");
    site.build(&[]).expect_success();
    expect_valid_html(&site.public());
}

/// The events fixture: `/events/` with upcoming and past events, and event
/// pages held in person, online, and both.
#[test]
fn events_fixture_is_valid_html() {
    let site = SiteTest::fixture("events");
    site.build(&[]).expect_success();
    expect_valid_html(&site.public());
}

/// The partner program's page as handoff makes it (no page of the
/// writer's: the usual text, the liaison, the updates sign-up) and the
/// sign-up's thanks page (issue #20).
#[test]
fn made_partners_page_is_valid_html() {
    let site = SiteTest::fixture("forms/webhook-form");
    site.build(&[]).expect_success();
    site.expect_file("public/partners/index.html");
    expect_valid_html(&site.public().join("partners"));
}

/// A practice at three places (issue #23): each service line's page at
/// each of its locations, with both forms and their location choice.
#[test]
fn locations_fixture_is_valid_html() {
    let site = SiteTest::fixture("locations");
    site.build(&[]).expect_success();
    assert!(
        site.public()
            .join("services/oncology/valley/index.html")
            .is_file()
    );
    expect_valid_html(&site.public());
}

/// The checker itself works here and catches an error, so a green run above
/// means something.
#[test]
fn vnu_reports_invalid_html() {
    let site = SiteTest::empty();
    let dir = site.work_dir().join("bad");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!DOCTYPE html><html lang=en><title>x</title><p><div></p>",
    )
    .unwrap();
    let (passed, report) = run_vnu(&dir);
    assert!(!passed, "vnu accepted invalid HTML: is it really running?");
    assert!(
        report.contains("index.html"),
        "vnu's report does not name the file:\n{report}"
    );
}

/// Clinical trials (issue 23): `/trials/`, each trial's page with its form,
/// and the trials' thanks pages.
#[test]
fn trials_fixture_is_valid_html() {
    let site = SiteTest::fixture("trials");
    site.build(&[]).expect_success();
    expect_valid_html(&site.public());
}
