//! Forms (SPEC §7): [`Site`] + `[intake]` → a [`FormSpec`] per form and page,
//! and a JSON Schema (2020-12) per form kind.
//!
//! One list of canonical fields drives the markup (through templates), the
//! schema the backend validates against, and the local intake sink of
//! `serve`; renames from `[intake.field_names]` are applied once, here.
//! Patient fields exist only when the site declares `phi_ok = true`
//! (a backend under a business associate agreement). Emits no HTML.

mod fields;
mod schema;

use serde::Serialize;

use self::fields::field;
pub use self::fields::{CHECKLIST_PREFIX, CHECKLIST_STATES, NPI_PATTERN, TRACKING, npi_is_valid};
pub use self::schema::schema;
use crate::config::{Backend, Encoding, Intake};
use crate::model::Site;

/// The two pathways of SPEC §7.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FormKind {
    Referral,
    Appointment,
}

impl FormKind {
    pub const ALL: [FormKind; 2] = [FormKind::Referral, FormKind::Appointment];

    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::Referral => "referral",
            FormKind::Appointment => "appointment",
        }
    }

    /// The page a submission lands on.
    pub fn thanks_path(self) -> &'static str {
        match self {
            FormKind::Referral => "/refer/thanks/",
            FormKind::Appointment => "/request-appointment/thanks/",
        }
    }
}

/// How an input looks and what it accepts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Input {
    Text,
    Email,
    Tel,
    Date,
    Textarea,
    Select { options: Vec<Choice> },
    Radio { options: Vec<Choice> },
    Checkbox { value: String },
    Hidden { value: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field as the form sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The name sent to the backend (after `[intake.field_names]`).
    pub name: String,
    /// The canonical name (`clinician_email`), stable across backends.
    pub canonical: String,
    /// An HTML id, unique on the page.
    pub id: String,
    pub label: String,
    pub help: Option<String>,
    pub input: Input,
    pub required: bool,
    pub maxlength: Option<usize>,
    /// HTML `pattern` (without anchors, as browsers apply it whole).
    pub pattern: Option<String>,
    pub autocomplete: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fieldset {
    pub legend: String,
    pub help: Option<String>,
    pub fields: Vec<Field>,
}

/// Everything a template needs to print one form on one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormSpec {
    pub kind: FormKind,
    /// Unique on the page: `referral-form`.
    pub id: String,
    pub action: String,
    pub method: &'static str,
    /// `native`: a normal POST; `fetch`: the script sends JSON (the form
    /// still POSTs natively when JavaScript is off, where the backend allows).
    pub transport: &'static str,
    /// Extra attributes on `<form>` (netlify's), sorted.
    pub attributes: Vec<(String, String)>,
    pub hidden: Vec<Field>,
    pub honeypot: String,
    pub fieldsets: Vec<Fieldset>,
    pub submit_label: String,
    pub thanks_path: String,
    /// The patient-data fields are present (a BAA covers the backend).
    pub phi_ok: bool,
    /// The backend accepts only JSON: without JavaScript the form cannot send.
    pub needs_script: bool,
    /// For the script: JSON field mapping of a fetch backend.
    pub backend: &'static str,
}

/// Where a form sits: which page, and what it already knows.
#[derive(Debug, Clone, Default)]
pub struct Placement<'a> {
    /// Root-relative path of the page.
    pub page: &'a str,
    /// Index into `site.services`, when the page is about one service line.
    pub service: Option<usize>,
    /// Index into `site.referrals`, on a referral-reason page.
    pub reason: Option<usize>,
    /// `handoff serve` without `--real-intake`: post to the local sink
    /// `/_intake/<form>` instead of the configured backend.
    pub local: bool,
}

/// The honeypot's name, as each backend expects it.
fn honeypot(intake: &Intake) -> &'static str {
    match intake.backend {
        Backend::Formspree { .. } => "_gotcha",
        Backend::Netlify => "bot-field",
        Backend::Webhook { .. } | Backend::Hubspot { .. } | Backend::Salesforce { .. } => "website",
    }
}

/// Salesforce Web-to-Lead's standard names for the fields it has.
fn salesforce_name(canonical: &str) -> Option<&'static str> {
    match canonical {
        "clinician_name" | "name" => Some("last_name"),
        "clinician_practice" => Some("company"),
        "clinician_email" | "email" => Some("email"),
        "clinician_phone" | "phone" => Some("phone"),
        _ => None,
    }
}

