//! Service lines, referral reasons, locations, physicians, events and
//! clinical trials, with the
//! references between them resolved and the links back filled in: a
//! service line knows its referral reasons and physicians, a location its
//! service lines and physicians.

use rayon::prelude::*;

use super::docs::Docs;
use super::resolver::{Resolver, Target};
use super::types::{Event, Location, Physician, Referral, Service, Trial};
use crate::config::Config;
use crate::content::{Availability, EventDoc, Located, ReferralDoc, ServiceDoc};
use crate::diag::Code;

/// The entities pages show; indices follow the sorted documents.
pub(super) struct Entities {
    pub services: Vec<Service>,
    pub referrals: Vec<Referral>,
    pub locations: Vec<Location>,
    pub physicians: Vec<Physician>,
    pub events: Vec<Event>,
    pub trials: Vec<Trial>,
}

/// Resolves every entity's references and links them both ways.
pub(super) fn resolve(docs: &Docs, config: &Config, r: &mut Resolver<'_>) -> Entities {
    let mut services: Vec<Service> = docs
        .services
        .iter()
        .map(|d| service(d, config, r))
        .collect();
    // Each reason's service line when every reference is found, the usual
    // case: the reasons are then built in parallel (a tenth of a serve
    // edit's wait at 10,000 reasons). Otherwise one by one, each dangling
    // reference a finding, in file order.
    let found: Option<Vec<usize>> = docs
        .referrals
        .iter()
        .map(|d| {
            let own_found = d
                .checklist
                .as_ref()
                .is_none_or(|c| r.lookup(Target::Checklist, &c.value).is_some());
            r.lookup(Target::Service, &d.service.value)
                .filter(|_| own_found)
        })
        .collect();
    let referrals: Vec<Referral> = if let Some(lines) = found {
        docs.referrals
            .par_iter()
            .zip(lines)
            .filter_map(|(d, service)| {
                let own = d.checklist.as_ref().map(|c| c.value.clone());
                referral(d, &services, Some(service), own)
            })
            .collect()
    } else {
        docs.referrals
            .iter()
            .filter_map(|d| {
                let file = d.page.file;
                let service = r.find(Target::Service, file, "service", &d.service);
                let own = r.checklist(file, &d.checklist);
                referral(d, &services, service, own)
            })
            .collect()
    };
    for (i, referral) in referrals.iter().enumerate() {
        services[referral.service].reasons.push(i);
    }
    let mut locations: Vec<Location> = docs
        .locations
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
                referral_phone: d.referral_phone.clone(),
                referral_fax: d.referral_fax.clone(),
                parking: d.parking.clone(),
                access: d.access.clone(),
                services: Vec::new(),
                physicians: Vec::new(),
            }
        })
        .collect();
    for (i, service) in services.iter().enumerate() {
        for &l in &service.locations {
            locations[l].services.push(i);
        }
    }
    let physicians: Vec<Physician> = docs
        .physicians
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
                services: find_all(r, Target::Service, file, "services", &d.services),
                locations: find_all(r, Target::Location, file, "locations", &d.locations),
                accepting_new_patients: d.accepting_new_patients,
                photo: d.photo.clone(),
            }
        })
        .collect();
    for (i, physician) in physicians.iter().enumerate() {
        for &s in &physician.services {
            services[s].physicians.push(i);
        }
        for &l in &physician.locations {
            locations[l].physicians.push(i);
        }
    }
    let events = docs.events.iter().filter_map(|d| event(d, r)).collect();
    let trials: Vec<Trial> = docs
        .trials
        .iter()
        .map(|d| {
            let file = d.page.file;
            let slug = d.page.common.slug.value.clone();
            Trial {
                path: format!("/trials/{slug}/"),
                slug,
                title: d.page.common.title.clone(),
                description: d.page.common.description.clone(),
                nct_id: d.nct_id.clone(),
                phase: d.phase,
                status: d.status,
                services: find_all(r, Target::Service, file, "services", &d.services),
                locations: find_all(r, Target::Location, file, "locations", &d.locations),
                eligibility: d.eligibility.clone(),
                contact: d.contact.clone(),
                weight: d.page.common.weight,
                file,
            }
        })
        .collect();
    for (i, trial) in trials.iter().enumerate() {
        for &s in &trial.services {
            services[s].trials.push(i);
        }
    }
    Entities {
        services,
        referrals,
        locations,
        physicians,
        events,
        trials,
    }
}

