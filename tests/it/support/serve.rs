//! A running `handoff serve` for the tests of SPEC §11: the real binary on a
//! port the system picks (`--port 0`, the real one read from the line the
//! server prints), spoken to over plain HTTP/1.1 on a `TcpStream` (raw
//! request lines, so no client normalises `..` or `%2e%2e` before the server
//! sees them), and its live-reload stream read as text.
//!
//! Every server is a [`Server`] guard that kills the process on drop; every
//! wait is bounded and waits for a signal (a line on stderr, an answer, an
//! event), so a hang fails a test instead of stalling the suite, and a slow
//! machine does not fail one.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Shutdown, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::SiteTest;

/// How long a server may take to build the site and answer its first request.
pub const START_LIMIT: Duration = Duration::from_secs(20);
/// How long the tests wait for an edit to reach the browser before they call
/// it lost: a hang guard, not a speed target (SPEC §11's latency is measured
/// by `bench/serve-latency.py`). Generous because a CI machine runs many
/// tests at once, and a deliberately slow rebuild can be followed by another.
pub const EVENT_LIMIT: Duration = Duration::from_secs(20);

/// What `serve` prints once it listens (src/serve/mod.rs), before the address.
const SERVING: &str = "Serving the site at http://";

/// A running `handoff serve`, killed on drop.
pub struct Server {
    child: Child,
    /// The port the server bound (the system picked it).
    pub port: u16,
    command: String,
    stderr: Arc<Mutex<String>>,
    /// Reads stderr until the process closes it.
    reader: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts `handoff --root <root> serve --port 0 <extra…>` and returns once
    /// it answers. The server binds, starts its watcher, and only then serves
    /// (src/serve/mod.rs), so the first answer also means that every edit
    /// from now on is seen.
    pub fn start(site: &SiteTest, extra: &[&str]) -> Server {
        let mut server = Server::spawn(site, 0, extra);
        let start = Instant::now();
        server.port = loop {
            if let Some(port) = server.announced_port() {
                break port;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                server.join_reader();
                panic!(
                    "`{}` exited early ({status})\n{}",
                    server.command,
                    server.context()
                );
            }
            assert!(
                start.elapsed() < START_LIMIT,
                "`{}` did not print where it serves within {START_LIMIT:?}\n{}",
                server.command,
                server.context()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        // Connections wait in the listen queue until the server accepts them:
        // one request is enough, retried only if the connection fails.
        loop {
            match server.try_get("/") {
                Ok(resp) if resp.status != 0 => break,
                _ => {}
            }
            assert!(
                start.elapsed() < START_LIMIT,
                "`{}` did not answer within {START_LIMIT:?}\n{}",
                server.command,
                server.context()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// Starts `handoff serve --port <port>` without waiting for anything
    /// (for a port that is taken, say).
    pub fn spawn(site: &SiteTest, port: u16, extra: &[&str]) -> Server {
        let port_text = port.to_string();
        let root = site.root().to_string_lossy().into_owned();
        let mut args: Vec<&str> = vec!["--root", &root, "serve", "--port", &port_text];
        args.extend_from_slice(extra);
        let command = format!("handoff {}", args.join(" "));
        let mut child = Command::new(env!("CARGO_BIN_EXE_handoff"))
            .args(&args)
            .current_dir(site.work_dir())
            .env("SOURCE_DATE_EPOCH", super::TEST_EPOCH)
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{command}`: {e}"));
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&stderr);
        let reader = std::thread::spawn(move || {
            let mut reader = BufReader::new(pipe);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Server {
            child,
            port,
            command,
            stderr,
            reader: Some(reader),
        }
    }

    /// The port in `Serving the site at http://127.0.0.1:PORT/`, once printed.
    fn announced_port(&self) -> Option<u16> {
        let stderr = self.stderr();
        let rest = &stderr[stderr.find(SERVING)? + SERVING.len()..];
        let address = rest.split('/').next()?;
        address.rsplit(':').next()?.parse().ok()
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// What a failure message shows (R11): the command and stderr so far.
    pub fn context(&self) -> String {
        format!("command: {}\n--- stderr\n{}", self.command, self.stderr())
    }

    /// Waits (bounded) until stderr contains `needle`: the server prints
    /// after it sends the event or the answer, and the pipe is read on
    /// another thread.
    pub fn wait_stderr(&self, needle: &str) -> bool {
        let start = Instant::now();
        while start.elapsed() < EVENT_LIMIT {
            if self.stderr().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// How many rebuilds the server has reported (`Rebuilt in …` lines).
    pub fn rebuilt_lines(&self) -> usize {
        self.stderr()
            .lines()
            .filter(|l| l.starts_with("Rebuilt"))
            .count()
    }

    pub fn raw(&self, request: &[u8]) -> std::io::Result<Resp> {
        raw_request(self.port, request)
    }

    pub fn try_get(&self, path: &str) -> std::io::Result<Resp> {
        self.raw(
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.host()
            )
            .as_bytes(),
        )
    }

    pub fn get(&self, path: &str) -> Resp {
        self.try_get(path)
            .unwrap_or_else(|e| panic!("GET {path} failed: {e}\n{}", self.context()))
    }

    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Resp {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.host(),
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        self.raw(&req)
            .unwrap_or_else(|e| panic!("POST {path} failed: {e}\n{}", self.context()))
    }

    /// Polls `path` until `pred` holds (the reload event can race the GET
    /// by nothing, but a bounded retry keeps the test honest and not flaky).
    pub fn get_until(&self, path: &str, what: &str, pred: impl Fn(&Resp) -> bool) -> Resp {
        let start = Instant::now();
        loop {
            let resp = self.get(path);
            if pred(&resp) {
                return resp;
            }
            assert!(
                start.elapsed() < EVENT_LIMIT,
                "GET {path}: expected {what}, got {} after {EVENT_LIMIT:?}\n--- body (first 600 bytes)\n{}\n{}",
                resp.status,
                resp.body.chars().take(600).collect::<String>(),
                self.context()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A live-reload stream, subscribed when this returns.
    pub fn events(&self) -> Events {
        Events::open(self.port, &self.host(), None)
    }

    /// The event stream of a browser showing `page`, as the injected
    /// reload script opens it.
    pub fn events_on(&self, page: &str) -> Events {
        Events::open(self.port, &self.host(), Some(page))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to exit, at most `limit`, then for the rest of
    /// its stderr.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.join_reader();
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Waits until the stderr pipe is read to its end (the process exited).
    fn join_reader(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response, as bytes read off the socket.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub head: String,
    /// The body as sent (de-chunked), byte for byte.
    pub bytes: Vec<u8>,
    /// The body as text (lossy), for searching.
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

pub fn raw_request(port: u16, request: &[u8]) -> std::io::Result<Resp> {
    raw_request_at(IpAddr::from([127, 0, 0, 1]), port, request)
}

/// [`raw_request`] to another address of this machine.
pub fn raw_request_at(ip: IpAddr, port: u16, request: &[u8]) -> std::io::Result<Resp> {
    let mut stream = TcpStream::connect((ip, port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    // The server may answer (413) and close before the body is all sent.
    let _ = stream.write_all(request);
    let mut bytes = Vec::new();
    let read = stream.read_to_end(&mut bytes);
    if bytes.is_empty() {
        read?;
        return Err(std::io::Error::other("empty response"));
    }
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut body = bytes.get(split + 4..).unwrap_or_default().to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head.lines().skip(1).any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("transfer-encoding")
                && v.trim().eq_ignore_ascii_case("chunked")
        })
    });
    if chunked {
        body = dechunk(&body);
    }
    Ok(Resp {
        status,
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body,
    })
}

fn dechunk(mut s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = s.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&s[..eol]);
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        let rest = &s[eol + 2..];
        if n == 0 || rest.len() < n {
            out.extend_from_slice(&rest[..n.min(rest.len())]);
            break;
        }
        out.extend_from_slice(&rest[..n]);
        s = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: String,
}

/// A live `/_handoff/events` stream, read on its own thread.
pub struct Events {
    rx: mpsc::Receiver<Event>,
    /// Every event received so far, for failure messages.
    pub seen: Vec<Event>,
    stream: TcpStream,
}

impl Events {
    /// Opens the stream and returns once its headers arrived: from then on
    /// the server has subscribed this listener, so no later event is missed.
    pub fn open(port: u16, host: &str, page: Option<&str>) -> Events {
        let mut stream =
            TcpStream::connect(("127.0.0.1", port)).expect("cannot connect for /_handoff/events");
        let query = page.map_or(String::new(), |p| {
            format!("?page={}", p.replace('/', "%2F"))
        });
        write!(
            stream,
            "GET /_handoff/events{query} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // Headers first: once they arrive the handler has subscribed.
        let mut head = String::new();
        loop {
            let mut line = String::new();
            let n = reader
                .read_line(&mut line)
                .expect("no answer on /_handoff/events");
            assert!(n > 0, "/_handoff/events closed before its headers: {head}");
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        assert!(
            head.starts_with("HTTP/1.1 200"),
            "/_handoff/events answered {head}"
        );
        assert!(
            head.to_ascii_lowercase().contains("text/event-stream"),
            "/_handoff/events is not an event stream: {head}"
        );
        let chunked = head.to_ascii_lowercase().contains("chunked");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = reader.get_ref().set_read_timeout(None);
            let mut pending = String::new();
            loop {
                let piece = if chunked {
                    let mut size = String::new();
                    if reader.read_line(&mut size).unwrap_or(0) == 0 {
                        return;
                    }
                    let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
                        continue;
                    };
                    if n == 0 {
                        return;
                    }
                    let mut buf = vec![0; n + 2];
                    if reader.read_exact(&mut buf).is_err() {
                        return;
                    }
                    buf.truncate(n);
                    String::from_utf8_lossy(&buf).into_owned()
                } else {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    line
                };
                pending.push_str(&piece.replace("\r\n", "\n"));
                while let Some(end) = pending.find("\n\n") {
                    let block: String = pending[..end].to_owned();
                    pending.drain(..end + 2);
                    let mut name = String::from("message");
                    let mut data: Vec<&str> = Vec::new();
                    let mut any = false;
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            name = v.trim_start().to_owned();
                            any = true;
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push(v.strip_prefix(' ').unwrap_or(v));
                            any = true;
                        }
                    }
                    if any
                        && tx
                            .send(Event {
                                name,
                                data: data.join("\n"),
                            })
                            .is_err()
                    {
                        return;
                    }
                }
            }
        });
        Events {
            rx,
            seen: Vec::new(),
            stream,
        }
    }

    /// The next event named `name` within `limit`; other events are kept in
    /// `seen`. `None` on timeout.
    pub fn next_named(&mut self, name: &str, limit: Duration) -> Option<Event> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(e) => {
                    self.seen.push(e.clone());
                    if e.name == name {
                        return Some(e);
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// The next event named `name`, failing the test after [`EVENT_LIMIT`].
    pub fn expect(&mut self, name: &str, server: &Server, after: &str) -> Event {
        self.next_named(name, EVENT_LIMIT).unwrap_or_else(|| {
            panic!(
                "no `event: {name}` within {EVENT_LIMIT:?} after {after}; events seen: {:?}\n{}",
                self.seen,
                server.context()
            )
        })
    }

    /// Every event that arrives within `limit`.
    pub fn collect_for(&mut self, limit: Duration) -> Vec<Event> {
        let deadline = Instant::now() + limit;
        let mut out = Vec::new();
        while let Ok(e) = self
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.seen.push(e.clone());
            out.push(e);
        }
        out
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}
