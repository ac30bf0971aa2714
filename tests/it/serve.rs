//! `handoff serve` (SPEC §11): serving from memory, refusing paths and hosts
//! outside the site, live edits and their reload events, the intake sink,
//! the port-in-use exit code and Ctrl-C. The server is driven through
//! `support::serve` (the real binary on a port the system picks, raw
//! HTTP/1.1, the live-reload stream read as text); the edit-to-reload
//! latency is measured by `bench/serve-latency.py`, not here.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::serve::{EVENT_LIMIT, Server, raw_request, raw_request_at};
use crate::support::{SiteTest, listing, sel};

/// A patient name posted to the intake sink; it must never reach stderr.
const PATIENT: &str = "Zebulon Quxworthy";

fn assert_no_public(site: &SiteTest, server: &Server) {
    assert!(
        !site.public().exists(),
        "serve wrote a public/ folder; it must serve from memory\n{}\n{}",
        listing(site.work_dir()),
        server.context()
    );
}

/// Writes `text` to `rel` the way an editor's atomic save does: a temporary
/// file in the same folder, renamed over the real one.
fn atomic_save(site: &SiteTest, rel: &str, tmp_name: &str, text: &str) {
    let target = site.path(rel);
    let tmp = target.parent().unwrap().join(tmp_name);
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &target).unwrap();
}

/// What the server adds to every page it serves (src/serve/mod.rs).
const RELOAD_TAG: &str = "<script src=\"/_handoff/reload.js\" defer></script>";

const SERVICE_MD: &str = "content/services/heart-failure.md";
const SERVICE_URL: &str = "/services/heart-failure/";
const REFER_URL: &str = "/services/heart-failure/refer/";
const PACKET_URL: &str = "/services/heart-failure/refer/packet/";
const REASON_URL: &str = "/referrals/heart-failure-after-discharge/";

// ---------------------------------------------------------------- 1. serving

#[test]
fn serves_pages_from_memory_with_the_reload_script() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);

    for path in ["/", SERVICE_URL, REFER_URL] {
        let resp = server.get(path);
        assert_eq!(resp.status, 200, "GET {path}\n{}", server.context());
        assert!(
            resp.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "GET {path}: {}",
            resp.head
        );
        assert!(
            resp.body.contains("/_handoff/reload.js"),
            "GET {path}: no reload script in the served page"
        );
        let tag = resp.body.find("/_handoff/reload.js").unwrap();
        let end = resp.body.rfind("</body>").expect("no </body> in the page");
        assert!(tag < end, "GET {path}: the reload script is after </body>");
    }

    let js = server.get("/_handoff/reload.js");
    assert_eq!(js.status, 200);
    assert!(
        js.header("content-type")
            .is_some_and(|t| t.contains("javascript")),
        "{}",
        js.head
    );
    assert!(js.body.contains("/_handoff/events"), "{}", js.body);

    // A folder without its slash redirects; an unknown path gets the site's 404 page.
    let redirect = server.get("/services/heart-failure");
    assert!(
        matches!(redirect.status, 301 | 308),
        "GET /services/heart-failure: {}",
        redirect.head
    );
    assert_eq!(redirect.header("location").as_deref(), Some(SERVICE_URL));
    let missing = server.get("/no-such-page/");
    assert_eq!(missing.status, 404, "{}", missing.head);
    assert!(
        missing.body.contains("Page not found"),
        "the 404 is not the site's 404 page: {}",
        missing.body
    );

    // Built stylesheets and schemas are served too.
    let schema = server.get("/forms/referral.schema.json");
    assert_eq!(schema.status, 200);
    serde_json::from_str::<serde_json::Value>(&schema.body).expect("the schema is not JSON");
    assert!(
        !schema.body.contains("reload.js"),
        "the reload script went into a JSON file"
    );

    assert_no_public(&site, &server);
    // A build right after serving has no reload script in it.
    site.build(&[]).expect_success();
    let built = site.read("public/index.html");
    assert!(
        !built.contains("/_handoff/"),
        "a build after serve contains the live-reload script"
    );
}

// ---------------------------------------------------------------- 2. security

#[test]
fn paths_outside_the_site_are_refused() {
    let site = SiteTest::example();
    site.write(
        ".handoff/intake.jsonl",
        "{\"payload\":{\"patient_name\":\"SECRET-PATIENT\"}}\n",
    );
    let server = Server::start(&site, &[]);
    let host = server.host();
    for target in [
        "/../../../../../../etc/passwd",
        "/../site.toml",
        "/css/../../site.toml",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/%2e%2e/site.toml",
        "/.%2e/site.toml",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/%2f..%2f..%2fsite.toml",
        "/%2fetc%2fpasswd",
        "/..\\..\\..\\etc\\passwd",
        "/%5c..%5c..%5csite.toml",
        "//etc/passwd",
        "///etc/passwd",
        "/%00/etc/passwd",
        "/%c0%ae%c0%ae/site.toml",
        "/.handoff/intake.jsonl",
        "/../.handoff/intake.jsonl",
        "/content/services/heart-failure.md",
        "/site.toml",
    ] {
        let req = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        let resp = server
            .raw(req.as_bytes())
            .unwrap_or_else(|e| panic!("GET {target}: {e}\n{}", server.context()));
        assert!(
            matches!(resp.status, 400 | 404),
            "GET {target}: expected 400 or 404, got {}\n{}",
            resp.status,
            resp.head
        );
        for leak in [
            "root:x:0:0",
            "[organization]",
            "SECRET-PATIENT",
            "checklist: heart-failure",
        ] {
            assert!(
                !resp.body.contains(leak),
                "GET {target} leaked `{leak}`: {}",
                resp.body
            );
        }
    }
}

