//! A backend fixture built against its fake and served: the backends, the
//! two pages with a form, and `Scene`, one site with its fake and its setup
//! sheet.

use serde_json::{Value, json};

use super::kept::strings;
use crate::browser::{SiteServer, bind_loopback, port_of};
use crate::fakes::Fake;
use crate::fakes::formspree::Formspree;
use crate::fakes::hubspot::{DECLARED_BY_DEFAULT, HubSpot};
use crate::fakes::netlify::NetlifySite;
use crate::fakes::salesforce::Salesforce;
use crate::fakes::webhook::Webhook;
use crate::support::SiteTest;

const PORTAL: &str = "4455667";
const REFERRAL_GUID: &str = "0a1b2c3d-1111-4222-8333-944455556666";
const APPOINTMENT_GUID: &str = "7e8f9a0b-2222-4333-8444-a55566667777";
const UPDATES_GUID: &str = "3c4d5e6f-3333-4444-8555-b66677778888";
const OID: &str = "00D5e000000AbCd";
/// A custom HubSpot contact property the practice maps urgency to (and so
/// creates and declares on its forms).
pub(super) const URGENCY_PROPERTY: &str = "referral_urgency";
const FORMSPREE_REFERRAL: &str = "xqkrvbza";
const FORMSPREE_APPOINTMENT: &str = "mbjnqwer";
const FORMSPREE_UPDATES: &str = "mnnqpwkd";
pub(super) const UTM: [(&str, &str); 3] = [
    ("utm_source", "newsletter"),
    ("utm_medium", "email"),
    ("utm_campaign", "spring"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Backend {
    Hubspot,
    Salesforce,
    Formspree,
    Netlify,
    WebhookForm,
    WebhookJson,
}

impl Backend {
    pub(super) fn fixture(self) -> &'static str {
        match self {
            Backend::Hubspot => "forms/hubspot",
            Backend::Salesforce => "forms/salesforce",
            Backend::Formspree => "forms/formspree",
            Backend::Netlify => "forms/netlify",
            Backend::WebhookForm => "forms/webhook-form",
            Backend::WebhookJson => "forms/webhook-json",
        }
    }

    /// The id the backend files a submission under (`Kept::form`).
    pub(super) fn account_form(self, page: &Page) -> &'static str {
        match (self, page.kind) {
            (Backend::Hubspot, "referral") => REFERRAL_GUID,
            (Backend::Hubspot, "updates") => UPDATES_GUID,
            (Backend::Hubspot, _) => APPOINTMENT_GUID,
            (Backend::Formspree, "referral") => FORMSPREE_REFERRAL,
            (Backend::Formspree, "updates") => FORMSPREE_UPDATES,
            (Backend::Formspree, _) => FORMSPREE_APPOINTMENT,
            (Backend::Salesforce, _) => OID,
            (Backend::Netlify | Backend::WebhookForm | Backend::WebhookJson, _) => page.kind,
        }
    }
}

/// A page with a form.
pub(super) struct Page {
    pub(super) path: &'static str,
    /// `referral`, `appointment` or `updates`: the form's kind, `#<kind>-form`.
    pub(super) kind: &'static str,
    /// The service the page belongs to (its checklist items are on it).
    pub(super) service: Option<&'static str>,
    pub(super) thanks: &'static str,
}

pub(super) const REFERRAL: Page = Page {
    path: "/services/cardiology/refer/",
    kind: "referral",
    service: Some("cardiology"),
    thanks: "/refer/thanks/",
};

pub(super) const APPOINTMENT: Page = Page {
    path: "/request-appointment/",
    kind: "appointment",
    service: None,
    thanks: "/request-appointment/thanks/",
};

/// The referral hub: the referral form with a service to choose, and no
/// service's checklist.
pub(super) const REFER_HUB: Page = Page {
    path: "/refer/",
    kind: "referral",
    service: None,
    thanks: "/refer/thanks/",
};

/// A referral reason's page: its service's form, the reason in a hidden field.
pub(super) const REASON: Page = Page {
    path: "/referrals/palpitations/",
    kind: "referral",
    service: Some("cardiology"),
    thanks: "/refer/thanks/",
};

