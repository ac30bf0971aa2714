//! `handoff serve` (SPEC §11): build in memory, serve, watch, rebuild what
//! changed, live-reload the browser, and catch form posts locally.
//!
//! The server only reads an immutable snapshot of the site ([`Served`]),
//! swapped whole after each rebuild; the watcher thread owns the
//! [`session::Session`]. Files are served from memory, so no request can
//! reach outside the site. Only requests whose `Host` names the served
//! address are answered (DNS rebinding).

pub mod deps;
pub mod intake;
pub mod session;
pub mod watch;

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch as signal};

use crate::BuildOptions;
use crate::diag::{self, Diagnostics};
use crate::forms::FormKind;
use crate::render::RenderOptions;
use session::{Change, Failure, Files, Pending, Session};

/// What the person asked `serve` to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// `None`: site.toml's `[serve] port`.
    pub port: Option<u16>,
    pub open: bool,
    pub real_intake: bool,
    pub quiet: bool,
    pub color: bool,
}

/// Why `serve` stopped early.
#[derive(Debug)]
pub enum ServeError {
    /// The port could not be bound, or the root is unusable (exit 2).
    Usage(String),
    Io(anyhow::Error),
}

/// The site as served: swapped whole after each rebuild.
#[derive(Default)]
pub struct Served {
    files: Files,
    /// The findings of a failed rebuild, shown as an overlay.
    error: Option<String>,
    schemas: BTreeMap<&'static str, Arc<intake::Expected>>,
    /// `base_url`'s path (`/clinic`), under which the site is served; empty
    /// for a site at the root.
    prefix: String,
    /// Each service line's and trial's thanks page, by slug: where the
    /// sink lands a referral for the one, a question about the other.
    thanks: Arc<session::ThanksPages>,
    /// Pages an edit may touch that are still rendering: a request for one
    /// waits for the next snapshot rather than get the page before the edit.
    pending: Pending,
}

impl Served {
    /// The address a browser asks for to get the page at `path`.
    pub fn href(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }
}

/// Messages to every open page.
#[derive(Debug, Clone)]
pub enum Reload {
    Page,
    Css,
    Error(String),
    Ok,
    /// The server is stopping: end every event stream so Ctrl-C does not
    /// wait for open browser tabs.
    Shutdown,
}

struct App {
    served: RwLock<Arc<Served>>,
    /// Ticks after each swap of `served`: requests waiting on a pending
    /// page look again.
    swapped: signal::Sender<()>,
    /// The pages open in a browser (output paths), with how many event
    /// streams show each: an edit renders them first.
    open: Mutex<BTreeMap<String, usize>>,
    reload: broadcast::Sender<Reload>,
    intake: intake::Sink,
    hosts: Vec<String>,
    /// The body of a 421: the hosts served and how to serve others.
    refused: String,
    quiet: bool,
}

impl App {
    fn current(&self) -> Arc<Served> {
        self.served
            .read()
            .map_or_else(|p| Arc::clone(&p.into_inner()), |g| Arc::clone(&g))
    }

    fn swap(&self, next: Served) {
        match self.served.write() {
            Ok(mut g) => *g = Arc::new(next),
            Err(p) => *p.into_inner() = Arc::new(next),
        }
        self.swapped.send_replace(());
    }

    fn open_pages(&self) -> BTreeSet<String> {
        self.open_counts().keys().cloned().collect()
    }

