//! Markdown → HTML with pulldown-cmark (SPEC §4).
//!
//! CommonMark plus tables, footnotes, strikethrough, task lists, heading ids
//! and smart punctuation. Headings get stable ids (written `{#id}` or made
//! from the text, de-duplicated). Raw HTML is allowed (writers are trusted
//! staff) but script-running link targets are refused with their position.
//! A phone number the site publishes, typed in the text in any common
//! format, becomes a `tel:` link showing its display form (not inside
//! code, links or headings).
//! Knows nothing about pages or templates.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::phone::Numbers;

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

/// Bodies with more markup than this render one at a time
/// ([`crate::render`]): at [`MAX_MARKUP`] one page can take 360 MB, and
/// four of them side by side on four cores would pass a gigabyte.
pub const LARGE_MARKUP: usize = MAX_MARKUP / 8;

pub use crate::content::markup::{MAX_MARKUP, markup_weight, weight_over};
pub use crate::values::is_unsafe_target;

/// Renders a Markdown body.
///
/// Events stream from the parser into the HTML writer; only a heading's
/// events wait, until its text gives it an id. Collecting every event
/// first cost about 80 bytes per event, as much again as the parser's own
/// tree (1.2 GB for a page of 8 MiB of `[`).
pub fn render(text: &str) -> Rendered {
    render_linking(text, &Numbers::default())
}

/// [`render`], with each of `numbers` typed in the text a `tel:` link.
pub fn render_linking(text: &str, numbers: &Numbers) -> Rendered {
    let mut out = Rendered::default();
    let mut html = String::new();
    let events = Annotated {
        events: Parser::new_ext(text, options()).into_offset_iter(),
        out: &mut out,
        used_ids: UsedIds::default(),
        queue: std::collections::VecDeque::new(),
        numbers,
        pending: None,
        not_linked: 0,
    };
    pulldown_cmark::html::push_html(&mut html, events);
    out.html = html;
    out
}

