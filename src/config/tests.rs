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

/// Every key a backend's profile reads is an `[intake]` key of site.toml.
#[test]
fn every_backend_key_is_an_intake_key() {
    let raw: raw::RawConfig = toml::from_str(
        "[intake]\nendpoint = \"e\"\nform_id = \"f\"\nportal_id = \"p\"\noid = \"o\"\n\
         form_guids = { referral = \"r\", appointment = \"a\" }\n",
    )
    .unwrap();
    let intake = raw.intake.unwrap();
    for b in crate::forms::backend::Backend::ALL {
        for key in b.profile().keys {
            assert!(
                intake.account_value(key.name).is_some(),
                "the {} backend reads `{}`, which `[intake]` does not have",
                b.name(),
                key.name
            );
        }
    }
}

#[test]
fn backend_account_keys() {
    let with = |intake: &str| format!("{MINIMAL}{PRIVACY}[intake]\n{intake}\n");
    let hubspot = codes(&with("backend = \"hubspot\""));
    assert_eq!(
        hubspot.len(),
        1,
        "one finding for the first missing key: {hubspot:?}"
    );
    assert_eq!(
        hubspot[0].2.as_deref(),
        Some("add `portal_id = \"…\"` from your hubspot account")
    );
    let guids = codes(&with(
        "backend = \"hubspot\"\nportal_id = \"1\"\nform_guids = { referral = \"r\" }",
    ));
    assert_eq!(guids.len(), 1, "{guids:?}");
    assert_eq!(guids[0].0, "E003");
    let c = parse(&with("backend = \"salesforce\"\noid = \"00D\"")).unwrap();
    let intake = c.intake.unwrap();
    assert_eq!(
        intake.account.endpoint(),
        Some("https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8")
    );
    assert_eq!(intake.account.get("oid"), Some("00D"));
    // A bad endpoint and a missing oid: both found.
    let both = codes(&with(
        "backend = \"salesforce\"\nendpoint = \"http://x.example/\"",
    ));
    assert_eq!(
        both.iter().map(|f| f.0).collect::<Vec<_>>(),
        ["E004", "E003"]
    );
    // A form id that cannot be part of a URL path is asked for again.
    assert_eq!(
        codes(&with("backend = \"formspree\"\nform_id = \"a/b\""))[0].0,
        "E003"
    );
}

/// Every unknown key of a run, each at its key with a hint from its table.
#[test]
fn every_unknown_key_is_found_at_once() {
    let text = "titel = \"x\"\nbase_url = \"https://a.example\"\n\
                [organization]\nnmae = \"C\"\n\
                [theme]\nbrand_color = \"#000\"\n\
                [intake]\nbackend = \"hubspot\"\nform_guids = { referral = \"r\", apointment = \"a\" }\n\
                [serve]\nprot = 2\n";
    let mut found = parse(text).unwrap_err();
    found.sort();
    let found: Vec<(&str, usize, usize, String)> = found
        .iter()
        .map(|d| {
            let span = d.span.unwrap();
            (
                d.code.as_str(),
                span.line,
                span.col,
                d.hint.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("E002", 1, 1, "did you mean `title`?".to_owned()),
            ("E002", 4, 1, "did you mean `name`?".to_owned()),
            ("E002", 6, 1, "did you mean `brand`?".to_owned()),
            ("E002", 9, 32, "did you mean `appointment`?".to_owned()),
            ("E002", 11, 1, "did you mean `port`?".to_owned()),
        ]
    );
}

/// Keys are read in order (tables sorted by name): an error before the
/// first unknown key is the finding, and unknown keys before an error are,
/// as when reading stopped at the first problem.
#[test]
fn unknown_keys_and_other_errors_in_reading_order() {
    let unknown_first = codes(
        "title = \"x\"\nbase_url = \"https://a.example\"\n[build]\nminfy = true\n[serve]\nport = \"x\"\n",
    );
    assert_eq!(unknown_first.len(), 1, "{unknown_first:?}");
    assert_eq!(unknown_first[0].0, "E002");
    assert_eq!(unknown_first[0].1, Some(4));
    let error_first = codes(
        "title = \"x\"\nbase_url = \"https://a.example\"\n[build]\nminify = \"yes\"\n[serve]\nprot = 1\n",
    );
    assert_eq!(error_first.len(), 1, "{error_first:?}");
    assert_eq!(error_first[0].0, "E001");
}

#[test]
fn declared_keys_come_from_the_raw_structs() {
    assert!(raw::declared_keys(&[]).contains(&"base_url"));
    assert!(raw::declared_keys(&["organization"]).contains(&"type"));
    assert!(raw::declared_keys(&["intake", "form_guids"]).contains(&"referral"));
    assert!(raw::declared_keys(&["theme"]).contains(&"heading_font"));
    assert!(raw::declared_keys(&["serve"]).contains(&"port"));
}

/// README's "Setting up your intake backend" shows one `[intake]` per
/// backend: each is a valid configuration, so every key it names exists
/// and every value has the shape the checks ask for.
#[test]
fn readme_intake_snippets_are_valid_configs() {
    const README: &str = include_str!("../../README.md");
    let section = README
        .split_once("### Setting up your intake backend")
        .and_then(|(_, rest)| rest.split_once("\n### "))
        .map(|(section, _)| section)
        .expect("the README has a `### Setting up your intake backend` section");
    let snippets: Vec<&str> = section
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(toml, _)| toml))
        .collect();
    let backends: Vec<&str> = snippets
        .iter()
        .filter_map(|s| s.lines().find_map(|l| l.strip_prefix("backend = ")))
        .map(|b| b.trim_matches('"'))
        .collect();
    let mut all: Vec<&str> = crate::forms::backend::Backend::names().to_vec();
    all.sort_unstable();
    let mut shown = backends.clone();
    shown.sort_unstable();
    assert_eq!(shown, all, "one snippet per backend");
    for snippet in snippets {
        let text = format!("{MINIMAL}{PRIVACY}{snippet}");
        if let Err(d) = parse(&text) {
            panic!("README snippet is not a valid site.toml:\n{snippet}\n{d:?}");
        }
    }
}