    fn open_counts(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, usize>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Serves `next` and tells the open pages what `change` changed
    /// (`None`: a first build). The message sent, if any.
    fn tell(&self, next: Served, change: Option<&Change>) -> Option<Reload> {
        let was_error = self.current().error.is_some();
        self.swap(next);
        if was_error {
            let _ = self.reload.send(Reload::Ok);
        }
        let message = match change {
            Some(c) if c.files.is_empty() => None,
            Some(c) if c.css_only => Some(Reload::Css),
            _ => Some(Reload::Page),
        };
        let Some(message) = message else {
            if was_error {
                self.say("Fixed: the site builds again");
            }
            return None;
        };
        let _ = self.reload.send(message.clone());
        Some(message)
    }

    fn say(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }
}

/// What the terminal says while no build of the site has succeeded yet.
const NOTHING_SERVED: &str =
    "Nothing to serve until the site builds: fix the findings above and save";

const RELOAD_JS: &str = include_str!("reload.js");
const RELOAD_TAG: &str = "<script src=\"/_handoff/reload.js\" defer></script>";

fn snapshot(session: &Session) -> Served {
    let schemas = FormKind::ALL
        .iter()
        .filter_map(|k| session.schema(*k).map(|s| (k.as_str(), s)))
        .collect();
    Served {
        files: session.files().clone(),
        error: None,
        schemas,
        prefix: session.prefix().to_owned(),
        thanks: Arc::new(session.thanks_pages()),
        pending: Pending::Nothing,
    }
}

fn overlay_text(failure: &Failure) -> String {
    match failure {
        Failure::Findings(d) => {
            let mut d = d.clone();
            d.sort();
            let errors: Diagnostics = d.into_iter().filter(diag::Diagnostic::is_error).collect();
            diag::render_human(&errors, false)
        }
        Failure::Fatal(m) => format!("error: {}\n", diag::shown(m)),
    }
}

/// Runs until Ctrl-C.
pub fn run(mut opts: ServeOptions) -> Result<(), ServeError> {
    opts.build.root = site_root(&opts.build.root)?;
    let render = RenderOptions {
        preview: false,
        local_intake: !opts.real_intake,
    };
    let port = opts.port.unwrap_or_else(|| {
        crate::source::read_site_text(&opts.build.root, &opts.build.root.join(crate::config::FILE))
            .ok()
            .and_then(|t| crate::config::parse(&t).ok())
            .map_or(1111, |c| c.serve.port)
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Io(e.into()))?;
    // The port is taken before the build: a busy port fails at once, not
    // after a build the person then waits for in vain.
    let asked = SocketAddr::new(opts.bind, port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(asked))
        .map_err(|e| {
            ServeError::Usage(format!(
                "cannot listen on {asked}: {e}; is another server using the port? try `--port`"
            ))
        })?;
    // `--port 0` lets the system pick a free port; the addresses printed
    // and the `Host` values answered carry the port actually bound.
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError::Io(e.into()))?;
    let reach = Reach::of(opts.bind, addr.port(), &interface_addresses());

    let started = Instant::now();
    let (session, served) = match Session::start(opts.build.clone(), render) {
        Ok(s) => {
            if !s.warnings().is_empty() && !opts.quiet {
                eprint!("{}", diag::render_human(s.warnings(), opts.color));
            }
            if !opts.quiet {
                eprintln!(
                    "Built {} in {:.2} s",
                    crate::built_counts(s.pages(), s.files().len()),
                    started.elapsed().as_secs_f64()
                );
            }
            let served = snapshot(&s);
            (Some(s), served)
        }
        Err(f) => {
            let text = overlay_text(&f);
            eprint!("{text}");
            if !opts.quiet {
                eprintln!("{NOTHING_SERVED}");
            }
            let served = Served {
                error: Some(text),
                ..Served::default()
            };
            (None, served)
        }
    };

    let (reload, _) = broadcast::channel(64);
    let app = Arc::new(App {
        served: RwLock::new(Arc::new(served)),
        swapped: signal::channel(()).0,
        open: Mutex::default(),
        reload,
        intake: intake::Sink::new(&opts.build.root),
        refused: reach.refused_message(),
        hosts: reach.hosts,
        quiet: opts.quiet,
    });
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}, beyond this machine: the preview site and its intake sink are visible on the network",
            display_addr(addr)
        );
    }
    // Each address with `base_url`'s path, under which the site is served.
    let prefix = app.current().prefix.clone();
    let urls: Vec<String> = reach
        .urls
        .iter()
        .map(|u| format!("{}{prefix}/", u.trim_end_matches('/')))
        .collect();
    let url = urls.first().cloned().unwrap_or_default();
    app.say(&format!("Serving the site at {url} (Ctrl-C to stop)"));
    for other in urls.iter().skip(1) {
        app.say(&format!("  also at {other}"));
    }
    if !opts.real_intake {
        app.say("Forms post to the local intake sink: submissions go to .handoff/intake.jsonl, nowhere else");
    }

    let (watcher, changes) = watch::start(&opts.build.root, Duration::from_millis(30))
        .map_err(|e| ServeError::Io(e.into()))?;
    let rebuilder = Rebuilder {
        app: Arc::clone(&app),
        build: opts.build.clone(),
        render,
        color: opts.color,
        session,
    };
    std::thread::spawn(move || rebuilder.run(watcher, &changes));

    if opts.open {
        let _ = opener::open(&url);
    }
    serve_until_stopped(&runtime, listener, &app)?;
    app.say("Stopped.");
    Ok(())
}

