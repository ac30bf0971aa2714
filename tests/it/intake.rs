//! `handoff intake`: the backend's setup sheet. What the browser really
//! sends is compared with the sheet in `fakes`; here, the sheet itself:
//! a snapshot per backend, its agreement with the JSON Schema and the form
//! markup, and what `[intake.field_names]` changes.

use std::collections::BTreeSet;

use scraper::{Html, Selector};
use serde_json::Value;

use crate::support::SiteTest;

const BACKENDS: [&str; 6] = [
    "webhook-form",
    "webhook-json",
    "formspree",
    "netlify",
    "hubspot",
    "salesforce",
];

fn sheet(site: &SiteTest) -> Value {
    let out = site.intake(&["--format", "json"]);
    out.expect_success();
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", out.stdout))
}

fn form<'v>(sheet: &'v Value, kind: &str) -> &'v Value {
    sheet["forms"]
        .as_array()
        .and_then(|forms| forms.iter().find(|f| f["form"] == kind))
        .unwrap_or_else(|| panic!("the sheet has no {kind} form: {sheet}"))
}

fn names(form: &Value) -> BTreeSet<String> {
    form["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_owned())
        .collect()
}

#[test]
fn the_human_sheet_of_each_backend() {
    for case in BACKENDS {
        let site = SiteTest::fixture(&format!("forms/{case}"));
        let out = site.intake(&[]);
        out.expect_success();
        insta::assert_snapshot!(format!("human_{case}"), out.stdout);
    }
}

/// A backend that keeps every name receives the canonical payload: the
/// sheet lists exactly the JSON Schema's properties.
#[test]
fn a_webhook_sheet_lists_the_schema_properties() {
    let site = SiteTest::fixture("forms/webhook-form");
    site.build(&[]).expect_success();
    let sheet = sheet(&site);
    for kind in ["referral", "appointment", "updates"] {
        let schema: Value =
            serde_json::from_str(&site.read(&format!("public/forms/{kind}.schema.json")))
                .expect("schema");
        let properties: BTreeSet<String> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        let form = form(&sheet, kind);
        assert_eq!(names(form), properties, "{kind}");
        assert_eq!(
            form["schema"],
            format!("https://www.riverside-heart.example/forms/{kind}.schema.json")
        );
    }
}

/// HubSpot receives contact properties only; everything else is a line of
/// `message`, and every canonical field arrives one way or the other.
#[test]
fn a_hubspot_sheet_holds_properties_and_a_digest() {
    let site = SiteTest::fixture("forms/hubspot");
    let sheet = sheet(&site);
    let webhook = self::sheet(&SiteTest::fixture("forms/webhook-form"));
    let form_of = form;
    for kind in ["referral", "appointment", "updates"] {
        let form = form(&sheet, kind);
        for f in form["fields"].as_array().expect("fields") {
            assert_eq!(f["standard"], true, "{kind}: {f}");
        }
        let mut carried: BTreeSet<String> = BTreeSet::new();
        for f in form["fields"].as_array().expect("fields") {
            for c in f["carries"].as_array().expect("carries") {
                carried.insert(c.as_str().expect("str").to_owned());
            }
        }
        // Every canonical field (as the webhook fixture, which keeps every
        // name, receives it) but the honeypot, which stops in the browser.
        let canonical: BTreeSet<String> = names(form_of(&webhook, kind))
            .into_iter()
            .filter(|n| n != "website")
            .collect();
        assert_eq!(carried, canonical, "{kind}: what reaches HubSpot");
        assert_eq!(form["digest"]["name"], "message");
        assert_eq!(form["needs_script"], true);
    }
}

/// A value mapped to a custom property leaves the digest, is sent under
/// that name and appears among the properties to create.
#[test]
fn a_mapped_custom_property_is_to_be_created() {
    let site = SiteTest::fixture("forms/hubspot");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        &toml.replace(
            "[intake.field_names]\n",
            "[intake.field_names]\nurgency = \"referral_urgency\"\n",
        ),
    );
    let sheet = sheet(&site);
    let form = form(&sheet, "referral");
    assert!(names(form).contains("referral_urgency"), "{form}");
    let create = form["create"].as_array().expect("create");
    assert_eq!(create.len(), 1, "{form}");
    assert_eq!(create[0]["name"], "referral_urgency");
    assert_eq!(create[0]["field_type"], "radio");
    assert!(
        !form["digest"]["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .any(|l| l["canonical"] == "urgency"),
        "urgency still goes to the digest: {form}"
    );
    site.build(&[]).expect_success();
    let page = Html::parse_document(&site.read("public/services/cardiology/refer/index.html"));
    let radios = Selector::parse("#referral-form input[name=referral_urgency]").expect("css");
    assert_eq!(
        page.select(&radios).count(),
        2,
        "the radios carry the new name"
    );
    let human = site.intake(&[]);
    human.expect_stdout_contains("Create these properties in hubspot first:");
    human.expect_stdout_contains("referral_urgency");
}

#[test]
fn without_intake_the_sheet_says_there_are_no_forms() {
    let site = SiteTest::fixture("forms/no-intake");
    let out = site.intake(&[]);
    out.expect_exit(1);
    out.expect_stderr_contains("no [intake] section");
    out.expect_stdout_empty();
}

#[test]
fn a_broken_site_toml_gives_its_findings() {
    let site = SiteTest::fixture("forms/hubspot");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        &toml.replace("backend = \"hubspot\"", "backend = \"hubspott\""),
    );
    let out = site.intake(&["--format", "json"]);
    out.expect_exit(1);
    out.expect_stderr_contains("E004");
    out.expect_stdout_empty();
}

