//! Stage 1: `site.toml` text → [`Config`].
//!
//! The file is read as a raw layer (`raw.rs`: every key optional, every
//! unknown key a finding, spans kept), then validated into a [`Config`]
//! whose fields cannot hold bad values. One module per part of the file:
//! `organization.rs` (`[organization]`), `intake.rs` (`[intake]`, read with
//! the backends' profiles of `crate::forms::backend`), `theme.rs` (`theme`
//! and `[theme]`); the top-level keys, `[build]` and `[serve]` are short
//! enough to stay here. Runtime mode (serve, drafts, output override) is not
//! configuration: it lives in `BuildOptions`. No I/O here: the caller passes
//! the text.

mod analytics;
mod extra;
mod intake;
mod organization;
mod raw;
mod theme;

use std::ops::Range;

use toml::Spanned;

pub use self::analytics::{Analytics, Provider};
pub use self::intake::{Encoding, Intake};
pub use self::organization::{Liaison, Organization, OrganizationType};
use self::raw::{RawBuild, RawConfig};
use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use crate::values::{self, Fault, UrlRule};

pub const FILE: &str = "site.toml";

/// The site's configuration after validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    pub base_url: BaseUrl,
    pub language: String,
    pub description: Option<String>,
    pub theme: String,
    /// `[theme]` brand colours, fonts and logo (src/theme/).
    pub theme_settings: crate::theme::Settings,
    pub organization: Organization,
    pub intake: Option<Intake>,
    pub build: BuildConfig,
    pub serve: ServeConfig,
    /// `[extra]`: the practice's own values for its templates, keys free.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// `[analytics]`: the provider that counts visits, if any.
    pub analytics: Option<Analytics>,
}

/// An absolute `https://` URL without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Accepts an absolute https URL (http only for loopback hosts, which
    /// previews on a laptop use) with nothing but a host and a path: pages'
    /// addresses are appended to it.
    pub fn parse(text: &str) -> Result<BaseUrl, Fault> {
        let rule = UrlRule {
            query: false,
            loopback_http: true,
        };
        let url = values::url(text, rule)?;
        Ok(BaseUrl(url.as_str().trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The absolute URL of a root-relative path.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }

    /// The address's path without its trailing slash: `/clinic` for
    /// `https://example.org/clinic/` (a GitHub Pages project site), empty
    /// for a site at the host's root. Links are written from the site's
    /// root (`/services/x/`) and the build puts this in front of them
    /// (`render::prefix`).
    pub fn path(&self) -> &str {
        let rest = self.0.split_once("://").map_or("", |(_, rest)| rest);
        rest.find('/').map_or("", |slash| &rest[slash..])
    }

    /// `scheme://host[:port]`: the address without [`BaseUrl::path`].
    pub fn origin(&self) -> &str {
        &self.0[..self.0.len() - self.path().len()]
    }

    /// The link to a site path as a browser follows it: the path with
    /// [`BaseUrl::path`] in front (`/clinic/services/x/`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.path(), path)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildConfig {
    pub output_dir: String,
    pub minify: bool,
    pub browsers: String,
    /// Entries per page of an index page (`/services/`, the `/refer/` hub…);
    /// the rest go on `/services/page/2/` and on, so no page grows with the site.
    pub page_size: usize,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output_dir: "public".to_owned(),
            minify: true,
            browsers: "defaults".to_owned(),
            page_size: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServeConfig {
    pub port: u16,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig { port: 1111 }
    }
}

/// Parses and validates `site.toml`, reporting every problem found.
pub fn parse(text: &str) -> Result<Config, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    validate(raw::read(text)?, text)
}

/// Each part of the file in turn; every finding is kept, and a [`Config`]
/// comes out only when there is none.
fn validate(raw: RawConfig, text: &str) -> Result<Config, Diagnostics> {
    let RawConfig {
        title,
        base_url,
        language,
        description,
        theme,
        organization,
        intake,
        build,
        serve,
        extra,
        analytics,
    } = raw;
    let mut diags = Diagnostics::new();
    let title = validate_title(title, text, &mut diags);
    let base_url = validate_base_url(base_url, text, &mut diags);
    let (theme, theme_settings) = theme::validate(theme, text, &mut diags);
    let language = validate_language(language, text, &mut diags);
    let organization = organization::validate(organization, &title, text, &mut diags);
    let intake = intake.and_then(|raw| intake::validate(raw, text, &mut diags));
    // SPEC §3: forms always link the privacy policy beside them.
    if intake.is_some() && organization.privacy_policy.is_none() {
        diags.push(
            Diagnostic::new(Code::ConfigMissingKey, "forms are on (`[intake]`), so `[organization] privacy_policy` is required")
                .in_file(FILE)
                .at(text, Span::start())
                .with_hint("add `privacy_policy = \"/privacy/\"` under `[organization]` and a page that explains how form data is handled"),
        );
    }
    let phi_ok = intake.as_ref().is_some_and(|i| i.phi_ok);
    let analytics = analytics.and_then(|raw| analytics::validate(raw, phi_ok, text, &mut diags));
    let build = build.map_or_else(BuildConfig::default, |b| {
        validate_build(b, text, &mut diags)
    });
    let serve = ServeConfig {
        port: serve
            .and_then(|s| s.port)
            .unwrap_or(ServeConfig::default().port),
    };
    match base_url {
        Some(base_url) if !diags.has_errors() => Ok(Config {
            title,
            base_url,
            language,
            description,
            theme,
            theme_settings,
            organization,
            intake,
            build,
            serve,
            extra: extra.map(extra::to_data).unwrap_or_default(),
            analytics,
        }),
        _ => Err(diags),
    }
}

