//! The JSON-LD of every page of the example site (SPEC §8): one sound
//! schema.org graph per page, whose organization, page node, breadcrumbs
//! and per-kind nodes (clinic, physician, medical page, FAQ, event) repeat what the
//! site's files say; and one snapshot of the graph per page kind.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::support::SiteTest;

use super::built::{
    Built, PageOut, as_list, has_type, jsonld, node_by_id, one_of_type, page_node, resolve,
    str_set, types_of,
};
use super::facts::{ExampleFacts, e164, fm_str, section};
use super::schema_org::{DAYS, vocabulary_problems};

fn slug_after<'a>(path: &'a str, prefix: &str) -> &'a str {
    path.strip_prefix(prefix)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("{path} is not under {prefix}"))
}

fn expect_address(page: &PageOut, addr: &Value, fm_addr: &Value) {
    assert_eq!(addr["@type"], "PostalAddress", "{}: {addr}", page.rel);
    for (schema, key) in [
        ("streetAddress", "street"),
        ("addressLocality", "city"),
        ("addressRegion", "region"),
        ("postalCode", "postal_code"),
        ("addressCountry", "country"),
    ] {
        let expected = fm_addr[key]
            .as_str()
            .unwrap_or_else(|| panic!("the example location has no address {key}"));
        assert_eq!(addr[schema], expected, "{}: address {schema}", page.rel);
    }
}

fn expect_contact_point(facts: &ExampleFacts, page: &PageOut, org: &Value, service: &str) {
    let referring = &facts.services[service]["referring"];
    let points = as_list(&org["contactPoint"]);
    let point = points
        .iter()
        .find(|p| p["contactType"] == "physician referrals")
        .unwrap_or_else(|| {
            panic!(
                "{}: the organization has no ContactPoint \"physician referrals\"\n{org:#}",
                page.rel
            )
        });
    assert_eq!(point["@type"], "ContactPoint", "{}", page.rel);
    let expect = |schema: &str, value: Option<String>| {
        assert_eq!(
            point.get(schema).and_then(Value::as_str).map(str::to_owned),
            value,
            "{}: referral ContactPoint {schema}",
            page.rel
        );
    };
    expect("telephone", fm_str(referring, "phone").map(e164));
    expect("faxNumber", fm_str(referring, "fax").map(e164));
    expect("email", fm_str(referring, "email").map(str::to_owned));
}

fn expect_medical_web_page(
    facts: &ExampleFacts,
    page: &PageOut,
    node: &Value,
    service: &str,
    audience: &[&str],
) {
    assert!(
        has_type(node, "MedicalWebPage"),
        "{}: expected a MedicalWebPage, found {}",
        page.rel,
        node["@type"]
    );
    let specialty = facts
        .specialty_url(service)
        .expect("every example service has a specialty");
    assert_eq!(
        node["specialty"],
        specialty.as_str(),
        "{}: specialty",
        page.rel
    );
    let audiences: Vec<&Value> = as_list(&node["audience"]);
    for a in &audiences {
        assert_eq!(a["@type"], "MedicalAudience", "{}: audience {a}", page.rel);
    }
    let types: BTreeSet<String> = str_set(audiences.iter().map(|a| &a["audienceType"]));
    let expected: BTreeSet<String> = audience.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(types, expected, "{}: audienceType", page.rel);
}

