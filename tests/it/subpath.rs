//! A site served under a path (`base_url = "https://example.org/clinic/"`,
//! a GitHub Pages project site): every internal address of every built
//! file carries the prefix and leads to a file the build wrote; `check`
//! still checks the links writers type from the root; `serve` serves the
//! site under the prefix.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::serve::{form_encode, referral_payload};
use crate::support::serve::Server;
use crate::support::{SiteTest, sel};

const BASE: &str = "https://example.org/clinic/";
const ORIGIN: &str = "https://example.org";
const PREFIX: &str = "/clinic";

/// The site, moved under `/clinic/`.
fn under_prefix(site: SiteTest) -> SiteTest {
    let toml = site.read("site.toml");
    let moved: Vec<String> = toml
        .lines()
        .map(|l| match l.starts_with("base_url") {
            true => format!("base_url = \"{BASE}\""),
            false => l.to_owned(),
        })
        .collect();
    site.write("site.toml", &moved.join("\n"));
    site
}

fn example_under_prefix() -> SiteTest {
    under_prefix(SiteTest::example())
}

/// Every internal address found in the built site, with the file it is in.
#[derive(Default)]
struct Crawl {
    /// (file, what, address): addresses that must carry the prefix.
    found: Vec<(String, &'static str, String)>,
}

impl Crawl {
    /// Keeps `address` if it points at this site (from the root or at the
    /// site's host); external, relative and `#` addresses are not ours.
    fn see(&mut self, file: &str, what: &'static str, address: &str) {
        let a = address.trim();
        let internal = (a.starts_with('/') && !a.starts_with("//")) || a.starts_with(ORIGIN);
        if internal {
            self.found.push((file.to_owned(), what, a.to_owned()));
        }
    }

    fn json(&mut self, file: &str, value: &Value) {
        match value {
            Value::String(s) => self.see(file, "JSON", s),
            Value::Array(items) => items.iter().for_each(|v| self.json(file, v)),
            Value::Object(map) => map.values().for_each(|v| self.json(file, v)),
            _ => {}
        }
    }

    fn html(&mut self, file: &str, text: &str) {
        let doc = scraper::Html::parse_document(text);
        for attr in [
            "href",
            "src",
            "action",
            "formaction",
            "poster",
            "data-thanks",
        ] {
            for el in doc.select(&sel(&format!("[{attr}]"))) {
                self.see(file, attr, el.value().attr(attr).unwrap_or_default());
            }
        }
        for el in doc.select(&sel("[srcset]")) {
            for candidate in el.value().attr("srcset").unwrap_or_default().split(',') {
                let url = candidate.split_whitespace().next().unwrap_or_default();
                self.see(file, "srcset", url);
            }
        }
        for el in doc.select(&sel("meta[http-equiv=refresh]")) {
            let content = el.value().attr("content").unwrap_or_default();
            let url = content.split_once('=').map_or("", |(_, u)| u);
            self.see(file, "meta refresh", url);
        }
        for el in doc.select(&sel("meta[property='og:url'], meta[property='og:image']")) {
            self.see(file, "og", el.value().attr("content").unwrap_or_default());
        }
        for el in doc.select(&sel("script[type='application/ld+json']")) {
            let json: Value = serde_json::from_str(&el.text().collect::<String>())
                .unwrap_or_else(|e| panic!("{file}: JSON-LD does not parse: {e}"));
            self.json(file, &json);
        }
    }

    fn file(&mut self, rel: &str, text: &str) {
        if rel.ends_with(".html") {
            self.html(rel, text);
        } else if rel.ends_with(".json") {
            let json: Value = serde_json::from_str(text).unwrap();
            self.json(rel, &json);
        } else if rel.ends_with(".xml") {
            for loc in text.split("<loc>").skip(1) {
                self.see(rel, "loc", loc.split("</loc>").next().unwrap_or_default());
            }
        } else if rel == "robots.txt" {
            for line in text.lines().filter_map(|l| l.strip_prefix("Sitemap:")) {
                self.see(rel, "Sitemap", line);
            }
        } else if rel == "_redirects" {
            for word in text.split_whitespace().filter(|w| w.starts_with('/')) {
                self.see(rel, "redirect", word);
            }
        } else if rel.ends_with(".css") {
            for url in text.split("url(").skip(1) {
                self.see(rel, "css url()", url.trim_start_matches(['"', '\'']));
            }
        }
    }
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// The output file an address (without the prefix) is served from.
fn served_file(path: &str, written: &BTreeSet<String>) -> bool {
    let path = path.split(['#', '?']).next().unwrap_or_default();
    let rel = path.trim_start_matches('/');
    let candidates = if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_owned(), format!("{rel}/index.html")]
    };
    candidates.iter().any(|c| written.contains(c))
}

