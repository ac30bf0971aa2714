//! Stage 2: the site folder → [`SourceSet`], the text of every content file.
//!
//! Walks `content/`, classifies each file by its path, and reads it as
//! UTF-8 text (BOM dropped, CRLF made LF so positions stay line-true). Size
//! limits, symlink loops and undecodable bytes become findings here. Parses
//! nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Code, Diagnostic, Diagnostics, display_path};

/// Files larger than this are refused: no real page is 8 MiB of text.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The sections of SPEC §2 that have their own content model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Services,
    Referrals,
    Locations,
    Physicians,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Services,
        Section::Referrals,
        Section::Locations,
        Section::Physicians,
    ];

    pub fn dir(self) -> &'static str {
        match self {
            Section::Services => "services",
            Section::Referrals => "referrals",
            Section::Locations => "locations",
            Section::Physicians => "physicians",
        }
    }

    fn from_dir(dir: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.dir() == dir)
    }
}

/// What a file is, from where it sits under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `content/_index.md`
    Home,
    /// `content/<section>/_index.md`: title and intro of a section index.
    SectionIndex(Section),
    /// `content/<section>/<slug>.md`
    Entry(Section),
    /// `content/checklists/<id>.yaml`
    Checklist,
    /// Any other `.md`: a plain page whose URL comes from its path.
    Page,
}

/// One text file of the site, read and normalised.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root with `/`: `content/services/x.md`.
    pub rel: String,
    pub kind: SourceKind,
    pub text: Arc<str>,
}

/// A non-text file beside the content (an image next to a page), copied as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentAsset {
    /// Path relative to `content/`, with `/`.
    pub rel: String,
    pub path: PathBuf,
}

#[derive(Debug, Clone, Default)]
pub struct SourceSet {
    /// Sorted by `rel`.
    pub files: Vec<SourceFile>,
    pub assets: Vec<ContentAsset>,
}

/// Reads every file under `<root>/content`.
pub fn scan(root: &Path) -> (SourceSet, Diagnostics) {
    let content = root.join("content");
    let mut set = SourceSet::default();
    let mut diags = Diagnostics::new();
    if !content.is_dir() {
        diags.push(
            Diagnostic::new(Code::Unreadable, "the site has no `content/` folder")
                .with_hint("create `content/_index.md` for the home page; `handoff new` makes a working example"),
        );
        return (set, diags);
    }
    for entry in walk(&content, root, &mut diags) {
        let rel_content = display_path(&content, &entry);
        let rel = format!("content/{rel_content}");
        let Some(kind) = classify(&rel_content) else {
            set.assets.push(ContentAsset {
                rel: rel_content,
                path: entry,
            });
            continue;
        };
        match read_text(&entry) {
            Ok(text) => set.files.push(SourceFile {
                rel,
                kind,
                text: text.into(),
            }),
            Err(d) => diags.push(d.in_file(rel)),
        }
    }
    set.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    set.assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    diags.extend(case_collisions(&set));
    (set, diags)
}

/// Files whose paths differ only in case become one file on macOS and
/// Windows checkouts and on many hosts: refuse them everywhere.
fn case_collisions(set: &SourceSet) -> Diagnostics {
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    let mut diags = Diagnostics::new();
    for f in &set.files {
        if let Some(first) = seen.insert(f.rel.to_lowercase(), &f.rel) {
            diags.push(
                Diagnostic::new(
                    Code::Duplicate,
                    format!("`{first}` and `{}` differ only in upper/lower case", f.rel),
                )
                .in_file(f.rel.clone())
                .with_hint("rename one of them: page addresses use lower-case letters only"),
            );
        }
    }
    diags
}

/// Lists files under `dir` (following symlinks, refusing loops), skipping
/// hidden and editor temporary files. Sorted for determinism.
pub fn walk(dir: &Path, root: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(_) => {}
            Err(e) => {
                let file = e.path().map(|p| display_path(root, p));
                let (message, hint) = if e.loop_ancestor().is_some() {
                    (
                        "this folder links back to one of its parents (a symlink loop)",
                        "remove the symlink or point it outside the loop",
                    )
                } else {
                    (
                        "this path cannot be read",
                        "check that the file exists and is readable",
                    )
                };
                let mut d = Diagnostic::new(Code::Unreadable, message).with_hint(hint);
                if let Some(file) = file {
                    d = d.in_file(file);
                }
                diags.push(d);
            }
        }
    }
    files
}

/// Hidden files and the temporary files editors write beside the real one.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

fn classify(rel: &str) -> Option<SourceKind> {
    let parts: Vec<&str> = rel.split('/').collect();
    let ext = rel.rsplit_once('.').map(|(_, e)| e);
    match (parts.as_slice(), ext) {
        (["_index.md"], _) => Some(SourceKind::Home),
        (["checklists", _], Some("yaml" | "yml")) => Some(SourceKind::Checklist),
        ([dir, "_index.md"], _) if Section::from_dir(dir).is_some() => {
            Section::from_dir(dir).map(SourceKind::SectionIndex)
        }
        ([dir, _], Some("md")) if Section::from_dir(dir).is_some() => {
            Section::from_dir(dir).map(SourceKind::Entry)
        }
        (_, Some("md")) => Some(SourceKind::Page),
        _ => None,
    }
}

/// Reads a text file: size-limited, UTF-8, BOM dropped, CRLF → LF.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    use std::io::Read as _;
    let too_large = |len: u64| {
        Diagnostic::new(
            Code::FileTooLarge,
            format!(
                "this file is {} MiB; handoff reads files up to 8 MiB",
                len / (1024 * 1024)
            ),
        )
        .with_hint("split the page, or move large media to `static/`")
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(&e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    // Read at most one byte past the limit: a file that grows after the
    // size check (or a special file that reports size 0) stays bounded.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    decode(bytes)
}

/// Decodes a file's bytes the way [`read_text`] does: UTF-8 or a finding
/// (at the first bad byte), BOM dropped, CRLF → LF. Split from the read so
/// the fuzz targets and tests reach it without a file.
pub fn decode(bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let span = crate::diag::span_of(&good, good.len(), 0);
        Diagnostic::new(
            Code::NotUtf8,
            format!(
                "this file is not UTF-8 text (bad byte at line {}, column {})",
                span.line, span.col
            ),
        )
        .at(&good, span)
        .with_hint("save the file as UTF-8 in your editor")
    })?;
    Ok(normalise(text))
}

fn unreadable(e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::Unreadable, format!("this file cannot be read: {e}"))
        .with_hint("check the file's permissions")
}

/// Drops a byte-order mark and turns CRLF into LF.
pub fn normalise(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_classify_into_kinds() {
        assert_eq!(classify("_index.md"), Some(SourceKind::Home));
        assert_eq!(
            classify("services/_index.md"),
            Some(SourceKind::SectionIndex(Section::Services))
        );
        assert_eq!(
            classify("services/a.md"),
            Some(SourceKind::Entry(Section::Services))
        );
        assert_eq!(classify("checklists/a.yaml"), Some(SourceKind::Checklist));
        assert_eq!(classify("services/deep/a.md"), Some(SourceKind::Page));
        assert_eq!(classify("about.md"), Some(SourceKind::Page));
        assert_eq!(classify("about/photo.jpg"), None);
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(normalise("\u{feff}a\r\nb\r\n".to_owned()), "a\nb\n");
    }
}
