//! Phone first (issue #19): on a 390 × 844 phone every page kind of the
//! example site and of a fixture keeps a short header, a call button for the
//! page's own line within reach at every scroll position, the referral form
//! (or a link that jumps to it) near the top, nothing wider than the screen,
//! and a focused element never under the action bar; folded reference
//! material prints open. And a phone number a writer typed, in any common
//! format, is a `tel:` link when the site publishes it.
//!
//! Full-page screenshots (`phone-<label>.png`) go to `target/screenshots/`
//! (or `$HANDOFF_SCREENSHOTS`), for a person to look at.

use std::collections::BTreeMap;
use std::path::Path;

use scraper::Html;
use serde_json::{Value, json};

use crate::browser::{Browser, SiteServer, bind_loopback, exclusive, port_of};
use crate::support::{SiteTest, sel};
use crate::theme::{artifacts_dir, html_files, url_path};

/// The phone the issue measures on.
const PHONE: (u32, u32) = (390, 844);

/// At most about a sixth of the phone's screen.
const HEADER_MAX: f64 = 140.0;

/// Where the scroll tests look, as fractions of the page's scroll range.
const SCROLLS: [f64; 3] = [0.0, 0.5, 0.9];

/// A built site served on 127.0.0.1, with one page of each kind:
/// (label, path).
struct Served {
    origin: String,
    pages: Vec<(String, String)>,
    site: SiteTest,
    _server: SiteServer,
}

impl Served {
    fn new(site: SiteTest, name: &str) -> Served {
        site.build(&[]).expect_success();
        let public = site.public();
        let mut by_kind = BTreeMap::new();
        for file in html_files(&public) {
            let html = Html::parse_document(&std::fs::read_to_string(&file).unwrap_or_default());
            let Some(kind) = html.select(&sel("body")).next().and_then(|b| {
                b.value()
                    .classes()
                    .find_map(|c| c.strip_prefix("kind-"))
                    .map(str::to_owned)
            }) else {
                continue;
            };
            let path = url_path(&public, &file);
            // Thanks pages differ by form: one of each.
            let key = if kind == "thanks" {
                format!("thanks-{}", path.trim_matches('/').replace('/', "-"))
            } else {
                kind
            };
            by_kind.entry(format!("{name}-{key}")).or_insert(path);
        }
        let listener = bind_loopback();
        let origin = format!("http://127.0.0.1:{}", port_of(&listener));
        let server = SiteServer::start(listener, public);
        Served {
            origin,
            pages: by_kind.into_iter().collect(),
            site,
            _server: server,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The digits of the page's own line: the service line's referral line
    /// on a service's page, refer page and packet, and on a referral
    /// reason's page for clinicians; the main number elsewhere. Read from
    /// the sources, not from what handoff made of them.
    fn own_line(&self, path: &str) -> String {
        let read =
            |rel: &str| std::fs::read_to_string(self.site.root().join(rel)).unwrap_or_default();
        let value = |text: &str, key: &str| {
            text.lines()
                .find_map(|l| l.trim_start().strip_prefix(key))
                .map(|v| v.trim().trim_matches('"').to_owned())
        };
        let digits = |s: String| s.chars().filter(char::is_ascii_digit).collect::<String>();
        let main = value(&read("site.toml"), "phone = ").unwrap_or_default();
        let line_of = |service: &str| {
            value(&read(&format!("content/services/{service}.md")), "phone: ")
                .unwrap_or_else(|| main.clone())
        };
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let number = match parts[..] {
            ["services", s] | ["services", s, "refer"] | ["services", s, "refer", "packet"] => {
                line_of(s)
            }
            // A service line's page at a location: the line there, most
            // specific first (its `by_location` entry, the location's own
            // line, the service line's).
            ["services", s, place] => {
                let fm = |rel: &str| -> Value {
                    let text = read(rel);
                    let yaml = text.split("\n---").next().unwrap_or_default();
                    serde_yaml::from_str(yaml.trim_start_matches("---\n")).unwrap_or_default()
                };
                let service = fm(&format!("content/services/{s}.md"));
                let location = fm(&format!("content/locations/{place}.md"));
                let referring = &service["referring"];
                referring["by_location"][place]["phone"]
                    .as_str()
                    .or(location["referral_phone"].as_str())
                    .or(referring["phone"].as_str())
                    .map_or_else(|| main.clone(), str::to_owned)
            }
            ["referrals", r] => {
                let text = read(&format!("content/referrals/{r}.md"));
                match (value(&text, "service: "), value(&text, "audience: ")) {
                    (Some(s), audience) if audience.as_deref() != Some("patient") => line_of(&s),
                    _ => main.clone(),
                }
            }
            _ => main.clone(),
        };
        digits(number)
    }
}

/// Measures the loaded page; `arguments[0]` is the digits of its own line.
const PROBE: &str = r##"
const want = arguments[0], fractions = arguments[1];
const root = document.documentElement, H = innerHeight, W = innerWidth;
const header = document.querySelector('header');
const visibleTel = () => [...document.querySelectorAll('a[href^="tel:"]')].some(a => {
  if (a.getAttribute('href').replace(/\D/g, '') !== want) return false;
  const r = a.getBoundingClientRect();
  if (r.width === 0 || r.top < 0 || r.bottom > H || r.left < 0 || r.right > W) return false;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!hit && (hit === a || a.contains(hit));
});
const tel = fractions.map(f => {
  scrollTo(0, Math.round((root.scrollHeight - H) * f));
  return visibleTel();
});
scrollTo(0, 0);
const over = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > W + 0.5)
  .slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''));
