//! Analytics that never see patient data (issue #20): one fixture per
//! provider (tests/fixtures/analytics/<provider>), each a small practice
//! whose forms post to a webhook without patient data.
//!
//! - the Content-Security-Policy opens exactly the provider's origins, in
//!   `_headers` and in the `<meta>` of pages that carry the script, and pages
//!   with a form keep the policy they had without analytics;
//! - no page with a form carries the script unless `on_form_pages`, which is
//!   refused while the forms carry patient data (`phi_ok`);
//! - in Chromium, with the provider's host sent to a local HTTPS fake
//!   (`--host-resolver-rules`): nothing reaches the provider before the
//!   visitor's yes; a call and a form sent become events whose properties
//!   hold none of the values typed;
//! - Nu and axe find nothing wrong with the consent prompt.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::Shutdown;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use scraper::Html;
use serde_json::{Value, json};

use crate::browser::{
    Browser, Receiver, Request, Running, STEP, SiteServer, bind_loopback, exclusive, port_of,
    read_request, tls_config, write_response,
};
use crate::support::{SiteTest, repo_root, sel};

const PROVIDERS: [&str; 5] = ["plausible", "umami", "matomo", "ga4", "custom"];
const INTAKE: &str = "https://intake.riverside-heart.example";
const REFER_PAGE: &str = "services/cardiology/refer/index.html";

/// What each fixture's provider may load scripts from and send to, as its
/// documentation says (the sources are cited in src/config/analytics.rs).
fn expected_origins(provider: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    match provider {
        "plausible" => (vec!["https://plausible.io"], vec!["https://plausible.io"]),
        "umami" => (
            vec!["https://cloud.umami.is"],
            vec!["https://gateway.umami.is"],
        ),
        "matomo" => (
            vec!["https://matomo.riverside-heart.example"],
            vec!["https://matomo.riverside-heart.example"],
        ),
        "ga4" => (
            vec!["https://www.googletagmanager.com"],
            vec![
                "https://*.google-analytics.com",
                "https://*.analytics.google.com",
                "https://www.googletagmanager.com",
            ],
        ),
        "custom" => (
            vec!["https://stats.riverside-heart.example"],
            vec!["https://stats.riverside-heart.example"],
        ),
        other => panic!("no provider {other}"),
    }
}

/// A CSP as directive → sources.
fn directives(csp: &str) -> BTreeMap<String, Vec<String>> {
    csp.split(';')
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let name = words.next()?.to_owned();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

fn header_csp(site: &SiteTest) -> String {
    let headers = site.expect_file("public/_headers");
    headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy: "))
        .unwrap_or_else(|| panic!("no CSP in _headers:\n{headers}"))
        .to_owned()
}

fn meta_csp(doc: &Html) -> Option<String> {
    doc.select(&sel(r#"meta[http-equiv="Content-Security-Policy"]"#))
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_owned))
}

fn analytics_script(doc: &Html) -> Option<String> {
    doc.select(&sel("script[src*=\"/js/analytics\"]"))
        .next()
        .map(|s| s.html())
}

fn html_pages(public: &Path) -> Vec<(String, Html)> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(public).unwrap().display().to_string();
            let text = std::fs::read_to_string(e.path()).unwrap();
            (rel, Html::parse_document(&text))
        })
        .collect()
}

/// The fixture's site.toml with `[analytics]` changed by `edit`.
fn with_analytics(site: &SiteTest, edit: impl Fn(&str) -> String) {
    let toml = site.read("site.toml");
    site.write("site.toml", &edit(&toml));
}

fn without_analytics(toml: &str) -> String {
    toml.split("[analytics]").next().unwrap().to_owned()
}

