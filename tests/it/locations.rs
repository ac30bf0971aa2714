//! A service line at each of its locations (issue #23), on the fixture
//! `tests/fixtures/locations`: oncology is seen at three places, cardiology
//! at two, dermatology at one. A service line seen at two or more places
//! gets a page at each (and no other does), linked from its page, the
//! location's page and the sitemap; the page shows the location and who
//! sees the service line there; the most specific referral line (the
//! service line's at that location, else the location's, else the service
//! line's, else the practice's) is the one on the page, in the packet, in
//! the JSON-LD and on the call button; the forms' location choice is
//! there and preselected; and a location id that would take the address of
//! another page, or a `by_location` entry that names no location of the
//! service line, is a finding at its place.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::forms::{Kind, Page, built, collapse};
use crate::support::{SiteTest, sel};

const CASE: &str = "locations";
const BASE: &str = "https://www.lakeview-health.example";

/// Every service line's page at a location the fixture must have.
const AT_LOCATIONS: [&str; 5] = [
    "/services/cardiology/downtown/",
    "/services/cardiology/valley/",
    "/services/oncology/downtown/",
    "/services/oncology/lakeside/",
    "/services/oncology/valley/",
];

/// The numbers as the pages print them.
const PRACTICE: &str = "(555) 010-0100";
const PRACTICE_FAX: &str = "(555) 010-0199";
const ONCOLOGY: &str = "(555) 010-0140";
const ONCOLOGY_FAX: &str = "(555) 010-0141";
const VALLEY: &str = "(555) 010-0300";
const VALLEY_FAX: &str = "(555) 010-0301";
const ONCOLOGY_LAKESIDE: &str = "(555) 010-0160";
const ONCOLOGY_LAKESIDE_FAX: &str = "(555) 010-0161";