let form = null;
const f = document.querySelector('form.intake-form');
if (f) {
  const jump = [...document.querySelectorAll('a[href^="#"]')].some(a => {
    const t = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
    if (!t || !(t === f || t.contains(f))) return false;
    const r = a.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= H;
  });
  form = { top: f.getBoundingClientRect().top, jump };
}
// Every control of the page, focused: never under the fixed action bar.
const bar = document.querySelector('.action-bar');
const fixed = bar && getComputedStyle(bar).position === 'fixed';
const covered = [];
if (fixed) {
  for (const el of document.querySelectorAll('main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary, footer a[href]')) {
    if (!el.getClientRects().length || el.closest('.hp')) continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const r = el.getBoundingClientRect(), top = bar.getBoundingClientRect().top;
    // A text area scrolls its caret into view, not its whole box: its first lines must show.
    const bottom = el.tagName === 'TEXTAREA' ? Math.min(r.bottom, r.top + 48) : r.bottom;
    if (bottom + 2 > top) covered.push(el.outerHTML.slice(0, 80));
  }
  if (document.activeElement) document.activeElement.blur();
  scrollTo(0, 0);
}
return { header: header ? header.getBoundingClientRect().height : -1, H,
         scrollWidth: root.scrollWidth, W, over, tel, form, covered: covered.slice(0, 3),
         coveredCount: covered.length };
"##;

/// What is wrong on one page, from `PROBE`'s measures.
fn problems(m: &Value, kind_refer: bool) -> Vec<String> {
    let mut out = Vec::new();
    let header = m["header"].as_f64().unwrap_or(-1.0);
    if !(0.0..=HEADER_MAX).contains(&header) {
        out.push(format!(
            "the header is {header}px high (at most {HEADER_MAX})"
        ));
    }
    if m["scrollWidth"].as_f64() > m["W"].as_f64() {
        out.push(format!(
            "scrolls sideways: {} px in {} (widest: {})",
            m["scrollWidth"], m["W"], m["over"]
        ));
    }
    for (ok, at) in m["tel"].as_array().into_iter().flatten().zip(SCROLLS) {
        if ok != &json!(true) {
            out.push(format!(
                "no visible tap-to-call link to the page's own line at {}% scroll",
                at * 100.0
            ));
        }
    }
    if kind_refer {
        let form = &m["form"];
        let two_screens = 2.0 * m["H"].as_f64().unwrap_or(0.0);
        if form.is_null() {
            out.push("the refer page has no form".to_owned());
        } else if form["jump"] != json!(true)
            && form["top"].as_f64().unwrap_or(f64::MAX) > two_screens
        {
            out.push(format!(
                "the form starts at {}px, below two screens, and no link on the first screen jumps to it",
                form["top"]
            ));
        }
    }
    if m["coveredCount"].as_u64().unwrap_or(0) > 0 {
        out.push(format!(
            "{} focused control(s) sit under the action bar, e.g. {}",
            m["coveredCount"], m["covered"]
        ));
    }
    out
}

