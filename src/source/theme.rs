//! The theme's files and the site's overrides, read for the theme stage.
//!
//! [`locate_theme`] finds where the theme comes from: the site's own
//! `themes/<name>/` (its own theme or an ejected copy, used whole), else,
//! for the default theme, the copy built into handoff
//! ([`crate::theme::embedded`]), read in memory and never written out.
//! [`asset_files`] reads what `theme::assets` builds (`theme.toml`, the
//! stylesheets and scripts, the static files of the theme and the site);
//! [`template_files`] reads the templates, the site's `templates/` over the
//! theme's. Both read either source through the same decoding, so a site
//! builds byte for byte the same with the built-in theme as with its
//! ejected copy. A file that cannot be read is a finding in `unread` and is
//! missing from the lists, as a file that fails to read is everywhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::Dir;

use super::StaticFile;
use super::read::{decode, read_site_text, read_text};
use super::walk::{is_ignored, walk};
use crate::diag::{Code, Diagnostic, Diagnostics, display_path};
use crate::theme::embedded;

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
    /// The theme's folder relative to the site root (`themes/clinic`);
    /// `None` for the built-in theme.
    pub folder: Option<String>,
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

/// Where a site's theme comes from.
#[derive(Debug, Clone)]
pub enum Theme {
    /// `themes/<name>/` in the site, used whole: the site's own theme or an
    /// ejected copy of the default one.
    Folder(PathBuf),
    /// The default theme built into handoff, for a site without its folder.
    BuiltIn(&'static Dir<'static>),
}

impl Theme {
    /// The theme's folder in the site; `None` for the built-in theme.
    pub fn folder(&self) -> Option<&Path> {
        match self {
            Theme::Folder(dir) => Some(dir),
            Theme::BuiltIn(_) => None,
        }
    }
}

/// The theme named `name`: the site's `themes/<name>/` when it has one
/// (checked to have templates), else the built-in theme of that name.
pub fn locate_theme(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
    let dir = root.join("themes").join(name);
    let has_folder = std::fs::symlink_metadata(&dir).is_ok();
    if dir.join("templates").is_dir() {
        return Ok(Theme::Folder(dir));
    }
    if !has_folder && name == embedded::NAME {
        return Ok(Theme::BuiltIn(&embedded::DEFAULT_THEME));
    }
    let finding = Diagnostic::new(
        Code::ConfigInvalidValue,
        format!("the theme `{name}` has no folder `themes/{name}/templates/`"),
    )
    .in_file(crate::config::FILE);
    Err(if name == embedded::NAME {
        finding.with_hint(format!(
            "a `themes/{name}/` folder replaces the built-in theme whole: remove it to use the \
             built-in theme, or write a complete copy with `handoff theme eject --to themes/{name}-new` \
             and move your changes into it"
        ))
    } else {
        finding.with_hint(format!(
            "set `theme` to a folder under `themes/`, or remove it to use the built-in theme `{}`",
            embedded::NAME
        ))
    })
}

/// Reads `theme.toml`, the stylesheets, the scripts and the static files of
/// `theme` (from [`locate_theme`]) and the site's `static/`.
pub fn asset_files(root: &Path, theme: &Theme) -> AssetFiles {
    let mut files = AssetFiles::default();
    match theme {
        Theme::Folder(dir) => {
            files.folder = Some(display_path(root, dir));
            let settings = dir.join("theme.toml");
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
            files.stylesheets = read_texts(root, &dir.join("css"), &["css"], &mut files.unread);
            files.scripts = read_texts(root, &dir.join("js"), &["js"], &mut files.unread);
            list_statics(root, &dir.join("static"), &mut files);
        }
        &Theme::BuiltIn(dir) => {
            files.settings = built_in_texts(dir, "", &["toml"], &mut files.unread)
                .into_iter()
                .find(|f| f.name == "theme.toml");
            files.stylesheets = built_in_texts(dir, "css", &["css"], &mut files.unread);
            files.scripts = built_in_texts(dir, "js", &["js"], &mut files.unread);
            // The built-in theme has no `static/` (`embedded` tests it):
            // static files are copied from a path, and it has none on disk.
        }
    }
    list_statics(root, &root.join("static"), &mut files);
    files
}

/// Lists the files under `dir` (when it exists) as static files.
fn list_statics(root: &Path, dir: &Path, files: &mut AssetFiles) {
    if dir.is_dir() {
        for path in walk(dir, root, &mut files.unread) {
            files
                .statics
                .push(StaticFile::listed(display_path(dir, &path), path));
        }
    }
}

/// Reads the templates of `theme` and the site's overrides.
pub fn template_files(root: &Path, theme: &Theme) -> TemplateFiles {
    const KINDS: [&str; 3] = ["html", "xml", "txt"];
    let mut files = TemplateFiles::default();
    let from_theme = match theme {
        Theme::Folder(dir) => read_texts(root, &dir.join("templates"), &KINDS, &mut files.unread),
        Theme::BuiltIn(dir) => built_in_texts(dir, "templates", &KINDS, &mut files.unread),
    };
    let from_site = read_texts(root, &root.join("templates"), &KINDS, &mut files.unread);
    for file in from_theme.into_iter().chain(from_site) {
        files.by_name.insert(file.name.clone(), file);
    }
    files
}

/// The text files of the built-in theme `dir` under its folder `sub`
/// (`""` for its top level only) whose names end in one of `extensions`,
/// decoded as files on disk are. Findings name them under
/// [`embedded::SHOWN`], as they are nowhere in the site.
fn built_in_texts(
    dir: &'static Dir<'static>,
    sub: &str,
    extensions: &[&str],
    unread: &mut Diagnostics,
) -> Vec<TextFile> {
    let mut found = Vec::new();
    if sub.is_empty() {
        found.extend(dir.files());
    } else if let Some(sub_dir) = dir.get_dir(sub) {
        collect_files(sub_dir, &mut found);
    }
    let mut files = Vec::new();
    for file in found {
        let path = display_path(Path::new(""), file.path());
        let name = path
            .strip_prefix(sub)
            .map_or(path.as_str(), |n| n.trim_start_matches('/'))
            .to_owned();
        let hidden = path.split('/').any(is_ignored);
        if hidden
            || !extensions
                .iter()
                .any(|ext| name.ends_with(&format!(".{ext}")))
        {
            continue;
        }
        let rel = format!("{}/{path}", embedded::SHOWN);
        match decode(file.contents().to_vec()) {
            Ok(text) => files.push(TextFile { name, rel, text }),
            Err(d) => unread.push(d.in_file(rel)),
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn collect_files(dir: &'static Dir<'static>, found: &mut Vec<&'static include_dir::File<'static>>) {
    found.extend(dir.files());
    for sub in dir.dirs() {
        collect_files(sub, found);
    }
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
