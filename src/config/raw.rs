//! The raw layer of `site.toml`: what the practice wrote, every key
//! optional, values kept with their spans so findings can point at them.
//! Unknown keys are refused here; whether the values are good is
//! decided by the validating modules beside this one.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub title: Option<Spanned<String>>,
    pub base_url: Option<Spanned<String>>,
    pub language: Option<Spanned<String>>,
    pub description: Option<String>,
    /// `theme = "clinic"`, or a `[theme]` table with `name` and settings.
    pub theme: Option<Spanned<crate::theme::RawThemeKey>>,
    pub organization: Option<RawOrganization>,
    pub intake: Option<RawIntake>,
    pub build: Option<RawBuild>,
    pub serve: Option<RawServe>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrganization {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    pub phone: Option<Spanned<String>>,
    pub fax: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
    pub logo: Option<Spanned<String>>,
    pub same_as: Option<Vec<Spanned<String>>>,
    pub privacy_policy: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIntake {
    pub backend: Option<Spanned<String>>,
    pub endpoint: Option<Spanned<String>>,
    pub encoding: Option<Spanned<String>>,
    pub phi_ok: Option<Spanned<bool>>,
    pub form_id: Option<String>,
    pub portal_id: Option<String>,
    pub form_guids: Option<RawFormGuids>,
    pub oid: Option<String>,
    pub field_names: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFormGuids {
    pub referral: Option<String>,
    pub appointment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBuild {
    pub output_dir: Option<String>,
    pub minify: Option<bool>,
    pub browsers: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServe {
    pub port: Option<u16>,
}
