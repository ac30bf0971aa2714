//! Delivery: what the backend receives from a form, field by field, so a
//! referral arrives whole (SPEC §7.4).
//!
//! A backend that keeps every name (webhook, Formspree, Netlify) receives
//! each field under its own name. A CRM keeps only its own properties
//! ([`Keeps::Own`]): HubSpot refuses a submission naming anything else,
//! Salesforce drops it without a word. There each field takes one
//! [`Route`]: a property (the backend's default for it, or the practice's
//! `[intake.field_names]`), the contact's name split into first and last,
//! or a `Label: value` line of the one digest property (`message`,
//! `description`). The script follows the [`Plan`] printed on the form;
//! `handoff intake` prints the [`Sheet`], which lists exactly the names the
//! browser sends; `serve`'s sink refuses what the backend would.

use std::collections::BTreeSet;

use serde::Serialize;

use super::backend::{Keeps, Profile};
use super::{Choice, Field, FormKind, FormSpec, Input, Placement, spec};
use crate::config::Intake;
use crate::model::Site;

/// Where one field's value lands at the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Under the field's name (as the form sends it).
    Field,
    /// The contact's name, split into these two properties.
    Split(&'static str, &'static str),
    /// A line of the digest property.
    Digest,
}

/// The route of `f`, a field of a form posting to `intake`.
pub fn route(intake: &Intake, f: &Field) -> Route {
    let profile = intake.profile();
    let Keeps::Own { split, .. } = profile.keeps else {
        return Route::Field;
    };
    if is_own(profile, f)
        || intake.field_names.contains_key(&f.canonical)
        || profile.rename(&f.canonical).is_some()
    {
        Route::Field
    } else if f.contact {
        Route::Split(split.0, split.1)
    } else {
        Route::Digest
    }
}

/// What the form script does before sending to a backend that keeps only
/// its own properties; printed on the form as JSON (`data-delivery`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The property that carries the digest.
    pub digest: &'static str,
    /// One line per value the digest carries: the name the form holds it
    /// under, its label, and its shown value when the page fixes it (a
    /// hidden service's title); else the script shows the chosen option's
    /// label or the text typed.
    pub lines: Vec<(String, String, String)>,
    /// The contact's name field and the two properties it is split into.
    pub split: Option<(String, &'static str, &'static str)>,
    /// A filled honeypot stops the submission in the browser: this backend
    /// would not check it.
    pub honeypot: String,
    /// The consent checkbox and its text, sent as `legalConsentOptions`
    /// by a HubSpot form.
    pub consent: Option<(String, String)>,
}

/// The label a value is named by in a digest.
pub fn line_label(f: &Field) -> &str {
    f.short.as_deref().unwrap_or(&f.label)
}

/// The plan of one form, `None` when the backend keeps every name.
pub(super) fn plan(
    site: &Site,
    intake: &Intake,
    spec: &FormSpec,
    at: &Placement<'_>,
) -> Option<Plan> {
    let digest = intake.profile().digest()?;
    let mut plan = Plan {
        digest,
        lines: Vec::new(),
        split: None,
        honeypot: spec.honeypot.clone(),
        consent: None,
    };
    for f in spec.fields() {
        if f.canonical == "consent" {
            plan.consent = Some((f.name.clone(), f.label.clone()));
        }
        match route(intake, f) {
            Route::Field => {}
            Route::Split(first, last) => plan.split = Some((f.name.clone(), first, last)),
            Route::Digest => plan.lines.push((
                f.name.clone(),
                line_label(f).to_owned(),
                fixed_value(site, f, at),
            )),
        }
    }
    Some(plan)
}

/// What a hidden field shows in a digest: the service's or reason's title
/// rather than its slug.
fn fixed_value(site: &Site, f: &Field, at: &Placement<'_>) -> String {
    if !matches!(f.input, Input::Hidden { .. }) {
        return String::new();
    }
    match f.canonical.as_str() {
        "service" => at.service.map(|s| site.services[s].title.clone()),
        "reason" => at.reason.map(|r| site.referrals[r].title.clone()),
        _ => None,
    }
    .unwrap_or_default()
}

// ---- the setup sheet -------------------------------------------------------------

/// Everything the practice configures its backend from (`handoff intake`).
#[derive(Debug, Serialize)]
pub struct Sheet {
    pub backend: &'static str,
    pub forms: Vec<FormSheet>,
}

