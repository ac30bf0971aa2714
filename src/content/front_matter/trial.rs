//! Clinical trials (`content/trials/*.md`, issue #23): the trial's
//! registry id, phase and status in ClinicalTrials.gov's own words, the
//! service lines and locations it runs in, who may take part, and whom
//! to ask.

use serde::Deserialize;

use super::page::PageDoc;
use super::service::{Contact, RawContact};
use crate::content::Located;
use crate::content::findings::{FileCx, key};
use crate::content::keys::keys;
use crate::content::yaml::Seg;
use crate::diag::{Code, did_you_mean};

keys! {
    /// The keys of a clinical trial besides those of every page.
    pub(crate) struct TrialKeys {
        nct_id: String,
        phase: String,
        status: String,
        services: Vec<String>,
        locations: Vec<String>,
        eligibility: RawEligibility,
        contact: RawContact,
    }
}

/// `eligibility:` as written: a list of criteria, or Markdown.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawEligibility {
    List(Vec<String>),
    Text(String),
}

/// Who may take part, in plain words.
#[derive(Debug, Clone, PartialEq)]
pub enum Eligibility {
    /// One criterion per item (inline Markdown each).
    List(Vec<String>),
    /// A Markdown block.
    Text(String),
}

/// The phases ClinicalTrials.gov registers a study under, as it writes them
/// (its "Phase" data element; "N/A" for trials without phases, such as
/// device or behavioural studies).
pub const PHASES: [&str; 8] = [
    "Early Phase 1",
    "Phase 1",
    "Phase 1/Phase 2",
    "Phase 2",
    "Phase 2/Phase 3",
    "Phase 3",
    "Phase 4",
    "N/A",
];

/// Where a trial stands, in the registry's wording ("Overall Recruitment
/// Status"), with its schema.org `MedicalStudyStatus` member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrialStatus {
    NotYetRecruiting,
    Recruiting,
    ActiveNotRecruiting,
    Completed,
}

impl TrialStatus {
    pub const ALL: [TrialStatus; 4] = [
        TrialStatus::NotYetRecruiting,
        TrialStatus::Recruiting,
        TrialStatus::ActiveNotRecruiting,
        TrialStatus::Completed,
    ];

