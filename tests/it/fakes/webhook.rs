//! The webhook fake: the practice's own endpoint, as the README's webhook
//! contract describes it (handoff's contract, not a third party's): it keeps
//! every field; a native form post (`application/x-www-form-urlencoded`) is
//! answered with `303 See Other` to the form's thanks page (a trial's own
//! for an appointment request whose `trial` is set), a JSON post
//! (`encoding = "json"`, sent by `fetch`) with a 2xx JSON answer and the CORS
//! headers the page needs. The round trip also checks each payload against
//! the site's published JSON Schema.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Kept, Reply, Rules, form_pairs};
use crate::browser::Request;

pub(crate) struct Webhook {
    /// Form kind (the `form` field) → its thanks page's absolute address.
    thanks: BTreeMap<String, String>,
}

impl Webhook {
    pub fn new(thanks: &[(&str, String)]) -> Webhook {
        Webhook {
            thanks: thanks
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }
}

impl Rules for Webhook {
    fn answer(&self, req: &Request) -> (Reply, Option<Kept>) {
        match req.method.as_str() {
            "OPTIONS" => return (Reply::new("204 No Content").cors(req), None),
            "POST" => {}
            _ => return (Reply::new("405 Method Not Allowed"), None),
        }
        let json = req.content_type().starts_with("application/json");
        let fields: Vec<(String, String)> = if json {
            match serde_json::from_slice::<Value>(&req.body) {
                Ok(Value::Object(o)) => super::json_pairs(o),
                _ => return (Reply::new("400 Bad Request").cors(req), None),
            }
        } else {
            form_pairs(&req.body)
        };
        let form = fields
            .iter()
            .find(|(k, _)| k == "form")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let trial = fields
            .iter()
            .find(|(k, v)| k == "trial" && !v.is_empty())
            .map(|(_, v)| v.clone());
        let reply = if json {
            Reply::json("200 OK", &json!({ "ok": true })).cors(req)
        } else {
            match (self.thanks.get(&form), trial) {
                // The site's origin, from the appointment thanks page's address.
                (Some(to), Some(trial)) if form == "appointment" => {
                    let origin = to.split("/request-appointment/").next().unwrap_or(to);
                    Reply::redirect("303 See Other", &format!("{origin}/trials/{trial}/thanks/"))
                }
                (Some(to), _) => Reply::redirect("303 See Other", to),
                (None, _) => Reply::new("400 Bad Request").body(b"no form field".to_vec()),
            }
        };
        let kept = Kept {
            form,
            fields,
            extra: Value::Null,
        };
        (reply, Some(kept))
    }
}
