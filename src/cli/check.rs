//! `handoff check`: every validation of a build plus the content audits,
//! for CI and writers; writes nothing.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{EXIT_ERRORS, Output};
use crate::diag::{self, Diagnostics};
use crate::{BuildError, BuildOptions, check_site};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// rustc-style, for people (coloured on a terminal)
    Human,
    /// one JSON object per finding, one per line
    Json,
    /// GitHub Actions annotations
    Github,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How to print findings.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Check pages marked `draft: true` too.
    #[arg(long)]
    pub drafts: bool,
}

pub fn run(root: &Path, args: &CheckArgs, out: &Output) -> ExitCode {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        drafts: args.drafts,
        serving: false,
        now: None,
    };
    let started = std::time::Instant::now();
    let diags = match check_site(&opts) {
        Ok(d) => d,
        Err(BuildError::Findings(mut d)) => {
            d.sort();
            d
        }
        Err(BuildError::Usage(msg)) => return out.usage_error(&msg),
        Err(BuildError::Io(e)) => {
            super::fatal(format_args!("{e:#}"));
            return ExitCode::from(EXIT_ERRORS);
        }
    };
    print_findings(&diags, args.format, out);
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    out.progress(&format!(
        "check: {errors} error{}, {warnings} warning{} in {:.2} s",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    ));
    if errors > 0 || (args.strict && warnings > 0) {
        ExitCode::from(EXIT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Findings are the output of `check`, so they go to stdout.
fn print_findings(diags: &Diagnostics, format: Format, out: &Output) {
    let text = match format {
        Format::Human => diag::render_human(diags, out.color_stdout),
        Format::Json => diag::render_json(diags),
        Format::Github => diag::render_github(diags),
    };
    print!("{text}");
}
