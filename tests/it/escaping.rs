//! The escaping matrix (issue #9, SPEC §8 "JSON is embedded safely"): every
//! user-controlled field the default theme renders holds hostile text, and
//! every place it comes out is checked as a browser reads it (parsed with
//! `scraper`, an HTML5 parser) and as bytes (no hostile tag left unescaped).
//!
//! The fixture `tests/fixtures/escaping/matrix` gives plain-text field `n`
//! the value [`plain`]`(n)`:
//!
//! ```text
//! Fnn "><script>alert(n)</script> </script><script>alert(n)</script> <!-- {{ n+1 }}
//! {% raw %}{{ site.title }}{% endraw %} 'sqn' "dqn" \u{202e}RTLn\u{202c} 🩺\u{200d} nul\0n ls\u{2028}n endn
//! ```
//!
//! and inline-Markdown field `n` (checklist detail, FAQ answer, a page body)
//! [`markdown`]`(n)`, whose hostile part sits in a code span: raw HTML in
//! Markdown is allowed by design (SPEC §4, writers are trusted staff), so
//! what must hold there is that the code span stays text and `{{ }}` is
//! never evaluated. URL fields carry `"><script>alert(n)</script>` in a
//! query string.
//!
//! Per context:
//! - HTML text and attribute values: wherever `end n` appears, the whole
//!   value appears with it, as typed (so nothing broke out and nothing was
//!   evaluated); NUL is compared loosely, as HTML parsers drop or replace it;
//! - JSON-LD: one block per page, valid JSON, no `<`, `>`, `&` (so no
//!   `</script` and no `<!--`), and its strings read back as typed;
//! - the parsed DOM: no `<script>` but the JSON-LD block and the theme's
//!   form and print scripts, no `on*` attribute anywhere;
//! - the forms' JSON Schemas: valid JSON, the labels read back as typed.

use std::collections::{BTreeMap, BTreeSet};

use scraper::{ElementRef, Html, Node};
use serde_json::Value;

use crate::support::{SiteTest, sel, snapshot_of_dir};

/// The plain-text value of field `n` (as `tests/fixtures/escaping/matrix` has it).
fn plain(n: u32) -> String {
    format!(
        "F{n:02} \"><script>alert({n})</script> </script><script>alert({n})</script> <!-- {{{{ {n}+1 }}}} {{% raw %}}{{{{ site.title }}}}{{% endraw %}} 'sq{n}' \"dq{n}\" \u{202e}RTL{n}\u{202c} 🩺\u{200d} nul\0{n} ls\u{2028}{n} end{n}"
    )
}

/// The inline-Markdown value of field `n`, as text once rendered.
fn markdown(n: u32) -> String {
    format!(
        "M{n:02} </script><script>alert({n})</script><!-- {{{{ {n}+1 }}}} {{% raw %}}x{n}{{% endraw %}} \u{202e}RTL{n}\u{202c} 🩺 end{n}"
    )
}

/// The hostile part of a Markdown field, which must stay inside `<code>`.
fn markdown_code(n: u32) -> String {
    format!("</script><script>alert({n})</script><!--")
}

/// Where a value shows up on a built page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ctx {
    /// Text in `<body>`.
    Text,
    /// The text of `<title>` (RCDATA).
    Title,
    /// An attribute value.
    Attr,
    /// A string in the JSON-LD block.
    JsonLd,
}

