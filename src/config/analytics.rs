//! `[analytics]`: which analytics provider counts visits, with that
//! provider's keys, whether form pages carry its script, and whether a
//! visitor must agree first (issue #20). Raw values → [`Analytics`].
//!
//! What each provider loads and where it sends (the origins the
//! Content-Security-Policy opens) is written once, in [`Provider`]:
//! - Plausible: `https://plausible.io/js/script.js` with `data-domain`,
//!   events with `plausible(name, {props})`, sent to the script's origin
//!   (`/api/event`). <https://plausible.io/docs/events-api>,
//!   <https://plausible.io/docs/custom-props/for-custom-events>
//! - Umami: `script.js` with `data-website-id`; events with
//!   `umami.track(name, data)`. Umami Cloud's script sends to
//!   `https://gateway.umami.is` (not its own origin); a self-hosted one to
//!   where its script is (`data-host-url` defaults to the script's origin).
//!   <https://umami.is/docs/tracker-configuration>,
//!   <https://umami.is/docs/tracker-functions>,
//!   <https://github.com/umami-software/umami/issues/4326>
//! - Matomo: `matomo.js` and `matomo.php` at the practice's Matomo `url`,
//!   `_paq.push(['setSiteId', id])`, events with
//!   `_paq.push(['trackEvent', category, action, name])`.
//!   <https://developer.matomo.org/guides/tracking-javascript-guide>
//! - GA4: `https://www.googletagmanager.com/gtag/js?id=G-…`, events with
//!   `gtag('event', name, params)`, sent to `*.google-analytics.com` and
//!   `*.analytics.google.com` (the `region1` endpoints among them).
//!   <https://developers.google.com/analytics/devguides/collection/gtagjs>,
//!   <https://developers.google.com/tag-platform/gtagjs/configure>,
//!   <https://developers.google.com/tag-platform/security/guides/csp#google_analytics_4_google_analytics>
//! - custom: the practice's own script (`src`); events reach it as a
//!   `handoff:analytics` DOM event on `document`.
//!
//! Consent defaults follow what each provider stores in the browser:
//! Plausible and Umami set no cookie and keep no personal data, so no
//! prompt; Matomo (cookies unless the practice turns them off), GA4 (Google
//! cookies) and a custom script (handoff cannot tell) ask first.

use std::ops::Range;

use toml::Spanned;

use super::raw::RawAnalytics;
use super::{at, invalid, refused};
use crate::diag::{Code, Diagnostics, did_you_mean};
use crate::values::{self, UrlRule};

/// The analytics provider and how the site uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Analytics {
    pub provider: Provider,
    /// Pages with a form (referral, appointment, any kind) carry the script
    /// too. Off by default: a form page collects what a patient or an
    /// office types, and no tracking script should sit beside it.
    pub on_form_pages: bool,
    /// The provider's script waits until the visitor agrees.
    pub consent_required: bool,
}

/// A provider with its account's values, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Provider {
    /// `domain`: the site as named in Plausible's settings.
    Plausible { domain: String },
    /// `website_id` (a UUID), `src` for a self-hosted Umami's script.
    Umami {
        website_id: String,
        src: Option<url::Url>,
    },
    /// `site_id` and the Matomo `url` (ends with `/`).
    Matomo { site_id: String, url: url::Url },
    /// `measurement_id` (`G-…`).
    Ga4 { measurement_id: String },
    /// `src`: the practice's own script.
    Custom { src: url::Url },
}

const PLAUSIBLE_SCRIPT: &str = "https://plausible.io/js/script.js";
const UMAMI_CLOUD_SCRIPT: &str = "https://cloud.umami.is/script.js";
const UMAMI_CLOUD_COLLECT: &str = "https://gateway.umami.is";
const GTAG_SCRIPT: &str = "https://www.googletagmanager.com/gtag/js";

