//! Symlinks whose targets leave the site, and findings that must not quote
//! what they point at (E019).
//!
//! Links cannot be committed portably, so each test makes them in its
//! temporary copy of `tests/fixtures/bad_input/link_outside`, pointing into
//! a folder `outside/` beside the site root (inside the test's temporary
//! folder) that holds a secret and a folder of valid pages. A refused link
//! is named by its path in the site; neither the secret nor where the
//! outside folder lives appears in any finding.

use std::fs;
use std::path::{Path, PathBuf};

use super::case;
use crate::support::{Outcome, SiteTest};

/// What the file outside the site holds; it must appear nowhere.
const SECRET: &str = "hunter2";

/// `outside/` beside the site root: `secret` (an environment line), a
/// `site.toml`, a stylesheet, a template and `pages/` (valid pages).
fn outside(site: &SiteTest) -> PathBuf {
    let dir = site.work_dir().join("outside");
    let page = format!("---\ntitle: About {SECRET}\ndescription: A page.\n---\n{SECRET}\n");
    for (rel, text) in [
        ("secret", format!("SECRET_TOKEN={SECRET}\n")),
        ("pages/about.md", page.clone()),
        ("pages/team.md", page),
        (
            "site.toml",
            format!("title = \"{SECRET}\"\nbase_url = \"https://www.example-clinic.example\"\n"),
        ),
        ("extra.css", format!(".x {{ content: \"{SECRET}\" }}\n")),
        ("page.html", format!("<p>{SECRET}</p>\n")),
    ] {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// Makes the link `rel` (under the site root) to `target`, with its folder.
fn link(site: &SiteTest, rel: &str, target: &Path) {
    fs::create_dir_all(site.path(rel).parent().unwrap()).unwrap();
    site.symlink(rel, target.to_str().unwrap());
}

/// The contract of a refused link: a failed build that writes nothing (see
/// `expect_failed_build`), an E019 naming each of `links`, and neither the
/// secret nor the outside folder's location anywhere on stderr.
fn expect_refused(site: &SiteTest, links: &[&str]) -> Outcome {
    let out = site.expect_failed_build();
    let refused: Vec<String> = out
        .diagnostics_with("E019")
        .iter()
        .filter_map(|f| f.diag.file.clone())
        .collect();
    for link in links {
        assert!(
            refused.iter().any(|r| r == link),
            "expected E019 for `{link}`, got it for {refused:?}\n{}",
            out.report()
        );
    }
    out.expect_stderr_not_contains(SECRET)
        .expect_stderr_not_contains(&site.work_dir().join("outside").to_string_lossy());
    out.diagnostic("E019")
        .mentions("outside the site folder")
        .mentions("remove the link");
    out
}

#[test]
fn a_content_link_to_a_file_outside_is_refused_unread() {
    // Before E019 the link was read as a page: E010 quoted its first line,
    // `SECRET_TOKEN=…`, in the finding.
    let site = case("link_outside");
    outside(&site);
    link(&site, "content/leak.md", Path::new("../../outside/secret"));
    expect_refused(&site, &["content/leak.md"]).expect_stderr_not_contains("E010");
}

#[test]
fn links_to_system_files_are_refused_unread() {
    let site = case("link_outside");
    link(&site, "content/environ.md", Path::new("/proc/self/environ"));
    link(&site, "content/passwd.md", Path::new("/etc/passwd"));
    expect_refused(&site, &["content/environ.md", "content/passwd.md"])
        .expect_stderr_not_contains("PATH=")
        .expect_stderr_not_contains("root:");
}

#[test]
fn a_link_to_a_folder_of_pages_outside_is_refused() {
    let site = case("link_outside");
    let dir = outside(&site);
    link(&site, "content/outside", &dir.join("pages"));
    let out = expect_refused(&site, &["content/outside"]);
    // Refused as a whole, before anything in it is listed.
    out.expect_stderr_not_contains("about.md")
        .expect_stderr_not_contains("team.md");
}

#[test]
fn a_chain_of_links_out_is_refused_at_every_link() {
    let site = case("link_outside");
    outside(&site);
    link(&site, "static/a.txt", Path::new("b.txt"));
    link(&site, "static/b.txt", Path::new("c.txt"));
    link(&site, "static/c.txt", Path::new("../../outside/secret"));
    expect_refused(&site, &["static/a.txt", "static/b.txt", "static/c.txt"]);
}

#[test]
fn links_out_of_templates_themes_and_site_toml_are_refused() {
    let cases: [(&str, &str, &str); 4] = [
        ("templates/page.html", "page.html", "templates/page.html"),
        (
            "themes/clinic/css/extra.css",
            "extra.css",
            "themes/clinic/css/extra.css",
        ),
        ("themes/mine", "theme", "themes/mine"),
        ("site.toml", "site.toml", "site.toml"),
    ];
    for (rel, target, refused) in cases {
        let site = case("link_outside");
        let dir = outside(&site);
        if rel == "site.toml" {
            site.remove("site.toml");
        }
        if rel == "themes/mine" {
            // The site's theme is a whole folder elsewhere.
            copy_dir(&site.path("themes/clinic"), &dir.join("theme"));
            let toml = site.read("site.toml");
            site.write("site.toml", &format!("theme = \"mine\"\n{toml}"));
        }
        link(&site, rel, &dir.join(target));
        expect_refused(&site, &[refused]);
    }
}

#[test]
fn a_link_into_a_hidden_folder_of_the_site_is_refused() {
    // actions/checkout leaves the job's token in `.git/config`.
    let site = case("link_outside");
    site.write(
        ".git/config",
        &format!("[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n"),
    );
    link(&site, "static/config.txt", Path::new("../.git/config"));
    let out = site.expect_failed_build();
    out.diagnostic("E019")
        .in_file("static/config.txt")
        .mentions("hidden");
    out.expect_stderr_not_contains(SECRET);
}

#[test]
fn links_that_stay_inside_the_site_keep_working() {
    let site = case("link_outside");
    site.write(
        "notes/about.md",
        "---\ntitle: About us\ndescription: Who we are.\n---\nLINKED-PAGE-TEXT\n",
    );
    site.write("notes/t.txt", "LINKED-TEXT\n");
    site.write(
        "assets/img/mark.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"2\"></svg>\n",
    );
    link(&site, "content/about.md", Path::new("../notes/about.md"));
    link(&site, "static/img", Path::new("../assets/img"));
    link(&site, "static/a.txt", Path::new("b.txt"));
    link(&site, "static/b.txt", Path::new("../notes/t.txt"));
    site.build(&[]).expect_success().expect_no_findings();
    assert!(
        site.read("public/about/index.html")
            .contains("LINKED-PAGE-TEXT")
    );
    assert_eq!(site.read("public/a.txt"), "LINKED-TEXT\n");
    assert!(site.path("public/img/mark.svg").is_file());

    // The root itself may be reached through a link.
    let alias = site.work_dir().join("alias");
    std::os::unix::fs::symlink(site.root(), &alias).unwrap();
    fs::remove_dir_all(site.public()).unwrap();
    site.run(&["--root", alias.to_str().unwrap(), "build"])
        .expect_success();
    assert_eq!(site.read("public/a.txt"), "LINKED-TEXT\n");
}

fn copy_dir(from: &Path, to: &Path) {
    crate::support::copy_tree(from, to, crate::support::CopyOrder::Forward);
}
