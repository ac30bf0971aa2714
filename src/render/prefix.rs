//! A site served under a path (`base_url = "https://example.org/clinic/"`,
//! as GitHub Pages serves a project site) needs that path in front of every
//! link from the site's root. Templates, Markdown bodies, checklist details
//! and a site's own templates all write links from the root
//! (`/services/x/`); rather than ask each of them to remember the prefix,
//! the build adds it to each rendered page, here, once. A site at the
//! host's root skips the pass, so its pages are the bytes rendered.
//!
//! What changes: the value of each attribute in [`URL_ATTRIBUTES`], each
//! candidate of a `srcset` and the `url=` of a `<meta http-equiv=refresh>`,
//! when it starts with a single `/`. Absolute, protocol-relative (`//host`),
//! relative and `#fragment` values stay. Text, comments and the content of
//! `<script>`, `<style>`, `<textarea>` and `<title>` are never read as tags:
//! Tera and pulldown-cmark escape `<` in text, so outside those every `<`
//! followed by a letter starts a tag.

use std::borrow::Cow;
use std::ops::Range;

/// The attributes whose value is an address a browser follows or loads.
/// `data-thanks` is where the theme's `forms.js` goes after a post.
pub const URL_ATTRIBUTES: [&str; 8] = [
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "data-thanks",
    "xlink:href",
];

/// Elements whose content is text, never tags.
const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

/// `html` with `prefix` (`/clinic`, from [`crate::config::BaseUrl::path`])
/// in front of every root-relative address; `html` itself when the prefix
/// is empty or nothing starts at the root.
pub fn links<'a>(html: &'a str, prefix: &str) -> Cow<'a, str> {
    if prefix.is_empty() {
        return Cow::Borrowed(html);
    }
    let prefix = crate::escape::html(prefix);
    let edits = edits(html, &prefix);
    if edits.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + edits.len() * (prefix.len() + 2));
    let mut copied = 0;
    for (range, text) in edits {
        out.push_str(&html[copied..range.start]);
        out.push_str(&text);
        copied = range.end;
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// One attribute of a start tag: its name and where its value is.
struct Attribute<'a> {
    name: &'a str,
    value: Range<usize>,
    quoted: bool,
}

/// The replacements that prefix the page's addresses, in document order.
fn edits(html: &str, prefix: &str) -> Vec<(Range<usize>, String)> {
    let bytes = html.as_bytes();
    let mut edits = Vec::new();
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let lt = at + found;
        at = lt + 1;
        if html[lt..].starts_with("<!--") {
            at = html[lt + 4..]
                .find("-->")
                .map_or(html.len(), |end| lt + 4 + end + 3);
            continue;
        }
        // End tags, `<!doctype>`, `<?…>` and a stray `<` carry no links.
        if !bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = bytes[at..]
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
            .map_or(html.len(), |n| at + n);
        let name = &html[at..name_end];
        let (attributes, end) = attributes(html, name_end);
        let refresh = name.eq_ignore_ascii_case("meta")
            && attributes.iter().any(|a| {
                a.name.eq_ignore_ascii_case("http-equiv")
                    && html[a.value.clone()].trim().eq_ignore_ascii_case("refresh")
            });
        for a in &attributes {
            let value = &html[a.value.clone()];
            let new = if a.name.eq_ignore_ascii_case("srcset") {
                srcset(value, prefix)
            } else if URL_ATTRIBUTES
                .iter()
                .any(|u| a.name.eq_ignore_ascii_case(u))
            {
                address(value, prefix)
            } else if refresh && a.name.eq_ignore_ascii_case("content") {
                refresh_target(value, prefix)
            } else {
                None
            };
            if let Some(new) = new {
                // An unquoted value is quoted: a path may hold `=` or `'`,
                // which an unquoted value cannot.
                let text = if a.quoted {
                    new
                } else {
                    format!("\"{}\"", new.replace('"', "&quot;"))
                };
                edits.push((a.value.clone(), text));
            }
        }
        at = end;
        if let Some(raw) = RAW_TEXT.iter().find(|r| name.eq_ignore_ascii_case(r)) {
            at = closing_tag(html, at, raw);
        }
    }
    edits
}

/// The attributes of the start tag whose name ends at `from`, and the
/// offset after its `>` (the HTML tokenizer's attribute states, simplified:
/// a value is quoted, or runs to whitespace or `>`).
fn attributes(html: &str, mut at: usize) -> (Vec<Attribute<'_>>, usize) {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let skip_space = |mut at: usize| {
        while at < len && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        at
    };
    let mut found = Vec::new();
    loop {
        while at < len && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        if at >= len {
            return (found, len);
        }
        if bytes[at] == b'>' {
            return (found, at + 1);
        }
        let name_start = at;
        at += 1;
        while at < len
            && !matches!(bytes[at], b'/' | b'>' | b'=')
            && !bytes[at].is_ascii_whitespace()
        {
            at += 1;
        }
        let name = &html[name_start..at];
        at = skip_space(at);
        if bytes.get(at) != Some(&b'=') {
            continue;
        }
        at = skip_space(at + 1);
        match bytes.get(at) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = at + 1;
                let end = html[start..].find(q as char).map_or(len, |n| start + n);
                found.push(Attribute {
                    name,
                    value: start..end,
                    quoted: true,
                });
                at = (end + 1).min(len);
            }
            _ => {
                let start = at;
                while at < len && bytes[at] != b'>' && !bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                found.push(Attribute {
                    name,
                    value: start..at,
                    quoted: false,
                });
            }
        }
    }
}

