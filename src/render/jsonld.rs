//! schema.org JSON-LD (SPEC §8): one `@graph` per page.
//!
//! Every page carries the organization (`<base>/#organization`), the page
//! itself (`WebPage`, or `MedicalWebPage` with specialty and audience) and a
//! `BreadcrumbList`; location, physician, FAQ and event pages add their own
//! nodes.
//! Name, address and phone come only from the model (site.toml and location
//! files), already in one canonical form. Values that are absent are left
//! out. Only schema.org types and properties that exist are used.
//!
//! Each node is a struct whose fields are in the byte order of their
//! names (`@id` before `@type` before `about`): the order in which the graph
//! has always been written, so a node's JSON is the same whatever JSON
//! library features are on.

use serde::Serialize;

use crate::config::Config;
use crate::content::{Address, Audience};
use crate::model::{Location, Page, PageKind, Service, Site, Trial};
use crate::render::markdown;
use crate::render::reads::Reader;

/// The JSON-LD of one page, escaped for a `<script>` element.
pub fn page_graph(site: &Site, page: &Page) -> String {
    graph(&mut Reader::new(site), page)
}

/// [`page_graph`], reading the site through `r`.
pub fn graph(r: &mut Reader<'_>, page: &Page) -> String {
    let config = r.config();
    let url = config.base_url.join(&page.path);
    let about = about(r, page.kind);
    let mut graph = vec![Node::Organization(organization(r, page))];
    let web_page = web_page(r, page, &url, about.as_ref().map(Node::id));
    graph.extend(about);
    graph.extend(department(r, page.kind).map(Node::Department));
    graph.push(Node::WebPage(web_page));
    graph.push(Node::Breadcrumbs(breadcrumbs(config, page, &url)));
    let doc = Document {
        context: "https://schema.org",
        graph,
    };
    // Structs of strings, numbers and lists: serializing cannot fail.
    escape_for_script(&serde_json::to_string(&doc).unwrap_or_default())
}

/// `<`, `>` and `&` as `\u003c` etc., so no content can close the script
/// element or start a comment inside it. Still valid JSON.
pub fn escape_for_script(json: &str) -> String {
    let special = |c: char| matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}');
    if !json.contains(special) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct Document {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node>,
}

/// One node of the graph.
#[derive(Serialize)]
#[serde(untagged)]
enum Node {
    Organization(Organization),
    Location(Clinic),
    Physician(PhysicianNode),
    Service(ServiceNode),
    WebPage(WebPage),
    Breadcrumbs(BreadcrumbList),
    // Boxed: the largest node, and one page kind has it.
    Event(Box<EventNode>),
    Department(Department),
    Trial(TrialNode),
}

impl Node {
    /// The `@id` of a node that a page is about.
    fn id(&self) -> IdRef {
        let id = match self {
            Node::Organization(n) => &n.id,
            Node::Location(n) => &n.id,
            Node::Physician(n) => &n.id,
            Node::Service(n) => &n.id,
            Node::WebPage(n) => &n.id,
            Node::Breadcrumbs(n) => &n.id,
            Node::Event(n) => &n.id,
            Node::Department(n) => &n.id,
            Node::Trial(n) => &n.id,
        };
        IdRef { id: id.clone() }
    }
}

/// A reference to a node by its `@id`.
#[derive(Serialize)]
struct IdRef {
    #[serde(rename = "@id")]
    id: String,
}

/// A value schema.org takes as one or as a list.
#[derive(Serialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// `None` for no values, one value alone, else the list.
    fn of(mut values: Vec<T>) -> Option<Self> {
        match values.len() {
            0 => None,
            1 => values.pop().map(OneOrMany::One),
            _ => Some(OneOrMany::Many(values)),
        }
    }
}

#[derive(Serialize)]
struct Organization {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "contactPoint", skip_serializing_if = "Vec::is_empty")]
    contact_point: Vec<ContactPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(rename = "faxNumber", skip_serializing_if = "Option::is_none")]
    fax_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<String>,
    name: String,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct ContactPoint {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "contactType")]
    contact_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(rename = "faxNumber", skip_serializing_if = "Option::is_none")]
    fax_number: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<String>,
}

