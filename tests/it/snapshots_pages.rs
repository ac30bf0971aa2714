//! Snapshots of what users see: the rendered `<main>` of each page kind of a
//! small fixture, the checklist block, and one whole minified page. A change
//! to templates, views or Markdown rendering shows up here for review.

use crate::support::{SiteTest, sel};

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

/// The fixture's checklist interleaves optional and required items (an
/// optional one first), so a page that kept the file's order fails here.
#[test]
fn checklist_block_lists_required_items_first() {
    let site = built();
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&site.read("content/checklists/cardiology.yaml")).unwrap();
    let items = yaml["items"].as_sequence().unwrap();
    let required = |item: &serde_yaml::Value| item["required"].as_bool().unwrap_or(false);
    let label = |item: &serde_yaml::Value| item["label"].as_str().unwrap().to_owned();
    assert!(
        items
            .windows(2)
            .any(|w| !required(&w[0]) && required(&w[1])),
        "the fixture lists its required items first already: the test would prove nothing"
    );
    let mut expected: Vec<String> = items.iter().filter(|i| required(i)).map(label).collect();
    expected.extend(items.iter().filter(|i| !required(i)).map(label));

    let html = site.read("public/services/cardiology/index.html");
    let doc = scraper::Html::parse_document(&html);
    let shown: Vec<String> = doc
        .select(&sel(".checklist-item .checklist-label"))
        .map(|p| {
            p.text()
                .collect::<String>()
                .replace("Required: our team needs this to review the referral", "")
        })
        .map(|t| t.trim().to_owned())
        .collect();
    assert_eq!(
        shown, expected,
        "required items first, each group in the file's order"
    );
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
