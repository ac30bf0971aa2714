//! Structured data and search essentials (SPEC §8): the schema.org JSON-LD
//! `@graph` of every page, its safe embedding, one canonical form of every
//! phone number (NAP), `sitemap.xml` (checked against the sitemaps.org 0.9
//! XSD with xmllint), `robots.txt`, `_redirects`, `_headers` and the
//! Content-Security-Policy, canonical and Open Graph meta, preview builds,
//! and an outside reader of the structured data (the `extruct` Python
//! package) that nobody here wrote.
//!
//! HTML is minified (attribute quotes dropped, attributes reordered), so
//! pages are read with `scraper`, never with regexes on quotes. Expected
//! values come from the site's own files (site.toml, front matter), read
//! here independently of handoff's model.
//!
//! Tools: `xmllint` (Debian libxml2-utils) and a Python virtualenv with
//! extruct (`HANDOFF_PYTHON`), both installed by `scripts/test`. Without them
//! the tests that need them fail with the command to run; they never skip.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{ElementRef, Html, Selector};
use serde_json::{Value, json};

use crate::support::{SiteTest, repo_root};

// ---------------------------------------------------------------------------
// Reading a built site

/// One HTML file of a build.
struct PageOut {
    /// Path under the output folder, e.g. `services/cardiology/index.html`.
    rel: String,
    /// The URL path it is served at, e.g. `/services/cardiology/`.
    path: String,
    html: String,
}

impl PageOut {
    fn doc(&self) -> Html {
        Html::parse_document(&self.html)
    }

    /// `<body class="kind-…">`: the page kind the theme was given; `alias`
    /// for the redirect pages (they use no layout and carry a refresh).
    fn kind(&self) -> String {
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
struct Built {
    site: SiteTest,
    /// The base URL the build used, without a trailing slash.
    base: String,
    pages: Vec<PageOut>,
}

impl Built {
    /// Builds `site` with `args` and reads what it wrote.
    fn new(site: SiteTest, args: &[&str]) -> Built {
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
    fn rebuild(self, args: &[&str]) -> Built {
        Built::new(self.site, args)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn org_id(&self) -> String {
        format!("{}/#organization", self.base)
    }

    fn page(&self, path: &str) -> &PageOut {
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
    fn content_pages(&self) -> impl Iterator<Item = &PageOut> {
        self.pages.iter().filter(|p| p.kind() != "alias")
    }

    fn file(&self, rel: &str) -> String {
        self.site.expect_file(&format!("public/{rel}"))
    }
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

fn attr_of(doc: &Html, css: &str, attr: &str) -> Option<String> {
    doc.select(&sel(css))
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_owned)
}

fn all_attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

fn text_of(el: ElementRef<'_>) -> String {
    el.text().collect()
}

/// The text of every `<script type="application/ld+json">` of a page.
fn jsonld_blocks(page: &PageOut) -> Vec<String> {
    page.doc()
        .select(&sel(r#"script[type="application/ld+json"]"#))
        .map(text_of)
        .collect()
}

/// The one JSON-LD document of a page, parsed.
fn jsonld(page: &PageOut) -> Value {
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

fn graph(doc: &Value) -> &Vec<Value> {
    doc["@graph"]
        .as_array()
        .unwrap_or_else(|| panic!("no @graph array in {doc:#}"))
}

fn types_of(node: &Value) -> Vec<&str> {
    match &node["@type"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn has_type(node: &Value, ty: &str) -> bool {
    types_of(node).contains(&ty)
}

fn node_by_id<'a>(doc: &'a Value, id: &str) -> Option<&'a Value> {
    graph(doc).iter().find(|n| n["@id"] == id)
}

fn nodes_of_type<'a>(doc: &'a Value, ty: &str) -> Vec<&'a Value> {
    graph(doc).iter().filter(|n| has_type(n, ty)).collect()
}

fn one_of_type<'a>(page: &PageOut, doc: &'a Value, ty: &str) -> &'a Value {
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
fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

fn str_set<'a>(values: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    values
        .into_iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("expected a string, got {v}"))
                .to_owned()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Reading the site's own files (independently of handoff)

fn site_toml(site: &SiteTest) -> toml::Table {
    toml::from_str(&site.read("site.toml")).expect("site.toml parses")
}

/// The front matter of `content/<rel>` as JSON.
fn front_matter(site: &SiteTest, rel: &str) -> Value {
    let text = site.read(&format!("content/{rel}"));
    let text = text.trim_start_matches('\u{feff}');
    let rest = text
        .strip_prefix("---\n")
        .unwrap_or_else(|| panic!("content/{rel}: no front matter"));
    let end = rest
        .find("\n---")
        .unwrap_or_else(|| panic!("content/{rel}: front matter not closed"));
    let yaml: serde_yaml::Value = serde_yaml::from_str(&rest[..end])
        .unwrap_or_else(|e| panic!("content/{rel}: front matter does not parse: {e}"));
    serde_json::to_value(yaml).expect("front matter as JSON")
}

/// Front matter of every Markdown file in `content/<section>/` (not
/// `_index.md`), keyed by slug (`slug:` or the file stem).
fn section(site: &SiteTest, section: &str) -> BTreeMap<String, Value> {
    let dir = site.path(&format!("content/{section}"));
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir(&dir) else {
        return out;
    };
    for entry in entries {
        let name = entry
            .expect("a readable folder")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Some(stem) = name.strip_suffix(".md") else {
            continue;
        };
        if stem == "_index" {
            continue;
        }
        let fm = front_matter(site, &format!("{section}/{name}"));
        let slug = fm["slug"].as_str().unwrap_or(stem).to_owned();
        out.insert(slug, fm);
    }
    out
}

/// A phone number as E.164, computed here from what the writer typed: a
/// leading `+` keeps the digits as they are; ten digits are North American.
fn e164(human: &str) -> String {
    let digits: String = human.chars().filter(char::is_ascii_digit).collect();
    if human.trim_start().starts_with('+') || digits.len() != 10 {
        format!("+{digits}")
    } else {
        format!("+1{digits}")
    }
}

/// The display form the theme prints: `(555) 010-0100` for North American
/// numbers, E.164 otherwise.
fn display(e164: &str) -> String {
    match e164.strip_prefix("+1") {
        Some(n) if n.len() == 10 => format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..]),
        _ => e164.to_owned(),
    }
}

fn fm_str<'a>(fm: &'a Value, key: &str) -> Option<&'a str> {
    fm[key].as_str()
}

// ---------------------------------------------------------------------------
// schema.org: the types and properties handoff may use

/// Every schema.org type handoff writes. Checked against schema.org
/// (https://schema.org/<Type>, version 29): each exists and is not pending.
const KNOWN_TYPES: [&str; 19] = [
    "MedicalOrganization",
    "MedicalClinic",
    "Hospital",
    "Physician",
    "WebPage",
    "MedicalWebPage",
    "FAQPage",
    "BreadcrumbList",
    "ListItem",
    "PostalAddress",
    "GeoCoordinates",
    "OpeningHoursSpecification",
    "ContactPoint",
    "Service",
    "MedicalAudience",
    "Question",
    "Answer",
    "Organization",
    "Person",
];

