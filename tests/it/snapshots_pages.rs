//! Snapshots of what users see: the rendered `<main>` of each page kind of a
//! small fixture, the checklist block, and one whole minified page. A change
//! to templates, views or Markdown rendering shows up here for review.

use crate::support::SiteTest;

/// One tag per line, so a snapshot diff points at the element that changed.
fn readable(html: &str) -> String {
    html.replace("><", ">\n<")
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found in:\n{html}"));
    let to = html[from..]
        .find(end)
        .map(|i| from + i + end.len())
        .unwrap_or_else(|| panic!("`{end}` not found after `{start}`"));
    &html[from..to]
}

fn built() -> SiteTest {
    let site = SiteTest::fixture("build/basic");
    site.build(&[]).expect_success();
    site
}

#[test]
fn page_kinds_render_their_content() {
    let site = built();
    for (name, path) in [
        ("home", "public/index.html"),
        ("service", "public/services/cardiology/index.html"),
        ("referral", "public/referrals/palpitations/index.html"),
        ("location", "public/locations/main-street/index.html"),
        ("physician", "public/physicians/ana-ruiz/index.html"),
    ] {
        let html = site.read(path);
        let main = between(&html, "<main", "</main>");
        insta::assert_snapshot!(format!("main_{name}"), readable(main));
    }
}

#[test]
fn checklist_block_lists_required_items_first() {
    let site = built();
    let html = site.read("public/services/cardiology/index.html");
    let checklist = between(&html, "<div class=checklist>", "</ul>");
    insta::assert_snapshot!("checklist", readable(checklist));
}

#[test]
fn minified_page_is_stable() {
    let site = built();
    insta::assert_snapshot!(
        "minified_location",
        site.read("public/locations/main-street/index.html")
    );
}
