//! Stage 4: [`Document`]s + [`Config`] → [`Site`], the frozen site model.
//!
//! Assigns every page its URL, resolves references between files (service,
//! checklist, locations, physicians) with a closest-id hint when one
//! dangles, flattens checklists along `extends` (naming a cycle in full), and
//! refuses two files that claim one URL. Pure: no I/O, no HTML.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::config::Config;
use crate::content::{
    Address, Audience, ChecklistDoc, Document, Faq, Geo, Hours, Located, PageDoc, Referring,
    Urgency,
};
use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::forms::FormKind;
use crate::phone::Phone;
use crate::source::{Section, SourceSet};

/// schema.org `MedicalSpecialty` members (https://schema.org/MedicalSpecialty).
pub const SPECIALTIES: [&str; 41] = [
    "Anesthesia",
    "Cardiovascular",
    "CommunityHealth",
    "Dentistry",
    "Dermatology",
    "DietNutrition",
    "Emergency",
    "Endocrine",
    "Gastroenterologic",
    "Genetic",
    "Geriatric",
    "Gynecologic",
    "Hematologic",
    "Infectious",
    "LaboratoryScience",
    "Midwifery",
    "Musculoskeletal",
    "Neurologic",
    "Nursing",
    "Obstetric",
    "Oncologic",
    "Optometric",
    "Otolaryngologic",
    "Pathology",
    "Pediatric",
    "PharmacySpecialty",
    "Physiotherapy",
    "PlasticSurgery",
    "Podiatric",
    "PrimaryCare",
    "Psychiatric",
    "PublicHealth",
    "Pulmonary",
    "Radiography",
    "Renal",
    "RespiratoryTherapy",
    "Rheumatologic",
    "SpeechPathology",
    "Surgical",
    "Toxicologic",
    "Urologic",
];

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
    /// `/404.html`, which hosts serve for unknown addresses.
    NotFound,
}

/// The address of the page a submission of a `kind` form lands on.
pub fn thanks_path(kind: FormKind) -> &'static str {
    match kind {
        FormKind::Referral => "/refer/thanks/",
        FormKind::Appointment => "/request-appointment/thanks/",
    }
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

/// Options of a run that change what the model holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    pub drafts: bool,
}

/// A finding at a located value of a file.
fn at(
    sources: &SourceSet,
    file: usize,
    loc: &Located<String>,
    code: Code,
    message: String,
) -> Diagnostic {
    let f = &sources.files[file];
    Diagnostic::new(code, message)
        .in_file(f.rel.clone())
        .at_offset(&f.text, loc.offset, loc.len)
}

