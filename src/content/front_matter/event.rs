//! Events (`content/events/*.md`): education sessions for referring
//! offices (tumor boards, CME evenings, lunch-and-learns). When and where
//! they happen, whom they are for, the credits they carry and where to
//! register.

use jiff::Timestamp;
use jiff::fmt::temporal::Pieces;
use jiff::tz::Offset;

use super::page::PageDoc;
use crate::content::Located;
use crate::content::findings::{FileCx, key};
use crate::content::keys::keys;
use crate::diag::{Code, Diagnostic};
use crate::values::{self, UrlRule};

keys! {
    /// The keys of an event besides those of every page.
    pub(crate) struct EventKeys {
        starts: String,
        ends: String,
        location: String,
        online: String,
        audience: String,
        credits: String,
        registration: String,
        services: Vec<String>,
    }
}

/// A moment as the writer gave it: the instant, and the UTC offset of the
/// place it happens, so pages show the event's own clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub instant: Timestamp,
    pub offset: Offset,
}

impl LocalTime {
    /// The clock time at the event's place.
    pub fn civil(self) -> jiff::civil::DateTime {
        self.offset.to_datetime(self.instant)
    }

    /// `2026-03-14T08:00:00-05:00`: the clock time with its offset, as
    /// written for `<time datetime>` and schema.org's `startDate`.
    pub fn rfc3339(self) -> String {
        let s = self.offset.seconds();
        let (sign, abs) = (if s < 0 { '-' } else { '+' }, s.unsigned_abs());
        format!(
            "{}{sign}{:02}:{:02}",
            self.civil().strftime("%Y-%m-%dT%H:%M:%S"),
            abs / 3600,
            abs % 3600 / 60
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventDoc {
    pub page: PageDoc,
    /// `None` when missing or unreadable (already a finding).
    pub starts: Option<LocalTime>,
    pub ends: Option<LocalTime>,
    pub location: Option<Located<String>>,
    pub online: Option<String>,
    pub audience: Option<String>,
    pub credits: Option<String>,
    pub registration: Option<String>,
    pub services: Vec<Located<String>>,
}

const TIME_HINT: &str = "write the local date and time with its UTC offset, e.g. `2026-03-14T08:00:00-05:00` (8 AM in Chicago in winter)";

pub(super) fn event(cx: &mut FileCx<'_>, raw: EventKeys, page: PageDoc) -> EventDoc {
    let starts = time(cx, "starts", raw.starts);
    let ends = time(cx, "ends", raw.ends);
    if let (Some(s), Some(e)) = (starts, ends)
        && e.instant < s.instant
    {
        let d = cx
            .finding(
                Code::InvalidValue,
                &key("ends"),
                "the event ends before it starts".to_owned(),
            )
            .with_hint("`ends` must be at or after `starts`; check the date, AM/PM and the offset");
        cx.push(d);
    }
    let online = https(
        cx,
        "online",
        raw.online,
        "link the online session's `https://` address, e.g. the meeting link",
    );
    let registration = https(
        cx,
        "registration",
        raw.registration,
        "link the registration page's `https://` address",
    );
    EventDoc {
        page,
        starts,
        ends,
        location: raw.location.map(|l| cx.located(&key("location"), l)),
        online,
        audience: non_empty(raw.audience),
        credits: non_empty(raw.credits),
        registration,
        services: cx.ids("services", raw.services),
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// `starts` or `ends`: required, a date-time with its UTC offset.
fn time(cx: &mut FileCx<'_>, name: &str, value: Option<String>) -> Option<LocalTime> {
    let Some(value) = value else {
        if cx.absent(name) {
            let d = Diagnostic::new(Code::MissingField, format!("this event has no `{name}`"))
                .in_file(cx.file.rel.clone())
                .at_offset(cx.text(), 0, 3)
                .with_hint(format!(
                    "add `{name}: 2026-03-14T08:00:00-05:00` between the `---` lines"
                ));
            cx.push(d);
        }
        return None;
    };
    match parse_time(&value) {
        Ok(t) => Some(t),
        Err(why) => {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key(name),
                    format!("`{name}: {}` {why}", value.escape_debug()),
                )
                .with_hint(TIME_HINT);
            cx.push(d);
            None
        }
    }
}

/// A date-time with its offset (`2026-03-14T08:00:00-05:00`); a time zone
/// name after it (`[America/Chicago]`) is allowed but only the offset
/// counts: handoff carries no time zone database.
pub fn parse_time(text: &str) -> Result<LocalTime, &'static str> {
    let pieces = Pieces::parse(text.trim())
        .map_err(|_| "is not a date and time like `2026-03-14T08:00:00-05:00`")?;
    if pieces.time().is_none() {
        return Err("has a date but no time of day");
    }
    let offset = pieces
        .to_numeric_offset()
        .ok_or("has no UTC offset, so it names no moment")?;
    let instant = text
        .trim()
        .parse::<Timestamp>()
        .map_err(|_| "is not a date and time like `2026-03-14T08:00:00-05:00`")?;
    Ok(LocalTime { instant, offset })
}

/// An optional `https://` address, or a finding at it.
fn https(cx: &mut FileCx<'_>, name: &str, value: Option<String>, hint: &str) -> Option<String> {
    let value = value?;
    match values::url(&value, UrlRule::LINK) {
        Ok(_) => Some(value),
        Err(fault) => {
            cx.refused(&key(name), &fault, hint);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_their_offset() {
        let t = parse_time("2026-03-14T08:00:00-05:00").unwrap();
        assert_eq!(t.instant.to_string(), "2026-03-14T13:00:00Z");
        assert_eq!(t.offset.seconds(), -5 * 3600);
        assert_eq!(t.civil().to_string(), "2026-03-14T08:00:00");
        assert_eq!(t.rfc3339(), "2026-03-14T08:00:00-05:00");
        let named = parse_time("2026-03-14T08:00-06:00[America/Chicago]").unwrap();
        assert_eq!(named.offset.seconds(), -6 * 3600);
        assert_eq!(
            parse_time("2026-03-14T08:00:00Z").unwrap().offset,
            Offset::UTC
        );
    }

    #[test]
    fn times_without_offset_or_clock_are_refused() {
        assert!(
            parse_time("2026-03-14T08:00:00")
                .unwrap_err()
                .contains("offset")
        );
        assert!(parse_time("2026-03-14").is_err());
        assert!(parse_time("March 14").is_err());
        assert!(parse_time("2026-02-30T08:00:00-05:00").is_err());
    }
}
