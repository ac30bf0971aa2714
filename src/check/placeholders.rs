//! W051: a `TODO:` note still in site.toml or a content file. `handoff new`
//! marks every value a practice must replace this way (a name, a phone
//! number, a promise to referring offices); the site builds with them, so
//! only this audit tells the writer what is left. Each finding is at the
//! note, underlining the placeholder.
//!
//! The marker is the one thing the audit knows: a fictional number or an
//! `.example` address is not a placeholder by itself (the example practice
//! is made of them), a value marked `TODO:` is.

use std::collections::BTreeSet;

use crate::config;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::Site;
use crate::source::{SourceKind, SourceSet};

const MARKER: &str = "TODO:";

/// How much of a note the message repeats; the line itself is shown too.
const NOTE_CHARS: usize = 60;

/// Every `TODO:` note in site.toml (`config_text`) and the content files.
/// A page left out of the run (a draft, without `--drafts`) is left out
/// here too, as from every other audit: a draft is work in progress.
pub(crate) fn todo_notes(config_text: &str, site: &Site, sources: &SourceSet) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let built: BTreeSet<usize> = site
        .pages
        .iter()
        .filter_map(|p| p.body.map(|(file, _)| file))
        .collect();
    let content = sources
        .files
        .iter()
        .enumerate()
        .filter(|(i, f)| f.kind == SourceKind::Checklist || built.contains(i))
        .map(|(_, f)| (f.rel.as_str(), &*f.text));
    let files = std::iter::once((config::FILE, config_text)).chain(content);
    for (rel, text) in files {
        for (offset, len, note) in notes(text) {
            let message = if note.is_empty() {
                "a `TODO:` placeholder is still here".to_owned()
            } else {
                format!("a placeholder is still here: `TODO: {}`", clip(note))
            };
            diags.push(
                Diagnostic::new(Code::Placeholder, message)
                    .in_file(rel)
                    .at_offset(text, offset, len)
                    .with_hint("write the practice's own text or value here (or on this line), then delete the `TODO:` note; `check --strict` fails while one is left"),
            );
        }
    }
    diags
}

/// Each note in `text`: the marker's byte offset, the length of the marker
/// and its note together, and the note. A note inside a quoted value ends
/// at the closing quote; a note in a comment or in prose at the line's end.
fn notes(text: &str) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(rel) = text[from..].find(MARKER) {
        let at = from + rel;
        from = at + MARKER.len();
        let before = text[..at].chars().next_back();
        // Part of a longer word, or code that names the marker (`TODO:`).
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '`') {
            continue;
        }
        let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
        let mut rest = &text[from..line_end];
        if let Some(quote @ ('"' | '\'')) = before
            && let Some(close) = rest.find(quote)
        {
            rest = &rest[..close];
        }
        let note = rest.trim();
        let end = if note.is_empty() {
            from
        } else {
            from + (rest.len() - rest.trim_start().len()) + note.len()
        };
        found.push((at, end - at, note));
    }
    found
}

fn clip(note: &str) -> String {
    match note.char_indices().nth(NOTE_CHARS) {
        Some((at, _)) => format!("{}…", note[..at].trim_end()),
        None => note.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<(&str, &str)> {
        notes(text)
            .into_iter()
            .map(|(at, len, note)| (&text[at..at + len], note))
            .collect()
    }

    #[test]
    fn a_note_in_a_quoted_value_ends_at_its_quote() {
        assert_eq!(
            shown("title = \"TODO: Your Practice Name\"\n"),
            [("TODO: Your Practice Name", "Your Practice Name")]
        );
        assert_eq!(
            shown("  - 'TODO: a patient, e.g. \"new nodule\"' # later\n"),
            [(
                "TODO: a patient, e.g. \"new nodule\"",
                "a patient, e.g. \"new nodule\""
            )]
        );
    }

    #[test]
    fn a_note_in_a_comment_or_prose_runs_to_the_line_end() {
        assert_eq!(
            shown("phone = \"+1-555-010-0100\" # TODO: the main line  \nnext\n"),
            [("TODO: the main line", "the main line")]
        );
        assert_eq!(
            shown("TODO: two sentences.\n\nTODO:"),
            [("TODO: two sentences.", "two sentences."), ("TODO:", "")]
        );
    }

    #[test]
    fn the_marker_is_a_word_of_its_own_in_capitals() {
        assert!(shown("MYTODO: x\nTODOS: y\ntodo: z\nTo do: w\n").is_empty());
        assert!(shown("Each `TODO:` marks a placeholder.").is_empty());
        assert_eq!(shown("(TODO: x)").len(), 1);
    }
}
