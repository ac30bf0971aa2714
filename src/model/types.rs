//! The types of the site model: what [`super::resolve`] returns and every
//! later stage reads. Plain data; indices (`usize`) point into the vectors
//! of [`Site`], `file` fields into `SourceSet::files`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::content::{
    Address, Audience, Availability, Contact, Eligibility, Faq, Geo, Hours, LocalTime, Located,
    LocationLine, Referring, TrialStatus, Urgency, VisitType,
};
use crate::phone::{Numbers, Phone};
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
    /// Education events, by start (then slug).
    pub events: Vec<Event>,
    /// `[[organization.liaisons]]`, their service lines resolved.
    pub liaisons: Vec<Liaison>,
    /// Clinical trials: recruiting first, then by weight and title.
    pub trials: Vec<Trial>,
    /// Every number the site publishes ([`Site::published_numbers`]),
    /// gathered once: text that types one links it, and looking through
    /// every service line for each such text made a build quadratic.
    pub numbers: Numbers,
}

impl Site {
    /// The numbers a site publishes: the organization's, the locations'
    /// (front desk and referral line) and every service line's referral
    /// lines, everywhere and at each location.
    pub fn published_numbers(
        config: &Config,
        locations: &[Location],
        services: &[Service],
    ) -> Numbers {
        let locations = locations
            .iter()
            .flat_map(|l| l.phone.iter().chain(l.referral_phone.iter()));
        let lines = services.iter().flat_map(|s| {
            let here = s.by_location.values().filter_map(|l| l.phone.as_ref());
            s.referring.phone.iter().chain(here)
        });
        Numbers::new(
            config
                .organization
                .phone
                .iter()
                .chain(locations)
                .chain(lines),
        )
    }

    /// The events that have not ended at [`Site::now`], soonest first: the
    /// list `/events/` (and any page that promotes events) shows.
    pub fn upcoming_events(&self) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(|e| e.is_upcoming(self.now))
    }

    /// The events that have ended, most recent first. Their pages stay.
    pub fn past_events(&self) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .rev()
            .filter(|e| !e.is_upcoming(self.now))
    }

    /// The site has a page for forms of `kind`: the updates sign-up lives
    /// on the partner program's page, which a site without one lacks.
    pub fn offers(&self, kind: FormKind) -> bool {
        match kind {
            FormKind::Referral | FormKind::Appointment => true,
            FormKind::Updates => self.pages.iter().any(|p| p.kind == PageKind::Partners),
        }
    }

    /// The liaisons who look after the referring offices of service line
    /// `service`, in site.toml's order.
    pub fn liaisons_of(&self, service: usize) -> impl Iterator<Item = &Liaison> {
        self.liaisons
            .iter()
            .filter(move |l| l.services.contains(&service))
    }
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
    pub breadcrumbs: Arc<[Crumb]>,
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

#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// `/events/<slug>/`.
    Event(usize),
    /// `/insurance/`: the plans the practice accepts and self-pay, made
    /// when `[organization]` has `insurance` or `self_pay`.
    Insurance,
    /// `/partners/`: the referral-partner program, its liaisons and the
    /// updates sign-up.
    Partners,
    /// `/trials/<slug>/`: a clinical trial, with the form that asks its team.
    Trial(usize),
    /// `/trials/<slug>/thanks/`: where a question about that trial lands,
    /// naming the trial's contact.
    TrialThanks(usize),
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
    /// What the service line says about seeing new patients, if anything.
    pub availability: Option<Availability>,
    /// At some of its locations (by location index), each key it leaves
    /// out already taken from [`Service::availability`].
    pub availability_by_location: Vec<(usize, Availability)>,
    /// Its clinical trials, in the site's order (recruiting first).
    pub trials: Vec<usize>,
}

impl Service {
    /// Availability at location `l`: its own block, else the service
    /// line's.
    pub fn availability_at(&self, l: usize) -> Option<&Availability> {
        self.availability_by_location
            .iter()
            .find(|(at, _)| *at == l)
            .map(|(_, a)| a)
            .or(self.availability.as_ref())
    }

