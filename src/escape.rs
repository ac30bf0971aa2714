//! Text in and out of the formats handoff writes and reads: escaping for
//! HTML and XML, and decoding the percent-encoding of a site path. One
//! definition each, for the sitemap, `check` and `serve`'s own pages.
//! Pure functions, no I/O.

/// `&`, `<`, `>`, `"` and `'` as character references: safe as HTML or XML
/// text and inside a quoted attribute value.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A percent-decoded path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded bytes; a `%` that starts no escape is kept as it is.
    pub bytes: Vec<u8>,
    /// Some `%` is not followed by two hex digits.
    pub malformed: bool,
}

impl Decoded {
    /// The text, when every escape was well formed and the bytes are UTF-8
    /// (what a server may look up).
    pub fn strict(self) -> Option<String> {
        if self.malformed {
            return None;
        }
        String::from_utf8(self.bytes).ok()
    }

    /// The text as a browser shows it: bad bytes as U+FFFD.
    pub fn lossy(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Decodes `%XX` escapes (`caf%C3%A9` → `café`).
pub fn percent_decode(text: &str) -> Decoded {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut malformed = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
            malformed = true;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Decoded {
        bytes: out,
        malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_references() {
        assert_eq!(
            html(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"
        );
        assert_eq!(html("plain café"), "plain café");
    }

    #[test]
    fn percent_escapes_decode_strictly_or_as_shown() {
        assert_eq!(
            percent_decode("/caf%C3%A9/").strict().as_deref(),
            Some("/café/")
        );
        assert_eq!(percent_decode("/a%2fb").strict().as_deref(), Some("/a/b"));
        for bad in ["/%zz", "/%2", "/%", "/%C3"] {
            assert_eq!(percent_decode(bad).strict(), None, "{bad}");
        }
        assert_eq!(percent_decode("/100%/").lossy(), "/100%/");
        assert_eq!(percent_decode("/%C3x").lossy(), "/\u{fffd}x");
    }
}
