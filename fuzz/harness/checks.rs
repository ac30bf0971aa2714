//! The invariants the targets check beyond "no panic": findings that name
//! their file and lie inside it, that cannot inject into a terminal or a CI
//! log and quote nothing from outside the site; output that holds no
//! canary and JSON-LD that cannot end its `<script>` early.

use std::path::{Path, PathBuf};

use handoff::diag::{Diagnostic, Diagnostics};

use super::CANARY;

/// No file under `dir` contains [`CANARY`].
pub(super) fn check_no_canary(dir: &Path) -> Result<(), String> {
    for path in files_under(dir) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        if bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()) {
            return Err(format!(
                "{} holds the canary from outside the site",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Findings as every format prints them: none quotes [`CANARY`] (when
/// `guard`), none can inject into a terminal or a CI log.
pub(super) fn check_findings(diags: &Diagnostics, guard: bool) -> Result<(), String> {
    let human = handoff::diag::render_human(diags, false);
    let json = handoff::diag::render_json(diags);
    let github = handoff::diag::render_github(diags);
    if guard {
        for (format, text) in [("human", &human), ("json", &json), ("github", &github)] {
            if text.contains(CANARY) {
                return Err(format!(
                    "a {format} finding quotes a file from outside the site"
                ));
            }
        }
    }
    if let Some(c) = human
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(format!("a human finding holds the control character {c:?}"));
    }
    if let Some(line) = human.lines().find(|l| l.starts_with("::")) {
        return Err(format!(
            "a human finding starts a workflow command: {line:?}"
        ));
    }
    if let Some(line) = github
        .lines()
        .find(|l| !(l.starts_with("::error ") || l.starts_with("::warning ")))
    {
        return Err(format!("a github line is not one annotation: {line:?}"));
    }
    for line in json.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .map_err(|e| format!("a json finding is not JSON ({e}): {line:?}"))?;
    }
    Ok(())
}

/// `public.tmp-*` and `public.old-*` folders beside the output.
pub(super) fn staging_left(work: &Path) -> Vec<String> {
    std::fs::read_dir(work)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("public.tmp-") || n.starts_with("public.old-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Every JSON-LD block of every HTML file under `dir` is JSON that cannot
/// end its `<script>` element early.
pub(super) fn check_jsonld(dir: &Path) -> Result<(), String> {
    for path in files_under(dir) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let Ok(html) = std::fs::read_to_string(&path) else {
            continue;
        };
        for block in jsonld_blocks(&html) {
            let lower = block.to_ascii_lowercase();
            if lower.contains("</script") || lower.contains("<!--") {
                return Err(format!(
                    "{}: a JSON-LD block contains `</script` or `<!--`",
                    path.display()
                ));
            }
            if let Err(e) = serde_json::from_str::<serde_json::Value>(block) {
                return Err(format!(
                    "{}: a JSON-LD block is not JSON: {e}",
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

/// The texts of the `<script type="application/ld+json">` elements of a page.
fn jsonld_blocks(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = html[from..].find("application/ld+json") {
        let at = from + rel;
        let Some(open_end) = html[at..].find('>').map(|i| at + i + 1) else {
            break;
        };
        let end = html[open_end..]
            .to_ascii_lowercase()
            .find("</script")
            .map_or(html.len(), |i| open_end + i);
        out.push(&html[open_end..end]);
        from = end;
    }
    out
}

/// A failure must come with at least one error finding.
pub(super) fn expect_error(d: &Diagnostics, what: &str) -> Result<(), String> {
    if d.has_errors() {
        Ok(())
    } else {
        Err(format!("{what} failed without an error finding"))
    }
}

/// Every finding with a position names a known file, and its line and
/// column lie inside that file (column one past the end of the line allowed).
pub(super) fn check_positions(
    diags: &Diagnostics,
    files: &[(&str, &str)],
    need_file: bool,
) -> Result<(), String> {
    for d in diags.iter() {
        let Some(file) = &d.file else {
            if need_file {
                return Err(describe(d, "names no file"));
            }
            continue;
        };
        let Some(span) = d.span else { continue };
        let Some((_, text)) = files.iter().find(|(rel, _)| rel == file) else {
            continue;
        };
        let Some(line) = text.split('\n').nth(span.line.wrapping_sub(1)) else {
            return Err(describe(
                d,
                &format!("points at line {}, past the end", span.line),
            ));
        };
        if span.col == 0 || span.col > line.chars().count() + 1 {
            return Err(describe(
                d,
                &format!("points at column {} of line {}", span.col, span.line),
            ));
        }
    }
    Ok(())
}

fn describe(d: &Diagnostic, what: &str) -> String {
    format!("finding {} ({}) {what}", d.code, d.message)
}

/// Every file under `dir` (a build's output), links not followed.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut open = vec![dir.to_path_buf()];
    while let Some(at) = open.pop() {
        let Ok(entries) = std::fs::read_dir(&at) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => open.push(entry.path()),
                Ok(t) if t.is_file() => files.push(entry.path()),
                _ => {}
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leak_checks_catch_the_canary() {
        let d = Diagnostic::new(handoff::diag::Code::FrontMatterUnclosed, "no front matter")
            .in_file("content/leak.md")
            .at(
                &format!("SECRET_TOKEN={CANARY}"),
                handoff::diag::Span::new(1, 1, 3),
            );
        let diags = Diagnostics::from(d);
        assert!(check_findings(&diags, true).is_err());
        assert_eq!(check_findings(&diags, false), Ok(()));
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("a.txt"), "fine").unwrap();
        assert_eq!(check_no_canary(out.path()), Ok(()));
        std::fs::write(out.path().join("b.txt"), CANARY).unwrap();
        assert!(check_no_canary(out.path()).is_err());
    }
}
