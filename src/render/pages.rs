//! Page kinds, one table: for every kind of page handoff writes, the
//! template that renders it, the `page.kind` its template sees, and its
//! context, a struct per kind whose fields are the template's variables.
//!
//! Everything else follows from here: `render` renders a page with
//! [`kind`] and [`context`]; the context reads the site through a
//! [`Reader`], so `serve` knows which pages an edit touches without a list
//! of its own; `themes/clinic/CONTEXT.md` documents each context, and a
//! test below holds the two together.

use serde::Serialize;

use crate::content::{Audience, Urgency};
use crate::forms::{self, FormKind, FormSpec, Placement};
use crate::model::{Page, PageKind, Pager, Referral};
use crate::render::reads::Reader;
use crate::render::view::{
    self, EventSummary, EventView, ImageSizes, LiaisonView, Link, LocationSummary, LocationView,
    PageView, PhysicianSummary, PhysicianView, PlaceView, ReasonSummary, ReferSummary,
    ReferralGroup, ReferralView, ServiceSummary, ServiceView, TrialGroup, TrialSummary, TrialView,
};
use crate::render::{RenderOptions, action};
use crate::source::Section;

/// The reasons the home page lists, by weight.
const HOME_REASONS: usize = 12;

/// What a page kind is rendered with.
pub struct Kind {
    /// `page.kind` in templates, and the `kind-…` class of `<body>`.
    pub name: &'static str,
    /// The template, in the theme's `templates/` or the site's.
    pub template: &'static str,
}

/// The table of page kinds.
pub fn kind(kind: PageKind) -> Kind {
    let (name, template) = match kind {
        PageKind::Home => ("home", "index.html"),
        PageKind::Plain => ("page", "page.html"),
        PageKind::SectionIndex(Section::Services) => ("services", "services.html"),
        PageKind::SectionIndex(Section::Referrals) => ("referrals", "referrals.html"),
        PageKind::SectionIndex(Section::Locations) => ("locations", "locations.html"),
        PageKind::SectionIndex(Section::Physicians) => ("physicians", "physicians.html"),
        PageKind::Service(_) => ("service", "service.html"),
        PageKind::Referral(_) => ("referral", "referral.html"),
        PageKind::Location(_) => ("location", "location.html"),
        PageKind::Physician(_) => ("physician", "physician.html"),
        PageKind::Alias { .. } => ("alias", "alias.html"),
        PageKind::Refer(_) => ("refer", "refer.html"),
        PageKind::Packet(_) => ("packet", "packet.html"),
        PageKind::ReferHub => ("refer_hub", "refer_hub.html"),
        PageKind::Appointment => ("appointment", "appointment.html"),
        PageKind::Thanks(_) => ("thanks", "thanks.html"),
        PageKind::ReferThanks(_) => ("refer_thanks", "refer_thanks.html"),
        PageKind::NotFound => ("not_found", "404.html"),
        PageKind::SectionIndex(Section::Events) => ("events", "events.html"),
        PageKind::Event(_) => ("event", "event.html"),
        PageKind::Insurance => ("insurance", "insurance.html"),
        PageKind::Partners => ("partners", "partners.html"),
        PageKind::SectionIndex(Section::Trials) => ("trials", "trials.html"),
        PageKind::Trial(_) => ("trial", "trial.html"),
        PageKind::TrialThanks(_) => ("trial_thanks", "trial_thanks.html"),
        PageKind::ServiceLocation { .. } => ("service_location", "service_location.html"),
    };
    Kind { name, template }
}

/// What a page's template sees besides `site` and `theme`, which are the
/// same on every page.
#[derive(Serialize)]
pub struct PageContext<'a> {
    pub page: PageView<'a>,
    /// The page's form: the referral form on pages that have one, the
    /// updates sign-up on `/partners/`; none on every page of a site
    /// without `[intake]`.
    pub form: Option<FormSpec>,
    /// The appointment form, likewise.
    pub appointment_form: Option<FormSpec>,
    #[serde(flatten)]
    pub variables: Variables<'a>,
}

