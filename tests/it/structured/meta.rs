//! Canonical and link-preview meta (Open Graph, Twitter card) on every
//! page, and preview builds (`--base-url`), which are kept out of search and
//! point at themselves everywhere, the JSON-LD and the sitemap included.

use serde_json::json;

use crate::support::SiteTest;

use super::built::{Built, all_attrs, attr_of, jsonld, node_by_id, page_node};
use super::indexing::sitemap_entries;

#[test]
fn every_page_has_canonical_and_link_preview_meta() {
    let built = Built::new(SiteTest::example(), &[]);
    let sitemap = sitemap_entries(&built.file("sitemap.xml"));
    for page in built.content_pages() {
        let doc = page.doc();
        let url = built.url(&page.path);
        let one = |css: &str, attr: &str| {
            let all = all_attrs(&doc, css, attr);
            assert!(all.len() <= 1, "{}: {css} {} times", page.rel, all.len());
            all.into_iter().next()
        };
        assert_eq!(
            one(r#"link[rel="canonical"]"#, "href").as_deref(),
            Some(url.as_str()),
            "{}: canonical",
            page.rel
        );
        assert_eq!(
            one(r#"meta[property="og:url"]"#, "content").as_deref(),
            Some(url.as_str()),
            "{}: og:url",
            page.rel
        );
        let title = jsonld(page)["@graph"]
            .as_array()
            .and_then(|g| {
                g.iter()
                    .find(|n| n["@id"] == format!("{url}#webpage"))
                    .and_then(|n| n["name"].as_str().map(str::to_owned))
            })
            .unwrap_or_else(|| panic!("{}: no page node", page.rel));
        assert_eq!(
            one(r#"meta[property="og:title"]"#, "content").as_deref(),
            Some(title.as_str()),
            "{}: og:title",
            page.rel
        );
        assert_eq!(
            one(r#"meta[name="twitter:card"]"#, "content").as_deref(),
            Some("summary"),
            "{}: twitter:card",
            page.rel
        );
        let description = one(r#"meta[name="description"]"#, "content");
        assert_eq!(
            one(r#"meta[property="og:description"]"#, "content"),
            description,
            "{}: og:description is the meta description",
            page.rel
        );
        // Pages in search results are the ones whose previews matter: they
        // all have a description.
        if sitemap.contains_key(&url) {
            assert!(
                description.is_some(),
                "{}: an indexable page without a description",
                page.rel
            );
        }
    }
    built.site.expect_file("public/404.html");
}

#[test]
fn a_preview_build_is_kept_out_of_search_and_points_at_itself() {
    let built = Built::new(
        SiteTest::example(),
        &["--base-url", "https://preview.example/"],
    );
    assert_eq!(built.base, "https://preview.example");
    let robots = built.file("robots.txt");
    let rules: Vec<&str> = robots
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert_eq!(
        rules,
        ["User-agent: *", "Disallow: /"],
        "robots.txt:\n{robots}"
    );
    for page in &built.pages {
        let doc = page.doc();
        assert_eq!(
            attr_of(&doc, r#"meta[name="robots"]"#, "content").as_deref(),
            Some("noindex"),
            "{}: a preview page without noindex",
            page.rel
        );
        assert!(
            !page.html.contains("https://www.riverbend-health.example"),
            "{}: the live address leaks into a preview",
            page.rel
        );
        if page.kind() == "alias" {
            continue;
        }
        assert_eq!(
            attr_of(&doc, r#"link[rel="canonical"]"#, "href"),
            Some(built.url(&page.path)),
            "{}: canonical",
            page.rel
        );
        let doc = jsonld(page);
        assert_eq!(
            node_by_id(&doc, "https://preview.example/#organization").map(|o| &o["url"]),
            Some(&json!("https://preview.example/")),
            "{}: the organization of a preview",
            page.rel
        );
        assert_eq!(
            page_node(page, &doc)["url"],
            built.url(&page.path).as_str(),
            "{}",
            page.rel
        );
    }
    for (loc, _) in sitemap_entries(&built.file("sitemap.xml")) {
        assert!(
            loc.starts_with("https://preview.example/"),
            "sitemap: {loc}"
        );
    }
}
