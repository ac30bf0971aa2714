//! What the browser sent and what the fake kept: the names sent, and every
//! visitor value that did not arrive.

use serde_json::{Value, json};

use super::form::Entry;
use super::scene::{Page, Scene};
use crate::browser::Request;
use crate::fakes::{Kept, form_pairs};

/// The names a request carried, as sent.
pub(super) fn sent_names(post: &Request) -> Vec<String> {
    if post.content_type().starts_with("application/json") {
        let body: Value = serde_json::from_slice(&post.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", post.body_text()));
        if let Some(fields) = body["fields"].as_array() {
            return fields
                .iter()
                .map(|f| f["name"].as_str().unwrap_or_default().to_owned())
                .collect();
        }
        return body
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
    }
    form_pairs(&post.body).into_iter().map(|(k, _)| k).collect()
}

pub(super) fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Every entry that did not arrive in `kept`, described.
pub(super) fn lost(scene: &Scene, page: &Page, entries: &[Entry], kept: &Kept) -> Vec<String> {
    let fields = scene.sheet_fields(page);
    let form = scene.sheet_form(page.kind);
    let carries = |f: &Value| strings(&f["carries"]);
    let digest_name = form["digest"]["name"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| {
            fields
                .iter()
                .find(|f| f["digest"] == json!(true))
                .and_then(|f| f["name"].as_str().map(str::to_owned))
        });
    let digest: Vec<&str> = digest_name
        .as_deref()
        .and_then(|n| kept.get(n))
        .unwrap_or_default()
        .lines()
        .collect();
    let mut problems = Vec::new();
    for e in entries {
        let canonical = e.canonical.clone();
        let routes: Vec<&&Value> = fields
            .iter()
            .filter(|f| carries(f).contains(&canonical))
            .collect();
        let direct: Vec<String> = routes
            .iter()
            .filter(|f| f["digest"] != json!(true))
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect();
        let mapped = direct
            .iter()
            .chain([&e.name, &canonical])
            .any(|n| kept.holds(n, &e.raw));
        let split = direct.len() >= 2 && {
            let parts: Vec<&str> = direct
                .iter()
                .filter_map(|n| kept.get(n))
                .filter(|v| !v.is_empty())
                .collect();
            parts.join(" ") == e.raw
        };
        let line_label = form["digest"]["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["canonical"] == json!(canonical))
            .and_then(|l| l["label"].as_str());
        // `Label: value`, the label as the sheet gives it (a label may hold
        // ": " itself: "Record: Echo report").
        let in_digest = digest.iter().any(|line| {
            let value = match line_label {
                Some(l) => line.strip_prefix(l).and_then(|r| r.strip_prefix(": ")),
                None => line.rsplit_once(": ").map(|(_, v)| v),
            };
            value.is_some_and(|v| v == e.display || v == e.raw)
        });
        let consented = e.canonical == "consent"
            && kept.extra["legalConsentOptions"]["consent"]["consentToProcess"] == json!(true);
        if !(mapped || split || in_digest || consented) {
            problems.push(format!(
                "`{}` ({canonical}, {:?}) = {:?} [shown as {:?}]: not under {direct:?}, and no `{}: …` line in the digest {:?}",
                e.name,
                e.label,
                e.raw,
                e.display,
                line_label.unwrap_or("<label>"),
                digest_name.as_deref().unwrap_or("(none)")
            ));
        }
    }
    problems
}
