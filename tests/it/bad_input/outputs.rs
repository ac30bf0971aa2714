//! Every output path has one owner: aliases against the files a build
//! writes, and `--output` folders handoff must not destroy (E005, E022).
//!
//! The alias cases share one fixture, `alias_collision`: a valid site (forms
//! on, a static file) whose `content/about.md` lists two aliases, the second
//! of which (line 6, column 5) claims the sitemap's address. Each case puts
//! another address in that entry.

use std::fs;

use super::case;
use crate::support::{DirSnapshot, Outcome, SiteTest};

const ALIASES: &str = "content/about.md";
const CLASHING: &str = "/sitemap.xml";

/// The fixture with `alias` as the second alias of `content/about.md`.
fn with_alias(alias: &str) -> SiteTest {
    let site = case("alias_collision");
    let text = site.read(ALIASES);
    assert!(text.contains(&format!("  - {CLASHING}\n")));
    site.write(
        ALIASES,
        &text.replacen(&format!("  - {CLASHING}\n"), &format!("  - {alias}\n"), 1),
    );
    site
}

/// The failing-build contract plus: one E022 at the alias entry naming
/// `other`, and never an I/O error about a folder.
fn expect_alias_clash(alias: &str, other: &str) {
    let out = with_alias(alias).expect_failed_build();
    expect_clash_at_entry(&out, alias, other);
}

fn expect_clash_at_entry(out: &Outcome, alias: &str, other: &str) {
    out.expect_stderr_not_contains("Is a directory")
        .expect_stderr_not_contains("failed to write");
    let found = out.diagnostic("E022");
    found.at_col(ALIASES, 6, 5).mentions(alias).mentions(other);
    assert_eq!(
        out.diagnostics_with("E022").len(),
        1,
        "one clash, one finding\n{}",
        out.report()
    );
}

#[test]
fn alias_over_the_sitemap() {
    // The fixture as it is: `/sitemap.xml` becomes `/sitemap.xml/index.html`.
    let out = case("alias_collision").expect_failed_build();
    expect_clash_at_entry(&out, "/sitemap.xml", "the generated `/sitemap.xml`");
    out.diagnostic("E022").mentions("to be a folder");
}

#[test]
fn alias_over_a_file_about_the_whole_site() {
    for file in [
        "/sitemap.xml/",
        "/robots.txt",
        "/_headers",
        "/_redirects",
        "/forms/referral.schema.json",
        "/forms/appointment.schema.json/",
    ] {
        let name = file.trim_end_matches('/');
        expect_alias_clash(file, &format!("the generated `{name}`"));
    }
}

#[test]
fn alias_over_a_page() {
    expect_alias_clash("/index.html", "the page `/` (`content/_index.md`)");
    expect_alias_clash(
        "/services/cardiology/",
        "the page `/services/cardiology/` (`content/services/cardiology.md`)",
    );
    expect_alias_clash(
        "/services/cardiology/index.html",
        "the page `/services/cardiology/` (`content/services/cardiology.md`)",
    );
    // Case folded, as most hosts and macOS or Windows checkouts see it.
    expect_alias_clash("/Privacy/", "the page `/privacy/` (`content/privacy.md`)");
}

#[test]
fn alias_over_a_page_handoff_makes() {
    expect_alias_clash("/404.html", "the page `/404.html` that handoff makes");
    expect_alias_clash("/refer/", "the page `/refer/` that handoff makes");
    expect_alias_clash(
        "/services/cardiology/refer/packet/",
        "the page `/services/cardiology/refer/packet/` that handoff makes",
    );
    expect_alias_clash(
        "/request-appointment/thanks/",
        "the page `/request-appointment/thanks/` that handoff makes",
    );
}

#[test]
fn alias_of_its_own_page() {
    for own in ["/about/", "/about/index.html", "/About/"] {
        let out = with_alias(own).expect_failed_build();
        expect_clash_at_entry(&out, own, "its own page");
    }
}

#[test]
fn alias_over_a_static_file() {
    // A file where the alias needs a folder…
    expect_alias_clash(
        "/files/referral-form.txt",
        "the file `static/files/referral-form.txt`",
    );
    // …and the same file.
    let site = with_alias("/old-team/");
    site.write(
        "static/old-team/index.html",
        "<!DOCTYPE html><title>Team</title>\n",
    );
    let out = site.expect_failed_build();
    expect_clash_at_entry(&out, "/old-team/", "the file `static/old-team/index.html`");
}

#[test]
fn alias_over_a_hashed_stylesheet() {
    let probe = with_alias("/old-about/");
    probe.build(&[]).expect_success();
    let css = crate::support::names_in(&probe.public().join("css"))
        .into_iter()
        .find(|n| n.starts_with("site.") && n.ends_with(".css"))
        .expect("a built stylesheet");
    expect_alias_clash(&format!("/css/{css}"), &format!("the theme's `/css/{css}`"));
}

