//! The only writer of the output folder (SPEC §10).
//!
//! A build writes into a staging folder beside the output
//! (`public.tmp-<pid>`) and swaps it in only when everything succeeded, so a
//! failed build leaves the previous site untouched. handoff replaces only a
//! folder that carries its marker file, so `--output` pointed at someone's
//! documents cannot delete them.
//!
//! ```text
//! public/
//!   .handoff-output         marker: this folder was made by handoff
//!   index.html              the home page
//!   services/<slug>/index.html
//!   css/site.<hash>.css
//!   …                       static files, copied as is
//!   .git, CNAME, .nojekyll  kept from the previous folder (KEPT)
//! ```
//!
//! What a build may replace is decided on the folder's real path (links
//! followed), so every spelling of one folder (`public/`, `./x/../public`, an
//! absolute path, a link to it) is the same folder:
//! - never the site root, a folder that holds it, or one inside `content/`,
//!   `static/`, `templates/` or `themes/`, marker or not ([`Output::claim`]);
//! - a link to a folder is written through: the new site goes into the real
//!   folder and the link stays a link, as rsync and a web server's document
//!   root expect (the staging folder is made beside the real folder, on its
//!   file system, so the swap is a rename);
//! - one build at a time per parent folder: an advisory lock (`flock`) on
//!   the parent, which the kernel releases when the process ends however it
//!   ends, so a killed build never blocks the next one;
//! - the swap exchanges the two folders in one step where the file system can
//!   (`renameat2(RENAME_EXCHANGE)` on Linux): a build killed at any moment
//!   leaves the old or the new site in place and at most one staging folder,
//!   which the next build removes ([`remove_stale`]).

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::diag::{Code, Diagnostic};

pub const MARKER: &str = ".handoff-output";
const MARKER_TEXT: &str = "This folder is written by handoff; the next build replaces it.\n";

/// Files that hosts need and users add to a built folder (a `gh-pages`
/// checkout, a custom domain for GitHub Pages, Jekyll switched off). A build
/// carries them into the new folder unless the site writes one of the same
/// name; everything else in the old folder is replaced.
pub const KEPT: [&str; 3] = [".git", "CNAME", ".nojekyll"];

/// The folders a site is read from; an output inside one would replace them.
const SOURCE_DIRS: [&str; 4] = ["content", "static", "templates", "themes"];

/// Somewhere rendered files go. Shared across rayon workers.
pub trait OutputSink: Sync {
    /// Stores `bytes` at `rel` (a relative path with `/`, never `..`).
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()>;
    /// Copies a file as is.
    fn copy(&self, rel: &str, from: &Path) -> Result<()>;
}

/// The output file of a page path: `/about/` → `about/index.html`.
pub fn output_file(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_owned()
    } else if trimmed.ends_with(".html") {
        trimmed.to_owned()
    } else {
        format!("{}/index.html", trimmed.trim_end_matches('/'))
    }
}

/// The output folder of a build: its real path, checked to be handoff's to
/// replace, and locked against other builds until dropped.
pub struct Output {
    dir: PathBuf,
    _lock: Option<fs::File>,
}

impl Output {
    /// Resolves `output` (any spelling, relative to the working folder) and
    /// checks that a build may replace it; `shown` names it in findings.
    /// Creates the output's parent folders, as the build would.
    pub fn claim(root: &Path, output: &Path, shown: &str) -> Result<Output, Diagnostic> {
        let dir = real_path(output).map_err(|e| refusal(shown, e))?;
        check_location(root, &dir, shown)?;
        let parent = dir.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent).map_err(|e| refusal(shown, e))?;
        let lock = lock(parent, shown)?;
        remove_stale(&dir);
        check_replaceable(&dir, shown)?;
        Ok(Output { dir, _lock: lock })
    }

    /// A fresh staging folder beside the output.
    pub fn stage(&self) -> Result<StagingDir> {
        StagingDir::create(&self.dir)
    }
}

/// A finding for an output folder that cannot be looked at.
fn refusal(shown: &str, e: io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::ForeignOutput,
        format!("the output folder `{shown}` cannot be used: {e}"),
    )
    .with_hint("check that the path and its links exist and may be written")
}

