//! Theme settings: brand colours, fonts and logo → the CSS custom properties
//! every stylesheet of the theme starts with, plus contrast findings.
//!
//! Three layers, the first that sets a value wins:
//!
//! ```text
//! site.toml [theme]        what a practice chose        (config::parse → Settings)
//! themes/<t>/theme.toml    [defaults] of the theme      (parse_defaults → Settings)
//! handoff's built-in palette (BUILT_IN), so a theme without theme.toml works
//! ```
//!
//! [`resolve`] merges them, derives the tints and shades the stylesheet uses
//! (hover, panels, badges, borders), checks every text/background pair the
//! default theme paints at WCAG 2.2 AA (W040, pointing at the key to change)
//! and writes the `:root{…}` rule that `assets` puts before `css/site.css`.
//! An inline `<style>` would need `'unsafe-inline'` in the Content-Security-
//! Policy; a rule inside the hashed stylesheet needs nothing and costs no
//! request. No I/O here: callers pass the text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use crate::diag::{Code, Diagnostic, Diagnostics, Span, span_of};

mod settings;

pub use settings::parse_defaults;
pub(crate) use settings::{RawTheme, RawThemeKey, validate};

/// A colour the theme paints with, opaque sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    const BLACK: Rgb = Rgb(0, 0, 0);
    const WHITE: Rgb = Rgb(255, 255, 255);

    /// Any opaque CSS colour (`#0b5275`, `rgb(11 82 117)`, `teal`, `oklch(…)`),
    /// parsed by lightningcss, the stylesheet compiler handoff already uses.
    pub fn parse(text: &str) -> Result<Rgb, String> {
        use lightningcss::traits::Parse as _;
        use lightningcss::values::color::{CssColor, RGBA};
        let color = CssColor::parse_string(text.trim())
            .map_err(|_| format!("`{text}` is not a CSS colour"))?;
        let rgba = RGBA::try_from(&color).map_err(|()| {
            format!("`{text}` is not a fixed colour (keywords like `currentColor` depend on where they are used)")
        })?;
        if rgba.alpha != 255 {
            return Err(format!(
                "`{text}` is see-through; its contrast depends on what is behind it"
            ));
        }
        Ok(Rgb(rgba.red, rgba.green, rgba.blue))
    }

    /// `#0b5275`: the form written into messages.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// The shortest hex form (`#fff` for `#ffffff`), for the stylesheet.
    fn css(self) -> String {
        let short = |c: u8| c >> 4 == c & 0xf;
        if short(self.0) && short(self.1) && short(self.2) {
            format!("#{:x}{:x}{:x}", self.0 & 0xf, self.1 & 0xf, self.2 & 0xf)
        } else {
            self.hex()
        }
    }

    /// WCAG 2.2 relative luminance.
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// WCAG 2.2 contrast ratio, from 1 (same) to 21 (black on white).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// `share` (0 to 1) of `other` mixed into this colour, as CSS
    /// `color-mix(in srgb, …)` does.
    fn mix(self, other: Rgb, share: f64) -> Rgb {
        let m = |a: u8, b: u8| {
            let v = f64::from(a) * (1.0 - share) + f64::from(b) * share;
            v.round().clamp(0.0, 255.0) as u8
        };
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// The colours a site may set, each a CSS custom property of the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorKey {
    /// Links, buttons, the header and footer rules, step numbers.
    Brand,
    /// Text on brand and accent fills (buttons, badges).
    BrandText,
    /// Urgent notices, required items, form errors.
    Accent,
    /// Body text.
    Text,
    /// The page background.
    Background,
    /// The keyboard focus ring.
    Focus,
}

impl ColorKey {
    pub const ALL: [ColorKey; 6] = [
        ColorKey::Brand,
        ColorKey::BrandText,
        ColorKey::Accent,
        ColorKey::Text,
        ColorKey::Background,
        ColorKey::Focus,
    ];

