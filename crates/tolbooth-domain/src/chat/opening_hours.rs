//! When live chat is staffed (LC-9): a weekly timetable such as
//! `Mon-Fri 09:00-17:00; Sat 10:00-13:00`, and dates on which it is closed
//! all day (public holidays). Local times; the caller works out the local
//! weekday and time in the organisation's time zone.

use std::fmt;

const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// Minutes after local midnight.
type Minute = u16;

/// A weekly timetable. Monday is day 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    days: [Vec<(Minute, Minute)>; 7],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidHours(String);

fn day(name: &str) -> Result<usize, InvalidHours> {
    let lower = name.trim().to_ascii_lowercase();
    DAYS.iter()
        .position(|(short, long)| lower == *short || lower == long.to_ascii_lowercase())
        .ok_or_else(|| InvalidHours(format!("{name:?} is not a day (use Mon, Tue, ... Sun)")))
}

fn minute(text: &str) -> Result<Minute, InvalidHours> {
    let bad = || InvalidHours(format!("{text:?} is not a time (use 24-hour HH:MM)"));
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) || text.trim().len() != 5 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

impl OpeningHours {
    /// Parses `DAYS TIMES; DAYS TIMES; ...`, where DAYS is a day or a range
    /// (`Mon`, `Mon-Fri`) or several joined by commas (`Sat,Sun`), and
    /// TIMES one or more `HH:MM-HH:MM` joined by commas.
    pub fn parse(text: &str) -> Result<Self, InvalidHours> {
        let mut hours = OpeningHours::default();
        for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            let (days, times) = rule.split_once(char::is_whitespace).ok_or_else(|| {
                InvalidHours(format!(
                    "{rule:?} needs days and times, such as Mon-Fri 09:00-17:00"
                ))
            })?;
            let mut which = Vec::new();
            for part in days.split(',') {
                match part.split_once('-') {
                    Some((a, b)) => {
                        let (a, b) = (day(a)?, day(b)?);
                        if a > b {
                            return Err(InvalidHours(format!("{part:?} runs backwards")));
                        }
                        which.extend(a..=b);
                    }
                    None => which.push(day(part)?),
                }
            }
            for span in times.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (from, to) = span
                    .split_once('-')
                    .ok_or_else(|| InvalidHours(format!("{span:?} is not HH:MM-HH:MM")))?;
                let (from, to) = (minute(from)?, minute(to)?);
                if from >= to {
                    return Err(InvalidHours(format!("{span:?} ends before it starts")));
                }
                for d in &which {
                    hours.days[*d].push((from, to));
                }
            }
        }
        if hours.days.iter().all(Vec::is_empty) {
            return Err(InvalidHours("no opening times given".into()));
        }
        for d in &mut hours.days {
            d.sort_unstable();
        }
        Ok(hours)
    }

    /// Whether chat is open on `weekday` (Monday 0) at `minute` past local
    /// midnight. The end of a span is exclusive.
    pub fn is_open(&self, weekday: usize, minute: u16) -> bool {
        self.days
            .get(weekday)
            .is_some_and(|spans| spans.iter().any(|(a, b)| *a <= minute && minute < *b))
    }
}

/// "Monday to Friday 09:00 to 17:00; Saturday 10:00 to 13:00": days with
/// the same times are grouped when they follow each other.
impl fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |m: Minute| format!("{:02}:{:02}", m / 60, m % 60);
        let mut groups: Vec<(usize, usize)> = Vec::new();
        for d in 0..7 {
            if self.days[d].is_empty() {
                continue;
            }
            match groups.last_mut() {
                Some((_, end)) if *end + 1 == d && self.days[*end] == self.days[d] => *end = d,
                _ => groups.push((d, d)),
            }
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|(a, b)| {
                let days = if a == b {
                    DAYS[*a].1.to_owned()
                } else {
                    format!("{} to {}", DAYS[*a].1, DAYS[*b].1)
                };
                let times: Vec<String> = self.days[*a]
                    .iter()
                    .map(|(x, y)| format!("{} to {}", hm(*x), hm(*y)))
                    .collect();
                format!("{days} {}", times.join(" and "))
            })
            .collect();
        f.write_str(&parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekly_timetable_is_read_and_checked() {
        let h = OpeningHours::parse("Mon-Fri 09:00-17:00; Sat 10:00-12:00,13:00-15:00").unwrap();
        assert!(h.is_open(0, 9 * 60));
        assert!(!h.is_open(0, 17 * 60), "the end is exclusive");
        assert!(!h.is_open(0, 8 * 60 + 59));
        assert!(h.is_open(5, 14 * 60));
        assert!(!h.is_open(5, 12 * 60 + 30));
        assert!(!h.is_open(6, 12 * 60));
        assert_eq!(
            h.to_string(),
            "Monday to Friday 09:00 to 17:00; Saturday 10:00 to 12:00 and 13:00 to 15:00"
        );
        let round = OpeningHours::parse("sat,sun 00:00-24:00").unwrap();
        assert!(round.is_open(6, 23 * 60 + 59));
        assert_eq!(round.to_string(), "Saturday to Sunday 00:00 to 24:00");
    }

    #[test]
    fn mistakes_are_named() {
        for (text, says) in [
            ("Mon-Fri", "needs days and times"),
            ("Mon-Fry 09:00-17:00", "\"Fry\" is not a day"),
            ("Fri-Mon 09:00-17:00", "runs backwards"),
            ("Mon 9-17", "is not a time"),
            ("Mon 17:00-09:00", "ends before it starts"),
            ("Mon 09:00-25:00", "is not a time"),
            ("", "no opening times"),
        ] {
            let err = OpeningHours::parse(text).unwrap_err().to_string();
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }
}