/// `path` made absolute with every link resolved, including a path whose
/// last parts do not exist yet: its nearest existing ancestor is resolved
/// and the rest appended (`..` in the rest taken lexically: nothing there
/// exists to be a link).
fn real_path(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let parts: Vec<Component<'_>> = absolute.components().collect();
    for known in (1..=parts.len()).rev() {
        let existing: PathBuf = parts[..known].iter().collect();
        match fs::canonicalize(&existing) {
            Ok(real) => return Ok(append_lexically(real, &parts[known..])),
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            // A link to nothing: writing through it would create folders
            // somewhere the user never named.
            Err(_) if fs::symlink_metadata(&existing).is_ok_and(|m| m.is_symlink()) => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("`{}` is a link to nothing", existing.display()),
                ));
            }
            Err(_) => {}
        }
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        format!("no part of `{}` exists", absolute.display()),
    ))
}

fn append_lexically(mut base: PathBuf, parts: &[Component<'_>]) -> PathBuf {
    for part in parts {
        match part {
            Component::ParentDir => {
                base.pop();
            }
            Component::Normal(name) => base.push(name),
            _ => {}
        }
    }
    base
}

/// Refuses an output that is the site root, holds it, or lies inside a
/// folder the site is read from; with or without a marker, a build there
/// would replace the site's own files.
fn check_location(root: &Path, dir: &Path, shown: &str) -> Result<(), Diagnostic> {
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let refuse = |what: String| {
        Diagnostic::new(
            Code::ForeignOutput,
            format!("the output folder `{shown}` {what}; a build replaces its output folder whole"),
        )
        .with_hint("point `--output` (or `[build] output_dir`) at a folder of its own, such as `public`, outside `content/`, `static/`, `templates/` and `themes/`")
    };
    if dir == root {
        return Err(refuse("is the site folder itself".to_owned()));
    }
    if root.starts_with(dir) {
        return Err(refuse("holds the site folder".to_owned()));
    }
    for name in SOURCE_DIRS {
        let lexical = root.join(name);
        // The folder may itself be a link elsewhere: check where it lands too.
        let real = fs::canonicalize(&lexical).unwrap_or_else(|_| lexical.clone());
        for source in [&lexical, &real] {
            if dir.starts_with(source) {
                return Err(refuse(format!(
                    "lies inside `{name}/`, which the site is read from"
                )));
            }
            if source.starts_with(dir) {
                return Err(refuse(format!(
                    "holds `{name}/`, which the site is read from"
                )));
            }
        }
    }
    Ok(())
}

/// Takes the lock on `parent` without waiting: a second build of the same
/// folder stops with a finding rather than replace the site the first one is
/// swapping in. `None` where the parent or its file system cannot be locked.
fn lock(parent: &Path, shown: &str) -> Result<Option<fs::File>, Diagnostic> {
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        // A parent that cannot be opened for reading (write and search
        // rights only) can still be built into, unlocked.
        let Ok(file) = fs::File::open(parent) else {
            return Ok(None);
        };
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(file)),
            Err(rustix::io::Errno::WOULDBLOCK) => Err(Diagnostic::new(
                Code::ForeignOutput,
                format!(
                    "another handoff build is writing beside the output folder `{shown}` right now"
                ),
            )
            .with_hint("wait for the other build to finish, then build again")),
            // No locks on this file system (some network mounts): build
            // unlocked rather than not at all.
            Err(_) => Ok(None),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (parent, shown);
        Ok(None)
    }
}

/// Whether `dir/.handoff-output` is a regular file (not a link, not a folder).
fn has_marker(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.file_type().is_file())
}

/// Checks that `dir` may be replaced: absent, empty (but for [`KEPT`] files),
/// or made by handoff.
pub fn check_replaceable(dir: &Path, shown: &str) -> Result<(), Diagnostic> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(_) if dir.is_file() => {
            return Err(Diagnostic::new(
                Code::ForeignOutput,
                format!("the output `{shown}` is a file, not a folder"),
            )
            .with_hint("choose another `--output` folder"));
        }
        Err(e) => {
            return Err(Diagnostic::new(
                Code::ForeignOutput,
                format!("the output folder `{shown}` cannot be read: {e}"),
            )
            .with_hint("check its permissions"));
        }
    };
    let mut foreign = entries
        .flatten()
        .filter(|e| !KEPT.iter().any(|k| e.file_name() == *k));
    if foreign.next().is_none() || has_marker(dir) {
        return Ok(());
    }
    Err(Diagnostic::new(
        Code::ForeignOutput,
        format!(
            "the output folder `{shown}` holds files handoff did not write; refusing to replace it"
        ),
    )
    .with_hint("point `--output` at a new or empty folder (or one an earlier handoff build made)"))
}

