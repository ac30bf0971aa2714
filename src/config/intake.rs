//! `[intake]`: where the forms post (SPEC §7). Raw values → [`Intake`]:
//! the backend, the practice's account with it, the encoding, and whether
//! the forms may carry patient data (`phi_ok`, the guardrail of SPEC §7.5).
//! Which keys a backend needs and whether it may receive patient data is
//! read from its profile (`crate::forms::backend`), not written here.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::raw::RawIntake;
use super::{FILE, at, invalid, refused};
use crate::diag::{Code, Diagnostic, Diagnostics, closest, did_you_mean};
use crate::forms::backend::{
    Accepts, Account, Backend, Check, Key, Profile, SALESFORCE_LEAD_FIELDS, is_hubspot_name,
    is_salesforce_custom_field,
};
use crate::theme::Origin;
use crate::values::{self, UrlRule};

/// Where the forms post (SPEC §7).
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub backend: Backend,
    /// The values of the backend's keys (`endpoint`, `form_ids.referral`, …).
    pub account: Account,
    /// Where each account value the practice wrote is in site.toml, by key
    /// (defaults have none), for `check`'s findings about the values.
    pub written: BTreeMap<&'static str, Origin>,
    pub encoding: Encoding,
    /// The backend is covered by a business associate agreement.
    pub phi_ok: bool,
    /// Renames of canonical field names, sorted by canonical name.
    pub field_names: BTreeMap<String, String>,
    /// When a patient who asked for an appointment is called ("within one
    /// business day"), for the appointment's thanks page.
    pub patient_callback: Option<String>,
}

impl Intake {
    pub fn profile(&self) -> &'static Profile {
        self.backend.profile()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A native POST that works without JavaScript.
    Form,
    /// A `fetch` with a JSON body.
    Json,
}

/// An intake endpoint is an absolute https URL; http is allowed for
/// loopback hosts (a local test receiver), which `build` refuses later.
const ENDPOINT: UrlRule = UrlRule {
    query: true,
    loopback_http: true,
};

/// `[intake]`, or `None` (with findings) when any of it is wrong.
pub(super) fn validate(raw: RawIntake, text: &str, diags: &mut Diagnostics) -> Option<Intake> {
    let start = diags.error_count();
    let need = Need::of(text);
    let Some(name) = &raw.backend else {
        need.push(diags, "backend", None, "intake");
        return None;
    };
    let backend = Backend::parse(name.get_ref());
    let (account, written) = match backend {
        Some(backend) => read_account(backend.profile(), &raw, &need, diags),
        None => {
            let other = name.get_ref();
            diags.push(
                invalid(
                    text,
                    name.span(),
                    format!("`backend = \"{other}\"` is not a backend handoff knows"),
                    "",
                )
                .with_hint(did_you_mean(other, &Backend::names())),
            );
            (Account::default(), BTreeMap::new())
        }
    };
    let RawIntake {
        backend: _,
        encoding,
        phi_ok,
        field_names,
        patient_callback,
        // The account's keys, read above by the backend's profile. A key
        // another backend reads is not one of this account's: it is left
        // unread, as it would be after a change of backend.
        endpoint: _,
        form_id: _,
        form_ids: _,
        portal_id: _,
        form_guids: _,
        oid: _,
        lead_source: _,
    } = raw;
    if let (Some(e), Some(b)) = (&encoding, backend) {
        encoding_guardrail(e, b.profile(), text, diags);
    }
    let encoding = read_encoding(encoding, text, diags);
    let field_names = field_names.unwrap_or_default();
    if let Some(b) = backend {
        for (canonical, name) in &field_names {
            check_field_name(b, canonical, name, text, diags);
        }
        if let Some(p) = &phi_ok {
            patient_data_guardrail(p, b.profile(), text, diags);
        }
    }
    if diags.error_count() > start {
        return None;
    }
    Some(Intake {
        backend: backend?,
        account,
        written,
        encoding,
        phi_ok: phi_ok.is_some_and(|p| *p.get_ref()),
        field_names: field_names
            .into_iter()
            .map(|(canonical, name)| (canonical, name.into_inner()))
            .collect(),
        patient_callback: patient_callback.filter(|c| !c.trim().is_empty()),
    })
}

/// A finding for a key the backend needs, at the `[intake]` header.
struct Need<'t> {
    text: &'t str,
    header: Range<usize>,
}

