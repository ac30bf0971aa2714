//! `/events/<slug>.ics`: one event as an iCalendar file (RFC 5545), for
//! the "Add to calendar" link of its page.
//!
//! Times are UTC (`20260314T130000Z`), so a calendar needs no time zone
//! database to place them; the page shows the event's own clock. `DTSTAMP`
//! is the build's "now", so a build with `SOURCE_DATE_EPOCH` writes the
//! same bytes; `UID` is the slug at the site's host, stable across builds
//! so a calendar updates the event rather than adding a second one.

use crate::model::{Event, Site};
use crate::render::view;

/// RFC 5545 §3.1: lines longer than this many octets are folded.
const LINE_OCTETS: usize = 75;

/// The calendar file of one event.
pub fn calendar(site: &Site, event: &Event) -> String {
    let config = &site.config;
    let origin = config.base_url.origin();
    let host = origin.split_once("://").map_or(origin, |(_, host)| host);
    let page = config.base_url.join(&event.path);
    let location = match (event.location, &event.online) {
        (Some(l), _) => {
            let l = &site.locations[l];
            let address = view::address(&l.address).one_line;
            Some(if address.is_empty() {
                l.title.clone()
            } else {
                format!("{}, {address}", l.title)
            })
        }
        (None, Some(online)) => Some(online.clone()),
        (None, None) => None,
    };
    let mut description: Vec<String> = event.description.iter().cloned().collect();
    for (label, value) in [
        ("Audience", &event.audience),
        ("Credits", &event.credits),
        ("Join online", &event.online),
        ("Register", &event.registration),
    ] {
        if let Some(v) = value {
            description.push(format!("{label}: {v}"));
        }
    }
    description.push(format!("Details: {page}"));

    let mut out = String::new();
    let mut line = |name: &str, value: &str| fold(&mut out, &format!("{name}:{value}"));
    line("BEGIN", "VCALENDAR");
    line("VERSION", "2.0");
    line(
        "PRODID",
        &format!("-//handoff//{}//EN", text(&config.title)),
    );
    line("CALSCALE", "GREGORIAN");
    line("METHOD", "PUBLISH");
    line("BEGIN", "VEVENT");
    line("UID", &format!("{}@{host}", event.slug));
    line("DTSTAMP", &utc(site.now));
    line("DTSTART", &utc(event.starts.instant));
    line("DTEND", &utc(event.ends.instant));
    // iTIP (RFC 5546) wants an organizer in a published event: the
    // practice, reached at its email.
    if let Some(email) = &config.organization.email {
        line(
            &format!("ORGANIZER;CN={}", param(&config.organization.name)),
            &format!("mailto:{email}"),
        );
    }
    line("SUMMARY", &text(&event.title));
    line("DESCRIPTION", &text(&description.join("\n")));
    if let Some(location) = location {
        line("LOCATION", &text(&location));
    }
    line("URL", &page);
    line("END", "VEVENT");
    line("END", "VCALENDAR");
    out
}

/// `20260314T130000Z`: a DATE-TIME in UTC (RFC 5545 §3.3.5, form 2).
fn utc(t: jiff::Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, `;` and `,` escaped, line
/// breaks as `\n`; other control characters dropped (they may not appear).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (RFC 5545 §3.2), always quoted: a name may hold `;`,
/// `:` or `,`; a double quote cannot be written inside one, so it is left
/// out, as are control characters.
fn param(value: &str) -> String {
    let inner: String = value
        .chars()
        .filter(|&c| c != '"' && !c.is_control())
        .collect();
    format!("\"{inner}\"")
}

/// Appends one content line, folded (RFC 5545 §3.1): at most 75 octets per
/// line, never inside a UTF-8 character, each continuation starting with
/// a space; every line ends in CRLF.
fn fold(out: &mut String, line: &str) {
    let mut budget = LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > budget {
            out.push_str("\r\n ");
            // The leading space counts towards the next line's octets.
            budget = LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_what_rfc_5545_reserves() {
        assert_eq!(text("a\\b; c, d\ne\r\nf\u{7}"), "a\\\\b\\; c\\, d\\ne\\nf");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let mut out = String::new();
        let long = format!("DESCRIPTION:{}", "é".repeat(80));
        fold(&mut out, &long);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 2, "{lines:?}");
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= LINE_OCTETS, "line {i} has {} octets", l.len());
            assert_eq!(i > 0, l.starts_with(' '), "{l:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
        let mut short = String::new();
        fold(&mut short, "VERSION:2.0");
        assert_eq!(short, "VERSION:2.0\r\n");
    }

    #[test]
    fn parameter_values_are_quoted_and_cannot_close_their_quotes() {
        assert_eq!(
            param("Heart & Lung, P.C.; \"A\""),
            "\"Heart & Lung, P.C.; A\""
        );
    }

    #[test]
    fn times_are_utc() {
        let t: jiff::Timestamp = "2026-03-14T08:00:00-05:00".parse().unwrap();
        assert_eq!(utc(t), "20260314T130000Z");
    }
}
