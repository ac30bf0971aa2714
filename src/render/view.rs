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
pub use format::{address, hours};

use crate::model::{
    self, Checklist, Location, NAV_SERVICES, Page, Pager, Referral, Service, Site, full_name,
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
}

#[derive(Serialize)]
pub struct NavView<'a> {
    pub services: Vec<Link<'a>>,
    pub more_services: bool,
    pub has_physicians: bool,
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
    /// Content-Security-Policy for a `<meta>` tag on pages with a form.
    pub csp: Option<String>,
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
    pub slug: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub address: AddressView<'a>,
    pub phone: Option<&'a Phone>,
    pub fax: Option<&'a Phone>,
    pub geo: Option<GeoView>,
    pub hours: Vec<HoursView>,
    pub services: Vec<Link<'a>>,
    pub physicians: Vec<Link<'a>>,
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
        },
        nav: NavView {
            services: nav_services(&site.services),
            more_services: site.services.len() > NAV_SERVICES,
            has_physicians: !site.physicians.is_empty(),
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
        csp: has_form.then(|| site_files::csp(config, true)),
        image,
        action,
        extra: &page.extra,
        pager: page.pager.as_ref().map(pager),
    }
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
fn inline_markdown(r: &mut Reader<'_>, text: &str) -> String {
    let numbers = r.numbers_in(text);
    markdown::render_inline_linking(text, &numbers).html
}

pub fn referring<'a>(reader: &mut Reader<'a>, s: &'a Service) -> ReferringView<'a> {
    let r = &s.referring;
    ReferringView {
        appropriate_for: &r.appropriate_for,
        phone: r.phone.as_ref(),
        fax: r.fax.as_ref(),
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
        contacts: r
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

pub fn service<'a>(r: &mut Reader<'a>, i: usize) -> ServiceView<'a> {
    let s = r.service(i);
    ServiceView {
        slug: &s.slug,
        title: &s.title,
        path: &s.path,
        description: s.description.as_deref(),
        specialty: s.specialty.as_deref(),
        specialty_label: s.specialty.as_deref().map(specialty_label),
        checklist: checklist(r, s.checklist.as_deref()),
        locations: location_summaries(r, &s.locations),
        referring: referring(r, s),
        reasons: reason_summaries(r, &s.reasons),
        physicians: physician_links(r, &s.physicians),
    }
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
        services: service_links(r, &l.services),
        physicians: physician_links(r, &l.physicians),
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
        // Without a known size (a remote or missing file) the photo has no
        // width/height rather than wrong ones.
        photo: p.photo.as_deref().map(|src| {
            let size = sizes.get(src).copied();
            PhotoView {
                src,
                alt: format!("Portrait of {}", full_name(p)),
                width: size.map(|s| s.0),
                height: size.map(|s| s.1),
            }
        }),
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