#[test]
fn alias_claimed_twice() {
    // `content/privacy.md` asks for the address `content/about.md` already
    // redirects: whichever finding comes, it names both entries by position.
    let site = with_alias("/old-about/");
    let privacy = site.read("content/privacy.md").replacen(
        "description:",
        "aliases: [/about-us/]\ndescription:",
        1,
    );
    site.write("content/privacy.md", &privacy);
    let out = site.expect_failed_build();
    let found = out.diagnostic("E022");
    found.mentions("/about-us/");
    let here = found.diag.location();
    let (about, privacy) = ("content/about.md:5:5", "content/privacy.md:3:11");
    assert!(
        (here == about && found.diag.text.contains(privacy))
            || (here == privacy && found.diag.text.contains(about)),
        "the finding should sit at one entry and name the other\n{}",
        out.report()
    );
    assert_eq!(out.diagnostics_with("E022").len(), 1, "{}", out.report());
}

/// An alias that only shares a folder with other files writes its own
/// `index.html` there: no clash.
#[test]
fn alias_beside_other_files_in_a_folder_builds() {
    for (alias, written) in [
        ("/forms/", "forms/index.html"),
        ("/files/", "files/index.html"),
        (
            "/services/cardiology/refer/old/",
            "services/cardiology/refer/old/index.html",
        ),
        ("/about.html", "about.html"),
    ] {
        let site = with_alias(alias);
        site.build(&[]).expect_success();
        let page = site.expect_file(&format!("public/{written}"));
        assert!(
            page.contains("/about/"),
            "{alias}: not a redirect to /about/\n{page}"
        );
        site.expect_file("public/sitemap.xml");
    }
}

// --- --output -------------------------------------------------------------------

/// The alias fixture without its defect: a site that builds.
fn valid_site() -> SiteTest {
    with_alias("/old-about/")
}

/// `--output <dir>` (relative to the working folder, the site root's parent)
/// fails with E005 and changes nothing in the site.
fn expect_output_refused(site: &SiteTest, output: &str, why: &str) {
    let before = DirSnapshot::of(site.root());
    let out = site.build(&["--output", output]);
    out.expect_exit(1).diagnostic("E005").mentions(why);
    before.expect_unchanged(&DirSnapshot::of(site.root()), &out.report());
    let names = crate::support::names_in(site.work_dir());
    assert_eq!(names, ["site"], "{}", out.report());
}

#[test]
fn output_is_never_the_site_or_a_folder_it_is_read_from() {
    let site = valid_site();
    for (output, marked, why) in [
        ("site", Some(""), "is the site folder itself"),
        (".", None, "holds the site folder"),
        ("site/content", Some("content/"), "lies inside `content/`"),
        (
            "site/content/out",
            Some("content/out/"),
            "lies inside `content/`",
        ),
        (
            "site/static/files",
            Some("static/files/"),
            "lies inside `static/`",
        ),
        ("site/templates", None, "lies inside `templates/`"),
        ("site/themes/clinic/public", None, "lies inside `themes/`"),
        (
            "./site/content/../themes",
            Some("themes/"),
            "lies inside `themes/`",
        ),
    ] {
        // A marker there, as if handoff had built there: it does not make
        // the site handoff's to replace.
        if let Some(dir) = marked {
            site.write(&format!("{dir}.handoff-output"), "handoff\n");
        }
        expect_output_refused(&site, output, why);
    }
}

#[test]
fn output_dir_in_site_toml_is_checked_too() {
    let site = valid_site();
    let toml = site.read("site.toml") + "\n[build]\noutput_dir = \"content\"\n";
    site.write("site.toml", &toml);
    let before = DirSnapshot::of(site.root());
    let out = site.build(&[]);
    out.expect_exit(1)
        .diagnostic("E005")
        .mentions("lies inside `content/`");
    before.expect_unchanged(&DirSnapshot::of(site.root()), &out.report());
}

#[test]
fn output_through_a_link_into_the_sources_is_refused() {
    let site = valid_site();
    site.symlink("public", "content");
    expect_output_refused(&site, "site/public", "lies inside `content/`");
    site.expect_file("content/about.md");
}

#[test]
fn a_marker_that_is_a_link_or_a_folder_does_not_count() {
    let site = valid_site();
    site.write("public/thesis.docx", "mine\n");
    site.write("elsewhere.txt", "not a marker\n");
    site.symlink("public/.handoff-output", "../elsewhere.txt");
    let before = DirSnapshot::of(&site.public());
    let out = site.build(&[]);
    out.expect_exit(1)
        .diagnostic("E005")
        .mentions("did not write");
    before.expect_unchanged(&DirSnapshot::of(&site.public()), &out.report());

    site.remove("public/.handoff-output");
    fs::create_dir(site.path("public/.handoff-output")).unwrap();
    let before = DirSnapshot::of(&site.public());
    let out = site.build(&[]);
    out.expect_exit(1).diagnostic("E005");
    before.expect_unchanged(&DirSnapshot::of(&site.public()), &out.report());
    site.expect_no_staging_left(&site.public());
}

#[test]
fn output_through_a_link_to_nothing_is_refused() {
    let site = valid_site();
    site.symlink("public", "../gone");
    let out = site.build(&[]);
    out.expect_exit(1)
        .diagnostic("E005")
        .mentions("link to nothing");
    assert!(!site.work_dir().join("gone").exists(), "{}", out.report());
    assert!(fs::symlink_metadata(site.public()).unwrap().is_symlink());
}
