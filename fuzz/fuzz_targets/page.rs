//! Fuzz target: see `handoff::fuzzing::page` for how the bytes become input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = handoff::fuzzing::page(data) {
        panic!("invariant broken: {broken}");
    }
});
