//! `handoff new DIR`: scaffold a working site from the embedded example.
//!
//! ```text
//! DIR/
//!   site.toml                 the example practice's configuration
//!   content/                  home, service lines, referral reasons, locations,
//!                             physicians, checklists, about and privacy pages
//!   static/                   logo and images
//!   themes/clinic/            the default theme
//! ```
//! The files are compiled into the binary (the theme by
//! [`crate::theme::embedded`]), so `new` needs no network and no checkout
//! of handoff.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use include_dir::{Dir, include_dir};

use super::{EXIT_ERRORS, Output};
use crate::theme::embedded::{self, DEFAULT_THEME};

static CONTENT: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/content");
static STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");
const SITE_TOML: &str = include_str!("../../site.toml");

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The folder to create (must not exist, or be empty).
    pub dir: PathBuf,
}

pub fn run(args: &NewArgs, out: &Output) -> ExitCode {
    let dir = &args.dir;
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return out.usage_error(&format!(
            "`{}` already exists and is not empty; choose a new folder",
            dir.display()
        ));
    }
    if dir.is_file() {
        return out.usage_error(&format!(
            "`{}` is a file; choose a new folder",
            dir.display()
        ));
    }
    match write_scaffold(dir) {
        Ok(count) => {
            out.progress(&format!(
                "Created a site in {} ({count} files). Next:\n  cd {}\n  handoff build",
                dir.display(),
                dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            super::fatal(format_args!("{e:#}"));
            ExitCode::from(EXIT_ERRORS)
        }
    }
}

fn write_scaffold(dir: &Path) -> anyhow::Result<usize> {
    use anyhow::Context as _;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    std::fs::write(dir.join("site.toml"), SITE_TOML)
        .with_context(|| format!("failed to write `{}`", dir.join("site.toml").display()))?;
    let mut count = 1;
    for (files, target) in [
        (&CONTENT, dir.join("content")),
        (&STATIC, dir.join("static")),
        (&DEFAULT_THEME, dir.join("themes/clinic")),
    ] {
        count += embedded::write(files, &target)?;
    }
    Ok(count)
}