/// One form as its backend receives it.
#[derive(Debug, Serialize)]
pub struct FormSheet {
    pub form: FormKind,
    pub action: String,
    pub transport: super::backend::Transport,
    /// Without JavaScript the form cannot send.
    pub needs_script: bool,
    /// Where the form's JSON Schema is published (the canonical payload).
    pub schema: String,
    /// Exactly the names the browser sends, in form order.
    pub fields: Vec<Received>,
    /// The digest property and the values it carries, for a CRM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<DigestSheet>,
    /// Custom properties to create before the first submission (HubSpot).
    pub create: Vec<Property>,
}

/// One name the backend receives.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    pub name: String,
    /// The canonical fields whose values arrive under this name.
    pub carries: Vec<String>,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub required: bool,
    /// A property every account of this backend has (a CRM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard: Option<bool>,
    /// The digest property.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub digest: bool,
    /// The services on whose pages the field appears; absent: every page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub services: Option<BTreeSet<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// A fixed value the build writes (`oid`, `_next`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DigestSheet {
    pub name: &'static str,
    pub lines: Vec<Line>,
}

#[derive(Debug, Serialize)]
pub struct Line {
    pub canonical: String,
    pub label: String,
}

/// A custom property the practice creates in its backend.
#[derive(Debug, Serialize)]
pub struct Property {
    pub name: String,
    pub label: String,
    /// The backend's field type (`text`, `textarea`, `select`, …).
    pub field_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// The setup sheet of the site's backend; `None` without `[intake]`.
pub fn sheet(site: &Site) -> Option<Sheet> {
    let intake = site.config.intake.as_ref()?;
    let forms = FormKind::ALL
        .into_iter()
        .filter_map(|kind| form_sheet(site, intake, kind))
        .collect();
    Some(Sheet {
        backend: intake.profile().name,
        forms,
    })
}

/// Every placement of a form that differs in its fields: the hub, each
/// service's pages and each reason's, with the service they belong to.
fn placements(site: &Site) -> Vec<(Option<usize>, Placement<'static>)> {
    let hub = Placement {
        page: "/",
        ..Placement::default()
    };
    let services = (0..site.services.len()).map(|s| {
        (
            Some(s),
            Placement {
                page: "/",
                service: Some(s),
                ..Placement::default()
            },
        )
    });
    let reasons = site.referrals.iter().enumerate().map(|(r, reason)| {
        (
            Some(reason.service),
            Placement {
                page: "/",
                service: Some(reason.service),
                reason: Some(r),
                local: false,
                location: None,
            },
        )
    });
    std::iter::once((None, hub))
        .chain(services)
        .chain(reasons)
        .collect()
}

fn form_sheet(site: &Site, intake: &Intake, kind: FormKind) -> Option<FormSheet> {
    let profile = intake.profile();
    let mut fields: Vec<Received> = Vec::new();
    let mut digest: Vec<Line> = Vec::new();
    let mut first: Option<FormSpec> = None;
    for (service, at) in placements(site) {
        let spec = spec(site, kind, &at)?;
        let slug = service.map(|s| site.services[s].slug.clone());
        for f in spec.fields() {
            for received in receive(intake, f) {
                merge(&mut fields, received, slug.as_deref());
            }
            if route(intake, f) == Route::Digest
                && !digest.iter().any(|l| l.canonical == f.canonical)
            {
                digest.push(Line {
                    canonical: f.canonical.clone(),
                    label: line_label(f).to_owned(),
                });
            }
        }
        first.get_or_insert(spec);
    }
    let spec = first?;
    if let Some(name) = profile.digest() {
        fields.push(Received {
            name: name.to_owned(),
            carries: digest.iter().map(|l| l.canonical.clone()).collect(),
            label: digest_label(kind).to_owned(),
            kind: "textarea",
            required: true,
            standard: Some(true),
            digest: true,
            services: None,
            options: Vec::new(),
            value: None,
        });
    } else {
        fields.push(Received {
            name: spec.honeypot.clone(),
            carries: Vec::new(),
            label: "Honeypot: empty unless a bot filled it".to_owned(),
            kind: "honeypot",
            required: false,
            standard: None,
            digest: false,
            services: None,
            options: Vec::new(),
            value: None,
        });
    }
    let create = fields
        .iter()
        .filter(|r| r.standard == Some(false))
        .map(|r| Property {
            name: r.name.clone(),
            label: r.label.clone(),
            field_type: field_type(r.kind),
            options: r.options.iter().map(|o| o.value.clone()).collect(),
        })
        .collect();
    Some(FormSheet {
        form: kind,
        // Netlify's action is a page of the site: as the browser posts it.
        action: match super::action(&site.config, kind)? {
            page if page.starts_with('/') => site.config.base_url.href(&page),
            elsewhere => elsewhere,
        },
        transport: spec.transport,
        needs_script: spec.needs_script,
        schema: site
            .config
            .base_url
            .join(&format!("/forms/{}.schema.json", kind.as_str())),
        fields,
        digest: profile.digest().map(|name| DigestSheet {
            name,
            lines: digest,
        }),
        create,
    })
}

/// The label of the digest property, as the practice names it.
fn digest_label(kind: FormKind) -> &'static str {
    match kind {
        FormKind::Referral => "Referral details",
        FormKind::Appointment => "Appointment request details",
    }
}

