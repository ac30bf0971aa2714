//! The intake backends (SPEC §7.4): one [`Profile`] per backend, the only
//! place that says what a backend needs and expects.
//!
//! A profile holds the `[intake]` keys of the practice's account with the
//! backend, the form's action URL, how the form may send (a native POST,
//! JSON by `fetch`, or either), the honeypot's name, the hidden fields and
//! `<form>` attributes the backend wants, its own names for canonical
//! fields, and whether it may receive patient data (it signs business
//! associate agreements). Everything else follows from the profile:
//! `config` reads `[intake]` by its keys and refuses `phi_ok` by it, `forms`
//! builds each form from it, `site_files` allows the action's origin in the
//! Content-Security-Policy, and the README's table of backends is checked
//! against it (a test below). Adding a backend is a variant of [`Backend`],
//! its profile, and a fixture under `tests/fixtures/forms/`.
//!
//! Values in a profile are templates: `{form}` is the form's kind
//! (`referral`, `appointment`, `updates`), `{thanks}` its thanks page and `{thanks_url}`
//! that page's absolute address, `{honeypot}` the profile's honeypot, and
//! `{key}` the value of an `[intake]` key, where `<form>` inside a key is the
//! form's kind (`{form_guids.<form>}`). This module is a leaf: it knows no
//! other module, so both `config` and `forms` can read it.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

/// The intake backends handoff can post to: site.toml's `[intake] backend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Backend {
    Webhook,
    Formspree,
    Netlify,
    Hubspot,
    Salesforce,
}

impl Backend {
    pub const ALL: [Backend; 5] = [
        Backend::Webhook,
        Backend::Formspree,
        Backend::Netlify,
        Backend::Hubspot,
        Backend::Salesforce,
    ];

    pub fn profile(self) -> &'static Profile {
        match self {
            Backend::Webhook => &WEBHOOK,
            Backend::Formspree => &FORMSPREE,
            Backend::Netlify => &NETLIFY,
            Backend::Hubspot => &HUBSPOT,
            Backend::Salesforce => &SALESFORCE,
        }
    }

    /// As written in site.toml.
    pub fn name(self) -> &'static str {
        self.profile().name
    }

    /// The backend site.toml names `name`.
    pub fn parse(name: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Every name, for a "did you mean" hint.
    pub fn names() -> [&'static str; 5] {
        Backend::ALL.map(Backend::name)
    }
}

/// Templates see the site.toml name (`data-backend="hubspot"`).
impl Serialize for Backend {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// How a form reaches its backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// A normal POST that works without JavaScript.
    Native,
    /// The script sends JSON (the form still POSTs natively when
    /// JavaScript is off, where the backend allows).
    Fetch,
}

/// What a backend accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// A form-encoded POST or JSON: site.toml's `encoding` chooses.
    Either,
    /// A form-encoded POST only.
    FormOnly,
    /// JSON only: without JavaScript the form cannot send.
    JsonOnly,
}

/// Which of the names a form sends the backend keeps.
#[derive(Debug)]
pub enum Keeps {
    /// Every name: each field arrives under its own (webhook, Formspree,
    /// Netlify).
    Every,
    /// Only the backend's own properties (a CRM's contact or lead fields).
    /// The contact's name is split in two, and every value without a
    /// property of its own becomes a `Label: value` line of `digest`, so
    /// nothing the visitor typed is dropped or refused.
    Own {
        /// Properties every account has.
        standard: &'static [&'static str],
        /// A name the practice can create and map a field to.
        custom: fn(&str) -> bool,
        /// Where the contact's first and last name go.
        split: (&'static str, &'static str),
        /// The multi-line text property that carries the rest.
        digest: &'static str,
    },
}

