//! A value of the wrong kind (`weight: seventy`, `draft: yes`), told in a
//! writer's words. serde says `invalid type: string "seventy", expected
//! i64`; a writer reads "`weight` must be a whole number, found `seventy`",
//! with a hint for that kind of value.

use super::findings::FileCx;
use super::yaml::{NodeKind, Seg, YamlError};
use crate::diag::{Code, Diagnostic};

/// serde's words for a value that parsed as YAML but is not what its key
/// takes; anything else (a syntax error) is not a wrong value.
const WRONG: [&str; 5] = [
    "invalid type: ",
    "invalid value: ",
    "invalid length ",
    "missing field ",
    "unknown variant ",
];

/// Whether `e` is about one value rather than about the YAML itself, so
/// that the rest of the file can still be read.
pub(crate) fn is_wrong_value(e: &YamlError) -> bool {
    !e.limit && WRONG.iter().any(|w| e.message.contains(w))
}

/// The finding for a wrong value under the top-level key `key`.
pub(crate) fn finding(cx: &FileCx<'_>, key: &str, e: &YamlError) -> Diagnostic {
    let (path, words) = split_path(&e.message, key);
    let shown = super::yaml::path_to_string(&path);
    if let Some(field) = words.strip_prefix("missing field ") {
        return cx
            .finding(
                Code::InvalidValue,
                &path,
                format!("`{shown}` needs {field}"),
            )
            .with_hint(format!(
                "add {}: …` to `{shown}`",
                field.trim_end_matches('`')
            ));
    }
    let Some(expected) = words.rsplit_once(", expected ").map(|(_, x)| x) else {
        return cx
            .finding(Code::InvalidValue, &path, format!("`{shown}`: {words}"))
            .with_hint("see the example for this key in the README's content section");
    };
    let (what, hint) = kind_of(expected, &shown);
    let found = found(cx, &path);
    cx.finding(
        Code::InvalidValue,
        &path,
        format!("`{shown}` must be {what}, found {found}"),
    )
    .with_hint(hint)
}

/// serde_yaml starts a message with the path of the value (`geo.lat: …`)
/// when it lies inside a block; without one, the value is the key's own.
fn split_path<'m>(message: &'m str, key: &str) -> (Vec<Seg>, &'m str) {
    if let Some((prefix, rest)) = message.split_once(": ") {
        let is_path = prefix.starts_with(key)
            && prefix
                .chars()
                .all(|c| c.is_alphanumeric() || "_-.[]".contains(c));
        if is_path {
            return (parse_path(prefix), rest);
        }
    }
    (vec![Seg::Key(key.to_owned())], message)
}

/// `referring.contacts[0].name` → its segments.
fn parse_path(s: &str) -> Vec<Seg> {
    let mut path = Vec::new();
    for part in s.split('.') {
        let mut pieces = part.split('[');
        if let Some(k) = pieces.next().filter(|k| !k.is_empty()) {
            path.push(Seg::Key(k.to_owned()));
        }
        for index in pieces {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                path.push(Seg::Index(i));
            }
        }
    }
    path
}

/// What a key takes, in words, and how to write it, from serde's name of
/// the type it expected.
fn kind_of(expected: &str, key: &str) -> (&'static str, String) {
    let last = key.rsplit(['.', ']']).next().unwrap_or(key);
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => (
            "a whole number",
            format!("write digits only, e.g. `{last}: 10`"),
        ),
        "f32" | "f64" => (
            "a number",
            format!("write a number with a `.` for decimals, e.g. `{last}: 41.88`"),
        ),
        "a boolean" => (
            "`true` or `false`",
            format!("YAML booleans are `true` and `false` (not yes/no or on/off): `{last}: true`"),
        ),
        "a string" | "a borrowed string" | "a character" => (
            "text",
            format!(
                "write the text after `{last}: `, in quotes if it starts with `[`, `{{`, `-` or contains `: `"
            ),
        ),
        "a sequence" => (
            "a list",
            format!(
                "write each item on its own line under `{last}:`, as `  - item`, or `{last}: [a, b]`"
            ),
        ),
        _ => (
            "a block of `key: value` lines",
            format!("indent the lines of the block under `{last}:`"),
        ),
    }
}

/// The value as the writer wrote it, or what kind of thing it is.
fn found(cx: &FileCx<'_>, path: &[Seg]) -> String {
    match cx.node(path) {
        Some((_, NodeKind::Seq { .. })) => "a list".to_owned(),
        Some((_, NodeKind::Map { .. })) => "a block of keys".to_owned(),
        Some((text, NodeKind::Scalar)) if !text.is_empty() => {
            format!("`{}`", text.escape_debug())
        }
        _ => "nothing".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_messages_are_read_back() {
        assert_eq!(
            split_path("geo.lat: invalid type: string \"x\", expected f64", "geo"),
            (
                vec![Seg::Key("geo".into()), Seg::Key("lat".into())],
                "invalid type: string \"x\", expected f64"
            )
        );
        assert_eq!(
            parse_path("faq[1].q"),
            vec![Seg::Key("faq".into()), Seg::Index(1), Seg::Key("q".into())]
        );
        // A message without a path is the key's own value.
        assert_eq!(
            split_path("invalid type: map, expected a string", "title").0,
            vec![Seg::Key("title".into())]
        );
    }
}