#[test]
fn only_the_served_host_is_answered() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let port = server.port;
    for (host, want) in [
        (format!("evil.example:{port}"), 421),
        (format!("localhost.evil.example:{port}"), 421),
        (format!("127.0.0.1.evil.example:{port}"), 421),
        ("evil.example".to_owned(), 421),
        (format!("localhost:{}", port.wrapping_add(1)), 421),
        (format!("localhost:{port}"), 200),
        (format!("LOCALHOST:{port}"), 200),
        (format!("127.0.0.1:{port}"), 200),
    ] {
        for path in ["/", "/_handoff/reload.js"] {
            let resp = server
                .raw(
                    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                        .as_bytes(),
                )
                .unwrap();
            assert_eq!(
                resp.status, want,
                "GET {path} with Host: {host}\n{}",
                resp.head
            );
        }
    }
    // The event stream and the intake sink are guarded too (a rebinding
    // page must not post into the local sink).
    let evil = format!("evil.example:{port}");
    let events = server
        .raw(
            format!("GET /_handoff/events HTTP/1.1\r\nHost: {evil}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    assert_eq!(events.status, 421, "{}", events.head);
    let body = "form=referral";
    let post = server
        .raw(
            format!(
                "POST /_intake/referral HTTP/1.1\r\nHost: {evil}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(post.status, 421, "{}", post.head);
    assert!(
        !site.path(".handoff/intake.jsonl").exists(),
        "a post from another host reached the intake log"
    );
    // No Host at all (HTTP/1.0) is not the served host either.
    let bare = server.raw(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert!(matches!(bare.status, 400 | 421), "{}", bare.head);
}

/// The machine's own non-loopback IPv4 addresses (a phone on the LAN
/// reaches the preview through one of them).
fn own_lan_addresses() -> Vec<std::net::IpAddr> {
    if_addrs::get_if_addrs()
        .unwrap()
        .iter()
        .map(if_addrs::Interface::ip)
        .filter(|ip| ip.is_ipv4() && !ip.is_loopback())
        .collect()
}

#[test]
fn bound_to_every_address_the_machines_own_addresses_are_answered() {
    let site = SiteTest::example();
    let server = Server::start(&site, &["--bind", "0.0.0.0"]);
    let port = server.port;
    let err = server.stderr();
    assert!(
        err.contains("warning:") && err.contains("visible on the network"),
        "no warning that the preview is on the network\n{}",
        server.context()
    );
    let get = |ip: &str, host: &str| {
        raw_request_at(
            ip.parse().unwrap(),
            port,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .unwrap()
    };
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        assert_eq!(
            get("127.0.0.1", &host).status,
            200,
            "Host: {host}\n{}",
            server.context()
        );
    }
    let lan = own_lan_addresses();
    if lan.is_empty() {
        eprintln!("this machine has no network address but loopback; only loopback was tried");
    }
    for ip in &lan {
        let host = format!("{ip}:{port}");
        assert!(
            err.contains(&format!("http://{host}/")),
            "the reachable address {host} is not printed\n{}",
            server.context()
        );
        let resp = get(&ip.to_string(), &host);
        assert_eq!(resp.status, 200, "Host: {host}\n{}", resp.head);
    }
    // The literal bind address is no host a browser sends.
    for host in [format!("evil.example:{port}"), format!("0.0.0.0:{port}")] {
        let refused = get("127.0.0.1", &host);
        assert_eq!(refused.status, 421, "Host: {host}\n{}", refused.head);
        assert!(
            refused.body.contains(&format!("localhost:{port}")) && refused.body.contains("--bind"),
            "the 421 does not name the hosts served and the flag: {}",
            refused.body
        );
        for ip in &lan {
            assert!(
                refused.body.contains(&format!("{ip}:{port}")),
                "{}",
                refused.body
            );
        }
    }
}

#[test]
fn oversized_intake_posts_get_413() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut body = b"form=referral&clinical_question=".to_vec();
    body.extend(std::iter::repeat_n(b'a', 65 * 1024));
    let resp = server.post(
        "/_intake/referral",
        "application/x-www-form-urlencoded",
        &body,
    );
    assert_eq!(resp.status, 413, "{}\n{}", resp.head, server.context());
    let json = server.post("/_intake/referral", "application/json", &{
        let mut b = b"{\"clinical_question\":\"".to_vec();
        b.extend(std::iter::repeat_n(b'a', 65 * 1024));
        b.extend_from_slice(b"\"}");
        b
    });
    assert_eq!(json.status, 413, "{}", json.head);
    assert!(
        !site.path(".handoff/intake.jsonl").exists()
            || !site.read(".handoff/intake.jsonl").contains("aaaa"),
        "an oversized post was logged"
    );
    // Unknown form: 404, not a log line.
    let unknown = server.post("/_intake/nope", "application/x-www-form-urlencoded", b"a=b");
    assert_eq!(unknown.status, 404, "{}", unknown.head);
}

// ---------------------------------------------------------------- 3. live edits

#[test]
fn a_body_edit_reloads_the_page() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let text = site.read(SERVICE_MD);
    site.write(
        SERVICE_MD,
        &text.replace(
            "The heart failure clinic helps patients",
            "The LIVE-EDIT-ONE clinic helps patients",
        ),
    );
    events.expect("reload", &server, "a body edit");
    server.get_until(SERVICE_URL, "the new body text", |r| {
        r.status == 200 && r.body.contains("LIVE-EDIT-ONE")
    });
    assert!(server.wait_stderr("Rebuilt"), "{}", server.context());
    assert_no_public(&site, &server);
}

#[test]
fn a_checklist_label_edit_reaches_every_page_that_shows_it() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let rel = "content/checklists/heart-failure.yaml";
    let yaml = site.read(rel);
    assert!(yaml.contains("label: Hospital discharge summary"));
    site.write(
        rel,
        &yaml.replace(
            "label: Hospital discharge summary",
            "label: Discharge letter RELABELLED",
        ),
    );
    events.expect("reload", &server, "a checklist label edit");
    for path in [
        SERVICE_URL,
        REFER_URL,
        PACKET_URL,
        REASON_URL,
        "/refer/",
        "/forms/referral.schema.json",
    ] {
        let resp = server.get_until(path, "the new checklist label", |r| {
            r.status == 200 && r.body.contains("Discharge letter RELABELLED")
        });
        assert!(
            !resp.body.contains("Hospital discharge summary"),
            "GET {path} still shows the old label"
        );
    }
}

/// The page a browser shows is rendered before the others an edit touches
/// and reloaded then; a page still rendering is answered once it is
/// rendered, never in its version from before the edit.
#[test]
fn the_open_page_reloads_first_and_no_page_is_served_from_before_the_edit() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events_on(REASON_URL);
    let rel = "content/checklists/heart-failure.yaml";
    site.write(
        rel,
        &site.read(rel).replace(
            "label: Hospital discharge summary",
            "label: Discharge letter RELABELLED",
        ),
    );
    events.expect("reload", &server, "a checklist label edit");
    // No retries: what a browser following the reload gets at once.
    for path in [REASON_URL, SERVICE_URL, REFER_URL, PACKET_URL, "/refer/"] {
        let resp = server.get(path);
        assert!(
            resp.body.contains("Discharge letter RELABELLED"),
            "GET {path} right after the reload is from before the edit\n{}",
            server.context()
        );
    }
    assert!(
        server.wait_stderr("the open pages reloaded after"),
        "{}",
        server.context()
    );
}

#[test]
fn referral_reasons_appear_move_and_disappear() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let reason = "---\ntitle: Leg swelling NEWREASON\ndescription: Ankle and leg swelling with suspected heart failure, for a prompt clinic visit.\nservice: heart-failure\nurgency: routine\n---\nPlease send the most recent echo.\n";
    site.write("content/referrals/leg-swelling.md", reason);
    events.expect("reload", &server, "adding a referral reason");
    let page = server.get_until("/referrals/leg-swelling/", "the new reason page", |r| {
        r.status == 200
    });
    assert!(page.body.contains("NEWREASON"));
    // The schema of the referral form knows the new reason.
    server.get_until(
        "/forms/referral.schema.json",
        "the new reason in the schema",
        |r| r.body.contains("leg-swelling"),
    );

    std::fs::rename(
        site.path("content/referrals/leg-swelling.md"),
        site.path("content/referrals/ankle-swelling.md"),
    )
    .unwrap();
    events.expect("reload", &server, "renaming a referral reason");
    server.get_until("/referrals/ankle-swelling/", "the renamed page", |r| {
        r.status == 200 && r.body.contains("NEWREASON")
    });
    server.get_until("/referrals/leg-swelling/", "404 for the old name", |r| {
        r.status == 404
    });

    site.remove("content/referrals/ankle-swelling.md");
    events.expect("reload", &server, "deleting a referral reason");
    server.get_until("/referrals/ankle-swelling/", "404 after deleting", |r| {
        r.status == 404
    });
    let list = server.get("/referrals/");
    assert!(
        !list.body.contains("NEWREASON"),
        "the referrals list still shows the deleted reason"
    );
}

