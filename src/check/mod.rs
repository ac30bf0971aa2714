//! `handoff check` audits (SPEC §9): what a build does not need but a
//! writer and a referral partner do.
//!
//! Runs over the frozen [`Site`] plus an [`AuditSink`] that saw every file a
//! build would write (names and anchor ids only; it writes nothing):
//! internal links and `#anchors`, referenced files, image alt text,
//! duplicate titles, NAP drift in Markdown bodies, raw HTML that acts
//! (`<script>`, `<form>`, `on*=`…) in bodies and checklist details, referral
//! completeness per service line, structured-data completeness per
//! location, events without registration or place, `[intake]` values that are still placeholders (`intake.rs`),
//! and `TODO:` notes left in site.toml or content (`placeholders.rs`).

mod availability;
mod intake;
mod placeholders;

pub(crate) use availability::stale as stale_availability;
pub(crate) use placeholders::todo_notes;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::content::Urgency;
use crate::content::yaml::{Node, Positions, Seg};
use crate::diag::{Code, Diagnostic, Diagnostics, closest};
use crate::model::{Page, PageKind, Site};
use crate::output::OutputSink;
use crate::phone::Phone;
use crate::render::markdown::{self, RawHtmlKind};
use crate::source::{SourceFile, SourceSet};

/// Records what a build would write: every path, and the ids in each HTML file.
#[derive(Default)]
pub struct AuditSink {
    files: Mutex<BTreeMap<String, BTreeSet<String>>>,
}

impl AuditSink {
    pub fn into_files(self) -> BTreeMap<String, BTreeSet<String>> {
        self.files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn record(&self, rel: &str, ids: BTreeSet<String>) {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_owned(), ids);
    }
}

impl OutputSink for AuditSink {
    fn put(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let ids = if rel.ends_with(".html") {
            html_ids(&String::from_utf8_lossy(bytes))
        } else {
            BTreeSet::new()
        };
        self.record(rel, ids);
        Ok(())
    }

    fn copy(&self, rel: &str, _from: &std::path::Path) -> anyhow::Result<()> {
        self.record(rel, BTreeSet::new());
        Ok(())
    }
}

/// Passes every file on to `inner` and records its path: what `build`
/// needs for [`broken_page_links`], without reading the pages again.
pub struct PathRecorder<'a> {
    inner: &'a dyn OutputSink,
    paths: Mutex<BTreeMap<String, BTreeSet<String>>>,
}

impl<'a> PathRecorder<'a> {
    pub fn new(inner: &'a dyn OutputSink) -> Self {
        PathRecorder {
            inner,
            paths: Mutex::default(),
        }
    }

    /// Every path written, each with no ids (anchors stay `check`'s).
    pub fn into_paths(self) -> BTreeMap<String, BTreeSet<String>> {
        self.paths
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn record(&self, rel: &str) {
        self.paths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_owned(), BTreeSet::new());
    }
}

impl OutputSink for PathRecorder<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.record(rel);
        self.inner.put(rel, bytes)
    }

    fn copy(&self, rel: &str, from: &std::path::Path) -> anyhow::Result<()> {
        self.record(rel);
        self.inner.copy(rel, from)
    }
}

/// E050 alone, for `build` (as Zola's build fails on a dead internal
/// link): Markdown links to a page the build does not write. Anchors
/// (E051) and files (E052) stay `check`'s, which reads every page's ids.
pub fn broken_page_links(
    site: &Site,
    sources: &SourceSet,
    written: &BTreeMap<String, BTreeSet<String>>,
) -> Diagnostics {
    // Each body parsed again for its links: in parallel, pages in order.
    let per_page: Vec<Vec<Diagnostic>> = site
        .pages
        .par_iter()
        .map(|page| {
            let Some((file, start)) = page.body else {
                return Vec::new();
            };
            let f = &sources.files[file];
            markdown::audit(&f.text[start..])
                .links
                .into_iter()
                .filter_map(|link| {
                    let (code @ Code::BrokenLink, message, hint) =
                        check_link(&page.path, &link.dest, false, written)?
                    else {
                        return None;
                    };
                    Some(
                        Diagnostic::new(code, message)
                            .in_file(f.rel.clone())
                            .at_offset(&f.text, start + link.offset, link.len)
                            .with_hint_opt(hint),
                    )
                })
                .collect()
        })
        .collect();
    per_page.into_iter().flatten().collect()
}

