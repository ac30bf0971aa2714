//! `[intake]`: where the forms post (SPEC §7). Raw values → [`Intake`]:
//! the backend with the practice's account values, the encoding, and
//! whether the backend may receive patient data (`phi_ok`, the guardrail of
//! SPEC §7.5).

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::raw::{RawFormGuids, RawIntake};
use super::{at, invalid, is_plain_name, refused};
use crate::diag::{Code, Diagnostics, did_you_mean};
use crate::values::{self, UrlRule};

/// Where the forms post (SPEC §7).
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub backend: Backend,
    pub encoding: Encoding,
    /// The backend is covered by a business associate agreement.
    pub phi_ok: bool,
    /// Renames of canonical field names, sorted by canonical name.
    pub field_names: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    Webhook {
        endpoint: String,
    },
    Formspree {
        form_id: String,
    },
    Netlify,
    Hubspot {
        portal_id: String,
        referral_guid: String,
        appointment_guid: String,
    },
    Salesforce {
        oid: String,
        endpoint: String,
    },
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Webhook { .. } => "webhook",
            Backend::Formspree { .. } => "formspree",
            Backend::Netlify => "netlify",
            Backend::Hubspot { .. } => "hubspot",
            Backend::Salesforce { .. } => "salesforce",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A native POST that works without JavaScript.
    Form,
    /// A `fetch` with a JSON body.
    Json,
}

const BACKENDS: [&str; 5] = ["webhook", "formspree", "netlify", "hubspot", "salesforce"];

/// An intake endpoint is an absolute https URL; http is allowed for
/// loopback hosts (a local test receiver), which `build` refuses later.
const ENDPOINT: UrlRule = UrlRule {
    query: true,
    loopback_http: true,
};

/// `[intake]`, or `None` (with findings) when any of it is wrong.
pub(super) fn validate(raw: RawIntake, text: &str, diags: &mut Diagnostics) -> Option<Intake> {
    let RawIntake {
        backend,
        endpoint,
        encoding,
        phi_ok,
        form_id,
        portal_id,
        form_guids,
        oid,
        field_names,
    } = raw;
    let start = diags.error_count();
    let Some(backend) = backend else {
        Need::of(text).push(diags, "backend", "intake");
        return None;
    };
    let account = Account {
        endpoint,
        form_id,
        portal_id,
        form_guids,
        oid,
    };
    let backend = read_backend(backend, account, text, diags);
    let encoding = read_encoding(encoding, text, diags);
    let phi_ok_value = phi_ok.as_ref().is_some_and(|p| *p.get_ref());
    if let (Some(p), Some(b)) = (&phi_ok, &backend) {
        patient_data_guardrail(p, b, text, diags);
    }
    if diags.error_count() > start {
        return None;
    }
    Some(Intake {
        backend: backend?,
        encoding,
        phi_ok: phi_ok_value,
        field_names: field_names.unwrap_or_default(),
    })
}

/// The `[intake]` keys that identify the practice's account with its backend.
struct Account {
    endpoint: Option<Spanned<String>>,
    form_id: Option<String>,
    portal_id: Option<String>,
    form_guids: Option<RawFormGuids>,
    oid: Option<String>,
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

fn read_backend(
    name: Spanned<String>,
    account: Account,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Backend> {
    let need = Need::of(text);
    let Account {
        endpoint,
        form_id,
        portal_id,
        form_guids,
        oid,
    } = account;
    match name.get_ref().as_str() {
        "webhook" => match checked_endpoint(endpoint.as_ref(), text, diags) {
            Some(endpoint) => Some(Backend::Webhook { endpoint }),
            None => {
                if endpoint.is_none() {
                    need.push(diags, "endpoint", "webhook");
                }
                None
            }
        },
        "formspree" => match form_id {
            Some(id) if is_plain_name(&id) => Some(Backend::Formspree { form_id: id }),
            _ => {
                need.push(diags, "form_id", "formspree");
                None
            }
        },
        "netlify" => Some(Backend::Netlify),
        "hubspot" => hubspot(portal_id, form_guids, &need, diags),
        "salesforce" => {
            let endpoint = checked_endpoint(endpoint.as_ref(), text, diags).unwrap_or_else(|| {
                "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8".to_owned()
            });
            match oid {
                Some(oid) => Some(Backend::Salesforce { oid, endpoint }),
                None => {
                    need.push(diags, "oid", "salesforce");
                    None
                }
            }
        }
        other => {
            diags.push(
                invalid(
                    text,
                    name.span(),
                    format!("`backend = \"{other}\"` is not a backend handoff knows"),
                    "",
                )
                .with_hint(did_you_mean(other, &BACKENDS)),
            );
            None
        }
    }
}

fn hubspot(
    portal_id: Option<String>,
    form_guids: Option<RawFormGuids>,
    need: &Need<'_>,
    diags: &mut Diagnostics,
) -> Option<Backend> {
    let guids = form_guids.map(|g| (g.referral, g.appointment));
    match (portal_id, guids) {
        (Some(portal_id), Some((Some(referral_guid), Some(appointment_guid)))) => {
            Some(Backend::Hubspot {
                portal_id,
                referral_guid,
                appointment_guid,
            })
        }
        (None, _) => {
            need.push(diags, "portal_id", "hubspot");
            None
        }
        (Some(_), _) => {
            need.push(
                diags,
                "form_guids = { referral = \"…\", appointment = \"…\" }",
                "hubspot",
            );
            None
        }
    }
}

/// The `endpoint` as written, when it is an address forms may post to.
fn checked_endpoint(
    endpoint: Option<&Spanned<String>>,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<String> {
    let e = endpoint?;
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
    backend: &Backend,
    text: &str,
    diags: &mut Diagnostics,
) {
    if *phi_ok.get_ref() && matches!(backend, Backend::Formspree { .. } | Backend::Netlify) {
        diags.push(invalid(
            text,
            phi_ok.span(),
            format!("`phi_ok = true` with the {} backend: it does not sign business associate agreements", backend.name()),
            "set `phi_ok = false` (the referral form then carries no patient data), or use a backend under a BAA",
        ));
    }
}
