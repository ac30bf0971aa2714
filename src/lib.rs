//! handoff: a static site generator for specialty medical practices that
//! grow through physician referrals.
//!
//! The build is a pipeline of plain data, one module per stage:
//!
//! ```text
//! site.toml ─ config::parse ─► Config
//! content/  ─ source::scan ──► SourceSet ─ content::parse_all ─► Vec<Document>
//! Documents + Config ─ model::resolve ─► Site (frozen)
//! themes/<t>/ or the built-in theme, static/, templates/ ─ source::asset_files, template_files
//!           ─► theme::assets::build ─► Assets;  theme::templates::load ─► Templates
//! Site + Templates + Assets ─ render::render_all ─► OutputSink (output::StagingDir)
//!     (render::plan: every file; render::pages: each page kind's template and context)
//! ```
//!
//! Findings are collected along the way; the pipeline stops between
//! stages, never inside one, so a run reports every problem it can see.

// `Diagnostic` is the user-facing error value of every stage and is built
// only on the failure path; boxing it would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub(crate) mod check;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod diag;
pub(crate) mod escape;
pub mod forms;
pub mod model;
pub mod output;
pub(crate) mod phone;
pub mod render;
pub mod serve;
pub mod source;
pub mod theme;
pub(crate) mod values;

use std::path::{Path, PathBuf};
use std::time::Instant;

use diag::{Code, Diagnostic, Diagnostics};
use theme::{assets, templates};

/// What a run was asked to do, beyond what `site.toml` says.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The folder that holds `site.toml`.
    pub root: PathBuf,
    /// Where to write; default `<root>/<build.output_dir>`.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` (a preview build).
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Running under `handoff serve`: a loopback `http:` intake endpoint is
    /// allowed (a local test receiver).
    pub serving: bool,
    /// "Now" for dated content (events, availability); `None` reads
    /// [`clock::now`] when the run starts.
    pub now: Option<jiff::Timestamp>,
}

/// A successful build: what was written and the warnings of the run.
#[derive(Debug)]
pub struct Built {
    pub output: PathBuf,
    pub pages: usize,
    /// Every file written, pages included.
    pub files: usize,
    pub warnings: Diagnostics,
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// What `build` and `serve` say they made, in the same words:
/// "12 pages (63 files)".
pub fn built_counts(pages: usize, files: usize) -> String {
    format!(
        "{pages} page{} ({files} file{})",
        if pages == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    )
}

/// Why a build did not complete.
#[derive(Debug)]
pub enum BuildError {
    /// The site has errors; nothing was written.
    Findings(Diagnostics),
    /// The root cannot be used (no `site.toml`): a usage error.
    Usage(String),
    /// Writing the output failed.
    Io(anyhow::Error),
}

/// Everything a build reads, validated and resolved, before rendering.
pub struct Prepared {
    pub site: model::Site,
    pub sources: source::SourceSet,
    pub templates: theme::templates::Templates,
    pub assets: theme::assets::Assets,
    pub warnings: Diagnostics,
    /// `--base-url` differs from site.toml's: a preview, kept out of search.
    pub preview: bool,
    /// The parsed content files, by source index; kept only under `serve`,
    /// which resolves the model again after an edit without parsing
    /// every file again.
    pub docs: Vec<content::Document>,
}

impl Prepared {
    /// Renders every page and file into `sink`. Its findings are every
    /// finding of the run (the preparation's warnings included).
    pub fn render_into(
        &self,
        local_intake: bool,
        sink: &dyn output::OutputSink,
    ) -> anyhow::Result<render::Rendered> {
        let opts = render::RenderOptions {
            preview: self.preview,
            local_intake,
        };
        let mut rendered = render::render_all(
            &self.site,
            &self.sources,
            &self.templates,
            &self.assets,
            opts,
            sink,
        )?;
        let mut all = self.warnings.clone();
        all.extend(rendered.diagnostics);
        rendered.diagnostics = all;
        Ok(rendered)
    }
}

/// Reads and validates the whole site; nothing is written. The stages run
/// in pipeline order and stop between stages, never inside one, so a run
/// reports every finding it can see.
pub fn prepare(
    opts: &BuildOptions,
    timings: &mut Vec<(&'static str, std::time::Duration)>,
) -> Result<Prepared, BuildError> {
    let mut laps = Laps::new(timings);
    let now = match opts.now {
        Some(now) => now,
        None => clock::now().map_err(BuildError::Usage)?,
    };
    let (config, live_base_url, mut diags) = read_config(opts)?;
    laps.lap("config");

    let (sources, scan_diags) = source::scan(&opts.root);
    diags.extend(scan_diags);
    laps.lap("read content");
    let (docs, parse_diags) = content::parse_all(&sources);
    diags.extend(parse_diags);
    let theme = source::locate_theme(&opts.root, &config.theme).map_err(|d| diags.push(d));
    laps.lap("parse content");
    if diags.has_errors() {
        // Every file still read (its wrong values left at their defaults):
        // the references between files are checked too, so a writer sees
        // `service: electrophysology` in the same run as `weight: seventy`.
        if docs.len() == sources.files.len() {
            let resolve = model::ResolveOptions {
                drafts: opts.drafts,
                now,
            };
            if let Err(d) = model::resolve(&docs, &config, &sources, resolve) {
                diags.extend(d);
            }
        }
        return Err(BuildError::Findings(diags));
    }

    let resolve = model::ResolveOptions {
        drafts: opts.drafts,
        now,
    };
    let site = model::resolve(&docs, &config, &sources, resolve).map_err(|d| diags.extend(d));
    // Serve keeps the parsed documents to resolve again after an edit; a
    // build frees them before it renders.
    let docs = if opts.serving { docs } else { Vec::new() };
    if let Ok(site) = &site {
        diags.extend(check::stale_availability(site, &sources));
    }
    laps.lap("resolve");
    let Ok(theme) = theme else {
        return Err(BuildError::Findings(diags));
    };

    let (assets, templates) = load_theme(opts, &theme, &config, &sources, &mut diags);
    laps.lap("theme");
    if let (Ok(site), Ok(assets)) = (&site, &assets) {
        let plan =
            render::plan(site, assets, render::RenderOptions::default()).map_err(BuildError::Io)?;
        diags.extend(render::collisions(&opts.root, site, &sources, &plan));
    }
    match (site, assets, templates) {
        (Ok(site), Ok(assets), Ok(Some(templates))) if !diags.has_errors() => {
            let preview = site.config.base_url != live_base_url;
            Ok(Prepared {
                site,
                sources,
                templates,
                assets,
                warnings: diags,
                preview,
                docs,
            })
        }
        (_, assets, templates) => {
            if let Err(d) = assets {
                diags.extend(d);
            }
            if let Err(d) = templates {
                diags.extend(d);
            }
            Err(BuildError::Findings(diags))
        }
    }
}

/// Stage timings for `--verbose`-style progress, one lap per stage.
struct Laps<'a> {
    timings: &'a mut Vec<(&'static str, std::time::Duration)>,
    started: Instant,
}

