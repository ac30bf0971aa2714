//! The default theme (issue #8): what a practice sets in site.toml's
//! `[theme]` reaches the stylesheet, contrast problems are findings, the home
//! page stays under its weight budget, and every page kind of the example
//! site works in headless Chromium at a phone, a tablet and a desktop width:
//! no sideways scrolling, the two pathways and a phone number one tap away,
//! a visible focus ring, zero axe-core violations, and clean print (the
//! referral packet on one A4 or Letter page).
//!
//! Screenshots (full pages, `<kind>-<width>.png`) and the printed packets go
//! to `target/screenshots/` (or `$HANDOFF_SCREENSHOTS`), for a person or CI
//! to look at; they are never compared byte for byte.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use scraper::Html;
use serde_json::{Value, json};

use crate::browser::{Browser, SiteServer, bind_loopback, exclusive, port_of};
use crate::support::{Outcome, SiteTest, repo_root, sel};

/// SPEC §12: the home page over the wire, HTML + CSS + JS, uncompressed.
const HOME_BUDGET: usize = 30_000;

/// Phone, tablet, desktop: (name, width, height, touch device).
const WIDTHS: [(&str, u32, u32, bool); 3] = [
    ("phone", 360, 800, true),
    ("tablet", 768, 1024, true),
    ("desktop", 1280, 900, false),
];

/// The page kinds the example site must have (`<body class="kind-…">`).
const KINDS: [&str; 25] = [
    "home",
    "page",
    "service",
    "services",
    "referral",
    "referrals",
    "location",
    "locations",
    "physician",
    "physicians",
    "refer",
    "packet",
    "refer_hub",
    "appointment",
    "thanks",
    "refer_thanks",
    "not_found",
    "events",
    "event",
    "insurance",
    "partners",
    "trials",
    "trial",
    "trial_thanks",
    "service_location",
];

pub(crate) fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    files.sort();
    files
}

/// `public/x/index.html` → `/x/`; `public/404.html` → `/404.html`.
pub(crate) fn url_path(public: &Path, file: &Path) -> String {
    let rel = file
        .strip_prefix(public)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/");
    match rel.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{rel}"),
    }
}

/// The stylesheet a built page links (`/css/site.<hash>.css`), read from `public/`.
fn linked_css(site: &SiteTest, page: &str) -> String {
    let html = Html::parse_document(&site.read(page));
    let href = html
        .select(&sel("link[rel=stylesheet]"))
        .find_map(|l| l.value().attr("href"))
        .unwrap_or_else(|| panic!("{page} links no stylesheet"))
        .to_owned();
    site.read(&format!("public{href}"))
}

// ---- [theme] in site.toml ---------------------------------------------------------------

/// Brand colours, fonts and the header mark become the custom properties at
/// the top of the stylesheet, and the mark is drawn with its size.
#[test]
fn brand_settings_reach_the_stylesheet_and_header() {
    let site = SiteTest::fixture("theme/brand");
    site.build(&[]).expect_success().expect_no_findings();
    let css = linked_css(&site, "public/index.html");
    let root = css.split('}').next().unwrap_or_default();
    for expected in [
        "--brand:#5b2a86;",
        "--brand-text:#fff;",
        "--accent:#a01e14;",
        "--font:Charter,'Bitstream Charter',Georgia,serif;",
        "--font-heading:\"Avenir Next\",Avenir,system-ui,sans-serif;",
        "--site-url:\"https://www.lakeside-heart.example\"",
    ] {
        assert!(
            root.contains(expected),
            "the stylesheet's first rule lacks {expected}:\n{root}"
        );
    }
    assert!(root.starts_with(":root{"), "{root}");
    // The theme's own rules use the properties, never the default colours.
    assert!(
        css.contains("var(--brand)") && !css.contains("#0b5275"),
        "the stylesheet hard-codes the default brand"
    );
    let html = Html::parse_document(&site.read("public/index.html"));
    let logo = html
        .select(&sel("header .brand img"))
        .next()
        .unwrap_or_else(|| panic!("no logo in the header"));
    assert_eq!(logo.value().attr("src"), Some("/images/mark.svg"));
    assert_eq!(logo.value().attr("width"), Some("48"));
    assert_eq!(logo.value().attr("height"), Some("48"));
    // The organization's logo stays what search engines see.
    assert!(
        site.read("public/index.html")
            .contains("https://www.lakeside-heart.example/images/wordmark.svg"),
        "the JSON-LD logo changed"
    );
}

