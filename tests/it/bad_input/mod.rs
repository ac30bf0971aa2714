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
//! value). A finding about a whole file (too large, a symlink loop, a static
//! file that clashes with a page) names the file and no line: the file is
//! its position.
//!
//! Inputs built to make a parser hang or eat memory (alias and nesting
//! bombs, huge files) also run under [`HANG_LIMIT`].

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
        .at_col("site.toml", 1, 1)
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

/// Every wrong value of a file in one run: a value of the wrong kind, a
/// choice that is not one, and a service line that does not exist, each
/// in a writer's words at its value, and nothing else.
#[test]
fn every_wrong_value_of_a_file_in_one_run() {
    let site = case("invalid_urgency");
    let rel = "content/referrals/palpitations.md";
    site.write(
        rel,
        "---\ntitle: Palpitations\nservice: electrophysology\nurgency: soon\nweight: seventy\n---\nBody.\n",
    );
    let out = site.expect_failed_build();
    let wrong = out.diagnostics_with("E014");
    let about = |what: &str| {
        wrong
            .iter()
            .find(|d| d.diag.message.contains(what))
            .unwrap_or_else(|| panic!("no E014 about {what}\n{}", out.report()))
    };
    about("`weight` must be a whole number, found `seventy`")
        .at_col(rel, 5, 9)
        .mentions("write digits only");
    about("soon").at_col(rel, 4, 10);
    out.diagnostic("E020")
        .at_col(rel, 3, 10)
        .mentions("electrophysology");
    assert_eq!(out.diagnostics().len(), 3, "{}", out.report());
    assert!(
        !out.report().contains("invalid type"),
        "serde's words reached the writer\n{}",
        out.report()
    );
}

/// `draft: yes` says booleans are `true`/`false`; `titel:` gets its one
/// "did you mean", not also "no title" at the `---` line.
#[test]
fn booleans_and_misspelt_titles_in_plain_words() {
    let site = case("invalid_urgency");
    let rel = "content/referrals/palpitations.md";
    site.write(
        rel,
        "---\ntitel: Palpitations\nservice: cardiology\ndraft: yes\n---\nBody.\n",
    );
    let out = site.expect_failed_build();
    out.diagnostic("E014")
        .at_col(rel, 4, 8)
        .mentions("`draft` must be `true` or `false`, found `yes`")
        .mentions("not yes/no");
    out.diagnostic("E012")
        .at_col(rel, 2, 1)
        .mentions("did you mean `title`?");
    assert_eq!(out.diagnostics().len(), 2, "{}", out.report());
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
    out.diagnostic("E015")
        .at("content/about.md", 4)
        .mentions("nested more than 64 levels");
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
    out.diagnostic("E015").at("content/about.md", 3);
}

#[test]
fn yaml_alias_bomb() {
    // 9 levels of 9 aliases: expanded, 9^9 (387 million) strings. It must
    // fail fast, not eat the machine.
    let out = case("alias_bomb").expect_failed_build_within(HANG_LIMIT);
    // At the first alias, `*a` on line 6.
    out.diagnostic("E015")
        .at_col("content/about.md", 6, 9)
        .mentions("repetition limit");
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
    out.diagnostic("E015")
        .at("content/checklists/cardiology.yaml", 3);
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
    // At the first bad byte, after "We are a small practice".
    out.diagnostic("E016").at_col("content/about.md", 5, 24);
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
        .at_col("content/checklists/cardiology.yaml", 1, 19);
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
    out.diagnostic("E017")
        .in_file("content/archive.md")
        .mentions("up to 8 MiB");
}

#[test]
fn symlink_loop_to_a_parent_folder() {
    let site = case("symlink_loop");
    site.symlink("content/loop", ".");
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E018")
        .in_file("content/loop")
        .mentions("symlink loop");
}

