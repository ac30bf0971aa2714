//! Reading built pages. HTML is minified (attribute quotes dropped,
//! attributes reordered), so tests parse it with `scraper`, an HTML5
//! parser, never with regexes on quotes.

use scraper::Selector;

/// A CSS selector, failing the test with the selector when it does not parse.
pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e}"))
}
