//! The one representation of instants that every store shares: whole
//! milliseconds since the Unix epoch, UTC.

use time::OffsetDateTime;

pub fn unix_millis(t: OffsetDateTime) -> i64 {
    let nanos = t.unix_timestamp_nanos();
    i64::try_from(nanos.div_euclid(1_000_000)).unwrap_or(i64::MAX)
}

pub fn from_unix_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 in UTC with milliseconds, e.g. `2026-11-22T09:30:00.125Z`.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn millis_round_trip() {
        let t = datetime!(2026-11-22 09:30:00.125 UTC);
        assert_eq!(from_unix_millis(unix_millis(t)), t);
        assert_eq!(rfc3339(t), "2026-11-22T09:30:00.125Z");
    }

    #[test]
    fn before_epoch_rounds_down() {
        let t = datetime!(1969-12-31 23:59:59.9995 UTC);
        assert_eq!(unix_millis(t), -1);
    }
}
