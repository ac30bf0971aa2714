//! W035: availability last confirmed long ago. A referring office that
//! reads "new patients seen in about 5 business days" plans on it; a
//! promise nobody has confirmed in a quarter is likely wrong, so `as_of`
//! older than [`STALE_AFTER_DAYS`] before the build's "now" (the clock, or
//! `SOURCE_DATE_EPOCH`) is a warning at the date, where the writer fixes it.
//! Run by every build (not only `check`): the date turns stale with time,
//! not with an edit, and the next deploy is when someone should notice.

use std::collections::BTreeSet;

use crate::content::Located;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{PageKind, Site};
use crate::source::SourceSet;

/// How old a confirmation may be: about one quarter.
pub const STALE_AFTER_DAYS: i64 = 90;

/// A finding for each written `as_of` older than [`STALE_AFTER_DAYS`].
pub fn stale(site: &Site, sources: &SourceSet) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let today = site.now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let Ok(limit) = today.checked_sub(jiff::Span::new().days(STALE_AFTER_DAYS)) else {
        return diags;
    };
    for (i, s) in site.services.iter().enumerate() {
        let Some(file) = site.pages.iter().find_map(|p| match (p.kind, p.body) {
            (PageKind::Service(j), Some((file, _))) if j == i => Some(file),
            _ => None,
        }) else {
            continue;
        };
        // A location's block without its own date carries the service
        // line's: each written date is reported once.
        let mut seen = BTreeSet::new();
        let dates = s
            .availability
            .iter()
            .chain(s.availability_by_location.iter().map(|(_, a)| a))
            .filter_map(|a| a.as_of.as_ref());
        for at in dates {
            if at.value >= limit || !seen.insert(at.offset) {
                continue;
            }
            diags.push(finding(sources, file, &s.title, at, today));
        }
    }
    diags
}

fn finding(
    sources: &SourceSet,
    file: usize,
    service: &str,
    at: &Located<jiff::civil::Date>,
    today: jiff::civil::Date,
) -> Diagnostic {
    let f = &sources.files[file];
    let days = at
        .value
        .until(today)
        .map_or(STALE_AFTER_DAYS + 1, |span| i64::from(span.get_days()));
    Diagnostic::new(
        Code::StaleAvailability,
        format!(
            "the availability of `{service}` was last confirmed on {}, {days} days ago",
            at.value
        ),
    )
    .in_file(f.rel.clone())
    .at_offset(&f.text, at.offset, at.len)
    .with_hint(format!(
        "confirm the wait, new patients and telehealth with your scheduling team, then set `as_of: {today}`; a date over {STALE_AFTER_DAYS} days old warns"
    ))
}