#[test]
fn a_broken_edit_shows_the_finding_and_keeps_the_last_good_site() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let before = server.get(SERVICE_URL);
    assert_eq!(before.status, 200);

    let broken = "---\ntitle: Palpitations\nservice: cardiolgy\nurgency: routine\ndescription: Palpitations with or without a documented arrhythmia, for a cardiology visit.\n---\nPlease send the most recent EKG tracing.\n";
    site.write("content/referrals/palpitations.md", broken);
    let failed = events.expect("failed", &server, "a dangling `service:`");
    assert!(
        failed.data.contains("E020"),
        "overlay text: {}",
        failed.data
    );
    assert!(
        failed
            .data
            .contains("content/referrals/palpitations.md:3:10"),
        "the overlay does not point at file:line:col: {}",
        failed.data
    );
    assert!(
        server.wait_stderr("content/referrals/palpitations.md:3:10"),
        "the terminal does not show the finding\n{}",
        server.context()
    );
    // The last good site stays served, and the terminal says so.
    assert!(
        server.wait_stderr("Still serving the last good site"),
        "the terminal does not say the last good site is still served\n{}",
        server.context()
    );
    let during = server.get(SERVICE_URL);
    assert_eq!(during.status, 200, "{}", server.context());
    assert_eq!(
        during.bytes, before.bytes,
        "the served page changed during the failure"
    );
    assert_eq!(server.get("/referrals/palpitations/").status, 404);
    // A page opened during the failure gets the overlay at once.
    let mut late = server.events();
    let first = late
        .next_named("failed", Duration::from_secs(2))
        .unwrap_or_else(|| {
            panic!(
                "a new event stream did not start with the overlay: {:?}",
                late.seen
            )
        });
    assert!(first.data.contains("E020"));

    site.write(
        "content/referrals/palpitations.md",
        &broken.replace("cardiolgy", "heart-failure"),
    );
    events.expect("fixed", &server, "fixing the broken file");
    server.get_until("/referrals/palpitations/", "the fixed page", |r| {
        r.status == 200 && r.body.contains("Palpitations")
    });
}

#[test]
fn a_broken_body_edit_of_an_existing_page_fails_and_recovers() {
    // The body-only fast path: a Markdown body whose link points nowhere
    // inside the site, or any finding it raises, must still show up.
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let text = site.read(SERVICE_MD);
    // Front matter broken in place: `checklist:` names nothing.
    site.write(
        SERVICE_MD,
        &text.replace("checklist: heart-failure", "checklist: heart-failur"),
    );
    let failed = events.expect("failed", &server, "a dangling `checklist:`");
    assert!(failed.data.contains(SERVICE_MD), "{}", failed.data);
    assert_eq!(server.get(SERVICE_URL).status, 200);
    // Restoring the exact old bytes builds the same site: `fixed` must still come.
    site.write(SERVICE_MD, &text);
    events.expect("fixed", &server, "restoring the file");
    // A body edit right after recovery goes through the fast path.
    site.write(
        SERVICE_MD,
        &text.replace("Post-discharge visits", "AFTER-FIX visits"),
    );
    events.expect("reload", &server, "a body edit after recovery");
    server.get_until(SERVICE_URL, "the body edit", |r| {
        r.body.contains("AFTER-FIX")
    });
}

#[test]
fn a_css_edit_swaps_styles_without_a_reload() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let css_rel = "themes/clinic/css/site.css";
    let css = site.read(css_rel);
    site.write(
        css_rel,
        &format!("{css}\n.handoff-test-marker {{ color: rebeccapurple; }}\n"),
    );
    events.expect("css", &server, "a CSS edit");
    // A reload would be a message of its own: give a second batch of the
    // same save (an editor writing twice) the time to show one.
    events.collect_for(Duration::from_millis(500));
    let names: Vec<&str> = events.seen.iter().map(|e| e.name.as_str()).collect();
    assert!(
        !names.contains(&"reload"),
        "a CSS edit caused a full reload: {names:?}\n{}",
        server.context()
    );
    // The page links a stylesheet that has the new rule.
    let page = server.get("/");
    let href = page
        .body
        .split("href=")
        .filter_map(|s| s.trim_start_matches('"').split(['"', ' ', '>']).next())
        .find(|h| h.starts_with("/css/") && h.ends_with(".css"))
        .unwrap_or_else(|| panic!("no stylesheet link in /"))
        .to_owned();
    let sheet = server.get(&href);
    assert_eq!(sheet.status, 200);
    assert!(
        sheet.body.contains("handoff-test-marker"),
        "{href} lacks the new rule"
    );
}

#[test]
fn an_atomic_save_is_one_rebuild() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let text = site.read(SERVICE_MD);
    let before = server.rebuilt_lines();
    // A temporary name the ignore rules do not cover (JetBrains-style).
    atomic_save(
        &site,
        SERVICE_MD,
        "heart-failure.md___jb_tmp___",
        &text.replace("Closing the loop", "ATOMIC-SAVE loop"),
    );
    events.expect("reload", &server, "an atomic save");
    server.get_until(SERVICE_URL, "the saved text", |r| {
        r.body.contains("ATOMIC-SAVE")
    });
    let more = events.collect_for(Duration::from_millis(1500));
    let after = server.rebuilt_lines();
    assert_eq!(
        after - before,
        1,
        "an atomic save caused {} rebuilds (extra events: {more:?})\n{}",
        after - before,
        server.context()
    );
    // And a vim-style one (hidden swap-like temp name).
    let before = server.rebuilt_lines();
    atomic_save(
        &site,
        SERVICE_MD,
        ".heart-failure.md.tmp",
        &text.replace("Closing the loop", "ATOMIC-SAVE-TWO loop"),
    );
    events.expect("reload", &server, "a second atomic save");
    server.get_until(SERVICE_URL, "the saved text", |r| {
        r.body.contains("ATOMIC-SAVE-TWO")
    });
    events.collect_for(Duration::from_millis(1500));
    assert_eq!(server.rebuilt_lines() - before, 1, "{}", server.context());
}

// ---------------------------------------------------------------- 4. intake sink

/// The referral form of a refer page, filled in from its own fields.
pub(crate) fn referral_payload(server: &Server, page: &str) -> (String, Vec<(String, String)>) {
    let html = server.get(page);
    assert_eq!(html.status, 200);
    let doc = scraper::Html::parse_document(&html.body);
    let form = doc
        .select(&sel("form#referral-form"))
        .next()
        .unwrap_or_else(|| panic!("no referral form on {page}"));
    let action = form.value().attr("action").unwrap_or_default().to_owned();
    let mut fields: Vec<(String, String)> = Vec::new();
    let has = |fields: &Vec<(String, String)>, n: &str| fields.iter().any(|(k, _)| k == n);
    let (input, option) = (sel("input, select, textarea"), sel("option"));
    for el in form.select(&input) {
        let v = el.value();
        let Some(name) = v.attr("name") else { continue };
        let name = name.to_owned();
        let ty = v.attr("type").unwrap_or("text");
        let value = match (v.name(), ty) {
            ("select", _) => el
                .select(&option)
                .filter_map(|o| o.value().attr("value"))
                .find(|s| !s.is_empty())
                .unwrap_or_default()
                .to_owned(),
            ("textarea", _) => "Please assess; symptoms for three weeks.".to_owned(),
            (_, "hidden") => v.attr("value").unwrap_or_default().to_owned(),
            (_, "radio" | "checkbox") => {
                if has(&fields, &name) {
                    continue;
                }
                v.attr("value").unwrap_or("on").to_owned()
            }
            (_, "email") => "dr.ruiz@practice.example".to_owned(),
            (_, "tel") => "+1 555 010 0100".to_owned(),
            (_, "date") => "1950-02-03".to_owned(),
            _ if name == "website" => String::new(),
            _ if v.attr("pattern") == Some("[0-9]{10}") => "1234567890".to_owned(),
            _ if name == "patient_name" => PATIENT.to_owned(),
            _ => "Dr Test Referrer".to_owned(),
        };
        fields.push((name, value));
    }
    (action, fields)
}

pub(crate) fn form_encode(fields: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish()
}

