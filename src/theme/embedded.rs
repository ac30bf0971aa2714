//! The default theme `clinic`, compiled into the binary, and the one
//! function that writes an embedded folder to disk.
//!
//! A site without `themes/clinic/` builds with this copy, read in memory
//! (`source::locate_theme`), so a new handoff brings its own theme and the
//! theme's form markup always matches the binary. `handoff theme eject`
//! writes it out for a practice that wants to change it; the fuzz harness
//! (`fuzz/harness/`) writes it under every tree it builds.

use std::path::Path;

use anyhow::Context as _;
use include_dir::{Dir, include_dir};

/// `themes/clinic`, the theme a site builds with unless it has its own.
pub static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/clinic");

/// The name of [`DEFAULT_THEME`] (site.toml's `theme`, its folder under `themes/`).
pub const NAME: &str = "clinic";

/// How findings name a file of the built-in theme, which is nowhere in the
/// site: `<built-in clinic>/templates/base.html`.
pub const SHOWN: &str = "<built-in clinic>";

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Built-in files are read in memory, and a static file is copied from
    /// a path (`source::StaticFile`): a `static/` folder in the default
    /// theme would be missing from every site that does not eject it.
    #[test]
    fn the_default_theme_has_no_static_files() {
        assert!(
            DEFAULT_THEME.get_dir("static").is_none(),
            "themes/clinic/static/ needs support in source::asset_files for the built-in theme"
        );
    }

    #[test]
    fn the_default_theme_is_named_as_its_folder() {
        let toml = DEFAULT_THEME
            .get_file("theme.toml")
            .and_then(|f| f.contents_utf8())
            .unwrap_or_default();
        assert!(toml.starts_with(&format!("name = \"{NAME}\"\n")), "{toml}");
    }
}
