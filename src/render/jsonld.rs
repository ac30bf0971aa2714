//! schema.org JSON-LD (SPEC §8): one `@graph` per page.
//!
//! Every page carries the organization (`<base>/#organization`), the page
//! itself (`WebPage`, or `MedicalWebPage` with specialty and audience) and a
//! `BreadcrumbList`; location, physician and FAQ pages add their own nodes.
//! Name, address and phone come only from the model (site.toml and location
//! files), already in one canonical form. Values that are absent are left
//! out. Only schema.org types and properties that exist are used.

use serde_json::{Map, Value, json};

use crate::content::Audience;
use crate::model::{Location, Page, PageKind, Physician, Service, Site};
use crate::phone::Phone;

/// The JSON-LD of one page, escaped for a `<script>` element.
pub fn page_graph(site: &Site, page: &Page) -> String {
    let base = site.config.base_url.as_str();
    let url = site.config.base_url.join(&page.path);
    let mut graph = vec![organization(site, page)];
    let page_id = format!("{url}#webpage");
    let mut node = Map::new();
    let (types, specialty, audience): (Vec<&str>, Option<&str>, Vec<&str>) = match page.kind {
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => {
            let audience = if matches!(page.kind, PageKind::Service(_)) {
                vec!["Clinician", "Patient"]
            } else {
                vec!["Clinician"]
            };
            (
                vec!["MedicalWebPage"],
                site.services[i].specialty.as_deref(),
                audience,
            )
        }
        PageKind::Referral(i) => {
            let r = &site.referrals[i];
            let audience = match r.audience {
                Audience::Clinician => vec!["Clinician"],
                Audience::Patient => vec!["Patient"],
                Audience::Both => vec!["Clinician", "Patient"],
            };
            let types = if r.faq.is_empty() {
                vec!["MedicalWebPage"]
            } else {
                vec!["MedicalWebPage", "FAQPage"]
            };
            (
                types,
                site.services[r.service].specialty.as_deref(),
                audience,
            )
        }
        PageKind::ReferHub => (vec!["MedicalWebPage"], None, vec!["Clinician"]),
        PageKind::Home
        | PageKind::Plain
        | PageKind::SectionIndex(_)
        | PageKind::Location(_)
        | PageKind::Physician(_)
        | PageKind::Alias { .. }
        | PageKind::Appointment
        | PageKind::Thanks(_)
        | PageKind::NotFound => (vec!["WebPage"], None, Vec::new()),
    };
    node.insert(
        "@type".into(),
        if types.len() == 1 {
            json!(types[0])
        } else {
            json!(types)
        },
    );
    node.insert("@id".into(), json!(page_id));
    node.insert("url".into(), json!(url));
    node.insert("name".into(), json!(page.title));
    if let Some(d) = &page.description {
        node.insert("description".into(), json!(d));
    }
    node.insert("inLanguage".into(), json!(site.config.language));
    node.insert(
        "publisher".into(),
        json!({ "@id": format!("{base}/#organization") }),
    );
    node.insert(
        "breadcrumb".into(),
        json!({ "@id": format!("{url}#breadcrumb") }),
    );
    if let Some(u) = &page.updated {
        node.insert("dateModified".into(), json!(u));
    }
    if let Some(s) = specialty {
        node.insert("specialty".into(), json!(format!("https://schema.org/{s}")));
    }
    if !audience.is_empty() {
        let a: Vec<Value> = audience
            .iter()
            .map(|t| json!({ "@type": "MedicalAudience", "audienceType": t }))
            .collect();
        node.insert("audience".into(), json!(a));
    }
    if let PageKind::Referral(i) = page.kind {
        let r = &site.referrals[i];
        if !r.faq.is_empty() {
            let questions: Vec<Value> = r
                .faq
                .iter()
                .map(|f| json!({ "@type": "Question", "name": f.q, "acceptedAnswer": { "@type": "Answer", "text": crate::render::markdown::render_inline(&f.a).html } }))
                .collect();
            node.insert("mainEntity".into(), json!(questions));
        }
    }
    match page.kind {
        PageKind::Location(i) => {
            let loc = location(site, &site.locations[i]);
            node.insert("about".into(), json!({ "@id": loc["@id"] }));
            graph.push(loc);
        }
        PageKind::Physician(i) => {
            let doc = physician(site, &site.physicians[i]);
            node.insert("about".into(), json!({ "@id": doc["@id"] }));
            graph.push(doc);
        }
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => {
            let svc = service_node(site, &site.services[i]);
            node.insert("about".into(), json!({ "@id": svc["@id"] }));
            graph.push(svc);
        }
        PageKind::Referral(i) => {
            let svc = service_node(site, &site.services[site.referrals[i].service]);
            node.insert("about".into(), json!({ "@id": svc["@id"] }));
            graph.push(svc);
        }
        PageKind::Home
        | PageKind::Plain
        | PageKind::SectionIndex(_)
        | PageKind::Alias { .. }
        | PageKind::ReferHub
        | PageKind::Appointment
        | PageKind::Thanks(_)
        | PageKind::NotFound => {}
    }
    graph.push(Value::Object(node));
    graph.push(breadcrumbs(site, page, &url));
    let doc = json!({ "@context": "https://schema.org", "@graph": graph });
    escape_for_script(&doc.to_string())
}