/// The properties a node of `ty` may carry: schema.org's own, inherited
/// along the type hierarchy, limited to those handoff has a use for. A
/// property outside this list is either a typo or one schema.org does not
/// define on that type (e.g. `geo` on a `MedicalOrganization`, which is not
/// a Place).
fn allowed_properties(ty: &str) -> BTreeSet<&'static str> {
    const THING: &[&str] = &[
        "@id",
        "@type",
        "name",
        "url",
        "description",
        "image",
        "sameAs",
    ];
    // Organization
    const ORGANIZATION: &[&str] = &[
        "logo",
        "telephone",
        "faxNumber",
        "email",
        "contactPoint",
        "address",
        "parentOrganization",
    ];
    // MedicalOrganization (Physician, MedicalClinic and Hospital are subtypes)
    const MEDICAL_ORGANIZATION: &[&str] = &["medicalSpecialty", "isAcceptingNewPatients"];
    // Place (LocalBusiness is both Organization and Place)
    const PLACE: &[&str] = &[
        "address",
        "geo",
        "openingHoursSpecification",
        "telephone",
        "faxNumber",
        "logo",
    ];
    // CreativeWork
    const CREATIVE_WORK: &[&str] = &[
        "about",
        "inLanguage",
        "publisher",
        "dateModified",
        "audience",
        "mainEntity",
    ];
    // WebPage
    const WEB_PAGE: &[&str] = &["breadcrumb", "specialty"];
    let parts: Vec<&[&str]> = match ty {
        "Organization" => vec![THING, ORGANIZATION],
        "MedicalOrganization" => vec![THING, ORGANIZATION, MEDICAL_ORGANIZATION],
        // MedicalClinic: MedicalBusiness (LocalBusiness) and MedicalOrganization;
        // Physician: the same; Hospital: CivicStructure (Place),
        // EmergencyService (LocalBusiness) and MedicalOrganization.
        "MedicalClinic" | "Physician" | "Hospital" => {
            vec![THING, ORGANIZATION, MEDICAL_ORGANIZATION, PLACE]
        }
        "WebPage" | "MedicalWebPage" | "FAQPage" => vec![THING, CREATIVE_WORK, WEB_PAGE],
        // ItemList
        "BreadcrumbList" => vec![THING, &["itemListElement"]],
        "ListItem" => vec![THING, &["position", "item"]],
        "PostalAddress" => vec![
            &["@type"],
            &[
                "streetAddress",
                "addressLocality",
                "addressRegion",
                "postalCode",
                "addressCountry",
            ],
        ],
        "GeoCoordinates" => vec![&["@type", "latitude", "longitude"]],
        "OpeningHoursSpecification" => vec![&["@type", "dayOfWeek", "opens", "closes"]],
        "ContactPoint" => vec![THING, &["contactType", "telephone", "faxNumber", "email"]],
        "Service" => vec![THING, &["serviceType", "provider"]],
        // Audience.audienceType
        "MedicalAudience" => vec![&["@type", "audienceType"]],
        "Question" => vec![THING, &["acceptedAnswer", "text"]],
        "Answer" => vec![THING, &["text"]],
        "Person" => vec![THING, &["telephone", "email", "address"]],
        _ => Vec::new(),
    };
    parts.into_iter().flatten().copied().collect()
}

/// For properties whose value is an embedded node: the types it may have.
fn expected_value_types(property: &str) -> Option<&'static [&'static str]> {
    Some(match property {
        "address" => &["PostalAddress"],
        "geo" => &["GeoCoordinates"],
        "openingHoursSpecification" => &["OpeningHoursSpecification"],
        "contactPoint" => &["ContactPoint"],
        "acceptedAnswer" => &["Answer"],
        "audience" => &["MedicalAudience"],
        "itemListElement" => &["ListItem"],
        "mainEntity" => &["Question"],
        _ => return None,
    })
}

/// Members of the schema.org MedicalSpecialty enumeration.
const MEDICAL_SPECIALTIES: [&str; 41] = [
    "Anesthesia",
    "Cardiovascular",
    "CommunityHealth",
    "Dentistry",
    "Dermatology",
    "DietNutrition",
    "Emergency",
    "Endocrine",
    "Gastroenterologic",
    "Genetic",
    "Geriatric",
    "Gynecologic",
    "Hematologic",
    "Infectious",
    "LaboratoryScience",
    "Midwifery",
    "Musculoskeletal",
    "Neurologic",
    "Nursing",
    "Obstetric",
    "Oncologic",
    "Optometric",
    "Otolaryngologic",
    "Pathology",
    "Pediatric",
    "PharmacySpecialty",
    "Physiotherapy",
    "PlasticSurgery",
    "Podiatric",
    "PrimaryCare",
    "Psychiatric",
    "PublicHealth",
    "Pulmonary",
    "Radiography",
    "Renal",
    "RespiratoryTherapy",
    "Rheumatologic",
    "SpeechPathology",
    "Surgical",
    "Toxicologic",
    "Urologic",
];

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Checks one JSON-LD document against the vocabulary and the graph rules;
/// returns every problem found (empty when it is sound).
fn vocabulary_problems(doc: &Value, org_id: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(top) = doc.as_object() else {
        return vec!["the JSON-LD is not an object".to_owned()];
    };
    let keys: BTreeSet<&str> = top.keys().map(String::as_str).collect();
    if keys != BTreeSet::from(["@context", "@graph"]) {
        problems.push(format!(
            "top-level keys must be exactly @context and @graph, found {keys:?}"
        ));
    }
    if doc["@context"] != "https://schema.org" {
        problems.push(format!(
            "@context must be \"https://schema.org\", found {}",
            doc["@context"]
        ));
    }
    let Some(nodes) = doc["@graph"].as_array() else {
        problems.push("@graph is not a list".to_owned());
        return problems;
    };
    // Every node that has an @id, at any depth, may be referred to.
    let mut ids = BTreeSet::new();
    collect_ids(&doc["@graph"], &mut ids);
    let mut top_ids = BTreeSet::new();
    for node in nodes {
        match node["@id"].as_str() {
            Some(id) => {
                if !top_ids.insert(id.to_owned()) {
                    problems.push(format!("two graph nodes have the @id {id}"));
                }
            }
            None => problems.push(format!("a graph node has no @id: {node}")),
        }
        check_node(node, "@graph[]", &ids, org_id, &mut problems);
    }
    problems
}

fn collect_ids(v: &Value, ids: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if map.contains_key("@type")
                && let Some(id) = map.get("@id").and_then(Value::as_str)
            {
                ids.insert(id.to_owned());
            }
            map.values().for_each(|x| collect_ids(x, ids));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_ids(x, ids)),
        _ => {}
    }
}

/// Checks a typed node and, recursively, what it holds.
fn check_node(
    node: &Value,
    at: &str,
    ids: &BTreeSet<String>,
    org_id: &str,
    problems: &mut Vec<String>,
) {
    let Some(map) = node.as_object() else {
        problems.push(format!("{at}: expected a node, found {node}"));
        return;
    };
    // A reference: exactly {"@id": …}, resolving inside this graph.
    if !map.contains_key("@type") {
        match (map.len(), map.get("@id").and_then(Value::as_str)) {
            (1, Some(id)) => {
                if !ids.contains(id) && id != org_id {
                    problems.push(format!("{at}: the reference {id} resolves to no node"));
                }
            }
            _ => problems.push(format!(
                "{at}: an object without @type must be a reference {{\"@id\": …}}, found {node}"
            )),
        }
        return;
    }
    let types = types_of(node);
    if types.is_empty() {
        problems.push(format!("{at}: @type must be a string or a list of strings"));
    }
    let mut allowed = BTreeSet::new();
    for ty in &types {
        if !KNOWN_TYPES.contains(ty) {
            problems.push(format!("{at}: {ty} is not a schema.org type handoff uses"));
        }
        allowed.extend(allowed_properties(ty));
    }
    let here = format!("{at}{}", types.join("+"));
    for (key, value) in map {
        if !allowed.contains(key.as_str()) {
            problems.push(format!(
                "{here}: `{key}` is not a schema.org property of {}",
                types.join(" or ")
            ));
        }
        check_not_empty(value, &format!("{here}.{key}"), problems);
        check_value(key, value, &format!("{here}.{key}"), ids, org_id, problems);
    }
}

fn check_not_empty(v: &Value, at: &str, problems: &mut Vec<String>) {
    match v {
        Value::Null => problems.push(format!("{at} is null")),
        Value::String(s) if s.trim().is_empty() => {
            problems.push(format!("{at} is an empty string"));
        }
        Value::Array(a) if a.is_empty() => problems.push(format!("{at} is an empty list")),
        Value::Object(o) if o.is_empty() => problems.push(format!("{at} is an empty object")),
        Value::Array(a) => a.iter().for_each(|x| check_not_empty(x, at, problems)),
        _ => {}
    }
}

