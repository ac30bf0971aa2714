//! The HubSpot fake: the Forms API v3 "submit data to a form"
//! (unauthenticated) endpoint of one portal, with the forms the practice
//! created in HubSpot and the fields it declared on each.
//!
//! The rules, from HubSpot's documentation:
//! - `POST https://api.hsforms.com/submissions/v3/integration/submit/:portalId/:formGuid`,
//!   `Content-Type: application/json`, body
//!   `{fields: [{objectTypeId?, name, value}], context?: {hutk, pageUri, pageName, …},
//!   legalConsentOptions?}`; success is `200 {"inlineMessage": …}` (or
//!   `redirectUri`).
//!   <https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v3-legacy/submit-data-unauthenticated>
//! - "this endpoint will accept cross-origin AJAX (CORS) requests, allowing
//!   you to submit form data directly to HubSpot client-side using
//!   JavaScript". <https://developers.hubspot.com/docs/methods/forms/submit_form>
//! - Since 21 March 2022 HubSpot rejects "any form submissions that submit
//!   fields that aren't present on the form" (`FIELD_NOT_IN_FORM`) "and
//!   submissions that are missing fields that are required on the form"
//!   (`REQUIRED_FIELD`).
//!   <https://developers.hubspot.com/changelog/validation-change-to-the-forms-api-submission-endpoints>
//! - Errors are JSON `{status: "error", message, correlationId, errors: [{message,
//!   errorType}]}`; an unknown portal or form GUID is a 404.
//!   <https://developers.hubspot.com/docs/faq/api-error-responses>
//! - A property's internal name is lowercase letters, digits and
//!   underscores: a form can only declare such names, so any other name is
//!   "not in the form" either.
//!   <https://knowledge.hubspot.com/properties/hubspots-default-contact-properties>
//! - `legalConsentOptions.consent` needs `consentToProcess` and its `text`
//!   (`MISSING_PROCESSING_CONSENT_TEXT`); `context.pageUri` must be a URL
//!   (`INVALID_PAGE_URI`). (Same submit-data page.)

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Kept, Reply, Rules, correlation_id};
use crate::browser::Request;

/// What a HubSpot form declares when the practice follows the README: the
/// default contact properties handoff fills.
pub(crate) const DECLARED_BY_DEFAULT: [&str; 8] = [
    "firstname",
    "lastname",
    "email",
    "phone",
    "fax",
    "company",
    "jobtitle",
    "message",
];

pub(crate) struct HubSpot {
    portal_id: String,
    /// Form GUID → the fields declared on it: (internal name, required).
    forms: BTreeMap<String, Vec<(String, bool)>>,
}

impl HubSpot {
    pub fn new(portal_id: &str) -> HubSpot {
        HubSpot {
            portal_id: portal_id.to_owned(),
            forms: BTreeMap::new(),
        }
    }

    /// A form the practice created, with the fields declared on it (none
    /// of them required).
    pub fn form(self, guid: &str, declared: &[&str]) -> HubSpot {
        self.form_requiring(guid, declared, &[])
    }

    /// A form whose `required` fields must be sent with a value.
    pub fn form_requiring(mut self, guid: &str, declared: &[&str], required: &[&str]) -> HubSpot {
        for name in declared {
            assert!(
                is_internal_name(name),
                "HubSpot cannot declare a field named {name:?}: internal names are lowercase letters, digits and underscores"
            );
        }
        self.forms.insert(
            guid.to_owned(),
            declared
                .iter()
                .map(|s| ((*s).to_owned(), required.contains(s)))
                .collect(),
        );
        self
    }