/// The variables of each kind's template.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Variables<'a> {
    Home(Home<'a>),
    /// Plain pages and the 404 page.
    Plain(Plain),
    Services(ServicesIndex<'a>),
    Referrals(ReferralsIndex<'a>),
    Locations(LocationsIndex<'a>),
    Physicians(PhysiciansIndex<'a>),
    /// Service, refer, packet and a service's thanks pages.
    Service(ServicePage<'a>),
    Referral(ReferralPage<'a>),
    Location(LocationPage<'a>),
    Physician(PhysicianPage<'a>),
    Alias(AliasPage<'a>),
    /// The `/refer/` hub and the appointment page.
    ReferHub(ReferHub<'a>),
    Thanks(Thanks<'a>),
    Events(EventsIndex<'a>),
    Event(EventPage<'a>),
    Insurance(InsurancePage),
    Partners(Partners<'a>),
    Trials(TrialsIndex<'a>),
    /// A trial's page and its thanks page.
    Trial(TrialPage<'a>),
    /// A service line's page at one location (boxed: the largest context).
    ServiceLocation(Box<ServiceLocationPage<'a>>),
}

#[derive(Serialize)]
pub struct Home<'a> {
    /// The navigation's service lines.
    pub services: Vec<Link<'a>>,
    pub locations: Vec<LocationSummary<'a>>,
    pub referral_reasons: Vec<ReasonSummary<'a>>,
}

#[derive(Serialize)]
pub struct Plain {}

#[derive(Serialize)]
pub struct ServicesIndex<'a> {
    pub services: Vec<ServiceSummary<'a>>,
}

#[derive(Serialize)]
pub struct ReferralsIndex<'a> {
    pub referral_groups: Vec<ReferralGroup<'a>>,
}

#[derive(Serialize)]
pub struct LocationsIndex<'a> {
    pub locations: Vec<LocationSummary<'a>>,
}

#[derive(Serialize)]
pub struct PhysiciansIndex<'a> {
    pub physicians: Vec<PhysicianSummary<'a>>,
}

/// `/events/`: upcoming events first, then the past ones.
#[derive(Serialize)]
pub struct EventsIndex<'a> {
    /// Soonest first.
    pub upcoming_events: Vec<EventSummary<'a>>,
    /// Most recent first.
    pub past_events: Vec<EventSummary<'a>>,
}

#[derive(Serialize)]
pub struct EventPage<'a> {
    pub event: EventView<'a>,
}

#[derive(Serialize)]
pub struct ServicePage<'a> {
    pub service: ServiceView<'a>,
}

/// `/services/<slug>/<location>/`: the service line (its referral line
/// the one at this location), the location, and who sees it there.
#[derive(Serialize)]
pub struct ServiceLocationPage<'a> {
    pub service: ServiceView<'a>,
    /// The location's facts, without its lists of service lines and
    /// physicians (`physicians` says who is here for this line).
    pub location: PlaceView<'a>,
    /// The physicians who see this service line at this location.
    pub physicians: Vec<Link<'a>>,
    /// What the service line says about new patients here: the location's
    /// own block, else the service line's.
    pub availability: Option<view::AvailabilityView>,
}

#[derive(Serialize)]
pub struct ReferralPage<'a> {
    pub referral: ReferralView<'a>,
}

#[derive(Serialize)]
pub struct LocationPage<'a> {
    pub location: LocationView<'a>,
}

#[derive(Serialize)]
pub struct PhysicianPage<'a> {
    pub physician: PhysicianView<'a>,
}

#[derive(Serialize)]
pub struct AliasPage<'a> {
    /// The path of the page the alias redirects to.
    pub redirect_to: &'a str,
}

#[derive(Serialize)]
pub struct ReferHub<'a> {
    pub services: Vec<ReferSummary<'a>>,
}

#[derive(Serialize)]
pub struct Thanks<'a> {
    /// `referral`, `appointment` or `updates`.
    pub form_kind: &'static str,
    /// On the referral thanks page, each service line's response time and
    /// where to send records, while they fit on one page of the hub
    /// (`[build] page_size`); beyond, none: the page links the hub, so its
    /// weight never grows with the site.
    pub services: Vec<ReferSummary<'a>>,
}

#[derive(Serialize)]
pub struct InsurancePage {
    /// `[organization] self_pay` as HTML; the plans are
    /// `site.organization.insurance`.
    pub self_pay: Option<String>,
}

#[derive(Serialize)]
pub struct Partners<'a> {
    /// Every liaison, in site.toml's order.
    pub liaisons: Vec<LiaisonView<'a>>,
    /// The education events still to come, soonest first.
    pub upcoming_events: Vec<EventSummary<'a>>,
}

#[derive(Serialize)]
pub struct TrialsIndex<'a> {
    /// Every trial, recruiting first.
    pub trials: Vec<TrialSummary<'a>>,
    /// By service line (a trial of two lines is in both), then the trials
    /// of no line: the page's filter that works without JavaScript.
    pub trial_groups: Vec<TrialGroup<'a>>,
}