/// How an `[intake]` key's value is checked. An id of the wrong shape
/// loses every submission, so each backend's ids are checked for the shape
/// its documentation gives (a typo is found at build time, not by a
/// referring office whose referral never arrives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// An address forms may post to (`https://`, or `http://` to a loopback
    /// host under `serve`).
    Endpoint,
    /// HubSpot's account id (Hub ID, `portalId`): digits.
    /// <https://knowledge.hubspot.com/account/manage-multiple-hubspot-accounts>
    HubspotPortalId,
    /// A HubSpot form's GUID: a UUID, `8-4-4-4-12` hex digits.
    /// <https://developers.hubspot.com/docs/methods/forms/submit_form>
    HubspotFormGuid,
    /// A Salesforce organization id: `00D` and 12 letters or digits (15 in
    /// all), or the 18-character form of it.
    /// <https://help.salesforce.com/s/articleView?id=xcloud.company_information_fields.htm>
    SalesforceOrgId,
    /// A Formspree form's id (its "hashid", the end of
    /// `https://formspree.io/f/xqkrvbza`): 6 to 16 letters and digits.
    /// <https://help.formspree.io/hc/en-us/sections/360002930553-The-Forms-API>
    FormspreeFormId,
    /// Any text, as the backend's account page shows it.
    Text,
}

impl Check {
    /// `value` has the shape this check asks for. An endpoint is checked
    /// as a URL by `config`, which knows the URL rules.
    pub fn fits(self, value: &str) -> bool {
        let alphanumeric = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
        match self {
            Check::Endpoint | Check::Text => true,
            Check::HubspotPortalId => {
                (1..=20).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
            }
            Check::HubspotFormGuid => is_uuid(value),
            Check::SalesforceOrgId => is_salesforce_id(value, "00D"),
            Check::FormspreeFormId => (6..=16).contains(&value.len()) && alphanumeric(value),
        }
    }

    /// For an id: what one that fits looks like, and where the practice
    /// copies it from, for a finding about one that does not.
    pub fn expects(self) -> Option<(&'static str, &'static str)> {
        let expects = match self {
            Check::Endpoint | Check::Text => return None,
            Check::HubspotPortalId => (
                "a HubSpot account id is digits only",
                "copy the Hub ID from HubSpot: click your account name in the upper right; it is also the number after `/forms/` in the form editor's address",
            ),
            Check::HubspotFormGuid => (
                "a HubSpot form GUID looks like `0a1b2c3d-1111-4222-8333-944455556666`",
                "copy it from HubSpot: Marketing › Forms, open the form; the GUID is the part of the editor's address after the account id",
            ),
            Check::SalesforceOrgId => (
                "a Salesforce organization id is `00D` and 12 more letters or digits",
                "copy the Salesforce.com Organization ID from Setup › Company Information (or the `oid` value of the form Setup › Web-to-Lead generates)",
            ),
            Check::FormspreeFormId => (
                "a Formspree form id is 6 to 16 letters and digits",
                "copy it from the form's endpoint in Formspree: the part after `/f/` in `https://formspree.io/f/xqkrvbza`",
            ),
        };
        Some(expects)
    }
}

