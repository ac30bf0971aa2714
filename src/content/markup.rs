//! How much Markdown markup a content file may carry: the one limit that
//! keeps the parser's memory bounded (E017), checked when a file is read,
//! before anything parses it. Rendering reads the same weight to put very
//! large pages aside (`render::markdown::LARGE_MARKUP`).

/// The most markup one content file may carry (see [`markup_weight`]).
///
/// pulldown-cmark builds a tree node of some 64 bytes for about each unit
/// of weight, two with the text between, before it writes a byte of HTML:
/// 8 MiB of `[` (weight 8.4 M) took 535 MB in the parser alone, and a
/// nested `> > > …` line writes 13 bytes of HTML per 2 of input. Two
/// million keeps the worst page under 500 MB from reading to writing, and
/// is some 20 times what a long real page holds (a 7 MiB page of one-word
/// headings, the largest in the tests, weighs 0.7 M).
pub const MAX_MARKUP: usize = 2_000_000;

/// Bytes the parser may turn into a node of its own: what opens or closes
/// an inline element or a container, and smart punctuation.
const MARKUP_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b"[]()!*_~`<>&\\|^\"'.-+";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// How much Markdown markup a text holds, as the parser will see it: each
/// markup byte, each line that is not blank, and each `#` heading once more
/// (a heading also keeps its text and a unique id: 1 M of them cost about
/// 360 MB). An upper bound on the parser's work, found in one pass.
pub fn markup_weight(text: &str) -> usize {
    let mut weight = 0;
    let mut blank = true;
    for b in text.bytes() {
        match b {
            b'\n' => {
                weight += usize::from(!blank);
                blank = true;
            }
            b' ' | b'\t' | b'\r' => {}
            _ => {
                weight += usize::from(MARKUP_BYTES[usize::from(b)] || (blank && b == b'#'));
                blank = false;
            }
        }
    }
    weight + usize::from(!blank)
}

/// The markup weight of `text` when it is over `limit`, else `None`. A
/// byte weighs at most 1 and each line's end 1 more, so a text of at most
/// half the limit is not counted at all (most pages).
pub fn weight_over(text: &str, limit: usize) -> Option<usize> {
    if text.len() * 2 <= limit {
        return None;
    }
    let weight = markup_weight(text);
    (weight > limit).then_some(weight)
}
