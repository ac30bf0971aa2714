//! `handoff new DIR`: a site that builds as is, from files compiled into
//! the binary (no network, no checkout of handoff).
//!
//! ```text
//! DIR/
//!   site.toml                 the practice: name, address, phone; no [intake]
//!   content/                  the default: one service line, referral reason,
//!                             location and checklist (starter/), each value to
//!                             replace marked `TODO:` (check warns: W051);
//!                             --example: the example practice (the repository's
//!                             content/ and static/)
//!   themes/clinic/            the default theme (until it is built in)
//!   .gitignore                the output folder, its staging folders, .handoff/
//!   .github/workflows/site.yml  check on pull requests, publish main to Pages
//! ```
//!
//! Neither variant has forms: a new site must not post referrals to an
//! address nobody receives at, nor claim a business associate agreement
//! (`phi_ok = true`) the practice has not signed. site.toml says how to
//! switch them on.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use include_dir::{Dir, include_dir};

use super::{EXIT_ERRORS, Output};
use crate::diag;
use crate::theme::embedded;

/// The minimal practice, placeholders marked `TODO:`.
static STARTER: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/cli/new/starter");
/// The example practice: the repository root is its site folder.
static EXAMPLE_CONTENT: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/content");
static EXAMPLE_STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");
const EXAMPLE_SITE_TOML: &str = include_str!("../../../site.toml");

/// The CI workflow both variants get.
const WORKFLOW: &str = include_str!("site.yml");

/// What git leaves out: the output folder (`[build] output_dir`'s default),
/// the staging and set-aside folders a build makes beside it
/// (`crate::output`), and `serve`'s local form sink.
const GITIGNORE: &str = "\
# Written by handoff: the built site, the folders a build stages it in, and
# what `handoff serve` keeps (the forms sent to its local sink).
/public/
/public.tmp-*/
/public.old-*/
/.handoff/
";

/// Appended to site.toml: how to switch the forms on.
const FORMS_NOTE: &str = "
# Forms. Until `[intake]` names the service that receives them, no form is
# built and every page offers phone, fax and email instead. When the
# practice's intake service is ready, add for example:
#
#   [intake]
#   backend = \"webhook\"     # webhook | formspree | netlify | hubspot | salesforce
#   endpoint = \"https://…\"  # the address the intake service gives you
#   phi_ok = false          # true only under a business associate agreement
#
# `handoff intake` then prints every field each form sends.
";

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The folder to create (must not exist, or be empty).
    pub dir: PathBuf,
    /// Start from the example practice of handoff's repository instead of
    /// a minimal one with placeholders.
    #[arg(long)]
    pub example: bool,
    /// Not an option of `new` (it names the folder it creates): declared
    /// here, hidden, so the global `--root` stays out of `new --help`, and
    /// refused when given.
    #[arg(long, hide = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

pub fn run(args: &NewArgs, out: &Output) -> ExitCode {
    let dir = &args.dir;
    if args.root.is_some() {
        return out.usage_error(
            "`new` takes no `--root`: it creates the folder it is given, as in `handoff new DIR`",
        );
    }
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
    match write_scaffold(dir, args.example) {
        Ok(count) => {
            let what = if args.example {
                "the example practice"
            } else {
                "a new practice"
            };
            out.progress(&format!(
                "Created {what} in {} ({count} files).",
                diag::shown(&dir.display().to_string())
            ));
            if !args.example {
                out.progress(
                    "Every `TODO:` in site.toml and content/ is a placeholder for the practice's own words.",
                );
            }
            out.progress(&next_steps(dir));
            ExitCode::SUCCESS
        }
        Err(e) => {
            super::fatal(format_args!("{e:#}"));
            ExitCode::from(EXIT_ERRORS)
        }
    }
}

