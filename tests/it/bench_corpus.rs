//! The benchmark corpus (`bench/gen-corpus.py`, SPEC §12, issue 7): the
//! generated handoff site builds and `check`s clean (no errors, no warnings),
//! and the generator is deterministic.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{Outcome, SiteTest, repo_root, run_handoff};

/// Runs `python3 bench/gen-corpus.py <n> <out>`.
pub fn generate(n: usize, out: &Path) {
    generate_shape("default", n, out);
}

/// `handoff build --strict` of the generated site at `root` into `output`:
/// it must succeed without a finding.
pub fn build_strict(work: &SiteTest, root: &Path, output: &Path, limit: Duration) -> Outcome {
    let (root_arg, output_arg) = (
        root.to_string_lossy().into_owned(),
        output.to_string_lossy().into_owned(),
    );
    let build = run_handoff(
        work.work_dir(),
        &[
            "--root",
            &root_arg,
            "build",
            "--strict",
            "--output",
            &output_arg,
        ],
        limit,
    );
    build.expect_success().expect_no_findings();
    build
}

/// Runs `python3 bench/gen-corpus.py --shape <shape> <n> <out>`.
pub fn generate_shape(shape: &str, n: usize, out: &Path) {
    let script = repo_root().join("bench/gen-corpus.py");
    let result = Command::new("python3")
        .arg(&script)
        .args(["--shape", shape])
        .arg(n.to_string())
        .arg(out)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run python3 {} (install python3): {e}",
                script.display()
            )
        });
    assert!(
        result.status.success(),
        "python3 {} {n} {} failed: {}\n--- stdout\n{}\n--- stderr\n{}",
        script.display(),
        out.display(),
        result.status,
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Every file under `root`, relative path and bytes, sorted.
fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn generated_corpus_of_200_pages_builds_and_checks_clean() {
    let work = SiteTest::empty();
    let out = work.work_dir().join("corpus");
    generate(200, &out);
    let root = out.join("handoff");
    let root_arg = root.to_string_lossy().into_owned();
    assert!(
        out.join("hugo/config.toml").is_file(),
        "no Hugo site beside the handoff site"
    );
    assert!(
        out.join("hugo/data/checklists").is_dir(),
        "the Hugo site has no data/checklists/"
    );

    let limit = Duration::from_secs(600);
    // The corpus posts its forms to a made-up `.example` address: its one
    // finding is that placeholder (W050), nothing else.
    let check = run_handoff(
        work.work_dir(),
        &["--root", &root_arg, "check", "--format", "json"],
        limit,
    );
    check.expect_success();
    let findings = check.diagnostics();
    let codes: Vec<&str> = findings.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["W050"],
        "check found {findings:?}\n{}",
        check.report()
    );

    let output = work.work_dir().join("public");
    let build = build_strict(&work, &root, &output, limit);
    let pages = walkdir::WalkDir::new(&output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count();
    // 40 service lines (page, refer, packet) + 160 reasons + 5 locations.
    assert!(
        pages >= 285,
        "expected at least 285 pages, found {pages}\n{}",
        build.report()
    );
}

#[test]
fn corpus_generator_is_deterministic() {
    let work = SiteTest::empty();
    let (a, b) = (work.work_dir().join("a"), work.work_dir().join("b"));
    generate(30, &a);
    generate(30, &b);
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(!ta.is_empty(), "the generator wrote nothing");
    assert!(ta == tb, "two runs of gen-corpus.py with the same N differ");
}

#[test]
fn wide_corpus_of_300_pages_builds_clean_with_its_shape() {
    let work = SiteTest::empty();
    let out = work.work_dir().join("corpus");
    generate_shape("wide", 300, &out);
    let root = out.join("handoff");
    for site in [
        "hugo/config.toml",
        "zola/config.toml",
        "zola/templates/base.html",
    ] {
        assert!(
            out.join(site).is_file(),
            "no {site} beside the handoff site"
        );
    }
    let count = |dir: &str| {
        std::fs::read_dir(root.join("content").join(dir))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name() != "_index.md")
            .count()
    };
    let (services, reasons, physicians) =
        (count("services"), count("referrals"), count("physicians"));
    // 4-20 reasons per service line, physicians about 3% of the pages.
    assert!(
        reasons >= 4 * (services - 1) && reasons <= 20 * services,
        "{services} service lines, {reasons} reasons"
    );
    assert!(physicians >= 5, "{physicians} physicians");
    let output = work.work_dir().join("public");
    build_strict(&work, &root, &output, Duration::from_secs(600));
    // Every resolved checklist has 12 to 15 items: count a service page's.
    let page = walkdir::WalkDir::new(output.join("services"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name() == "index.html"
                && e.path().parent().unwrap().parent().unwrap() == output.join("services")
        })
        .unwrap();
    let html = scraper::Html::parse_document(&std::fs::read_to_string(page.path()).unwrap());
    let items = html
        .select(&crate::support::sel(".checklist-items > li"))
        .count();
    assert!(
        (12..=15).contains(&items),
        "{items} checklist items on {}",
        page.path().display()
    );
}

/// The largest HTML file under `root`, in bytes, with its path.
fn largest_page(root: &Path) -> (u64, String) {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| (e.metadata().unwrap().len(), e.path().display().to_string()))
        .max()
        .unwrap()
}

/// Builds the generated corpus of `n` pages with `[build] page_size` set
/// and returns its largest page.
fn largest_page_of_corpus(work: &SiteTest, n: usize, page_size: usize) -> (u64, String) {
    let out = work.work_dir().join(format!("corpus-{n}"));
    generate(n, &out);
    let root = out.join("handoff");
    let config = root.join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}page_size = {page_size}\n")).unwrap();
    let output = out.join("public");
    let (root_arg, output_arg) = (
        root.to_string_lossy().into_owned(),
        output.to_string_lossy().into_owned(),
    );
    run_handoff(
        work.work_dir(),
        &["--root", &root_arg, "build", "--output", &output_arg],
        Duration::from_secs(600),
    )
    .expect_success();
    largest_page(&output)
}

/// SPEC §13, issue 22: no page grows with the site beyond what it lists by
/// design. With 10 entries per index page, the largest page of a corpus
/// four times larger is within a few percent of the smaller one's, and
/// both are far under the 150 KB of HTML a page may weigh.
#[test]
fn the_largest_page_does_not_grow_with_the_corpus() {
    let work = SiteTest::empty();
    let (small, small_at) = largest_page_of_corpus(&work, 150, 10);
    let (large, large_at) = largest_page_of_corpus(&work, 600, 10);
    assert!(small < 150_000, "{small} bytes: {small_at}");
    assert!(
        large * 100 <= small * 105,
        "the largest page grew from {small} bytes ({small_at}) to {large} bytes ({large_at}) with four times the pages"
    );
}
