//! Values that become URLs, emails, paths and dates: each carries no more
//! than it says (E014, E024, E025, E026). And findings about one value of a
//! list or an inline mapping point at that value, once.
//!
//! Every case is a fixture with one defect; the variants rewrite that one
//! value in a fresh copy. Each failing build goes through
//! `expect_failed_build`: exit 1, nothing written, a previous `public/`
//! untouched.

use super::case;
use crate::support::{Outcome, SiteTest};

/// 1-based line and character column of `needle`, which must occur exactly
/// once in `text`.
pub(super) fn line_col(text: &str, needle: &str) -> (u32, u32) {
    assert_eq!(text.matches(needle).count(), 1, "`{needle}` in {text}");
    let before = &text[..text.find(needle).expect("counted above")];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (
        u32::try_from(line).expect("a small file"),
        u32::try_from(col).expect("a short line"),
    )
}

/// Asserts that the run reported exactly one finding (no consequential
/// second one about the same value).
pub(super) fn only_one(out: &Outcome) {
    assert_eq!(
        out.diagnostics().len(),
        1,
        "expected exactly one finding\n{}",
        out.report()
    );
}

/// Writes `text` to `rel` in a fresh copy of `fixture` and expects the
/// build to fail with exactly one `code` at `needle`, the value in `text`.
pub(super) fn expect_only_at(
    fixture: &str,
    rel: &str,
    text: &str,
    code: &str,
    needle: &str,
) -> Outcome {
    let site = case(fixture);
    site.write(rel, text);
    let out = site.expect_failed_build();
    let (line, col) = line_col(text, needle);
    out.diagnostic(code).at_col(rel, line, col);
    only_one(&out);
    out
}

const HEAD: &str =
    "title = \"Example Clinic\"\nbase_url = \"https://www.example-clinic.example\"\n";

// --- emails (E024) -------------------------------------------------------------

#[test]
fn organization_email_is_a_plain_address() {
    let out = case("email_not_plain").expect_failed_build();
    out.diagnostic("E024")
        .at_col("site.toml", 6, 9)
        .mentions("`?`")
        .mentions("bcc")
        .mentions("write the address alone");
    only_one(&out);
    for bad in [
        "info@example-clinic.example&cc=leak@evil.example",
        "info @example-clinic.example",
        "info%40example-clinic.example",
        "info@example-clinic.example@evil.example",
        "info@localhost",
        "<info@example-clinic.example>",
        "info@example-clinic.example\\nBcc: leak@evil.example",
    ] {
        let text = format!("# E024\n{HEAD}\n[organization]\nemail = \"{bad}\"\n");
        expect_only_at(
            "email_not_plain",
            "site.toml",
            &text,
            "E024",
            &format!("\"{bad}"),
        );
    }
}

#[test]
fn referring_and_contact_emails_are_plain_addresses() {
    let rel = "content/services/cardiology.md";
    let out = case("referring_email_not_plain").expect_failed_build();
    out.diagnostic("E024")
        .at_col(rel, 8, 10)
        .mentions("`referring.email`")
        .mentions("bcc");
    only_one(&out);
    // One contact's email inside an inline mapping: at that email.
    let site = case("referring_email_not_plain");
    let text = site
        .read(rel)
        .replace("?bcc=leak@evil.example", "")
        .replace(
            "email: dana@example-clinic.example",
            "email: \"dana@example-clinic.example?cc=leak@evil.example\"",
        );
    let out = expect_only_at("referring_email_not_plain", rel, &text, "E024", "\"dana@");
    out.diagnostic("E024")
        .mentions("`referring.contacts[0].email`");
}

// --- addresses (E025) ------------------------------------------------------------

#[test]
fn base_url_carries_no_query_user_info_or_fragment() {
    let out = case("base_url_not_plain").expect_failed_build();
    out.diagnostic("E025")
        .at_col("site.toml", 3, 12)
        .mentions("query")
        .mentions("write the address alone");
    only_one(&out);
    for bad in [
        "https://admin:s3cret@www.example-clinic.example",
        "https://admin@www.example-clinic.example",
        "https://www.example-clinic.example/#top",
    ] {
        let text = format!("# E025\ntitle = \"Example Clinic\"\nbase_url = \"{bad}\"\n");
        expect_only_at("base_url_not_plain", "site.toml", &text, "E025", "\"https");
    }
}

