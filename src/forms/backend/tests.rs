use super::*;

/// The README's table of backends, one row per profile.
const README: &str = include_str!("../../../README.md");

/// A profile as the README's table shows it.
fn readme_row(p: &Profile) -> String {
    let code = |s: &str| format!("`{s}`");
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            items.join(", ")
        }
    };
    let mut keys: Vec<String> = p
        .keys
        .iter()
        .map(|k| match k.default {
            None if k.optional => format!("{} (optional)", code(k.name)),
            None => code(k.name),
            Some(d) => format!("{} (default {})", code(k.name), code(d)),
        })
        .collect();
    let mut shorthands: Vec<&str> = p.keys.iter().filter_map(|k| k.shorthand).collect();
    shorthands.dedup();
    keys.extend(
        shorthands
            .iter()
            .map(|s| format!("or {} for every form", code(s))),
    );
    let sends = match p.accepts {
        Accepts::Either => "a form POST, or JSON by `fetch` with `encoding = \"json\"`",
        Accepts::FormOnly => "a form POST",
        Accepts::JsonOnly => "JSON by `fetch` only (the form needs JavaScript)",
    };
    let hidden = p
        .hidden
        .iter()
        .map(|(name, _, value)| format!("{} = {}", code(name), code(value)))
        .collect();
    let attributes = p
        .attributes
        .iter()
        .map(|(name, value)| code(&format!("{name}=\"{value}\"")))
        .collect();
    let renames = p
        .renames
        .iter()
        .map(|(from, to)| format!("{} → {}", code(from), code(to)))
        .collect();
    let patient_data = if p.patient_data { "yes" } else { "no" };
    let keeps = match p.keeps {
        Keeps::Every => "every name".to_owned(),
        Keeps::Own { split, digest, .. } => format!(
            "its own properties: the contact's name split into {} and {}, the rest as lines of {}",
            code(split.0),
            code(split.1),
            code(digest)
        ),
    };
    format!(
        "| {} | {} | {} | {sends} | {} | {} | {} | {} | {keeps} | {patient_data} |",
        code(p.name),
        list(keys),
        code(&p.action.replace("{origin}", p.origin)),
        code(p.honeypot),
        list(hidden),
        list(attributes),
        list(renames),
    )
}

#[test]
fn readme_table_agrees_with_the_profiles() {
    let section = README
        .split_once("### Form backends")
        .map(|(_, rest)| rest)
        .expect("the README has a `### Form backends` section");
    let rows: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the header and its `|---|` line
        .collect();
    let expected: Vec<String> = Backend::ALL
        .iter()
        .map(|b| readme_row(b.profile()))
        .collect();
    assert_eq!(
        rows,
        expected,
        "the README's backend table differs from src/forms/backend.rs; its rows should read:\n{}",
        expected.join("\n")
    );
}

#[test]
fn names_round_trip_and_are_unique() {
    for b in Backend::ALL {
        assert_eq!(Backend::parse(b.name()), Some(b));
    }
    let mut names = Backend::names().to_vec();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Backend::ALL.len());
    assert_eq!(Backend::parse("webhok"), None);
}

/// An account with every key of every profile set to `<key>`.
fn every_key() -> Account {
    let mut account = Account::default();
    for b in Backend::ALL {
        for k in b.profile().keys {
            account.insert(k.name, format!("<{}>", k.name));
        }
    }
    account
}

#[test]
fn every_placeholder_is_filled() {
    let account = every_key();
    for b in Backend::ALL {
        let p = b.profile();
        let with = Fill {
            account: &account,
            origin: p.origin.to_owned(),
            subject: "Referral: Cardiology".to_owned(),
            form: "referral",
            thanks: "/refer/thanks/",
            thanks_url: "https://c.example/refer/thanks/".to_owned(),
        };
        let templates = std::iter::once(p.action)
            .chain(p.hidden.iter().map(|(_, _, v)| *v))
            .chain(p.attributes.iter().map(|(_, v)| *v));
        for t in templates {
            let filled = p.fill(t, &with);
            assert!(
                !filled.contains('{') && !filled.contains('}'),
                "{}: `{t}` has a placeholder no key fills: {filled}",
                p.name
            );
        }
    }
}

