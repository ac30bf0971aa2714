//! The template contract: serializable views of the [`Site`] that templates
//! see (documented for theme authors in `themes/clinic/CONTEXT.md`).
//!
//! Views borrow from the model and hold display-ready values, so a renamed
//! model field never breaks a theme silently. Inline Markdown inside YAML
//! (checklist details, FAQ answers) is rendered here. A page's views reach
//! the site's entities through a [`Reader`], which notes what the page
//! read; which views a page kind gets is [`pages`]' table. No I/O.

use serde::Serialize;

mod format;
use format::specialty_label;
pub use format::{address, hours, moment, when};

use crate::content::Eligibility;
use crate::model::{
    self, Checklist, Event, Liaison, Line, Location, NAV_SERVICES, Page, PageKind, Pager, Referral,
    Service, Site, Trial, full_name,
};
use crate::phone::Phone;
use crate::render::action::ActionView;
use crate::render::reads::Reader;
use crate::render::{RenderOptions, jsonld, markdown, pages, site_files};

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub base_url: &'a str,
    pub organization: OrganizationView<'a>,
    pub nav: NavView<'a>,
    pub locations: Vec<LocationSummary<'a>>,
    /// When a patient who asked for an appointment is called (`[intake]
    /// patient_callback`), e.g. "within one business day".
    pub patient_callback: Option<&'a str>,
    /// `[extra]` of site.toml, keys free.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct OrganizationView<'a> {
    pub name: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub phone: Option<&'a Phone>,
    pub fax: Option<&'a Phone>,
    pub email: Option<&'a str>,
    pub logo: Option<&'a str>,
    pub same_as: &'a [String],
    pub privacy_policy: Option<&'a str>,
    /// The fax cover sheet's confidentiality notice.
    pub fax_notice: &'a str,
    /// The plans the practice accepts.
    pub insurance: &'a [String],
    /// `/insurance/` when the site has it (footer and appointment form
    /// link to it), else none.
    pub insurance_page: Option<&'static str>,
}

#[derive(Serialize)]
pub struct NavView<'a> {
    pub services: Vec<Link<'a>>,
    pub more_services: bool,
    pub has_physicians: bool,
    /// The site has a partner program page (`/partners/`).
    pub has_partners: bool,
}

#[derive(Serialize, Clone)]
pub struct Link<'a> {
    pub title: &'a str,
    pub path: &'a str,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub path: &'a str,
    pub permalink: String,
    pub content: &'a str,
    pub breadcrumbs: Vec<Link<'a>>,
    pub noindex: bool,
    pub updated: Option<&'a str>,
    /// The page's schema.org JSON-LD, escaped for a `<script>` element.
    pub jsonld: String,
    /// Content-Security-Policy for a `<meta>` tag on pages with a form or
    /// the analytics script.
    pub csp: Option<String>,
    /// The analytics script's settings, on pages that carry it.
    pub analytics: Option<AnalyticsView<'a>>,
    /// Absolute URL of the image for link previews: the page's `image:`,
    /// else the logo.
    pub image: Option<String>,
    /// The call and form buttons kept within reach ([`crate::render::action`]).
    pub action: ActionView<'a>,
    /// The page's `extra:` map, keys free.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// On an index page split over several pages (`[build] page_size`):
    /// which one this is and the addresses of its neighbours.
    pub pager: Option<PagerView>,
}

#[derive(Serialize)]
pub struct PagerView {
    /// This page's number, from 1.
    pub number: usize,
    pub count: usize,
    /// The path of the previous and next page, when there is one.
    pub prev: Option<String>,
    pub next: Option<String>,
}

fn pager(p: &Pager) -> PagerView {
    PagerView {
        number: p.number,
        count: p.count,
        prev: (p.number > 1).then(|| p.path(p.number - 1)),
        next: (p.number < p.count).then(|| p.path(p.number + 1)),
    }
}

/// What the theme's `js/analytics.js` needs: the provider's script and
/// account, whether to ask first, and the page's own slugs it sends with
/// each event (never anything a visitor typed).
#[derive(Serialize)]
pub struct AnalyticsView<'a> {
    /// `plausible`, `umami`, `matomo`, `ga4` or `custom`.
    pub provider: &'static str,
    /// The address of the provider's script.
    pub script: String,
    /// The account id the script is given, if the provider has one.
    pub id: Option<&'a str>,
    /// Matomo's tracker address.
    pub collect: Option<String>,
    /// The script waits for the visitor's yes.
    pub consent: bool,
    /// The service line the page is about.
    pub service: Option<&'a str>,
    /// The referral reason the page is about.
    pub reason: Option<&'a str>,
}

#[derive(Serialize)]
pub struct AddressView<'a> {
    pub street: Option<&'a str>,
    pub city: Option<&'a str>,
    pub region: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub country: Option<&'a str>,
    pub one_line: String,
}

#[derive(Serialize)]
pub struct HoursView {
    pub days: String,
    pub opens: String,
    pub closes: String,
}

