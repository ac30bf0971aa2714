//! `[[organization.liaisons]]` with their service lines resolved. A slug
//! that names no service line is a finding at site.toml, as a dangling
//! reference in a content file is one at that file: a liaison shown for
//! the wrong line sends a referring office to the wrong person.

use super::resolver::{Resolver, Target};
use super::types::Liaison;
use crate::config::Config;

pub(super) fn resolve(config: &Config, r: &mut Resolver<'_>) -> Vec<Liaison> {
    config
        .organization
        .liaisons
        .iter()
        .map(|l| Liaison {
            name: l.name.clone(),
            role: l.role.clone(),
            territory: l.territory.clone(),
            services: l
                .services
                .iter()
                .filter_map(|(slug, at)| r.find_configured(Target::Service, at, "services", slug))
                .collect(),
            phone: l.phone.clone(),
            email: l.email.clone(),
            photo: l.photo.clone(),
        })
        .collect()
}
