//! The JSON Schema (2020-12) of each form (SPEC §7.3): everything a form of
//! one kind can send, over every page it appears on, so the backend can
//! validate exactly what the site sends. Read from the same [`FormSpec`]s
//! the markup is printed from, so the two cannot disagree.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Choice, Field, FormKind, FormSpec, Input, Placement, RECORDS_ENCLOSED, spec};
use crate::model::Site;

/// The JSON Schema of everything a form of `kind` can send, over all pages
/// (every service, every reason, every checklist item).
pub fn schema(site: &Site, kind: FormKind) -> Option<Value> {
    let specs = representatives(site, kind)?;
    let mut properties: BTreeMap<String, Value> = BTreeMap::new();
    let mut required: BTreeSet<String> = BTreeSet::new();
    let always_required = |f: &Field| f.required;
    for spec in &specs {
        for f in spec
            .hidden
            .iter()
            .chain(spec.fieldsets.iter().flat_map(|s| s.fields.iter()))
        {
            // Once per field name: a property lists every service or
            // reason, so building it per page would be quadratic.
            properties
                .entry(f.name.clone())
                .or_insert_with(|| property(site, f));
            if always_required(f) || matches!(f.canonical.as_str(), "form" | "page") {
                required.insert(f.name.clone());
            }
        }
    }
    // The honeypot is sent (empty) by every form; people leave it empty.
    if let Some(spec) = specs.first() {
        properties.insert(spec.honeypot.clone(), json!({ "type": "string", "maxLength": 0, "description": "Honeypot: empty unless a bot filled it." }));
    }
    let base = site.config.base_url.as_str();
    Some(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{base}/forms/{}.schema.json", kind.as_str()),
        "title": kind.words().schema,
        "description": format!("What the {} form of {} sends to the intake backend. `{RECORDS_ENCLOSED}` lists the ids of the checklist items enclosed (a form post repeats the name, JSON sends an array).", kind.as_str(), site.config.title),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    }))
}

fn property(site: &Site, f: &Field) -> Value {
    let mut p = serde_json::Map::new();
    p.insert("type".into(), json!("string"));
    p.insert("title".into(), json!(f.label));
    let enum_of = |options: &[Choice]| {
        options
            .iter()
            .filter(|o| !o.value.is_empty())
            .map(|o| o.value.clone())
            .collect::<Vec<_>>()
    };
    match &f.input {
        Input::Select { options } | Input::Radio { options } => {
            let mut values = enum_of(options);
            if f.canonical == "service" {
                let not_sure = options.iter().any(|o| o.value == "not_sure");
                values = site.services.iter().map(|s| s.slug.clone()).collect();
                if not_sure {
                    values.push("not_sure".into());
                }
            }
            if f.canonical == "location" {
                values = std::iter::once(super::ANY_LOCATION.to_owned())
                    .chain(site.locations.iter().map(|l| l.slug.clone()))
                    .collect();
            }
            if f.canonical == "referral_reason" {
                values = site.referrals.iter().map(|r| r.slug.clone()).collect();
                values.push("other".into());
            }
            // An optional select left at its prompt sends its empty value.
            if !f.required && options.iter().any(|o| o.value.is_empty()) {
                values.insert(0, String::new());
            }
            p.insert("enum".into(), json!(values));
        }
        Input::Checkboxes { options } if f.canonical != RECORDS_ENCLOSED => {
            p.insert("type".into(), json!("array"));
            p.insert(
                "items".into(),
                json!({ "type": "string", "enum": enum_of(options) }),
            );
            p.insert("uniqueItems".into(), json!(true));
        }
        Input::Checkboxes { .. } => {
            // Every checklist's items (the form on each page lists its
            // own), each id with the record it names.
            let items: BTreeMap<&str, &str> = site
                .checklists
                .values()
                .flat_map(|c| c.items.iter().map(|i| (i.id.as_str(), i.label.as_str())))
                .collect();
            let named: Vec<String> = items
                .iter()
                .map(|(id, label)| format!("{id}: {label}"))
                .collect();
            p.insert("type".into(), json!("array"));
            p.insert(
                "items".into(),
                json!({ "type": "string", "enum": items.keys().collect::<Vec<_>>(), "description": named.join("; ") }),
            );
            p.insert("uniqueItems".into(), json!(true));
        }
        Input::Checkbox { value, .. } => {
            p.insert("const".into(), json!(value));
        }
        Input::Hidden { value } => hidden_property(site, f, value, &mut p),
        Input::Email => {
            p.insert("format".into(), json!("email"));
        }
        Input::Date => {
            p.insert("format".into(), json!("date"));
        }
        Input::Text | Input::Tel | Input::Textarea => {}
    }
    if let Some(n) = f.maxlength {
        p.insert("maxLength".into(), json!(n));
    }
    if let Some(pat) = &f.pattern {
        p.insert("pattern".into(), json!(format!("^(?:{pat})$")));
    }
    if !f.required
        && (f.pattern.is_some() || matches!(f.input, Input::Email | Input::Date))
        && matches!(
            f.input,
            Input::Text | Input::Tel | Input::Email | Input::Date | Input::Textarea
        )
    {
        // An optional field is sent empty when left blank.
        // Empty, or a value that meets the field's pattern/format.
        return json!({ "title": f.label, "anyOf": [ { "type": "string", "maxLength": 0 }, Value::Object(p) ] });
    }
    Value::Object(p)
}