#[test]
fn each_provider_opens_exactly_its_origins_and_form_pages_keep_their_policy() {
    // The policy pages had before analytics, built once from the same site.
    let before = SiteTest::fixture("analytics/plausible");
    with_analytics(&before, without_analytics);
    before.build(&[]).expect_success();
    let form_policy_before = meta_csp(&Html::parse_document(
        &before.expect_file(&format!("public/{REFER_PAGE}")),
    ))
    .expect("a form page carries a CSP <meta>");
    let header_before = directives(&header_csp(&before));

    for provider in PROVIDERS {
        let site = SiteTest::fixture(&format!("analytics/{provider}"));
        site.build(&[]).expect_success();
        let (scripts, connect) = expected_origins(provider);
        let header = header_csp(&site);
        let d = directives(&header);
        let mut want_scripts = vec!["'self'"];
        want_scripts.extend(&scripts);
        let mut want_connect = vec!["'self'", INTAKE];
        want_connect.extend(&connect);
        assert_eq!(
            d["script-src"], want_scripts,
            "{provider}: script-src in {header}"
        );
        assert_eq!(
            d["connect-src"], want_connect,
            "{provider}: connect-src in {header}"
        );
        // Every other directive is as it was.
        for (name, sources) in &header_before {
            if name != "script-src" && name != "connect-src" {
                assert_eq!(&d[name], sources, "{provider}: {name} changed: {header}");
            }
        }
        assert_eq!(d.len(), header_before.len(), "{provider}: {header}");

        let mut carried = 0;
        for (rel, doc) in html_pages(&site.public()) {
            let has_form = doc.select(&sel("form")).next().is_some();
            let script = analytics_script(&doc);
            let meta = meta_csp(&doc);
            if has_form {
                assert!(
                    script.is_none(),
                    "{provider}: {rel} has a form and the analytics script"
                );
                assert_eq!(
                    meta.as_deref(),
                    Some(form_policy_before.as_str()),
                    "{provider}: {rel} has a form: its policy must be the one without analytics"
                );
            } else if doc
                .select(&sel("meta[http-equiv=refresh]"))
                .next()
                .is_none()
            {
                let script = script
                    .unwrap_or_else(|| panic!("{provider}: {rel} lacks the analytics script"));
                assert!(
                    script.contains(&format!("data-provider=\"{provider}\"")),
                    "{script}"
                );
                let meta = meta.unwrap_or_else(|| panic!("{provider}: {rel} has no CSP <meta>"));
                let m = directives(&meta);
                assert_eq!(m["script-src"], want_scripts, "{provider}: {rel}: {meta}");
                assert_eq!(m["connect-src"], want_connect, "{provider}: {rel}: {meta}");
                assert!(!m.contains_key("frame-ancestors"), "{meta}");
                carried += 1;
            }
        }
        assert!(
            carried >= 5,
            "{provider}: only {carried} pages carry the script"
        );
    }
}

#[test]
fn on_form_pages_puts_the_script_and_its_origins_on_form_pages_too() {
    let site = SiteTest::fixture("analytics/ga4");
    with_analytics(&site, |t| format!("{t}on_form_pages = true\n"));
    site.build(&[]).expect_success();
    let doc = Html::parse_document(&site.expect_file(&format!("public/{REFER_PAGE}")));
    assert!(
        analytics_script(&doc).is_some(),
        "the refer page lacks the script"
    );
    let m = directives(&meta_csp(&doc).unwrap());
    assert!(
        m["script-src"].contains(&"https://www.googletagmanager.com".to_owned()),
        "{m:?}"
    );
}

#[test]
fn on_form_pages_is_refused_while_the_forms_carry_patient_data() {
    let site = SiteTest::fixture("analytics/plausible");
    with_analytics(&site, |t| {
        format!(
            "{}on_form_pages = true\n",
            t.replace("phi_ok = false", "phi_ok = true")
        )
    });
    let toml = site.read("site.toml");
    let line = toml
        .lines()
        .position(|l| l.starts_with("on_form_pages"))
        .unwrap() as u32
        + 1;
    let out = site.build(&[]);
    out.expect_exit(1);
    out.diagnostic("E004")
        .at_col("site.toml", line, 17)
        .mentions("tracking technology on pages that collect health information")
        .mentions("HHS OCR")
        .mentions("remove `on_form_pages`");
    site.expect_no_file("public/index.html");
}

#[test]
fn another_providers_key_is_a_finding_at_the_key() {
    let site = SiteTest::fixture("analytics/ga4");
    with_analytics(&site, |t| {
        format!("{t}domain = \"riverside-heart.example\"\n")
    });
    let line = site.read("site.toml").lines().count() as u32;
    let out = site.build(&[]);
    out.expect_exit(1);
    out.diagnostic("E002")
        .at_col("site.toml", line, 1)
        .mentions("not a key of the ga4 provider")
        .mentions("`measurement_id`");
}

// ---- in Chromium, against a fake Plausible ------------------------------------------

