//! The types of the site model: what [`super::resolve`] returns and every
//! later stage reads. Plain data; indices (`usize`) point into the vectors
//! of [`Site`], `file` fields into `SourceSet::files`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::content::{Address, Audience, Faq, Geo, Hours, Located, Referring, Urgency, VisitType};
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
    /// Which page of its index this is, on an index page whose entries do
    /// not fit on one (`[build] page_size`); none on every other page.
    pub pager: Option<Pager>,
}

/// Page `number` (from 1) of the `count` pages of one index, each listing
/// `size` entries in the index's order. Page 1 is at the index's own
/// address (`first`), the others under it at `page/<n>/`, as Zola's and
/// Hugo's paginators write them.
#[derive(Debug, Clone, PartialEq)]
pub struct Pager {
    pub number: usize,
    pub count: usize,
    pub size: usize,
    pub first: String,
}

impl Pager {
    /// The address of page `number` of this index.
    pub fn path(&self, number: usize) -> String {
        if number <= 1 {
            self.first.clone()
        } else {
            format!("{}page/{number}/", self.first)
        }
    }

    /// The entries this page lists, of `len` in the index's order.
    pub fn range(&self, len: usize) -> std::ops::Range<usize> {
        let start = ((self.number - 1) * self.size).min(len);
        start..(start + self.size).min(len)
    }
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
    /// Phone and fax already fall back to the organization's.
    pub referring: Referring,
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
