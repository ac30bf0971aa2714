//! Local fakes of the intake backends (issue #18, "Contract tests"): one small
//! HTTPS server per backend on 127.0.0.1, each applying that backend's
//! DOCUMENTED acceptance rules (cited in each module) to what a browser
//! posts, and keeping what the real service would keep.
//!
//! ```text
//!   browser ──POST──► Fake ──► Rules::answer(request) ──► (reply, kept?)
//!                       │                                   │
//!                       └── every request logged            └── kept submissions
//! ```
//!
//! A fake is the contract the built site must meet, written from the
//! backend's documentation and never from handoff's own lists (a copy of the
//! code under test would prove nothing). The build points a backend at its
//! fake with `endpoint = "https://127.0.0.1:<port>/…"` (webhook, Salesforce)
//! or the debug-only `HANDOFF_TEST_INTAKE_ORIGIN` (HubSpot, Formspree);
//! Netlify posts to the site itself, so its fake is the site server.
//!
//! - `hubspot`, `salesforce`, `netlify`, `formspree`: the fakes, each with
//!   direct tests of its rules over [`client`]; `webhook`: the practice's own
//!   endpoint as the README's webhook contract describes it;
//! - `round_trip`: the real built forms filled in and submitted from
//!   headless Chromium, and the setup sheet (`handoff intake`) compared
//!   with what the browser sent.

pub(crate) mod formspree;
pub(crate) mod hubspot;
pub(crate) mod netlify;
mod round_trip;
pub(crate) mod salesforce;
pub(crate) mod webhook;

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{Shutdown, TcpListener};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::browser::{Request, Running, STEP, bind_loopback, port_of, read_request, tls_config};

/// What a backend kept of one submission.
#[derive(Clone, Debug)]
pub(crate) struct Kept {
    /// Which form of the account took it (HubSpot form GUID, Formspree form
    /// id, Netlify form name, Salesforce org id).
    pub form: String,
    /// The name/value pairs the service stores, in the order sent.
    pub fields: Vec<(String, String)>,
    /// Everything else the service records (HubSpot's `context` and
    /// `legalConsentOptions`, Formspree's subject and reply-to, the names
    /// Salesforce or Netlify dropped).
    pub extra: Value,
}

impl Kept {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `name` holds `value` (a name kept more than once, a group
    /// of tick boxes, holds each of its values).
    pub fn holds(&self, name: &str, value: &str) -> bool {
        self.fields.iter().any(|(k, v)| k == name && v == value)
    }
}

/// A JSON object's members as name/value pairs: a string as it is, an
/// array of strings (a group of tick boxes) as one pair per item, anything
/// else as its JSON text.
pub(crate) fn json_pairs(object: serde_json::Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in object {
        match v {
            Value::String(s) => out.push((k, s)),
            Value::Array(items) if items.iter().all(Value::is_string) => {
                for item in items {
                    out.push((k.clone(), item.as_str().unwrap_or_default().to_owned()));
                }
            }
            other => out.push((k, other.to_string())),
        }
    }
    out
}

/// A fake's answer to one request.
pub(crate) struct Reply {
    pub status: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn new(status: &'static str) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: &'static str, body: &Value) -> Reply {
        Reply::new(status)
            .header("Content-Type", "application/json;charset=utf-8")
            .body(body.to_string().into_bytes())
    }

    pub fn redirect(status: &'static str, to: &str) -> Reply {
        Reply::new(status).header("Location", to)
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: Vec<u8>) -> Reply {
        self.body = body;
        self
    }

    /// The headers a cross-origin `fetch` from the page needs to read the
    /// answer (and, on a preflight, to send at all).
    pub fn cors(self, req: &Request) -> Reply {
        let origin = req.header("origin").unwrap_or("*").to_owned();
        let headers = req
            .header("access-control-request-headers")
            .unwrap_or("content-type, accept")
            .to_owned();
        self.header("Access-Control-Allow-Origin", origin)
            .header("Access-Control-Allow-Methods", "POST, OPTIONS")
            .header("Access-Control-Allow-Headers", headers)
            .header("Access-Control-Allow-Private-Network", "true")
            .header("Vary", "Origin")
    }
}

/// One backend's acceptance rules.
pub(crate) trait Rules: Send + Sync + 'static {
    /// The answer to `req`, and what the service keeps of it (`None`: it
    /// refused or silently dropped the submission).
    fn answer(&self, req: &Request) -> (Reply, Option<Kept>);
}

#[derive(Default)]
struct Log {
    requests: Vec<Request>,
    kept: Vec<Kept>,
}

/// A running fake: an HTTPS server on 127.0.0.1 applying `Rules`.
pub(crate) struct Fake {
    pub port: u16,
    log: Arc<Mutex<Log>>,
    _running: Running,
}