/// An event, or `None` when its times could not be read (already a
/// finding). Its location and services are resolved like any reference.
fn event(d: &EventDoc, r: &mut Resolver<'_>) -> Option<Event> {
    let file = d.page.file;
    let location = d
        .location
        .as_ref()
        .and_then(|l| r.find(Target::Location, file, "location", l));
    let services = find_all(r, Target::Service, file, "services", &d.services);
    let (starts, ends) = (d.starts?, d.ends?);
    let slug = d.page.common.slug.value.clone();
    Some(Event {
        path: format!("/events/{slug}/"),
        slug,
        title: d.page.common.title.clone(),
        description: d.page.common.description.clone(),
        starts,
        ends,
        location,
        online: d.online.clone(),
        audience: d.audience.clone(),
        credits: d.credits.clone(),
        registration: d.registration.clone(),
        services,
        file,
    })
}

/// The indices of a list of ids (`locations: [a, b]`); each that dangles is
/// a finding and is left out.
fn find_all(
    r: &mut Resolver<'_>,
    target: Target,
    file: usize,
    key: &str,
    ids: &[Located<String>],
) -> Vec<usize> {
    ids.iter()
        .filter_map(|id| r.find(target, file, key, id))
        .collect()
}

fn service(d: &ServiceDoc, config: &Config, r: &mut Resolver<'_>) -> Service {
    let file = d.page.file;
    let locations = find_all(r, Target::Location, file, "locations", &d.locations);
    // A service line without its own numbers is reached at the practice's.
    let org = &config.organization;
    let mut referring = d.referring.clone();
    referring.phone = referring.phone.or_else(|| org.phone.clone());
    referring.fax = referring.fax.or_else(|| org.fax.clone());
    let by_location = std::mem::take(&mut referring.by_location)
        .into_iter()
        .filter_map(|line| {
            let l = r.find(Target::Location, file, "referring.by_location", &line.location)?;
            if !locations.contains(&l) {
                let d = r
                    .at(
                        file,
                        &line.location,
                        Code::DanglingReference,
                        format!(
                            "`referring.by_location` names `{}`, which is not one of this service line's `locations`",
                            line.location.value
                        ),
                    )
                    .with_hint(format!(
                        "add `{}` to `locations:`, or remove its `by_location` entry",
                        line.location.value
                    ));
                r.push(d);
                return None;
            }
            Some((l, line))
        })
        .collect();
    let slug = d.page.common.slug.value.clone();
    Service {
        path: format!("/services/{slug}/"),
        slug,
        title: d.page.common.title.clone(),
        description: d.page.common.description.clone(),
        specialty: d.specialty.as_ref().map(|s| s.value.clone()),
        checklist: r.checklist(file, &d.checklist),
        referring,
        by_location,
        reasons: Vec::new(),
        physicians: Vec::new(),
        weight: d.page.common.weight,
        availability: d.availability.as_ref().map(|a| a.own.clone()),
        availability_by_location: availability_by_location(d, &locations, r),
        locations,
        trials: Vec::new(),
    }
}

/// `availability.by_location`: each id a location of the service line
/// (a finding where it is not), its keys completed with the service line's.
fn availability_by_location(
    d: &ServiceDoc,
    offered_at: &[usize],
    r: &mut Resolver<'_>,
) -> Vec<(usize, Availability)> {
    let Some(doc) = &d.availability else {
        return Vec::new();
    };
    let file = d.page.file;
    let mut out = Vec::new();
    for (id, own) in &doc.by_location {
        let Some(l) = r.find(Target::Location, file, "availability.by_location", id) else {
            continue;
        };
        if !offered_at.contains(&l) {
            let d = r
                .at(
                    file,
                    id,
                    Code::InvalidValue,
                    format!(
                        "`availability.by_location.{}`: `{}` does not list this location in `locations`",
                        id.value, d.page.common.title
                    ),
                )
                .with_hint(format!(
                    "add `{}` to `locations:`, or remove its block from `availability.by_location`",
                    id.value
                ));
            r.push(d);
            continue;
        }
        out.push((l, own.or(&doc.own)));
    }
    out
}

/// A referral reason of the service line `service` (`None`: it does not
/// exist) with its own checklist `own`, if it names one that exists.
fn referral(
    d: &ReferralDoc,
    services: &[Service],
    service: Option<usize>,
    own: Option<String>,
) -> Option<Referral> {
    let file = d.page.file;
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
        visit_type: d.visit_type,
        criteria: d.criteria.clone(),
        exclusions: d.exclusions.clone(),
        faq: d.faq.clone(),
        weight: d.page.common.weight,
        file,
    })
}