#[test]
fn templates_fill_the_form_and_the_account() {
    let account = every_key();
    let with = |form| Fill {
        account: &account,
        origin: "https://api.hsforms.com".to_owned(),
        subject: String::new(),
        form,
        thanks: "/request-appointment/thanks/",
        thanks_url: "https://c.example/request-appointment/thanks/".to_owned(),
    };
    let hubspot = Backend::Hubspot.profile();
    assert_eq!(
        hubspot.fill(hubspot.action, &with("appointment")),
        "https://api.hsforms.com/submissions/v3/integration/submit/<portal_id>/<form_guids.appointment>"
    );
    let netlify = Backend::Netlify.profile();
    assert_eq!(
        netlify.fill("{thanks}|{form}|{honeypot}|{thanks_url}", &with("referral")),
        "/request-appointment/thanks/|referral|bot-field|https://c.example/request-appointment/thanks/"
    );
    // A value is put in as written, never read as a template itself.
    let mut tricky = Account::default();
    tricky.insert("form_ids.referral", "{form}".to_owned());
    let formspree = Backend::Formspree.profile();
    let filled = formspree.fill(
        formspree.action,
        &Fill {
            account: &tricky,
            origin: formspree.origin.to_owned(),
            ..with("referral")
        },
    );
    assert_eq!(filled, "https://formspree.io/f/{form}");
    // Each form posts to its own Formspree form.
    let formspree_to = |form| {
        let with = Fill {
            origin: formspree.origin.to_owned(),
            ..with(form)
        };
        formspree.fill(formspree.action, &with)
    };
    assert_eq!(
        formspree_to("referral"),
        "https://formspree.io/f/<form_ids.referral>"
    );
    assert_eq!(
        formspree_to("appointment"),
        "https://formspree.io/f/<form_ids.appointment>"
    );
    // Salesforce's lead source is the form's.
    let salesforce = Backend::Salesforce.profile();
    assert_eq!(
        salesforce.fill("{lead_source.<form>}", &with("appointment")),
        "<lead_source.appointment>"
    );
}

/// Each id shape, from the backend's documentation: what fits and what
/// is a typo.
#[test]
fn id_shapes() {
    let cases: [(Check, &[&str], &[&str]); 4] = [
        (
            Check::HubspotPortalId,
            &["4455667", "1"],
            &[
                "",
                "44-55667",
                "4455667 ",
                "portal",
                "123456789012345678901",
            ],
        ),
        (
            Check::HubspotFormGuid,
            &[
                "0a1b2c3d-1111-4222-8333-944455556666",
                "0A1B2C3D-1111-4222-8333-944455556666",
            ],
            &[
                "0a1b2c3d-1111-4222-8333-94445555666",
                "0a1b2c3d111142228333944455556666",
                "0a1b2c3d-1111-4222-8333-94445555666g",
                "{0a1b2c3d-1111-4222-8333-944455556666}",
            ],
        ),
        (
            Check::SalesforceOrgId,
            &["00D5e000000AbCd", "00D5e000000AbCdEAA"],
            &[
                "00D",
                "00N5e000000AbCd",
                "00D5e000000AbC",
                "00D5e000000AbCdEA",
                "00D5e000000Ab-d",
            ],
        ),
        (
            Check::FormspreeFormId,
            &["xqkrvbza", "abc123", "abcdefghijklmnop"],
            &[
                "xqk",
                "abcdefghijklmnopq",
                "xqk-rvbza",
                "https://formspree.io/f/xqkrvbza",
            ],
        ),
    ];
    for (check, good, bad) in cases {
        for v in good {
            assert!(check.fits(v), "{check:?} refuses {v:?}");
        }
        for v in bad {
            assert!(!check.fits(v), "{check:?} takes {v:?}");
        }
        let (shape, copy_from) = check.expects().unwrap();
        assert!(!shape.is_empty() && !copy_from.is_empty(), "{check:?}");
    }
    assert!(is_salesforce_custom_field("00N5e00000AbCdE"));
    assert!(!is_salesforce_custom_field("00D5e000000AbCd"));
}

#[test]
fn attributes_are_sorted_by_name() {
    for b in Backend::ALL {
        let names: Vec<&str> = b.profile().attributes.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted, "{}", b.name());
    }
}

#[test]
fn transport_follows_what_the_backend_accepts() {
    let of = |b: Backend, json| b.profile().transport(json);
    assert_eq!(of(Backend::Webhook, false), Transport::Native);
    assert_eq!(of(Backend::Webhook, true), Transport::Fetch);
    assert_eq!(of(Backend::Netlify, true), Transport::Native);
    assert_eq!(of(Backend::Hubspot, false), Transport::Fetch);
}

/// SPEC §7.5: formspree and netlify do not sign business associate
/// agreements; the others may carry patient data.
#[test]
fn patient_data_only_where_a_baa_is_possible() {
    let allowed: Vec<&str> = Backend::ALL
        .iter()
        .filter(|b| b.profile().patient_data)
        .map(|b| b.name())
        .collect();
    assert_eq!(allowed, ["webhook", "hubspot", "salesforce"]);
}
