//! NAP shortcodes in Markdown bodies: `{{ phone() }}`, `{{ fax(…) }}`,
//! `{{ address(…) }}`, `{{ hours(…) }}` insert the NAP data; unknown
//! shortcodes and ids are findings at their position; code and template
//! code stay text.

use crate::support::SiteTest;

const BASIC: &str = "build/basic";
const ABOUT: &str = "content/about.md";

/// A copy of the basic site whose about page has `body`.
fn about_with(body: &str) -> SiteTest {
    let site = SiteTest::fixture(BASIC);
    site.write(
        ABOUT,
        &format!("---\ntitle: About the clinic\ndescription: Who we are.\n---\n{body}"),
    );
    site
}

/// The about page's `<main>`, built.
fn built_about(body: &str) -> String {
    let site = about_with(body);
    site.build(&[]).expect_success();
    site.read("public/about/index.html")
}

#[test]
fn shortcodes_insert_the_nap_data() {
    let html = built_about(
        "Call {{ phone() }}, fax {{ fax() }}.\n\n\
         Main Street: {{ phone(location=\"main-street\") }}, fax {{ fax(location='main-street') }}.\n\n\
         Cardiology referrals: {{phone(service=\"cardiology\")}}, fax {{ fax(service=\"cardiology\") }}.\n\n\
         Find us at {{ address(location=\"main-street\") }}, open {{ hours(location=\"main-street\") }}.\n\n\
         Also {{ address() }}.\n",
    );
    for expected in [
        "Call <a class=\"tel\" href=\"tel:+15550100100\">(555) 010-0100</a>, fax (555) 010-0199.",
        "Main Street: <a class=\"tel\" href=\"tel:+15550100200\">(555) 010-0200</a>, fax (555) 010-0201.",
        "Cardiology referrals: <a class=\"tel\" href=\"tel:+15550100140\">(555) 010-0140</a>, fax (555) 010-0141.",
        "Find us at 1 Main St, Springfield, OR 97001, open Mon–Fri 8:00 AM–5:00 PM.",
        "Also 1 Main St, Springfield, OR 97001.",
    ] {
        assert!(html.contains(expected), "missing {expected}\n{html}");
    }
    assert!(!html.contains("{{"), "a shortcode was left\n{html}");
}

/// Code spans and blocks keep shortcodes as text; `{{/* … */}}` writes one
/// as text; template code is never evaluated.
#[test]
fn code_and_template_code_stay_text() {
    let html = built_about(
        "Inline `{{ phone() }}` here.\n\n```\n{{ fax() }}\n```\n\n\
         Write {{/* phone() */}} to insert it.\n\n\
         Not a template: {{ page.title }} {% if x %}.\n",
    );
    assert!(html.contains("<code>{{ phone() }}</code>"), "{html}");
    assert!(html.contains("{{ fax() }}\n</code>"), "{html}");
    assert!(html.contains("Write {{ phone() }} to insert it."), "{html}");
    assert!(
        html.contains("Not a template: {{ page.title }} {% if x %}."),
        "{html}"
    );
}

#[test]
fn unknown_shortcodes_and_ids_are_findings_at_their_place() {
    let site = about_with(
        "Intro.\n\nCall {{ phnoe() }} today.\n\n\
         Or {{ phone(location=\"mian-street\") }}.\n\n\
         Or {{ fax(service=\"cardiolgy\") }}.\n\n\
         Or {{ hours(service=\"cardiology\") }}.\n",
    );
    let out = site.expect_failed_build();
    // The front matter is 4 lines: the body starts on line 5.
    out.diagnostic("E014")
        .at_col(ABOUT, 7, 6)
        .mentions("`phnoe` is not a shortcode")
        .mentions("did you mean `phone`?");
    let e020 = out.diagnostics_with("E020");
    let about = |what: &str| {
        e020.iter()
            .find(|d| d.diag.message.contains(what))
            .unwrap_or_else(|| panic!("no E020 about {what}\n{}", out.report()))
    };
    about("no location `mian-street`")
        .at_col(ABOUT, 9, 4)
        .mentions("did you mean `main-street`?");
    about("no service line `cardiolgy`")
        .at_col(ABOUT, 11, 4)
        .mentions("did you mean `cardiology`?");
    out.expect_finding_at("E014", ABOUT, 13);
    assert_eq!(out.diagnostics().len(), 4, "{}", out.report());
}

/// `handoff check` reports them too.
#[test]
fn check_reports_unknown_shortcodes() {
    let site = about_with("Call {{ phone(location=\"nowhere\") }}.\n");
    let out = site.check(&[]);
    out.diagnostic("E020").at_col(ABOUT, 5, 6);
}