/// `href`s of the links inside `scope` on the page.
fn links(page: &Page, scope: &str) -> BTreeSet<String> {
    page.html
        .select(&sel(&format!("{scope} a[href]")))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

/// The ways to refer on a page, `dt` → `dd` text.
fn ways(page: &Page) -> Vec<(String, String)> {
    page.html
        .select(&sel("main dl.ways > div"))
        .map(|d| {
            let part = |s: &str| {
                d.select(&sel(s))
                    .next()
                    .map(|e| collapse(&e.text().collect::<String>()))
                    .unwrap_or_default()
            };
            (part("dt"), part("dd"))
        })
        .collect()
}

/// The value of `dt` among the ways to refer, up to its first number.
fn way(page: &Page, dt: &str) -> String {
    let all = ways(page);
    all.iter()
        .find(|(t, _)| t == dt)
        .map(|(_, d)| d.chars().take(14).collect())
        .unwrap_or_else(|| panic!("{}: no `{dt}` among {all:?}", page.path))
}

/// The page's one JSON-LD graph.
fn graph(page: &Page) -> Vec<Value> {
    let script = page
        .html
        .select(&sel("script[type=\"application/ld+json\"]"))
        .next()
        .unwrap_or_else(|| panic!("{}: no JSON-LD", page.path));
    let doc: Value = serde_json::from_str(&script.text().collect::<String>()).unwrap();
    doc["@graph"].as_array().cloned().unwrap()
}

/// The `ContactPoint` of the page's clinic: (telephone, faxNumber).
fn clinic_line(page: &Page) -> (String, String) {
    let nodes = graph(page);
    let clinic = nodes
        .iter()
        .find(|n| n["@type"] == "MedicalClinic")
        .unwrap_or_else(|| panic!("{}: no MedicalClinic", page.path));
    let point = &clinic["contactPoint"][0];
    let s = |k: &str| point[k].as_str().unwrap_or_default().to_owned();
    (s("telephone"), s("faxNumber"))
}

/// "(555) 010-0300" as E.164.
fn e164(shown: &str) -> String {
    let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
    format!("+1{digits}")
}

#[test]
fn pages_exist_for_exactly_the_service_lines_at_two_or_more_places() {
    let site = built(CASE);
    let public = site.public();
    let mut found = BTreeSet::new();
    for entry in walkdir::WalkDir::new(public.join("services")).min_depth(2) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&public).unwrap();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if let [_, service, place, index] = &parts[..]
            && index == "index.html"
            && place != "refer"
        {
            found.insert(format!("/services/{service}/{place}/"));
        }
    }
    let expected: BTreeSet<String> = AT_LOCATIONS.iter().map(|p| (*p).to_owned()).collect();
    assert_eq!(found, expected, "dermatology, at one place, has none");
    let sitemap = site.expect_file("public/sitemap.xml");
    for path in AT_LOCATIONS {
        assert!(
            sitemap.contains(&format!("<loc>{BASE}{path}</loc>")),
            "the sitemap lists {path}:\n{sitemap}"
        );
        let page = Page::read(&site, path);
        assert_eq!(
            page.html
                .select(&sel("body"))
                .next()
                .and_then(|b| b.value().classes().find(|c| c.starts_with("kind-"))),
            Some("kind-service_location"),
            "{path}"
        );
    }
    // The service line's page links its page at each location …
    let oncology = Page::read(&site, "/services/oncology/");
    let linked = links(&oncology, "main");
    for path in AT_LOCATIONS.iter().filter(|p| p.contains("/oncology/")) {
        assert!(linked.contains(*path), "/services/oncology/ links {path}");
    }
    let refer = links(&Page::read(&site, "/services/oncology/refer/"), "main");
    assert!(refer.contains("/services/oncology/valley/"), "{refer:?}");
    // … and the location's page links each service line's page there.
    let valley = links(&Page::read(&site, "/locations/valley/"), "main");
    for path in ["/services/oncology/valley/", "/services/cardiology/valley/"] {
        assert!(
            valley.contains(path),
            "/locations/valley/ links {path}: {valley:?}"
        );
    }
    let lakeside = links(&Page::read(&site, "/locations/lakeside/"), "main");
    assert!(
        lakeside.contains("/services/dermatology/"),
        "a service line at one place links its own page: {lakeside:?}"
    );
}

#[test]
fn the_page_shows_the_service_the_location_and_who_sees_it_there() {
    let site = built(CASE);
    let page = Page::read(&site, "/services/oncology/valley/");
    let text = page.text();
    let h1 = collapse(
        &page
            .html
            .select(&sel("h1"))
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
    );
    assert_eq!(h1, "Oncology at Valley Clinic");
    for needle in [
        "Consults and treatment planning for adults with cancer",
        "2 Valley Rd, Lakeview, OR 97011",
        "Mon, Wed, Fri",
        "Free parking in the lot behind the clinic",
        "Step-free entrance with automatic doors",
    ] {
        assert!(text.contains(needle), "{}: `{needle}`\n{text}", page.path);
    }
    assert!(
        links(&page, "main")
            .iter()
            .any(|h| h.starts_with("https://www.openstreetmap.org/?mlat=44.1")),
        "a map link"
    );
    // Physicians who see oncology AND are at Valley: Dr. Ruiz, not Dr. Cho
    // (oncology, Downtown) nor Dr. Diaz (Valley, cardiology).
    let doctors = links(&page, "main");
    assert!(doctors.contains("/physicians/ana-ruiz/"), "{doctors:?}");
    assert!(!doctors.contains("/physicians/ben-cho/"), "{doctors:?}");
    assert!(!doctors.contains("/physicians/cara-diaz/"), "{doctors:?}");
    // The referral route there, and the way to the whole referring section.
    assert!(doctors.contains("/services/oncology/refer/"), "{doctors:?}");
    assert!(
        doctors.contains("/services/oncology/refer/packet/"),
        "{doctors:?}"
    );
}

