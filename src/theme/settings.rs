//! The raw layers of the theme settings: site.toml's `theme` key (a name
//! or a `[theme]` table) and a theme's `theme.toml`, read with spans and
//! validated into [`Settings`]: colours parsed, font lists checked so they
//! can go into the stylesheet as written, the logo a path of the site. Every
//! problem is a finding at the value; nothing is merged here (see
//! [`super::resolve`]).

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use toml::Spanned;

use std::collections::BTreeMap;
use std::ops::Range;

use super::{ColorKey, Rgb};
use crate::diag::{Code, Diagnostic, Diagnostics, Span, did_you_mean, span_of};
use crate::values::{self, Fault};

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
    /// The browser tab's icon (site.toml only; default: the logo).
    pub favicon: Option<Setting<String>>,
}

/// site.toml's `theme`: a theme name (`theme = "clinic"`) or a table.
#[derive(Debug)]
pub(crate) enum RawThemeKey {
    Name(String),
    Table(Box<RawTheme>),
}

impl<'de> Deserialize<'de> for RawThemeKey {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = RawThemeKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a theme name or a `[theme]` table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawThemeKey, E> {
                Ok(RawThemeKey::Name(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawThemeKey, A::Error> {
                RawTheme::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| RawThemeKey::Table(Box::new(t)))
            }
        }
        d.deserialize_any(KeyVisitor)
    }
}

/// site.toml's `[theme]` table (`config` reports its unknown keys).
#[derive(Debug, Deserialize)]
pub(crate) struct RawTheme {
    pub name: Option<Spanned<String>>,
    brand: Option<Spanned<String>>,
    brand_text: Option<Spanned<String>>,
    accent: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    background: Option<Spanned<String>>,
    focus: Option<Spanned<String>>,
    font: Option<Spanned<String>>,
    heading_font: Option<Spanned<String>>,
    logo: Option<Spanned<String>>,
    favicon: Option<Spanned<String>>,
}

/// A theme's `theme.toml`. `name`, `description` and `version` document
/// the theme for people; they are read only so that a typo among the keys
/// is a finding. `forms` is checked by `super::contract`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RawThemeToml {
    name: Option<String>,
    description: Option<String>,
    version: Option<String>,
    forms: Option<toml::Value>,
    defaults: Option<RawDefaults>,
}

const COLOR_HINT: &str =
    "write an opaque CSS colour, e.g. `\"#0b5275\"`, `\"rgb(11 82 117)\"` or `\"teal\"`";
const FONT_HINT: &str = "list font families, most wanted first, ending with a generic family: \
     `font = \"Charter, Georgia, serif\"` (handoff loads no web fonts: name fonts your readers have)";

/// theme.toml's `[defaults]`: the theme's values of the site settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    brand: Option<Spanned<String>>,
    brand_text: Option<Spanned<String>>,
    accent: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    background: Option<Spanned<String>>,
    focus: Option<Spanned<String>>,
    font: Option<Spanned<String>>,
    heading_font: Option<Spanned<String>>,
}

/// The settings of site.toml's `[theme]` table (`file` is `site.toml`).
pub(crate) fn validate(raw: RawTheme, file: &str, text: &str, diags: &mut Diagnostics) -> Settings {
    let RawTheme {
        name: _,
        brand,
        brand_text,
        accent,
        text: text_color,
        background,
        focus,
        font,
        heading_font,
        logo,
        favicon,
    } = raw;
    let colors = [brand, brand_text, accent, text_color, background, focus];
    let mut settings = validate_layer(colors, font, heading_font, file, text, diags);
    settings.logo = logo.and_then(|l| image("logo", l, file, text, diags));
    settings.favicon = favicon.and_then(|l| image("favicon", l, file, text, diags));
    settings
}

