//! Where the build may read: the walk over a folder of the site and the
//! containment rule every read goes through.
//!
//! [`walk`] lists the files of a folder the way every stage sees them
//! (sorted, hidden and editor files skipped, links followed only inside the
//! site); [`inside`] is the one place that decides whether a path, through
//! its links, lies in the site (E019 when not).

use std::path::{Path, PathBuf};

use super::read::unreadable;
use crate::diag::{Code, Diagnostic, Diagnostics, display_path};

/// Lists files under `dir`, skipping hidden and editor temporary files.
/// Sorted for determinism.
///
/// Symlinks are followed only where they land inside the site ([`inside`]):
/// each link is resolved once, before anything behind it is opened, so a
/// link out of the site is a finding (E019) and its target is never listed
/// or read. A link back to a folder the walk is in is a loop (E018).
pub(super) fn walk(dir: &Path, root: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
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
pub(super) fn inside(site: &Path, root: &Path, path: &Path) -> Result<PathBuf, Diagnostic> {
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

/// Hidden files and the temporary files editors write beside the real one.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