/// Every place a line shows, for one service line at one location: the
/// ways to refer, the JSON-LD `ContactPoint`, the call button and the
/// number the forms give when they cannot send.
fn expect_line(site: &SiteTest, path: &str, phone: &str, fax: &str) {
    let page = Page::read(site, path);
    assert_eq!(way(&page, "Phone"), phone, "{path}: the referral line");
    let (tel, fax_number) = clinic_line(&page);
    assert_eq!(tel, e164(phone), "{path}: the JSON-LD ContactPoint");
    assert_eq!(way(&page, "Fax"), fax, "{path}: the fax");
    assert_eq!(fax_number, e164(fax), "{path}: the JSON-LD faxNumber");
    let call: Vec<String> = page
        .html
        .select(&sel(".action-bar a[href^=\"tel:\"]"))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(
        call,
        [format!("tel:{}", e164(phone))],
        "{path}: the call button"
    );
    let failed = page
        .html
        .select(&sel("#referral-form .form-failed"))
        .map(|p| collapse(&p.text().collect::<String>()))
        .collect::<String>();
    assert!(
        failed.contains(phone),
        "{path}: the form's number: {failed}"
    );
}

#[test]
fn the_most_specific_referral_line_is_used_everywhere() {
    let site = built(CASE);
    // Downtown has no line of its own: oncology's.
    expect_line(
        &site,
        "/services/oncology/downtown/",
        ONCOLOGY,
        ONCOLOGY_FAX,
    );
    // Valley's own line wins over the service line's.
    expect_line(&site, "/services/oncology/valley/", VALLEY, VALLEY_FAX);
    // Oncology's own line at Lakeside wins over everything, contacts too.
    expect_line(
        &site,
        "/services/oncology/lakeside/",
        ONCOLOGY_LAKESIDE,
        ONCOLOGY_LAKESIDE_FAX,
    );
    let lakeside = Page::read(&site, "/services/oncology/lakeside/").text();
    assert!(lakeside.contains("Sam Lee"), "{lakeside}");
    assert!(!lakeside.contains("Dana Ortiz"), "{lakeside}");
    // Cardiology has no line: Valley's there, the practice's Downtown.
    expect_line(&site, "/services/cardiology/valley/", VALLEY, VALLEY_FAX);
    expect_line(
        &site,
        "/services/cardiology/downtown/",
        PRACTICE,
        PRACTICE_FAX,
    );
    // The service line's own pages keep its line and list the others.
    let service = Page::read(&site, "/services/oncology/refer/");
    assert_eq!(way(&service, "Phone"), ONCOLOGY);
    let text = service.text();
    assert!(
        text.contains(&format!(
            "Oncology at Valley Clinic: referral line {VALLEY}, fax {VALLEY_FAX}"
        )),
        "{text}"
    );
    // The packet: the service line's fax, then each location's own.
    let packet = Page::read(&site, "/services/oncology/refer/packet/").text();
    for needle in [
        format!("Fax to {ONCOLOGY_FAX}"),
        format!("For Valley Clinic: fax {VALLEY_FAX}, call {VALLEY}"),
        format!("For Lakeside Clinic: fax {ONCOLOGY_LAKESIDE_FAX}, call {ONCOLOGY_LAKESIDE}"),
    ] {
        assert!(packet.contains(&needle), "the packet: `{needle}`\n{packet}");
    }
    assert!(
        !packet.contains("For Downtown Clinic"),
        "Downtown has the service line's own line: not repeated\n{packet}"
    );
}

/// The location choice's options and the chosen one.
fn location_choice(page: &Page, kind: Kind) -> Option<(Vec<String>, Vec<String>)> {
    let form = page.form(kind);
    let select = form.el.select(&sel("select[name=location]")).next()?;
    let values = |s: &str| {
        select
            .select(&sel(s))
            .filter_map(|o| o.value().attr("value").map(str::to_owned))
            .collect::<Vec<_>>()
    };
    Some((values("option"), values("option[selected]")))
}

