//! Search essentials: `sitemap.xml` (valid against the sitemaps.org 0.9 XSD
//! with xmllint, listing exactly the indexable pages with their `updated`
//! date), `robots.txt`, `_redirects`, `_headers` and the 404 page, on the
//! example site and on a small site with every kind of page left out.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::Html;

use crate::support::{SiteTest, repo_root, sel};

use super::built::{Built, attr_of, jsonld, page_node, text_of};
use super::csp::{expect_csp_allows_only, expect_pages_follow_csp};
use super::facts::front_matter;

fn xmllint() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("xmllint"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "xmllint is not installed: run `scripts/test` (it installs it), or \
             `apt-get install libxml2-utils`"
        )
    })
}

/// Validates `xml` against the vendored sitemaps.org 0.9 XSD: (valid, report).
fn validate_sitemap(xml: &Path) -> (bool, String) {
    let xsd = repo_root().join("tests/schemas/sitemap.xsd");
    assert!(xsd.is_file(), "missing {}", xsd.display());
    let out = Command::new(xmllint())
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(xml)
        .output()
        .expect("cannot run xmllint");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), report)
}

/// `<loc>` → `<lastmod>` of a sitemap (read with scraper's HTML parser,
/// which keeps element names and text, enough for this flat format).
pub(super) fn sitemap_entries(xml: &str) -> BTreeMap<String, Option<String>> {
    let doc = Html::parse_fragment(xml);
    let mut out = BTreeMap::new();
    for url in doc.select(&sel("url")) {
        let loc = url
            .select(&sel("loc"))
            .next()
            .map(text_of)
            .expect("a <loc>");
        let lastmod = url.select(&sel("lastmod")).next().map(text_of);
        assert!(
            out.insert(loc.clone(), lastmod).is_none(),
            "{loc} is listed twice"
        );
    }
    out
}