#[derive(Serialize)]
pub struct TrialPage<'a> {
    pub trial: TrialView<'a>,
}

/// The context of `page`, whose rendered Markdown body is `body`.
pub fn context<'a>(
    r: &mut Reader<'a>,
    page: &'a Page,
    body: &'a str,
    opts: RenderOptions,
    image_sizes: &ImageSizes,
) -> PageContext<'a> {
    let (form, appointment_form) = forms(r, page, opts.local_intake);
    let has_form = form.is_some() || appointment_form.is_some();
    let action = action::action(r, page, form.as_ref(), appointment_form.as_ref());
    PageContext {
        page: view::page(r, page, body, opts, has_form, action),
        form,
        appointment_form,
        variables: variables(r, page, image_sizes),
    }
}

/// The page's referral and appointment forms.
fn forms(r: &mut Reader<'_>, page: &Page, local: bool) -> (Option<FormSpec>, Option<FormSpec>) {
    let at = |service: Option<usize>, reason: Option<usize>| Placement {
        page: &page.path,
        service,
        reason,
        location: None,
        local,
        trial: None,
    };
    match page.kind {
        PageKind::ServiceLocation { service, location } => {
            let here = Placement {
                location: Some(location),
                ..at(Some(service), None)
            };
            (
                form(r, FormKind::Referral, &here),
                form(r, FormKind::Appointment, &here),
            )
        }
        PageKind::Refer(i) => (form(r, FormKind::Referral, &at(Some(i), None)), None),
        // A hub split over pages lists the service lines, each linking to
        // its own form (its reasons only): one form choosing among every
        // reason of a large site would outweigh the page.
        PageKind::ReferHub if page.pager.is_some() => (None, None),
        PageKind::ReferHub => (form(r, FormKind::Referral, &at(None, None)), None),
        PageKind::Appointment => (form(r, FormKind::Appointment, &at(None, None)), None),
        PageKind::Partners => (form(r, FormKind::Updates, &at(None, None)), None),
        PageKind::Referral(i) => {
            let reason = r.referral(i);
            // Urgent cases are a phone call, never a form.
            if reason.urgency == Urgency::Urgent {
                return (None, None);
            }
            let place = at(Some(reason.service), Some(i));
            let clinicians = matches!(reason.audience, Audience::Clinician | Audience::Both);
            let patients = matches!(reason.audience, Audience::Patient | Audience::Both);
            (
                if clinicians {
                    form(r, FormKind::Referral, &place)
                } else {
                    None
                },
                if patients {
                    form(r, FormKind::Appointment, &place)
                } else {
                    None
                },
            )
        }
        // "Ask the trial team": the appointment form, the visit a trial
        // question and the trial known, landing on the trial's thanks page.
        PageKind::Trial(i) if r.trial(i).takes_questions() => {
            let place = Placement {
                trial: Some(i),
                ..at(r.trial(i).services.first().copied(), None)
            };
            (None, form(r, FormKind::Appointment, &place))
        }
        PageKind::Home
        | PageKind::Plain
        | PageKind::SectionIndex(_)
        | PageKind::Service(_)
        | PageKind::Location(_)
        | PageKind::Physician(_)
        | PageKind::Alias { .. }
        | PageKind::Packet(_)
        | PageKind::Thanks(_)
        | PageKind::ReferThanks(_)
        | PageKind::NotFound
        | PageKind::Event(_)
        | PageKind::Insurance
        | PageKind::Trial(_)
        | PageKind::TrialThanks(_) => (None, None),
    }
}