/// The site's folder as an absolute path: watch events carry absolute
/// paths, compared with it.
fn site_root(root: &Path) -> Result<PathBuf, ServeError> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if !root.join(crate::config::FILE).is_file() {
        return Err(ServeError::Usage(format!(
            "`{}` has no site.toml; run handoff in a site's folder, pass `--root DIR`, or create a site with `handoff new DIR`",
            root.display()
        )));
    }
    Ok(root)
}

/// Answers requests until Ctrl-C, then ends every event stream.
fn serve_until_stopped(
    runtime: &tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    app: &Arc<App>,
) -> Result<(), ServeError> {
    let router = router(Arc::clone(app));
    let shutdown_app = Arc::clone(app);
    runtime
        .block_on(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = tokio::signal::ctrl_c().await;
                    let _ = shutdown_app.reload.send(Reload::Shutdown);
                })
                .await
        })
        .map_err(|e| ServeError::Io(e.into()))
}

/// The watcher thread: each batch of changed paths becomes a rebuild, the
/// served site swapped whole, and a message to every open page.
struct Rebuilder {
    app: Arc<App>,
    build: BuildOptions,
    render: RenderOptions,
    color: bool,
    /// The last good build; none until the site first builds.
    session: Option<Session>,
}

impl Rebuilder {
    fn run(mut self, mut watcher: watch::Watcher, changes: &mpsc::Receiver<Vec<PathBuf>>) {
        while let Ok(first) = changes.recv() {
            let paths = batch(first, changes);
            // A watched folder created while serving (`templates/`, say).
            for p in &paths {
                if p.is_dir() && p.parent() == Some(self.build.root.as_path()) {
                    let _ = watch::watch_folder(&mut watcher, p);
                }
            }
            let started = Instant::now();
            match self.rebuild(&paths, started) {
                Ok((change, early)) => self.built(change.as_ref(), early, started),
                Err(f) => self.failed(&f),
            }
        }
    }

    /// The change an edit made, or `None` for the first good build, and
    /// when the open pages were told ahead of the rest.
    fn rebuild(
        &mut self,
        paths: &[PathBuf],
        started: Instant,
    ) -> Result<(Option<Change>, Option<Duration>), Failure> {
        match &mut self.session {
            Some(s) => {
                let app = &self.app;
                let mut early = None;
                let change = s.apply_open_first(paths, &app.open_pages(), &mut |s, change| {
                    let mut interim = snapshot(s);
                    interim.pending = change.pending.clone();
                    // A page that showed the overlay reloads on `fixed`.
                    let was_error = app.current().error.is_some();
                    if app.tell(interim, Some(change)).is_some() || was_error {
                        early = Some(started.elapsed());
                    }
                })?;
                Ok((Some(change), early))
            }
            None => {
                self.session = Some(Session::start(self.build.clone(), self.render)?);
                Ok((None, None))
            }
        }
    }

