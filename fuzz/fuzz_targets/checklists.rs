//! Fuzz target: see `handoff_fuzz::checklists` (`fuzz/harness/`) for how the bytes become input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = handoff_fuzz::checklists(data) {
        panic!("invariant broken: {broken}");
    }
});
