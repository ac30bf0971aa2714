//! An outside reader of the structured data: the `extruct` Python package,
//! which nobody here wrote, reads the organization, clinic, breadcrumbs and
//! Open Graph of built pages, and hostile text back as typed.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::{SiteTest, repo_root};

use super::built::Built;
use super::facts::{ExampleFacts, e164, fm_str, front_matter};

/// The virtualenv Python with extruct: `$HANDOFF_PYTHON`, else
/// `target/pyenv/bin/python`, which `scripts/test` creates.
fn python() -> PathBuf {
    let python = std::env::var_os("HANDOFF_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/pyenv/bin/python"));
    let setup = "run `scripts/test` (it creates it), or: python3 -m venv target/pyenv && \
                 target/pyenv/bin/pip install -r tests/schemas/requirements.txt";
    assert!(
        python.is_file(),
        "no Python with extruct at {} (HANDOFF_PYTHON): {setup}",
        python.display()
    );
    let check = Command::new(&python)
        .args(["-c", "import extruct"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {setup}", python.display()));
    assert!(
        check.status.success(),
        "{} cannot import extruct: {}\n{setup}",
        python.display(),
        String::from_utf8_lossy(&check.stderr)
    );
    python
}

/// What extruct reads from one built page: `{"json-ld": […], "opengraph": […]}`.
fn extruct(built: &Built, path: &str) -> Value {
    let page = built.page(path);
    let file = built.site.public().join(&page.rel);
    let script = repo_root().join("tests/schemas/extract.py");
    let out = Command::new(python())
        .arg(&script)
        .arg(&file)
        .arg(built.url(path))
        .output()
        .expect("cannot run the extruct script");
    assert!(
        out.status.success(),
        "extruct failed on {}:\n{}",
        page.rel,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the extruct script printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The nodes of the one JSON-LD document extruct found.
fn extruct_graph(found: &Value, path: &str) -> Vec<Value> {
    let docs = found["json-ld"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: extruct found no json-ld: {found:#}"));
    assert_eq!(
        docs.len(),
        1,
        "{path}: extruct found {} JSON-LD documents",
        docs.len()
    );
    assert_eq!(docs[0]["@context"], "https://schema.org", "{path}");
    docs[0]["@graph"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{path}: no @graph: {found:#}"))
}

#[test]
fn extruct_reads_the_organization_clinic_and_breadcrumbs() {
    let built = Built::new(SiteTest::example(), &[]);
    let facts = ExampleFacts::read(&built.site);
    let downtown = &facts.locations["downtown"];
    for path in ["/", "/locations/downtown/", "/services/medical-oncology/"] {
        let found = extruct(&built, path);
        let nodes = extruct_graph(&found, path);
        let org = nodes
            .iter()
            .find(|n| n["@id"] == built.org_id())
            .unwrap_or_else(|| panic!("{path}: extruct found no organization"));
        assert_eq!(org["@type"], facts.org_type.as_str(), "{path}");
        assert_eq!(org["name"], facts.org_name.as_str(), "{path}");
        assert_eq!(
            org["telephone"].as_str(),
            facts.org_phone.as_deref(),
            "{path}"
        );
        let trail = nodes
            .iter()
            .find(|n| n["@type"] == "BreadcrumbList")
            .unwrap_or_else(|| panic!("{path}: extruct found no BreadcrumbList"));
        let items = trail["itemListElement"].as_array().expect("items");
        assert_eq!(
            items.last().map(|i| &i["item"]),
            Some(&json!(built.url(path))),
            "{path}: the trail ends at the page"
        );
        // Open Graph, read by the same outside parser.
        let og = found["opengraph"]
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or_else(|| panic!("{path}: extruct found no Open Graph: {found:#}"));
        assert_eq!(og["og:url"], built.url(path).as_str(), "{path}: og:url");
        if path == "/locations/downtown/" {
            let clinic = nodes
                .iter()
                .find(|n| n["@type"] == "MedicalClinic")
                .unwrap_or_else(|| panic!("{path}: extruct found no MedicalClinic"));
            assert_eq!(clinic["name"], downtown["title"], "{path}");
            assert_eq!(
                clinic["address"]["streetAddress"], downtown["address"]["street"],
                "{path}"
            );
            assert_eq!(
                clinic["address"]["postalCode"], downtown["address"]["postal_code"],
                "{path}"
            );
            assert_eq!(
                clinic["telephone"].as_str(),
                fm_str(downtown, "phone").map(e164).as_deref(),
                "{path}"
            );
            assert_eq!(clinic["parentOrganization"]["@id"], built.org_id().as_str());
            assert_eq!(og["og:title"], downtown["title"], "{path}: og:title");
        }
    }
}

/// An event page: extruct reads the EducationEvent with its times (and
/// their offset), place, registration and organizer.
#[test]
fn extruct_reads_an_event() {
    let built = Built::new(SiteTest::example(), &[]);
    let facts = ExampleFacts::read(&built.site);
    let path = "/events/thoracic-tumor-board-cme-evening/";
    let fm = front_matter(&built.site, "events/thoracic-tumor-board-cme-evening.md");
    let nodes = extruct_graph(&extruct(&built, path), path);
    let event = nodes
        .iter()
        .find(|n| n["@type"] == "EducationEvent")
        .unwrap_or_else(|| panic!("{path}: extruct found no EducationEvent: {nodes:#?}"));
    assert_eq!(event["name"], fm["title"]);
    assert_eq!(event["startDate"], "2027-02-18T18:00:00-08:00");
    assert_eq!(event["startDate"], fm["starts"]);
    assert_eq!(event["endDate"], fm["ends"]);
    assert_eq!(event["offers"]["url"], fm["registration"]);
    assert_eq!(event["organizer"]["@id"], built.org_id().as_str());
    let downtown = &facts.locations["downtown"];
    let place = event["location"]
        .as_array()
        .and_then(|l| l.iter().find(|p| p["@type"] == "Place"))
        .unwrap_or_else(|| panic!("{path}: no Place: {event:#}"));
    assert_eq!(
        place["address"]["streetAddress"],
        downtown["address"]["street"]
    );
    assert_eq!(
        event["eventAttendanceMode"],
        "https://schema.org/MixedEventAttendanceMode"
    );
}

/// Availability as an outside parser reads it: the service line that
/// provides electrophysiology takes new patients, and offers telehealth.
#[test]
fn extruct_reads_availability_and_telehealth() {
    let built = Built::new(SiteTest::example(), &[]);
    let path = "/services/electrophysiology/";
    let fm = front_matter(&built.site, "services/electrophysiology.md");
    assert_eq!(fm["availability"]["accepting_new_patients"], json!(true));
    assert_eq!(fm["availability"]["telehealth"], json!(true));
    let nodes = extruct_graph(&extruct(&built, path), path);
    let url = built.url(path);
    let service = nodes
        .iter()
        .find(|n| n["@type"] == "Service")
        .unwrap_or_else(|| panic!("{path}: extruct found no Service"));
    let provider_id = service["provider"]["@id"]
        .as_str()
        .expect("a provider reference");
    let provider = nodes
        .iter()
        .find(|n| n["@id"] == provider_id)
        .unwrap_or_else(|| panic!("{path}: the provider {provider_id} is not in the graph"));
    assert_eq!(provider["@type"], "MedicalOrganization");
    assert_eq!(provider["isAcceptingNewPatients"], json!(true));
    assert_eq!(
        provider["parentOrganization"]["@id"],
        built.org_id().as_str()
    );
    let channel = &service["availableChannel"][0];
    assert_eq!(channel["@type"], "ServiceChannel", "{service:#}");
    assert_eq!(channel["@id"], format!("{url}#telehealth"));
}

/// A clinical trial's `MedicalTrial`, read back by extruct: its registry
/// number, its record, its status as a `MedicalStudyStatus` and the
/// practice as its sponsor.
#[test]
fn extruct_reads_a_clinical_trial() {
    let built = Built::new(SiteTest::example(), &[]);
    let path = "/trials/neoadjuvant-immunotherapy-lung/";
    let fm = front_matter(&built.site, "trials/neoadjuvant-immunotherapy-lung.md");
    let nodes = extruct_graph(&extruct(&built, path), path);
    let trial = nodes
        .iter()
        .find(|n| n["@type"] == "MedicalTrial")
        .unwrap_or_else(|| panic!("{path}: extruct found no MedicalTrial: {nodes:#?}"));
    assert_eq!(trial["name"], fm["title"]);
    assert_eq!(trial["identifier"], fm["nct_id"]);
    assert_eq!(
        trial["sameAs"],
        format!(
            "https://clinicaltrials.gov/study/{}",
            fm_str(&fm, "nct_id").unwrap()
        )
    );
    assert_eq!(trial["status"], "https://schema.org/Recruiting");
    assert_eq!(trial["sponsor"]["@id"], built.org_id().as_str());
    assert_eq!(trial["studyLocation"][0]["@type"], "AdministrativeArea");
    assert_eq!(trial["studyLocation"][0]["name"], "Downtown Cancer Center");
    let page = nodes
        .iter()
        .find(|n| n["@type"] == "MedicalWebPage")
        .unwrap_or_else(|| panic!("{path}: extruct found no MedicalWebPage"));
    assert_eq!(page["about"]["@id"], trial["@id"]);
}

/// A service line's page at a location: extruct reads the clinic, the
/// service line it offers and the referral line there (the example's
/// thoracic oncology at Northside has its own, `referring.by_location`).
#[test]
fn extruct_reads_a_service_line_at_a_location() {
    let built = Built::new(SiteTest::example(), &[]);
    let facts = ExampleFacts::read(&built.site);
    let path = "/services/thoracic-oncology/northside/";
    let line = &facts.services["thoracic-oncology"]["referring"]["by_location"]["northside"];
    let nodes = extruct_graph(&extruct(&built, path), path);
    let clinic = nodes
        .iter()
        .find(|n| n["@type"] == "MedicalClinic")
        .unwrap_or_else(|| panic!("{path}: extruct found no MedicalClinic"));
    assert_eq!(clinic["name"], facts.locations["northside"]["title"]);
    assert_eq!(clinic["parentOrganization"]["@id"], built.org_id().as_str());
    assert_eq!(clinic["availableService"]["@type"], "MedicalTherapy");
    assert_eq!(
        clinic["availableService"]["name"],
        facts.services["thoracic-oncology"]["title"]
    );
    let point = &clinic["contactPoint"][0];
    assert_eq!(point["@type"], "ContactPoint");
    assert_eq!(
        point["telephone"].as_str(),
        fm_str(line, "phone").map(e164).as_deref(),
        "the line at Northside, not the service line's"
    );
    assert_eq!(
        point["faxNumber"].as_str(),
        fm_str(line, "fax").map(e164).as_deref()
    );
}

#[test]
fn extruct_reads_hostile_text_back_as_typed() {
    let built = Built::new(SiteTest::fixture("structured/xss"), &[]);
    let about = front_matter(&built.site, "about.md");
    let found = extruct(&built, "/about/");
    let nodes = extruct_graph(&found, "/about/");
    let page = nodes
        .iter()
        .find(|n| n["@id"] == format!("{}/about/#webpage", built.base))
        .expect("the page node");
    assert_eq!(page["name"], about["title"]);
    assert_eq!(page["description"], about["description"]);
    let og = &found["opengraph"][0];
    assert_eq!(og["og:title"], about["title"], "og:title read by extruct");
}