/// Every `id` attribute value in an HTML document (quoted or not).
fn html_ids(html: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(rel) = html[from..].find("id=") {
        let at = from + rel;
        from = at + 3;
        if at == 0 || !matches!(bytes[at - 1], b' ' | b'\n' | b'\t') {
            continue;
        }
        let value = &html[from..];
        let id = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split([' ', '>', '\t', '\n']).next().unwrap_or(""),
        };
        if !id.is_empty() {
            ids.insert(id.to_owned());
        }
    }
    ids
}

/// Runs every audit.
pub fn audit(
    site: &Site,
    sources: &SourceSet,
    written: &BTreeMap<String, BTreeSet<String>>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let nap = Nap::of(site);
    for page in &site.pages {
        if let Some((file, start)) = page.body {
            let prefix = site.config.base_url.path();
            let f = &sources.files[file];
            diags.extend(audit_body(page, f, start, &nap, written, prefix));
        }
    }
    diags.extend(duplicate_titles(site, sources));
    diags.extend(completeness(site, sources));
    diags.extend(events(site, sources));
    diags.extend(checklist_raw_html(site, sources));
    diags.extend(intake::placeholders(&site.config));
    diags
}

/// The audits of one page's Markdown body: links and anchors, images'
/// alt text, raw HTML, and phone numbers or emails that are not the
/// practice's (in text and in `tel:`/`mailto:` links).
fn audit_body(
    page: &Page,
    f: &SourceFile,
    start: usize,
    nap: &Nap,
    written: &BTreeMap<String, BTreeSet<String>>,
    prefix: &str,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let scan = markdown::audit(&f.text[start..]);
    let at = |offset: usize, len: usize, code: Code, message: String| {
        Diagnostic::new(code, message)
            .in_file(f.rel.clone())
            .at_offset(&f.text, start + offset, len)
    };
    for link in scan.links.iter().chain(scan.images.iter().map(|(l, _)| l)) {
        if let Some((code, message, hint)) =
            check_link(&page.path, &link.dest, link.is_image, written)
        {
            let hint = prefix_hint(&page.path, &link.dest, link.is_image, written, prefix).or(hint);
            diags.push(at(link.offset, link.len, code, message).with_hint_opt(hint));
        }
    }
    for (image, alt) in &scan.images {
        if alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            diags.push(
                at(image.offset, image.len, Code::ImageAlt, format!("the image `{}` has no alt text", image.dest))
                    .with_hint("describe the image for people who cannot see it: `![Parking entrance on River St](…)`"),
            );
        }
    }
    for raw in &scan.raw_html {
        let (message, hint) = raw_html_finding(&raw.kind);
        diags.push(at(raw.offset, raw.len, Code::RawHtml, message).with_hint(hint));
    }
    let drift = |found: &str| format!("`{found}` matches no phone, fax or email of the practice");
    for (offset, text) in &scan.text {
        for (rel, len, found) in nap.drift(text) {
            diags.push(
                at(offset + rel, len, Code::NapDrift, drift(&found)).with_hint(nap.hint(&found)),
            );
        }
    }
    for link in &scan.links {
        let found = link
            .dest
            .strip_prefix("tel:")
            .or_else(|| link.dest.strip_prefix("mailto:"));
        if let Some(found) = found
            && nap.is_unknown(found)
        {
            diags.push(
                at(link.offset, link.len, Code::NapDrift, drift(found)).with_hint(nap.hint(found)),
            );
        }
    }
    diags
}

