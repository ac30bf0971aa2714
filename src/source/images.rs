//! The pixel size of an image the build copies, so templates can set
//! `width` and `height` and pages do not shift as images load.
//!
//! Only the header is read for raster images; an SVG is read as text (under
//! the one size limit, `MAX_FILE_BYTES`: a larger one is copied, not
//! measured) for its root element's `width`/`height`, else its
//! `viewBox`. An image that cannot be measured has no size, and no finding:
//! the page still works, its box is just not reserved.

use std::path::Path;

/// Width and height of the image at `path`, when it is one handoff can measure.
pub(super) fn size(path: &Path) -> Option<(u32, u32)> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "svg" => {
            let text = super::read::read_text(path).ok()?;
            svg_size(&text)
        }
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" => {
            let s = imagesize::size(path).ok()?;
            Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?))
        }
        _ => None,
    }
}

fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let value = &tag[at..at + tag[at..].find('"')?];
        value.trim_end_matches("px").parse().ok()
    };
    let (w, h) = match (attr("width"), attr("height")) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            let at = tag.find(" viewBox=\"")? + 10;
            let parts: Vec<f64> = tag[at..at + tag[at..].find('"')?]
                .split([' ', ','])
                .filter_map(|p| p.parse().ok())
                .collect();
            (*parts.get(2)?, *parts.get(3)?)
        }
    };
    (w > 0.0 && h > 0.0 && w < 100_000.0 && h < 100_000.0)
        .then(|| (w.round() as u32, h.round() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes_come_from_attributes_or_viewbox() {
        assert_eq!(
            svg_size("<svg xmlns=\"x\" width=\"240\" height=\"300\">"),
            Some((240, 300))
        );
        assert_eq!(svg_size("<svg viewBox=\"0 0 64 32\">"), Some((64, 32)));
        assert_eq!(svg_size("<svg width=\"100%\">"), None);
    }
}
