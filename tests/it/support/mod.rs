//! The test harness: a site in a fresh temporary folder, the real `handoff`
//! binary run against it, and assertions whose failure messages show the
//! command, its folder, a listing of the site, stdout and stderr.
//!
//! ```text
//! let site = SiteTest::fixture("bad_input/dangling_service");
//! site.build(&[])
//!     .expect_exit(1)
//!     .diagnostic("E020")
//!     .at_col("content/referrals/palpitations.md", 3, 10)
//!     .mentions("`cardiology`");
//! ```
//!
//! Nothing here writes into the repository: fixtures are copied into a
//! `tempfile::TempDir` laid out as
//!
//! ```text
//! <tmp>/            the working directory of every command (relative --output lands here)
//! <tmp>/site/       the site root (--root), with public/ inside by default
//! ```
//!
//! One module per concern:
//! - `site`: [`SiteTest`], a site in a temporary folder, and the contract of
//!   every failing build;
//! - `outcome`: running the binary, and [`Outcome`], what one run did;
//! - `findings`: the findings of a run, read from `check --format json`
//!   (the human layout only where handoff prints no JSON);
//! - `tree`: byte-for-byte snapshots of folders, and listings for failure
//!   messages;
//! - `html`: reading built pages ([`sel`]);
//! - `serve`: a running `handoff serve`, spoken to over raw HTTP/1.1, and
//!   its live-reload stream.

mod findings;
mod html;
mod outcome;
pub mod serve;
mod site;
mod tree;

use std::path::PathBuf;
use std::time::Duration;

pub use findings::{Diagnostic, parse_human};
pub use html::sel;
pub use outcome::{Outcome, run_handoff, run_handoff_with_env};
pub use site::{CopyOrder, SiteTest, copy_tree};
pub use tree::{DirSnapshot, Entry, listing, names_in, snapshot_of_dir};

/// How long a command may run before the test fails as a hang. Generous: a
/// debug build on a loaded CI machine is slow, but a hang is still caught.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// "Now" for every run of the binary (`SOURCE_DATE_EPOCH`, 2026-12-01
/// 00:00 UTC), so dated content (upcoming events, a calendar file's
/// stamp) builds the same bytes on any day; a test may set its own.
pub const TEST_EPOCH: &str = "1796083200";

/// The repository root (also the root of the example site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of one fixture, `tests/fixtures/<case>`.
pub fn fixture_dir(case: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(case)
}