/// W011: pages listed in search (not aliases, not `noindex`) that share a
/// title, each reported at its own `title:`.
fn duplicate_titles(site: &Site, sources: &SourceSet) -> Diagnostics {
    let mut titles: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
    for page in &site.pages {
        if let Some((file, _)) = page.body
            && !matches!(page.kind, PageKind::Alias { .. })
            && !page.noindex
        {
            titles
                .entry(page.title.as_str())
                .or_default()
                .push((file, page.path.as_str()));
        }
    }
    let mut diags = Diagnostics::new();
    for (title, pages) in titles.into_iter().filter(|(_, p)| p.len() > 1) {
        let paths: Vec<&str> = pages.iter().map(|(_, p)| *p).collect();
        for (file, _) in &pages {
            diags.push(at_front_matter_key(
                Diagnostic::new(
                    Code::DuplicateTitle,
                    format!(
                        "the title `{title}` is used by {} pages: {}",
                        pages.len(),
                        paths.join(", ")
                    ),
                )
                .with_hint(
                    "give each page its own title, so search results and tabs tell them apart",
                ),
                sources,
                *file,
                &["title"],
            ));
        }
    }
    diags
}

/// What a raw HTML tag carries and why it matters (W012): it bypasses the
/// checks handoff makes of forms and links, and the site's
/// Content-Security-Policy (`src/render/site_files.rs`) may stop it from working.
fn raw_html_finding(kind: &RawHtmlKind) -> (String, &'static str) {
    match kind {
        RawHtmlKind::Element("form") => (
            "raw HTML `<form>` bypasses the form guardrails: no privacy-policy link, no check that its address may receive patient data, and the Content-Security-Policy may block where it posts".to_owned(),
            "link the forms handoff builds from `[intake]` (`/refer/`, `/request-appointment/`) instead",
        ),
        RawHtmlKind::Element("iframe") => (
            "raw HTML `<iframe>` embeds another site's page: the Content-Security-Policy may block it, and a form inside it bypasses the form guardrails".to_owned(),
            "link the page instead, e.g. `[Map and directions](https://…)`",
        ),
        RawHtmlKind::Element("base") => (
            "raw HTML `<base>` changes where every relative link on the page points; the Content-Security-Policy may block it".to_owned(),
            "remove it and write links as paths on this site, like `/about/`",
        ),
        RawHtmlKind::Element(name) => (
            format!("raw HTML `<{name}>` runs code handoff cannot check; the Content-Security-Policy may block it"),
            "remove it; pages work without script, and a theme's own scripts are allowed",
        ),
        RawHtmlKind::MetaHttpEquiv => (
            "raw HTML `<meta http-equiv>` overrides the server's headers from inside the page (a redirect, a security policy)".to_owned(),
            "remove it; redirect old addresses with `aliases:` in the front matter",
        ),
        RawHtmlKind::Handler(attr) => (
            format!("raw HTML attribute `{attr}=` runs script; the Content-Security-Policy may block it, so it may never run"),
            "remove the attribute; pages work without script",
        ),
    }
}