/// The offset after `</name…>`, or the end of the page.
fn closing_tag(html: &str, from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(found) = html[at..].find("</") {
        let start = at + found + 2;
        let matches = html
            .get(start..start + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if matches {
            return html[start..]
                .find('>')
                .map_or(html.len(), |n| start + n + 1);
        }
        at = start;
    }
    html.len()
}

/// Whether an address (as written in the attribute) starts at the site's
/// root: one `/`, not `//` or `/\`, which browsers read as another host.
fn from_root(address: &str) -> bool {
    let mut chars = address.chars();
    chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'))
}

/// A URL attribute's value with the prefix, if it starts at the root
/// (browsers ignore the spaces around it).
fn address(value: &str, prefix: &str) -> Option<String> {
    let start = value.len() - value.trim_start().len();
    from_root(&value[start..]).then(|| format!("{}{prefix}{}", &value[..start], &value[start..]))
}

/// A `srcset` with the prefix on each candidate that starts at the root:
/// candidates are a URL, then descriptors up to a comma.
fn srcset(value: &str, prefix: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut starts = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b',') {
            at += 1;
        }
        if at >= bytes.len() {
            break;
        }
        let url_start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if from_root(&value[url_start..at]) {
            starts.push(url_start);
        }
        // A URL ending in a comma ends its candidate; else descriptors follow.
        if bytes[at - 1] != b',' {
            at = value[at..].find(',').map_or(bytes.len(), |n| at + n + 1);
        }
    }
    if starts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(value.len() + starts.len() * prefix.len());
    let mut copied = 0;
    for s in starts {
        out.push_str(&value[copied..s]);
        out.push_str(prefix);
        copied = s;
    }
    out.push_str(&value[copied..]);
    Some(out)
}

/// `0; url=/x/` with the prefix on the address, if it starts at the root.
fn refresh_target(value: &str, prefix: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let key = lower.find("url")?;
    let rest = &value[key + 3..];
    let eq = rest.len() - rest.trim_start().len();
    let rest = rest[eq..].strip_prefix('=')?;
    let spaces = rest.len() - rest.trim_start().len();
    let mut url_at = value.len() - rest.len() + spaces;
    if value[url_at..].starts_with(['"', '\'']) {
        url_at += 1;
    }
    from_root(&value[url_at..]).then(|| format!("{}{prefix}{}", &value[..url_at], &value[url_at..]))
}

#[cfg(test)]
mod tests {
    use super::links;

    fn prefixed(html: &str) -> String {
        links(html, "/clinic").into_owned()
    }

    #[test]
    fn root_relative_addresses_get_the_prefix() {
        assert_eq!(
            prefixed(
                r#"<a href="/refer/">R</a><img src='/i.png' alt=""><form action=/f/ data-thanks="/t/">"#
            ),
            r#"<a href="/clinic/refer/">R</a><img src='/clinic/i.png' alt=""><form action="/clinic/f/" data-thanks="/clinic/t/">"#
        );
        assert_eq!(
            prefixed(r#"<LINK REL=stylesheet HREF=/css/a.css>"#),
            r#"<LINK REL=stylesheet HREF="/clinic/css/a.css">"#
        );
    }

    #[test]
    fn other_addresses_and_text_stay() {
        for html in [
            r#"<a href="https://x.example/a/">x</a>"#,
            r#"<a href="//x.example/a/">x</a><a href="/\x.example">y</a>"#,
            r##"<a href="../a/">x</a><a href="#top">y</a><a href="mailto:a@b.c">z</a>"##,
            r#"<p>write href="/x/" in text</p><!-- <a href="/c/"> -->"#,
            r#"<script>var a = '<a href="/x/">';</script><title>href=/x</title>"#,
            r#"<a title="/t/" data-x="/y/">x</a><meta name=a content="/x/">"#,
        ] {
            assert_eq!(prefixed(html), html);
        }
        let root = r#"<a href="/refer/">R</a>"#;
        assert!(matches!(links(root, ""), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn srcset_and_refresh_get_the_prefix() {
        assert_eq!(
            prefixed(r#"<img srcset="/a.png 1x, https://x.example/b.png 2x,/c.png 3x">"#),
            r#"<img srcset="/clinic/a.png 1x, https://x.example/b.png 2x,/clinic/c.png 3x">"#
        );
        assert_eq!(
            prefixed(r#"<meta http-equiv="refresh" content="0; url=/services/x/">"#),
            r#"<meta http-equiv="refresh" content="0; url=/clinic/services/x/">"#
        );
        assert_eq!(
            prefixed(r#"<meta content="0;URL='/x/'" http-equiv=Refresh>"#),
            r#"<meta content="0;URL='/clinic/x/'" http-equiv=Refresh>"#
        );
    }

    #[test]
    fn unfinished_markup_never_panics() {
        for html in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"/x",
            "<!--",
            "<script>",
            "<img srcset=\", ,\">",
        ] {
            let _ = prefixed(html);
        }
        assert_eq!(prefixed("<a href=\"/x"), "<a href=\"/clinic/x");
        // Multi-byte text next to every delimiter.
        for html in [
            "<a é=/x href=/é>",
            "<aé href='/é'>",
            "<title>é</titlé>",
            "<img srcset=\"/é 1x,é\">",
            "<meta http-equiv=refresh content=\"éurl=é/\">",
            "</é<a href=/x>",
        ] {
            let _ = prefixed(html);
        }
        assert_eq!(prefixed("<a é=/x href=/é>"), "<a é=/x href=\"/clinic/é\">");
    }
}