/// Plain-text fields: (n, what it is, the contexts it must show up in
/// somewhere on the site). Every context found is checked; this table makes
/// sure each field is found at all.
const PLAIN: &[(u32, &str, &[Ctx])] = &[
    (1, "site.toml title", &[Ctx::Title, Ctx::Attr]),
    // The default theme does not show the site's description; it is
    // checked wherever a theme does.
    (2, "site.toml description", &[]),
    (3, "organization name", &[Ctx::Text, Ctx::JsonLd]),
    (
        10,
        "home title",
        &[Ctx::Title, Ctx::Text, Ctx::Attr, Ctx::JsonLd],
    ),
    (11, "home description", &[Ctx::Attr, Ctx::JsonLd]),
    (
        12,
        "page title",
        &[Ctx::Title, Ctx::Text, Ctx::Attr, Ctx::JsonLd],
    ),
    (13, "page description", &[Ctx::Attr, Ctx::JsonLd]),
    (
        15,
        "section index title",
        &[Ctx::Title, Ctx::Text, Ctx::JsonLd],
    ),
    (16, "section index description", &[Ctx::Attr, Ctx::JsonLd]),
    (
        20,
        "service title",
        &[Ctx::Title, Ctx::Text, Ctx::Attr, Ctx::JsonLd],
    ),
    (
        21,
        "service description",
        &[Ctx::Text, Ctx::Attr, Ctx::JsonLd],
    ),
    (22, "referring.appropriate_for item", &[Ctx::Text]),
    (23, "referring.response_time", &[Ctx::Text]),
    (24, "referring.urgent", &[Ctx::Text]),
    (25, "referring.results", &[Ctx::Text]),
    (26, "referring contact role", &[Ctx::Text]),
    (27, "referring contact name", &[Ctx::Text]),
    (
        30,
        "referral reason title",
        &[Ctx::Title, Ctx::Text, Ctx::Attr, Ctx::JsonLd],
    ),
    (
        31,
        "referral reason description",
        &[Ctx::Text, Ctx::Attr, Ctx::JsonLd],
    ),
    (32, "referral criteria item", &[Ctx::Text]),
    (33, "referral exclusions item", &[Ctx::Text]),
    (34, "FAQ question", &[Ctx::Text, Ctx::JsonLd]),
    (40, "location title", &[Ctx::Title, Ctx::Text, Ctx::JsonLd]),
    (41, "location description", &[Ctx::Attr, Ctx::JsonLd]),
    (42, "address street", &[Ctx::Text, Ctx::JsonLd]),
    (43, "address city", &[Ctx::Text, Ctx::JsonLd]),
    (44, "address region", &[Ctx::Text, Ctx::JsonLd]),
    (45, "address postal_code", &[Ctx::Text, Ctx::JsonLd]),
    (46, "address country", &[Ctx::JsonLd]),
    (50, "physician name", &[Ctx::Title, Ctx::Text, Ctx::JsonLd]),
    (51, "physician description", &[Ctx::Attr, Ctx::JsonLd]),
    (52, "physician honorific", &[Ctx::Text]),
    (53, "physician credentials", &[Ctx::Text]),
    (60, "checklist title", &[Ctx::Text]),
    (61, "checklist item label", &[Ctx::Text]),
    (
        70,
        "trial title",
        &[Ctx::Title, Ctx::Text, Ctx::Attr, Ctx::JsonLd],
    ),
    (
        71,
        "trial description",
        &[Ctx::Text, Ctx::Attr, Ctx::JsonLd],
    ),
    (72, "trial contact role", &[Ctx::Text]),
    (73, "trial contact name", &[Ctx::Text]),
];

/// Inline-Markdown fields: (n, what it is).
const MARKDOWN: &[(u32, &str)] = &[
    (14, "page body"),
    (35, "FAQ answer"),
    (62, "checklist item detail"),
    (74, "trial eligibility item"),
];

/// URL fields: (n, what it is, the value as written).
const URLS: &[(u32, &str, &str)] = &[
    (
        5,
        "privacy_policy",
        "/privacy/?\"><script>alert(5)</script>",
    ),
    (
        6,
        "organization logo",
        "/images/logo.svg?\"><script>alert(6)</script>",
    ),
    (
        28,
        "referring.portal",
        "https://referrals.escaping.example/?q=\"><script>alert(28)</script>",
    ),
    (
        54,
        "physician photo",
        "/images/ana.svg?\"><script>alert(54)</script>",
    ),
];

/// HTML parsers drop NUL from text and replace it in attributes and RCDATA.
fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '\0' && *c != '\u{fffd}')
        .collect()
}

