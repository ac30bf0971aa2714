//! The findings of a run as tests read them. `check --format json` is the
//! source: one object per line with the keys of SPEC §9, so the human layout
//! can change without touching an assertion. `build` and `serve` print
//! findings for people only; for them, and for the tests of the human layout
//! itself, [`parse_human`] reads the header and arrow lines of the rustc
//! style and nothing else.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Outcome;

/// One finding, whichever form it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// "error" or "warning".
    pub severity: String,
    pub code: String,
    /// What is wrong, in one line (the text after `error[Exxx]: `).
    pub message: String,
    /// How to fix it, when the finding has a hint.
    pub hint: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Everything the finding says, for [`Found::mentions`]: the message and
    /// the hint; in the human layout, the whole block (header, location,
    /// source excerpt, help lines).
    pub text: String,
}

impl Diagnostic {
    pub fn location(&self) -> String {
        match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), Some(l), None) => format!("{f}:{l}"),
            (Some(f), None, _) => f.clone(),
            (None, _, _) => "(no location)".to_owned(),
        }
    }
}

/// The keys of every object `check --format json` prints (SPEC §9).
const JSON_KEYS: [&str; 7] = [
    "severity", "code", "file", "line", "column", "message", "hint",
];

/// Reads `check --format json` output: one object per line, each with
/// exactly the keys of SPEC §9. An error names the line that is not one.
pub fn parse_json_lines(stdout: &str) -> Result<Vec<Diagnostic>, String> {
    let keys: BTreeSet<&str> = JSON_KEYS.into();
    stdout
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line)
                .map_err(|e| format!("not a JSON line: {line:?}: {e}"))?;
            let obj = v
                .as_object()
                .ok_or_else(|| format!("not a JSON object: {line}"))?;
            let got: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
            if got != keys {
                return Err(format!("the keys of {line} are not {JSON_KEYS:?}"));
            }
            let text = |key: &str| v[key].as_str().map(str::to_owned);
            let number = |key: &str| v[key].as_u64().and_then(|n| u32::try_from(n).ok());
            let required =
                |key: &str| text(key).ok_or_else(|| format!("no `{key}` string in {line}"));
            let message = required("message")?;
            let hint = text("hint");
            let said = match &hint {
                Some(h) => format!("{message}\n= help: {h}"),
                None => message.clone(),
            };
            Ok(Diagnostic {
                severity: required("severity")?,
                code: required("code")?,
                message,
                hint,
                file: text("file"),
                line: number("line"),
                column: number("column"),
                text: said,
            })
        })
        .collect()
}

/// A finding together with the run it came from, for failure messages.
pub struct Found<'a> {
    pub diag: Diagnostic,
    pub outcome: &'a Outcome,
}

impl Found<'_> {
    fn fail(&self, what: &str) -> ! {
        panic!(
            "finding {} {what}\n--- the finding\n{}\n{}",
            self.diag.code,
            self.diag.text,
            self.outcome.report()
        )
    }

    /// Asserts ` --> path:line:…`.
    pub fn at(&self, path: &str, line: u32) -> &Self {
        if self.diag.file.as_deref() != Some(path) || self.diag.line != Some(line) {
            self.fail(&format!(
                "should point at {path}:{line}, points at {}",
                self.diag.location()
            ));
        }
        self
    }

    /// Asserts ` --> path:line:column`.
    pub fn at_col(&self, path: &str, line: u32, column: u32) -> &Self {
        self.at(path, line);
        if self.diag.column != Some(column) {
            self.fail(&format!(
                "should point at {path}:{line}:{column}, points at {}",
                self.diag.location()
            ));
        }
        self
    }

    /// Asserts that the finding names `path` in its location.
    pub fn in_file(&self, path: &str) -> &Self {
        if self.diag.file.as_deref() != Some(path) {
            self.fail(&format!(
                "should point into {path}, points at {}",
                self.diag.location()
            ));
        }
        self
    }

    /// Asserts that the finding's block (message, excerpt, help) contains `needle`.
    pub fn mentions(&self, needle: &str) -> &Self {
        if !self.diag.text.contains(needle) {
            self.fail(&format!("should mention {needle:?}"));
        }
        self
    }

    /// Asserts that the finding's block contains at least one of `needles`.
    pub fn mentions_any(&self, needles: &[&str]) -> &Self {
        if !needles.iter().any(|n| self.diag.text.contains(n)) {
            self.fail(&format!("should mention one of {needles:?}"));
        }
        self
    }
}

