//! The pages of the site: one per content file (home, section indexes,
//! entities, plain pages), each with its address and breadcrumbs, and the
//! pages handoff makes itself (SPEC §6, §7: the referral hub, the
//! appointment page, thanks pages, each service line's referral section
//! and packet, and the 404 page).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::docs::Docs;
use super::entities::Entities;
use super::resolver::Resolver;
use super::types::{Crumb, FormKind, PARTNERS_PATH, Page, PageKind, Pager, Service, Trial};
use super::urls::folded;
use crate::config::Config;
use crate::content::PageDoc;
use crate::diag::{Code, Diagnostic};
use crate::source::Section;

/// The breadcrumbs above a page: Home, then its section's index. Each
/// trail is made once and shared by the pages under it (serve makes the
/// 20,000 pages of a large site again on every front-matter edit).
pub(super) struct Trail {
    home: Arc<[Crumb]>,
    sections: BTreeMap<Section, Arc<[Crumb]>>,
}

impl Trail {
    /// The trail of a page right under Home.
    fn home(&self) -> Arc<[Crumb]> {
        Arc::clone(&self.home)
    }

    /// The trail of a page in `section`.
    fn section(&self, section: Section) -> Arc<[Crumb]> {
        self.sections
            .get(&section)
            .map_or_else(|| self.home(), Arc::clone)
    }

    /// The trail of a page under `parent`, a page of `section`.
    fn under(&self, section: Section, parent: Crumb) -> Vec<Crumb> {
        let mut crumbs = self.section(section).to_vec();
        crumbs.push(parent);
        crumbs
    }

    /// Pages of `section` are under its index page, `index`.
    fn add_section(&mut self, section: Section, index: Crumb) {
        let mut crumbs = self.home.to_vec();
        crumbs.push(index);
        self.sections.insert(section, crumbs.into());
    }
}

/// The page a content file makes, at `path`.
fn page_of(doc: &PageDoc, path: String, kind: PageKind, crumbs: Arc<[Crumb]>) -> Page {
    Page {
        path,
        kind,
        title: doc.common.title.clone(),
        description: doc.common.description.clone(),
        body: Some((doc.file, doc.body_start)),
        noindex: doc.common.noindex,
        updated: doc.common.updated.clone(),
        breadcrumbs: crumbs,
        image: doc.common.image.clone(),
        extra: doc.common.extra.clone(),
        pager: None,
    }
}

/// Every page a content file makes (unsorted), and the breadcrumb trail
/// the pages handoff makes share.
pub(super) fn written(
    docs: &Docs,
    entities: &Entities,
    r: &mut Resolver<'_>,
) -> (Vec<Page>, Trail) {
    let mut pages = Vec::new();
    let mut trail = Trail {
        home: Arc::new([Crumb {
            title: "Home".to_owned(),
            path: "/".to_owned(),
        }]),
        sections: BTreeMap::new(),
    };
    match &docs.home {
        Some(doc) => pages.push(page_of(doc, "/".into(), PageKind::Home, Arc::new([]))),
        None => r.push(
            Diagnostic::new(Code::MissingField, "the site has no home page")
                .with_hint("create `content/_index.md` with `title:` in its front matter"),
        ),
    }
    for section in Section::ALL {
        if let Some(page) = section_index(section, docs, entities, &trail) {
            trail.add_section(
                section,
                Crumb {
                    title: page.title.clone(),
                    path: page.path.clone(),
                },
            );
            pages.push(page);
        }
    }
    entity_pages(docs, entities, &trail, &mut pages);
    for d in &docs.plain {
        let file = &r.sources.files[d.file];
        match plain_path(&file.rel, &d.common.slug.value) {
            // `content/partners/_index.md` writes the partner program's
            // page, which handoff fills with the liaisons and the sign-up.
            Ok(path) if path == PARTNERS_PATH => {
                pages.push(page_of(d, path, PageKind::Partners, trail.home()));
            }
            Ok(path) => pages.push(page_of(d, path, PageKind::Plain, trail.home())),
            Err(msg) => {
                let finding = Diagnostic::new(Code::InvalidValue, msg)
                    .in_file(file.rel.clone())
                    .with_hint("folder and file names become the page address: use lower-case letters, digits and `-`");
                r.push(finding);
            }
        }
    }
    (pages, trail)
}

