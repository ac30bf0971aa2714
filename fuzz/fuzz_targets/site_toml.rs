//! Fuzz target: see `handoff::fuzzing::site_toml` for how the bytes become input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = handoff::fuzzing::site_toml(data) {
        panic!("invariant broken: {broken}");
    }
});
