//! `handoff build` on a good site, the output folder contract (SPEC §1, §10),
//! `handoff new`, and the global flags.

use std::fs;

use crate::support::{DirSnapshot, SiteTest, names_in};

const BASIC: &str = "build/basic";

/// Every page kind of SPEC §2 lands at its URL.
const EXPECTED_PAGES: &[&str] = &[
    "index.html",
    "about/index.html",
    "services/index.html",
    "services/cardiology/index.html",
    "services/heart-failure/index.html",
    "referrals/index.html",
    "referrals/palpitations/index.html",
    "locations/index.html",
    "locations/main-street/index.html",
    "physicians/index.html",
    "physicians/ana-ruiz/index.html",
];

/// The hashed stylesheet in `public/css/`: `site.<hash>.css`.
fn hashed_stylesheet(site: &SiteTest, output: &std::path::Path) -> String {
    let css_dir = output.join("css");
    assert!(
        css_dir.is_dir(),
        "no css/ folder in the output\n{}",
        crate::support::listing(site.work_dir())
    );
    let names = names_in(&css_dir);
    let hashed: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.strip_prefix("site.")
                .and_then(|rest| rest.strip_suffix(".css"))
                .is_some_and(|hash| {
                    !hash.is_empty() && hash.chars().all(|c| c.is_ascii_alphanumeric())
                })
        })
        .collect();
    assert!(
        hashed.len() == 1,
        "expected exactly one css/site.<hash>.css, found {names:?}"
    );
    hashed[0].clone()
}

#[test]
fn builds_every_page_kind() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[])
        .expect_success()
        .expect_no_findings()
        .expect_stderr_not_contains("error");

    for page in EXPECTED_PAGES {
        let html = site.expect_file(&format!("public/{page}"));
        assert!(
            html.to_ascii_lowercase().contains("<html"),
            "public/{page} is not an HTML page:\n{html}"
        );
    }
    site.expect_file("public/.handoff-output");
    site.expect_no_staging_left(&site.public());
}

#[test]
fn pages_carry_their_content() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();

    let service = site.read("public/services/cardiology/index.html");
    assert!(service.contains("General Cardiology"), "{service}");
    let referral = site.read("public/referrals/palpitations/index.html");
    assert!(referral.contains("Palpitations"), "{referral}");
    let location = site.read("public/locations/main-street/index.html");
    assert!(location.contains("Main Street Clinic"), "{location}");
    let services = site.read("public/services/index.html");
    assert!(
        services.contains("/services/cardiology/") && services.contains("/services/heart-failure/"),
        "the services index links every service line:\n{services}"
    );
}

#[test]
fn hashed_stylesheet_is_written_and_linked() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();

    let css = hashed_stylesheet(&site, &site.public());
    let home = site.read("public/index.html");
    assert!(
        home.contains(&format!("/css/{css}")),
        "index.html does not link /css/{css}:\n{home}"
    );
}

#[test]
fn static_files_are_copied_as_is() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();

    let original = fs::read(site.path("static/images/logo.svg")).unwrap();
    let copied = fs::read(site.path("public/images/logo.svg")).unwrap();
    assert_eq!(
        original, copied,
        "static/images/logo.svg changed on the way"
    );
}

#[test]
fn site_template_overrides_the_theme() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();

    let about = site.read("public/about/index.html");
    assert!(
        about.contains("Rendered by the site&#39;s own templates/page.html")
            || about.contains("Rendered by the site's own templates/page.html")
            || about.contains("Rendered by the site&#x27;s own templates/page.html"),
        "about/ was not rendered with the site's templates/page.html:\n{about}"
    );
    assert!(
        about.contains("Our team"),
        "the Markdown body is missing:\n{about}"
    );
    let home = site.read("public/index.html");
    assert!(
        !home.contains("site&#39;s own templates/page.html")
            && !home.contains("site's own templates/page.html"),
        "the home page must use index.html, not the page.html override"
    );
}

#[test]
fn drafts_are_built_only_with_the_flag() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    site.expect_no_file("public/news/index.html");

    site.build(&["--drafts"]).expect_success();
    site.expect_file("public/news/index.html");
}

#[test]
fn output_flag_writes_elsewhere_relative_to_the_working_folder() {
    let site = SiteTest::fixture(BASIC);
    site.build(&["--output", "elsewhere"]).expect_success();

    let out = site.work_dir().join("elsewhere");
    assert!(
        out.join("index.html").is_file(),
        "{}",
        crate::support::listing(site.work_dir())
    );
    assert!(out.join(".handoff-output").is_file());
    hashed_stylesheet(&site, &out);
    site.expect_no_file("public");
    site.expect_no_staging_left(&out);
}

#[test]
fn output_dir_from_site_toml() {
    let site = SiteTest::fixture(BASIC);
    let toml = site.read("site.toml") + "\n[build]\noutput_dir = \"dist\"\n";
    site.write("site.toml", &toml);
    site.build(&[]).expect_success();

    site.expect_file("dist/index.html");
    site.expect_file("dist/.handoff-output");
    site.expect_no_file("public");
}

#[test]
fn rebuilding_replaces_its_own_output() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    site.expect_file("public/about/index.html");

    // The second build swaps a whole new site in: a page removed from
    // content/ is gone from public/ afterwards.
    site.remove("content/about.md");
    site.build(&[]).expect_success();
    site.expect_no_file("public/about/index.html");
    site.expect_file("public/index.html");
    site.expect_no_staging_left(&site.public());
}

