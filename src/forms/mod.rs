//! Forms (SPEC §7): [`Site`] + `[intake]` → a [`FormSpec`] per form and page,
//! and a JSON Schema (2020-12) per form kind. Emits no HTML (templates do).
//!
//! This module holds the form model and [`spec`], which puts one form
//! together: the fields of `fields.rs` (one list of canonical fields drives
//! the markup, the JSON Schema of [`schema()`] the backend validates, and
//! the local intake sink of `serve`), then what the backend's profile in
//! [`backend`] adds (action, hidden fields, attributes, honeypot, its own
//! field names). Renames from `[intake.field_names]` are applied once, here.
//! Patient fields exist only when the site declares `phi_ok = true` (a
//! backend under a business associate agreement).

pub mod backend;
pub mod delivery;
mod fields;
mod schema;

use serde::Serialize;

use self::backend::{Accepts, Backend, Fill, Profile, Transport};
pub use self::fields::{
    ANY_LOCATION, NPI_PATTERN, RECORDS_ENCLOSED, RECORDS_LATER, TRACKING, npi_is_valid,
};
pub use self::schema::schema;
use crate::config::{Config, Encoding, Intake};
pub use crate::model::FormKind;
use crate::model::Site;

/// How an input looks and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Input {
    Text,
    Email,
    Tel,
    Date,
    Textarea,
    Select {
        options: Vec<Choice>,
    },
    Radio {
        options: Vec<Choice>,
    },
    /// A group of tick boxes sharing one name: the form sends every ticked
    /// value (an array in JSON).
    Checkboxes {
        options: Vec<Choice>,
    },
    /// `checked`: ticked when the page loads.
    Checkbox {
        value: String,
        checked: bool,
    },
    Hidden {
        value: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field as the form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Field {
    /// The name sent to the backend (after `[intake.field_names]`).
    pub name: String,
    /// The canonical name (`clinician_email`), stable across backends.
    pub canonical: String,
    /// An HTML id, unique on the page.
    pub id: String,
    pub label: String,
    /// A short label where `label` is a question ("Urgency"): how the value
    /// is named in a backend's digest of the form.
    pub short: Option<String>,
    pub help: Option<String>,
    pub input: Input,
    pub required: bool,
    pub maxlength: Option<usize>,
    /// HTML `pattern` (without anchors, as browsers apply it whole).
    pub pattern: Option<String>,
    pub autocomplete: Option<String>,
    /// The name of the person a CRM's record is about (the referring
    /// clinician, the patient asking for an appointment).
    pub contact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fieldset {
    /// Optional details, folded away below the rest of the form.
    pub more: bool,
    pub legend: String,
    pub help: Option<String>,
    pub fields: Vec<Field>,
    /// The fieldset as the theme prints it, when the renderer has printed
    /// it already (`render::splice`): templates then see only this.
    pub html: Option<std::sync::Arc<str>>,
}

impl Serialize for Fieldset {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        if let Some(html) = &self.html {
            let mut set = s.serialize_struct("Fieldset", 1)?;
            set.serialize_field("html", &**html)?;
            return set.end();
        }
        let mut set = s.serialize_struct("Fieldset", 4)?;
        set.serialize_field("more", &self.more)?;
        set.serialize_field("legend", &self.legend)?;
        set.serialize_field("help", &self.help)?;
        set.serialize_field("fields", &self.fields)?;
        set.end()
    }
}

/// Everything a template needs to print one form on one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormSpec {
    pub kind: FormKind,
    /// Unique on the page: `referral-form`.
    pub id: String,
    pub action: String,
    pub method: &'static str,
    pub transport: Transport,
    /// Extra attributes on `<form>` (netlify's), sorted.
    pub attributes: Vec<(String, String)>,
    pub hidden: Vec<Field>,
    pub honeypot: String,
    pub fieldsets: Vec<Fieldset>,
    /// What the form is called in a subject line: "Referral".
    pub title: &'static str,
    pub submit_label: String,
    pub thanks_path: String,
    /// The patient-data fields are present (a BAA covers the backend).
    pub phi_ok: bool,
    /// The backend accepts only JSON: without JavaScript the form cannot send.
    pub needs_script: bool,
    /// For the script: JSON field mapping of a fetch backend.
    pub backend: Backend,
    /// For the script: what to send to a backend that keeps only its own
    /// properties (a [`delivery::Plan`] as JSON), else empty.
    pub delivery: String,
    /// The number a visitor calls when the form cannot send: the trial
    /// contact's on a trial's page, the service's referral line where the
    /// page is about one, else the practice's.
    pub phone: Option<crate::phone::Phone>,
}

