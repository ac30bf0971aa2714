//! Stage 3: [`SourceSet`] → typed [`Document`]s, one per content file.
//!
//! Splits front matter from the Markdown body, parses the YAML through
//! [`yaml`], checks each key belongs to the file's kind, and validates values
//! (slugs, enums, dates, phones). Every value that can be wrong later (a
//! reference to another file) keeps its position as a [`Located`]. Does not
//! resolve references across files: that is `model`'s job.

pub mod checklist;
mod findings;
pub mod front_matter;
mod keys;
pub mod markup;
mod wrong_value;
pub mod yaml;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use crate::source::{Section, SourceFile, SourceKind, SourceSet};

pub use checklist::{ChecklistDoc, ItemDoc};
pub use front_matter::{
    Address, Audience, Availability, AvailabilityDoc, Common, Contact, Eligibility, EventDoc, Faq,
    Geo, Hours, LocalTime, LocationDoc, LocationLine, PHASES, PageDoc, PhysicianDoc, ReferralDoc,
    Referring, SPECIALTIES, ServiceDoc, TrialDoc, TrialStatus, Update, Urgency, VisitType, Wait,
    is_nct_id,
};

/// A value from a file, with where it was written (byte offset and length
/// in the file), so later stages can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub offset: usize,
    pub len: usize,
}

impl<T> Located<T> {
    pub fn new(value: T, offset: usize, len: usize) -> Self {
        Located { value, offset, len }
    }
}

/// One parsed content file. `file` fields index `SourceSet::files`.
#[derive(Debug, Clone)]
pub enum Document {
    Home(PageDoc),
    Section(Section, PageDoc),
    Page(PageDoc),
    Service(ServiceDoc),
    Referral(ReferralDoc),
    Location(LocationDoc),
    Physician(PhysicianDoc),
    Checklist(ChecklistDoc),
    Event(EventDoc),
    Trial(TrialDoc),
}

/// Parses every source file in parallel; findings of all files are kept.
/// A file with findings whose values could still be read (a wrong value
/// left at its default) keeps its document too: when every file gave one,
/// the references between files can be checked in the same run.
pub fn parse_all(set: &SourceSet) -> (Vec<Document>, Diagnostics) {
    let results: Vec<(Option<Document>, Diagnostics)> = set
        .files
        .par_iter()
        .enumerate()
        .map(|(i, file)| read_file(i, file))
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    let mut diags = Diagnostics::new();
    for (doc, d) in results {
        docs.extend(doc);
        diags.extend(d);
    }
    (docs, diags)
}

/// Parses one file; warnings ride along inside the document's `warnings`.
pub fn parse_file(index: usize, file: &SourceFile) -> Result<Document, Diagnostics> {
    match read_file(index, file) {
        (Some(doc), diags) if !diags.has_errors() => Ok(doc),
        (_, diags) => Err(diags),
    }
}

/// One file's document, if it could be read, and all its findings.
fn read_file(index: usize, file: &SourceFile) -> (Option<Document>, Diagnostics) {
    let (doc, mut diags) = read_kind(index, file);
    match too_much_markup(&file.rel, &file.text) {
        None => (doc, diags),
        Some(d) => {
            diags.push(d);
            (None, diags)
        }
    }
}

/// A content file with more Markdown markup than a page can be rendered
/// from in bounded memory ([`markup::MAX_MARKUP`]): its body, its
/// front matter's FAQ answers or its checklist details. Like a file over
/// the size limit, it is a finding about the whole file.
pub fn too_much_markup(rel: &str, text: &str) -> Option<Diagnostic> {
    let max = markup::MAX_MARKUP;
    markup::weight_over(text, max).map(|weight| {
        Diagnostic::new(
            Code::FileTooLarge,
            format!(
                "this file holds too much Markdown markup to render: {weight} symbols (`[`, `*`, `>`, `|` …) and lines, where handoff takes up to {max}"
            ),
        )
        .in_file(rel.to_owned())
        .with_hint("split it into several pages, and look for a run of symbols pasted by mistake")
    })
}