fn form(r: &mut Reader<'_>, kind: FormKind, at: &Placement<'_>) -> Option<FormSpec> {
    forms::spec(r.for_form(at), kind, at)
}

/// The variables of the page's template.
fn variables<'a>(r: &mut Reader<'a>, page: &Page, image_sizes: &ImageSizes) -> Variables<'a> {
    let pager = page.pager.as_ref();
    match page.kind {
        PageKind::Home => Variables::Home(Home {
            services: view::nav_services(r.services()),
            locations: location_summaries(r, None),
            referral_reasons: home_reasons(r),
        }),
        PageKind::Plain | PageKind::NotFound => Variables::Plain(Plain {}),
        PageKind::SectionIndex(Section::Services) => Variables::Services(ServicesIndex {
            services: view::services_summaries(r, pager),
        }),
        PageKind::SectionIndex(Section::Referrals) => Variables::Referrals(ReferralsIndex {
            referral_groups: view::referral_groups(r, pager),
        }),
        PageKind::SectionIndex(Section::Locations) => Variables::Locations(LocationsIndex {
            locations: location_summaries(r, pager),
        }),
        PageKind::SectionIndex(Section::Physicians) => Variables::Physicians(PhysiciansIndex {
            physicians: view::physician_summaries(r, pager),
        }),
        PageKind::Service(i)
        | PageKind::Refer(i)
        | PageKind::Packet(i)
        | PageKind::ReferThanks(i) => Variables::Service(ServicePage {
            service: view::service(r, i),
        }),
        PageKind::Referral(i) => Variables::Referral(ReferralPage {
            referral: view::referral(r, i),
        }),
        PageKind::Location(i) => Variables::Location(LocationPage {
            location: view::location(r, i),
        }),
        PageKind::Physician(i) => Variables::Physician(PhysicianPage {
            physician: view::physician(r, i, image_sizes),
        }),
        PageKind::Alias { target } => Variables::Alias(AliasPage {
            redirect_to: &r.page(target).path,
        }),
        PageKind::ReferHub | PageKind::Appointment => Variables::ReferHub(ReferHub {
            services: view::refer_summaries(r, pager),
        }),
        PageKind::Thanks(form) => Variables::Thanks(Thanks {
            form_kind: form.as_str(),
            services: if form == FormKind::Referral && r.counts().0 <= r.config().build.page_size {
                view::refer_summaries(r, None)
            } else {
                Vec::new()
            },
        }),
        PageKind::SectionIndex(Section::Events) => Variables::Events(EventsIndex {
            upcoming_events: view::upcoming_events(r),
            past_events: view::past_events(r),
        }),
        PageKind::Event(i) => Variables::Event(EventPage {
            event: view::event(r, i),
        }),
        PageKind::Insurance => Variables::Insurance(InsurancePage {
            self_pay: view::self_pay(r),
        }),
        PageKind::Partners => Variables::Partners(Partners {
            liaisons: r
                .liaisons()
                .iter()
                .map(|l| view::liaison(r, l, image_sizes))
                .collect(),
            upcoming_events: view::upcoming_events(r),
        }),
        PageKind::SectionIndex(Section::Trials) => Variables::Trials(TrialsIndex {
            trials: view::trial_summaries(r),
            trial_groups: view::trial_groups(r),
        }),
        PageKind::Trial(i) | PageKind::TrialThanks(i) => Variables::Trial(TrialPage {
            trial: view::trial(r, i),
        }),
        PageKind::ServiceLocation { service, location } => {
            Variables::ServiceLocation(Box::new(ServiceLocationPage {
                service: view::service_at(r, service, Some(location)),
                location: view::location_place(r, location),
                physicians: view::physicians_at(r, service, location),
                availability: r
                    .service(service)
                    .availability_at(location)
                    .map(view::availability),
            }))
        }
    }
}

