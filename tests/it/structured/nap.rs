//! NAP (SPEC §8): every phone and fax number has one source and one
//! canonical form: `tel:` links and JSON-LD in E.164, text in the display
//! form, whatever way the writer typed it; changing a number in its file
//! changes it everywhere; a phone that is not a number fails the build.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::support::{SiteTest, sel};

use super::built::{Built, all_attrs, jsonld, node_by_id, one_of_type, text_of};
use super::facts::{display, e164, fm_str, section, site_toml};

/// Runs of phone-number characters with at least seven digits in `text`.
fn phone_like_runs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<String>| {
        if run.chars().filter(char::is_ascii_digit).count() >= 7 {
            out.push(run.trim().trim_end_matches(['.', '-']).to_owned());
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || "()+-. \u{a0}".contains(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Every phone and fax number of the nap fixture, as E.164, from its files.
fn nap_numbers(site: &SiteTest) -> BTreeSet<String> {
    let toml = site_toml(site);
    let mut all = BTreeSet::new();
    for k in ["phone", "fax"] {
        if let Some(p) = toml["organization"].get(k).and_then(toml::Value::as_str) {
            all.insert(e164(p));
        }
    }
    for fm in section(site, "locations").values() {
        for k in ["phone", "fax"] {
            if let Some(p) = fm_str(fm, k) {
                all.insert(e164(p));
            }
        }
    }
    for fm in section(site, "services").values() {
        for k in ["phone", "fax"] {
            if let Some(p) = fm_str(&fm["referring"], k) {
                all.insert(e164(p));
            }
        }
        for c in fm["referring"]["contacts"].as_array().into_iter().flatten() {
            if let Some(p) = fm_str(c, "phone") {
                all.insert(e164(p));
            }
        }
    }
    all
}

/// Every `telephone` and `faxNumber` value in a JSON-LD document.
fn jsonld_numbers(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if k == "telephone" || k == "faxNumber" {
                    out.push(x.as_str().expect("a number is a string").to_owned());
                }
                jsonld_numbers(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| jsonld_numbers(x, out)),
        _ => {}
    }
}

/// Asserts that every number on every page is printed in its one canonical
/// form: `tel:` links in E.164 with the display form as their text, visible
/// text only in the display form, JSON-LD only in E.164.
fn expect_canonical_numbers(built: &Built, known: &BTreeSet<String>) {
    let displays: BTreeSet<String> = known.iter().map(|n| display(n)).collect();
    for page in built.content_pages() {
        let doc = page.doc();
        for a in doc.select(&sel(r#"a[href^="tel:"]"#)) {
            let href = a.value().attr("href").expect("href");
            let number = href.strip_prefix("tel:").expect("tel:");
            assert!(
                known.contains(number),
                "{}: {href} is not the E.164 form of any number of the site ({known:?})",
                page.rel
            );
            // The number alone, or a button that says what it does ("Call (555) 010-0100").
            let text = text_of(a);
            let text = text.trim();
            assert!(
                text == display(number) || text == format!("Call {}", display(number)),
                "{}: the text of {href} is {text:?}, not {:?}",
                page.rel,
                display(number)
            );
        }
        let body = doc
            .select(&sel("body"))
            .next()
            .map(text_of)
            .unwrap_or_default();
        for run in phone_like_runs(&body) {
            assert!(
                displays.contains(&run),
                "{}: {run:?} is printed, which is not the canonical form of a number of the \
                 site ({displays:?})",
                page.rel
            );
        }
        let mut in_jsonld = Vec::new();
        jsonld_numbers(&jsonld(page), &mut in_jsonld);
        for n in in_jsonld {
            assert!(
                known.contains(&n),
                "{}: the JSON-LD has {n}, not the E.164 form of a number of the site",
                page.rel
            );
        }
    }
}

#[test]
fn a_number_is_written_one_way_whatever_way_it_was_typed() {
    let site = SiteTest::fixture("structured/nap");
    let first = Built::new(site, &[]);
    let known = nap_numbers(&first.site);
    assert!(known.contains("+15550100100") && known.contains("+15550100200"));
    expect_canonical_numbers(&first, &known);

    // The organization's number in the footer of every page, the same way.
    for page in first.content_pages() {
        let doc = page.doc();
        let footer = doc
            .select(&sel("footer"))
            .next()
            .map(text_of)
            .unwrap_or_else(|| panic!("{}: no footer", page.rel));
        for needle in ["Phone: (555) 010-0100", "Fax: (555) 010-0199"] {
            assert!(
                footer.contains(needle),
                "{}: the footer should read {needle:?}:\n{footer}",
                page.rel
            );
        }
        let org = node_by_id(&jsonld(page), &first.org_id())
            .cloned()
            .expect("an organization");
        assert_eq!(org["telephone"], "+15550100100", "{}", page.rel);
        assert_eq!(org["faxNumber"], "+15550100199", "{}", page.rel);
        assert!(
            all_attrs(&doc, "a", "href")
                .iter()
                .any(|h| h == "tel:+15550100100"),
            "{}: no tel: link to the organization",
            page.rel
        );
    }
    let before = crate::support::snapshot_of_dir(&first.site.public());

    // The same number typed another way changes not one byte of the site.
    let toml = first.site.read("site.toml");
    assert!(toml.contains("phone = \"+1 555 010 0100\""));
    first.site.write(
        "site.toml",
        &toml.replace("phone = \"+1 555 010 0100\"", "phone = \"(555) 010-0100\""),
    );
    first.site.build(&[]).expect_success();
    before.expect_same_as(&crate::support::snapshot_of_dir(&first.site.public()));
}

/// Occurrences of `needle` per page.
fn counts(built: &Built, needle: &str) -> BTreeMap<String, usize> {
    built
        .pages
        .iter()
        .map(|p| (p.path.clone(), p.html.matches(needle).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[test]
fn a_location_number_changed_in_its_file_changes_everywhere() {
    let site = SiteTest::fixture("structured/nap");
    let old = Built::new(site, &[]);
    let (old_e164, old_display) = ("+15550100200", "(555) 010-0200");
    let (new_e164, new_display) = ("+15550100250", "(555) 010-0250");
    let old_e = counts(&old, old_e164);
    let old_d = counts(&old, old_display);
    // It is on the location page (text, tel: link, JSON-LD), in every footer
    // and on the physician who works there.
    for path in ["/locations/main-street/", "/physicians/ana-ruiz/", "/"] {
        assert!(old_e.contains_key(path), "{path}: {old_e164} not found");
        assert!(old_d.contains_key(path), "{path}: {old_display} not found");
    }
    assert_eq!(
        counts(&old, new_e164).len() + counts(&old, new_display).len(),
        0,
        "the new number is already there"
    );
    let fm = old.site.read("content/locations/main-street.md");
    old.site.write(
        "content/locations/main-street.md",
        &fm.replace("phone: \"555-010-0200\"", "phone: \"+1 555 010 0250\""),
    );
    let new = Built::new(old.site, &[]);
    assert_eq!(
        counts(&new, old_e164),
        BTreeMap::new(),
        "the old number is left"
    );
    assert_eq!(
        counts(&new, old_display),
        BTreeMap::new(),
        "the old number is left"
    );
    assert_eq!(counts(&new, new_e164), old_e, "the new number, E.164");
    assert_eq!(
        counts(&new, new_display),
        old_d,
        "the new number, displayed"
    );
    let known = nap_numbers(&new.site);
    expect_canonical_numbers(&new, &known);
    let clinic_doc = jsonld(new.page("/locations/main-street/"));
    assert_eq!(
        one_of_type(
            new.page("/locations/main-street/"),
            &clinic_doc,
            "MedicalClinic"
        )["telephone"],
        new_e164
    );
}

#[test]
fn a_phone_that_is_not_a_number_fails_the_build_at_its_line() {
    let site = SiteTest::fixture("structured/bad_phone");
    let out = site.expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/locations/main-street.md", 5, 8)
        .mentions("call us");
}
