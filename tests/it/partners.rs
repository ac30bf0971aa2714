//! The referral-partner program (issue #20): `[[organization.liaisons]]`,
//! the `/partners/` page (the program's text, its liaisons, the updates
//! sign-up), the liaison named on each refer page of the service lines
//! they cover, and the findings about a liaison. The updates sign-up's
//! backends are in `forms`, `intake`, `fakes` and `browser`.

use scraper::Html;

use crate::forms::collapse;
use crate::support::serve::Server;
use crate::support::{SiteTest, sel};

/// A backend fixture with one liaison for `cardiology` and no
/// `content/partners/_index.md`: handoff makes the page.
const FIXTURE: &str = "forms/webhook-form";
const LIAISON: &str = "Jordan Avery";

fn page(site: &SiteTest, path: &str) -> Html {
    Html::parse_document(&site.expect_file(&format!("public{path}index.html")))
}

fn text(html: &Html, css: &str) -> String {
    collapse(
        &html
            .select(&sel(css))
            .flat_map(|e| e.text())
            .collect::<String>(),
    )
}

fn hrefs(html: &Html, css: &str) -> Vec<String> {
    html.select(&sel(css))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

/// The fixture's site.toml with its liaison's table replaced by `liaison`.
fn with_liaison(liaison: &str) -> SiteTest {
    let site = SiteTest::fixture(FIXTURE);
    let toml = site.read("site.toml");
    let start = toml
        .find("[[organization.liaisons]]")
        .expect("the fixture has a liaison");
    let end = start
        + toml[start..]
            .find("\n\n")
            .expect("a blank line ends the table");
    site.write(
        "site.toml",
        &format!("{}{liaison}{}", &toml[..start], &toml[end..]),
    );
    site
}

#[test]
fn the_example_s_partners_page_has_its_program_liaison_and_sign_up() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let html = page(&site, "/partners/");
    let main = text(&html, "main");
    // The program text of content/partners/_index.md.
    assert!(
        main.contains("What the program offers your office"),
        "{main}"
    );
    assert!(main.contains("Dana Whitfield"), "{main}");
    assert!(main.contains("Physician liaison, oncology"), "{main}");
    assert!(
        main.contains("Riverbend and the river valley"),
        "the territory: {main}"
    );
    let links = hrefs(&html, "main a");
    for want in [
        "tel:+15550100160",
        "mailto:dana.whitfield@riverbend-health.example",
        "/services/breast-oncology/refer/",
        "/services/thoracic-oncology/refer/",
    ] {
        assert!(
            links.iter().any(|l| l == want),
            "no link to {want}: {links:?}"
        );
    }
    let photo = html
        .select(&sel(
            "main img[src=\"/images/liaisons/dana-whitfield.svg\"]",
        ))
        .next()
        .expect("the liaison's photo");
    assert_eq!(
        photo.value().attr("alt"),
        Some("Portrait of Dana Whitfield")
    );
    assert_eq!(
        photo.value().attr("width"),
        Some("240"),
        "the photo's own size"
    );
    let form = html
        .select(&sel("form#updates-form"))
        .next()
        .expect("the sign-up");
    assert_eq!(form.value().attr("data-thanks"), Some("/partners/thanks/"));
    // Every page's footer leads to it; the sitemap lists it, not its thanks page.
    let home = Html::parse_document(&site.expect_file("public/index.html"));
    assert!(hrefs(&home, "footer a").iter().any(|h| h == "/partners/"));
    let sitemap = site.expect_file("public/sitemap.xml");
    assert!(sitemap.contains("/partners/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("/partners/thanks/"), "{sitemap}");
}

#[test]
fn without_a_page_of_its_own_the_program_gets_the_usual_text() {
    let site = SiteTest::fixture(FIXTURE);
    site.build(&[]).expect_success();
    let html = page(&site, "/partners/");
    assert_eq!(text(&html, "h1"), "For referring offices");
    let main = text(&html, "main");
    assert!(main.contains("named physician liaison"), "{main}");
    assert!(main.contains(LIAISON), "{main}");
    let thanks = page(&site, "/partners/thanks/");
    assert!(text(&thanks, "main").contains("signed up"));
}

#[test]
fn a_site_without_liaisons_or_program_text_has_no_partners_page() {
    let site = with_liaison("");
    site.build(&[]).expect_success();
    site.expect_no_file("public/partners/index.html");
    site.expect_no_file("public/partners/thanks/index.html");
    // No page, no form: no schema and no setup for it.
    site.expect_no_file("public/forms/updates.schema.json");
    site.expect_file("public/forms/referral.schema.json");
    let home = Html::parse_document(&site.expect_file("public/index.html"));
    assert!(!hrefs(&home, "footer a").iter().any(|h| h == "/partners/"));
}

#[test]
fn program_text_alone_makes_the_page() {
    let site = with_liaison("");
    site.write(
        "content/partners/_index.md",
        "---\ntitle: Partner with us\ndescription: Our program for referring offices.\n---\nTumor boards open to your clinicians.\n",
    );
    site.build(&[]).expect_success();
    let html = page(&site, "/partners/");
    assert_eq!(text(&html, "h1"), "Partner with us");
    assert!(text(&html, "main").contains("Tumor boards open to your clinicians."));
    assert!(html.select(&sel("form#updates-form")).next().is_some());
}

#[test]
fn a_refer_page_names_the_liaison_of_its_service_line() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let covered = page(&site, "/services/breast-oncology/refer/");
    let main = text(&covered, "main");
    assert!(main.contains("Your physician liaison"), "{main}");
    assert!(main.contains("Dana Whitfield"), "{main}");
    let links = hrefs(&covered, "main a");
    assert!(links.iter().any(|l| l == "tel:+15550100160"), "{links:?}");
    assert!(
        links
            .iter()
            .any(|l| l == "mailto:dana.whitfield@riverbend-health.example"),
        "{links:?}"
    );
    // A service line she does not cover names no liaison.
    let other = text(&page(&site, "/services/heart-failure/refer/"), "main");
    assert!(!other.contains("Dana Whitfield"), "{other}");
}

#[test]
fn a_liaison_naming_an_unknown_service_line_is_a_finding_with_the_closest() {
    let site = with_liaison(
        "[[organization.liaisons]]\nname = \"Jordan Avery\"\nservices = [\"cardiology\", \"cardiolgy\"]\nphone = \"+1-555-010-0160\"",
    );
    let line = site
        .read("site.toml")
        .lines()
        .position(|l| l.starts_with("services ="))
        .expect("the services line");
    let line = u32::try_from(line).expect("a short file") + 1;
    // `check` reports it, and a build refuses it, as any dangling reference.
    let out = site.check(&[]);
    out.diagnostic("E020")
        .at_col("site.toml", line, 27)
        .mentions("cardiolgy")
        .mentions("`cardiology`");
    site.expect_failed_build()
        .diagnostic("E020")
        .at_col("site.toml", line, 27);
}

#[test]
fn a_liaison_needs_a_name_and_a_way_to_reach_them() {
    let site = with_liaison("[[organization.liaisons]]\nrole = \"Physician liaison\"");
    let line = site
        .read("site.toml")
        .lines()
        .position(|l| l == "[[organization.liaisons]]")
        .expect("the table");
    let line = u32::try_from(line).expect("a short file") + 1;
    let out = site.expect_failed_build();
    let found = out.diagnostics_with("E003");
    assert_eq!(found.len(), 2, "{}", out.report());
    for f in &found {
        f.at_col("site.toml", line, 1);
    }
    for needle in ["has no `name`", "no `phone` or `email`"] {
        assert!(
            found.iter().any(|f| f.diag.text.contains(needle)),
            "no finding says {needle:?}\n{}",
            out.report()
        );
    }
}

#[test]
fn a_liaison_s_photo_and_keys_are_checked() {
    let site = with_liaison(
        "[[organization.liaisons]]\nname = \"Jordan Avery\"\nemail = \"jordan.avery@riverside-heart.example\"\nphoto = \"javascript:alert(1)\"",
    );
    site.expect_failed_build()
        .diagnostic("E004")
        .mentions("`photo`");
    let site = with_liaison(
        "[[organization.liaisons]]\nname = \"Jordan Avery\"\nemail = \"jordan.avery@riverside-heart.example\"\nterritori = \"Riverbend\"",
    );
    site.expect_failed_build()
        .diagnostic("E002")
        .mentions("`territory`");
}

#[test]
fn without_a_form_of_its_own_at_the_backend_the_page_has_no_sign_up() {
    // Formspree and HubSpot need a form per kind; `form_ids.updates` is
    // optional, and without it the program's page offers no sign-up
    // rather than posting it into another form's inbox.
    let site = SiteTest::fixture("forms/formspree");
    let toml = site.read("site.toml");
    site.write("site.toml", &toml.replace(", updates = \"mnnqpwkd\"", ""));
    site.build(&[]).expect_success();
    let html = page(&site, "/partners/");
    assert!(text(&html, "main").contains(LIAISON));
    assert!(
        html.select(&sel("form")).next().is_none(),
        "a sign-up without a form id"
    );
    site.expect_no_file("public/forms/updates.schema.json");
    let sheet = site.intake(&["--format", "json"]);
    sheet.expect_success();
    assert!(!sheet.stdout.contains("\"updates\""), "{}", sheet.stdout);
}

/// `handoff serve` serves the sign-up's schema, points the sign-up at its
/// local sink, and the sink takes a sign-up as a backend would: 303 to
/// `/partners/thanks/`, and 422 without an email.
#[test]
fn serve_takes_the_sign_up_at_its_local_sink() {
    let site = SiteTest::example();
    let server = Server::start(&site, &[]);
    let schema = server.get("/forms/updates.schema.json");
    assert_eq!(schema.status, 200, "{}", schema.head);
    let partners = Html::parse_document(&server.get("/partners/").body);
    let action = partners
        .select(&sel("form#updates-form"))
        .next()
        .and_then(|f| f.value().attr("action").map(str::to_owned));
    assert_eq!(action.as_deref(), Some("/_intake/updates"));
    let body = "form=updates&page=%2Fpartners%2F&reason=&utm_source=&utm_medium=&utm_campaign=\
                &referrer_host=&website=&name=Jordan+Lee&practice=Oak+Family+Practice&role=\
                &email=j.lee%40oak-family-practice.example&specialties=breast-oncology\
                &specialties=heart-failure&consent=yes";
    let resp = server.post(
        "/_intake/updates",
        "application/x-www-form-urlencoded",
        body.as_bytes(),
    );
    assert_eq!(
        resp.status,
        303,
        "{}\n{}\n{}",
        resp.head,
        resp.body,
        server.context()
    );
    assert_eq!(
        resp.header("location").as_deref(),
        Some("/partners/thanks/")
    );
    let missing = body.replace("&email=j.lee%40oak-family-practice.example", "");
    let refused = server.post(
        "/_intake/updates",
        "application/x-www-form-urlencoded",
        missing.as_bytes(),
    );
    assert_eq!(refused.status, 422, "{}\n{}", refused.head, refused.body);
}

/// A liaison's text is the practice's, printed as text everywhere.
#[test]
fn a_liaison_s_text_is_escaped() {
    let site = with_liaison(
        "[[organization.liaisons]]\nname = \"Jo <b>Avery</b>\"\nrole = \"\\\"><script>alert(1)</script>\"\nterritory = \"North & South\"\nservices = [\"cardiology\"]\nemail = \"jordan.avery@riverside-heart.example\"",
    );
    site.build(&[]).expect_success();
    for path in ["/partners/", "/services/cardiology/refer/"] {
        let source = site.expect_file(&format!("public{path}index.html"));
        assert!(!source.contains("<b>Avery"), "{path}: the name is markup");
        assert!(
            !source.contains("<script>alert"),
            "{path}: the role is markup"
        );
        let html = Html::parse_document(&source);
        let main = text(&html, "main");
        assert!(main.contains("Jo <b>Avery</b>"), "{path}: {main}");
    }
}

/// The partners page lists the program's education events still to come
/// (at the pinned "now", 2026-12-01: the February CME evening, not
/// October's lunch-and-learn) and leads to every event.
#[test]
fn the_partners_page_lists_the_upcoming_events_only() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let html = page(&site, "/partners/");
    let links = hrefs(&html, "main a");
    assert!(
        links
            .iter()
            .any(|l| l == "/events/thoracic-tumor-board-cme-evening/"),
        "{links:?}"
    );
    assert!(links.iter().any(|l| l == "/events/"), "{links:?}");
    let past: Vec<&String> = links
        .iter()
        .filter(|l| l.starts_with("/events/") && l.contains("lunch"))
        .collect();
    assert!(past.is_empty(), "a past event on /partners/: {past:?}");
    // Once the evening has ended, the section goes.
    let later = site.run_with_env(&[("SOURCE_DATE_EPOCH", "1830297600")], &["build"]);
    later.expect_success();
    let html = page(&site, "/partners/");
    assert!(
        !hrefs(&html, "main a")
            .iter()
            .any(|l| l == "/events/thoracic-tumor-board-cme-evening/")
    );
}
