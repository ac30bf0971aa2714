//! The bad-input catalogue (SPEC §10): one tiny fixture site per defect under
//! `tests/fixtures/bad_input/<case>/`, each a valid site plus ONE defect (its
//! site.toml's first line says which). Every failing case goes through
//! `SiteTest::expect_failed_build`, which also proves that the failed build
//! created no `public/`, left a previous `public/` byte-for-byte alone, and
//! left no `public.tmp-*` behind.
//!
//! Positions: ` --> path:line:col`, 1-based, columns in characters, YAML
//! positions shifted into the .md file. Columns are asserted only where the
//! contract fixes them (E010/E013 at 1:1, E012 at the key, E014/E020 at the
//! value).

use std::time::Duration;

use crate::support::{SiteTest, names_in};

/// Inputs built to make a parser hang must fail well within this.
const HANG_LIMIT: Duration = Duration::from_secs(20);

fn case(name: &str) -> SiteTest {
    SiteTest::fixture(&format!("bad_input/{name}"))
}

// --- site.toml ---------------------------------------------------------------

#[test]
fn toml_syntax_error() {
    let out = case("toml_syntax").expect_failed_build();
    out.diagnostic("E001").at("site.toml", 3);
}

#[test]
fn unknown_site_key_with_hint() {
    let out = case("unknown_site_key").expect_failed_build();
    out.diagnostic("E002")
        .at("site.toml", 2)
        .mentions("titel")
        .mentions("did you mean `title`");
}

#[test]
fn missing_base_url() {
    let out = case("missing_base_url").expect_failed_build();
    out.expect_stderr_contains("base_url")
        .diagnostic("E003")
        .mentions("base_url");
}

#[test]
fn http_base_url() {
    let out = case("http_base_url").expect_failed_build();
    out.diagnostic("E004").at("site.toml", 3).mentions("https");
}

// --- front matter and YAML ----------------------------------------------------

#[test]
fn unclosed_front_matter() {
    let out = case("unclosed_front_matter").expect_failed_build();
    out.diagnostic("E010").at_col("content/about.md", 1, 1);
}

#[test]
fn invalid_yaml_names_its_line_in_the_file() {
    // `description: Heart care: rhythm …` is line 3 of the file (line 2 of
    // the YAML): the finding is in file coordinates.
    let out = case("invalid_yaml").expect_failed_build();
    out.diagnostic("E011")
        .at("content/services/cardiology.md", 3);
}

#[test]
fn unknown_front_matter_key_with_hint() {
    let out = case("unknown_front_matter_key").expect_failed_build();
    out.diagnostic("E012")
        .at_col("content/about.md", 2, 1)
        .mentions("titel")
        .mentions("did you mean `title`");
}

#[test]
fn missing_title() {
    let out = case("missing_title").expect_failed_build();
    out.diagnostic("E013")
        .at_col("content/about.md", 1, 1)
        .mentions("title");
}

#[test]
fn referral_reason_without_service() {
    let out = case("missing_service").expect_failed_build();
    out.diagnostic("E013")
        .at_col("content/referrals/palpitations.md", 1, 1)
        .mentions("service");
}

#[test]
fn checklist_item_without_label() {
    // The second item starts on line 6 (`  - id: clinical-question`).
    let out = case("missing_item_label").expect_failed_build();
    out.diagnostic("E013")
        .at("content/checklists/cardiology.yaml", 6)
        .mentions("label");
}

#[test]
fn slug_with_dot_dot_cannot_leave_the_output_folder() {
    let site = case("slug_dotdot");
    let out = site.expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/about.md", 3, 7)
        .mentions("../../escape");
    assert_eq!(
        names_in(site.work_dir()),
        vec!["site".to_owned()],
        "the build wrote beside the site folder\n{}",
        out.report()
    );
    site.expect_no_file("escape");
}

#[test]
fn invalid_urgency() {
    let out = case("invalid_urgency").expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/referrals/palpitations.md", 4, 10)
        .mentions("soon");
}