/// One form of `kind` per distinct set of fields.
fn representatives(site: &Site, kind: FormKind) -> Option<Vec<FormSpec>> {
    // The hub's form (service unknown) has every field but the checklist;
    // each service page adds its checklist's items.
    let mut specs = vec![spec(
        site,
        kind,
        &Placement {
            page: "/",
            service: None,
            reason: None,
            local: false,
            trial: None,
            location: None,
        },
    )?];
    // Placements differ in their fields only by the checklist shown and the
    // reason's urgency: one representative of each is enough, and keeps the
    // schema's cost flat as the site grows.
    let mut seen = BTreeSet::new();
    let placements = site
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (i, None, s.checklist.as_deref(), None))
        .chain(site.referrals.iter().enumerate().map(|(i, r)| {
            (
                r.service,
                Some(i),
                r.checklist.as_deref(),
                Some(r.urgency.as_str()),
            )
        }));
    for (service, reason, checklist, urgency) in placements {
        if !seen.insert((reason.is_some(), checklist, urgency)) {
            continue;
        }
        specs.extend(spec(
            site,
            kind,
            &Placement {
                page: "/",
                service: Some(service),
                reason,
                local: false,
                trial: None,
                location: None,
            },
        ));
    }
    Some(specs)
}

/// A hidden field's values: what the build or the script puts in it.
fn hidden_property(site: &Site, f: &Field, value: &str, p: &mut serde_json::Map<String, Value>) {
    match f.canonical.as_str() {
        "form" | "form-name" => {
            p.insert("const".into(), json!(value));
        }
        "service" => {
            p.insert(
                "enum".into(),
                json!(
                    site.services
                        .iter()
                        .map(|s| s.slug.clone())
                        .collect::<Vec<_>>()
                ),
            );
        }
        "reason" => {
            let mut v: Vec<String> = site.referrals.iter().map(|r| r.slug.clone()).collect();
            v.insert(0, String::new());
            p.insert("enum".into(), json!(v));
        }
        "trial" => {
            let mut v: Vec<String> = site.trials.iter().map(|t| t.slug.clone()).collect();
            v.insert(0, String::new());
            p.insert("enum".into(), json!(v));
        }
        "page" => {
            p.insert("pattern".into(), json!("^/[a-z0-9/_-]*$"));
        }
        _ => {
            p.insert("maxLength".into(), json!(200));
        }
    }
}
