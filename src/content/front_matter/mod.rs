//! Front matter of Markdown pages: raw YAML → validated documents.
//!
//! Each kind of page declares its keys once, as a struct in its own module
//! (`page` for the keys of every page, then `service`, `referral`,
//! `location`, `physician`, `event`, `trial`). A page's YAML is read in one pass into
//! [`RawFrontMatter`], which holds the keys of every kind, so that a key of
//! another kind is still checked and can be reported as belonging there
//! (SPEC §4); an unknown key gets a "did you mean" hint from the keys
//! allowed where it stands. Values keep their positions for later stages.

mod availability;
mod event;
mod location;
mod page;
mod physician;
mod referral;
mod service;
#[cfg(test)]
mod tests;
mod trial;

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

pub use availability::{Availability, AvailabilityDoc, Wait};
pub use event::{EventDoc, LocalTime, parse_time};
pub use location::{Address, DAYS, Geo, Hours, LocationDoc};
pub use page::{Common, PageDoc};
pub use physician::PhysicianDoc;
pub use referral::{Audience, Faq, ReferralDoc, Urgency, VisitType};
pub use service::{Contact, LocationLine, Referring, SPECIALTIES, ServiceDoc, Update};
pub use trial::{Eligibility, PHASES, TrialDoc, TrialStatus, is_nct_id};

use super::findings::{FileCx, key};
use super::keys::{Key, Keys, keys_of};
use super::yaml;
use super::{Document, Split, split_front_matter, wrong_value};
use crate::diag::{Code, Diagnostics, closest};
use crate::source::SourceFile;
use event::EventKeys;
use location::LocationKeys;
use page::CommonKeys;
use physician::PhysicianKeys;
use referral::ReferralKeys;
use service::ServiceKeys;
use trial::TrialKeys;

/// Which content model a page follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Service,
    Referral,
    Location,
    Physician,
    Event,
    Trial,
}

impl Kind {
    /// The kinds with keys of their own, in the order hints name them.
    const WITH_KEYS: [Kind; 6] = [
        Kind::Service,
        Kind::Referral,
        Kind::Location,
        Kind::Physician,
        Kind::Event,
        Kind::Trial,
    ];

    /// The keys of this kind besides those of every page.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Plain => &[],
            Kind::Service => ServiceKeys::KEYS,
            Kind::Referral => ReferralKeys::KEYS,
            Kind::Location => LocationKeys::KEYS,
            Kind::Physician => PhysicianKeys::KEYS,
            Kind::Event => EventKeys::KEYS,
            Kind::Trial => TrialKeys::KEYS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Plain => "plain pages",
            Kind::Service => "service lines",
            Kind::Referral => "referral reasons",
            Kind::Location => "locations",
            Kind::Physician => "physicians",
            Kind::Event => "events",
            Kind::Trial => "clinical trials",
        }
    }
}

/// The keys of a block inside front matter, by the key that holds it.
fn block_keys(parent: &str) -> &'static [&'static str] {
    match parent {
        "referring" => keys_of::<service::RawReferring>(),
        "contacts" => keys_of::<service::RawContact>(),
        "updates" => keys_of::<service::RawUpdate>(),
        "faq" => keys_of::<referral::RawFaq>(),
        "address" => keys_of::<Address>(),
        "geo" => keys_of::<Geo>(),
        "hours" => keys_of::<location::RawHours>(),
        "availability" => keys_of::<availability::RawAvailability>(),
        "contact" => keys_of::<service::RawContact>(),
        "by_location" => keys_of::<service::RawLine>(),
        _ => &[],
    }
}

/// Every key a page may have, each read into the keys of the kind that
/// declares it. A key two kinds share (`checklist`, `locations`) is read as
/// the page's own kind's when its kind has it.
#[derive(Debug, Default)]
struct RawFrontMatter {
    common: CommonKeys,
    service: ServiceKeys,
    referral: ReferralKeys,
    location: LocationKeys,
    physician: PhysicianKeys,
    event: EventKeys,
    trial: TrialKeys,
}

