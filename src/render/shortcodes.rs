//! NAP shortcodes in Markdown bodies: `{{ phone() }}`,
//! `{{ phone(location="main-street") }}`, `{{ fax(service="cardiology") }}`,
//! `{{ address(location="main-street") }}`, `{{ hours(location=…) }}`.
//!
//! Each inserts the practice's, a location's or a service line's value from
//! the NAP data, so a body never retypes a number that could drift. This
//! is a tiny parser of one call, not a template engine: nothing else in a
//! body is ever evaluated, `{{ page.title }}` stays text. Shortcodes inside
//! code spans and code blocks stay text too, and `{{/* phone() */}}` writes
//! `{{ phone() }}` as text.
//!
//! The values go in as inline HTML whose every punctuation mark is a
//! character reference, so Markdown reads none of it as markup.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::reads::Reader;
use crate::diag::{Code, did_you_mean};
use crate::phone::Phone;

/// The shortcodes, and the one argument each may take.
const SHORTCODES: [(&str, &[&str]); 4] = [
    ("phone", &["location", "service"]),
    ("fax", &["location", "service"]),
    ("address", &["location"]),
    ("hours", &["location"]),
];

/// A shortcode that cannot be filled in, at a byte range of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Range<usize>,
    pub code: Code,
    pub message: String,
    pub hint: String,
}

/// A body with its shortcodes filled in, and how to find a place of the
/// filled-in text in the body as written.
#[derive(Debug, Default)]
pub struct Expanded {
    pub text: String,
    /// Each replacement: (start in `text`, its length there, its length
    /// in the body as written).
    edits: Vec<(usize, usize, usize)>,
    pub problems: Vec<Problem>,
}

impl Expanded {
    /// The offset in the body as written of `at`, an offset in `text`.
    pub fn written_offset(&self, at: usize) -> usize {
        let mut shift: isize = 0;
        for &(start, new_len, old_len) in &self.edits {
            if at < start + new_len {
                // Inside a replacement: its start.
                if at >= start {
                    return start.saturating_add_signed(shift);
                }
                break;
            }
            shift += old_len as isize - new_len as isize;
        }
        at.saturating_add_signed(shift)
    }
}

/// Fills in the shortcodes of `body`; `None` when it has none, the common
/// case, which costs one search for `{{`.
pub fn expand(body: &str, r: &mut Reader<'_>) -> Option<Expanded> {
    if !body.contains("{{") {
        return None;
    }
    let code = code_ranges(body);
    let mut out = Expanded::default();
    let mut from = 0;
    let mut search = 0;
    while let Some(found) = body[search..].find("{{") {
        let start = search + found;
        search = start + 2;
        if code.iter().any(|c| c.contains(&start)) {
            continue;
        }
        let Some((end, filled)) = call(body, start, r, &mut out.problems) else {
            continue;
        };
        out.text.push_str(&body[from..start]);
        out.edits.push((out.text.len(), filled.len(), end - start));
        out.text.push_str(&filled);
        from = end;
        search = end;
    }
    out.text.push_str(&body[from..]);
    Some(out)
}

/// The byte ranges of code spans and code blocks, where `{{` is text.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    Parser::new(body)
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect()
}

