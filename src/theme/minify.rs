//! HTML minification of templates, once at load time (`[build] minify`).
//!
//! Minifying every rendered page cost more than everything else of a build
//! together (minify-html reads about 40 MB/s, and a 10,000-page site writes
//! hundreds of megabytes) while saving about 4 % of the bytes: the theme's
//! markup is the only part with whitespace to remove; Markdown bodies and
//! JSON-LD come out compact already. So the templates are minified instead,
//! with minify-html, before Tera compiles them.
//!
//! minify-html keeps `{{ }}`, `{% %}` and `{# #}` intact in text
//! (`preserve_brace_template_syntax`), but not inside a start tag, where it
//! would read them as attributes. Start tags that hold template syntax are
//! therefore swapped for a placeholder tag (`<a data-handoff-tpl-3>`) before
//! minifying and restored after. The result is checked: the same tags in the
//! same order, every placeholder back exactly once. A template that fails
//! the check is used as written, so minification can cost bytes, never a
//! broken page.

/// Attribute name of a protected start tag's placeholder.
const PLACEHOLDER: &str = "data-handoff-tpl-";

/// A theme script minified (oxc: the safest compression, names mangled,
/// comments dropped), or `None` when it does not parse: then it is served
/// as written.
pub fn script(source: &str) -> Option<String> {
    use oxc_minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
    let allocator = oxc_allocator::Allocator::default();
    let parsed = oxc_parser::Parser::new(&allocator, source, oxc_span::SourceType::cjs()).parse();
    if !parsed.errors.is_empty() || parsed.panicked {
        return None;
    }
    let mut program = parsed.program;
    let minified = Minifier::new(MinifierOptions {
        mangle: Some(MangleOptions::default()),
        compress: Some(CompressOptions::safest()),
    })
    .minify(&allocator, &mut program);
    // The mangled names live in the scoping the minifier returns.
    let code = oxc_codegen::Codegen::new()
        .with_options(oxc_codegen::CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .build(&program)
        .code;
    (!code.is_empty()).then_some(code)
}

/// The template minified, or `None` when it cannot be minified safely.
pub fn template(source: &str) -> Option<String> {
    let (protected, tags) = protect(source)?;
    let cfg = minify_html::Cfg {
        keep_html_and_head_opening_tags: true,
        keep_closing_tags: true,
        keep_comments: false,
        minify_css: false,
        minify_js: false,
        minify_doctype: false,
        preserve_brace_template_syntax: true,
        ..minify_html::Cfg::default()
    };
    let out = String::from_utf8(minify_html::minify(protected.as_bytes(), &cfg)).ok()?;
    if tag_names(&out)? != tag_names(&protected)? {
        return None;
    }
    restore(&out, &tags)
}

/// Replaces each start tag that contains template syntax by
/// `<name data-handoff-tpl-N>`; returns the text and the tags' attribute
/// parts (everything between the name and `>`), by N.
fn protect(source: &str) -> Option<(String, Vec<String>)> {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut tags = Vec::new();
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        if let Some(end) = template_syntax_end(source, i) {
            i = end;
            continue;
        }
        if source[i..].starts_with("<!--") {
            i = source[i..].find("-->").map(|e| i + e + 3)?;
            continue;
        }
        if bytes[i] == b'<' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            let name_end =
                i + 1 + source[i + 1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))?;
            let name = &source[i + 1..name_end];
            let tag_end = start_tag_end(source, name_end)?;
            let attrs = &source[name_end..tag_end];
            if has_template_syntax(attrs) {
                out.push_str(&source[last..name_end]);
                out.push(' ');
                out.push_str(PLACEHOLDER);
                out.push_str(&tags.len().to_string());
                out.push('>');
                tags.push(collapse_whitespace(attrs));
                last = tag_end + 1;
            }
            i = tag_end + 1;
            // Raw text: no tags inside, whatever it looks like.
            let lower = name.to_ascii_lowercase();
            if lower == "script" || lower == "style" {
                let close = format!("</{lower}");
                i = find_ascii_case_insensitive(source, i, &close)?;
            }
            continue;
        }
        i += source[i..].chars().next().map_or(1, char::len_utf8);
    }
    out.push_str(&source[last..]);
    Some((out, tags))
}