impl RawFrontMatter {
    /// Reads the value of `key` if some kind of page has that key.
    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        own: Kind,
        key: &str,
        map: &mut A,
        seen: &mut Vec<&'static str>,
    ) -> Result<bool, A::Error> {
        if self.common.read(key, map, seen)? || self.read_kind(own, key, map, seen)? {
            return Ok(true);
        }
        for kind in Kind::WITH_KEYS {
            if self.read_kind(kind, key, map, seen)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn read_kind<'de, A: MapAccess<'de>>(
        &mut self,
        kind: Kind,
        key: &str,
        map: &mut A,
        seen: &mut Vec<&'static str>,
    ) -> Result<bool, A::Error> {
        match kind {
            Kind::Plain => Ok(false),
            Kind::Service => self.service.read(key, map, seen),
            Kind::Referral => self.referral.read(key, map, seen),
            Kind::Location => self.location.read(key, map, seen),
            Kind::Physician => self.physician.read(key, map, seen),
            Kind::Event => self.event.read(key, map, seen),
            Kind::Trial => self.trial.read(key, map, seen),
        }
    }

    /// The keys with a value that were read as another kind's than `own`.
    fn of_other_kinds(&self, own: Kind) -> Vec<&'static str> {
        Kind::WITH_KEYS
            .into_iter()
            .filter(|&kind| kind != own)
            .flat_map(|kind| match kind {
                Kind::Plain => Vec::new(),
                Kind::Service => self.service.set(),
                Kind::Referral => self.referral.set(),
                Kind::Location => self.location.set(),
                Kind::Physician => self.physician.set(),
                Kind::Event => self.event.set(),
                Kind::Trial => self.trial.set(),
            })
            .collect()
    }
}

/// Reads [`RawFrontMatter`] for a page of one kind, passing over the keys
/// in `skip` (their values were of the wrong kind in an earlier reading).
/// `failed` names the key whose value was being read when reading stopped.
struct FrontMatterOf<'a> {
    kind: Kind,
    skip: &'a [String],
    failed: &'a mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for FrontMatterOf<'_> {
    type Value = RawFrontMatter;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawFrontMatter, D::Error> {
        d.deserialize_struct("FrontMatter", &[], self)
    }
}

impl<'de> Visitor<'de> for FrontMatterOf<'_> {
    type Value = RawFrontMatter;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `yaml` turns "expected struct …" into words a writer knows.
        f.write_str("struct FrontMatter")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFrontMatter, A::Error> {
        let mut raw = RawFrontMatter::default();
        let mut seen = Vec::new();
        let mut written: Vec<String> = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            // Refused here, before the value is read: a second `title:` is
            // about the YAML, not about a value of the wrong kind.
            if written.iter().any(|k| *k == key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate field `{key}`"
                )));
            }
            written.push(key.clone().into_owned());
            if self.skip.iter().any(|k| *k == key) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            *self.failed = Some(key.clone().into_owned());
            if !raw.read(self.kind, &key, &mut map, &mut seen)? {
                // No kind has it: skipping it reports its path.
                map.next_value::<IgnoredAny>()?;
            }
            *self.failed = None;
        }
        Ok(raw)
    }
}

/// The front matter with every value of the wrong kind left out, and a
/// finding for each: a writer sees them all in one run, not one per run.
fn read_front_matter(
    cx: &mut FileCx<'_>,
    yaml_text: &str,
    kind: Kind,
) -> Result<yaml::Parsed<RawFrontMatter>, yaml::YamlError> {
    let mut skip: Vec<String> = Vec::new();
    // Kept until the whole document parses: a value read as "wrong" just
    // before a syntax error (`weight: [1`) is only that error.
    let mut wrong = Vec::new();
    loop {
        let mut failed = None;
        let seed = FrontMatterOf {
            kind,
            skip: &skip,
            failed: &mut failed,
        };
        match yaml::parse_seed(yaml_text, seed) {
            Ok(mut parsed) => {
                // Left out on purpose, so not unknown.
                parsed.unknown_keys.retain(
                    |path| !matches!(path.first(), Some(yaml::Seg::Key(k)) if skip.contains(k)),
                );
                for d in wrong {
                    cx.push(d);
                }
                cx.unreadable.extend(skip);
                return Ok(parsed);
            }
            // Each round leaves out one more key, so this ends.
            Err(e) => match failed {
                Some(key) if wrong_value::is_wrong_value(&e) && !skip.contains(&key) => {
                    wrong.push(wrong_value::finding(cx, &key, &e));
                    skip.push(key);
                }
                _ => return Err(e),
            },
        }
    }
}

/// A parsed page, before it is wrapped into a [`Document`].
pub enum Parsed {
    Plain(PageDoc),
    Service(ServiceDoc),
    Referral(ReferralDoc),
    Location(LocationDoc),
    Physician(PhysicianDoc),
    Event(EventDoc),
    Trial(TrialDoc),
}

impl Parsed {
    pub fn into_page(self) -> PageDoc {
        match self {
            Parsed::Plain(p) => p,
            Parsed::Service(d) => d.page,
            Parsed::Referral(d) => d.page,
            Parsed::Location(d) => d.page,
            Parsed::Physician(d) => d.page,
            Parsed::Event(d) => d.page,
            Parsed::Trial(d) => d.page,
        }
    }