#[derive(Serialize)]
pub struct LocationSummary<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub address: AddressView<'a>,
    pub phone: Option<&'a Phone>,
    pub hours: Vec<HoursView>,
}

#[derive(Serialize)]
pub struct ChecklistView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub required_count: usize,
    pub items: Vec<ItemView<'a>>,
}

#[derive(Serialize)]
pub struct ItemView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub required: bool,
    pub detail: Option<String>,
}

#[derive(Serialize)]
pub struct ContactView<'a> {
    pub role: &'a str,
    pub name: &'a str,
    pub phone: Option<&'a Phone>,
    pub email: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ReferringView<'a> {
    pub appropriate_for: &'a [String],
    pub phone: Option<&'a Phone>,
    pub fax: Option<&'a Phone>,
    pub email: Option<&'a str>,
    pub portal: Option<&'a str>,
    pub response_time: Option<&'a str>,
    /// HTML: the text, with the site's phone numbers it types as `tel:` links.
    pub urgent: Option<String>,
    /// HTML, likewise.
    pub results: Option<String>,
    /// The follow-up steps, in order, for a timeline.
    pub updates: Vec<UpdateView<'a>>,
    pub contacts: Vec<ContactView<'a>>,
}

#[derive(Serialize)]
pub struct UpdateView<'a> {
    pub step: &'a str,
    pub timing: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ReasonSummary<'a> {
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub urgency: &'static str,
    pub urgency_label: &'static str,
}

#[derive(Serialize)]
pub struct ServiceSummary<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub specialty: Option<&'a str>,
    pub reasons_count: usize,
}

#[derive(Serialize)]
pub struct ServiceView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub specialty: Option<&'a str>,
    pub specialty_label: Option<String>,
    pub checklist: Option<ChecklistView<'a>>,
    pub locations: Vec<LocationSummary<'a>>,
    pub referring: ReferringView<'a>,
    pub reasons: Vec<ReasonSummary<'a>>,
    pub physicians: Vec<Link<'a>>,
    /// What the service line says about seeing new patients, or none.
    pub availability: Option<AvailabilityView>,
    /// The same at the locations that say something of their own.
    pub availability_by_location: Vec<LocationAvailability<'a>>,
    /// The liaisons who look after this service line's referring offices.
    pub liaisons: Vec<LiaisonView<'a>>,
    /// Its clinical trials open to new participants.
    pub trials: Vec<TrialSummary<'a>>,
    /// The service line at each of its locations, with the referral line
    /// there; each links its page there where it has one.
    pub at_locations: Vec<AtLocationView<'a>>,
}

/// `availability:` as a page shows it.
#[derive(Serialize)]
pub struct AvailabilityView {
    pub accepting_new_patients: Option<bool>,
    /// "about 5 business days", or the practice's own words.
    pub new_patient_wait: Option<String>,
    pub telehealth: Option<bool>,
    /// `2026-03-01`, for `<time datetime>`.
    pub as_of: Option<String>,
    /// "March 1, 2026".
    pub as_of_label: Option<String>,
}

#[derive(Serialize)]
pub struct LocationAvailability<'a> {
    pub location: Link<'a>,
    #[serde(flatten)]
    pub availability: AvailabilityView,
}

/// A physician liaison, as the partners and refer pages show one.
#[derive(Serialize)]
pub struct LiaisonView<'a> {
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub territory: Option<&'a str>,
    pub services: Vec<Link<'a>>,
    pub phone: Option<&'a Phone>,
    pub email: Option<&'a str>,
    pub photo: Option<PhotoView<'a>>,
}

/// A service line at one of its locations.
#[derive(Serialize)]
pub struct AtLocationView<'a> {
    pub slug: &'a str,
    /// The location's name.
    pub title: &'a str,
    /// The service line's page at this location (`/services/<slug>/<location>/`)
    /// when it has one (it is seen at two or more places), else the location's page.
    pub path: String,
    /// The referral line there ([`Service::line`]).
    pub phone: Option<&'a Phone>,
    pub fax: Option<&'a Phone>,
    /// The line there is not the service line's own: pages list it.
    pub own_line: bool,
}

/// A service line seen at a location, linked to its page there when it
/// has one, else to its own page.
#[derive(Serialize)]
pub struct ServiceHere<'a> {
    pub title: &'a str,
    pub path: String,
}

#[derive(Serialize)]
pub struct FaqView<'a> {
    pub q: &'a str,
    pub a: String,
}

#[derive(Serialize)]
pub struct ReferralView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub service: ServiceSummary<'a>,
    pub checklist: Option<ChecklistView<'a>>,
    pub urgency: &'static str,
    pub urgency_label: &'static str,
    pub audience: &'static str,
    pub criteria: &'a [String],
    pub exclusions: &'a [String],
    pub faq: Vec<FaqView<'a>>,
    pub referring: ReferringView<'a>,
}

#[derive(Serialize)]
pub struct GeoView {
    pub lat: f64,
    pub lng: f64,
}