impl<'a> Laps<'a> {
    fn new(timings: &'a mut Vec<(&'static str, std::time::Duration)>) -> Self {
        Laps {
            timings,
            started: Instant::now(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        self.timings.push((stage, self.started.elapsed()));
        self.started = Instant::now();
    }
}

/// Stage 1: site.toml, with `--base-url` applied. Returns the config, the
/// live base URL (a different one makes a preview build) and the findings
/// that do not stop the next stage.
fn read_config(
    opts: &BuildOptions,
) -> Result<(config::Config, config::BaseUrl, Diagnostics), BuildError> {
    let root = &opts.root;
    let config_path = root.join(config::FILE);
    if !config_path.is_file() {
        return Err(BuildError::Usage(format!(
            "`{}` has no site.toml; run handoff in a site's folder, pass `--root DIR`, or create a site with `handoff new DIR`",
            root.display()
        )));
    }
    let config_text = source::read_site_text(root, &config_path)
        .map_err(|d| BuildError::Findings(Diagnostics::from(d)))?;
    let mut config = config::parse(&config_text).map_err(BuildError::Findings)?;
    let live_base_url = config.base_url.clone();
    if let Some(url) = &opts.base_url {
        config.base_url = config::BaseUrl::parse(url).map_err(|msg| {
            BuildError::Findings(Diagnostics::from(
                Diagnostic::new(Code::ConfigInvalidValue, format!("--base-url: {msg}"))
                    .with_hint("pass an absolute https address"),
            ))
        })?;
    }
    let mut diags = Diagnostics::new();
    if let Some(endpoint) = config.intake.as_ref().and_then(|i| i.account.endpoint())
        && endpoint.starts_with("http:")
        && !opts.serving
    {
        diags.push(
            Diagnostic::new(Code::ConfigInvalidValue, format!("the intake endpoint `{endpoint}` is not encrypted; `http:` works only under `handoff serve`"))
                .in_file(config::FILE)
                .with_hint("use the backend's `https://` address for a real build"),
        );
    }
    Ok((config, live_base_url, diags))
}

/// The theme stage: stylesheets and scripts (hashed, or not under serve),
/// then the templates, which need the asset names. Templates are loaded
/// only when the assets built, as their findings would repeat the assets'.
fn load_theme(
    opts: &BuildOptions,
    theme: &source::Theme,
    config: &config::Config,
    sources: &source::SourceSet,
    diags: &mut Diagnostics,
) -> (
    Result<assets::Assets, Diagnostics>,
    Result<Option<templates::Templates>, Diagnostics>,
) {
    let mut assets = assets::build(&source::asset_files(&opts.root, theme), config, sources);
    if let Ok(a) = &mut assets {
        diags.extend(a.warnings.clone());
        if opts.serving {
            a.without_hashes();
        }
    }
    let templates = match &assets {
        Ok(a) => templates::load(
            source::template_files(&opts.root, theme),
            &a.manifest,
            config.build.minify,
        )
        .map(Some),
        Err(_) => Ok(None),
    };
    (assets, templates)
}

/// The output folder a run writes to.
pub fn output_dir(opts: &BuildOptions, config_output: &str) -> PathBuf {
    opts.output
        .clone()
        .unwrap_or_else(|| opts.root.join(config_output))
}

/// Builds the site into its output folder, atomically: every failure,
/// the swap's included, leaves the previous folder as it was.
pub fn build_site(opts: &BuildOptions) -> Result<Built, BuildError> {
    let mut timings = Vec::new();
    let prepared = prepare(opts, &mut timings)?;
    let output = output_dir(opts, &prepared.site.config.build.output_dir);
    let shown = display_output(&opts.root, &output);
    // Held (locked) until the build ends.
    let target = output::Output::claim(&opts.root, &output, &shown)
        .map_err(|d| BuildError::Findings(Diagnostics::from(d)))?;
    let t = Instant::now();
    let staging = target.stage().map_err(BuildError::Io)?;
    let recorder = check::PathRecorder::new(&staging);
    let rendered = prepared.render_into(false, &recorder);
    let written = recorder.into_paths();
    let (pages, mut all) = match rendered {
        Ok(r) => (r.pages, r.diagnostics),
        Err(e) => {
            staging.discard();
            return Err(BuildError::Io(e));
        }
    };
    timings.push(("render", t.elapsed()));
    let t = Instant::now();
    all.extend(check::broken_page_links(
        &prepared.site,
        &prepared.sources,
        &written,
    ));
    timings.push(("links", t.elapsed()));
    if all.has_errors() {
        staging.discard();
        return Err(BuildError::Findings(all));
    }
    let t = Instant::now();
    staging.commit().map_err(BuildError::Io)?;
    timings.push(("write", t.elapsed()));
    Ok(Built {
        output,
        pages,
        files: written.len(),
        warnings: all,
        timings,
    })
}

/// Runs every validation of a build plus the audits of `check`; writes nothing.
pub fn check_site(opts: &BuildOptions) -> Result<Diagnostics, BuildError> {
    let mut timings = Vec::new();
    let prepared = prepare(opts, &mut timings)?;
    let sink = check::AuditSink::default();
    let mut all = prepared
        .render_into(false, &sink)
        .map_err(BuildError::Io)?
        .diagnostics;
    all.extend(check::audit(
        &prepared.site,
        &prepared.sources,
        &sink.into_files(),
    ));
    // The config keeps no text; site.toml was read a moment ago by `prepare`.
    let config_text = source::read_site_text(&opts.root, &opts.root.join(config::FILE))
        .map_err(|d| BuildError::Findings(Diagnostics::from(d)))?;
    all.extend(check::todo_notes(
        &config_text,
        &prepared.site,
        &prepared.sources,
    ));
    all.sort();
    Ok(all)
}

/// The intake backend's setup sheet (`handoff intake`): what each form
/// sends, under the names the backend receives; `None` without `[intake]`.
pub fn intake_sheet(opts: &BuildOptions) -> Result<Option<forms::delivery::Sheet>, BuildError> {
    let prepared = prepare(opts, &mut Vec::new())?;
    Ok(forms::delivery::sheet(&prepared.site))
}

fn display_output(root: &Path, output: &Path) -> String {
    output
        .strip_prefix(root)
        .unwrap_or(output)
        .display()
        .to_string()
}

/// The repository's example site, prepared: what unit tests read.
#[cfg(test)]
pub(crate) fn example() -> Prepared {
    let opts = BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        ..BuildOptions::default()
    };
    match prepare(&opts, &mut Vec::new()) {
        Ok(p) => p,
        Err(_) => panic!("the example site does not build"),
    }
}