#[test]
fn symlink_pointing_at_itself() {
    let site = case("symlink_loop");
    site.symlink("content/self.md", "self.md");
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E018").in_file("content/self.md");
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
    // At an `extends:` value of the cycle (line 2 of either file).
    let found = out.diagnostic("E021");
    assert_eq!(found.diag.line, Some(2), "{}", out.report());
    assert_eq!(found.diag.column, Some(10), "{}", out.report());
    found.mentions_any(&[
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
    // At the `slug:` that claims the address.
    found.at_col("content/services/heart.md", 3, 1);
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
    let found = out.diagnostic_any(&["E022", "E014"]);
    found.mentions("content/services/Cardiology.md");
    assert!(
        found
            .diag
            .file
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("content/services/cardiology.md")),
        "the finding should point at one of the two files\n{}",
        out.report()
    );
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
    let found = out.diagnostic("E022");
    assert!(
        found
            .diag
            .file
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("content/services/cardiology.md")),
        "the finding should point at one of the two files\n{}",
        out.report()
    );
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
    // Raw HTML (any case), a data: image and a vbscript: link are refused
    // too, each at its line.
    out.expect_finding_at("E030", "content/about.md", 9)
        .expect_finding_at("E030", "content/about.md", 11)
        .expect_finding_at("E030", "content/about.md", 13);
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
        .at_col("templates/page.html", 4, 15)
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

// --- added with the hardening issue (#9) ------------------------------------------

#[test]
fn template_including_itself() {
    let out = case("recursive_include").expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E040")
        .at("templates/partials/loop.html", 2)
        .mentions("include each other in a loop");
}

#[test]
fn templates_extending_each_other() {
    let out = case("recursive_extends").expect_failed_build_within(HANG_LIMIT);
    let found = out.diagnostic("E040");
    found.mentions("extend each other in a loop");
    assert!(
        matches!(
            found.diag.file.as_deref(),
            Some("templates/a.html" | "templates/b.html")
        ) && found.diag.line == Some(1),
        "the finding should point at an `extends` tag of the loop\n{}",
        out.report()
    );
}

#[test]
fn template_extending_a_missing_parent() {
    let out = case("missing_parent_template").expect_failed_build();
    out.diagnostic("E040")
        .at_col("templates/page.html", 2, 12)
        .mentions("`layout.html`, which does not exist");
}

#[test]
fn component_rendering_itself_without_end() {
    let out = case("recursive_component").expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E041")
        .in_file("templates/page.html")
        .mentions("recursion depth");
}

#[test]
fn broken_theme_stylesheet() {
    let site = case("broken_css");
    let css = site.read("themes/clinic/css/site.css");
    site.write(
        "themes/clinic/css/site.css",
        &format!("{css}\n.broken {{ color: red;\n  @media screen {{ }} ]]] }}\n"),
    );
    let out = site.expect_failed_build();
    let found = out.diagnostic("E042");
    found.in_file("themes/clinic/css/site.css");
    assert!(
        found.diag.line.is_some(),
        "E042 should name a line\n{}",
        out.report()
    );
}

#[test]
fn deeply_nested_toml() {
    let site = case("deep_toml");
    let depth = 100_000;
    let mut text = site.read("site.toml");
    text.push_str(&format!(
        "\n[build]\nbrowsers = {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    ));
    site.write("site.toml", &text);
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E001").at("site.toml", 6);
}

#[test]
fn language_that_is_not_a_language_tag() {
    let out = case("invalid_language").expect_failed_build();
    out.diagnostic("E004")
        .at_col("site.toml", 3, 12)
        .mentions("language tag");
}

#[test]
fn privacy_policy_with_a_script_address() {
    let out = case("unsafe_privacy_policy").expect_failed_build();
    out.diagnostic("E004")
        .at_col("site.toml", 6, 18)
        .mentions("`privacy_policy` would run a script");
}

#[test]
fn physician_photo_with_a_script_address() {
    let out = case("unsafe_photo").expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/physicians/ana-ruiz.md", 6, 8)
        .mentions("`photo` would run a script");
}

#[test]
fn alias_with_a_line_break_cannot_add_a_redirect_rule() {
    let out = case("alias_with_newline").expect_failed_build();
    // At the alias itself (its list item); the value is quoted with its
    // line break escaped.
    out.diagnostic("E014")
        .at_col("content/about.md", 5, 5)
        .mentions("`/old-about/\\n/*  https://evil.example/  200` is not a path on this site");
}

#[test]
fn empty_site_toml() {
    let site = case("empty_site_toml");
    site.write("site.toml", "");
    let out = site.expect_failed_build();
    out.diagnostic("E003").at_col("site.toml", 1, 1);
    out.expect_stderr_contains("`title`")
        .expect_stderr_contains("`base_url`");
}

#[test]
fn site_toml_that_is_not_utf8() {
    let site = case("site_toml_not_utf8");
    site.write_bytes(
        "site.toml",
        b"title = \"Cl\xEDnica Example\"\nbase_url = \"https://www.example-clinic.example\"\n",
    );
    let out = site.expect_failed_build();
    out.diagnostic("E016").at_col("site.toml", 1, 12);
}

#[test]
fn front_matter_that_is_a_list() {
    let out = case("front_matter_list").expect_failed_build();
    out.diagnostic("E011")
        .at("content/about.md", 2)
        .mentions("expected `key: value` lines");
}

#[test]
fn control_character_in_front_matter() {
    let site = case("control_character");
    site.write_bytes(
        "content/about.md",
        b"---\ntitle: About \x00us\ndescription: Who we are.\n---\nBody.\n",
    );
    let out = site.expect_failed_build();
    // At the NUL itself: line 2, after "title: About ".
    out.diagnostic("E011")
        .at_col("content/about.md", 2, 14)
        .mentions("control characters");
}

/// Few aliases, each within serde_yaml's replay limit, but each a copy of a
/// 4 MiB value: expanded, 8 GB. It must fail fast and small.
#[test]
fn aliases_of_a_huge_value() {
    let site = case("alias_expansion");
    let big = "x".repeat(4 * 1024 * 1024);
    let refs = vec!["*a"; 2000].join(", ");
    site.write(
        "content/about.md",
        &format!("---\ntitle: About us\ndescription: Who we are.\nweight: &a \"{big}\"\naliases: [{refs}]\n---\nBody.\n"),
    );
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E015")
        .at_col("content/about.md", 5, 11)
        .mentions("expand to more than");
    assert!(
        out.stderr.len() < 64 * 1024,
        "the findings quote the huge value ({} bytes of stderr)",
        out.stderr.len()
    );
}

#[test]
fn static_file_where_a_page_goes() {
    let out = case("static_collision").expect_failed_build();
    out.diagnostic("E022")
        .in_file("static/about/index.html")
        .mentions("the page `/about/`");
}

/// A huge file under the size limit (7 MiB of identical headings, which
/// once took time cubic in their number to give unique ids) builds in
/// bounded time.
#[test]
fn huge_page_under_the_limit_builds_in_bounded_time() {
    let site = case("many_headings");
    let mut text = String::from("---\ntitle: Notes\ndescription: A long page of notes.\n---\n");
    while text.len() < 7 * 1024 * 1024 {
        text.push_str("## Notes\n\n");
    }
    site.write("content/notes.md", &text);
    let out = site.build_within(HANG_LIMIT * 3, &[]);
    out.expect_success();
    let page = site.expect_file("public/notes/index.html");
    assert!(
        page.contains("id=\"notes-1000\"") || page.contains("id=notes-1000"),
        "headings lost their unique ids"
    );
}

// --- work stays bounded (issue 16) ----------------------------------------------

/// How many checklists the long `extends` cases chain.
const CHAIN: usize = 3000;

/// `content/checklists/c<n>.yaml`: one item of its own, extending `parent`.
fn chain_link(n: usize, parent: Option<&str>) -> String {
    let extends = parent
        .map(|p| format!("extends: {p}\n"))
        .unwrap_or_default();
    format!("title: Link {n}\n{extends}items:\n  - id: item-{n}\n    label: Chain item {n}\n")
}

/// Issue #16: each checklist walked its whole chain again (cubic: minutes
/// for 3,000 files, and a recursion as deep as the chain). The service's
/// checklist extends c0, c0 extends c1 … c2999: it builds, with every item
/// once, the top's first, and an overridden label in its parent's place.
#[test]
fn a_chain_of_3000_checklists_flattens() {
    let site = case("long_extends_chain");
    for n in 0..CHAIN {
        let parent = (n + 1 < CHAIN).then(|| format!("c{}", n + 1));
        site.write(
            &format!("content/checklists/c{n}.yaml"),
            &chain_link(n, parent.as_deref()),
        );
    }
    // c0 relabels c2999's item, which keeps its place at the top.
    site.write(
        "content/checklists/c0.yaml",
        "title: Link 0\nextends: c1\nitems:\n  - id: item-0\n    label: Chain item 0\n  - id: item-2999\n    label: Relabelled top item\n",
    );
    let cardiology = site.read("content/checklists/cardiology.yaml");
    site.write(
        "content/checklists/cardiology.yaml",
        &cardiology.replacen("items:", "extends: c0\nitems:", 1),
    );
    let out = site.build_within(HANG_LIMIT, &[]);
    out.expect_success();
    let page = site.expect_file("public/services/cardiology/refer/index.html");
    let position = |label: &str| {
        let at = page.find(label);
        assert!(at.is_some(), "`{label}` is missing from the refer page");
        assert_eq!(page.matches(label).count(), 1, "`{label}` is listed twice");
        at
    };
    let order = [
        position("Relabelled top item"),
        position("Chain item 2998<"),
        position("Chain item 1500<"),
        position("Chain item 1<"),
        position("Chain item 0<"),
    ];
    position("Most recent EKG tracing");
    assert!(order.is_sorted(), "items out of chain order: {order:?}");
    assert!(
        !page.contains("Chain item 2999<"),
        "the overridden label is still shown"
    );
}

/// 3,000 checklists in one loop: one E021 at the `extends` that closes it,
/// naming every checklist of the loop in order, and nothing else.
#[test]
fn a_loop_of_3000_checklists_is_one_finding() {
    let site = case("long_extends_cycle");
    for n in 0..CHAIN {
        let parent = format!("c{}", (n + 1) % CHAIN);
        site.write(
            &format!("content/checklists/c{n}.yaml"),
            &chain_link(n, Some(&parent)),
        );
    }
    let out = site.expect_failed_build_within(HANG_LIMIT);
    let found = out.diagnostics_with("E021");
    assert_eq!(found.len(), 1, "one loop, one finding\n{}", out.report());
    // Too long to list in full: its length, how it starts and how it closes.
    found[0].mentions(
        "3000 checklists extend each other in a loop: c0 -> c1 -> c2 -> c3 -> … -> c2996 -> c2997 -> c2998 -> c2999 -> c0",
    );
    // At the closing `extends:` value: the file of the loop's last link.
    found[0].at_col("content/checklists/c2999.yaml", 2, 10);
    assert!(
        out.diagnostics_with("E020").is_empty(),
        "no checklist of a loop is missing\n{}",
        out.report()
    );
}

/// An inherited item is checked once, in the file that wrote it: a script
/// link in the top checklist's detail is one finding there, not one per
/// checklist that extends it (at a line of a file that does not have it).
#[test]
fn an_inherited_item_is_checked_once_where_it_is_written() {
    let site = case("long_extends_chain");
    site.write("content/checklists/c0.yaml", &chain_link(0, Some("c1")));
    site.write("content/checklists/c1.yaml", &chain_link(1, Some("c2")));
    site.write(
        "content/checklists/c2.yaml",
        "title: Link 2\nitems:\n  - id: item-2\n    label: Chain item 2\n    detail: See [the form](javascript:alert(1)).\n",
    );
    let out = site.expect_failed_build();
    let found = out.diagnostics_with("E030");
    assert_eq!(found.len(), 1, "{}", out.report());
    found[0].at("content/checklists/c2.yaml", 5);
}

/// The front matter of the pathological pages.
const NOTES: &str = "---\ntitle: Notes\ndescription: A long page of notes.\n---\n";

/// `unit` repeated to fill an 8 MiB page (the file size limit).
fn eight_mib_of(unit: &str) -> String {
    let room = 8 * 1024 * 1024 - NOTES.len();
    format!("{NOTES}{}", unit.repeat(room / unit.len()))
}

/// Issue #16: 8 MiB of Markdown shaped for the parser took 0.8 to 1.25 GB
/// each (pulldown-cmark's tree, and every event held before writing). Each
/// shape now fails at once, as one E017 about the file.
fn expect_too_much_markup(body: String) {
    let site = case("pathological_markdown");
    site.write("content/notes.md", &body);
    let out = site.expect_failed_build_within(HANG_LIMIT);
    out.diagnostic("E017")
        .in_file("content/notes.md")
        .mentions("too much Markdown markup");
}

#[test]
fn eight_mib_of_open_brackets() {
    expect_too_much_markup(eight_mib_of("["));
}

#[test]
fn eight_mib_of_unclosed_emphasis() {
    expect_too_much_markup(eight_mib_of("*a **a "));
}

#[test]
fn eight_mib_of_unclosed_links() {
    expect_too_much_markup(eight_mib_of("[a]("));
}

#[test]
fn eight_mib_of_angle_brackets() {
    expect_too_much_markup(eight_mib_of("<"));
}

#[test]
fn eight_mib_of_nested_block_quotes() {
    expect_too_much_markup(eight_mib_of("> "));
}

#[test]
fn eight_mib_of_table_cells() {
    // A header row of 200,000 columns, then one-cell rows to the limit.
    let mut body = format!(
        "{NOTES}{}|\n{}|\n",
        "|a".repeat(200_000),
        "|-".repeat(200_000)
    );
    body.push_str(&"|a|\n".repeat((8 * 1024 * 1024 - body.len()) / 4));
    expect_too_much_markup(body);
}

#[test]
fn eight_mib_of_backtick_runs() {
    let mut body = String::from(NOTES);
    let mut run = 1;
    while body.len() + run < 8 * 1024 * 1024 {
        body.push_str(&"`".repeat(run));
        body.push('a');
        run += 1;
    }
    expect_too_much_markup(body);
}

/// Four such pages in one site: four findings, and none is rendered.
#[test]
fn four_pathological_pages_at_once() {
    let site = case("pathological_markdown");
    for (i, unit) in ["[", "*a **a ", "[a](", "> "].into_iter().enumerate() {
        site.write(&format!("content/notes-{i}.md"), &eight_mib_of(unit));
    }
    let out = site.expect_failed_build_within(HANG_LIMIT);
    assert_eq!(out.diagnostics_with("E017").len(), 4, "{}", out.report());
}

/// Just under the limit, the same shapes build (about 250 MB at most in a
/// release build; large pages render one at a time).
#[test]
fn markup_just_under_the_limit_builds() {
    let site = case("pathological_markdown");
    site.write(
        "content/notes.md",
        &format!("{NOTES}{}", "a[".repeat(990_000)),
    );
    site.write(
        "content/quotes.md",
        &format!("{NOTES}{}a\n", "> ".repeat(100_000)),
    );
    let out = site.build_within(HANG_LIMIT, &[]);
    out.expect_success();
    site.expect_file("public/notes/index.html");
    site.expect_file("public/quotes/index.html");
}

/// Every unknown key of site.toml is a finding at once, each at its key and
/// with a hint from its own table (not only the first, as serde's
/// `deny_unknown_fields` would stop at).
#[test]
fn unknown_site_keys_in_two_tables() {
    let site = case("unknown_site_key");
    site.write(
        "site.toml",
        "# E002 twice: a misspelt key at the top and one under [organization].\n\
         title = \"Example Clinic\"\n\
         base_url = \"https://www.example-clinic.example\"\n\
         langauge = \"en-US\"\n\
         \n\
         [organization]\n\
         name = \"Example Clinic\"\n\
         phnoe = \"(555) 010-0100\"\n",
    );
    let out = site.expect_failed_build();
    let found = out.diagnostics_with("E002");
    assert_eq!(found.len(), 2, "{}", out.report());
    found[0]
        .at_col("site.toml", 4, 1)
        .mentions("`langauge`")
        .mentions("did you mean `language`?");
    found[1]
        .at_col("site.toml", 8, 1)
        .mentions("`phnoe`")
        .mentions("did you mean `phone`?");
    assert_eq!(
        out.diagnostics().len(),
        2,
        "only the unknown keys: {}",
        out.report()
    );
}

mod intake;
mod links;
mod outputs;
mod values;