/// An image setting (`logo`, `favicon`): a path of the site or an https
/// address.
fn image(
    key: &str,
    l: Spanned<String>,
    file: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Setting<String>> {
    let value = l.get_ref().trim().to_owned();
    let origin = Origin::of(file, text, l.span());
    let fault = if crate::values::is_unsafe_target(&value) {
        Some(Fault::Invalid(String::new()))
    } else {
        values::link(&value).err()
    };
    match fault {
        None => Some(Setting {
            written: value.clone(),
            value,
            origin,
        }),
        Some(Fault::Invalid(_)) => {
            diags.push(
                origin
                    .finding(
                        Code::ConfigInvalidValue,
                        format!(
                            "`{key} = \"{}\"` is not an image path of this site or an https address",
                            l.get_ref().escape_debug()
                        ),
                    )
                    .with_hint(format!("write a path under `static/`, e.g. `{key} = \"/images/logo.svg\"`")),
            );
            None
        }
        Some(fault) => {
            diags.push(
                origin
                    .finding(
                        fault.code(Code::ConfigInvalidValue),
                        format!("`{key}`: {fault}"),
                    )
                    .with_hint_opt(fault.hint().map(str::to_owned)),
            );
            None
        }
    }
}

/// Reads a theme's theme.toml (`file` is its path for messages).
pub fn parse_defaults(text: &str, file: &str) -> Result<Settings, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawThemeToml = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim();
        let origin = Origin::of(file, text, span);
        Diagnostics::from(match crate::config::parse_unknown_field(message) {
            Some((key, expected)) => {
                let keys: Vec<&str> = expected.iter().map(String::as_str).collect();
                origin
                    .finding(
                        Code::ConfigUnknownKey,
                        format!("`{key}` is not a theme.toml key here"),
                    )
                    .with_hint(did_you_mean(&key, &keys))
            }
            None => origin
                .finding(
                    Code::ConfigSyntax,
                    format!("theme.toml is not valid TOML: {message}"),
                )
                .with_hint("check quotes, `=` between key and value, and `[section]` headers"),
        })
    })?;
    let mut diags = Diagnostics::new();
    let settings = match raw.defaults {
        None => Settings::default(),
        Some(RawDefaults {
            brand,
            brand_text,
            accent,
            text: text_color,
            background,
            focus,
            font,
            heading_font,
        }) => {
            let colors = [brand, brand_text, accent, text_color, background, focus];
            validate_layer(colors, font, heading_font, file, text, &mut diags)
        }
    };
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(settings)
    }
}

fn validate_layer(
    colors: [Option<Spanned<String>>; 6],
    font: Option<Spanned<String>>,
    heading_font: Option<Spanned<String>>,
    file: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Settings {
    let mut settings = Settings::default();
    for (key, raw) in ColorKey::ALL.into_iter().zip(colors) {
        let Some(raw) = raw else { continue };
        let origin = Origin::of(file, text, raw.span());
        match Rgb::parse(raw.get_ref()) {
            Ok(value) => {
                settings.colors.insert(
                    key,
                    Setting {
                        value,
                        written: raw.get_ref().clone(),
                        origin,
                    },
                );
            }
            Err(msg) => diags.push(
                origin
                    .finding(Code::ConfigInvalidValue, format!("`{}`: {msg}", key.key()))
                    .with_hint(COLOR_HINT),
            ),
        }
    }
    let mut font_of = |raw: Option<Spanned<String>>, key: &str| {
        let raw = raw?;
        let origin = Origin::of(file, text, raw.span());
        match check_font_list(raw.get_ref()) {
            Ok(value) => Some(Setting {
                written: raw.get_ref().clone(),
                value,
                origin,
            }),
            Err(msg) => {
                diags.push(
                    origin
                        .finding(Code::ConfigInvalidValue, format!("`{key}`: {msg}"))
                        .with_hint(FONT_HINT),
                );
                None
            }
        }
    };
    settings.font = font_of(font, "font");
    settings.heading_font = font_of(heading_font, "heading_font");
    settings
}

/// A CSS `font-family` list, checked so it can go into the stylesheet as is:
/// names (quoted or not) separated by commas, and nothing else.
pub(super) fn check_font_list(list: &str) -> Result<String, String> {
    let list = list.trim();
    if list.is_empty() {
        return Err("the font list is empty".to_owned());
    }
    if list.len() > 400 {
        return Err("the font list is over 400 characters".to_owned());
    }
    let mut names = Vec::new();
    for name in list.split(',') {
        let name = name.trim();
        let quoted = name.len() >= 2
            && ((name.starts_with('"') && name.ends_with('"'))
                || (name.starts_with('\'') && name.ends_with('\'')));
        let inner = if quoted {
            &name[1..name.len() - 1]
        } else {
            name
        };
        let plain = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.');
        if inner.trim().is_empty() || !inner.chars().all(plain) {
            return Err(format!(
                "`{name}` is not a font family name \
                 (letters, digits, spaces and `-`; quote names with spaces)"
            ));
        }
        if !quoted
            && inner
                .split(' ')
                .any(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        {
            return Err(format!("`{name}` needs quotes: `\"{name}\"`"));
        }
        names.push(name);
    }
    Ok(names.join(", "))
}
