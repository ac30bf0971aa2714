//! Stage 1: `site.toml` text → [`Config`].
//!
//! The file is read as a [`RawConfig`] (every key optional, unknown keys
//! refused, spans kept), then validated into a [`Config`] whose fields cannot
//! hold bad values. Runtime mode (serve, drafts, output override) is not
//! configuration: it lives in `BuildOptions`. No I/O here: the caller passes
//! the text.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::phone::Phone;
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
    /// `[theme]` brand colours, fonts and logo (src/theme.rs).
    pub theme_settings: crate::theme::Settings,
    pub organization: Organization,
    pub intake: Option<Intake>,
    pub build: BuildConfig,
    pub serve: ServeConfig,
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
}

/// schema.org types a practice can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationType {
    MedicalOrganization,
    MedicalClinic,
    Hospital,
    Physician,
}

impl OrganizationType {
    const NAMES: [&'static str; 4] = [
        "MedicalOrganization",
        "MedicalClinic",
        "Hospital",
        "Physician",
    ];

    fn parse(s: &str) -> Option<Self> {
        match s {
            "MedicalOrganization" => Some(Self::MedicalOrganization),
            "MedicalClinic" => Some(Self::MedicalClinic),
            "Hospital" => Some(Self::Hospital),
            "Physician" => Some(Self::Physician),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MedicalOrganization => "MedicalOrganization",
            Self::MedicalClinic => "MedicalClinic",
            Self::Hospital => "Hospital",
            Self::Physician => "Physician",
        }
    }
}

/// The single source of truth for name, phone and contact data.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub name: String,
    pub kind: OrganizationType,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub logo: Option<String>,
    pub same_as: Vec<String>,
    pub privacy_policy: Option<String>,
}

