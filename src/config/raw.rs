//! The raw layer of `site.toml`: what the practice wrote, every key
//! optional, values kept with their spans so findings can point at them.
//! Whether the values are good is decided by the modules beside this one.
//!
//! Unknown keys are found here, every one of a run at once: the structs do
//! not `deny_unknown_fields` (which stops at the first), `serde_ignored`
//! reports the path of each key nothing reads, the parsed document gives
//! the key's position, and the hint compares it with the keys its table
//! declares, as serde sees them ([`keys_of`]).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{at, toml_error};
use crate::diag::{Code, Diagnostics, did_you_mean};
use crate::theme::RawTheme;

#[derive(Debug, Deserialize)]
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
    /// `[extra]`: free keys for the templates (`site.extra`).
    pub extra: Option<toml::Table>,
    pub analytics: Option<RawAnalytics>,
}

#[derive(Debug, Default, Deserialize)]
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
    pub fax_notice: Option<String>,
    /// The plans the practice accepts, by name.
    pub insurance: Option<Vec<Spanned<String>>>,
    /// What a patient without insurance pays and how (Markdown).
    pub self_pay: Option<String>,
    /// `[[organization.liaisons]]`, each kept with where its table is.
    pub liaisons: Option<Vec<Spanned<RawLiaison>>>,
}

/// One `[[organization.liaisons]]` table.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawLiaison {
    pub name: Option<Spanned<String>>,
    pub role: Option<String>,
    pub territory: Option<String>,
    pub services: Option<Vec<Spanned<String>>>,
    pub phone: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
    pub photo: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawIntake {
    pub backend: Option<Spanned<String>>,
    pub endpoint: Option<Spanned<String>>,
    pub encoding: Option<Spanned<String>>,
    pub phi_ok: Option<Spanned<bool>>,
    pub form_id: Option<Spanned<String>>,
    pub form_ids: Option<RawPerForm>,
    pub portal_id: Option<Spanned<String>>,
    pub form_guids: Option<RawPerForm>,
    pub oid: Option<Spanned<String>>,
    pub lead_source: Option<RawPerForm>,
    pub field_names: Option<BTreeMap<String, Spanned<String>>>,
    pub patient_callback: Option<String>,
}

/// An inline table with a value per form: `{ referral = "…", appointment = "…" }`.
#[derive(Debug, Deserialize)]
pub(super) struct RawPerForm {
    pub referral: Option<Spanned<String>>,
    pub appointment: Option<Spanned<String>>,
    pub updates: Option<Spanned<String>>,
}

impl RawIntake {
    /// The value of an account key a backend's profile names
    /// (`crate::forms::backend::Key`), dotted for a key of an inline table.
    pub fn account_value(&self, key: &str) -> Option<&Spanned<String>> {
        let Some((table, form)) = key.split_once('.') else {
            return match key {
                "endpoint" => self.endpoint.as_ref(),
                "form_id" => self.form_id.as_ref(),
                "portal_id" => self.portal_id.as_ref(),
                "oid" => self.oid.as_ref(),
                _ => None,
            };
        };
        let per_form = match table {
            "form_ids" => &self.form_ids,
            "form_guids" => &self.form_guids,
            "lead_source" => &self.lead_source,
            _ => return None,
        };
        let per_form = per_form.as_ref()?;
        match form {
            "referral" => per_form.referral.as_ref(),
            "appointment" => per_form.appointment.as_ref(),
            "updates" => per_form.updates.as_ref(),
            _ => None,
        }
    }
}

/// `[analytics]`: the provider and every provider's keys; which of them
/// the chosen provider reads is `analytics.rs`'s to say.
#[derive(Debug, Deserialize)]
pub(super) struct RawAnalytics {
    pub provider: Option<Spanned<String>>,
    pub domain: Option<Spanned<String>>,
    pub website_id: Option<Spanned<String>>,
    pub src: Option<Spanned<String>>,
    /// A number, or a number in quotes as Matomo's snippet writes it.
    pub site_id: Option<Spanned<toml::Value>>,
    pub url: Option<Spanned<String>>,
    pub measurement_id: Option<Spanned<String>>,
    pub on_form_pages: Option<Spanned<bool>>,
    pub consent: Option<Spanned<String>>,
}