/// The staging (`<name>.tmp-<pid>`) or set-aside (`<name>.old-<pid>`) folder
/// of a build of `target`.
fn sibling(target: &Path, kind: &str, pid: u32) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!("{name}.{kind}-{pid}"))
}

/// The pid in the name of a staging or set-aside folder of `target`.
fn sibling_pid(target: &Path, candidate: &str) -> Option<(&'static str, u32)> {
    let name = target.file_name()?.to_str()?;
    let rest = candidate.strip_prefix(name)?;
    ["tmp", "old"].into_iter().find_map(|kind| {
        let digits = rest
            .strip_prefix('.')?
            .strip_prefix(kind)?
            .strip_prefix('-')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((kind, digits.parse().ok()?))
    })
}

/// Whether process `pid` has certainly ended. Unknown (no `/proc`) counts
/// as running: a folder is never removed on a guess.
fn ended(pid: u32) -> bool {
    pid != std::process::id()
        && Path::new("/proc/self").exists()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes the staging and set-aside folders that builds killed before
/// they finished left beside `target`. Such a folder is named after the
/// target with the pid of a process that has ended (or this one's, from an
/// earlier process with the same pid), and carries the marker or is empty
/// (killed while made or removed). Should a build have been killed between
/// moving the old site aside and moving the new one in (only where the
/// swap cannot be one step), the old site is put back first.
pub fn remove_stale(target: &Path) {
    let Some(parent) = target.parent() else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut stale: Vec<(&str, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((kind, pid)) = name.to_str().and_then(|n| sibling_pid(target, n)) else {
            continue;
        };
        let path = entry.path();
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let ours = has_marker(&path) || fs::read_dir(&path).is_ok_and(|mut e| e.next().is_none());
        let me = pid == std::process::id();
        if is_dir && ours && (me || ended(pid)) {
            stale.push((kind, path));
        }
    }
    if fs::symlink_metadata(target).is_err()
        && let Some((_, old)) = stale
            .iter()
            .find(|(kind, path)| *kind == "old" && has_marker(path))
    {
        let _ = fs::rename(old, target);
    }
    for (_, path) in stale {
        if fs::symlink_metadata(&path).is_ok() {
            remove_site(&path);
        }
    }
}

/// Removes a folder handoff made, its marker last, so that a removal cut
/// short still leaves a folder the next build recognises as its own.
/// Failures are left for the next build's [`remove_stale`].
fn remove_site(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name() == MARKER {
                continue;
            }
            let path = entry.path();
            let _ = match fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => fs::remove_dir_all(&path),
                _ => fs::remove_file(&path),
            };
        }
    }
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
}

/// The renames of a swap; a seam so tests can make one fail.
#[derive(Clone, Copy)]
struct Renames {
    rename: fn(&Path, &Path) -> io::Result<()>,
    /// Exchanges two existing paths in one step; `Ok(false)` where the file
    /// system cannot.
    exchange: fn(&Path, &Path) -> io::Result<bool>,
}

const SYSTEM: Renames = Renames {
    rename: |from, to| fs::rename(from, to),
    exchange,
};

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A staging folder beside the final output, swapped in by [`StagingDir::commit`].
pub struct StagingDir {
    staging: PathBuf,
    target: PathBuf,
}

