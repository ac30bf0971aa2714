//! Fuzz target: see `handoff::fuzzing::checklists` for how the bytes become input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = handoff::fuzzing::checklists(data) {
        panic!("invariant broken: {broken}");
    }
});