fn intake_lines(site: &SiteTest) -> Vec<serde_json::Value> {
    let path = site.path(".handoff/intake.jsonl");
    if !path.exists() {
        return Vec::new();
    }
    site.read(".handoff/intake.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

#[test]
fn the_intake_sink_validates_logs_and_answers_like_a_backend() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let (action, fields) = referral_payload(&server, REFER_URL);
    assert_eq!(
        action, "/_intake/referral",
        "the served form does not post to the local sink"
    );
    assert!(
        fields
            .iter()
            .any(|(k, v)| k == "patient_name" && v == PATIENT)
    );

    // A form post: 303 to the thanks page, one valid line.
    let resp = server.post(
        &action,
        "application/x-www-form-urlencoded",
        form_encode(&fields).as_bytes(),
    );
    assert_eq!(
        resp.status,
        303,
        "{}\n{}\n{}",
        resp.head,
        resp.body,
        server.context()
    );
    // A referral from a service's page lands on that service's thanks page.
    assert_eq!(
        resp.header("location").as_deref(),
        Some("/services/heart-failure/refer/thanks/")
    );
    assert_eq!(
        server.get("/services/heart-failure/refer/thanks/").status,
        200
    );
    let lines = intake_lines(&site);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["form"], "referral");
    assert_eq!(lines[0]["valid"], true, "{}", lines[0]);
    assert_eq!(lines[0]["payload"]["patient_name"], PATIENT);
    assert_eq!(lines[0]["payload"]["page"], REFER_URL);

    // A fetch post: JSON in, JSON out.
    let object: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let json = server.post(
        &action,
        "application/json",
        serde_json::to_string(&object).unwrap().as_bytes(),
    );
    assert_eq!(json.status, 200, "{}\n{}", json.head, json.body);
    let answer: serde_json::Value =
        serde_json::from_str(&json.body).expect("the answer is not JSON");
    assert_eq!(answer, serde_json::json!({ "ok": true }));
    assert_eq!(intake_lines(&site).len(), 2);

    // Missing a required field: 422 and an invalid line.
    let missing: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "clinical_question")
        .cloned()
        .collect();
    let bad = server.post(
        &action,
        "application/x-www-form-urlencoded",
        form_encode(&missing).as_bytes(),
    );
    assert_eq!(bad.status, 422, "{}", bad.head);
    assert!(bad.body.contains("clinical_question"), "{}", bad.body);
    let lines = intake_lines(&site);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["valid"], false);
    assert!(
        lines[2]["errors"].to_string().contains("clinical_question"),
        "{}",
        lines[2]
    );
    let bad_json = server.post(
        &action,
        "application/json",
        serde_json::to_string(&{
            let mut o = object.clone();
            o.remove("clinical_question");
            o
        })
        .unwrap()
        .as_bytes(),
    );
    assert_eq!(bad_json.status, 422, "{}", bad_json.head);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&bad_json.body).unwrap()["ok"],
        false
    );

    // The terminal names the form and page, never a submitted value.
    // Four posts, four terminal lines (the pipe is read on another thread).
    let start = Instant::now();
    while server.stderr().matches("intake: referral form").count() < 4
        && start.elapsed() < EVENT_LIMIT
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let stderr = server.stderr();
    assert!(
        stderr.contains("intake: referral form from /services/heart-failure/refer/"),
        "{stderr}"
    );
    for value in [
        PATIENT,
        "dr.ruiz@practice.example",
        "1950-02-03",
        "three weeks",
    ] {
        assert!(
            !stderr.contains(value),
            "stderr shows the submitted value `{value}`:\n{stderr}"
        );
    }
    assert_no_public(&site, &server);
}

#[test]
fn the_intake_terminal_line_does_not_echo_an_invalid_page_value() {
    // `page` is echoed so the person knows which form posted; a value that
    // fails the schema (pattern ^/[a-z0-9/_-]*$) is attacker-controlled text
    // (a patient name typed in the wrong field, or terminal escapes) and
    // must not reach the terminal as is.
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let body = form_encode(&[
        ("form".to_owned(), "referral".to_owned()),
        (
            "page".to_owned(),
            format!("{PATIENT}\n\u{1b}[2JBuilt 0 files"),
        ),
    ]);
    let resp = server.post(
        "/_intake/referral",
        "application/x-www-form-urlencoded",
        body.as_bytes(),
    );
    assert_eq!(resp.status, 422);
    assert!(
        server.wait_stderr("-> .handoff/intake.jsonl"),
        "no intake line\n{}",
        server.context()
    );
    let stderr = server.stderr();
    assert!(
        !stderr.contains(PATIENT),
        "stderr echoes an invalid `page` value:\n{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "stderr echoes a terminal escape from a post:\n{stderr:?}"
    );
}

#[test]
fn real_intake_keeps_the_configured_endpoint() {
    let site = SiteTest::example();
    let server = Server::start(&site, &["--real-intake"]);
    let (action, _) = referral_payload(&server, REFER_URL);
    assert_eq!(
        action,
        "https://intake.riverbend-health.example/v1/submissions"
    );
    let page = server.get(REFER_URL);
    assert!(
        !page.body.contains("/_intake/"),
        "--real-intake still points at the local sink"
    );
    assert!(page.body.contains("/_handoff/reload.js"));
    assert!(
        !server.stderr().contains("local intake sink"),
        "{}",
        server.context()
    );
}

// ---------------------------------------------------------------- 5. port in use

#[test]
fn a_port_in_use_exits_2() {
    let site = SiteTest::example();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut server = Server::spawn(&site, port, &[]);
    let status = server
        .wait_exit(Duration::from_secs(20))
        .unwrap_or_else(|| panic!("serve kept running on a taken port\n{}", server.context()));
    assert_eq!(status.code(), Some(2), "{}", server.context());
    let err = server.stderr();
    assert!(
        err.contains(&port.to_string()) && err.contains("--port"),
        "{err}"
    );
    // The port is checked before the site is built.
    assert!(!err.contains("Built"), "{err}");
    drop(taken);
}

// ---------------------------------------------------------------- 6. Ctrl-C

fn interrupt(server: &Server) {
    let ok = Command::new("kill")
        .args(["-INT", &server.pid().to_string()])
        .status()
        .expect("cannot run kill")
        .success();
    assert!(ok, "kill -INT failed");
}

#[test]
fn ctrl_c_stops_with_exit_0() {
    let site = SiteTest::example();
    let mut server = Server::start(&site, &[]);
    interrupt(&server);
    let status = server.wait_exit(Duration::from_secs(5)).unwrap_or_else(|| {
        panic!(
            "serve did not stop within 5 s of SIGINT\n{}",
            server.context()
        )
    });
    assert_eq!(status.code(), Some(0), "{}", server.context());
}

#[test]
fn ctrl_c_stops_with_a_browser_tab_open() {
    // A browser tab keeps /_handoff/events open forever; graceful shutdown
    // must not wait for it.
    let site = SiteTest::example();
    let mut server = Server::start(&site, &[]);
    let _tab = server.events();
    interrupt(&server);
    let status = server.wait_exit(Duration::from_secs(5)).unwrap_or_else(|| {
        panic!(
            "serve did not stop within 5 s of SIGINT while an event stream was open\n{}",
            server.context()
        )
    });
    assert_eq!(status.code(), Some(0), "{}", server.context());
}

// ---------------------------------------------------------------- 7. folders created while serving