/// One `{{ … }}` at `start`: where it ends and what replaces it, or `None`
/// when it is no shortcode (other text in braces stays as written).
fn call(
    body: &str,
    start: usize,
    r: &mut Reader<'_>,
    problems: &mut Vec<Problem>,
) -> Option<(usize, String)> {
    let close = start + body[start..].find("}}")? + 2;
    let inner = &body[start + 2..close - 2];
    // The line it is on, no further: `{{` in one paragraph and `}}` in
    // another are no shortcode.
    if inner.contains('\n') {
        return None;
    }
    let trimmed = inner.trim();
    if let Some(literal) = trimmed
        .strip_prefix("/*")
        .and_then(|t| t.strip_suffix("*/"))
    {
        return Some((close, text(&format!("{{{{ {} }}}}", literal.trim()))));
    }
    let name_len = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    let (name, rest) = trimmed.split_at(name_len);
    let known = SHORTCODES.iter().find(|(n, _)| *n == name);
    let mut problem = |code: Code, message: String, hint: String| {
        problems.push(Problem {
            at: start..close,
            code,
            message,
            hint,
        });
        Some((close, String::new()))
    };
    let names: Vec<&str> = SHORTCODES.iter().map(|(n, _)| *n).collect();
    let Some(args) = rest
        .trim_start()
        .strip_prefix('(')
        .and_then(|a| a.trim_end().strip_suffix(')'))
    else {
        // `{{ phone }}` is a shortcode without its brackets; anything else
        // in braces (`{{ page.title }}`) is text.
        return known.and_then(|_| {
            problem(
                Code::InvalidValue,
                format!("`{{{{ {name} }}}}` needs brackets"),
                format!("write `{{{{ {name}() }}}}`"),
            )
        });
    };
    if name.is_empty() {
        return None;
    }
    let Some(&(name, allowed)) = known else {
        return problem(
            Code::InvalidValue,
            format!("`{name}` is not a shortcode"),
            format!(
                "{}; shortcodes insert the practice's phone, fax, address or hours",
                did_you_mean(name, &names)
            ),
        );
    };
    let arg = match argument(args) {
        Ok(arg) => arg,
        Err(why) => {
            return problem(
                Code::InvalidValue,
                format!("`{name}(…)` cannot be read: {why}"),
                format!(
                    "write e.g. `{{{{ {name}({}=\"main-street\") }}}}`",
                    allowed[0]
                ),
            );
        }
    };
    if let Some((key, _)) = arg
        && !allowed.contains(&key)
    {
        return problem(
            Code::InvalidValue,
            format!("`{name}` takes no `{key}`"),
            format!(
                "{}, or nothing for the practice's own",
                allowed
                    .iter()
                    .map(|a| format!("`{a}=\"…\"`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        );
    }
    match fill(name, arg, r) {
        Ok(html) => Some((close, html)),
        Err((code, message, hint)) => problem(code, message, hint),
    }
}

/// `key="value"`, or nothing.
fn argument(args: &str) -> Result<Option<(&str, &str)>, &'static str> {
    let args = args.trim();
    if args.is_empty() {
        return Ok(None);
    }
    let (key, value) = args
        .split_once('=')
        .ok_or("an argument is written `name=\"value\"`")?;
    let value = value.trim();
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .ok_or("put the value in quotes")?;
    if unquoted.contains(['"', '\'', ',']) {
        return Err("a shortcode takes one argument");
    }
    Ok(Some((key.trim(), unquoted)))
}

type Fault = (Code, String, String);

/// The HTML for a known shortcode and argument.
fn fill(name: &str, arg: Option<(&str, &str)>, r: &mut Reader<'_>) -> Result<String, Fault> {
    let missing = |whose: String| {
        (
            Code::MissingField,
            format!("{whose} has no {name} to insert"),
            format!("add it to {whose}, or write the shortcode for another one"),
        )
    };
    let whose = match arg {
        None => "the practice".to_owned(),
        Some((key, id)) => format!("the {} `{id}`", key.replace('_', " ")),
    };
    match (name, arg) {
        ("phone" | "fax", None) => {
            let o = &r.config().organization;
            let p = if name == "phone" { &o.phone } else { &o.fax };
            p.as_ref()
                .map(|p| number(name, p))
                .ok_or_else(|| missing("`[organization]` in site.toml".to_owned()))
        }
        ("phone" | "fax", Some(("service", id))) => {
            let s = r
                .service_named(id)
                .ok_or_else(|| unknown("service line", id, r))?;
            let p = if name == "phone" {
                &s.referring.phone
            } else {
                &s.referring.fax
            };
            p.as_ref()
                .map(|p| number(name, p))
                .ok_or_else(|| missing(whose))
        }
        (_, arg) => {
            let l = match arg {
                Some((_, id)) => r
                    .locations()
                    .iter()
                    .find(|l| l.slug == id)
                    .ok_or_else(|| unknown("location", id, r))?,
                // The practice's address and hours are its first location's.
                None => r
                    .locations()
                    .first()
                    .ok_or_else(|| missing(whose.clone()))?,
            };
            let html = match name {
                "phone" => l.phone.as_ref().map(|p| number(name, p)),
                "fax" => l.fax.as_ref().map(|p| number(name, p)),
                "address" => Some(super::view::address(&l.address).one_line)
                    .filter(|a| !a.is_empty())
                    .map(|a| text(&a)),
                _ => (!l.hours.is_empty()).then(|| {
                    let hours: Vec<String> = l
                        .hours
                        .iter()
                        .map(|h| {
                            let h = super::view::hours(h);
                            format!("{} {}–{}", h.days, h.opens, h.closes)
                        })
                        .collect();
                    text(&hours.join("; "))
                }),
            };
            html.ok_or_else(|| missing(format!("the location `{}`", l.slug)))
        }
    }
}

fn unknown(what: &str, id: &str, r: &mut Reader<'_>) -> Fault {
    let ids: Vec<&str> = if what == "location" {
        r.locations().iter().map(|l| l.slug.as_str()).collect()
    } else {
        r.services().iter().map(|s| s.slug.as_str()).collect()
    };
    (
        Code::DanglingReference,
        format!("there is no {what} `{id}`"),
        did_you_mean(id, &ids),
    )
}

/// A phone number as a `tel:` link; a fax number as text (a fax is never
/// dialled from a page).
fn number(name: &str, p: &Phone) -> String {
    if name == "phone" {
        format!(
            "<a class=\"tel\" href=\"{}\">{}</a>",
            crate::escape::html(&p.tel),
            text(&p.display)
        )
    } else {
        text(&p.display)
    }
}

/// Text Markdown reads as text only: every ASCII punctuation mark a
/// numeric character reference.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push_str(&format!("&#{};", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_one_quoted_value() {
        assert_eq!(argument(" "), Ok(None));
        assert_eq!(
            argument("location=\"main-street\""),
            Ok(Some(("location", "main-street")))
        );
        assert_eq!(
            argument("service = 'cardiology'"),
            Ok(Some(("service", "cardiology")))
        );
        assert!(argument("location=main-street").is_err());
        assert!(argument("main-street").is_err());
        assert!(argument("location=\"a\", service=\"b\"").is_err());
    }

    #[test]
    fn places_in_the_filled_in_text_map_back_to_the_body() {
        // "ab{{ x() }}cd" with the 10-byte shortcode filled in by 3 bytes.
        let e = Expanded {
            text: "abXYZcd".into(),
            edits: vec![(2, 3, 10)],
            problems: Vec::new(),
        };
        assert_eq!(e.written_offset(1), 1);
        assert_eq!(e.written_offset(3), 2);
        assert_eq!(e.written_offset(5), 12);
    }

    #[test]
    fn text_is_never_markup() {
        assert_eq!(text("*a* [b](c)"), "&#42;a&#42; &#91;b&#93;&#40;c&#41;");
    }
}
