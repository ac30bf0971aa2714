//! `handoff intake`: the setup sheet of the configured intake backend, for
//! the marketing team (human) and for CI and other tools (JSON): every name
//! each form sends, what it carries, and what to create in the backend.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{EXIT_ERRORS, Output};
use crate::forms::delivery::{FormSheet, Received, Sheet};
use crate::{BuildError, BuildOptions, intake_sheet};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// a sheet to read
    Human,
    /// one JSON object
    Json,
}

#[derive(Debug, Args)]
pub struct IntakeArgs {
    /// How to print the sheet.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

pub fn run(root: &Path, args: &IntakeArgs, out: &Output) -> ExitCode {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        drafts: false,
        serving: false,
        now: None,
    };
    let sheet = match intake_sheet(&opts) {
        Ok(Some(sheet)) => sheet,
        Ok(None) => {
            super::fatal("site.toml has no [intake] section, so the site has no forms");
            return ExitCode::from(EXIT_ERRORS);
        }
        Err(BuildError::Findings(mut d)) => {
            d.sort();
            out.findings(&d);
            return ExitCode::from(EXIT_ERRORS);
        }
        Err(BuildError::Usage(msg)) => return out.usage_error(&msg),
        Err(BuildError::Io(e)) => {
            super::fatal(format_args!("{e:#}"));
            return ExitCode::from(EXIT_ERRORS);
        }
    };
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&sheet) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                super::fatal(e);
                return ExitCode::from(EXIT_ERRORS);
            }
        },
        Format::Human => print!("{}", human(&sheet)),
    }
    ExitCode::SUCCESS
}

/// The sheet as a person reads it, one section per form.
fn human(sheet: &Sheet) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Intake backend: {}", sheet.backend);
    for form in &sheet.forms {
        form_section(&mut s, sheet.backend, form);
    }
    s
}

fn form_section(s: &mut String, backend: &str, form: &FormSheet) {
    let _ = writeln!(s, "\n{} form", capitalised(form.form.as_str()));
    let _ = writeln!(s, "  posts to   {}", form.action);
    let how = match (form.needs_script, form.transport) {
        (true, _) => "by its script (without JavaScript the form shows the phone number instead)",
        (false, crate::forms::backend::Transport::Fetch) => {
            "JSON by its script (a native post without JavaScript)"
        }
        (false, crate::forms::backend::Transport::Native) => "a native form post",
    };
    let _ = writeln!(s, "  sends      {how}");
    let _ = writeln!(s, "  schema     {}", form.schema);
    let _ = writeln!(s, "\n  Fields the {backend} backend receives:");
    let width = form.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for f in &form.fields {
        let _ = writeln!(s, "    {:width$}  {}", f.name, describe(f));
    }
    if let Some(digest) = &form.digest {
        let _ = writeln!(
            s,
            "\n  `{}` carries every other value as \"Label: value\" lines:",
            digest.name
        );
        for line in &digest.lines {
            let _ = writeln!(s, "    {}  ({})", line.label, line.canonical);
        }
        let _ = writeln!(
            s,
            "  Map one to a property of its own with [intake.field_names] in site.toml."
        );
    }
    if !form.create.is_empty() {
        let _ = writeln!(s, "\n  Create these properties in {backend} first:");
        for p in &form.create {
            let _ = writeln!(s, "    {}  \"{}\"  ({})", p.name, p.label, p.field_type);
        }
    }
}

/// One received name: its type, whether required, what it carries.
fn describe(f: &Received) -> String {
    let mut parts = vec![f.kind.to_owned()];
    parts.push(if f.required { "required" } else { "optional" }.to_owned());
    if f.standard == Some(true) {
        parts.push("standard property".to_owned());
    }
    if let Some(value) = &f.value {
        parts.push(format!("always {value:?}"));
    }
    if let Some(services) = &f.services {
        let list: Vec<&str> = services.iter().map(String::as_str).collect();
        parts.push(format!("on {} pages", list.join(", ")));
    }
    let carries = if f.digest {
        "the values listed below".to_owned()
    } else if f.carries.is_empty() {
        f.label.clone()
    } else {
        format!("{} ({})", f.label, f.carries.join(", "))
    };
    format!("{}: {carries}", parts.join(", "))
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