/// The form for `kind` on the page `at`, or `None` without `[intake]`.
pub fn spec(site: &Site, kind: FormKind, at: &Placement<'_>) -> Option<FormSpec> {
    let intake = site.config.intake.as_ref()?;
    let base = site.config.base_url.as_str();
    let thanks_abs = format!("{base}{}", kind.thanks_path());
    let (action, transport, needs_script, backend) = match &intake.backend {
        Backend::Webhook { endpoint } => (
            endpoint.clone(),
            if intake.encoding == Encoding::Json {
                "fetch"
            } else {
                "native"
            },
            false,
            "webhook",
        ),
        Backend::Formspree { form_id } => (
            format!("https://formspree.io/f/{form_id}"),
            if intake.encoding == Encoding::Json {
                "fetch"
            } else {
                "native"
            },
            false,
            "formspree",
        ),
        Backend::Netlify => (kind.thanks_path().to_owned(), "native", false, "netlify"),
        Backend::Hubspot {
            portal_id,
            referral_guid,
            appointment_guid,
        } => {
            let guid = match kind {
                FormKind::Referral => referral_guid,
                FormKind::Appointment => appointment_guid,
            };
            (
                format!(
                    "https://api.hsforms.com/submissions/v3/integration/submit/{portal_id}/{guid}"
                ),
                "fetch",
                true,
                "hubspot",
            )
        }
        Backend::Salesforce { endpoint, .. } => (endpoint.clone(), "native", false, "salesforce"),
    };
    let action = if at.local {
        format!("/_intake/{}", kind.as_str())
    } else {
        action
    };
    let mut hidden = vec![
        field(
            "form",
            "Form",
            Input::Hidden {
                value: kind.as_str().to_owned(),
            },
        ),
        field(
            "page",
            "Page",
            Input::Hidden {
                value: at.page.to_owned(),
            },
        ),
        field(
            "reason",
            "Referral reason page",
            Input::Hidden {
                value: at
                    .reason
                    .map(|r| site.referrals[r].slug.clone())
                    .unwrap_or_default(),
            },
        ),
    ];
    hidden.extend(TRACKING.iter().map(|t| {
        field(
            t,
            t,
            Input::Hidden {
                value: String::new(),
            },
        )
    }));
    let mut attributes = Vec::new();
    match &intake.backend {
        Backend::Formspree { .. } => hidden.push(field(
            "_next",
            "Next page",
            Input::Hidden {
                value: thanks_abs.clone(),
            },
        )),
        Backend::Netlify => {
            hidden.push(field(
                "form-name",
                "Form name",
                Input::Hidden {
                    value: kind.as_str().to_owned(),
                },
            ));
            attributes.push(("data-netlify".to_owned(), "true".to_owned()));
            attributes.push(("name".to_owned(), kind.as_str().to_owned()));
            attributes.push(("netlify-honeypot".to_owned(), "bot-field".to_owned()));
        }
        Backend::Salesforce { oid, .. } => {
            hidden.push(field(
                "oid",
                "Organization id",
                Input::Hidden { value: oid.clone() },
            ));
            hidden.push(field(
                "retURL",
                "Return address",
                Input::Hidden {
                    value: thanks_abs.clone(),
                },
            ));
        }
        Backend::Webhook { .. } | Backend::Hubspot { .. } => {}
    }
    let mut fieldsets = match kind {
        FormKind::Referral => fields::referral(site, intake.phi_ok, at),
        FormKind::Appointment => fields::appointment(site, at),
    };
    // The service is known on this page: send it hidden.
    for set in &mut fieldsets {
        let (hid, shown): (Vec<Field>, Vec<Field>) = set
            .fields
            .drain(..)
            .partition(|f| matches!(f.input, Input::Hidden { .. }));
        hidden.extend(hid);
        set.fields = shown;
    }
    let prefix = kind.as_str();
    let rename = |f: &mut Field| {
        let renamed =
            intake
                .field_names
                .get(&f.canonical)
                .cloned()
                .or_else(|| match &intake.backend {
                    Backend::Salesforce { .. } => salesforce_name(&f.canonical).map(str::to_owned),
                    _ => None,
                });
        if let Some(n) = renamed {
            f.name = n;
        }
        f.id = format!(
            "{prefix}-{}",
            f.canonical.replace("__", "-").replace('_', "-")
        );
    };
    hidden.iter_mut().for_each(rename);
    fieldsets
        .iter_mut()
        .flat_map(|s| s.fields.iter_mut())
        .for_each(rename);
    Some(FormSpec {
        kind,
        id: format!("{prefix}-form"),
        action,
        method: "post",
        transport,
        attributes,
        hidden,
        honeypot: honeypot(intake).to_owned(),
        fieldsets,
        submit_label: match kind {
            FormKind::Referral => "Send referral".to_owned(),
            FormKind::Appointment => "Request appointment".to_owned(),
        },
        thanks_path: kind.thanks_path().to_owned(),
        phi_ok: intake.phi_ok,
        needs_script,
        backend,
    })
}
