//! Replays the inputs the fuzz targets (`fuzz/`, cargo-fuzz) found, through
//! the same entry points (the fuzz harness, `fuzz/harness/`, included here
//! as a module), so the normal test suite keeps them fixed without running
//! a fuzzer. One folder per target under
//! `tests/fixtures/fuzz-regressions/<target>/`; each file is one raw fuzzer
//! input, named after what it broke (see the README there). Every target
//! has at least one input, so every replay runs something.
//!
//! Each input runs on its own thread with a time limit, so a regression
//! shows up as the file that panicked, broke an invariant or hung.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::repo_root;

#[path = "../../fuzz/harness/mod.rs"]
mod harness;

/// Generous for a debug build; the fuzzers ran with a 30 s timeout, optimised.
const LIMIT: Duration = Duration::from_secs(120);

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = repo_root()
        .join("tests/fixtures/fuzz-regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `run` on every input of `target`; fails with every input that broke.
fn replay(target: &str, run: fn(&[u8], &Path) -> Result<(), String>) {
    let mut broken = Vec::new();
    let files = inputs(target);
    // A replay of nothing would pass whatever the target does.
    assert!(
        !files.is_empty(),
        "`{target}` has no regression inputs in tests/fixtures/fuzz-regressions/{target}/"
    );
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let work = tempfile::Builder::new()
            .prefix("handoff-fuzz-regression-")
            .tempdir()
            .unwrap();
        let dir = work.path().to_path_buf();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let outcome = std::panic::catch_unwind(|| run(&data, &dir));
            let _ = tx.send(outcome);
        });
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        match rx.recv_timeout(LIMIT) {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(invariant))) => broken.push(format!("{name}: {invariant}")),
            Ok(Err(_)) => broken.push(format!("{name}: panicked (see the output above)")),
            Err(_) => broken.push(format!("{name}: did not finish within {LIMIT:?}")),
        }
    }
    assert!(
        broken.is_empty(),
        "{} of {} `{target}` regression inputs broke:\n{}",
        broken.len(),
        files.len(),
        broken.join("\n")
    );
}

#[test]
fn page() {
    replay("page", |data, _| harness::page(data));
}

#[test]
fn checklists() {
    replay("checklists", |data, _| harness::checklists(data));
}

#[test]
fn site_toml() {
    replay("site_toml", |data, _| harness::site_toml(data));
}

#[test]
fn site() {
    replay("site", harness::site);
}
