//! Theme stylesheets and static files → an [`Assets`] plan.
//!
//! Each `themes/<theme>/css/*.css` is parsed, transpiled for the
//! `[build] browsers` targets and (with `minify`) minified by lightningcss,
//! then named by a hash of its bytes (`css/site.1a2b3c4d.css`) so browsers
//! may cache it forever; `js/*.js` are hashed the same way, unminified. Static files are listed (theme first, the site's
//! `static/` overriding it), not copied: only `output` writes.
//!
//! `css/site.css` starts with the theme's custom properties (`:root{--brand:…}`)
//! from `theme::resolve` over the theme's `theme.toml`, so brand colours
//! reach every page inside the hashed file, with no inline style for the
//! Content-Security-Policy to allow.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use lightningcss::targets::{Browsers, Targets};

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics, display_path};
use crate::source::{self, SourceSet};
use crate::theme;

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
    pub theme: theme::ThemeView,
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
}

/// The theme folder for a config, checked to exist.
pub fn theme_dir(root: &Path, config: &Config) -> Result<PathBuf, Diagnostic> {
    let dir = root.join("themes").join(&config.theme);
    if dir.join("templates").is_dir() {
        Ok(dir)
    } else {
        Err(Diagnostic::new(Code::ConfigInvalidValue, format!("the theme `{}` has no folder `themes/{}/templates/`", config.theme, config.theme))
            .in_file(crate::config::FILE)
            .with_hint("set `theme` to a folder under `themes/`; `handoff new` includes the default theme `clinic`"))
    }
}

/// Builds the stylesheets and lists static files.
pub fn build(
    root: &Path,
    theme: &Path,
    config: &Config,
    sources: &SourceSet,
) -> Result<Assets, Diagnostics> {
    let mut assets = Assets::default();
    let mut diags = Diagnostics::new();
    let targets = targets(&config.build.browsers);
    let style = theme_style(root, theme, config, &mut diags);
    for kind in ["css", "js"] {
        let dir = theme.join(kind);
        if !dir.is_dir() {
            continue;
        }
        for path in source::walk(&dir, root, &mut diags) {
            if path.extension().and_then(|e| e.to_str()) != Some(kind) {
                continue;
            }
            let rel = display_path(root, &path);
            let name = display_path(&dir, &path);
            let text = match source::read_text(&path) {
                Ok(t) => t,
                Err(d) => {
                    diags.push(d.in_file(rel));
                    continue;
                }
            };
            // Scripts are served as written: they are small, and a JS
            // minifier is one more thing that can break them.
            let compiled = match kind {
                "css" => compile_css(&text, &rel, targets, config.build.minify).map(|css| {
                    if name == "site.css" {
                        let sep = if config.build.minify { "" } else { "\n" };
                        format!("{}{sep}{css}", style.root_css)
                    } else {
                        css
                    }
                }),
                _ => Ok(text),
            };
            match compiled {
                Ok(code) => {
                    let hash = blake3::hash(code.as_bytes()).to_hex();
                    let stem = name.strip_suffix(&format!(".{kind}")).unwrap_or(&name);
                    let out = format!("{kind}/{stem}.{}.{kind}", &hash[..8]);
                    assets
                        .manifest
                        .insert(format!("{kind}/{name}"), format!("/{out}"));
                    assets.generated.insert(out, code.into_bytes());
                }
                Err(d) => diags.push(d),
            }
        }
    }
    for dir in [theme.join("static"), root.join("static")] {
        if dir.is_dir() {
            for path in source::walk(&dir, root, &mut diags) {
                assets.copies.insert(display_path(&dir, &path), path);
            }
        }
    }
    for a in &sources.assets {
        assets.copies.insert(a.rel.clone(), a.path.clone());
    }
    for (rel, path) in &assets.copies {
        if let Some(size) = image_size(path) {
            assets.image_sizes.insert(format!("/{rel}"), size);
        }
    }
    assets.theme = theme::ThemeView::new(&style, &assets.image_sizes);
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
    root: &Path,
    theme: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> theme::Style {
    let path = theme.join("theme.toml");
    let defaults = if path.is_file() {
        let rel = display_path(root, &path);
        match source::read_site_text(root, &path) {
            Ok(text) => theme::parse_defaults(&text, &rel).unwrap_or_else(|d| {
                diags.extend(d);
                theme::Settings::default()
            }),
            Err(d) => {
                diags.push(d);
                theme::Settings::default()
            }
        }
    } else {
        theme::Settings::default()
    };
    let (style, findings) = theme::resolve(
        &config.theme_settings,
        &defaults,
        config.organization.logo.as_deref(),
        config.base_url.as_str(),
    );
    diags.extend(findings);
    style
}

/// Width and height of a raster image (from its header) or an SVG (from
/// its root element's `width`/`height`, else its `viewBox`).
fn image_size(path: &Path) -> Option<(u32, u32)> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "svg" => {
            let text = std::fs::read_to_string(path).ok()?;
            svg_size(&text)
        }
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" => {
            let s = imagesize::size(path).ok()?;
            Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?))
        }
        _ => None,
    }
}

fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let value = &tag[at..at + tag[at..].find('"')?];
        value.trim_end_matches("px").parse().ok()
    };
    let (w, h) = match (attr("width"), attr("height")) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            let at = tag.find(" viewBox=\"")? + 10;
            let parts: Vec<f64> = tag[at..at + tag[at..].find('"')?]
                .split([' ', ','])
                .filter_map(|p| p.parse().ok())
                .collect();
            (*parts.get(2)?, *parts.get(3)?)
        }
    };
    (w > 0.0 && h > 0.0 && w < 100_000.0 && h < 100_000.0)
        .then(|| (w.round() as u32, h.round() as u32))
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
    fn svg_sizes_come_from_attributes_or_viewbox() {
        assert_eq!(
            svg_size("<svg xmlns=\"x\" width=\"240\" height=\"300\">"),
            Some((240, 300))
        );
        assert_eq!(svg_size("<svg viewBox=\"0 0 64 32\">"), Some((64, 32)));
        assert_eq!(svg_size("<svg width=\"100%\">"), None);
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