impl Need<'_> {
    fn of(text: &str) -> Need<'_> {
        let header = text.find("[intake]").map_or(0..0, |i| i..i + 8);
        Need { text, header }
    }

    /// `key` is a key's name, or how to write a table of keys
    /// (`form_guids = { … }`); `shorthand` a key that sets it too.
    fn push(&self, diags: &mut Diagnostics, key: &str, shorthand: Option<&str>, backend: &str) {
        let written = if key.contains(" = ") {
            key.to_owned()
        } else {
            format!("{key} = \"…\"")
        };
        let or = shorthand
            .map(|s| format!(", or `{s} = \"…\"` for one form that takes both"))
            .unwrap_or_default();
        diags.push(
            at(
                self.text,
                Code::ConfigMissingKey,
                self.header.clone(),
                format!("the {backend} backend needs `{key}` in `[intake]`"),
            )
            .with_hint(format!("add `{written}` from your {backend} account{or}")),
        );
    }
}

/// The profile's keys, each checked, and where each is written. A missing
/// key is asked for once, the first only: the finding points at the
/// `[intake]` header, and a second one there would say nothing new about
/// where to look.
fn read_account(
    profile: &Profile,
    raw: &RawIntake,
    need: &Need<'_>,
    diags: &mut Diagnostics,
) -> (Account, BTreeMap<&'static str, Origin>) {
    let text = need.text;
    let mut account = Account::default();
    let mut written = BTreeMap::new();
    let mut asked = false;
    let mut ask = |diags: &mut Diagnostics, key: &Key| {
        if !std::mem::replace(&mut asked, true) {
            need.push(diags, key.ask, key.shorthand, profile.name);
        }
    };
    let mut both_spellings = false;
    // A shorthand's value stands for several keys: refused once.
    let mut refused: Vec<Range<usize>> = Vec::new();
    for key in profile.keys {
        let (name, value) = match spelled(key, raw) {
            Spelled::Once(name, value) => (name, value),
            Spelled::Twice(shorthand, value) => {
                if !std::mem::replace(&mut both_spellings, true) {
                    diags.push(both_written(key.name, shorthand, value, text));
                }
                continue;
            }
            Spelled::Not => {
                match key.default {
                    Some(default) => account.insert(key.name, default.to_owned()),
                    None if key.optional => {}
                    None => ask(diags, key),
                }
                continue;
            }
        };
        let value_text = value.get_ref();
        let checked = match (key.check, key.check.expects()) {
            (Check::Endpoint, _) => checked_endpoint(value, text, diags),
            (check, Some(expects)) if !check.fits(value_text) => {
                if !refused.contains(&value.span()) {
                    refused.push(value.span());
                    diags.push(misshapen(name, value, expects, text));
                }
                None
            }
            _ => Some(value_text.clone()),
        };
        if let Some(v) = checked {
            written.insert(key.name, Origin::of(FILE, text, value.span()));
            account.insert(key.name, v);
        }
    }
    (account, written)
}

/// How the practice wrote a key that may have a shorthand.
enum Spelled<'r> {
    /// Under this name (the key's own or its shorthand).
    Once(&'static str, &'r Spanned<String>),
    /// Under both names: the shorthand and its value.
    Twice(&'static str, &'r Spanned<String>),
    Not,
}

/// The value of `key` as the practice wrote it: under its own name or its
/// shorthand (`form_ids.referral` or `form_id`).
fn spelled<'r>(key: &Key, raw: &'r RawIntake) -> Spelled<'r> {
    let own = raw.account_value(key.name);
    let short = key.shorthand.and_then(|s| Some((s, raw.account_value(s)?)));
    match (own, short) {
        (Some(_), Some((s, v))) => Spelled::Twice(s, v),
        (Some(v), None) => Spelled::Once(key.name, v),
        (None, Some((s, v))) => Spelled::Once(s, v),
        (None, None) => Spelled::Not,
    }
}

/// E004 at the shorthand written beside the keys it stands for.
fn both_written(key: &str, shorthand: &str, value: &Spanned<String>, text: &str) -> Diagnostic {
    let table = key.split('.').next().unwrap_or(key);
    invalid(
        text,
        value.span(),
        format!("`{shorthand}` and `{table}` are both set: write one or the other"),
        &format!(
            "keep `{table} = {{ referral = \"…\", appointment = \"…\" }}` for a form of each kind, or `{shorthand}` alone for one that takes both"
        ),
    )
}

/// E004 for an id that cannot be right: what it should look like, and
/// where to copy it from.
fn misshapen(
    key: &str,
    value: &Spanned<String>,
    (shape, copy_from): (&str, &str),
    text: &str,
) -> Diagnostic {
    invalid(
        text,
        value.span(),
        format!("`{key} = \"{}\"`: {shape}", value.get_ref().escape_debug()),
        copy_from,
    )
}