/// A section's index page: from its `_index.md` if it has one, else made
/// with the section's name. A section with nothing to list has none.
fn section_index(
    section: Section,
    docs: &Docs,
    entities: &Entities,
    trail: &Trail,
) -> Option<Page> {
    let listed = match section {
        Section::Services => true,
        Section::Referrals => {
            !entities.referrals.is_empty() || docs.sections.contains_key(&Section::Referrals)
        }
        Section::Locations => {
            !entities.locations.is_empty() || docs.sections.contains_key(&Section::Locations)
        }
        Section::Physicians => !entities.physicians.is_empty(),
        Section::Events => {
            !entities.events.is_empty() || docs.sections.contains_key(&Section::Events)
        }
        Section::Trials => {
            !entities.trials.is_empty() || docs.sections.contains_key(&Section::Trials)
        }
    };
    if !listed {
        return None;
    }
    let path = format!("/{}/", section.dir());
    let kind = PageKind::SectionIndex(section);
    Some(match docs.sections.get(&section) {
        Some(doc) => page_of(doc, path, kind, trail.home()),
        None => Page {
            path,
            kind,
            title: match section {
                Section::Services => "Service lines",
                Section::Referrals => "Reasons for referral",
                Section::Locations => "Locations",
                Section::Physicians => "Physicians",
                Section::Events => "Events for referring offices",
                Section::Trials => "Clinical trials",
            }
            .to_owned(),
            description: None,
            body: None,
            noindex: false,
            updated: None,
            breadcrumbs: trail.home(),
            image: None,
            extra: serde_json::Map::new(),
            pager: None,
        },
    })
}

/// The page of each service line, referral reason, location, physician and
/// event.
fn entity_pages(docs: &Docs, entities: &Entities, trail: &Trail, pages: &mut Vec<Page>) {
    for (i, d) in docs.services.iter().enumerate() {
        let path = entities.services[i].path.clone();
        let crumbs = trail.section(Section::Services);
        pages.push(page_of(&d.page, path, PageKind::Service(i), crumbs));
    }
    // A referral reason whose service line does not exist has no entity:
    // its document is found by file, not by position.
    let referral_docs: BTreeMap<usize, &PageDoc> = docs
        .referrals
        .iter()
        .map(|d| (d.page.file, &d.page))
        .collect();
    // A reason's page is under its service line's, one trail per line.
    let under_service: Vec<Arc<[Crumb]>> = entities
        .services
        .iter()
        .map(|s| trail.under(Section::Referrals, s.crumb()).into())
        .collect();
    // The most numerous pages, made in parallel: serve makes them again
    // on every front-matter edit.
    let referral_pages: Vec<Page> = entities
        .referrals
        .par_iter()
        .enumerate()
        .filter_map(|(i, referral)| {
            let doc = referral_docs.get(&referral.file)?;
            let crumbs = Arc::clone(&under_service[referral.service]);
            let kind = PageKind::Referral(i);
            Some(page_of(doc, referral.path.clone(), kind, crumbs))
        })
        .collect();
    pages.extend(referral_pages);
    for (i, d) in docs.locations.iter().enumerate() {
        let path = entities.locations[i].path.clone();
        let crumbs = trail.section(Section::Locations);
        pages.push(page_of(&d.page, path, PageKind::Location(i), crumbs));
    }
    for (i, d) in docs.physicians.iter().enumerate() {
        let path = entities.physicians[i].path.clone();
        let crumbs = trail.section(Section::Physicians);
        pages.push(page_of(&d.page, path, PageKind::Physician(i), crumbs));
    }
    // An event whose times could not be read has no entity: found by file.
    let event_docs: BTreeMap<usize, &PageDoc> =
        docs.events.iter().map(|d| (d.page.file, &d.page)).collect();
    for (i, event) in entities.events.iter().enumerate() {
        let Some(doc) = event_docs.get(&event.file) else {
            continue;
        };
        let crumbs = trail.section(Section::Events);
        pages.push(page_of(doc, event.path.clone(), PageKind::Event(i), crumbs));
    }
    for (i, d) in docs.trials.iter().enumerate() {
        let path = entities.trials[i].path.clone();
        let crumbs = trail.section(Section::Trials);
        pages.push(page_of(&d.page, path, PageKind::Trial(i), crumbs));
    }
}