/// `<`, `>` and `&` as `\u003c` etc., so no content can close the script
/// element or start a comment inside it. Still valid JSON.
pub fn escape_for_script(json: &str) -> String {
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

fn insert_phone(node: &mut Map<String, Value>, key: &str, phone: Option<&Phone>) {
    if let Some(p) = phone {
        node.insert(key.into(), json!(p.e164));
    }
}

/// A service's referral line as a schema.org `ContactPoint`.
fn contact_point(site: &Site, s: &Service) -> Value {
    let mut cp = Map::new();
    cp.insert("@type".into(), json!("ContactPoint"));
    cp.insert(
        "@id".into(),
        json!(format!(
            "{}#referral-line",
            site.config.base_url.join(&s.path)
        )),
    );
    cp.insert("contactType".into(), json!("physician referrals"));
    cp.insert("name".into(), json!(format!("{} referrals", s.title)));
    insert_phone(&mut cp, "telephone", s.referring.phone.as_ref());
    insert_phone(&mut cp, "faxNumber", s.referring.fax.as_ref());
    if let Some(e) = &s.referring.email {
        cp.insert("email".into(), json!(e));
    }
    Value::Object(cp)
}

/// The organization. Its referral lines are listed for the services this
/// page is about (all of them on the hub), so a page's size never grows
/// with the number of service lines.
fn organization(site: &Site, page: &Page) -> Value {
    let c = &site.config;
    let o = &c.organization;
    let base = c.base_url.as_str();
    let mut org = Map::new();
    org.insert("@type".into(), json!(o.kind.as_str()));
    org.insert("@id".into(), json!(format!("{base}/#organization")));
    org.insert("name".into(), json!(o.name));
    org.insert("url".into(), json!(format!("{base}/")));
    if let Some(logo) = &o.logo {
        org.insert("logo".into(), json!(absolute(site, logo)));
    }
    insert_phone(&mut org, "telephone", o.phone.as_ref());
    insert_phone(&mut org, "faxNumber", o.fax.as_ref());
    if let Some(e) = &o.email {
        org.insert("email".into(), json!(e));
    }
    if !o.same_as.is_empty() {
        org.insert("sameAs".into(), json!(o.same_as));
    }
    let services: Vec<&Service> = match page.kind {
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => vec![&site.services[i]],
        PageKind::Referral(i) => vec![&site.services[site.referrals[i].service]],
        PageKind::ReferHub => site.services.iter().collect(),
        _ => Vec::new(),
    };
    let points: Vec<Value> = services
        .into_iter()
        .filter(|s| s.referring.phone.is_some() || s.referring.email.is_some())
        .map(|s| contact_point(site, s))
        .collect();
    if !points.is_empty() {
        org.insert("contactPoint".into(), json!(points));
    }
    Value::Object(org)
}

/// A site path or absolute URL as an absolute URL.
fn absolute(site: &Site, path: &str) -> String {
    if path.starts_with("https://") || path.starts_with("http://") {
        path.to_owned()
    } else {
        site.config.base_url.join(path)
    }
}

/// A service line as a schema.org `Service` the organization provides.
fn service_node(site: &Site, s: &Service) -> Value {
    let mut node = Map::new();
    node.insert("@type".into(), json!("Service"));
    node.insert(
        "@id".into(),
        json!(format!("{}#service", site.config.base_url.join(&s.path))),
    );
    node.insert("name".into(), json!(s.title));
    node.insert("serviceType".into(), json!(s.title));
    if let Some(d) = &s.description {
        node.insert("description".into(), json!(d));
    }
    node.insert("url".into(), json!(site.config.base_url.join(&s.path)));
    node.insert(
        "provider".into(),
        json!({ "@id": format!("{}/#organization", site.config.base_url.as_str()) }),
    );
    Value::Object(node)
}

fn postal_address(a: &crate::content::Address) -> Value {
    let mut addr = Map::new();
    addr.insert("@type".into(), json!("PostalAddress"));
    let fields = [
        ("streetAddress", &a.street),
        ("addressLocality", &a.city),
        ("addressRegion", &a.region),
        ("postalCode", &a.postal_code),
        ("addressCountry", &a.country),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            addr.insert(k.into(), json!(v));
        }
    }
    Value::Object(addr)
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

fn location(site: &Site, l: &Location) -> Value {
    let url = site.config.base_url.join(&l.path);
    let mut node = Map::new();
    node.insert("@type".into(), json!("MedicalClinic"));
    node.insert("@id".into(), json!(format!("{url}#location")));
    node.insert("name".into(), json!(l.title));
    node.insert("url".into(), json!(url));
    node.insert("address".into(), postal_address(&l.address));
    if let Some(g) = l.geo {
        node.insert(
            "geo".into(),
            json!({ "@type": "GeoCoordinates", "latitude": g.lat, "longitude": g.lng }),
        );
    }
    if !l.hours.is_empty() {
        let specs: Vec<Value> = l
            .hours
            .iter()
            .map(|h| {
                let days: Vec<String> = h
                    .days
                    .iter()
                    .filter_map(|d| DAY_NAMES.iter().find(|(c, _)| c == d).map(|(_, n)| format!("https://schema.org/{n}")))
                    .collect();
                json!({ "@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": h.opens, "closes": h.closes })
            })
            .collect();
        node.insert("openingHoursSpecification".into(), json!(specs));
    }
    insert_phone(&mut node, "telephone", l.phone.as_ref());
    insert_phone(&mut node, "faxNumber", l.fax.as_ref());
    node.insert(
        "parentOrganization".into(),
        json!({ "@id": format!("{}/#organization", site.config.base_url.as_str()) }),
    );
    insert_specialties(&mut node, site, &l.services);
    Value::Object(node)
}

/// `medicalSpecialty`: the schema.org specialties of the given services,
/// sorted and without repeats; left out when there are none.
fn insert_specialties(node: &mut Map<String, Value>, site: &Site, services: &[usize]) {
    let mut specialties: Vec<String> = services
        .iter()
        .filter_map(|&s| site.services[s].specialty.as_ref())
        .map(|s| format!("https://schema.org/{s}"))
        .collect();
    specialties.sort();
    specialties.dedup();
    if !specialties.is_empty() {
        node.insert("medicalSpecialty".into(), json!(specialties));
    }
}

fn physician(site: &Site, p: &Physician) -> Value {
    let url = site.config.base_url.join(&p.path);
    let mut node = Map::new();
    node.insert("@type".into(), json!("Physician"));
    node.insert("@id".into(), json!(format!("{url}#physician")));
    node.insert("name".into(), json!(crate::render::view::full_name(p)));
    node.insert("url".into(), json!(url));
    if let Some(photo) = &p.photo {
        node.insert("image".into(), json!(absolute(site, photo)));
    }
    insert_specialties(&mut node, site, &p.services);
    let addresses: Vec<Value> = p
        .locations
        .iter()
        .map(|&l| postal_address(&site.locations[l].address))
        .collect();
    match addresses.len() {
        0 => {}
        1 => {
            node.insert(
                "address".into(),
                addresses.into_iter().next().unwrap_or(Value::Null),
            );
        }
        _ => {
            node.insert("address".into(), json!(addresses));
        }
    }
    if let Some(&l) = p.locations.first() {
        insert_phone(&mut node, "telephone", site.locations[l].phone.as_ref());
    }
    if let Some(a) = p.accepting_new_patients {
        node.insert("isAcceptingNewPatients".into(), json!(a));
    }
    node.insert(
        "parentOrganization".into(),
        json!({ "@id": format!("{}/#organization", site.config.base_url.as_str()) }),
    );
    Value::Object(node)
}

fn breadcrumbs(site: &Site, page: &Page, url: &str) -> Value {
    let mut items: Vec<Value> = page
        .breadcrumbs
        .iter()
        .enumerate()
        .map(|(i, c)| json!({ "@type": "ListItem", "position": i + 1, "name": c.title, "item": site.config.base_url.join(&c.path) }))
        .collect();
    items.push(json!({ "@type": "ListItem", "position": items.len() + 1, "name": page.title, "item": url }));
    json!({ "@type": "BreadcrumbList", "@id": format!("{url}#breadcrumb"), "itemListElement": items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breaking_characters_are_escaped() {
        let doc = json!({ "name": "</script><script>alert(1)</script> & <!--" });
        let escaped = escape_for_script(&doc.to_string());
        assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('&'));
        let back: Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, doc);
    }
}