/// The parser's events on their way to the HTML writer: links are noted,
/// headings get their ids, published phone numbers become links.
struct Annotated<'r, 't, I> {
    events: I,
    out: &'r mut Rendered,
    used_ids: UsedIds,
    /// A heading's events, once its id is set; text split around a number.
    queue: std::collections::VecDeque<Event<'t>>,
    numbers: &'r Numbers,
    /// The event after a run of text, read to end the run, not yet handled.
    pending: Option<(Event<'t>, std::ops::Range<usize>)>,
    /// How deep the text is inside code, links and images, where a number
    /// stays text.
    not_linked: usize,
}

impl<'t, I> Iterator for Annotated<'_, 't, I>
where
    I: Iterator<Item = (Event<'t>, std::ops::Range<usize>)>,
{
    type Item = Event<'t>;

    fn next(&mut self) -> Option<Event<'t>> {
        if let Some(event) = self.queue.pop_front() {
            return Some(event);
        }
        let (event, range) = match self.pending.take() {
            Some(pending) => pending,
            None => self.events.next()?,
        };
        self.note(&event, &range);
        if let Event::Text(text) = event {
            return Some(self.link_numbers(text));
        }
        if !matches!(event, Event::Start(Tag::Heading { .. })) {
            return Some(event);
        }
        let mut heading = vec![event];
        while let Some((event, range)) = self.events.next() {
            self.note(&event, &range);
            let end = matches!(event, Event::End(TagEnd::Heading(_)));
            heading.push(event);
            if end {
                break;
            }
        }
        self.name_heading(&mut heading);
        self.queue.extend(heading);
        self.queue.pop_front()
    }
}

impl<'t, I> Annotated<'_, 't, I> {
    /// Records the links of one event, and script-running targets.
    fn note(&mut self, event: &Event<'t>, range: &std::ops::Range<usize>) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => {
                self.not_linked += 1;
            }
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                self.not_linked = self.not_linked.saturating_sub(1);
            }
            // Raw `<a …>` and `<code>` written inline, and their end tags.
            Event::InlineHtml(html) => {
                let tag = html.to_ascii_lowercase();
                let (closing, rest) = match tag.strip_prefix("</") {
                    Some(rest) => (true, rest),
                    None => (false, tag.strip_prefix('<').unwrap_or_default()),
                };
                let name: String = rest
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                if matches!(name.as_str(), "a" | "code") {
                    if closing {
                        self.not_linked = self.not_linked.saturating_sub(1);
                    } else {
                        self.not_linked += 1;
                    }
                }
            }
            _ => {}
        }
        let out = &mut *self.out;
        match event {
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
            _ => {}
        }
    }

    /// A text event, or, when it types a published phone number, its
    /// first part with the rest queued: text, link, text. The parser may
    /// split a sentence into several text events, so the ones that follow
    /// join it first; the event that ends the run waits in `pending`.
    fn link_numbers(&mut self, text: CowStr<'t>) -> Event<'t>
    where
        I: Iterator<Item = (Event<'t>, std::ops::Range<usize>)>,
    {
        if self.numbers.is_empty() || self.not_linked > 0 {
            return Event::Text(text);
        }
        let mut joined = text.into_string();
        for (event, range) in self.events.by_ref() {
            match event {
                Event::Text(more) => joined.push_str(&more),
                other => {
                    self.pending = Some((other, range));
                    break;
                }
            }
        }
        let mut from = 0;
        // The link shows the number's one display form (NAP: every number
        // printed the same way), whichever way it was typed.
        for (range, phone) in self.numbers.find_in(&joined) {
            if range.start > from {
                self.queue
                    .push_back(Event::Text(joined[from..range.start].to_owned().into()));
            }
            self.queue.push_back(Event::InlineHtml(
                format!("<a class=\"tel\" href=\"{}\">", phone.tel).into(),
            ));
            self.queue
                .push_back(Event::Text(phone.display.clone().into()));
            self.queue.push_back(Event::InlineHtml("</a>".into()));
            from = range.end;
        }
        if from < joined.len() {
            self.queue
                .push_back(Event::Text(joined[from..].to_owned().into()));
        }
        self.queue
            .pop_front()
            .unwrap_or(Event::Text(CowStr::from("")))
    }

    /// Gives a heading (its events, start to end) its written or derived
    /// id, unique on the page.
    fn name_heading(&mut self, heading: &mut [Event<'t>]) {
        let text: String = heading
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let level = match heading.last() {
            Some(Event::End(TagEnd::Heading(level))) => *level,
            _ => return,
        };
        if let Some(Event::Start(Tag::Heading { id, .. })) = heading.first_mut() {
            let base = match id {
                Some(given) => given.to_string(),
                None => slugify(&text),
            };
            let unique = self.used_ids.claim(&base);
            *id = Some(CowStr::from(unique.clone()));
            self.out.headings.push(Heading {
                level: heading_level(level),
                id: unique,
                text,
            });
        }
    }
}

/// What the content audit (`handoff check`) needs from a body: links,
/// images with their alt text, plain text with positions, and raw HTML
/// that does more than show something.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    pub links: Vec<Link>,
    /// Images as `(link, alt text)`; raw HTML `<img>` without `alt` has `None`.
    pub images: Vec<(Link, Option<String>)>,
    /// Text runs with their byte offset (code excluded).
    pub text: Vec<(usize, String)>,
    pub raw_html: Vec<RawHtml>,
}

/// A start tag of raw HTML that acts rather than shows: it runs script,
/// posts data, or changes how the page loads. Passed through as written
/// (writers are trusted staff); `check` says what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHtml {
    /// Byte range of the whole start tag in the body.
    pub offset: usize,
    pub len: usize,
    pub kind: RawHtmlKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawHtmlKind {
    /// `<form>`, `<script>`, `<iframe>` or `<base>` (the name, lower case).
    Element(&'static str),
    /// `<meta http-equiv=…>`.
    MetaHttpEquiv,
    /// An event handler attribute such as `onerror=` (its name, lower case).
    Handler(String),
}

/// Elements reported wherever they appear.
const ACTIVE_ELEMENTS: [&str; 4] = ["form", "script", "iframe", "base"];

/// Scans a body for the audit without rendering it.
pub fn audit(text: &str) -> Audit {
    let mut out = Audit::default();
    let mut image: Option<(Link, String)> = None;
    let mut in_code = false;
    let mut in_html_block = false;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        // The parser decides what is raw HTML (never a code block or span);
        // the tags are read from the source, so a tag split over lines is
        // whole and offsets are the file's.
        match &event {
            Event::Start(Tag::HtmlBlock) => {
                in_html_block = true;
                push_raw_html(&mut out.raw_html, text, range.clone());
            }
            Event::End(TagEnd::HtmlBlock) => in_html_block = false,
            Event::InlineHtml(_) => push_raw_html(&mut out.raw_html, text, range.clone()),
            Event::Html(_) if !in_html_block => {
                push_raw_html(&mut out.raw_html, text, range.clone());
            }
            _ => {}
        }
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

fn push_raw_html(out: &mut Vec<RawHtml>, text: &str, range: std::ops::Range<usize>) {
    let Some(html) = text.get(range.clone()) else {
        return;
    };
    out.extend(active_tags(html).into_iter().map(|mut r| {
        r.offset += range.start;
        r
    }));
}

/// The start tags of `html` that act rather than show ([`RawHtmlKind`]),
/// one finding per tag. Comments are skipped, and so is the text inside
/// `<script>` and `<style>`, which is code, not tags.
pub fn active_tags(html: &str) -> Vec<RawHtml> {
    let lower = html.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = lower.get(i..).and_then(|rest| rest.find('<')) {
        let at = i + rel;
        if lower[at..].starts_with("<!--") {
            i = lower[at + 4..]
                .find("-->")
                .map_or(b.len(), |e| at + 4 + e + 3);
            continue;
        }
        let name_len = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        if name_len == 0 || !b[at + 1].is_ascii_alphabetic() {
            i = at + 1;
            continue;
        }
        let name = &lower[at + 1..at + 1 + name_len];
        let (attrs, end) = attributes(&lower, at + 1 + name_len);
        let kind = if let Some(e) = ACTIVE_ELEMENTS.iter().find(|e| **e == name) {
            Some(RawHtmlKind::Element(e))
        } else if name == "meta" && attrs.iter().any(|(a, _)| *a == "http-equiv") {
            Some(RawHtmlKind::MetaHttpEquiv)
        } else {
            attrs
                .iter()
                .find(|(a, valued)| {
                    *valued
                        && a.len() > 2
                        && a.starts_with("on")
                        && a.bytes().all(|c| c.is_ascii_alphabetic())
                })
                .map(|(a, _)| RawHtmlKind::Handler((*a).to_owned()))
        };
        if let Some(kind) = kind {
            out.push(RawHtml {
                offset: at,
                len: end - at,
                kind,
            });
        }
        i = match name {
            "script" | "style" => lower[end..]
                .find(&format!("</{name}"))
                .map_or(b.len(), |e| end + e),
            _ => end,
        };
    }
    out
}

/// The attributes of a start tag from `from` (after its name): each name
/// and whether it has a value, and where the tag ends (after `>`).
fn attributes(tag: &str, from: usize) -> (Vec<(&str, bool)>, usize) {
    let b = tag.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    let mut attrs = Vec::new();
    let mut j = from;
    loop {
        while j < b.len() && (space(b[j]) || b[j] == b'/') {
            j += 1;
        }
        if j >= b.len() {
            return (attrs, b.len());
        }
        if b[j] == b'>' {
            return (attrs, j + 1);
        }
        let start = j;
        while j < b.len() && !space(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        // A stray `=` or quote: step over it so the scan always advances.
        let name = &tag[start..j.max(start + 1).min(b.len())];
        j = j.max(start + 1);
        let mut k = j;
        while k < b.len() && space(b[k]) {
            k += 1;
        }
        let valued = b.get(k) == Some(&b'=');
        if valued {
            k += 1;
            while k < b.len() && space(b[k]) {
                k += 1;
            }
            j = match b.get(k) {
                Some(q @ (b'"' | b'\'')) => tag[k + 1..]
                    .find(*q as char)
                    .map_or(b.len(), |e| k + 1 + e + 1),
                _ => (k..b.len())
                    .find(|&m| space(b[m]) || b[m] == b'>')
                    .unwrap_or(b.len()),
            };
        }
        attrs.push((name, valued));
    }
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
    render_inline_linking(text, &Numbers::default())
}

/// [`render_inline`], with each of `numbers` typed in the text a `tel:` link.
pub fn render_inline_linking(text: &str, numbers: &Numbers) -> Rendered {
    let mut r = render_linking(text, numbers);
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

/// Heading ids already given on a page. A set and a next-suffix counter
/// per base id keep this linear: a page of thousands of identical headings
/// (a pasted log) must not take quadratic time or worse.
#[derive(Default)]
struct UsedIds {
    used: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

impl UsedIds {
    /// `base` if free, else the first free `base-1`, `base-2`, …; marked used.
    fn claim(&mut self, base: &str) -> String {
        let mut id = base.to_owned();
        if self.used.contains(&id) {
            let n = self.next.entry(base.to_owned()).or_insert(1);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !self.used.contains(&id) {
                    break;
                }
            }
        }
        self.used.insert(id.clone());
        id
    }
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
/// scheme (`&#106;avascript:`, `javascript&colon;`). Numeric references are
/// read as browsers read them: any number of digits (leading zeros too) and
/// the `;` optional (`&#106avascript:` is `javascript:` to a browser).
fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        match char_ref(rest) {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// The character reference at the start of `s` (just after a `&`) and the
/// bytes it spans: numeric, or one of the names that can spell a scheme.
fn char_ref(s: &str) -> Option<(char, usize)> {
    if let Some(num) = s.strip_prefix('#') {
        let (radix, skip) = match num.as_bytes().first() {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let digits = s[skip..]
            .bytes()
            .take_while(|b| char::from(*b).is_digit(radix))
            .count();
        if digits == 0 {
            return None;
        }
        // Saturate past the last code point: it decodes to U+FFFD anyway.
        let value = s[skip..skip + digits].chars().fold(0u32, |v, d| {
            v.saturating_mul(radix)
                .saturating_add(d.to_digit(radix).unwrap_or(0))
                .min(0x11_0000)
        });
        let c = char::from_u32(value)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{fffd}');
        let semi = usize::from(s[skip + digits..].starts_with(';'));
        return Some((c, skip + digits + semi));
    }
    [("colon;", ':'), ("tab;", '\t'), ("newline;", '\n')]
        .into_iter()
        .find(|(name, _)| s.starts_with(name))
        .map(|(name, c)| (c, name.len()))
}

#[cfg(test)]
mod tests;
