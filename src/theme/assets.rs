//! The theme's stylesheets, scripts and static files (as `source` read
//! them) → an [`Assets`] plan.
//!
//! Each `themes/<theme>/css/*.css` is parsed, transpiled for the
//! `[build] browsers` targets and (with `minify`) minified by lightningcss,
//! then named by a hash of its bytes (`css/site.1a2b3c4d.css`) so browsers
//! may cache it forever; `js/*.js` are hashed the same way (minified with
//! `minify`).
//! Static files are listed (theme first, the site's `static/` overriding
//! it, then the files beside the content), not copied: only `output` writes.
//!
//! `css/site.css` starts with the theme's custom properties (`:root{--brand:…}`)
//! from [`super::resolve`] over the theme's `theme.toml`, so brand colours
//! reach every page inside the hashed file, with no inline style for the
//! Content-Security-Policy to allow.

use std::collections::BTreeMap;
use std::path::PathBuf;

use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use lightningcss::targets::{Browsers, Targets};

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{AssetFiles, SourceSet, TextFile};

/// What the build copies or writes besides pages.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Logical name (`css/site.css`) → output path (`/css/site.1a2b3c4d.css`).
    pub manifest: BTreeMap<String, String>,
    /// Generated files: output path (no leading `/`) → bytes.
    pub generated: BTreeMap<String, Vec<u8>>,
    /// Files copied as is: output path (no leading `/`) → source file.
    pub copies: BTreeMap<String, PathBuf>,
    /// Pixel sizes of copied images by URL path (`/images/x.svg`), so
    /// templates can set `width`/`height` and pages do not shift as they load.
    pub image_sizes: BTreeMap<String, (u32, u32)>,
    /// `theme` in templates: the header logo.
    pub theme: super::ThemeView,
    /// Warnings of a successful build (theme contrast, W040).
    pub warnings: Diagnostics,
}

impl Assets {
    /// Drops the content hashes from stylesheet and script names
    /// (`/css/site.css`). `serve` uses this: a stylesheet edit then changes
    /// one file, not the link in every page, and the browser swaps it.
    pub fn without_hashes(&mut self) {
        for (logical, out) in &mut self.manifest {
            if let Some(bytes) = self.generated.remove(out.trim_start_matches('/')) {
                self.generated.insert(logical.clone(), bytes);
            }
            *out = format!("/{logical}");
        }
    }

    /// Adds a compiled stylesheet or script, named by a hash of its bytes:
    /// `css/site.css` is written as `css/site.1a2b3c4d.css`.
    fn add_hashed(&mut self, kind: &str, name: &str, code: String) {
        let hash = blake3::hash(code.as_bytes()).to_hex();
        let stem = name.strip_suffix(&format!(".{kind}")).unwrap_or(name);
        let out = format!("{kind}/{stem}.{}.{kind}", &hash[..8]);
        self.manifest
            .insert(format!("{kind}/{name}"), format!("/{out}"));
        self.generated.insert(out, code.into_bytes());
    }
}

