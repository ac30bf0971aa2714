//! Stage 5, the theme: what a theme gives every page, from the files
//! `source` read.
//!
//! ```text
//! source::AssetFiles    ─ assets::build ───► Assets     stylesheets compiled and hashed,
//!                                                       static files listed with image sizes
//! source::TemplateFiles ─ templates::load ─► Templates  Tera, each template minified once
//! ```
//!
//! - `settings`: site.toml's `[theme]` and a theme's `theme.toml`, read
//!   with spans and validated into [`Settings`];
//! - `palette`: colour maths: CSS colours, WCAG contrast, the derived tints
//!   and shades, the contrast findings;
//! - [`assets`], [`templates`], [`minify`] (HTML minification of templates
//!   at load), [`embedded`] (the default theme compiled into the binary),
//!   [`contract`] (a theme folder's form contract, E043);
//! - this module: [`resolve`], the three layers of settings merged into the
//!   rule every stylesheet starts with, and [`ThemeView`], `theme` in
//!   templates.
//!
//! Three layers, the first that sets a value wins:
//!
//! ```text
//! site.toml [theme]        what a practice chose        (config::parse → Settings)
//! themes/<t>/theme.toml    [defaults] of the theme      (parse_defaults → Settings)
//! handoff's built-in palette (BUILT_IN), so a theme.toml without `[defaults]` works
//! ```
//!
//! [`resolve`] merges them, derives the tints and shades the stylesheet uses
//! (hover, panels, badges, borders), checks every text/background pair the
//! default theme paints at WCAG 2.2 AA (W040, pointing at the key to change)
//! and writes the `:root{…}` rule that `assets` puts before `css/site.css`.
//! An inline `<style>` would need `'unsafe-inline'` in the Content-Security-
//! Policy; a rule inside the hashed stylesheet needs nothing and costs no
//! request. No I/O anywhere in this stage: `source` reads, `output` writes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::diag::Diagnostics;

pub mod assets;
pub mod contract;
pub mod embedded;
pub mod minify;
mod palette;
mod settings;
pub mod templates;

pub use palette::{ColorKey, Rgb};
pub use settings::{Origin, Setting, Settings, parse_defaults};
pub(crate) use settings::{RawTheme, RawThemeKey, validate};

use palette::{BUILT_IN, Palette};

/// The built-in fonts (the `clinic` theme's).
const BUILT_IN_FONT: &str = "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, \"Noto Sans\", sans-serif";

// ---- what templates see -------------------------------------------------------

/// `theme` in every template (themes/clinic/CONTEXT.md).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ThemeView {
    /// The header logo: `[theme] logo`, else `[organization] logo`.
    pub logo: Option<LogoView>,
    /// The browser tab's icon: `[theme] favicon`, else the logo.
    pub favicon: Option<String>,
}

/// An image with its intrinsic size (when handoff can read the file), so the
/// page reserves its box before it loads; CSS sets the displayed size.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogoView {
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl ThemeView {
    pub fn new(style: &Style, image_sizes: &BTreeMap<String, (u32, u32)>) -> ThemeView {
        ThemeView {
            logo: style.logo.as_ref().map(|src| {
                let size = image_sizes.get(src).copied();
                LogoView {
                    src: src.clone(),
                    width: size.map(|s| s.0),
                    height: size.map(|s| s.1),
                }
            }),
            favicon: style.favicon.clone(),
        }
    }
}

// ---- resolving the layers -------------------------------------------------------

/// The theme as every page's stylesheet and header need it.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// `:root{--brand:#0b5275;…}`, put before the theme's `css/site.css`.
    pub root_css: String,
    /// The header logo's path or address, if any.
    pub logo: Option<String>,
    /// The browser tab's icon, if any: `[theme] favicon`, else the logo.
    pub favicon: Option<String>,
}

/// Merges the site's settings over the theme's defaults over the built-in
/// palette; warns (W040) about every pair below WCAG 2.2 AA.
pub fn resolve(
    site: &Settings,
    theme: &Settings,
    org_logo: Option<&str>,
    site_origin: &str,
) -> (Style, Diagnostics) {
    let mut base = BUILT_IN;
    let mut origins: BTreeMap<ColorKey, (&Setting<Rgb>, bool)> = BTreeMap::new();
    for (i, key) in ColorKey::ALL.into_iter().enumerate() {
        if let Some(s) = site.colors.get(&key) {
            base[i] = s.value;
            origins.insert(key, (s, true));
        } else if let Some(s) = theme.colors.get(&key) {
            base[i] = s.value;
            origins.insert(key, (s, false));
        }
    }
    let palette = Palette::derive(base);
    let diags = palette::contrast_findings(base, &origins);
    let font = site
        .font
        .as_ref()
        .or(theme.font.as_ref())
        .map_or(BUILT_IN_FONT, |s| s.value.as_str());
    let heading_font = site
        .heading_font
        .as_ref()
        .or(theme.heading_font.as_ref())
        .map(|s| s.value.as_str());
    let root_css = root_rule(&palette, font, heading_font, site_origin);
    let logo = site
        .logo
        .as_ref()
        .map(|s| s.value.clone())
        .or_else(|| org_logo.map(str::to_owned));
    let favicon = site
        .favicon
        .as_ref()
        .map(|s| s.value.clone())
        .or_else(|| logo.clone());
    (
        Style {
            root_css,
            logo,
            favicon,
        },
        diags,
    )
}

fn root_rule(p: &Palette, font: &str, heading_font: Option<&str>, site_origin: &str) -> String {
    let mut css = String::from(":root{");
    for (name, color) in [
        ("brand", p.brand),
        ("brand-dark", p.brand_dark),
        ("brand-tint", p.brand_tint),
        ("brand-text", p.brand_text),
        ("accent", p.accent),
        ("accent-bg", p.accent_tint),
        ("text", p.text),
        ("muted", p.muted),
        ("bg", p.background),
        ("surface", p.surface),
        ("line", p.line),
        ("focus", p.focus),
    ] {
        let _ = write!(css, "--{name}:{};", color.css());
    }
    // The site's origin, so print CSS can show where a link goes: the
    // origin, then the link's href (which carries base_url's path).
    let url: String = site_origin
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | '\n' | '\r'))
        .collect();
    // Names never hold commas (check_font_list splits on them).
    let compact = |list: &str| list.replace(", ", ",");
    let heading_font = heading_font.map_or_else(|| "var(--font)".to_owned(), compact);
    let _ = write!(
        css,
        "--font:{};--font-heading:{heading_font};--site-url:\"{url}\"}}",
        compact(font)
    );
    css
}

#[cfg(test)]
mod tests;
