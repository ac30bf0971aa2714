//! The site's own files, read here independently of handoff's model:
//! site.toml, front matter, and the facts of the example site that the
//! JSON-LD must repeat. Phone numbers are converted here too (E.164 and the
//! display form), so the expectation is not handoff's own code.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use serde_json::Value;

use crate::support::SiteTest;

pub(super) fn site_toml(site: &SiteTest) -> toml::Table {
    toml::from_str(&site.read("site.toml")).expect("site.toml parses")
}

/// The front matter of `content/<rel>` as JSON.
pub(super) fn front_matter(site: &SiteTest, rel: &str) -> Value {
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
pub(super) fn section(site: &SiteTest, section: &str) -> BTreeMap<String, Value> {
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
pub(super) fn e164(human: &str) -> String {
    let digits: String = human.chars().filter(char::is_ascii_digit).collect();
    if human.trim_start().starts_with('+') || digits.len() != 10 {
        format!("+{digits}")
    } else {
        format!("+1{digits}")
    }
}

/// The display form the theme prints: `(555) 010-0100` for North American
/// numbers, E.164 otherwise.
pub(super) fn display(e164: &str) -> String {
    match e164.strip_prefix("+1") {
        Some(n) if n.len() == 10 => format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..]),
        _ => e164.to_owned(),
    }
}

pub(super) fn fm_str<'a>(fm: &'a Value, key: &str) -> Option<&'a str> {
    fm[key].as_str()
}

/// Expectations derived from the example's own files.
pub(super) struct ExampleFacts {
    pub(super) base: String,
    pub(super) org_type: String,
    pub(super) org_name: String,
    pub(super) org_phone: Option<String>,
    pub(super) org_fax: Option<String>,
    pub(super) services: BTreeMap<String, Value>,
    pub(super) locations: BTreeMap<String, Value>,
    pub(super) physicians: BTreeMap<String, Value>,
    pub(super) referrals: BTreeMap<String, Value>,
}

impl ExampleFacts {
    pub(super) fn read(site: &SiteTest) -> ExampleFacts {
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

    pub(super) fn specialty_url(&self, service: &str) -> Option<String> {
        self.services[service]["specialty"]
            .as_str()
            .map(|s| format!("https://schema.org/{s}"))
    }

    pub(super) fn specialties_of(&self, services: &[&str]) -> BTreeSet<String> {
        services
            .iter()
            .filter_map(|s| self.specialty_url(s))
            .collect()
    }
}