    /// The link to its page in a breadcrumb trail.
    pub fn crumb(&self) -> Crumb {
        Crumb {
            title: self.title.clone(),
            path: self.path.clone(),
        }
    }

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
    pub criteria: Arc<[String]>,
    pub exclusions: Arc<[String]>,
    pub faq: Arc<[Faq]>,
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

/// An education event for referring offices (`content/events/<slug>.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub description: Option<String>,
    pub starts: LocalTime,
    pub ends: LocalTime,
    /// Where it is held, if in person.
    pub location: Option<usize>,
    /// The `https://` address of the online session, if online.
    pub online: Option<String>,
    pub audience: Option<String>,
    pub credits: Option<String>,
    pub registration: Option<String>,
    pub services: Vec<usize>,
    /// The source file, for findings about the event.
    pub file: usize,
}

impl Event {
    /// Upcoming until it ends: a session under way is still listed.
    pub fn is_upcoming(&self, now: jiff::Timestamp) -> bool {
        self.ends.instant > now
    }

    /// `/events/<slug>.ics`: the event as a calendar file.
    pub fn ics_path(&self) -> String {
        format!("/events/{}.ics", self.slug)
    }
}

/// A clinical trial (`content/trials/<slug>.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub description: Option<String>,
    /// `NCT` and 8 digits.
    pub nct_id: Option<String>,
    /// As ClinicalTrials.gov writes it: "Phase 2".
    pub phase: Option<&'static str>,
    pub status: Option<TrialStatus>,
    pub services: Vec<usize>,
    pub locations: Vec<usize>,
    pub eligibility: Option<Eligibility>,
    pub contact: Option<Contact>,
    pub weight: i64,
    /// The file it was written in.
    pub file: usize,
}

impl Trial {
    /// Open to new participants: listed first, and on its services' pages.
    pub fn recruiting(&self) -> bool {
        self.status == Some(TrialStatus::Recruiting)
    }

    /// Whether its page asks the team: a trial that recruits, or will;
    /// one that no longer takes participants points to the others.
    pub fn takes_questions(&self) -> bool {
        !matches!(
            self.status,
            Some(TrialStatus::ActiveNotRecruiting | TrialStatus::Completed)
        )
    }

    /// `/trials/<slug>/thanks/`: where a question about it lands.
    pub fn thanks_path(&self) -> String {
        format!("{}thanks/", self.path)
    }

    /// Its public record on ClinicalTrials.gov.
    pub fn registry_url(&self) -> Option<String> {
        self.nct_id
            .as_ref()
            .map(|id| format!("https://clinicaltrials.gov/study/{id}"))
    }
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
    /// The updates sign-up of `/partners/`: a referring office's contact
    /// details and the service lines it wants news of; never patient data.
    Updates,
}

impl FormKind {
    pub const ALL: [FormKind; 3] = [FormKind::Referral, FormKind::Appointment, FormKind::Updates];

    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::Referral => "referral",
            FormKind::Appointment => "appointment",
            FormKind::Updates => "updates",
        }
    }

    /// Forms of this kind never carry patient data, whatever the backend
    /// and `phi_ok` say.
    pub fn contact_only(self) -> bool {
        matches!(self, FormKind::Updates)
    }

    /// The page a submission lands on when the form's page is about no
    /// one service line.
    pub fn generic_thanks_path(self) -> &'static str {
        match self {
            FormKind::Referral => "/refer/thanks/",
            FormKind::Appointment => "/request-appointment/thanks/",
            FormKind::Updates => "/partners/thanks/",
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

/// A physician liaison (`[[organization.liaisons]]`): a named person who
/// looks after referring offices, for a territory or some service lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Liaison {
    pub name: String,
    pub role: Option<String>,
    pub territory: Option<String>,
    /// Indices into `Site::services`.
    pub services: Vec<usize>,
    pub phone: Option<Phone>,
    pub email: Option<String>,
    /// A path on the site or an https address.
    pub photo: Option<String>,
}

/// The referral-partner program's page, and where its sign-up lands.
pub const PARTNERS_PATH: &str = "/partners/";

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