#[test]
fn every_page_of_the_example_has_one_sound_schema_org_graph() {
    let built = Built::new(SiteTest::example(), &[]);
    let facts = ExampleFacts::read(&built.site);
    assert_eq!(built.base, facts.base);
    let mut kinds_seen = BTreeSet::new();
    for page in built.content_pages() {
        let kind = page.kind();
        kinds_seen.insert(kind.clone());
        let doc = jsonld(page);
        let problems = vocabulary_problems(&doc, &built.org_id());
        assert!(
            problems.is_empty(),
            "{}: the JSON-LD breaks the schema.org rules:\n  {}\n{doc:#}",
            page.rel,
            problems.join("\n  ")
        );
        let org = expect_organization(&facts, &built, page, &doc);
        let node = expect_page_and_trail(&built, page, &doc);
        match kind.as_str() {
            "location" => expect_location(&facts, &built, page, &doc, node),
            "physician" => expect_physician(&facts, &built, page, &doc, node),
            "service" | "refer" | "packet" => {
                let slug = slug_after(&page.path, "/services/");
                let audience: &[&str] = if kind == "service" {
                    &["Clinician", "Patient"]
                } else {
                    &["Clinician"]
                };
                expect_medical_web_page(&facts, page, node, slug, audience);
                expect_contact_point(&facts, page, org, slug);
                expect_availability(
                    &facts,
                    built.url(&format!("/services/{slug}/")),
                    page,
                    &doc,
                    slug,
                );
            }
            "referral" => expect_referral(&facts, page, org, node),
            "event" => expect_event(&facts, &built, page, &doc, node),
            "trial" => expect_trial(&facts, &built, page, &doc, node),
            "service_location" => expect_service_location(&facts, &built, page, &doc, node),
            _ => {
                assert!(
                    types_of(node) == ["WebPage"] || types_of(node) == ["MedicalWebPage"],
                    "{}: a {kind} page is a WebPage or MedicalWebPage, found {}",
                    page.rel,
                    node["@type"]
                );
            }
        }
    }
    for kind in [
        "home",
        "service",
        "refer",
        "referral",
        "location",
        "physician",
        "packet",
        "thanks",
        "not_found",
        "events",
        "event",
        "trial",
        "trials",
        "trial_thanks",
        "service_location",
    ] {
        assert!(
            kinds_seen.contains(kind),
            "the example site built no `{kind}` page (kinds seen: {kinds_seen:?})"
        );
    }
}

/// A service line's `availability`: whether it takes new patients on the
/// `MedicalOrganization` that provides the `Service` (schema.org has
/// `isAcceptingNewPatients` there, not on a `Service`), and telehealth as a
/// `ServiceChannel`. Nothing of either where its file says nothing.
fn expect_availability(facts: &ExampleFacts, url: String, page: &PageOut, doc: &Value, slug: &str) {
    let availability = &facts.services[slug]["availability"];
    let service = node_by_id(doc, &format!("{url}#service"))
        .unwrap_or_else(|| panic!("{}: no Service node\n{doc:#}", page.rel));
    let provider = resolve(page, doc, &service["provider"]);
    match availability["accepting_new_patients"].as_bool() {
        Some(accepting) => {
            assert_eq!(provider["@type"], "MedicalOrganization", "{}", page.rel);
            assert_eq!(
                provider["isAcceptingNewPatients"],
                json!(accepting),
                "{}",
                page.rel
            );
            assert_eq!(
                provider["parentOrganization"]["@id"], doc["@graph"][0]["@id"],
                "{}",
                page.rel
            );
            assert_eq!(provider["url"], url.as_str(), "{}", page.rel);
        }
        None => assert!(
            provider.get("isAcceptingNewPatients").is_none(),
            "{}",
            page.rel
        ),
    }
    let channels = as_list(&service["availableChannel"]);
    if availability["telehealth"].as_bool() == Some(true) {
        assert_eq!(channels.len(), 1, "{}: one telehealth channel", page.rel);
        assert_eq!(channels[0]["@type"], "ServiceChannel", "{}", page.rel);
        assert_eq!(channels[0]["name"], "Telehealth visits", "{}", page.rel);
    } else {
        assert!(channels.is_empty(), "{}: no telehealth channel", page.rel);
    }
}

/// The organization node every page carries: the practice of site.toml.
fn expect_organization<'a>(
    facts: &ExampleFacts,
    built: &Built,
    page: &PageOut,
    doc: &'a Value,
) -> &'a Value {
    let org = node_by_id(doc, &built.org_id())
        .unwrap_or_else(|| panic!("{}: no organization node\n{doc:#}", page.rel));
    assert_eq!(org["@type"], facts.org_type.as_str(), "{}", page.rel);
    assert_eq!(org["name"], facts.org_name.as_str(), "{}", page.rel);
    assert_eq!(org["url"], format!("{}/", built.base), "{}", page.rel);
    assert_eq!(
        org["telephone"].as_str(),
        facts.org_phone.as_deref(),
        "{}: organization telephone",
        page.rel
    );
    assert!(
        org["telephone"]
            .as_str()
            .is_some_and(|t| t.starts_with("+1")),
        "{}: the example's telephone is North American E.164",
        page.rel
    );
    assert_eq!(
        org["faxNumber"].as_str(),
        facts.org_fax.as_deref(),
        "{}: organization faxNumber",
        page.rel
    );
    org
}