fn validate_title(title: Option<Spanned<String>>, text: &str, diags: &mut Diagnostics) -> String {
    match title {
        Some(t) if !t.get_ref().trim().is_empty() => t.into_inner(),
        Some(t) => {
            diags.push(invalid(
                text,
                t.span(),
                "`title` is empty".into(),
                "write the practice's name",
            ));
            String::new()
        }
        None => {
            diags.push(missing(text, "title"));
            String::new()
        }
    }
}

fn validate_base_url(
    base_url: Option<Spanned<String>>,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<BaseUrl> {
    let Some(b) = base_url else {
        diags.push(missing(text, "base_url"));
        return None;
    };
    match BaseUrl::parse(b.get_ref()) {
        Ok(url) => Some(url),
        Err(fault) => {
            diags.push(refused(
                text,
                b.span(),
                "base_url",
                &fault,
                "write the live address, e.g. `https://www.your-practice.org`",
            ));
            None
        }
    }
}

/// `<html lang>` and `og:locale`: a language tag, nothing else.
fn validate_language(
    language: Option<Spanned<String>>,
    text: &str,
    diags: &mut Diagnostics,
) -> String {
    match language {
        None => "en-US".to_owned(),
        Some(l) if is_language_tag(l.get_ref()) => l.into_inner(),
        Some(l) => {
            diags.push(invalid(
                text,
                l.span(),
                "`language` is not a language tag".to_owned(),
                "use a BCP 47 tag such as `en-US`, `es` or `fr-CA`",
            ));
            String::new()
        }
    }
}

fn validate_build(raw: RawBuild, text: &str, diags: &mut Diagnostics) -> BuildConfig {
    let RawBuild {
        output_dir,
        minify,
        browsers,
        page_size,
    } = raw;
    let defaults = BuildConfig::default();
    let page_size = match page_size {
        None => defaults.page_size,
        Some(n) => match usize::try_from(*n.get_ref()) {
            Ok(size) if size >= 1 => size,
            _ => {
                diags.push(invalid(
                    text,
                    n.span(),
                    format!("`page_size = {}` is not a number of entries", n.get_ref()),
                    "use a whole number of at least 1, for example `page_size = 100`",
                ));
                defaults.page_size
            }
        },
    };
    let browsers = match browsers {
        None => defaults.browsers,
        Some(b) => {
            let query = b.get_ref().clone();
            if let Err(e) = lightningcss::targets::Browsers::from_browserslist([query.as_str()]) {
                diags.push(invalid(
                    text,
                    b.span(),
                    format!("`browsers = \"{query}\"` is not a browserslist query: {e}"),
                    "use e.g. `defaults` or `> 0.5%, last 2 versions, not dead`",
                ));
            }
            query
        }
    };
    BuildConfig {
        output_dir: output_dir.unwrap_or(defaults.output_dir),
        minify: minify.unwrap_or(defaults.minify),
        browsers,
        page_size,
    }
}

/// A BCP 47 language tag, checked for shape: subtags of 1 to 8 ASCII
/// letters or digits joined by `-`, the first of letters.
fn is_language_tag(s: &str) -> bool {
    s.len() <= 35
        && s.split('-').enumerate().all(|(i, sub)| {
            (1..=8).contains(&sub.len())
                && sub
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit()))
        })
}

/// A folder or account name: letters, digits, `-` and `_`.
fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

// ---- findings ----

fn toml_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim();
    let span = e.span().unwrap_or(0..0);
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        return missing(text, field);
    }
    at(
        text,
        Code::ConfigSyntax,
        span,
        format!("site.toml is not valid TOML: {message}"),
    )
    .with_hint("check quotes, `=` between key and value, and `[section]` headers")
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" message
/// (theme.toml's keys are still read with `deny_unknown_fields`).
pub(crate) fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((key.to_owned(), expected))
}

/// A required key is absent: a finding at the top of the file.
fn missing(text: &str, field: &str) -> Diagnostic {
    let hint = match field {
        "title" => "add `title = \"Your Practice Name\"` at the top of site.toml".to_owned(),
        "base_url" => {
            "add `base_url = \"https://www.your-practice.org\"` at the top of site.toml".to_owned()
        }
        other => format!("add `{other} = …` to site.toml"),
    };
    Diagnostic::new(
        Code::ConfigMissingKey,
        format!("site.toml must set `{field}`"),
    )
    .in_file(FILE)
    .at(text, Span::start())
    .with_hint(hint)
}

fn at(text: &str, code: Code, span: Range<usize>, message: String) -> Diagnostic {
    Diagnostic::new(code, message)
        .in_file(FILE)
        .at_offset(text, span.start, span.len())
}

fn invalid(text: &str, span: Range<usize>, message: String, hint: &str) -> Diagnostic {
    at(text, Code::ConfigInvalidValue, span, message).with_hint(hint)
}

/// A value a [`values`] rule refused: the rule's code and hint, or E004 with
/// the field's `hint` when the value is not of the field's kind at all.
fn refused(text: &str, span: Range<usize>, key: &str, fault: &Fault, hint: &str) -> Diagnostic {
    at(
        text,
        fault.code(Code::ConfigInvalidValue),
        span,
        format!("`{key}`: {fault}"),
    )
    .with_hint(fault.hint().unwrap_or(hint))
}

#[cfg(test)]
mod tests;