/// The names one field arrives under (none for a digest line).
fn receive(intake: &Intake, f: &Field) -> Vec<Received> {
    let profile = intake.profile();
    // The backend's own hidden fields (`oid`, `retURL`) are not properties,
    // carry no value of the visitor's, and the backend needs them.
    let own = is_own(profile, f);
    let standard = |name: &str| match profile.keeps {
        Keeps::Own { standard, .. } if !own => Some(standard.contains(&name)),
        _ => None,
    };
    let one = |name: &str, label: &str| Received {
        name: name.to_owned(),
        carries: if own {
            Vec::new()
        } else {
            vec![f.canonical.clone()]
        },
        label: label.to_owned(),
        kind: kind_of(&f.input),
        required: f.required || own,
        standard: standard(name),
        digest: false,
        services: None,
        options: match &f.input {
            Input::Select { options }
            | Input::Radio { options }
            | Input::Checkboxes { options } => options
                .iter()
                .filter(|o| !o.value.is_empty())
                .cloned()
                .map(|o| Choice {
                    selected: false,
                    ..o
                })
                .collect(),
            _ => Vec::new(),
        },
        value: match &f.input {
            Input::Hidden { value } if is_fixed(profile, f) => Some(value.clone()),
            _ => None,
        },
    };
    match route(intake, f) {
        Route::Field => vec![one(&f.name, line_label(f))],
        Route::Split(first, last) => vec![
            Received {
                kind: "text",
                ..one(first, "First name")
            },
            one(last, "Last name"),
        ],
        Route::Digest => Vec::new(),
    }
}

/// A hidden field whose value the build fixes for every page (`oid`,
/// `_next`, `form`), not the page, service or tracking.
fn is_fixed(profile: &Profile, f: &Field) -> bool {
    is_own(profile, f) || f.canonical == "form"
}

/// One of the hidden fields the backend itself wants (`oid`, `_next`).
fn is_own(profile: &Profile, f: &Field) -> bool {
    profile
        .hidden
        .iter()
        .any(|(name, _, _)| *name == f.canonical)
}

/// Adds `r` seen on a page of `service` (`None`: the hub), widening what
/// is already known of the name.
fn merge(fields: &mut Vec<Received>, mut r: Received, service: Option<&str>) {
    match fields.iter_mut().find(|known| known.name == r.name) {
        Some(known) => {
            if let (Some(services), Some(s)) = (&mut known.services, service) {
                services.insert(s.to_owned());
            } else if service.is_none() {
                known.services = None;
            }
            for c in r.carries {
                if !known.carries.contains(&c) {
                    known.carries.push(c);
                }
            }
            // A field is required only where every page requires it.
            known.required &= r.required;
            if known.value != r.value {
                known.value = None;
            }
            for o in r.options {
                if !known.options.iter().any(|k| k.value == o.value) {
                    known.options.push(o);
                }
            }
        }
        None => {
            r.services = service.map(|s| BTreeSet::from([s.to_owned()]));
            fields.push(r);
        }
    }
}

fn kind_of(input: &Input) -> &'static str {
    match input {
        Input::Text => "text",
        Input::Email => "email",
        Input::Tel => "tel",
        Input::Date => "date",
        Input::Textarea => "textarea",
        Input::Select { .. } => "select",
        Input::Radio { .. } => "radio",
        Input::Checkbox { .. } => "checkbox",
        Input::Checkboxes { .. } => "checkboxes",
        Input::Hidden { .. } => "hidden",
    }
}

/// HubSpot's field type for a property of this kind (the CRM properties
/// API's `fieldType`).
fn field_type(kind: &str) -> &'static str {
    match kind {
        "textarea" => "textarea",
        "select" => "select",
        "radio" => "radio",
        "checkbox" => "booleancheckbox",
        "checkboxes" => "checkbox",
        "date" => "date",
        "tel" => "phonenumber",
        _ => "text",
    }
}