    /// Serves the new build and tells the open pages (unless `early`
    /// already did) and the terminal.
    fn built(&self, change: Option<&Change>, early: Option<Duration>, started: Instant) {
        let Some(s) = &self.session else {
            return;
        };
        let app = &self.app;
        let told = match early {
            Some(_) => {
                app.swap(snapshot(s));
                change.filter(|c| !c.files.is_empty()).map(|_| Reload::Page)
            }
            None => app.tell(snapshot(s), change),
        };
        let Some(message) = told else {
            return;
        };
        let rendered = change.map_or(s.pages(), |c| c.rendered);
        let files = change.map_or(0, |c| c.files.len());
        app.say(&format!(
            "Rebuilt in {:.1} ms ({rendered} page{} rendered, {files} file{} changed){}{}",
            started.elapsed().as_secs_f64() * 1000.0,
            if rendered == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" },
            if matches!(message, Reload::Css) {
                ", styles swapped"
            } else {
                ""
            },
            early.map_or(String::new(), |t| format!(
                "; the open pages reloaded after {:.1} ms",
                t.as_secs_f64() * 1000.0
            )),
        ));
    }

    /// Keeps the last good site, with the findings as its overlay.
    fn failed(&self, f: &Failure) {
        let text = overlay_text(f);
        eprint!(
            "{}",
            if self.color {
                overlay_colored(f)
            } else {
                text.clone()
            }
        );
        let current = self.app.current();
        self.app.swap(Served {
            files: current.files.clone(),
            error: Some(text.clone()),
            schemas: current.schemas.clone(),
            prefix: current.prefix.clone(),
            thanks: Arc::clone(&current.thanks),
            pending: Pending::Nothing,
        });
        let _ = self.app.reload.send(Reload::Error(text));
        self.app.say(if current.files.is_empty() {
            NOTHING_SERVED
        } else {
            "Still serving the last good site: fix the findings above and save"
        });
    }
}

/// A batch of changed paths with every batch already waiting, sorted, once each.
fn batch(mut paths: Vec<PathBuf>, changes: &mpsc::Receiver<Vec<PathBuf>>) -> Vec<PathBuf> {
    while let Ok(more) = changes.try_recv() {
        paths.extend(more);
    }
    paths.sort();
    paths.dedup();
    paths
}

fn overlay_colored(f: &Failure) -> String {
    match f {
        Failure::Findings(d) => {
            let mut d = d.clone();
            d.sort();
            diag::render_human(&d, true)
        }
        Failure::Fatal(m) => format!("error: {}\n", diag::shown(m)),
    }
}

fn display_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

/// Where the server can be reached: the `Host` values it answers and the
/// addresses it prints, each with the bound port.
#[derive(Debug, PartialEq, Eq)]
pub struct Reach {
    /// Lower-case `host:port` values, sorted.
    pub hosts: Vec<String>,
    /// `http://…/` addresses to print, this machine's own first.
    pub urls: Vec<String>,
}