/// A UUID as HubSpot writes a form's GUID: hex digits in groups of
/// 8-4-4-4-12, joined by `-`.
fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A Salesforce id with the key prefix of its kind (`00D` an organization,
/// `00N` a custom field): 15 letters or digits, or 18 in the form that adds
/// a 3-character case checksum.
fn is_salesforce_id(value: &str, prefix: &str) -> bool {
    (value.len() == 15 || value.len() == 18)
        && value.starts_with(prefix)
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// One `[intake]` key of the practice's account with a backend.
#[derive(Debug)]
pub struct Key {
    /// As written in `[intake]`, dotted for a key of an inline table
    /// (`form_guids.referral`).
    pub name: &'static str,
    pub check: Check,
    /// The value when the key is absent; `None`: the key is required.
    pub default: Option<&'static str>,
    /// How a finding asks for it when it is missing (keys of one inline
    /// table are asked for together).
    pub ask: &'static str,
    /// A key that sets this one and its siblings at once (`form_id` for
    /// `form_ids.referral` and `form_ids.appointment`); the practice writes
    /// one spelling or the other, never both.
    pub shorthand: Option<&'static str>,
    /// Absent, the key's form is simply not offered (the updates sign-up
    /// needs a form of its own at the backend, which a practice that runs
    /// no partner program never makes), rather than a missing key.
    pub optional: bool,
}

impl Key {
    /// A required key, asked for by its name.
    const fn new(name: &'static str, check: Check) -> Key {
        Key {
            name,
            check,
            default: None,
            ask: name,
            shorthand: None,
            optional: false,
        }
    }

    /// The form kind of a per-form key (`form_ids.updates` → `updates`).
    pub fn form(&self) -> Option<&'static str> {
        self.name.split_once('.').map(|(_, form)| form)
    }
}

/// Everything handoff knows about one backend.
#[derive(Debug)]
pub struct Profile {
    /// As written in site.toml's `[intake] backend`.
    pub name: &'static str,
    /// The account's keys, in the order they are asked for.
    pub keys: &'static [Key],
    /// The backend's own address, where the practice cannot choose one:
    /// `{origin}` in `action`.
    pub origin: &'static str,
    /// The `<form action>` (a template).
    pub action: &'static str,
    pub accepts: Accepts,
    /// The honeypot field's name: empty unless a bot fills it.
    pub honeypot: &'static str,
    /// Hidden fields the backend wants: (name, label, value template).
    pub hidden: &'static [(&'static str, &'static str, &'static str)],
    /// Attributes on `<form>`: (name, value template), sorted by name.
    pub attributes: &'static [(&'static str, &'static str)],
    /// The backend's own names for canonical fields (`[intake.field_names]`
    /// still wins).
    pub renames: &'static [(&'static str, &'static str)],
    /// Which names the backend keeps: every one, or only its own properties.
    pub keeps: Keeps,
    /// The backend may receive patient data: it signs business associate
    /// agreements, so `phi_ok = true` is allowed (SPEC §7.5).
    pub patient_data: bool,
}

const WEBHOOK: Profile = Profile {
    name: "webhook",
    keys: &[Key::new("endpoint", Check::Endpoint)],
    origin: "",
    action: "{endpoint}",
    accepts: Accepts::Either,
    honeypot: "website",
    hidden: &[],
    attributes: &[],
    renames: &[],
    keeps: Keeps::Every,
    patient_data: true,
};

/// One Formspree form per kind, so each notification says which form it is.
const FORMSPREE: Profile = Profile {
    name: "formspree",
    keys: &[
        Key {
            ask: FORM_IDS,
            shorthand: Some("form_id"),
            ..Key::new("form_ids.referral", Check::FormspreeFormId)
        },
        Key {
            ask: FORM_IDS,
            shorthand: Some("form_id"),
            ..Key::new("form_ids.appointment", Check::FormspreeFormId)
        },
        Key {
            ask: FORM_IDS,
            shorthand: Some("form_id"),
            optional: true,
            ..Key::new("form_ids.updates", Check::FormspreeFormId)
        },
    ],
    origin: "https://formspree.io",
    action: "{origin}/f/{form_ids.<form>}",
    accepts: Accepts::Either,
    honeypot: "_gotcha",
    // `_subject` names the form and service (the script adds the urgency),
    // never the patient; `email` is the reply-to.
    // <https://help.formspree.io/hc/en-us/articles/360053108134-Special-fields>
    hidden: &[
        ("_next", "Next page", "{thanks_url}"),
        ("_subject", "Subject", "{subject}"),
    ],
    attributes: &[],
    renames: &[("clinician_email", "email")],
    keeps: Keeps::Every,
    patient_data: false,
};

const FORM_IDS: &str = "form_ids = { referral = \"…\", appointment = \"…\" }";

/// Netlify takes the POST on the site itself and shows the action page.
const NETLIFY: Profile = Profile {
    name: "netlify",
    keys: &[],
    origin: "",
    action: "{thanks}",
    accepts: Accepts::FormOnly,
    honeypot: "bot-field",
    hidden: &[("form-name", "Form name", "{form}")],
    attributes: &[
        ("data-netlify", "true"),
        ("name", "{form}"),
        ("netlify-honeypot", "{honeypot}"),
    ],
    renames: &[],
    keeps: Keeps::Every,
    patient_data: false,
};

