//! The types of the site model: what [`super::resolve`] returns and every
//! later stage reads. Plain data; indices (`usize`) point into the vectors
//! of [`Site`], `file` fields into `SourceSet::files`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::content::{
    Address, Audience, Contact, Faq, Geo, Hours, Located, LocationLine, Referring, Urgency,
    VisitType,
};
use crate::phone::Phone;
use crate::source::Section;

/// How many service lines the navigation lists before "All service lines".
pub const NAV_SERVICES: usize = 30;

/// The resolved site: every page with its URL, and the entities pages show.
/// Indices (`usize`) point into the vectors of this struct.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Every page to render, sorted by path.
    pub pages: Vec<Page>,
    /// Sorted by weight, then title.
    pub services: Vec<Service>,
    pub referrals: Vec<Referral>,
    pub locations: Vec<Location>,
    pub physicians: Vec<Physician>,
    /// Flattened checklists by id.
    pub checklists: BTreeMap<String, Checklist>,
    /// The `aliases:` entry of each alias page, by page index, so a finding
    /// about the address can point at the entry that asked for it.
    pub aliases: BTreeMap<usize, AliasEntry>,
    /// "Now" for this build: events past their end leave the upcoming
    /// lists, availability dates turn stale (see [`crate::clock`]).
    pub now: jiff::Timestamp,
}

/// One `aliases:` entry: the source file (an index into `SourceSet::files`)
/// and the value where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasEntry {
    pub file: usize,
    pub at: Located<String>,
}

/// One output page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Root-relative path ending in `/`: `/services/medical-oncology/`.
    pub path: String,
    pub kind: PageKind,
    pub title: String,
    pub description: Option<String>,
    /// The source file whose Markdown body this page shows, and where the body starts.
    pub body: Option<(usize, usize)>,
    pub noindex: bool,
    pub updated: Option<String>,
    /// From Home down to the parent page.
    pub breadcrumbs: Vec<Crumb>,
    /// The page's own link-preview picture (`image:`), a path or an https address.
    pub image: Option<String>,
    /// The page's `extra:` map, for its templates; empty on pages handoff makes.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Crumb {
    pub title: String,
    pub path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    Plain,
    SectionIndex(Section),
    Service(usize),
    Referral(usize),
    Location(usize),
    Physician(usize),
    /// An old URL that redirects to the page at `target` (an index into `pages`).
    Alias {
        target: usize,
    },
    /// `/services/<slug>/refer/`: the referring-physician section.
    Refer(usize),
    /// `/services/<slug>/refer/packet/`: the printable referral packet.
    Packet(usize),
    /// `/refer/`: every service line's referral summary.
    ReferHub,
    /// `/request-appointment/`.
    Appointment,
    /// The page a form submission lands on.
    Thanks(FormKind),
    /// `/services/<slug>/refer/thanks/`: where a referral sent from a
    /// service line's pages lands, with that service's next steps.
    ReferThanks(usize),
    /// `/404.html`, which hosts serve for unknown addresses.
    NotFound,
    /// `/services/<slug>/<location>/`: a service line at one of its
    /// locations, for a service line seen at two or more.
    ServiceLocation {
        service: usize,
        location: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub description: Option<String>,
    pub specialty: Option<String>,
    pub checklist: Option<String>,
    pub locations: Vec<usize>,
    /// Phone and fax already fall back to the organization's. Its
    /// `by_location` is empty: the entries are in [`Service::by_location`].
    pub referring: Referring,
    /// `referring.by_location`, by location index.
    pub by_location: BTreeMap<usize, LocationLine>,
    pub reasons: Vec<usize>,
    pub physicians: Vec<usize>,
    pub weight: i64,
}

impl Service {
    /// `/services/<slug>/refer/`: the referring-physician section.
    pub fn refer_path(&self) -> String {
        format!("{}refer/", self.path)
    }

    /// `/services/<slug>/refer/thanks/`: where its referrals land.
    pub fn thanks_path(&self) -> String {
        format!("{}refer/thanks/", self.path)
    }

    /// Whether the service line has a page per location: it is seen at
    /// two or more, so "which one" is a real question.
    pub fn has_location_pages(&self) -> bool {
        self.locations.len() >= 2
    }

    /// `/services/<slug>/<location>/`, its page at `location`.
    pub fn at_location_path(&self, location: &Location) -> String {
        format!("{}{}/", self.path, location.slug)
    }

