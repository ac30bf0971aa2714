//! The parsed documents of a run sorted by kind: the input of every step
//! of [`super::resolve`].

use std::collections::BTreeMap;

use super::ResolveOptions;
use crate::content::{
    ChecklistDoc, Document, EventDoc, LocationDoc, PageDoc, PhysicianDoc, ReferralDoc, ServiceDoc,
    TrialDoc,
};
use crate::source::Section;

/// Documents by kind. Drafts are left out unless the run asks for them;
/// service lines, referral reasons, locations and physicians are in the
/// order the site lists them (weight, then title, then slug), which is the
/// order of their indices in the model.
/// Borrowed: `serve` keeps the documents to resolve them again after an
/// edit, without a copy of every document per keystroke.
pub(super) struct Docs<'d> {
    pub home: Option<&'d PageDoc>,
    pub sections: BTreeMap<Section, &'d PageDoc>,
    pub plain: Vec<&'d PageDoc>,
    pub services: Vec<&'d ServiceDoc>,
    pub referrals: Vec<&'d ReferralDoc>,
    pub locations: Vec<&'d LocationDoc>,
    pub physicians: Vec<&'d PhysicianDoc>,
    pub checklists: Vec<&'d ChecklistDoc>,
    /// By start, then slug: the order `/events/` lists upcoming ones.
    pub events: Vec<&'d EventDoc>,
    pub trials: Vec<&'d TrialDoc>,
}

impl<'d> Docs<'d> {
    pub fn sort(docs: &'d [Document], opts: ResolveOptions) -> Docs<'d> {
        let keep = |p: &PageDoc| opts.drafts || !p.common.draft;
        let mut sorted = Docs {
            home: None,
            sections: BTreeMap::new(),
            plain: Vec::new(),
            services: Vec::new(),
            referrals: Vec::new(),
            locations: Vec::new(),
            physicians: Vec::new(),
            checklists: Vec::new(),
            events: Vec::new(),
            trials: Vec::new(),
        };
        for doc in docs {
            match doc {
                Document::Home(p) => sorted.home = Some(p),
                Document::Section(s, p) => {
                    sorted.sections.insert(*s, p);
                }
                Document::Page(p) if keep(p) => sorted.plain.push(p),
                Document::Service(d) if keep(&d.page) => sorted.services.push(d),
                Document::Referral(d) if keep(&d.page) => sorted.referrals.push(d),
                Document::Location(d) if keep(&d.page) => sorted.locations.push(d),
                Document::Physician(d) if keep(&d.page) => sorted.physicians.push(d),
                Document::Checklist(c) => sorted.checklists.push(c),
                Document::Event(d) if keep(&d.page) => sorted.events.push(d),
                Document::Trial(d) if keep(&d.page) => sorted.trials.push(d),
                Document::Page(_)
                | Document::Service(_)
                | Document::Referral(_)
                | Document::Location(_)
                | Document::Physician(_)
                | Document::Event(_) => {}
                Document::Trial(_) => {}
            }
        }
        sorted.services.sort_by(|a, b| by_order(&a.page, &b.page));
        sorted.referrals.sort_by(|a, b| by_order(&a.page, &b.page));
        sorted.locations.sort_by(|a, b| by_order(&a.page, &b.page));
        sorted.physicians.sort_by(|a, b| by_order(&a.page, &b.page));
        sorted.events.sort_by(|a, b| {
            (a.starts.map(|t| t.instant), &a.page.common.slug.value)
                .cmp(&(b.starts.map(|t| t.instant), &b.page.common.slug.value))
        });
        // Trials open to new participants first: the list a patient reads.
        sorted.trials.sort_by(|a, b| {
            let recruiting =
                |d: &TrialDoc| d.status != Some(crate::content::TrialStatus::Recruiting);
            recruiting(a)
                .cmp(&recruiting(b))
                .then_with(|| by_order(&a.page, &b.page))
        });
        sorted
    }

    /// Every page document that may list `aliases:`: the home page, plain
    /// pages and entities (section indexes do not).
    pub fn aliased(&self) -> impl Iterator<Item = &'d PageDoc> {
        self.home
            .into_iter()
            .chain(self.plain.iter().copied())
            .chain(self.services.iter().map(|d| &d.page))
            .chain(self.referrals.iter().map(|d| &d.page))
            .chain(self.locations.iter().map(|d| &d.page))
            .chain(self.physicians.iter().map(|d| &d.page))
            .chain(self.events.iter().map(|d| &d.page))
            .chain(self.trials.iter().map(|d| &d.page))
    }
}

fn by_order(a: &PageDoc, b: &PageDoc) -> std::cmp::Ordering {
    (a.common.weight, &a.common.title, &a.common.slug.value).cmp(&(
        b.common.weight,
        &b.common.title,
        &b.common.slug.value,
    ))
}