impl Reach {
    /// Bound to every address (`0.0.0.0`, `::`), the server answers each of
    /// the machine's `interfaces` of that family (`::` also takes IPv4 on
    /// the usual dual-stack systems); bound to one address, that address.
    /// The loopback names answer whenever a loopback address is served.
    /// Link-local IPv6 addresses are left out: a URL for them needs the
    /// interface's zone, which no browser takes in a `Host`.
    pub fn of(bind: IpAddr, port: u16, interfaces: &[IpAddr]) -> Reach {
        let mut ips: Vec<IpAddr> = if bind.is_unspecified() {
            interfaces
                .iter()
                .copied()
                .filter(|ip| bind.is_ipv6() || ip.is_ipv4())
                .filter(|ip| !is_link_local_v6(*ip))
                .chain([IpAddr::from([127, 0, 0, 1])])
                .collect()
        } else {
            vec![bind]
        };
        // Loopback first, then the rest in address order.
        ips.sort_by_key(|ip| (!ip.is_loopback(), *ip));
        ips.dedup();
        let at = |ip: &IpAddr| display_addr(SocketAddr::new(*ip, port));
        let loopback = ips.iter().any(IpAddr::is_loopback);
        // One loopback address is enough to print.
        let urls = ips
            .iter()
            .enumerate()
            .filter(|(i, ip)| *i == 0 || !ip.is_loopback())
            .map(|(_, ip)| format!("http://{}/", at(ip)))
            .collect();
        let mut hosts: Vec<String> = ips.iter().map(at).collect();
        if loopback {
            hosts.extend([
                format!("localhost:{port}"),
                format!("127.0.0.1:{port}"),
                format!("[::1]:{port}"),
            ]);
        }
        hosts.sort();
        hosts.dedup();
        Reach { hosts, urls }
    }

    /// What a request for another host is told: the hosts served, and the
    /// flag that serves more.
    pub fn refused_message(&self) -> String {
        format!(
            "handoff serve answers only requests for {}.\n\
             To open the preview from another device, restart it with `--bind 0.0.0.0` \
             (every address of this machine) and use an address it prints.\n",
            self.hosts.join(", ")
        )
    }
}

fn is_link_local_v6(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80)
}

/// The addresses of this machine's network interfaces; none if the
/// system will not say (the server then answers loopback only).
fn interface_addresses() -> Vec<IpAddr> {
    if_addrs::get_if_addrs()
        .map(|all| all.iter().map(if_addrs::Interface::ip).collect())
        .unwrap_or_default()
}

fn router(app: Arc<App>) -> Router {
    let site = Router::new()
        .route("/_handoff/reload.js", get(reload_js))
        .route("/_handoff/events", get(events))
        .route(
            "/_intake/{form}",
            post(intake::post).layer(DefaultBodyLimit::max(intake::MAX_BODY)),
        )
        .fallback(get(file))
        .with_state(Arc::clone(&app));
    // The prefix comes off before `site` routes the request: a layer on
    // `site` itself would run after its routing.
    Router::new()
        .fallback_service(site)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&app),
            under_prefix,
        ))
        .layer(middleware::from_fn_with_state(app, check_host))
}

/// A site whose `base_url` has a path is served under it, as its host
/// serves it (Hugo's server does the same), so the prefixed links of its
/// pages work: `/clinic/services/x/` is the page `services/x/`, and `/`
/// leads to `/clinic/`. `serve`'s own `/_handoff/` stays at the root.
async fn under_prefix(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let prefix = app.current().prefix.clone();
    let path = request.uri().path();
    if prefix.is_empty() || path.starts_with("/_handoff/") {
        return next.run(request).await;
    }
    match path.strip_prefix(prefix.as_str()) {
        Some(rest) if rest.starts_with('/') => {
            let rest = match request.uri().query() {
                Some(query) => format!("{rest}?{query}"),
                None => rest.to_owned(),
            };
            let mut parts = request.uri().clone().into_parts();
            parts.path_and_query = rest.parse().ok();
            match axum::http::Uri::from_parts(parts) {
                Ok(uri) => *request.uri_mut() = uri,
                Err(_) => return (StatusCode::BAD_REQUEST, "bad request path\n").into_response(),
            }
            next.run(request).await
        }
        Some("") => {
            let query = request.uri().query().map(|q| format!("?{q}"));
            Redirect::permanent(&format!("{prefix}/{}", query.unwrap_or_default())).into_response()
        }
        _ if path == "/" => Redirect::temporary(&format!("{prefix}/")).into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            format!("not found: this site is served under {prefix}/, the path of `base_url` in site.toml\n"),
        )
            .into_response(),
    }
}

