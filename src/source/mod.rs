//! Stage 2: the site folder → what every later stage reads, as plain data.
//!
//! The one module that reads the site's files; later stages receive paths
//! relative to the root and text, never the root itself:
//!
//! ```text
//! content/                       ─ scan ─────────► SourceSet      content files by kind, their images
//! site.toml, a file serve saw    ─ read_site_text ► String
//! themes/<t>/ or the built-in theme ─ locate_theme ► Theme
//! its theme.toml, css/, js/,
//!   static/ and the site's static/ ─ asset_files ─► AssetFiles     (theme::assets builds from it)
//! its templates/ and the
//!   site's templates/            ─ template_files ► TemplateFiles  (theme::templates loads it)
//! ```
//!
//! One rule for each thing that can go wrong with a file, each in one
//! place: where a path may lead (`walk::inside`: every link resolved before
//! anything behind it is opened, E019 when it leaves the site or reaches a
//! hidden file; a folder that links back to its parent is a loop, E018),
//! how large a file may be (`MAX_FILE_BYTES`, E017) and how text is decoded
//! ([`decode`]: UTF-8 or E016, BOM dropped, CRLF made LF so positions stay
//! line-true). Files are classified by their path; nothing is parsed here,
//! except the header of an image for its pixel size.
//!
//! Files a build copies as they are (static files, images beside pages) are
//! listed here, placed in the site by the same rule, and copied by `output`
//! from the path listed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Diagnostics, display_path};

mod images;
mod read;
mod theme;
mod walk;

pub use read::{decode, read_site_text};
pub use theme::{
    AssetFiles, TemplateFiles, TextFile, Theme, asset_files, locate_theme, template_files,
};
pub use walk::is_ignored;

use read::read_text;
use walk::walk;

/// The sections of SPEC §2 that have their own content model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Services,
    Referrals,
    Locations,
    Physicians,
    Events,
    Trials,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Services,
        Section::Referrals,
        Section::Locations,
        Section::Physicians,
        Section::Events,
        Section::Trials,
    ];

    pub fn dir(self) -> &'static str {
        match self {
            Section::Services => "services",
            Section::Referrals => "referrals",
            Section::Locations => "locations",
            Section::Physicians => "physicians",
            Section::Events => "events",
            Section::Trials => "trials",
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

/// A file the build copies as it is: from a theme's or the site's
/// `static/`, or a non-text file beside the content (an image next to a
/// page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// Its path in the output, with `/`: `images/logo.svg` (for a file
    /// beside the content, its path under `content/`).
    pub out: String,
    /// Where `output` copies it from: under the site root as given, placed
    /// inside the site (`walk::inside`) when it was listed.
    pub path: PathBuf,
    /// Width and height in pixels, for the images handoff can measure
    /// (PNG, JPEG, GIF, WebP, AVIF, SVG).
    pub size: Option<(u32, u32)>,
}

impl StaticFile {
    /// A file found at `path`, copied to `out`; images are measured.
    fn listed(out: String, path: PathBuf) -> StaticFile {
        let size = images::size(&path);
        StaticFile { out, path, size }
    }
}

/// The content of the site.
#[derive(Debug, Clone, Default)]
pub struct SourceSet {
    /// Sorted by `rel`.
    pub files: Vec<SourceFile>,
    /// The files beside the content, sorted by `out`.
    pub assets: Vec<StaticFile>,
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
    let mut texts = Vec::new();
    for entry in walk(&content, root, &mut diags) {
        let rel_content = display_path(&content, &entry);
        match classify(&rel_content) {
            Some(kind) => texts.push((format!("content/{rel_content}"), kind, entry)),
            None => set.assets.push(StaticFile::listed(rel_content, entry)),
        }
    }
    // Read in parallel: ten thousand small files are mostly waiting.
    let read: Vec<_> = texts
        .into_par_iter()
        .map(|(rel, kind, entry)| match read_text(&entry) {
            Ok(text) => Ok(SourceFile {
                rel,
                kind,
                text: text.into(),
            }),
            Err(d) => Err(d.in_file(rel)),
        })
        .collect();
    for file in read {
        match file {
            Ok(f) => set.files.push(f),
            Err(d) => diags.push(d),
        }
    }
    set.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    set.assets.sort_by(|a, b| a.out.cmp(&b.out));
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
}