#[derive(Serialize)]
pub struct LocationView<'a> {
    #[serde(flatten)]
    pub place: PlaceView<'a>,
    pub services: Vec<Link<'a>>,
    pub physicians: Vec<Link<'a>>,
    /// `services`, each linked to its page at this location where it has one.
    pub services_here: Vec<ServiceHere<'a>>,
}

/// A location without its lists of service lines and physicians: what a
/// page about one service line there shows (a location's list grows with
/// the site; a page's weight must not).
#[derive(Serialize)]
pub struct PlaceView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub address: AddressView<'a>,
    pub phone: Option<&'a Phone>,
    pub fax: Option<&'a Phone>,
    pub geo: Option<GeoView>,
    pub hours: Vec<HoursView>,
    /// The location's own line for referring offices, if it has one.
    pub referral_phone: Option<&'a Phone>,
    pub referral_fax: Option<&'a Phone>,
    /// Plain text: where to park, and how to get in.
    pub parking: Option<&'a str>,
    pub access: Option<&'a str>,
}

#[derive(Serialize)]
pub struct PhotoView<'a> {
    pub src: &'a str,
    pub alt: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Serialize)]
pub struct PhysicianView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub honorific: Option<&'a str>,
    pub credentials: Option<&'a str>,
    pub full_name: String,
    pub services: Vec<Link<'a>>,
    pub locations: Vec<LocationSummary<'a>>,
    pub accepting_new_patients: Option<bool>,
    pub photo: Option<PhotoView<'a>>,
}

#[derive(Serialize)]
pub struct ReferralGroup<'a> {
    pub service: ServiceSummary<'a>,
    pub reasons: Vec<ReasonSummary<'a>>,
}

#[derive(Serialize)]
pub struct PhysicianSummary<'a> {
    pub title: &'a str,
    pub path: &'a str,
    pub full_name: String,
    pub credentials: Option<&'a str>,
    pub services: Vec<Link<'a>>,
    pub accepting_new_patients: Option<bool>,
}

/// A start or end of an event, in the event's own clock time.
#[derive(Serialize)]
pub struct MomentView {
    /// `2026-03-14T08:00:00-05:00`, for `<time datetime>`.
    pub iso: String,
    /// "Saturday, March 14, 2026"
    pub date: String,
    /// "8:00 AM"
    pub time: String,
}

/// An event in a list (`/events/`, and any page that promotes events).
#[derive(Serialize)]
pub struct EventSummary<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub starts: MomentView,
    pub ends: MomentView,
    /// "Saturday, March 14, 2026, 8:00 AM – 10:00 AM (UTC−05:00)"
    pub when: String,
    /// The location's name, "Online", or both ("Riverbend Cancer Center and online").
    pub place: Option<String>,
    pub credits: Option<&'a str>,
    pub upcoming: bool,
}

#[derive(Serialize)]
pub struct EventView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub starts: MomentView,
    pub ends: MomentView,
    pub when: String,
    pub location: Option<LocationSummary<'a>>,
    /// The online session's `https://` address.
    pub online: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub credits: Option<&'a str>,
    /// The registration page's `https://` address.
    pub registration: Option<&'a str>,
    pub services: Vec<Link<'a>>,
    /// `/events/<slug>.ics`, the "Add to calendar" file.
    pub ics_path: String,
    pub upcoming: bool,
}

/// One service line as the `/refer/` hub and thanks pages compare them.
#[derive(Serialize)]
pub struct ReferSummary<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub refer_path: String,
    pub packet_path: String,
    /// Where its referrals land: its next steps and timing.
    pub thanks_path: String,
    pub response_time: Option<&'a str>,
    pub phone: Option<&'a Phone>,
    pub fax: Option<&'a Phone>,
    pub email: Option<&'a str>,
    pub portal: Option<&'a str>,
    pub urgent: Option<&'a str>,
    /// Labels of the required checklist items.
    pub required_items: Vec<&'a str>,
    pub items_count: usize,
}

/// A clinical trial in a list.
#[derive(Serialize)]
pub struct TrialSummary<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub nct_id: Option<&'a str>,
    /// As ClinicalTrials.gov writes it: "Phase 2".
    pub phase: Option<&'static str>,
    /// `recruiting`, `not-yet-recruiting`, `active-not-recruiting`, `completed`.
    pub status: Option<&'static str>,
    /// As the registry writes it: "Active, not recruiting".
    pub status_label: Option<&'static str>,
    pub recruiting: bool,
}

