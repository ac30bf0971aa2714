//! Command-line interface: argument structs, dispatch, printing findings,
//! exit codes (SPEC §1: 0 success, 1 content errors, 2 bad usage). No build
//! logic lives here.

mod build;
mod check;
mod completions;
mod intake;
mod new;
mod serve;
mod theme;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// The site's folder (the one that holds site.toml) [default: .]
    // Global, except for `new`, which declares its own hidden `root` to keep
    // this one out of its help (see `new::NewArgs::root`).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print only findings, no progress.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Colour findings: `auto` (on a terminal, unless NO_COLOR is set or
    /// CLICOLOR_FORCE forces it), `always` or `never`.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub color: ColorWhen,
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
    /// Work with the built-in theme: `handoff theme eject` writes it out.
    Theme(theme::ThemeArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
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
    let env = ColorEnv::read();
    let out = Output {
        quiet: cli.quiet,
        color: cli.color.resolve(&env, std::io::stderr().is_terminal()),
        color_stdout: cli.color.resolve(&env, std::io::stdout().is_terminal()),
    };
    let root = cli.root.unwrap_or_else(|| PathBuf::from("."));
    match cli.command {
        Command::Build(args) => build::run(&root, &args, &out),
        Command::Check(args) => check::run(&root, &args, &out),
        Command::Serve(args) => serve::run(&root, &args, &out),
        Command::New(args) => new::run(&args, &out),
        Command::Intake(args) => intake::run(&root, &args, &out),
        Command::Theme(args) => theme::run(&root, &args, &out),
        Command::Completions(args) => completions::run(&args),
    }
}

/// When to colour what handoff prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// The colour conventions of the environment: `NO_COLOR` (no-color.org)
/// and `CLICOLOR_FORCE`; each counts when set and not empty (`0` also
/// turns `CLICOLOR_FORCE` off).
#[derive(Debug, Default)]
pub struct ColorEnv {
    pub no_color: bool,
    pub force: bool,
}

impl ColorEnv {
    fn read() -> ColorEnv {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        ColorEnv {
            no_color: set("NO_COLOR"),
            force: set("CLICOLOR_FORCE") && std::env::var_os("CLICOLOR_FORCE") != Some("0".into()),
        }
    }
}

impl ColorWhen {
    /// Whether a stream gets colour. The flag wins over the environment
    /// (it is the more specific request); under `auto`, `NO_COLOR` wins
    /// over `CLICOLOR_FORCE`, which wins over the terminal test.
    pub fn resolve(self, env: &ColorEnv, is_terminal: bool) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => !env.no_color && (env.force || is_terminal),
        }
    }
}

/// Where and how a command talks to the person running it.
pub struct Output {
    pub quiet: bool,
    /// Colour what goes to stderr (findings and progress).
    pub color: bool,
    /// Colour what goes to stdout (`check` prints findings there).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_then_no_color_then_clicolor_force_then_the_terminal() {
        let env = |no_color, force| ColorEnv { no_color, force };
        for (when, no_color, force, terminal, want) in [
            (ColorWhen::Auto, false, false, true, true),
            (ColorWhen::Auto, false, false, false, false),
            (ColorWhen::Auto, true, false, true, false),
            (ColorWhen::Auto, false, true, false, true),
            (ColorWhen::Auto, true, true, true, false),
            (ColorWhen::Never, false, true, true, false),
            (ColorWhen::Always, true, false, false, true),
        ] {
            assert_eq!(
                when.resolve(&env(no_color, force), terminal),
                want,
                "{when:?} NO_COLOR={no_color} CLICOLOR_FORCE={force} terminal={terminal}"
            );
        }
    }
}