/// The page node and its breadcrumb trail, from the home page to the page.
fn expect_page_and_trail<'a>(built: &Built, page: &PageOut, doc: &'a Value) -> &'a Value {
    let url = built.url(&page.path);
    let node = page_node(page, doc);
    assert_eq!(node["url"], url.as_str(), "{}: page url", page.rel);
    assert_eq!(node["publisher"]["@id"], built.org_id().as_str());
    let trail = resolve(page, doc, &node["breadcrumb"]);
    assert!(has_type(trail, "BreadcrumbList"), "{}: {trail}", page.rel);
    let items = trail["itemListElement"].as_array().expect("a list");
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["position"], json!(i + 1), "{}: {item}", page.rel);
    }
    assert_eq!(
        items.first().map(|i| &i["item"]),
        Some(&json!(format!("{}/", built.base))),
        "{}: the trail starts at the home page",
        page.rel
    );
    assert_eq!(
        items.last().map(|i| &i["item"]),
        Some(&json!(url)),
        "{}: the trail ends at the page itself",
        page.rel
    );
    node
}

/// A location: its MedicalClinic, as its file describes it.
fn expect_location(facts: &ExampleFacts, built: &Built, page: &PageOut, doc: &Value, node: &Value) {
    let url = built.url(&page.path);
    let slug = slug_after(&page.path, "/locations/");
    let fm = &facts.locations[slug];
    let clinic = one_of_type(page, doc, "MedicalClinic");
    assert_eq!(clinic["@id"], format!("{url}#location"), "{}", page.rel);
    assert_eq!(clinic["name"], fm["title"], "{}", page.rel);
    assert_eq!(clinic["url"], url.as_str(), "{}", page.rel);
    expect_address(page, &clinic["address"], &fm["address"]);
    assert_eq!(clinic["geo"]["@type"], "GeoCoordinates", "{}", page.rel);
    assert_eq!(clinic["geo"]["latitude"], fm["geo"]["lat"], "{}", page.rel);
    assert_eq!(clinic["geo"]["longitude"], fm["geo"]["lng"], "{}", page.rel);
    let specs = as_list(&clinic["openingHoursSpecification"]);
    let hours = fm["hours"]
        .as_array()
        .expect("example locations have hours");
    assert_eq!(specs.len(), hours.len(), "{}: opening hours", page.rel);
    for (spec, h) in specs.iter().zip(hours) {
        assert_eq!(spec["@type"], "OpeningHoursSpecification");
        let days: Vec<String> = h["days"]
            .as_array()
            .expect("days")
            .iter()
            .map(|d| {
                let code = d.as_str().expect("a day code");
                let full = DAYS
                    .iter()
                    .find(|n| n.starts_with(code))
                    .expect("a known day");
                format!("https://schema.org/{full}")
            })
            .collect();
        assert_eq!(spec["dayOfWeek"], json!(days), "{}", page.rel);
        assert_eq!(spec["opens"], h["opens"], "{}", page.rel);
        assert_eq!(spec["closes"], h["closes"], "{}", page.rel);
    }
    assert_eq!(
        clinic["telephone"].as_str(),
        fm_str(fm, "phone").map(e164).as_deref(),
        "{}: clinic telephone",
        page.rel
    );
    assert_eq!(
        clinic["faxNumber"].as_str(),
        fm_str(fm, "fax").map(e164).as_deref(),
        "{}: clinic faxNumber",
        page.rel
    );
    assert_eq!(
        clinic["parentOrganization"]["@id"],
        built.org_id().as_str(),
        "{}",
        page.rel
    );
    let here: Vec<&str> = facts
        .services
        .iter()
        .filter(|(_, s)| {
            s["locations"]
                .as_array()
                .is_some_and(|l| l.iter().any(|x| x == slug))
        })
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        str_set(as_list(&clinic["medicalSpecialty"])),
        facts.specialties_of(&here),
        "{}: medicalSpecialty of the services offered at {slug} ({here:?})",
        page.rel
    );
    assert_eq!(node["about"]["@id"], clinic["@id"], "{}", page.rel);
}

