//! The only place that knows the YAML crate (`serde_yaml`, deprecated
//! upstream): swap it here and nothing else changes.
//!
//! Input: a YAML snippet (front matter or a checklist file). Output: a typed
//! value plus the paths of keys the type does not know, or a [`YamlError`]
//! with a byte offset into the snippet. Also finds where a key or value sits
//! in the text, because serde gives no positions for valid values.

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed};

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

// ---- positions: where each key and value is written ----
//
// serde gives no positions for values that parse, so findings about them
// come from this index: a scan of the same text that knows block and flow
// collections, quoted, plain and block scalars, comments, anchors and tags
// well enough to give every key and every list item its own offset. It runs
// on text the parser has accepted; on anything it does not understand (a
// `? complex key`) it gives up and findings fall back to the file's start.

/// Where a value is written: its byte range in the text, and for a
/// collection where each part is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub start: usize,
    pub end: usize,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// A scalar or an `*alias`, quotes included; empty for a missing value.
    Scalar,
    /// `- a` lines, or `[a, b]` when `flow`.
    Seq { items: Vec<Node>, flow: bool },
    /// `key: value` lines, or `{key: value}` when `flow`.
    Map { entries: Vec<Entry>, flow: bool },
}

/// One `key: value` of a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key as a writer reads it (quotes removed).
    pub key: String,
    pub key_at: usize,
    pub value: Option<Node>,
}

impl Node {
    /// Written over several lines as a block (`- a` or `key: v` lines): a
    /// finding about it as a whole belongs on its key.
    pub fn is_block(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Seq { flow: false, .. } | NodeKind::Map { flow: false, .. }
        )
    }

    fn child(&self, seg: &Seg) -> Option<(usize, Option<&Node>)> {
        match (&self.kind, seg) {
            (NodeKind::Map { entries, .. }, Seg::Key(k)) => entries
                .iter()
                .find(|e| e.key == *k)
                .map(|e| (e.key_at, e.value.as_ref())),
            (NodeKind::Seq { items, .. }, Seg::Index(i)) => {
                items.get(*i).map(|n| (n.start, Some(n)))
            }
            _ => None,
        }
    }
}

/// The positions of one YAML document's keys and values.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    root: Option<Node>,
}

/// Where a path leads: the key (or list item) and its value, if written.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    pub key_at: usize,
    pub value: Option<&'a Node>,
}

impl Positions {
    pub fn of(text: &str) -> Positions {
        Positions {
            root: Scanner::new(text).document(),
        }
    }

    /// The key or item at the end of `path`, and its value.
    pub fn find(&self, path: &[Seg]) -> Option<Found<'_>> {
        let mut node = self.root.as_ref();
        let mut found = None;
        for seg in path {
            let (key_at, value) = node?.child(seg)?;
            found = Some(Found { key_at, value });
            node = value;
        }
        found
    }

    /// `(key_offset, value_offset, value_len)` of `path`; the value's length
    /// is 0 when it is missing or a block (so findings go to the key).
    pub fn locate(&self, path: &[Seg]) -> Option<(usize, usize, usize)> {
        let f = self.find(path)?;
        Some(match f.value {
            Some(v) if !v.is_block() && v.end > v.start => (f.key_at, v.start, v.end - v.start),
            _ => (f.key_at, f.key_at, 0),
        })
    }
}

/// Where a key's value sits in `text`: `(key_offset, value_offset, value_len)`.
/// For several lookups in one text, build [`Positions`] once.
pub fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize, usize)> {
    Positions::of(text).locate(path)
}

/// Deeper than any document [`parse`] accepts (see [`MAX_DEPTH`]): the
/// index gives up rather than recurse without bound.
const MAX_INDEX_DEPTH: usize = 4 * MAX_DEPTH + 8;