impl FormSpec {
    /// Every field the form sends, hidden ones first.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.hidden
            .iter()
            .chain(self.fieldsets.iter().flat_map(|s| s.fields.iter()))
    }
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
    /// Index into `site.locations`, on a service line's page at one
    /// location: the location the form's location choice preselects.
    pub location: Option<usize>,
    /// `handoff serve` without `--real-intake`: post to the local sink
    /// `/_intake/<form>` instead of the configured backend.
    pub local: bool,
    /// Index into `site.trials`, on a clinical trial's page.
    pub trial: Option<usize>,
}

/// The form for `kind` on the page `at`, or `None` without `[intake]`.
pub fn spec(site: &Site, kind: FormKind, at: &Placement<'_>) -> Option<FormSpec> {
    let intake = site.config.intake.as_ref()?;
    let profile = intake.profile();
    // A form the practice has not set up at its backend (an optional
    // key), or one whose page the site does not have.
    if !profile.takes(&intake.account, kind.as_str()) || !site.offers(kind) {
        return None;
    }
    // A question about a trial lands on that trial's thanks page, which
    // names the trial's contact.
    let thanks = match at.trial {
        Some(t) => site.trials[t].thanks_path(),
        None => kind.thanks_path(at.service.map(|i| &site.services[i])),
    };
    let fill = fill(&site.config, intake, kind, &thanks, subject(site, kind, at));
    let action = if at.local {
        format!("/_intake/{}", kind.as_str())
    } else {
        profile.fill(profile.action, &fill)
    };
    let mut hidden = hidden_fields(site, kind, at);
    hidden.extend(
        profile
            .hidden
            .iter()
            .map(|(name, label, value)| fields::hidden(name, label, profile.fill(value, &fill))),
    );
    let attributes = profile
        .attributes
        .iter()
        .map(|(name, value)| ((*name).to_owned(), profile.fill(value, &fill)))
        .collect();
    let mut fieldsets = match kind {
        FormKind::Referral => fields::referral(site, intake.phi_ok, at),
        FormKind::Appointment => fields::appointment(site, at),
        FormKind::Updates => fields::updates(site),
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
    let sent = hidden
        .iter_mut()
        .chain(fieldsets.iter_mut().flat_map(|s| s.fields.iter_mut()));
    sent.for_each(|f| name_field(f, intake, kind));
    let transport = profile.transport(intake.encoding == Encoding::Json);
    let mut form = FormSpec {
        kind,
        id: format!("{}-form", kind.as_str()),
        action,
        method: "post",
        transport,
        attributes,
        hidden,
        honeypot: profile.honeypot.to_owned(),
        fieldsets,
        title: kind.words().title,
        submit_label: kind.words().submit.to_owned(),
        thanks_path: fill.thanks.to_owned(),
        phi_ok: intake.phi_ok && !kind.contact_only(),
        // A CRM's script routes the fields; without it they would be
        // refused or dropped (and a honeypot unchecked).
        needs_script: profile.accepts == Accepts::JsonOnly || profile.digest().is_some(),
        backend: intake.backend,
        delivery: String::new(),
        phone: match at.trial {
            // A patient asking about a trial calls its team, else the
            // service line's most specific line, else the practice.
            Some(t) => site.trials[t]
                .contact
                .as_ref()
                .and_then(|c| c.phone.clone()),
            None => at.service.and_then(|s| {
                let place = at.location.map(|l| (l, &site.locations[l]));
                site.services[s].line(place).phone.cloned()
            }),
        }
        .or_else(|| site.config.organization.phone.clone()),
    };
    if let Some(plan) = delivery::plan(site, intake, &form, at) {
        form.delivery = serde_json::to_string(&plan).unwrap_or_default();
    }
    Some(form)
}

/// What a form of one kind is called, each name written once.
pub(crate) struct Words {
    /// In a subject line: "Referral".
    pub title: &'static str,
    /// The JSON Schema's title.
    pub schema: &'static str,
    pub submit: &'static str,
    /// The label of a CRM's digest property.
    pub digest: &'static str,
    /// The action bar's button to the form on its page; none where the
    /// form is no visitor's next step (the bar leads to referring then).
    pub action: Option<&'static str>,
}

impl FormKind {
    pub(crate) fn words(self) -> Words {
        match self {
            FormKind::Referral => Words {
                title: "Referral",
                schema: "Clinician referral",
                submit: "Send referral",
                digest: "Referral details",
                action: Some("Refer online"),
            },
            FormKind::Appointment => Words {
                title: "Appointment request",
                schema: "Appointment request",
                submit: "Request appointment",
                digest: "Appointment request details",
                action: Some("Request online"),
            },
            FormKind::Updates => Words {
                title: "Updates sign-up",
                schema: "Updates for referring offices",
                submit: "Sign up for updates",
                digest: "Updates sign-up details",
                action: None,
            },
        }
    }
}

/// A subject line that names the form and the service, never the patient
/// (SPEC §7.2); the script adds the chosen service and urgency.
fn subject(site: &Site, kind: FormKind, at: &Placement<'_>) -> String {
    let form = kind.words().title;
    if let Some(t) = at.trial {
        return format!("{form}: clinical trial {}", site.trials[t].title);
    }
    match at.service {
        Some(s) => format!("{form}: {}", site.services[s].title),
        None => format!("{form} from the website"),
    }
}

/// Where a form of `kind` posts on the live site; `None` without `[intake]`.
pub(crate) fn action(config: &Config, kind: FormKind) -> Option<String> {
    let intake = config.intake.as_ref()?;
    let profile = intake.profile();
    let thanks = kind.generic_thanks_path();
    Some(profile.fill(
        profile.action,
        &fill(config, intake, kind, thanks, String::new()),
    ))
}

/// What a backend profile's templates are filled with for a `kind` form
/// that lands on `thanks`.
fn fill<'a>(
    config: &Config,
    intake: &'a Intake,
    kind: FormKind,
    thanks: &'a str,
    subject: String,
) -> Fill<'a> {
    Fill {
        account: &intake.account,
        origin: origin(intake.profile()),
        subject,
        form: kind.as_str(),
        thanks,
        thanks_url: config.base_url.join(thanks),
    }
}