/// The commands to run next, ready to paste.
fn next_steps(dir: &Path) -> String {
    format!(
        "Next:\n  cd {}\n  handoff serve    # preview it in a browser, rebuilt on every save\n  handoff check    # every finding (placeholders too), and where to fix it",
        shell_word(&dir.display().to_string()),
    )
}

/// `word` as one shell word: as it is when it is plain, else single-quoted.
/// Control characters are shown, never sent to the terminal.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./+:@%,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", diag::shown(&word.replace('\'', r"'\''")))
    }
}

fn write_scaffold(dir: &Path, example: bool) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    let count = if example {
        write_file(dir, "site.toml", &example_site_toml())?;
        embedded::write(&EXAMPLE_CONTENT, &dir.join("content"))?
            + embedded::write(&EXAMPLE_STATIC, &dir.join("static"))?
            + 1
    } else {
        let starter = embedded::write(&STARTER, dir)?;
        append_file(dir, "site.toml", FORMS_NOTE)?;
        starter
    };
    write_file(dir, ".gitignore", GITIGNORE)?;
    write_file(dir, ".github/workflows/site.yml", WORKFLOW)?;
    // No theme folder: the built-in theme `clinic` serves it, and
    // `handoff theme eject` writes it out when the practice customizes it.
    Ok(count + 2)
}

fn write_file(dir: &Path, rel: &str, text: &str) -> anyhow::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("failed to write `{}`", path.display()))
}

fn append_file(dir: &Path, rel: &str, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let path = dir.join(rel);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .with_context(|| format!("failed to write `{}`", path.display()))
}

/// The example practice's site.toml without its `[intake]` tables (their
/// endpoint is made up, and `phi_ok = true` claims an agreement), with the
/// note on how to switch forms on instead.
fn example_site_toml() -> String {
    without_table(EXAMPLE_SITE_TOML, "intake") + FORMS_NOTE
}

/// `toml` without the table `name` and its sub-tables (`[name.x]`). The
/// comments and blank lines just above the next table stay with it.
fn without_table(toml: &str, name: &str) -> String {
    let mut kept = String::new();
    let mut skipping = false;
    let mut held = String::new();
    for line in toml.lines() {
        let trimmed = line.trim_start();
        if let Some(header) = trimmed.strip_prefix('[') {
            let table = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            skipping = table == name || table.starts_with(&format!("{name}."));
            if !skipping {
                // One blank line where the table was, not two.
                let gap = if kept.ends_with("\n\n") {
                    held.trim_start_matches('\n')
                } else {
                    &held
                };
                kept.push_str(gap);
            }
            held.clear();
        } else if skipping && (trimmed.is_empty() || trimmed.starts_with('#')) {
            held.push_str(line);
            held.push('\n');
            continue;
        } else if skipping {
            held.clear();
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_site_toml_has_no_intake_and_parses() {
        let text = example_site_toml();
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert!(!table.contains_key("intake"), "{text}");
        assert!(!text.contains("phi_ok = true"), "{text}");
        assert!(table.contains_key("organization") && table.contains_key("build"));
        // The example's own site.toml still has its forms.
        assert!(EXAMPLE_SITE_TOML.contains("[intake]"));
    }

    #[test]
    fn a_table_goes_with_its_sub_tables_and_the_next_table_keeps_its_comment() {
        let toml = "a = 1\n\n[intake]\nx = 1\n\n[intake.field_names]\ny = \"z\"\n\n# the build\n[build]\nminify = true\n";
        assert_eq!(
            without_table(toml, "intake"),
            "a = 1\n\n# the build\n[build]\nminify = true\n"
        );
        assert_eq!(
            without_table("[intakes]\nx = 1\n", "intake"),
            "[intakes]\nx = 1\n"
        );
    }

    #[test]
    fn next_steps_quote_a_folder_the_shell_would_split() {
        assert_eq!(shell_word("my-site"), "my-site");
        assert_eq!(shell_word("../sites/clinic_2"), "../sites/clinic_2");
        assert_eq!(shell_word("My Site"), "'My Site'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
