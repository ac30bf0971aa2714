//! Reading one file: the size limit (E017), the encoding check (E016) and
//! the normalisation (BOM dropped, CRLF made LF, so positions stay
//! line-true) that every text the build reads goes through.

use std::path::Path;

use super::walk::inside;
use crate::diag::{Code, Diagnostic, display_path};

/// Files larger than this are refused: no real page is 8 MiB of text.
pub(super) const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a file the build names directly (site.toml, a theme's
/// theme.toml, a file `serve` saw change) as `read_text` does, after
/// `inside` has placed it in the site. `path` is under `root` (as given);
/// findings name it relative to `root`.
pub fn read_site_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let site = std::fs::canonicalize(root).map_err(|e| unreadable(&e))?;
    inside(&site, root, path)?;
    read_text(path).map_err(|d| d.in_file(display_path(root, path)))
}

/// Reads a text file: size-limited, UTF-8, BOM dropped, CRLF → LF.
pub(super) fn read_text(path: &Path) -> Result<String, Diagnostic> {
    decode(read_bytes(path)?)
}

/// Reads a file's bytes, or a finding (E017) when it is larger than
/// [`MAX_FILE_BYTES`].
pub(super) fn read_bytes(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read as _;
    let too_large = |len: u64| {
        Diagnostic::new(
            Code::FileTooLarge,
            format!(
                "this file is {} MiB; handoff reads files up to 8 MiB",
                len / (1024 * 1024)
            ),
        )
        .with_hint("split the page, or move large media to `static/`")
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(&e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    // Read at most one byte past the limit: a file that grows after the
    // size check (or a special file that reports size 0) stays bounded.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Decodes a file's bytes the way `read_text` does: UTF-8 or a finding
/// (at the first bad byte), BOM dropped, CRLF → LF. Split from the read so
/// the fuzz targets and tests reach it without a file.
pub fn decode(bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let span = crate::diag::span_of(&good, good.len(), 0);
        Diagnostic::new(
            Code::NotUtf8,
            format!(
                "this file is not UTF-8 text (bad byte at line {}, column {})",
                span.line, span.col
            ),
        )
        .at(&good, span)
        .with_hint("save the file as UTF-8 in your editor")
    })?;
    Ok(normalise(text))
}

pub(super) fn unreadable(e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::Unreadable, format!("this file cannot be read: {e}"))
        .with_hint("check the file's permissions")
}

/// Drops a byte-order mark and turns CRLF into LF.
fn normalise(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(normalise("\u{feff}a\r\nb\r\n".to_owned()), "a\nb\n");
    }
}
