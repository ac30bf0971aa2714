//! The `handoff` binary: parse arguments, run, map the outcome to an exit code.

// A build allocates and frees millions of small strings from two or more
// threads at once; mimalloc's per-thread pages do that in about half the
// time of the system allocator (CONTRIBUTING.md, "Where the time goes").
// Built without transparent huge pages (Cargo.toml): a short-lived build
// then holds only the pages it touches, a tenth less peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    handoff::cli::main()
}
