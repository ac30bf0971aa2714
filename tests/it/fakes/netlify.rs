//! The Netlify fake: the SITE as Netlify serves it, with Netlify Forms on.
//! Forms post to the site itself, so this fake serves the built files and
//! takes the posts.
//!
//! The rules, from Netlify's documentation:
//! - At deploy, form detection parses the built HTML for `<form>` tags with
//!   a `data-netlify="true"` (or `netlify`) attribute and a `name`; each
//!   name is one form of the site. <https://docs.netlify.com/forms/setup/>
//! - A submission is a POST to the site whose body carries `form-name`,
//!   naming a detected form; Netlify stores the fields that form was
//!   detected with: names that were not in the detected markup are not
//!   stored. That is why a JavaScript-rendered form needs a static copy in
//!   the built HTML listing every field. (Forms setup, above.)
//! - The form's `action` is the page shown after a successful submission
//!   (the custom success page); without one Netlify shows its own.
//! - `netlify-honeypot="<field>"` on the form names a honeypot: a
//!   submission with it filled is rejected outright: such submissions "won't
//!   even be included in your form's spam submissions".
//!   <https://docs.netlify.com/forms/spam-filters/>
//!
//! Several pages may carry a form of the same name (the referral form is on
//! every service's page, with that service's checklist): the fake takes the
//! union of their fields, the generous reading of "names must be unique
//! per site".

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{Kept, Reply, Rules, form_pairs};
use crate::browser::{Request, static_file};

/// One form as form detection saw it.
#[derive(Debug, Default)]
pub(crate) struct DetectedForm {
    pub fields: BTreeSet<String>,
    pub honeypot: Option<String>,
}

pub(crate) struct NetlifySite {
    public: PathBuf,
    pub forms: BTreeMap<String, DetectedForm>,
}

impl NetlifySite {
    /// Form detection over the built site in `public`.
    pub fn deploy(public: &Path) -> NetlifySite {
        let detect = scraper::Selector::parse("form[data-netlify=\"true\"], form[netlify]")
            .expect("a selector");
        let named =
            scraper::Selector::parse("input[name], select[name], textarea[name], button[name]")
                .expect("a selector");
        let mut forms: BTreeMap<String, DetectedForm> = BTreeMap::new();
        for entry in walkdir::WalkDir::new(public) {
            let entry = entry.expect("a readable public/ folder");
            if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
                continue;
            }
            let html = std::fs::read_to_string(entry.path()).expect("a readable page");
            let doc = scraper::Html::parse_document(&html);
            for form in doc.select(&detect) {
                let Some(name) = form.value().attr("name") else {
                    continue;
                };
                let detected = forms.entry(name.to_owned()).or_default();
                detected.honeypot = form
                    .value()
                    .attr("netlify-honeypot")
                    .map(str::to_owned)
                    .or(detected.honeypot.take());
                for input in form.select(&named) {
                    if let Some(n) = input.value().attr("name") {
                        detected.fields.insert(n.to_owned());
                    }
                }
            }
        }
        NetlifySite {
            public: public.to_path_buf(),
            forms,
        }
    }

    fn page(&self, path: &str) -> Reply {
        match static_file(&self.public, path) {
            Some((bytes, mime)) => Reply::new("200 OK")
                .header("Content-Type", mime)
                .body(bytes),
            None => not_found(),
        }
    }
}

fn not_found() -> Reply {
    Reply::new("404 Not Found")
        .header("Content-Type", "text/plain")
        .body(b"Page not found".to_vec())
}

