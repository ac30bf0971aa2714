//! The only place that knows the YAML crate (`serde_yaml`, deprecated
//! upstream): swap it here and nothing else changes.
//!
//! Input: a YAML snippet (front matter or a checklist file). Output: a typed
//! value plus the paths of keys the type does not know, or a [`YamlError`]
//! with a byte offset into the snippet. Also finds where a key or value sits
//! in the text, because serde gives no positions for valid values.

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed};

mod positions;
mod scanner;
#[cfg(test)]
mod tests;

pub use positions::{Entry, Found, Node, NodeKind, Positions, locate};

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
    parse_seed(text, PhantomData::<T>)
}

/// [`parse`] with a seed: a value whose reading depends on more than its
/// type (front matter depends on the kind of page).
pub fn parse_seed<'de, S: DeserializeSeed<'de>>(
    text: &'de str,
    seed: S,
) -> Result<Parsed<S::Value>, YamlError> {
    check_depth(text)?;
    check_expansion(text)?;
    // An empty document means "no keys", not null.
    let text = if text.trim().is_empty() { "{}" } else { text };
    let mut unknown_keys = Vec::new();
    let mut ignored = |path: serde_ignored::Path<'_>| unknown_keys.push(segments(&path));
    let de = serde_yaml::Deserializer::from_str(text);
    let value = seed
        .deserialize(serde_ignored::Deserializer::new(de, &mut ignored))
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