/// The partner program's page: the updates sign-up of referring offices.
pub(super) const PARTNERS: Page = Page {
    path: "/partners/",
    kind: "updates",
    service: None,
    thanks: "/partners/thanks/",
};

/// A clinical trial's page (issue 23): the appointment form asking the
/// trial's team, the trial's slug in a hidden field, landing on the
/// trial's thanks page.
pub(super) const TRIAL: Page = Page {
    path: "/trials/holter-ai/",
    kind: "appointment",
    service: None,
    thanks: "/trials/holter-ai/thanks/",
};

pub(super) const PAGES: [&Page; 6] = [
    &REFERRAL,
    &APPOINTMENT,
    &REFER_HUB,
    &REASON,
    &PARTNERS,
    &TRIAL,
];

impl Page {
    pub(super) fn form_css(&self) -> String {
        format!("#{}-form", self.kind)
    }
}

pub(super) struct Scene {
    pub(super) backend: Backend,
    /// The site's origin (`http://127.0.0.1:<port>`; `https` for Netlify,
    /// whose fake is the site).
    pub(super) origin: String,
    pub(super) intake: Fake,
    pub(super) _server: Option<SiteServer>,
    pub(super) site: SiteTest,
    /// `handoff intake --format json`.
    pub(super) sheet: Value,
}

impl Scene {
    pub(super) fn new(backend: Backend) -> Scene {
        let mut declared = DECLARED_BY_DEFAULT.to_vec();
        declared.push(URGENCY_PROPERTY);
        Scene::declaring(backend, &declared)
    }