impl Rules for NetlifySite {
    fn answer(&self, req: &Request) -> (Reply, Option<Kept>) {
        let path = req.path.split(['?', '#']).next().unwrap_or("/");
        match req.method.as_str() {
            "GET" | "HEAD" => return (self.page(path), None),
            "POST" => {}
            _ => return (Reply::new("405 Method Not Allowed"), None),
        }
        if !req
            .content_type()
            .starts_with("application/x-www-form-urlencoded")
        {
            return (not_found(), None);
        }
        let pairs = form_pairs(&req.body);
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        // A POST that names no detected form is a POST to a static file.
        let Some((name, form)) = value("form-name").and_then(|n| self.forms.get_key_value(n))
        else {
            return (not_found(), None);
        };
        let reply = self.page(path);
        if form
            .honeypot
            .as_deref()
            .and_then(value)
            .is_some_and(|v| !v.is_empty())
        {
            return (reply, None);
        }
        let (fields, dropped): (Vec<_>, Vec<_>) = pairs
            .iter()
            .filter(|(k, _)| k != "form-name" && Some(k.as_str()) != form.honeypot.as_deref())
            .cloned()
            .partition(|(k, _)| form.fields.contains(k));
        let kept = Kept {
            form: name.clone(),
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

    /// A built site of two pages: the form, and its success page.
    fn site() -> (tempfile::TempDir, Fake) {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path();
        std::fs::create_dir_all(public.join("refer/thanks")).unwrap();
        std::fs::write(
            public.join("index.html"),
            r#"<!DOCTYPE html><form name="referral" action="/refer/thanks/" method="post" data-netlify="true" netlify-honeypot="bot-field">
<input type="hidden" name="form-name" value="referral"><input name="bot-field">
<input name="clinician_name"><select name="urgency"><option>routine</select><textarea name="clinical_question"></textarea>
</form><form name="plain"><input name="q"></form>"#,
        )
        .unwrap();
        std::fs::write(public.join("refer/thanks/index.html"), "<h1>Thank you</h1>").unwrap();
        let fake = Fake::start(NetlifySite::deploy(public));
        (dir, fake)
    }

    #[test]
    fn detects_netlify_forms_only() {
        let (dir, _fake) = site();
        let deployed = NetlifySite::deploy(dir.path());
        assert_eq!(deployed.forms.keys().collect::<Vec<_>>(), ["referral"]);
        let form = &deployed.forms["referral"];
        assert_eq!(form.honeypot.as_deref(), Some("bot-field"));
        assert!(form.fields.contains("urgency") && form.fields.contains("clinical_question"));
    }

    #[test]
    fn keeps_the_detected_fields_and_shows_the_action_page() {
        let (_dir, fake) = site();
        let answer = post_form(
            fake.port,
            "/refer/thanks/",
            &[
                ("form-name", "referral"),
                ("bot-field", ""),
                ("clinician_name", "Dr. Jordan Lee"),
                ("urgency", "priority"),
                ("added_by_script", "x"),
            ],
        );
        assert_eq!(answer.status, 200);
        assert!(answer.text().contains("Thank you"));
        let kept = fake.kept();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].form, "referral");
        assert_eq!(
            kept[0].fields,
            [
                ("clinician_name".to_owned(), "Dr. Jordan Lee".to_owned()),
                ("urgency".to_owned(), "priority".to_owned())
            ]
        );
        assert_eq!(kept[0].extra["dropped"], json!(["added_by_script"]));
    }

    #[test]
    fn requires_form_name_of_a_detected_form() {
        let (_dir, fake) = site();
        for pairs in [
            vec![("clinician_name", "Dr. Jordan Lee")],
            vec![("form-name", "plain"), ("q", "x")],
        ] {
            let answer = post_form(fake.port, "/refer/thanks/", &pairs);
            assert_eq!(answer.status, 404, "{pairs:?}");
        }
        assert!(fake.kept().is_empty());
    }

    #[test]
    fn a_filled_honeypot_is_dropped_and_pages_are_served() {
        let (_dir, fake) = site();
        let answer = post_form(
            fake.port,
            "/refer/thanks/",
            &[
                ("form-name", "referral"),
                ("bot-field", "spam"),
                ("clinician_name", "Bot"),
            ],
        );
        assert_eq!(answer.status, 200);
        assert!(fake.kept().is_empty());
        assert_eq!(request(fake.port, "GET", "/", &[], b"").status, 200);
        assert_eq!(request(fake.port, "GET", "/nope/", &[], b"").status, 404);
    }
}
