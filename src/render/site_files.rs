//! The files every deployed site needs besides pages (SPEC §8):
//! `sitemap.xml`, `robots.txt`, `_redirects`, `_headers`, and the
//! Content-Security-Policy they and form pages share. Pure functions over
//! the model; `render` writes what they return.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::escape;
use crate::forms::{self, FormKind};
use crate::model::{PageKind, Site};

/// Whether a page belongs in the sitemap.
pub fn indexable(kind: PageKind, noindex: bool) -> bool {
    !noindex
        && !matches!(
            kind,
            PageKind::Alias { .. }
                | PageKind::Thanks(_)
                | PageKind::ReferThanks(_)
                | PageKind::Packet(_)
                | PageKind::NotFound
                | PageKind::TrialThanks(_)
        )
}

/// `sitemap.xml` per sitemaps.org 0.9: indexable pages, lastmod from `updated`.
pub fn sitemap(site: &Site) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in site.pages.iter().filter(|p| indexable(p.kind, p.noindex)) {
        out.push_str("  <url><loc>");
        out.push_str(&escape::html(&site.config.base_url.join(&page.path)));
        out.push_str("</loc>");
        if let Some(u) = &page.updated {
            out.push_str("<lastmod>");
            out.push_str(&escape::html(u));
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: the sitemap for the live site; everything closed for a preview.
pub fn robots(config: &Config, preview: bool) -> String {
    if preview {
        "# Preview build: not for search engines.\nUser-agent: *\nDisallow: /\n".to_owned()
    } else {
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
            config.base_url.as_str()
        )
    }
}

/// `_redirects` (Netlify, Cloudflare Pages): one permanent redirect per
/// alias, both addresses as the browser asks for them (under `base_url`'s
/// path).
pub fn redirects(site: &Site) -> String {
    let mut out = String::new();
    let href = |path: &str| site.config.base_url.href(path);
    for page in &site.pages {
        if let PageKind::Alias { target } = page.kind {
            let (from, to) = (href(&page.path), href(&site.pages[target].path));
            out.push_str(&format!("{from} {to} 301\n"));
        }
    }
    out
}

/// The origins (`https://host[:port]`) the forms post to, where it is not
/// this site: what the backend's profile makes the action.
fn intake_origins(config: &Config) -> Vec<String> {
    let origins: BTreeSet<String> = FormKind::ALL
        .into_iter()
        .filter_map(|kind| forms::action(config, kind))
        .filter_map(|action| url::Url::parse(&action).ok())
        .map(|u| u.origin().ascii_serialization())
        .collect();
    origins.into_iter().collect()
}

/// The Content-Security-Policy: this site's own files, and the configured
/// intake backend as the only other place a form may post or a script may
/// connect to. With `analytics` (a page that carries the provider's script),
/// the provider's origins join `script-src` and `connect-src`, and nothing
/// else changes. `frame-ancestors` works only as a header, so `for_meta`
/// drops it.
pub fn csp(config: &Config, for_meta: bool, analytics: bool) -> String {
    let origins = intake_origins(config);
    let provider = config
        .analytics
        .as_ref()
        .filter(|_| analytics)
        .map(|a| &a.provider);
    let scripts = provider.map(|p| p.script_origins()).unwrap_or_default();
    let mut connect = origins.clone();
    for o in provider.map(|p| p.connect_origins()).unwrap_or_default() {
        if !connect.contains(&o) {
            connect.push(o);
        }
    }
    let extra = |list: &[String]| {
        if list.is_empty() {
            String::new()
        } else {
            format!(" {}", list.join(" "))
        }
    };
    let mut policy = format!(
        "default-src 'self'; script-src 'self'{s}; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'{c}; form-action 'self'{o}; base-uri 'self'; object-src 'none'",
        s = extra(&scripts),
        c = extra(&connect),
        o = extra(&origins)
    );
    if !for_meta {
        policy.push_str("; frame-ancestors 'none'");
    }
    policy
}

/// Whether a page carries the analytics script: analytics is configured,
/// and the page has no form unless `on_form_pages` says so. Decided from
/// the page's forms, whatever their kind, not from a list of page kinds.
pub fn carries_analytics(config: &Config, has_form: bool) -> bool {
    config
        .analytics
        .as_ref()
        .is_some_and(|a| a.on_form_pages || !has_form)
}

/// `_headers` (Netlify, Cloudflare Pages) with the security headers. One
/// policy for every path, with the analytics origins when there is a
/// provider: form pages without the script narrow it with their own `<meta>`
/// policy, which browsers enforce beside the header's (the stricter wins).
pub fn headers(config: &Config) -> String {
    format!(
        "/*\n  Content-Security-Policy: {}\n  Referrer-Policy: strict-origin-when-cross-origin\n  X-Content-Type-Options: nosniff\n  \
         Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()\n",
        csp(config, false, config.analytics.is_some())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(intake: &str) -> Config {
        crate::config::parse(&format!(
            "title = \"C\"\nbase_url = \"https://c.example\"\n[organization]\nprivacy_policy = \"/privacy/\"\n{intake}"
        ))
        .unwrap()
    }

    #[test]
    fn csp_allows_exactly_the_intake_backend() {
        let c = config(
            "[intake]\nbackend = \"webhook\"\nendpoint = \"https://intake.example:8443/v1/x\"\n",
        );
        let p = csp(&c, false, false);
        assert!(
            p.contains("form-action 'self' https://intake.example:8443;"),
            "{p}"
        );
        assert!(
            p.contains("connect-src 'self' https://intake.example:8443;"),
            "{p}"
        );
        assert!(p.ends_with("frame-ancestors 'none'"));
        assert!(!csp(&c, true, false).contains("frame-ancestors"));
        let none = csp(&config(""), false, false);
        assert!(none.contains("form-action 'self';"), "{none}");
    }

    #[test]
    fn preview_robots_close_everything() {
        let c = config("");
        assert!(robots(&c, true).contains("Disallow: /"));
        assert!(robots(&c, false).contains("Sitemap: https://c.example/sitemap.xml"));
    }
}