/// Builds the site model, reporting every dangling reference and collision.
pub fn resolve(
    docs: Vec<Document>,
    config: &Config,
    sources: &SourceSet,
    opts: ResolveOptions,
) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::new();
    let keep = |p: &PageDoc| opts.drafts || !p.common.draft;

    let mut home = None;
    let mut sections: BTreeMap<Section, PageDoc> = BTreeMap::new();
    let mut plain = Vec::new();
    let mut services_in = Vec::new();
    let mut referrals_in = Vec::new();
    let mut locations_in = Vec::new();
    let mut physicians_in = Vec::new();
    let mut checklists_in = Vec::new();
    for doc in docs {
        match doc {
            Document::Home(p) => home = Some(p),
            Document::Section(s, p) => {
                sections.insert(s, p);
            }
            Document::Page(p) if keep(&p) => plain.push(p),
            Document::Service(d) if keep(&d.page) => services_in.push(d),
            Document::Referral(d) if keep(&d.page) => referrals_in.push(d),
            Document::Location(d) if keep(&d.page) => locations_in.push(d),
            Document::Physician(d) if keep(&d.page) => physicians_in.push(d),
            Document::Checklist(c) => checklists_in.push(c),
            Document::Page(_)
            | Document::Service(_)
            | Document::Referral(_)
            | Document::Location(_)
            | Document::Physician(_) => {}
        }
    }
    let by_order = |a: &PageDoc, b: &PageDoc| {
        (a.common.weight, &a.common.title, &a.common.slug.value).cmp(&(
            b.common.weight,
            &b.common.title,
            &b.common.slug.value,
        ))
    };
    services_in.sort_by(|a, b| by_order(&a.page, &b.page));
    referrals_in.sort_by(|a, b| by_order(&a.page, &b.page));
    locations_in.sort_by(|a, b| by_order(&a.page, &b.page));
    physicians_in.sort_by(|a, b| by_order(&a.page, &b.page));

    let checklists = flatten_checklists(&checklists_in, sources, &mut diags);

    let slug_index = |slugs: Vec<&str>| -> BTreeMap<String, usize> {
        slugs
            .into_iter()
            .enumerate()
            .map(|(i, s)| (s.to_owned(), i))
            .collect()
    };
    let service_ids = slug_index(
        services_in
            .iter()
            .map(|d| d.page.common.slug.value.as_str())
            .collect(),
    );
    let location_ids = slug_index(
        locations_in
            .iter()
            .map(|d| d.page.common.slug.value.as_str())
            .collect(),
    );

    // A reference must name an existing id; the hint names the closest one.
    let lookup = |diags: &mut Diagnostics,
                  ids: &BTreeMap<String, usize>,
                  file: usize,
                  loc: &Located<String>,
                  key: &str,
                  what: &str,
                  folder: &str|
     -> Option<usize> {
        if let Some(i) = ids.get(&loc.value) {
            return Some(*i);
        }
        let known: Vec<&str> = ids.keys().map(String::as_str).collect();
        diags.push(
            at(
                sources,
                file,
                loc,
                Code::DanglingReference,
                format!("`{key}: {}` does not match any {what}", loc.value),
            )
            .with_hint(format!(
                "{} (the file names in `content/{folder}/`)",
                did_you_mean(&loc.value, &known)
            )),
        );
        None
    };
    // Every checklist file counts as existing, even one whose `extends`
    // chain is broken: that is reported once, at its own file.
    let checklist_ids: BTreeMap<String, usize> = checklists_in
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let check_checklist =
        |diags: &mut Diagnostics, file: usize, loc: &Option<Located<String>>| -> Option<String> {
            let loc = loc.as_ref()?;
            lookup(
                diags,
                &checklist_ids,
                file,
                loc,
                "checklist",
                "checklist",
                "checklists",
            )
            .map(|_| loc.value.clone())
        };

    let org = &config.organization;
    let mut services: Vec<Service> = services_in
        .iter()
        .map(|d| {
            let file = d.page.file;
            let locations = d
                .locations
                .iter()
                .filter_map(|l| {
                    lookup(
                        &mut diags,
                        &location_ids,
                        file,
                        l,
                        "locations",
                        "location",
                        "locations",
                    )
                })
                .collect();
            let mut referring = d.referring.clone();
            referring.phone = referring.phone.or_else(|| org.phone.clone());
            referring.fax = referring.fax.or_else(|| org.fax.clone());
            let slug = d.page.common.slug.value.clone();
            Service {
                path: format!("/services/{slug}/"),
                slug,
                title: d.page.common.title.clone(),
                description: d.page.common.description.clone(),
                specialty: d.specialty.as_ref().map(|s| s.value.clone()),
                checklist: check_checklist(&mut diags, file, &d.checklist),
                locations,
                referring,
                reasons: Vec::new(),
                physicians: Vec::new(),
                weight: d.page.common.weight,
            }
        })
        .collect();

    let referrals: Vec<Referral> = referrals_in
        .iter()
        .filter_map(|d| {
            let file = d.page.file;
            let service = lookup(
                &mut diags,
                &service_ids,
                file,
                &d.service,
                "service",
                "service line",
                "services",
            );
            let own = check_checklist(&mut diags, file, &d.checklist);
            let service = service?;
            let slug = d.page.common.slug.value.clone();
            Some(Referral {
                path: format!("/referrals/{slug}/"),
                slug,
                title: d.page.common.title.clone(),
                description: d.page.common.description.clone(),
                service,
                checklist: own.or_else(|| services[service].checklist.clone()),
                urgency: d.urgency,
                audience: d.audience,
                criteria: d.criteria.clone(),
                exclusions: d.exclusions.clone(),
                faq: d.faq.clone(),
                weight: d.page.common.weight,
                file,
            })
        })
        .collect();
    for (i, r) in referrals.iter().enumerate() {
        services[r.service].reasons.push(i);
    }

    let mut locations: Vec<Location> = locations_in
        .iter()
        .map(|d| {
            let slug = d.page.common.slug.value.clone();
            Location {
                path: format!("/locations/{slug}/"),
                slug,
                title: d.page.common.title.clone(),
                description: d.page.common.description.clone(),
                address: d.address.clone(),
                phone: d.phone.clone(),
                fax: d.fax.clone(),
                geo: d.geo,
                hours: d.hours.clone(),
                services: Vec::new(),
                physicians: Vec::new(),
            }
        })
        .collect();
    for (i, s) in services.iter().enumerate() {
        for &l in &s.locations {
            locations[l].services.push(i);
        }
    }

    let physicians: Vec<Physician> = physicians_in
        .iter()
        .map(|d| {
            let file = d.page.file;
            let slug = d.page.common.slug.value.clone();
            Physician {
                path: format!("/physicians/{slug}/"),
                slug,
                title: d.page.common.title.clone(),
                description: d.page.common.description.clone(),
                honorific: d.honorific.clone(),
                credentials: d.credentials.clone(),
                services: d
                    .services
                    .iter()
                    .filter_map(|s| {
                        lookup(
                            &mut diags,
                            &service_ids,
                            file,
                            s,
                            "services",
                            "service line",
                            "services",
                        )
                    })
                    .collect(),
                locations: d
                    .locations
                    .iter()
                    .filter_map(|l| {
                        lookup(
                            &mut diags,
                            &location_ids,
                            file,
                            l,
                            "locations",
                            "location",
                            "locations",
                        )
                    })
                    .collect(),
                accepting_new_patients: d.accepting_new_patients,
                photo: d.photo.clone(),
            }
        })
        .collect();
    for (i, p) in physicians.iter().enumerate() {
        for &s in &p.services {
            services[s].physicians.push(i);
        }
        for &l in &p.locations {
            locations[l].physicians.push(i);
        }
    }

    // Pages, each claiming one URL.
    let mut pages: Vec<(Page, Option<usize>)> = Vec::new();
    let page_of = |doc: &PageDoc, path: String, kind: PageKind, crumbs: Vec<Crumb>| Page {
        path,
        kind,
        title: doc.common.title.clone(),
        description: doc.common.description.clone(),
        body: Some((doc.file, doc.body_start)),
        noindex: doc.common.noindex,
        updated: doc.common.updated.clone(),
        breadcrumbs: crumbs,
    };
    let home_crumb = Crumb {
        title: "Home".to_owned(),
        path: "/".to_owned(),
    };
    match &home {
        Some(doc) => pages.push((
            page_of(doc, "/".into(), PageKind::Home, Vec::new()),
            Some(doc.file),
        )),
        None => diags.push(
            Diagnostic::new(Code::MissingField, "the site has no home page")
                .with_hint("create `content/_index.md` with `title:` in its front matter"),
        ),
    }
    let has = |s: Section| match s {
        Section::Services => true,
        Section::Referrals => !referrals.is_empty() || sections.contains_key(&Section::Referrals),
        Section::Locations => !locations.is_empty() || sections.contains_key(&Section::Locations),
        Section::Physicians => !physicians.is_empty(),
    };
    let section_title = |s: Section| match s {
        Section::Services => "Service lines",
        Section::Referrals => "Reasons for referral",
        Section::Locations => "Locations",
        Section::Physicians => "Physicians",
    };
    let mut section_crumbs: BTreeMap<Section, Crumb> = BTreeMap::new();
    for s in Section::ALL {
        if !has(s) {
            continue;
        }
        let path = format!("/{}/", s.dir());
        let page = match sections.get(&s) {
            Some(doc) => page_of(
                doc,
                path.clone(),
                PageKind::SectionIndex(s),
                vec![home_crumb.clone()],
            ),
            None => Page {
                path: path.clone(),
                kind: PageKind::SectionIndex(s),
                title: section_title(s).to_owned(),
                description: None,
                body: None,
                noindex: false,
                updated: None,
                breadcrumbs: vec![home_crumb.clone()],
            },
        };
        section_crumbs.insert(
            s,
            Crumb {
                title: page.title.clone(),
                path,
            },
        );
        pages.push((page, sections.get(&s).map(|d| d.file)));
    }
    let crumbs = |s: Section| {
        let mut c = vec![home_crumb.clone()];
        c.extend(section_crumbs.get(&s).cloned());
        c
    };
    for (i, d) in services_in.iter().enumerate() {
        pages.push((
            page_of(
                &d.page,
                services[i].path.clone(),
                PageKind::Service(i),
                crumbs(Section::Services),
            ),
            Some(d.page.file),
        ));
    }
    for (i, r) in referrals.iter().enumerate() {
        let Some(d) = referrals_in.iter().find(|d| d.page.file == r.file) else {
            continue;
        };
        let mut c = crumbs(Section::Referrals);
        let s = &services[r.service];
        c.push(Crumb {
            title: s.title.clone(),
            path: s.path.clone(),
        });
        pages.push((
            page_of(&d.page, r.path.clone(), PageKind::Referral(i), c),
            Some(d.page.file),
        ));
    }
    for (i, d) in locations_in.iter().enumerate() {
        pages.push((
            page_of(
                &d.page,
                locations[i].path.clone(),
                PageKind::Location(i),
                crumbs(Section::Locations),
            ),
            Some(d.page.file),
        ));
    }
    for (i, d) in physicians_in.iter().enumerate() {
        pages.push((
            page_of(
                &d.page,
                physicians[i].path.clone(),
                PageKind::Physician(i),
                crumbs(Section::Physicians),
            ),
            Some(d.page.file),
        ));
    }
    for d in &plain {
        match plain_path(&sources.files[d.file].rel, &d.common.slug.value) {
            Ok(path) => pages.push((page_of(d, path, PageKind::Plain, vec![home_crumb.clone()]), Some(d.file))),
            Err(msg) => diags.push(
                Diagnostic::new(Code::InvalidValue, msg)
                    .in_file(sources.files[d.file].rel.clone())
                    .with_hint("folder and file names become the page address: use lower-case letters, digits and `-`"),
            ),
        }
    }

    // Aliases redirect an old URL to the page that lists them.
    let mut alias_pages = Vec::new();
    let all_docs = home
        .iter()
        .chain(plain.iter())
        .chain(services_in.iter().map(|d| &d.page))
        .chain(referrals_in.iter().map(|d| &d.page))
        .chain(locations_in.iter().map(|d| &d.page))
        .chain(physicians_in.iter().map(|d| &d.page));
    for doc in all_docs {
        for alias in &doc.common.aliases {
            let path = if alias.value.ends_with('/') || alias.value.ends_with(".html") {
                alias.value.clone()
            } else {
                format!("{}/", alias.value)
            };
            alias_pages.push((path, doc.file, alias.clone()));
        }
    }

    // Two files may not claim one URL (compared case-insensitively: many
    // hosts and every macOS/Windows checkout fold case).
    let mut claimed: BTreeMap<String, usize> = BTreeMap::new();
    for (page, file) in &pages {
        let Some(file) = file else { continue };
        if let Some(first) = claimed.insert(page.path.to_lowercase(), *file)
            && first != *file
        {
            let (a, b) = (&sources.files[first].rel, &sources.files[*file].rel);
            diags.push(
                Diagnostic::new(
                    Code::Duplicate,
                    format!("`{a}` and `{b}` both make the page `{}`", page.path),
                )
                .in_file(b.clone())
                .at_offset(
                    &sources.files[*file].text,
                    slug_key(&sources.files[*file].text),
                    4,
                )
                .with_hint("rename one file or give it a different `slug:`"),
            );
        }
    }
    // Pages handoff makes itself (SPEC §6, §7).
    let generated = |path: String,
                     kind: PageKind,
                     title: String,
                     description: Option<String>,
                     crumbs: Vec<Crumb>| Page {
        path,
        kind,
        title,
        description,
        body: None,
        noindex: matches!(
            kind,
            PageKind::Thanks(_) | PageKind::Packet(_) | PageKind::NotFound
        ),
        updated: None,
        breadcrumbs: crumbs,
    };
    let hub = Crumb {
        title: "Refer a patient".to_owned(),
        path: "/refer/".to_owned(),
    };
    let mut made: Vec<Page> = vec![
        generated(
            "/refer/".into(),
            PageKind::ReferHub,
            "Refer a patient".into(),
            Some(format!(
                "How to refer a patient to {}: what to send, how to send it, and how fast we answer, for every service line.",
                config.title
            )),
            vec![home_crumb.clone()],
        ),
        generated(
            "/request-appointment/".into(),
            PageKind::Appointment,
            "Request an appointment".into(),
            Some(format!(
                "Ask for an appointment at {}. Our team calls you back to find a time and answer your questions.",
                config.title
            )),
            vec![home_crumb.clone()],
        ),
        generated(
            thanks_path(FormKind::Referral).into(),
            PageKind::Thanks(FormKind::Referral),
            "Thank you: we have your referral".into(),
            None,
            vec![home_crumb.clone(), hub.clone()],
        ),
        generated(
            thanks_path(FormKind::Appointment).into(),
            PageKind::Thanks(FormKind::Appointment),
            "Thank you: we have your request".into(),
            None,
            vec![
                home_crumb.clone(),
                Crumb {
                    title: "Request an appointment".into(),
                    path: "/request-appointment/".into(),
                },
            ],
        ),
    ];
    made.push(generated(
        "/404.html".into(),
        PageKind::NotFound,
        "Page not found".into(),
        None,
        vec![home_crumb.clone()],
    ));
    for (i, s) in services.iter().enumerate() {
        let mut c = crumbs(Section::Services);
        c.push(Crumb {
            title: s.title.clone(),
            path: s.path.clone(),
        });
        made.push(generated(
            format!("{}refer/", s.path),
            PageKind::Refer(i),
            format!("Refer a patient to {}", s.title),
            Some(format!("Referring to {} at {}: who to refer, what to send, how to send it and how fast we respond.", s.title, config.title)),
            c.clone(),
        ));
        c.push(Crumb {
            title: "Refer a patient".into(),
            path: format!("{}refer/", s.path),
        });
        made.push(generated(
            format!("{}refer/packet/", s.path),
            PageKind::Packet(i),
            format!("{} referral packet", s.title),
            None,
            c,
        ));
    }
    for page in &made {
        if let Some(file) = claimed.get(&page.path.to_lowercase()) {
            diags.push(
                Diagnostic::new(
                    Code::Duplicate,
                    format!(
                        "`{}` is the address of a page handoff makes (`{}`)",
                        page.path, page.title
                    ),
                )
                .in_file(sources.files[*file].rel.clone())
                .at_offset(
                    &sources.files[*file].text,
                    slug_key(&sources.files[*file].text),
                    4,
                )
                .with_hint("rename the file or give it another `slug:`"),
            );
        }
    }
    pages.extend(made.into_iter().map(|p| (p, None)));

    pages.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let mut pages: Vec<Page> = pages.into_iter().map(|(p, _)| p).collect();
    // Whether an alias's address is free is decided with every other file
    // the build writes (render::collisions), not here.
    alias_pages.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let mut aliases = BTreeMap::new();
    for (path, file, at) in alias_pages {
        let Some(target) = pages
            .iter()
            .position(|p| p.body.is_some_and(|(f, _)| f == file))
        else {
            continue;
        };
        aliases.insert(pages.len(), AliasEntry { file, at });
        pages.push(Page {
            title: pages[target].title.clone(),
            path,
            kind: PageKind::Alias { target },
            description: None,
            body: None,
            noindex: true,
            updated: None,
            breadcrumbs: Vec::new(),
        });
    }

    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Site {
        config: config.clone(),
        pages,
        services,
        referrals,
        locations,
        physicians,
        checklists,
        aliases,
    })
}