    /// The key in site.toml and theme.toml.
    pub fn key(self) -> &'static str {
        match self {
            ColorKey::Brand => "brand",
            ColorKey::BrandText => "brand_text",
            ColorKey::Accent => "accent",
            ColorKey::Text => "text",
            ColorKey::Background => "background",
            ColorKey::Focus => "focus",
        }
    }
}

/// The built-in palette and fonts (the `clinic` theme's), so every custom
/// property is defined even for a theme without theme.toml.
const BUILT_IN: [Rgb; 6] = [
    Rgb(0x0b, 0x52, 0x75),
    Rgb(0xff, 0xff, 0xff),
    Rgb(0xb4, 0x23, 0x18),
    Rgb(0x1d, 0x27, 0x33),
    Rgb(0xff, 0xff, 0xff),
    Rgb(0xc0, 0x56, 0x00),
];
const BUILT_IN_FONT: &str = "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, \"Noto Sans\", sans-serif";

/// Where a value was written, for findings that point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub span: Span,
    /// The text of that line, shown under the finding.
    pub line: String,
}

impl Origin {
    pub(crate) fn of(file: &str, text: &str, span: Range<usize>) -> Origin {
        let at = span_of(text, span.start, span.len());
        Origin {
            file: file.to_owned(),
            span: at,
            line: text
                .lines()
                .nth(at.line.saturating_sub(1))
                .unwrap_or_default()
                .to_owned(),
        }
    }

    pub(crate) fn finding(&self, code: Code, message: String) -> Diagnostic {
        let mut d = Diagnostic::new(code, message).in_file(self.file.clone());
        d.span = Some(self.span);
        d.source_line = Some(self.line.clone());
        d
    }
}

/// One validated value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    /// The value as written (`"teal"`), for messages.
    pub written: String,
    pub origin: Origin,
}

/// What one layer (site.toml's `[theme]` or a theme.toml's `[defaults]`) sets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    pub colors: BTreeMap<ColorKey, Setting<Rgb>>,
    /// A CSS font-family list for body text.
    pub font: Option<Setting<String>>,
    /// A CSS font-family list for headings (default: `font`).
    pub heading_font: Option<Setting<String>>,
    /// The header logo (site.toml only; default: `[organization] logo`).
    pub logo: Option<Setting<String>>,
}

// ---- what templates see -------------------------------------------------------

/// `theme` in every template (themes/clinic/CONTEXT.md).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ThemeView {
    /// The header logo: `[theme] logo`, else `[organization] logo`.
    pub logo: Option<LogoView>,
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
        }
    }
}

// ---- resolving the layers -------------------------------------------------------

/// Every colour the stylesheet uses: the settings and what is derived from them.
#[derive(Debug, Clone, Copy)]
struct Palette {
    brand: Rgb,
    brand_text: Rgb,
    accent: Rgb,
    text: Rgb,
    background: Rgb,
    focus: Rgb,
    /// Buttons on hover.
    brand_dark: Rgb,
    /// Routine badges.
    brand_tint: Rgb,
    /// Urgent callouts.
    accent_tint: Rgb,
    /// Panels, the navigation bar, the footer.
    surface: Rgb,
    /// Secondary text and input borders.
    muted: Rgb,
    /// Rules and card borders.
    line: Rgb,
}

impl Palette {
    fn derive(base: [Rgb; 6]) -> Palette {
        let [brand, brand_text, accent, text, background, focus] = base;
        Palette {
            brand,
            brand_text,
            accent,
            text,
            background,
            focus,
            brand_dark: brand.mix(Rgb::BLACK, 0.25),
            brand_tint: background.mix(brand, 0.11),
            accent_tint: background.mix(accent, 0.07),
            surface: background.mix(brand, 0.06),
            muted: text.mix(background, 0.25),
            line: background.mix(text, 0.25),
        }
    }
}