/// The URL of a plain page from its path under `content/`.
fn plain_path(rel: &str, slug: &str) -> Result<String, String> {
    let rel = rel.strip_prefix("content/").unwrap_or(rel);
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    for dir in &parts {
        if !crate::content::is_slug(dir) {
            return Err(format!(
                "the folder name `{dir}` is not a valid page address"
            ));
        }
    }
    let stem = crate::content::file_stem(rel);
    if stem != "_index" {
        parts.push(slug);
    }
    Ok(if parts.is_empty() {
        "/".to_owned()
    } else {
        format!("/{}/", parts.join("/"))
    })
}

/// A page handoff makes, with no Markdown body of a writer's.
fn made(
    path: String,
    kind: PageKind,
    title: String,
    description: Option<String>,
    crumbs: Arc<[Crumb]>,
) -> Page {
    Page {
        path,
        kind,
        title,
        description,
        body: None,
        noindex: matches!(
            kind,
            PageKind::Thanks(_)
                | PageKind::ReferThanks(_)
                | PageKind::Packet(_)
                | PageKind::NotFound
                | PageKind::TrialThanks(_)
        ),
        updated: None,
        breadcrumbs: crumbs,
        image: None,
        extra: serde_json::Map::new(),
        pager: None,
    }
}

/// The further pages of every index page whose entries do not fit on one
/// (`[build] page_size`), so no page grows with the site: the service
/// lines, reasons, locations and physicians indexes and the `/refer/` hub.
/// Page 1 stays at the index's address and shows its Markdown body; the
/// others are under it at `page/<n>/`, titled with their number.
pub(super) fn paginate(
    written: &mut [Page],
    made: &mut [Page],
    entities: &Entities,
    size: usize,
) -> Vec<Page> {
    let mut more = Vec::new();
    for page in written.iter_mut().chain(made.iter_mut()) {
        let entries = match page.kind {
            PageKind::SectionIndex(Section::Services) | PageKind::ReferHub => {
                entities.services.len()
            }
            PageKind::SectionIndex(Section::Referrals) => entities.referrals.len(),
            PageKind::SectionIndex(Section::Locations) => entities.locations.len(),
            PageKind::SectionIndex(Section::Physicians) => entities.physicians.len(),
            _ => continue,
        };
        let count = entries.div_ceil(size.max(1));
        if count < 2 {
            continue;
        }
        let pager = Pager {
            number: 1,
            count,
            size,
            first: page.path.clone(),
        };
        for number in 2..=count {
            let mut next = page.clone();
            next.path = pager.path(number);
            next.title = format!("{}, page {number} of {count}", page.title);
            next.body = None;
            next.pager = Some(Pager {
                number,
                ..pager.clone()
            });
            more.push(next);
        }
        page.pager = Some(pager);
    }
    more
}

/// Where the insurance page is, when the practice has one.
pub const INSURANCE_PATH: &str = "/insurance/";

/// Whether the site runs a referral-partner program, and who writes its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Program {
    None,
    /// `content/partners/_index.md` writes the page.
    Written,
    /// Liaisons without a page of the writer's: handoff makes it.
    Made,
}