/// W012 for checklist item details (inline Markdown in a YAML file): each
/// at the tag in the checklist file that writes the item, so an item a
/// checklist inherits is reported once, in its parent.
fn checklist_raw_html(site: &Site, sources: &SourceSet) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for c in site.checklists.values() {
        let found: Vec<(&str, &str, Vec<markdown::RawHtml>)> = c
            .items
            .iter()
            .filter_map(|item| {
                let detail = item.detail.as_deref()?;
                let raw = markdown::audit(detail).raw_html;
                (!raw.is_empty()).then_some((item.id.as_str(), detail, raw))
            })
            .collect();
        if found.is_empty() {
            continue;
        }
        let f = &sources.files[c.file];
        let positions = Positions::of(&f.text);
        for (id, detail, raw) in found {
            let Some(node) = detail_written(&positions, &f.text, id) else {
                continue;
            };
            let source = f.text.get(node.start..node.end).unwrap_or("");
            let mut from = 0;
            for r in raw {
                // The tag as the writer typed it, found in the value's text
                // (quoting and folding can move it); else the value's start.
                let tag = detail.get(r.offset..r.offset + r.len).unwrap_or("");
                let offset = match source.get(from..).and_then(|s| s.find(tag)) {
                    Some(rel) if !tag.is_empty() => {
                        from += rel + tag.len();
                        node.start + from - tag.len()
                    }
                    _ => node.start,
                };
                let (message, hint) = raw_html_finding(&r.kind);
                diags.push(
                    Diagnostic::new(Code::RawHtml, message)
                        .in_file(f.rel.clone())
                        .at_offset(&f.text, offset, r.len)
                        .with_hint(hint),
                );
            }
        }
    }
    diags
}

/// The `detail:` value of item `id` as the checklist file `text` writes it;
/// `None` for an item the file does not write (it inherits it).
fn detail_written<'p>(positions: &'p Positions, text: &str, id: &str) -> Option<&'p Node> {
    let path = |k: usize, key: &str| {
        let mut p = vec![Seg::Key("items".to_owned()), Seg::Index(k)];
        p.extend((!key.is_empty()).then(|| Seg::Key(key.to_owned())));
        p
    };
    let written_id = |k: usize| {
        let node = positions.find(&path(k, "id"))?.value?;
        text.get(node.start..node.end)
            .map(|w| w.trim_matches(['"', '\'']))
    };
    let k = (0..)
        .map_while(|k| positions.find(&path(k, "")).map(|_| k))
        .find(|&k| written_id(k) == Some(id))?;
    positions.find(&path(k, "detail"))?.value
}

type LinkFinding = (Code, String, Option<String>);

/// Checks one link of the page at `page_path`. External links are not
/// followed (CI has no network and they are not ours to fix).
fn check_link(
    page_path: &str,
    dest: &str,
    is_image: bool,
    written: &BTreeMap<String, BTreeSet<String>>,
) -> Option<LinkFinding> {
    let dest = dest.trim();
    if dest.is_empty()
        || dest.starts_with("//")
        || dest.contains(':') && !dest.starts_with('/') && !dest.starts_with('#')
    {
        return None;
    }
    let (path_part, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path_part = path_part.split('?').next().unwrap_or(path_part);
    let target = if path_part.is_empty() {
        page_path.to_owned()
    } else {
        resolve(page_path, path_part)
    };
    let file = target_file(&target, written);
    let Some(file) = file else {
        let known: Vec<&str> = written.keys().map(String::as_str).collect();
        let wanted = target.trim_start_matches('/');
        let hint = closest(wanted, known.iter().copied())
            .map(|c| format!("did you mean `/{}`?", c.trim_end_matches("index.html")));
        let (code, what) = if is_image {
            (Code::MissingFile, "image")
        } else if looks_like_file(&target) {
            (Code::MissingFile, "file")
        } else {
            (Code::BrokenLink, "page")
        };
        return Some((
            code,
            format!("the {what} `{dest}` does not exist on this site"),
            hint.or_else(|| {
                Some(
                    "check the address; pages end in `/`, e.g. `/services/medical-oncology/`"
                        .into(),
                )
            }),
        ));
    };
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let ids = &written[&file];
    if ids.contains(fragment) {
        return None;
    }
    let hint =
        closest(fragment, ids.iter().map(String::as_str)).map(|c| format!("did you mean `#{c}`?"));
    Some((Code::BrokenAnchor, format!("`{dest}`: the page has no section `#{fragment}`"), hint.or_else(|| Some("link a heading's id; headings get ids from their text, e.g. `## What to send` → `#what-to-send`".into()))))
}

/// The hint for a broken link that would work without `base_url`'s path
/// (`/clinic/services/x/`): writers link from the site's root and the build
/// adds the prefix, so a typed one would be there twice.
fn prefix_hint(
    page_path: &str,
    dest: &str,
    is_image: bool,
    written: &BTreeMap<String, BTreeSet<String>>,
    prefix: &str,
) -> Option<String> {
    let rest = dest
        .trim()
        .strip_prefix(prefix)
        .filter(|r| r.starts_with('/'))?;
    (!prefix.is_empty() && check_link(page_path, rest, is_image, written).is_none()).then(|| {
        format!("write `{rest}`: links start at the site's root and the build adds `{prefix}` from `base_url`")
    })
}

fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Resolves a link against the page's path like a browser would.
fn resolve(page_path: &str, link: &str) -> String {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        page_path
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    };
    let trailing = link.ends_with('/') || link.ends_with("/.") || link.ends_with("/..");
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The output file a site path is served from, if the build writes it.
fn target_file(target: &str, written: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    let rel = target.trim_start_matches('/');
    let candidates = if rel.is_empty() {
        vec!["index.html".to_owned()]
    } else if rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_owned(), format!("{rel}/index.html")]
    };
    let decoded: Vec<String> = candidates
        .iter()
        .map(|c| crate::escape::percent_decode(c).lossy())
        .collect();
    candidates
        .into_iter()
        .chain(decoded)
        .find(|c| written.contains_key(c))
}

