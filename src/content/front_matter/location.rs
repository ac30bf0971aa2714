//! Locations (`content/locations/*.md`, SPEC §4): address, phone and fax,
//! map position and opening hours, the location's own referral line, and
//! parking and access notes.

use serde::Deserialize;

use super::page::PageDoc;
use crate::content::findings::{FileCx, key};
use crate::content::keys::keys;
use crate::content::yaml::Seg;
use crate::diag::{Code, Diagnostic};
use crate::phone::Phone;

keys! {
    /// The keys of a location besides those of every page.
    pub(crate) struct LocationKeys {
        address: Address,
        phone: String,
        fax: String,
        geo: Geo,
        hours: Vec<RawHours>,
        referral_phone: String,
        referral_fax: String,
        parking: String,
        access: String,
    }
}

/// One row of `hours`.
#[derive(Debug, Deserialize)]
pub(super) struct RawHours {
    days: Option<Vec<String>>,
    opens: Option<String>,
    closes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Address {
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Geo {
    pub lat: f64,
    pub lng: f64,
}

/// Opening hours: schema.org day codes and 24-hour `HH:MM` times.
#[derive(Debug, Clone, PartialEq)]
pub struct Hours {
    pub days: Vec<&'static str>,
    pub opens: String,
    pub closes: String,
}

pub const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

#[derive(Debug, Clone, PartialEq)]
pub struct LocationDoc {
    pub page: PageDoc,
    pub address: Address,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    pub geo: Option<Geo>,
    pub hours: Vec<Hours>,
    /// The location's own line for referring offices, when it has one:
    /// it comes before the service line's (see `model::Service::line`).
    pub referral_phone: Option<Phone>,
    pub referral_fax: Option<Phone>,
    /// Where to park, and how to get in (step-free entrance, interpreters):
    /// plain text, shown on the location's service pages.
    pub parking: Option<String>,
    pub access: Option<String>,
}

pub(super) fn location(cx: &mut FileCx<'_>, raw: LocationKeys, page: PageDoc) -> LocationDoc {
    let address = raw.address.unwrap_or_else(|| {
        if cx.absent("address") {
            let d = Diagnostic::new(Code::MissingField, "a location needs an `address`")
                .in_file(cx.file.rel.clone())
                .at_offset(cx.text(), 0, 3)
                .with_hint(
                    "add `address: { street: …, city: …, region: …, postal_code: \"…\", country: US }`",
                );
            cx.push(d);
        }
        Address {
            street: None,
            city: None,
            region: None,
            postal_code: None,
            country: None,
        }
    });
    if let Some(geo) = raw.geo {
        for (name, value, limit) in [("lat", geo.lat, 90.0), ("lng", geo.lng, 180.0)] {
            if !(-limit..=limit).contains(&value) {
                let d = cx
                    .finding(
                        Code::InvalidValue,
                        &[Seg::Key("geo".into()), Seg::Key(name.into())],
                        format!("`{name}: {value}` is not on Earth"),
                    )
                    .with_hint("latitude (`lat`) is -90 to 90, longitude (`lng`) -180 to 180");
                cx.push(d);
            }
        }
    }
    let hours = raw
        .hours
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, h)| hours_entry(cx, i, h))
        .collect();
    let phone = cx.phone(&key("phone"), raw.phone);
    let fax = cx.phone(&key("fax"), raw.fax);
    let referral_phone = cx.phone(&key("referral_phone"), raw.referral_phone);
    let referral_fax = cx.phone(&key("referral_fax"), raw.referral_fax);
    LocationDoc {
        page,
        address,
        phone,
        fax,
        geo: raw.geo,
        hours,
        referral_phone,
        referral_fax,
        parking: raw.parking,
        access: raw.access,
    }
}

/// One row of `hours`. Each wrong value is one finding at that value; a
/// row whose days or times were all reported is not reported again as
/// incomplete.
fn hours_entry(cx: &mut FileCx<'_>, i: usize, h: RawHours) -> Option<Hours> {
    let at = |rest: &[Seg]| {
        let mut path = vec![Seg::Key("hours".into()), Seg::Index(i)];
        path.extend_from_slice(rest);
        path
    };
    let mut days = Vec::new();
    for (j, day) in h.days.clone().unwrap_or_default().iter().enumerate() {
        match DAYS.iter().find(|d| **d == day.as_str()) {
            Some(d) => days.push(*d),
            None => {
                let hint = match crate::diag::closest(day, DAYS) {
                    Some(c) => format!("did you mean `{c}`? Days are Mo, Tu, We, Th, Fr, Sa, Su"),
                    None => "use Mo, Tu, We, Th, Fr, Sa, Su".to_owned(),
                };
                let d = cx
                    .finding(
                        Code::InvalidValue,
                        &at(&[Seg::Key("days".into()), Seg::Index(j)]),
                        format!("`{}` is not a day code", day.escape_debug()),
                    )
                    .with_hint(hint);
                cx.push(d);
            }
        }
    }
    let mut time = |key: &str, value: Option<String>| {
        let value = value?;
        if is_time(&value) {
            return Some(value);
        }
        let d = cx
            .finding(
                Code::InvalidValue,
                &at(&[Seg::Key(key.to_owned())]),
                format!(
                    "`{key}: {}` is not a time on a 24-hour clock",
                    value.escape_debug()
                ),
            )
            .with_hint("write it as `HH:MM`, e.g. `08:00` or `17:30`");
        cx.push(d);
        None
    };
    let (had_opens, had_closes) = (h.opens.is_some(), h.closes.is_some());
    let opens = time("opens", h.opens);
    let closes = time("closes", h.closes);
    if let (Some(opens), Some(closes), false) = (&opens, &closes, days.is_empty()) {
        return Some(Hours {
            days,
            opens: opens.clone(),
            closes: closes.clone(),
        });
    }
    let missing: Vec<&str> = [
        ("days", h.days.as_ref().is_none_or(Vec::is_empty)),
        ("opens", !had_opens),
        ("closes", !had_closes),
    ]
    .into_iter()
    .filter_map(|(k, gone)| gone.then_some(k))
    .collect();
    // Without a missing key, every fault of this row was reported above.
    if !missing.is_empty() {
        let d = cx
            .finding_at_key(
                Code::MissingField,
                &at(&[]),
                format!("hours entry {} has no `{}`", i + 1, missing.join("`, `")),
            )
            .with_hint(
                "e.g. `{ days: [Mo, Tu, We, Th, Fr], opens: \"08:00\", closes: \"17:00\" }`",
            );
        cx.push(d);
    }
    None
}

/// `HH:MM` on a 24-hour clock.
fn is_time(s: &str) -> bool {
    let Some((h, m)) = s.split_once(':') else {
        return false;
    };
    h.len() == 2
        && m.len() == 2
        && h.parse::<u32>().is_ok_and(|h| h < 24)
        && m.parse::<u32>().is_ok_and(|m| m < 60)
}
