//! Fuzz target: a whole-site build from a generated file tree; see
//! `handoff_fuzz::site` and `handoff_fuzz::unpack_tree` (`fuzz/harness/`).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// One scratch folder per fuzzing process, emptied by every run.
fn work() -> &'static PathBuf {
    static WORK: OnceLock<PathBuf> = OnceLock::new();
    WORK.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("handoff-fuzz-site-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder for the fuzzed sites");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = handoff_fuzz::site(data, work()) {
        panic!("invariant broken: {broken}");
    }
});
