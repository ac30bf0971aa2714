//! Findings of front matter, one page at a time.

use super::page::is_alias_path;
use super::*;
use crate::source::{Section, SourceKind};

fn file(rel: &str, text: &str) -> SourceFile {
    SourceFile {
        rel: rel.to_owned(),
        kind: SourceKind::Entry(Section::Referrals),
        text: text.into(),
    }
}

#[test]
fn unknown_key_is_reported_at_its_line_with_a_hint() {
    let f = file("content/about.md", "---\ntitle: A\ntitel: B\n---\n");
    let diags = parse_page(0, &f, Kind::Plain).err().unwrap();
    let d = diags.iter().next().unwrap();
    assert_eq!(d.code, Code::UnknownKey);
    assert_eq!(d.span.unwrap().line, 3);
    assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
}

#[test]
fn keys_of_another_kind_are_refused() {
    let f = file("content/about.md", "---\ntitle: A\nurgency: routine\n---\n");
    let diags = parse_page(0, &f, Kind::Plain).err().unwrap();
    assert!(
        diags
            .iter()
            .next()
            .unwrap()
            .hint
            .as_deref()
            .unwrap()
            .contains("referral reasons")
    );
}

#[test]
fn referral_values_are_validated_with_positions() {
    let f = file(
        "content/referrals/x.md",
        "---\ntitle: A\nservice: onc\nurgency: soon\n---\n",
    );
    let diags = parse_page(0, &f, Kind::Referral).err().unwrap();
    let d = diags.iter().next().unwrap();
    assert_eq!(
        (d.code, d.span.unwrap().line, d.span.unwrap().col),
        (Code::InvalidValue, 4, 10)
    );
}

#[test]
fn yaml_errors_are_positioned_in_the_file() {
    let f = file("content/about.md", "---\ntitle: A\nweight: [1\n---\n");
    let d = parse_page(0, &f, Kind::Plain)
        .err()
        .unwrap()
        .into_vec()
        .remove(0);
    assert_eq!(d.code, Code::YamlSyntax, "{d:?}");
    assert!(d.span.unwrap().line >= 3, "{d:?}");
}

/// Every finding of a page, sorted as a run shows them, in one line each.
fn findings(kind: Kind, text: &str) -> Vec<String> {
    let f = file("content/x.md", text);
    let Err(diags) = parse_page(0, &f, kind) else {
        return Vec::new();
    };
    let mut diags = diags;
    diags.sort();
    diags
        .iter()
        .map(|d| {
            let (line, col) = d.span.map_or((0, 0), |s| (s.line, s.col));
            format!(
                "{:?} {line}:{col} {} | {}",
                d.code,
                d.message,
                d.hint.as_deref().unwrap_or("")
            )
        })
        .collect()
}