#[test]
fn a_templates_folder_created_while_serving_is_watched() {
    // SPEC §11 watches templates/; the example site has none, so the person
    // creates it while serving. Edits inside it must be seen, not only the
    // folder's creation. The folder appears with its first file already in
    // it (made beside the site, then moved in), so the test waits on the
    // reload that file causes, never on a pause: once that reload is sent,
    // the server has started watching the new folder.
    let site = SiteTest::example();
    assert!(!site.path("templates").exists());
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let theme_404 = site.read("themes/clinic/templates/404.html");
    assert!(
        theme_404.contains("We could not find that page"),
        "{theme_404}"
    );
    let made = site.work_dir().join("templates");
    std::fs::create_dir(&made).unwrap();
    std::fs::write(
        made.join("404.html"),
        theme_404.replace("We could not find that page", "OVERRIDE-ONE"),
    )
    .unwrap();
    std::fs::rename(&made, site.path("templates")).unwrap();
    events.expect(
        "reload",
        &server,
        "a new templates/ holding templates/404.html",
    );
    server.get_until("/no-such-page/", "the override", |r| {
        r.body.contains("OVERRIDE-ONE")
    });
    site.write(
        "templates/404.html",
        &theme_404.replace("We could not find that page", "OVERRIDE-TWO"),
    );
    events.expect("reload", &server, "editing templates/404.html in it");
    server.get_until("/no-such-page/", "the edited override", |r| {
        r.body.contains("OVERRIDE-TWO")
    });
}

// ---------------------------------------------------------------- 5. edits during a rebuild

/// `css/site.1a2b3c4d.css` → `css/site.css`, `js/forms.1a2b3c4d.js` →
/// `js/forms.js`, wherever they appear in `text`.
fn unhashed(text: &str) -> String {
    let mut out = text.to_owned();
    for ext in [".css", ".js"] {
        let mut from = 0;
        while let Some(at) = out[from..].find(ext).map(|i| i + from) {
            let hash = at.checked_sub(9).and_then(|start| out.get(start..at));
            let is_hash = hash.is_some_and(|h| {
                h.starts_with('.') && h[1..].bytes().all(|b| b.is_ascii_hexdigit())
            });
            if is_hash {
                out.replace_range(at - 9..at, "");
                from = at - 9 + ext.len();
            } else {
                from = at + ext.len();
            }
        }
    }
    out
}

/// `text` with the first `tag` taken out (the live-reload tag of a served page).
fn without_first(text: &[u8], tag: &[u8]) -> Vec<u8> {
    match text.windows(tag.len()).position(|w| w == tag) {
        Some(at) => [&text[..at], &text[at + tag.len()..]].concat(),
        None => text.to_vec(),
    }
}

/// Builds `site` afresh and asserts that `server` serves every file of that
/// build byte for byte (the live-reload tag and the content hash in asset
/// names aside); returns how many files were compared.
fn expect_served_as_built(server: &Server, site: &SiteTest) -> usize {
    site.build(&["--quiet"]).expect_success();
    let built = crate::support::snapshot_of_dir(&site.public());
    let mut checked = 0;
    for (rel, entry) in &built.entries {
        let crate::support::Entry::File(want) = entry else {
            continue;
        };
        if rel == ".handoff-output" {
            continue;
        }
        // serve names stylesheets and scripts without their content hash
        // (so a CSS edit re-renders no page); a build hashes them.
        let rel = &unhashed(rel);
        let resp = server.get(&format!("/{rel}"));
        assert_eq!(resp.status, 200, "GET /{rel}\n{}", server.context());
        // Text files name assets; anything else is compared as it is.
        let want = match std::str::from_utf8(want) {
            Ok(text) => unhashed(text).into_bytes(),
            Err(_) => want.clone(),
        };
        let got = if rel.ends_with(".html") {
            without_first(&resp.bytes, RELOAD_TAG.as_bytes())
        } else {
            resp.bytes.clone()
        };
        assert!(
            got == want,
            "GET /{rel} differs from a fresh build (first difference at byte {})\n{}",
            got.iter()
                .zip(&want)
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(want.len())),
            server.context()
        );
        checked += 1;
    }
    checked
}

/// Issue #9: a file edited while `serve` is rebuilding ends in a correct
/// site. The example site grows 300 referral reasons that all show the
/// heart-failure checklist, and a referral template made slow on purpose (a
/// loop that renders nothing), so a checklist edit re-renders hundreds of
/// slow pages: a rebuild of a second or more in a debug build, many times
/// the 30 ms the debouncer waits. While that rebuild runs, the checklist is
/// edited again and one reason's body is edited (the fast path); the test
/// asserts that these edits did land mid-rebuild. When the server is quiet,
/// every file it serves must be the file a fresh `handoff build` of the
/// final tree writes, byte for byte (the live-reload tag and the content
/// hash in asset names aside): nothing stale, nothing from the middle edit.
#[test]
fn edits_during_a_rebuild_end_in_the_final_site() {
    let site = SiteTest::example();
    for i in 0..300 {
        site.write(
            &format!("content/referrals/generated-{i:03}.md"),
            &format!(
                "---\ntitle: Generated reason {i:03}\ndescription: A generated referral reason for the concurrency test, number {i:03}.\nservice: heart-failure\nurgency: routine\n---\nBody of reason {i:03}: BODY-START.\n"
            ),
        );
    }
    let theme = site.read("themes/clinic/templates/referral.html");
    site.write(
        "templates/referral.html",
        &theme.replacen(
            "{% block content %}",
            "{% block content %}{% for i in range(end=20000) %}{% endfor %}",
            1,
        ),
    );
    let rel = "content/checklists/heart-failure.yaml";
    let yaml = site.read(rel);
    assert!(yaml.contains("label: Hospital discharge summary"));
    // --real-intake: the forms post where a build's do, so the served site
    // and a built one can be compared byte for byte.
    let server = Server::start(&site, &["--real-intake"]);
    let mut events = server.events();
    let reason = "content/referrals/generated-150.md";
    let reason_url = "/referrals/generated-150/";
    let reason_text = site.read(reason);

    // 1. A slow rebuild starts.
    site.write(
        rel,
        &yaml.replace(
            "label: Hospital discharge summary",
            "label: Discharge EDIT-ONE",
        ),
    );
    // 2. Mid-rebuild: the checklist again, and a body. The debouncer waits
    //    30 ms; the rebuild renders 300 slow pages; edit well inside it.
    //    Whether the edits did land inside it is asserted below.
    std::thread::sleep(Duration::from_millis(200));
    let finished_before_the_second_edit = server.rebuilt_lines();
    site.write(
        rel,
        &yaml.replace(
            "label: Hospital discharge summary",
            "label: Discharge EDIT-TWO",
        ),
    );
    site.write(reason, &reason_text.replace("BODY-START", "BODY-FINAL"));

    // 3. Wait for the final content, then for quiet (no event for 1.5 s).
    server.get_until(reason_url, "the final checklist label and body", |r| {
        r.status == 200 && r.body.contains("Discharge EDIT-TWO") && r.body.contains("BODY-FINAL")
    });
    let started = Instant::now();
    loop {
        let late = events.collect_for(Duration::from_millis(1500));
        if late.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve never went quiet; events: {:?}\n{}",
            events.seen,
            server.context()
        );
    }
    assert!(
        !server.stderr().contains("error["),
        "a rebuild failed\n{}",
        server.context()
    );
    // The second edits landed mid-rebuild: the first rebuild had not
    // finished when they were written, and they were a rebuild of their own
    // (written before the debouncer took the first edit, they would have
    // joined it).
    assert_eq!(
        finished_before_the_second_edit,
        0,
        "the first rebuild finished within 200 ms, before the second edit: the test \
         did not edit during a rebuild (make the referral template slower)\n{}",
        server.context()
    );
    assert!(
        server.rebuilt_lines() >= 2,
        "the second edits joined the first rebuild instead of landing during it\n{}",
        server.context()
    );

    // 4. The served site is the site a fresh build of the final files makes.
    let checked = expect_served_as_built(&server, &site);
    assert!(checked > 300, "only {checked} files compared");
    for path in [
        "/services/heart-failure/refer/",
        reason_url,
        "/forms/referral.schema.json",
    ] {
        let body = server.get(path).body;
        assert!(
            !body.contains("EDIT-ONE") && !body.contains("Hospital discharge summary"),
            "GET {path} is stale"
        );
    }
}