/// The documented shape of Plausible's script.js, as a local fake: it reads
/// `data-domain`, runs the calls queued on `window.plausible.q`, sends a
/// pageview, and POSTs each event as JSON (`n` name, `u` URL, `d` domain,
/// `p` props) to `/api/event` at its own origin
/// (<https://plausible.io/docs/events-api>).
const FAKE_PLAUSIBLE: &str = r#"(function () {
  var me = document.currentScript, api = new URL(me.src).origin + "/api/event";
  function send(name, opts) {
    fetch(api, { method: "POST", keepalive: true, headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ n: name, u: location.href, d: me.getAttribute("data-domain"), p: opts && opts.props }) });
  }
  var queued = (window.plausible && window.plausible.q) || [];
  window.plausible = send;
  for (var i = 0; i < queued.length; i++) send.apply(null, queued[i]);
  send("pageview");
})();"#;

/// plausible.io on this machine: HTTPS with a self-signed certificate
/// (Chromium runs with `--ignore-certificate-errors`), recording every
/// request.
struct FakePlausible {
    port: u16,
    seen: Arc<Mutex<Vec<Request>>>,
    _running: Running,
}

impl FakePlausible {
    fn start() -> FakePlausible {
        let listener = bind_loopback();
        let port = port_of(&listener);
        let config = Arc::new(tls_config());
        let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
        let log = Arc::clone(&seen);
        let running = Running::spawn(listener, move |tcp| {
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                return;
            };
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let Ok(Some(req)) = read_request(&mut tls) else {
                return;
            };
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(req.clone());
            let cors = ("Access-Control-Allow-Origin", "*".to_owned());
            let _ = match (req.method.as_str(), req.path.as_str()) {
                ("GET", "/js/script.js") => write_response(
                    &mut tls,
                    "200 OK",
                    &[("Content-Type", "text/javascript".to_owned()), cors],
                    FAKE_PLAUSIBLE.as_bytes(),
                ),
                ("POST", "/api/event") => write_response(&mut tls, "202 Accepted", &[cors], b"ok"),
                _ => write_response(&mut tls, "404 Not Found", &[], b""),
            };
            tls.conn.send_close_notify();
            let _ = tls.flush();
            let _ = tls.sock.shutdown(Shutdown::Both);
        });
        FakePlausible {
            port,
            seen,
            _running: running,
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The events received: (name, props).
    fn events(&self) -> Vec<(String, Value)> {
        self.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .map(|r| {
                let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                (v["n"].as_str().unwrap_or("").to_owned(), v["p"].clone())
            })
            .collect()
    }

    fn wait_for_event(&self, name: &str) -> Value {
        let start = Instant::now();
        loop {
            if let Some((_, props)) = self.events().into_iter().find(|(n, _)| n == name) {
                return props;
            }
            assert!(
                start.elapsed() < STEP,
                "no `{name}` event reached the provider within {STEP:?}; it saw {:?}",
                self.requests()
                    .iter()
                    .map(|r| format!("{} {} {}", r.method, r.path, r.body_text()))
                    .collect::<Vec<_>>()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Chromium's switch that sends plausible.io here.
    fn resolver_rule(&self) -> String {
        format!(
            "--host-resolver-rules=MAP plausible.io 127.0.0.1:{}",
            self.port
        )
    }
}

/// The plausible fixture built for this machine: the site over HTTP, forms
/// posting JSON to a local receiver, `[analytics]` as `analytics` says.
struct Stage {
    origin: String,
    receiver: Receiver,
    _server: SiteServer,
    site: SiteTest,
}

impl Stage {
    fn new(analytics: &str) -> Stage {
        let site_listener = bind_loopback();
        let origin = format!("http://127.0.0.1:{}", port_of(&site_listener));
        let receiver = Receiver::start(
            bind_loopback(),
            format!("{origin}/refer/thanks/"),
            Duration::ZERO,
        );
        let site = SiteTest::fixture("analytics/plausible");
        let toml = site
            .read("site.toml")
            .replace("https://www.riverside-heart.example", &origin)
            .replace(
                "https://intake.riverside-heart.example/v1/submissions",
                &format!("https://127.0.0.1:{}/submit", receiver.port),
            );
        site.write("site.toml", &format!("{toml}{analytics}"));
        site.build(&[]).expect_success();
        let server = SiteServer::start(site_listener, site.public());
        Stage {
            origin,
            receiver,
            _server: server,
            site,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

#[test]
fn with_consent_required_nothing_reaches_the_provider_before_the_visitors_yes() {
    let _one = exclusive();
    let fake = FakePlausible::start();
    let stage = Stage::new("consent = \"required\"\n");
    let browser = Browser::start_with(true, &[fake.resolver_rule()]);
    browser.goto(&stage.url("/services/cardiology/"));
    assert!(
        browser.displayed("section.consent"),
        "the consent prompt is not shown"
    );
    // Time enough for a script that ignored the prompt to load and send.
    thread::sleep(Duration::from_millis(1500));
    assert!(
        fake.requests().is_empty(),
        "the provider was asked before consent: {:?}",
        fake.requests()
    );
    let scripts = browser.execute(
        "return [...document.scripts].map(s => s.src).filter(s => s && !s.startsWith(location.origin));",
        json!([]),
    );
    assert_eq!(scripts, json!([]), "a third-party script before consent");

    // "No, thanks" is remembered: nothing loads, on this page or the next.
    browser.click("section.consent button[data-consent=no]");
    assert!(!browser.displayed("section.consent"));
    browser.goto(&stage.url("/locations/main-street/"));
    thread::sleep(Duration::from_millis(1000));
    assert!(
        !browser.displayed("section.consent"),
        "the prompt came back after a no"
    );
    assert!(
        fake.requests().is_empty(),
        "the provider was asked after a no: {:?}",
        fake.requests()
    );

    // A yes loads the provider's script, which counts the page.
    browser.execute("localStorage.clear(); return true;", json!([]));
    browser.goto(&stage.url("/services/cardiology/"));
    // By keyboard: Enter on the focused "Allow" button.
    browser.type_into("section.consent button[data-consent=yes]", "\u{E007}");
    fake.wait_for_event("pageview");
    let gets: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(gets, ["/js/script.js"], "one script load after consent");
    // Remembered: the next page loads it without asking.
    browser.goto(&stage.url("/locations/main-street/"));
    assert!(!browser.displayed("section.consent"));
    let start = Instant::now();
    while fake
        .events()
        .iter()
        .filter(|(n, _)| n == "pageview")
        .count()
        < 2
    {
        assert!(
            start.elapsed() < STEP,
            "the second page was not counted after a remembered yes"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// What the test types into the referral form, by field name.
const TYPED: [(&str, &str); 4] = [
    ("clinician_name", "Dr. Jordan Lee"),
    ("clinician_practice", "Oak Family Practice"),
    ("clinician_phone", "+1 555 010 0300"),
    ("clinician_email", "j.lee@oak-family-practice.example"),
];

/// The properties an event may carry, and nothing else.
const PROPS: [&str; 8] = [
    "page_kind",
    "service",
    "reason",
    "urgency",
    "form",
    "utm_source",
    "utm_medium",
    "utm_campaign",
];

#[test]
fn a_call_and_a_form_sent_are_events_without_anything_typed() {
    let _one = exclusive();
    let fake = FakePlausible::start();
    let stage = Stage::new("on_form_pages = true\n");
    let browser = Browser::start_with(true, &[fake.resolver_rule()]);
    browser.goto(&stage.url(
        "/services/cardiology/refer/?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
    ));
    fake.wait_for_event("pageview");

    // A call: the tel: link's own navigation is stopped after the page's
    // handlers ran (headless Chromium has no dialer).
    browser.execute(
        "window.addEventListener('click', e => { if (e.target.closest('a[href^=\"tel:\"]')) e.preventDefault(); }); return true;",
        json!([]),
    );
    browser.click("main a[href^=\"tel:\"]");
    let call = fake.wait_for_event("call");
    // A marked action: the map link on a location page.
    browser.goto(&stage.url("/locations/main-street/"));
    browser.execute(
        "window.addEventListener('click', e => e.preventDefault()); return true;",
        json!([]),
    );
    browser.click("a[data-event=directions]");
    let directions = fake.wait_for_event("directions");
    assert_eq!(directions["page_kind"], json!("location"), "{directions}");
    browser.goto(&stage.url("/services/cardiology/refer/?utm_campaign=spring"));
    assert_eq!(call["page_kind"], json!("refer"), "{call}");
    assert_eq!(call["service"], json!("cardiology"), "{call}");
    assert_eq!(call["utm_campaign"], json!("spring"), "{call}");

    let form = "#referral-form";
    for (name, text) in TYPED {
        browser.type_into(&format!("{form} [name=\"{name}\"]"), text);
    }
    let started = fake.wait_for_event("form_started");
    assert_eq!(started["form"], json!("referral"), "{started}");
    browser.click(&format!(
        "{form} input[name=\"urgency\"][value=\"priority\"]"
    ));
    let radios: Vec<String> = browser
        .execute(
            "return [...document.querySelectorAll('#referral-form input[type=radio][required]')].map(r => r.name);",
            json!([]),
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    for name in radios {
        browser.execute(
            "const r = document.querySelector(`#referral-form input[name=\"${arguments[0]}\"]:checked`) || document.querySelector(`#referral-form input[name=\"${arguments[0]}\"]`); r.click(); return true;",
            json!([name]),
        );
    }
    browser.click(&format!(
        "{form} button:not([type=button]):not([type=reset])"
    ));
    let post = stage.receiver.wait_for_post("the referral");
    let sent = fake.wait_for_event("form_sent");
    assert_eq!(sent["urgency"], json!("priority"), "{sent}");
    assert_eq!(sent["service"], json!("cardiology"), "{sent}");
    // The form really carried what was typed; the provider got none of it.
    for (_, text) in TYPED {
        assert!(
            post.body_text().contains(text),
            "the form did not send {text:?}: {}",
            post.body_text()
        );
    }
    for r in fake.requests() {
        let body = r.body_text();
        for (name, text) in TYPED {
            assert!(
                !body.contains(text),
                "the provider received the typed {name}: {body}"
            );
            assert!(
                !r.path.contains(text),
                "the provider's URL holds the typed {name}"
            );
        }
    }
    for (name, props) in fake.events() {
        if name == "pageview" {
            continue;
        }
        for key in props
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            assert!(
                PROPS.contains(&key.as_str()),
                "`{name}` carries the property `{key}`: {props}"
            );
        }
    }
    drop(stage.site);
}

// ---- Nu and axe on a page with the consent prompt -------------------------------------

#[test]
fn the_consent_prompt_is_valid_html() {
    let site = SiteTest::fixture("analytics/ga4");
    site.build(&[]).expect_success();
    let page = Html::parse_document(&site.expect_file("public/index.html"));
    assert!(
        page.select(&sel("section.consent button[data-consent]"))
            .count()
            == 2,
        "the GA4 fixture asks for consent by default"
    );
    crate::vnu::expect_valid_html(&site.public());
}

#[test]
fn axe_finds_nothing_wrong_with_the_consent_prompt_on_a_phone() {
    let axe = std::fs::read_to_string(repo_root().join("node_modules/axe-core/axe.min.js"))
        .expect("node_modules/axe-core: run `npm ci` at the repository root");
    let _one = exclusive();
    let fake = FakePlausible::start();
    let stage = Stage::new("consent = \"required\"\n");
    let browser = Browser::start_with(true, &[fake.resolver_rule()]);
    for (width, height, mobile) in [(390, 844, true), (1280, 900, false)] {
        browser.viewport(width, height, mobile);
        browser.goto(&stage.url("/"));
        assert!(browser.displayed("section.consent"));
        // Both buttons fit on a 390 px phone and are reached by keyboard.
        let fit = browser.execute(
            "return [...document.querySelectorAll('section.consent button')].every(b => { const r = b.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth && r.height >= 44 && b.tabIndex === 0; });",
            json!([]),
        );
        assert_eq!(fit, json!(true), "the consent buttons at {width}px");
        browser.execute(&format!("{axe}\nreturn true;"), json!([]));
        let result = browser.execute(
            "return axe.run(document).then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')));",
            json!([]),
        );
        assert_eq!(result, json!([]), "axe at {width}px");
    }
    assert!(
        fake.requests().is_empty(),
        "axe's run asked the provider: {:?}",
        fake.requests()
    );
}

/// The theme marks the actions worth counting; `tel:` links count as calls
/// by their address. A renamed or lost mark would silently stop an event.
#[test]
fn the_theme_marks_the_actions_that_matter() {
    let site = SiteTest::fixture("analytics/plausible");
    site.build(&[]).expect_success();
    for (page, mark) in [
        (REFER_PAGE, "a[href^=\"mailto:\"][data-event=secure_email]"),
        (REFER_PAGE, "a[data-event=portal]"),
        (
            "services/cardiology/refer/packet/index.html",
            "button[data-print][data-event=packet_print]",
        ),
        (
            "services/cardiology/refer/packet/index.html",
            "a[data-event=portal]",
        ),
        (
            "locations/main-street/index.html",
            "a[href*=openstreetmap][data-event=directions]",
        ),
        (
            "services/cardiology/refer/thanks/index.html",
            "a[data-event=secure_email]",
        ),
        ("services/cardiology/index.html", "a[href^=\"tel:\"]"),
    ] {
        let doc = Html::parse_document(&site.expect_file(&format!("public/{page}")));
        assert!(
            doc.select(&sel(mark)).next().is_some(),
            "{page} has no `{mark}`"
        );
    }
}
