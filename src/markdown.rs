//! Markdown → HTML with pulldown-cmark (SPEC §4).
//!
//! CommonMark plus tables, footnotes, strikethrough, task lists, heading ids
//! and smart punctuation. Headings get stable ids (written `{#id}` or made
//! from the text, de-duplicated). Raw HTML is allowed (writers are trusted
//! staff) but script-running link targets are refused with their position.
//! Knows nothing about pages or templates.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A link target that would run script, with its byte range in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeLink {
    pub offset: usize,
    pub len: usize,
    pub target: String,
}

/// A link or image in the body, for the link audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub offset: usize,
    pub len: usize,
    pub dest: String,
    pub is_image: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub unsafe_links: Vec<UnsafeLink>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders a Markdown body.
pub fn render(text: &str) -> Rendered {
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut heading_at: Option<usize> = None;
    let mut used_ids: Vec<String> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let is_image = matches!(event, Event::Start(Tag::Image { .. }));
                if is_unsafe_target(dest_url) {
                    out.unsafe_links.push(UnsafeLink {
                        offset: range.start,
                        len: range.len(),
                        target: dest_url.to_string(),
                    });
                }
                out.links.push(Link {
                    offset: range.start,
                    len: range.len(),
                    dest: dest_url.to_string(),
                    is_image,
                });
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(target) = unsafe_in_html(html) {
                    out.unsafe_links.push(UnsafeLink {
                        offset: range.start,
                        len: range.len(),
                        target,
                    });
                }
            }
            Event::Start(Tag::Heading { .. }) => heading_at = Some(events.len()),
            Event::End(TagEnd::Heading(level)) => {
                if let Some(start) = heading_at.take() {
                    let text: String = events[start + 1..]
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
                        let base = match id {
                            Some(given) => given.to_string(),
                            None => slugify(&text),
                        };
                        let unique = unique_id(&base, &used_ids);
                        used_ids.push(unique.clone());
                        *id = Some(CowStr::from(unique.clone()));
                        out.headings.push(Heading {
                            level: heading_level(*level),
                            id: unique,
                            text,
                        });
                    }
                }
            }
            _ => {}
        }
        events.push(event);
    }
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

/// What the content audit (`handoff check`) needs from a body: links,
/// images with their alt text, and plain text with positions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    pub links: Vec<Link>,
    /// Images as `(link, alt text)`; raw HTML `<img>` without `alt` has `None`.
    pub images: Vec<(Link, Option<String>)>,
    /// Text runs with their byte offset (code excluded).
    pub text: Vec<(usize, String)>,
}

/// Scans a body for the audit without rendering it.
pub fn audit(text: &str) -> Audit {
    let mut out = Audit::default();
    let mut image: Option<(Link, String)> = None;
    let mut in_code = false;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((
                    Link {
                        offset: range.start,
                        len: range.len(),
                        dest: dest_url.to_string(),
                        is_image: true,
                    },
                    String::new(),
                ));
            }
            Event::End(TagEnd::Image) => {
                if let Some((link, alt)) = image.take() {
                    out.images.push((link, Some(alt)));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                out.links.push(Link {
                    offset: range.start,
                    len: range.len(),
                    dest: dest_url.to_string(),
                    is_image: false,
                });
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(_) if in_code => {}
            Event::Text(t) => match &mut image {
                Some((_, alt)) => alt.push_str(&t),
                None => out.text.push((range.start, t.to_string())),
            },
            Event::Html(html) | Event::InlineHtml(html) => {
                for (at, tag) in html_tags(&html, "img") {
                    let link = Link {
                        offset: range.start + at,
                        len: tag.len(),
                        dest: attr(tag, "src").unwrap_or_default(),
                        is_image: true,
                    };
                    out.images.push((link, attr(tag, "alt")));
                }
                for (at, tag) in html_tags(&html, "a") {
                    if let Some(href) = attr(tag, "href") {
                        out.links.push(Link {
                            offset: range.start + at,
                            len: tag.len(),
                            dest: href,
                            is_image: false,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Start tags named `name` in raw HTML, with their offsets.
fn html_tags<'h>(html: &'h str, name: &str) -> Vec<(usize, &'h str)> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = lower[from..].find(&open) {
        let at = from + rel;
        let after = lower.as_bytes().get(at + open.len()).copied();
        let end = lower[at..].find('>').map_or(html.len(), |e| at + e + 1);
        if matches!(after, Some(b' ' | b'\n' | b'\t' | b'>' | b'/')) {
            out.push((at, &html[at..end]));
        }
        from = end.max(at + 1);
    }
    out
}

/// The value of an attribute in a start tag (quoted or not).
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(rel) = lower[from..].find(name) {
        let at = from + rel;
        from = at + name.len();
        let before = lower[..at].chars().next_back();
        if !matches!(before, Some(' ' | '\n' | '\t')) {
            continue;
        }
        let raw = &tag[from..];
        let rest = raw.trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            // A name followed by space, `>` or `/` is a valueless attribute.
            if raw.starts_with([' ', '>', '/', '\t', '\n']) || raw.is_empty() {
                return Some(String::new());
            }
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or("").to_owned(),
            _ => value
                .split([' ', '>', '\t', '\n'])
                .next()
                .unwrap_or("")
                .trim_end_matches('/')
                .to_owned(),
        });
    }
    None
}

/// Renders a short inline snippet (a checklist detail, an FAQ answer)
/// without the surrounding paragraph when it is a single one.
pub fn render_inline(text: &str) -> Rendered {
    let mut r = render(text);
    let trimmed = r.html.trim_end();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        r.html = inner.to_owned();
    }
    r
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A heading id from its text: lower-case words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".to_owned()
    } else {
        out
    }
}

