//! `handoff completions SHELL`: the shell's completion script, on stdout.

use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

#[derive(Debug, Args)]
#[command(
    after_help = "Example (bash): handoff completions bash > ~/.local/share/bash-completion/completions/handoff"
)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> ExitCode {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "handoff", &mut std::io::stdout());
    ExitCode::SUCCESS
}