/// The practice's known numbers and addresses (NAP), for drift checks.
struct Nap {
    phones: BTreeSet<String>,
    emails: BTreeSet<String>,
    /// Display forms, for hints.
    shown: Vec<String>,
}

impl Nap {
    fn of(site: &Site) -> Nap {
        let mut phones: Vec<&Phone> = Vec::new();
        let mut emails: Vec<&str> = Vec::new();
        let o = &site.config.organization;
        phones.extend(o.phone.iter().chain(o.fax.iter()));
        emails.extend(o.email.as_deref());
        for l in &site.locations {
            phones.extend(l.phone.iter().chain(l.fax.iter()));
            phones.extend(l.referral_phone.iter().chain(l.referral_fax.iter()));
        }
        for s in &site.services {
            let r = &s.referring;
            phones.extend(r.phone.iter().chain(r.fax.iter()));
            emails.extend(r.email.as_deref());
            let here = s.by_location.values();
            let contacts = r
                .contacts
                .iter()
                .chain(here.clone().flat_map(|l| &l.contacts));
            for c in contacts {
                phones.extend(c.phone.iter());
                emails.extend(c.email.as_deref());
            }
            for l in here {
                phones.extend(l.phone.iter().chain(l.fax.iter()));
            }
        }
        // A trial's team is reached at its contact's number and address.
        for c in site.trials.iter().filter_map(|t| t.contact.as_ref()) {
            phones.extend(c.phone.iter());
            emails.extend(c.email.as_deref());
        }
        let mut shown: Vec<String> = phones.iter().map(|p| p.display.clone()).collect();
        shown.sort();
        shown.dedup();
        Nap {
            phones: phones.iter().map(|p| p.e164.clone()).collect(),
            emails: emails.iter().map(|e| e.to_lowercase()).collect(),
            shown,
        }
    }

    fn is_unknown(&self, found: &str) -> bool {
        if found.contains('@') {
            return !self.emails.contains(&found.to_lowercase());
        }
        match Phone::parse(found) {
            Ok(p) => !self.phones.contains(&p.e164) && !is_emergency(&p),
            Err(_) => false,
        }
    }

    /// Phone numbers and emails in `text` that are not the practice's:
    /// `(offset, len, text)`.
    fn drift(&self, text: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        for (at, len) in phone_candidates(text)
            .into_iter()
            .chain(email_candidates(text))
        {
            let found = &text[at..at + len];
            if self.is_unknown(found) {
                out.push((at, len, found.to_owned()));
            }
        }
        out.sort();
        out
    }