fn unique_id(base: &str, used: &[String]) -> String {
    if !used.iter().any(|u| u == base) {
        return base.to_owned();
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !used.iter().any(|u| u == c))
        .unwrap_or_else(|| base.to_owned())
}

/// Schemes that run script or smuggle content when followed.
const UNSAFE_SCHEMES: [&str; 3] = ["javascript:", "vbscript:", "data:"];

/// Browsers ignore whitespace and control characters inside a scheme and
/// compare it case-insensitively; so do we.
pub fn is_unsafe_target(target: &str) -> bool {
    let folded: String = target
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    UNSAFE_SCHEMES.iter().any(|s| folded.starts_with(s))
}

/// Finds an unsafe URL in an attribute of raw HTML.
fn unsafe_in_html(html: &str) -> Option<String> {
    let lower = html.to_lowercase();
    for attr in [
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "srcdoc",
        "poster",
        "data",
    ] {
        let mut from = 0;
        while let Some(rel) = lower[from..].find(attr) {
            let at = from + rel + attr.len();
            from = at;
            let rest = lower[at..].trim_start();
            let Some(value) = rest.strip_prefix('=') else {
                continue;
            };
            let value = value.trim_start();
            let value = match value.chars().next() {
                Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
                _ => value.split([' ', '>', '\t', '\n']).next().unwrap_or(""),
            };
            if is_unsafe_target(&decode_entities(value)) {
                return Some(value.chars().take(60).collect());
            }
        }
    }
    None
}

/// Decodes the numeric and named character references that can spell a
/// scheme (`&#106;avascript:`, `javascript&colon;`).
fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|e| *e < 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(hex) = name.strip_prefix("#x") {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "colon" => Some(':'),
                    "tab" => Some('\t'),
                    "newline" => Some('\n'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_on() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1]\n\n[^1]: A footnote.\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("“quoted”"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn headings_get_stable_unique_ids() {
        let r = render("## What to send\n\n## What to send\n\n## Custom {#mine}\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["what-to-send", "what-to-send-1", "mine"]);
        assert!(r.html.contains("<h2 id=\"what-to-send-1\">"));
    }

    #[test]
    fn script_links_are_found_with_positions() {
        let text =
            "Hi\n\n[x](javascript:alert(1)) and [y](/ok/)\n\n<a href=\"JaVa&#x53;cript:x\">z</a>\n";
        let r = render(text);
        assert_eq!(r.unsafe_links.len(), 2, "{:?}", r.unsafe_links);
        assert_eq!(r.unsafe_links[0].offset, 4);
        assert_eq!(r.links.len(), 2);
        assert!(is_unsafe_target(" java\tscript:alert(1)"));
        assert!(is_unsafe_target("DATA:text/html,x"));
        assert!(!is_unsafe_target("/javascript-guide/"));
    }

    #[test]
    fn audit_finds_images_alt_text_and_raw_html() {
        let a = audit(
            "See ![](/a.png) and ![Map](/b.png).\n\n<img src=\"/c.png\"> <a href='/d/'>d</a>\n\nCall 555-010-0100.\n",
        );
        let alts: Vec<_> = a
            .images
            .iter()
            .map(|(l, alt)| (l.dest.as_str(), alt.clone()))
            .collect();
        assert_eq!(
            alts,
            [
                ("/a.png", Some(String::new())),
                ("/b.png", Some("Map".into())),
                ("/c.png", None)
            ]
        );
        assert_eq!(a.links.len(), 1);
        assert_eq!(a.links[0].dest, "/d/");
        assert!(a.text.iter().any(|(_, t)| t.contains("555-010-0100")));
        assert_eq!(attr("<img alt src=x>", "alt"), Some(String::new()));
    }

    #[test]
    fn inline_snippets_drop_the_paragraph() {
        assert_eq!(
            render_inline("Final report and *addenda*.").html,
            "Final report and <em>addenda</em>."
        );
    }
}
