//! The benchmark corpus (`bench/gen-corpus.py`, SPEC §12, issue 7): the
//! generated handoff site builds and `check`s clean (no errors, no warnings),
//! and the generator is deterministic.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{SiteTest, repo_root, run_handoff};

/// Runs `python3 bench/gen-corpus.py <n> <out>`.
fn generate(n: usize, out: &Path) {
    let script = repo_root().join("bench/gen-corpus.py");
    let result = Command::new("python3")
        .arg(&script)
        .arg(n.to_string())
        .arg(out)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run python3 {} (install python3): {e}",
                script.display()
            )
        });
    assert!(
        result.status.success(),
        "python3 {} {n} {} failed: {}\n--- stdout\n{}\n--- stderr\n{}",
        script.display(),
        out.display(),
        result.status,
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Every file under `root`, relative path and bytes, sorted.
fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn generated_corpus_of_200_pages_builds_and_checks_clean() {
    let work = SiteTest::empty();
    let out = work.work_dir().join("corpus");
    generate(200, &out);
    let root = out.join("handoff");
    let root_arg = root.to_string_lossy().into_owned();
    assert!(
        out.join("hugo/config.toml").is_file(),
        "no Hugo site beside the handoff site"
    );
    assert!(
        out.join("hugo/data/checklists").is_dir(),
        "the Hugo site has no data/checklists/"
    );

    let limit = Duration::from_secs(600);
    // The corpus posts its forms to a made-up `.example` address: its one
    // finding is that placeholder (W050), nothing else.
    let check = run_handoff(
        work.work_dir(),
        &["--root", &root_arg, "check", "--format", "json"],
        limit,
    );
    check.expect_success();
    let findings = check.diagnostics();
    let codes: Vec<&str> = findings.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["W050"],
        "check found {findings:?}\n{}",
        check.report()
    );

    let output = work.work_dir().join("public");
    let output_arg = output.to_string_lossy().into_owned();
    let build = run_handoff(
        work.work_dir(),
        &[
            "--root",
            &root_arg,
            "build",
            "--strict",
            "--output",
            &output_arg,
        ],
        limit,
    );
    build.expect_success().expect_no_findings();
    let pages = walkdir::WalkDir::new(&output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count();
    // 40 service lines (page, refer, packet) + 160 reasons + 5 locations.
    assert!(
        pages >= 285,
        "expected at least 285 pages, found {pages}\n{}",
        build.report()
    );
}

#[test]
fn corpus_generator_is_deterministic() {
    let work = SiteTest::empty();
    let (a, b) = (work.work_dir().join("a"), work.work_dir().join("b"));
    generate(30, &a);
    generate(30, &b);
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(!ta.is_empty(), "the generator wrote nothing");
    assert!(ta == tb, "two runs of gen-corpus.py with the same N differ");
}