/// Builds the site and checks every internal address of every file it
/// wrote; returns the kinds of address seen.
fn assert_all_prefixed(site: &SiteTest) -> BTreeSet<&'static str> {
    site.build(&[]).expect_success();
    let public = site.public();
    let files = files_under(&public);
    let written: BTreeSet<String> = files.iter().cloned().collect();
    let mut crawl = Crawl::default();
    for rel in &files {
        let Ok(text) = std::fs::read_to_string(public.join(rel)) else {
            continue; // images
        };
        crawl.file(rel, &text);
    }

    let mut wrong = Vec::new();
    let mut kinds = BTreeSet::new();
    for (file, what, address) in &crawl.found {
        kinds.insert(*what);
        let path = address.strip_prefix(ORIGIN).unwrap_or(address);
        let Some(site_path) = path.strip_prefix(PREFIX).filter(|p| p.starts_with('/')) else {
            wrong.push(format!("{file}: {what} `{address}` has no `{PREFIX}/`"));
            continue;
        };
        if site_path.starts_with(&format!("{PREFIX}/")) {
            wrong.push(format!("{file}: {what} `{address}` has the prefix twice"));
        }
        // Pages and files link what the build wrote; a JSON-LD `@id` names
        // a thing (`/#organization`) and a schema's `$id` its own address.
        let followed = !matches!(*what, "JSON" | "Sitemap" | "loc");
        if followed && !served_file(site_path, &written) {
            wrong.push(format!(
                "{file}: {what} `{address}` leads to no file the build wrote"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong addresses:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        crawl.found.len() > 100,
        "only {} addresses found",
        crawl.found.len()
    );
    // Output files stay where they were: the host maps the prefix.
    assert!(!written.iter().any(|f| f.starts_with("clinic/")));
    kinds
}

#[test]
fn every_internal_address_carries_the_prefix_and_leads_somewhere() {
    let site = example_under_prefix();
    let mut kinds = assert_all_prefixed(&site);
    // Netlify Forms post to a page of the site itself.
    kinds.extend(assert_all_prefixed(&under_prefix(SiteTest::fixture(
        "forms/netlify",
    ))));
    // The crawl saw every kind of address a site has, so it proves something.
    for kind in [
        "href",
        "src",
        "action",
        "data-thanks",
        "meta refresh",
        "og",
        "JSON",
        "loc",
        "Sitemap",
        "redirect",
    ] {
        assert!(
            kinds.contains(kind),
            "the crawl found no {kind} address; kinds: {kinds:?}"
        );
    }
    assert!(
        site.path("public/services/medical-oncology/index.html")
            .is_file()
    );
    // Print CSS shows a link as `--site-url` then its href, which carries
    // the path already.
    let css = files_under(&site.path("public/css"))
        .iter()
        .map(|f| site.read(&format!("public/css/{f}")))
        .collect::<String>();
    assert!(css.contains(&format!("--site-url:\"{ORIGIN}\"")), "{css}");
    let redirects = site.read("public/_redirects");
    assert!(
        redirects.contains("/clinic/oncology/ /clinic/services/medical-oncology/ 301"),
        "{redirects}"
    );
}

#[test]
fn a_preview_under_a_path_prefixes_its_links() {
    let site = SiteTest::example();
    site.build(&["--base-url", "https://preview.example/pr-7/"])
        .expect_success();
    let home = site.read("public/index.html");
    assert!(home.contains("href=\"/pr-7/refer/\""), "{home}");
    assert!(!home.contains("href=\"/refer/\""), "{home}");
}

#[test]
fn check_checks_links_written_from_the_root_and_explains_the_prefix() {
    let site = example_under_prefix();
    let clean = site.check(&["--format", "json"]);
    assert!(
        clean.diagnostics_with("E050").is_empty(),
        "{}",
        clean.report()
    );
    let page = site.read("content/services/medical-oncology.md");
    site.write(
        "content/services/medical-oncology.md",
        &format!("{page}\nSee [heart-failure](/clinic/services/heart-failure/).\n"),
    );
    site.check(&["--format", "json"])
        .diagnostic("E050")
        .in_file("content/services/medical-oncology.md")
        .mentions("write `/services/heart-failure/`");
}

#[test]
fn serve_serves_the_site_under_the_prefix() {
    let site = example_under_prefix();
    let server = Server::start(&site, &[]);
    assert!(
        server.wait_stderr(&format!("{PREFIX}/ (Ctrl-C")),
        "serve does not print the prefixed address\n{}",
        server.context()
    );
    let home = server.get("/clinic/");
    assert_eq!(home.status, 200, "{}", server.context());
    assert!(home.body.contains("href=\"/clinic/refer/\""));
    let css = scraper::Html::parse_document(&home.body)
        .select(&sel("link[rel=stylesheet]"))
        .next()
        .and_then(|l| l.value().attr("href").map(str::to_owned))
        .unwrap();
    assert_eq!(server.get(&css).status, 200, "GET {css}");

    let root = server.get("/");
    assert_eq!(root.status, 307, "{}", root.head);
    assert_eq!(root.header("location").as_deref(), Some("/clinic/"));
    let bare = server.get("/clinic/services/heart-failure");
    assert_eq!(
        bare.header("location").as_deref(),
        Some("/clinic/services/heart-failure/")
    );
    let top = server.get("/clinic?utm_source=x");
    assert_eq!(
        top.header("location").as_deref(),
        Some("/clinic/?utm_source=x")
    );
    let outside = server.get("/services/heart-failure/");
    assert_eq!(outside.status, 404);
    assert!(outside.body.contains("/clinic/"), "{}", outside.body);

    // The local intake sink is under the prefix too, and lands on the
    // prefixed thanks page.
    let (action, fields) = referral_payload(&server, "/clinic/services/heart-failure/refer/");
    assert_eq!(action, "/clinic/_intake/referral");
    let resp = server.post(
        &action,
        "application/x-www-form-urlencoded",
        form_encode(&fields).as_bytes(),
    );
    assert_eq!(resp.status, 303, "{}\n{}", resp.head, resp.body);
    let thanks = resp.header("location").unwrap();
    assert_eq!(thanks, "/clinic/services/heart-failure/refer/thanks/");
    assert_eq!(server.get(&thanks).status, 200);
}

/// In Chromium, the served site under its path: the stylesheet and the
/// logo load, a link leads to a page under the path, the form page loads
/// its script, and the console reports no failed load.
#[test]
fn the_served_site_works_in_a_browser_under_the_prefix() {
    use crate::browser::{Browser, exclusive};
    let site = example_under_prefix();
    let server = Server::start(&site, &[]);
    let _one = exclusive();
    let browser = Browser::start(true);
    browser.goto(&format!("http://{}/", server.host()));
    browser.wait_for_path("/clinic/");
    let loaded = browser.execute(
        "return [document.styleSheets.length && document.styleSheets[0].cssRules.length,
                 document.querySelector('img.brand-logo').naturalWidth];",
        serde_json::json!([]),
    );
    assert!(
        loaded[0].as_u64().unwrap_or(0) > 0,
        "no stylesheet rules: {loaded}"
    );
    assert!(
        loaded[1].as_u64().unwrap_or(0) > 0,
        "the logo did not load: {loaded}"
    );
    browser.click(".nav-pathway a.btn-primary");
    browser.wait_for_path("/clinic/refer/");
    browser.goto(&format!(
        "http://{}/clinic/services/heart-failure/refer/",
        server.host()
    ));
    browser.wait_for_path("/clinic/services/heart-failure/refer/");
    let script = browser.execute(
        "return [...document.scripts].filter(s => s.src.includes('/clinic/js/forms.')).length;",
        serde_json::json!([]),
    );
    assert_eq!(script, serde_json::json!(1));
    let failed: Vec<String> = browser
        .console_log()
        .into_iter()
        .filter(|m| m.contains("Failed to load") || m.contains("404"))
        // A page without `<link rel=icon>` makes the browser ask the host's
        // root, outside any site under a path.
        .filter(|m| !m.contains(&format!("{}/favicon.ico", server.host())))
        .collect();
    assert!(failed.is_empty(), "{failed:?}\n{}", server.context());
}

/// `handoff intake` tells a Netlify site's owner the address its forms
/// post to as the browser posts it: under the path.
#[test]
fn the_setup_sheet_gives_netlify_s_action_under_the_prefix() {
    let site = under_prefix(SiteTest::fixture("forms/netlify"));
    let out = site.intake(&["--format", "json"]);
    out.expect_success();
    let sheet: Value = serde_json::from_str(&out.stdout).unwrap();
    let actions: Vec<&str> = sheet["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "/clinic/refer/thanks/",
            "/clinic/request-appointment/thanks/",
            "/clinic/partners/thanks/"
        ]
    );
}