/// Where a page's `slug:` key is, for findings about its address; the start
/// of the file when the address comes from the file name.
fn slug_key(text: &str) -> usize {
    crate::content::front_matter_key(text, "slug").unwrap_or(0)
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

/// Where a checklist stands while `extends` chains are flattened.
#[derive(Clone)]
enum Flat {
    Pending,
    /// On the chain being walked, at this position.
    Walking(usize),
    /// Its chain dangles or loops (reported once, where it breaks).
    Broken,
    Done(Vec<Arc<ChecklistItem>>),
}

/// Applies `extends` chains; a cycle is one finding naming the whole loop.
///
/// Each checklist is flattened once: a walk up its chain stops at the first
/// checklist already flattened (or broken), and the walked ones are then
/// flattened from the top down, each from its parent's items. A chain of n
/// files costs the items it yields, where walking every file's chain to
/// its top cost n² steps (cubic with the loop check; minutes for 3,000
/// files); and nothing recurses, so no chain is too long for the stack.
fn flatten_checklists(
    docs: &[ChecklistDoc],
    sources: &SourceSet,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Checklist> {
    let by_id: BTreeMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut flat = vec![Flat::Pending; docs.len()];
    for start in 0..docs.len() {
        if !matches!(flat[start], Flat::Pending) {
            continue;
        }
        let mut walk = vec![start];
        flat[start] = Flat::Walking(0);
        // The flattened parent of the walk's top, or `None` when it broke.
        let mut base: Option<Vec<Arc<ChecklistItem>>> = Some(Vec::new());
        while let Some(&child) = walk.last() {
            let Some(parent) = &docs[child].extends else {
                break;
            };
            let Some(&p) = by_id.get(parent.value.as_str()) else {
                diags.push(dangling_extends(docs, sources, child, parent));
                base = None;
                break;
            };
            match &flat[p] {
                Flat::Pending => {
                    flat[p] = Flat::Walking(walk.len());
                    walk.push(p);
                }
                Flat::Walking(from) => {
                    diags.push(extends_cycle(docs, sources, &walk[*from..], parent));
                    base = None;
                    break;
                }
                Flat::Broken => {
                    base = None;
                    break;
                }
                Flat::Done(items) => {
                    base = Some(items.clone());
                    break;
                }
            }
        }
        for &i in walk.iter().rev() {
            flat[i] = match &base {
                Some(parent) => {
                    let items = merge_items(parent, &docs[i]);
                    base = Some(items.clone());
                    Flat::Done(items)
                }
                None => Flat::Broken,
            };
        }
    }
    docs.iter()
        .zip(flat)
        .filter_map(|(doc, f)| match f {
            Flat::Done(items) => Some((
                doc.id.clone(),
                Checklist {
                    id: doc.id.clone(),
                    title: doc
                        .title
                        .clone()
                        .unwrap_or_else(|| "What to send with a referral".to_owned()),
                    items,
                    file: doc.file,
                },
            )),
            _ => None,
        })
        .collect()
}

/// A checklist's own items over its parent's: an item with a parent's id
/// replaces it in place, a new one goes at the end.
fn merge_items(parent: &[Arc<ChecklistItem>], doc: &ChecklistDoc) -> Vec<Arc<ChecklistItem>> {
    let own: HashMap<&str, usize> = doc
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.id.as_str(), i))
        .collect();
    let new = |i: usize| {
        let item = &doc.items[i];
        Arc::new(ChecklistItem {
            id: item.id.clone(),
            label: item.label.clone(),
            required: item.required,
            detail: item.detail.clone(),
            file: doc.file,
        })
    };
    let mut replaced = vec![false; doc.items.len()];
    let mut items = Vec::with_capacity(parent.len() + doc.items.len());
    for item in parent {
        match own.get(item.id.as_str()) {
            Some(&i) => {
                replaced[i] = true;
                items.push(new(i));
            }
            None => items.push(Arc::clone(item)),
        }
    }
    items.extend((0..doc.items.len()).filter(|&i| !replaced[i]).map(new));
    items
}

