//! Command-line interface: argument structs, dispatch, printing findings,
//! exit codes (SPEC §1: 0 success, 1 content errors, 2 bad usage). No build
//! logic lives here.

mod build;
mod check;
mod intake;
mod new;
mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::{self, Diagnostics};

/// Builds the website of a specialty medical practice from Markdown and YAML.
#[derive(Debug, Parser)]
#[command(
    name = "handoff",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("HANDOFF_COMMIT"), ")"),
    about,
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    /// The site's folder (the one that holds site.toml).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Print only findings, no progress.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/ (or --output).
    Build(build::BuildArgs),
    /// Run every check of a build plus the content audits; write nothing.
    Check(check::CheckArgs),
    /// Build, serve, watch and live-reload; forms post to a local sink.
    Serve(serve::ServeArgs),
    /// Create a new site in DIR that builds as is.
    New(new::NewArgs),
    /// Print the intake backend's setup sheet: every field each form sends.
    Intake(intake::IntakeArgs),
}

/// Exit codes of SPEC §1.
pub const EXIT_ERRORS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(EXIT_USAGE),
            };
        }
    };
    let out = Output {
        quiet: cli.quiet,
        color: std::io::stderr().is_terminal(),
        color_stdout: std::io::stdout().is_terminal(),
    };
    match cli.command {
        Command::Build(args) => build::run(&cli.root, &args, &out),
        Command::Check(args) => check::run(&cli.root, &args, &out),
        Command::Serve(args) => serve::run(&cli.root, &args, &out),
        Command::New(args) => new::run(&args, &out),
        Command::Intake(args) => intake::run(&cli.root, &args, &out),
    }
}

/// Where and how a command talks to the person running it.
pub struct Output {
    pub quiet: bool,
    /// stderr is a terminal: colour findings and progress.
    pub color: bool,
    /// stdout is a terminal (`check` prints findings there).
    pub color_stdout: bool,
}

impl Output {
    pub fn progress(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    pub fn findings(&self, diags: &Diagnostics) {
        if !diags.is_empty() {
            eprint!("{}", diag::render_human(diags, self.color));
        }
    }

    pub fn usage_error(&self, msg: &str) -> ExitCode {
        fatal(msg);
        ExitCode::from(EXIT_USAGE)
    }
}

/// Prints an error that is not a finding (I/O, usage). Its text can hold a
/// path a pull request chose, so control characters are shown, not sent to
/// the terminal or the CI log.
pub fn fatal(msg: impl std::fmt::Display) {
    eprintln!("error: {}", diag::shown(&msg.to_string()));
}