#[test]
fn invalid_date() {
    let out = case("invalid_date").expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/about.md", 4, 10)
        .mentions("YYYY-MM-DD");
}

#[test]
fn deeply_nested_yaml() {
    let out = case("deep_nesting").expect_failed_build_within(HANG_LIMIT);
    out.diagnostic_any(&["E015", "E011"])
        .in_file("content/about.md");
}

#[test]
fn very_deeply_nested_yaml_does_not_overflow_the_stack() {
    let site = case("deep_nesting");
    let depth = 100_000;
    let text = format!(
        "---\ntitle: About us\naliases: {}{}\n---\nBody.\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    site.write("content/about.md", &text);
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic_any(&["E015", "E011"])
        .in_file("content/about.md");
}

#[test]
fn yaml_alias_bomb() {
    // 9 levels of 9 aliases: expanded, 9^9 (387 million) strings. It must
    // fail fast, not eat the machine.
    let out = case("alias_bomb").expect_failed_build_within(HANG_LIMIT);
    out.diagnostic_any(&["E015", "E011"])
        .in_file("content/about.md");
}

#[test]
fn alias_bomb_in_a_checklist() {
    let site = case("alias_bomb");
    site.remove("content/about.md");
    let mut yaml = String::from(
        "title: Cardiology referral checklist\nlol: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        let refs = vec![format!("*{prev}"); 9].join(",");
        yaml.push_str(&format!("{name}{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    yaml.push_str("items: *i\n");
    site.write("content/checklists/cardiology.yaml", &yaml);
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic_any(&["E015", "E011", "E012"])
        .in_file("content/checklists/cardiology.yaml");
}

// --- files ----------------------------------------------------------------------

#[test]
fn invalid_utf8() {
    let site = case("invalid_utf8");
    let mut bytes =
        b"---\ntitle: About us\ndescription: Who we are.\n---\nWe are a small practice".to_vec();
    bytes.extend_from_slice(&[0xFF, 0xFE, 0xC3, 0x28]);
    bytes.extend_from_slice(b" on Main Street.\n");
    site.write_bytes("content/about.md", &bytes);
    let out = site.expect_failed_build();
    out.diagnostic("E016").in_file("content/about.md");
}

#[test]
fn invalid_utf8_in_a_checklist() {
    let site = case("invalid_utf8");
    site.write_bytes(
        "content/checklists/cardiology.yaml",
        b"title: Cardiology \xE9 referral checklist\nitems: []\n",
    );
    let out = site.expect_failed_build();
    out.diagnostic("E016")
        .in_file("content/checklists/cardiology.yaml");
}

#[test]
fn file_too_large() {
    let site = case("too_large");
    let mut text = String::from("---\ntitle: Archive\ndescription: A very long page.\n---\n");
    let line = "Referral notes, kept for the record, nothing else on this line.\n";
    while text.len() <= 8 * 1024 * 1024 {
        text.push_str(line);
    }
    site.write("content/archive.md", &text);
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E017").in_file("content/archive.md");
}

#[test]
fn symlink_loop_to_a_parent_folder() {
    let site = case("symlink_loop");
    site.symlink("content/loop", ".");
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E018").mentions("content/loop");
}

#[test]
fn symlink_pointing_at_itself() {
    let site = case("symlink_loop");
    site.symlink("content/self.md", "self.md");
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E018").mentions("content/self.md");
}

#[test]
fn crlf_and_bom_build_cleanly() {
    let site = case("crlf_bom");
    for file in [
        "site.toml",
        "content/_index.md",
        "content/about.md",
        "content/services/cardiology.md",
        "content/referrals/palpitations.md",
        "content/checklists/cardiology.yaml",
        "content/locations/main-street.md",
    ] {
        site.to_crlf_with_bom(file);
    }
    site.build(&[]).expect_success().expect_no_findings();
    let about = site.expect_file("public/about/index.html");
    assert!(about.contains("About us"), "{about}");
    assert!(
        !about.contains('\u{feff}') && !about.contains("&#xFEFF;") && !about.contains("&#65279;"),
        "the BOM leaked into the page:\n{about}"
    );
    assert!(
        !about.contains("About us\r"),
        "a CR leaked into the title:\n{about}"
    );
    site.expect_file("public/referrals/palpitations/index.html");
    site.expect_file("public/services/cardiology/index.html");
}

#[test]
fn crlf_and_bom_keep_positions_right() {
    // The BOM is not a column and CRLF is one line break.
    let site = case("crlf_bom");
    site.write(
        "content/referrals/palpitations.md",
        "---\ntitle: Palpitations\nservice: cardiolgy\nurgency: routine\n---\nBody.\n",
    );
    site.to_crlf_with_bom("content/referrals/palpitations.md");
    let out = site.expect_failed_build();
    out.diagnostic("E020")
        .at_col("content/referrals/palpitations.md", 3, 10)
        .mentions("`cardiology`");
}

#[test]
fn empty_markdown_file() {
    let out = case("empty_md").expect_failed_build();
    out.diagnostic_any(&["E010", "E013"])
        .at("content/about.md", 1);
}

// --- references between files ------------------------------------------------

#[test]
fn dangling_service_reference_with_hint() {
    let out = case("dangling_service").expect_failed_build();
    out.diagnostic("E020")
        .at_col("content/referrals/palpitations.md", 3, 10)
        .mentions("cardiolgy")
        .mentions("`cardiology`");
}

#[test]
fn dangling_checklist_reference_with_hint() {
    let out = case("dangling_checklist").expect_failed_build();
    out.diagnostic("E020")
        .at_col("content/services/cardiology.md", 4, 12)
        .mentions("cardiolgy")
        .mentions("`cardiology`");
}

#[test]
fn dangling_location_reference_with_hint() {
    let out = case("dangling_location").expect_failed_build();
    out.diagnostic("E020")
        .at_col("content/services/cardiology.md", 6, 5)
        .mentions("main-stret")
        .mentions("`main-street`");
}

#[test]
fn dangling_extends_with_hint() {
    let out = case("dangling_extends").expect_failed_build();
    out.diagnostic("E020")
        .at_col("content/checklists/cardiology.yaml", 2, 10)
        .mentions("heart-cor")
        .mentions("`heart-core`");
}

#[test]
fn dangling_physician_references() {
    let out = case("dangling_physician").expect_failed_build();
    let found = out.diagnostics_with("E020");
    assert!(
        found.len() >= 2,
        "expected two E020 findings\n{}",
        out.report()
    );
    out.expect_finding_at("E020", "content/physicians/ana-ruiz.md", 4)
        .expect_finding_at("E020", "content/physicians/ana-ruiz.md", 6);
}

#[test]
fn extends_cycle_names_the_whole_cycle() {
    let out = case("extends_cycle").expect_failed_build();
    out.diagnostic("E021").mentions_any(&[
        "cardiology -> heart-core -> cardiology",
        "heart-core -> cardiology -> heart-core",
    ]);
    // Both checklists exist: the cycle must not also be reported as a
    // dangling `checklist: cardiology` on the service.
    assert!(
        out.diagnostics_with("E020").is_empty(),
        "a checklist in a cycle is not missing; expected no E020\n{}",
        out.report()
    );
}

#[test]
fn duplicate_slug() {
    let out = case("duplicate_slug").expect_failed_build();
    let found = out.diagnostic("E022");
    found.mentions("cardiology");
    assert!(
        out.stderr.contains("content/services/heart.md")
            && out.stderr.contains("content/services/cardiology.md"),
        "E022 should name both files\n{}",
        out.report()
    );
}

/// `Cardiology.md` beside `cardiology.md`: on a case-insensitive host the two
/// are one URL. Either finding is faithful: E022 (the collision) or E014 (an
/// upper-case file name is not a valid slug); both must name the file.
#[test]
fn case_colliding_file_names() {
    let site = case("case_collision");
    let text = site.read("content/services/cardiology.md");
    site.write("content/services/Cardiology.md", &text);
    let out = site.expect_failed_build();
    out.diagnostic_any(&["E022", "E014"])
        .mentions("content/services/Cardiology.md");
}

/// The same collision where the upper-case file asks for the lower-case slug:
/// now it is a plain duplicate URL.
#[test]
fn case_colliding_file_names_with_slug() {
    let site = case("case_collision");
    let text = site.read("content/services/cardiology.md").replacen(
        "title: Cardiology\n",
        "title: Cardiology\nslug: cardiology\n",
        1,
    );
    site.write("content/services/Cardiology.md", &text);
    let out = site.expect_failed_build();
    out.diagnostic("E022");
    assert!(
        out.stderr.contains("content/services/Cardiology.md")
            && out.stderr.contains("content/services/cardiology.md"),
        "E022 should name both files\n{}",
        out.report()
    );
}

#[test]
fn duplicate_checklist_item_id() {
    let out = case("duplicate_item_id").expect_failed_build();
    out.diagnostic("E023")
        .at("content/checklists/cardiology.yaml", 6)
        .mentions("ekg");
}

#[test]
fn invalid_checklist_item_id() {
    let out = case("invalid_item_id").expect_failed_build();
    out.diagnostic("E023")
        .at("content/checklists/cardiology.yaml", 3)
        .mentions("EKG tracing");
}

// --- Markdown -----------------------------------------------------------------

#[test]
fn unsafe_link_targets() {
    let out = case("javascript_link").expect_failed_build();
    out.diagnostic("E030")
        .at("content/about.md", 7)
        .mentions("javascript:");
    // Raw HTML (any case) and a data: image are refused too, each at its line.
    out.expect_finding_at("E030", "content/about.md", 9)
        .expect_finding_at("E030", "content/about.md", 11);
    // The message quotes the attribute value alone, not the markup after it.
    let raw = out
        .diagnostics_with("E030")
        .into_iter()
        .find(|f| f.diag.line == Some(9))
        .expect("the finding on line 9");
    raw.mentions_any(&["`JavaScript:alert(2)`", "`javascript:alert(2)`"]);
}

// --- templates ------------------------------------------------------------------

#[test]
fn template_syntax_error_names_the_template() {
    let out = case("broken_template").expect_failed_build();
    out.diagnostic("E040")
        .at("templates/page.html", 3)
        .mentions("templates/page.html");
}

#[test]
fn template_render_error_names_template_and_page() {
    let out = case("template_render_error").expect_failed_build();
    out.diagnostic("E041")
        .mentions("page.html")
        .mentions_any(&["content/about.md", "/about/"]);
}

// --- several findings in one run ------------------------------------------------

#[test]
fn all_findings_of_a_run_are_reported() {
    let out = case("multiple_errors").expect_failed_build();
    out.diagnostic("E010").at_col("content/about.md", 1, 1);
    out.diagnostic("E012")
        .at_col("content/contact.md", 3, 1)
        .mentions("did you mean `description`");
}

#[test]
fn all_dangling_references_are_reported() {
    let site = case("dangling_service");
    site.write(
        "content/services/cardiology.md",
        "---\ntitle: Cardiology\ndescription: Heart care.\nchecklist: cardiolgy\n---\nBody.\n",
    );
    let out = site.expect_failed_build();
    out.expect_finding_at("E020", "content/referrals/palpitations.md", 3)
        .expect_finding_at("E020", "content/services/cardiology.md", 4);
}

// --- warnings do not fail a build -----------------------------------------------

#[test]
fn description_warnings() {
    let site = case("warnings");
    let out = site.build(&[]);
    out.expect_success();
    out.diagnostic("W001").in_file("content/about.md");
    out.diagnostic("W002").in_file("content/contact.md");
    site.expect_file("public/about/index.html");
    site.expect_file("public/contact/index.html");
}