struct Scanner<'a> {
    t: &'a [u8],
    pos: usize,
    depth: usize,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            t: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    fn at(&self, p: usize) -> Option<u8> {
        self.t.get(p).copied()
    }

    /// Whitespace, a line break or the end follows `p`.
    fn space_after(&self, p: usize) -> bool {
        self.at(p + 1).is_none_or(|b| is_blank(b) || b == b'\n')
    }

    fn column(&self, p: usize) -> usize {
        p - self.t[..p]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    }

    fn skip_blanks(&self, mut p: usize) -> usize {
        while self.at(p).is_some_and(is_blank) {
            p += 1;
        }
        p
    }

    fn line_end(&self, p: usize) -> usize {
        self.t[p.min(self.t.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.t.len(), |i| p + i)
    }

    /// Only blanks or a comment from `p` to the end of its line.
    fn rest_is_empty(&self, p: usize) -> bool {
        let q = self.skip_blanks(p);
        self.at(q).is_none_or(|b| b == b'\n' || b == b'#')
    }

    /// The first character of the next line with content after `p`'s line
    /// (comment lines skipped), with its column.
    fn next_line(&self, p: usize) -> Option<(usize, usize)> {
        let mut line = self.line_end(p) + 1;
        while line < self.t.len() {
            let q = self.skip_blanks(line);
            match self.at(q) {
                Some(b'\n') => line = q + 1,
                Some(b'#') => line = self.line_end(q) + 1,
                Some(_) => return Some((q, self.count_spaces(line))),
                None => return None,
            }
        }
        None
    }

    fn count_spaces(&self, line: usize) -> usize {
        self.t[line..].iter().take_while(|&&b| b == b' ').count()
    }

    /// Content at `p` itself, or else on a following line.
    fn content_from(&self, p: usize) -> Option<(usize, usize)> {
        let q = self.skip_blanks(p);
        match self.at(q) {
            None => None,
            Some(b'\n' | b'#') => self.next_line(q),
            Some(_) => Some((q, self.column(q))),
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_INDEX_DEPTH).then_some(())
    }

    fn document(&mut self) -> Option<Node> {
        let mut p = 0;
        loop {
            let (q, col) = self.content_from(p)?;
            if col == 0 && self.at(q) == Some(b'%') {
                p = self.line_end(q);
            } else if col == 0 && self.t[q..].starts_with(b"---") && self.space_after(q + 2) {
                p = q + 3;
                if !self.rest_is_empty(p) {
                    self.pos = self.skip_blanks(p);
                    return self.block(None, true);
                }
            } else {
                self.pos = q;
                return self.block(None, true);
            }
        }
    }

    /// A node in block context at `self.pos`. `parent` is the column of the
    /// enclosing block (its deeper lines belong to this node); `block_ok`
    /// says whether a `- ` list or `key:` mapping may start here (not after
    /// `key: ` on the same line).
    fn block(&mut self, parent: Option<usize>, block_ok: bool) -> Option<Node> {
        self.enter()?;
        let node = self.block_inner(parent, block_ok);
        self.depth -= 1;
        node
    }

    fn deeper(parent: Option<usize>, col: usize) -> bool {
        parent.is_none_or(|p| col > p)
    }

    fn block_inner(&mut self, parent: Option<usize>, mut block_ok: bool) -> Option<Node> {
        let start = self.pos;
        // Anchors and tags: the node follows, maybe on the next lines.
        while matches!(self.at(self.pos), Some(b'&' | b'!')) {
            let end = self.token_end(self.pos);
            if self.rest_is_empty(end) {
                match self.next_line(end) {
                    Some((q, col)) if Self::deeper(parent, col) => {
                        self.pos = q;
                        block_ok = true;
                    }
                    _ => {
                        self.pos = end;
                        return Some(Node {
                            start,
                            end,
                            kind: NodeKind::Scalar,
                        });
                    }
                }
            } else {
                self.pos = self.skip_blanks(end);
            }
        }
        let p = self.pos;
        let c = self.at(p)?;
        match c {
            b'-' if block_ok && self.space_after(p) => self.block_seq(self.column(p)),
            b'[' | b'{' => self.flow(),
            b'|' | b'>' => Some(self.block_scalar(parent)),
            b'?' if self.space_after(p) => None,
            b'"' | b'\'' => {
                let end = self.quoted_end(p)?;
                if block_ok && self.colon_at(self.skip_blanks(end)) {
                    return self.block_map(self.column(p));
                }
                self.pos = end;
                Some(Node {
                    start: p,
                    end,
                    kind: NodeKind::Scalar,
                })
            }
            b'*' => {
                let end = self.token_end(p);
                self.pos = end;
                Some(Node {
                    start: p,
                    end,
                    kind: NodeKind::Scalar,
                })
            }
            _ if block_ok && self.plain_key_end(p).is_some() => self.block_map(self.column(p)),
            _ => Some(self.plain_block(parent)),
        }
    }

    /// `:` as a mapping indicator at `p`.
    fn colon_at(&self, p: usize) -> bool {
        self.at(p) == Some(b':') && self.space_after(p)
    }

    /// Where the `:` of a plain `key:` starting at `p` is, on its line.
    fn plain_key_end(&self, p: usize) -> Option<usize> {
        let end = self.line_end(p);
        (p..end)
            .find(|&q| match self.t[q] {
                b':' => self.space_after(q),
                _ => false,
            })
            .filter(|&colon| {
                !(p..colon).any(|q| self.t[q] == b'#' && q > p && is_blank(self.t[q - 1]))
            })
    }

    /// The end of an anchor, tag or alias: the next blank or line break.
    fn token_end(&self, p: usize) -> usize {
        (p..self.t.len())
            .find(|&q| is_blank(self.t[q]) || self.t[q] == b'\n')
            .unwrap_or(self.t.len())
    }

    /// The end of a quoted scalar starting at `p` (after the closing quote).
    fn quoted_end(&self, p: usize) -> Option<usize> {
        let quote = self.t[p];
        let mut q = p + 1;
        while q < self.t.len() {
            match self.t[q] {
                b'\\' if quote == b'"' => q += 2,
                b'\'' if quote == b'\'' && self.at(q + 1) == Some(b'\'') => q += 2,
                b if b == quote => return Some(q + 1),
                _ => q += 1,
            }
        }
        None
    }

    /// The end of the content on `p`'s line: before a ` #` comment and
    /// trailing blanks.
    fn content_end(&self, p: usize) -> usize {
        let end = self.line_end(p);
        let cut = (p..end)
            .find(|&q| self.t[q] == b'#' && q > p && is_blank(self.t[q - 1]))
            .unwrap_or(end);
        let mut e = cut;
        while e > p && is_blank(self.t[e - 1]) {
            e -= 1;
        }
        e
    }

    /// A plain scalar; lines deeper than `parent` continue it, up to a
    /// comment.
    fn plain_block(&mut self, parent: Option<usize>) -> Node {
        let start = self.pos;
        let mut end = self.content_end(start);
        while self.at(self.skip_blanks(end)) != Some(b'#') {
            match self.next_line(end) {
                Some((q, col)) if Self::deeper(parent, col) => end = self.content_end(q),
                _ => break,
            }
        }
        self.pos = end;
        Node {
            start,
            end,
            kind: NodeKind::Scalar,
        }
    }

    /// `|` or `>`: the header line, then every blank or deeper line.
    fn block_scalar(&mut self, parent: Option<usize>) -> Node {
        let start = self.pos;
        let mut end = self.content_end(start);
        let mut line = self.line_end(start) + 1;
        while line < self.t.len() {
            let indent = self.count_spaces(line);
            let q = self.skip_blanks(line);
            match self.at(q) {
                None => break,
                Some(b'\n') => line = q + 1,
                Some(_) if Self::deeper(parent, indent) => {
                    let line_end = self.line_end(q);
                    end = line_end;
                    while end > q && is_blank(self.t[end - 1]) {
                        end -= 1;
                    }
                    line = line_end + 1;
                }
                Some(_) => break,
            }
        }
        self.pos = end;
        Node {
            start,
            end,
            kind: NodeKind::Scalar,
        }
    }

    /// `- item` lines at column `col`.
    fn block_seq(&mut self, col: usize) -> Option<Node> {
        let start = self.pos;
        let mut items = Vec::new();
        let mut end = start;
        loop {
            let dash = self.pos;
            let after = self.skip_blanks(dash + 1);
            let item = if self.rest_is_empty(after) {
                match self.next_line(after) {
                    Some((q, c)) if c > col => {
                        self.pos = q;
                        self.block(Some(col), true)?
                    }
                    _ => {
                        self.pos = dash + 1;
                        Node {
                            start: dash,
                            end: dash + 1,
                            kind: NodeKind::Scalar,
                        }
                    }
                }
            } else {
                self.pos = after;
                self.block(Some(col), true)?
            };
            end = end.max(item.end);
            items.push(item);
            match self.content_from(self.pos) {
                Some((q, c)) if c == col && self.at(q) == Some(b'-') && self.space_after(q) => {
                    self.pos = q;
                }
                _ => break,
            }
        }
        self.pos = end;
        Some(Node {
            start,
            end,
            kind: NodeKind::Seq { items, flow: false },
        })
    }

    /// `key: value` lines at column `col`.
    fn block_map(&mut self, col: usize) -> Option<Node> {
        let start = self.pos;
        let mut entries = Vec::new();
        let mut end = start;
        loop {
            let key_at = self.pos;
            let (key, colon) = if matches!(self.at(key_at), Some(b'"' | b'\'')) {
                let key_end = self.quoted_end(key_at)?;
                let colon = self.skip_blanks(key_end);
                if !self.colon_at(colon) {
                    break;
                }
                (self.text(key_at + 1, key_end - 1), colon)
            } else {
                let Some(colon) = self.plain_key_end(key_at) else {
                    break;
                };
                (self.text(key_at, colon).trim_end(), colon)
            };
            let key = key.to_owned();
            end = end.max(colon + 1);
            let after = self.skip_blanks(colon + 1);
            let value = if self.rest_is_empty(after) {
                match self.next_line(after) {
                    Some((q, c)) if c > col => {
                        self.pos = q;
                        Some(self.block(Some(col), true)?)
                    }
                    // A list may sit at its key's own column.
                    Some((q, c)) if c == col && self.t[q] == b'-' && self.space_after(q) => {
                        self.pos = q;
                        Some(self.block(Some(col), true)?)
                    }
                    _ => {
                        self.pos = colon + 1;
                        None
                    }
                }
            } else {
                self.pos = after;
                Some(self.block(Some(col), false)?)
            };
            if let Some(v) = &value {
                end = end.max(v.end);
            }
            entries.push(Entry { key, key_at, value });
            match self.content_from(self.pos) {
                Some((q, c)) if c == col && !(self.t[q] == b'-' && self.space_after(q)) => {
                    self.pos = q;
                }
                _ => break,
            }
        }
        self.pos = end;
        (!entries.is_empty()).then_some(Node {
            start,
            end,
            kind: NodeKind::Map {
                entries,
                flow: false,
            },
        })
    }

    fn text(&self, from: usize, to: usize) -> &'a str {
        std::str::from_utf8(&self.t[from..to.max(from)]).unwrap_or("")
    }

    /// Skips blanks, line breaks and comments inside a flow collection.
    fn flow_skip(&mut self) {
        loop {
            match self.at(self.pos) {
                Some(b) if is_blank(b) || b == b'\n' => self.pos += 1,
                Some(b'#') => self.pos = self.line_end(self.pos),
                _ => return,
            }
        }
    }

    /// A node inside (or opening) a flow collection.
    fn flow(&mut self) -> Option<Node> {
        self.enter()?;
        let node = self.flow_inner();
        self.depth -= 1;
        node
    }

    fn flow_inner(&mut self) -> Option<Node> {
        self.flow_skip();
        while matches!(self.at(self.pos), Some(b'&' | b'!')) {
            let end = (self.pos..self.t.len())
                .find(|&q| is_blank(self.t[q]) || matches!(self.t[q], b'\n' | b',' | b']' | b'}'))
                .unwrap_or(self.t.len());
            self.pos = end;
            self.flow_skip();
            if matches!(self.at(self.pos), Some(b',' | b']' | b'}')) {
                return Some(Node {
                    start: end,
                    end,
                    kind: NodeKind::Scalar,
                });
            }
        }
        let p = self.pos;
        match self.at(p)? {
            b'[' => self.flow_collection(b']'),
            b'{' => self.flow_collection(b'}'),
            b'"' | b'\'' => {
                let end = self.quoted_end(p)?;
                self.pos = end;
                Some(Node {
                    start: p,
                    end,
                    kind: NodeKind::Scalar,
                })
            }
            b'?' if self.space_after(p) => None,
            _ => {
                let end = self.flow_plain_end(p);
                (end > p).then_some(())?;
                self.pos = end;
                Some(Node {
                    start: p,
                    end,
                    kind: NodeKind::Scalar,
                })
            }
        }
    }

    /// The end of a plain scalar in a flow collection (it may go on over
    /// line breaks), without trailing blanks.
    fn flow_plain_end(&self, p: usize) -> usize {
        let mut end = p;
        let mut q = p;
        while let Some(b) = self.at(q) {
            let stop = match b {
                b',' | b'[' | b']' | b'{' | b'}' => true,
                b':' => self
                    .at(q + 1)
                    .is_none_or(|n| is_blank(n) || matches!(n, b'\n' | b',' | b']' | b'}')),
                b'#' => q > p && (is_blank(self.t[q - 1]) || self.t[q - 1] == b'\n'),
                _ => false,
            };
            if stop {
                break;
            }
            if !is_blank(b) && b != b'\n' {
                end = q + 1;
            }
            q += 1;
        }
        end
    }

    /// `[…]` or `{…}` from its opening bracket; a `key: value` inside `[…]`
    /// is a one-entry mapping.
    fn flow_collection(&mut self, close: u8) -> Option<Node> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        let mut entries = Vec::new();
        loop {
            self.flow_skip();
            match self.at(self.pos)? {
                b if b == close => break,
                b',' => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let first = self.flow()?;
            self.flow_skip();
            let pair = self.at(self.pos) == Some(b':');
            let value = if pair {
                self.pos += 1;
                self.flow_skip();
                match self.at(self.pos) {
                    Some(b',') | None => None,
                    Some(b) if b == close => None,
                    Some(_) => Some(self.flow()?),
                }
            } else {
                None
            };
            if close == b'}' || pair {
                let entry = Entry {
                    key: self.scalar_text(&first),
                    key_at: first.start,
                    value,
                };
                if close == b'}' {
                    entries.push(entry);
                } else {
                    let end = entry.value.as_ref().map_or(first.end, |v| v.end);
                    items.push(Node {
                        start: first.start,
                        end,
                        kind: NodeKind::Map {
                            entries: vec![entry],
                            flow: true,
                        },
                    });
                }
            } else {
                items.push(first);
            }
        }
        self.pos += 1;
        let end = self.pos;
        let kind = if close == b'}' {
            NodeKind::Map {
                entries,
                flow: true,
            }
        } else {
            NodeKind::Seq { items, flow: true }
        };
        Some(Node { start, end, kind })
    }

    /// A scalar's text as a key: quotes removed.
    fn scalar_text(&self, node: &Node) -> String {
        let raw = self.text(node.start, node.end);
        match raw.as_bytes().first() {
            Some(b'"' | b'\'') if raw.len() >= 2 => raw[1..raw.len() - 1].to_owned(),
            _ => raw.to_owned(),
        }
    }
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
            Seg::Key("referring".into()),
            Seg::Key("contacts".into()),
            Seg::Index(1),
            Seg::Key("name".into()),
        ];
        let (_, v, len) = locate(text, &path).unwrap();
        assert_eq!(&text[v..v + len], "B");
        // An empty key (fuzz regression: it used to loop for ever).
        assert_eq!(
            locate(": x\ntitle: a\n", &[Seg::Key(String::new())]),
            Some((0, 2, 1))
        );
    }

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_owned())
    }

    /// The text of the value at `path`, or of its key when the value is a
    /// block or missing.
    fn at<'t>(text: &'t str, path: &[Seg]) -> &'t str {
        let (k, v, len) = locate(text, path).unwrap_or_else(|| panic!("{path:?} not found"));
        if len == 0 {
            &text[k..]
        } else {
            &text[v..v + len]
        }
    }

    #[test]
    fn every_list_item_and_flow_value_has_its_own_position() {
        let text = "aliases: [/ok/, \"bad alias\", 'it''s']\n\
                    hours:\n  - { days: [Mo, Funday], opens: \"08:00\" }\n  - days:\n      - Tu\n      - Wd\n    opens: 9\n\
                    list:\n- a\n- b # c\nafter: [x,\n  y]\n";
        let i = Seg::Index;
        assert_eq!(at(text, &[key("aliases"), i(1)]), "\"bad alias\"");
        assert_eq!(at(text, &[key("aliases"), i(2)]), "'it''s'");
        assert_eq!(at(text, &[key("hours"), i(0), key("days"), i(1)]), "Funday");
        assert_eq!(at(text, &[key("hours"), i(0), key("opens")]), "\"08:00\"");
        assert_eq!(at(text, &[key("hours"), i(1), key("days"), i(1)]), "Wd");
        assert_eq!(at(text, &[key("hours"), i(1), key("opens")]), "9");
        assert!(at(text, &[key("hours"), i(1)]).starts_with("days:\n"));
        assert_eq!(at(text, &[key("list"), i(1)]), "b");
        assert_eq!(at(text, &[key("after"), i(1)]), "y");
        assert!(at(text, &[key("hours")]).starts_with("hours:"));
        assert_eq!(locate(text, &[key("hours"), i(2)]), None);
        assert_eq!(locate(text, &[key("aliases"), key("x")]), None);
        assert_eq!(locate(text, &[key("nothing")]), None);
    }

    #[test]
    fn positions_know_scalars_comments_and_documents() {
        let text = "---\n# a comment: not a key\ntitle: \"a: b\" # title: no\n\
                    detail: |\n  line one: x\n  # still text\n\nnext: &anchor !tag plain\n  over two lines\n\
                    \"quoted key\": 1\nempty:\nurl: https://x.example/a:b#c\nflow: {a: [1, {b: c}], \"d\": e}\n";
        assert_eq!(at(text, &[key("title")]), "\"a: b\"");
        assert_eq!(
            at(text, &[key("detail")]),
            "|\n  line one: x\n  # still text"
        );
        assert_eq!(at(text, &[key("next")]), "plain\n  over two lines");
        assert_eq!(at(text, &[key("quoted key")]), "1");
        assert!(at(text, &[key("empty")]).starts_with("empty:"));
        assert_eq!(at(text, &[key("url")]), "https://x.example/a:b#c");
        let b = [key("flow"), key("a"), Seg::Index(1), key("b")];
        assert_eq!(at(text, &b), "c");
        assert_eq!(at(text, &[key("flow"), key("d")]), "e");
        // CRLF line ends (read files have none, snippets may) and a
        // top-level list.
        let crlf = "- a\r\n- b: c\r\n  d: e\r\n";
        assert_eq!(at(crlf, &[Seg::Index(1), key("d")]), "e");
    }

    #[test]
    fn positions_give_up_without_looping() {
        for text in [
            "? complex\n: key\n",
            "a: [unclosed\n",
            "a: \"unclosed\n",
            "- - - - - x\n",
            ": x\n",
            "a: {b: }\n",
            "[a, b]: c\n",
            "a:\n  - b\n c\n",
        ] {
            let _ = locate(text, &[key("a")]);
        }
        let deep = format!("a: {}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(locate(&deep, &[key("a")]).is_none());
    }
}