/// The Forms API v3: one form (a guid) per kind. It refuses a submission
/// that names a field the HubSpot form does not declare (since March 2022):
/// only contact properties are sent, the rest in `message`.
/// <https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v3-legacy/submit-data-unauthenticated>
const HUBSPOT: Profile = Profile {
    name: "hubspot",
    keys: &[
        Key::new("portal_id", Check::HubspotPortalId),
        Key {
            ask: FORM_GUIDS,
            ..Key::new("form_guids.referral", Check::HubspotFormGuid)
        },
        Key {
            ask: FORM_GUIDS,
            ..Key::new("form_guids.appointment", Check::HubspotFormGuid)
        },
        Key {
            ask: FORM_GUIDS,
            optional: true,
            ..Key::new("form_guids.updates", Check::HubspotFormGuid)
        },
    ],
    origin: "https://api.hsforms.com",
    action: "{origin}/submissions/v3/integration/submit/{portal_id}/{form_guids.<form>}",
    accepts: Accepts::JsonOnly,
    honeypot: "website",
    hidden: &[],
    attributes: &[],
    renames: &[
        ("clinician_email", "email"),
        ("clinician_phone", "phone"),
        ("clinician_fax", "fax"),
        ("clinician_practice", "company"),
        ("email", "email"),
        ("phone", "phone"),
        ("practice", "company"),
        ("role", "jobtitle"),
    ],
    keeps: Keeps::Own {
        standard: &HUBSPOT_CONTACT_PROPERTIES,
        custom: is_hubspot_name,
        split: ("firstname", "lastname"),
        digest: "message",
    },
    patient_data: true,
};

const FORM_GUIDS: &str = "form_guids = { referral = \"…\", appointment = \"…\" }";

/// Web-to-Lead, with its standard lead fields. It drops every other name
/// without a word and ignores honeypots, so the script sends the lead
/// fields only, the rest in `description`, and stops a filled honeypot.
/// <https://help.salesforce.com/s/articleView?id=sf.setting_up_web-to-lead.htm>
const SALESFORCE: Profile = Profile {
    name: "salesforce",
    keys: &[
        Key {
            default: Some("https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8"),
            ..Key::new("endpoint", Check::Endpoint)
        },
        Key::new("oid", Check::SalesforceOrgId),
        // The lead's Lead Source, so the practice sees which form it came
        // from (a picklist value in Salesforce).
        Key {
            default: Some("Web referral"),
            ..Key::new("lead_source.referral", Check::Text)
        },
        Key {
            default: Some("Web appointment request"),
            ..Key::new("lead_source.appointment", Check::Text)
        },
        Key {
            default: Some("Web updates sign-up"),
            ..Key::new("lead_source.updates", Check::Text)
        },
    ],
    origin: "",
    action: "{endpoint}",
    accepts: Accepts::FormOnly,
    honeypot: "website",
    hidden: &[
        ("oid", "Organization id", "{oid}"),
        ("retURL", "Return address", "{thanks_url}"),
        ("lead_source", "Lead source", "{lead_source.<form>}"),
    ],
    attributes: &[],
    renames: &[
        ("clinician_practice", "company"),
        ("clinician_email", "email"),
        ("clinician_phone", "phone"),
        ("clinician_fax", "fax"),
        ("email", "email"),
        ("phone", "phone"),
        ("practice", "company"),
        ("role", "title"),
    ],
    keeps: Keeps::Own {
        standard: &SALESFORCE_LEAD_FIELDS,
        custom: is_salesforce_custom_field,
        split: ("first_name", "last_name"),
        digest: "description",
    },
    patient_data: true,
};

/// HubSpot's default contact properties a form may fill. Since March 2022
/// the Forms API v3 refuses a submission naming a field the HubSpot form
/// does not declare (`FIELD_NOT_IN_FORM`); these exist on every portal, so
/// the practice only adds them to its form. Any other name must be a custom
/// property the practice creates first.
/// <https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v3-legacy/submit-data-unauthenticated>,
/// <https://knowledge.hubspot.com/properties/hubspots-default-contact-properties>
pub const HUBSPOT_CONTACT_PROPERTIES: [&str; 15] = [
    "address",
    "city",
    "company",
    "country",
    "email",
    "fax",
    "firstname",
    "jobtitle",
    "lastname",
    "message",
    "mobilephone",
    "phone",
    "state",
    "website",
    "zip",
];