    /// The referral line at location `at` (its index and itself), or
    /// anywhere (`None`): number by number, the most specific one that is
    /// written: this service's line at that location
    /// (`referring.by_location`), then the location's own
    /// (`referral_phone`, `referral_fax`), then the service line's, which
    /// already falls back to the organization's. Every page, packet, form
    /// and JSON-LD node that shows a line asks here.
    pub fn line<'a>(&'a self, at: Option<(usize, &'a Location)>) -> Line<'a> {
        let own = at.and_then(|(i, _)| self.by_location.get(&i));
        let place = at.map(|(_, l)| l);
        let pick = |own: Option<&'a Option<Phone>>,
                    place: Option<&'a Option<Phone>>,
                    service: &'a Option<Phone>| {
            own.and_then(Option::as_ref)
                .or_else(|| place.and_then(Option::as_ref))
                .or(service.as_ref())
        };
        Line {
            phone: pick(
                own.map(|o| &o.phone),
                place.map(|l| &l.referral_phone),
                &self.referring.phone,
            ),
            fax: pick(
                own.map(|o| &o.fax),
                place.map(|l| &l.referral_fax),
                &self.referring.fax,
            ),
            contacts: match own {
                Some(o) if !o.contacts.is_empty() => &o.contacts,
                _ => &self.referring.contacts,
            },
        }
    }
}

/// The numbers and people a referring office reaches for one service line
/// at one place ([`Service::line`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line<'a> {
    pub phone: Option<&'a Phone>,
    pub fax: Option<&'a Phone>,
    pub contacts: &'a [Contact],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub description: Option<String>,
    pub service: usize,
    /// Its own checklist, else its service's.
    pub checklist: Option<String>,
    pub urgency: Urgency,
    pub audience: Audience,
    /// The visit the appointment form presets on its page.
    pub visit_type: Option<VisitType>,
    pub criteria: Vec<String>,
    pub exclusions: Vec<String>,
    pub faq: Vec<Faq>,
    pub weight: i64,
    pub file: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub description: Option<String>,
    pub address: Address,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    pub geo: Option<Geo>,
    pub hours: Vec<Hours>,
    /// The location's own referral line, before the service line's.
    pub referral_phone: Option<Phone>,
    pub referral_fax: Option<Phone>,
    pub parking: Option<String>,
    pub access: Option<String>,
    pub services: Vec<usize>,
    pub physicians: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Physician {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub description: Option<String>,
    pub honorific: Option<String>,
    pub credentials: Option<String>,
    pub services: Vec<usize>,
    pub locations: Vec<usize>,
    pub accepting_new_patients: Option<bool>,
    pub photo: Option<String>,
}

/// A checklist with its `extends` chain applied: parent items first, an item
/// with a parent's id replacing it in place.
#[derive(Debug, Clone, PartialEq)]
pub struct Checklist {
    pub id: String,
    pub title: String,
    /// Shared with the checklists that extend it, so a long chain costs a
    /// pointer per inherited item, not a copy.
    pub items: Vec<Arc<ChecklistItem>>,
    /// The file that defined it.
    pub file: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistItem {
    pub id: String,
    pub label: String,
    pub required: bool,
    pub detail: Option<String>,
    /// The checklist file that wrote this item (a parent's, or the
    /// checklist's own when it adds or replaces the item).
    pub file: usize,
}

/// The two pathways of SPEC §7.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FormKind {
    Referral,
    Appointment,
}

impl FormKind {
    pub const ALL: [FormKind; 2] = [FormKind::Referral, FormKind::Appointment];

    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::Referral => "referral",
            FormKind::Appointment => "appointment",
        }
    }

    /// The page a submission lands on when the form's page is about no
    /// one service line.
    pub fn generic_thanks_path(self) -> &'static str {
        match self {
            FormKind::Referral => "/refer/thanks/",
            FormKind::Appointment => "/request-appointment/thanks/",
        }
    }

    /// The page a submission lands on: a referral sent from a service
    /// line's pages lands on that service's thanks page, with its own next
    /// steps; everything else on the form's generic one.
    pub fn thanks_path(self, service: Option<&Service>) -> String {
        match (self, service) {
            (FormKind::Referral, Some(s)) => s.thanks_path(),
            _ => self.generic_thanks_path().to_owned(),
        }
    }
}

/// "Dr. Ana Ruiz, MD, PhD"
pub fn full_name(p: &Physician) -> String {
    let mut name = match &p.honorific {
        Some(h) => format!("{h} {}", p.title),
        None => p.title.clone(),
    };
    if let Some(c) = &p.credentials {
        name.push_str(", ");
        name.push_str(c);
    }
    name
}
