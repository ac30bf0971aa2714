//! The default theme built into handoff (issue #21): a site without
//! `themes/` builds with it, byte for byte as with its ejected copy;
//! `handoff theme eject` writes that copy and never overwrites; and an
//! ejected theme whose form contract is not this handoff's stops the build
//! (E043) at its `forms` line.

use crate::support::{SiteTest, repo_root, snapshot_of_dir};

/// The example site with its `themes/` folder removed.
fn site_without_themes() -> SiteTest {
    let site = SiteTest::example();
    site.remove("themes");
    site
}

/// Every output file of a site that has no `themes/` is the same, byte for
/// byte, as when the site builds from the copy `theme eject` wrote; and the
/// copy is the repository's `themes/clinic/`, file for file.
#[test]
fn a_site_without_themes_builds_as_with_its_ejected_copy() {
    let site = site_without_themes();
    site.build(&[]).expect_success();
    site.expect_no_file("themes");
    let built_in = snapshot_of_dir(&site.public());
    assert!(
        built_in.files().any(|f| f.starts_with("js/forms.")),
        "the built-in theme's form script is missing"
    );

    site.run(&["--root", &site.root().to_string_lossy(), "theme", "eject"])
        .expect_success()
        .expect_stderr_contains("themes/clinic")
        .expect_stderr_contains("Next:");
    snapshot_of_dir(&site.path("themes/clinic"))
        .expect_same_as(&snapshot_of_dir(&repo_root().join("themes/clinic")));

    site.build(&[]).expect_success();
    built_in.expect_same_as(&snapshot_of_dir(&site.public()));
}

/// A site's `templates/` still overrides one template of the built-in theme.
#[test]
fn site_templates_override_the_built_in_theme() {
    let site = site_without_themes();
    let footer = repo_root().join("themes/clinic/templates/partials/footer.html");
    let footer = std::fs::read_to_string(footer).expect("the theme has a footer");
    site.write(
        "templates/partials/footer.html",
        &format!("<p>Site footer override</p>{footer}"),
    );
    site.build(&[]).expect_success();
    assert!(
        site.read("public/index.html")
            .contains("Site footer override")
    );
}

/// `theme eject` refuses a folder that exists, changes nothing in it and
/// says how to go on; `--to` a new folder works beside it.
#[test]
fn eject_never_overwrites() {
    let site = SiteTest::fixture("build/basic");
    site.write("themes/clinic/templates/base.html", "my own base");
    let before = snapshot_of_dir(&site.path("themes"));
    let root = site.root().to_string_lossy().into_owned();
    site.run(&["--root", &root, "theme", "eject"])
        .expect_exit(2)
        .expect_stderr_contains("already exists")
        .expect_stderr_contains("--to");
    before.expect_unchanged(&snapshot_of_dir(&site.path("themes")), "eject overwrote");

    let to = site.path("themes/clinic-new");
    site.run(&["theme", "eject", "--to", &to.to_string_lossy()])
        .expect_success();
    assert_eq!(
        site.read("themes/clinic-new/templates/base.html"),
        std::fs::read_to_string(repo_root().join("themes/clinic/templates/base.html")).unwrap()
    );
    // Outside a site, only `--to` says where the theme goes.
    let elsewhere = site.work_dir().to_string_lossy().into_owned();
    site.run(&["--root", &elsewhere, "theme", "eject"])
        .expect_exit(2)
        .expect_stderr_contains("has no site.toml");
    assert!(!site.work_dir().join("themes").exists());
    // No staging folder is left beside it.
    let left: Vec<String> = std::fs::read_dir(site.path("themes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

/// An ejected theme written for another form contract: E043 at the value
/// in theme.toml, saying how to fix it; nothing is built.
#[test]
fn a_mismatched_form_contract_is_a_finding_at_its_line() {
    let site = SiteTest::fixture("build/basic");
    let toml = site.read("themes/clinic/theme.toml");
    let line = toml
        .lines()
        .position(|l| l == "forms = 2")
        .expect("the theme declares its form contract") as u32
        + 1;
    site.write(
        "themes/clinic/theme.toml",
        &toml.replace("forms = 2", "forms = 1"),
    );
    let built = site.expect_failed_build();
    built
        .diagnostic("E043")
        .at_col("themes/clinic/theme.toml", line, 9)
        .mentions("older than this handoff")
        .mentions("handoff theme eject")
        .mentions("partials/form.html");
}

/// An ejected theme from before the contract was numbered (no `forms`, or
/// no theme.toml) gets the same finding; removing the folder falls back to
/// the built-in theme.
#[test]
fn a_theme_without_a_form_contract_is_a_finding() {
    let site = SiteTest::fixture("build/basic");
    let toml = site.read("themes/clinic/theme.toml");
    let old: String = toml
        .lines()
        .filter(|l| !l.starts_with("forms ="))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write("themes/clinic/theme.toml", &old);
    site.expect_failed_build()
        .diagnostic("E043")
        .at("themes/clinic/theme.toml", 1)
        .mentions("forms = 2");
    // A theme folder without theme.toml says nothing about its forms either.
    site.remove("themes/clinic/theme.toml").remove("public");
    site.expect_failed_build()
        .diagnostic("E043")
        .in_file("themes/clinic/theme.toml")
        .mentions("has no theme.toml");
    site.remove("themes");
    site.build(&[]).expect_success().expect_no_findings();
}

/// A `themes/clinic/` without templates is a broken copy, not a reason to
/// use the built-in theme behind the writer's back; another theme name
/// still needs its folder.
#[test]
fn a_partial_theme_folder_is_refused() {
    let site = SiteTest::fixture("build/basic");
    site.remove("themes/clinic/templates");
    site.expect_failed_build()
        .diagnostic("E004")
        .mentions("themes/clinic/templates/")
        .mentions("remove it to use the");
    // `expect_failed_build` seeds a previous site to prove it is kept.
    site.remove("themes").remove("public");
    let config = site.read("site.toml");
    site.write("site.toml", &format!("theme = \"harbor\"\n{config}"));
    site.expect_failed_build()
        .diagnostic("E004")
        .mentions("themes/harbor/templates/");
}
