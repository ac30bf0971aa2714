//! Criterion benchmarks of the build's hot stages (issue #7), so a
//! regression shows up in `cargo bench` before it shows up in
//! `bench/compare.sh`:
//!
//! - `markdown`: one 800-word referral-reason body → HTML;
//! - `minify_template`: the default theme's largest template, minified;
//! - `render_page`: one referral-reason page of the example site (view,
//!   JSON-LD, forms, Tera) into memory;
//! - `prepare`: read, parse and resolve the whole example site;
//! - `write`: 200 pages of 30 KB into a staging folder.
//!
//! `cargo bench --bench stages` (add `-- --quick` for a fast look).
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark whose set-up fails must stop, like a test"
)]

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use handoff::output::{MemorySink, OutputSink, StagingDir};
use handoff::render::RenderOptions;
use handoff::render::markdown;
use handoff::theme::minify;
use handoff::{BuildOptions, prepare, render};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A body like the benchmark corpus's: headings, paragraphs, a list, a
/// table and links, about 800 words.
fn body() -> String {
    let words = "referral records imaging pathology clinic patient question follow-up results team";
    let sentence = |i: usize| {
        let w: Vec<&str> = words.split(' ').collect();
        (0..12)
            .map(|k| w[(i + k * 7) % w.len()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    for section in 0..5 {
        out.push_str(&format!("## Section {section}\n\n"));
        for p in 0..2 {
            for s in 0..6 {
                out.push_str(&format!(
                    "{} [a link](/referrals/reason-{s}/). ",
                    sentence(section * 13 + p * 5 + s)
                ));
            }
            out.push_str("\n\n");
        }
        out.push_str("- First item to send\n- Second item, *if available*\n- Third item\n\n");
    }
    out.push_str("| Record | Needed |\n|---|---|\n| Imaging | Yes |\n| Labs | If done |\n");
    out
}

fn stages(c: &mut Criterion) {
    let text = body();
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("markdown", |b| b.iter(|| markdown::render(&text)));

    let template =
        std::fs::read_to_string(repo().join("themes/clinic/templates/partials/form.html"))
            .unwrap_or_default();
    g.throughput(Throughput::Bytes(template.len() as u64));
    g.bench_function("minify_template", |b| {
        b.iter(|| minify::template(&template))
    });

    let opts = BuildOptions {
        root: repo(),
        ..BuildOptions::default()
    };
    let mut timings = Vec::new();
    let Ok(prepared) = prepare(&opts, &mut timings) else {
        panic!("the example site does not build");
    };
    g.throughput(Throughput::Elements(1));
    g.bench_function("prepare", |b| {
        b.iter(|| prepare(&opts, &mut Vec::new()).is_ok());
    });
    let index = prepared
        .site
        .pages
        .iter()
        .position(|p| p.path.starts_with("/referrals/") && p.path.len() > "/referrals/".len())
        .unwrap_or(0);
    let page = &prepared.site.pages[index];
    g.bench_function(BenchmarkId::new("render_page", &page.path), |b| {
        b.iter(|| {
            let sink = MemorySink::default();
            render::render_pages(
                &prepared.site,
                &prepared.sources,
                &prepared.templates,
                &prepared.assets,
                RenderOptions::default(),
                &[index],
                &sink,
            )
            .is_ok()
        });
    });

    let html = vec![b'x'; 30_000];
    let Ok(dir) = tempfile::tempdir() else {
        panic!("no temporary folder");
    };
    g.throughput(Throughput::Bytes(200 * html.len() as u64));
    g.bench_function("write_200_pages", |b| {
        b.iter(|| {
            let Ok(staging) = StagingDir::create(&dir.path().join("public")) else {
                panic!("cannot create the staging folder");
            };
            for i in 0..200 {
                let _ = staging.put(&format!("referrals/reason-{i}/index.html"), &html);
            }
            staging.discard();
        });
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
