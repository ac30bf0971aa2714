//! Which pages an edit touches: `serve` renders only those again.
//!
//! After an edit to content files (Markdown pages, checklists), the site
//! model is resolved again (cheap) and compared with the previous one,
//! entity by entity. Each page kind reads a known set of entities through
//! `view`, `jsonld` and `forms`; a page is rendered again when one of them
//! changed. When the shape of the site changed (pages added, removed or
//! reordered, the navigation, the footer's locations), the answer is "every
//! page", and the caller renders all of them in memory and keeps what
//! differs.
//!
//! What each kind reads (keep in step with `render::render_page`):
//! - every page: the site view (organization, navigation, locations) and
//!   its own `Page` (title, description, breadcrumbs, body);
//! - service, refer and packet pages: the service, its reasons (listed and
//!   in the form's reason list), its checklist, its physicians;
//! - referral-reason pages: the reason, its service, the service's other
//!   reasons (the form's reason list), its checklist;
//! - location pages: the location, its services and physicians;
//! - physician pages: the physician, its services and locations;
//! - home, section indexes, `/refer/`, the appointment, thanks and 404
//!   pages: lists of everything, so any entity change.

use std::collections::BTreeSet;

use crate::model::{PageKind, Site};
use crate::render::view;

/// Indices into `new.pages` to render again, or `None` for all of them.
/// `changed_files` are the source files whose text changed.
pub fn affected(old: &Site, new: &Site, changed_files: &BTreeSet<usize>) -> Option<Vec<usize>> {
    let same_shape = old.config == new.config
        && old.pages.len() == new.pages.len()
        && old
            .pages
            .iter()
            .zip(&new.pages)
            .all(|(a, b)| a.path == b.path && a.kind == b.kind)
        && old.services.len() == new.services.len()
        && old.referrals.len() == new.referrals.len()
        && old.physicians.len() == new.physicians.len()
        && old.locations == new.locations
        && old.checklists.keys().eq(new.checklists.keys());
    if !same_shape || !same_site_view(old, new) {
        return None;
    }
    let services = changed(&old.services, &new.services);
    let reasons = changed(&old.referrals, &new.referrals);
    let physicians = changed(&old.physicians, &new.physicians);
    let checklists: BTreeSet<&str> = new
        .checklists
        .iter()
        .filter(|(id, c)| old.checklists.get(*id) != Some(*c))
        .map(|(id, _)| id.as_str())
        .collect();
    let any_entity = !(services.is_empty()
        && reasons.is_empty()
        && physicians.is_empty()
        && checklists.is_empty());
    let checklist_changed =
        |id: Option<&String>| id.is_some_and(|id| checklists.contains(id.as_str()));
    let service_touched = |i: usize| {
        let s = &new.services[i];
        services.contains(&i)
            || s.reasons.iter().any(|r| reasons.contains(r))
            || s.physicians.iter().any(|p| physicians.contains(p))
            || checklist_changed(s.checklist.as_ref())
    };

    let pages = new
        .pages
        .iter()
        .enumerate()
        .filter(|&(k, page)| {
            let own =
                *page != old.pages[k] || page.body.is_some_and(|(f, _)| changed_files.contains(&f));
            own || match page.kind {
                PageKind::Home
                | PageKind::SectionIndex(_)
                | PageKind::ReferHub
                | PageKind::Appointment
                | PageKind::Thanks(_)
                | PageKind::NotFound => any_entity,
                PageKind::Plain | PageKind::Alias { .. } => false,
                PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => {
                    service_touched(i)
                }
                PageKind::Referral(i) => {
                    let r = &new.referrals[i];
                    reasons.contains(&i)
                        || services.contains(&r.service)
                        || new.services[r.service]
                            .reasons
                            .iter()
                            .any(|x| reasons.contains(x))
                        || checklist_changed(r.checklist.as_ref())
                }
                PageKind::Location(i) => {
                    let l = &new.locations[i];
                    l.services.iter().any(|s| services.contains(s))
                        || l.physicians.iter().any(|p| physicians.contains(p))
                }
                PageKind::Physician(i) => {
                    let p = &new.physicians[i];
                    physicians.contains(&i) || p.services.iter().any(|s| services.contains(s))
                }
            }
        })
        .map(|(k, _)| k)
        .collect();
    Some(pages)
}

/// Indices whose entity differs (both lists have the same length).
fn changed<T: PartialEq>(old: &[T], new: &[T]) -> BTreeSet<usize> {
    old.iter()
        .zip(new)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, _)| i)
        .collect()
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