/// Fills every required field of a form with a valid value, as a person
/// would (script-side, so the test does not depend on the field list).
const FILL_REQUIRED: &str = r#"
const form = document.querySelector(arguments[0]);
const typed = { email: "referrals@partner-clinic.example", tel: "(555) 010-0142", date: "1960-03-15" };
for (const el of form.querySelectorAll("input, select, textarea")) {
  if (!el.required || el.disabled) continue;
  if (el.type === "radio") {
    if (!form.querySelector(`input[name="${el.name}"]:checked`)) el.checked = true;
  } else if (el.type === "checkbox") {
    el.checked = true;
  } else if (el.tagName === "SELECT") {
    const option = [...el.options].find(o => o.value && o.value !== "other" && o.value !== "not_sure");
    el.value = option ? option.value : el.value;
  } else if (el.name.endsWith("npi")) {
    el.value = "1234567893";
  } else if (el.name === "patient_name") {
    el.value = arguments[1];
  } else {
    el.value = typed[el.type] || "Please see the enclosed records.";
  }
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}
const npi = form.querySelector('[name$="npi"]');
if (npi) npi.value = "1234567893";
return form.checkValidity();
"#;

/// Waits (bounded) until a script returns `true` in the page.
fn wait_in_browser(
    browser: &crate::browser::Browser,
    what: &str,
    script: &str,
    args: serde_json::Value,
) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if browser.execute(script, args.clone()) == serde_json::json!(true) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("in the browser: {what} did not happen within 15 s");
}

/// SPEC §11 in a real browser: a saved edit reloads the open page, a
/// stylesheet edit restyles it without a reload, and the referral form
/// posts to the local intake sink, which logs it with the expected fields.
#[test]
fn in_a_browser_edits_show_and_a_referral_lands_in_the_intake_sink() {
    let _one = crate::browser::exclusive();
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let base = format!("http://{}", server.host());
    let browser = crate::browser::Browser::start(true);

    // 1. A body edit reloads the open page.
    browser.goto(&format!("{base}{SERVICE_URL}"));
    browser.find("h1");
    // The page's script is connected once the server counts a listener.
    std::thread::sleep(Duration::from_millis(500));
    browser.execute(
        "window.handoffMarker = 'before the edit';",
        serde_json::json!([]),
    );
    let added = "A sentence added while the page was open.";
    site.write(
        SERVICE_MD,
        &format!("{}\n\n{added}\n", site.read(SERVICE_MD)),
    );
    wait_in_browser(
        &browser,
        "the edited text appearing after a reload",
        "return document.body.innerText.includes(arguments[0]) && window.handoffMarker === undefined;",
        serde_json::json!([added]),
    );

    // 2. A stylesheet edit restyles the page in place.
    std::thread::sleep(Duration::from_millis(300));
    browser.execute(
        "window.handoffMarker = 'before the css edit';",
        serde_json::json!([]),
    );
    let css_rel = "themes/clinic/css/site.css";
    site.write(
        css_rel,
        &format!("{}\n:root {{ --handoff-probe: 7; }}\n", site.read(css_rel)),
    );
    wait_in_browser(
        &browser,
        "the new custom property applying",
        "return getComputedStyle(document.documentElement).getPropertyValue('--handoff-probe').trim() === '7';",
        serde_json::json!([]),
    );
    assert_eq!(
        browser.execute("return window.handoffMarker;", serde_json::json!([])),
        serde_json::json!("before the css edit"),
        "a stylesheet edit reloaded the page\n{}",
        server.context()
    );

    // 3. The referral form posts to the local sink.
    browser.goto(&format!("{base}{REFER_URL}"));
    browser.find("#referral-form");
    let valid = browser.execute(
        FILL_REQUIRED,
        serde_json::json!(["#referral-form", PATIENT]),
    );
    assert_eq!(
        valid,
        serde_json::json!(true),
        "the filled-in form is not valid"
    );
    browser.click("#referral-form button:not([type=button]):not([type=reset])");
    browser.wait_for_path("/thanks/");
    let log = site.path(".handoff/intake.jsonl");
    let start = Instant::now();
    while !log.is_file() && start.elapsed() < EVENT_LIMIT {
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&log)
        .unwrap_or_else(|e| panic!("no {}: {e}\n{}", log.display(), server.context()));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one submission, one line: {text}");
    let entry: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(entry["form"], "referral", "{entry}");
    assert_eq!(entry["valid"], true, "{entry}");
    let payload = &entry["payload"];
    assert_eq!(payload["form"], "referral", "{entry}");
    assert_eq!(payload["page"], REFER_URL, "{entry}");
    assert_eq!(payload["service"], "heart-failure", "{entry}");
    assert_eq!(payload["patient_name"], PATIENT, "{entry}");
    assert_eq!(payload["clinician_npi"], "1234567893", "{entry}");
    assert!(
        server.wait_stderr("referral"),
        "the terminal did not show the submission\n{}",
        server.context()
    );
}

// --- symlinks out of the site (issue 16) ---

/// What the file outside the site holds; no answer and no terminal line may
/// contain it.
const OUTSIDE_SECRET: &str = "hunter2";

/// `outside/secret` beside the site root (inside the test's folder).
fn outside_secret(site: &SiteTest) -> std::path::PathBuf {
    let dir = site.work_dir().join("outside");
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("secret");
    std::fs::write(&secret, format!("SECRET_TOKEN={OUTSIDE_SECRET}\n")).unwrap();
    secret
}

/// serve builds through the build's pipeline, so a static file linked out
/// of the site is E019 in the terminal and the overlay, and never served.
#[test]
fn a_static_link_out_of_the_site_is_never_served() {
    let site = SiteTest::fixture("bad_input/link_outside");
    let secret = outside_secret(&site);
    std::fs::create_dir_all(site.path("static")).unwrap();
    site.symlink("static/leak.txt", secret.to_str().unwrap());
    let server = Server::start(&site, &[]);
    assert!(
        server.wait_stderr("error[E019]") && server.wait_stderr("static/leak.txt"),
        "the terminal does not show the finding\n{}",
        server.context()
    );
    for path in ["/leak.txt", "/", "/static/leak.txt"] {
        let resp = server.get(path);
        assert!(
            matches!(resp.status, 404 | 500),
            "GET {path}: {}\n{}",
            resp.head,
            server.context()
        );
        assert!(
            !resp.body.contains(OUTSIDE_SECRET),
            "GET {path} answered with the file outside the site\n{}",
            server.context()
        );
        if resp.status == 500 {
            assert!(resp.body.contains("E019"), "the overlay: {}", resp.body);
        }
    }
    assert!(
        !server.stderr().contains(OUTSIDE_SECRET),
        "{}",
        server.context()
    );
    assert_no_public(&site, &server);
}

