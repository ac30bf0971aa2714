//! Referral reasons (`content/referrals/*.md`, SPEC §4): the service line
//! a reason belongs to, how urgent it is, who it is for, and its criteria,
//! exclusions and questions.

use std::sync::Arc;

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
        visit_type: String,
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
    pub const ALL: [Urgency; 3] = [Urgency::Routine, Urgency::Priority, Urgency::Urgent];

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
    pub const ALL: [Audience; 3] = [Audience::Clinician, Audience::Patient, Audience::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Clinician => "clinician",
            Audience::Patient => "patient",
            Audience::Both => "both",
        }
    }
}

/// The kinds of visit a patient may ask for: the appointment form's
/// choices, and what a reason's `visit_type` may preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitType {
    NewConsult,
    SecondOpinion,
    FollowUp,
    ClinicalTrial,
    NotSure,
}

impl VisitType {
    pub const ALL: [VisitType; 5] = [
        VisitType::NewConsult,
        VisitType::SecondOpinion,
        VisitType::FollowUp,
        VisitType::ClinicalTrial,
        VisitType::NotSure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitType::NewConsult => "new_consult",
            VisitType::SecondOpinion => "second_opinion",
            VisitType::FollowUp => "follow_up",
            VisitType::ClinicalTrial => "clinical_trial",
            VisitType::NotSure => "not_sure",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            VisitType::NewConsult => "New consultation",
            VisitType::SecondOpinion => "Second opinion",
            VisitType::FollowUp => "Follow-up visit",
            VisitType::ClinicalTrial => "A question about clinical trials",
            VisitType::NotSure => "Not sure",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The visit the appointment form presets on this reason's page.
    pub visit_type: Option<VisitType>,
    // Shared with the model's reason (a count, not a copy, when serve
    // resolves 10,000 reasons again on a front-matter edit).
    pub criteria: Arc<[String]>,
    pub exclusions: Arc<[String]>,
    pub faq: Arc<[Faq]>,
}

/// A referral reason, or `None` without `service:`.
pub(super) fn referral(
    cx: &mut FileCx<'_>,
    raw: ReferralKeys,
    page: PageDoc,
) -> Option<ReferralDoc> {
    let Some(service) = raw.service else {
        if !cx.absent("service") {
            return None;
        }
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
    let urgency = choice(
        cx,
        ("urgency", "an urgency level"),
        raw.urgency,
        &Urgency::ALL,
        Urgency::as_str,
    )
    .unwrap_or(Urgency::Routine);
    let audience = choice(
        cx,
        ("audience", "an audience"),
        raw.audience,
        &Audience::ALL,
        Audience::as_str,
    )
    .unwrap_or(Audience::Both);
    let visit_type = choice(
        cx,
        ("visit_type", "a kind of visit"),
        raw.visit_type,
        &VisitType::ALL,
        VisitType::as_str,
    );
    let faq: Vec<Faq> = raw
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
        visit_type,
        criteria: raw.criteria.unwrap_or_default().into(),
        exclusions: raw.exclusions.unwrap_or_default().into(),
        faq: faq.into(),
    })
}

/// The choice `name:` names, or a finding that it is not `what` (such as
/// "an audience") with the closest choice.
fn choice<T: Copy>(
    cx: &mut FileCx<'_>,
    (name, what): (&str, &str),
    value: Option<String>,
    choices: &[T],
    as_str: fn(T) -> &'static str,
) -> Option<T> {
    let value = value?;
    if let Some(&c) = choices.iter().find(|&&c| as_str(c) == value) {
        return Some(c);
    }
    let names: Vec<&str> = choices.iter().map(|&c| as_str(c)).collect();
    let d = cx
        .finding(
            Code::InvalidValue,
            &key(name),
            format!("`{name}: {value}` is not {what}"),
        )
        .with_hint(did_you_mean(&value, &names));
    cx.push(d);
    None
}