/// A HubSpot property's internal name: lowercase letters, digits and
/// underscores, starting with a letter (HubSpot derives it from the label
/// that way and the API refuses other names).
pub fn is_hubspot_name(name: &str) -> bool {
    name.len() <= 100
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The standard lead fields Web-to-Lead accepts; it silently drops every
/// other name except custom fields, which it names by their 15-character
/// `00N…` id. From the form Salesforce generates (Setup › Web-to-Lead).
/// <https://help.salesforce.com/s/articleView?id=sf.setting_up_web-to-lead.htm>
pub const SALESFORCE_LEAD_FIELDS: [&str; 24] = [
    "city",
    "company",
    "country",
    "description",
    "doNotCall",
    "email",
    "emailOptOut",
    "employees",
    "fax",
    "faxOptOut",
    "first_name",
    "industry",
    "last_name",
    "lead_source",
    "mobile",
    "phone",
    "rating",
    "revenue",
    "salutation",
    "state",
    "street",
    "title",
    "url",
    "zip",
];

/// A Salesforce custom field id as Web-to-Lead names it: `00N` and 12 more
/// letters or digits (the 18-character form adds a 3-character suffix).
pub fn is_salesforce_custom_field(name: &str) -> bool {
    is_salesforce_id(name, "00N")
}

/// The practice's account with its backend: the values of the profile's
/// keys, checked (see `config::intake`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account(BTreeMap<&'static str, String>);

impl Account {
    pub fn insert(&mut self, key: &'static str, value: String) {
        self.0.insert(key, value);
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The address the practice gave (webhook, salesforce).
    pub fn endpoint(&self) -> Option<&str> {
        self.get("endpoint")
    }
}

/// What the templates of one form are filled with.
pub struct Fill<'a> {
    pub account: &'a Account,
    /// The profile's origin (a test may point it at a local fake).
    pub origin: String,
    /// The form's subject line: the form and service, never the patient.
    pub subject: String,
    /// `referral`, `appointment` or `updates`.
    pub form: &'static str,
    /// The form's thanks page, root-relative.
    pub thanks: &'a str,
    pub thanks_url: String,
}

impl Profile {
    /// How a form sends: what the backend accepts, else what site.toml asks.
    pub fn transport(&self, wants_json: bool) -> Transport {
        match self.accepts {
            Accepts::Either if wants_json => Transport::Fetch,
            Accepts::Either | Accepts::FormOnly => Transport::Native,
            Accepts::JsonOnly => Transport::Fetch,
        }
    }

    /// The property that carries every value without one of its own, for
    /// a backend that keeps only its own properties.
    pub fn digest(&self) -> Option<&'static str> {
        match self.keeps {
            Keeps::Every => None,
            Keeps::Own { digest, .. } => Some(digest),
        }
    }

    /// The practice's account takes forms of kind `form`: every key of
    /// that form has a value (only an optional one can lack it).
    pub fn takes(&self, account: &Account, form: &str) -> bool {
        self.keys
            .iter()
            .filter(|k| k.form() == Some(form))
            .all(|k| account.get(k.name).is_some())
    }

    /// The backend's own name for a canonical field, if it has one.
    pub fn rename(&self, canonical: &str) -> Option<&'static str> {
        self.renames
            .iter()
            .find(|(from, _)| *from == canonical)
            .map(|(_, to)| *to)
    }

    /// `template` with its placeholders filled in.
    pub fn fill(&self, template: &str, with: &Fill<'_>) -> String {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            match self.placeholder(name, with) {
                Some(value) => out.push_str(&value),
                None => out.push_str(&rest[open..=open + close]),
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn placeholder(&self, name: &str, with: &Fill<'_>) -> Option<String> {
        let value = match name {
            "form" => with.form,
            "origin" => &with.origin,
            "subject" => &with.subject,
            "thanks" => with.thanks,
            "thanks_url" => &with.thanks_url,
            "honeypot" => self.honeypot,
            key => {
                return with
                    .account
                    .get(&key.replace("<form>", with.form))
                    .map(str::to_owned);
            }
        };
        Some(value.to_owned())
    }
}

#[cfg(test)]
mod tests;