/// A clinical trial's page.
#[derive(Serialize)]
pub struct TrialView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub nct_id: Option<&'a str>,
    /// `https://clinicaltrials.gov/study/<nct_id>`.
    pub registry_url: Option<String>,
    pub phase: Option<&'static str>,
    pub status: Option<&'static str>,
    pub status_label: Option<&'static str>,
    pub recruiting: bool,
    /// Recruiting, or about to: its page asks the trial team.
    pub takes_questions: bool,
    pub services: Vec<Link<'a>>,
    pub locations: Vec<LocationSummary<'a>>,
    /// Criteria written as a list, each as inline HTML.
    pub eligibility: Vec<String>,
    /// Criteria written as Markdown, as HTML.
    pub eligibility_html: Option<String>,
    pub contact: Option<ContactView<'a>>,
    /// Where a question sent from its page lands.
    pub thanks_path: String,
}

/// The trials of one service line on `/trials/`; `service` is none for
/// the trials of no line.
#[derive(Serialize)]
pub struct TrialGroup<'a> {
    pub service: Option<Link<'a>>,
    /// An id for the group's heading, for the page's list of links.
    pub anchor: String,
    pub trials: Vec<TrialSummary<'a>>,
}

pub fn site(site: &Site) -> SiteView<'_> {
    let c = &site.config;
    let o = &c.organization;
    SiteView {
        title: &c.title,
        description: c.description.as_deref(),
        language: &c.language,
        base_url: c.base_url.as_str(),
        organization: OrganizationView {
            name: &o.name,
            kind: o.kind.as_str(),
            phone: o.phone.as_ref(),
            fax: o.fax.as_ref(),
            email: o.email.as_deref(),
            logo: o.logo.as_deref(),
            same_as: &o.same_as,
            privacy_policy: o.privacy_policy.as_deref(),
            fax_notice: &o.fax_notice,
            insurance: &o.insurance,
            insurance_page: o.has_insurance_page().then_some(model::INSURANCE_PATH),
        },
        nav: NavView {
            services: nav_services(&site.services),
            more_services: site.services.len() > NAV_SERVICES,
            has_physicians: !site.physicians.is_empty(),
            has_partners: site
                .pages
                .iter()
                .any(|p| p.kind == model::PageKind::Partners),
        },
        locations: site.locations.iter().map(location_summary).collect(),
        patient_callback: c
            .intake
            .as_ref()
            .and_then(|i| i.patient_callback.as_deref()),
        extra: &c.extra,
    }
}

/// The service lines the navigation shows.
pub fn nav_services(services: &[Service]) -> Vec<Link<'_>> {
    services
        .iter()
        .take(NAV_SERVICES)
        .map(link_service)
        .collect()
}

pub fn page<'a>(
    r: &mut Reader<'a>,
    page: &'a Page,
    content: &'a str,
    opts: RenderOptions,
    has_form: bool,
    action: ActionView<'a>,
) -> PageView<'a> {
    let config = r.config();
    let analytics = analytics(r, page, has_form);
    let image = page
        .image
        .as_deref()
        .or(config.organization.logo.as_deref())
        .map(|l| {
            if l.starts_with("https://") {
                l.to_owned()
            } else {
                config.base_url.join(l)
            }
        });
    PageView {
        kind: pages::kind(page.kind).name,
        title: &page.title,
        description: page.description.as_deref(),
        path: &page.path,
        permalink: config.base_url.join(&page.path),
        content,
        breadcrumbs: page
            .breadcrumbs
            .iter()
            .map(|c| Link {
                title: &c.title,
                path: &c.path,
            })
            .collect(),
        noindex: page.noindex || opts.preview,
        updated: page.updated.as_deref(),
        jsonld: jsonld::graph(r, page),
        csp: (has_form || analytics.is_some())
            .then(|| site_files::csp(config, true, analytics.is_some())),
        analytics,
        image,
        action,
        extra: &page.extra,
        pager: page.pager.as_ref().map(pager),
    }
}

/// The analytics settings of a page that carries the script.
fn analytics<'a>(r: &mut Reader<'a>, page: &Page, has_form: bool) -> Option<AnalyticsView<'a>> {
    let config = r.config();
    let a = config.analytics.as_ref()?;
    if !site_files::carries_analytics(config, has_form) {
        return None;
    }
    let (service, reason) = match page.kind {
        PageKind::Service(i)
        | PageKind::Refer(i)
        | PageKind::Packet(i)
        | PageKind::ReferThanks(i) => (Some(r.service(i).slug.as_str()), None),
        PageKind::Referral(i) => {
            let reason = r.referral(i);
            (
                Some(r.service(reason.service).slug.as_str()),
                Some(reason.slug.as_str()),
            )
        }
        _ => (None, None),
    };
    Some(AnalyticsView {
        provider: a.provider.name(),
        script: a.provider.script(),
        id: a.provider.id(),
        collect: a.provider.collect(),
        consent: a.consent_required,
        service,
        reason,
    })
}

pub fn location_summary(l: &Location) -> LocationSummary<'_> {
    LocationSummary {
        slug: &l.slug,
        title: &l.title,
        path: &l.path,
        address: address(&l.address),
        phone: l.phone.as_ref(),
        hours: l.hours.iter().map(hours).collect(),
    }
}

fn location_summaries<'a>(r: &Reader<'a>, locations: &[usize]) -> Vec<LocationSummary<'a>> {
    locations
        .iter()
        .map(|&l| location_summary(r.location(l)))
        .collect()
}

