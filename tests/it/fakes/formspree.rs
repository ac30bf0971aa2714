//! The Formspree fake: the practice's Formspree forms, `POST /f/<form id>`.
//!
//! The rules, from Formspree's documentation:
//! - A form posts to `https://formspree.io/f/{form_id}`; a plain HTML post
//!   (`application/x-www-form-urlencoded`) is answered with a redirect to
//!   the thank-you page, or to `_next` when the form gives one.
//!   <https://help.formspree.io/hc/en-us/articles/360062302854-Special-Fields>
//! - JavaScript submissions (fetch/AJAX) must send `Accept: application/json`
//!   and get JSON back (`{"ok": true}`); this also works cross-origin.
//!   <https://help.formspree.io/articles/building-your-form/submit-forms-with-javascript-ajax>,
//!   <https://github.com/formspree/formspree> (README, "Using AJAX")
//! - Special fields: `email` (or `_replyto`) becomes the notification's
//!   Reply-To, `_subject` its subject, `_next` the page after a plain post,
//!   and a filled `_gotcha` (the honeypot) makes Formspree silently ignore
//!   the submission. (Special Fields, above.)

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{Kept, Reply, Rules, form_pairs};
use crate::browser::Request;

/// Fields that steer Formspree itself; not part of the submission's data.
const CONTROL: [&str; 3] = ["_next", "_gotcha", "_subject"];

pub(crate) struct Formspree {
    form_ids: BTreeSet<String>,
}

impl Formspree {
    pub fn new(form_ids: &[&str]) -> Formspree {
        Formspree {
            form_ids: form_ids.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

impl Rules for Formspree {
    fn answer(&self, req: &Request) -> (Reply, Option<Kept>) {
        if req.method == "OPTIONS" {
            return (Reply::new("204 No Content").cors(req), None);
        }
        let path = req.path.split('?').next().unwrap_or_default();
        let Some(id) = path
            .strip_prefix("/f/")
            .filter(|id| self.form_ids.contains(*id))
        else {
            return (
                Reply::json("404 Not Found", &json!({ "error": "Form not found" })).cors(req),
                None,
            );
        };
        if req.method != "POST" {
            return (Reply::new("405 Method Not Allowed"), None);
        }
        let wants_json = req
            .header("accept")
            .is_some_and(|a| a.contains("application/json"));
        let pairs: Vec<(String, String)> = if req.content_type().starts_with("application/json") {
            if !wants_json {
                // A JSON body is a script's: Formspree answers scripts only
                // when they ask for JSON.
                return (
                    Reply::json(
                        "406 Not Acceptable",
                        &json!({ "error": "Send Accept: application/json with a JSON body" }),
                    ),
                    None,
                );
            }
            let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&req.body) else {
                return (
                    Reply::json("400 Bad Request", &json!({ "error": "Invalid JSON" })).cors(req),
                    None,
                );
            };
            super::json_pairs(object)
        } else if req
            .content_type()
            .starts_with("application/x-www-form-urlencoded")
        {
            form_pairs(&req.body)
        } else {
            return (Reply::new("415 Unsupported Media Type"), None);
        };
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let reply = if wants_json {
            Reply::json("200 OK", &json!({ "ok": true, "next": "/thanks" })).cors(req)
        } else {
            match value("_next").filter(|n| url::Url::parse(n).is_ok()) {
                Some(next) => Reply::redirect("302 Found", &next),
                None => Reply::new("200 OK")
                    .header("Content-Type", "text/html; charset=utf-8")
                    .body(b"<h1>Thanks!</h1>".to_vec()),
            }
        };
        if value("_gotcha").is_some_and(|v| !v.is_empty()) {
            return (reply, None);
        }
        let reply_to = value("email").or_else(|| value("_replyto"));
        let kept = Kept {
            form: id.to_owned(),
            fields: pairs
                .iter()
                .filter(|(k, _)| !CONTROL.contains(&k.as_str()))
                .cloned()
                .collect(),
            extra: json!({ "subject": value("_subject"), "reply_to": reply_to }),
        };
        (reply, Some(kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::Fake;
    use crate::fakes::client::{post_form, post_json, request};

    const THANKS: &str = "https://www.example.org/refer/thanks/";

    fn fake() -> Fake {
        Fake::start(Formspree::new(&["xqkrvbza", "mbjnqwer"]))
    }

    #[test]
    fn json_is_accepted_only_when_the_script_asks_for_json() {
        let fake = fake();
        let body = json!({ "email": "j.lee@oak.example", "_subject": "Referral: Cardiology (priority)", "urgency": "priority" });
        let refused = post_json(fake.port, "/f/xqkrvbza", false, &body);
        assert_eq!(refused.status, 406);
        assert!(fake.kept().is_empty());
        let answer = post_json(fake.port, "/f/xqkrvbza", true, &body);
        assert_eq!(answer.status, 200, "{}", answer.text());
        assert_eq!(answer.json()["ok"], json!(true));
        let kept = fake.kept();
        assert_eq!(kept.len(), 1);
        assert_eq!(
            kept[0].extra["subject"],
            json!("Referral: Cardiology (priority)")
        );
        assert_eq!(kept[0].extra["reply_to"], json!("j.lee@oak.example"));
        assert_eq!(kept[0].get("urgency"), Some("priority"));
    }

    #[test]
    fn a_plain_post_goes_to_next() {
        let fake = fake();
        let answer = post_form(
            fake.port,
            "/f/mbjnqwer",
            &[("_next", THANKS), ("_gotcha", ""), ("name", "Sam Rivera")],
        );
        assert_eq!(answer.status, 302);
        assert_eq!(answer.header("location"), Some(THANKS));
        assert_eq!(fake.kept()[0].form, "mbjnqwer");
        assert_eq!(
            fake.kept()[0].fields,
            [("name".to_owned(), "Sam Rivera".to_owned())]
        );
    }

    #[test]
    fn a_filled_gotcha_is_dropped_silently() {
        let fake = fake();
        let answer = post_form(
            fake.port,
            "/f/xqkrvbza",
            &[
                ("_next", THANKS),
                ("_gotcha", "http://spam.example"),
                ("name", "Bot"),
            ],
        );
        assert_eq!(answer.status, 302, "the bot sees success");
        assert!(fake.kept().is_empty());
    }

    #[test]
    fn an_unknown_form_is_a_404_and_cors_preflight_passes() {
        let fake = fake();
        assert_eq!(post_form(fake.port, "/f/nosuchform", &[]).status, 404);
        let pre = request(
            fake.port,
            "OPTIONS",
            "/f/xqkrvbza",
            &[
                ("Origin", "http://127.0.0.1:1"),
                ("Access-Control-Request-Method", "POST"),
            ],
            b"",
        );
        assert_eq!(pre.status, 204);
        assert_eq!(
            pre.header("access-control-allow-origin"),
            Some("http://127.0.0.1:1")
        );
    }
}
