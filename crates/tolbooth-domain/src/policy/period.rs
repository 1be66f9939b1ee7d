//! Retention periods as people write them: `7 days`, `30 days`,
//! `12 months`, `2 years`. Months and years are calendar months and years
//! (a chat that ended on 31 January with a one-month period is due on the
//! last day of February).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use time::{Date, Duration, Month, OffsetDateTime};

/// How long something is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a period: write a whole number and days, weeks, months or years, such as \"7 days\" or \"2 years\"")]
pub struct PeriodError(pub String);

/// The longest period accepted: a century is longer than any retention
/// schedule and keeps date arithmetic in range.
const MAX_DAYS: u32 = 36_600;

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodError(s.to_owned());
        let mut words = s.split_whitespace();
        let n: u32 = words.next().ok_or_else(err)?.parse().map_err(|_| err())?;
        let unit = words.next().ok_or_else(err)?.to_ascii_lowercase();
        if words.next().is_some() || n == 0 {
            return Err(err());
        }
        let period = match unit.trim_end_matches('s') {
            "day" => Period::Days(n),
            "week" => Period::Weeks(n),
            "month" => Period::Months(n),
            "year" => Period::Years(n),
            _ => return Err(err()),
        };
        if period.approx_days() > u64::from(MAX_DAYS) {
            return Err(err());
        }
        Ok(period)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Period::Days(n) => (n, "day"),
            Period::Weeks(n) => (n, "week"),
            Period::Months(n) => (n, "month"),
            Period::Years(n) => (n, "year"),
        };
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "{n} {unit}{plural}")
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A whole number and days, weeks, months or years, e.g. \"7 days\", \"2 years\". Months and years are calendar months and years.",
            "pattern": "^[0-9]+ +(day|days|week|weeks|month|months|year|years)$"
        })
    }
}

impl Period {
    /// Roughly how many days, for comparing periods (a month counts as 31
    /// days and a year as 366, so a comparison never understates).
    pub fn approx_days(self) -> u64 {
        match self {
            Period::Days(n) => u64::from(n),
            Period::Weeks(n) => u64::from(n) * 7,
            Period::Months(n) => u64::from(n) * 31,
            Period::Years(n) => u64::from(n) * 366,
        }
    }

    /// When something that started its clock at `start` is due.
    pub fn after(self, start: OffsetDateTime) -> OffsetDateTime {
        match self {
            Period::Days(n) => start + Duration::days(i64::from(n)),
            Period::Weeks(n) => start + Duration::weeks(i64::from(n)),
            Period::Months(n) => add_months(start, n),
            Period::Years(n) => add_months(start, n.saturating_mul(12)),
        }
    }

    /// The latest clock start that is due at `now`: everything that started
    /// at or before this instant has run its course.
    pub fn cutoff(self, now: OffsetDateTime) -> OffsetDateTime {
        match self {
            Period::Days(n) => now - Duration::days(i64::from(n)),
            Period::Weeks(n) => now - Duration::weeks(i64::from(n)),
            Period::Months(n) => sub_months(now, n),
            Period::Years(n) => sub_months(now, n.saturating_mul(12)),
        }
    }
}

fn shift_months(t: OffsetDateTime, months: i64) -> OffsetDateTime {
    let index = i64::from(t.year()) * 12 + i64::from(u8::from(t.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(t.year());
    let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    let Ok(month) = Month::try_from(month) else {
        return t;
    };
    let last_day = month.length(year);
    let day = t.day().min(last_day);
    match Date::from_calendar_date(year, month, day) {
        Ok(date) => t.replace_date(date),
        Err(_) => t,
    }
}

fn add_months(t: OffsetDateTime, n: u32) -> OffsetDateTime {
    shift_months(t, i64::from(n))
}

/// Steps back `n` calendar months. On the last day of a month the cutoff
/// moves to the last day of the earlier month, because a clock started on
/// 31 March with a one-month period is due on 30 April: nothing is kept
/// longer than its period, and something can be due at most a day early
/// (30 March's clock also falls due late on 30 April).
fn sub_months(t: OffsetDateTime, n: u32) -> OffsetDateTime {
    let back = shift_months(t, -i64::from(n));
    if t.day() == t.month().length(t.year()) {
        let last = back.month().length(back.year());
        if let Ok(date) = Date::from_calendar_date(back.year(), back.month(), last) {
            return back.replace_date(date);
        }
    }
    back
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn periods_parse_as_written_and_print_back() {
        for (text, period) in [
            ("7 days", Period::Days(7)),
            ("1 day", Period::Days(1)),
            ("30 Days", Period::Days(30)),
            ("12 months", Period::Months(12)),
            ("2 years", Period::Years(2)),
            ("6 weeks", Period::Weeks(6)),
        ] {
            assert_eq!(text.parse::<Period>(), Ok(period), "{text}");
        }
        assert_eq!(Period::Years(2).to_string(), "2 years");
        assert_eq!(Period::Days(1).to_string(), "1 day");
        for bad in [
            "",
            "7",
            "days",
            "0 days",
            "-1 days",
            "7 fortnights",
            "7 days later",
            "200 years",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn calendar_months_clamp_to_the_last_day() {
        let end_jan = datetime!(2027-01-31 10:00 UTC);
        assert_eq!(
            Period::Months(1).after(end_jan),
            datetime!(2027-02-28 10:00 UTC)
        );
        assert_eq!(
            Period::Years(2).after(datetime!(2024-02-29 08:00 UTC)),
            datetime!(2026-02-28 08:00 UTC)
        );
        assert_eq!(
            Period::Days(7).cutoff(datetime!(2026-12-08 12:00 UTC)),
            datetime!(2026-12-01 12:00 UTC)
        );
        assert_eq!(
            Period::Months(12).cutoff(datetime!(2026-12-01 00:00 UTC)),
            datetime!(2025-12-01 00:00 UTC)
        );
    }

    #[test]
    fn everything_is_due_at_its_due_time_and_not_before() {
        let periods = [
            Period::Days(7),
            Period::Weeks(2),
            Period::Months(1),
            Period::Years(2),
        ];
        let mut start = datetime!(2027-12-25 23:30 UTC);
        // Every day of more than a year, leap day included, at two times.
        for step in 0..800 {
            start += Duration::hours(if step % 2 == 0 { 13 } else { 11 });
            for p in periods {
                let due = p.after(start);
                assert!(p.cutoff(due) >= start, "{p} from {start}: not due at {due}");
                // Calendar months are uneven: a clock started on 31 March
                // and one started on 30 March are both due on 30 April, so
                // a cutoff can be early, but never by a whole day.
                let a_day_early = due - Duration::days(1) - Duration::minutes(1);
                assert!(
                    p.cutoff(a_day_early) < start,
                    "{p} from {start}: due at {a_day_early}, more than a day early"
                );
            }
        }
    }
}