fn location_summaries<'a>(r: &Reader<'a>, pager: Option<&Pager>) -> Vec<LocationSummary<'a>> {
    let all = r.locations();
    let range = pager.map_or(0..all.len(), |p| p.range(all.len()));
    all[range].iter().map(view::location_summary).collect()
}

/// The first reasons by weight, then title.
fn home_reasons<'a>(r: &mut Reader<'a>) -> Vec<ReasonSummary<'a>> {
    let mut reasons: Vec<&Referral> = r.referrals().iter().collect();
    reasons.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
    reasons
        .into_iter()
        .take(HOME_REASONS)
        .map(view::reason_summary)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::model::Site;
    use crate::render::{jsonld, reads};

    const CONTEXT_MD: &str = include_str!("../../themes/clinic/CONTEXT.md");

    /// The example site, resolved.
    fn example() -> crate::Prepared {
        crate::example()
    }

    /// The identifiers written in backticks in `text` (`form`, not
    /// `"referral"` or `.hero`).
    fn names(text: &str) -> BTreeSet<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(str::to_owned)
            .collect()
    }

    /// One row of CONTEXT.md's table of templates.
    struct Row {
        kind: String,
        variables: BTreeSet<String>,
    }

    /// What CONTEXT.md says every template sees, and its table by template.
    fn documented() -> (BTreeSet<String>, BTreeMap<String, Row>) {
        let section = CONTEXT_MD
            .split("\n## ")
            .find(|s| s.starts_with("Templates handoff renders"))
            .unwrap();
        let every = section
            .split("\n\n")
            .find(|p| p.starts_with("Every template sees"))
            .unwrap();
        let mut rows = BTreeMap::new();
        let table = section
            .lines()
            .skip_while(|l| !l.starts_with("| template |"))
            .take_while(|l| l.starts_with('|'));
        for line in table.filter(|l| l.starts_with("| `")) {
            // `\|` inside a cell is text, not a column.
            let cells: Vec<String> = line
                .replace("\\|", "/")
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect();
            let [_, template, _, kind, variables, _] = &cells[..] else {
                panic!("a row of the table has not 4 columns: {line}");
            };
            rows.insert(
                template.trim_matches('`').to_owned(),
                Row {
                    kind: kind.trim_matches('`').to_owned(),
                    variables: names(variables),
                },
            );
        }
        (names(every), rows)
    }

    #[test]
    fn every_context_is_the_one_context_md_documents() {
        let (every, rows) = documented();
        assert!(
            ["site", "theme", "page", "form", "appointment_form"]
                .iter()
                .all(|v| every.contains(*v)),
            "{every:?}"
        );
        let prepared = example();
        let site = &prepared.site;
        let mut seen = BTreeSet::new();
        for page in &site.pages {
            let k = kind(page.kind);
            let row = rows
                .get(k.template)
                .unwrap_or_else(|| panic!("CONTEXT.md has no row for `{}`", k.template));
            assert_eq!(row.kind, k.name, "`page.kind` of `{}`", k.template);
            let context = context(
                &mut Reader::new(site),
                page,
                "",
                RenderOptions::default(),
                &prepared.assets.image_sizes,
            );
            let value = serde_json::to_value(&context).unwrap();
            let mut keys: BTreeSet<String> = value.as_object().unwrap().keys().cloned().collect();
            // The variables of every page that `render` adds once.
            keys.extend(["site".to_owned(), "theme".to_owned()]);
            let expected: BTreeSet<String> = every.union(&row.variables).cloned().collect();
            assert_eq!(
                keys, expected,
                "the context of {} (`{}`)",
                page.path, k.template
            );
            seen.insert(k.template);
        }
        let documented: BTreeSet<&str> = rows.keys().map(String::as_str).collect();
        assert_eq!(
            seen, documented,
            "the example site has a page of every documented template"
        );
    }

    #[test]
    fn graphs_keep_their_keys_in_byte_order() {
        let prepared = example();
        for page in &prepared.site.pages {
            let graph = jsonld::page_graph(&prepared.site, page);
            // Without `preserve_order`, serde_json's maps sort their keys.
            let sorted: serde_json::Value = serde_json::from_str(&graph).unwrap();
            assert_eq!(
                jsonld::escape_for_script(&sorted.to_string()),
                graph,
                "{}",
                page.path
            );
        }
    }

    /// What a page of `kind` reads, from `Reader` while its context is built.
    fn reads_of(site: &Site, kind: PageKind) -> reads::Reads {
        let page = site.pages.iter().find(|p| p.kind == kind).unwrap();
        let mut r = Reader::new(site);
        context(
            &mut r,
            page,
            "",
            RenderOptions::default(),
            &ImageSizes::new(),
        );
        r.into_reads()
    }

    /// A service line's page at a location reads that line, not every line
    /// seen there: at 50,000 pages each of 20,000 such pages read 4,000
    /// lines (1.9 GB of notes and a build twice as long).
    #[test]
    fn a_service_line_at_a_location_reads_that_line_only() {
        let prepared = example();
        let old = &prepared.site;
        let (service, location) = old
            .pages
            .iter()
            .find_map(|p| match p.kind {
                PageKind::ServiceLocation { service, location } => Some((service, location)),
                _ => None,
            })
            .expect("the example site has a service line at two locations");
        let other = *old.locations[location]
            .services
            .iter()
            .find(|&&s| s != service)
            .expect("another service line at that location");
        let mut new = old.clone();
        new.services[other].title.push_str(" (edited)");
        let changed = reads::Changed::between(old, &new);
        let page = PageKind::ServiceLocation { service, location };
        assert!(!reads_of(old, page).touches(&changed));
        new.services[service].title.push_str(" (edited)");
        let changed = reads::Changed::between(old, &new);
        assert!(reads_of(old, page).touches(&changed));
    }

    #[test]
    fn a_page_reads_what_its_context_shows() {
        let prepared = example();
        let old = &prepared.site;
        let mut new = old.clone();
        new.services[0].title.push_str(" (edited)");
        let changed = reads::Changed::between(old, &new);
        let other = old.services.len() - 1;
        assert!(reads_of(old, PageKind::Service(0)).touches(&changed));
        assert!(reads_of(old, PageKind::Packet(0)).touches(&changed));
        assert!(!reads_of(old, PageKind::Service(other)).touches(&changed));
        // Lists of every service line.
        assert!(reads_of(old, PageKind::ReferHub).touches(&changed));
        assert!(reads_of(old, PageKind::SectionIndex(Section::Services)).touches(&changed));
        // Pages that show no service line.
        assert!(!reads_of(old, PageKind::NotFound).touches(&changed));
        assert!(!reads_of(old, PageKind::Plain).touches(&changed));
        let reason = old.services[0].reasons[0];
        assert!(reads_of(old, PageKind::Referral(reason)).touches(&changed));
        // A page whose text types a phone number reads every referral line
        // (the numbers it links), not every service line.
        let mut moved = old.clone();
        moved.services[0].referring.phone = crate::phone::Phone::parse("+1-555-010-0999").ok();
        moved.numbers =
            crate::model::Site::published_numbers(&moved.config, &moved.locations, &moved.services);
        let line_changed = reads::Changed::between(old, &moved);
        let typed = reads_of(old, PageKind::Service(other));
        assert!(typed.touches(&line_changed));
        assert!(!reads_of(old, PageKind::NotFound).touches(&line_changed));
    }

    #[test]
    fn an_event_edit_touches_its_page_and_the_events_index_only() {
        let prepared = example();
        let old = &prepared.site;
        let mut new = old.clone();
        new.events[0].title.push_str(" (edited)");
        let changed = reads::Changed::between(old, &new);
        assert!(reads_of(old, PageKind::Event(0)).touches(&changed));
        assert!(reads_of(old, PageKind::SectionIndex(Section::Events)).touches(&changed));
        assert!(!reads_of(old, PageKind::Event(1)).touches(&changed));
        assert!(!reads_of(old, PageKind::Service(0)).touches(&changed));
        assert!(!reads_of(old, PageKind::Home).touches(&changed));
    }
}
