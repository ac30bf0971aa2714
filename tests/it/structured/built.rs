//! A successful build as the structured-data tests read it: its HTML pages
//! (with the URL each is served at and the page kind the theme was given),
//! and the one JSON-LD document of a page with the look-ups the tests need
//! (nodes by `@id` and by type, the page node, references).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use scraper::{ElementRef, Html};
use serde_json::Value;

use crate::support::{SiteTest, sel};

use super::facts::site_toml;

/// One HTML file of a build.
pub(super) struct PageOut {
    /// Path under the output folder, e.g. `services/cardiology/index.html`.
    pub(super) rel: String,
    /// The URL path it is served at, e.g. `/services/cardiology/`.
    pub(super) path: String,
    pub(super) html: String,
}

impl PageOut {
    pub(super) fn doc(&self) -> Html {
        Html::parse_document(&self.html)
    }

    /// `<body class="kind-…">`: the page kind the theme was given; `alias`
    /// for the redirect pages (they use no layout and carry a refresh).
    pub(super) fn kind(&self) -> String {
        let doc = self.doc();
        if doc
            .select(&sel("meta[http-equiv=refresh]"))
            .next()
            .is_some()
        {
            return "alias".to_owned();
        }
        doc.select(&sel("body"))
            .next()
            .and_then(|b| b.value().attr("class"))
            .and_then(|c| c.split_whitespace().find_map(|w| w.strip_prefix("kind-")))
            .unwrap_or_else(|| panic!("{}: no <body class=\"kind-…\">", self.rel))
            .to_owned()
    }
}

/// A successful build and everything it wrote.
pub(super) struct Built {
    pub(super) site: SiteTest,
    /// The base URL the build used, without a trailing slash.
    pub(super) base: String,
    pub(super) pages: Vec<PageOut>,
}

impl Built {
    /// Builds `site` with `args` and reads what it wrote.
    pub(super) fn new(site: SiteTest, args: &[&str]) -> Built {
        site.build(args).expect_success();
        let base = match args.iter().position(|a| *a == "--base-url") {
            Some(i) => args[i + 1].trim_end_matches('/').to_owned(),
            None => site_toml(&site)["base_url"]
                .as_str()
                .expect("site.toml has a base_url")
                .trim_end_matches('/')
                .to_owned(),
        };
        let pages = read_pages(&site.public());
        assert!(!pages.is_empty(), "the build wrote no HTML");
        Built { site, base, pages }
    }

    /// Builds the same site again (after the test changed its files).
    pub(super) fn rebuild(self, args: &[&str]) -> Built {
        Built::new(self.site, args)
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(super) fn org_id(&self) -> String {
        format!("{}/#organization", self.base)
    }

    pub(super) fn page(&self, path: &str) -> &PageOut {
        self.pages
            .iter()
            .find(|p| p.path == path)
            .unwrap_or_else(|| {
                panic!(
                    "no page at {path}; built: {:?}",
                    self.pages.iter().map(|p| &p.path).collect::<Vec<_>>()
                )
            })
    }

    /// Every page except the alias redirect stubs.
    pub(super) fn content_pages(&self) -> impl Iterator<Item = &PageOut> {
        self.pages.iter().filter(|p| p.kind() != "alias")
    }

    pub(super) fn file(&self, rel: &str) -> String {
        self.site.expect_file(&format!("public/{rel}"))
    }
}

pub(super) fn attr_of(doc: &Html, css: &str, attr: &str) -> Option<String> {
    doc.select(&sel(css))
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_owned)
}

pub(super) fn all_attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

pub(super) fn text_of(el: ElementRef<'_>) -> String {
    el.text().collect()
}

/// The text of every `<script type="application/ld+json">` of a page.
pub(super) fn jsonld_blocks(page: &PageOut) -> Vec<String> {
    page.doc()
        .select(&sel(r#"script[type="application/ld+json"]"#))
        .map(text_of)
        .collect()
}

/// The one JSON-LD document of a page, parsed.
pub(super) fn jsonld(page: &PageOut) -> Value {
    let blocks = jsonld_blocks(page);
    assert_eq!(
        blocks.len(),
        1,
        "{}: expected exactly one JSON-LD block, found {}",
        page.rel,
        blocks.len()
    );
    serde_json::from_str(&blocks[0]).unwrap_or_else(|e| {
        panic!(
            "{}: the JSON-LD does not parse: {e}\n{}",
            page.rel, blocks[0]
        )
    })
}

pub(super) fn graph(doc: &Value) -> &Vec<Value> {
    doc["@graph"]
        .as_array()
        .unwrap_or_else(|| panic!("no @graph array in {doc:#}"))
}

pub(super) fn types_of(node: &Value) -> Vec<&str> {
    match &node["@type"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn has_type(node: &Value, ty: &str) -> bool {
    types_of(node).contains(&ty)
}

pub(super) fn node_by_id<'a>(doc: &'a Value, id: &str) -> Option<&'a Value> {
    graph(doc).iter().find(|n| n["@id"] == id)
}

fn nodes_of_type<'a>(doc: &'a Value, ty: &str) -> Vec<&'a Value> {
    graph(doc).iter().filter(|n| has_type(n, ty)).collect()
}

pub(super) fn one_of_type<'a>(page: &PageOut, doc: &'a Value, ty: &str) -> &'a Value {
    let found = nodes_of_type(doc, ty);
    assert_eq!(
        found.len(),
        1,
        "{}: expected one {ty} node in the graph, found {}\n{doc:#}",
        page.rel,
        found.len()
    );
    found[0]
}

/// A single value or a list, as a list.
pub(super) fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

pub(super) fn str_set<'a>(values: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    values
        .into_iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("expected a string, got {v}"))
                .to_owned()
        })
        .collect()
}

/// The page node (WebPage, MedicalWebPage, FAQPage) of a graph.
pub(super) fn page_node<'a>(page: &PageOut, doc: &'a Value) -> &'a Value {
    let found: Vec<&Value> = graph(doc)
        .iter()
        .filter(|n| {
            types_of(n)
                .iter()
                .any(|t| matches!(*t, "WebPage" | "MedicalWebPage" | "FAQPage"))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{}: expected one page node, found {}\n{doc:#}",
        page.rel,
        found.len()
    );
    found[0]
}

/// Resolves `{"@id": …}` to the graph node it names.
pub(super) fn resolve<'a>(page: &PageOut, doc: &'a Value, reference: &Value) -> &'a Value {
    let id = reference["@id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: not a reference: {reference}", page.rel));
    node_by_id(doc, id)
        .unwrap_or_else(|| panic!("{}: {id} is not a node of the graph\n{doc:#}", page.rel))
}

/// The HTML files under `public`, with the URL path each is served at.
fn read_pages(public: &Path) -> Vec<PageOut> {
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(public).sort_by_file_name() {
        let entry = entry.expect("a readable output folder");
        let rel = entry
            .path()
            .strip_prefix(public)
            .expect("under public/")
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(dir) = rel.strip_suffix("index.html") {
            let html = fs::read_to_string(entry.path()).expect("UTF-8");
            pages.push(PageOut {
                path: format!("/{dir}"),
                rel,
                html,
            });
        } else if rel.ends_with(".html") {
            let html = fs::read_to_string(entry.path()).expect("UTF-8");
            pages.push(PageOut {
                path: format!("/{rel}"),
                rel,
                html,
            });
        }
    }
    pages
}
