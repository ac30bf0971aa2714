//! Same input, same bytes out (SPEC §10): no timestamps, no absolute paths,
//! no order that depends on the file system or on threads.

use crate::support::{CopyOrder, DirSnapshot, SiteTest};

/// Two copies of the example site in two different folders, the second one
/// created in reverse order (so `read_dir` order differs), built into
/// differently named output folders: the outputs are byte-for-byte equal.
#[test]
fn example_site_builds_to_the_same_bytes() {
    let a = SiteTest::example();
    let b = SiteTest::example_in_order(CopyOrder::Reverse);

    a.build(&["--output", "out-a"]).expect_success();
    b.build(&["--output", "out-b"]).expect_success();

    let first = DirSnapshot::of(&a.work_dir().join("out-a"));
    let second = DirSnapshot::of(&b.work_dir().join("out-b"));
    assert!(
        first.files().count() > 10,
        "the example site built suspiciously few files: {:?}",
        first.files().collect::<Vec<_>>()
    );
    first.expect_same_as(&second);
}

/// Building again over the previous output gives the same tree.
#[test]
fn rebuilding_in_place_changes_nothing() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let first = DirSnapshot::of(&site.public());
    site.build(&[]).expect_success();
    let second = DirSnapshot::of(&site.public());
    first.expect_same_as(&second);
}

/// The small fixture too, with all its page kinds and its static file.
#[test]
fn fixture_site_builds_to_the_same_bytes() {
    let a = SiteTest::fixture("build/basic");
    let b = SiteTest::fixture("build/basic");
    a.build(&[]).expect_success();
    b.build(&["--output", "other"]).expect_success();
    DirSnapshot::of(&a.public()).expect_same_as(&DirSnapshot::of(&b.work_dir().join("other")));
}
