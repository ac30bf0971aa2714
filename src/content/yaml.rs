//! The only place that knows the YAML crate (`serde_yaml`, deprecated
//! upstream): swap it here and nothing else changes.
//!
//! Input: a YAML snippet (front matter or a checklist file). Output: a typed
//! value plus the paths of keys the type does not know, or a [`YamlError`]
//! with a byte offset into the snippet. Also finds where a key or value sits
//! in the text, because serde gives no positions for valid values.

use serde::de::DeserializeOwned;

/// One step of a path into a YAML document: `referring.contacts[0].name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Renders a path the way a writer would type it: `referring.contacts[0].name`.
pub fn path_to_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Byte offset into the snippet, when the parser knows one.
    pub offset: Option<usize>,
    pub message: String,
    /// The document hit a nesting or alias-expansion limit.
    pub limit: bool,
}

/// What parsing produced: the value, and every key nobody asked for.
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: T,
    pub unknown_keys: Vec<Vec<Seg>>,
}

/// Parses `text` as `T`, collecting unknown keys instead of failing on them,
/// so a writer sees all of them in one run.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<Parsed<T>, YamlError> {
    check_depth(text)?;
    // An empty document means "no keys", not null.
    let text = if text.trim().is_empty() { "{}" } else { text };
    let mut unknown_keys = Vec::new();
    let de = serde_yaml::Deserializer::from_str(text);
    let value = serde_ignored::deserialize(de, |path| unknown_keys.push(segments(&path)))
        .map_err(|e| yaml_error(&e))?;
    Ok(Parsed {
        value,
        unknown_keys,
    })
}

/// Front matter and checklists are shallow; deeper than this is a mistake
/// or an attack.
pub const MAX_DEPTH: usize = 64;

/// Refuses deeply nested flow collections (`[[[[…`) and indentation before
/// parsing: the YAML parser's time grows with the square of the depth.
fn check_depth(text: &str) -> Result<(), YamlError> {
    let too_deep = |offset: usize| YamlError {
        offset: Some(offset),
        message: format!("values are nested more than {MAX_DEPTH} levels deep"),
        limit: true,
    };
    let (mut depth, mut quote, mut comment, mut line_start) = (0usize, None::<char>, false, true);
    let mut indent = 0usize;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            comment = false;
            line_start = true;
            indent = 0;
            if quote == Some('"') || quote == Some('\'') {
                continue;
            }
            continue;
        }
        if line_start {
            if c == ' ' || c == '-' {
                indent += 1;
                if indent > MAX_DEPTH * 4 {
                    return Err(too_deep(i));
                }
                continue;
            }
            line_start = false;
        }
        if comment {
            continue;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(i));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, _) => {}
        }
    }
    Ok(())
}

fn segments(path: &serde_ignored::Path<'_>) -> Vec<Seg> {
    use serde_ignored::Path;
    let mut out = match path {
        Path::Root => return Vec::new(),
        Path::Seq { parent, .. }
        | Path::Map { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => segments(parent),
    };
    match path {
        Path::Seq { index, .. } => out.push(Seg::Index(*index)),
        Path::Map { key, .. } => out.push(Seg::Key(key.clone())),
        Path::Root
        | Path::Some { .. }
        | Path::NewtypeStruct { .. }
        | Path::NewtypeVariant { .. } => {}
    }
    out
}

fn yaml_error(e: &serde_yaml::Error) -> YamlError {
    let raw = e.to_string();
    // serde_yaml appends " at line N column M"; positions are reported separately.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_owned(),
        None => raw.clone(),
    };
    let limit =
        raw.contains("recursion limit exceeded") || raw.contains("repetition limit exceeded");
    YamlError {
        offset: e.location().map(|l| l.index()),
        message,
        limit,
    }
}

/// Where a key's value sits in `text`: `(key_offset, value_offset, value_len)`.
///
/// A text scan, not a parse: it follows the path key by key, each searched
/// after the previous one, and understands block and flow mappings well
/// enough to point a writer at the right line. `None` when not found.
pub fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize, usize)> {
    let mut cursor = 0;
    let mut found = None;
    for seg in path {
        match seg {
            Seg::Key(key) => {
                let key_at = find_key(text, cursor, key)?;
                let after_colon = key_at + key.len() + text[key_at + key.len()..].find(':')? + 1;
                let value_at = after_colon + text[after_colon..].len()
                    - text[after_colon..].trim_start_matches(' ').len();
                let line_end = text[value_at..]
                    .find('\n')
                    .map_or(text.len(), |i| value_at + i);
                let value = text[value_at..line_end].trim_end();
                let value = value.split(" #").next().unwrap_or(value).trim_end();
                found = Some((key_at, value_at, value.len()));
                cursor = key_at + key.len();
            }
            Seg::Index(i) => {
                // Skip to the (i+1)-th block item after the cursor.
                let mut at = cursor;
                for _ in 0..=*i {
                    let rel = text[at..].find("- ")?;
                    at += rel + 2;
                }
                cursor = at;
            }
        }
    }
    found
}