impl RawAnalytics {
    /// The provider keys written, with where their values are.
    pub fn account_keys(&self) -> Vec<super::analytics::KeyAt> {
        let text =
            |name: &'static str, v: &Option<Spanned<String>>| v.as_ref().map(|v| (name, v.span()));
        [
            text("domain", &self.domain),
            text("website_id", &self.website_id),
            text("src", &self.src),
            self.site_id.as_ref().map(|v| ("site_id", v.span())),
            text("url", &self.url),
            text("measurement_id", &self.measurement_id),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct RawBuild {
    pub output_dir: Option<String>,
    pub minify: Option<bool>,
    pub browsers: Option<Spanned<String>>,
    pub page_size: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawServe {
    pub port: Option<u16>,
}

/// Reads `text` into the raw layer. Unknown keys are the only findings when
/// there are any: an unknown key is often a misspelt known one, and going on
/// would report that one as missing too.
pub(super) fn read(text: &str) -> Result<RawConfig, Diagnostics> {
    let doc = DeTable::parse(text).map_err(|e| Diagnostics::from(toml_error(text, &e)))?;
    let mut unknown: Vec<Vec<Seg>> = Vec::new();
    let parsed = serde_ignored::deserialize(toml::de::Deserializer::from(doc.clone()), |path| {
        unknown.push(segments(&path));
    });
    if unknown.is_empty() {
        return parsed.map_err(|e| Diagnostics::from(toml_error(text, &e)));
    }
    // Keys are read in order: any error came after these keys, where
    // stopping at the first unknown key would never have reached it.
    let mut diags = Diagnostics::new();
    for path in &unknown {
        let Some((Seg::Key(key), table)) = path.split_last() else {
            continue;
        };
        let table: Vec<&str> = table
            .iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            })
            .collect();
        let span = key_span(doc.get_ref(), path).unwrap_or(0..0);
        diags.push(
            at(
                text,
                Code::ConfigUnknownKey,
                span,
                format!("`{key}` is not a site.toml key here"),
            )
            .with_hint(did_you_mean(key, declared_keys(&table))),
        );
    }
    Err(diags)
}

/// The keys a table of site.toml may have.
pub(super) fn declared_keys(table: &[&str]) -> &'static [&'static str] {
    match table {
        [] => keys_of::<RawConfig>(),
        ["organization"] => keys_of::<RawOrganization>(),
        ["organization", "liaisons"] => keys_of::<RawLiaison>(),
        ["intake"] => keys_of::<RawIntake>(),
        ["intake", "form_ids" | "form_guids" | "lead_source"] => keys_of::<RawPerForm>(),
        ["build"] => keys_of::<RawBuild>(),
        ["serve"] => keys_of::<RawServe>(),
        ["analytics"] => keys_of::<RawAnalytics>(),
        ["theme"] => keys_of::<RawTheme>(),
        _ => &[],
    }
}

/// One step of a key's path: a table's key or an array's index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The path `serde_ignored` reports, without the private keys `Spanned`
/// reads its value through.
fn segments(path: &serde_ignored::Path<'_>) -> Vec<Seg> {
    use serde_ignored::Path;
    let mut out = match path {
        Path::Root => return Vec::new(),
        Path::Seq { parent, .. }
        | Path::Map { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => segments(parent),
    };
    match path {
        Path::Seq { index, .. } => out.push(Seg::Index(*index)),
        Path::Map { key, .. } if !key.starts_with("$__serde_spanned_private") => {
            out.push(Seg::Key(key.clone()));
        }
        Path::Map { .. }
        | Path::Root
        | Path::Some { .. }
        | Path::NewtypeStruct { .. }
        | Path::NewtypeVariant { .. } => {}
    }
    out
}

/// Where the key at `path` is written.
fn key_span(doc: &DeTable<'_>, path: &[Seg]) -> Option<Range<usize>> {
    let mut table = doc;
    let mut rest = path;
    loop {
        let (Seg::Key(name), after) = rest.split_first()? else {
            return None;
        };
        let (key, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == name)?;
        if after.is_empty() {
            return Some(key.span());
        }
        let mut value = value.get_ref();
        rest = after;
        while let Some((Seg::Index(i), after)) = rest.split_first() {
            value = match value {
                DeValue::Array(items) => items.get(*i)?.get_ref(),
                _ => return None,
            };
            rest = after;
        }
        table = match value {
            DeValue::Table(t) => t,
            _ => return None,
        };
    }
}

/// The keys a raw struct declares (renames applied): the list serde hands
/// to `deserialize_struct`, caught before anything is read.
fn keys_of<T: DeserializeOwned>() -> &'static [&'static str] {
    match T::deserialize(KeysOf) {
        Err(Keys(keys)) => keys,
        Ok(_) => &[],
    }
}

/// A deserializer that answers every request with the keys asked for.
struct KeysOf;

/// The "error" that carries the keys out.
#[derive(Debug)]
struct Keys(&'static [&'static str]);

impl fmt::Display for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "keys {:?}", self.0)
    }
}

impl std::error::Error for Keys {}

impl de::Error for Keys {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Keys(&[])
    }
}

impl<'de> Deserializer<'de> for KeysOf {
    type Error = Keys;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Keys> {
        Err(Keys(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Keys> {
        Err(Keys(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}
