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
//! ```

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::diag::{Code, Diagnostic};

pub const MARKER: &str = ".handoff-output";
const MARKER_TEXT: &str = "This folder is written by handoff; the next build replaces it.\n";

/// Somewhere rendered files go. Shared across rayon workers.
pub trait OutputSink: Sync {
    /// Stores `bytes` at `rel` (a relative path with `/`, never `..`).
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()>;
    /// Copies a file as is.
    fn copy(&self, rel: &str, from: &Path) -> Result<()>;
}

/// Checks that `dir` may be replaced: absent, empty, or made by handoff.
pub fn check_replaceable(dir: &Path, shown: &str) -> Result<(), Diagnostic> {
    let mut entries = match fs::read_dir(dir) {
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
    if entries.next().is_none() || dir.join(MARKER).is_file() {
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

/// A staging folder beside the final output, swapped in by [`StagingDir::commit`].
pub struct StagingDir {
    staging: PathBuf,
    target: PathBuf,
}

impl StagingDir {
    pub fn create(target: &Path) -> Result<StagingDir> {
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        let staging = parent.join(format!("{name}.tmp-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)
                .with_context(|| format!("failed to clear `{}`", staging.display()))?;
        }
        fs::create_dir(&staging)
            .with_context(|| format!("failed to create `{}`", staging.display()))?;
        fs::write(staging.join(MARKER), MARKER_TEXT)
            .with_context(|| format!("failed to write into `{}`", staging.display()))?;
        Ok(StagingDir {
            staging,
            target: target.to_path_buf(),
        })
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

    /// Swaps the staging folder in place of the target; the old site is
    /// removed only after the new one is in place.
    pub fn commit(self) -> Result<()> {
        let old = self.target.with_file_name(format!(
            "{}.old-{}",
            self.target
                .file_name()
                .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).with_context(|| {
                format!("failed to move the old `{}` aside", self.target.display())
            })?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e).with_context(|| {
                format!(
                    "failed to move the new site into `{}`",
                    self.target.display()
                )
            });
        }
        if had_old {
            fs::remove_dir_all(&old)
                .with_context(|| format!("failed to remove the old site at `{}`", old.display()))?;
        }
        Ok(())
    }

    /// Removes the staging folder (after a failed build).
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
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
mod tests {
    use super::*;

    #[test]
    fn foreign_folders_are_refused_and_marked_ones_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        assert!(check_replaceable(&out, "public").is_ok());
        fs::create_dir(&out).unwrap();
        fs::write(out.join("thesis.docx"), "mine").unwrap();
        assert_eq!(
            check_replaceable(&out, "public").unwrap_err().code,
            Code::ForeignOutput
        );

        let staging = StagingDir::create(&tmp.path().join("site")).unwrap();
        staging.put("a/index.html", b"x").unwrap();
        assert!(staging.put("../escape", b"x").is_err());
        staging.commit().unwrap();
        assert!(check_replaceable(&tmp.path().join("site"), "site").is_ok());
        assert_eq!(
            fs::read(tmp.path().join("site/a/index.html")).unwrap(),
            b"x"
        );
    }
}
