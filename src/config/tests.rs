use super::*;

const MINIMAL: &str = "title = \"Clinic\"\nbase_url = \"https://www.clinic.example/\"\n";
const PRIVACY: &str = "[organization]\nprivacy_policy = \"/privacy/\"\n";

#[test]
fn minimal_config_gets_documented_defaults() {
    let c = parse(MINIMAL).unwrap();
    assert_eq!(c.base_url.as_str(), "https://www.clinic.example");
    assert_eq!(c.theme, "clinic");
    assert_eq!(c.language, "en-US");
    assert_eq!(c.organization.name, "Clinic");
    assert_eq!(c.build, BuildConfig::default());
    assert_eq!(c.serve.port, 1111);
    assert!(c.intake.is_none());
}

fn codes(text: &str) -> Vec<(&'static str, Option<usize>, Option<String>)> {
    parse(text)
        .unwrap_err()
        .iter()
        .map(|d| (d.code.as_str(), d.span.map(|s| s.line), d.hint.clone()))
        .collect()
}

#[test]
fn unknown_key_gets_a_did_you_mean_hint() {
    let found = codes("titel = \"x\"\nbase_url = \"https://a.example\"\n");
    assert_eq!(found[0].0, "E002");
    assert_eq!(found[0].1, Some(1));
    assert_eq!(found[0].2.as_deref(), Some("did you mean `title`?"));
}

#[test]
fn base_url_must_be_https_and_present() {
    assert_eq!(
        codes("title = \"x\"\nbase_url = \"http://a.example\"\n")[0].0,
        "E004"
    );
    assert_eq!(codes("title = \"x\"\n")[0].0, "E003");
    assert_eq!(
        codes("title = \"x\"\nbase_url = \"/relative\"\n")[0].0,
        "E004"
    );
}

#[test]
fn intake_guardrails() {
    let with = |intake: &str| format!("{MINIMAL}{PRIVACY}[intake]\n{intake}\n");
    assert_eq!(
        codes(&with(
            "backend = \"webhook\"\nendpoint = \"http://intake.example/x\""
        ))[0]
            .0,
        "E004"
    );
    assert_eq!(codes(&with("backend = \"formspree\""))[0].0, "E003");
    assert_eq!(
        codes(&with("backend = \"netlify\"\nphi_ok = true"))[0].0,
        "E004"
    );
    assert_eq!(
        codes(&with(
            "backend = \"webhok\"\nendpoint = \"https://a.example\""
        ))[0]
            .2
            .as_deref(),
        Some("did you mean `webhook`?")
    );
    let ok = parse(&with(
        "backend = \"webhook\"\nendpoint = \"https://intake.example/v1\"\nphi_ok = true",
    ))
    .unwrap();
    assert!(ok.intake.unwrap().phi_ok);
}

#[test]
fn bad_toml_is_a_positioned_finding() {
    let found = codes("title = \"x\nbase_url = 1\n");
    assert_eq!(found[0].0, "E001");
    assert_eq!(found[0].1, Some(1));
}
