//! What a page read of the site while its context was built.
//!
//! A page's context reaches services, referral reasons, physicians and
//! checklists only through a [`Reader`], which notes each one it hands out.
//! The notes ([`Reads`]) are kept by `serve`: after an edit it renders a page
//! again only when something the page read has changed ([`Changed`]), so the
//! list of what each page kind depends on is never written by hand.
//!
//! Four things pages read are not noted, because `serve` compares them
//! whole and renders every page again when one differs: site.toml
//! (`config`), the locations (every footer lists them), the clinical
//! trials (a handful, shown on their services' pages) and the pages'
//! addresses and kinds. `forms::spec` reads the site directly; what a form
//! reads is noted by [`Reader::for_form`].

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::config::Config;
use crate::forms::Placement;
use crate::model::{
    Checklist, Event, Liaison, Location, Page, Physician, Referral, Service, Site, Trial,
};
use crate::phone::{self, Numbers};

/// One thing of the site a page read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Entity {
    Service(usize),
    Referral(usize),
    Physician(usize),
    /// A checklist, by the source file that defines it.
    Checklist(usize),
    /// The whole list (an index page, the hub, a form's choices).
    AllServices,
    AllReferrals,
    AllPhysicians,
    /// Every service line's referral line, the numbers text may type
    /// ([`Reader::numbers_in`]).
    ReferralLines,
    Event(usize),
    AllEvents,
    /// How many reasons each service line has: where a page of the
    /// paginated reasons index starts and ends ([`Reader::reason_counts`]).
    ReasonCounts,
}

/// The site as one page's context sees it: each entity it hands out is noted.
pub struct Reader<'a> {
    site: &'a Site,
    read: Vec<Entity>,
}

impl<'a> Reader<'a> {
    pub fn new(site: &'a Site) -> Self {
        Reader {
            site,
            read: Vec::new(),
        }
    }

    /// site.toml's settings (compared whole, not noted).
    pub fn config(&self) -> &'a Config {
        &self.site.config
    }

    /// The liaisons: site.toml's (compared whole, not noted); the service
    /// lines they cover are read through [`Reader::service`].
    pub fn liaisons(&self) -> &'a [Liaison] {
        &self.site.liaisons
    }

    /// The liaisons who cover service line `service`, in site.toml's order.
    pub fn liaisons_of(&self, service: usize) -> Vec<&'a Liaison> {
        self.site.liaisons_of(service).collect()
    }

    /// Every location (compared whole, not noted).
    pub fn locations(&self) -> &'a [Location] {
        &self.site.locations
    }

    pub fn location(&self, i: usize) -> &'a Location {
        &self.site.locations[i]
    }

    /// The build's "now" (fixed for a `serve` session, not noted).
    pub fn now(&self) -> jiff::Timestamp {
        self.site.now
    }
    /// Every clinical trial (compared whole, not noted).
    pub fn trials(&self) -> &'a [Trial] {
        &self.site.trials
    }

    pub fn trial(&self, i: usize) -> &'a Trial {
        &self.site.trials[i]
    }

    /// A page, for its address (compared whole, not noted).
    pub fn page(&self, k: usize) -> &'a Page {
        &self.site.pages[k]
    }

    pub fn service(&mut self, i: usize) -> &'a Service {
        self.read.push(Entity::Service(i));
        &self.site.services[i]
    }

    /// The service line `slug` names, noted; when there is none, the whole
    /// list is noted, since adding that line changes what was read.
    pub fn service_named(&mut self, slug: &str) -> Option<&'a Service> {
        match self.site.services.iter().position(|s| s.slug == slug) {
            Some(i) => Some(self.service(i)),
            None => {
                self.services();
                None
            }
        }
    }

    pub fn services(&mut self) -> &'a [Service] {
        self.read.push(Entity::AllServices);
        &self.site.services
    }

    /// How many service lines, referral reasons and physicians there are:
    /// not noted, since a change in a count changes the site's shape and
    /// `serve` then renders every page. A page of a paginated index reads
    /// the count and then only the entries it lists.
    pub fn counts(&self) -> (usize, usize, usize) {
        let s = self.site;
        (s.services.len(), s.referrals.len(), s.physicians.len())
    }

    /// How many reasons each service line has, in the services' order.
    pub fn reason_counts(&mut self) -> Vec<usize> {
        self.read.push(Entity::ReasonCounts);
        self.site.services.iter().map(|s| s.reasons.len()).collect()
    }

    pub fn referral(&mut self, i: usize) -> &'a Referral {
        self.read.push(Entity::Referral(i));
        &self.site.referrals[i]
    }

    pub fn referrals(&mut self) -> &'a [Referral] {
        self.read.push(Entity::AllReferrals);
        &self.site.referrals
    }

    pub fn physician(&mut self, i: usize) -> &'a Physician {
        self.read.push(Entity::Physician(i));
        &self.site.physicians[i]
    }

    pub fn physicians(&mut self) -> &'a [Physician] {
        self.read.push(Entity::AllPhysicians);
        &self.site.physicians
    }

    pub fn event(&mut self, i: usize) -> &'a Event {
        self.read.push(Entity::Event(i));
        &self.site.events[i]
    }

    /// The events that have not ended, soonest first ([`Site::upcoming_events`]).
    pub fn upcoming_events(&mut self) -> Vec<&'a Event> {
        self.read.push(Entity::AllEvents);
        self.site.upcoming_events().collect()
    }

    /// The events that have ended, most recent first ([`Site::past_events`]).
    pub fn past_events(&mut self) -> Vec<&'a Event> {
        self.read.push(Entity::AllEvents);
        self.site.past_events().collect()
    }

    /// The site's published phone numbers ([`Site::numbers`]), to link
    /// where `text` types one. Text that types no number reads nothing;
    /// text that does reads the referral lines, not the whole service lines.
    pub fn numbers_in(&mut self, text: &str) -> &'a Numbers {
        if phone::find_numbers(text).is_empty() {
            return Numbers::none();
        }
        self.read.push(Entity::ReferralLines);
        &self.site.numbers
    }

    /// `text` as HTML, each published number it types a `tel:` link in
    /// its display form.
    pub fn link_numbers(&mut self, text: &str) -> String {
        let numbers = self.numbers_in(text);
        let mut html = String::new();
        let mut from = 0;
        for (range, phone) in numbers.find_in(text) {
            html.push_str(&crate::escape::html(&text[from..range.start]));
            html.push_str(&format!(
                "<a class=\"tel\" href=\"{}\">{}</a>",
                phone.tel, phone.display
            ));
            from = range.end;
        }
        html.push_str(&crate::escape::html(&text[from..]));
        html
    }

    /// The checklist with this id; a missing one is nothing to note, as
    /// adding a checklist file rebuilds the whole site.
    pub fn checklist(&mut self, id: &str) -> Option<&'a Checklist> {
        let c = self.site.checklists.get(id)?;
        self.read.push(Entity::Checklist(c.file));
        Some(c)
    }

    /// The site for `forms::spec` at `at`, noting what a form reads there:
    /// with a known service line, the line, its reasons (the reason
    /// choices) and the checklist of the reason or the line; without one,
    /// every line and every reason (the choices of both).
    pub fn for_form(&mut self, at: &Placement<'_>) -> &'a Site {
        match at.service {
            Some(s) => {
                let service = self.service(s);
                for &r in &service.reasons {
                    self.referral(r);
                }
                if let Some(id) = &service.checklist {
                    self.checklist(id);
                }
            }
            None => {
                self.services();
                self.referrals();
            }
        }
        if let Some(r) = at.reason
            && let Some(id) = &self.referral(r).checklist
        {
            self.checklist(id);
        }
        self.site
    }

    /// What was read, each thing once.
    pub fn into_reads(mut self) -> Reads {
        self.read.sort_unstable();
        self.read.dedup();
        self.read.shrink_to_fit();
        Reads(self.read)
    }
}