/// An event: its EducationEvent says when (on the event's clock, with its
/// offset), where (the location's address, the online address), who
/// organizes it, where to register and which service lines it is about,
/// as its file does.
fn expect_event(facts: &ExampleFacts, built: &Built, page: &PageOut, doc: &Value, node: &Value) {
    let url = built.url(&page.path);
    let slug = slug_after(&page.path, "/events/");
    let fm = &section(&built.site, "events")[slug];
    let event = one_of_type(page, doc, "EducationEvent");
    let at = &page.rel;
    assert_eq!(event["@id"], format!("{url}#event"), "{at}");
    assert_eq!(node["about"]["@id"], event["@id"], "{at}");
    assert_eq!(event["name"], fm["title"], "{at}");
    assert_eq!(event["url"], url.as_str(), "{at}");
    assert_eq!(event["startDate"], fm["starts"], "{at}");
    assert_eq!(event["endDate"], fm["ends"], "{at}");
    assert_eq!(event["organizer"]["@id"], built.org_id().as_str(), "{at}");
    assert_eq!(event["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        event["offers"]["url"].as_str(),
        fm_str(fm, "registration"),
        "{at}: registration"
    );
    assert_eq!(
        event["audience"]["audienceType"].as_str(),
        fm_str(fm, "audience"),
        "{at}"
    );
    let places = as_list(&event["location"]);
    let place = places.iter().find(|p| p["@type"] == "Place");
    let online = places.iter().find(|p| p["@type"] == "VirtualLocation");
    match fm_str(fm, "location") {
        Some(id) => {
            let place = place.unwrap_or_else(|| panic!("{at}: no Place for `{id}`"));
            let location = &facts.locations[id];
            assert_eq!(place["name"], location["title"], "{at}");
            expect_address(page, &place["address"], &location["address"]);
        }
        None => assert!(place.is_none(), "{at}: a Place without `location`"),
    }
    assert_eq!(
        online.and_then(|o| o["url"].as_str()),
        fm_str(fm, "online"),
        "{at}: VirtualLocation"
    );
    let mode = match (place.is_some(), online.is_some()) {
        (true, true) => "MixedEventAttendanceMode",
        (false, true) => "OnlineEventAttendanceMode",
        _ => "OfflineEventAttendanceMode",
    };
    assert_eq!(
        event["eventAttendanceMode"],
        format!("https://schema.org/{mode}"),
        "{at}"
    );
    let services: BTreeSet<String> = fm["services"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| facts.services[s.as_str().expect("a service id")]["title"].to_string())
        .collect();
    let about: BTreeSet<String> = as_list(&event["about"])
        .iter()
        .map(|s| s["name"].to_string())
        .collect();
    assert_eq!(about, services, "{at}: about");
}

/// The referral line of a service line at a location, from the files: its
/// `referring.by_location` entry, else the location's `referral_phone` /
/// `referral_fax`, else the service line's, else the practice's.
fn line_at(facts: &ExampleFacts, service: &str, location: &str, key: &str) -> Option<String> {
    let referring = &facts.services[service]["referring"];
    let at = format!("referral_{key}");
    fm_str(&referring["by_location"][location], key)
        .or_else(|| fm_str(&facts.locations[location], &at))
        .or_else(|| fm_str(referring, key))
        .map(e164)
        .or(if key == "phone" {
            facts.org_phone.clone()
        } else {
            facts.org_fax.clone()
        })
}

/// A service line at one location: a medical page about the location's
/// clinic (the same `@id` as on the location's page), which offers the
/// service line as a `MedicalTherapy`, has only its specialty, and carries
/// the referral line there as its `ContactPoint`.
fn expect_service_location(
    facts: &ExampleFacts,
    built: &Built,
    page: &PageOut,
    doc: &Value,
    node: &Value,
) {
    let service = slug_after(&page.path, "/services/");
    let location = slug_after(&page.path, &format!("/services/{service}/"));
    expect_medical_web_page(facts, page, node, service, &["Clinician", "Patient"]);
    let clinic = one_of_type(page, doc, "MedicalClinic");
    let clinic_url = built.url(&format!("/locations/{location}/"));
    assert_eq!(
        clinic["@id"],
        format!("{clinic_url}#location"),
        "{}",
        page.rel
    );
    assert_eq!(node["about"]["@id"], clinic["@id"], "{}", page.rel);
    assert_eq!(
        clinic["name"], facts.locations[location]["title"],
        "{}",
        page.rel
    );
    assert_eq!(
        clinic["parentOrganization"]["@id"],
        built.org_id().as_str(),
        "{}",
        page.rel
    );
    let specialty = facts.specialty_url(service).expect("a specialty");
    assert_eq!(
        str_set(as_list(&clinic["medicalSpecialty"])),
        BTreeSet::from([specialty.clone()]),
        "{}: only this service line's specialty",
        page.rel
    );
    let offered = &clinic["availableService"];
    assert_eq!(
        offered["@type"], "MedicalTherapy",
        "{}: {offered}",
        page.rel
    );
    assert_eq!(
        offered["name"], facts.services[service]["title"],
        "{}",
        page.rel
    );
    assert_eq!(
        offered["relevantSpecialty"],
        specialty.as_str(),
        "{}",
        page.rel
    );
    let points = as_list(&clinic["contactPoint"]);
    assert_eq!(
        points.len(),
        1,
        "{}: one referral line
{clinic:#}",
        page.rel
    );
    let point = points[0];
    assert_eq!(point["contactType"], "physician referrals", "{}", page.rel);
    for (schema, key) in [("telephone", "phone"), ("faxNumber", "fax")] {
        assert_eq!(
            point[schema].as_str().map(str::to_owned),
            line_at(facts, service, location, key),
            "{}: the referral line's {schema} there",
            page.rel
        );
    }
}

/// A physician: specialties of their services, addresses of their locations.
fn expect_physician(
    facts: &ExampleFacts,
    built: &Built,
    page: &PageOut,
    doc: &Value,
    node: &Value,
) {
    let url = built.url(&page.path);
    let slug = slug_after(&page.path, "/physicians/");
    let fm = &facts.physicians[slug];
    let doctor = one_of_type(page, doc, "Physician");
    assert_eq!(doctor["url"], url.as_str(), "{}", page.rel);
    let services: Vec<&str> = fm["services"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        str_set(as_list(&doctor["medicalSpecialty"])),
        facts.specialties_of(&services),
        "{}: medicalSpecialty",
        page.rel
    );
    let locations: Vec<&str> = fm["locations"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let addresses = as_list(&doctor["address"]);
    assert_eq!(addresses.len(), locations.len(), "{}: address", page.rel);
    for (addr, loc) in addresses.iter().zip(&locations) {
        expect_address(page, addr, &facts.locations[*loc]["address"]);
    }
    assert_eq!(
        doctor["isAcceptingNewPatients"], fm["accepting_new_patients"],
        "{}: isAcceptingNewPatients",
        page.rel
    );
    assert_eq!(node["about"]["@id"], doctor["@id"], "{}", page.rel);
}

/// A referral reason: a medical page of its service, an FAQ exactly when it
/// has questions.
fn expect_referral(facts: &ExampleFacts, page: &PageOut, org: &Value, node: &Value) {
    let slug = slug_after(&page.path, "/referrals/");
    let fm = &facts.referrals[slug];
    let service = fm["service"]
        .as_str()
        .expect("a referral names its service");
    let audience: &[&str] = match fm["audience"].as_str().unwrap_or("both") {
        "clinician" => &["Clinician"],
        "patient" => &["Patient"],
        _ => &["Clinician", "Patient"],
    };
    expect_medical_web_page(facts, page, node, service, audience);
    expect_contact_point(facts, page, org, service);
    let faq = fm["faq"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        has_type(node, "FAQPage"),
        !faq.is_empty(),
        "{}: FAQPage exactly when the reason has an faq",
        page.rel
    );
    let questions = as_list(&node["mainEntity"]);
    assert_eq!(questions.len(), faq.len(), "{}: mainEntity", page.rel);
    for (q, f) in questions.iter().zip(&faq) {
        assert_eq!(q["@type"], "Question", "{}", page.rel);
        assert_eq!(q["name"], f["q"], "{}", page.rel);
        assert_eq!(q["acceptedAnswer"]["@type"], "Answer", "{}", page.rel);
        // What the text holds (the Markdown source, or its HTML)
        // is the business of `faq_answers_in_json_ld_are_not_raw_markdown`.
        assert!(
            q["acceptedAnswer"]["text"].is_string(),
            "{}: an answer without text",
            page.rel
        );
    }
}

/// A clinical trial: a `MedicalTrial` as its file describes it, run by the
/// practice at its locations.
fn expect_trial(facts: &ExampleFacts, built: &Built, page: &PageOut, doc: &Value, node: &Value) {
    let url = built.url(&page.path);
    let slug = slug_after(&page.path, "/trials/");
    let trials = section(&built.site, "trials");
    let fm = &trials[slug];
    let trial = one_of_type(page, doc, "MedicalTrial");
    assert_eq!(trial["@id"], format!("{url}#trial"), "{}", page.rel);
    assert_eq!(trial["name"], fm["title"], "{}", page.rel);
    assert_eq!(trial["url"], url.as_str(), "{}", page.rel);
    let nct = fm_str(fm, "nct_id").expect("example trials have an NCT number");
    assert_eq!(trial["identifier"], nct, "{}", page.rel);
    assert_eq!(
        trial["sameAs"],
        format!("https://clinicaltrials.gov/study/{nct}"),
        "{}",
        page.rel
    );
    let status = match fm_str(fm, "status").map(str::to_lowercase).as_deref() {
        Some("recruiting") => "Recruiting",
        Some("active, not recruiting") => "ActiveNotRecruiting",
        Some("completed") => "Completed",
        other => panic!(
            "{}: an example status {other:?} this test does not know",
            page.rel
        ),
    };
    assert_eq!(
        trial["status"],
        format!("https://schema.org/{status}"),
        "{}",
        page.rel
    );
    assert_eq!(
        trial["sponsor"]["@id"],
        built.org_id().as_str(),
        "{}",
        page.rel
    );
    let locations: Vec<&str> = fm["locations"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let places = as_list(&trial["studyLocation"]);
    assert_eq!(places.len(), locations.len(), "{}: studyLocation", page.rel);
    for (place, loc) in places.iter().zip(&locations) {
        assert_eq!(
            place["name"], facts.locations[*loc]["title"],
            "{}",
            page.rel
        );
        expect_address(page, &place["address"], &facts.locations[*loc]["address"]);
    }
    let services: Vec<&str> = fm["services"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        str_set(as_list(&trial["relevantSpecialty"])),
        facts.specialties_of(&services),
        "{}: relevantSpecialty",
        page.rel
    );
    assert_eq!(node["about"]["@id"], trial["@id"], "{}", page.rel);
}

/// The checker above must itself catch what it is there to catch.
#[test]
fn the_vocabulary_check_rejects_what_schema_org_does_not_define() {
    let org = "https://x.example/#organization";
    let ok = json!({"@context": "https://schema.org", "@graph": [
        {"@id": org, "@type": "MedicalOrganization", "name": "X", "telephone": "+15550100100"},
        {"@id": "https://x.example/#webpage", "@type": "WebPage", "publisher": {"@id": org},
         "breadcrumb": {"@id": "https://x.example/#breadcrumb"}},
        {"@id": "https://x.example/#breadcrumb", "@type": "BreadcrumbList",
         "itemListElement": [{"@type": "ListItem", "position": 1, "item": "https://x.example/", "name": "Home"}]}
    ]});
    assert_eq!(vocabulary_problems(&ok, org), Vec::<String>::new());
    let bad = [
        // a type schema.org does not have
        json!({"@id": org, "@type": "MedicalPractice", "name": "X"}),
        // a Place property on an organization that is not a Place
        json!({"@id": org, "@type": "MedicalOrganization", "geo": {"@type": "GeoCoordinates", "latitude": 1.0, "longitude": 2.0}}),
        // a misspelt property
        json!({"@id": org, "@type": "MedicalOrganization", "telephoneNumber": "+15550100100"}),
        // not E.164
        json!({"@id": org, "@type": "MedicalOrganization", "telephone": "(555) 010-0100"}),
        // empty values
        json!({"@id": org, "@type": "MedicalOrganization", "name": ""}),
        json!({"@id": org, "@type": "MedicalOrganization", "sameAs": []}),
        json!({"@id": org, "@type": "MedicalOrganization", "email": null}),
        // a dangling reference
        json!({"@id": "https://x.example/#webpage", "@type": "WebPage", "about": {"@id": "https://x.example/#nothing"}}),
        // a specialty that is not a MedicalSpecialty member, a day that is not a day
        json!({"@id": org, "@type": "MedicalClinic", "medicalSpecialty": "https://schema.org/Oncology"}),
        json!({"@id": org, "@type": "MedicalClinic", "openingHoursSpecification": [{"@type": "OpeningHoursSpecification", "dayOfWeek": ["Mo"]}]}),
        // the wrong kind of embedded node
        json!({"@id": org, "@type": "MedicalClinic", "address": {"@type": "GeoCoordinates", "latitude": 1.0, "longitude": 2.0}}),
        // an event's time without its offset, a mode that is not a member,
        // a location that is an address, a free-text MedicalAudience
        json!({"@id": "https://x.example/e/#event", "@type": "EducationEvent", "startDate": "2026-03-14T18:00:00"}),
        json!({"@id": "https://x.example/e/#event", "@type": "EducationEvent", "eventAttendanceMode": "https://schema.org/InPerson"}),
        json!({"@id": "https://x.example/e/#event", "@type": "EducationEvent", "location": {"@type": "PostalAddress", "streetAddress": "1 Main St"}}),
        json!({"@id": "https://x.example/#webpage", "@type": "WebPage", "audience": {"@type": "MedicalAudience", "audienceType": "Office managers"}}),
        // a trial: a status that is not a MedicalStudyStatus, `phase` (in
        // schema.org's attic), an identifier that is not an NCT number, a
        // clinic where schema.org takes an AdministrativeArea
        json!({"@id": "https://x.example/t/#trial", "@type": "MedicalTrial", "name": "T", "status": "https://schema.org/Open"}),
        json!({"@id": "https://x.example/t/#trial", "@type": "MedicalTrial", "name": "T", "phase": "Phase 2"}),
        json!({"@id": "https://x.example/t/#trial", "@type": "MedicalTrial", "name": "T", "identifier": "NCT123"}),
        json!({"@id": "https://x.example/t/#trial", "@type": "MedicalTrial", "name": "T", "studyLocation": {"@type": "MedicalClinic", "name": "C"}}),
    ];
    for node in bad {
        let doc = json!({"@context": "https://schema.org", "@graph": [node]});
        assert!(
            !vocabulary_problems(&doc, org).is_empty(),
            "the check let this through: {node}"
        );
    }
}

/// schema.org `Answer.text` is text or HTML: search engines show it as is in
/// FAQ rich results. FAQ answers are written in inline Markdown (SPEC §5), so
/// a link typed `[Downtown location](/locations/downtown/)` must reach the
/// JSON-LD as a link or as its words, never as Markdown source.
#[test]
fn faq_answers_in_json_ld_are_not_raw_markdown() {
    let built = Built::new(SiteTest::example(), &[]);
    let facts = ExampleFacts::read(&built.site);
    let mut with_links = 0;
    let mut found = Vec::new();
    for (slug, fm) in &facts.referrals {
        let faq = fm["faq"].as_array().cloned().unwrap_or_default();
        with_links += faq
            .iter()
            .filter(|f| f["a"].as_str().is_some_and(|a| a.contains("](")))
            .count();
        if faq.is_empty() {
            continue;
        }
        let path = format!("/referrals/{slug}/");
        let page = built.page(&path);
        let doc = jsonld(page);
        for q in as_list(&page_node(page, &doc)["mainEntity"]) {
            let text = q["acceptedAnswer"]["text"].as_str().unwrap_or_default();
            if text.contains("](") {
                found.push(format!("{path}: {text}"));
            }
        }
    }
    assert!(
        with_links > 0,
        "no FAQ answer of the example has a Markdown link: the test proves nothing"
    );
    assert!(
        found.is_empty(),
        "Markdown source in the JSON-LD Answer.text ({} answers):\n  {}",
        found.len(),
        found.join("\n  ")
    );
}

#[test]
fn graphs_of_one_page_per_kind_match_their_snapshots() {
    let built = Built::new(SiteTest::example(), &[]);
    for (name, path) in [
        ("home", "/"),
        ("service", "/services/medical-oncology/"),
        ("refer", "/services/medical-oncology/refer/"),
        ("referral_with_faq", "/referrals/lung-nodule-evaluation/"),
        ("location", "/locations/downtown/"),
        ("physician", "/physicians/ana-ruiz/"),
        ("event", "/events/thoracic-tumor-board-cme-evening/"),
        ("trial", "/trials/neoadjuvant-immunotherapy-lung/"),
        ("service_location", "/services/thoracic-oncology/northside/"),
    ] {
        let doc = jsonld(built.page(path));
        insta::assert_json_snapshot!(format!("jsonld_{name}"), doc);
    }
}