    /// As the registry writes it.
    pub fn label(self) -> &'static str {
        match self {
            TrialStatus::NotYetRecruiting => "Not yet recruiting",
            TrialStatus::Recruiting => "Recruiting",
            TrialStatus::ActiveNotRecruiting => "Active, not recruiting",
            TrialStatus::Completed => "Completed",
        }
    }

    /// A class name and value templates can test.
    pub fn as_str(self) -> &'static str {
        match self {
            TrialStatus::NotYetRecruiting => "not-yet-recruiting",
            TrialStatus::Recruiting => "recruiting",
            TrialStatus::ActiveNotRecruiting => "active-not-recruiting",
            TrialStatus::Completed => "completed",
        }
    }

    /// The schema.org `MedicalStudyStatus` member.
    pub fn schema_org(self) -> &'static str {
        match self {
            TrialStatus::NotYetRecruiting => "NotYetRecruiting",
            TrialStatus::Recruiting => "Recruiting",
            TrialStatus::ActiveNotRecruiting => "ActiveNotRecruiting",
            TrialStatus::Completed => "Completed",
        }
    }

    /// `status:` as a writer may type it: the registry's words in any case,
    /// with or without the comma, or the class name; `active` alone is
    /// "Active, not recruiting".
    fn parse(text: &str) -> Option<TrialStatus> {
        let words: String = text
            .to_lowercase()
            .replace([',', '-', '_'], " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match words.as_str() {
            "active" => return Some(TrialStatus::ActiveNotRecruiting),
            "open" => return Some(TrialStatus::Recruiting),
            _ => {}
        }
        TrialStatus::ALL.into_iter().find(|s| {
            s.label().to_lowercase().replace(',', "") == words
                || s.as_str().replace('-', " ") == words
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrialDoc {
    pub page: PageDoc,
    /// `NCT` and 8 digits.
    pub nct_id: Option<String>,
    /// One of [`PHASES`].
    pub phase: Option<&'static str>,
    pub status: Option<TrialStatus>,
    pub services: Vec<Located<String>>,
    pub locations: Vec<Located<String>>,
    pub eligibility: Option<Eligibility>,
    pub contact: Option<Contact>,
}

pub(super) fn trial(cx: &mut FileCx<'_>, raw: TrialKeys, page: PageDoc) -> TrialDoc {
    let nct_id = raw.nct_id.and_then(|id| nct_id(cx, id));
    let phase = raw.phase.and_then(|p| phase(cx, &p));
    let status = raw.status.and_then(|s| {
        let parsed = TrialStatus::parse(&s);
        if parsed.is_none() {
            let labels = TrialStatus::ALL.map(TrialStatus::label);
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("status"),
                    format!("`status: {s}` is not a trial status"),
                )
                .with_hint(format!(
                    "{}; write one of {}",
                    did_you_mean(&s, &labels),
                    labels.map(|l| format!("`{l}`")).join(", ")
                ));
            cx.push(d);
        }
        parsed
    });
    let contact = raw.contact.and_then(|c| {
        let at = |k: &str| vec![Seg::Key("contact".into()), Seg::Key(k.into())];
        let (Some(role), Some(name)) = (c.role, c.name) else {
            let d = cx
                .finding(
                    Code::MissingField,
                    &key("contact"),
                    "the trial's `contact` needs a `role` and a `name`".to_owned(),
                )
                .with_hint(
                    "e.g. `{ role: Research nurse, name: Jordan Lee, phone: \"+1-555-010-0150\" }`",
                );
            cx.push(d);
            return None;
        };
        Some(Contact {
            role,
            name,
            phone: cx.phone(&at("phone"), c.phone),
            email: cx.email(&at("email"), c.email),
        })
    });
    TrialDoc {
        page,
        nct_id,
        phase,
        status,
        services: cx.ids("services", raw.services),
        locations: cx.ids("locations", raw.locations),
        eligibility: raw.eligibility.map(|e| match e {
            RawEligibility::List(items) => Eligibility::List(items),
            RawEligibility::Text(text) => Eligibility::Text(text),
        }),
        contact,
    }
}

/// `NCT` and exactly 8 digits, the form ClinicalTrials.gov gives every
/// registered study; a finding at the value otherwise.
fn nct_id(cx: &mut FileCx<'_>, id: String) -> Option<String> {
    if is_nct_id(&id) {
        return Some(id);
    }
    let digits = id.bytes().filter(u8::is_ascii_digit).count();
    let hint = if id.to_ascii_uppercase().starts_with("NCT") && digits != 8 {
        format!(
            "an NCT number has exactly 8 digits after `NCT`; this one has {digits}: copy it from the study's ClinicalTrials.gov record"
        )
    } else {
        "write the ClinicalTrials.gov number: `NCT` and 8 digits, e.g. `NCT01234567`".to_owned()
    };
    let d = cx
        .finding(
            Code::InvalidValue,
            &key("nct_id"),
            format!("`nct_id: {id}` is not a ClinicalTrials.gov number"),
        )
        .with_hint(hint);
    cx.push(d);
    None
}

pub fn is_nct_id(id: &str) -> bool {
    id.len() == 11 && id.starts_with("NCT") && id[3..].bytes().all(|b| b.is_ascii_digit())
}

/// One of the registry's phases; `2`, `phase 2`, `Phase 1/2` and `NA` are
/// read as the registry writes them.
fn phase(cx: &mut FileCx<'_>, text: &str) -> Option<&'static str> {
    let t = text.trim().to_lowercase();
    let t = t.strip_prefix("phase").map_or(t.as_str(), str::trim);
    let named = match t.replace(' ', "").as_str() {
        "early1" | "earlyphase1" | "0" => Some("Early Phase 1"),
        "1" | "i" => Some("Phase 1"),
        "1/2" | "1/phase2" | "i/ii" => Some("Phase 1/Phase 2"),
        "2" | "ii" => Some("Phase 2"),
        "2/3" | "2/phase3" | "ii/iii" => Some("Phase 2/Phase 3"),
        "3" | "iii" => Some("Phase 3"),
        "4" | "iv" => Some("Phase 4"),
        "n/a" | "na" | "notapplicable" => Some("N/A"),
        _ => None,
    };
    if named.is_none() {
        let d = cx
            .finding(
                Code::InvalidValue,
                &key("phase"),
                format!("`phase: {text}` is not a trial phase ClinicalTrials.gov uses"),
            )
            .with_hint(format!(
                "{}; the phases are {}",
                did_you_mean(text, &PHASES),
                PHASES.map(|p| format!("`{p}`")).join(", ")
            ));
        cx.push(d);
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nct_ids_are_nct_and_eight_digits() {
        assert!(is_nct_id("NCT01234567"));
        assert!(!is_nct_id("NCT0123456"));
        assert!(!is_nct_id("NCT012345678"));
        assert!(!is_nct_id("nct01234567"));
        assert!(!is_nct_id("NCT0123456a"));
    }

    #[test]
    fn statuses_read_in_the_registrys_words() {
        assert_eq!(
            TrialStatus::parse("Active, not recruiting"),
            Some(TrialStatus::ActiveNotRecruiting)
        );
        assert_eq!(
            TrialStatus::parse("active"),
            Some(TrialStatus::ActiveNotRecruiting)
        );
        assert_eq!(
            TrialStatus::parse("recruiting"),
            Some(TrialStatus::Recruiting)
        );
        assert_eq!(
            TrialStatus::parse("not-yet-recruiting"),
            Some(TrialStatus::NotYetRecruiting)
        );
        assert_eq!(TrialStatus::parse("finished"), None);
    }
}