#[test]
fn intake_endpoint_and_profile_links_carry_no_user_info_or_fragment() {
    let out = case("endpoint_not_plain").expect_failed_build();
    out.diagnostic("E025")
        .at_col("site.toml", 10, 12)
        .mentions("user name or password");
    only_one(&out);
    let intake = "[intake]\nbackend = \"webhook\"\nendpoint = \"https://intake.example-clinic.example/v1/submissions\"\n";
    for (organization, needle) in [
        (
            "",
            "\"https://intake.example-clinic.example/v1/submissions#",
        ),
        (
            "same_as = [\"https://www.linkedin.com/company/example\", \"https://directory.example/clinic#reviews\"]\n",
            "\"https://directory",
        ),
        (
            "logo = \"https://admin@cdn.example-clinic.example/logo.svg\"\n",
            "\"https://admin",
        ),
    ] {
        let intake = if organization.is_empty() {
            intake.replace("submissions\"", "submissions#top\"")
        } else {
            intake.to_owned()
        };
        let text = format!(
            "# E025\n{HEAD}\n[organization]\nprivacy_policy = \"/privacy/\"\n{organization}\n{intake}"
        );
        expect_only_at("endpoint_not_plain", "site.toml", &text, "E025", needle);
    }
}

#[test]
fn referral_portal_carries_no_user_info_or_fragment() {
    let rel = "content/services/cardiology.md";
    let out = case("portal_not_plain").expect_failed_build();
    out.diagnostic("E025")
        .at_col(rel, 8, 11)
        .mentions("`referring.portal`")
        .mentions("user name or password");
    only_one(&out);
    let site = case("portal_not_plain");
    let text = site.read(rel).replace(
        "https://dana@portal.example-clinic.example/refer",
        "https://portal.example-clinic.example/refer#new-patient",
    );
    expect_only_at("portal_not_plain", rel, &text, "E025", "https://portal")
        .diagnostic("E025")
        .mentions("fragment");
}

// --- site paths (E026) -----------------------------------------------------------

#[test]
fn privacy_policy_and_logos_are_local_paths() {
    let out = case("privacy_policy_not_local").expect_failed_build();
    out.diagnostic("E026")
        .at_col("site.toml", 6, 18)
        .mentions("another site")
        .mentions("single `/`");
    only_one(&out);
    // `\` is `/` to a browser, in any place of the first two.
    for (organization, theme, needle) in [
        (
            "privacy_policy = \"/\\\\evil.example/privacy\"",
            "",
            "\"/\\\\evil",
        ),
        (
            "privacy_policy = \"\\\\\\\\evil.example/privacy\"",
            "",
            "\"\\\\\\\\evil",
        ),
        (
            "privacy_policy = \"/privacy/\"\nlogo = \"//evil.example/logo.svg\"",
            "",
            "\"//evil",
        ),
        (
            "privacy_policy = \"/privacy/\"",
            "\n[theme]\nlogo = \"/\\\\evil.example/logo.svg\"\n",
            "\"/\\\\evil",
        ),
    ] {
        let text = format!("# E026\n{HEAD}\n[organization]\n{organization}\n{theme}");
        expect_only_at(
            "privacy_policy_not_local",
            "site.toml",
            &text,
            "E026",
            needle,
        );
    }
}

#[test]
fn physician_photo_is_a_local_path() {
    let rel = "content/physicians/ana-ruiz.md";
    let out = case("photo_not_local").expect_failed_build();
    out.diagnostic("E026")
        .at_col(rel, 6, 8)
        .mentions("`photo`")
        .mentions("another site");
    only_one(&out);
    let site = case("photo_not_local");
    let original = site.read(rel);
    for photo in [
        "\"/\\\\evil.example/ana-ruiz.jpg\"",
        "/\\evil.example/ana-ruiz.jpg",
        "\"/\\t/evil.example/ana-ruiz.jpg\"",
    ] {
        let text = original.replace("//evil.example/ana-ruiz.jpg", photo);
        expect_only_at("photo_not_local", rel, &text, "E026", photo);
    }
}

// --- dates (E014) ----------------------------------------------------------------

#[test]
fn dates_are_calendar_dates() {
    let rel = "content/about.md";
    let out = case("impossible_date").expect_failed_build();
    out.diagnostic("E014")
        .at_col(rel, 4, 10)
        .mentions("2026-02-31")
        .mentions("28 days")
        .mentions("YYYY-MM-DD");
    only_one(&out);
    let site = case("impossible_date");
    let original = site.read(rel);
    for date in ["2026-13-01", "2025-02-29", "2026-04-31", "2026-00-10"] {
        let text = original.replace("2026-02-31", date);
        expect_only_at("impossible_date", rel, &text, "E014", date);
    }
    // A leap day that exists builds.
    let site = case("impossible_date");
    site.write(rel, &original.replace("2026-02-31", "2024-02-29"));
    site.build(&[]).expect_success();
}

