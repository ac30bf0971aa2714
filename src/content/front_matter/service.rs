//! Service lines (`content/services/*.md`, SPEC §4): specialty, checklist,
//! locations and how referring offices reach the service line.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::availability::{self, AvailabilityDoc, RawAvailability};
use super::page::PageDoc;
use crate::content::Located;
use crate::content::findings::{FileCx, key};
use crate::content::keys::keys;
use crate::content::yaml::Seg;
use crate::diag::{Code, did_you_mean};
use crate::phone::Phone;
use crate::values::{self, UrlRule};

/// schema.org `MedicalSpecialty` members (https://schema.org/MedicalSpecialty).
pub const SPECIALTIES: [&str; 41] = [
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

keys! {
    /// The keys of a service line besides those of every page.
    pub(crate) struct ServiceKeys {
        specialty: String,
        checklist: String,
        locations: Vec<String>,
        referring: RawReferring,
        availability: RawAvailability,
    }
}

/// The `referring:` block.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawReferring {
    appropriate_for: Option<Vec<String>>,
    phone: Option<String>,
    fax: Option<String>,
    email: Option<String>,
    portal: Option<String>,
    response_time: Option<String>,
    urgent: Option<String>,
    results: Option<String>,
    updates: Option<Vec<RawUpdate>>,
    contacts: Option<Vec<RawContact>>,
    by_location: Option<BTreeMap<String, RawLine>>,
}

/// One entry of `referring.by_location`: the service line's own numbers
/// and people at one location.
#[derive(Debug, Deserialize)]
pub(super) struct RawLine {
    phone: Option<String>,
    fax: Option<String>,
    contacts: Option<Vec<RawContact>>,
}

/// One entry of `referring.updates`.
#[derive(Debug, Deserialize)]
pub(super) struct RawUpdate {
    step: Option<String>,
    timing: Option<String>,
}

/// One entry of `referring.contacts`.
#[derive(Debug, Deserialize)]
pub(super) struct RawContact {
    pub(super) role: Option<String>,
    pub(super) name: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) email: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDoc {
    pub page: PageDoc,
    pub specialty: Option<Located<String>>,
    pub checklist: Option<Located<String>>,
    pub locations: Vec<Located<String>>,
    pub referring: Referring,
    /// `availability:`, absent when not written.
    /// Boxed: most service lines have none, and a parsed page is moved
    /// around whole.
    pub availability: Option<Box<AvailabilityDoc>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Referring {
    pub appropriate_for: Vec<String>,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub portal: Option<String>,
    pub response_time: Option<String>,
    pub urgent: Option<String>,
    pub results: Option<String>,
    /// What the referring office hears, and when: the loop closed step by step.
    pub updates: Vec<Update>,
    pub contacts: Vec<Contact>,
    /// `by_location`: the line at one location, which wins over the
    /// location's and the service's own.
    pub by_location: Vec<LocationLine>,
}

/// One entry of `referring.by_location`, by the location's id.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationLine {
    pub location: Located<String>,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    pub contacts: Vec<Contact>,
}

/// One step of `referring.updates`: "Referral received", "same business day".
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub step: String,
    pub timing: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub role: String,
    pub name: String,
    pub phone: Option<Phone>,
    pub email: Option<String>,
}

pub(super) fn service(cx: &mut FileCx<'_>, raw: ServiceKeys, page: PageDoc) -> ServiceDoc {
    let specialty = raw.specialty.map(|s| {
        if !SPECIALTIES.contains(&s.as_str()) {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("specialty"),
                    format!("`specialty: {s}` is not a schema.org medical specialty"),
                )
                .with_hint(did_you_mean(&s, &SPECIALTIES));
            cx.push(d);
        }
        cx.located(&key("specialty"), s)
    });
    let checklist = raw.checklist.map(|c| cx.located(&key("checklist"), c));
    let locations = cx.ids("locations", raw.locations);
    let referring = referring(cx, raw.referring.unwrap_or_default());
    let availability = raw
        .availability
        .map(|a| Box::new(availability::availability(cx, a)));
    ServiceDoc {
        page,
        specialty,
        checklist,
        locations,
        referring,
        availability,
    }
}

fn referring(cx: &mut FileCx<'_>, raw: RawReferring) -> Referring {
    let RawReferring {
        appropriate_for,
        phone,
        fax,
        email,
        portal,
        response_time,
        urgent,
        results,
        updates,
        contacts,
        by_location,
    } = raw;
    let at = |k: &str| vec![Seg::Key("referring".into()), Seg::Key(k.into())];
    let portal = portal.filter(|p| match values::url(p, UrlRule::LINK) {
        Ok(_) => true,
        Err(fault) => {
            cx.refused(
                &at("portal"),
                &fault,
                "link the referral portal's `https://` address",
            );
            false
        }
    });
    let contacts = self::contacts(cx, &[Seg::Key("referring".into())], contacts);
    let updates = updates
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, u)| {
            let Some(step) = u.step else {
                let at = [Seg::Key("referring".into()), Seg::Key("updates".into()), Seg::Index(i)];
                let d = cx
                    .finding(Code::MissingField, &at, format!("step {} of `referring.updates` needs a `step`", i + 1))
                    .with_hint("write each step as `- step: Referral received` with `timing: same business day` below it");
                cx.push(d);
                return None;
            };
            Some(Update { step, timing: u.timing })
        })
        .collect();
    Referring {
        appropriate_for: appropriate_for.unwrap_or_default(),
        phone: cx.phone(&at("phone"), phone),
        fax: cx.phone(&at("fax"), fax),
        email: cx.email(&at("email"), email),
        portal,
        response_time,
        urgent,
        results,
        updates,
        contacts,
        by_location: by_location
            .unwrap_or_default()
            .into_iter()
            .map(|(id, line)| location_line(cx, id, line))
            .collect(),
    }
}

/// One entry of `referring.by_location`, its id located at its key.
fn location_line(cx: &mut FileCx<'_>, id: String, raw: RawLine) -> LocationLine {
    let at = vec![
        Seg::Key("referring".into()),
        Seg::Key("by_location".into()),
        Seg::Key(id.clone()),
    ];
    let key = |k: &str| {
        let mut path = at.clone();
        path.push(Seg::Key(k.into()));
        path
    };
    let location = cx.located_key(&at, id);
    LocationLine {
        phone: cx.phone(&key("phone"), raw.phone),
        fax: cx.phone(&key("fax"), raw.fax),
        contacts: contacts(cx, &at, raw.contacts),
        location,
    }
}

/// `contacts:` under the block at `block`: each needs a role and a name.
fn contacts(cx: &mut FileCx<'_>, block: &[Seg], raw: Option<Vec<RawContact>>) -> Vec<Contact> {
    raw.unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let path = |k: &str| {
                let mut p = block.to_vec();
                p.extend([Seg::Key("contacts".into()), Seg::Index(i), Seg::Key(k.into())]);
                p
            };
            let (Some(role), Some(name)) = (c.role, c.name) else {
                let whole = path("name");
                let d = cx
                    .finding(Code::MissingField, &whole[..whole.len() - 1], format!("contact {} needs a `role` and a `name`", i + 1))
                    .with_hint("e.g. `{ role: Referral coordinator, name: Dana Ortiz, phone: \"+1-555-010-0142\" }`");
                cx.push(d);
                return None;
            };
            Some(Contact { role, name, phone: cx.phone(&path("phone"), c.phone), email: cx.email(&path("email"), c.email) })
        })
        .collect()
}