/// The README's webhook contract lists the canonical field names of each
/// form: exactly what the webhook sheet (and the JSON Schema) names.
#[test]
fn the_readme_lists_the_canonical_field_names() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let contract = readme
        .split_once("*Canonical field names.*")
        .and_then(|(_, rest)| rest.split_once("\n\n"))
        .map(|(text, _)| text.to_owned())
        .expect("the README's webhook contract lists the canonical field names");
    let listed = |from: &str, to: &str| -> BTreeSet<String> {
        let part = contract
            .split_once(from)
            .map(|(_, rest)| rest.split_once(to).map_or(rest, |(part, _)| part))
            .unwrap_or_else(|| panic!("no `{from}` list in: {contract}"));
        part.split('`')
            .skip(1)
            .step_by(2)
            .filter(|name| !name.contains(' '))
            .map(str::to_owned)
            .collect()
    };
    let sheet = sheet(&SiteTest::fixture("forms/webhook-form"));
    for (kind, from, to) in [
        ("referral", "Referral:", "Patient fields"),
        ("appointment", "Appointment:", "Updates"),
        ("updates", "Updates", "A test"),
    ] {
        let sent: BTreeSet<String> = names(form(&sheet, kind))
            .into_iter()
            .filter(|n| n != "website")
            .collect();
        let mut readme = listed(from, to);
        // The value of `records_later`, named alongside.
        readme.retain(|n| n != "yes");
        assert_eq!(readme, sent, "{kind}: the README's list");
    }
}

/// The README's Netlify recipe is valid TOML and publishes the folder a
/// build writes by default.
#[test]
fn the_readme_netlify_recipe_publishes_the_build() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let deploy = readme
        .split_once("## Deploy")
        .map(|(_, rest)| rest)
        .expect("the README has a Deploy section");
    let recipe = deploy
        .split_once("```toml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(toml, _)| toml)
        .expect("the Deploy section has a netlify.toml");
    let parsed: toml::Table = recipe.parse().unwrap_or_else(|e| panic!("{e}\n{recipe}"));
    assert_eq!(parsed["build"]["publish"].as_str(), Some("public"));
    let command = parsed["build"]["command"]
        .as_str()
        .expect("a build command");
    assert!(
        command.contains("--locked") && command.ends_with("handoff build"),
        "{command}"
    );
    let preview = parsed["context"]["deploy-preview"]["command"]
        .as_str()
        .expect("a deploy-preview command");
    assert!(
        preview.contains("--base-url \"$DEPLOY_PRIME_URL\""),
        "{preview}"
    );
}