    fn hint(&self, found: &str) -> String {
        if found.contains('@') {
            let known: Vec<&str> = self.emails.iter().map(String::as_str).collect();
            return match closest(&found.to_lowercase(), known.iter().copied()) {
                Some(c) => format!("did you mean `{c}`? Emails come from site.toml and the referring blocks"),
                None => "use an address from site.toml or a service's `referring` block, or add it there first".to_owned(),
            };
        }
        let list = self
            .shown
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "the practice's numbers are {list}; use one of them, or add the new number to site.toml, a location or a referring block"
        )
    }
}

/// 911 and similar short codes are not practice numbers and never drift.
fn is_emergency(p: &Phone) -> bool {
    p.e164.len() <= 5
}

/// Runs of digits and phone punctuation with 10 or 11 digits.
fn phone_candidates(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_digit()
            || (c == b'+' || c == b'(') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            let start = i;
            let mut end = i;
            let mut digits = 0;
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_ascii_digit()
                    || matches!(bytes[j], b'+' | b'(' | b')' | b'-' | b'.' | b' '))
            {
                if bytes[j].is_ascii_digit() {
                    digits += 1;
                    end = j + 1;
                }
                j += 1;
            }
            let preceded = start > 0 && (bytes[start - 1].is_ascii_alphanumeric());
            if (10..=11).contains(&digits) && !preceded {
                out.push((start, end - start));
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

fn email_candidates(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let is_part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_part(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = text[at + 1..]
            .char_indices()
            .take_while(|(_, c)| is_part(*c))
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        let candidate = text[start..end].trim_end_matches('.');
        if crate::values::is_email(candidate) {
            out.push((start, candidate.len()));
        }
    }
    out
}

/// Referral completeness per service line (SPEC §6), structured-data
/// completeness per location (SPEC §9), and a contact for every recruiting
/// trial.
fn completeness(site: &Site, sources: &SourceSet) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let file_of = |path: &str| {
        site.pages
            .iter()
            .find(|p| p.path == path)
            .and_then(|p| p.body)
            .map(|(file, _)| file)
    };
    for s in &site.services {
        let r = &s.referring;
        let mut missing: Vec<(String, &str)> = Vec::new();
        if s.checklist.is_none() {
            missing.push((
                "checklist".into(),
                "add `checklist: <id>` naming a file in `content/checklists/`",
            ));
        }
        if r.response_time.is_none() {
            missing.push((
                "response-time promise".into(),
                "add `referring.response_time`, e.g. \"We confirm receipt the same business day.\"",
            ));
        }
        if r.phone.is_none()
            && r.fax.is_none()
            && r.email.is_none()
            && r.portal.is_none()
            && site.config.intake.is_none()
        {
            missing.push(("way to refer".into(), "add `referring.phone`, `fax`, `email` or `portal`, or configure `[intake]` for the online form"));
        }
        if r.contacts.is_empty() {
            missing.push((
                "named contact".into(),
                "add `referring.contacts` with the referral coordinator or physician liaison",
            ));
        }
        // A reason marked urgent sends the office to the phone: the
        // service must say whom to call.
        let urgent_reasons: Vec<&str> = s
            .reasons
            .iter()
            .map(|&i| &site.referrals[i])
            .filter(|reason| reason.urgency == Urgency::Urgent)
            .map(|reason| reason.title.as_str())
            .collect();
        if r.urgent.is_none() {
            missing.push(if urgent_reasons.is_empty() {
                (
                    "urgent escalation".to_owned(),
                    "add `referring.urgent`: whom to call, and when, for urgent cases",
                )
            } else {
                (
                    format!(
                        "urgent escalation, yet its urgent referral reasons ({}) send offices to the phone",
                        urgent_reasons.join(", ")
                    ),
                    "add `referring.urgent`: whom to call, and what to say, for an urgent referral",
                )
            });
        }
        if r.updates.is_empty() && r.results.is_none() {
            missing.push((
                "word on how the referring office hears back".to_owned(),
                "add `referring.updates` (each step with its timing, e.g. `- step: Referral received` and `timing: same business day`) or `referring.results`",
            ));
        }
        for (what, hint) in missing {
            let mut d = Diagnostic::new(
                Code::ReferralIncomplete,
                format!("the referring section of `{}` has no {what}", s.title),
            )
            .with_hint(hint);
            if let Some(file) = file_of(&s.path) {
                d = at_front_matter_key(d, sources, file, &["referring", "title"]);
            }
            diags.push(d);
        }
    }
    for l in &site.locations {
        let mut missing = Vec::new();
        if l.geo.is_none() {
            missing.push((
                "geo",
                "`geo` coordinates",
                "add `geo: { lat: …, lng: … }` so maps place the clinic",
            ));
        }
        if l.hours.is_empty() {
            missing.push(("hours", "opening `hours`", "add `hours: [{ days: [Mo, Tu, We, Th, Fr], opens: \"08:00\", closes: \"17:00\" }]`"));
        }
        if l.phone.is_none() {
            missing.push(("phone", "`phone`", "add the location's main phone number"));
        }
        for (key, what, hint) in missing {
            let mut d = Diagnostic::new(
                Code::StructuredDataIncomplete,
                format!(
                    "the location `{}` has no {what} for search engines and maps",
                    l.title
                ),
            )
            .with_hint(hint);
            if let Some(file) = file_of(&l.path) {
                d = at_front_matter_key(d, sources, file, &[key, "title"]);
            }
            diags.push(d);
        }
    }
    for t in site
        .trials
        .iter()
        .filter(|t| t.recruiting() && t.contact.is_none())
    {
        let d = Diagnostic::new(
            Code::TrialWithoutContact,
            format!(
                "the trial `{}` is recruiting but names no one to ask about it",
                t.title
            ),
        )
        .with_hint("add `contact: { role: Research nurse, name: …, phone: \"…\", email: … }`: the trial's page and its thanks page name them");
        diags.push(at_front_matter_key(
            d,
            sources,
            t.file,
            &["status", "title"],
        ));
    }
    diags
}

