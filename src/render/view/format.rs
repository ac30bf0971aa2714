//! How values read on a page: an address on one line, opening hours like
//! a clinic's sign, a schema.org specialty in words, an event's date and
//! time on its own clock.

use crate::content::{Address, Hours, LocalTime, Wait};
use crate::render::view::{AddressView, HoursView, MomentView};

pub fn address(a: &Address) -> AddressView<'_> {
    let region_line = [a.region.as_deref(), a.postal_code.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let parts: Vec<&str> = [
        a.street.as_deref(),
        a.city.as_deref(),
        Some(region_line.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect();
    AddressView {
        street: a.street.as_deref(),
        city: a.city.as_deref(),
        region: a.region.as_deref(),
        postal_code: a.postal_code.as_deref(),
        country: a.country.as_deref(),
        one_line: parts.join(", "),
    }
}

/// "Mon–Fri", "Sat", "Mon, Wed, Fri": consecutive days shown as a range.
pub fn hours(h: &Hours) -> HoursView {
    const NAMES: [(&str, &str); 7] = [
        ("Mo", "Mon"),
        ("Tu", "Tue"),
        ("We", "Wed"),
        ("Th", "Thu"),
        ("Fr", "Fri"),
        ("Sa", "Sat"),
        ("Su", "Sun"),
    ];
    let idx: Vec<usize> = h
        .days
        .iter()
        .filter_map(|d| NAMES.iter().position(|(code, _)| code == d))
        .collect();
    let consecutive = idx.len() > 2 && idx.windows(2).all(|w| w[1] == w[0] + 1);
    let days = match (consecutive, idx.first(), idx.last()) {
        (true, Some(&a), Some(&b)) => format!("{}–{}", NAMES[a].1, NAMES[b].1),
        _ => idx
            .iter()
            .map(|&i| NAMES[i].1)
            .collect::<Vec<_>>()
            .join(", "),
    };
    HoursView {
        days,
        opens: clock(&h.opens),
        closes: clock(&h.closes),
    }
}

/// `17:30` → `5:30 PM`.
fn clock(hhmm: &str) -> String {
    let (h, m) = hhmm.split_once(':').unwrap_or((hhmm, "00"));
    let h: u32 = h.parse().unwrap_or(0);
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{h12}:{m} {ampm}")
}

/// A start or end in the event's own clock time.
pub fn moment(t: LocalTime) -> MomentView {
    let civil = t.civil();
    MomentView {
        iso: t.rfc3339(),
        date: civil.strftime("%A, %B %-d, %Y").to_string(),
        time: civil.strftime("%-I:%M %p").to_string(),
    }
}

/// "Saturday, March 14, 2026, 8:00 AM – 10:00 AM (UTC−05:00)": the end's
/// date only when it is another day, its offset only when it differs.
pub fn when(starts: LocalTime, ends: LocalTime) -> String {
    let (s, e) = (moment(starts), moment(ends));
    let end = if starts.civil().date() == ends.civil().date() {
        e.time
    } else {
        format!("{}, {}", e.date, e.time)
    };
    let (from, to) = (utc_offset(starts.offset), utc_offset(ends.offset));
    if from == to {
        format!("{}, {} – {end} ({from})", s.date, s.time)
    } else {
        format!("{}, {} ({from}) – {end} ({to})", s.date, s.time)
    }
}

/// "UTC−05:00", "UTC+05:30", "UTC".
fn utc_offset(o: jiff::tz::Offset) -> String {
    let s = o.seconds();
    if s == 0 {
        return "UTC".to_owned();
    }
    let sign = if s < 0 { '−' } else { '+' };
    let abs = s.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

/// "Oncologic" → "Oncologic"; "PrimaryCare" → "Primary care".
pub fn specialty_label(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A new patient's wait: "about 5 business days" (one: "about 1 business
/// day"), or the practice's own words.
pub fn wait(w: &Wait) -> String {
    match w {
        Wait::Text(t) => t.clone(),
        Wait::BusinessDays(1) => "about 1 business day".to_owned(),
        Wait::BusinessDays(n) => format!("about {n} business days"),
    }
}

/// `2026-03-01` → "March 1, 2026".
pub fn day(d: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = usize::try_from(d.month() - 1).map_or("", |m| MONTHS.get(m).copied().unwrap_or(""));
    format!("{month} {}, {}", d.day(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_in_days_reads_as_business_days_and_words_stay_as_written() {
        assert_eq!(wait(&Wait::BusinessDays(5)), "about 5 business days");
        assert_eq!(wait(&Wait::BusinessDays(1)), "about 1 business day");
        assert_eq!(
            wait(&Wait::Text("within one week".into())),
            "within one week"
        );
        assert_eq!(day(jiff::civil::date(2026, 3, 1)), "March 1, 2026");
        assert_eq!(day(jiff::civil::date(2026, 12, 31)), "December 31, 2026");
    }

    #[test]
    fn hours_read_like_a_clinic_sign() {
        let h = Hours {
            days: vec!["Mo", "Tu", "We", "Th", "Fr"],
            opens: "08:00".into(),
            closes: "17:30".into(),
        };
        let v = hours(&h);
        assert_eq!(
            (v.days.as_str(), v.opens.as_str(), v.closes.as_str()),
            ("Mon–Fri", "8:00 AM", "5:30 PM")
        );
        let sat = hours(&Hours {
            days: vec!["Sa"],
            opens: "00:00".into(),
            closes: "12:00".into(),
        });
        assert_eq!(
            (sat.days.as_str(), sat.opens.as_str(), sat.closes.as_str()),
            ("Sat", "12:00 AM", "12:00 PM")
        );
    }

    fn at(text: &str) -> LocalTime {
        crate::content::front_matter::parse_time(text).unwrap()
    }

    #[test]
    fn event_times_read_on_their_own_clock() {
        let m = moment(at("2026-03-14T18:30:00-05:00"));
        assert_eq!(m.date, "Saturday, March 14, 2026");
        assert_eq!(m.time, "6:30 PM");
        assert_eq!(m.iso, "2026-03-14T18:30:00-05:00");
        assert_eq!(
            when(
                at("2026-03-14T18:30:00-05:00"),
                at("2026-03-14T20:00:00-05:00")
            ),
            "Saturday, March 14, 2026, 6:30 PM – 8:00 PM (UTC−05:00)"
        );
        assert_eq!(
            when(at("2026-03-14T18:30:00Z"), at("2026-03-15T09:00:00Z")),
            "Saturday, March 14, 2026, 6:30 PM – Sunday, March 15, 2026, 9:00 AM (UTC)"
        );
        assert_eq!(
            when(
                at("2026-03-07T23:00:00-06:00"),
                at("2026-03-08T03:00:00-05:00")
            ),
            "Saturday, March 7, 2026, 11:00 PM (UTC−06:00) – Sunday, March 8, 2026, 3:00 AM (UTC−05:00)"
        );
    }

    #[test]
    fn specialty_labels_split_words() {
        assert_eq!(specialty_label("PrimaryCare"), "Primary care");
        assert_eq!(specialty_label("Oncologic"), "Oncologic");
    }
}