#[test]
fn failed_build_keeps_the_previous_real_build() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    let before = DirSnapshot::of(&site.public());

    site.write(
        "content/referrals/palpitations.md",
        "---\ntitle: Palpitations\nservice: cardiolgy\n---\nBody.\n",
    );
    let failed = site.build(&[]);
    failed.expect_exit(1).diagnostic("E020");
    before.expect_unchanged(&DirSnapshot::of(&site.public()), &failed.report());
    site.expect_no_staging_left(&site.public());
}

#[test]
fn refuses_to_replace_a_foreign_output_folder() {
    let site = SiteTest::fixture(BASIC);
    let foreign = site.work_dir().join("my-documents");
    fs::create_dir_all(foreign.join("letters")).unwrap();
    fs::write(foreign.join("notes.txt"), "do not delete\n").unwrap();
    fs::write(foreign.join("letters/2026.txt"), "letter\n").unwrap();
    let before = DirSnapshot::of(&foreign);

    let out = site.build(&["--output", "my-documents"]);
    out.expect_exit(1).diagnostic("E005");
    before.expect_unchanged(&DirSnapshot::of(&foreign), &out.report());
    assert_eq!(
        fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "do not delete\n"
    );
    site.expect_no_staging_left(&foreign);
}

#[test]
fn refuses_a_foreign_default_output_folder() {
    let site = SiteTest::fixture(BASIC);
    site.write("public/index.html", "<p>hand-made, not by handoff</p>\n");
    let before = DirSnapshot::of(&site.public());

    let out = site.build(&[]);
    out.expect_exit(1).diagnostic("E005");
    before.expect_unchanged(&DirSnapshot::of(&site.public()), &out.report());
    site.expect_no_staging_left(&site.public());
}

#[test]
fn an_empty_output_folder_is_fine() {
    let site = SiteTest::fixture(BASIC);
    fs::create_dir_all(site.work_dir().join("empty-out")).unwrap();
    site.build(&["--output", "empty-out"]).expect_success();
    assert!(site.work_dir().join("empty-out/index.html").is_file());
}

#[test]
fn root_flag_after_the_subcommand() {
    let site = SiteTest::fixture(BASIC);
    let root = site.root().to_string_lossy().into_owned();
    site.run(&["build", "--root", &root]).expect_success();
    site.expect_file("public/index.html");
}

#[test]
fn quiet_build_of_a_clean_site_prints_nothing() {
    let site = SiteTest::fixture(BASIC);
    let root = site.root().to_string_lossy().into_owned();
    let out = site.run(&["--quiet", "--root", &root, "build"]);
    out.expect_success();
    assert!(
        out.stderr.trim().is_empty(),
        "--quiet printed:\n{}",
        out.report()
    );

    let out = site.run(&["build", "--quiet", "--root", &root]);
    out.expect_success();
    assert!(
        out.stderr.trim().is_empty(),
        "--quiet printed:\n{}",
        out.report()
    );
}

#[test]
fn missing_root_is_bad_usage() {
    let site = SiteTest::empty();
    let missing = site.work_dir().join("no-such-site");
    let missing = missing.to_string_lossy().into_owned();
    site.run(&["--root", &missing, "build"]).expect_exit(2);
}

#[test]
fn root_without_site_toml_is_bad_usage() {
    let site = SiteTest::empty();
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.build(&[]).expect_exit(2);
    site.expect_no_file("public");
}

#[test]
fn unknown_flag_is_bad_usage() {
    let site = SiteTest::fixture(BASIC);
    site.build(&["--no-such-flag"]).expect_exit(2);
    site.expect_no_file("public");
}

#[test]
fn version_and_help() {
    let site = SiteTest::empty();
    site.run(&["--version"])
        .expect_success()
        .expect_stdout_contains(env!("CARGO_PKG_VERSION"));
    site.run(&["--help"])
        .expect_success()
        .expect_stdout_contains("build")
        .expect_stdout_contains("new");
    site.run(&["build", "--help"])
        .expect_success()
        .expect_stdout_contains("--output");
}

#[test]
fn new_scaffolds_a_site_that_builds() {
    let site = SiteTest::empty();
    site.run(&["new", "my-site"]).expect_success();

    let new_root = site.work_dir().join("my-site");
    assert!(
        new_root.join("site.toml").is_file(),
        "{}",
        crate::support::listing(site.work_dir())
    );
    let root = new_root.to_string_lossy().into_owned();
    site.run(&["--root", &root, "build"]).expect_success();
    assert!(
        new_root.join("public/index.html").is_file(),
        "{}",
        crate::support::listing(site.work_dir())
    );
}

#[test]
fn new_into_an_existing_empty_folder() {
    let site = SiteTest::empty();
    fs::create_dir_all(site.work_dir().join("empty")).unwrap();
    site.run(&["new", "empty"]).expect_success();
    assert!(site.work_dir().join("empty/site.toml").is_file());
}

#[test]
fn new_refuses_a_non_empty_folder() {
    let site = SiteTest::empty();
    let dir = site.work_dir().join("taken");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("notes.txt"), "mine\n").unwrap();
    let before = DirSnapshot::of(&dir);

    let out = site.run(&["new", "taken"]);
    out.expect_exit(2);
    before.expect_unchanged(&DirSnapshot::of(&dir), &out.report());
}
