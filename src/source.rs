//! Stage 2: the site folder → [`SourceSet`], the text of every content file.
//!
//! Walks `content/`, classifies each file by its path, and reads it as
//! UTF-8 text (BOM dropped, CRLF made LF so positions stay line-true). Size
//! limits, symlink loops and undecodable bytes become findings here. Parses
//! nothing.
//!
//! Every read of the site folder goes through this module's walk or
//! [`read_site_text`], and so through [`inside`]: a symlink that leaves the
//! site is refused before anything behind it is opened.

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

/// Lists files under `dir`, skipping hidden and editor temporary files.
/// Sorted for determinism.
///
/// Symlinks are followed only where they land inside the site ([`inside`]):
/// each link is resolved once, before anything behind it is opened, so a
/// link out of the site is a finding (E019) and its target is never listed
/// or read. A link back to a folder the walk is in is a loop (E018).
pub fn walk(dir: &Path, root: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut walker = Walker {
        site: match std::fs::canonicalize(root) {
            Ok(site) => site,
            Err(e) => {
                diags.push(unreadable(&e).in_file(display_path(root, dir)));
                return Vec::new();
            }
        },
        root,
        files: Vec::new(),
        open: Vec::new(),
        diags,
    };
    // The folder itself may lie behind a link (`themes/clinic -> …`).
    match inside(&walker.site, root, dir) {
        Ok(real) if real.is_dir() => walker.walk(dir, &real),
        Ok(_) => {}
        Err(d) => walker.diags.push(d),
    }
    walker.files
}

/// One [`walk`]: the canonical site root and the folders open above the
/// current entry, by their real paths (for loop detection).
struct Walker<'a> {
    site: PathBuf,
    root: &'a Path,
    files: Vec<PathBuf>,
    open: Vec<PathBuf>,
    diags: &'a mut Diagnostics,
}

impl Walker<'_> {
    /// Walks `dir` (whose real path is `real`) without following links;
    /// each link is handed to [`Walker::follow`].
    fn walk(&mut self, dir: &Path, real: &Path) {
        let walker = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !is_ignored(e.file_name().to_string_lossy().as_ref()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => self.files.push(e.into_path()),
                Ok(e) if e.file_type().is_symlink() => {
                    let parent = e.path().parent().unwrap_or(dir);
                    let at = real.join(parent.strip_prefix(dir).unwrap_or(Path::new("")));
                    self.follow(e.path(), at);
                }
                Ok(_) => {}
                Err(e) => {
                    let mut d = Diagnostic::new(Code::Unreadable, "this path cannot be read")
                        .with_hint("check that the file exists and is readable");
                    if let Some(path) = e.path() {
                        d = d.in_file(display_path(self.root, path));
                    }
                    self.diags.push(d);
                }
            }
        }
    }

    /// A link found in the real folder `at`: a file is listed under the
    /// link's own path, a folder walked as if it were there.
    fn follow(&mut self, link: &Path, at: PathBuf) {
        let target = match inside(&self.site, self.root, link) {
            Ok(target) => target,
            Err(d) => {
                self.diags.push(d);
                return;
            }
        };
        if target.is_file() {
            self.files.push(link.to_path_buf());
        } else if target.is_dir() {
            self.open.push(at);
            if self.open.iter().any(|open| open.starts_with(&target)) {
                self.diags.push(
                    Diagnostic::new(
                        Code::Unreadable,
                        "this folder links back to one of its parents (a symlink loop)",
                    )
                    .in_file(display_path(self.root, link))
                    .with_hint("remove the symlink or point it outside the loop"),
                );
            } else {
                self.walk(link, &target);
            }
            self.open.pop();
        }
    }
}

/// The containment rule, the one place it is decided (SPEC §10: nothing
/// outside the site is read or published): `path` resolved through every
/// link on the way must land inside the canonical site root `site`, and
/// not in a hidden file or folder of it (`.git/config` can hold a CI
/// token; the walks skip hidden files, so a link must not reach them
/// either). Returns the real path. `root` is the root as given, for the
/// finding, which names the link and never the target: an absolute path
/// outside the site says something about the machine that ran the build.
pub fn inside(site: &Path, root: &Path, path: &Path) -> Result<PathBuf, Diagnostic> {
    let link = || display_path(root, &first_link(root, path));
    let real = std::fs::canonicalize(path).map_err(|e| {
        Diagnostic::new(Code::Unreadable, format!("this path cannot be read: {e}"))
            .in_file(link())
            .with_hint(
                "check that it exists; a symlink must point at a file or folder inside the site",
            )
    })?;
    let hidden = |rel: &Path| {
        rel.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    };
    match real.strip_prefix(site) {
        Ok(rel) if !hidden(rel) => Ok(real),
        Ok(_) => Err(Diagnostic::new(
            Code::LinkOutsideSite,
            "this symlink points into a hidden file or folder of the site (such as `.git`); handoff does not read it",
        )
        .in_file(link())
        .with_hint("copy the file you mean into `content/` or `static/`, or remove the link")),
        Err(_) => Err(Diagnostic::new(
            Code::LinkOutsideSite,
            "this symlink points outside the site folder; handoff does not read it",
        )
        .in_file(link())
        .with_hint("copy the file you mean into the site folder, or remove the link: a build never reads files from outside the site")),
    }
}

/// The first symlink on the way from `root` to `path` (the link a finding
/// names), or `path` itself.
fn first_link(root: &Path, path: &Path) -> PathBuf {
    let mut at = root.to_path_buf();
    for part in path.strip_prefix(root).unwrap_or(path).components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return at;
        }
    }
    path.to_path_buf()
}

/// Reads a file the build names directly (site.toml, a theme's
/// theme.toml, a file `serve` saw change) as [`read_text`] does, after
/// [`inside`] has placed it in the site. `path` is under `root` (as given);
/// findings name it relative to `root`.
pub fn read_site_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let site = std::fs::canonicalize(root).map_err(|e| unreadable(&e))?;
    inside(&site, root, path)?;
    read_text(path).map_err(|d| d.in_file(display_path(root, path)))
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
    fn links_are_followed_inside_and_loops_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        std::fs::write(root.join("content/a/x.md"), "x").unwrap();
        std::os::unix::fs::symlink("a", root.join("content/b")).unwrap();
        // Back to the site root: a loop, seen from `a` and from `b`.
        std::os::unix::fs::symlink("../..", root.join("content/a/up")).unwrap();
        let mut diags = Diagnostics::new();
        let files = walk(&root.join("content"), root, &mut diags);
        let rels: Vec<String> = files.iter().map(|f| display_path(root, f)).collect();
        assert_eq!(rels, ["content/a/x.md", "content/b/x.md"]);
        let loops: Vec<(Code, Option<&str>)> =
            diags.iter().map(|d| (d.code, d.file.as_deref())).collect();
        assert_eq!(
            loops,
            [
                (Code::Unreadable, Some("content/a/up")),
                (Code::Unreadable, Some("content/b/up"))
            ]
        );
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(normalise("\u{feff}a\r\nb\r\n".to_owned()), "a\nb\n");
    }
}