/// What a referring office needs to attend an event: where to register,
/// and where it happens.
fn events(site: &Site, sources: &SourceSet) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for e in &site.events {
        let mut missing = Vec::new();
        if e.registration.is_none() {
            missing.push((
                "no `registration`",
                "add `registration:` with the `https://` address where offices sign up",
            ));
        }
        if e.location.is_none() && e.online.is_none() {
            missing.push((
                "no place: neither `location` nor `online`",
                "add `location: <location id>` (a file in `content/locations/`) or `online:` with the session's `https://` address",
            ));
        }
        for (what, hint) in missing {
            let d = Diagnostic::new(
                Code::EventIncomplete,
                format!("the event `{}` has {what}", e.title),
            )
            .with_hint(hint);
            diags.push(at_front_matter_key(d, sources, e.file, &["title"]));
        }
    }
    diags
}

/// Places `d` at the first of `keys` written in the front matter of `file`,
/// so editors jump to the line to change; at the file's first line when none
/// is written.
fn at_front_matter_key(
    d: Diagnostic,
    sources: &SourceSet,
    file: usize,
    keys: &[&str],
) -> Diagnostic {
    let f = &sources.files[file];
    let (offset, len) = keys
        .iter()
        .find_map(|key| crate::content::front_matter_key(&f.text, key).map(|at| (at, key.len())))
        .unwrap_or((0, 0));
    d.in_file(f.rel.clone()).at_offset(&f.text, offset, len)
}

#[cfg(test)]
mod tests;
