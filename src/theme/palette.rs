//! Colour maths of the theme: parsing CSS colours, WCAG 2.2 contrast, the
//! tints and shades the stylesheet derives from the six colours a site may
//! set, and the contrast findings (W040) with a passing suggestion.
//!
//! Every text/background pair the default theme paints is listed once
//! ([`PAIRS`]): the check, the finding and the suggestion all read it. No
//! I/O, no merging of layers (see [`super::resolve`]).

use std::collections::BTreeMap;

use super::Setting;
use crate::diag::{Code, Diagnostics};

/// A colour the theme paints with, opaque sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub(super) const BLACK: Rgb = Rgb(0, 0, 0);
    pub(super) const WHITE: Rgb = Rgb(255, 255, 255);

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
    pub(super) fn css(self) -> String {
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

/// The built-in palette (the `clinic` theme's), so every custom property is
/// defined even for a theme without theme.toml.
pub(super) const BUILT_IN: [Rgb; 6] = [
    Rgb(0x0b, 0x52, 0x75),
    Rgb(0xff, 0xff, 0xff),
    Rgb(0xb4, 0x23, 0x18),
    Rgb(0x1d, 0x27, 0x33),
    Rgb(0xff, 0xff, 0xff),
    Rgb(0xc0, 0x56, 0x00),
];

/// Every colour the stylesheet uses: the settings and what is derived from them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Palette {
    pub(super) brand: Rgb,
    pub(super) brand_text: Rgb,
    pub(super) accent: Rgb,
    pub(super) text: Rgb,
    pub(super) background: Rgb,
    pub(super) focus: Rgb,
    /// Buttons on hover.
    pub(super) brand_dark: Rgb,
    /// Routine badges.
    pub(super) brand_tint: Rgb,
    /// Urgent callouts.
    pub(super) accent_tint: Rgb,
    /// Panels, the navigation bar, the footer.
    pub(super) surface: Rgb,
    /// Secondary text and input borders.
    pub(super) muted: Rgb,
    /// Rules and card borders.
    pub(super) line: Rgb,
}

impl Palette {
    pub(super) fn derive(base: [Rgb; 6]) -> Palette {
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
pub(super) struct Pair {
    pub(super) fg: fn(&Palette) -> Rgb,
    pub(super) bg: fn(&Palette) -> Rgb,
    /// 4.5 for text, 3 for the focus ring (WCAG 2.2: 1.4.3 and 1.4.11).
    pub(super) min: f64,
    pub(super) what: &'static str,
    pub(super) keys: &'static [ColorKey],
}

use ColorKey::{Accent, Background, Brand, BrandText, Focus, Text};

pub(super) const PAIRS: &[Pair] = &[
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

pub(super) fn contrast_findings(
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
pub(super) fn floor2(ratio: f64) -> String {
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
