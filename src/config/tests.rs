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
fn base_url_path_is_what_links_get_in_front() {
    for (url, path) in [
        ("https://www.clinic.example/", ""),
        ("https://www.clinic.example", ""),
        ("https://org.github.io/clinic/", "/clinic"),
        ("https://org.github.io/a/b", "/a/b"),
        ("http://127.0.0.1:8080/clinic/", "/clinic"),
    ] {
        let b = BaseUrl::parse(url).unwrap();
        assert_eq!(b.path(), path, "{url}");
        assert_eq!(b.href("/refer/"), format!("{path}/refer/"), "{url}");
        assert_eq!(format!("{}{path}", b.origin()), b.as_str(), "{url}");
    }
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
         form_guids = { referral = \"r\", appointment = \"a\", updates = \"u\" }\n\
         form_ids = { referral = \"r\", appointment = \"a\", updates = \"u\" }\n\
         lead_source = { referral = \"r\", appointment = \"a\", updates = \"u\" }\n",
    )
    .unwrap();
    let intake = raw.intake.unwrap();
    for b in crate::forms::backend::Backend::ALL {
        for key in b.profile().keys {
            for name in std::iter::once(key.name).chain(key.shorthand) {
                assert!(
                    intake.account_value(name).is_some(),
                    "the {} backend reads `{name}`, which `[intake]` does not have",
                    b.name(),
                );
            }
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
        "backend = \"hubspot\"\nportal_id = \"1\"\nform_guids = { referral = \"0a1b2c3d-1111-4222-8333-944455556666\" }",
    ));
    assert_eq!(guids.len(), 1, "{guids:?}");
    assert_eq!(guids[0].0, "E003");
    assert_eq!(
        guids[0].2.as_deref(),
        Some(
            "add `form_guids = { referral = \"…\", appointment = \"…\" }` from your hubspot account"
        )
    );
    let c = parse(&with("backend = \"salesforce\"\noid = \"00D5e000000AbCd\"")).unwrap();
    let intake = c.intake.unwrap();
    assert_eq!(
        intake.account.endpoint(),
        Some("https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8")
    );
    assert_eq!(intake.account.get("oid"), Some("00D5e000000AbCd"));
    // A bad endpoint and a missing oid: both found.
    let both = codes(&with(
        "backend = \"salesforce\"\nendpoint = \"http://x.example/\"",
    ));
    assert_eq!(
        both.iter().map(|f| f.0).collect::<Vec<_>>(),
        ["E004", "E003"]
    );
    // A form id that cannot be part of a URL path is refused at its value.
    assert_eq!(
        codes(&with("backend = \"formspree\"\nform_id = \"a/b\""))[0].0,
        "E004"
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
    assert!(raw::declared_keys(&["intake", "form_ids"]).contains(&"appointment"));
    assert!(raw::declared_keys(&["intake", "lead_source"]).contains(&"referral"));
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

// ---- [intake] ids, encodings and field names (issue #18) ----

/// A site.toml with `[intake]` holding `intake`.
fn with_intake(intake: &str) -> String {
    format!("{MINIMAL}{PRIVACY}[intake]\n{intake}\n")
}

/// The one finding of `text`: code, line, column and hint.
fn only_finding(text: &str) -> (&'static str, usize, usize, String) {
    let found: Vec<_> = parse(text).unwrap_err().iter().cloned().collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    let span = d.span.unwrap();
    (
        d.code.as_str(),
        span.line,
        span.col,
        d.hint.clone().unwrap_or_default(),
    )
}

/// The message of the first finding of `text`.
fn message(text: &str) -> String {
    parse(text)
        .unwrap_err()
        .iter()
        .next()
        .unwrap()
        .message
        .clone()
}

/// Line and column (1-based, characters) of `needle`, once in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    assert_eq!(text.matches(needle).count(), 1, "`{needle}` in {text}");
    let at = text.find(needle).unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

/// E004 at `needle` with a hint containing `hint`.
fn refused_at(text: &str, needle: &str, hint: &str) {
    let (code, line, col, found_hint) = only_finding(text);
    assert_eq!(
        (code, line, col),
        ("E004", position(text, needle).0, position(text, needle).1),
        "{text}"
    );
    assert!(
        found_hint.contains(hint),
        "hint {found_hint:?} lacks {hint:?}"
    );
}

const GUIDS: &str = "form_guids = { referral = \"0a1b2c3d-1111-4222-8333-944455556666\", appointment = \"7e8f9a0b-2222-4333-8444-a55566667777\" }";

#[test]
fn formspree_has_a_form_id_per_form_or_one_for_both() {
    let intake = |keys: &str| {
        parse(&with_intake(&format!("backend = \"formspree\"\n{keys}")))
            .unwrap()
            .intake
            .unwrap()
    };
    let two = intake("form_ids = { referral = \"xqkrvbza\", appointment = \"mrbgyjwo\" }");
    assert_eq!(two.account.get("form_ids.referral"), Some("xqkrvbza"));
    assert_eq!(two.account.get("form_ids.appointment"), Some("mrbgyjwo"));
    let one = intake("form_id = \"xqkrvbza\"");
    assert_eq!(one.account.get("form_ids.referral"), Some("xqkrvbza"));
    assert_eq!(one.account.get("form_ids.appointment"), Some("xqkrvbza"));
    // Where each value is written, for check's findings: the shorthand's.
    let at = one.written["form_ids.appointment"].span;
    assert_eq!((at.line, at.col), (7, 11));
}

#[test]
fn formspree_form_id_and_form_ids_together_are_one_finding() {
    let text = with_intake(
        "backend = \"formspree\"\nform_id = \"xqkrvbza\"\nform_ids = { referral = \"xqkrvbza\", appointment = \"mrbgyjwo\" }",
    );
    refused_at(&text, "\"xqkrvbza\"\nform_ids", "`form_id` alone");
    let (_, _, _, hint) = only_finding(&text);
    assert!(hint.contains("form_ids = { referral"), "{hint}");
    // One of the pair missing from `form_ids` is asked for, once, with
    // the shorthand as the other way to write it.
    let half = codes(&with_intake(
        "backend = \"formspree\"\nform_ids = { referral = \"xqkrvbza\" }",
    ));
    assert_eq!(half.iter().map(|f| f.0).collect::<Vec<_>>(), ["E003"]);
    assert_eq!(
        half[0].2.as_deref(),
        Some(
            "add `form_ids = { referral = \"…\", appointment = \"…\" }` from your formspree account, or `form_id = \"…\"` for one form that takes both"
        )
    );
}

#[test]
fn ids_of_the_wrong_shape_are_refused_at_the_value_with_where_to_copy_them() {
    for (keys, needle, hint) in [
        (
            format!("backend = \"hubspot\"\nportal_id = \"44-55667\"\n{GUIDS}"),
            "\"44-55667\"",
            "Hub ID",
        ),
        (
            "backend = \"hubspot\"\nportal_id = \"4455667\"\nform_guids = { referral = \"0a1b2c3d-1111-4222-8333-944455556666\", appointment = \"7e8f9a0b-2222-4333-8444-a5556666777\" }".to_owned(),
            "\"7e8f9a0b",
            "Marketing › Forms",
        ),
        (
            "backend = \"salesforce\"\noid = \"00E5e000000AbCd\"".to_owned(),
            "\"00E5e",
            "Company Information",
        ),
        (
            "backend = \"salesforce\"\noid = \"00D5e000000AbC\"".to_owned(),
            "\"00D5e",
            "Company Information",
        ),
        (
            "backend = \"formspree\"\nform_ids = { referral = \"xqkrvbza\", appointment = \"https://formspree.io/f/mrbgyjwo\" }".to_owned(),
            "\"https://formspree",
            "the part after `/f/`",
        ),
        (
            "backend = \"formspree\"\nform_id = \"xqk\"".to_owned(),
            "\"xqk\"",
            "the part after `/f/`",
        ),
    ] {
        refused_at(&with_intake(&keys), needle, hint);
    }
    // Every shape that fits builds, the 18-character oid included.
    for keys in [
        format!("backend = \"hubspot\"\nportal_id = \"4455667\"\n{GUIDS}"),
        "backend = \"salesforce\"\noid = \"00D5e000000AbCdEAA\"".to_owned(),
        "backend = \"formspree\"\nform_id = \"xqkrvbza\"".to_owned(),
    ] {
        assert!(parse(&with_intake(&keys)).is_ok(), "{keys}");
    }
}

#[test]
fn an_encoding_the_backend_does_not_take_is_refused() {
    for (keys, hint) in [
        (
            "backend = \"netlify\"\nencoding = \"json\"",
            "remove `encoding`",
        ),
        (
            "backend = \"salesforce\"\noid = \"00D5e000000AbCd\"\nencoding = \"json\"",
            "remove `encoding`",
        ),
    ] {
        let text = with_intake(keys);
        refused_at(&text, "\"json\"", hint);
        assert!(message(&text).contains("native form posts only"), "{text}");
    }
    let hubspot = with_intake(&format!(
        "backend = \"hubspot\"\nportal_id = \"4455667\"\n{GUIDS}\nencoding = \"form\""
    ));
    refused_at(&hubspot, "\"form\"", "remove `encoding`");
    assert!(message(&hubspot).contains("JSON only"));
    // What the backend takes, written out, is fine; so is either for a webhook.
    for keys in [
        "backend = \"netlify\"\nencoding = \"form\"".to_owned(),
        format!("backend = \"hubspot\"\nportal_id = \"4455667\"\n{GUIDS}\nencoding = \"json\""),
        "backend = \"webhook\"\nendpoint = \"https://intake.clinic.example/v1\"\nencoding = \"json\""
            .to_owned(),
    ] {
        assert!(parse(&with_intake(&keys)).is_ok(), "{keys}");
    }
    // An unknown encoding is one finding, not also a guardrail's.
    let unknown = codes(&with_intake(&format!(
        "backend = \"hubspot\"\nportal_id = \"4455667\"\n{GUIDS}\nencoding = \"xml\""
    )));
    assert_eq!(unknown.len(), 1, "{unknown:?}");
}

#[test]
fn field_names_are_names_the_backend_keeps() {
    let hubspot = |names: &str| {
        with_intake(&format!(
            "backend = \"hubspot\"\nportal_id = \"4455667\"\n{GUIDS}\n[intake.field_names]\n{names}"
        ))
    };
    refused_at(
        &hubspot("urgency = \"Referral Urgency\""),
        "\"Referral Urgency\"",
        "create a contact property with the internal name `referral_urgency` in HubSpot",
    );
    refused_at(
        &hubspot("clinician_fax = \"2fax\""),
        "\"2fax\"",
        "the internal name `clinician_fax`",
    );
    assert!(
        parse(&hubspot(
            "urgency = \"referral_urgency\"\nclinician_email = \"email\""
        ))
        .is_ok()
    );

    let salesforce = |names: &str| {
        with_intake(&format!(
            "backend = \"salesforce\"\noid = \"00D5e000000AbCd\"\n[intake.field_names]\n{names}"
        ))
    };
    refused_at(
        &salesforce("clinician_name = \"firstname\""),
        "\"firstname\"",
        "did you mean the lead field `first_name`?",
    );
    refused_at(
        &salesforce("urgency = \"Urgency__c\""),
        "\"Urgency__c\"",
        "copy the 15-character `00N…` id from the field's page in Setup",
    );
    assert!(
        parse(&salesforce(
            "urgency = \"00N5e00000AbCdE\"\nclinician_practice = \"company\""
        ))
        .is_ok()
    );
    // Other backends take the names as written.
    let webhook = with_intake(
        "backend = \"webhook\"\nendpoint = \"https://intake.clinic.example/v1\"\n[intake.field_names]\nurgency = \"Urgency\"",
    );
    assert!(parse(&webhook).is_ok());
}

#[test]
fn salesforce_lead_source_per_form_with_defaults() {
    let intake = |keys: &str| {
        parse(&with_intake(&format!(
            "backend = \"salesforce\"\noid = \"00D5e000000AbCd\"\n{keys}"
        )))
        .unwrap()
        .intake
        .unwrap()
    };
    let defaults = intake("");
    assert_eq!(
        defaults.account.get("lead_source.referral"),
        Some("Web referral")
    );
    assert_eq!(
        defaults.account.get("lead_source.appointment"),
        Some("Web appointment request")
    );
    let set = intake("lead_source = { referral = \"Physician referral\" }");
    assert_eq!(
        set.account.get("lead_source.referral"),
        Some("Physician referral")
    );
    assert_eq!(
        set.account.get("lead_source.appointment"),
        Some("Web appointment request")
    );
    // A misspelt form in the table is an unknown key, with a hint.
    let found = codes(&with_intake(
        "backend = \"salesforce\"\noid = \"00D5e000000AbCd\"\nlead_source = { referal = \"x\" }",
    ));
    assert_eq!(found[0].0, "E002");
    assert_eq!(found[0].2.as_deref(), Some("did you mean `referral`?"));
}

#[test]
fn page_size_defaults_to_100_and_must_be_at_least_1() {
    assert_eq!(parse(MINIMAL).unwrap().build.page_size, 100);
    let set = parse(&format!("{MINIMAL}[build]\npage_size = 25\n")).unwrap();
    assert_eq!(set.build.page_size, 25);
    for bad in ["0", "-3"] {
        let text = format!("{MINIMAL}[build]\npage_size = {bad}\n");
        let (code, line, col, hint) = only_finding(&text);
        assert_eq!((code, line, col), ("E004", 4, 13), "page_size = {bad}");
        assert!(hint.contains("at least 1"), "{hint}");
    }
}