impl Fake {
    /// Starts `rules` on a fresh port.
    pub fn start(rules: impl Rules) -> Fake {
        Fake::start_on(bind_loopback(), rules)
    }

    /// Starts `rules` on `listener` (bound earlier when the site must know
    /// the port before it is built).
    pub fn start_on(listener: TcpListener, rules: impl Rules) -> Fake {
        let port = port_of(&listener);
        let config = Arc::new(tls_config());
        let log: Arc<Mutex<Log>> = Arc::default();
        let shared = Arc::clone(&log);
        let running = Running::spawn(listener, move |tcp| {
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                return;
            };
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let Ok(Some(req)) = read_request(&mut tls) else {
                return;
            };
            let (reply, kept) = rules.answer(&req);
            {
                let mut log = shared.lock().unwrap_or_else(PoisonError::into_inner);
                log.requests.push(req);
                log.kept.extend(kept);
            }
            let _ =
                crate::browser::write_response(&mut tls, reply.status, &reply.headers, &reply.body);
            tls.conn.send_close_notify();
            let _ = tls.flush();
            let _ = tls.sock.shutdown(Shutdown::Both);
        });
        Fake {
            port,
            log,
            _running: running,
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .requests
            .clone()
    }

    pub fn posts(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }

    pub fn kept(&self) -> Vec<Kept> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .kept
            .clone()
    }

    /// Waits for the `n`-th POST (1-based); fails the test after `STEP`.
    pub fn wait_for_posts(&self, n: usize, what: &str) -> Request {
        let start = Instant::now();
        loop {
            if let Some(post) = self.posts().into_iter().nth(n - 1) {
                return post;
            }
            assert!(
                start.elapsed() < STEP,
                "{what}: nothing was posted to the fake within {STEP:?} (requests: {:?})",
                self.requests()
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.path))
                    .collect::<Vec<_>>()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A form-encoded body as ordered pairs.
pub(crate) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of `name` in a request's query string.
pub(crate) fn query_value(path: &str, name: &str) -> Option<String> {
    let (_, query) = path.split_once('?')?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A correlation id in HubSpot's shape (a UUID); unique enough for a test.
pub(crate) fn correlation_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let hex = format!("{nanos:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `{"error": …}`-style answers are JSON; a parse failure is a test failure.
pub(crate) fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// A tiny HTTPS client for the fakes' own tests: one request per connection,
/// the fake's self-signed certificate accepted.
pub(crate) mod client {
    use super::*;
    use std::io::Read;
    use std::net::TcpStream;

    pub(crate) struct Answer {
        pub status: u16,
        /// Header names lower-cased.
        pub headers: BTreeMap<String, String>,
        pub body: Vec<u8>,
    }

    impl Answer {
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers.get(name).map(String::as_str)
        }

        pub fn json(&self) -> Value {
            json_of(&self.body)
        }

        pub fn text(&self) -> String {
            String::from_utf8_lossy(&self.body).into_owned()
        }
    }

    pub(crate) fn request(
        port: u16,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("a server name");
        let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("a TLS client");
        let tcp = TcpStream::connect(("127.0.0.1", port)).expect("the fake is listening");
        tcp.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a read timeout");
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        tls.write_all(head.as_bytes()).expect("the request is sent");
        tls.write_all(body).expect("the body is sent");
        tls.flush().expect("the request is flushed");
        let mut raw = Vec::new();
        // The fake closes the connection after its answer; a missing
        // close_notify is not an error here.
        let _ = tls.read_to_end(&mut raw);
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no answer head: {}", String::from_utf8_lossy(&raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Answer {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        }
    }

    pub(crate) fn post_form(port: u16, path: &str, pairs: &[(&str, &str)]) -> Answer {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        request(
            port,
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
    }

    pub(crate) fn post_json(port: u16, path: &str, accept_json: bool, body: &Value) -> Answer {
        let mut headers = vec![("Content-Type", "application/json")];
        if accept_json {
            headers.push(("Accept", "application/json"));
        }
        request(port, "POST", path, &headers, body.to_string().as_bytes())
    }

    /// Accepts the fake's fresh self-signed certificate; signatures are
    /// still checked.
    #[derive(Debug)]
    struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

    impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
        fn verify_server_cert(
            &self,
            _end_entity: &rustls::pki_types::CertificateDer<'_>,
            _intermediates: &[rustls::pki_types::CertificateDer<'_>],
            _server_name: &rustls::pki_types::ServerName<'_>,
            _ocsp_response: &[u8],
            _now: rustls::pki_types::UnixTime,
        ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
}