#[derive(Serialize)]
struct WebPage {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: OneOrMany<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<IdRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    audience: Vec<MedicalAudience>,
    breadcrumb: IdRef,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(rename = "inLanguage")]
    in_language: String,
    #[serde(rename = "mainEntity", skip_serializing_if = "Vec::is_empty")]
    main_entity: Vec<Question>,
    name: String,
    publisher: IdRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    specialty: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct MedicalAudience {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "audienceType")]
    audience_type: &'static str,
}

#[derive(Serialize)]
struct Question {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "acceptedAnswer")]
    accepted_answer: Answer,
    name: String,
}

#[derive(Serialize)]
struct Answer {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: String,
}

#[derive(Serialize)]
struct ServiceNode {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "availableChannel", skip_serializing_if = "Vec::is_empty")]
    available_channel: Vec<ServiceChannel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    name: String,
    provider: IdRef,
    #[serde(rename = "serviceType")]
    service_type: String,
    url: String,
}

/// A way to reach a service: telehealth visits.
#[derive(Serialize)]
struct ServiceChannel {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'static str,
    #[serde(rename = "serviceUrl")]
    service_url: String,
}

/// A service line as the part of the practice that sees its patients:
/// schema.org puts `isAcceptingNewPatients` on a `MedicalOrganization`,
/// not on a `Service`, and one service line may take new patients while
/// another does not.
#[derive(Serialize)]
struct Department {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "isAcceptingNewPatients")]
    is_accepting_new_patients: bool,
    #[serde(rename = "medicalSpecialty", skip_serializing_if = "Option::is_none")]
    medical_specialty: Option<String>,
    name: String,
    #[serde(rename = "parentOrganization")]
    parent_organization: IdRef,
    url: String,
}

#[derive(Serialize)]
struct PostalAddress {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "addressCountry", skip_serializing_if = "Option::is_none")]
    address_country: Option<String>,
    #[serde(rename = "addressLocality", skip_serializing_if = "Option::is_none")]
    address_locality: Option<String>,
    #[serde(rename = "addressRegion", skip_serializing_if = "Option::is_none")]
    address_region: Option<String>,
    #[serde(rename = "postalCode", skip_serializing_if = "Option::is_none")]
    postal_code: Option<String>,
    #[serde(rename = "streetAddress", skip_serializing_if = "Option::is_none")]
    street_address: Option<String>,
}

/// A location as a schema.org `MedicalClinic`.
#[derive(Serialize)]
struct Clinic {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    address: PostalAddress,
    /// On a service line's page at this location: the service line.
    #[serde(rename = "availableService", skip_serializing_if = "Option::is_none")]
    available_service: Option<Therapy>,
    /// On a service line's page at this location: its referral line there.
    #[serde(rename = "contactPoint", skip_serializing_if = "Vec::is_empty")]
    contact_point: Vec<ContactPoint>,
    #[serde(rename = "faxNumber", skip_serializing_if = "Option::is_none")]
    fax_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    geo: Option<GeoCoordinates>,
    #[serde(rename = "medicalSpecialty", skip_serializing_if = "Vec::is_empty")]
    medical_specialty: Vec<String>,
    name: String,
    #[serde(
        rename = "openingHoursSpecification",
        skip_serializing_if = "Vec::is_empty"
    )]
    opening_hours: Vec<OpeningHours>,
    #[serde(rename = "parentOrganization")]
    parent_organization: IdRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<String>,
    url: String,
}

/// A service line as what a clinic offers: schema.org's `availableService`
/// takes a `MedicalProcedure`, `MedicalTest` or `MedicalTherapy`, and a
/// service line (a consult, a treatment plan, its follow-up) is the care
/// given, a therapy; `relevantSpecialty` names its specialty.
#[derive(Serialize)]
struct Therapy {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    #[serde(rename = "relevantSpecialty", skip_serializing_if = "Option::is_none")]
    relevant_specialty: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct GeoCoordinates {
    #[serde(rename = "@type")]
    kind: &'static str,
    latitude: f64,
    longitude: f64,
}

#[derive(Serialize)]
struct OpeningHours {
    #[serde(rename = "@type")]
    kind: &'static str,
    closes: String,
    #[serde(rename = "dayOfWeek")]
    day_of_week: Vec<String>,
    opens: String,
}

#[derive(Serialize)]
struct PhysicianNode {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<OneOrMany<PostalAddress>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(
        rename = "isAcceptingNewPatients",
        skip_serializing_if = "Option::is_none"
    )]
    is_accepting_new_patients: Option<bool>,
    #[serde(rename = "medicalSpecialty", skip_serializing_if = "Vec::is_empty")]
    medical_specialty: Vec<String>,
    name: String,
    #[serde(rename = "parentOrganization")]
    parent_organization: IdRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<String>,
    url: String,
}