/// Every page kind of the example site and of a fixture with forms, at 390
/// × 844: header height, the page's own line in view at 0, 50 and 90 %
/// scroll, the form near the top of refer pages, no sideways scrolling,
/// focus never under the bar; full-page screenshots kept.
#[test]
fn every_page_kind_is_phone_first() {
    let _one = exclusive();
    // A practice at three places, and the one service line's page there
    // whose line is its own (`referring.by_location`).
    let mut located = Served::new(SiteTest::fixture("locations"), "locations");
    located.pages.push((
        "locations-own-line".to_owned(),
        "/services/oncology/lakeside/".to_owned(),
    ));
    let sites = [
        Served::new(SiteTest::example(), "example"),
        Served::new(SiteTest::fixture("forms/webhook-form"), "fixture"),
        Served::new(SiteTest::fixture("trials"), "trials"),
        located,
    ];
    let browser = Browser::start(true);
    browser.viewport(PHONE.0, PHONE.1, true);
    let dir = artifacts_dir();
    let mut found = Vec::new();
    let mut refer_pages = 0;
    let mut headers = Vec::new();
    for served in &sites {
        for (label, path) in &served.pages {
            browser.goto(&served.url(path));
            let kind_refer = label.ends_with("-refer") || label.ends_with("-refer_hub");
            refer_pages += usize::from(kind_refer);
            let measured = browser.execute(PROBE, json!([served.own_line(path), SCROLLS]));
            headers.push(measured["header"].as_f64().unwrap_or(-1.0));
            for p in problems(&measured, kind_refer) {
                found.push(format!("{path} ({label}): {p}"));
            }
            let png = browser.full_page_png();
            assert!(png.starts_with(b"\x89PNG"), "{path}: not a PNG");
            let file = dir.join(format!("phone-{label}.png"));
            std::fs::write(&file, png)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
        }
    }
    assert!(refer_pages >= 4, "refer pages measured: {refer_pages}");
    let tallest = headers.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "phone screenshots in {}; the tallest header: {tallest}px",
        dir.display()
    );
    assert!(
        found.is_empty(),
        "phone-first problems:\n  {}",
        found.join("\n  ")
    );
}

/// On a wide screen the same call and form buttons sit beside the text,
/// not in a bar over it; printed, folded checklist details and questions
/// are open and the action bar is gone.
#[test]
fn actions_sit_beside_the_text_on_a_wide_screen_and_details_print_open() {
    let _one = exclusive();
    let served = Served::new(SiteTest::example(), "example");
    let browser = Browser::start(true);
    browser.viewport(1280, 900, false);
    let refer = served
        .pages
        .iter()
        .find(|(l, _)| l.ends_with("-refer"))
        .map(|(_, p)| p.clone())
        .unwrap_or_default();
    browser.goto(&served.url(&refer));
    let wide = browser.execute(
        "const bar = document.querySelector('.action-bar'), main = document.querySelector('main'); \
         const b = bar.getBoundingClientRect(), m = main.getBoundingClientRect(); \
         scrollTo(0, 3000); const after = bar.getBoundingClientRect(); scrollTo(0, 0); \
         return { beside: b.left >= m.right - 1 && b.top < innerHeight, \
                  position: getComputedStyle(bar).position, stays: after.top >= 0 && after.bottom <= innerHeight, \
                  tel: !!bar.querySelector('a[href^=\"tel:\"]'), form: !!bar.querySelector('a[href=\"#referral-form\"]') };",
        json!([]),
    );
    assert_eq!(
        wide,
        json!({ "beside": true, "position": "sticky", "stays": true, "tel": true, "form": true }),
        "{refer} at 1280px"
    );
    // The reason with questions, and the refer page with its checklist.
    let faq = served
        .site
        .read("public/referrals/heart-failure-after-discharge/index.html");
    assert!(faq.contains("<details"), "the questions are not folded");
    browser.media("print");
    let mut closed = Vec::new();
    for path in [refer.as_str(), "/referrals/heart-failure-after-discharge/"] {
        browser.goto(&served.url(path));
        let hidden = browser.execute(
            "const n = document.querySelectorAll('main details:not(form details)').length; \
             const hidden = [...document.querySelectorAll('main details:not(form details) > :not(summary)')] \
               .filter(e => e.getClientRects().length === 0 || e.getBoundingClientRect().height === 0).length; \
             const bar = document.querySelector('.action-bar'); \
             return [n, hidden, bar ? getComputedStyle(bar).display : 'none'];",
            json!([]),
        );
        if hidden[0].as_u64().unwrap_or(0) == 0 {
            closed.push(format!("{path}: nothing is folded in <details>"));
        }
        if hidden[1] != json!(0) || hidden[2] != json!("none") {
            closed.push(format!(
                "{path} prints {} folded part(s) closed; the action bar prints as {}",
                hidden[1], hidden[2]
            ));
        }
    }
    browser.media("screen");
    assert!(closed.is_empty(), "{}", closed.join("\n"));
}

