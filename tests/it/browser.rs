//! The forms in a real browser (SPEC §7.2): headless Chromium driven over
//! WebDriver, a built site served over plain HTTP on 127.0.0.1, and an HTTPS
//! intake receiver on 127.0.0.1 (self-signed certificate) that records what
//! arrives.
//!
//! ```text
//!   test ──WebDriver──► chromedriver ──► chromium
//!                                          │ GET  http://127.0.0.1:<site>/services/cardiology/refer/?utm_…
//!                                          │ POST https://127.0.0.1:<intake>/submit
//!                                          ▼
//!                                  Receiver (records method, content type, body;
//!                                  answers 303 → /refer/thanks/, or 200 JSON + CORS)
//! ```
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian packages
//! `chromium` and `chromium-driver`; `scripts/test` installs them, and
//! `HANDOFF_CHROMIUM` / `HANDOFF_CHROMEDRIVER` point elsewhere). Without
//! them these tests fail; they never skip.
//!
//! Everything here is plain `std` threads and sockets plus rustls: a
//! WebDriver client and two one-request-per-connection HTTP servers are a
//! few dozen lines each, much less to compile than an async stack.
//! Browser tests run one at a time (a lock), so each stays well under 30 s on
//! a two-core machine.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::SiteTest;

/// Browser tests share the machine's two cores: one at a time.
static ONE_BROWSER_AT_A_TIME: Mutex<()> = Mutex::new(());

pub(crate) fn exclusive() -> MutexGuard<'static, ()> {
    ONE_BROWSER_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// How long to wait for the browser to do one thing (load, submit).
pub(crate) const STEP: Duration = Duration::from_secs(15);

// ---- a tiny HTTP/1.1 request reader, shared by both servers ----------------------

/// One request as a server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one request (head and a `Content-Length` body). `Ok(None)` when the
/// peer closed or sent nothing (browsers open spare connections).
pub(crate) fn read_request(stream: &mut impl Read) -> io::Result<Option<Request>> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bad request line {line:?}"),
        ));
    };
    let (method, path) = (method.to_owned(), path.to_owned());
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "headers cut short",
            ));
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

pub(crate) fn write_response(
    stream: &mut impl Write,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// Accepts connections on `listener` until `stop`, one thread each.
pub(crate) fn serve(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
    handle: impl Fn(TcpStream) + Send + Sync + 'static,
) -> thread::JoinHandle<()> {
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let handle = Arc::new(handle);
    thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    let handle = Arc::clone(&handle);
                    thread::spawn(move || handle(stream));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(10))
                }
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
        }
    })
}

