//! `[intake]`: where the forms post (SPEC §7). Raw values → [`Intake`]:
//! the backend, the practice's account with it, the encoding, and whether
//! the forms may carry patient data (`phi_ok`, the guardrail of SPEC §7.5).
//! Which keys a backend needs and whether it may receive patient data is
//! read from its profile (`crate::forms::backend`), not written here.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::raw::RawIntake;
use super::{at, invalid, is_plain_name, refused};
use crate::diag::{Code, Diagnostics, did_you_mean};
use crate::forms::backend::{Account, Backend, Check, Profile};
use crate::values::{self, UrlRule};

/// Where the forms post (SPEC §7).
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub backend: Backend,
    /// The values of the backend's keys (`endpoint`, `form_id`, …).
    pub account: Account,
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
        need.push(diags, "backend", "intake");
        return None;
    };
    let backend = Backend::parse(name.get_ref());
    let account = match backend {
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
            Account::default()
        }
    };
    let RawIntake {
        backend: _,
        encoding,
        phi_ok,
        field_names,
        patient_callback,
        // The account's keys, read above by the backend's profile.
        endpoint: _,
        form_id: _,
        portal_id: _,
        form_guids: _,
        oid: _,
    } = raw;
    let encoding = read_encoding(encoding, text, diags);
    if let (Some(p), Some(b)) = (&phi_ok, backend) {
        patient_data_guardrail(p, b.profile(), text, diags);
    }
    if diags.error_count() > start {
        return None;
    }
    Some(Intake {
        backend: backend?,
        account,
        encoding,
        phi_ok: phi_ok.is_some_and(|p| *p.get_ref()),
        field_names: field_names.unwrap_or_default(),
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

    fn push(&self, diags: &mut Diagnostics, key: &str, backend: &str) {
        diags.push(
            at(
                self.text,
                Code::ConfigMissingKey,
                self.header.clone(),
                format!("the {backend} backend needs `{key}` in `[intake]`"),
            )
            .with_hint(format!("add `{key} = \"…\"` from your {backend} account")),
        );
    }
}

/// The profile's keys, each checked. A missing key is asked for once, the
/// first only: the finding points at the `[intake]` header, and a second
/// one there would say nothing new about where to look.
fn read_account(
    profile: &Profile,
    raw: &RawIntake,
    need: &Need<'_>,
    diags: &mut Diagnostics,
) -> Account {
    let mut account = Account::default();
    let mut asked = false;
    let mut ask = |diags: &mut Diagnostics, what: &str| {
        if !std::mem::replace(&mut asked, true) {
            need.push(diags, what, profile.name);
        }
    };
    for key in profile.keys {
        let Some(value) = raw.account_value(key.name) else {
            match key.default {
                Some(default) => account.insert(key.name, default.to_owned()),
                None => ask(diags, key.ask),
            }
            continue;
        };
        match key.check {
            Check::Endpoint => {
                if let Some(url) = checked_endpoint(value, need.text, diags) {
                    account.insert(key.name, url);
                }
            }
            Check::PlainName if !is_plain_name(value.get_ref()) => ask(diags, key.ask),
            Check::PlainName | Check::Text => account.insert(key.name, value.get_ref().clone()),
        }
    }
    account
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