#[test]
fn the_location_choice_appears_and_is_preselected() {
    let site = built(CASE);
    let all = ["any", "downtown", "valley", "lakeside"].map(str::to_owned);
    let page = Page::read(&site, "/services/oncology/valley/");
    for kind in [Kind::Referral, Kind::Appointment] {
        let (options, chosen) = location_choice(&page, kind).expect("a location choice");
        assert_eq!(options, all, "{kind:?}: no preference, then each place");
        assert_eq!(chosen, ["valley"], "{kind:?}: this page's location");
    }
    let (options, chosen) = location_choice(
        &Page::read(&site, "/services/cardiology/refer/"),
        Kind::Referral,
    )
    .expect("cardiology is seen at two places");
    assert_eq!(
        options,
        ["any", "downtown", "valley"],
        "its own places only"
    );
    assert_eq!(chosen, ["any"], "no preference until chosen");
    assert!(
        location_choice(
            &Page::read(&site, "/services/dermatology/refer/"),
            Kind::Referral
        )
        .is_none(),
        "dermatology is seen at one place: nothing to choose"
    );
    let (options, _) = location_choice(&Page::read(&site, "/refer/"), Kind::Referral)
        .expect("the hub, where the service is chosen");
    assert_eq!(options, all);
    let schema = crate::forms::read_schema(&site, Kind::Referral);
    assert_eq!(
        schema["properties"]["location"]["enum"],
        serde_json::json!(all),
        "the JSON Schema"
    );
}

#[test]
fn a_location_whose_id_is_another_page_s_address_is_a_finding() {
    let site = SiteTest::fixture(CASE);
    site.write(
        "content/locations/refer.md",
        "---\ntitle: Refer Street Clinic\naddress: { street: 1 Refer St, city: Lakeview, region: OR, postal_code: \"97013\", country: US }\n---\nA clinic.\n",
    );
    let oncology = site.read("content/services/oncology.md");
    site.write(
        "content/services/oncology.md",
        &oncology.replace("lakeside]", "lakeside, refer]"),
    );
    let out = site.expect_failed_build();
    out.diagnostic("E022")
        .in_file("content/locations/refer.md")
        .mentions("/services/oncology/refer/")
        .mentions("slug:");
}

#[test]
fn a_by_location_entry_must_name_a_location_of_the_service_line() {
    let site = SiteTest::fixture(CASE);
    let oncology = site.read("content/services/oncology.md");
    site.write(
        "content/services/oncology.md",
        &oncology.replace("    lakeside:\n", "    lakesde:\n"),
    );
    // Line 15, column 5: the id under `by_location:`.
    site.expect_failed_build()
        .diagnostic("E020")
        .at_col("content/services/oncology.md", 15, 5)
        .mentions("`lakeside`");
    let site = SiteTest::fixture(CASE);
    let cardiology = site.read("content/services/cardiology.md");
    site.write(
        "content/services/cardiology.md",
        &cardiology.replace(
            "referring:\n",
            "referring:\n  by_location:\n    lakeside: { phone: \"+1-555-010-0190\" }\n",
        ),
    );
    site.expect_failed_build()
        .diagnostic("E020")
        .at_col("content/services/cardiology.md", 8, 5)
        .mentions("not one of this service line's `locations`");
}

#[test]
fn an_unknown_key_in_a_by_location_entry_gets_a_hint() {
    let site = SiteTest::fixture(CASE);
    let oncology = site.read("content/services/oncology.md");
    site.write(
        "content/services/oncology.md",
        &oncology.replace(
            "      phone: \"+1-555-010-0160\"",
            "      phon: \"+1-555-010-0160\"",
        ),
    );
    site.expect_failed_build()
        .diagnostic("E012")
        .at("content/services/oncology.md", 16)
        .mentions("did you mean `phone`?");
}