    pub fn into_document(self) -> Document {
        match self {
            Parsed::Plain(p) => Document::Page(p),
            Parsed::Service(d) => Document::Service(d),
            Parsed::Referral(d) => Document::Referral(d),
            Parsed::Location(d) => Document::Location(d),
            Parsed::Physician(d) => Document::Physician(d),
            Parsed::Event(d) => Document::Event(d),
            Parsed::Trial(d) => Document::Trial(d),
        }
    }
}

/// Parses one Markdown page of the given kind.
pub fn parse_page(index: usize, file: &SourceFile, kind: Kind) -> Result<Parsed, Diagnostics> {
    match read_page(index, file, kind) {
        (Some(parsed), diags) if !diags.has_errors() => Ok(parsed),
        (_, diags) => Err(diags),
    }
}

/// Reads one Markdown page of the given kind with all its findings. A page
/// whose values are wrong but whose YAML reads is still a page (the wrong
/// values left at their defaults), so that references to and from it can
/// be checked in the same run.
pub fn read_page(index: usize, file: &SourceFile, kind: Kind) -> (Option<Parsed>, Diagnostics) {
    match read_page_or_stop(index, file, kind) {
        Ok((parsed, diags)) => (Some(parsed), diags),
        Err(diags) => (None, diags),
    }
}

fn read_page_or_stop(
    index: usize,
    file: &SourceFile,
    kind: Kind,
) -> Result<(Parsed, Diagnostics), Diagnostics> {
    let text = &file.text;
    let split: Split =
        split_front_matter(text).map_err(|d| Diagnostics::from(d.in_file(file.rel.clone())))?;
    let yaml_text = &text[split.yaml_start..split.yaml_end];
    let mut cx = FileCx::new(file, split.yaml_start, yaml_text);
    let parsed = match read_front_matter(&mut cx, yaml_text, kind) {
        Ok(parsed) => parsed,
        Err(e) => return Err(Diagnostics::from(cx.yaml_error(&e))),
    };
    let raw = parsed.value;
    check_keys(&mut cx, kind, &parsed.unknown_keys, &raw);

    let page = PageDoc {
        file: index,
        common: page::common(&mut cx, raw.common),
        body_start: split.body_start,
    };
    let result = match kind {
        Kind::Plain => Parsed::Plain(page),
        Kind::Service => Parsed::Service(service::service(&mut cx, raw.service, page)),
        Kind::Referral => match referral::referral(&mut cx, raw.referral, page) {
            Some(r) => Parsed::Referral(r),
            None => return Err(cx.diags),
        },
        Kind::Location => Parsed::Location(location::location(&mut cx, raw.location, page)),
        Kind::Physician => Parsed::Physician(physician::physician(&mut cx, raw.physician, page)),
        Kind::Event => Parsed::Event(event::event(&mut cx, raw.event, page)),
        Kind::Trial => Parsed::Trial(trial::trial(&mut cx, raw.trial, page)),
    };
    Ok((result, cx.diags))
}

/// Reports keys no page has, and keys of another kind of page.
fn check_keys(cx: &mut FileCx<'_>, kind: Kind, unknown: &[Vec<yaml::Seg>], raw: &RawFrontMatter) {
    let mut allowed: Vec<&str> = CommonKeys::KEYS.to_vec();
    allowed.extend(kind.keys());
    cx.unknown_keys(unknown, &allowed, block_keys);
    // `titel:` is the page's title, misspelt: its finding says so.
    for path in unknown {
        if let [yaml::Seg::Key(k)] = path.as_slice()
            && let Some(meant) = closest(k, allowed.iter().copied())
        {
            cx.unreadable.push(meant.to_owned());
        }
    }
    for name in raw.of_other_kinds(kind) {
        let d = cx
            .finding_at_key(
                Code::UnknownKey,
                &key(name),
                format!("`{name}` is not used on {}", kind.name()),
            )
            .with_hint(owner_hint(name, &allowed));
        cx.push(d);
    }
}

fn owner_hint(key: &str, allowed: &[&str]) -> String {
    let owners: Vec<&str> = Kind::WITH_KEYS
        .into_iter()
        .filter(|k| k.keys().contains(&key))
        .map(Kind::name)
        .collect();
    // "physicians, events and clinical trials"
    let owners = match owners.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => owners.join(""),
    };
    // `location:` on a service line is its `locations:` with an `s` lost,
    // more likely than an event's key in the wrong file.
    let plural = format!("{key}s");
    match allowed.iter().find(|k| **k == plural) {
        Some(meant) => format!("did you mean `{meant}`? (`{key}` belongs on {owners})"),
        None => format!("`{key}` belongs on {owners}; remove it here or move the file"),
    }
}
