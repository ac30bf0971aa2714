//! handoff's one integration-test binary (`[[test]] name = "it"`).
//!
//! Every test drives the real `handoff` binary against a tiny site copied
//! into a temporary folder (see `support`: the site, running the binary,
//! findings read from `check --format json`, folder snapshots, a running
//! `serve`). One module per area:
//!
//! - `build`: the happy path, the output folder contract, global flags;
//! - `scaffold`: `handoff new` and `--example`, the placeholders `check` finds,
//!   the `.gitignore` and the CI workflow (linted by actionlint);
//! - `determinism`: same input, same bytes;
//! - `embedded_theme`: the built-in default theme, `theme eject`, the form contract;
//! - `bad_input`: one fixture per kind of bad input (tests/fixtures/bad_input);
//! - `check`: every audit of `handoff check`, in its three output formats;
//! - `cli`: `--version`, colour and shell completions;
//! - `conversion`: pages that speak to their reader, urgent pathways, follow-up
//!   timelines, per-service thanks pages and the fax cover sheet (tests/fixtures/conversion);
//! - `escaping`: hostile text in every field, checked in every output context;
//! - `structured`: JSON-LD, NAP, sitemap, robots, headers and CSP, link previews;
//! - `snapshots_pages`: what users see of each page kind, as snapshots;
//! - `serve`: the live preview, its safety, live edits and the intake sink;
//! - `incremental`: `serve`'s incremental rebuild equals a full build;
//! - `fuzz_regressions`: the fuzz targets' findings, replayed (tests/fixtures/fuzz-regressions);
//! - `vnu`: the built HTML passes the Nu HTML Checker;
//! - `forms`: the forms and JSON Schemas of every intake backend (tests/fixtures/forms);
//! - `intake`: `handoff intake`, the backend's setup sheet;
//! - `browser`: the forms submitted from headless Chromium to an HTTPS receiver;
//! - `fakes`: a local fake of each intake backend, its documented rules, and
//!   the real forms submitted to it from Chromium (round trip, setup sheet);
//! - `theme`: `[theme]` settings, contrast findings, page weight, and every page
//!   kind in Chromium at three widths (screenshots, axe-core, print);
//! - `subpath`: a site under a path (`base_url` `https://example.org/clinic/`): built, checked, served;
//! - `bench_corpus`: the benchmark's corpus generator makes a site that builds;
//! - `analytics`: `[analytics]`, its CSP origins, form pages left alone, consent
//!   and events in Chromium against a fake provider (tests/fixtures/analytics).
//! - `events`: education events, their calendar files and the upcoming/past
//!   split at a fixed `SOURCE_DATE_EPOCH` (tests/fixtures/events).
//! - `trials`: clinical trials: their pages, `/trials/`, the form that asks a
//!   trial's team, and their findings (tests/fixtures/trials).
//! - `locations`: a service line's page at each of its locations, the most
//!   specific referral line, the location choice (tests/fixtures/locations).
//!
//! Run everything, with the tools installed, through `scripts/test`.

// A test fails by panicking; unwrap/expect in the harness are the assertions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod analytics;
mod bad_input;
mod bench_corpus;
mod browser;
mod build;
mod check;
mod cli;
mod conversion;
mod determinism;
mod embedded_theme;
mod escaping;
mod events;
mod fakes;
mod forms;
mod fuzz_regressions;
mod incremental;
mod intake;
mod locations;
mod pagination;
mod partners;
mod phone_first;
mod scaffold;
mod serve;
mod shortcodes;
mod snapshots_pages;
mod structured;
mod subpath;
// The harness serves every area; not every area uses every helper.
mod availability;
mod insurance;
#[allow(dead_code)]
mod support;
mod theme;
mod trials;
mod vnu;