/// The `endpoint` as written, when it is an address forms may post to.
fn checked_endpoint(e: &Spanned<String>, text: &str, diags: &mut Diagnostics) -> Option<String> {
    match values::url(e.get_ref(), ENDPOINT) {
        Ok(url) => Some(url.to_string()),
        Err(fault) => {
            diags.push(refused(
                text,
                e.span(),
                "endpoint",
                &fault,
                "forms can carry patient data: use the backend's `https://` address",
            ));
            None
        }
    }
}

fn read_encoding(
    encoding: Option<Spanned<String>>,
    text: &str,
    diags: &mut Diagnostics,
) -> Encoding {
    let Some(e) = encoding else {
        return Encoding::Form;
    };
    match e.get_ref().as_str() {
        "form" => Encoding::Form,
        "json" => Encoding::Json,
        other => {
            diags.push(
                invalid(
                    text,
                    e.span(),
                    format!("`encoding = \"{other}\"` is not `form` or `json`"),
                    "",
                )
                .with_hint(did_you_mean(other, &["form", "json"])),
            );
            Encoding::Form
        }
    }
}

/// An `encoding` written that the backend does not take (its profile's
/// `accepts`): Netlify Forms and Web-to-Lead read native form posts only,
/// HubSpot's Forms API JSON only. Left out, the profile decides.
fn encoding_guardrail(
    encoding: &Spanned<String>,
    profile: &Profile,
    text: &str,
    diags: &mut Diagnostics,
) {
    let written = encoding.get_ref().as_str();
    let (takes, hint) = match (profile.accepts, written) {
        (Accepts::FormOnly, "json") => (
            "native form posts only",
            "remove `encoding`: the form posts natively, which works without JavaScript too",
        ),
        (Accepts::JsonOnly, "form") => (
            "JSON only",
            "remove `encoding`: the form's script sends JSON (without JavaScript the form shows the number to call)",
        ),
        _ => return,
    };
    diags.push(invalid(
        text,
        encoding.span(),
        format!(
            "`encoding = \"{written}\"` with the {} backend: it takes {takes}",
            profile.name
        ),
        hint,
    ));
}

/// A name in `[intake.field_names]` the backend would refuse or drop.
/// HubSpot takes only properties by their internal name; Web-to-Lead keeps
/// only its lead fields and custom fields by id, and silently drops the rest.
fn check_field_name(
    backend: Backend,
    canonical: &str,
    name: &Spanned<String>,
    text: &str,
    diags: &mut Diagnostics,
) {
    let value = name.get_ref();
    let shown = value.escape_debug();
    let (message, hint) = match backend {
        Backend::Hubspot if !is_hubspot_name(value) => (
            format!(
                "`{canonical} = \"{shown}\"` is not a HubSpot property's internal name (lowercase letters, digits and `_`, starting with a letter)"
            ),
            format!(
                "create a contact property with the internal name `{}` in HubSpot (Settings › Properties) and write that name here",
                hubspot_name_for(value, canonical)
            ),
        ),
        Backend::Salesforce
            if !SALESFORCE_LEAD_FIELDS.contains(&value.as_str())
                && !is_salesforce_custom_field(value) =>
        {
            let close = closest(value, SALESFORCE_LEAD_FIELDS)
                .map(|c| format!("did you mean the lead field `{c}`? "))
                .unwrap_or_default();
            (
                format!(
                    "`{canonical} = \"{shown}\"` is not a Salesforce lead field: Web-to-Lead would drop it without a word"
                ),
                format!(
                    "{close}for a custom field, copy the 15-character `00N…` id from the field's page in Setup (Object Manager › Lead › Fields & Relationships)"
                ),
            )
        }
        _ => return,
    };
    diags.push(invalid(text, name.span(), message, &hint));
}

/// The internal name HubSpot would make of `label` (lowercase, `_` between
/// words), or of the canonical name when nothing of the label is left.
fn hubspot_name_for(label: &str, canonical: &str) -> String {
    let mut name = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_');
    if is_hubspot_name(name) {
        name.to_owned()
    } else {
        canonical.to_ascii_lowercase()
    }
}

/// SPEC §7.5: `phi_ok = true` only with a backend that signs business
/// associate agreements.
fn patient_data_guardrail(
    phi_ok: &Spanned<bool>,
    profile: &Profile,
    text: &str,
    diags: &mut Diagnostics,
) {
    if *phi_ok.get_ref() && !profile.patient_data {
        diags.push(invalid(
            text,
            phi_ok.span(),
            format!("`phi_ok = true` with the {} backend: it does not sign business associate agreements", profile.name),
            "set `phi_ok = false` (the referral form then carries no patient data), or use a backend under a BAA",
        ));
    }
}
