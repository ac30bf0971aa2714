//! The theme's files and the site's overrides, read for the theme stage.
//!
//! [`asset_files`] reads what `theme::assets` builds (`theme.toml`, the
//! stylesheets and scripts, the static files of the theme and the site);
//! [`template_files`] reads the templates, the site's `templates/` over the
//! theme's. A file that cannot be read is a finding in `unread` and is
//! missing from the lists, as a file that fails to read is everywhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::StaticFile;
use super::read::{read_site_text, read_text};
use super::walk::walk;
use crate::diag::{Code, Diagnostic, Diagnostics, display_path};

/// A text file of the theme or of the site's overrides, read and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFile {
    /// Its path inside its folder, with `/`: `site.css` in `css/`,
    /// `partials/form.html` in `templates/`.
    pub name: String,
    /// Its path relative to the site root, with `/`, for findings:
    /// `themes/clinic/css/site.css`.
    pub rel: String,
    pub text: String,
}

/// What the theme's assets are built from.
#[derive(Debug, Clone, Default)]
pub struct AssetFiles {
    /// `theme.toml`, when the theme has one.
    pub settings: Option<TextFile>,
    /// `css/**.css`, sorted by path.
    pub stylesheets: Vec<TextFile>,
    /// `js/**.js`, sorted by path.
    pub scripts: Vec<TextFile>,
    /// The theme's `static/` then the site's, each sorted by path: a site
    /// file replaces the theme's file of the same `out`.
    pub statics: Vec<StaticFile>,
    /// Why a file is missing above: links out of the site, loops, files
    /// that are too large or not UTF-8.
    pub unread: Diagnostics,
}

/// The templates a site renders with.
#[derive(Debug, Clone, Default)]
pub struct TemplateFiles {
    /// By template name (`partials/form.html`): the site's `templates/`
    /// over the theme's. Only `.html`, `.xml` and `.txt` files are templates.
    pub by_name: BTreeMap<String, TextFile>,
    /// Why a template is missing above.
    pub unread: Diagnostics,
}

/// The folder of the theme named `name`, checked to have templates.
pub fn theme_dir(root: &Path, name: &str) -> Result<PathBuf, Diagnostic> {
    let dir = root.join("themes").join(name);
    if dir.join("templates").is_dir() {
        Ok(dir)
    } else {
        Err(Diagnostic::new(Code::ConfigInvalidValue, format!("the theme `{name}` has no folder `themes/{name}/templates/`"))
            .in_file(crate::config::FILE)
            .with_hint("set `theme` to a folder under `themes/`; `handoff new` includes the default theme `clinic`"))
    }
}

/// Reads `theme.toml`, the stylesheets, the scripts and the static files of
/// the theme in `theme` (from [`theme_dir`]) and the site's `static/`.
pub fn asset_files(root: &Path, theme: &Path) -> AssetFiles {
    let mut files = AssetFiles::default();
    let settings = theme.join("theme.toml");
    if settings.is_file() {
        match read_site_text(root, &settings) {
            Ok(text) => {
                files.settings = Some(TextFile {
                    name: "theme.toml".to_owned(),
                    rel: display_path(root, &settings),
                    text,
                });
            }
            Err(d) => files.unread.push(d),
        }
    }
    files.stylesheets = read_texts(root, &theme.join("css"), &["css"], &mut files.unread);
    files.scripts = read_texts(root, &theme.join("js"), &["js"], &mut files.unread);
    for dir in [theme.join("static"), root.join("static")] {
        if dir.is_dir() {
            for path in walk(&dir, root, &mut files.unread) {
                files
                    .statics
                    .push(StaticFile::listed(display_path(&dir, &path), path));
            }
        }
    }
    files
}

/// Reads the templates of the theme in `theme` and the site's overrides.
pub fn template_files(root: &Path, theme: &Path) -> TemplateFiles {
    let mut files = TemplateFiles::default();
    for dir in [theme.join("templates"), root.join("templates")] {
        let read = read_texts(root, &dir, &["html", "xml", "txt"], &mut files.unread);
        for file in read {
            files.by_name.insert(file.name.clone(), file);
        }
    }
    files
}

/// The text files under `dir` (when it exists) whose names end in one of
/// `extensions`, read; the others are not opened.
fn read_texts(
    root: &Path,
    dir: &Path,
    extensions: &[&str],
    unread: &mut Diagnostics,
) -> Vec<TextFile> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for path in walk(dir, root, unread) {
        let name = display_path(dir, &path);
        if !extensions
            .iter()
            .any(|ext| name.ends_with(&format!(".{ext}")))
        {
            continue;
        }
        let rel = display_path(root, &path);
        match read_text(&path) {
            Ok(text) => files.push(TextFile { name, rel, text }),
            Err(d) => unread.push(d.in_file(rel)),
        }
    }
    files
}