/// Without `[theme]`, the theme's theme.toml defaults apply, and a theme
/// author's change to them reaches the stylesheet.
#[test]
fn theme_toml_defaults_apply_when_the_site_sets_nothing() {
    let site = SiteTest::fixture("build/basic");
    site.build(&[]).expect_success();
    let css = linked_css(&site, "public/index.html");
    assert!(css.starts_with(":root{--brand:#0b5275;"), "{}", &css[..200]);
    let toml = site
        .read("themes/clinic/theme.toml")
        .replace("brand = \"#0b5275\"", "brand = \"#1b4d3e\"");
    site.write("themes/clinic/theme.toml", &toml);
    site.build(&[]).expect_success().expect_no_findings();
    let css = linked_css(&site, "public/index.html");
    assert!(css.starts_with(":root{--brand:#1b4d3e;"), "{}", &css[..200]);
}

fn json_findings(outcome: &Outcome) -> Vec<Value> {
    outcome
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A brand colour too light for links and button text: a warning (W040) at
/// the value in site.toml, naming every pair it fails and a shade that
/// passes. The build still succeeds; `--strict` fails it.
#[test]
fn low_contrast_brand_is_a_warning_at_its_key() {
    let site = SiteTest::fixture("theme/low_contrast");
    let built = site.build(&[]);
    built.expect_success();
    built
        .diagnostic("W040")
        .at_col("site.toml", 7, 9)
        .mentions("`brand = \"#f5c400\"`")
        .mentions("links on the page background 1.6")
        .mentions("button text on the brand colour")
        .mentions("WCAG 2.2 AA");
    assert_eq!(built.diagnostics().len(), 1, "{}", built.report());
    // The finding itself, without the build's summary line.
    let human: String = built
        .diagnostic("W040")
        .diag
        .text
        .lines()
        .take_while(|l| !l.starts_with("Built "))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("w040_human", human);

    site.build(&["--strict"]).expect_exit(1);

    let root = site.root().to_string_lossy().into_owned();
    let checked = site.run(&["--root", &root, "check", "--format", "json"]);
    checked.expect_exit(0);
    let findings = json_findings(&checked);
    assert_eq!(findings.len(), 1, "{}", checked.report());
    insta::assert_json_snapshot!("w040_json", findings[0]);
}

/// A colour, a font list and a logo that cannot be used: errors with hints,
/// all three in one run, and nothing built.
#[test]
fn invalid_theme_values_are_errors_with_hints() {
    let site = SiteTest::fixture("theme/invalid");
    let out = site.expect_failed_build();
    let found = out.diagnostics_with("E004");
    assert_eq!(found.len(), 3, "{}", out.report());
    found[0]
        .at_col("site.toml", 6, 9)
        .mentions("`#0b527` is not a CSS colour")
        .mentions("#0b5275");
    found[1]
        .at("site.toml", 7)
        .mentions("`font`")
        .mentions("no web fonts");
    found[2]
        .at("site.toml", 8)
        .mentions("`logo = \"images/logo.svg\"`")
        .mentions("/images/logo.svg");
}

#[test]
fn unknown_theme_key_gets_a_did_you_mean() {
    let site = SiteTest::fixture("theme/unknown_key");
    site.expect_failed_build()
        .diagnostic("E002")
        .at("site.toml", 6)
        .mentions("brand_color")
        .mentions("did you mean `brand`?");
}

// ---- weight and loading -----------------------------------------------------------------

/// The bytes a page costs: its HTML, the stylesheets and scripts it loads.
fn page_weight(public: &Path, page: &str) -> Vec<(String, usize)> {
    let file = public.join(page);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let html = Html::parse_document(&text);
    let mut parts = vec![(format!("/{page}"), text.len())];
    let links = sel(
        "link[rel~=stylesheet][href], link[rel~=preload][href], link[rel~=modulepreload][href]",
    );
    let scripts = sel("script[src]");
    let linked = html
        .select(&links)
        .filter_map(|l| l.value().attr("href"))
        .chain(html.select(&scripts).filter_map(|s| s.value().attr("src")));
    for href in linked {
        let path = public.join(href.trim_start_matches('/'));
        let size = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{page} loads {href}, which is not in the build: {e}"))
            .len();
        parts.push((href.to_owned(), usize::try_from(size).unwrap_or(usize::MAX)));
    }
    parts
}

/// SPEC §12: the home page under 30 KB over the wire (HTML + CSS + JS,
/// uncompressed).
#[test]
fn home_page_is_under_the_weight_budget() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let parts = page_weight(&site.public(), "index.html");
    let total: usize = parts.iter().map(|(_, n)| n).sum();
    let listing: Vec<String> = parts
        .iter()
        .map(|(f, n)| format!("  {n:>6} B  {f}"))
        .collect();
    eprintln!("home page weight: {total} bytes\n{}", listing.join("\n"));
    assert!(
        total < HOME_BUDGET,
        "the home page weighs {total} bytes, over the {HOME_BUDGET}-byte budget:\n{}",
        listing.join("\n")
    );
}