pub fn checklist<'a>(r: &mut Reader<'a>, id: Option<&str>) -> Option<ChecklistView<'a>> {
    let c: &'a Checklist = r.checklist(id?)?;
    let mut item = |i: &'a model::ChecklistItem| ItemView {
        id: &i.id,
        label: &i.label,
        required: i.required,
        detail: i.detail.as_deref().map(|d| inline_markdown(r, d)),
    };
    let mut items: Vec<ItemView<'a>> = c
        .items
        .iter()
        .filter(|i| i.required)
        .map(|i| item(i))
        .collect();
    let required_count = items.len();
    items.extend(c.items.iter().filter(|i| !i.required).map(|i| item(i)));
    Some(ChecklistView {
        id: &c.id,
        title: &c.title,
        required_count,
        items,
    })
}

/// Inline Markdown written in YAML (a checklist detail, an FAQ answer) as
/// HTML, the site's phone numbers it types as `tel:` links.
/// `[organization] self_pay` as HTML, its phone numbers linked.
pub fn self_pay(r: &mut Reader<'_>) -> Option<String> {
    let text = r.config().organization.self_pay.as_deref()?;
    let numbers = r.numbers_in(text);
    Some(markdown::render_linking(text, numbers).html)
}

fn inline_markdown(r: &mut Reader<'_>, text: &str) -> String {
    let numbers = r.numbers_in(text);
    markdown::render_inline_linking(text, numbers).html
}

pub fn referring<'a>(reader: &mut Reader<'a>, s: &'a Service) -> ReferringView<'a> {
    referring_with(reader, s, s.line(None))
}

/// A service line's referring section with the referral line `line` (the
/// one at a location, on its page there).
fn referring_with<'a>(
    reader: &mut Reader<'a>,
    s: &'a Service,
    line: Line<'a>,
) -> ReferringView<'a> {
    let r = &s.referring;
    ReferringView {
        appropriate_for: &r.appropriate_for,
        phone: line.phone,
        fax: line.fax,
        email: r.email.as_deref(),
        portal: r.portal.as_deref(),
        response_time: r.response_time.as_deref(),
        urgent: r.urgent.as_deref().map(|t| reader.link_numbers(t)),
        results: r.results.as_deref().map(|t| reader.link_numbers(t)),
        updates: r
            .updates
            .iter()
            .map(|u| UpdateView {
                step: &u.step,
                timing: u.timing.as_deref(),
            })
            .collect(),
        contacts: line
            .contacts
            .iter()
            .map(|c| ContactView {
                role: &c.role,
                name: &c.name,
                phone: c.phone.as_ref(),
                email: c.email.as_deref(),
            })
            .collect(),
    }
}

pub fn reason_summary(r: &Referral) -> ReasonSummary<'_> {
    ReasonSummary {
        title: &r.title,
        path: &r.path,
        description: r.description.as_deref(),
        urgency: r.urgency.as_str(),
        urgency_label: r.urgency.label(),
    }
}

fn reason_summaries<'a>(r: &mut Reader<'a>, reasons: &[usize]) -> Vec<ReasonSummary<'a>> {
    reasons
        .iter()
        .map(|&i| reason_summary(r.referral(i)))
        .collect()
}

pub fn service_summary(s: &Service) -> ServiceSummary<'_> {
    ServiceSummary {
        slug: &s.slug,
        title: &s.title,
        path: &s.path,
        description: s.description.as_deref(),
        specialty: s.specialty.as_deref(),
        reasons_count: s.reasons.len(),
    }
}

fn link_service(s: &Service) -> Link<'_> {
    Link {
        title: &s.title,
        path: &s.path,
    }
}

fn service_links<'a>(r: &mut Reader<'a>, services: &[usize]) -> Vec<Link<'a>> {
    services
        .iter()
        .map(|&s| link_service(r.service(s)))
        .collect()
}

fn physician_links<'a>(r: &mut Reader<'a>, physicians: &[usize]) -> Vec<Link<'a>> {
    physicians
        .iter()
        .map(|&p| {
            let p = r.physician(p);
            Link {
                title: &p.title,
                path: &p.path,
            }
        })
        .collect()
}

/// A service line's availability, in words.
pub fn availability(a: &crate::content::Availability) -> AvailabilityView {
    AvailabilityView {
        accepting_new_patients: a.accepting_new_patients,
        new_patient_wait: a.new_patient_wait.as_ref().map(format::wait),
        telehealth: a.telehealth,
        as_of: a.as_of.as_ref().map(|d| d.value.to_string()),
        as_of_label: a.as_of.as_ref().map(|d| format::day(d.value)),
    }
}

pub fn service<'a>(r: &mut Reader<'a>, i: usize) -> ServiceView<'a> {
    service_at(r, i, None)
}

