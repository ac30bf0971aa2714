//! The scan behind [`super::Positions`]: block and flow collections,
//! quoted, plain and block scalars, comments, anchors and tags, each node
//! with its byte range. Gives up (`None`) on what it does not understand.

use super::MAX_DEPTH;
use super::positions::{Entry, Node, NodeKind};

/// Deeper than any document [`parse`] accepts (see [`MAX_DEPTH`]): the
/// index gives up rather than recurse without bound.
const MAX_INDEX_DEPTH: usize = 4 * MAX_DEPTH + 8;

pub(super) struct Scanner<'a> {
    t: &'a [u8],
    pos: usize,
    depth: usize,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

impl<'a> Scanner<'a> {
    pub(super) fn new(text: &'a str) -> Self {
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

    pub(super) fn document(&mut self) -> Option<Node> {
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