/// The origin of the backend's own address. Debug builds (the test suite)
/// read `HANDOFF_TEST_INTAKE_ORIGIN`, so contract tests can point HubSpot
/// and Formspree at a local fake; a release build has no such switch.
fn origin(profile: &Profile) -> String {
    #[cfg(debug_assertions)]
    if !profile.origin.is_empty()
        && let Ok(fake) = std::env::var("HANDOFF_TEST_INTAKE_ORIGIN")
    {
        return fake;
    }
    profile.origin.to_owned()
}

/// The hidden fields of every form: which form and page, the page's
/// referral reason, and the tracking fields the script fills.
fn hidden_fields(site: &Site, kind: FormKind, at: &Placement<'_>) -> Vec<Field> {
    let reason = at.reason.map(|r| site.referrals[r].slug.clone());
    let mut hidden = vec![
        fields::hidden("form", "Form", kind.as_str().to_owned()),
        fields::hidden("page", "Page", at.page.to_owned()),
        fields::hidden("reason", "Referral reason page", reason.unwrap_or_default()),
    ];
    // The trial a question is about: on every appointment form of a site
    // with trials, so the backend and the schema see one field, filled on
    // a trial's page and empty elsewhere.
    if kind == FormKind::Appointment && !site.trials.is_empty() {
        let trial = at.trial.map(|t| site.trials[t].slug.clone());
        hidden.push(fields::hidden(
            "trial",
            "Clinical trial",
            trial.unwrap_or_default(),
        ));
    }
    hidden.extend(
        TRACKING
            .iter()
            .map(|(t, label)| fields::hidden(t, label, String::new())),
    );
    hidden
}

/// The name a field is sent under (`[intake.field_names]`, else the
/// backend's own) and its id on the page.
fn name_field(f: &mut Field, intake: &Intake, kind: FormKind) {
    let renamed = intake
        .field_names
        .get(&f.canonical)
        .cloned()
        .or_else(|| intake.profile().rename(&f.canonical).map(str::to_owned));
    if let Some(n) = renamed {
        f.name = n;
    }
    f.id = format!(
        "{}-{}",
        kind.as_str(),
        f.canonical.replace("__", "-").replace('_', "-")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example site: a webhook under a business associate agreement.
    fn example() -> Site {
        crate::example().site
    }

    #[test]
    fn the_updates_sign_up_is_contact_only_even_where_patient_data_may_go() {
        let site = example();
        assert!(site.config.intake.as_ref().is_some_and(|i| i.phi_ok));
        let at = Placement {
            page: crate::model::PARTNERS_PATH,
            ..Placement::default()
        };
        let form = spec(&site, FormKind::Updates, &at).unwrap();
        assert!(!form.phi_ok);
        assert_eq!(form.thanks_path, "/partners/thanks/");
        let names: Vec<&str> = form.fields().map(|f| f.canonical.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| !n.starts_with("patient") && *n != "clinical_question"),
            "{names:?}"
        );
        // The referral form of the same site does carry the patient.
        let referral = spec(&site, FormKind::Referral, &at).unwrap();
        assert!(referral.phi_ok);
    }
}