/// The pages handoff makes itself (SPEC §6, §7), with the partner
/// program's as `program` says.
pub(super) fn generated(
    services: &[Service],
    config: &Config,
    trail: &Trail,
    program: Program,
) -> Vec<Page> {
    let site = &config.title;
    let hub = Crumb {
        title: "Refer a patient".to_owned(),
        path: "/refer/".to_owned(),
    };
    let appointment = Crumb {
        title: "Request an appointment".to_owned(),
        path: "/request-appointment/".to_owned(),
    };
    let mut pages = vec![
        made(
            hub.path.clone(),
            PageKind::ReferHub,
            hub.title.clone(),
            Some(format!(
                "How to refer a patient to {site}: what to send, how to send it, and how fast we answer, for every service line."
            )),
            trail.home(),
        ),
        made(
            appointment.path.clone(),
            PageKind::Appointment,
            appointment.title.clone(),
            Some(format!(
                "Ask for an appointment at {site}. Our team calls you back to find a time and answer your questions."
            )),
            trail.home(),
        ),
        thanks(
            FormKind::Referral,
            "Thank you: we have your referral",
            hub,
            trail,
        ),
        thanks(
            FormKind::Appointment,
            "Thank you: we have your request",
            appointment,
            trail,
        ),
        made(
            "/404.html".into(),
            PageKind::NotFound,
            "Page not found".into(),
            None,
            trail.home(),
        ),
    ];
    if config.organization.has_insurance_page() {
        pages.push(made(
            INSURANCE_PATH.to_owned(),
            PageKind::Insurance,
            "Insurance and self-pay".to_owned(),
            Some(format!(
                "The insurance plans {site} accepts, what a visit costs without insurance, and how to check your coverage before your first visit."
            )),
            trail.home(),
        ));
    }
    if program != Program::None {
        pages.extend(partners(site, trail, program == Program::Made));
    }
    // Three pages per service line, made on both cores: serve makes them
    // again on every front-matter edit.
    let referring: Vec<[Page; 3]> = services
        .par_iter()
        .enumerate()
        .map(|(i, s)| refer_pages(i, s, site, trail))
        .collect();
    pages.extend(referring.into_iter().flatten());
    pages
}

/// A service line's referring section, its printable packet and the
/// page its referrals land on.
fn refer_pages(i: usize, s: &Service, site: &str, trail: &Trail) -> [Page; 3] {
    let mut crumbs = trail.under(Section::Services, s.crumb());
    let refer_path = s.refer_path();
    let refer = made(
        refer_path.clone(),
        PageKind::Refer(i),
        format!("Refer a patient to {}", s.title),
        Some(format!(
            "Referring to {} at {site}: who to refer, what to send, how to send it and how fast we respond.",
            s.title
        )),
        crumbs.as_slice().into(),
    );
    crumbs.push(Crumb {
        title: "Refer a patient".into(),
        path: refer_path,
    });
    // The packet and the thanks page are both under the refer page.
    let under_refer: Arc<[Crumb]> = crumbs.into();
    let packet = made(
        format!("{}refer/packet/", s.path),
        PageKind::Packet(i),
        format!("{} referral packet", s.title),
        None,
        Arc::clone(&under_refer),
    );
    let thanks = made(
        s.thanks_path(),
        PageKind::ReferThanks(i),
        format!("Thank you: we have your referral to {}", s.title),
        None,
        under_refer,
    );
    [refer, packet, thanks]
}

/// The partner program's page when no file writes it (`make`), and the
/// page its updates sign-up lands on.
fn partners(site: &str, trail: &Trail, make: bool) -> Vec<Page> {
    let program = Crumb {
        title: "For referring offices".to_owned(),
        path: PARTNERS_PATH.to_owned(),
    };
    let page = make.then(|| {
        made(
            program.path.clone(),
            PageKind::Partners,
            program.title.clone(),
            Some(format!(
                "How {site} works with referring offices: your physician liaison, education for your team and updates on our service lines."
            )),
            trail.home(),
        )
    });
    let thanks = thanks(
        FormKind::Updates,
        "Thank you: you are signed up for updates",
        program,
        trail,
    );
    page.into_iter().chain([thanks]).collect()
}

/// Each trial's thanks page, under the trial's page.
pub(super) fn trial_thanks(trials: &[Trial], trail: &Trail) -> Vec<Page> {
    trials
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let crumbs = trail.under(
                Section::Trials,
                Crumb {
                    title: t.title.clone(),
                    path: t.path.clone(),
                },
            );
            made(
                t.thanks_path(),
                PageKind::TrialThanks(i),
                format!("Thank you: we have your question about {}", t.title),
                None,
                crumbs.into(),
            )
        })
        .collect()
}

