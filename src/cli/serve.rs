//! `handoff serve`: live preview with a local intake sink.

use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_ERRORS, EXIT_USAGE, Output};
use crate::BuildOptions;
use crate::serve::{ServeError, ServeOptions};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (default: site.toml's `[serve] port`, else 1111).
    #[arg(long, short)]
    pub port: Option<u16>,
    /// Address to listen on; anything but loopback is reachable from other machines.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Send form submissions to the configured intake backend instead of the local sink.
    #[arg(long)]
    pub real_intake: bool,
}

pub fn run(root: &Path, args: &ServeArgs, out: &Output) -> ExitCode {
    let opts = ServeOptions {
        build: BuildOptions {
            root: root.to_path_buf(),
            output: None,
            base_url: None,
            drafts: args.drafts,
            serving: true,
            now: None,
        },
        bind: args.bind,
        port: args.port,
        open: args.open,
        real_intake: args.real_intake,
        quiet: out.quiet,
        color: out.color,
    };
    match crate::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::Usage(msg)) => {
            super::fatal(msg);
            ExitCode::from(EXIT_USAGE)
        }
        Err(ServeError::Io(e)) => {
            super::fatal(format_args!("{e:#}"));
            ExitCode::from(EXIT_ERRORS)
        }
    }
}