/// A text colour on a background colour that the theme paints, and the keys
/// that make it (the first one set by the site is the one a finding names).
struct Pair {
    fg: fn(&Palette) -> Rgb,
    bg: fn(&Palette) -> Rgb,
    /// 4.5 for text, 3 for the focus ring (WCAG 2.2: 1.4.3 and 1.4.11).
    min: f64,
    what: &'static str,
    keys: &'static [ColorKey],
}

use ColorKey::{Accent, Background, Brand, BrandText, Focus, Text};

const PAIRS: &[Pair] = &[
    Pair {
        fg: |p| p.text,
        bg: |p| p.background,
        min: 4.5,
        what: "body text on the page background",
        keys: &[Text, Background],
    },
    Pair {
        fg: |p| p.text,
        bg: |p| p.surface,
        min: 4.5,
        what: "text on tinted panels",
        keys: &[Text, Background, Brand],
    },
    Pair {
        fg: |p| p.muted,
        bg: |p| p.surface,
        min: 4.5,
        what: "secondary text (dates, form help) on tinted panels",
        keys: &[Text, Background, Brand],
    },
    Pair {
        fg: |p| p.text,
        bg: |p| p.accent_tint,
        min: 4.5,
        what: "text in urgent notices",
        keys: &[Text, Accent, Background],
    },
    Pair {
        fg: |p| p.brand,
        bg: |p| p.background,
        min: 4.5,
        what: "links on the page background",
        keys: &[Brand, Background],
    },
    Pair {
        fg: |p| p.brand,
        bg: |p| p.surface,
        min: 4.5,
        what: "links on tinted panels",
        keys: &[Brand, Background],
    },
    Pair {
        fg: |p| p.brand,
        bg: |p| p.brand_tint,
        min: 4.5,
        what: "routine badges",
        keys: &[Brand, Background],
    },
    Pair {
        fg: |p| p.brand_text,
        bg: |p| p.brand,
        min: 4.5,
        what: "button text on the brand colour",
        keys: &[Brand, BrandText],
    },
    Pair {
        fg: |p| p.brand_text,
        bg: |p| p.brand_dark,
        min: 4.5,
        what: "button text on hover",
        keys: &[Brand, BrandText],
    },
    Pair {
        fg: |p| p.accent,
        bg: |p| p.background,
        min: 4.5,
        what: "form errors and required marks",
        keys: &[Accent, Background],
    },
    Pair {
        fg: |p| p.accent,
        bg: |p| p.accent_tint,
        min: 4.5,
        what: "urgent notice headings",
        keys: &[Accent, Background],
    },
    Pair {
        fg: |p| p.brand_text,
        bg: |p| p.accent,
        min: 4.5,
        what: "urgent badges and required tags",
        keys: &[Accent, BrandText],
    },
    Pair {
        fg: |p| p.focus,
        bg: |p| p.background,
        min: 3.0,
        what: "the focus ring on the page background",
        keys: &[Focus, Background],
    },
    Pair {
        fg: |p| p.focus,
        bg: |p| p.surface,
        min: 3.0,
        what: "the focus ring on tinted panels",
        keys: &[Focus, Background, Brand],
    },
];

/// The theme as every page's stylesheet and header need it.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// `:root{--brand:#0b5275;…}`, put before the theme's `css/site.css`.
    pub root_css: String,
    /// The header logo's path or address, if any.
    pub logo: Option<String>,
}

/// Merges the site's settings over the theme's defaults over the built-in
/// palette; warns (W040) about every pair below WCAG 2.2 AA.
pub fn resolve(
    site: &Settings,
    theme: &Settings,
    org_logo: Option<&str>,
    base_url: &str,
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
    let diags = contrast_findings(base, &origins);
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
    let root_css = root_rule(&palette, font, heading_font, base_url);
    let logo = site
        .logo
        .as_ref()
        .map(|s| s.value.clone())
        .or_else(|| org_logo.map(str::to_owned));
    (Style { root_css, logo }, diags)
}