/// A service line's view, its referral line the one at location `at`
/// (an index into the locations) where a page is about it there.
pub fn service_at<'a>(r: &mut Reader<'a>, i: usize, at: Option<usize>) -> ServiceView<'a> {
    let s = r.service(i);
    let availability_by_location = s
        .availability_by_location
        .iter()
        .map(|(l, a)| {
            let l = r.location(*l);
            LocationAvailability {
                location: Link {
                    title: &l.title,
                    path: &l.path,
                },
                availability: availability(a),
            }
        })
        .collect();
    let line = s.line(at.map(|l| (l, r.location(l))));
    ServiceView {
        slug: &s.slug,
        title: &s.title,
        path: &s.path,
        description: s.description.as_deref(),
        specialty: s.specialty.as_deref(),
        specialty_label: s.specialty.as_deref().map(specialty_label),
        checklist: checklist(r, s.checklist.as_deref()),
        locations: location_summaries(r, &s.locations),
        referring: referring_with(r, s, line),
        reasons: reason_summaries(r, &s.reasons),
        physicians: physician_links(r, &s.physicians),
        availability: s.availability.as_ref().map(availability),
        availability_by_location,
        liaisons: r
            .liaisons_of(i)
            .into_iter()
            .map(|l| liaison(r, l, &ImageSizes::new()))
            .collect(),
        trials: s
            .trials
            .iter()
            .map(|&t| r.trial(t))
            .filter(|t| t.recruiting())
            .map(trial_summary)
            .collect(),
        at_locations: at_locations(r, s),
    }
}

/// A liaison; the photo's size from `sizes` (none when unknown).
pub fn liaison<'a>(r: &mut Reader<'a>, l: &'a Liaison, sizes: &ImageSizes) -> LiaisonView<'a> {
    LiaisonView {
        name: &l.name,
        role: l.role.as_deref(),
        territory: l.territory.as_deref(),
        services: service_links(r, &l.services),
        phone: l.phone.as_ref(),
        email: l.email.as_deref(),
        photo: l
            .photo
            .as_deref()
            .map(|src| photo(src, format!("Portrait of {}", l.name), sizes)),
    }
}

/// A photo with its file's size, when known: without it (a remote or
/// missing file) the photo has no width/height rather than wrong ones.
fn photo<'a>(src: &'a str, alt: String, sizes: &ImageSizes) -> PhotoView<'a> {
    let size = sizes.get(src).copied();
    PhotoView {
        src,
        alt,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    }
}

/// The service line at each of its locations, with the line there.
fn at_locations<'a>(r: &Reader<'a>, s: &'a Service) -> Vec<AtLocationView<'a>> {
    let anywhere = s.line(None);
    s.locations
        .iter()
        .map(|&l| {
            let location = r.location(l);
            let line = s.line(Some((l, location)));
            AtLocationView {
                slug: &location.slug,
                title: &location.title,
                path: if s.has_location_pages() {
                    s.at_location_path(location)
                } else {
                    location.path.clone()
                },
                phone: line.phone,
                fax: line.fax,
                own_line: line != anywhere,
            }
        })
        .collect()
}

/// The physicians who see service line `s` at location `l`.
pub fn physicians_at<'a>(r: &mut Reader<'a>, s: usize, l: usize) -> Vec<Link<'a>> {
    let here = &r.location(l).physicians;
    let both: Vec<usize> = r
        .service(s)
        .physicians
        .iter()
        .copied()
        .filter(|p| here.contains(p))
        .collect();
    physician_links(r, &both)
}

/// The service lines an index page lists: `page`'s share of them.
pub fn services_summaries<'a>(r: &mut Reader<'a>, page: Option<&Pager>) -> Vec<ServiceSummary<'a>> {
    share(page, r.counts().0)
        .map(|i| service_summary(r.service(i)))
        .collect()
}

/// The entries of `len` a page lists: all of them, or its pager's share.
fn share(page: Option<&Pager>, len: usize) -> std::ops::Range<usize> {
    page.map_or(0..len, |p| p.range(len))
}

pub fn referral<'a>(r: &mut Reader<'a>, i: usize) -> ReferralView<'a> {
    let reason = r.referral(i);
    let s = r.service(reason.service);
    ReferralView {
        slug: &reason.slug,
        title: &reason.title,
        path: &reason.path,
        description: reason.description.as_deref(),
        service: service_summary(s),
        checklist: checklist(r, reason.checklist.as_deref()),
        urgency: reason.urgency.as_str(),
        urgency_label: reason.urgency.label(),
        audience: reason.audience.as_str(),
        criteria: &reason.criteria,
        exclusions: &reason.exclusions,
        faq: reason
            .faq
            .iter()
            .map(|f| FaqView {
                q: &f.q,
                a: inline_markdown(r, &f.a),
            })
            .collect(),
        referring: referring(r, s),
    }
}

