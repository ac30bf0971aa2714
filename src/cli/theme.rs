//! `handoff theme eject [--to DIR]`: writes the built-in theme out, so a
//! practice can change it. The copy then replaces the built-in theme whole
//! (`source::locate_theme`); a site that only wants to change a template or
//! two puts them in its own `templates/` instead.
//!
//! The files are written into a hidden folder beside the target and moved
//! into place in one rename, so an interrupted eject leaves no half theme
//! that the next build would take for the site's own.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::{EXIT_ERRORS, Output};
use crate::theme::embedded::{self, DEFAULT_THEME, NAME};

#[derive(Debug, Args)]
pub struct ThemeArgs {
    #[command(subcommand)]
    pub command: ThemeCommand,
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Write the built-in theme into the site to change it (never overwrites).
    Eject(EjectArgs),
}

#[derive(Debug, Args)]
pub struct EjectArgs {
    /// Where to write the theme [default: themes/clinic under --root].
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
}

pub fn run(root: &Path, args: &ThemeArgs, out: &Output) -> ExitCode {
    match &args.command {
        ThemeCommand::Eject(eject) => run_eject(root, eject, out),
    }
}

fn run_eject(root: &Path, args: &EjectArgs, out: &Output) -> ExitCode {
    let default_target = root.join("themes").join(NAME);
    // Without `--to`, the theme goes into a site: never into whatever
    // folder the command happened to run in.
    if args.to.is_none() && !root.join(crate::config::FILE).is_file() {
        return out.usage_error(&format!(
            "`{}` has no site.toml; run handoff in a site's folder, pass `--root DIR`, or choose a folder with `--to DIR`",
            root.display()
        ));
    }
    let target = args.to.as_ref().unwrap_or(&default_target);
    if std::fs::symlink_metadata(target).is_ok() {
        return out.usage_error(&format!(
            "`{}` already exists; handoff never overwrites a theme. Choose another folder with `--to`, or move that one away first",
            target.display()
        ));
    }
    match eject(target) {
        Ok(count) => {
            let next = if *target == default_target {
                "The site now builds with this copy instead of the built-in theme.\n\
                 Next: change its files, then run `handoff serve` to see them."
                    .to_owned()
            } else {
                format!(
                    "Next: to build with it, move it to `{}` (it then replaces the built-in theme whole).",
                    default_target.display()
                )
            };
            out.progress(&format!(
                "Wrote the built-in theme `{NAME}` to {} ({count} files).\n{next}\n\
                 To change a template or two, copy just those into the site's `templates/` instead.",
                target.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            super::fatal(format_args!("{e:#}"));
            ExitCode::from(EXIT_ERRORS)
        }
    }
}

/// Writes the theme into a hidden sibling of `target`, then renames it into
/// place. The rename fails rather than replace a folder with files in it,
/// so a folder created meanwhile is kept too.
fn eject(target: &Path) -> anyhow::Result<usize> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map_or_else(|| NAME.into(), |n| n.to_string_lossy().into_owned());
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("failed to create `{}`", parent.display()))?;
    let staging = parent.join(format!(".{name}.eject-{}", std::process::id()));
    let written = embedded::write(&DEFAULT_THEME, &staging).and_then(|count| {
        std::fs::rename(&staging, target)
            .with_context(|| format!("failed to move the theme into `{}`", target.display()))?;
        Ok(count)
    });
    if written.is_err() && staging.exists() {
        // Best effort: the error above is what the user needs to see.
        let _ = std::fs::remove_dir_all(&staging);
    }
    written
}
