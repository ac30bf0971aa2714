//! Records the commit the binary is built from, for `handoff --version`.
//! Outside a git checkout of this package (a source tarball, a vendored
//! copy inside another repository) the commit is "unknown": never a guess,
//! never the network.

use std::path::Path;
use std::process::Command;

fn main() {
    let here = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let commit = git(&here, &["rev-parse", "--show-toplevel"])
        .filter(|top| same_dir(top, &here))
        .and_then(|_| git(&here, &["rev-parse", "--short", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=HANDOFF_COMMIT={commit}");
    // Build again when HEAD moves: a checkout (HEAD) or a commit (the
    // branch's ref, loose or packed).
    for path in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&here, &["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(branch) = git(&here, &["symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(&here, &["rev-parse", "--git-path", &branch])
    {
        println!("cargo:rerun-if-changed={p}");
    }
}

/// One line of git's output, if git runs and succeeds.
fn git(dir: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let line = text.trim();
    (out.status.success() && !line.is_empty()).then(|| line.to_owned())
}

fn same_dir(a: &str, b: &str) -> bool {
    match (Path::new(a).canonicalize(), Path::new(b).canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