/// `handoff intake --format json`.
fn sheet(site: &SiteTest) -> Value {
    let out = site.intake(&["--format", "json"]);
    out.expect_success();
    serde_json::from_str(&out.stdout).unwrap()
}

/// The form of `kind` in a setup sheet.
fn sheet_form<'v>(sheet: &'v Value, kind: &str) -> &'v Value {
    sheet["forms"]
        .as_array()
        .and_then(|forms| forms.iter().find(|f| f["form"] == kind))
        .unwrap()
}

/// A CRM keeps only its own properties: the location is no contact's or
/// lead's address (HubSpot's `city`, Salesforce's `street` are the
/// person's), so it arrives as a `Location:` line of the digest, or under
/// the property or custom field the practice maps it to, which the setup
/// sheet asks it to create with the location ids as its options.
#[test]
fn a_crm_receives_the_location_in_its_digest_or_the_field_the_practice_maps() {
    for case in ["forms/hubspot", "forms/salesforce"] {
        let plain = sheet(&SiteTest::fixture(case));
        for kind in ["referral", "appointment"] {
            let form = sheet_form(&plain, kind);
            let lines: Vec<&Value> = form["digest"]["lines"].as_array().unwrap().iter().collect();
            assert!(
                lines
                    .iter()
                    .any(|l| l["canonical"] == "location" && l["label"] == "Location"),
                "{case} {kind}: a digest line: {lines:?}"
            );
        }
    }
    let site = SiteTest::fixture("forms/hubspot");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        &toml.replace(
            "[intake.field_names]\n",
            "[intake.field_names]\nlocation = \"clinic_location\"\n",
        ),
    );
    let mapped = sheet(&site);
    for kind in ["referral", "appointment"] {
        let form = sheet_form(&mapped, kind);
        let field = form["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "clinic_location")
            .unwrap_or_else(|| panic!("{kind}: no clinic_location: {form}"));
        assert_eq!(field["carries"], serde_json::json!(["location"]));
        let create = form["create"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "clinic_location")
            .unwrap_or_else(|| panic!("{kind}: HubSpot must create it: {form}"));
        assert_eq!(create["field_type"], "select");
        assert_eq!(
            create["options"],
            serde_json::json!(["any", "main-street", "elm-street"])
        );
        assert!(
            !form["digest"]["lines"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["canonical"] == "location"),
            "{kind}: mapped, no longer in the digest"
        );
    }
    let site = SiteTest::fixture("forms/salesforce");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        &format!("{toml}\n[intake.field_names]\nlocation = \"00N5e00000LoCaT\"\n"),
    );
    let mapped = sheet(&site);
    let form = sheet_form(&mapped, "referral");
    assert!(
        form["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "00N5e00000LoCaT"
                && f["carries"] == serde_json::json!(["location"])),
        "a Web-to-Lead custom field: {form}"
    );
}

/// The lines a location or a service line at a location publishes are the
/// practice's own numbers: typed in a page, each is a `tel:` link and no
/// "number the practice does not publish" warning.
#[test]
fn numbers_of_the_lines_at_locations_are_the_practice_s_own() {
    let site = SiteTest::fixture(CASE);
    site.write(
        "content/about.md",
        "---\ntitle: About us\ndescription: Who we are.\n---\nValley referrals: 555-010-0300. Oncology at Lakeside: 555-010-0160, fax 555-010-0161. Sam Lee: 555-010-0162.\n",
    );
    let out = site.check(&["--format", "json"]);
    let drift = out.diagnostics_with("W020");
    assert!(drift.is_empty(), "{}", out.report());
    site.build(&[]).expect_success();
    let about = Page::read(&site, "/about/");
    let tels = links(&about, "main .prose");
    // Referral lines are linked (named contacts are not, as anywhere else).
    for number in ["+15550100300", "+15550100160"] {
        assert!(
            tels.contains(&format!("tel:{number}")),
            "{number}: {tels:?}"
        );
    }
}