fn check_value(
    key: &str,
    value: &Value,
    at: &str,
    ids: &BTreeSet<String>,
    org_id: &str,
    problems: &mut Vec<String>,
) {
    for item in as_list(value) {
        match item {
            Value::Object(_) => {
                if let Some(expected) = expected_value_types(key) {
                    let found = types_of(item);
                    if !found.iter().any(|t| expected.contains(t)) {
                        problems.push(format!("{at}: expected a {expected:?}, found {item}"));
                    }
                }
                check_node(item, &format!("{at}."), ids, org_id, problems);
            }
            Value::String(s) => {
                if expected_value_types(key).is_some() {
                    problems.push(format!("{at}: expected an embedded node, found {s:?}"));
                }
                match key {
                    "medicalSpecialty" | "specialty" => {
                        let ok = s
                            .strip_prefix("https://schema.org/")
                            .is_some_and(|m| MEDICAL_SPECIALTIES.contains(&m));
                        if !ok {
                            problems.push(format!(
                                "{at}: {s} is not a https://schema.org/ MedicalSpecialty"
                            ));
                        }
                    }
                    "dayOfWeek" => {
                        let ok = s
                            .strip_prefix("https://schema.org/")
                            .is_some_and(|d| DAYS.contains(&d));
                        if !ok {
                            problems.push(format!("{at}: {s} is not a schema.org day URL"));
                        }
                    }
                    "audienceType" if s != "Clinician" && s != "Patient" => {
                        problems.push(format!(
                            "{at}: {s} is not a MedicalAudienceType handoff uses"
                        ));
                    }
                    "telephone" | "faxNumber" => {
                        let digits = s.strip_prefix('+').unwrap_or("");
                        if !(8..=15).contains(&digits.len())
                            || !digits.chars().all(|c| c.is_ascii_digit())
                        {
                            problems.push(format!("{at}: {s} is not E.164"));
                        }
                    }
                    "url" | "item" | "logo" | "image" | "sameAs" | "@id"
                        if !s.starts_with("https://") && !s.starts_with("http://") =>
                    {
                        problems.push(format!("{at}: {s} is not an absolute URL"));
                    }
                    _ => {}
                }
            }
            Value::Array(_) => problems.push(format!("{at}: a list inside a list")),
            Value::Bool(_) if key != "isAcceptingNewPatients" => {
                problems.push(format!("{at}: unexpected boolean"));
            }
            Value::Number(_) if !matches!(key, "latitude" | "longitude" | "position") => {
                problems.push(format!("{at}: unexpected number"));
            }
            _ => {}
        }
    }
}

/// The page node (WebPage, MedicalWebPage, FAQPage) of a graph.
fn page_node<'a>(page: &PageOut, doc: &'a Value) -> &'a Value {
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
fn resolve<'a>(page: &PageOut, doc: &'a Value, reference: &Value) -> &'a Value {
    let id = reference["@id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: not a reference: {reference}", page.rel));
    node_by_id(doc, id)
        .unwrap_or_else(|| panic!("{}: {id} is not a node of the graph\n{doc:#}", page.rel))
}

// ---------------------------------------------------------------------------
// 1. The JSON-LD of every page of the example site

/// Expectations derived from the example's own files.
struct ExampleFacts {
    base: String,
    org_type: String,
    org_name: String,
    org_phone: Option<String>,
    org_fax: Option<String>,
    services: BTreeMap<String, Value>,
    locations: BTreeMap<String, Value>,
    physicians: BTreeMap<String, Value>,
    referrals: BTreeMap<String, Value>,
}

impl ExampleFacts {
    fn read(site: &SiteTest) -> ExampleFacts {
        let toml = site_toml(site);
        let org = toml
            .get("organization")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        let s = |k: &str| org.get(k).and_then(toml::Value::as_str).map(str::to_owned);
        ExampleFacts {
            base: toml["base_url"]
                .as_str()
                .expect("base_url")
                .trim_end_matches('/')
                .to_owned(),
            org_type: s("type").unwrap_or_else(|| "MedicalOrganization".to_owned()),
            org_name: s("name")
                .unwrap_or_else(|| toml["title"].as_str().expect("title").to_owned()),
            org_phone: s("phone").map(|p| e164(&p)),
            org_fax: s("fax").map(|p| e164(&p)),
            services: section(site, "services"),
            locations: section(site, "locations"),
            physicians: section(site, "physicians"),
            referrals: section(site, "referrals"),
        }
    }

    fn specialty_url(&self, service: &str) -> Option<String> {
        self.services[service]["specialty"]
            .as_str()
            .map(|s| format!("https://schema.org/{s}"))
    }

    fn specialties_of(&self, services: &[&str]) -> BTreeSet<String> {
        services
            .iter()
            .filter_map(|s| self.specialty_url(s))
            .collect()
    }
}

fn slug_after<'a>(path: &'a str, prefix: &str) -> &'a str {
    path.strip_prefix(prefix)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("{path} is not under {prefix}"))
}

fn expect_address(page: &PageOut, addr: &Value, fm_addr: &Value) {
    assert_eq!(addr["@type"], "PostalAddress", "{}: {addr}", page.rel);
    for (schema, key) in [
        ("streetAddress", "street"),
        ("addressLocality", "city"),
        ("addressRegion", "region"),
        ("postalCode", "postal_code"),
        ("addressCountry", "country"),
    ] {
        let expected = fm_addr[key]
            .as_str()
            .unwrap_or_else(|| panic!("the example location has no address {key}"));
        assert_eq!(addr[schema], expected, "{}: address {schema}", page.rel);
    }
}

fn expect_contact_point(facts: &ExampleFacts, page: &PageOut, org: &Value, service: &str) {
    let referring = &facts.services[service]["referring"];
    let points = as_list(&org["contactPoint"]);
    let point = points
        .iter()
        .find(|p| p["contactType"] == "physician referrals")
        .unwrap_or_else(|| {
            panic!(
                "{}: the organization has no ContactPoint \"physician referrals\"\n{org:#}",
                page.rel
            )
        });
    assert_eq!(point["@type"], "ContactPoint", "{}", page.rel);
    let expect = |schema: &str, value: Option<String>| {
        assert_eq!(
            point.get(schema).and_then(Value::as_str).map(str::to_owned),
            value,
            "{}: referral ContactPoint {schema}",
            page.rel
        );
    };
    expect("telephone", fm_str(referring, "phone").map(e164));
    expect("faxNumber", fm_str(referring, "fax").map(e164));
    expect("email", fm_str(referring, "email").map(str::to_owned));
}

fn expect_medical_web_page(
    facts: &ExampleFacts,
    page: &PageOut,
    node: &Value,
    service: &str,
    audience: &[&str],
) {
    assert!(
        has_type(node, "MedicalWebPage"),
        "{}: expected a MedicalWebPage, found {}",
        page.rel,
        node["@type"]
    );
    let specialty = facts
        .specialty_url(service)
        .expect("every example service has a specialty");
    assert_eq!(
        node["specialty"],
        specialty.as_str(),
        "{}: specialty",
        page.rel
    );
    let audiences: Vec<&Value> = as_list(&node["audience"]);
    for a in &audiences {
        assert_eq!(a["@type"], "MedicalAudience", "{}: audience {a}", page.rel);
    }
    let types: BTreeSet<String> = str_set(audiences.iter().map(|a| &a["audienceType"]));
    let expected: BTreeSet<String> = audience.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(types, expected, "{}: audienceType", page.rel);
}

