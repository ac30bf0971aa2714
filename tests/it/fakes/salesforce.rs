//! The Salesforce fake: Web-to-Lead for one organization.
//!
//! The rules, from Salesforce's documentation and the form it generates
//! (Setup › Web-to-Lead › Create Web-to-Lead Form):
//! - `POST https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8`,
//!   a plain HTML form post (`application/x-www-form-urlencoded`) carrying
//!   the hidden `oid` (the organization id) and `retURL` (where the visitor
//!   goes next). <https://help.salesforce.com/s/articleView?id=sf.setting_up_web-to-lead.htm>
//! - The generated form names standard lead fields by their Web-to-Lead
//!   names (`first_name`, `last_name`, `company`, `description`, …) and
//!   custom fields by their 15-character id (`00N…`); any other name is
//!   ignored: the lead is created without it, and no error is shown.
//! - A submission for an unknown `oid` is dropped without a word; the
//!   visitor is still sent to `retURL`, which the browser resolves against
//!   Salesforce's host, so it must be absolute.
//!
//! The list below is this fake's own copy, written from the generated form;
//! it is not read from handoff (a fake that shares the code under test's
//! list proves nothing).

use serde_json::json;

use super::{Kept, Reply, Rules, form_pairs, query_value};
use crate::browser::Request;

/// The standard lead fields a generated Web-to-Lead form uses.
const LEAD_FIELDS: [&str; 26] = [
    "salutation",
    "first_name",
    "last_name",
    "title",
    "company",
    "email",
    "phone",
    "mobile",
    "fax",
    "url",
    "street",
    "city",
    "state",
    "zip",
    "country",
    "description",
    "lead_source",
    "industry",
    "rating",
    "revenue",
    "employees",
    "emailOptOut",
    "faxOptOut",
    "doNotCall",
    "Campaign_ID",
    "member_status",
];

/// The fields that steer Web-to-Lead itself; never stored on the lead.
const CONTROL: [&str; 5] = ["oid", "retURL", "encoding", "debug", "debugEmail"];

/// A custom lead field as Web-to-Lead names it: `00N` and 12 more letters or
/// digits (18 with the case-safe suffix).
pub(crate) fn is_custom_field(name: &str) -> bool {
    (name.len() == 15 || name.len() == 18)
        && name.starts_with("00N")
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

pub(crate) fn is_lead_field(name: &str) -> bool {
    LEAD_FIELDS.contains(&name) || is_custom_field(name)
}

pub(crate) struct Salesforce {
    oid: String,
}

impl Salesforce {
    pub fn new(oid: &str) -> Salesforce {
        Salesforce {
            oid: oid.to_owned(),
        }
    }
}

pub(crate) const PATH: &str = "/servlet/servlet.WebToLead";

impl Rules for Salesforce {
    fn answer(&self, req: &Request) -> (Reply, Option<Kept>) {
        let path = req.path.split('?').next().unwrap_or_default();
        if path != PATH || req.method != "POST" {
            return (Reply::new("404 Not Found"), None);
        }
        // Without `encoding=UTF-8` Salesforce reads the body as ISO-8859-1.
        if query_value(&req.path, "encoding").as_deref() != Some("UTF-8") {
            return (
                Reply::new("400 Bad Request")
                    .body(b"post to servlet.WebToLead?encoding=UTF-8".to_vec()),
                None,
            );
        }
        if !req
            .content_type()
            .starts_with("application/x-www-form-urlencoded")
        {
            return (Reply::new("415 Unsupported Media Type"), None);
        }
        let pairs = form_pairs(&req.body);
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let Some(ret_url) = value("retURL") else {
            // Salesforce shows a blank page of its own.
            return (Reply::new("200 OK"), None);
        };
        if url::Url::parse(&ret_url).is_err() {
            // The real service would send the visitor to this path on
            // Salesforce's own host: a dead end. The fake refuses it loudly.
            return (
                Reply::new("400 Bad Request")
                    .body(format!("retURL {ret_url:?} is not absolute").into_bytes()),
                None,
            );
        }
        let reply = Reply::redirect("303 See Other", &ret_url);
        if value("oid").as_deref() != Some(self.oid.as_str()) {
            return (reply, None);
        }
        let (fields, dropped): (Vec<_>, Vec<_>) = pairs
            .into_iter()
            .filter(|(k, _)| !CONTROL.contains(&k.as_str()))
            .partition(|(k, _)| is_lead_field(k));
        let kept = Kept {
            form: self.oid.clone(),
            fields,
            extra: json!({ "dropped": dropped.iter().map(|(k, _)| k).collect::<Vec<_>>() }),
        };
        (reply, Some(kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::Fake;
    use crate::fakes::client::{post_form, request};

    const OID: &str = "00D5e000000AbCd";
    const ENDPOINT: &str = "/servlet/servlet.WebToLead?encoding=UTF-8";
    const THANKS: &str = "https://www.example.org/refer/thanks/";

    #[test]
    fn keeps_lead_fields_and_custom_ids_and_drops_the_rest_silently() {
        let fake = Fake::start(Salesforce::new(OID));
        let answer = post_form(
            fake.port,
            ENDPOINT,
            &[
                ("oid", OID),
                ("retURL", THANKS),
                ("last_name", "Lee"),
                ("company", "Oak Family Practice"),
                ("00N5e00000ABCDE", "priority"),
                ("urgency", "priority"),
                ("checklist__ekg", "enclosed"),
            ],
        );
        assert_eq!(answer.status, 303, "{}", answer.text());
        assert_eq!(answer.header("location"), Some(THANKS));
        let kept = fake.kept();
        assert_eq!(kept.len(), 1);
        let names: Vec<&str> = kept[0].fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["last_name", "company", "00N5e00000ABCDE"]);
        assert_eq!(
            kept[0].extra["dropped"],
            json!(["urgency", "checklist__ekg"])
        );
    }

    #[test]
    fn another_organization_s_submission_is_dropped_without_a_word() {
        let fake = Fake::start(Salesforce::new(OID));
        let answer = post_form(
            fake.port,
            ENDPOINT,
            &[
                ("oid", "00D000000000001"),
                ("retURL", THANKS),
                ("last_name", "Lee"),
            ],
        );
        assert_eq!(answer.status, 303);
        assert!(fake.kept().is_empty());
    }

    #[test]
    fn ret_url_must_be_absolute_and_encoding_utf8() {
        let fake = Fake::start(Salesforce::new(OID));
        let relative = post_form(
            fake.port,
            ENDPOINT,
            &[
                ("oid", OID),
                ("retURL", "/refer/thanks/"),
                ("last_name", "Lee"),
            ],
        );
        assert_eq!(relative.status, 400);
        let latin1 = post_form(
            fake.port,
            PATH,
            &[("oid", OID), ("retURL", THANKS), ("last_name", "Lee")],
        );
        assert_eq!(latin1.status, 400);
        let json = request(
            fake.port,
            "POST",
            ENDPOINT,
            &[("Content-Type", "application/json")],
            br#"{"oid":"00D5e000000AbCd"}"#,
        );
        assert_eq!(json.status, 415);
        assert!(fake.kept().is_empty());
    }

    #[test]
    fn custom_field_ids() {
        assert!(is_custom_field("00N5e00000ABCDE"));
        assert!(is_custom_field("00N5e00000ABCDEFGH"));
        assert!(!is_custom_field("00N5e00000ABCD"));
        assert!(!is_custom_field("00D5e00000ABCDE"));
    }
}
