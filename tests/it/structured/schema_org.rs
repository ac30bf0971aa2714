//! The schema.org vocabulary check: the types handoff may write, the
//! properties schema.org defines on each (along the type hierarchy), the
//! kind of value each property takes, and the rules of a sound graph (one
//! node per `@id`, no dangling reference, no empty value, E.164 numbers).
//! `graph::the_vocabulary_check_rejects_what_schema_org_does_not_define`
//! proves it catches what it is there to catch.

use std::collections::BTreeSet;

use serde_json::Value;

use super::built::{as_list, types_of};

/// Every schema.org type handoff writes. Checked against schema.org
/// (https://schema.org/<Type>, version 29): each exists and is not pending.
const KNOWN_TYPES: [&str; 28] = [
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
    "EducationEvent",
    "Place",
    "VirtualLocation",
    "Offer",
    "Audience",
    "ServiceChannel",
    "MedicalTrial",
    "AdministrativeArea",
    // What a clinic offers (`availableService`): a service line at a location.
    "MedicalTherapy",
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
            // `availableService` is their own (MedicalClinic, Physician, Hospital).
            vec![
                THING,
                ORGANIZATION,
                MEDICAL_ORGANIZATION,
                PLACE,
                &["availableService"],
            ]
        }
        // MedicalEntity.relevantSpecialty
        "MedicalTherapy" => vec![THING, &["relevantSpecialty"]],
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
        "Service" => vec![THING, &["serviceType", "provider", "availableChannel"]],
        "ServiceChannel" => vec![THING, &["serviceUrl"]],
        // Audience.audienceType
        "MedicalAudience" => vec![&["@type", "audienceType"]],
        "Question" => vec![THING, &["acceptedAnswer", "text"]],
        "Answer" => vec![THING, &["text"]],
        "Person" => vec![THING, &["telephone", "email", "address"]],
        // Event (EducationEvent adds nothing handoff uses)
        "EducationEvent" => vec![
            THING,
            &[
                "startDate",
                "endDate",
                "eventAttendanceMode",
                "eventStatus",
                "location",
                "organizer",
                "offers",
                "about",
                "audience",
            ],
        ],
        "Place" => vec![THING, &["address"]],
        "VirtualLocation" => vec![THING],
        "Offer" => vec![THING],
        "Audience" => vec![&["@type", "audienceType"]],
        // MedicalTrial: MedicalStudy (healthCondition, sponsor, status,
        // studyLocation, studySubject) and MedicalEntity (relevantSpecialty,
        // code); Thing's identifier. No `phase`: schema.org moved it to the
        // attic.
        "MedicalTrial" => vec![
            THING,
            &[
                "identifier",
                "trialDesign",
                "sponsor",
                "status",
                "studyLocation",
                "relevantSpecialty",
            ],
        ],
        // A Place.
        "AdministrativeArea" => vec![THING, &["address", "geo"]],
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
        "audience" => &["MedicalAudience", "Audience"],
        "location" => &["Place", "VirtualLocation"],
        "offers" => &["Offer"],
        "itemListElement" => &["ListItem"],
        "mainEntity" => &["Question"],
        "availableChannel" => &["ServiceChannel"],
        "studyLocation" => &["AdministrativeArea"],
        // MedicalProcedure, MedicalTest or MedicalTherapy; handoff writes the last.
        "availableService" => &["MedicalTherapy"],
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

/// Members of the schema.org MedicalStudyStatus enumeration
/// (https://schema.org/MedicalStudyStatus).
const MEDICAL_STUDY_STATUSES: [&str; 9] = [
    "ActiveNotRecruiting",
    "Completed",
    "EnrollingByInvitation",
    "NotYetRecruiting",
    "Recruiting",
    "ResultsAvailable",
    "Suspended",
    "Terminated",
    "Withdrawn",
];

/// A ClinicalTrials.gov number: `NCT` and 8 digits.
fn is_nct_number(s: &str) -> bool {
    s.len() == 11 && s.starts_with("NCT") && s[3..].chars().all(|c| c.is_ascii_digit())
}

pub(super) const DAYS: [&str; 7] = [
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
pub(super) fn vocabulary_problems(doc: &Value, org_id: &str) -> Vec<String> {
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
                    "medicalSpecialty" | "specialty" | "relevantSpecialty" => {
                        let ok = s
                            .strip_prefix("https://schema.org/")
                            .is_some_and(|m| MEDICAL_SPECIALTIES.contains(&m));
                        if !ok {
                            problems.push(format!(
                                "{at}: {s} is not a https://schema.org/ MedicalSpecialty"
                            ));
                        }
                    }
                    // A MedicalStudyStatus member.
                    "status" => {
                        let ok = s
                            .strip_prefix("https://schema.org/")
                            .is_some_and(|m| MEDICAL_STUDY_STATUSES.contains(&m));
                        if !ok {
                            problems.push(format!(
                                "{at}: {s} is not a https://schema.org/ MedicalStudyStatus"
                            ));
                        }
                    }
                    "identifier" if !is_nct_number(s) => {
                        problems.push(format!("{at}: {s} is not an NCT number"));
                    }
                    "dayOfWeek" => {
                        let ok = s
                            .strip_prefix("https://schema.org/")
                            .is_some_and(|d| DAYS.contains(&d));
                        if !ok {
                            problems.push(format!("{at}: {s} is not a schema.org day URL"));
                        }
                    }
                    // An event's `Audience` is the writer's words; a page's
                    // `MedicalAudience` one of schema.org's types.
                    "audienceType"
                        if at.ends_with("MedicalAudience.audienceType")
                            && s != "Clinician"
                            && s != "Patient" =>
                    {
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
                    "url" | "item" | "logo" | "image" | "sameAs" | "@id" | "serviceUrl"
                        if !s.starts_with("https://") && !s.starts_with("http://") =>
                    {
                        problems.push(format!("{at}: {s} is not an absolute URL"));
                    }
                    "eventAttendanceMode" | "eventStatus" => {
                        let members: &[&str] = if key == "eventStatus" {
                            &[
                                "EventScheduled",
                                "EventCancelled",
                                "EventPostponed",
                                "EventRescheduled",
                                "EventMovedOnline",
                            ]
                        } else {
                            &[
                                "OfflineEventAttendanceMode",
                                "OnlineEventAttendanceMode",
                                "MixedEventAttendanceMode",
                            ]
                        };
                        let ok = s
                            .strip_prefix("https://schema.org/")
                            .is_some_and(|m| members.contains(&m));
                        if !ok {
                            problems.push(format!("{at}: {s} is not a schema.org {key} member"));
                        }
                    }
                    // ISO 8601 with the offset: a date alone, or a time
                    // without its offset, names no moment.
                    "startDate" | "endDate" if s.parse::<jiff::Timestamp>().is_err() => {
                        problems.push(format!("{at}: {s} is not a date-time with its offset"));
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
