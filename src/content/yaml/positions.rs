//! Where each key and value of a YAML document is written.
//!
//! serde gives no positions for values that parse, so findings about them
//! come from this index: a scan of the same text that knows block and flow
//! collections, quoted, plain and block scalars, comments, anchors and tags
//! well enough to give every key and every list item its own offset. It runs
//! on text the parser has accepted; on anything it does not understand (a
//! `? complex key`) it gives up and findings fall back to the file's start.

use super::Seg;
use super::scanner::Scanner;

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