    fn submit(
        &self,
        req: &Request,
        declared: &[(String, bool)],
        guid: &str,
    ) -> (Reply, Option<Kept>) {
        if !req.content_type().starts_with("application/json") {
            return (
                error(
                    "415 Unsupported Media Type",
                    "Unsupported content type",
                    &[],
                )
                .cors(req),
                None,
            );
        }
        let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
            return (
                error("400 Bad Request", "Invalid input JSON on line 1", &[]).cors(req),
                None,
            );
        };
        let mut errors = Vec::new();
        let mut fields = Vec::new();
        for f in body["fields"].as_array().into_iter().flatten() {
            let (Some(name), Some(value)) = (f["name"].as_str(), f["value"].as_str()) else {
                errors.push((
                    format!("Error in 'fields'. Each field needs a name and a string value: {f}"),
                    "INVALID_METADATA",
                ));
                continue;
            };
            if !declared.iter().any(|(d, _)| d == name) {
                errors.push((
                    format!("Error in 'fields.{name}'. Field '{name}' is not in the form"),
                    "FIELD_NOT_IN_FORM",
                ));
                continue;
            }
            fields.push((name.to_owned(), value.to_owned()));
        }
        for (name, _) in declared.iter().filter(|(_, required)| *required) {
            if !fields.iter().any(|(n, v)| n == name && !v.is_empty()) {
                errors.push((
                    format!("Error in 'fields.{name}'. Required field '{name}' is missing"),
                    "REQUIRED_FIELD",
                ));
            }
        }
        if let Some(uri) = body["context"]["pageUri"].as_str()
            && url::Url::parse(uri).map_or(true, |u| !matches!(u.scheme(), "http" | "https"))
        {
            errors.push((
                format!("Error in 'context.pageUri'. '{uri}' is not a valid URL"),
                "INVALID_PAGE_URI",
            ));
        }
        let consent = &body["legalConsentOptions"]["consent"];
        if !body["legalConsentOptions"].is_null()
            && (consent["consentToProcess"].as_bool().is_none()
                || consent["text"].as_str().is_none_or(str::is_empty))
        {
            errors.push((
                "Error in 'legalConsentOptions.consent'. consentToProcess and its text are required"
                    .to_owned(),
                "MISSING_PROCESSING_CONSENT_TEXT",
            ));
        }
        if !errors.is_empty() {
            return (
                error("400 Bad Request", "The request is not valid", &errors).cors(req),
                None,
            );
        }
        let kept = Kept {
            form: guid.to_owned(),
            fields,
            extra: json!({
                "context": body["context"],
                "legalConsentOptions": body["legalConsentOptions"],
            }),
        };
        (
            Reply::json("200 OK", &json!({ "inlineMessage": "Thanks" })).cors(req),
            Some(kept),
        )
    }
}

impl Rules for HubSpot {
    fn answer(&self, req: &Request) -> (Reply, Option<Kept>) {
        if req.method == "OPTIONS" {
            return (Reply::new("204 No Content").cors(req), None);
        }
        let path = req.path.split('?').next().unwrap_or_default();
        let target = path
            .strip_prefix("/submissions/v3/integration/submit/")
            .and_then(|rest| rest.split_once('/'));
        let found = target.and_then(|(portal, guid)| {
            (portal == self.portal_id)
                .then(|| self.forms.get(guid).map(|d| (d, guid)))
                .flatten()
        });
        match (req.method.as_str(), found) {
            ("POST", Some((declared, guid))) => self.submit(req, declared, guid),
            (_, None) => (
                error("404 Not Found", "Form not found", &[]).cors(req),
                None,
            ),
            _ => (Reply::new("405 Method Not Allowed").cors(req), None),
        }
    }
}