/// The keys a page may use, as a writer meets them: unknown keys with a
/// hint, keys of another kind of page, typos inside a block of another
/// kind, wrong types and repeated keys.
#[test]
fn key_findings_of_every_kind() {
    let cases: &[(Kind, &str, &[&str])] = &[
        (
            Kind::Plain,
            "---\ntitle: A\nurgency: routine\nreferring:\n  phne: x\nchecklist: c\nlocations: [a]\nfoo: 1\n---\n",
            &[
                "UnknownKey 3:1 `urgency` is not used on plain pages | `urgency` belongs on referral reasons; remove it here or move the file",
                "UnknownKey 4:1 `referring` is not used on plain pages | `referring` belongs on service lines; remove it here or move the file",
                "UnknownKey 5:3 `referring.phne` is not a key handoff knows here | did you mean `phone`?",
                "UnknownKey 6:1 `checklist` is not used on plain pages | `checklist` belongs on service lines and referral reasons; remove it here or move the file",
                "UnknownKey 7:1 `locations` is not used on plain pages | `locations` belongs on service lines, physicians and clinical trials; remove it here or move the file",
                "UnknownKey 8:1 `foo` is not a key handoff knows here | expected one of `title`, `description`, `slug`, `weight`, `draft`, `updated`, `aliases`, `noindex`, `image`, `extra`",
            ],
        ),
        (
            Kind::Location,
            "---\ntitle: A\naddress: {street: s, cty: x}\nchecklist: c\nhours:\n  - days: [Mo]\n    open: '08:00'\n---\n",
            &[
                "UnknownKey 3:22 `address.cty` is not a key handoff knows here | did you mean `city`?",
                "UnknownKey 4:1 `checklist` is not used on locations | `checklist` belongs on service lines and referral reasons; remove it here or move the file",
                "MissingField 6:5 hours entry 1 has no `opens`, `closes` | e.g. `{ days: [Mo, Tu, We, Th, Fr], opens: \"08:00\", closes: \"17:00\" }`",
                "UnknownKey 7:5 `hours[0].open` is not a key handoff knows here | did you mean `opens`?",
            ],
        ),
        (
            Kind::Service,
            "---\ntitle: A\nlocation: downtown\n---\n",
            &[
                "UnknownKey 3:1 `location` is not used on service lines | did you mean `locations`? (`location` belongs on events)",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitle: A\nhours: 5\n---\n",
            &[
                "InvalidValue 3:8 `hours` must be a list, found `5` | write each item on its own line under `hours:`, as `  - item`, or `hours: [a, b]`",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitle: A\nreferring: 5\n---\n",
            &[
                "InvalidValue 3:12 `referring` must be a block of `key: value` lines, found `5` | indent the lines of the block under `referring:`",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitle: A\ntitle: B\n---\n",
            &[
                "YamlSyntax 2:1 the YAML here does not parse: duplicate field `title` | check indentation, and quote values that contain `: ` or start with a special character",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitle:\ntitle: B\n---\n",
            &[
                "YamlSyntax 2:1 the YAML here does not parse: duplicate field `title` | check indentation, and quote values that contain `: ` or start with a special character",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitle: A\nurgency: a\nurgency: b\n---\n",
            &[
                "YamlSyntax 2:1 the YAML here does not parse: duplicate field `urgency` | check indentation, and quote values that contain `: ` or start with a special character",
            ],
        ),
        (Kind::Plain, "---\ntitle: A\nurgency:\nfax: ~\n---\n", &[]),
        (
            Kind::Plain,
            "---\n- a\n---\n",
            &[
                "YamlSyntax 2:1 the YAML here does not parse: invalid type: sequence, expected `key: value` lines | check indentation, and quote values that contain `: ` or start with a special character",
            ],
        ),
        (
            Kind::Plain,
            "---\nhello\n---\n",
            &[
                "YamlSyntax 2:1 the YAML here does not parse: invalid type: string \"hello\", expected `key: value` lines | check indentation, and quote values that contain `: ` or start with a special character",
            ],
        ),
        (
            Kind::Plain,
            "---\n---\n",
            &["MissingField 1:1 this page has no `title` | add `title: …` between the `---` lines"],
        ),
        (
            Kind::Plain,
            "---\ntitle: A\n1: x\ntrue: y\n---\n",
            &[
                "UnknownKey 3:1 `1` is not a key handoff knows here | expected one of `title`, `description`, `slug`, `weight`, `draft`, `updated`, `aliases`, `noindex`, `image`, `extra`",
                "UnknownKey 4:1 `true` is not a key handoff knows here | expected one of `title`, `description`, `slug`, `weight`, `draft`, `updated`, `aliases`, `noindex`, `image`, `extra`",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitle: A\n? [a]\n: b\n---\n",
            &[
                "YamlSyntax 3:3 the YAML here does not parse: invalid type: sequence, expected field identifier | check indentation, and quote values that contain `: ` or start with a special character",
            ],
        ),
        (
            Kind::Service,
            "---\ntitle: A\nreferring:\n  contacts:\n    - {role: r, name: n, emial: e}\n  phone: '+1 555 010 0100'\nurgency: x\nspecialty: Oncologic\nchecklist: c\nlocations: [a]\nservices: [b]\n---\n",
            &[
                "UnknownKey 5:26 `referring.contacts[0].emial` is not a key handoff knows here | did you mean `email`?",
                "UnknownKey 7:1 `urgency` is not used on service lines | `urgency` belongs on referral reasons; remove it here or move the file",
                "UnknownKey 11:1 `services` is not used on service lines | `services` belongs on physicians, events and clinical trials; remove it here or move the file",
            ],
        ),
        (
            Kind::Physician,
            "---\ntitle: A\nservices: [a]\nlocations: [b]\nphoto: /p.jpg\naddress: {}\nchecklist: c\nhonorifc: Dr.\n---\n",
            &[
                "UnknownKey 6:1 `address` is not used on physicians | `address` belongs on locations; remove it here or move the file",
                "UnknownKey 7:1 `checklist` is not used on physicians | `checklist` belongs on service lines and referral reasons; remove it here or move the file",
                "UnknownKey 8:1 `honorifc` is not a key handoff knows here | did you mean `honorific`?",
            ],
        ),
        (
            Kind::Referral,
            "---\ntitle: A\nservice: s\nphone: '1'\nlocations: [a]\nfaq:\n  - q: Q\n    answer: A\nspecialty: Oncologic\n---\n",
            &[
                "UnknownKey 4:1 `phone` is not used on referral reasons | `phone` belongs on locations; remove it here or move the file",
                "UnknownKey 5:1 `locations` is not used on referral reasons | `locations` belongs on service lines, physicians and clinical trials; remove it here or move the file",
                "MissingField 7:5 question 1 of `faq` needs both `q` and `a` | write each entry as `- q: …` with `a: …` below it",
                "UnknownKey 8:5 `faq[0].answer` is not a key handoff knows here | expected one of `q`, `a`",
                "UnknownKey 9:1 `specialty` is not used on referral reasons | `specialty` belongs on service lines; remove it here or move the file",
            ],
        ),
        (
            Kind::Referral,
            "---\ntitle: A\nweight: heavy\nservice: s\n---\n",
            &[
                "InvalidValue 3:9 `weight` must be a whole number, found `heavy` | write digits only, e.g. `weight: 10`",
            ],
        ),
        (
            Kind::Referral,
            "---\ntitle: A\nurgency: [a]\nservice: s\n---\n",
            &[
                "InvalidValue 3:10 `urgency` must be text, found a list | write the text after `urgency: `, in quotes if it starts with `[`, `{`, `-` or contains `: `",
            ],
        ),
        (
            Kind::Location,
            "---\ntitle: A\naddress: {street: s}\ngeo: {lat: 1}\n---\n",
            &["InvalidValue 4:6 `geo` needs `lng` | add `lng: …` to `geo`"],
        ),
        (
            Kind::Location,
            "---\ntitle: A\naddress: {street: s}\ngeo: {lat: 1, lng: 2, alt: 3}\ncriteria: [a]\nexclusions: []\n---\n",
            &[
                "UnknownKey 4:23 `geo.alt` is not a key handoff knows here | expected one of `lat`, `lng`",
                "UnknownKey 5:1 `criteria` is not used on locations | `criteria` belongs on referral reasons; remove it here or move the file",
                "UnknownKey 6:1 `exclusions` is not used on locations | `exclusions` belongs on referral reasons; remove it here or move the file",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitle: A\nspecialty: x\nchecklist: c\nlocations: [a]\nreferring: {}\nservice: s\nurgency: u\naudience: a\ncriteria: [c]\nexclusions: [e]\nfaq: []\naddress: {}\nphone: p\nfax: f\ngeo: {lat: 1, lng: 2}\nhours: []\nhonorific: h\ncredentials: c\nservices: [s]\naccepting_new_patients: true\nphoto: p\n---\n",
            &[
                "UnknownKey 3:1 `specialty` is not used on plain pages | `specialty` belongs on service lines; remove it here or move the file",
                "UnknownKey 4:1 `checklist` is not used on plain pages | `checklist` belongs on service lines and referral reasons; remove it here or move the file",
                "UnknownKey 5:1 `locations` is not used on plain pages | `locations` belongs on service lines, physicians and clinical trials; remove it here or move the file",
                "UnknownKey 6:1 `referring` is not used on plain pages | `referring` belongs on service lines; remove it here or move the file",
                "UnknownKey 7:1 `service` is not used on plain pages | `service` belongs on referral reasons; remove it here or move the file",
                "UnknownKey 8:1 `urgency` is not used on plain pages | `urgency` belongs on referral reasons; remove it here or move the file",
                "UnknownKey 9:1 `audience` is not used on plain pages | `audience` belongs on referral reasons and events; remove it here or move the file",
                "UnknownKey 10:1 `criteria` is not used on plain pages | `criteria` belongs on referral reasons; remove it here or move the file",
                "UnknownKey 11:1 `exclusions` is not used on plain pages | `exclusions` belongs on referral reasons; remove it here or move the file",
                "UnknownKey 12:1 `faq` is not used on plain pages | `faq` belongs on referral reasons; remove it here or move the file",
                "UnknownKey 13:1 `address` is not used on plain pages | `address` belongs on locations; remove it here or move the file",
                "UnknownKey 14:1 `phone` is not used on plain pages | `phone` belongs on locations; remove it here or move the file",
                "UnknownKey 15:1 `fax` is not used on plain pages | `fax` belongs on locations; remove it here or move the file",
                "UnknownKey 16:1 `geo` is not used on plain pages | `geo` belongs on locations; remove it here or move the file",
                "UnknownKey 17:1 `hours` is not used on plain pages | `hours` belongs on locations; remove it here or move the file",
                "UnknownKey 18:1 `honorific` is not used on plain pages | `honorific` belongs on physicians; remove it here or move the file",
                "UnknownKey 19:1 `credentials` is not used on plain pages | `credentials` belongs on physicians; remove it here or move the file",
                "UnknownKey 20:1 `services` is not used on plain pages | `services` belongs on physicians, events and clinical trials; remove it here or move the file",
                "UnknownKey 21:1 `accepting_new_patients` is not used on plain pages | `accepting_new_patients` belongs on physicians; remove it here or move the file",
                "UnknownKey 22:1 `photo` is not used on plain pages | `photo` belongs on physicians; remove it here or move the file",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitel: A\ndescripton: d\nslgu: s\nwieght: 1\ndraf: true\nupdatd: x\nalias: [a]\nnoindx: true\nzzzzzz: 1\n---\n",
            &[
                "UnknownKey 2:1 `titel` is not a key handoff knows here | did you mean `title`?",
                "UnknownKey 3:1 `descripton` is not a key handoff knows here | did you mean `description`?",
                "UnknownKey 4:1 `slgu` is not a key handoff knows here | did you mean `slug`?",
                "UnknownKey 5:1 `wieght` is not a key handoff knows here | did you mean `weight`?",
                "UnknownKey 6:1 `draf` is not a key handoff knows here | did you mean `draft`?",
                "UnknownKey 7:1 `updatd` is not a key handoff knows here | did you mean `updated`?",
                "UnknownKey 8:1 `alias` is not a key handoff knows here | did you mean `aliases`?",
                "UnknownKey 9:1 `noindx` is not a key handoff knows here | did you mean `noindex`?",
                "UnknownKey 10:1 `zzzzzz` is not a key handoff knows here | expected one of `title`, `description`, `slug`, `weight`, `draft`, `updated`, `aliases`, `noindex`, `image`, `extra`",
            ],
        ),
        (
            Kind::Service,
            "---\ntitle: A\nzzzzzz: 1\nreferring: {zzzzzz: 1, contacts: [{zzzzzz: 1}]}\n---\n",
            &[
                "UnknownKey 3:1 `zzzzzz` is not a key handoff knows here | expected one of `title`, `description`, `slug`, `weight`, `draft`, `updated`, `aliases`, `noindex`, `image`, `extra`, `specialty`, `checklist`, …",
                "UnknownKey 4:13 `referring.zzzzzz` is not a key handoff knows here | expected one of `appropriate_for`, `phone`, `fax`, `email`, `portal`, `response_time`, `urgent`, `results`, `updates`, `contacts`, `by_location`",
                "MissingField 4:35 contact 1 needs a `role` and a `name` | e.g. `{ role: Referral coordinator, name: Dana Ortiz, phone: \"+1-555-010-0142\" }`",
                "UnknownKey 4:36 `referring.contacts[0].zzzzzz` is not a key handoff knows here | expected one of `role`, `name`, `phone`, `email`",
            ],
        ),
        (
            Kind::Location,
            "---\ntitle: A\nzzzzzz: 1\naddress: {zzzzzz: 1}\nhours: [{zzzzzz: 1}]\ngeo: {lat: 1, lng: 2, zzzzzz: 1}\n---\n",
            &[
                "UnknownKey 3:1 `zzzzzz` is not a key handoff knows here | expected one of `title`, `description`, `slug`, `weight`, `draft`, `updated`, `aliases`, `noindex`, `image`, `extra`, `address`, `phone`, …",
                "UnknownKey 4:11 `address.zzzzzz` is not a key handoff knows here | expected one of `street`, `city`, `region`, `postal_code`, `country`",
                "MissingField 5:9 hours entry 1 has no `days`, `opens`, `closes` | e.g. `{ days: [Mo, Tu, We, Th, Fr], opens: \"08:00\", closes: \"17:00\" }`",
                "UnknownKey 5:10 `hours[0].zzzzzz` is not a key handoff knows here | expected one of `days`, `opens`, `closes`",
                "UnknownKey 6:23 `geo.zzzzzz` is not a key handoff knows here | expected one of `lat`, `lng`",
            ],
        ),
        (
            Kind::Referral,
            "---\ntitle: A\nservice: s\nzzzzzz: 1\nfaq: [{zzzzzz: 1}]\n---\n",
            &[
                "UnknownKey 4:1 `zzzzzz` is not a key handoff knows here | expected one of `title`, `description`, `slug`, `weight`, `draft`, `updated`, `aliases`, `noindex`, `image`, `extra`, `service`, `checklist`, …",
                "MissingField 5:7 question 1 of `faq` needs both `q` and `a` | write each entry as `- q: …` with `a: …` below it",
                "UnknownKey 5:8 `faq[0].zzzzzz` is not a key handoff knows here | expected one of `q`, `a`",
            ],
        ),
        (
            Kind::Physician,
            "---\ntitle: A\nzzzzzz: 1\n---\n",
            &[
                "UnknownKey 3:1 `zzzzzz` is not a key handoff knows here | expected one of `title`, `description`, `slug`, `weight`, `draft`, `updated`, `aliases`, `noindex`, `image`, `extra`, `honorific`, `credentials`, …",
            ],
        ),
        (
            Kind::Plain,
            "---\ntitle: A\nreferring: {urgency: 1}\naddress: {items: 1}\n---\n",
            &[
                "UnknownKey 3:1 `referring` is not used on plain pages | `referring` belongs on service lines; remove it here or move the file",
                "UnknownKey 3:13 `referring.urgency` is not a key handoff knows here | did you mean `urgent`?",
                "UnknownKey 4:1 `address` is not used on plain pages | `address` belongs on locations; remove it here or move the file",
                "UnknownKey 4:11 `address.items` is not a key handoff knows here | expected one of `street`, `city`, `region`, `postal_code`, `country`",
            ],
        ),
    ];
    for (kind, text, expected) in cases {
        assert_eq!(findings(*kind, text), *expected, "{kind:?}: {text}");
    }
}

#[test]
fn aliases_are_site_paths() {
    assert!(is_alias_path("/oncology/"));
    assert!(!is_alias_path("/../etc/"));
    assert!(!is_alias_path("oncology"));
}

#[test]
fn urgency_and_audience_are_one_of_their_choices() {
    assert_eq!(
        findings(
            Kind::Referral,
            "---\ntitle: A\nservice: s\nurgency: urgnet\naudience: everyone\n---\n"
        ),
        [
            "InvalidValue 4:10 `urgency: urgnet` is not an urgency level | did you mean `urgent`?",
            "InvalidValue 5:11 `audience: everyone` is not an audience | expected one of `clinician`, `patient`, `both`",
        ]
    );
    assert_eq!(
        findings(
            Kind::Referral,
            "---\ntitle: A\nservice: s\naudience: patient\n---\n"
        ),
        Vec::<String>::new()
    );
}

/// Every value of the wrong kind is reported in one run, each in a
/// writer's words with a hint for that kind of value.
#[test]
fn wrong_values_are_all_told_in_plain_words() {
    assert_eq!(
        findings(
            Kind::Referral,
            "---\ntitle: A\nservice: s\nweight: seventy\nurgency: soon\ndraft: yes\nupdated: next week\ncriteria: one thing\n---\n",
        ),
        [
            "InvalidValue 4:9 `weight` must be a whole number, found `seventy` | write digits only, e.g. `weight: 10`",
            "InvalidValue 5:10 `urgency: soon` is not an urgency level | expected one of `routine`, `priority`, `urgent`",
            "InvalidValue 6:8 `draft` must be `true` or `false`, found `yes` | YAML booleans are `true` and `false` (not yes/no or on/off): `draft: true`",
            "InvalidValue 7:10 `updated: next week` is not a date: it is not written `YYYY-MM-DD` | write a real date as `YYYY-MM-DD`, e.g. `2026-03-01`",
            "InvalidValue 8:11 `criteria` must be a list, found `one thing` | write each item on its own line under `criteria:`, as `  - item`, or `criteria: [a, b]`",
        ]
    );
}

/// A misspelt key gets its "did you mean"; the key it meant is not then
/// reported missing as well.
#[test]
fn a_misspelt_key_is_not_also_missing() {
    assert_eq!(
        findings(Kind::Referral, "---\ntitel: A\nservce: s\n---\n"),
        [
            "UnknownKey 2:1 `titel` is not a key handoff knows here | did you mean `title`?",
            "UnknownKey 3:1 `servce` is not a key handoff knows here | did you mean `service`?",
        ]
    );
    // Nor is a key whose value is of the wrong kind.
    assert_eq!(
        findings(Kind::Plain, "---\ntitle: [A]\n---\n"),
        [
            "InvalidValue 2:8 `title` must be text, found a list | write the text after `title: `, in quotes if it starts with `[`, `{`, `-` or contains `: `",
        ]
    );
}