/// Where the template construct starting at `i` ends, if one starts there.
fn template_syntax_end(source: &str, i: usize) -> Option<usize> {
    let rest = &source[i..];
    let close = if rest.starts_with("{{") {
        "}}"
    } else if rest.starts_with("{%") {
        "%}"
    } else if rest.starts_with("{#") {
        "#}"
    } else {
        return None;
    };
    // An unclosed construct runs to the end; Tera reports it, not us.
    Some(
        rest[2..]
            .find(close)
            .map_or(source.len(), |e| i + 2 + e + 2),
    )
}

fn has_template_syntax(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// The index of the `>` that ends a start tag whose attributes begin at `i`.
fn start_tag_end(source: &str, mut i: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        if let Some(end) = template_syntax_end(source, i) {
            i = end;
            continue;
        }
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(i),
            None if b == b'<' => return None,
            None => {}
        }
        i += 1;
    }
    None
}

fn find_ascii_case_insensitive(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (from..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Runs of whitespace outside quoted values and template syntax become one
/// space: line breaks and indentation between attributes carry no meaning.
fn collapse_whitespace(attrs: &str) -> String {
    let mut out = String::with_capacity(attrs.len());
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < attrs.len() {
        if let Some(end) = template_syntax_end(attrs, i) {
            out.push_str(&attrs[i..end]);
            i = end;
            continue;
        }
        let Some(c) = attrs[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

/// Puts the protected tags back; `None` if any placeholder went missing or
/// came out twice.
fn restore(minified: &str, tags: &[String]) -> Option<String> {
    let mut out =
        String::with_capacity(minified.len() + tags.iter().map(String::len).sum::<usize>());
    let mut seen = vec![false; tags.len()];
    let mut rest = minified;
    let marker = format!(" {PLACEHOLDER}");
    while let Some(at) = rest.find(&marker) {
        out.push_str(&rest[..at]);
        let after = &rest[at + marker.len()..];
        let digits = after.find(|c: char| !c.is_ascii_digit())?;
        let n: usize = after[..digits].parse().ok()?;
        if !after[digits..].starts_with('>') || std::mem::replace(seen.get_mut(n)?, true) {
            return None;
        }
        out.push_str(&tags[n]);
        out.push('>');
        rest = &after[digits + 1..];
    }
    out.push_str(rest);
    seen.iter().all(|s| *s).then_some(out)
}

/// The start and end tags of a text, in order (`a`, `/a`, with placeholder
/// numbers), skipping template syntax, comments and raw text.
fn tag_names(html: &str) -> Option<Vec<String>> {
    let bytes = html.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(end) = template_syntax_end(html, i) {
            i = end;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map(|e| i + e + 3)?;
            continue;
        }
        if bytes[i] == b'<' {
            let closing = bytes.get(i + 1) == Some(&b'/');
            let start = i + 1 + usize::from(closing);
            if bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
                let end = start_tag_end(html, start)?;
                let tag = &html[start..end];
                let name = tag
                    .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let placeholder = tag.find(PLACEHOLDER).map(|p| &tag[p..]).unwrap_or_default();
                names.push(format!(
                    "{}{name}{placeholder}",
                    if closing { "/" } else { "" }
                ));
                i = end + 1;
                if !closing && (name == "script" || name == "style") {
                    i = find_ascii_case_insensitive(html, i, &format!("</{name}"))?;
                }
                continue;
            }
        }
        i += html[i..].chars().next().map_or(1, char::len_utf8);
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_between_tags_goes_and_template_syntax_stays() {
        let src = "<ul class=\"nav\">\n  {% for s in services %}\n    <li><a href=\"{{ s.path }}\"{% if s.path == page.path %} aria-current=\"page\"{% endif %}>{{ s.title }}</a></li>\n  {% endfor %}\n</ul>\n";
        let out = template(src).unwrap();
        assert!(!out.contains("\n  "), "{out}");
        assert!(
            out.contains("<a href=\"{{ s.path }}\"{% if s.path == page.path %} aria-current=\"page\"{% endif %}>{{ s.title }}</a>"),
            "{out}"
        );
        assert!(out.contains("{% for s in services %}") && out.contains("{% endfor %}"));
    }

    #[test]
    fn quotes_inside_template_syntax_in_attributes_survive() {
        let src = "<script src=\"{{ asset_url(path=\"js/forms.js\") }}\" defer></script>\n<p>\n  Hi\n</p>";
        let out = template(src).unwrap();
        assert!(
            out.starts_with(
                "<script src=\"{{ asset_url(path=\"js/forms.js\") }}\" defer></script>"
            ),
            "{out}"
        );
        assert!(out.ends_with("<p>Hi</p>"), "{out}");
    }

    #[test]
    fn spaces_between_inline_text_and_values_are_kept() {
        let out = template(
            "<p>Call <a href=\"tel:{{ t }}\">{{ n }}</a> today, {{ name }} {{ more }}.</p>",
        )
        .unwrap();
        assert_eq!(
            out,
            "<p>Call <a href=\"tel:{{ t }}\">{{ n }}</a> today, {{ name }} {{ more }}.</p>"
        );
    }

    #[test]
    fn raw_text_and_pre_are_left_alone() {
        let src = "<pre>\n  a\n    b\n</pre><script type=\"application/ld+json\">{{ page.jsonld | safe }}</script>";
        let out = template(src).unwrap();
        assert!(
            out.contains("<pre>  a\n    b\n</pre>") || out.contains("<pre>\n  a\n    b\n</pre>"),
            "{out}"
        );
        assert!(out.contains("{{ page.jsonld | safe }}</script>"), "{out}");
    }

    #[test]
    fn tags_split_across_branches_fall_back_or_keep_every_tag() {
        let src =
            "{% if a %}<div class=\"x\">{% else %}<div class=\"y\">{% endif %}\n  <p>t</p>\n</div>";
        if let Some(out) = template(src) {
            assert_eq!(tag_names(&out), tag_names(src), "{out}");
        }
    }

    #[test]
    fn placeholders_are_restored_exactly_once() {
        assert_eq!(
            restore("<a data-handoff-tpl-0>x</a>", &[" href=\"{{ u }}\"".into()]).as_deref(),
            Some("<a href=\"{{ u }}\">x</a>")
        );
        assert_eq!(restore("<a>x</a>", &[" href=\"{{ u }}\"".into()]), None);
        assert_eq!(
            restore(
                "<a data-handoff-tpl-0><b data-handoff-tpl-0>",
                &[" x".into()]
            ),
            None
        );
    }

    #[test]
    fn attribute_whitespace_collapses_outside_quotes_only() {
        assert_eq!(
            collapse_whitespace(" class=\"a  b\"\n    {% if x %}\n  hidden{% endif %}"),
            " class=\"a  b\" {% if x %} hidden{% endif %}"
        );
    }
}

#[cfg(test)]
mod theme_tests {
    /// Every template of the default theme minifies; one that fell back to
    /// its text as written would cost bytes on every page, silently.
    #[test]
    fn every_default_theme_template_minifies() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/clinic/templates");
        let mut checked = 0;
        for entry in walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "html") {
                let text = std::fs::read_to_string(path).unwrap();
                assert!(
                    super::template(&text).is_some(),
                    "{} is not minified",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked >= 20, "only {checked} templates found");
    }
}
