//! Which pages an edit touches: `serve` renders only those again.
//!
//! After an edit to content files (Markdown pages, checklists), the site
//! model is resolved again (cheap) and compared with the previous one.
//! When the shape of the site changed (pages added, removed or reordered,
//! site.toml, a location, anything of the site view every page shows: the
//! organization, the navigation, the footer), the answer is "every page",
//! and the caller rebuilds the site and keeps what differs. Otherwise a
//! page is rendered again when its own page changed or when something it
//! read the last time it was rendered changed: what each page reads is
//! noted while its context is built ([`crate::render::reads`]), so there is
//! no list of page kinds here to keep in step with the templates' contexts.
//!
//! Reads from the last render suffice: a page that would now read
//! something new reads it through a reference that changed, in something
//! it read before.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::model::Site;
use crate::render::reads::{Changed, Reads};
use crate::render::view;

/// Whether an edit left the shape of the site as it was (the same pages at
/// the same addresses, the same site view): then pages keep their indices
/// and [`touched`] says which to render again; otherwise the caller
/// rebuilds the whole site.
pub fn comparable(old: &Site, new: &Site) -> bool {
    same_shape(old, new) && same_site_view(old, new)
}

/// Indices into `new.pages` to render again, of two [`comparable`] sites.
/// `changed_files` are the source files whose text changed; `reads`, what
/// each page of `old` read, by page index.
pub fn touched(
    old: &Site,
    new: &Site,
    changed_files: &BTreeSet<usize>,
    reads: &[Reads],
) -> Vec<usize> {
    let changed = Changed::between(old, new);
    (0..new.pages.len())
        .into_par_iter()
        .filter(|&k| {
            let page = &new.pages[k];
            *page != old.pages[k]
                || page.body.is_some_and(|(f, _)| changed_files.contains(&f))
                || reads.get(k).is_none_or(|r| r.touches(&changed))
        })
        .collect()
}

/// The same pages at the same addresses, the same lists of entities, and
/// what pages read whole unchanged: site.toml, the locations and the
/// trials.
fn same_shape(old: &Site, new: &Site) -> bool {
    old.config == new.config
        && old.pages.len() == new.pages.len()
        && old
            .pages
            .iter()
            .zip(&new.pages)
            .all(|(a, b)| a.path == b.path && a.kind == b.kind)
        && old.services.len() == new.services.len()
        && old.referrals.len() == new.referrals.len()
        && old.physicians.len() == new.physicians.len()
        && old.events.len() == new.events.len()
        && old.locations == new.locations
        && old.trials == new.trials
        && old.checklists.keys().eq(new.checklists.keys())
}

/// What every page shows of the site: organization, navigation, footer.
fn same_site_view(old: &Site, new: &Site) -> bool {
    match (
        serde_json::to_value(view::site(old)),
        serde_json::to_value(view::site(new)),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