fn dangling_extends(
    docs: &[ChecklistDoc],
    sources: &SourceSet,
    child: usize,
    parent: &Located<String>,
) -> Diagnostic {
    let mut known: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    known.sort_unstable();
    at(
        sources,
        docs[child].file,
        parent,
        Code::DanglingReference,
        format!("`extends: {}` does not match any checklist", parent.value),
    )
    .with_hint(format!(
        "{} (the file names in `content/checklists/`)",
        did_you_mean(&parent.value, &known)
    ))
}

/// The loop `cycle[0] -> … -> cycle[last] -> cycle[0]`, reported at the
/// `extends` that closes it. A long loop is named by its length, first and
/// last links: in full it would pass the length a finding shows.
fn extends_cycle(
    docs: &[ChecklistDoc],
    sources: &SourceSet,
    cycle: &[usize],
    closing: &Located<String>,
) -> Diagnostic {
    const SHOWN: usize = 4;
    let ids: Vec<&str> = cycle.iter().map(|&i| docs[i].id.as_str()).collect();
    let first = ids.first().copied().unwrap_or_default();
    let message = if ids.len() <= 3 * SHOWN {
        format!(
            "checklists extend each other in a loop: {} -> {first}",
            ids.join(" -> ")
        )
    } else {
        format!(
            "{} checklists extend each other in a loop: {} -> … -> {} -> {first}",
            ids.len(),
            ids[..SHOWN].join(" -> "),
            ids[ids.len() - SHOWN..].join(" -> ")
        )
    };
    let last = cycle.last().map_or(0, |&i| docs[i].file);
    at(sources, last, closing, Code::ExtendsCycle, message)
        .with_hint("remove `extends` from one of these checklists")
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