#[test]
fn the_example_sitemap_is_valid_and_lists_exactly_the_indexable_pages() {
    let built = Built::new(SiteTest::example(), &[]);
    let sitemap = built.site.public().join("sitemap.xml");
    let (valid, report) = validate_sitemap(&sitemap);
    assert!(
        valid,
        "sitemap.xml fails the sitemaps.org 0.9 XSD:\n{report}"
    );

    // The check is not vacuous: a broken sitemap fails it.
    let broken_path = built.site.work_dir().join("broken-sitemap.xml");
    let xml = built.file("sitemap.xml");
    fs::write(
        &broken_path,
        xml.replacen("<loc>", "<lastmod>yesterday</lastmod><loc>", 1),
    )
    .expect("write");
    assert!(
        !validate_sitemap(&broken_path).0,
        "xmllint accepted a broken sitemap"
    );

    let entries = sitemap_entries(&xml);
    let mut expected = BTreeMap::new();
    for page in &built.pages {
        let kind = page.kind();
        let noindex = attr_of(&page.doc(), r#"meta[name="robots"]"#, "content")
            .is_some_and(|c| c.contains("noindex"));
        if kind == "alias" || noindex {
            assert!(
                !entries.contains_key(&built.url(&page.path)),
                "{}: a {kind} page{} is in the sitemap",
                page.rel,
                if noindex { " marked noindex" } else { "" }
            );
            continue;
        }
        let node = jsonld(page);
        let modified = page_node(page, &node)["dateModified"]
            .as_str()
            .map(str::to_owned);
        expected.insert(built.url(&page.path), modified);
    }
    assert_eq!(
        entries, expected,
        "sitemap.xml: every indexable page once, lastmod = its `updated` (the JSON-LD dateModified)"
    );
    // lastmod comes from front matter `updated`.
    let home_updated = front_matter(&built.site, "_index.md")["updated"].clone();
    assert_eq!(
        entries[&format!("{}/", built.base)].as_deref(),
        home_updated.as_str(),
        "lastmod of the home page"
    );
}

#[test]
fn the_example_robots_redirects_headers_and_404() {
    let built = Built::new(SiteTest::example(), &[]);
    let robots = built.file("robots.txt");
    assert_eq!(
        robots.lines().collect::<Vec<_>>(),
        [
            "User-agent: *",
            "Allow: /",
            "",
            "Sitemap: https://www.riverbend-health.example/sitemap.xml",
        ],
        "robots.txt"
    );
    assert_eq!(
        built.file("_redirects").lines().collect::<Vec<_>>(),
        ["/oncology/ /services/medical-oncology/ 301"],
        "_redirects"
    );
    let alias = built.page("/oncology/").doc();
    assert_eq!(
        attr_of(&alias, r#"link[rel="canonical"]"#, "href").as_deref(),
        Some("https://www.riverbend-health.example/services/medical-oncology/")
    );
    assert_eq!(
        attr_of(&alias, "meta[http-equiv=refresh]", "content").as_deref(),
        Some("0; url=/services/medical-oncology/")
    );

    let headers = built.file("_headers");
    let lines: Vec<&str> = headers.lines().collect();
    assert_eq!(lines.len(), 5, "_headers:\n{headers}");
    assert_eq!(lines[0], "/*");
    let csp = lines[1]
        .strip_prefix("  Content-Security-Policy: ")
        .unwrap_or_else(|| panic!("line 2 of _headers: {}", lines[1]));
    assert_eq!(
        lines[2],
        "  Referrer-Policy: strict-origin-when-cross-origin"
    );
    assert_eq!(lines[3], "  X-Content-Type-Options: nosniff");
    assert_eq!(
        lines[4],
        "  Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    );
    expect_csp_allows_only(csp, &["https://intake.riverbend-health.example"], true);
    expect_pages_follow_csp(&built, csp);

    let not_found = built.file("404.html");
    let doc = Html::parse_document(&not_found);
    assert!(
        attr_of(&doc, r#"meta[name="robots"]"#, "content").is_some_and(|c| c == "noindex"),
        "404.html is noindex"
    );
}

#[test]
fn sitemap_robots_and_redirects_of_a_small_site() {
    let built = Built::new(SiteTest::fixture("structured/indexing"), &[]);
    let b = "https://indexing.example";
    let xml = built.file("sitemap.xml");
    let (valid, report) = validate_sitemap(&built.site.public().join("sitemap.xml"));
    assert!(valid, "sitemap.xml fails the XSD:\n{report}\n{xml}");
    let expected: BTreeMap<String, Option<String>> = [
        ("/", Some("2026-01-05")),
        ("/about/", Some("2025-12-31")),
        ("/locations/", None),
        ("/locations/main-street/", None),
        ("/physicians/", None),
        ("/physicians/ana-ruiz/", None),
        ("/refer/", None),
        ("/referrals/", None),
        ("/referrals/palpitations/", Some("2026-03-01")),
        ("/request-appointment/", None),
        ("/services/", None),
        ("/services/cardiology/", Some("2026-02-14")),
        ("/services/cardiology/refer/", None),
    ]
    .into_iter()
    .map(|(p, d)| (format!("{b}{p}"), d.map(str::to_owned)))
    .collect();
    assert_eq!(sitemap_entries(&xml), expected, "sitemap.xml:\n{xml}");
    // The page's JSON-LD dateModified is the same `updated`.
    for (url, updated) in &expected {
        let page = built.page(url.strip_prefix(b).expect("under the base"));
        assert_eq!(
            page_node(page, &jsonld(page))["dateModified"].as_str(),
            updated.as_deref(),
            "{url}: dateModified"
        );
    }
    // What is left out exists, and is left out for its reason.
    for (path, why) in [
        ("/staff-only/", "noindex: true"),
        ("/refer/thanks/", "thanks page"),
        ("/request-appointment/thanks/", "thanks page"),
        ("/services/cardiology/refer/packet/", "packet"),
        ("/services/cardiology/refer/thanks/", "thanks page"),
        ("/404.html", "404"),
    ] {
        let robots = attr_of(&built.page(path).doc(), r#"meta[name="robots"]"#, "content");
        assert_eq!(
            robots.as_deref(),
            Some("noindex"),
            "{path} ({why}) is noindex"
        );
    }
    for alias in ["/about-us/", "/team/about/", "/heart/"] {
        assert_eq!(built.page(alias).kind(), "alias", "{alias}");
    }
    // Nothing else is noindex.
    for page in &built.pages {
        let noindex = attr_of(&page.doc(), r#"meta[name="robots"]"#, "content").is_some();
        // Alias pages only redirect: they are noindex too.
        let redirect = page.html.contains("http-equiv=refresh")
            || page.html.contains("http-equiv=\"refresh\"");
        let expected = redirect
            || matches!(
                page.path.as_str(),
                "/staff-only/"
                    | "/refer/thanks/"
                    | "/request-appointment/thanks/"
                    | "/services/cardiology/refer/packet/"
                    | "/services/cardiology/refer/thanks/"
                    | "/404.html"
            );
        assert_eq!(noindex, expected, "{}: robots meta", page.rel);
    }
    assert_eq!(
        built.file("robots.txt").lines().collect::<Vec<_>>(),
        [
            "User-agent: *",
            "Allow: /",
            "",
            "Sitemap: https://indexing.example/sitemap.xml"
        ]
    );
    assert_eq!(
        built.file("_redirects").lines().collect::<Vec<_>>(),
        [
            "/about-us/ /about/ 301",
            "/heart/ /services/cardiology/ 301",
            "/team/about/ /about/ 301",
        ]
    );
    // The live address with a trailing slash is not a preview.
    built
        .site
        .build(&["--base-url", "https://indexing.example/"])
        .expect_success();
    assert!(
        built.file("robots.txt").contains("Sitemap: "),
        "the live base URL, written with a slash, made a preview"
    );
    let home = Html::parse_document(&built.file("index.html"));
    assert_eq!(attr_of(&home, r#"meta[name="robots"]"#, "content"), None);
}