// --- positions: one value of a list or inline mapping ------------------------------

#[test]
fn one_wrong_day_in_a_flow_list_is_one_finding_at_that_day() {
    let out = case("hours_day_in_flow_list").expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/locations/main-street.md", 6, 22)
        .mentions("`Funday` is not a day code")
        .mentions("Mo, Tu");
    only_one(&out);
}

#[test]
fn a_wrong_day_or_time_in_block_or_flow_hours_is_one_finding_at_that_value() {
    let rel = "content/locations/main-street.md";
    let original = case("hours_day_in_flow_list").read(rel);
    let flow = "hours: [{ days: [Mo, Funday], opens: \"08:00\", closes: \"17:00\" }]\n";
    for (hours, needle) in [
        // Block form: the day is on a line of its own.
        (
            "hours:\n  - days:\n      - Mo\n      - Funday\n    opens: \"08:00\"\n    closes: \"17:00\"\n",
            "Funday",
        ),
        // A block row with a flow list of days.
        (
            "hours:\n  - days: [Mo, Tu]\n    opens: \"08:00\"\n    closes: \"17:00\"\n  - days: [We, Funday]\n    opens: \"09:00\"\n    closes: \"12:00\"\n",
            "Funday",
        ),
        // The row's only day is wrong: not also "has no days".
        (
            "hours: [{ days: [Funday], opens: \"08:00\", closes: \"17:00\" }]\n",
            "Funday",
        ),
        // A time that is no time: at the time, not at `hours`.
        (
            "hours: [{ days: [Mo, Tu], opens: \"8am\", closes: \"17:00\" }]\n",
            "\"8am\"",
        ),
    ] {
        let text = original.replace(flow, hours);
        assert_ne!(text, original, "the fixture has the flow row");
        expect_only_at("hours_day_in_flow_list", rel, &text, "E014", needle);
    }
    // A coordinate off the Earth: at that coordinate.
    let text = original.replace(flow, "geo: { lat: 45.5, lng: -222.6 }\n");
    expect_only_at("hours_day_in_flow_list", rel, &text, "E014", "-222.6");
    // A missing key is one finding, at the row.
    let text = original.replace(flow, "hours:\n  - days: [Mo]\n    opens: \"08:00\"\n");
    let out = expect_only_at("hours_day_in_flow_list", rel, &text, "E013", "days: [Mo]");
    out.diagnostic("E013").mentions("`closes`");
}

#[test]
fn one_wrong_alias_in_a_list_is_one_finding_at_that_alias() {
    let rel = "content/about.md";
    let out = case("alias_in_flow_list").expect_failed_build();
    out.diagnostic("E014")
        .at_col(rel, 4, 24)
        .mentions("alias `old about` is not a path on this site");
    only_one(&out);
    let original = case("alias_in_flow_list").read(rel);
    let text = original.replace(
        "aliases: [/old-about/, \"old about\"]\n",
        "aliases:\n  - /old-about/\n  - old about\n  - /about-us/\n",
    );
    expect_only_at("alias_in_flow_list", rel, &text, "E014", "old about");
    // An alias that starts like `//host` is a path no browser reads as one.
    let text = original.replace("\"old about\"", "\"//evil.example/about/\"");
    expect_only_at(
        "alias_in_flow_list",
        rel,
        &text,
        "E026",
        "\"//evil.example/about/\"",
    );
}

/// A reference inside a flow list points at its own item.
#[test]
fn a_dangling_id_in_a_flow_list_is_at_its_item() {
    let rel = "content/services/cardiology.md";
    let site = SiteTest::fixture("bad_input/alias_in_flow_list");
    let fixed = site.read("content/about.md").replace(", \"old about\"", "");
    let service = site.read(rel).replace(
        "locations:\n  - main-street\n",
        "locations: [main-street, main-stree]\n",
    );
    site.write("content/about.md", &fixed);
    site.write(rel, &service);
    let out = site.expect_failed_build();
    let (line, col) = line_col(&service, "main-stree]");
    out.diagnostic("E020")
        .at_col(rel, line, col)
        .mentions("`main-street`");
    only_one(&out);
}
