//! Physicians (`content/physicians/*.md`, SPEC §4): name parts, the
//! service lines and locations they work in, and a portrait.

use super::page::PageDoc;
use crate::content::Located;
use crate::content::findings::FileCx;
use crate::content::keys::keys;

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
        photo: cx.image(
            "photo",
            raw.photo,
            "use a path under `static/`, e.g. `/images/physicians/ana-ruiz.jpg`",
        ),
    }
}