// ---- tap-to-call numbers in text -------------------------------------------------------

/// The `href`s of the `tel:` links inside `scope` on a built page.
fn tel_links(public: &Path, page: &str, scope: &str) -> Vec<(String, String)> {
    let html = Html::parse_document(
        &std::fs::read_to_string(public.join(page)).unwrap_or_else(|e| panic!("{page}: {e}")),
    );
    let links = sel(&format!("{scope} a[href^=\"tel:\"]"));
    html.select(&links)
        .map(|a| {
            (
                a.value().attr("href").unwrap_or_default().to_owned(),
                a.text().collect(),
            )
        })
        .collect()
}

/// A number a writer typed in a body, a referring field, a checklist
/// detail or an answer, in any common format, is a `tel:` link showing its
/// display form when the site publishes it (organization, location,
/// referral line); other numbers, and numbers in code, links and
/// headings, stay text.
#[test]
fn typed_phone_numbers_the_site_publishes_are_tel_links() {
    let site = SiteTest::example();
    site.write(
        "content/call-us.md",
        "---\ntitle: Call us\ndescription: Our numbers.\n---\n\
         ## Front desk 555-010-0200\n\n\
         Main line (555) 010-0100, heart failure 555.010.0180, downtown +1 555 010 0200.\n\n\
         Not ours: 555-010-0999. Our fax: 555-010-0199. `555-010-0100` [555-010-0100](/about/)\n",
    );
    let checklist = site.read("content/checklists/heart-failure.yaml").replacen(
        "detail: ",
        "detail: Questions? 555-010-0180. ",
        1,
    );
    site.write("content/checklists/heart-failure.yaml", &checklist);
    site.build(&[]).expect_success();
    let public = site.public();
    assert_eq!(
        tel_links(&public, "call-us/index.html", "main .prose"),
        [
            ("tel:+15550100100", "(555) 010-0100"),
            ("tel:+15550100180", "(555) 010-0180"),
            ("tel:+15550100200", "(555) 010-0200"),
        ]
        .map(|(h, t)| (h.to_owned(), t.to_owned()))
    );
    // A referring field (the urgent text), escaped and linked, not double-escaped.
    let refer = site.read("public/services/heart-failure/refer/index.html");
    assert!(!refer.contains("&lt;a"), "the urgent text is escaped twice");
    let urgent = tel_links(
        &public,
        "services/heart-failure/refer/index.html",
        ".callout-urgent",
    );
    assert!(
        urgent.contains(&("tel:+15550100180".to_owned(), "(555) 010-0180".to_owned())),
        "{urgent:?}"
    );
    // A checklist detail.
    let details = tel_links(
        &public,
        "services/heart-failure/refer/index.html",
        ".checklist-detail",
    );
    assert!(
        details.contains(&("tel:+15550100180".to_owned(), "(555) 010-0180".to_owned())),
        "{details:?}"
    );
    // A body of the example site.
    let reason = tel_links(
        &public,
        "referrals/heart-failure-after-discharge/index.html",
        ".prose",
    );
    assert!(
        reason.contains(&("tel:+15550100180".to_owned(), "(555) 010-0180".to_owned())),
        "{reason:?}"
    );
}
