//! Front matter of Markdown pages: raw YAML → validated documents.
//!
//! Each kind of page declares its keys once, as a struct in its own module
//! (`page` for the keys of every page, then `service`, `referral`,
//! `location`, `physician`). A page's YAML is read in one pass into
//! [`RawFrontMatter`], which holds the keys of every kind, so that a key of
//! another kind is still checked and can be reported as belonging there
//! (SPEC §4); an unknown key gets a "did you mean" hint from the keys
//! allowed where it stands. Values keep their positions for later stages.

mod location;
mod page;
mod physician;
mod referral;
mod service;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

pub use location::{Address, DAYS, Geo, Hours, LocationDoc};
pub use page::{Common, PageDoc};
pub use physician::PhysicianDoc;
pub use referral::{Audience, Faq, ReferralDoc, Urgency, VisitType};
pub use service::{Contact, Referring, SPECIALTIES, ServiceDoc, Update};

use super::findings::{FileCx, key};
use super::keys::{Key, Keys, keys_of};
use super::yaml;
use super::{Document, Split, split_front_matter};
use crate::diag::{Code, Diagnostics};
use crate::source::SourceFile;
use location::LocationKeys;
use page::CommonKeys;
use physician::PhysicianKeys;
use referral::ReferralKeys;
use service::ServiceKeys;

/// Which content model a page follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Service,
    Referral,
    Location,
    Physician,
}

impl Kind {
    /// The kinds with keys of their own, in the order hints name them.
    const WITH_KEYS: [Kind; 4] = [
        Kind::Service,
        Kind::Referral,
        Kind::Location,
        Kind::Physician,
    ];

    /// The keys of this kind besides those of every page.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Plain => &[],
            Kind::Service => ServiceKeys::KEYS,
            Kind::Referral => ReferralKeys::KEYS,
            Kind::Location => LocationKeys::KEYS,
            Kind::Physician => PhysicianKeys::KEYS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Plain => "plain pages",
            Kind::Service => "service lines",
            Kind::Referral => "referral reasons",
            Kind::Location => "locations",
            Kind::Physician => "physicians",
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
            })
            .collect()
    }
}

/// Reads [`RawFrontMatter`] for a page of one kind.
struct FrontMatterOf(Kind);

impl<'de> DeserializeSeed<'de> for FrontMatterOf {
    type Value = RawFrontMatter;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawFrontMatter, D::Error> {
        d.deserialize_struct("FrontMatter", &[], self)
    }
}

impl<'de> Visitor<'de> for FrontMatterOf {
    type Value = RawFrontMatter;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `yaml` turns "expected struct …" into words a writer knows.
        f.write_str("struct FrontMatter")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFrontMatter, A::Error> {
        let mut raw = RawFrontMatter::default();
        let mut seen = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            if !raw.read(self.0, &key, &mut map, &mut seen)? {
                // No kind has it: skipping it reports its path.
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(raw)
    }
}

/// A parsed page, before it is wrapped into a [`Document`].
pub enum Parsed {
    Plain(PageDoc),
    Service(ServiceDoc),
    Referral(ReferralDoc),
    Location(LocationDoc),
    Physician(PhysicianDoc),
}

impl Parsed {
    pub fn into_page(self) -> PageDoc {
        match self {
            Parsed::Plain(p) => p,
            Parsed::Service(d) => d.page,
            Parsed::Referral(d) => d.page,
            Parsed::Location(d) => d.page,
            Parsed::Physician(d) => d.page,
        }
    }

    pub fn into_document(self) -> Document {
        match self {
            Parsed::Plain(p) => Document::Page(p),
            Parsed::Service(d) => Document::Service(d),
            Parsed::Referral(d) => Document::Referral(d),
            Parsed::Location(d) => Document::Location(d),
            Parsed::Physician(d) => Document::Physician(d),
        }
    }
}

/// Parses one Markdown page of the given kind.
pub fn parse_page(index: usize, file: &SourceFile, kind: Kind) -> Result<Parsed, Diagnostics> {
    let text = &file.text;
    let split: Split =
        split_front_matter(text).map_err(|d| Diagnostics::from(d.in_file(file.rel.clone())))?;
    let yaml_text = &text[split.yaml_start..split.yaml_end];
    let mut cx = FileCx::new(file, split.yaml_start, yaml_text);
    let parsed = yaml::parse_seed(yaml_text, FrontMatterOf(kind))
        .map_err(|e| Diagnostics::from(cx.yaml_error(&e)))?;
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
    };
    if cx.diags.has_errors() {
        Err(cx.diags)
    } else {
        Ok(result)
    }
}

/// Reports keys no page has, and keys of another kind of page.
fn check_keys(cx: &mut FileCx<'_>, kind: Kind, unknown: &[Vec<yaml::Seg>], raw: &RawFrontMatter) {
    let mut allowed: Vec<&str> = CommonKeys::KEYS.to_vec();
    allowed.extend(kind.keys());
    cx.unknown_keys(unknown, &allowed, block_keys);
    for name in raw.of_other_kinds(kind) {
        let d = cx
            .finding_at_key(
                Code::UnknownKey,
                &key(name),
                format!("`{name}` is not used on {}", kind.name()),
            )
            .with_hint(owner_hint(name));
        cx.push(d);
    }
}

fn owner_hint(key: &str) -> String {
    let owners: Vec<&str> = Kind::WITH_KEYS
        .into_iter()
        .filter(|k| k.keys().contains(&key))
        .map(Kind::name)
        .collect();
    format!(
        "`{key}` belongs on {}; remove it here or move the file",
        owners.join(" and ")
    )
}
