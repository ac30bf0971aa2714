//! The command line itself: `--version`, colour (`--color`, `NO_COLOR`,
//! `CLICOLOR_FORCE`) and shell completions.

use std::process::{Command, Output};

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
