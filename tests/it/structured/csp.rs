//! The Content-Security-Policy (SPEC §7, §8): `_headers` allows forms and
//! fetches to this site and the configured intake backend only, pages with
//! a form carry the same policy as a `<meta>`, and no page needs what the
//! policy forbids (inline script or style, event-handler attributes).

use std::collections::BTreeMap;

use scraper::ElementRef;

use crate::support::{SiteTest, sel};

use super::built::{Built, all_attrs};

/// A CSP as directive → sources.
fn csp_directives(csp: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for part in csp.split(';') {
        let mut words = part.split_whitespace();
        let Some(name) = words.next() else { continue };
        let prev = out.insert(name.to_owned(), words.map(str::to_owned).collect());
        assert!(prev.is_none(), "{name} twice in {csp}");
    }
    out
}

/// `form-action` and `connect-src` are exactly `'self'` plus `backend`; no
/// other directive allows anything but this site (and `data:` images).
pub(super) fn expect_csp_allows_only(csp: &str, backend: &[&str], header: bool) {
    let d = csp_directives(csp);
    let mut expected: Vec<String> = vec!["'self'".to_owned()];
    expected.extend(backend.iter().map(|s| (*s).to_owned()));
    assert_eq!(
        d.get("form-action"),
        Some(&expected),
        "form-action in {csp}"
    );
    assert_eq!(
        d.get("connect-src"),
        Some(&expected),
        "connect-src in {csp}"
    );
    assert_eq!(
        d.get("default-src"),
        Some(&vec!["'self'".to_owned()]),
        "{csp}"
    );
    assert_eq!(
        d.get("object-src"),
        Some(&vec!["'none'".to_owned()]),
        "{csp}"
    );
    assert_eq!(d.get("base-uri"), Some(&vec!["'self'".to_owned()]), "{csp}");
    assert_eq!(
        d.get("frame-ancestors").cloned(),
        header.then(|| vec!["'none'".to_owned()]),
        "frame-ancestors is for the header only: {csp}"
    );
    for (name, sources) in &d {
        if name == "form-action" || name == "connect-src" {
            continue;
        }
        for s in sources {
            let ok = s == "'self'" || s == "'none'" || (name == "img-src" && s == "data:");
            assert!(ok, "{name} allows {s}: {csp}");
        }
    }
}

/// Pages with a form carry the header's policy (without frame-ancestors) as
/// a `<meta>`; pages without one do not. Every form posts where the policy
/// allows, and no page needs what the policy forbids (inline script, inline
/// style, event-handler attributes).
pub(super) fn expect_pages_follow_csp(built: &Built, header_csp: &str) {
    let mut for_meta = csp_directives(header_csp);
    for_meta.remove("frame-ancestors");
    let allowed_actions = for_meta.get("form-action").cloned().unwrap_or_default();
    for page in built.content_pages() {
        let doc = page.doc();
        let forms: Vec<ElementRef<'_>> = doc.select(&sel("form")).collect();
        let metas = all_attrs(
            &doc,
            r#"meta[http-equiv="Content-Security-Policy"]"#,
            "content",
        );
        if forms.is_empty() {
            assert!(
                metas.is_empty(),
                "{}: a CSP <meta> on a page without a form",
                page.rel
            );
        } else {
            assert_eq!(
                metas.len(),
                1,
                "{}: pages with a form carry one CSP <meta>",
                page.rel
            );
            assert_eq!(
                csp_directives(&metas[0]),
                for_meta,
                "{}: the <meta> CSP is the _headers one without frame-ancestors",
                page.rel
            );
        }
        for form in forms {
            let action = form.value().attr("action").unwrap_or("");
            let allowed = if action.starts_with("https://") || action.starts_with("http://") {
                let origin = url::Url::parse(action)
                    .expect("an absolute action")
                    .origin()
                    .ascii_serialization();
                allowed_actions.contains(&origin)
            } else {
                allowed_actions.iter().any(|s| s == "'self'")
            };
            assert!(
                allowed,
                "{}: a form posts to {action:?}, which form-action {allowed_actions:?} forbids",
                page.rel
            );
        }
        for script in doc.select(&sel("script")) {
            let v = script.value();
            let src_ok = v
                .attr("src")
                .is_some_and(|s| !s.contains("://") && !s.starts_with("//"));
            assert!(
                src_ok || v.attr("type") == Some("application/ld+json"),
                "{}: script-src 'self' blocks {}",
                page.rel,
                script.html()
            );
        }
        assert!(
            doc.select(&sel("style, [style]")).next().is_none(),
            "{}: style-src 'self' blocks inline styles",
            page.rel
        );
        for el in doc.select(&sel("*")) {
            for (name, _) in el.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{}: an inline event handler ({name}) is blocked by the CSP",
                    page.rel
                );
            }
        }
    }
}

#[test]
fn the_csp_allows_the_configured_intake_backend_and_nothing_else() {
    let mut built = Built::new(SiteTest::fixture("structured/csp"), &[]);
    let base = built.site.read("site.toml");
    let head = &base[..=base.find("\n[intake]\n").expect("an [intake] table")];
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "webhook",
            "[intake]\nbackend = \"webhook\"\nendpoint = \"https://intake.csp.example:8443/v1/submit?key=abc\"\n",
            &["https://intake.csp.example:8443"],
        ),
        (
            "formspree",
            "[intake]\nbackend = \"formspree\"\nform_id = \"xyzabcde\"\n",
            &["https://formspree.io"],
        ),
        (
            "hubspot",
            "[intake]\nbackend = \"hubspot\"\nportal_id = \"1234567\"\nform_guids = { referral = \"11111111-2222-3333-4444-555555555555\", appointment = \"66666666-7777-8888-9999-000000000000\" }\n",
            &["https://api.hsforms.com"],
        ),
        ("netlify", "[intake]\nbackend = \"netlify\"\n", &[]),
        (
            "salesforce",
            "[intake]\nbackend = \"salesforce\"\noid = \"00D000000000001\"\n",
            &["https://webto.salesforce.com"],
        ),
        ("no intake", "", &[]),
    ];
    for (name, intake, origins) in cases {
        built.site.write("site.toml", &format!("{head}{intake}"));
        built = built.rebuild(&[]);
        let headers = built.file("_headers");
        let csp = headers
            .lines()
            .find_map(|l| l.strip_prefix("  Content-Security-Policy: "))
            .unwrap_or_else(|| panic!("{name}: no CSP in _headers:\n{headers}"));
        expect_csp_allows_only(csp, origins, true);
        let forms = built
            .pages
            .iter()
            .filter(|p| p.doc().select(&sel("form")).next().is_some())
            .count();
        if name == "no intake" {
            assert_eq!(forms, 0, "no [intake], no forms");
        } else {
            assert!(forms > 0, "{name}: the fixture built no form");
        }
        expect_pages_follow_csp(&built, csp);
    }
}
