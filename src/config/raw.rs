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
    pub form_id: Option<Spanned<String>>,
    pub portal_id: Option<Spanned<String>>,
    pub form_guids: Option<RawFormGuids>,
    pub oid: Option<Spanned<String>>,
    pub field_names: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFormGuids {
    pub referral: Option<Spanned<String>>,
    pub appointment: Option<Spanned<String>>,
}

impl RawIntake {
    /// The value of an account key a backend's profile names
    /// (`crate::forms::backend::Key`), dotted for a key of an inline table.
    pub fn account_value(&self, key: &str) -> Option<&Spanned<String>> {
        let guids = self.form_guids.as_ref();
        match key {
            "endpoint" => self.endpoint.as_ref(),
            "form_id" => self.form_id.as_ref(),
            "portal_id" => self.portal_id.as_ref(),
            "form_guids.referral" => guids?.referral.as_ref(),
            "form_guids.appointment" => guids?.appointment.as_ref(),
            "oid" => self.oid.as_ref(),
            _ => None,
        }
    }
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