fn read_kind(index: usize, file: &SourceFile) -> (Option<Document>, Diagnostics) {
    use front_matter::{Kind, read_page};
    let page = |kind| read_page(index, file, kind);
    match file.kind {
        SourceKind::Checklist => match checklist::parse(index, file) {
            Ok(doc) => (Some(Document::Checklist(doc)), Diagnostics::new()),
            Err(diags) => (None, diags),
        },
        SourceKind::Home => {
            let (p, d) = page(Kind::Plain);
            (p.map(|p| Document::Home(p.into_page())), d)
        }
        SourceKind::Page => {
            let (p, d) = page(Kind::Plain);
            (p.map(|p| Document::Page(p.into_page())), d)
        }
        SourceKind::SectionIndex(s) => {
            let (p, d) = page(Kind::Plain);
            (p.map(|p| Document::Section(s, p.into_page())), d)
        }
        SourceKind::Entry(section) => {
            let kind = match section {
                Section::Services => Kind::Service,
                Section::Referrals => Kind::Referral,
                Section::Locations => Kind::Location,
                Section::Physicians => Kind::Physician,
                Section::Events => Kind::Event,
                Section::Trials => Kind::Trial,
            };
            let (p, d) = page(kind);
            (p.map(front_matter::Parsed::into_document), d)
        }
    }
}

/// Front matter and body of a Markdown file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the YAML between the `---` lines.
    pub yaml_start: usize,
    pub yaml_end: usize,
    /// Where the Markdown body starts.
    pub body_start: usize,
}

/// Where the front-matter key `key` of a page is written (a byte offset in
/// `text`), to place findings about the whole page on the line to change.
pub fn front_matter_key(text: &str, key: &str) -> Option<usize> {
    let s = split_front_matter(text).ok()?;
    yaml::locate(
        &text[s.yaml_start..s.yaml_end],
        &[yaml::Seg::Key(key.to_owned())],
    )
    .map(|(at, _, _)| s.yaml_start + at)
}

/// Finds the front matter: a first line `---`, YAML, a line `---`.
pub fn split_front_matter(text: &str) -> Result<Split, Diagnostic> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        let message = if text.trim().is_empty() {
            "this file is empty; a page starts with front matter between `---` lines"
        } else {
            "this page does not start with front matter (a `---` line)"
        };
        return Err(Diagnostic::new(Code::FrontMatterUnclosed, message)
            .at(text, Span::new(1, 1, first_line_end.min(3)))
            .with_hint("start the file with `---`, then `title: …`, then another `---` line"));
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut at = yaml_start;
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        if text[at..end].trim_end() == "---" {
            return Ok(Split {
                yaml_start,
                yaml_end: at,
                body_start: (end + 1).min(text.len()),
            });
        }
        at = end + 1;
    }
    Err(Diagnostic::new(
        Code::FrontMatterUnclosed,
        "the front matter opened on line 1 is never closed",
    )
    .at(text, Span::new(1, 1, 3))
    .with_hint("add a line with only `---` after the last front-matter key"))
}

/// Checks a slug: lower-case letters, digits and hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A file-name slug: the file's stem, as written.
pub fn file_stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_splits_at_the_closing_line() {
        let text = "---\ntitle: A\n---\nBody\n";
        let s = split_front_matter(text).unwrap();
        assert_eq!(&text[s.yaml_start..s.yaml_end], "title: A\n");
        assert_eq!(&text[s.body_start..], "Body\n");
        let s = split_front_matter("---\ntitle: A\n---").unwrap();
        assert_eq!(s.body_start, "---\ntitle: A\n---".len());
    }

    #[test]
    fn front_matter_keys_are_found_in_the_front_matter_only() {
        let text = "---\ntitle: A\nslug: a\n---\nslug: not a key here\n";
        assert_eq!(front_matter_key(text, "title"), Some(4));
        assert_eq!(front_matter_key(text, "slug"), text.find("slug: a"));
        assert_eq!(
            front_matter_key("---\ntitle: A\n---\nslug: b\n", "slug"),
            None
        );
        assert_eq!(front_matter_key("no front matter\n", "title"), None);
    }

    #[test]
    fn unclosed_and_missing_front_matter_are_findings() {
        assert_eq!(
            split_front_matter("---\ntitle: A\n").unwrap_err().code,
            Code::FrontMatterUnclosed
        );
        assert_eq!(
            split_front_matter("").unwrap_err().code,
            Code::FrontMatterUnclosed
        );
        assert_eq!(
            split_front_matter("# Title\n").unwrap_err().code,
            Code::FrontMatterUnclosed
        );
    }
}
