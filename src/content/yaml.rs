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
    check_expansion(text)?;
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

/// How much a document may grow once its aliases are followed. serde_yaml
/// bounds how many times aliases are replayed (100 × the document's events),
/// not how many bytes they copy: 2,000 aliases of one 4 MiB string are within
/// its limit and would allocate 8 GB.
pub const MAX_EXPANDED_BYTES: usize = 16 * 1024 * 1024;

/// What every value costs besides its text, so that aliases of empty values
/// cannot multiply without bound either.
const NODE_COST: usize = 16;

const TOO_LARGE: &str = "handoff: aliases expand too far";

/// Walks the document with aliases followed, counting the bytes a parse
/// would copy, and stops at [`MAX_EXPANDED_BYTES`]. It borrows every string
/// from the parser and allocates nothing, so it is cheap even on a bomb.
/// Only documents with a `*` can hold an alias; the rest skip the walk.
fn check_expansion(text: &str) -> Result<(), YamlError> {
    if !text.contains('*') {
        return Ok(());
    }
    let mut budget = MAX_EXPANDED_BYTES;
    let de = serde_yaml::Deserializer::from_str(text);
    match serde::de::DeserializeSeed::deserialize(Budget(&mut budget), de) {
        Err(e) if e.to_string().contains(TOO_LARGE) => Err(YamlError {
            offset: first_alias(text),
            message: format!(
                "its `*aliases` expand to more than {} MiB of text",
                MAX_EXPANDED_BYTES / (1024 * 1024)
            ),
            limit: true,
        }),
        // serde_yaml's own limits: a bomb, even where the real parse would
        // stop earlier at a type error.
        Err(e) if yaml_error(&e).limit => Err(YamlError {
            offset: first_alias(text),
            ..yaml_error(&e)
        }),
        // Anything else is reported by the real parse, with its position.
        Ok(()) | Err(_) => Ok(()),
    }
}

/// The offset of the first `*alias` outside quotes and comments.
fn first_alias(text: &str) -> Option<usize> {
    let (mut quote, mut comment, mut prev) = (None::<char>, false, '\n');
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (_, '\n') => comment = false,
            _ if comment => {}
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if prev.is_whitespace() || "[{,:-".contains(prev) => quote = Some(c),
            (None, '#') if prev.is_whitespace() => comment = true,
            (None, '*') if prev.is_whitespace() || "[{,:-".contains(prev) => return Some(i),
            (None, _) => {}
        }
        prev = c;
    }
    None
}

/// A [`serde::de::DeserializeSeed`] that spends `.0` on every value it sees.
struct Budget<'a>(&'a mut usize);

impl Budget<'_> {
    fn spend<E: serde::de::Error>(&mut self, bytes: usize) -> Result<(), E> {
        match self.0.checked_sub(NODE_COST.saturating_add(bytes)) {
            Some(left) => {
                *self.0 = left;
                Ok(())
            }
            None => Err(E::custom(TOO_LARGE)),
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Budget<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Budget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(mut self, _: bool) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_i64<E: serde::de::Error>(mut self, _: i64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_u64<E: serde::de::Error>(mut self, _: u64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_f64<E: serde::de::Error>(mut self, _: f64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_str<E: serde::de::Error>(mut self, v: &str) -> Result<(), E> {
        self.spend(v.len())
    }
    fn visit_unit<E: serde::de::Error>(mut self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_none<E: serde::de::Error>(mut self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_some<D: serde::Deserializer<'de>>(mut self, d: D) -> Result<(), D::Error> {
        self.spend(0)?;
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while seq.next_element_seed(Budget(&mut *self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while map.next_key_seed(Budget(&mut *self.0))?.is_some() {
            map.next_value_seed(Budget(&mut *self.0))?;
        }
        Ok(())
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(mut self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess as _;
        self.spend(0)?;
        let ((), variant) = data.variant_seed(Budget(&mut *self.0))?;
        variant.newtype_variant_seed(Budget(&mut *self.0))
    }
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
    let mut message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_owned(),
        None => raw.clone(),
    };
    // The scanner's own errors ("control characters are not allowed at
    // position 13") carry a byte offset only in their text.
    let mut offset = e.location().map(|l| l.index());
    if let Some(i) = message.find(" at position ") {
        if let Ok(at) = message[i + " at position ".len()..].trim().parse::<usize>() {
            offset = Some(at);
        }
        message.truncate(i);
    }
    // "expected struct RawFrontMatter" names our types, not the writer's.
    if let Some(i) = message.find("expected struct ") {
        message.truncate(i);
        message.push_str("expected `key: value` lines");
    }
    let limit =
        raw.contains("recursion limit exceeded") || raw.contains("repetition limit exceeded");
    YamlError {
        offset,
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
    // An empty key (`: value`) matches everywhere and would never advance.
    if key.is_empty() {
        return None;
    }
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
        // A control character: the scanner's offset, from its message.
        let e = parse::<Doc>("title: a\u{0}b\n").unwrap_err();
        assert_eq!(e.offset, Some(8), "{e:?}");
        assert!(!e.message.contains("position"), "{e:?}");
        // Offsets are in bytes.
        let e = parse::<Doc>("title: éé\u{0}b\n").unwrap_err();
        assert_eq!(e.offset, Some(11), "{e:?}");
        // A list where keys belong: no internal type names.
        let e = parse::<Doc>("- a\n- b\n").unwrap_err();
        assert!(e.message.ends_with("expected `key: value` lines"), "{e:?}");
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
    fn aliases_of_a_large_value_are_bounded_by_bytes() {
        // Few aliases, each within serde_yaml's replay limit, but each a
        // copy of 1 MiB: 64 MiB once expanded.
        let big = "x".repeat(1024 * 1024);
        let refs = vec!["*a"; 64].join(", ");
        let text = format!("title: T\nextra: &a \"{big}\"\ninner: {{ name: [{refs}] }}\n");
        let started = std::time::Instant::now();
        let e = parse::<Doc>(&text).unwrap_err();
        assert!(e.limit, "{e:?}");
        assert_eq!(e.offset, text.find("*a"));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // A few small aliases are fine, and so is a `*` in text.
        let ok = "title: &t Hello *world*\ninner: { name: *t }\n";
        let parsed = parse::<Doc>(ok).unwrap();
        assert_eq!(
            parsed.value.inner.unwrap().name.as_deref(),
            Some("Hello *world*")
        );
        assert_eq!(first_alias("a: \"*x\" # *y\nb: *z\n"), Some(16));
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
        // An empty key (fuzz regression: it used to loop for ever).
        assert_eq!(locate(": x\ntitle: a\n", &[Seg::Key(String::new())]), None);
    }
}