/// The field a string carries, by its `end n` marker.
fn markers(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("end") {
        rest = &rest[i + 3..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse() {
            out.push(n);
        }
    }
    out
}

/// The value field `n` was given, as text.
fn expected(n: u32) -> Option<String> {
    if PLAIN.iter().any(|(m, _, _)| *m == n) {
        Some(plain(n))
    } else if MARKDOWN.iter().any(|(m, _)| *m == n) {
        Some(markdown(n))
    } else {
        None
    }
}

/// One built page, parsed.
struct Page {
    rel: String,
    html: String,
}

/// Every string inside a JSON value.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Builds the fixture once per test and returns its pages and other files.
fn built() -> (SiteTest, Vec<Page>, BTreeMap<String, Vec<u8>>) {
    let site = SiteTest::fixture("escaping/matrix");
    let out = site.build(&[]);
    out.expect_success();
    assert!(
        out.diagnostics().iter().all(|d| d.severity == "warning"),
        "{}",
        out.report()
    );
    let snapshot = snapshot_of_dir(&site.public());
    let mut pages = Vec::new();
    let mut other = BTreeMap::new();
    for (rel, entry) in &snapshot.entries {
        if let crate::support::Entry::File(bytes) = entry {
            if rel.ends_with(".html") {
                pages.push(Page {
                    rel: rel.clone(),
                    html: String::from_utf8(bytes.clone()).expect("pages are UTF-8"),
                });
            } else {
                other.insert(rel.clone(), bytes.clone());
            }
        }
    }
    assert!(
        pages.len() >= 15,
        "expected the whole site, got {}",
        pages.len()
    );
    (site, pages, other)
}

#[test]
fn every_field_is_escaped_in_every_context() {
    let (_site, pages, _) = built();
    let mut seen: BTreeSet<(u32, Ctx)> = BTreeSet::new();
    let mut problems: Vec<String> = Vec::new();
    for page in &pages {
        let doc = Html::parse_document(&page.html);
        let at = &page.rel;

        // The bytes themselves: no hostile tag survives unescaped anywhere
        // (text, `<title>`, attributes, JSON-LD), whatever a parser makes of it.
        for raw in ["<script>alert", "</script><script>", "\"><script>"] {
            if page.html.contains(raw) {
                problems.push(format!("{at}: the page holds `{raw}` unescaped"));
            }
        }

        // Text nodes, outside scripts: a marker comes with its whole value.
        // Markdown fields span elements (`<code>`), so they are read from
        // the text of their parent element instead.
        for node in doc.tree.nodes() {
            let Node::Text(text) = node.value() else {
                continue;
            };
            let parent = node.parent().and_then(ElementRef::wrap);
            let parent_name = parent.map_or("", |p| p.value().name());
            if parent_name == "script" || parent_name == "style" {
                continue;
            }
            for n in markers(text) {
                let ctx = if parent_name == "title" {
                    Ctx::Title
                } else {
                    Ctx::Text
                };
                let Some(want) = expected(n) else { continue };
                let whole = if MARKDOWN.iter().any(|(m, _)| *m == n) {
                    parent
                        .map(|p| p.text().collect::<String>())
                        .unwrap_or_default()
                } else {
                    text.to_string()
                };
                seen.insert((n, ctx));
                if !loose(&whole).contains(&loose(&want)) {
                    problems.push(format!(
                        "{at}: field {n} in {ctx:?} reads {whole:?}, expected it to contain {want:?}"
                    ));
                }
            }
        }

        // Attributes: no event handlers; a marker comes with its whole value.
        for el in doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            for (name, value) in el.value().attrs() {
                // A value that broke out of its quotes leaves pieces of
                // itself behind as attribute names.
                if !markers(name).is_empty() || name.contains(['"', '\'', '<', '>', '{', '}']) {
                    problems.push(format!(
                        "{at}: <{}> has an attribute named {name:?}",
                        el.value().name()
                    ));
                }
                if name.to_ascii_lowercase().starts_with("on") {
                    problems.push(format!(
                        "{at}: <{}> has an event-handler attribute {name}={value:?}",
                        el.value().name()
                    ));
                }
                for n in markers(value) {
                    let Some(want) = expected(n) else { continue };
                    seen.insert((n, Ctx::Attr));
                    if !loose(value).contains(&loose(&want)) {
                        problems.push(format!(
                            "{at}: field {n} in <{} {name}> reads {value:?}",
                            el.value().name()
                        ));
                    }
                }
                for (n, what, url) in URLS {
                    if value.contains(&format!("alert({n})")) {
                        seen.insert((*n, Ctx::Attr));
                        if !value.contains(url) {
                            problems.push(format!(
                                "{at}: the {what} in <{} {name}> reads {value:?}, expected {url:?}",
                                el.value().name()
                            ));
                        }
                    }
                }
            }
        }

        // Scripts: only the JSON-LD block and the theme's form and print scripts.
        let mut json_ld = Vec::new();
        for script in doc.select(&sel("script")) {
            let v = script.value();
            if v.attr("type") == Some("application/ld+json") {
                json_ld.push(script.text().collect::<String>());
            } else if !v.attr("src").is_some_and(|s| {
                (s.starts_with("/js/forms.") || s.starts_with("/js/print.")) && s.ends_with(".js")
            }) {
                problems.push(format!(
                    "{at}: a script the site did not write: {}",
                    script.html()
                ));
            }
        }
        if json_ld.len() != 1 {
            problems.push(format!(
                "{at}: {} JSON-LD blocks, expected 1",
                json_ld.len()
            ));
        }
        for raw in &json_ld {
            for bad in ['<', '>', '&'] {
                if raw.contains(bad) {
                    problems.push(format!("{at}: a raw {bad:?} in the JSON-LD"));
                }
            }
            let value: Value = match serde_json::from_str(raw) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!("{at}: the JSON-LD is not JSON ({e}):\n{raw}"));
                    continue;
                }
            };
            let mut all = Vec::new();
            strings(&value, &mut all);
            for s in &all {
                for n in markers(s) {
                    seen.insert((n, Ctx::JsonLd));
                    match n {
                        // The FAQ answer is its rendered inline Markdown (HTML).
                        35 => {
                            for part in [
                                "{{ 35+1 }}",
                                "<code>&lt;/script&gt;&lt;script&gt;alert(35)&lt;/script&gt;&lt;!--</code>",
                            ] {
                                if !s.contains(part) {
                                    problems.push(format!(
                                        "{at}: the FAQ answer in JSON-LD lacks {part:?}: {s:?}"
                                    ));
                                }
                            }
                        }
                        n => {
                            if let Some(want) = expected(n)
                                && !s.contains(&want)
                            {
                                problems.push(format!(
                                    "{at}: field {n} in JSON-LD reads {s:?}, expected {want:?}"
                                ));
                            }
                        }
                    }
                }
                for (n, what, url) in URLS {
                    if s.contains(&format!("alert({n})")) {
                        seen.insert((*n, Ctx::JsonLd));
                        if !s.contains(url) {
                            problems.push(format!("{at}: the {what} in JSON-LD reads {s:?}"));
                        }
                    }
                }
            }
        }

        // Markdown fields: the hostile part stays inside <code>.
        for (n, what) in MARKDOWN {
            if !page.html.contains(&format!("end{n}")) {
                continue;
            }
            let code = markdown_code(*n);
            let in_code = doc
                .select(&sel("code"))
                .any(|c| c.text().collect::<String>() == code);
            let rendered = page.html.contains(&format!("M{n:02} "));
            if rendered && !in_code {
                problems.push(format!("{at}: the {what} lost its code span {code:?}"));
            }
        }
    }

    for (n, what, contexts) in PLAIN {
        for ctx in *contexts {
            if !seen.contains(&(*n, *ctx)) {
                problems.push(format!("field {n} ({what}) never appears in {ctx:?}"));
            }
        }
    }
    for (n, what) in MARKDOWN {
        if !seen.contains(&(*n, Ctx::Text)) {
            problems.push(format!("field {n} ({what}) never appears as text"));
        }
    }
    for (n, what, _) in URLS {
        if !seen.contains(&(*n, Ctx::Attr)) {
            problems.push(format!("field {n} ({what}) never appears in an attribute"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} escaping problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Everything a reader of `html` gets: its text and attribute values as an
/// HTML parser decodes them (`&lt;!--` is `<!--` here), and the strings of
/// its JSON-LD (where `<` is `\u003c`). Searching the raw bytes instead
/// could never find `<!--`, evaluated or not.
fn decoded(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    for node in doc.tree.nodes() {
        match node.value() {
            Node::Text(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Node::Element(el) => {
                for (_, value) in el.attrs() {
                    out.push_str(value);
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
    for script in doc.select(&sel(r#"script[type="application/ld+json"]"#)) {
        let json: String = script.text().collect();
        if let Ok(value) = serde_json::from_str::<Value>(&json) {
            let mut all = Vec::new();
            strings(&value, &mut all);
            out.push_str(&all.join("\n"));
        }
    }
    out
}

/// Whether field `n`'s `<!-- {{ n+1 }}` shows up evaluated in `text`: the
/// sum in place of the expression, right after the comment opener.
fn evaluated_in(text: &str, n: u32) -> bool {
    text.contains(&format!("<!-- {} ", n + 1))
}

#[test]
fn template_syntax_in_content_is_never_evaluated() {
    let (_site, pages, other) = built();
    let all: String = pages.iter().map(|p| decoded(&p.html)).collect();
    for (n, _, _) in PLAIN.iter().filter(|(_, _, contexts)| !contexts.is_empty()) {
        // `{{ n+1 }}` is shown as typed; its value never appears in its place.
        let typed = format!("<!-- {{{{ {n}+1 }}}} {{% raw %}}");
        assert!(
            all.contains(&typed),
            "field {n}: {typed} is not shown as typed"
        );
        assert!(
            !evaluated_in(&all, *n),
            "field {n}: {{{{ }}}} was evaluated"
        );
    }
    // The check above finds an evaluated field when there is one.
    let evaluated = all.replacen("<!-- {{ 10+1 }}", "<!-- 11 ", 1);
    assert!(evaluated != all && evaluated_in(&evaluated, 10));
    // `{% raw %}{{ site.title }}{% endraw %}` would print the site's title.
    assert!(all.contains("{% raw %}{{ site.title }}{% endraw %}"));
    for (rel, bytes) in &other {
        if rel.ends_with(".json") {
            let schema: Value =
                serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"));
            let mut all = Vec::new();
            strings(&schema, &mut all);
            for s in all {
                for n in markers(&s) {
                    if let Some(want) = expected(n) {
                        assert!(
                            s.contains(&want),
                            "{rel}: field {n} reads {s:?}, expected {want:?}"
                        );
                    }
                }
            }
        }
    }
}