/// Splits the human (rustc-style) layout into findings; used only where
/// handoff prints no JSON (`build`, `serve`'s terminal) and by the tests of
/// that layout itself. It reads no more of the layout than it must: a
/// finding starts at a line `error[Exxx]: …` or `warning[Wxxx]: …` and runs
/// to the next such line or to a summary line (`error: …`, `warning: …`
/// without a code); its location is the first ` --> path:line:col` line, its
/// hint the first `= help: ` line. Everything in between is kept as `text`
/// for [`Found::mentions`].
pub fn parse_human(output: &str) -> Vec<Diagnostic> {
    let clean = strip_ansi(output);
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut current: Option<Diagnostic> = None;
    for line in clean.lines() {
        if let Some(header) = parse_header(line) {
            out.extend(current.take());
            current = Some(header);
            continue;
        }
        let Some(diag) = current.as_mut() else {
            continue;
        };
        if line.starts_with("error:") || line.starts_with("warning:") {
            out.extend(current.take());
            continue;
        }
        diag.text.push('\n');
        diag.text.push_str(line);
        if diag.hint.is_none()
            && let Some(hint) = line.trim_start().strip_prefix("= help: ")
        {
            diag.hint = Some(hint.to_owned());
        }
        if diag.file.is_none()
            && let Some(loc) = line.trim_start().strip_prefix("--> ")
        {
            let (file, l, c) = parse_location(loc.trim());
            diag.file = Some(file);
            diag.line = l;
            diag.column = c;
        }
    }
    out.extend(current);
    out
}

fn parse_header(line: &str) -> Option<Diagnostic> {
    let (severity, rest) = if let Some(rest) = line.strip_prefix("error[") {
        ("error", rest)
    } else if let Some(rest) = line.strip_prefix("warning[") {
        ("warning", rest)
    } else {
        return None;
    };
    let (code, message) = rest.split_once("]:")?;
    Some(Diagnostic {
        severity: severity.to_owned(),
        code: code.to_owned(),
        message: message.trim().to_owned(),
        hint: None,
        file: None,
        line: None,
        column: None,
        text: line.to_owned(),
    })
}

/// `path`, `path:line` or `path:line:column`.
fn parse_location(loc: &str) -> (String, Option<u32>, Option<u32>) {
    let parts: Vec<&str> = loc.rsplitn(3, ':').collect();
    let num = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [c, l, file] if num(c).is_some() && num(l).is_some() => {
            ((*file).to_owned(), num(l), num(c))
        }
        [l, rest @ ..] if num(l).is_some() => (
            rest.iter().rev().copied().collect::<Vec<_>>().join(":"),
            num(l),
            None,
        ),
        _ => (loc.to_owned(), None, None),
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_json_findings() {
        let stdout = concat!(
            r#"{"severity":"error","code":"E020","file":"content/referrals/lung-nodule.md","line":4,"column":10,"message":"`service: thoracic-oncolgy` does not match any service line","hint":"did you mean `thoracic-oncology`?"}"#,
            "\n",
            r#"{"severity":"warning","code":"W001","file":null,"line":null,"column":null,"message":"the page has no description","hint":null}"#,
            "\n",
        );
        let found = parse_json_lines(stdout).expect("two findings");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].code, "E020");
        assert_eq!(found[0].severity, "error");
        assert_eq!(found[0].location(), "content/referrals/lung-nodule.md:4:10");
        assert_eq!(
            found[0].hint.as_deref(),
            Some("did you mean `thoracic-oncology`?")
        );
        assert!(found[0].text.contains("did you mean `thoracic-oncology`?"));
        assert_eq!((found[1].file.as_deref(), found[1].line), (None, None));
        assert_eq!(found[1].hint, None);
    }

    #[test]
    fn refuses_json_that_is_not_a_finding() {
        assert!(parse_json_lines("error[E020]: not json\n").is_err());
        assert!(parse_json_lines(r#"{"severity":"error","code":"E020"}"#).is_err());
    }

    #[test]
    fn parses_rustc_style_findings() {
        let stderr = "\
error[E020]: `service: thoracic-oncolgy` does not match any service line
 --> content/referrals/lung-nodule.md:4:10
  |
4 | service: thoracic-oncolgy
  |          ^^^^^^^^^^^^^^^^
  |
  = help: did you mean `thoracic-oncology`?

warning[W001]: the page has no description
 --> content/about.md:1:1

error[E003]: `base_url` is missing
 --> site.toml
error: build failed with 2 errors
";
        let found = parse_human(stderr);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].code, "E020");
        assert_eq!(found[0].severity, "error");
        assert_eq!(
            found[0].file.as_deref(),
            Some("content/referrals/lung-nodule.md")
        );
        assert_eq!((found[0].line, found[0].column), (Some(4), Some(10)));
        assert!(found[0].text.contains("did you mean `thoracic-oncology`?"));
        assert_eq!(
            found[0].hint.as_deref(),
            Some("did you mean `thoracic-oncology`?")
        );
        assert_eq!(found[1].severity, "warning");
        assert_eq!(found[1].code, "W001");
        assert_eq!(found[2].file.as_deref(), Some("site.toml"));
        assert_eq!(found[2].line, None);
        assert!(!found[2].text.contains("build failed"));
    }

    #[test]
    fn parses_locations_without_a_column() {
        assert_eq!(
            parse_location("site.toml:3"),
            ("site.toml".to_owned(), Some(3), None)
        );
        assert_eq!(
            parse_location("content/a.md:1:1"),
            ("content/a.md".to_owned(), Some(1), Some(1))
        );
    }

    #[test]
    fn strips_colour_codes() {
        let found = parse_human(
            "\u{1b}[1;31merror[E010]\u{1b}[0m: front matter is not closed\n --> content/a.md:1:1\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "E010");
    }
}
