//! The command line itself: `--version`, colour (`--color`, `NO_COLOR`,
//! `CLICOLOR_FORCE`) and shell completions.

use std::process::{Command, Output};

use crate::support::SiteTest;

/// Runs the binary with exactly the colour variables given (none of the
/// test runner's own).
fn handoff(cwd: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handoff"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn version_names_the_release_and_the_commit() {
    let out = handoff(std::env::temp_dir().as_path(), &[], &["--version"]);
    assert!(out.status.success());
    let line = text(&out.stdout);
    let want = format!("handoff {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&want), "{line}");
    let commit = line
        .trim()
        .trim_start_matches(&want)
        .trim_end_matches(')')
        .to_owned();
    // A checkout names its commit; a source tarball says so.
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| text(&o.stdout).trim().to_owned());
    match head {
        Some(head) => assert_eq!(commit, head, "{line}"),
        None => assert_eq!(commit, "unknown", "{line}"),
    }
}

/// The example site with one error a writer makes (a misspelt service).
fn site_with_an_error() -> SiteTest {
    let site = SiteTest::example();
    site.write(
        "content/referrals/palpitations.md",
        "---\ntitle: Palpitations\nservice: cardiolgy\nurgency: routine\ndescription: Palpitations with or without a documented arrhythmia.\n---\nSend the EKG.\n",
    );
    site
}

/// What `check` and `build` print (stdout and stderr together), run with
/// `env` and `flags` on a site with a finding.
fn printed(site: &SiteTest, env: &[(&str, &str)], flags: &[&str]) -> Vec<(String, String)> {
    let root = site.root().to_string_lossy().into_owned();
    ["check", "build"]
        .iter()
        .map(|command| {
            let mut args = vec!["--root", root.as_str(), command];
            args.extend_from_slice(flags);
            let out = handoff(site.work_dir(), env, &args);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{command} {flags:?} with {env:?}"
            );
            let shown = format!("{}{}", text(&out.stdout), text(&out.stderr));
            assert!(shown.contains("E020"), "{command}: {shown}");
            ((*command).to_owned(), shown)
        })
        .collect()
}

const ESC: char = '\u{1b}';

#[test]
fn no_color_and_color_never_remove_every_escape_sequence() {
    let site = site_with_an_error();
    for (env, flags) in [
        (&[("NO_COLOR", "1")][..], &[][..]),
        (&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")][..], &[][..]),
        (&[("CLICOLOR_FORCE", "1")][..], &["--color", "never"][..]),
        (&[][..], &["--color=never"][..]),
    ] {
        for (command, shown) in printed(&site, env, flags) {
            assert!(
                !shown.contains(ESC),
                "`{command} {flags:?}` with {env:?} printed an escape sequence:\n{shown:?}"
            );
        }
    }
}

#[test]
fn color_always_and_clicolor_force_colour_findings_off_a_terminal() {
    let site = site_with_an_error();
    for (env, flags) in [
        (&[][..], &["--color", "always"][..]),
        (&[("CLICOLOR_FORCE", "1")][..], &[][..]),
        // The flag is the more specific request.
        (&[("NO_COLOR", "1")][..], &["--color", "always"][..]),
    ] {
        for (command, shown) in printed(&site, env, flags) {
            assert!(
                shown.contains(&format!("{ESC}[")),
                "`{command} {flags:?}` with {env:?} printed no colour:\n{shown}"
            );
        }
    }
    // Piped output without any request stays plain.
    for (command, shown) in printed(&site, &[], &[]) {
        assert!(!shown.contains(ESC), "`{command}` piped: {shown:?}");
    }
}

#[test]
fn completions_generate_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = handoff(std::env::temp_dir().as_path(), &[], &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        for word in [
            "build",
            "check",
            "serve",
            "new",
            "intake",
            "completions",
            "color",
        ] {
            assert!(
                script.contains(word),
                "the {shell} script does not name `{word}`"
            );
        }
    }
    let out = handoff(
        std::env::temp_dir().as_path(),
        &[],
        &["completions", "tcsh"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_malformed_source_date_epoch_stops_the_build_with_a_hint() {
    let site = SiteTest::example();
    let out = handoff(
        site.root(),
        &[("SOURCE_DATE_EPOCH", "yesterday")],
        &["build"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("SOURCE_DATE_EPOCH") && err.contains("date +%s"),
        "{err}"
    );
    assert!(!site.root().join("public").exists(), "nothing is written");
}