#[test]
fn every_page_of_the_example_has_one_sound_schema_org_graph() {
    let built = Built::new(SiteTest::example(), &[]);
    let facts = ExampleFacts::read(&built.site);
    assert_eq!(built.base, facts.base);
    let mut kinds_seen = BTreeSet::new();
    for page in built.content_pages() {
        let kind = page.kind();
        kinds_seen.insert(kind.clone());
        let doc = jsonld(page);
        let problems = vocabulary_problems(&doc, &built.org_id());
        assert!(
            problems.is_empty(),
            "{}: the JSON-LD breaks the schema.org rules:\n  {}\n{doc:#}",
            page.rel,
            problems.join("\n  ")
        );
        let url = built.url(&page.path);

        // The organization.
        let org = node_by_id(&doc, &built.org_id())
            .unwrap_or_else(|| panic!("{}: no organization node\n{doc:#}", page.rel));
        assert_eq!(org["@type"], facts.org_type.as_str(), "{}", page.rel);
        assert_eq!(org["name"], facts.org_name.as_str(), "{}", page.rel);
        assert_eq!(org["url"], format!("{}/", built.base), "{}", page.rel);
        assert_eq!(
            org["telephone"].as_str(),
            facts.org_phone.as_deref(),
            "{}: organization telephone",
            page.rel
        );
        assert!(
            org["telephone"]
                .as_str()
                .is_some_and(|t| t.starts_with("+1")),
            "{}: the example's telephone is North American E.164",
            page.rel
        );
        assert_eq!(
            org["faxNumber"].as_str(),
            facts.org_fax.as_deref(),
            "{}: organization faxNumber",
            page.rel
        );

        // The page and its breadcrumb trail.
        let node = page_node(page, &doc);
        assert_eq!(node["url"], url.as_str(), "{}: page url", page.rel);
        assert_eq!(node["publisher"]["@id"], built.org_id().as_str());
        let trail = resolve(page, &doc, &node["breadcrumb"]);
        assert!(has_type(trail, "BreadcrumbList"), "{}: {trail}", page.rel);
        let items = trail["itemListElement"].as_array().expect("a list");
        for (i, item) in items.iter().enumerate() {
            assert_eq!(item["position"], json!(i + 1), "{}: {item}", page.rel);
        }
        assert_eq!(
            items.first().map(|i| &i["item"]),
            Some(&json!(format!("{}/", built.base))),
            "{}: the trail starts at the home page",
            page.rel
        );
        assert_eq!(
            items.last().map(|i| &i["item"]),
            Some(&json!(url)),
            "{}: the trail ends at the page itself",
            page.rel
        );

        match kind.as_str() {
            "location" => {
                let slug = slug_after(&page.path, "/locations/");
                let fm = &facts.locations[slug];
                let clinic = one_of_type(page, &doc, "MedicalClinic");
                assert_eq!(clinic["@id"], format!("{url}#location"), "{}", page.rel);
                assert_eq!(clinic["name"], fm["title"], "{}", page.rel);
                assert_eq!(clinic["url"], url.as_str(), "{}", page.rel);
                expect_address(page, &clinic["address"], &fm["address"]);
                assert_eq!(clinic["geo"]["@type"], "GeoCoordinates", "{}", page.rel);
                assert_eq!(clinic["geo"]["latitude"], fm["geo"]["lat"], "{}", page.rel);
                assert_eq!(clinic["geo"]["longitude"], fm["geo"]["lng"], "{}", page.rel);
                let specs = as_list(&clinic["openingHoursSpecification"]);
                let hours = fm["hours"]
                    .as_array()
                    .expect("example locations have hours");
                assert_eq!(specs.len(), hours.len(), "{}: opening hours", page.rel);
                for (spec, h) in specs.iter().zip(hours) {
                    assert_eq!(spec["@type"], "OpeningHoursSpecification");
                    let days: Vec<String> = h["days"]
                        .as_array()
                        .expect("days")
                        .iter()
                        .map(|d| {
                            let code = d.as_str().expect("a day code");
                            let full = DAYS
                                .iter()
                                .find(|n| n.starts_with(code))
                                .expect("a known day");
                            format!("https://schema.org/{full}")
                        })
                        .collect();
                    assert_eq!(spec["dayOfWeek"], json!(days), "{}", page.rel);
                    assert_eq!(spec["opens"], h["opens"], "{}", page.rel);
                    assert_eq!(spec["closes"], h["closes"], "{}", page.rel);
                }
                assert_eq!(
                    clinic["telephone"].as_str(),
                    fm_str(fm, "phone").map(e164).as_deref(),
                    "{}: clinic telephone",
                    page.rel
                );
                assert_eq!(
                    clinic["faxNumber"].as_str(),
                    fm_str(fm, "fax").map(e164).as_deref(),
                    "{}: clinic faxNumber",
                    page.rel
                );
                assert_eq!(
                    clinic["parentOrganization"]["@id"],
                    built.org_id().as_str(),
                    "{}",
                    page.rel
                );
                let here: Vec<&str> = facts
                    .services
                    .iter()
                    .filter(|(_, s)| {
                        s["locations"]
                            .as_array()
                            .is_some_and(|l| l.iter().any(|x| x == slug))
                    })
                    .map(|(k, _)| k.as_str())
                    .collect();
                assert_eq!(
                    str_set(as_list(&clinic["medicalSpecialty"])),
                    facts.specialties_of(&here),
                    "{}: medicalSpecialty of the services offered at {slug} ({here:?})",
                    page.rel
                );
                assert_eq!(node["about"]["@id"], clinic["@id"], "{}", page.rel);
            }
            "physician" => {
                let slug = slug_after(&page.path, "/physicians/");
                let fm = &facts.physicians[slug];
                let doctor = one_of_type(page, &doc, "Physician");
                assert_eq!(doctor["url"], url.as_str(), "{}", page.rel);
                let services: Vec<&str> = fm["services"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                assert_eq!(
                    str_set(as_list(&doctor["medicalSpecialty"])),
                    facts.specialties_of(&services),
                    "{}: medicalSpecialty",
                    page.rel
                );
                let locations: Vec<&str> = fm["locations"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let addresses = as_list(&doctor["address"]);
                assert_eq!(addresses.len(), locations.len(), "{}: address", page.rel);
                for (addr, loc) in addresses.iter().zip(&locations) {
                    expect_address(page, addr, &facts.locations[*loc]["address"]);
                }
                assert_eq!(
                    doctor["isAcceptingNewPatients"], fm["accepting_new_patients"],
                    "{}: isAcceptingNewPatients",
                    page.rel
                );
                assert_eq!(node["about"]["@id"], doctor["@id"], "{}", page.rel);
            }
            "service" | "refer" | "packet" => {
                let slug = slug_after(&page.path, "/services/");
                let audience: &[&str] = if kind == "service" {
                    &["Clinician", "Patient"]
                } else {
                    &["Clinician"]
                };
                expect_medical_web_page(&facts, page, node, slug, audience);
                expect_contact_point(&facts, page, org, slug);
            }
            "referral" => {
                let slug = slug_after(&page.path, "/referrals/");
                let fm = &facts.referrals[slug];
                let service = fm["service"]
                    .as_str()
                    .expect("a referral names its service");
                let audience: &[&str] = match fm["audience"].as_str().unwrap_or("both") {
                    "clinician" => &["Clinician"],
                    "patient" => &["Patient"],
                    _ => &["Clinician", "Patient"],
                };
                expect_medical_web_page(&facts, page, node, service, audience);
                expect_contact_point(&facts, page, org, service);
                let faq = fm["faq"].as_array().cloned().unwrap_or_default();
                assert_eq!(
                    has_type(node, "FAQPage"),
                    !faq.is_empty(),
                    "{}: FAQPage exactly when the reason has an faq",
                    page.rel
                );
                let questions = as_list(&node["mainEntity"]);
                assert_eq!(questions.len(), faq.len(), "{}: mainEntity", page.rel);
                for (q, f) in questions.iter().zip(&faq) {
                    assert_eq!(q["@type"], "Question", "{}", page.rel);
                    assert_eq!(q["name"], f["q"], "{}", page.rel);
                    assert_eq!(q["acceptedAnswer"]["@type"], "Answer", "{}", page.rel);
                    // What the text holds (the Markdown source, or its HTML)
                    // is the business of `faq_answers_in_json_ld_are_not_raw_markdown`.
                    assert!(
                        q["acceptedAnswer"]["text"].is_string(),
                        "{}: an answer without text",
                        page.rel
                    );
                }
            }
            _ => {
                assert!(
                    types_of(node) == ["WebPage"] || types_of(node) == ["MedicalWebPage"],
                    "{}: a {kind} page is a WebPage or MedicalWebPage, found {}",
                    page.rel,
                    node["@type"]
                );
            }
        }
    }
    for kind in [
        "home",
        "service",
        "refer",
        "referral",
        "location",
        "physician",
        "packet",
        "thanks",
        "not_found",
    ] {
        assert!(
            kinds_seen.contains(kind),
            "the example site built no `{kind}` page (kinds seen: {kinds_seen:?})"
        );
    }
}

/// The checker above must itself catch what it is there to catch.
#[test]
fn the_vocabulary_check_rejects_what_schema_org_does_not_define() {
    let org = "https://x.example/#organization";
    let ok = json!({"@context": "https://schema.org", "@graph": [
        {"@id": org, "@type": "MedicalOrganization", "name": "X", "telephone": "+15550100100"},
        {"@id": "https://x.example/#webpage", "@type": "WebPage", "publisher": {"@id": org},
         "breadcrumb": {"@id": "https://x.example/#breadcrumb"}},
        {"@id": "https://x.example/#breadcrumb", "@type": "BreadcrumbList",
         "itemListElement": [{"@type": "ListItem", "position": 1, "item": "https://x.example/", "name": "Home"}]}
    ]});
    assert_eq!(vocabulary_problems(&ok, org), Vec::<String>::new());
    let bad = [
        // a type schema.org does not have
        json!({"@id": org, "@type": "MedicalPractice", "name": "X"}),
        // a Place property on an organization that is not a Place
        json!({"@id": org, "@type": "MedicalOrganization", "geo": {"@type": "GeoCoordinates", "latitude": 1.0, "longitude": 2.0}}),
        // a misspelt property
        json!({"@id": org, "@type": "MedicalOrganization", "telephoneNumber": "+15550100100"}),
        // not E.164
        json!({"@id": org, "@type": "MedicalOrganization", "telephone": "(555) 010-0100"}),
        // empty values
        json!({"@id": org, "@type": "MedicalOrganization", "name": ""}),
        json!({"@id": org, "@type": "MedicalOrganization", "sameAs": []}),
        json!({"@id": org, "@type": "MedicalOrganization", "email": null}),
        // a dangling reference
        json!({"@id": "https://x.example/#webpage", "@type": "WebPage", "about": {"@id": "https://x.example/#nothing"}}),
        // a specialty that is not a MedicalSpecialty member, a day that is not a day
        json!({"@id": org, "@type": "MedicalClinic", "medicalSpecialty": "https://schema.org/Oncology"}),
        json!({"@id": org, "@type": "MedicalClinic", "openingHoursSpecification": [{"@type": "OpeningHoursSpecification", "dayOfWeek": ["Mo"]}]}),
        // the wrong kind of embedded node
        json!({"@id": org, "@type": "MedicalClinic", "address": {"@type": "GeoCoordinates", "latitude": 1.0, "longitude": 2.0}}),
    ];
    for node in bad {
        let doc = json!({"@context": "https://schema.org", "@graph": [node]});
        assert!(
            !vocabulary_problems(&doc, org).is_empty(),
            "the check let this through: {node}"
        );
    }
}

/// schema.org `Answer.text` is text or HTML: search engines show it as is in
/// FAQ rich results. FAQ answers are written in inline Markdown (SPEC §5), so
/// a link typed `[Downtown location](/locations/downtown/)` must reach the
/// JSON-LD as a link or as its words, never as Markdown source.
#[test]
fn faq_answers_in_json_ld_are_not_raw_markdown() {
    let built = Built::new(SiteTest::example(), &[]);
    let facts = ExampleFacts::read(&built.site);
    let mut with_links = 0;
    let mut found = Vec::new();
    for (slug, fm) in &facts.referrals {
        let faq = fm["faq"].as_array().cloned().unwrap_or_default();
        with_links += faq
            .iter()
            .filter(|f| f["a"].as_str().is_some_and(|a| a.contains("](")))
            .count();
        if faq.is_empty() {
            continue;
        }
        let path = format!("/referrals/{slug}/");
        let page = built.page(&path);
        let doc = jsonld(page);
        for q in as_list(&page_node(page, &doc)["mainEntity"]) {
            let text = q["acceptedAnswer"]["text"].as_str().unwrap_or_default();
            if text.contains("](") {
                found.push(format!("{path}: {text}"));
            }
        }
    }
    assert!(
        with_links > 0,
        "no FAQ answer of the example has a Markdown link: the test proves nothing"
    );
    assert!(
        found.is_empty(),
        "Markdown source in the JSON-LD Answer.text ({} answers):\n  {}",
        found.len(),
        found.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// 2. Snapshots: one page per kind

#[test]
fn graphs_of_one_page_per_kind_match_their_snapshots() {
    let built = Built::new(SiteTest::example(), &[]);
    for (name, path) in [
        ("home", "/"),
        ("service", "/services/medical-oncology/"),
        ("refer", "/services/medical-oncology/refer/"),
        ("referral_with_faq", "/referrals/lung-nodule-evaluation/"),
        ("location", "/locations/downtown/"),
        ("physician", "/physicians/ana-ruiz/"),
    ] {
        let doc = jsonld(built.page(path));
        insta::assert_json_snapshot!(format!("jsonld_{name}"), doc);
    }
}

// ---------------------------------------------------------------------------
// 3. Injection

/// What the xss fixture's writers typed.
const HOSTILE: [&str; 4] = [
    "</script><script>alert(1)</script>",
    "<!--",
    "\"><img src=x onerror=alert(1)>",
    "&amp;",
];

/// Whether `el` sits inside an FAQ answer, whose inline Markdown may carry
/// raw HTML by design (SPEC §5: "raw HTML is allowed (writers are trusted
/// staff)"), so it is the one place where the writer's tags become tags.
fn in_faq_answer(el: ElementRef<'_>) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(|a| {
        a.value().name() == "dd"
            && a.parent()
                .and_then(ElementRef::wrap)
                .is_some_and(|dl| dl.value().classes().any(|c| c == "faq"))
    })
}

#[test]
fn hostile_text_stays_text_in_json_ld_and_attributes() {
    let built = Built::new(SiteTest::fixture("structured/xss"), &[]);
    let about = front_matter(&built.site, "about.md");
    let reason = front_matter(&built.site, "referrals/palpitations.md");
    let service = front_matter(&built.site, "services/cardiology.md");
    for text in [
        &about["title"],
        &about["description"],
        &reason["title"],
        &reason["faq"][0]["q"],
        &reason["faq"][0]["a"],
        &service["referring"]["urgent"],
    ] {
        let text = text.as_str().expect("a string");
        for h in HOSTILE {
            assert!(text.contains(h), "the fixture lost {h:?}: {text}");
        }
    }
    let s = |v: &Value| v.as_str().expect("a string").to_owned();

    // JSON-LD: one block per page, parses, carries the raw strings, and has
    // no `<`, `>` or `&` except as \u003c, \u003e, \u0026.
    for page in built.content_pages() {
        let blocks = jsonld_blocks(page);
        assert_eq!(blocks.len(), 1, "{}: one JSON-LD block", page.rel);
        let raw = &blocks[0];
        for c in ['<', '>', '&'] {
            assert!(
                !raw.contains(c),
                "{}: a raw {c:?} inside the JSON-LD:\n{raw}",
                page.rel
            );
        }
        let doc = jsonld(page);
        let problems = vocabulary_problems(&doc, &built.org_id());
        assert!(problems.is_empty(), "{}: {problems:#?}", page.rel);
        // The escapes are there, not something else that parses alike.
        let source_block = page
            .html
            .split("application/ld+json")
            .nth(1)
            .expect("the JSON-LD script");
        let source_block = &source_block[..source_block.find("</script>").expect("closed")];
        assert_eq!(
            source_block.trim_start_matches(['"', '>']),
            raw.as_str(),
            "{}: the JSON-LD is written as it is read",
            page.rel
        );
    }
    let about_doc = jsonld(built.page("/about/"));
    let about_node = page_node(built.page("/about/"), &about_doc);
    assert_eq!(about_node["name"], s(&about["title"]).as_str());
    assert_eq!(about_node["description"], s(&about["description"]).as_str());
    let raw_about = &jsonld_blocks(built.page("/about/"))[0];
    for escaped in ["\\u003c/script\\u003e", "\\u003c!--", "\\u0026amp;"] {
        assert!(
            raw_about.contains(escaped),
            "/about/: expected {escaped} in the JSON-LD:\n{raw_about}"
        );
    }
    let reason_page = built.page("/referrals/palpitations/");
    let reason_doc = jsonld(reason_page);
    let reason_node = page_node(reason_page, &reason_doc);
    assert_eq!(reason_node["name"], s(&reason["title"]).as_str());
    assert_eq!(
        reason_node["description"],
        s(&reason["description"]).as_str()
    );
    assert_eq!(
        reason_node["mainEntity"][0]["name"],
        s(&reason["faq"][0]["q"]).as_str()
    );
    // The answer is rendered from inline Markdown (raw HTML allowed, SPEC
    // §4); what matters here is that the hostile text survived the JSON-LD
    // round trip as text.
    let answer = reason_node["mainEntity"][0]["acceptedAnswer"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(
        answer.contains("alert(1)"),
        "FAQ answer in JSON-LD: {answer}"
    );

    // HTML, as a browser parses it: no writer's script or event handler
    // anywhere but inside the trusted FAQ answer.
    for page in &built.pages {
        let doc = page.doc();
        for script in doc.select(&sel("script")) {
            let v = script.value();
            let allowed = v.attr("type") == Some("application/ld+json")
                || v.attr("src").is_some()
                || in_faq_answer(script);
            assert!(
                allowed,
                "{}: an inline script the site did not write: {}",
                page.rel,
                script.html()
            );
        }
        for el in doc.select(&sel("[onerror]")) {
            assert!(
                in_faq_answer(el),
                "{}: an onerror attribute outside the FAQ answer: {}",
                page.rel,
                el.html()
            );
        }
    }

    // Attributes and text: escaped, so they read back as typed.
    let about_page = built.page("/about/").doc();
    let title = s(&about["title"]);
    let description = s(&about["description"]);
    assert_eq!(
        attr_of(&about_page, r#"meta[name="description"]"#, "content").as_deref(),
        Some(description.as_str()),
        "meta description"
    );
    assert_eq!(
        attr_of(&about_page, r#"meta[property="og:title"]"#, "content").as_deref(),
        Some(title.as_str()),
        "og:title"
    );
    assert_eq!(
        attr_of(&about_page, r#"meta[property="og:description"]"#, "content").as_deref(),
        Some(description.as_str()),
        "og:description"
    );
    assert_eq!(
        attr_of(&about_page, r#"meta[name="twitter:title"]"#, "content").as_deref(),
        Some(title.as_str()),
        "twitter:title"
    );
    let head_title = about_page
        .select(&sel("title"))
        .next()
        .map(text_of)
        .expect("a <title>");
    assert!(
        head_title.starts_with(&title),
        "<title> reads {head_title:?}, expected it to start with {title:?}"
    );
    // The question is plain text; the urgent line too, wherever it is shown.
    let reason_html = reason_page.doc();
    let question = s(&reason["faq"][0]["q"]);
    assert!(
        reason_html
            .select(&sel("dl.faq dt"))
            .any(|dt| text_of(dt).trim() == question),
        "the FAQ question is not shown as typed"
    );
    let urgent = s(&service["referring"]["urgent"]);
    for path in ["/services/cardiology/refer/", "/referrals/palpitations/"] {
        let doc = built.page(path).doc();
        assert!(
            doc.select(&sel("p")).any(|p| text_of(p).contains(&urgent)),
            "{path}: the urgent line is not shown as typed ({urgent:?})"
        );
    }
}

/// Stricter than what an HTML5 parser needs: the bytes themselves never hold
/// `</script><script>alert`, not even where a conforming parser would read
/// it as text (a quoted attribute value, the RCDATA of `<title>`), so that
/// no lesser parser, filter or copy-paste into another context can turn the
/// writer's text into markup. The one exception is the FAQ answer, inline
/// Markdown that may carry raw HTML by design (SPEC §5).
#[test]
/// minify-html writes `<` literally where HTML allows it (inside `<title>`,
/// which is RCDATA, and inside quoted attribute values), so the raw bytes
/// may contain `</script><script>` as *text*. What matters is what a browser
/// builds: the only script elements are the JSON-LD block and the theme's
/// own script file, and no element grew an event-handler attribute.
fn no_content_becomes_a_script_element() {
    let built = Built::new(SiteTest::fixture("structured/xss"), &[]);
    let scripts = Selector::parse("script").unwrap();
    let all = Selector::parse("*").unwrap();
    let mut found = Vec::new();
    for page in &built.pages {
        let doc = Html::parse_document(&page.html);
        for script in doc.select(&scripts) {
            let v = script.value();
            let json_ld = v.attr("type") == Some("application/ld+json");
            let theme_js = v
                .attr("src")
                .is_some_and(|s| s.starts_with("/js/forms.") && s.ends_with(".js"));
            let in_faq = script
                .ancestors()
                .filter_map(ElementRef::wrap)
                .any(|e| e.value().classes().any(|c| c == "faq"));
            if !(json_ld || theme_js || in_faq) {
                found.push(format!(
                    "{}: a <script> element: {}",
                    page.rel,
                    script.html()
                ));
            }
        }
        for el in doc.select(&all) {
            let in_faq = el
                .ancestors()
                .filter_map(ElementRef::wrap)
                .any(|e| e.value().classes().any(|c| c == "faq"));
            if !in_faq && el.value().attrs().any(|(name, _)| name.starts_with("on")) {
                found.push(format!(
                    "{}: an event-handler attribute on <{}>",
                    page.rel,
                    el.value().name()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "content became markup:\n  {}",
        found.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// 4. NAP: one source, one canonical form

/// Runs of phone-number characters with at least seven digits in `text`.
fn phone_like_runs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<String>| {
        if run.chars().filter(char::is_ascii_digit).count() >= 7 {
            out.push(run.trim().trim_end_matches(['.', '-']).to_owned());
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || "()+-. \u{a0}".contains(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Every phone and fax number of the nap fixture, as E.164, from its files.
fn nap_numbers(site: &SiteTest) -> BTreeSet<String> {
    let toml = site_toml(site);
    let mut all = BTreeSet::new();
    for k in ["phone", "fax"] {
        if let Some(p) = toml["organization"].get(k).and_then(toml::Value::as_str) {
            all.insert(e164(p));
        }
    }
    for fm in section(site, "locations").values() {
        for k in ["phone", "fax"] {
            if let Some(p) = fm_str(fm, k) {
                all.insert(e164(p));
            }
        }
    }
    for fm in section(site, "services").values() {
        for k in ["phone", "fax"] {
            if let Some(p) = fm_str(&fm["referring"], k) {
                all.insert(e164(p));
            }
        }
        for c in fm["referring"]["contacts"].as_array().into_iter().flatten() {
            if let Some(p) = fm_str(c, "phone") {
                all.insert(e164(p));
            }
        }
    }
    all
}

/// Every `telephone` and `faxNumber` value in a JSON-LD document.
fn jsonld_numbers(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if k == "telephone" || k == "faxNumber" {
                    out.push(x.as_str().expect("a number is a string").to_owned());
                }
                jsonld_numbers(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| jsonld_numbers(x, out)),
        _ => {}
    }
}

/// Asserts that every number on every page is printed in its one canonical
/// form: `tel:` links in E.164 with the display form as their text, visible
/// text only in the display form, JSON-LD only in E.164.
fn expect_canonical_numbers(built: &Built, known: &BTreeSet<String>) {
    let displays: BTreeSet<String> = known.iter().map(|n| display(n)).collect();
    for page in built.content_pages() {
        let doc = page.doc();
        for a in doc.select(&sel(r#"a[href^="tel:"]"#)) {
            let href = a.value().attr("href").expect("href");
            let number = href.strip_prefix("tel:").expect("tel:");
            assert!(
                known.contains(number),
                "{}: {href} is not the E.164 form of any number of the site ({known:?})",
                page.rel
            );
            assert_eq!(
                text_of(a).trim(),
                display(number),
                "{}: the text of {href}",
                page.rel
            );
        }
        let body = doc
            .select(&sel("body"))
            .next()
            .map(text_of)
            .unwrap_or_default();
        for run in phone_like_runs(&body) {
            assert!(
                displays.contains(&run),
                "{}: {run:?} is printed, which is not the canonical form of a number of the \
                 site ({displays:?})",
                page.rel
            );
        }
        let mut in_jsonld = Vec::new();
        jsonld_numbers(&jsonld(page), &mut in_jsonld);
        for n in in_jsonld {
            assert!(
                known.contains(&n),
                "{}: the JSON-LD has {n}, not the E.164 form of a number of the site",
                page.rel
            );
        }
    }
}

#[test]
fn a_number_is_written_one_way_whatever_way_it_was_typed() {
    let site = SiteTest::fixture("structured/nap");
    let first = Built::new(site, &[]);
    let known = nap_numbers(&first.site);
    assert!(known.contains("+15550100100") && known.contains("+15550100200"));
    expect_canonical_numbers(&first, &known);

    // The organization's number in the footer of every page, the same way.
    for page in first.content_pages() {
        let doc = page.doc();
        let footer = doc
            .select(&sel("footer"))
            .next()
            .map(text_of)
            .unwrap_or_else(|| panic!("{}: no footer", page.rel));
        for needle in ["Phone: (555) 010-0100", "Fax: (555) 010-0199"] {
            assert!(
                footer.contains(needle),
                "{}: the footer should read {needle:?}:\n{footer}",
                page.rel
            );
        }
        let org = node_by_id(&jsonld(page), &first.org_id())
            .cloned()
            .expect("an organization");
        assert_eq!(org["telephone"], "+15550100100", "{}", page.rel);
        assert_eq!(org["faxNumber"], "+15550100199", "{}", page.rel);
        assert!(
            all_attrs(&doc, "a", "href")
                .iter()
                .any(|h| h == "tel:+15550100100"),
            "{}: no tel: link to the organization",
            page.rel
        );
    }
    let before = crate::support::snapshot_of_dir(&first.site.public());

    // The same number typed another way changes not one byte of the site.
    let toml = first.site.read("site.toml");
    assert!(toml.contains("phone = \"+1 555 010 0100\""));
    first.site.write(
        "site.toml",
        &toml.replace("phone = \"+1 555 010 0100\"", "phone = \"(555) 010-0100\""),
    );
    first.site.build(&[]).expect_success();
    before.expect_same_as(&crate::support::snapshot_of_dir(&first.site.public()));
}

/// Occurrences of `needle` per page.
fn counts(built: &Built, needle: &str) -> BTreeMap<String, usize> {
    built
        .pages
        .iter()
        .map(|p| (p.path.clone(), p.html.matches(needle).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[test]
fn a_location_number_changed_in_its_file_changes_everywhere() {
    let site = SiteTest::fixture("structured/nap");
    let old = Built::new(site, &[]);
    let (old_e164, old_display) = ("+15550100200", "(555) 010-0200");
    let (new_e164, new_display) = ("+15550100250", "(555) 010-0250");
    let old_e = counts(&old, old_e164);
    let old_d = counts(&old, old_display);
    // It is on the location page (text, tel: link, JSON-LD), in every footer
    // and on the physician who works there.
    for path in ["/locations/main-street/", "/physicians/ana-ruiz/", "/"] {
        assert!(old_e.contains_key(path), "{path}: {old_e164} not found");
        assert!(old_d.contains_key(path), "{path}: {old_display} not found");
    }
    assert_eq!(
        counts(&old, new_e164).len() + counts(&old, new_display).len(),
        0,
        "the new number is already there"
    );
    let fm = old.site.read("content/locations/main-street.md");
    old.site.write(
        "content/locations/main-street.md",
        &fm.replace("phone: \"555-010-0200\"", "phone: \"+1 555 010 0250\""),
    );
    let new = Built::new(old.site, &[]);
    assert_eq!(
        counts(&new, old_e164),
        BTreeMap::new(),
        "the old number is left"
    );
    assert_eq!(
        counts(&new, old_display),
        BTreeMap::new(),
        "the old number is left"
    );
    assert_eq!(counts(&new, new_e164), old_e, "the new number, E.164");
    assert_eq!(
        counts(&new, new_display),
        old_d,
        "the new number, displayed"
    );
    let known = nap_numbers(&new.site);
    expect_canonical_numbers(&new, &known);
    let clinic_doc = jsonld(new.page("/locations/main-street/"));
    assert_eq!(
        one_of_type(
            new.page("/locations/main-street/"),
            &clinic_doc,
            "MedicalClinic"
        )["telephone"],
        new_e164
    );
}

#[test]
fn a_phone_that_is_not_a_number_fails_the_build_at_its_line() {
    let site = SiteTest::fixture("structured/bad_phone");
    let out = site.expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/locations/main-street.md", 5, 8)
        .mentions("call us");
}

// ---------------------------------------------------------------------------
// 5. sitemap.xml, robots.txt, _redirects, _headers, CSP, link-preview meta

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
fn sitemap_entries(xml: &str) -> BTreeMap<String, Option<String>> {
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

/// A CSP as directive → sources.
fn csp_directives(csp: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for part in csp.split(';') {
        let mut words = part.split_whitespace();
        let Some(name) = words.next() else { continue };
        let prev = out.insert(name.to_owned(), words.map(str::to_owned).collect());
        assert!(prev.is_none(), "{name} twice in {csp}");
    }
    out
}

/// `form-action` and `connect-src` are exactly `'self'` plus `backend`; no
/// other directive allows anything but this site (and `data:` images).
fn expect_csp_allows_only(csp: &str, backend: &[&str], header: bool) {
    let d = csp_directives(csp);
    let mut expected: Vec<String> = vec!["'self'".to_owned()];
    expected.extend(backend.iter().map(|s| (*s).to_owned()));
    assert_eq!(
        d.get("form-action"),
        Some(&expected),
        "form-action in {csp}"
    );
    assert_eq!(
        d.get("connect-src"),
        Some(&expected),
        "connect-src in {csp}"
    );
    assert_eq!(
        d.get("default-src"),
        Some(&vec!["'self'".to_owned()]),
        "{csp}"
    );
    assert_eq!(
        d.get("object-src"),
        Some(&vec!["'none'".to_owned()]),
        "{csp}"
    );
    assert_eq!(d.get("base-uri"), Some(&vec!["'self'".to_owned()]), "{csp}");
    assert_eq!(
        d.get("frame-ancestors").cloned(),
        header.then(|| vec!["'none'".to_owned()]),
        "frame-ancestors is for the header only: {csp}"
    );
    for (name, sources) in &d {
        if name == "form-action" || name == "connect-src" {
            continue;
        }
        for s in sources {
            let ok = s == "'self'" || s == "'none'" || (name == "img-src" && s == "data:");
            assert!(ok, "{name} allows {s}: {csp}");
        }
    }
}

/// Pages with a form carry the header's policy (without frame-ancestors) as
/// a `<meta>`; pages without one do not. Every form posts where the policy
/// allows, and no page needs what the policy forbids (inline script, inline
/// style, event-handler attributes).
fn expect_pages_follow_csp(built: &Built, header_csp: &str) {
    let mut for_meta = csp_directives(header_csp);
    for_meta.remove("frame-ancestors");
    let allowed_actions = for_meta.get("form-action").cloned().unwrap_or_default();
    for page in built.content_pages() {
        let doc = page.doc();
        let forms: Vec<ElementRef<'_>> = doc.select(&sel("form")).collect();
        let metas = all_attrs(
            &doc,
            r#"meta[http-equiv="Content-Security-Policy"]"#,
            "content",
        );
        if forms.is_empty() {
            assert!(
                metas.is_empty(),
                "{}: a CSP <meta> on a page without a form",
                page.rel
            );
        } else {
            assert_eq!(
                metas.len(),
                1,
                "{}: pages with a form carry one CSP <meta>",
                page.rel
            );
            assert_eq!(
                csp_directives(&metas[0]),
                for_meta,
                "{}: the <meta> CSP is the _headers one without frame-ancestors",
                page.rel
            );
        }
        for form in forms {
            let action = form.value().attr("action").unwrap_or("");
            let allowed = if action.starts_with("https://") || action.starts_with("http://") {
                let origin = url::Url::parse(action)
                    .expect("an absolute action")
                    .origin()
                    .ascii_serialization();
                allowed_actions.contains(&origin)
            } else {
                allowed_actions.iter().any(|s| s == "'self'")
            };
            assert!(
                allowed,
                "{}: a form posts to {action:?}, which form-action {allowed_actions:?} forbids",
                page.rel
            );
        }
        for script in doc.select(&sel("script")) {
            let v = script.value();
            let src_ok = v
                .attr("src")
                .is_some_and(|s| !s.contains("://") && !s.starts_with("//"));
            assert!(
                src_ok || v.attr("type") == Some("application/ld+json"),
                "{}: script-src 'self' blocks {}",
                page.rel,
                script.html()
            );
        }
        assert!(
            doc.select(&sel("style, [style]")).next().is_none(),
            "{}: style-src 'self' blocks inline styles",
            page.rel
        );
        for el in doc.select(&sel("*")) {
            for (name, _) in el.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{}: an inline event handler ({name}) is blocked by the CSP",
                    page.rel
                );
            }
        }
    }
}

#[test]
fn the_csp_allows_the_configured_intake_backend_and_nothing_else() {
    let mut built = Built::new(SiteTest::fixture("structured/csp"), &[]);
    let base = built.site.read("site.toml");
    let head = &base[..=base.find("\n[intake]\n").expect("an [intake] table")];
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "webhook",
            "[intake]\nbackend = \"webhook\"\nendpoint = \"https://intake.csp.example:8443/v1/submit?key=abc\"\n",
            &["https://intake.csp.example:8443"],
        ),
        (
            "formspree",
            "[intake]\nbackend = \"formspree\"\nform_id = \"xyzabcde\"\n",
            &["https://formspree.io"],
        ),
        (
            "hubspot",
            "[intake]\nbackend = \"hubspot\"\nportal_id = \"1234567\"\nform_guids = { referral = \"11111111-2222-3333-4444-555555555555\", appointment = \"66666666-7777-8888-9999-000000000000\" }\n",
            &["https://api.hsforms.com"],
        ),
        ("netlify", "[intake]\nbackend = \"netlify\"\n", &[]),
        (
            "salesforce",
            "[intake]\nbackend = \"salesforce\"\noid = \"00D000000000001\"\n",
            &["https://webto.salesforce.com"],
        ),
        ("no intake", "", &[]),
    ];
    for (name, intake, origins) in cases {
        built.site.write("site.toml", &format!("{head}{intake}"));
        built = built.rebuild(&[]);
        let headers = built.file("_headers");
        let csp = headers
            .lines()
            .find_map(|l| l.strip_prefix("  Content-Security-Policy: "))
            .unwrap_or_else(|| panic!("{name}: no CSP in _headers:\n{headers}"));
        expect_csp_allows_only(csp, origins, true);
        let forms = built
            .pages
            .iter()
            .filter(|p| p.doc().select(&sel("form")).next().is_some())
            .count();
        if name == "no intake" {
            assert_eq!(forms, 0, "no [intake], no forms");
        } else {
            assert!(forms > 0, "{name}: the fixture built no form");
        }
        expect_pages_follow_csp(&built, csp);
    }
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

// ---------------------------------------------------------------------------
// 6. Preview builds

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

// ---------------------------------------------------------------------------
// 7. An outside reader: extruct

/// The virtualenv Python with extruct: `$HANDOFF_PYTHON`, else
/// `target/pyenv/bin/python`, which `scripts/test` creates.
fn python() -> PathBuf {
    let python = std::env::var_os("HANDOFF_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/pyenv/bin/python"));
    let setup = "run `scripts/test` (it creates it), or: python3 -m venv target/pyenv && \
                 target/pyenv/bin/pip install -r tests/schemas/requirements.txt";
    assert!(
        python.is_file(),
        "no Python with extruct at {} (HANDOFF_PYTHON): {setup}",
        python.display()
    );
    let check = Command::new(&python)
        .args(["-c", "import extruct"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {setup}", python.display()));
    assert!(
        check.status.success(),
        "{} cannot import extruct: {}\n{setup}",
        python.display(),
        String::from_utf8_lossy(&check.stderr)
    );
    python
}

/// What extruct reads from one built page: `{"json-ld": […], "opengraph": […]}`.
fn extruct(built: &Built, path: &str) -> Value {
    let page = built.page(path);
    let file = built.site.public().join(&page.rel);
    let script = repo_root().join("tests/schemas/extract.py");
    let out = Command::new(python())
        .arg(&script)
        .arg(&file)
        .arg(built.url(path))
        .output()
        .expect("cannot run the extruct script");
    assert!(
        out.status.success(),
        "extruct failed on {}:\n{}",
        page.rel,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the extruct script printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The nodes of the one JSON-LD document extruct found.
fn extruct_graph(found: &Value, path: &str) -> Vec<Value> {
    let docs = found["json-ld"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: extruct found no json-ld: {found:#}"));
    assert_eq!(
        docs.len(),
        1,
        "{path}: extruct found {} JSON-LD documents",
        docs.len()
    );
    assert_eq!(docs[0]["@context"], "https://schema.org", "{path}");
    docs[0]["@graph"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{path}: no @graph: {found:#}"))
}

#[test]
fn extruct_reads_the_organization_clinic_and_breadcrumbs() {
    let built = Built::new(SiteTest::example(), &[]);
    let facts = ExampleFacts::read(&built.site);
    let downtown = &facts.locations["downtown"];
    for path in ["/", "/locations/downtown/", "/services/medical-oncology/"] {
        let found = extruct(&built, path);
        let nodes = extruct_graph(&found, path);
        let org = nodes
            .iter()
            .find(|n| n["@id"] == built.org_id())
            .unwrap_or_else(|| panic!("{path}: extruct found no organization"));
        assert_eq!(org["@type"], facts.org_type.as_str(), "{path}");
        assert_eq!(org["name"], facts.org_name.as_str(), "{path}");
        assert_eq!(
            org["telephone"].as_str(),
            facts.org_phone.as_deref(),
            "{path}"
        );
        let trail = nodes
            .iter()
            .find(|n| n["@type"] == "BreadcrumbList")
            .unwrap_or_else(|| panic!("{path}: extruct found no BreadcrumbList"));
        let items = trail["itemListElement"].as_array().expect("items");
        assert_eq!(
            items.last().map(|i| &i["item"]),
            Some(&json!(built.url(path))),
            "{path}: the trail ends at the page"
        );
        // Open Graph, read by the same outside parser.
        let og = found["opengraph"]
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or_else(|| panic!("{path}: extruct found no Open Graph: {found:#}"));
        assert_eq!(og["og:url"], built.url(path).as_str(), "{path}: og:url");
        if path == "/locations/downtown/" {
            let clinic = nodes
                .iter()
                .find(|n| n["@type"] == "MedicalClinic")
                .unwrap_or_else(|| panic!("{path}: extruct found no MedicalClinic"));
            assert_eq!(clinic["name"], downtown["title"], "{path}");
            assert_eq!(
                clinic["address"]["streetAddress"], downtown["address"]["street"],
                "{path}"
            );
            assert_eq!(
                clinic["address"]["postalCode"], downtown["address"]["postal_code"],
                "{path}"
            );
            assert_eq!(
                clinic["telephone"].as_str(),
                fm_str(downtown, "phone").map(e164).as_deref(),
                "{path}"
            );
            assert_eq!(clinic["parentOrganization"]["@id"], built.org_id().as_str());
            assert_eq!(og["og:title"], downtown["title"], "{path}: og:title");
        }
    }
}

#[test]
fn extruct_reads_hostile_text_back_as_typed() {
    let built = Built::new(SiteTest::fixture("structured/xss"), &[]);
    let about = front_matter(&built.site, "about.md");
    let found = extruct(&built, "/about/");
    let nodes = extruct_graph(&found, "/about/");
    let page = nodes
        .iter()
        .find(|n| n["@id"] == format!("{}/about/#webpage", built.base))
        .expect("the page node");
    assert_eq!(page["name"], about["title"]);
    assert_eq!(page["description"], about["description"]);
    let og = &found["opengraph"][0];
    assert_eq!(og["og:title"], about["title"], "og:title read by extruct");
}