/// An education event as a schema.org `EducationEvent`, on the event's
/// own clock (`startDate` with its offset).
#[derive(Serialize)]
struct EventNode {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<OneOrMany<ServiceNode>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audience: Option<EventAudience>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(rename = "endDate")]
    end_date: String,
    #[serde(rename = "eventAttendanceMode")]
    event_attendance_mode: &'static str,
    #[serde(rename = "eventStatus")]
    event_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<OneOrMany<EventPlace>>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    offers: Option<Offer>,
    organizer: IdRef,
    #[serde(rename = "startDate")]
    start_date: String,
    url: String,
}

/// Whom an event is for, in the writer's words.
#[derive(Serialize)]
struct EventAudience {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "audienceType")]
    audience_type: String,
}

/// Where an event happens: a `Place` with the location's address, or a
/// `VirtualLocation` with the session's address.
#[derive(Serialize)]
#[serde(untagged)]
enum EventPlace {
    Place {
        #[serde(rename = "@type")]
        kind: &'static str,
        address: PostalAddress,
        name: String,
        url: String,
    },
    Virtual {
        #[serde(rename = "@type")]
        kind: &'static str,
        url: String,
    },
}

/// Registration, as the offer of a seat.
#[derive(Serialize)]
struct Offer {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

/// A clinical trial as a schema.org `MedicalTrial`. Its phase has no
/// property in schema.org (version 29; `phase` went to the attic), so it is
/// on the page and in the registry record `sameAs` points to.
#[derive(Serialize)]
struct TrialNode {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// The NCT number.
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<String>,
    name: String,
    /// The schema.org specialties of its service lines.
    #[serde(rename = "relevantSpecialty", skip_serializing_if = "Vec::is_empty")]
    relevant_specialty: Vec<String>,
    /// Its ClinicalTrials.gov record.
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    same_as: Option<String>,
    sponsor: IdRef,
    /// A `MedicalStudyStatus` member.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    /// Where it runs: schema.org takes an `AdministrativeArea` here, so
    /// each location is one, by its name and address.
    #[serde(rename = "studyLocation", skip_serializing_if = "Vec::is_empty")]
    study_location: Vec<StudyLocation>,
    url: String,
}

#[derive(Serialize)]
struct StudyLocation {
    #[serde(rename = "@type")]
    kind: &'static str,
    address: PostalAddress,
    name: String,
    url: String,
}

#[derive(Serialize)]
struct BreadcrumbList {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    item_list_element: Vec<ListItem>,
}

#[derive(Serialize)]
struct ListItem {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: String,
    position: usize,
}

/// The organization's node, which every other node points to.
fn organization_ref(config: &Config) -> IdRef {
    IdRef {
        id: format!("{}/#organization", config.base_url.as_str()),
    }
}

/// The organization. Its referral lines are listed for the services this
/// page is about (all of them on a hub that fits on one page), so a page's
/// size never grows with the number of service lines.
fn organization(r: &mut Reader<'_>, page: &Page) -> Organization {
    let config = r.config();
    let o = &config.organization;
    let services: Vec<&Service> = match page.kind {
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => vec![r.service(i)],
        PageKind::Referral(i) => {
            let service = r.referral(i).service;
            vec![r.service(service)]
        }
        // A hub on several pages leaves the lines to each service's refer
        // page: a hundred contact points would weigh a fifth of the page.
        PageKind::ReferHub if page.pager.is_some() => Vec::new(),
        PageKind::ReferHub => r.services().iter().collect(),
        // The line there is on the location's node (`location_service`).
        PageKind::ServiceLocation { .. }
        | PageKind::Home
        | PageKind::Plain
        | PageKind::SectionIndex(_)
        | PageKind::Location(_)
        | PageKind::Physician(_)
        | PageKind::Alias { .. }
        | PageKind::Appointment
        | PageKind::Thanks(_)
        | PageKind::ReferThanks(_)
        | PageKind::NotFound
        | PageKind::Event(_)
        | PageKind::Insurance
        | PageKind::Partners
        | PageKind::Trial(_)
        | PageKind::TrialThanks(_) => Vec::new(),
    };
    Organization {
        id: organization_ref(config).id,
        kind: o.kind.as_str(),
        contact_point: services
            .into_iter()
            .filter(|s| s.referring.phone.is_some() || s.referring.email.is_some())
            .map(|s| contact_point(config, s, None))
            .collect(),
        email: o.email.clone(),
        fax_number: o.fax.as_ref().map(|p| p.e164.clone()),
        logo: o.logo.as_deref().map(|logo| absolute(config, logo)),
        name: o.name.clone(),
        same_as: o.same_as.clone(),
        telephone: o.phone.as_ref().map(|p| p.e164.clone()),
        url: format!("{}/", config.base_url.as_str()),
    }
}

/// A service's referral line as a schema.org `ContactPoint`: anywhere,
/// or at one location (its index and itself), the most specific line
/// there ([`Service::line`]).
fn contact_point(config: &Config, s: &Service, at: Option<(usize, &Location)>) -> ContactPoint {
    let line = s.line(at);
    let (path, name) = match at {
        Some((_, l)) => (
            s.at_location_path(l),
            format!("{} referrals at {}", s.title, l.title),
        ),
        None => (s.path.clone(), format!("{} referrals", s.title)),
    };
    ContactPoint {
        id: format!("{}#referral-line", config.base_url.join(&path)),
        kind: "ContactPoint",
        contact_type: "physician referrals",
        email: s.referring.email.clone(),
        fax_number: line.fax.map(|p| p.e164.clone()),
        name,
        telephone: line.phone.map(|p| p.e164.clone()),
    }
}

/// The page's own node: `WebPage`, or `MedicalWebPage` (and `FAQPage`)
/// for the pages about a service line.
fn web_page(r: &mut Reader<'_>, page: &Page, url: &str, about: Option<IdRef>) -> WebPage {
    let config = r.config();
    let (types, specialty, audience) = page_type(r, page.kind);
    WebPage {
        id: format!("{url}#webpage"),
        kind: OneOrMany::of(types).unwrap_or(OneOrMany::One("WebPage")),
        about,
        audience: audience
            .iter()
            .map(|&t| MedicalAudience {
                kind: "MedicalAudience",
                audience_type: t,
            })
            .collect(),
        breadcrumb: IdRef {
            id: format!("{url}#breadcrumb"),
        },
        date_modified: page.updated.clone(),
        description: page.description.clone(),
        in_language: config.language.clone(),
        main_entity: faq(r, page.kind),
        name: page.title.clone(),
        publisher: organization_ref(config),
        specialty: specialty.map(|s| format!("https://schema.org/{s}")),
        url: url.to_owned(),
    }
}

/// The page's schema.org types, its specialty and its audiences.
fn page_type<'a>(
    r: &mut Reader<'a>,
    kind: PageKind,
) -> (Vec<&'static str>, Option<&'a str>, Vec<&'static str>) {
    match kind {
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => {
            let audience = if matches!(kind, PageKind::Service(_)) {
                vec!["Clinician", "Patient"]
            } else {
                vec!["Clinician"]
            };
            (
                vec!["MedicalWebPage"],
                r.service(i).specialty.as_deref(),
                audience,
            )
        }
        PageKind::Referral(i) => {
            let reason = r.referral(i);
            let audience = match reason.audience {
                Audience::Clinician => vec!["Clinician"],
                Audience::Patient => vec!["Patient"],
                Audience::Both => vec!["Clinician", "Patient"],
            };
            let types = if reason.faq.is_empty() {
                vec!["MedicalWebPage"]
            } else {
                vec!["MedicalWebPage", "FAQPage"]
            };
            (
                types,
                r.service(reason.service).specialty.as_deref(),
                audience,
            )
        }
        PageKind::ReferHub | PageKind::Partners => {
            (vec!["MedicalWebPage"], None, vec!["Clinician"])
        }
        PageKind::Trial(i) => {
            let first = r.trial(i).services.first().copied();
            (
                vec!["MedicalWebPage"],
                first.and_then(|s| r.service(s).specialty.as_deref()),
                vec!["Patient", "Clinician"],
            )
        }
        PageKind::ServiceLocation { service, .. } => (
            vec!["MedicalWebPage"],
            r.service(service).specialty.as_deref(),
            vec!["Clinician", "Patient"],
        ),
        PageKind::Home
        | PageKind::Plain
        | PageKind::SectionIndex(_)
        | PageKind::Location(_)
        | PageKind::Physician(_)
        | PageKind::Alias { .. }
        | PageKind::Appointment
        | PageKind::Thanks(_)
        | PageKind::ReferThanks(_)
        | PageKind::NotFound
        | PageKind::Event(_)
        | PageKind::Insurance
        | PageKind::TrialThanks(_) => (vec!["WebPage"], None, Vec::new()),
    }
}