/// The page of each service line at each of its locations, for a service
/// line seen at two or more (`/services/<slug>/<location>/`). A location
/// whose id would take the address of a page handoff already makes there
/// (`refer`: the referral section) is a finding at that location's file,
/// never a page written over another.
pub(super) fn at_locations(
    docs: &Docs,
    entities: &Entities,
    trail: &Trail,
    handoff_makes: &[Page],
    r: &mut Resolver<'_>,
) -> Vec<Page> {
    let taken: HashMap<Cow<str>, &str> = handoff_makes
        .iter()
        .map(|p| (folded(&p.path), p.title.as_str()))
        .collect();
    // On both cores (serve makes these again on every front-matter edit),
    // then in order: each page, or the title of the page it would take.
    let made: Vec<Vec<Result<Page, Taken>>> = entities
        .services
        .par_iter()
        .enumerate()
        .filter(|(_, s)| s.has_location_pages())
        .map(|(i, s)| {
            let crumbs: Arc<[Crumb]> = trail.under(Section::Services, s.crumb()).into();
            s.locations
                .iter()
                .map(|&l| {
                    let location = &entities.locations[l];
                    let path = s.at_location_path(location);
                    if let Some(&title) = taken.get(&folded(&path)) {
                        return Err(Taken {
                            service: i,
                            location: l,
                            path,
                            title,
                        });
                    }
                    let city = location.address.city.as_deref();
                    Ok(made(
                        path,
                        PageKind::ServiceLocation {
                            service: i,
                            location: l,
                        },
                        format!("{} at {}", s.title, location.title),
                        Some(format!(
                            "{} at {}{}: physicians, opening hours, parking and how to refer a patient.",
                            s.title,
                            location.title,
                            city.map(|c| format!(", {c}")).unwrap_or_default()
                        )),
                        Arc::clone(&crumbs),
                    ))
                })
                .collect()
        })
        .collect();
    let mut pages = Vec::new();
    for page in made.into_iter().flatten() {
        match page {
            Ok(page) => pages.push(page),
            Err(taken) => {
                let d = taken.finding(docs, entities, r);
                r.push(d);
            }
        }
    }
    pages
}

/// A line's page at a location that would take the address `path` of
/// the page `title` handoff makes.
struct Taken<'a> {
    service: usize,
    location: usize,
    path: String,
    title: &'a str,
}

impl Taken<'_> {
    /// The finding, at the location's file.
    fn finding(&self, docs: &Docs, entities: &Entities, r: &Resolver<'_>) -> Diagnostic {
        let (s, location) = (
            &entities.services[self.service],
            &entities.locations[self.location],
        );
        let f = &r.sources.files[docs.locations[self.location].page.file];
        let at = crate::content::front_matter_key(&f.text, "slug").unwrap_or(0);
        Diagnostic::new(
            Code::Duplicate,
            format!(
                "the location `{}` would give {} a page at `{}`, the address of `{}`",
                location.slug, s.title, self.path, self.title
            ),
        )
        .in_file(f.rel.clone())
        .at_offset(&f.text, at, 4)
        .with_hint("give the location another `slug:` (or rename its file)")
    }
}

/// The page a form's submission lands on, under the form's page.
fn thanks(kind: FormKind, title: &str, form: Crumb, trail: &Trail) -> Page {
    let mut crumbs = trail.home().to_vec();
    crumbs.push(form);
    made(
        kind.generic_thanks_path().to_owned(),
        PageKind::Thanks(kind),
        title.to_owned(),
        None,
        crumbs.into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_page_paths_follow_folders() {
        assert_eq!(plain_path("content/about.md", "about").unwrap(), "/about/");
        assert_eq!(
            plain_path("content/team/nurses.md", "nurses").unwrap(),
            "/team/nurses/"
        );
        assert_eq!(
            plain_path("content/team/_index.md", "_index").unwrap(),
            "/team/"
        );
        assert!(plain_path("content/Team Pages/x.md", "x").is_err());
    }
}