/// Builds the stylesheets and scripts and lists the static files of the
/// theme and the site (`files`) and those beside the content (`sources`).
/// The findings of reading `files` come with the build's own.
pub fn build(
    files: &AssetFiles,
    config: &Config,
    sources: &SourceSet,
) -> Result<Assets, Diagnostics> {
    let mut assets = Assets::default();
    let mut diags = files.unread.clone();
    if let Some(d) = super::contract::check(files) {
        diags.push(d);
    }
    let targets = targets(&config.build.browsers);
    let style = theme_style(files.settings.as_ref(), config, &mut diags);
    for file in &files.stylesheets {
        let compiled =
            compile_css(&file.text, &file.rel, targets, config.build.minify).map(|css| {
                if file.name == "site.css" {
                    let sep = if config.build.minify { "" } else { "\n" };
                    format!("{}{sep}{css}", style.root_css)
                } else {
                    css
                }
            });
        match compiled {
            Ok(code) => assets.add_hashed("css", &file.name, code),
            Err(d) => diags.push(d),
        }
    }
    // Scripts are minified with `minify` (SPEC §7.2 counts the form
    // script's minified size); one the minifier cannot take is served as
    // written.
    for file in &files.scripts {
        let code = config
            .build
            .minify
            .then(|| super::minify::script(&file.text))
            .flatten()
            .unwrap_or_else(|| file.text.clone());
        assets.add_hashed("js", &file.name, code);
    }
    let mut sizes = BTreeMap::new();
    for file in files.statics.iter().chain(&sources.assets) {
        assets.copies.insert(file.out.clone(), file.path.clone());
        sizes.insert(format!("/{}", file.out), file.size);
    }
    assets.image_sizes = sizes
        .into_iter()
        .filter_map(|(url, size)| Some((url, size?)))
        .collect();
    assets.theme = super::ThemeView::new(&style, &assets.image_sizes);
    if diags.has_errors() {
        Err(diags)
    } else {
        assets.warnings = diags;
        Ok(assets)
    }
}

/// The theme's `theme.toml` defaults (when it has one) under the site's
/// `[theme]` settings.
fn theme_style(
    settings: Option<&TextFile>,
    config: &Config,
    diags: &mut Diagnostics,
) -> super::Style {
    let defaults = match settings {
        Some(file) => super::parse_defaults(&file.text, &file.rel).unwrap_or_else(|d| {
            diags.extend(d);
            super::Settings::default()
        }),
        None => super::Settings::default(),
    };
    let (style, findings) = super::resolve(
        &config.theme_settings,
        &defaults,
        config.organization.logo.as_deref(),
        // Links carry base_url's path already (`render::prefix`).
        config.base_url.origin(),
    );
    diags.extend(findings);
    style
}

/// Browser targets; the query was validated with the config.
fn targets(query: &str) -> Targets {
    let browsers: Option<Browsers> = Browsers::from_browserslist([query]).ok().flatten();
    Targets::from(browsers.unwrap_or_default())
}

fn compile_css(
    text: &str,
    rel: &str,
    targets: Targets,
    minify: bool,
) -> Result<String, Diagnostic> {
    let css_error = |message: String, loc: Option<(u32, u32)>| {
        let d = Diagnostic::new(
            Code::CssError,
            format!("the stylesheet does not parse: {message}"),
        )
        .in_file(rel.to_owned())
        .with_hint("check for a missing `}` or `;` near this line");
        match loc {
            Some((line, col)) => {
                let span = crate::diag::Span::new(line as usize + 1, col.max(1) as usize, 1);
                d.at(text, span)
            }
            None => d,
        }
    };
    let options = ParserOptions {
        filename: rel.to_owned(),
        ..ParserOptions::default()
    };
    let mut sheet = StyleSheet::parse(text, options)
        .map_err(|e| css_error(e.kind.to_string(), e.loc.map(|l| (l.line, l.column))))?;
    sheet
        .minify(MinifyOptions {
            targets,
            ..MinifyOptions::default()
        })
        .map_err(|e| css_error(e.kind.to_string(), e.loc.map(|l| (l.line, l.column))))?;
    let out = sheet
        .to_css(PrinterOptions {
            minify,
            targets,
            ..PrinterOptions::default()
        })
        .map_err(|e| css_error(e.kind.to_string(), e.loc.map(|l| (l.line, l.column))))?;
    Ok(out.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_is_minified_for_targets() {
        let css = compile_css(
            ".a {\n  color: #ff0000;\n}\n",
            "x.css",
            targets("defaults"),
            true,
        )
        .unwrap();
        assert_eq!(css, ".a{color:red}");
    }

    #[test]
    fn broken_css_is_a_positioned_finding() {
        let d = compile_css(
            ".a {\n  color: red;\n}\n}\n@media (",
            "themes/x/css/site.css",
            targets("defaults"),
            true,
        )
        .unwrap_err();
        assert_eq!(d.code, Code::CssError);
    }
}