/// The providers handoff knows, before their keys are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plausible,
    Umami,
    Matomo,
    Ga4,
    Custom,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Plausible,
        Kind::Umami,
        Kind::Matomo,
        Kind::Ga4,
        Kind::Custom,
    ];

    /// The name written in `provider = "…"`.
    fn name(self) -> &'static str {
        match self {
            Kind::Plausible => "plausible",
            Kind::Umami => "umami",
            Kind::Matomo => "matomo",
            Kind::Ga4 => "ga4",
            Kind::Custom => "custom",
        }
    }

    /// The keys it reads besides `provider`, `on_form_pages` and
    /// `consent`: (required, optional).
    fn keys(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Kind::Plausible => (&["domain"], &[]),
            Kind::Umami => (&["website_id"], &["src"]),
            Kind::Matomo => (&["site_id", "url"], &[]),
            Kind::Ga4 => (&["measurement_id"], &[]),
            Kind::Custom => (&["src"], &[]),
        }
    }
}

impl Provider {
    fn kind(&self) -> Kind {
        match self {
            Provider::Plausible { .. } => Kind::Plausible,
            Provider::Umami { .. } => Kind::Umami,
            Provider::Matomo { .. } => Kind::Matomo,
            Provider::Ga4 { .. } => Kind::Ga4,
            Provider::Custom { .. } => Kind::Custom,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The address of the provider's script.
    pub fn script(&self) -> String {
        match self {
            Provider::Plausible { .. } => PLAUSIBLE_SCRIPT.to_owned(),
            Provider::Umami { src, .. } => src
                .as_ref()
                .map_or_else(|| UMAMI_CLOUD_SCRIPT.to_owned(), url::Url::to_string),
            Provider::Matomo { url, .. } => format!("{url}matomo.js"),
            Provider::Ga4 { measurement_id } => format!("{GTAG_SCRIPT}?id={measurement_id}"),
            Provider::Custom { src } => src.to_string(),
        }
    }

    /// The account's id the script is given (`data-domain`,
    /// `data-website-id`, the site id, the measurement id).
    pub fn id(&self) -> Option<&str> {
        match self {
            Provider::Plausible { domain } => Some(domain),
            Provider::Umami { website_id, .. } => Some(website_id),
            Provider::Matomo { site_id, .. } => Some(site_id),
            Provider::Ga4 { measurement_id } => Some(measurement_id),
            Provider::Custom { .. } => None,
        }
    }

    /// Where events are sent, when the script does not find it itself:
    /// Matomo's `matomo.php`.
    pub fn collect(&self) -> Option<String> {
        match self {
            Provider::Matomo { url, .. } => Some(format!("{url}matomo.php")),
            _ => None,
        }
    }

    /// The origins the script is loaded from (`script-src`).
    pub fn script_origins(&self) -> Vec<String> {
        match self {
            Provider::Ga4 { .. } => vec!["https://www.googletagmanager.com".to_owned()],
            _ => vec![origin(&self.script())],
        }
    }

    /// The origins the script sends to (`connect-src`).
    pub fn connect_origins(&self) -> Vec<String> {
        match self {
            Provider::Umami { src: None, .. } => vec![UMAMI_CLOUD_COLLECT.to_owned()],
            Provider::Ga4 { .. } => [
                "https://*.google-analytics.com",
                "https://*.analytics.google.com",
                "https://www.googletagmanager.com",
            ]
            .map(str::to_owned)
            .to_vec(),
            _ => self.script_origins(),
        }
    }

    /// Whether the visitor is asked first when `consent` is not written.
    pub fn consent_by_default(&self) -> bool {
        matches!(
            self,
            Provider::Matomo { .. } | Provider::Ga4 { .. } | Provider::Custom { .. }
        )
    }
}

/// Where `key` is written, given where its value is: the start of the
/// value's line (`key = value`), else the value.
fn key_at(text: &str, key: &str, value: &Range<usize>) -> Range<usize> {
    let line = text[..value.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = text[line..value.start].len() - text[line..value.start].trim_start().len();
    let start = line + indent;
    if text[start..].starts_with(key) {
        start..start + key.len()
    } else {
        value.clone()
    }
}

/// `scheme://host[:port]` of an address handoff wrote or checked.
fn origin(address: &str) -> String {
    url::Url::parse(address)
        .map_or_else(|_| address.to_owned(), |u| u.origin().ascii_serialization())
}

/// A provider's script: https only (it runs on every page it is on).
const SCRIPT: UrlRule = UrlRule {
    query: true,
    loopback_http: false,
};

/// `[analytics]`, or `None` (with findings) when any of it is wrong.
/// `phi_ok`: `[intake]` lets the forms carry patient data.
pub(super) fn validate(
    raw: RawAnalytics,
    phi_ok: bool,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Analytics> {
    let start = diags.error_count();
    let header = text.find("[analytics]").map_or(0..0, |i| i..i + 11);
    let Some(name) = &raw.provider else {
        diags.push(
            at(
                text,
                Code::ConfigMissingKey,
                header,
                "`[analytics]` needs `provider`".to_owned(),
            )
            .with_hint(format!(
                "add `provider = \"…\"`: one of {}",
                Kind::ALL.map(|k| format!("`{}`", k.name())).join(", ")
            )),
        );
        return None;
    };
    let Some(kind) = Kind::ALL.into_iter().find(|k| k.name() == name.get_ref()) else {
        let other = name.get_ref();
        let names = Kind::ALL.map(Kind::name);
        diags.push(
            invalid(
                text,
                name.span(),
                format!("`provider = \"{other}\"` is not an analytics provider handoff knows"),
                "",
            )
            .with_hint(did_you_mean(other, &names)),
        );
        return None;
    };
    let (provider_name, (required, optional)) = (kind.name(), kind.keys());
    let written = raw.account_keys();
    for (key, span) in &written {
        if !required.contains(key) && !optional.contains(key) {
            let reads = required
                .iter()
                .chain(optional)
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            diags.push(
                at(
                    text,
                    Code::ConfigUnknownKey,
                    key_at(text, key, span),
                    format!("`{key}` is not a key of the {provider_name} provider"),
                )
                .with_hint(format!(
                    "{provider_name} reads {reads}: remove `{key}` (it belongs to another provider)"
                )),
            );
        }
    }
    for key in required {
        if !written.iter().any(|(k, _)| k == key) {
            diags.push(
                at(
                    text,
                    Code::ConfigMissingKey,
                    header.clone(),
                    format!("the {provider_name} provider needs `{key}` in `[analytics]`"),
                )
                .with_hint(format!(
                    "add `{key} = \"…\"` from your {provider_name} account"
                )),
            );
        }
    }
    let provider = read_provider(kind, &raw, text, diags);
    let consent_required = match &raw.consent {
        None => provider.as_ref().is_some_and(Provider::consent_by_default),
        Some(c) => match c.get_ref().as_str() {
            "required" => true,
            "not_required" => false,
            other => {
                diags.push(
                    invalid(
                        text,
                        c.span(),
                        format!("`consent = \"{other}\"` is not `required` or `not_required`"),
                        "",
                    )
                    .with_hint(did_you_mean(other, &["required", "not_required"])),
                );
                false
            }
        },
    };
    let on_form_pages = raw.on_form_pages.as_ref().is_some_and(|o| *o.get_ref());
    if let Some(o) = raw.on_form_pages.as_ref().filter(|o| *o.get_ref())
        && phi_ok
    {
        diags.push(invalid(
            text,
            o.span(),
            "`on_form_pages = true` while `[intake] phi_ok = true`: the forms collect patient information, and an analytics script on those pages is tracking technology on pages that collect health information (HHS OCR bulletin \"Use of Online Tracking Technologies by HIPAA Covered Entities and Business Associates\")".to_owned(),
            "remove `on_form_pages` so pages with a form carry no analytics script; count referrals on the thanks pages instead",
        ));
    }
    if diags.error_count() > start {
        return None;
    }
    Some(Analytics {
        provider: provider?,
        on_form_pages,
        consent_required,
    })
}

/// The provider's values, each checked; `None` when one is missing or wrong.
fn read_provider(
    kind: Kind,
    raw: &RawAnalytics,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Provider> {
    let mut check = |value: &Option<Spanned<String>>,
                     fits: fn(&str) -> bool,
                     key: &str,
                     shape: &str,
                     hint: &str| {
        let v = value.as_ref()?;
        if fits(v.get_ref()) {
            return Some(v.get_ref().clone());
        }
        diags.push(invalid(
            text,
            v.span(),
            format!("`{key} = \"{}\"`: {shape}", v.get_ref().escape_debug()),
            hint,
        ));
        None
    };
    match kind {
        Kind::Plausible => Some(Provider::Plausible {
            domain: check(
                &raw.domain,
                is_domain_list,
                "domain",
                "not a site's domain as Plausible names it",
                "write the domain from Plausible's site settings, without `https://` or a path, e.g. `your-practice.org`",
            )?,
        }),
        Kind::Umami => {
            let website_id = check(
                &raw.website_id,
                is_uuid,
                "website_id",
                "an Umami website id is a UUID (8-4-4-4-12 hexadecimal digits)",
                "copy the Website ID from Umami's Settings › Websites › Edit",
            );
            let src = match &raw.src {
                None => None,
                Some(s) => Some(script_url(s, "src", text, diags)?),
            };
            Some(Provider::Umami {
                website_id: website_id?,
                src,
            })
        }
        Kind::Matomo => {
            let site_id = match &raw.site_id {
                None => None,
                Some(v) => site_id(v, text, diags),
            };
            let url = script_url(raw.url.as_ref()?, "url", text, diags).map(|mut u| {
                if !u.path().ends_with('/') {
                    let path = format!("{}/", u.path());
                    u.set_path(&path);
                }
                u
            });
            Some(Provider::Matomo {
                site_id: site_id?,
                url: url?,
            })
        }
        Kind::Ga4 => Some(Provider::Ga4 {
            measurement_id: check(
                &raw.measurement_id,
                is_measurement_id,
                "measurement_id",
                "a GA4 measurement id is `G-` and letters or digits, like `G-A1B2C3D4E5`",
                "copy the Measurement ID from Google Analytics, Admin › Data streams › your web stream",
            )?,
        }),
        Kind::Custom => Some(Provider::Custom {
            src: script_url(raw.src.as_ref()?, "src", text, diags)?,
        }),
    }
}

fn script_url(
    value: &Spanned<String>,
    key: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<url::Url> {
    match values::url(value.get_ref(), SCRIPT) {
        Ok(u) => Some(u),
        Err(fault) => {
            diags.push(refused(
                text,
                value.span(),
                key,
                &fault,
                "the script runs on the site's pages: write its `https://` address",
            ));
            None
        }
    }
}

/// Matomo's site id: a whole number from 1, written bare or quoted.
fn site_id(value: &Spanned<toml::Value>, text: &str, diags: &mut Diagnostics) -> Option<String> {
    let id = match value.get_ref() {
        toml::Value::Integer(n) if *n > 0 => Some(n.to_string()),
        toml::Value::String(s)
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s != "0" =>
        {
            Some(s.clone())
        }
        _ => None,
    };
    if id.is_none() {
        diags.push(invalid(
            text,
            value.span(),
            format!(
                "`site_id = {}`: a Matomo site id is a whole number such as `1`",
                value.get_ref()
            ),
            "copy the ID from Matomo's Administration › Websites › Manage",
        ));
    }
    id
}

/// One or more domains (Plausible takes a comma-separated list for a
/// roll-up): lowercase labels of letters, digits and `-`, at least two.
fn is_domain_list(s: &str) -> bool {
    s.split(',').all(|d| {
        let labels: Vec<&str> = d.trim().split('.').collect();
        labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && l.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
    })
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_measurement_id(s: &str) -> bool {
    s.strip_prefix("G-").is_some_and(|rest| {
        (4..=16).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// Where a written key is, for findings about a key another provider reads.
pub(super) type KeyAt = (&'static str, Range<usize>);

#[cfg(test)]
mod tests {
    use crate::config::{Provider, parse};

    const SITE: &str = "title = \"Clinic\"\nbase_url = \"https://www.clinic.example/\"\n[organization]\nprivacy_policy = \"/privacy/\"\n";

    fn with(analytics: &str) -> String {
        format!("{SITE}[analytics]\n{analytics}")
    }

    /// (code, line, column, message, hint) of each finding.
    fn findings(text: &str) -> Vec<(&'static str, usize, usize, String, String)> {
        parse(text)
            .unwrap_err()
            .iter()
            .map(|d| {
                let s = d.span.expect("a position");
                (
                    d.code.as_str(),
                    s.line,
                    s.col,
                    d.message.clone(),
                    d.hint.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn each_provider_reads_its_keys_and_gets_its_consent_default() {
        for (keys, name, script, consent) in [
            (
                "provider = \"plausible\"\ndomain = \"clinic.example\"",
                "plausible",
                "https://plausible.io/js/script.js",
                false,
            ),
            (
                "provider = \"umami\"\nwebsite_id = \"94db1cb1-74f4-4a40-ad6c-962362670409\"",
                "umami",
                "https://cloud.umami.is/script.js",
                false,
            ),
            (
                "provider = \"umami\"\nwebsite_id = \"94db1cb1-74f4-4a40-ad6c-962362670409\"\nsrc = \"https://stats.clinic.example/script.js\"",
                "umami",
                "https://stats.clinic.example/script.js",
                false,
            ),
            (
                "provider = \"matomo\"\nsite_id = 3\nurl = \"https://matomo.clinic.example\"",
                "matomo",
                "https://matomo.clinic.example/matomo.js",
                true,
            ),
            (
                "provider = \"matomo\"\nsite_id = \"3\"\nurl = \"https://clinic.example/matomo/\"",
                "matomo",
                "https://clinic.example/matomo/matomo.js",
                true,
            ),
            (
                "provider = \"ga4\"\nmeasurement_id = \"G-A1B2C3D4E5\"",
                "ga4",
                "https://www.googletagmanager.com/gtag/js?id=G-A1B2C3D4E5",
                true,
            ),
            (
                "provider = \"custom\"\nsrc = \"https://stats.clinic.example/count.js\"",
                "custom",
                "https://stats.clinic.example/count.js",
                true,
            ),
        ] {
            let c = parse(&with(keys)).unwrap_or_else(|d| panic!("{keys}: {d:?}"));
            let a = c.analytics.expect("analytics");
            assert_eq!(a.provider.name(), name);
            assert_eq!(a.provider.script(), script);
            assert_eq!(a.consent_required, consent, "{keys}");
            assert!(!a.on_form_pages);
        }
    }

    #[test]
    fn the_origins_are_the_providers_own() {
        let c = parse(&with(
            "provider = \"umami\"\nwebsite_id = \"94db1cb1-74f4-4a40-ad6c-962362670409\"",
        ))
        .unwrap();
        let p = c.analytics.unwrap().provider;
        assert_eq!(p.script_origins(), ["https://cloud.umami.is"]);
        assert_eq!(p.connect_origins(), ["https://gateway.umami.is"]);
        let c = parse(&with(
            "provider = \"matomo\"\nsite_id = 1\nurl = \"https://m.clinic.example:8443/x\"",
        ))
        .unwrap();
        let p = c.analytics.unwrap().provider;
        assert!(matches!(p, Provider::Matomo { .. }));
        assert_eq!(
            p.collect().as_deref(),
            Some("https://m.clinic.example:8443/x/matomo.php")
        );
        assert_eq!(p.connect_origins(), ["https://m.clinic.example:8443"]);
    }

    #[test]
    fn consent_can_be_asked_for_or_waived() {
        let c = parse(&with(
            "provider = \"plausible\"\ndomain = \"clinic.example\"\nconsent = \"required\"",
        ))
        .unwrap();
        assert!(c.analytics.unwrap().consent_required);
        let c = parse(&with(
            "provider = \"ga4\"\nmeasurement_id = \"G-A1B2C3D4E5\"\nconsent = \"not_required\"",
        ))
        .unwrap();
        assert!(!c.analytics.unwrap().consent_required);
        let f = findings(&with(
            "provider = \"ga4\"\nmeasurement_id = \"G-A1B2C3D4E5\"\nconsent = \"requried\"",
        ));
        assert_eq!((f[0].0, f[0].1, f[0].2), ("E004", 8, 11), "{f:?}");
        assert!(f[0].4.contains("`required`"), "{f:?}");
    }

    #[test]
    fn unknown_keys_and_another_providers_keys_are_findings_where_written() {
        let f = findings(&with(
            "provider = \"plausible\"\ndomian = \"clinic.example\"",
        ));
        assert_eq!((f[0].0, f[0].1, f[0].2), ("E002", 7, 1), "{f:?}");
        assert!(f[0].4.contains("did you mean `domain`"), "{f:?}");

        let f = findings(&with(
            "provider = \"ga4\"\nmeasurement_id = \"G-A1B2C3D4E5\"\ndomain = \"clinic.example\"",
        ));
        assert_eq!((f[0].0, f[0].1, f[0].2), ("E002", 8, 1), "{f:?}");
        assert!(
            f[0].3.contains("`domain` is not a key of the ga4 provider"),
            "{f:?}"
        );
        assert!(f[0].4.contains("`measurement_id`"), "{f:?}");

        let f = findings(&with(
            "provider = \"plausable\"\ndomain = \"clinic.example\"",
        ));
        assert_eq!((f[0].0, f[0].1), ("E004", 6), "{f:?}");
        assert!(f[0].4.contains("did you mean `plausible`"), "{f:?}");

        let f = findings(&with(
            "provider = \"matomo\"\nurl = \"https://m.clinic.example/\"",
        ));
        assert_eq!((f[0].0, f[0].1, f[0].2), ("E003", 5, 1), "{f:?}");
        assert!(f[0].3.contains("`site_id`"), "{f:?}");
    }

    #[test]
    fn ids_of_the_wrong_shape_are_refused_with_where_to_copy_them() {
        for (keys, line, col, hint) in [
            (
                "provider = \"ga4\"\nmeasurement_id = \"UA-12345-1\"",
                7,
                18,
                "Data streams",
            ),
            (
                "provider = \"umami\"\nwebsite_id = \"my-site\"",
                7,
                14,
                "Website ID",
            ),
            (
                "provider = \"matomo\"\nsite_id = 0\nurl = \"https://m.clinic.example/\"",
                7,
                11,
                "Manage",
            ),
            (
                "provider = \"plausible\"\ndomain = \"https://clinic.example/\"",
                7,
                10,
                "without `https://`",
            ),
            (
                "provider = \"custom\"\nsrc = \"http://stats.clinic.example/c.js\"",
                7,
                7,
                "https://",
            ),
            (
                "provider = \"matomo\"\nsite_id = 1\nurl = \"matomo.clinic.example\"",
                8,
                7,
                "https://",
            ),
        ] {
            let f = findings(&with(keys));
            assert_eq!(
                (f[0].0, f[0].1, f[0].2),
                ("E004", line, col),
                "{keys}: {f:?}"
            );
            assert!(
                f[0].4.contains(hint) || f[0].3.contains(hint),
                "{keys}: {f:?}"
            );
        }
    }

    #[test]
    fn analytics_on_form_pages_is_refused_while_the_forms_carry_patient_data() {
        let intake = "[intake]\nbackend = \"webhook\"\nendpoint = \"https://intake.clinic.example/x\"\nphi_ok = true\n";
        let text = format!(
            "{SITE}{intake}[analytics]\nprovider = \"plausible\"\ndomain = \"clinic.example\"\non_form_pages = true\n"
        );
        let f = findings(&text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].0, f[0].1, f[0].2), ("E004", 12, 17), "{f:?}");
        assert!(
            f[0].3
                .contains("tracking technology on pages that collect health information"),
            "{f:?}"
        );
        assert!(f[0].3.contains("HHS OCR"), "{f:?}");
        assert!(f[0].4.contains("remove `on_form_pages`"), "{f:?}");
        // Without patient data on the forms, the practice may choose.
        let ok = text.replace("phi_ok = true", "phi_ok = false");
        assert!(parse(&ok).unwrap().analytics.unwrap().on_form_pages);
    }
}