fn root_rule(p: &Palette, font: &str, heading_font: Option<&str>, base_url: &str) -> String {
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
    // The site's address, so print CSS can show where a link goes.
    let url: String = base_url
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

fn contrast_findings(
    base: [Rgb; 6],
    origins: &BTreeMap<ColorKey, (&Setting<Rgb>, bool)>,
) -> Diagnostics {
    let palette = Palette::derive(base);
    // Failing pairs grouped by the key a finding names: the first of the
    // pair's keys the site set, else the first the theme set.
    let mut by_key: BTreeMap<ColorKey, Vec<(&Pair, f64)>> = BTreeMap::new();
    for pair in PAIRS {
        let ratio = (pair.fg)(&palette).contrast((pair.bg)(&palette));
        if ratio >= pair.min {
            continue;
        }
        let blamed = pair
            .keys
            .iter()
            .find(|k| origins.get(k).is_some_and(|(_, site)| *site))
            .or_else(|| pair.keys.iter().find(|k| origins.contains_key(k)));
        if let Some(&key) = blamed {
            by_key.entry(key).or_default().push((pair, ratio));
        }
    }
    let mut diags = Diagnostics::new();
    for (key, failures) in by_key {
        let Some((setting, _)) = origins.get(&key) else {
            continue;
        };
        let list: Vec<String> = failures
            .iter()
            .map(|(pair, ratio)| {
                if pair.min < 4.5 {
                    format!("{} {}:1 (needs {}:1)", pair.what, floor2(*ratio), pair.min)
                } else {
                    format!("{} {}:1", pair.what, floor2(*ratio))
                }
            })
            .collect();
        let text_rule = if failures.iter().any(|(pair, _)| pair.min >= 4.5) {
            "; text needs 4.5:1"
        } else {
            ""
        };
        let better = suggestion(base, key);
        let too = match better {
            Some((_, true)) => "is too light",
            Some((_, false)) => "is too dark",
            None => "has too little contrast",
        };
        let message = format!(
            "`{} = \"{}\"` {too} for WCAG 2.2 AA contrast: {}{text_rule}",
            key.key(),
            setting.written,
            list.join(", ")
        );
        let hint = match better {
            Some((color, darker)) => format!(
                "a {} shade of it passes every check: `{} = \"{}\"`",
                if darker { "darker" } else { "lighter" },
                key.key(),
                color.hex()
            ),
            None => format!(
                "choose a `{}` with more contrast against the colours named",
                key.key()
            ),
        };
        diags.push(
            setting
                .origin
                .finding(Code::ThemeContrast, message)
                .with_hint(hint),
        );
    }
    diags
}

/// Contrast ratios are shown rounded down, so 4.49 never reads as 4.5.
fn floor2(ratio: f64) -> String {
    let s = format!("{:.2}", (ratio * 100.0).floor() / 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The nearest shade or tint of `key`'s colour that passes every pair it is
/// part of (the other colours kept): (colour, darker?).
fn suggestion(base: [Rgb; 6], key: ColorKey) -> Option<(Rgb, bool)> {
    let i = ColorKey::ALL.iter().position(|k| *k == key)?;
    let passes = |candidate: Rgb| {
        let mut b = base;
        b[i] = candidate;
        let p = Palette::derive(b);
        PAIRS
            .iter()
            .filter(|pair| pair.keys.contains(&key))
            .all(|pair| (pair.fg)(&p).contrast((pair.bg)(&p)) >= pair.min)
    };
    (1..=100).find_map(|step| {
        let share = f64::from(step) / 100.0;
        let darker = base[i].mix(Rgb::BLACK, share);
        let lighter = base[i].mix(Rgb::WHITE, share);
        if passes(darker) {
            Some((darker, true))
        } else if passes(lighter) {
            Some((lighter, false))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests;