/// A referral reason's questions and answers (`FAQPage`).
fn faq(r: &mut Reader<'_>, kind: PageKind) -> Vec<Question> {
    let PageKind::Referral(i) = kind else {
        return Vec::new();
    };
    r.referral(i)
        .faq
        .iter()
        .map(|f| Question {
            kind: "Question",
            accepted_answer: Answer {
                kind: "Answer",
                text: markdown::render_inline(&f.a).html,
            },
            name: f.q.clone(),
        })
        .collect()
}

/// The node a page is about: its location, physician or service line.
fn about(r: &mut Reader<'_>, kind: PageKind) -> Option<Node> {
    match kind {
        PageKind::Location(i) => Some(Node::Location(location(r, i))),
        PageKind::Physician(i) => Some(Node::Physician(physician(r, i))),
        PageKind::Event(i) => Some(Node::Event(Box::new(event(r, i)))),
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => {
            Some(Node::Service(service(r.config(), r.service(i))))
        }
        PageKind::Referral(i) => {
            let s = r.referral(i).service;
            Some(Node::Service(service(r.config(), r.service(s))))
        }
        PageKind::Trial(i) => {
            let t = r.trial(i);
            Some(Node::Trial(trial(r, t)))
        }
        PageKind::ServiceLocation { service, location } => {
            Some(Node::Location(location_service(r, service, location)))
        }
        PageKind::Home
        | PageKind::Plain
        | PageKind::SectionIndex(_)
        | PageKind::Alias { .. }
        | PageKind::ReferHub
        | PageKind::Appointment
        | PageKind::Thanks(_)
        | PageKind::ReferThanks(_)
        | PageKind::NotFound
        | PageKind::Insurance
        | PageKind::Partners
        | PageKind::TrialThanks(_) => None,
    }
}