/// Finds `key` used as a mapping key at or after `from`: first as a block
/// key at the start of a line (after indentation or `- `), then inside a
/// flow mapping (`{ key: … }`), so a word inside a quoted value never wins.
fn find_key(text: &str, from: usize, key: &str) -> Option<usize> {
    let candidates = || {
        let mut out = Vec::new();
        let mut start = from;
        while let Some(rel) = text.get(start..).and_then(|t| t.find(key)) {
            let at = start + rel;
            if text[at + key.len()..]
                .trim_start_matches(' ')
                .starts_with(':')
            {
                out.push(at);
            }
            start = at + key.len();
        }
        out
    };
    let line_start = |at: usize| {
        let line = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
        line.chars().all(|c| c == ' ' || c == '-' || c == '\t')
    };
    let in_flow = |at: usize| {
        matches!(
            text[..at].trim_end_matches(' ').chars().next_back(),
            Some('{' | ',')
        )
    };
    let all = candidates();
    all.iter()
        .copied()
        .find(|&at| line_start(at))
        .or_else(|| all.iter().copied().find(|&at| in_flow(at)))
}

/// Finds `needle` as a whole word after `from` (for an item of a list value).
pub fn find_word(text: &str, from: usize, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let mut start = from;
    while let Some(rel) = text.get(start..)?.find(needle) {
        let at = start + rel;
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !word(text[..at].chars().next_back()) && !word(text[at + needle.len()..].chars().next())
        {
            return Some(at);
        }
        start = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Doc {
        title: Option<String>,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    struct Inner {
        name: Option<String>,
    }

    #[test]
    fn unknown_keys_are_collected_with_their_paths() {
        let parsed: Parsed<Doc> = parse("titel: a\ninner:\n  nam: b\n").unwrap();
        assert!(parsed.value.title.is_none());
        assert!(parsed.value.inner.unwrap().name.is_none());
        assert_eq!(path_to_string(&parsed.unknown_keys[0]), "titel");
        assert_eq!(path_to_string(&parsed.unknown_keys[1]), "inner.nam");
    }

    #[test]
    fn syntax_errors_carry_an_offset() {
        let e = parse::<Doc>("title: a\ninner: [\n").unwrap_err();
        assert!(e.offset.is_some());
        assert!(!e.message.contains(" at line "));
    }

    #[test]
    fn nesting_and_alias_bombs_hit_limits() {
        // Under a known key the type check stops it; under an unknown key it
        // is skipped without recursion and reported as unknown. Either way a
        // finding, never a stack overflow.
        let deep = format!("title: {}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(parse::<Doc>(&deep).unwrap_err().limit);
        let deep = format!("extra: {}{}", "[".repeat(60), "]".repeat(60));
        assert_eq!(parse::<Doc>(&deep).unwrap().unknown_keys.len(), 1);
        let quoted = format!("title: \"{}\"", "[".repeat(500));
        assert!(parse::<Doc>(&quoted).is_ok());
        let deep = format!(
            "inner: {{name: {}{}}}",
            "{a: ".repeat(5000),
            "}".repeat(5000)
        );
        assert!(parse::<Doc>(&deep).is_err());
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (name, prev) in [
            ("b", "a"),
            ("c", "b"),
            ("d", "c"),
            ("e", "d"),
            ("f", "e"),
            ("g", "f"),
            ("h", "g"),
            ("i", "h"),
        ] {
            bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        bomb.push_str("title: *i\n");
        let e = parse::<Doc>(&bomb).unwrap_err();
        assert!(e.limit || e.message.contains("invalid type"), "{e:?}");
    }

    #[test]
    fn locate_finds_nested_keys_and_values() {
        let text = "title: x\nreferring:\n  phone: \"1\"\n  contacts:\n    - name: A\n    - name: B # lead\n";
        let (_, v, len) = locate(
            text,
            &[Seg::Key("referring".into()), Seg::Key("phone".into())],
        )
        .unwrap();
        assert_eq!(&text[v..v + len], "\"1\"");
        let path = [
            Seg::Key("contacts".into()),
            Seg::Index(1),
            Seg::Key("name".into()),
        ];
        let (_, v, len) = locate(text, &path).unwrap();
        assert_eq!(&text[v..v + len], "B");
        assert_eq!(
            find_word("locations: [down, downtown]", 0, "downtown"),
            Some(18)
        );
    }
}