/// DNS-rebinding guard: a page on another origin cannot reach this server
/// through a hostname it controls.
async fn check_host(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        next.run(request).await
    } else {
        (StatusCode::MISDIRECTED_REQUEST, app.refused.clone()).into_response()
    }
}

async fn reload_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        RELOAD_JS,
    )
        .into_response()
}

/// A page open in a browser, for as long as its event stream lasts.
struct OpenPage {
    app: Arc<App>,
    key: String,
}

impl OpenPage {
    /// The page that `/_handoff/events?page=PATH` names, if any.
    fn of(app: &Arc<App>, uri: &axum::http::Uri) -> Option<OpenPage> {
        let raw = uri
            .query()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("page="))?;
        // `location.pathname`, as the browser sends paths.
        let path = crate::escape::percent_decode(raw).strict()?;
        let prefix = app.current().prefix.clone();
        let key = request_key(path.strip_prefix(prefix.as_str()).unwrap_or(&path)).ok()?;
        *app.open_counts().entry(key.clone()).or_default() += 1;
        Some(OpenPage {
            app: Arc::clone(app),
            key,
        })
    }
}

impl Drop for OpenPage {
    fn drop(&mut self) {
        let mut open = self.app.open_counts();
        if let Some(n) = open.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

async fn events(
    State(app): State<Arc<App>>,
    uri: axum::http::Uri,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    let first = app.current().error.clone().map(Reload::Error);
    let rx = app.reload.subscribe();
    // Held by the stream: the page counts as open until it ends.
    let page = OpenPage::of(&app, &uri);
    let stream = stream::unfold((first, rx, page), |(pending, mut rx, page)| async move {
        let message = match pending {
            Some(m) => m,
            None => match rx.recv().await {
                Ok(m) => m,
                // Missed messages: a full reload catches up.
                Err(broadcast::error::RecvError::Lagged(_)) => Reload::Page,
                Err(broadcast::error::RecvError::Closed) => return None,
            },
        };
        let event = match message {
            Reload::Shutdown => return None,
            Reload::Page => Event::default().event("reload").data("page"),
            Reload::Css => Event::default().event("css").data("css"),
            Reload::Error(text) => Event::default().event("failed").data(text),
            Reload::Ok => Event::default().event("fixed").data("ok"),
        };
        Some((Ok(event), (None, rx, page)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Maps a request path to a file key, refusing anything that tries to
/// leave the site (`..`, encoded dots or slashes, backslashes, NUL).
pub fn request_key(raw_path: &str) -> Result<String, StatusCode> {
    if !raw_path.starts_with('/') {
        return Err(StatusCode::BAD_REQUEST);
    }
    let lower = raw_path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return Err(StatusCode::BAD_REQUEST);
    }
    let decoded = crate::escape::percent_decode(raw_path)
        .strict()
        .ok_or(StatusCode::BAD_REQUEST)?;
    if decoded.contains(['\\', '\0']) || decoded.split('/').any(|s| s == ".." || s == ".") {
        return Err(StatusCode::BAD_REQUEST);
    }
    let key = decoded.trim_start_matches('/');
    Ok(if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_owned()
    })
}

async fn file(State(app): State<Arc<App>>, uri: axum::http::Uri) -> Response {
    let key = match request_key(uri.path()) {
        Ok(k) => k,
        Err(status) => return (status, "bad request path\n").into_response(),
    };
    let served = current_for(&app, &key).await;
    if served.files.is_empty()
        && let Some(error) = &served.error
    {
        return error_page(error);
    }
    match served.files.get(&key) {
        Some(bytes) => respond(&key, bytes, StatusCode::OK),
        None if served.files.contains_key(&format!("{key}/index.html")) => {
            Redirect::permanent(&slash_redirect(&served.prefix, &uri)).into_response()
        }
        None => match served.files.get("404.html") {
            Some(bytes) => respond("404.html", bytes, StatusCode::NOT_FOUND),
            None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        },
    }
}

/// The served site once `key` is not waiting on an edit's rendering.
async fn current_for(app: &App, key: &str) -> Arc<Served> {
    let mut swapped = app.swapped.subscribe();
    loop {
        let served = app.current();
        if !served.pending.holds(key) || swapped.changed().await.is_err() {
            return served;
        }
    }
}

/// Where a folder's address without its trailing slash redirects: the
/// same path and query with the slash added. Leading slashes collapse into
/// one, so `//about` goes to `/about/`, never to `//about/`, which a
/// browser reads as the host `about` (an open redirect). `prefix`: where
/// the site is served (`under_prefix`).
fn slash_redirect(prefix: &str, uri: &axum::http::Uri) -> String {
    let path = uri.path().trim_start_matches('/');
    match uri.query() {
        Some(query) => format!("{prefix}/{path}/?{query}"),
        None => format!("{prefix}/{path}/"),
    }
}

fn respond(key: &str, bytes: &Arc<Vec<u8>>, status: StatusCode) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let mut headers = HeaderMap::new();
    let content_type = if mime.type_() == "text"
        || key.ends_with(".js")
        || key.ends_with(".json")
        || key.ends_with(".svg")
    {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    let body = if key.ends_with(".html") {
        Bytes::from(inject_reload(bytes))
    } else {
        Bytes::from(bytes.as_ref().clone())
    };
    (status, headers, Body::from(body)).into_response()
}

/// Adds the live-reload script to a page, only when serving.
fn inject_reload(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{RELOAD_TAG}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{RELOAD_TAG}").into_bytes(),
    }
}

fn error_page(error: &str) -> Response {
    let escaped = crate::escape::html(error);
    let html = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>handoff: the site does not build</title></head>\
         <body><h1>The site does not build yet</h1><p>Fix the findings below and save; this page reloads by itself.</p><pre>{escaped}</pre>{RELOAD_TAG}</body></html>"
    );
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_never_leave_the_site() {
        assert_eq!(request_key("/").unwrap(), "index.html");
        assert_eq!(
            request_key("/services/a/").unwrap(),
            "services/a/index.html"
        );
        assert_eq!(request_key("/css/site.1.css").unwrap(), "css/site.1.css");
        assert_eq!(request_key("/caf%C3%A9/").unwrap(), "café/index.html");
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/a%2f..%2fb",
            "/a\\..\\b",
            "/a/%5c",
            "/%00",
            "relative",
            "/%zz",
        ] {
            assert!(request_key(bad).is_err(), "{bad}");
        }
        // A doubled slash stays inside the site.
        assert_eq!(request_key("//etc/passwd").unwrap(), "etc/passwd");
    }

    fn app(served: Served) -> Arc<App> {
        Arc::new(App {
            served: RwLock::new(Arc::new(served)),
            swapped: signal::channel(()).0,
            open: Mutex::default(),
            reload: broadcast::channel(4).0,
            intake: intake::Sink::new(Path::new(".")),
            hosts: Vec::new(),
            refused: String::new(),
            quiet: true,
        })
    }

    #[tokio::test]
    async fn a_page_still_rendering_is_answered_from_the_next_snapshot() {
        // `b` is rendered, `a` and every other page are still rendering.
        let app = app(Served {
            pending: Pending::PagesBut(BTreeSet::from(["b/index.html".to_owned()])),
            ..Served::default()
        });
        // The rendered page and what pages load are answered at once.
        for ready in ["b/index.html", "css/site.css", "sitemap.xml"] {
            assert!(current_for(&app, ready).await.pending != Pending::Nothing);
        }
        let waiting = tokio::spawn({
            let app = Arc::clone(&app);
            async move { current_for(&app, "a/index.html").await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "answered while still rendering");
        app.swap(Served::default());
        let served = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("still waiting after the swap")
            .expect("the request task failed");
        assert_eq!(served.pending, Pending::Nothing);
    }

    #[test]
    fn an_event_stream_marks_its_page_open_while_it_lasts() {
        let app = app(Served {
            prefix: "/clinic".to_owned(),
            ..Served::default()
        });
        let uri = |q: &str| -> axum::http::Uri { format!("/_handoff/events{q}").parse().unwrap() };
        assert!(OpenPage::of(&app, &uri("")).is_none());
        let a = OpenPage::of(&app, &uri("?page=%2Fclinic%2Fservices%2Fa%2F"));
        let b = OpenPage::of(&app, &uri("?x=1&page=%2Fclinic%2Fservices%2Fa%2F"));
        assert!(a.is_some() && b.is_some());
        assert_eq!(
            app.open_pages(),
            BTreeSet::from(["services/a/index.html".to_owned()])
        );
        // A path that leaves the site names no page.
        assert!(OpenPage::of(&app, &uri("?page=%2F..%2Fetc%2F")).is_none());
        drop(a);
        assert_eq!(app.open_pages().len(), 1, "one tab still shows it");
        drop(b);
        assert!(app.open_pages().is_empty());
    }

    #[test]
    fn slash_redirects_stay_on_this_host_and_keep_the_query() {
        for (from, to) in [
            ("/about", "/about/"),
            ("//about", "/about/"),
            ("///about", "/about/"),
            ("//evil.example/x", "/evil.example/x/"),
            ("/about?utm_source=x", "/about/?utm_source=x"),
            ("//about?a=1&b=//c", "/about/?a=1&b=//c"),
        ] {
            let uri: axum::http::Uri = from.parse().unwrap();
            assert_eq!(slash_redirect("", &uri), to, "{from}");
            assert_eq!(slash_redirect("/clinic", &uri), format!("/clinic{to}"));
        }
    }

    #[test]
    fn hosts_are_the_served_address() {
        let lan: Vec<IpAddr> = ["127.0.0.1", "192.168.1.5", "::1", "fe80::1", "2001:db8::5"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let loopback = Reach::of("127.0.0.1".parse().unwrap(), 1111, &lan);
        assert_eq!(
            loopback.hosts,
            ["127.0.0.1:1111", "[::1]:1111", "localhost:1111"]
        );
        assert_eq!(loopback.urls, ["http://127.0.0.1:1111/"]);
        // One address: that address only.
        let one = Reach::of("192.168.1.5".parse().unwrap(), 8080, &lan);
        assert_eq!(one.hosts, ["192.168.1.5:8080"]);
        assert_eq!(one.urls, ["http://192.168.1.5:8080/"]);
        // Every IPv4 address: the interfaces' IPv4 addresses and loopback.
        let all = Reach::of("0.0.0.0".parse().unwrap(), 8080, &lan);
        assert_eq!(
            all.hosts,
            [
                "127.0.0.1:8080",
                "192.168.1.5:8080",
                "[::1]:8080",
                "localhost:8080"
            ]
        );
        assert_eq!(
            all.urls,
            ["http://127.0.0.1:8080/", "http://192.168.1.5:8080/"]
        );
        assert!(!all.hosts.iter().any(|h| h.starts_with("0.0.0.0")));
        // Every address, IPv6 too, but no link-local one.
        let v6 = Reach::of("::".parse().unwrap(), 8080, &lan);
        assert!(v6.hosts.contains(&"[2001:db8::5]:8080".to_owned()));
        assert!(v6.hosts.contains(&"192.168.1.5:8080".to_owned()));
        assert!(!v6.hosts.iter().any(|h| h.contains("fe80")));
        let refused = all.refused_message();
        assert!(
            refused.contains("192.168.1.5:8080, [::1]:8080"),
            "{refused}"
        );
        assert!(refused.contains("--bind 0.0.0.0"), "{refused}");
    }

    #[test]
    fn reload_script_goes_before_the_end_of_body() {
        let out = String::from_utf8(inject_reload(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.ends_with(&format!("{RELOAD_TAG}</body></html>")));
    }
}
