//! `handoff build`: a full build into the output folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_ERRORS, Output};
use crate::{BuildError, BuildOptions, build_site};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write the site here instead of site.toml's `[build] output_dir`.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Build for another address (a preview).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(root: &Path, args: &BuildArgs, out: &Output) -> ExitCode {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        serving: false,
        now: None,
    };
    let started = std::time::Instant::now();
    match build_site(&opts) {
        Ok(built) => {
            out.findings(&built.warnings);
            let warnings = built.warnings.warning_count();
            out.progress(&format!(
                "Built {} in {:.2} s into {}{}",
                crate::built_counts(built.pages, built.files),
                started.elapsed().as_secs_f64(),
                built.output.display(),
                if warnings > 0 {
                    format!(" ({warnings} warnings)")
                } else {
                    String::new()
                }
            ));
            // For benchmarks (CONTRIBUTING.md): where a build's time went.
            if std::env::var_os("HANDOFF_TIMINGS").is_some() {
                for (stage, took) in &built.timings {
                    eprintln!("{stage:>14}: {:7.1} ms", took.as_secs_f64() * 1e3);
                }
            }
            if args.strict && warnings > 0 {
                eprintln!("error: --strict: {warnings} warnings");
                return ExitCode::from(EXIT_ERRORS);
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Findings(mut diags)) => {
            diags.sort();
            out.findings(&diags);
            eprintln!(
                "error: build failed with {} error{}; nothing was written",
                diags.error_count(),
                if diags.error_count() == 1 { "" } else { "s" }
            );
            ExitCode::from(EXIT_ERRORS)
        }
        Err(BuildError::Usage(msg)) => out.usage_error(&msg),
        Err(BuildError::Io(e)) => {
            super::fatal(format_args!("{e:#}"));
            ExitCode::from(EXIT_ERRORS)
        }
    }
}