/// A page replaced by a link out of the site while serving: the edit goes
/// through serve's fast paths, which read changed files themselves; they
/// refuse it too, the rebuild fails with E019, and the last good page stays.
#[test]
fn a_page_turned_into_a_link_out_of_the_site_while_serving_is_refused() {
    let site = SiteTest::fixture("bad_input/link_outside");
    let secret = outside_secret(&site);
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let url = "/services/cardiology/";
    let before = server.get(url);
    assert_eq!(before.status, 200, "{}", server.context());

    // As an editor saves: a link made beside the page, renamed over it.
    let rel = "content/services/cardiology.md";
    let tmp = site.path("content/services/.cardiology.md.tmp");
    std::os::unix::fs::symlink(&secret, &tmp).unwrap();
    std::fs::rename(&tmp, site.path(rel)).unwrap();

    let failed = events.expect(
        "failed",
        &server,
        "a page turned into a link out of the site",
    );
    assert!(
        failed.data.contains("E019") && failed.data.contains(rel),
        "overlay text: {}",
        failed.data
    );
    assert!(server.wait_stderr("error[E019]"), "{}", server.context());
    let during = server.get(url);
    assert_eq!(during.status, 200, "{}", server.context());
    assert_eq!(during.body, before.body, "the served page changed");
    let overlay = events
        .seen
        .iter()
        .map(|e| e.data.as_str())
        .collect::<String>();
    assert!(
        !overlay.contains(OUTSIDE_SECRET) && !server.stderr().contains(OUTSIDE_SECRET),
        "the file outside the site reached the overlay or the terminal\n{}",
        server.context()
    );
}

// --- intake sink and redirects (issue 16) ---

/// A distinctive submitted value: it must come back in no answer and reach
/// no terminal line.
const CANARY: &str = "CANARY";

/// A form post with extra request headers, as raw bytes.
fn post_request(host: &str, content_type: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST /_intake/referral HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

/// Issue #16: a record written in pieces interleaved with other posts'.
/// 100 posts of 11 KB at once, three times: 300 whole lines, 300 records.
#[test]
fn parallel_posts_each_reach_the_intake_log_as_one_whole_line() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let (action, fields) = referral_payload(&server, REFER_URL);
    let (port, host) = (server.port, server.host());
    let padding = "x".repeat(11 * 1024);
    for round in 0..3 {
        let barrier = std::sync::Barrier::new(100);
        std::thread::scope(|s| {
            for i in 0..100 {
                let (barrier, fields, padding, host, action) =
                    (&barrier, &fields, &padding, &host, &action);
                s.spawn(move || {
                    let mut object: serde_json::Map<String, serde_json::Value> = fields
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect();
                    object.insert(
                        "clinical_question".to_owned(),
                        format!("post-{round}-{i} {padding}").into(),
                    );
                    let body = serde_json::to_vec(&object).unwrap();
                    let req = format!(
                        "POST {action} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let mut bytes = req.into_bytes();
                    bytes.extend_from_slice(&body);
                    barrier.wait();
                    let resp = raw_request(port, &bytes)
                        .unwrap_or_else(|e| panic!("post {round}-{i}: {e}"));
                    assert!(
                        matches!(resp.status, 200 | 422),
                        "post {round}-{i}: {}",
                        resp.head
                    );
                });
            }
        });
    }
    let text = site.read(".handoff/intake.jsonl");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 300, "expected 300 lines\n{}", server.context());
    let mut seen = std::collections::BTreeSet::new();
    for line in &lines {
        let record: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| {
            panic!(
                "a line is not JSON ({e}): {}…",
                line.chars().take(200).collect::<String>()
            )
        });
        let question = record["payload"]["clinical_question"]
            .as_str()
            .expect("a record without its payload");
        assert!(
            question.ends_with(&padding),
            "a record lost part of its value"
        );
        seen.insert(question.split(' ').next().unwrap_or_default().to_owned());
    }
    assert_eq!(seen.len(), 300, "300 posts, 300 different records");
}

#[test]
fn a_422_names_the_field_and_rule_never_the_submitted_value() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let (action, fields) = referral_payload(&server, REFER_URL);
    let email_fields: Vec<String> = fields
        .iter()
        .filter(|(_, v)| v == "dr.ruiz@practice.example")
        .map(|(k, _)| k.clone())
        .collect();
    assert!(
        !email_fields.is_empty(),
        "the referral form has no email field"
    );
    let bad: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            if email_fields.contains(k) {
                (k.clone(), format!("not-an-email-{CANARY}"))
            } else {
                (k.clone(), v.clone())
            }
        })
        .chain([
            // An unknown field is named when its name is a field name,
            // and not repeated when it could be a value (a space in it).
            ("extra_field".to_owned(), format!("{CANARY} value")),
            (format!("{CANARY} Jane"), "x".to_owned()),
        ])
        .collect();
    let html = server.post(
        &action,
        "application/x-www-form-urlencoded",
        form_encode(&bad).as_bytes(),
    );
    let object: serde_json::Map<String, serde_json::Value> = bad
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let json = server.post(
        &action,
        "application/json",
        serde_json::to_string(&object).unwrap().as_bytes(),
    );
    for resp in [&html, &json] {
        assert_eq!(resp.status, 422, "{}\n{}", resp.head, resp.body);
        assert!(
            resp.body.contains(&email_fields[0]) && resp.body.contains("format"),
            "the 422 does not name the field and its rule:\n{}",
            resp.body
        );
        assert!(
            !resp.body.contains(CANARY),
            "the 422 repeats a submitted value:\n{}",
            resp.body
        );
    }
    let errors = &serde_json::from_str::<serde_json::Value>(&json.body).unwrap()["errors"];
    let unknown = errors
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.as_str().unwrap().contains("additionalProperties"))
        .count();
    assert_eq!(unknown, 2, "both unknown fields are reported: {errors}");
    assert!(
        errors.to_string().contains("`extra_field`"),
        "the unknown field is not named: {errors}"
    );
    let start = Instant::now();
    while server.stderr().matches("intake: referral form").count() < 2
        && start.elapsed() < EVENT_LIMIT
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let stderr = server.stderr();
    assert_eq!(
        stderr.matches("intake: referral form").count(),
        2,
        "{stderr}"
    );
    assert!(
        !stderr.contains(CANARY),
        "the terminal shows a submitted value:\n{stderr}"
    );
    // The log keeps what was posted: it is the submission.
    assert_eq!(intake_lines(&site).len(), 2);
}

#[test]
fn posts_from_another_origin_are_refused() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let (port, host) = (server.port, server.host());
    let body = form_encode(&[("form".to_owned(), "referral".to_owned())]);
    let form = "application/x-www-form-urlencoded";
    for extra in [
        "Origin: http://evil.example\r\n".to_owned(),
        "Origin: null\r\n".to_owned(),
        format!("Origin: http://127.0.0.1:{}\r\n", port.wrapping_add(1)),
        format!("Origin: https://127.0.0.1:{port}\r\n"),
        format!("Origin: http://127.0.0.1:{port}.evil.example\r\n"),
        // A browser without `Origin`, from another site or local server.
        "Sec-Fetch-Site: cross-site\r\n".to_owned(),
        "Sec-Fetch-Site: same-site\r\n".to_owned(),
    ] {
        let resp = server
            .raw(&post_request(&host, form, &extra, body.as_bytes()))
            .unwrap();
        assert_eq!(resp.status, 403, "{extra}{}", resp.head);
    }
    assert!(
        !site.path(".handoff/intake.jsonl").exists(),
        "a post from another origin reached the intake log"
    );
    // The served pages' own origin, under each name the server answers,
    // and clients that are not browsers (no `Origin`: curl).
    for extra in [
        format!("Origin: http://127.0.0.1:{port}\r\nSec-Fetch-Site: same-origin\r\n"),
        format!("Origin: http://localhost:{port}\r\n"),
        String::new(),
    ] {
        let resp = server
            .raw(&post_request(&host, form, &extra, body.as_bytes()))
            .unwrap();
        assert_eq!(resp.status, 422, "{extra}{}", resp.head);
    }
    assert_eq!(intake_lines(&site).len(), 3);
}

#[test]
fn a_claimed_oversized_body_gets_413_before_it_is_sent() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    // Headers claiming 100 MB, then nothing: the answer must come without
    // the body (a server that read first would wait for it).
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(
            format!(
                "POST /_intake/referral HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 104857600\r\n\r\n",
                server.host()
            )
            .as_bytes(),
        )
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            other => panic!(
                "no answer without the body ({other:?}): {}",
                String::from_utf8_lossy(&head)
            ),
        }
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    drop(stream);
    assert!(!site.path(".handoff/intake.jsonl").exists());
}