    /// For HubSpot, `declared` are the fields declared on both HubSpot forms.
    pub(super) fn declaring(backend: Backend, declared: &[&str]) -> Scene {
        let site_listener = bind_loopback();
        let site_port = port_of(&site_listener);
        let netlify = backend == Backend::Netlify;
        let scheme = if netlify { "https" } else { "http" };
        let origin = format!("{scheme}://127.0.0.1:{site_port}");
        let intake_listener = (!netlify).then(bind_loopback);
        let intake_origin = intake_listener.as_ref().map_or_else(
            || origin.clone(),
            |l| format!("https://127.0.0.1:{}", port_of(l)),
        );

        let site = SiteTest::fixture(backend.fixture());
        configure(&site, backend, &origin, &intake_origin);
        let env: Vec<(&str, &str)> = match backend {
            Backend::Hubspot | Backend::Formspree => {
                vec![("HANDOFF_TEST_INTAKE_ORIGIN", intake_origin.as_str())]
            }
            _ => Vec::new(),
        };
        site.run_with_env(&env, &["build"]).expect_success();
        let out = site.run_with_env(&env, &["intake", "--format", "json"]);
        out.expect_success();
        let sheet: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "`handoff intake --format json` is not JSON ({e})\n{}",
                out.report()
            )
        });

        let thanks = |page: &Page| (page.kind, format!("{origin}{}", page.thanks));
        let (intake, server) = match (backend, intake_listener) {
            (Backend::Netlify, _) => (
                Fake::start_on(site_listener, NetlifySite::deploy(&site.public())),
                None,
            ),
            (_, Some(listener)) => {
                let fake = match backend {
                    Backend::Hubspot => Fake::start_on(
                        listener,
                        HubSpot::new(PORTAL)
                            .form(REFERRAL_GUID, declared)
                            .form(APPOINTMENT_GUID, declared)
                            .form(UPDATES_GUID, declared),
                    ),
                    Backend::Salesforce => Fake::start_on(listener, Salesforce::new(OID)),
                    Backend::Formspree => Fake::start_on(
                        listener,
                        Formspree::new(&[
                            FORMSPREE_REFERRAL,
                            FORMSPREE_APPOINTMENT,
                            FORMSPREE_UPDATES,
                        ]),
                    ),
                    _ => Fake::start_on(
                        listener,
                        Webhook::new(&[thanks(&REFERRAL), thanks(&APPOINTMENT), thanks(&PARTNERS)]),
                    ),
                };
                (fake, Some(SiteServer::start(site_listener, site.public())))
            }
            (_, None) => unreachable!("only Netlify has no listener of its own"),
        };
        Scene {
            backend,
            origin,
            intake,
            _server: server,
            site,
            sheet,
        }
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The sheet's entry for one form.
    pub(super) fn sheet_form(&self, kind: &str) -> &Value {
        self.sheet["forms"]
            .as_array()
            .and_then(|forms| forms.iter().find(|f| f["form"] == json!(kind)))
            .unwrap_or_else(|| panic!("the setup sheet has no form {kind:?}: {:#}", self.sheet))
    }

    /// The canonical field a control of `page` named `name` carries: its
    /// own name, or what the sheet says a backend-named control carries.
    pub(super) fn canonical(&self, page: &Page, name: &str) -> String {
        let fields = self.sheet_fields(page);
        if fields
            .iter()
            .any(|f| strings(&f["carries"]).iter().any(|c| c == name))
        {
            return name.to_owned();
        }
        fields
            .iter()
            .find(|f| f["name"] == json!(name))
            .and_then(|f| strings(&f["carries"]).into_iter().next())
            .unwrap_or_else(|| name.to_owned())
    }

    /// A service's title, as its page and the digest show it.
    pub(super) fn service_title(&self, slug: &str) -> String {
        self.title(&format!("content/services/{slug}.md"))
    }

    /// A referral reason's title, as its page and the digest show it.
    pub(super) fn reason_title(&self, slug: &str) -> String {
        self.title(&format!("content/referrals/{slug}.md"))
    }

    fn title(&self, rel: &str) -> String {
        self.site
            .read(rel)
            .lines()
            .find_map(|l| l.strip_prefix("title:"))
            .map(|t| t.trim().trim_matches('"').to_owned())
            .unwrap_or_else(|| panic!("{rel} has no title"))
    }

    /// The sheet's fields that apply to `page` (absent `services`: every page).
    pub(super) fn sheet_fields(&self, page: &Page) -> Vec<&Value> {
        self.sheet_form(page.kind)["fields"]
            .as_array()
            .unwrap_or_else(|| panic!("the sheet's {} form has no fields", page.kind))
            .iter()
            .filter(|f| match f["services"].as_array() {
                None => true,
                Some(services) => page
                    .service
                    .is_some_and(|s| services.iter().any(|x| x == &json!(s))),
            })
            .collect()
    }
}

/// Points the fixture's site.toml at this machine: `base_url` at the site
/// server, the backend at its fake.
pub(super) fn configure(site: &SiteTest, backend: Backend, origin: &str, intake: &str) {
    let toml = site.read("site.toml");
    let mut out = Vec::new();
    for line in toml.lines() {
        if line.starts_with("base_url") {
            out.push(format!("base_url = \"{origin}\""));
            continue;
        }
        if ["endpoint =", "form_id =", "form_ids ="]
            .iter()
            .any(|k| line.starts_with(k))
        {
            continue;
        }
        out.push(line.to_owned());
        if line == "[intake.field_names]" && backend == Backend::Hubspot {
            out.push(format!("urgency = \"{URGENCY_PROPERTY}\""));
        }
        if line.starts_with("backend =") {
            match backend {
                Backend::Salesforce => out.push(format!(
                    "endpoint = \"{intake}/servlet/servlet.WebToLead?encoding=UTF-8\""
                )),
                Backend::WebhookForm | Backend::WebhookJson => {
                    out.push(format!("endpoint = \"{intake}/submit\""));
                }
                Backend::Formspree => out.push(format!(
                    "form_ids = {{ referral = \"{FORMSPREE_REFERRAL}\", appointment = \"{FORMSPREE_APPOINTMENT}\", updates = \"{FORMSPREE_UPDATES}\" }}"
                )),
                Backend::Hubspot | Backend::Netlify => {}
            }
        }
    }
    site.write("site.toml", &(out.join("\n") + "\n"));
}