/// Where the forms post (SPEC §7).
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub backend: Backend,
    pub encoding: Encoding,
    /// The backend is covered by a business associate agreement.
    pub phi_ok: bool,
    /// Renames of canonical field names, sorted by canonical name.
    pub field_names: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    Webhook {
        endpoint: String,
    },
    Formspree {
        form_id: String,
    },
    Netlify,
    Hubspot {
        portal_id: String,
        referral_guid: String,
        appointment_guid: String,
    },
    Salesforce {
        oid: String,
        endpoint: String,
    },
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Webhook { .. } => "webhook",
            Backend::Formspree { .. } => "formspree",
            Backend::Netlify => "netlify",
            Backend::Hubspot { .. } => "hubspot",
            Backend::Salesforce { .. } => "salesforce",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A native POST that works without JavaScript.
    Form,
    /// A `fetch` with a JSON body.
    Json,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildConfig {
    pub output_dir: String,
    pub minify: bool,
    pub browsers: String,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output_dir: "public".to_owned(),
            minify: true,
            browsers: "defaults".to_owned(),
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

// ---- raw layer: what the user wrote ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    description: Option<String>,
    /// `theme = "clinic"`, or a `[theme]` table with `name` and settings.
    theme: Option<Spanned<crate::theme::RawThemeKey>>,
    organization: Option<RawOrganization>,
    intake: Option<RawIntake>,
    build: Option<RawBuild>,
    serve: Option<RawServe>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganization {
    name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<Spanned<String>>,
    phone: Option<Spanned<String>>,
    fax: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    logo: Option<Spanned<String>>,
    same_as: Option<Vec<Spanned<String>>>,
    privacy_policy: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntake {
    backend: Option<Spanned<String>>,
    endpoint: Option<Spanned<String>>,
    encoding: Option<Spanned<String>>,
    phi_ok: Option<Spanned<bool>>,
    form_id: Option<String>,
    portal_id: Option<String>,
    form_guids: Option<RawFormGuids>,
    oid: Option<String>,
    field_names: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFormGuids {
    referral: Option<String>,
    appointment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuild {
    output_dir: Option<String>,
    minify: Option<bool>,
    browsers: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServe {
    port: Option<u16>,
}

/// Parses and validates `site.toml`, reporting every problem found.
pub fn parse(text: &str) -> Result<Config, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawConfig =
        toml::from_str(text).map_err(|e| Diagnostics::from(toml_error(text, &e)))?;
    validate(raw, text)
}

fn toml_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim();
    let span = e.span().unwrap_or(0..0);
    if let Some((key, expected)) = parse_unknown_field(message) {
        let keys: Vec<&str> = expected.iter().map(String::as_str).collect();
        return at(
            text,
            Code::ConfigUnknownKey,
            span,
            format!("`{key}` is not a site.toml key here"),
        )
        .with_hint(did_you_mean(&key, &keys));
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        return Diagnostic::new(
            Code::ConfigMissingKey,
            format!("site.toml must set `{field}`"),
        )
        .in_file(FILE)
        .at(text, crate::diag::Span::start())
        .with_hint(required_hint(field));
    }
    at(
        text,
        Code::ConfigSyntax,
        span,
        format!("site.toml is not valid TOML: {message}"),
    )
    .with_hint("check quotes, `=` between key and value, and `[section]` headers")
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" message.
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

fn required_hint(field: &str) -> String {
    match field {
        "title" => "add `title = \"Your Practice Name\"` at the top of site.toml".to_owned(),
        "base_url" => {
            "add `base_url = \"https://www.your-practice.org\"` at the top of site.toml".to_owned()
        }
        other => format!("add `{other} = …` to site.toml"),
    }
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
    } = raw;
    let mut diags = Diagnostics::new();

    let missing = |field: &str| {
        Diagnostic::new(
            Code::ConfigMissingKey,
            format!("site.toml must set `{field}`"),
        )
        .in_file(FILE)
        .at(text, crate::diag::Span::start())
        .with_hint(required_hint(field))
    };
    let title = match title {
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
            diags.push(missing("title"));
            String::new()
        }
    };
    let base_url = match base_url {
        Some(b) => match BaseUrl::parse(b.get_ref()) {
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
        },
        None => {
            diags.push(missing("base_url"));
            None
        }
    };
    let (theme, theme_settings) = match theme.map(|t| (t.span(), t.into_inner())) {
        None => (None, crate::theme::Settings::default()),
        Some((span, crate::theme::RawThemeKey::Name(name))) => {
            (Some((name, span)), crate::theme::Settings::default())
        }
        Some((_, crate::theme::RawThemeKey::Table(table))) => {
            let name = table.name.as_ref().map(|n| (n.get_ref().clone(), n.span()));
            (name, crate::theme::validate(*table, FILE, text, &mut diags))
        }
    };
    let theme = match theme {
        Some((name, _)) if is_plain_name(&name) => name,
        Some((name, span)) => {
            diags.push(invalid(
                text,
                span,
                format!("`theme = \"{name}\"` is not a folder name under `themes/`"),
                "use the name of a folder in `themes/`, e.g. `clinic`",
            ));
            String::new()
        }
        None => "clinic".to_owned(),
    };
    // `<html lang>` and `og:locale`: a language tag, nothing else.
    let language = match language {
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
    };
    let organization = validate_organization(organization, &title, text, &mut diags);
    let intake = intake.and_then(|raw| validate_intake(raw, text, &mut diags));
    // SPEC §3: forms always link the privacy policy beside them.
    if intake.is_some() && organization.privacy_policy.is_none() {
        diags.push(
            Diagnostic::new(Code::ConfigMissingKey, "forms are on (`[intake]`), so `[organization] privacy_policy` is required")
                .in_file(FILE)
                .at(text, crate::diag::Span::start())
                .with_hint("add `privacy_policy = \"/privacy/\"` under `[organization]` and a page that explains how form data is handled"),
        );
    }
    let build = match build {
        None => BuildConfig::default(),
        Some(RawBuild {
            output_dir,
            minify,
            browsers,
        }) => {
            let defaults = BuildConfig::default();
            let browsers = match browsers {
                None => defaults.browsers,
                Some(b) => {
                    let query = b.get_ref().clone();
                    if let Err(e) =
                        lightningcss::targets::Browsers::from_browserslist([query.as_str()])
                    {
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
            let output_dir = output_dir.unwrap_or(defaults.output_dir);
            BuildConfig {
                output_dir,
                minify: minify.unwrap_or(defaults.minify),
                browsers,
            }
        }
    };
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
        }),
        _ => Err(diags),
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

fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn validate_organization(
    raw: Option<RawOrganization>,
    title: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Organization {
    let RawOrganization {
        name,
        kind,
        phone,
        fax,
        email,
        logo,
        same_as,
        privacy_policy,
    } = raw.unwrap_or(RawOrganization {
        name: None,
        kind: None,
        phone: None,
        fax: None,
        email: None,
        logo: None,
        same_as: None,
        privacy_policy: None,
    });
    let kind = match kind {
        None => OrganizationType::MedicalOrganization,
        Some(k) => OrganizationType::parse(k.get_ref()).unwrap_or_else(|| {
            diags.push(
                invalid(
                    text,
                    k.span(),
                    format!(
                        "`type = \"{}\"` is not a practice type handoff knows",
                        k.get_ref()
                    ),
                    "",
                )
                .with_hint(did_you_mean(k.get_ref(), &OrganizationType::NAMES)),
            );
            OrganizationType::MedicalOrganization
        }),
    };
    let mut phone_of = |p: Option<Spanned<String>>, key: &str| {
        p.and_then(|p| match Phone::parse(p.get_ref()) {
            Ok(phone) => Some(phone),
            Err(msg) => {
                diags.push(invalid(
                    text,
                    p.span(),
                    format!("`{key}`: {msg}"),
                    crate::phone::HINT,
                ));
                None
            }
        })
    };
    let phone = phone_of(phone, "phone");
    let fax = phone_of(fax, "fax");
    let email = email.and_then(|e| match values::email(e.get_ref()) {
        Ok(()) => Some(e.into_inner()),
        Err(fault) => {
            diags.push(refused(text, e.span(), "email", &fault, values::EMAIL_HINT));
            None
        }
    });
    let same_as = same_as
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| match values::url(u.get_ref(), UrlRule::LINK) {
            Ok(_) => Some(u.into_inner()),
            Err(fault) => {
                diags.push(refused(
                    text,
                    u.span(),
                    "same_as",
                    &fault,
                    "list profile pages like `https://www.linkedin.com/company/…`",
                ));
                None
            }
        })
        .collect();
    // Both end up in `src`/`href` attributes on every page (SPEC §4: no
    // script-running link targets; a path stays on this site).
    let mut link = |value: Option<Spanned<String>>, key: &str| {
        value.and_then(|v| {
            let hint = "use a path on the site (`/privacy/`) or an `https://` address";
            if crate::render::markdown::is_unsafe_target(v.get_ref()) {
                diags.push(invalid(
                    text,
                    v.span(),
                    format!("`{key}` would run a script or hide content"),
                    hint,
                ));
                return None;
            }
            match values::link(v.get_ref()) {
                Ok(()) => Some(v.into_inner()),
                Err(fault) => {
                    diags.push(refused(text, v.span(), key, &fault, hint));
                    None
                }
            }
        })
    };
    let logo = link(logo, "logo");
    let privacy_policy = link(privacy_policy, "privacy_policy");
    Organization {
        name: name.unwrap_or_else(|| title.to_owned()),
        kind,
        phone,
        fax,
        email,
        logo,
        same_as,
        privacy_policy,
    }
}

const BACKENDS: [&str; 5] = ["webhook", "formspree", "netlify", "hubspot", "salesforce"];

fn validate_intake(raw: RawIntake, text: &str, diags: &mut Diagnostics) -> Option<Intake> {
    let RawIntake {
        backend,
        endpoint,
        encoding,
        phi_ok,
        form_id,
        portal_id,
        form_guids,
        oid,
        field_names,
    } = raw;
    let start = diags.error_count();
    let intake_line = text.find("[intake]").map_or(0..0, |i| i..i + 8);
    let need = |diags: &mut Diagnostics, key: &str, backend: &str| {
        diags.push(
            at(
                text,
                Code::ConfigMissingKey,
                intake_line.clone(),
                format!("the {backend} backend needs `{key}` in `[intake]`"),
            )
            .with_hint(format!("add `{key} = \"…\"` from your {backend} account")),
        );
    };
    let Some(backend_name) = backend else {
        need(diags, "backend", "intake");
        return None;
    };
    let endpoint_checked = |diags: &mut Diagnostics| -> Option<String> {
        match &endpoint {
            None => None,
            Some(e) => match values::url(e.get_ref(), ENDPOINT) {
                Ok(url) => Some(url.to_string()),
                Err(fault) => {
                    diags.push(refused(
                        text,
                        e.span(),
                        "endpoint",
                        &fault,
                        "forms can carry patient data: use the backend's `https://` address",
                    ));
                    None
                }
            },
        }
    };
    let backend = match backend_name.get_ref().as_str() {
        "webhook" => match endpoint_checked(diags) {
            Some(endpoint) => Some(Backend::Webhook { endpoint }),
            None => {
                if endpoint.is_none() {
                    need(diags, "endpoint", "webhook");
                }
                None
            }
        },
        "formspree" => match form_id {
            Some(id) if is_plain_name(&id) => Some(Backend::Formspree { form_id: id }),
            _ => {
                need(diags, "form_id", "formspree");
                None
            }
        },
        "netlify" => Some(Backend::Netlify),
        "hubspot" => {
            let guids = form_guids.map(|g| (g.referral, g.appointment));
            match (portal_id, guids) {
                (Some(portal_id), Some((Some(referral_guid), Some(appointment_guid)))) => {
                    Some(Backend::Hubspot {
                        portal_id,
                        referral_guid,
                        appointment_guid,
                    })
                }
                (None, _) => {
                    need(diags, "portal_id", "hubspot");
                    None
                }
                (Some(_), _) => {
                    need(
                        diags,
                        "form_guids = { referral = \"…\", appointment = \"…\" }",
                        "hubspot",
                    );
                    None
                }
            }
        }
        "salesforce" => {
            let endpoint = endpoint_checked(diags).unwrap_or_else(|| {
                "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8".to_owned()
            });
            match oid {
                Some(oid) => Some(Backend::Salesforce { oid, endpoint }),
                None => {
                    need(diags, "oid", "salesforce");
                    None
                }
            }
        }
        other => {
            diags.push(
                invalid(
                    text,
                    backend_name.span(),
                    format!("`backend = \"{other}\"` is not a backend handoff knows"),
                    "",
                )
                .with_hint(did_you_mean(other, &BACKENDS)),
            );
            None
        }
    };
    let encoding = match encoding {
        None => Encoding::Form,
        Some(e) => match e.get_ref().as_str() {
            "form" => Encoding::Form,
            "json" => Encoding::Json,
            other => {
                diags.push(
                    invalid(
                        text,
                        e.span(),
                        format!("`encoding = \"{other}\"` is not `form` or `json`"),
                        "",
                    )
                    .with_hint(did_you_mean(other, &["form", "json"])),
                );
                Encoding::Form
            }
        },
    };
    let phi_ok_value = phi_ok.as_ref().is_some_and(|p| *p.get_ref());
    if let (Some(p), Some(b)) = (&phi_ok, &backend)
        && *p.get_ref()
        && matches!(b, Backend::Formspree { .. } | Backend::Netlify)
    {
        diags.push(invalid(
            text,
            p.span(),
            format!("`phi_ok = true` with the {} backend: it does not sign business associate agreements", b.name()),
            "set `phi_ok = false` (the referral form then carries no patient data), or use a backend under a BAA",
        ));
    }
    if diags.error_count() > start {
        return None;
    }
    Some(Intake {
        backend: backend?,
        encoding,
        phi_ok: phi_ok_value,
        field_names: field_names.unwrap_or_default(),
    })
}

/// An intake endpoint is an absolute https URL; http is allowed for
/// loopback hosts (a local test receiver), which `build` refuses later.
const ENDPOINT: UrlRule = UrlRule {
    query: true,
    loopback_http: true,
};

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"Clinic\"\nbase_url = \"https://www.clinic.example/\"\n";
    const PRIVACY: &str = "[organization]\nprivacy_policy = \"/privacy/\"\n";

    #[test]
    fn minimal_config_gets_documented_defaults() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!(c.base_url.as_str(), "https://www.clinic.example");
        assert_eq!(c.theme, "clinic");
        assert_eq!(c.language, "en-US");
        assert_eq!(c.organization.name, "Clinic");
        assert_eq!(c.build, BuildConfig::default());
        assert_eq!(c.serve.port, 1111);
        assert!(c.intake.is_none());
    }

    fn codes(text: &str) -> Vec<(&'static str, Option<usize>, Option<String>)> {
        parse(text)
            .unwrap_err()
            .iter()
            .map(|d| (d.code.as_str(), d.span.map(|s| s.line), d.hint.clone()))
            .collect()
    }

    #[test]
    fn unknown_key_gets_a_did_you_mean_hint() {
        let found = codes("titel = \"x\"\nbase_url = \"https://a.example\"\n");
        assert_eq!(found[0].0, "E002");
        assert_eq!(found[0].1, Some(1));
        assert_eq!(found[0].2.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn base_url_must_be_https_and_present() {
        assert_eq!(
            codes("title = \"x\"\nbase_url = \"http://a.example\"\n")[0].0,
            "E004"
        );
        assert_eq!(codes("title = \"x\"\n")[0].0, "E003");
        assert_eq!(
            codes("title = \"x\"\nbase_url = \"/relative\"\n")[0].0,
            "E004"
        );
    }

    #[test]
    fn intake_guardrails() {
        let with = |intake: &str| format!("{MINIMAL}{PRIVACY}[intake]\n{intake}\n");
        assert_eq!(
            codes(&with(
                "backend = \"webhook\"\nendpoint = \"http://intake.example/x\""
            ))[0]
                .0,
            "E004"
        );
        assert_eq!(codes(&with("backend = \"formspree\""))[0].0, "E003");
        assert_eq!(
            codes(&with("backend = \"netlify\"\nphi_ok = true"))[0].0,
            "E004"
        );
        assert_eq!(
            codes(&with(
                "backend = \"webhok\"\nendpoint = \"https://a.example\""
            ))[0]
                .2
                .as_deref(),
            Some("did you mean `webhook`?")
        );
        let ok = parse(&with(
            "backend = \"webhook\"\nendpoint = \"https://intake.example/v1\"\nphi_ok = true",
        ))
        .unwrap();
        assert!(ok.intake.unwrap().phi_ok);
    }

    #[test]
    fn bad_toml_is_a_positioned_finding() {
        let found = codes("title = \"x\nbase_url = 1\n");
        assert_eq!(found[0].0, "E001");
        assert_eq!(found[0].1, Some(1));
    }
}
