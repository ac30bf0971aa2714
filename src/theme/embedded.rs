//! The default theme `clinic`, compiled into the binary, and the one
//! function that writes an embedded folder to disk.
//!
//! `handoff new` writes it into every new site and the fuzz harness
//! (`fuzz/harness/`) under every tree it builds, so neither needs a
//! checkout of handoff or the network.

use std::path::Path;

use anyhow::Context as _;
use include_dir::{Dir, include_dir};

/// `themes/clinic`, the theme a new site starts with.
pub static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/clinic");

/// Writes every file of `embedded` under `target`, creating folders as
/// needed; returns how many files it wrote. Errors name the path.
pub fn write(embedded: &Dir<'_>, target: &Path) -> anyhow::Result<usize> {
    let mut count = 0;
    for file in embedded.files() {
        let path = target.join(file.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        std::fs::write(&path, file.contents())
            .with_context(|| format!("failed to write `{}`", path.display()))?;
        count += 1;
    }
    for sub in embedded.dirs() {
        count += write(sub, target)?;
    }
    Ok(count)
}
