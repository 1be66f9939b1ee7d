//! Whether live chat is open now (LC-9): the configured weekly hours in the
//! organisation's time zone (summer time included), less closed dates.

use std::collections::BTreeSet;
use time::OffsetDateTime;
use tolbooth_domain::chat::opening_hours::{InvalidHours, OpeningHours};

#[derive(Debug, Clone)]
pub struct Schedule {
    hours: OpeningHours,
    zone: jiff::tz::TimeZone,
    /// Local dates on which chat is closed all day, as `YYYY-MM-DD`.
    closed: BTreeSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Hours(#[from] InvalidHours),
    #[error("{0:?} is not a time zone (use a name such as Europe/London)")]
    Zone(String),
    #[error("{0:?} is not a date (use YYYY-MM-DD)")]
    Date(String),
}

impl Schedule {
    pub fn new(hours: &str, zone: &str, closed_dates: &str) -> Result<Self, ScheduleError> {
        let hours = OpeningHours::parse(hours)?;
        let zone = jiff::tz::TimeZone::get(zone.trim())
            .map_err(|_| ScheduleError::Zone(zone.to_owned()))?;
        let mut closed = BTreeSet::new();
        for d in closed_dates
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            let date: jiff::civil::Date =
                d.parse().map_err(|_| ScheduleError::Date(d.to_owned()))?;
            closed.insert(date.to_string());
        }
        Ok(Self {
            hours,
            zone,
            closed,
        })
    }

    /// Whether chat is staffed at `at`.
    pub fn is_open(&self, at: OffsetDateTime) -> bool {
        let Ok(ts) = jiff::Timestamp::from_second(at.unix_timestamp()) else {
            return false;
        };
        let local = ts.to_zoned(self.zone.clone());
        if self.closed.contains(&local.date().to_string()) {
            return false;
        }
        let weekday = usize::from(local.weekday().to_monday_zero_offset().unsigned_abs());
        let minute = u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute()))
            .unwrap_or(u16::MAX);
        self.hours.is_open(weekday, minute)
    }

    /// The hours as people read them.
    pub fn describe(&self) -> String {
        self.hours.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn hours_follow_british_summer_time_and_holidays() {
        let s = Schedule::new("Mon-Fri 09:00-17:00", "Europe/London", "2026-12-25").unwrap();
        // Winter: 09:00 in London is 09:00 UTC.
        assert!(s.is_open(datetime!(2026-12-01 09:00 UTC)));
        assert!(!s.is_open(datetime!(2026-12-01 08:59 UTC)));
        // Summer: 09:00 in London is 08:00 UTC.
        assert!(s.is_open(datetime!(2026-07-01 08:00 UTC)));
        assert!(!s.is_open(datetime!(2026-07-01 16:00 UTC)), "17:00 BST");
        // A Saturday, and Christmas Day (a Friday).
        assert!(!s.is_open(datetime!(2026-12-05 12:00 UTC)));
        assert!(!s.is_open(datetime!(2026-12-25 12:00 UTC)));
        assert!(s.is_open(datetime!(2026-12-24 12:00 UTC)));
        assert!(matches!(
            Schedule::new("Mon 09:00-17:00", "Europe/Lundun", ""),
            Err(ScheduleError::Zone(_))
        ));
        assert!(matches!(
            Schedule::new("Mon 09:00-17:00", "Europe/London", "25/12/2026"),
            Err(ScheduleError::Date(_))
        ));
    }
}