pub fn location<'a>(r: &mut Reader<'a>, i: usize) -> LocationView<'a> {
    let l = r.location(i);
    LocationView {
        place: location_place(r, i),
        services: service_links(r, &l.services),
        physicians: physician_links(r, &l.physicians),
        services_here: l
            .services
            .iter()
            .map(|&i| {
                let s = r.service(i);
                ServiceHere {
                    title: &s.title,
                    path: if s.has_location_pages() {
                        s.at_location_path(l)
                    } else {
                        s.path.clone()
                    },
                }
            })
            .collect(),
    }
}

/// Location `i` without its lists ([`PlaceView`]).
pub fn location_place<'a>(r: &Reader<'a>, i: usize) -> PlaceView<'a> {
    let l = r.location(i);
    PlaceView {
        slug: &l.slug,
        title: &l.title,
        path: &l.path,
        description: l.description.as_deref(),
        address: address(&l.address),
        phone: l.phone.as_ref(),
        fax: l.fax.as_ref(),
        geo: l.geo.map(|g| GeoView {
            lat: g.lat,
            lng: g.lng,
        }),
        hours: l.hours.iter().map(hours).collect(),
        referral_phone: l.referral_phone.as_ref(),
        referral_fax: l.referral_fax.as_ref(),
        parking: l.parking.as_deref(),
        access: l.access.as_deref(),
    }
}

/// Image sizes by URL path, from `Assets::image_sizes`.
pub type ImageSizes = std::collections::BTreeMap<String, (u32, u32)>;

pub fn physician<'a>(r: &mut Reader<'a>, i: usize, sizes: &ImageSizes) -> PhysicianView<'a> {
    let p = r.physician(i);
    PhysicianView {
        slug: &p.slug,
        title: &p.title,
        path: &p.path,
        description: p.description.as_deref(),
        honorific: p.honorific.as_deref(),
        credentials: p.credentials.as_deref(),
        full_name: full_name(p),
        services: service_links(r, &p.services),
        locations: location_summaries(r, &p.locations),
        accepting_new_patients: p.accepting_new_patients,
        photo: p
            .photo
            .as_deref()
            .map(|src| photo(src, format!("Portrait of {}", full_name(p)), sizes)),
    }
}

pub fn physician_summaries<'a>(
    r: &mut Reader<'a>,
    page: Option<&Pager>,
) -> Vec<PhysicianSummary<'a>> {
    share(page, r.counts().2)
        .map(|i| r.physician(i))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|p| PhysicianSummary {
            title: &p.title,
            path: &p.path,
            full_name: full_name(p),
            credentials: p.credentials.as_deref(),
            services: service_links(r, &p.services),
            accepting_new_patients: p.accepting_new_patients,
        })
        .collect()
}

/// The reasons by service line, in the services' order: on a page of a
/// paginated index, its share of the reasons, each under its service (a
/// service whose reasons span two pages heads its group on both).
pub fn referral_groups<'a>(r: &mut Reader<'a>, page: Option<&Pager>) -> Vec<ReferralGroup<'a>> {
    let counts = r.reason_counts();
    let wanted = share(page, counts.iter().sum());
    let mut groups = Vec::new();
    let mut first = 0;
    for (i, count) in counts.into_iter().enumerate() {
        let (from, to) = (first, first + count);
        first = to;
        let (start, end) = (from.max(wanted.start), to.min(wanted.end));
        if start < end {
            let s = r.service(i);
            groups.push(ReferralGroup {
                service: service_summary(s),
                reasons: reason_summaries(r, &s.reasons[start - from..end - from]),
            });
        }
    }
    groups
}

/// Every service line as the `/refer/` hub, the appointment and the
/// thanks pages compare them.
pub fn refer_summaries<'a>(r: &mut Reader<'a>, page: Option<&Pager>) -> Vec<ReferSummary<'a>> {
    share(page, r.counts().0)
        .map(|i| {
            let s = r.service(i);
            refer_summary(r, s)
        })
        .collect()
}

fn refer_summary<'a>(r: &mut Reader<'a>, s: &'a Service) -> ReferSummary<'a> {
    let checklist = s.checklist.as_deref().and_then(|id| r.checklist(id));
    ReferSummary {
        slug: &s.slug,
        title: &s.title,
        path: &s.path,
        refer_path: s.refer_path(),
        packet_path: format!("{}refer/packet/", s.path),
        thanks_path: s.thanks_path(),
        response_time: s.referring.response_time.as_deref(),
        phone: s.referring.phone.as_ref(),
        fax: s.referring.fax.as_ref(),
        email: s.referring.email.as_deref(),
        portal: s.referring.portal.as_deref(),
        urgent: s.referring.urgent.as_deref(),
        required_items: checklist
            .map(|c| {
                c.items
                    .iter()
                    .filter(|i| i.required)
                    .map(|i| i.label.as_str())
                    .collect()
            })
            .unwrap_or_default(),
        items_count: checklist.map_or(0, |c| c.items.len()),
    }
}

