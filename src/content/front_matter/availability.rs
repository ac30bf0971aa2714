//! A service line's `availability:` block: how soon a new patient is seen,
//! whether new patients are taken, telehealth, and the date the practice
//! last confirmed it (`as_of`), for the whole service line and, under
//! `by_location`, at one location. A stale promise hurts trust, so the date
//! keeps its position: `check` and `build` warn at it once it is old.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml::Value;

use crate::content::Located;
use crate::content::findings::FileCx;
use crate::content::yaml::Seg;
use crate::diag::Code;
use crate::values;

/// The most business days a wait may be: a longer one is a typo, or belongs
/// in words ("three to four months").
const MAX_WAIT_DAYS: u64 = 365;

/// The `availability:` block, and each block under its `by_location`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawAvailability {
    /// Text, or a number of business days: read as any value, so that a
    /// wrong one is told in a writer's words here.
    new_patient_wait: Option<Value>,
    accepting_new_patients: Option<bool>,
    telehealth: Option<bool>,
    /// A date, `YYYY-MM-DD`; any value, for the same reason.
    as_of: Option<Value>,
    /// The same keys for one location, by location id; a location's block
    /// takes the service line's values for the keys it leaves out.
    by_location: Option<BTreeMap<String, RawAvailability>>,
}

/// How soon a new patient is seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// As the practice words it: "within one week".
    Text(String),
    /// A number of business days: "about 5 business days".
    BusinessDays(u32),
}

/// What a service line (or the service line at one location) says about
/// seeing new patients. Every key is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Availability {
    pub new_patient_wait: Option<Wait>,
    pub accepting_new_patients: Option<bool>,
    pub telehealth: Option<bool>,
    /// When the practice last confirmed these, where it is written.
    pub as_of: Option<Located<jiff::civil::Date>>,
}

impl Availability {
    /// `self`, each key it leaves out taken from `base`.
    pub fn or(&self, base: &Availability) -> Availability {
        Availability {
            new_patient_wait: self
                .new_patient_wait
                .clone()
                .or_else(|| base.new_patient_wait.clone()),
            accepting_new_patients: self.accepting_new_patients.or(base.accepting_new_patients),
            telehealth: self.telehealth.or(base.telehealth),
            as_of: self.as_of.clone().or_else(|| base.as_of.clone()),
        }
    }
}

/// The service line's block and its blocks per location.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AvailabilityDoc {
    pub own: Availability,
    /// By location id (where it is written), in the order of the ids.
    pub by_location: Vec<(Located<String>, Availability)>,
}

pub(super) fn availability(cx: &mut FileCx<'_>, raw: RawAvailability) -> AvailabilityDoc {
    let at = vec![Seg::Key("availability".into())];
    let mut doc = AvailabilityDoc {
        own: block(cx, &at, &raw),
        by_location: Vec::new(),
    };
    for (id, inner) in raw.by_location.unwrap_or_default() {
        let mut path = at.clone();
        path.extend([Seg::Key("by_location".into()), Seg::Key(id.clone())]);
        if inner.by_location.is_some() {
            let mut nested = path.clone();
            nested.push(Seg::Key("by_location".into()));
            let d = cx
                .finding_at_key(
                    Code::UnknownKey,
                    &nested,
                    format!("`availability.by_location.{id}` cannot hold another `by_location`"),
                )
                .with_hint("write the location's own `new_patient_wait`, `accepting_new_patients`, `telehealth` and `as_of` directly under its id");
            cx.push(d);
        }
        let own = block(cx, &path, &inner);
        doc.by_location.push((cx.key_located(&path, id), own));
    }
    doc
}

/// One block's values, each wrong one a finding at it.
fn block(cx: &mut FileCx<'_>, at: &[Seg], raw: &RawAvailability) -> Availability {
    let path = |k: &str| {
        let mut p = at.to_vec();
        p.push(Seg::Key(k.into()));
        p
    };
    Availability {
        new_patient_wait: raw
            .new_patient_wait
            .as_ref()
            .and_then(|v| wait(cx, &path("new_patient_wait"), v)),
        accepting_new_patients: raw.accepting_new_patients,
        telehealth: raw.telehealth,
        as_of: raw
            .as_of
            .as_ref()
            .and_then(|v| as_of(cx, &path("as_of"), v)),
    }
}

fn wait(cx: &mut FileCx<'_>, path: &[Seg], v: &Value) -> Option<Wait> {
    let shown = crate::content::yaml::path_to_string(path);
    let days = match v {
        Value::String(s) if !s.trim().is_empty() => return Some(Wait::Text(s.trim().to_owned())),
        Value::Number(n) => n.as_u64().filter(|d| (1..=MAX_WAIT_DAYS).contains(d)),
        _ => None,
    };
    if let Some(d) = days.and_then(|d| u32::try_from(d).ok()) {
        return Some(Wait::BusinessDays(d));
    }
    let message = match v {
        Value::Number(_) => format!(
            "`{shown}` must be a whole number of business days from 1 to {MAX_WAIT_DAYS}, found `{}`",
            scalar(v)
        ),
        _ => format!("`{shown}` must be text or a number of business days"),
    };
    let d = cx
        .finding(Code::InvalidValue, path, message)
        .with_hint("write business days as a number (`new_patient_wait: 5`, shown as \"about 5 business days\") or the wait in words (`new_patient_wait: within one week`)");
    cx.push(d);
    None
}

fn as_of(cx: &mut FileCx<'_>, path: &[Seg], v: &Value) -> Option<Located<jiff::civil::Date>> {
    let shown = crate::content::yaml::path_to_string(path);
    let text = scalar(v);
    let why = match values::date(&text) {
        Ok(()) => match text.parse::<jiff::civil::Date>() {
            Ok(date) => {
                let at = cx.located(path, text);
                return Some(Located::new(date, at.offset, at.len));
            }
            Err(e) => e.to_string(),
        },
        Err(why) => why,
    };
    let d = cx
        .finding(
            Code::InvalidValue,
            path,
            format!("`{shown}: {}` is not a date: {why}", text.escape_debug()),
        )
        .with_hint(
            "write the day you last confirmed these as `YYYY-MM-DD`, e.g. `as_of: 2026-03-01`",
        );
    cx.push(d);
    None
}

/// A scalar value as written (a number or a boolean in its YAML spelling);
/// a list or a block as empty text.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}
