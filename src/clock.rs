//! "Now" for a build: the moment events turn past and availability dates
//! turn stale. It is the build's start, or `SOURCE_DATE_EPOCH` when set
//! (<https://reproducible-builds.org/specs/source-date-epoch/>), so the
//! same sources and the same epoch give the same site.

use jiff::Timestamp;

/// The variable the reproducible-builds specification names.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// Reads `SOURCE_DATE_EPOCH` (whole seconds since 1970, UTC), else the
/// system clock. A set but malformed value is refused, not ignored: a
/// release pipeline that sets it expects the build to follow it.
pub fn now() -> Result<Timestamp, String> {
    match std::env::var(SOURCE_DATE_EPOCH) {
        Ok(value) => parse_epoch(&value),
        Err(_) => Ok(Timestamp::now()),
    }
}

/// `SOURCE_DATE_EPOCH`'s value: an ASCII decimal count of seconds.
pub fn parse_epoch(value: &str) -> Result<Timestamp, String> {
    let bad = || {
        format!(
            "{SOURCE_DATE_EPOCH}={value:?} is not a number of seconds since 1970-01-01 UTC \
             (hint: `date +%s` prints one; unset the variable to use the clock)"
        )
    };
    let trimmed = value.trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let seconds: i64 = trimmed.parse().map_err(|_| bad())?;
    Timestamp::from_second(seconds).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_epoch_is_whole_seconds_since_1970() {
        let t = parse_epoch("1767225600").unwrap();
        assert_eq!(t.to_string(), "2026-01-01T00:00:00Z");
    }

    #[test]
    fn a_malformed_epoch_is_refused_with_a_hint() {
        for bad in ["", "soon", "-5", "1.5", "99999999999999999999"] {
            let err = parse_epoch(bad).unwrap_err();
            assert!(err.contains("SOURCE_DATE_EPOCH"), "{err}");
        }
    }
}