impl StagingDir {
    /// Makes `<target>.tmp-<pid>` with the marker in it.
    pub fn create(target: &Path) -> Result<StagingDir> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        let staging = sibling(target, "tmp", std::process::id());
        if fs::symlink_metadata(&staging).is_ok() {
            fs::remove_dir_all(&staging)
                .with_context(|| format!("failed to clear `{}`", staging.display()))?;
        }
        fs::create_dir(&staging)
            .with_context(|| format!("failed to create `{}`", staging.display()))?;
        let staged = StagingDir {
            staging,
            target: target.to_path_buf(),
        };
        if let Err(e) = fs::write(staged.staging.join(MARKER), MARKER_TEXT) {
            let path = staged.staging.clone();
            staged.discard();
            return Err(e).with_context(|| format!("failed to write into `{}`", path.display()));
        }
        Ok(staged)
    }

    fn path_of(&self, rel: &str) -> Result<PathBuf> {
        let rel_path = Path::new(rel.trim_start_matches('/'));
        // Defence in depth: the model never makes such paths.
        if rel_path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            anyhow::bail!("refusing to write `{rel}` outside the output folder");
        }
        Ok(self.staging.join(rel_path))
    }

    /// Puts the new site in place of the target, keeping the target's
    /// [`KEPT`] files. On failure the target is as it was and the staging
    /// folder is gone.
    pub fn commit(self) -> Result<()> {
        self.commit_with(SYSTEM)
    }

    fn commit_with(self, ops: Renames) -> Result<()> {
        let had_old = fs::symlink_metadata(&self.target).is_ok();
        if had_old && let Err(e) = self.keep_host_files() {
            let target = self.target.clone();
            self.discard();
            return Err(e).with_context(|| {
                format!("failed to keep the host files of `{}`", target.display())
            });
        }
        let result = if had_old {
            self.swap(ops)
        } else {
            (ops.rename)(&self.staging, &self.target).with_context(|| {
                format!(
                    "failed to move the new site into `{}`",
                    self.target.display()
                )
            })
        };
        if result.is_err() {
            self.discard();
        }
        result
    }

    /// Replaces the existing target. After an exchange the old site is in
    /// the staging folder; without one, it is moved aside first and moved
    /// back if the new site cannot take its place.
    fn swap(&self, ops: Renames) -> Result<()> {
        let moved = || {
            format!(
                "failed to move the new site into `{}`",
                self.target.display()
            )
        };
        if (ops.exchange)(&self.staging, &self.target).with_context(moved)? {
            remove_site(&self.staging);
            return Ok(());
        }
        let old = sibling(&self.target, "old", std::process::id());
        (ops.rename)(&self.target, &old)
            .with_context(|| format!("failed to move the old `{}` aside", self.target.display()))?;
        if let Err(e) = (ops.rename)(&self.staging, &self.target) {
            if let Err(back) = (ops.rename)(&old, &self.target) {
                return Err(e).with_context(|| {
                    format!(
                        "failed to move the new site into `{}`, and to put the previous site back ({back}); it is at `{}`",
                        self.target.display(),
                        old.display()
                    )
                });
            }
            return Err(e).with_context(moved);
        }
        remove_site(&old);
        Ok(())
    }

    /// Links the target's [`KEPT`] files into the staging folder (hard links:
    /// no copy of a large `.git`, and the old folder keeps its own until it
    /// is removed, so a build killed half-way loses nothing). A file the
    /// site writes itself wins.
    fn keep_host_files(&self) -> io::Result<()> {
        for name in KEPT {
            let from = self.target.join(name);
            let to = self.staging.join(name);
            if fs::symlink_metadata(&from).is_ok() && fs::symlink_metadata(&to).is_err() {
                link_tree(&from, &to)?;
            }
        }
        Ok(())
    }

    /// Removes the staging folder (after a failed build).
    pub fn discard(self) {
        remove_site(&self.staging);
    }
}

/// Recreates `from` at `to`: folders made anew with their permissions, files
/// hard-linked (copied where the file system cannot link), links recreated
/// as links, never followed.
fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    let kind = meta.file_type();
    if kind.is_symlink() {
        #[cfg(unix)]
        std::os::unix::fs::symlink(fs::read_link(from)?, to)?;
    } else if kind.is_dir() {
        fs::create_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        fs::set_permissions(to, meta.permissions())?;
    } else if kind.is_file() && fs::hard_link(from, to).is_err() {
        fs::copy(from, to)?;
    }
    Ok(())
}

impl OutputSink for StagingDir {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(rel)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("failed to write `{}`", path.display()))
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<()> {
        let path = self.path_of(rel)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        fs::copy(from, &path).with_context(|| {
            format!(
                "failed to copy `{}` to `{}`",
                from.display(),
                path.display()
            )
        })?;
        Ok(())
    }
}

/// Keeps files in memory (tests, and later `check`).
#[derive(Default)]
pub struct MemorySink {
    files: std::sync::Mutex<std::collections::BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn into_files(self) -> std::collections::BTreeMap<String, Vec<u8>> {
        self.files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl OutputSink for MemorySink {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_owned(), bytes.to_vec());
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<()> {
        let bytes =
            fs::read(from).with_context(|| format!("failed to read `{}`", from.display()))?;
        self.put(rel, &bytes)
    }
}

#[cfg(test)]
mod tests;