/// A site path or absolute URL as an absolute URL.
fn absolute(config: &Config, path: &str) -> String {
    if path.starts_with("https://") || path.starts_with("http://") {
        path.to_owned()
    } else {
        config.base_url.join(path)
    }
}

/// The service line of a page about one, when it says whether it takes
/// new patients.
fn department(r: &mut Reader<'_>, kind: PageKind) -> Option<Department> {
    let i = match kind {
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => i,
        PageKind::Referral(i) => r.referral(i).service,
        _ => return None,
    };
    let config = r.config();
    let s = r.service(i);
    let accepting = s.availability.as_ref()?.accepting_new_patients?;
    let url = config.base_url.join(&s.path);
    Some(Department {
        id: format!("{url}#department"),
        kind: "MedicalOrganization",
        is_accepting_new_patients: accepting,
        medical_specialty: s
            .specialty
            .as_ref()
            .map(|sp| format!("https://schema.org/{sp}")),
        name: s.title.clone(),
        parent_organization: organization_ref(config),
        url,
    })
}

/// A service line as a schema.org `Service` the organization provides
/// (its department, where the service line says whether it takes new
/// patients), with telehealth as a channel where it offers it.
fn service(config: &Config, s: &Service) -> ServiceNode {
    let url = config.base_url.join(&s.path);
    let availability = s.availability.as_ref();
    let provider = match availability.and_then(|a| a.accepting_new_patients) {
        Some(_) => IdRef {
            id: format!("{url}#department"),
        },
        None => organization_ref(config),
    };
    let telehealth = availability.and_then(|a| a.telehealth) == Some(true);
    ServiceNode {
        id: format!("{url}#service"),
        kind: "Service",
        available_channel: telehealth
            .then(|| ServiceChannel {
                id: format!("{url}#telehealth"),
                kind: "ServiceChannel",
                name: "Telehealth visits",
                service_url: config.base_url.join("/request-appointment/"),
            })
            .into_iter()
            .collect(),
        description: s.description.clone(),
        name: s.title.clone(),
        provider,
        service_type: s.title.clone(),
        url,
    }
}