#[test]
fn only_json_form_and_multipart_bodies_are_read() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let host = server.host();
    let json = br#"{"form":"referral"}"#;
    for content_type in [
        "application/jsonx",
        "application/json-patch+json",
        "application/x-www-form-urlencodedx",
        "text/plain",
        "text/plain; charset=application/json",
        "multipart/mixed; boundary=b",
    ] {
        let resp = server
            .raw(&post_request(&host, content_type, "", json))
            .unwrap();
        assert_eq!(resp.status, 415, "{content_type}: {}", resp.head);
    }
    // No Content-Type at all.
    let bare = server
        .raw(
            format!(
                "POST /_intake/referral HTTP/1.1\r\nHost: {host}\r\nContent-Length: 13\r\nConnection: close\r\n\r\nform=referral"
            )
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(bare.status, 415, "{}", bare.head);
    assert!(!site.path(".handoff/intake.jsonl").exists());

    // The three types, parameters allowed: read, validated and logged.
    let (action, fields) = referral_payload(&server, REFER_URL);
    let mut multipart = Vec::new();
    for (k, v) in &fields {
        multipart.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    multipart.extend_from_slice(b"--XyZ--\r\n");
    let object: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    for (content_type, body, want) in [
        (
            "application/json; charset=utf-8",
            serde_json::to_vec(&object).unwrap(),
            200,
        ),
        (
            "application/x-www-form-urlencoded; charset=UTF-8",
            form_encode(&fields).into_bytes(),
            303,
        ),
        ("multipart/form-data; boundary=XyZ", multipart, 303),
    ] {
        let resp = server.post(&action, content_type, &body);
        assert_eq!(
            resp.status, want,
            "{content_type}: {}\n{}",
            resp.head, resp.body
        );
    }
    let lines = intake_lines(&site);
    assert_eq!(lines.len(), 3);
    for line in &lines {
        assert_eq!(line["valid"], true, "{line}");
        assert_eq!(line["payload"]["patient_name"], PATIENT, "{line}");
    }
}

#[test]
fn slash_redirects_stay_on_this_host_and_keep_the_query() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    for (path, want) in [
        ("/about", "/about/"),
        ("//about", "/about/"),
        ("///about", "/about/"),
        ("//services/heart-failure", "/services/heart-failure/"),
        ("/about?utm_source=x", "/about/?utm_source=x"),
        (
            "//about?next=//evil.example/",
            "/about/?next=//evil.example/",
        ),
    ] {
        let resp = server.get(path);
        assert_eq!(resp.status, 308, "GET {path}\n{}", resp.head);
        assert_eq!(
            resp.header("location").as_deref(),
            Some(want),
            "GET {path}\n{}",
            resp.head
        );
    }
    // Never a protocol-relative `Location`, whatever the path.
    for path in [
        "//evil.example/x",
        "/\\about",
        "/\\evil.example",
        "//evil.example",
    ] {
        let resp = server.get(path);
        assert!(
            matches!(resp.status, 400 | 404),
            "GET {path}\n{}",
            resp.head
        );
        assert_eq!(resp.header("location"), None, "GET {path}\n{}", resp.head);
    }
}

/// A body edit to a page of pathological Markdown goes through the same
/// markup limit as a build: the edit fails with E017 (not 1 GB on the
/// body-only fast path), and the last good page stays served.
#[test]
fn a_body_edit_with_too_much_markup_fails_like_a_build() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let text = site.read(SERVICE_MD);
    let brackets = "[".repeat(3_000_000);
    site.write(SERVICE_MD, &format!("{text}\n{brackets}\n"));
    let failed = events.expect("failed", &server, "a body of 3 million `[`");
    assert!(
        failed.data.contains("E017") && failed.data.contains(SERVICE_MD),
        "{}",
        failed.data
    );
    let page = server.get(SERVICE_URL);
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("[[[["), "the refused body was served");
    site.write(SERVICE_MD, &text);
    events.expect("fixed", &server, "restoring the file");
}

/// A `.handoff` folder that is a symlink (a pull request can add one) never
/// makes the sink append outside the site, and the visitor is not told the
/// submission arrived.
#[test]
fn a_linked_intake_folder_is_never_written_through() {
    let site = SiteTest::example();
    let outside = site.work_dir().join("outside-intake");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, site.path(".handoff")).unwrap();
    let server = Server::start(&site, &[]);
    let (action, fields) = referral_payload(&server, REFER_URL);
    let resp = server.post(
        &action,
        "application/x-www-form-urlencoded",
        form_encode(&fields).as_bytes(),
    );
    assert_eq!(resp.status, 500, "{}\n{}", resp.head, resp.body);
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "the sink wrote through the link"
    );
    // The terminal line is read by another thread: wait for it.
    assert!(
        server.wait_stderr("could not append"),
        "{}",
        server.context()
    );
}

/// Under `serve`, a HubSpot site's sink applies HubSpot's rule: a
/// submission naming a field the HubSpot form does not declare (anything
/// `handoff intake` does not list) is refused with HubSpot's error shape,
/// so a writer sees it before the site goes live.
#[test]
fn the_sink_refuses_what_hubspot_would() {
    let site = SiteTest::fixture("forms/hubspot");
    let server = Server::start(&site, &[]);
    let hubspot = |fields: serde_json::Value| {
        let body = serde_json::json!({ "fields": fields, "context": { "pageUri": "http://x/", "pageName": "x" } });
        server.post(
            "/_intake/referral",
            "application/json",
            body.to_string().as_bytes(),
        )
    };
    let declared = serde_json::json!([
        { "name": "firstname", "value": "Jordan" },
        { "name": "lastname", "value": "Lee" },
        { "name": "email", "value": "j.lee@oak.example" },
        { "name": "message", "value": "Service line: General Cardiology\nUrgency: Routine" },
    ]);
    let ok = hubspot(declared);
    assert_eq!(ok.status, 200, "{}\n{}", ok.head, ok.body);

    let mut undeclared = serde_json::json!([
        { "name": "firstname", "value": "Jordan" },
        { "name": "urgency", "value": "SECRET-VALUE" },
    ]);
    let refused = hubspot(undeclared.take());
    assert_eq!(refused.status, 400, "{}\n{}", refused.head, refused.body);
    let error: serde_json::Value = serde_json::from_str(&refused.body).expect("JSON");
    assert_eq!(error["status"], "error");
    assert_eq!(error["errors"][0]["errorType"], "FIELD_NOT_IN_FORM");
    assert!(
        error["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("'fields.urgency'")),
        "{error}"
    );
    assert!(!refused.body.contains("SECRET-VALUE"), "{}", refused.body);
    let lines = intake_lines(&site);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["valid"], true, "{}", lines[0]);
    assert_eq!(lines[1]["valid"], false, "{}", lines[1]);
}

/// `build` and `serve` count the same things in the same words.
#[test]
fn build_and_serve_print_the_same_counts() {
    let site = SiteTest::example();
    let built = site.build(&[]);
    built.expect_success();
    let counts = |text: &str| -> String {
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("Built "))
            .unwrap_or_else(|| panic!("no `Built` line in\n{text}"));
        line[..line.find(" in ").unwrap()].to_owned()
    };
    let from_build = counts(&built.stderr);
    assert!(
        from_build.contains(" pages (") && from_build.ends_with(" files)"),
        "{from_build}"
    );
    let server = Server::start(&site, &[]);
    assert_eq!(counts(&server.stderr()), from_build, "{}", server.context());
}
