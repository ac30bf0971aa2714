//! Physicians (`content/physicians/*.md`, SPEC §4): name parts, the
//! service lines and locations they work in, and a portrait.

use super::page::PageDoc;
use crate::content::Located;
use crate::content::findings::{FileCx, key};
use crate::content::keys::keys;
use crate::diag::Code;
use crate::values;

keys! {
    /// The keys of a physician besides those of every page.
    pub(crate) struct PhysicianKeys {
        honorific: String,
        credentials: String,
        services: Vec<String>,
        locations: Vec<String>,
        accepting_new_patients: bool,
        photo: String,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhysicianDoc {
    pub page: PageDoc,
    pub honorific: Option<String>,
    pub credentials: Option<String>,
    pub services: Vec<Located<String>>,
    pub locations: Vec<Located<String>>,
    pub accepting_new_patients: Option<bool>,
    pub photo: Option<String>,
}

pub(super) fn physician(cx: &mut FileCx<'_>, raw: PhysicianKeys, page: PageDoc) -> PhysicianDoc {
    PhysicianDoc {
        page,
        honorific: raw.honorific,
        credentials: raw.credentials,
        services: cx.ids("services", raw.services),
        locations: cx.ids("locations", raw.locations),
        accepting_new_patients: raw.accepting_new_patients,
        photo: raw.photo.filter(|photo| {
            let hint = "use a path under `static/`, e.g. `/images/physicians/ana-ruiz.jpg`";
            if crate::values::is_unsafe_target(photo) {
                let d = cx
                    .finding(
                        Code::InvalidValue,
                        &key("photo"),
                        "`photo` would run a script or hide content".to_owned(),
                    )
                    .with_hint(hint);
                cx.push(d);
                return false;
            }
            match values::link(photo) {
                Ok(()) => true,
                Err(fault) => {
                    cx.refused(&key("photo"), &fault, hint);
                    false
                }
            }
        }),
    }
}
