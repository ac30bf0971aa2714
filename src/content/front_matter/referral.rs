//! Referral reasons (`content/referrals/*.md`, SPEC §4): the service line
//! a reason belongs to, how urgent it is, who it is for, and its criteria,
//! exclusions and questions.

use serde::Deserialize;

use super::page::PageDoc;
use crate::content::Located;
use crate::content::findings::{FileCx, key};
use crate::content::keys::keys;
use crate::content::yaml::Seg;
use crate::diag::{Code, Diagnostic, did_you_mean};

keys! {
    /// The keys of a referral reason besides those of every page.
    pub(crate) struct ReferralKeys {
        service: String,
        checklist: String,
        urgency: String,
        audience: String,
        criteria: Vec<String>,
        exclusions: Vec<String>,
        faq: Vec<RawFaq>,
    }
}

/// One entry of `faq`.
#[derive(Debug, Deserialize)]
pub(super) struct RawFaq {
    q: Option<String>,
    a: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Routine,
    Priority,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Routine => "routine",
            Urgency::Priority => "priority",
            Urgency::Urgent => "urgent",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Routine => "Routine",
            Urgency::Priority => "Priority",
            Urgency::Urgent => "Urgent",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Clinician,
    Patient,
    Both,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Clinician => "clinician",
            Audience::Patient => "patient",
            Audience::Both => "both",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Faq {
    pub q: String,
    /// Inline Markdown, rendered later.
    pub a: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReferralDoc {
    pub page: PageDoc,
    pub service: Located<String>,
    pub checklist: Option<Located<String>>,
    pub urgency: Urgency,
    pub audience: Audience,
    pub criteria: Vec<String>,
    pub exclusions: Vec<String>,
    pub faq: Vec<Faq>,
}

/// A referral reason, or `None` without `service:`.
pub(super) fn referral(
    cx: &mut FileCx<'_>,
    raw: ReferralKeys,
    page: PageDoc,
) -> Option<ReferralDoc> {
    let Some(service) = raw.service else {
        let d = Diagnostic::new(
            Code::MissingField,
            "a referral reason needs `service:`, the service line it belongs to",
        )
        .in_file(cx.file.rel.clone())
        .at_offset(cx.text(), 0, 3)
        .with_hint("add e.g. `service: thoracic-oncology` (a file name in `content/services/`)");
        cx.push(d);
        return None;
    };
    let service = cx.located(&key("service"), service);
    let checklist = raw.checklist.map(|c| cx.located(&key("checklist"), c));
    let urgency = match raw.urgency.as_deref() {
        None | Some("routine") => Urgency::Routine,
        Some("priority") => Urgency::Priority,
        Some("urgent") => Urgency::Urgent,
        Some(other) => {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("urgency"),
                    format!("`urgency: {other}` is not an urgency level"),
                )
                .with_hint(did_you_mean(other, &["routine", "priority", "urgent"]));
            cx.push(d);
            Urgency::Routine
        }
    };
    let audience = match raw.audience.as_deref() {
        None | Some("both") => Audience::Both,
        Some("clinician") => Audience::Clinician,
        Some("patient") => Audience::Patient,
        Some(other) => {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("audience"),
                    format!("`audience: {other}` is not an audience"),
                )
                .with_hint(did_you_mean(other, &["clinician", "patient", "both"]));
            cx.push(d);
            Audience::Both
        }
    };
    let faq = raw
        .faq
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| match (f.q, f.a) {
            (Some(q), Some(a)) => Some(Faq { q, a }),
            _ => {
                let d = cx
                    .finding(
                        Code::MissingField,
                        &[Seg::Key("faq".into()), Seg::Index(i)],
                        format!("question {} of `faq` needs both `q` and `a`", i + 1),
                    )
                    .with_hint("write each entry as `- q: …` with `a: …` below it");
                cx.push(d);
                None
            }
        })
        .collect();
    Some(ReferralDoc {
        page,
        service,
        checklist,
        urgency,
        audience,
        criteria: raw.criteria.unwrap_or_default(),
        exclusions: raw.exclusions.unwrap_or_default(),
        faq,
    })
}