/// No web fonts, no render-blocking script, and every image with its size,
/// on every page of the example site.
#[test]
fn pages_load_no_fonts_no_blocking_scripts_and_size_their_images() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let public = site.public();
    let mut problems = Vec::new();
    for file in walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = file.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        let rel = url_path(&public, path);
        match ext {
            "css" => {
                let css = std::fs::read_to_string(path).unwrap_or_default();
                for bad in ["@font-face", "@import", ".woff", ".ttf", ".otf"] {
                    if css.contains(bad) {
                        problems.push(format!("{rel}: `{bad}` (no web fonts, no extra requests)"));
                    }
                }
            }
            "woff" | "woff2" | "ttf" | "otf" | "eot" => {
                problems.push(format!("{rel}: a font file in the build"));
            }
            _ => {}
        }
    }
    for file in html_files(&public) {
        let rel = url_path(&public, &file);
        let html = Html::parse_document(&std::fs::read_to_string(&file).unwrap_or_default());
        for script in html.select(&sel("script")) {
            let v = script.value();
            let blocking = match v.attr("src") {
                Some(_) => {
                    v.attr("defer").is_none()
                        && v.attr("async").is_none()
                        && v.attr("type") != Some("module")
                }
                None => v.attr("type") != Some("application/ld+json"),
            };
            if blocking {
                problems.push(format!(
                    "{rel}: a render-blocking or inline script: {}",
                    script.html().chars().take(120).collect::<String>()
                ));
            }
        }
        for link in html.select(&sel("link[href]")) {
            let href = link.value().attr("href").unwrap_or_default();
            if link.value().attr("as") == Some("font") || href.contains("fonts.") {
                problems.push(format!("{rel}: loads a web font: {}", link.html()));
            }
        }
        for img in html.select(&sel("img")) {
            if img.value().attr("width").is_none() || img.value().attr("height").is_none() {
                problems.push(format!(
                    "{rel}: an image without width and height: {}",
                    img.html()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- the example site in a browser ------------------------------------------------------

/// One page of each kind: (label, kind, path). Found from the built pages'
/// `<body class="kind-…">`, so a new kind is covered without editing this
/// list; both thanks pages, as their texts differ.
fn pages_by_kind(public: &Path) -> Vec<(String, String, String)> {
    let body = sel("body");
    let mut seen = BTreeMap::new();
    let mut thanks = Vec::new();
    for file in html_files(public) {
        let html = Html::parse_document(&std::fs::read_to_string(&file).unwrap_or_default());
        let Some(kind) = html.select(&body).next().and_then(|b| {
            b.value()
                .classes()
                .find_map(|c| c.strip_prefix("kind-"))
                .map(str::to_owned)
        }) else {
            continue;
        };
        let path = url_path(public, &file);
        if kind == "thanks" {
            let from = path
                .trim_matches('/')
                .split('/')
                .next()
                .unwrap_or("x")
                .to_owned();
            thanks.push((format!("thanks-{from}"), kind.clone(), path.clone()));
        }
        seen.entry(kind).or_insert(path);
    }
    let kinds: BTreeSet<&str> = seen.keys().map(String::as_str).collect();
    let missing: Vec<&&str> = KINDS.iter().filter(|k| !kinds.contains(**k)).collect();
    assert!(
        missing.is_empty(),
        "the example site has no page of kind {missing:?}"
    );
    let mut pages: Vec<(String, String, String)> = seen
        .into_iter()
        .filter(|(k, _)| k != "thanks")
        .map(|(k, p)| (k.clone(), k, p))
        .collect();
    pages.extend(thanks);
    pages
}

/// Where screenshots and printed PDFs go: `$HANDOFF_SCREENSHOTS`, else
/// `target/screenshots/`.
pub(crate) fn artifacts_dir() -> PathBuf {
    let dir = std::env::var_os("HANDOFF_SCREENSHOTS").map_or_else(
        || {
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .map_or_else(|| repo_root().join("target"), Path::to_path_buf)
                .join("screenshots")
        },
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// The example site, built and served over HTTP on 127.0.0.1.
struct Example {
    origin: String,
    pages: Vec<(String, String, String)>,
    _server: SiteServer,
    site: SiteTest,
}

impl Example {
    fn serve() -> Example {
        let site = SiteTest::example();
        site.build(&[]).expect_success();
        let listener = bind_loopback();
        let origin = format!("http://127.0.0.1:{}", port_of(&listener));
        let pages = pages_by_kind(&site.public());
        let server = SiteServer::start(listener, site.public());
        Example {
            origin,
            pages,
            _server: server,
            site,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

/// Measures what a person sees on the loaded page (see `layout_problems`).
const LAYOUT_PROBE: &str = r#"
const root = document.documentElement;
const box = (el) => {
  if (!el) return null;
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return { top: r.top, bottom: r.bottom, height: r.height,
           shown: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' };
};
const link = (text) => [...document.querySelectorAll('header a')].find(a => a.textContent.trim() === text);
const refer = link('Refer a patient');
let focus = null;
if (refer) {
  refer.focus();
  const s = getComputedStyle(refer);
  focus = { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  refer.blur();
}
const over = root.scrollWidth > root.clientWidth
  ? [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5)
      .slice(-5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''))
  : [];
return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, innerHeight: innerHeight,
         nav: box(document.querySelector('nav[aria-label=Primary]')),
         refer: box(refer), appointment: box(link('Request an appointment')),
         tel: box([...document.querySelectorAll('header a[href^="tel:"], .action-bar a[href^="tel:"]')]
                    .find(a => a.getClientRects().length > 0)), focus, over };
"#;

/// What is wrong with the layout `LAYOUT_PROBE` measured.
fn layout_problems(m: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let (sw, cw) = (
        m["scrollWidth"].as_f64().unwrap_or(0.0),
        m["clientWidth"].as_f64().unwrap_or(0.0),
    );
    if sw > cw {
        problems.push(format!(
            "scrolls sideways: {sw}px of content in {cw}px (widest: {})",
            m["over"]
        ));
    }
    if m["nav"]["shown"] != json!(true) {
        problems.push("the primary navigation is not visible".to_owned());
    }
    let screen = m["innerHeight"].as_f64().unwrap_or(0.0);
    for (key, what) in [
        ("refer", "\"Refer a patient\""),
        ("appointment", "\"Request an appointment\""),
        ("tel", "the tap-to-call phone number"),
    ] {
        let b = &m[key];
        if b["shown"] != json!(true) {
            problems.push(format!(
                "{what} is missing or hidden in the header and the action bar"
            ));
        } else if b["bottom"].as_f64().unwrap_or(f64::MAX) > screen {
            problems.push(format!(
                "{what} is below the first screen (bottom at {}px)",
                b["bottom"]
            ));
        } else if b["height"].as_f64().unwrap_or(0.0) < 44.0 {
            problems.push(format!(
                "{what} is a small tap target ({}px high, want 44)",
                b["height"]
            ));
        }
    }
    let focus = &m["focus"];
    if focus["style"] == json!("none") || focus["width"].as_f64().unwrap_or(0.0) < 2.0 {
        problems.push(format!(
            "no visible focus ring on \"Refer a patient\": {focus}"
        ));
    }
    problems
}

/// Every page kind at 360, 768 and 1280 px: a full-page screenshot, no
/// sideways scrolling, the navigation, both pathways and a tap-to-call
/// number (the header's, or the action bar's on a phone) on the first
/// screen, and a focus ring.
#[test]
fn every_page_kind_fits_a_phone_a_tablet_and_a_desktop() {
    let _one = exclusive();
    let example = Example::serve();
    let browser = Browser::start(true);
    let dir = artifacts_dir();
    let mut problems = Vec::new();
    for (name, width, height, touch) in WIDTHS {
        browser.viewport(width, height, touch);
        for (label, _, path) in &example.pages {
            browser.goto(&example.url(path));
            let measured = browser.execute(LAYOUT_PROBE, json!([]));
            for p in layout_problems(&measured) {
                problems.push(format!("{path} on a {name} ({width}px): {p}"));
            }
            let png = browser.full_page_png();
            assert!(
                png.starts_with(b"\x89PNG"),
                "{path}: the screenshot is not a PNG"
            );
            let file = dir.join(format!("{label}-{width}.png"));
            std::fs::write(&file, png)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
        }
    }
    eprintln!(
        "screenshots of {} pages x {} widths in {}",
        example.pages.len(),
        WIDTHS.len(),
        dir.display()
    );
    assert!(
        problems.is_empty(),
        "layout problems:\n  {}",
        problems.join("\n  ")
    );
}

/// axe-core (node_modules/axe-core, from package.json) injected into every
/// page kind at every width, all its default rules (WCAG 2.2 A and AA, and
/// best practices): zero violations.
#[test]
fn axe_finds_no_violations_on_any_page_kind() {
    let axe_path = repo_root().join("node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe_path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): run `npm ci` at the repository root (scripts/test does)",
            axe_path.display()
        )
    });
    let _one = exclusive();
    let example = Example::serve();
    let browser = Browser::start(true);
    let mut report = Vec::new();
    let mut counts = Vec::new();
    for (name, width, height, touch) in WIDTHS {
        browser.viewport(width, height, touch);
        for (label, _, path) in &example.pages {
            browser.goto(&example.url(path));
            browser.execute(&format!("{axe}\nreturn true;"), json!([]));
            let result = browser.execute(
                "return axe.run(document, { resultTypes: ['violations'] }).then(r => ({ \
                   version: axe.version, rules: r.passes.length + r.violations.length + r.incomplete.length, \
                   violations: r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, url: v.helpUrl, \
                     nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html.slice(0, 200), \
                       summary: n.failureSummary })) })) }));",
                json!([]),
            );
            let violations = result["violations"].as_array().cloned().unwrap_or_default();
            assert!(
                result["rules"].as_u64().unwrap_or(0) > 20,
                "axe did not run on {path}: {result}"
            );
            counts.push(format!("{label}@{width}:{}", violations.len()));
            for v in violations {
                let mut text = format!(
                    "{path} on a {name} ({width}px): [{}] {} ({}) {}",
                    v["impact"].as_str().unwrap_or("?"),
                    v["id"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or(""),
                    v["url"].as_str().unwrap_or("")
                );
                for n in v["nodes"].as_array().into_iter().flatten() {
                    text.push_str(&format!(
                        "\n      at {}\n         {}\n         {}",
                        n["target"].as_str().unwrap_or(""),
                        n["html"].as_str().unwrap_or(""),
                        n["summary"]
                            .as_str()
                            .unwrap_or("")
                            .replace('\n', "\n         ")
                    ));
                }
                report.push(text);
            }
        }
    }
    // axe itself works here: a page with known problems has violations, so
    // the zero above means something.
    example.site.write(
        "public/axe-canary/index.html",
        "<!doctype html><html><head><title>x</title></head><body>\
         <img src=/x.png><p style=\"color:#bbb;background:#fff\">faint</p></body></html>",
    );
    browser.goto(&example.url("/axe-canary/"));
    browser.execute(&format!("{axe}\nreturn true;"), json!([]));
    let canary = browser.execute(
        "return axe.run(document).then(r => r.violations.map(v => v.id));",
        json!([]),
    );
    for rule in ["image-alt", "color-contrast", "html-has-lang"] {
        assert!(
            canary
                .as_array()
                .is_some_and(|ids| ids.contains(&json!(rule))),
            "axe missed `{rule}` on a page made to fail it: {canary}"
        );
    }
    eprintln!("axe violations per page: {}", counts.join(" "));
    assert!(
        report.is_empty(),
        "axe-core found {} violation(s):\n  {}",
        report.len(),
        report.join("\n  ")
    );
}

/// How many pages a PDF has: the `/Count` of its page tree.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Pages")
        .filter_map(|(i, _)| {
            let dict = &text[i..];
            let dict = &dict[..dict.find(">>").unwrap_or(dict.len())];
            let count = dict.split("/Count").nth(1)?;
            count
                .trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .max()
        .unwrap_or(0)
}

/// The referral packet of every service line prints on one page, on A4 and
/// on Letter paper.
#[test]
fn referral_packet_prints_on_one_page() {
    let _one = exclusive();
    let example = Example::serve();
    let browser = Browser::start(true);
    let dir = artifacts_dir();
    let packets: Vec<String> = html_files(&example.site.public())
        .iter()
        .map(|f| url_path(&example.site.public(), f))
        .filter(|p| p.ends_with("/refer/packet/"))
        .collect();
    assert!(packets.len() >= 4, "packets: {packets:?}");
    let mut problems = Vec::new();
    for path in &packets {
        browser.goto(&example.url(path));
        for (paper, w, h) in [("a4", 8.27, 11.69), ("letter", 8.5, 11.0)] {
            let pdf = browser.print_pdf(w, h);
            assert!(pdf.starts_with(b"%PDF"), "{path}: not a PDF");
            let pages = pdf_pages(&pdf);
            let slug = path.trim_matches('/').replace('/', "-");
            let file = dir.join(format!("{slug}-{paper}.pdf"));
            std::fs::write(&file, &pdf)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
            if pages != 1 {
                problems.push(format!(
                    "{path} prints on {pages} {paper} pages (see {})",
                    file.display()
                ));
            }
        }
    }
    // The page counter works: a long referring section takes several pages.
    let refer = packets[0].trim_end_matches("packet/");
    browser.goto(&example.url(refer));
    let long = pdf_pages(&browser.print_pdf(8.27, 11.69));
    assert!(
        long > 1,
        "{refer} printed on {long} page(s): is the page count read right?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Printed, every page kind drops the navigation, forms, buttons and footer,
/// and a link in the text shows where it goes.
#[test]
fn pages_print_without_navigation_or_forms() {
    let _one = exclusive();
    let example = Example::serve();
    let browser = Browser::start(true);
    browser.media("print");
    let mut problems = Vec::new();
    for (_, _, path) in &example.pages {
        browser.goto(&example.url(path));
        let shown = browser.execute(
            "return [...document.querySelectorAll('nav, form, .btn, footer, .skip-link, .breadcrumbs')] \
               .filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0) \
               .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));",
            json!([]),
        );
        if shown.as_array().is_some_and(|a| !a.is_empty()) {
            problems.push(format!("{path} prints {shown}"));
        }
    }
    // A service page's text links print with the site's address.
    let service = example
        .pages
        .iter()
        .find(|(_, kind, _)| kind == "service")
        .map(|(_, _, p)| p.clone())
        .unwrap_or_default();
    browser.goto(&example.url(&service));
    let after = browser.execute(
        "const a = document.querySelector('.prose a[href^=\"/\"]'); \
         return a && [a.getAttribute('href'), getComputedStyle(a, '::after').content];",
        json!([]),
    );
    let href = after[0].as_str().unwrap_or_default();
    let shown = after[1].as_str().unwrap_or_default();
    if !shown.contains(&format!("https://www.riverbend-health.example{href}")) {
        problems.push(format!(
            "{service}: a text link prints as {shown:?}, not with its address"
        ));
    }
    browser.media("screen");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