fn trial(r: &mut Reader<'_>, t: &Trial) -> TrialNode {
    let config = r.config();
    let url = config.base_url.join(&t.path);
    TrialNode {
        id: format!("{url}#trial"),
        kind: "MedicalTrial",
        description: t.description.clone(),
        identifier: t.nct_id.clone(),
        name: t.title.clone(),
        relevant_specialty: specialties(r, &t.services),
        same_as: t.registry_url(),
        sponsor: organization_ref(config),
        status: t
            .status
            .map(|s| format!("https://schema.org/{}", s.schema_org())),
        study_location: t
            .locations
            .iter()
            .map(|&l| {
                let l = r.location(l);
                StudyLocation {
                    kind: "AdministrativeArea",
                    address: postal_address(&l.address),
                    name: l.title.clone(),
                    url: config.base_url.join(&l.path),
                }
            })
            .collect(),
        url,
    }
}

fn postal_address(a: &Address) -> PostalAddress {
    PostalAddress {
        kind: "PostalAddress",
        address_country: a.country.clone(),
        address_locality: a.city.clone(),
        address_region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        street_address: a.street.clone(),
    }
}

const DAY_NAMES: [(&str, &str); 7] = [
    ("Mo", "Monday"),
    ("Tu", "Tuesday"),
    ("We", "Wednesday"),
    ("Th", "Thursday"),
    ("Fr", "Friday"),
    ("Sa", "Saturday"),
    ("Su", "Sunday"),
];

fn location(r: &mut Reader<'_>, i: usize) -> Clinic {
    let mut clinic = clinic(r, i);
    clinic.medical_specialty = specialties(r, &r.location(i).services);
    clinic
}

/// A location's `MedicalClinic` without the specialties of the service
/// lines seen there (the location's own page lists them; a page about one
/// line there names that line's only, and must not read every line).
fn clinic(r: &Reader<'_>, i: usize) -> Clinic {
    let config = r.config();
    let l = r.location(i);
    let url = config.base_url.join(&l.path);
    Clinic {
        id: format!("{url}#location"),
        kind: "MedicalClinic",
        address: postal_address(&l.address),
        available_service: None,
        contact_point: Vec::new(),
        fax_number: l.fax.as_ref().map(|p| p.e164.clone()),
        geo: l.geo.map(|g| GeoCoordinates {
            kind: "GeoCoordinates",
            latitude: g.lat,
            longitude: g.lng,
        }),
        medical_specialty: Vec::new(),
        name: l.title.clone(),
        opening_hours: l
            .hours
            .iter()
            .map(|h| OpeningHours {
                kind: "OpeningHoursSpecification",
                closes: h.closes.clone(),
                day_of_week: h
                    .days
                    .iter()
                    .filter_map(|d| DAY_NAMES.iter().find(|(c, _)| c == d))
                    .map(|(_, n)| format!("https://schema.org/{n}"))
                    .collect(),
                opens: h.opens.clone(),
            })
            .collect(),
        parent_organization: organization_ref(config),
        telephone: l.phone.as_ref().map(|p| p.e164.clone()),
        url,
    }
}

/// A location on a service line's page there: the same `MedicalClinic`
/// (one `@id` for the place on every page), with the service line as what
/// it offers, only that line's specialty, and the referral line there.
fn location_service(r: &mut Reader<'_>, s: usize, l: usize) -> Clinic {
    let config = r.config();
    let mut clinic = clinic(r, l);
    let (service, place) = (r.service(s), r.location(l));
    let specialty = service
        .specialty
        .as_ref()
        .map(|m| format!("https://schema.org/{m}"));
    clinic.medical_specialty = specialty.iter().cloned().collect();
    clinic.available_service = Some(Therapy {
        kind: "MedicalTherapy",
        name: service.title.clone(),
        relevant_specialty: specialty,
        url: config.base_url.join(&service.path),
    });
    let line = contact_point(config, service, Some((l, place)));
    if line.telephone.is_some() || line.email.is_some() {
        clinic.contact_point.push(line);
    }
    clinic
}

