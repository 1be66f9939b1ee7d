//! Times as staff read them: in the organisation's time zone
//! (`chat.time_zone`, summer time included), in words, never as raw ISO
//! strings.

use time::OffsetDateTime;

/// Formats instants in one time zone.
#[derive(Debug, Clone)]
pub struct LocalTime {
    zone: jiff::tz::TimeZone,
}

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

impl LocalTime {
    /// The zone named `zone` (an IANA name such as `Europe/London`); UTC
    /// when the name is unknown (configuration checks it at start).
    pub fn new(zone: &str) -> Self {
        Self {
            zone: jiff::tz::TimeZone::get(zone.trim()).unwrap_or(jiff::tz::TimeZone::UTC),
        }
    }

    fn zoned(&self, at: OffsetDateTime) -> Option<jiff::Zoned> {
        let ts = jiff::Timestamp::from_second(at.unix_timestamp()).ok()?;
        Some(ts.to_zoned(self.zone.clone()))
    }

    /// `3 December 2026, 14:05`.
    pub fn date_time(&self, at: OffsetDateTime) -> String {
        let Some(z) = self.zoned(at) else {
            return String::from("—");
        };
        let month = MONTHS
            .get(usize::from(z.month().unsigned_abs()).saturating_sub(1))
            .copied()
            .unwrap_or_default();
        format!(
            "{} {month} {}, {:02}:{:02}",
            z.day(),
            z.year(),
            z.hour(),
            z.minute()
        )
    }

    /// `3 December 2026, 14:05:07`: to the second, for evidence.
    pub fn exact(&self, at: OffsetDateTime) -> String {
        match self.zoned(at) {
            Some(z) => format!("{}:{:02}", self.date_time(at).trim_end(), z.second()),
            None => String::from("—"),
        }
    }

    /// The zone's name, as configured (`Europe/London`).
    pub fn zone_name(&self) -> &str {
        self.zone.iana_name().unwrap_or("UTC")
    }

    /// `14:05`.
    pub fn time_of_day(&self, at: OffsetDateTime) -> String {
        match self.zoned(at) {
            Some(z) => format!("{:02}:{:02}", z.hour(), z.minute()),
            None => String::from("—"),
        }
    }

    /// The instant the local day `date` (`YYYY-MM-DD`) starts; `None` for
    /// a date that is not one.
    pub fn start_of_day(&self, date: &str) -> Option<OffsetDateTime> {
        let date: jiff::civil::Date = date.trim().parse().ok()?;
        let zoned = date.to_zoned(self.zone.clone()).ok()?;
        OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).ok()
    }

    /// The instant the local day after `date` starts: the end of `date`.
    pub fn end_of_day(&self, date: &str) -> Option<OffsetDateTime> {
        let date: jiff::civil::Date = date.trim().parse().ok()?;
        self.start_of_day(&date.tomorrow().ok()?.to_string())
    }

    /// The local date as `YYYY-MM-DD`, for grouping by day.
    pub fn day(&self, at: OffsetDateTime) -> String {
        match self.zoned(at) {
            Some(z) => z.date().to_string(),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn london_time_follows_summer_time() {
        let london = LocalTime::new("Europe/London");
        assert_eq!(
            london.date_time(datetime!(2026-12-03 14:05 UTC)),
            "3 December 2026, 14:05"
        );
        assert_eq!(london.time_of_day(datetime!(2026-07-01 08:30 UTC)), "09:30");
        assert_eq!(
            london.exact(datetime!(2026-07-01 08:30:07 UTC)),
            "1 July 2026, 09:30:07"
        );
        assert_eq!(london.zone_name(), "Europe/London");
        assert_eq!(london.day(datetime!(2026-07-01 23:30 UTC)), "2026-07-02");
        assert_eq!(
            london.start_of_day("2026-07-02"),
            Some(datetime!(2026-07-01 23:00 UTC))
        );
        assert_eq!(
            london.start_of_day("2026-12-03"),
            Some(datetime!(2026-12-03 00:00 UTC))
        );
        assert_eq!(
            london.end_of_day("2026-12-31"),
            Some(datetime!(2027-01-01 00:00 UTC))
        );
        assert_eq!(london.start_of_day("3 December"), None);
        assert_eq!(london.start_of_day("2026-02-30"), None);
        let unknown = LocalTime::new("Mars/Olympus");
        assert_eq!(
            unknown.time_of_day(datetime!(2026-07-01 08:30 UTC)),
            "08:30"
        );
    }
}