/// A server thread, stopped on drop.
pub(crate) struct Running {
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Running {
    /// Serves `listener` with `handle` until dropped.
    pub(crate) fn spawn(
        listener: TcpListener,
        handle: impl Fn(TcpStream) + Send + Sync + 'static,
    ) -> Running {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = serve(listener, Arc::clone(&stop), handle);
        Running {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub(crate) fn bind_loopback() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").expect("cannot bind a port on 127.0.0.1")
}

pub(crate) fn port_of(listener: &TcpListener) -> u16 {
    listener.local_addr().expect("a bound address").port()
}

// ---- the site, over plain HTTP --------------------------------------------------------

/// Serves a built `public/` folder: `/x/` → `x/index.html`, query strings ignored.
pub(crate) struct SiteServer {
    _running: Running,
}

impl SiteServer {
    pub(crate) fn start(listener: TcpListener, public: PathBuf) -> SiteServer {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = serve(listener, Arc::clone(&stop), move |mut stream| {
            let Ok(Some(req)) = read_request(&mut stream) else {
                return;
            };
            let path = req.path.split(['?', '#']).next().unwrap_or("/");
            let _ = match static_file(&public, path) {
                Some((bytes, mime)) if req.method == "GET" || req.method == "HEAD" => {
                    write_response(
                        &mut stream,
                        "200 OK",
                        &[("Content-Type", mime.to_owned())],
                        &bytes,
                    )
                }
                Some(_) => write_response(
                    &mut stream,
                    "405 Method Not Allowed",
                    &[],
                    b"method not allowed",
                ),
                None => write_response(
                    &mut stream,
                    "404 Not Found",
                    &[("Content-Type", "text/plain".into())],
                    b"not found",
                ),
            };
            let _ = stream.shutdown(Shutdown::Both);
        });
        SiteServer {
            _running: Running {
                stop,
                thread: Some(thread),
            },
        }
    }
}

pub(crate) fn static_file(public: &Path, path: &str) -> Option<(Vec<u8>, &'static str)> {
    if path
        .split('/')
        .any(|seg| seg == ".." || seg.contains('\\') || seg.contains('%'))
    {
        return None;
    }
    let mut rel = path.trim_start_matches('/').to_owned();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let file = public.join(&rel);
    let bytes = std::fs::read(&file).ok()?;
    let mime = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    };
    Some((bytes, mime))
}

// ---- the intake receiver, over HTTPS ---------------------------------------------------

/// An HTTPS endpoint on 127.0.0.1 with a fresh self-signed certificate. It
/// records every request and answers like a webhook would: a form POST with
/// `303 See Other` to the thanks page, a JSON POST with `200` and CORS
/// headers, a CORS preflight with `204`. A JSON answer waits `json_delay`,
/// so a test can see the form while it is sending.
pub struct Receiver {
    pub port: u16,
    received: Arc<Mutex<Vec<Request>>>,
    _running: Running,
}

impl Receiver {
    pub fn start(listener: TcpListener, thanks_url: String, json_delay: Duration) -> Receiver {
        let port = port_of(&listener);
        let config = Arc::new(tls_config());
        let received: Arc<Mutex<Vec<Request>>> = Arc::default();
        let log = Arc::clone(&received);
        let stop = Arc::new(AtomicBool::new(false));
        let thread = serve(listener, Arc::clone(&stop), move |tcp| {
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
            let origin = req.header("origin").unwrap_or("*").to_owned();
            let cors = vec![
                ("Access-Control-Allow-Origin", origin),
                ("Access-Control-Allow-Methods", "POST, OPTIONS".to_owned()),
                (
                    "Access-Control-Allow-Headers",
                    req.header("access-control-request-headers")
                        .unwrap_or("content-type, accept")
                        .to_owned(),
                ),
                ("Access-Control-Allow-Private-Network", "true".to_owned()),
                ("Vary", "Origin".to_owned()),
            ];
            let _ = match req.method.as_str() {
                "OPTIONS" => write_response(&mut tls, "204 No Content", &cors, b""),
                "POST" if req.content_type().starts_with("application/json") => {
                    thread::sleep(json_delay);
                    let mut headers = cors;
                    headers.push(("Content-Type", "application/json".to_owned()));
                    write_response(&mut tls, "200 OK", &headers, br#"{"ok":true}"#)
                }
                "POST" => write_response(
                    &mut tls,
                    "303 See Other",
                    &[("Location", thanks_url.clone())],
                    b"",
                ),
                _ => write_response(&mut tls, "404 Not Found", &[], b""),
            };
            tls.conn.send_close_notify();
            let _ = tls.flush();
            let _ = tls.sock.shutdown(Shutdown::Both);
        });
        Receiver {
            port,
            received,
            _running: Running {
                stop,
                thread: Some(thread),
            },
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn posts(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }

    /// Waits for the first POST; fails the test after `STEP`.
    pub fn wait_for_post(&self, what: &str) -> Request {
        let start = Instant::now();
        loop {
            if let Some(post) = self.posts().into_iter().next() {
                return post;
            }
            assert!(
                start.elapsed() < STEP,
                "{what}: nothing was posted to the receiver within {STEP:?} (requests: {:?})",
                self.requests()
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.path))
                    .collect::<Vec<_>>()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

pub(crate) fn tls_config() -> rustls::ServerConfig {
    let key = rcgen::KeyPair::generate().expect("a key pair");
    let params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("certificate parameters");
    let cert = params.self_signed(&key).expect("a self-signed certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        key.serialize_der(),
    ));
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .expect("a TLS server configuration")
}

// ---- Chromium over WebDriver ------------------------------------------------------------

/// The W3C WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn binary(var: &str, default: &str, package: &str) -> PathBuf {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.is_file(),
        "{} not found: the browser tests need it. Install the Debian package `{package}` \
         (`scripts/test` does), or set {var}",
        path.display()
    );
    path
}

/// A headless Chromium session driven by its own chromedriver; both end on drop.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    /// chromedriver's log and Chromium's fresh profile.
    tmp: tempfile::TempDir,
}

impl Browser {
    pub fn start(javascript: bool) -> Browser {
        Browser::start_with(javascript, &[])
    }

    /// [`Browser::start`] with more Chromium switches, e.g.
    /// `--host-resolver-rules` to send a third party's host to a local fake.
    pub fn start_with(javascript: bool, extra: &[String]) -> Browser {
        let chromium = binary("HANDOFF_CHROMIUM", "/usr/bin/chromium", "chromium");
        let chromedriver = binary(
            "HANDOFF_CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "chromium-driver",
        );
        let tmp = tempfile::Builder::new()
            .prefix("handoff-browser-")
            .tempdir()
            .expect("a temporary folder");
        let (driver, port) = start_driver(&chromedriver, tmp.path());
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            tmp,
        };
        let profile = browser.tmp.path().join("profile");
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-background-networking".to_owned(),
            "--ignore-certificate-errors".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--no-first-run".to_owned(),
            "--lang=en-US".to_owned(),
            // The theme scrolls smoothly unless people ask for less motion;
            // chromedriver clicks while a smooth scroll is still under way.
            "--force-prefers-reduced-motion".to_owned(),
            "--window-size=1280,1000".to_owned(),
            format!("--user-data-dir={}", profile.display()),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".to_owned());
        }
        args.extend_from_slice(extra);
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "timeouts": { "implicit": 0, "pageLoad": 15000, "script": 10000 },
                // The page's console, read back by `console_log`.
                "goog:loggingPrefs": { "browser": "ALL" },
                "goog:chromeOptions": {
                    "binary": chromium.to_string_lossy(),
                    "args": args,
                    "prefs": if javascript { json!({}) } else {
                        json!({ "profile.managed_default_content_settings.javascript": 2 })
                    },
                },
            }}
        });
        let created = browser.call("POST", "/session", Some(&capabilities));
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {created}\n{}", browser.log()))
            .to_owned();
        browser
    }

    /// chromedriver's log, for failure messages.
    fn log(&self) -> String {
        let text =
            std::fs::read_to_string(self.tmp.path().join("chromedriver.log")).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        format!(
            "--- chromedriver log (last lines)\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
    }

    /// One WebDriver command; fails the test on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        match webdriver_request(self.port, method, path, body) {
            Ok((200, value)) => value["value"].clone(),
            Ok((status, value)) => panic!(
                "WebDriver {method} {path} failed ({status}): {value}\n{}",
                self.log()
            ),
            Err(e) => panic!("WebDriver {method} {path}: {e}\n{}", self.log()),
        }
    }

    fn session_call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(&json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.session_call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(&json!({ "script": script, "args": args })),
        )
    }

    /// The element matching `css`, or `None`.
    pub fn try_find(&self, css: &str) -> Option<String> {
        let body = json!({ "using": "css selector", "value": css });
        match webdriver_request(
            self.port,
            "POST",
            &format!("/session/{}/elements", self.session),
            Some(&body),
        ) {
            Ok((200, v)) => v["value"].as_array()?.first()?[ELEMENT]
                .as_str()
                .map(str::to_owned),
            _ => None,
        }
    }

    pub fn find(&self, css: &str) -> String {
        self.try_find(css)
            .unwrap_or_else(|| panic!("no element matches {css:?} on {}", self.url()))
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.session_call(
            "POST",
            &format!("/element/{el}/value"),
            Some(&json!({ "text": text })),
        );
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        let path = format!("/session/{}/element/{el}/click", self.session);
        match webdriver_request(self.port, "POST", &path, Some(&json!({}))) {
            Ok((200, _)) => {}
            Ok((status, value)) => panic!(
                "cannot click {css:?} on {} ({status}): {value}\n{}",
                self.url(),
                self.log()
            ),
            Err(e) => panic!(
                "cannot click {css:?} on {}: {e}\n{}",
                self.url(),
                self.log()
            ),
        }
    }

    pub fn property(&self, css: &str, name: &str) -> Value {
        let el = self.find(css);
        self.session_call("GET", &format!("/element/{el}/property/{name}"), None)
    }

    pub fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.session_call("GET", &format!("/element/{el}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn displayed(&self, css: &str) -> bool {
        let el = self.find(css);
        self.session_call("GET", &format!("/element/{el}/displayed"), None)
            .as_bool()
            .unwrap_or(false)
    }

    /// A Chrome DevTools Protocol command through chromedriver (device
    /// emulation, full-page screenshots, printing to PDF).
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.session_call(
            "POST",
            "/goog/cdp/execute",
            Some(&json!({ "cmd": cmd, "params": params })),
        )
    }

    /// Lays pages out at `width` x `height` CSS pixels; `mobile` emulates a
    /// touch device (the viewport meta tag applies, scrollbars overlay).
    pub fn viewport(&self, width: u32, height: u32, mobile: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        );
        self.cdp(
            "Emulation.setTouchEmulationEnabled",
            json!({ "enabled": mobile }),
        );
    }

    /// `"print"` or `"screen"`: the media type CSS sees.
    pub fn media(&self, media: &str) {
        self.cdp("Emulation.setEmulatedMedia", json!({ "media": media }));
    }

    /// A PNG of the whole page, not only the viewport.
    pub fn full_page_png(&self) -> Vec<u8> {
        let size = self.execute(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight];",
            json!([]),
        );
        let (w, h) = (
            size[0].as_u64().unwrap_or(800),
            size[1].as_u64().unwrap_or(800),
        );
        let shot = self.cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": w, "height": h.min(16_000), "scale": 1 } }),
        );
        base64_decode(shot["data"].as_str().unwrap_or_default())
    }

    /// The current page printed to PDF on paper of `width` x `height`
    /// inches, with the page's own `@page` margins.
    pub fn print_pdf(&self, width: f64, height: f64) -> Vec<u8> {
        let pdf = self.cdp(
            "Page.printToPDF",
            json!({ "paperWidth": width, "paperHeight": height, "printBackground": false,
                    "preferCSSPageSize": false }),
        );
        base64_decode(pdf["data"].as_str().unwrap_or_default())
    }

    /// What the page wrote to its console since the last call, one entry
    /// per message (chromedriver's log of type `browser`).
    pub fn console_log(&self) -> Vec<String> {
        self.session_call("POST", "/se/log", Some(&json!({ "type": "browser" })))
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits until the address ends with `suffix` (query left out).
    pub fn wait_for_path(&self, suffix: &str) {
        let start = Instant::now();
        loop {
            let url = self.url();
            let path = url.split(['?', '#']).next().unwrap_or_default();
            if path.ends_with(suffix) && self.try_find("body").is_some() {
                return;
            }
            assert!(
                start.elapsed() < STEP,
                "the browser did not reach {suffix} within {STEP:?}; it is at {url}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Close the browser, then ask chromedriver to quit (it ends any
        // browser left), then make sure.
        if !self.session.is_empty() {
            let _ = webdriver_request(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = webdriver_request(self.port, "GET", "/shutdown", None);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            if let Ok(Some(_)) = self.driver.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        // chromedriver leads its own process group (see `start_driver`), which
        // Chromium's processes join: end whatever of the group is left (best
        // effort: `kill` comes with procps), then reap the driver.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts chromedriver on a free port and waits until it is ready.
fn start_driver(chromedriver: &Path, dir: &Path) -> (Child, u16) {
    use std::os::unix::process::CommandExt as _;
    let mut last = String::new();
    for _ in 0..3 {
        let port = port_of(&bind_loopback());
        let mut child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                dir.join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = child.try_wait() {
                last = format!("chromedriver exited with {status}");
                break;
            }
            if let Ok((200, v)) = webdriver_request(port, "GET", "/status", None)
                && v["value"]["ready"] == json!(true)
            {
                return (child, port);
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("chromedriver did not become ready: {last}");
}

/// One HTTP request to chromedriver: (status, JSON body). chromedriver
/// keeps connections open, so the body is read by its `Content-Length`.
fn webdriver_request(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if method == "POST" {
        request.push_str(&format!(
            "Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes())?;
    let bad = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("no HTTP status in {status_line:?}")))?;
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            return Err(bad("headers cut short".into()));
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let Some((k, v)) = h.split_once(':') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = v.trim().parse::<usize>().ok(),
            "transfer-encoding" => chunked = v.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut raw = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim(), 16)
                .map_err(|e| bad(format!("chunk size {size:?}: {e}")))?;
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk)?;
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        raw.resize(n, 0);
        reader.read_exact(&mut raw)?;
    } else {
        reader.read_to_end(&mut raw)?;
    }
    let value = if raw.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&raw)
            .map_err(|e| bad(format!("{e}: {}", String::from_utf8_lossy(&raw))))?
    };
    Ok((status, value))
}

// ---- the site under test ----------------------------------------------------------------

/// The forms/webhook-form fixture, rebuilt with `base_url` and `[intake]
/// endpoint` pointing at this machine, served, with a receiver listening.
struct Stage {
    /// `http://127.0.0.1:<site port>`.
    origin: String,
    site_port: u16,
    receiver: Receiver,
    _server: SiteServer,
    _site: SiteTest,
}

const SERVICE: &str = "cardiology";
const REFER_PATH: &str = "/services/cardiology/refer/";
/// The submit button (minified HTML drops the default `type="submit"`).
const SUBMIT: &str = "#referral-form button:not([type=button]):not([type=reset])";
const UTM: &str = "utm_source=newsletter&utm_medium=email&utm_campaign=spring";

impl Stage {
    fn new(encoding: &str) -> Stage {
        let site_listener = bind_loopback();
        let intake_listener = bind_loopback();
        let site_port = port_of(&site_listener);
        let origin = format!("http://127.0.0.1:{site_port}");
        let json_delay = Duration::from_millis(if encoding == "json" { 1500 } else { 0 });
        let receiver = Receiver::start(
            intake_listener,
            format!("{origin}/refer/thanks/"),
            json_delay,
        );
        let site = SiteTest::fixture("forms/webhook-form");
        let toml = site.read("site.toml");
        let base = toml
            .lines()
            .map(|l| {
                if l.starts_with("base_url") {
                    format!("base_url = \"{origin}\"")
                } else {
                    l.to_owned()
                }
            })
            .take_while(|l| l != "[intake]")
            .collect::<Vec<_>>()
            .join("\n");
        site.write(
            "site.toml",
            &format!(
                "{base}\n[intake]\nbackend = \"webhook\"\nendpoint = \"https://127.0.0.1:{}/submit\"\nencoding = \"{encoding}\"\nphi_ok = true\n",
                receiver.port
            ),
        );
        site.build(&[]).expect_success();
        let server = SiteServer::start(site_listener, site.public());
        Stage {
            origin,
            site_port,
            receiver,
            _server: server,
            _site: site,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

/// What the test types into the referral form, by field name.
const TYPED: [(&str, &str); 10] = [
    ("clinician_name", "Dr. Jordan Lee"),
    ("clinician_practice", "Oak Family Practice"),
    ("clinician_npi", "1234567893"),
    ("clinician_phone", "+1 555 010 0300"),
    ("clinician_fax", "+1 555 010 0301"),
    ("clinician_email", "j.lee@oak-family-practice.example"),
    ("patient_name", "Maria Gonzalez"),
    ("patient_phone", "+1 555 010 0400"),
    (
        "clinical_question",
        "Recurrent palpitations with a normal resting EKG: is an ambulatory monitor warranted?",
    ),
    // Typed as the en-US date control expects: month, day, year.
    ("patient_dob", "03151960"),
];

/// Radio and select choices the test makes, by field name.
const CHOSEN: [(&str, &str); 4] = [
    ("urgency", "priority"),
    ("referral_reason", "palpitations"),
    // The service is seen at two places: the office picks the second.
    ("location", "elm-street"),
    ("preferred_contact", "email"),
];

/// What the test types into a select to choose, by field name: the start
/// of the option's label.
const TYPED_CHOICE: [(&str, &str); 2] = [
    ("referral_reason", "Palpitations"),
    ("location", "Elm Street"),
];

/// The records control: required items come ticked. The test unticks one
/// (the echo report), ticks the optional Holter report, and says the rest
/// will follow.
const RECORDS_CLICKED: [(&str, &str); 3] = [
    ("records_enclosed", "echo-report"),
    ("records_enclosed", "holter-report"),
    ("records_later", "yes"),
];
/// What arrives: a group of tick boxes as its values joined by `,` here.
const RECORDS_SENT: [(&str, &str); 2] = [
    ("records_enclosed", "ekg,holter-report"),
    ("records_later", "yes"),
];

fn fill_referral(browser: &Browser, npi: &str) {
    fill_referral_leaving(browser, npi, &[]);
}

/// [`fill_referral`], leaving the choices named in `leave` as the page set them.
fn fill_referral_leaving(browser: &Browser, npi: &str, leave: &[&str]) {
    let form = "#referral-form";
    // The optional fields fold away under "More details".
    browser.click(&format!("{form} details.more-details > summary"));
    for (name, text) in TYPED {
        let text = if name == "clinician_npi" { npi } else { text };
        browser.type_into(&format!("{form} [name=\"{name}\"]"), text);
    }
    let dob = browser.property(&format!("{form} [name=\"patient_dob\"]"), "value");
    assert_eq!(
        dob,
        json!("1960-03-15"),
        "the date of birth was not typed in as expected"
    );
    for (name, value) in CHOSEN.into_iter().filter(|(n, _)| !leave.contains(n)) {
        if let Some((_, label)) = TYPED_CHOICE.iter().find(|(n, _)| *n == name) {
            // Typing picks an option by its label, as a keyboard user does;
            // clicking an <option> leaves the popup open in headless Chromium.
            browser.type_into(&format!("{form} select[name=\"{name}\"]"), label);
            let chosen = browser.property(&format!("{form} select[name=\"{name}\"]"), "value");
            assert_eq!(
                chosen,
                json!(value),
                "typing {label:?} chose another option"
            );
        } else {
            browser.click(&format!("{form} input[name=\"{name}\"][value=\"{value}\"]"));
        }
    }
    for (name, value) in RECORDS_CLICKED {
        browser.click(&format!("{form} input[name=\"{name}\"][value=\"{value}\"]"));
    }
}

/// Every field the referral form must send, with `page`, `service` and the
/// tracking fields as given.
fn expected_referral(utm: [&str; 3], referrer_host: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in TYPED {
        out.insert(name.into(), value.into());
    }
    out.insert("patient_dob".into(), "1960-03-15".into());
    for (name, value) in CHOSEN.iter().chain(&RECORDS_SENT) {
        out.insert((*name).into(), (*value).into());
    }
    out.insert("form".into(), "referral".into());
    out.insert("page".into(), REFER_PATH.into());
    out.insert("service".into(), SERVICE.into());
    out.insert("reason".into(), String::new());
    out.insert("website".into(), String::new());
    out.insert("utm_source".into(), utm[0].into());
    out.insert("utm_medium".into(), utm[1].into());
    out.insert("utm_campaign".into(), utm[2].into());
    out.insert("referrer_host".into(), referrer_host.into());
    out
}

/// A group of tick boxes: the one name a form may send more than once.
const MANY: &str = "records_enclosed";

/// A form-encoded body as name → value (a group's values joined by `,`);
/// any other name sent twice fails the test.
fn form_fields(body: &[u8]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        if let Some(before) = out.get_mut(k.as_ref()) {
            assert!(
                k == MANY,
                "the field `{k}` was sent twice: {}",
                String::from_utf8_lossy(body)
            );
            before.push(',');
            before.push_str(&v);
        } else {
            out.insert(k.to_string(), v.to_string());
        }
    }
    out
}

fn json_fields(body: &[u8]) -> BTreeMap<String, String> {
    let value: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "the body is not JSON ({e}): {}",
            String::from_utf8_lossy(body)
        )
    });
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("the body is not a JSON object: {value}"));
    object
        .iter()
        .map(|(k, v)| {
            let s = match v {
                Value::Array(items) if k == MANY => items
                    .iter()
                    .map(|i| i.as_str().unwrap_or_else(|| panic!("`{k}` holds {i}")))
                    .collect::<Vec<_>>()
                    .join(","),
                _ => v
                    .as_str()
                    .unwrap_or_else(|| panic!("`{k}` is not a string: {v}"))
                    .to_owned(),
            };
            (k.clone(), s)
        })
        .collect()
}

/// Compares field by field, listing every difference.
fn expect_fields(got: &BTreeMap<String, String>, want: &BTreeMap<String, String>, raw: &str) {
    let mut problems = Vec::new();
    for (k, v) in want {
        match got.get(k) {
            None => problems.push(format!("`{k}` missing (expected {v:?})")),
            Some(g) if g != v => problems.push(format!("`{k}` = {g:?}, expected {v:?}")),
            Some(_) => {}
        }
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        problems.push(format!("`{k}` = {:?} was not expected", got[k]));
    }
    assert!(
        problems.is_empty(),
        "the received body differs:\n  {}\n--- body\n{raw}",
        problems.join("\n  ")
    );
}

/// `referrer_host` is empty or a bare host: never a URL, path or query.
fn expect_bare_host(value: &str, allowed: &str) {
    assert!(
        value.is_empty() || value == allowed,
        "referrer_host = {value:?}: expected empty or the bare host {allowed:?}"
    );
    assert!(
        !value.contains('/') && !value.contains('?'),
        "referrer_host carries a URL: {value:?}"
    );
}

// ---- the tests ---------------------------------------------------------------------------

/// JavaScript on, `encoding = "form"`: the script fills the tracking fields,
/// the browser POSTs natively, the receiver's 303 lands on the thanks page.
#[test]
fn referral_with_javascript_posts_the_form_encoded_fields() {
    let _one = exclusive();
    let stage = Stage::new("form");
    let browser = Browser::start(true);
    // Arrive from another page of the site, whose address has a path and a
    // query: only its host may reach the payload.
    browser.goto(&stage.url("/privacy/?from=partner-newsletter"));
    let refer = stage.url(&format!("{REFER_PATH}?{UTM}"));
    browser.execute("window.location.assign(arguments[0]);", json!([refer]));
    browser.wait_for_path(REFER_PATH);
    browser.find("#referral-form");
    fill_referral(&browser, "1234567893");
    browser.click(SUBMIT);

    let post = stage.receiver.wait_for_post("referral, JavaScript on");
    browser.wait_for_path("/refer/thanks/");
    assert_eq!(post.path, "/submit");
    assert!(
        post.content_type()
            .starts_with("application/x-www-form-urlencoded"),
        "content type {:?}",
        post.content_type()
    );
    let got = form_fields(&post.body);
    // The privacy page's full address was the referrer: only its host is sent.
    let host = format!("127.0.0.1:{}", stage.site_port);
    expect_fields(
        &got,
        &expected_referral(["newsletter", "email", "spring"], &host),
        &post.body_text(),
    );
    assert_eq!(stage.receiver.posts().len(), 1, "one submit, one POST");
    assert!(
        browser.text("h1").to_lowercase().contains("thank"),
        "the thanks page: {}",
        browser.text("h1")
    );
}

/// On the service line's page at one location the location comes chosen:
/// an office that sends without touching it sends that location.
#[test]
fn referral_from_a_service_line_s_page_at_a_location_sends_that_location() {
    let _one = exclusive();
    let stage = Stage::new("form");
    let browser = Browser::start(true);
    let path = "/services/cardiology/elm-street/";
    browser.goto(&stage.url(path));
    browser.find("#referral-form");
    fill_referral_leaving(&browser, "1234567893", &["location"]);
    browser.click(SUBMIT);
    let post = stage
        .receiver
        .wait_for_post("referral from a page at a location");
    let mut want = expected_referral(["", "", ""], "");
    want.insert("page".into(), path.into());
    assert_eq!(want.get("location").map(String::as_str), Some("elm-street"));
    expect_fields(&form_fields(&post.body), &want, &post.body_text());
}

/// JavaScript off, `encoding = "form"`: the native POST alone sends every
/// field (tracking fields empty: only the script fills them).
#[test]
fn referral_without_javascript_posts_natively() {
    let _one = exclusive();
    let stage = Stage::new("form");
    let browser = Browser::start(false);
    browser.goto(&stage.url(&format!("{REFER_PATH}?{UTM}")));
    browser.find("#referral-form");
    fill_referral(&browser, "1234567893");
    browser.click(SUBMIT);

    let post = stage.receiver.wait_for_post("referral, JavaScript off");
    browser.wait_for_path("/refer/thanks/");
    assert!(
        post.content_type()
            .starts_with("application/x-www-form-urlencoded"),
        "content type {:?}",
        post.content_type()
    );
    let got = form_fields(&post.body);
    expect_fields(
        &got,
        &expected_referral(["", "", ""], ""),
        &post.body_text(),
    );
    assert!(
        stage
            .receiver
            .requests()
            .iter()
            .all(|r| r.method != "OPTIONS"),
        "a native POST needs no CORS preflight"
    );
}

/// JavaScript on, `encoding = "json"`: the script sends one JSON object by
/// `fetch` (after a CORS preflight) and then opens the thanks page.
#[test]
fn referral_with_json_encoding_sends_json() {
    let _one = exclusive();
    let stage = Stage::new("json");
    let browser = Browser::start(true);
    browser.goto(&stage.url(&format!("{REFER_PATH}?{UTM}")));
    browser.find("#referral-form");
    fill_referral(&browser, "1234567893");
    browser.click(SUBMIT);

    let post = stage.receiver.wait_for_post("referral, JSON");
    // The receiver holds its answer back: meanwhile the form says it is
    // sending, and its button cannot send twice.
    let sending = browser.execute(
        "var f = document.getElementById('referral-form'); \
         return f && [f.querySelector(arguments[0]).disabled, f.querySelector('.form-status').textContent];",
        json!([SUBMIT.trim_start_matches("#referral-form ")]),
    );
    assert_eq!(
        sending[0],
        json!(true),
        "the submit button stays enabled while sending: {sending}"
    );
    assert!(
        sending[1]
            .as_str()
            .is_some_and(|t| t.to_lowercase().contains("sending")),
        "the status line does not say it is sending: {sending}"
    );
    browser.wait_for_path("/refer/thanks/");
    assert!(
        post.content_type().starts_with("application/json"),
        "content type {:?}; body {}",
        post.content_type(),
        post.body_text()
    );
    let got = json_fields(&post.body);
    let referrer = got.get("referrer_host").cloned().unwrap_or_default();
    expect_bare_host(&referrer, &format!("127.0.0.1:{}", stage.site_port));
    expect_fields(
        &got,
        &expected_referral(["newsletter", "email", "spring"], &referrer),
        &post.body_text(),
    );
    assert!(
        post.header("cookie").is_none(),
        "the fetch must not send credentials"
    );
    assert_eq!(stage.receiver.posts().len(), 1, "one submit, one POST");
}

/// The updates sign-up of `/partners/` (issue #20), JSON by the script:
/// exactly the contact fields, the ticked service lines and the consent
/// arrive (nothing about a patient), and the browser lands on the
/// sign-up's own thanks page.
#[test]
fn updates_sign_up_sends_contact_fields_and_lands_on_its_thanks_page() {
    let _one = exclusive();
    let stage = Stage::new("json");
    let browser = Browser::start(true);
    browser.goto(&stage.url(&format!("/partners/?{UTM}")));
    let form = "#updates-form";
    browser.find(form);
    let typed = [
        ("name", "Jordan Lee"),
        ("practice", "Oak Family Practice"),
        ("role", "Practice manager"),
        ("email", "j.lee@oak-family-practice.example"),
    ];
    for (name, text) in typed {
        browser.type_into(&format!("{form} [name=\"{name}\"]"), text);
    }
    browser.click(&format!(
        "{form} input[name=\"specialties\"][value=\"{SERVICE}\"]"
    ));
    browser.click(&format!("{form} input[name=\"consent\"]"));
    browser.click(&format!(
        "{form} button:not([type=button]):not([type=reset])"
    ));

    let post = stage.receiver.wait_for_post("updates sign-up, JSON");
    browser.wait_for_path("/partners/thanks/");
    let got: Value = serde_json::from_slice(&post.body)
        .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {}", post.body_text()));
    let mut want = json!({
        "form": "updates",
        "page": "/partners/",
        "reason": "",
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "spring",
        "referrer_host": "",
        "website": "",
        "specialties": [SERVICE],
        "consent": "yes",
    });
    for (name, text) in typed {
        want[name] = json!(text);
    }
    assert_eq!(got, want, "what the sign-up sends");
    assert_eq!(stage.receiver.posts().len(), 1, "one submit, one POST");
    assert!(
        browser.text("h1").to_lowercase().contains("signed up"),
        "the sign-up's thanks page: {}",
        browser.text("h1")
    );
}

/// An NPI with a wrong check digit: the script shows the inline error on the
/// field, moves focus there and sends nothing.
#[test]
fn invalid_npi_shows_an_inline_error_and_sends_nothing() {
    let _one = exclusive();
    let stage = Stage::new("form");
    let browser = Browser::start(true);
    let refer = stage.url(&format!("{REFER_PATH}?{UTM}"));
    browser.goto(&refer);
    browser.find("#referral-form");
    // Ten digits (the pattern passes), wrong check digit.
    fill_referral(&browser, "1234567890");
    browser.click(SUBMIT);

    let start = Instant::now();
    let npi = "#referral-form [name=\"clinician_npi\"]";
    let attribute = |name: &str| {
        browser.execute(
            "var el = document.querySelector(arguments[0]); return el && el.getAttribute(arguments[1]);",
            json!([npi, name]),
        )
    };
    while attribute("aria-invalid") != json!("true") {
        assert!(
            start.elapsed() < STEP,
            "the NPI field was never marked aria-invalid"
        );
        thread::sleep(Duration::from_millis(50));
    }
    // The message box is tied to the field, by aria-errormessage or aria-describedby.
    let field_id = attribute("id").as_str().unwrap_or_default().to_owned();
    let error = format!("{field_id}-error");
    let tied = [
        attribute("aria-errormessage"),
        attribute("aria-describedby"),
    ]
    .iter()
    .any(|v| {
        v.as_str()
            .is_some_and(|ids| ids.split_whitespace().any(|id| id == error))
    });
    assert!(tied, "the NPI field does not point at its message #{error}");
    let message = browser.text(&format!("#{error}"));
    assert!(
        browser.displayed(&format!("#{error}")),
        "the error box is visible"
    );
    assert!(
        message.contains("NPI"),
        "the inline message names the NPI: {message:?}"
    );
    let focused = browser.execute(
        "return document.activeElement && document.activeElement.name;",
        json!([]),
    );
    assert_eq!(
        focused,
        json!("clinician_npi"),
        "focus moves to the first wrong field"
    );
    thread::sleep(Duration::from_millis(1500));
    assert!(
        stage.receiver.requests().is_empty(),
        "an invalid form reached the receiver: {:?}",
        stage.receiver.requests()
    );
    assert!(
        browser.url().contains(REFER_PATH),
        "the browser left the form: {}",
        browser.url()
    );
}

/// The honeypot is in the markup but no person sees it (SPEC §7.2: "hidden
/// from people and screen readers").
#[test]
fn honeypot_is_invisible() {
    let _one = exclusive();
    let stage = Stage::new("form");
    let browser = Browser::start(true);
    browser.goto(&stage.url(REFER_PATH));
    let trap = "#referral-form input[name=\"website\"]";
    browser.find(trap);
    assert!(
        !browser.displayed(trap),
        "the honeypot `website` is displayed on {REFER_PATH}: people would fill it in and their referral would be dropped as spam"
    );
}

/// Standard base64 (what the DevTools protocol sends screenshots and PDFs in).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
