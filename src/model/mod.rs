//! Stage 4: [`Document`]s + [`Config`] → [`Site`], the frozen site model.
//!
//! Assigns every page its URL, resolves references between files (service,
//! checklist, locations, physicians) with a closest-id hint when one
//! dangles, flattens checklists along `extends` (naming a cycle in full), and
//! refuses two files that claim one URL. Pure: no I/O, no HTML.
//!
//! [`resolve`] runs the steps in order, each in its own module: `docs`
//! sorts the documents by kind, `checklists` flattens `extends`, `entities`
//! resolves service lines, referral reasons, locations, physicians
//! and events (through the look-ups of `resolver`), `liaisons` resolves the service
//! lines of site.toml's liaisons, `pages` makes the pages, and
//! `urls` checks their addresses and adds the aliases. `types` holds what
//! the stage returns.

mod checklists;
mod docs;
mod entities;
mod liaisons;
mod pages;
mod resolver;
mod types;
mod urls;

pub use pages::INSURANCE_PATH;
pub use types::{
    AliasEntry, Checklist, ChecklistItem, Crumb, Event, FormKind, Liaison, Line, Location,
    NAV_SERVICES, PARTNERS_PATH, Page, PageKind, Pager, Physician, Referral, Service, Site, Trial,
    full_name,
};

use crate::config::Config;
use crate::content::Document;
use crate::diag::Diagnostics;
use crate::source::SourceSet;

/// Options of a run that change what the model holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    pub drafts: bool,
    /// "Now" for dated content (see [`crate::clock`]).
    pub now: jiff::Timestamp,
}

/// Builds the site model, reporting every dangling reference and collision.
pub fn resolve(
    docs: &[Document],
    config: &Config,
    sources: &SourceSet,
    opts: ResolveOptions,
) -> Result<Site, Diagnostics> {
    let docs = docs::Docs::sort(docs, opts);
    let mut r = resolver::Resolver::new(sources, &docs);
    let checklists = checklists::flatten(&docs.checklists, &mut r);
    let entities = entities::resolve(&docs, config, &mut r);
    let liaisons = liaisons::resolve(config, &mut r);
    let (written, trail) = pages::written(&docs, &entities, &mut r);
    // The partner program has a page when the site writes one or names a liaison.
    let program = if written.iter().any(|p| p.kind == PageKind::Partners) {
        pages::Program::Written
    } else if liaisons.is_empty() {
        pages::Program::None
    } else {
        pages::Program::Made
    };
    let mut made = pages::generated(&entities.services, config, &trail, program);
    made.extend(pages::trial_thanks(&entities.trials, &trail));
    let at_locations = pages::at_locations(&docs, &entities, &trail, &made, &mut r);
    made.extend(at_locations);
    let mut written = written;
    let more = pages::paginate(&mut written, &mut made, &entities, config.build.page_size);
    made.extend(more);
    let mut pages = urls::claim(written, made, &mut r);
    let aliases = urls::aliases(&mut pages, &docs);
    r.finish()?;
    let entities::Entities {
        services,
        referrals,
        locations,
        physicians,
        events,
        trials,
    } = entities;
    let numbers = Site::published_numbers(config, &locations, &services);
    Ok(Site {
        config: config.clone(),
        pages,
        services,
        referrals,
        locations,
        physicians,
        checklists,
        aliases,
        now: opts.now,
        events,
        liaisons,
        trials,
        numbers,
    })
}
