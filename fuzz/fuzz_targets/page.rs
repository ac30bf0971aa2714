//! Fuzz target: see `handoff_fuzz::page` (`fuzz/harness/`) for how the bytes become input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = handoff_fuzz::page(data) {
        panic!("invariant broken: {broken}");
    }
});