/// What one page read (see [`Reader`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads(Vec<Entity>);

impl Reads {
    /// Whether the page read something that changed.
    pub fn touches(&self, changed: &Changed) -> bool {
        self.0.iter().any(|e| match *e {
            Entity::Service(i) => changed.services.contains(&i),
            Entity::Referral(i) => changed.referrals.contains(&i),
            Entity::Physician(i) => changed.physicians.contains(&i),
            Entity::Checklist(file) => changed.checklists.contains(&file),
            Entity::AllServices => !changed.services.is_empty(),
            Entity::AllReferrals => !changed.referrals.is_empty(),
            Entity::AllPhysicians => !changed.physicians.is_empty(),
            Entity::ReferralLines => changed.referral_lines,
            Entity::Event(i) => changed.events.contains(&i),
            Entity::AllEvents => !changed.events.is_empty(),
            Entity::ReasonCounts => changed.reason_counts,
        })
    }
}

/// The entities that differ between two resolutions of one site whose
/// lists have the same lengths and whose checklists have the same ids.
#[derive(Debug, Default)]
pub struct Changed {
    services: BTreeSet<usize>,
    referrals: BTreeSet<usize>,
    physicians: BTreeSet<usize>,
    /// By the file that defines the checklist, in either site.
    checklists: BTreeSet<usize>,
    /// The numbers the site publishes changed: a referral line was added,
    /// dropped or replaced (anywhere or at a location).
    referral_lines: bool,
    events: BTreeSet<usize>,
    /// A service line has more or fewer reasons than before.
    reason_counts: bool,
}

impl Changed {
    pub fn between(old: &Site, new: &Site) -> Changed {
        Changed {
            services: differing(&old.services, &new.services),
            referrals: differing(&old.referrals, &new.referrals),
            physicians: differing(&old.physicians, &new.physicians),
            checklists: old
                .checklists
                .iter()
                .zip(&new.checklists)
                .filter(|((_, a), (_, b))| a != b)
                .flat_map(|((_, a), (_, b))| [a.file, b.file])
                .collect(),
            referral_lines: old.numbers != new.numbers,
            events: differing(&old.events, &new.events),
            reason_counts: old
                .services
                .iter()
                .zip(&new.services)
                .any(|(a, b)| a.reasons.len() != b.reasons.len()),
        }
    }
}

/// Indices whose entity differs (both lists have the same length); on
/// every core, as 10,000 reasons take milliseconds to compare.
fn differing<T: PartialEq + Sync>(old: &[T], new: &[T]) -> BTreeSet<usize> {
    let differ: Vec<usize> = old
        .par_iter()
        .zip(new)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, _)| i)
        .collect();
    differ.into_iter().collect()
}