/// HubSpot's internal-name rule.
pub(crate) fn is_internal_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn error(status: &'static str, message: &str, errors: &[(String, &str)]) -> Reply {
    let mut body = json!({
        "status": "error",
        "message": message,
        "correlationId": correlation_id(),
    });
    if !errors.is_empty() {
        body["errors"] = errors
            .iter()
            .map(|(m, t)| json!({ "message": m, "errorType": t }))
            .collect();
    }
    Reply::json(status, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::Fake;
    use crate::fakes::client::{post_json, request};

    const PORTAL: &str = "4455667";
    const GUID: &str = "0a1b2c3d-1111-4222-8333-944455556666";

    fn fake() -> Fake {
        Fake::start(HubSpot::new(PORTAL).form(GUID, &DECLARED_BY_DEFAULT))
    }

    fn path(portal: &str, guid: &str) -> String {
        format!("/submissions/v3/integration/submit/{portal}/{guid}")
    }

    fn submission(fields: &[(&str, &str)]) -> Value {
        json!({
            "fields": fields.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
            "context": { "pageUri": "https://www.example.org/services/cardiology/refer/", "pageName": "Refer" },
        })
    }

    #[test]
    fn declared_fields_are_kept() {
        let fake = fake();
        let answer = post_json(
            fake.port,
            &path(PORTAL, GUID),
            true,
            &submission(&[("firstname", "Jordan"), ("message", "Urgency: Priority")]),
        );
        assert_eq!(answer.status, 200, "{}", answer.text());
        assert_eq!(answer.json(), json!({ "inlineMessage": "Thanks" }));
        let kept = fake.kept();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].get("firstname"), Some("Jordan"));
        assert_eq!(kept[0].get("message"), Some("Urgency: Priority"));
        assert_eq!(
            kept[0].extra["context"]["pageName"],
            json!("Refer"),
            "the context is kept"
        );
    }

    #[test]
    fn an_undeclared_field_refuses_the_whole_submission() {
        let fake = fake();
        let answer = post_json(
            fake.port,
            &path(PORTAL, GUID),
            true,
            &submission(&[("firstname", "Jordan"), ("utm_source", "newsletter")]),
        );
        assert_eq!(answer.status, 400);
        let body = answer.json();
        assert_eq!(body["status"], json!("error"));
        assert_eq!(body["message"], json!("The request is not valid"));
        assert!(
            body["correlationId"]
                .as_str()
                .is_some_and(|c| c.len() == 36)
        );
        assert_eq!(body["errors"][0]["errorType"], json!("FIELD_NOT_IN_FORM"));
        assert_eq!(
            body["errors"][0]["message"],
            json!("Error in 'fields.utm_source'. Field 'utm_source' is not in the form")
        );
        assert!(
            fake.kept().is_empty(),
            "nothing is kept of a refused submission"
        );
    }

    #[test]
    fn a_name_breaking_the_internal_name_rule_is_not_in_the_form() {
        let fake = fake();
        let answer = post_json(
            fake.port,
            &path(PORTAL, GUID),
            true,
            &submission(&[("checklist__pathology-report", "enclosed")]),
        );
        assert_eq!(answer.status, 400);
        assert_eq!(
            answer.json()["errors"][0]["errorType"],
            json!("FIELD_NOT_IN_FORM")
        );
        assert!(!is_internal_name("checklist__pathology-report"));
        assert!(!is_internal_name("Email"));
        assert!(is_internal_name("referral_urgency"));
    }

    #[test]
    fn a_required_field_must_be_sent() {
        let fake = Fake::start(HubSpot::new(PORTAL).form_requiring(
            GUID,
            &DECLARED_BY_DEFAULT,
            &["email"],
        ));
        let answer = post_json(
            fake.port,
            &path(PORTAL, GUID),
            true,
            &submission(&[("firstname", "Sam")]),
        );
        assert_eq!(answer.status, 400);
        assert_eq!(
            answer.json()["errors"][0]["errorType"],
            json!("REQUIRED_FIELD")
        );
        let answer = post_json(
            fake.port,
            &path(PORTAL, GUID),
            true,
            &submission(&[("firstname", "Sam"), ("email", "sam@example.org")]),
        );
        assert_eq!(answer.status, 200);
    }

    #[test]
    fn an_unknown_portal_or_form_is_a_404() {
        let fake = fake();
        for p in [
            path("9999999", GUID),
            path(PORTAL, "7e8f9a0b-2222-4333-8444-a55566667777"),
            "/submissions/v3/integration/submit/".to_owned(),
        ] {
            let answer = post_json(fake.port, &p, true, &submission(&[]));
            assert_eq!(answer.status, 404, "{p}");
        }
    }

    #[test]
    fn consent_needs_its_text_and_the_page_uri_is_a_url() {
        let fake = fake();
        let mut body = submission(&[("email", "a@b.example")]);
        body["legalConsentOptions"] = json!({ "consent": { "consentToProcess": true } });
        body["context"]["pageUri"] = json!("/services/cardiology/refer/");
        let answer = post_json(fake.port, &path(PORTAL, GUID), true, &body);
        assert_eq!(answer.status, 400);
        let types: Vec<Value> = answer.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["errorType"].clone())
            .collect();
        assert_eq!(
            types,
            [
                json!("INVALID_PAGE_URI"),
                json!("MISSING_PROCESSING_CONSENT_TEXT")
            ]
        );
    }

    #[test]
    fn cors_preflight_and_answers_allow_the_page() {
        let fake = fake();
        let answer = request(
            fake.port,
            "OPTIONS",
            &path(PORTAL, GUID),
            &[
                ("Origin", "http://127.0.0.1:8080"),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ],
            b"",
        );
        assert_eq!(answer.status, 204);
        assert_eq!(
            answer.header("access-control-allow-origin"),
            Some("http://127.0.0.1:8080")
        );
        let refused = request(
            fake.port,
            "POST",
            &path(PORTAL, GUID),
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", "http://127.0.0.1:8080"),
            ],
            b"firstname=Jordan",
        );
        assert_eq!(refused.status, 415, "HubSpot's v3 endpoint takes JSON only");
        assert!(refused.header("access-control-allow-origin").is_some());
    }
}