/// The event's place in words: its location's name, "Online", or both.
fn place(r: &Reader<'_>, e: &Event) -> Option<String> {
    let location = e.location.map(|l| r.location(l).title.as_str());
    match (location, e.online.is_some()) {
        (Some(l), true) => Some(format!("{l} and online")),
        (Some(l), false) => Some(l.to_owned()),
        (None, true) => Some("Online".to_owned()),
        (None, false) => None,
    }
}

pub fn event_summary<'a>(r: &Reader<'a>, e: &'a Event) -> EventSummary<'a> {
    EventSummary {
        slug: &e.slug,
        title: &e.title,
        path: &e.path,
        description: e.description.as_deref(),
        starts: moment(e.starts),
        ends: moment(e.ends),
        when: when(e.starts, e.ends),
        place: place(r, e),
        credits: e.credits.as_deref(),
        upcoming: e.is_upcoming(r.now()),
    }
}

/// The events that have not ended, soonest first, as a list shows them.
pub fn upcoming_events<'a>(r: &mut Reader<'a>) -> Vec<EventSummary<'a>> {
    let events = r.upcoming_events();
    events.into_iter().map(|e| event_summary(r, e)).collect()
}

/// The events that have ended, most recent first.
pub fn past_events<'a>(r: &mut Reader<'a>) -> Vec<EventSummary<'a>> {
    let events = r.past_events();
    events.into_iter().map(|e| event_summary(r, e)).collect()
}

pub fn event<'a>(r: &mut Reader<'a>, i: usize) -> EventView<'a> {
    let e = r.event(i);
    EventView {
        slug: &e.slug,
        title: &e.title,
        path: &e.path,
        description: e.description.as_deref(),
        starts: moment(e.starts),
        ends: moment(e.ends),
        when: when(e.starts, e.ends),
        location: e.location.map(|l| location_summary(r.location(l))),
        online: e.online.as_deref(),
        audience: e.audience.as_deref(),
        credits: e.credits.as_deref(),
        registration: e.registration.as_deref(),
        services: service_links(r, &e.services),
        ics_path: e.ics_path(),
        upcoming: e.is_upcoming(r.now()),
    }
}

pub fn trial_summary(t: &Trial) -> TrialSummary<'_> {
    TrialSummary {
        slug: &t.slug,
        title: &t.title,
        path: &t.path,
        description: t.description.as_deref(),
        nct_id: t.nct_id.as_deref(),
        phase: t.phase,
        status: t.status.map(|s| s.as_str()),
        status_label: t.status.map(|s| s.label()),
        recruiting: t.recruiting(),
    }
}

/// Every trial, recruiting first (the site's order).
pub fn trial_summaries<'a>(r: &Reader<'a>) -> Vec<TrialSummary<'a>> {
    r.trials().iter().map(trial_summary).collect()
}

/// The trials by service line, in the order of the lines, then the trials
/// of no line; each group recruiting first.
pub fn trial_groups<'a>(r: &mut Reader<'a>) -> Vec<TrialGroup<'a>> {
    let trials = r.trials();
    let mut groups: Vec<TrialGroup<'a>> = r
        .services()
        .iter()
        .filter(|s| !s.trials.is_empty())
        .map(|s| TrialGroup {
            service: Some(link_service(s)),
            anchor: format!("trials-{}", s.slug),
            trials: s
                .trials
                .iter()
                .map(|&t| trial_summary(&trials[t]))
                .collect(),
        })
        .collect();
    let unfiled: Vec<TrialSummary<'a>> = trials
        .iter()
        .filter(|t| t.services.is_empty())
        .map(trial_summary)
        .collect();
    if !unfiled.is_empty() {
        groups.push(TrialGroup {
            service: None,
            anchor: "trials-other".to_owned(),
            trials: unfiled,
        });
    }
    groups
}

pub fn trial<'a>(r: &mut Reader<'a>, i: usize) -> TrialView<'a> {
    let t = r.trial(i);
    let (eligibility, eligibility_html) = match &t.eligibility {
        Some(Eligibility::List(items)) => {
            (items.iter().map(|c| inline_markdown(r, c)).collect(), None)
        }
        Some(Eligibility::Text(text)) => {
            let numbers = r.numbers_in(text);
            (
                Vec::new(),
                Some(markdown::render_linking(text, numbers).html),
            )
        }
        None => (Vec::new(), None),
    };
    TrialView {
        slug: &t.slug,
        title: &t.title,
        path: &t.path,
        description: t.description.as_deref(),
        nct_id: t.nct_id.as_deref(),
        registry_url: t.registry_url(),
        phase: t.phase,
        status: t.status.map(|s| s.as_str()),
        status_label: t.status.map(|s| s.label()),
        recruiting: t.recruiting(),
        takes_questions: t.takes_questions(),
        services: service_links(r, &t.services),
        locations: location_summaries(r, &t.locations),
        eligibility,
        eligibility_html,
        contact: t.contact.as_ref().map(|c| ContactView {
            role: &c.role,
            name: &c.name,
            phone: c.phone.as_ref(),
            email: c.email.as_deref(),
        }),
        thanks_path: t.thanks_path(),
    }
}