/// `medicalSpecialty`: the schema.org specialties of the given services,
/// sorted and without repeats; left out when there are none.
fn specialties(r: &mut Reader<'_>, services: &[usize]) -> Vec<String> {
    let mut specialties: Vec<String> = services
        .iter()
        .filter_map(|&s| r.service(s).specialty.as_ref())
        .map(|s| format!("https://schema.org/{s}"))
        .collect();
    specialties.sort();
    specialties.dedup();
    specialties
}

fn physician(r: &mut Reader<'_>, i: usize) -> PhysicianNode {
    let config = r.config();
    let p = r.physician(i);
    let url = config.base_url.join(&p.path);
    PhysicianNode {
        id: format!("{url}#physician"),
        kind: "Physician",
        address: OneOrMany::of(
            p.locations
                .iter()
                .map(|&l| postal_address(&r.location(l).address))
                .collect(),
        ),
        image: p.photo.as_deref().map(|photo| absolute(config, photo)),
        is_accepting_new_patients: p.accepting_new_patients,
        medical_specialty: specialties(r, &p.services),
        name: crate::model::full_name(p),
        parent_organization: organization_ref(config),
        telephone: p
            .locations
            .first()
            .and_then(|&l| r.location(l).phone.as_ref())
            .map(|p| p.e164.clone()),
        url,
    }
}

/// An event: when (with its offset), where (the location's address, the
/// online session, or both), who organizes it, where to register and the
/// service lines it is about.
fn event(r: &mut Reader<'_>, i: usize) -> EventNode {
    let config = r.config();
    let e = r.event(i);
    let url = config.base_url.join(&e.path);
    let mut places = Vec::new();
    if let Some(l) = e.location {
        let l = r.location(l);
        places.push(EventPlace::Place {
            kind: "Place",
            address: postal_address(&l.address),
            name: l.title.clone(),
            url: config.base_url.join(&l.path),
        });
    }
    if let Some(online) = &e.online {
        places.push(EventPlace::Virtual {
            kind: "VirtualLocation",
            url: online.clone(),
        });
    }
    let mode = match (e.location.is_some(), e.online.is_some()) {
        (true, true) => "https://schema.org/MixedEventAttendanceMode",
        (false, true) => "https://schema.org/OnlineEventAttendanceMode",
        _ => "https://schema.org/OfflineEventAttendanceMode",
    };
    EventNode {
        id: format!("{url}#event"),
        kind: "EducationEvent",
        about: OneOrMany::of(
            e.services
                .iter()
                .map(|&s| service(config, r.service(s)))
                .collect(),
        ),
        audience: e.audience.as_ref().map(|a| EventAudience {
            kind: "Audience",
            audience_type: a.clone(),
        }),
        description: e.description.clone(),
        end_date: e.ends.rfc3339(),
        event_attendance_mode: mode,
        event_status: "https://schema.org/EventScheduled",
        location: OneOrMany::of(places),
        name: e.title.clone(),
        offers: e.registration.as_ref().map(|u| Offer {
            kind: "Offer",
            url: u.clone(),
        }),
        organizer: organization_ref(config),
        start_date: e.starts.rfc3339(),
        url,
    }
}

/// The trail from the home page down to this page, the page included.
fn breadcrumbs(config: &Config, page: &Page, url: &str) -> BreadcrumbList {
    let mut items: Vec<ListItem> = page
        .breadcrumbs
        .iter()
        .enumerate()
        .map(|(i, c)| ListItem {
            kind: "ListItem",
            item: config.base_url.join(&c.path),
            name: c.title.clone(),
            position: i + 1,
        })
        .collect();
    items.push(ListItem {
        kind: "ListItem",
        item: url.to_owned(),
        name: page.title.clone(),
        position: items.len() + 1,
    });
    BreadcrumbList {
        id: format!("{url}#breadcrumb"),
        kind: "BreadcrumbList",
        item_list_element: items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn script_breaking_characters_are_escaped() {
        let doc = json!({ "name": "</script><script>alert(1)</script> & <!--" });
        let escaped = escape_for_script(&doc.to_string());
        assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('&'));
        let back: Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, doc);
    }
}
