//! Dates of birth: a date, or a year, said to be when someone was born.
//! Other dates (appointments, collections, deadlines) stay.

use super::regex;
use super::scan::{Scan, Trigger};
use crate::category::Category;
use crate::span::Finding;
use crate::text::floor_boundary;
use regex::Regex;

#[derive(Debug)]
pub(crate) struct BirthDates {
    /// "date of birth", "born", "dob": a date may follow.
    cue: Regex,
    /// A date, read from just after a cue.
    date: Regex,
    /// "born in 1962".
    born_in_year: Regex,
}

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr|(?:an\s+t-|an\s+|am\s+)?(?:faoilleach|faoilteach|gearran|m[aà]rt|giblean|c[eè]itean|[oò]gmhios|iuchar|l[uù]nastal|sultain|d[aà]mhair|samhain|d[uù]bhlachd))";

/// A day written as an ordinal word ("the twenty third").
const DAY_WORD: &str = r"(?:(?:twenty|thirty)[\s-]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)";

/// A year written in words ("nineteen seventy one", "two thousand and
/// twelve").
const YEAR_WORDS: &str = r"(?:(?:nineteen|twenty)\s+(?:hundred\s+and\s+)?(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|oh[\s-](?:one|two|three|four|five|six|seven|eight|nine)|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)|two\s+thousand(?:\s+and)?(?:\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[\s-](?:one|two|three|four|five))?))?)";

impl BirthDates {
    pub(crate) fn new() -> Self {
        Self {
            cue: regex(
                r"(?i)(?-u:\b)(?:d\.?\s?o\.?\s?b\.?|dates?\s+of\s+birth|birth\s*date|born(?:\s+on)?|birthday(?:\s+is)?|bday|b'day|dyddiad\s+geni|(?:fy\s+n|ei\s+)?g?eni|[gn]?anwyd|[pbm]en-?blwydd|ceann-l[aà]\s+breith|latha\s+breith|rugadh)(?-u:\b)",
            ),
            born_in_year: regex(r"(?i)(?-u:\b)born\s+in\s+(?:19|20)\d{2}(?-u:\b)"),
            // Up to three words may come between the cue and the date
            // ("born at home on", "mine's", "it should be"); "the" before
            // a date goes with it.
            date: regex(&format!(
                r"(?i)^\W{{0,6}}(?:[\p{{L}}'’]+\W{{1,3}}){{0,3}}?((?:the\s+)?(?:\d{{1,2}}\s?[/.\-]\s?\d{{1,2}}\s?[/.\-]\s?(?:\d{{4}}|\d{{2}})|\d{{1,2}}(?:st|nd|rd|th|af|ydd|edd|fed|ed|mh)?\s+(?:(?:of|o|den|de)\s+)?{MONTH}\.?,?(?:\s+(?:\d{{4}}|'?\d{{2}}))?|{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+(?:\d{{4}}|'?\d{{2}}))?|\d{{4}}-\d{{2}}-\d{{2}}|{DAY_WORD}\s+(?:(?:of|o)\s+)?{MONTH}(?:,?\s+(?:{YEAR_WORDS}|\d{{4}}))?))(?-u:\b)"
            )),
        }
    }

    pub(crate) fn find(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        for cue in scan.triggered(Trigger::BirthCue, &self.cue) {
            let end = floor_boundary(text, cue.end() + 72);
            let Some(after) = text.get(cue.end()..end) else {
                continue;
            };
            if let Some(date) = self.date.captures(after).and_then(|c| c.get(1)) {
                out.push(Finding::new(
                    cue.end() + date.start(),
                    cue.end() + date.end(),
                    Category::DateOfBirth,
                ));
            }
        }
        for m in scan.triggered(Trigger::BirthCue, &self.born_in_year) {
            // The pattern ends with the year's four digits.
            let end = m.end();
            out.push(Finding::new(end - 4, end, Category::DateOfBirth));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::scan::scan_for_tests;

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        BirthDates::new().find(&scan_for_tests(text), &mut out);
        out.iter()
            .map(|f| text[f.start..f.end].to_owned())
            .collect()
    }

    #[test]
    fn birth_dates_with_a_cue() {
        assert_eq!(found("my dob is 03/07/1987 ok"), vec!["03/07/1987"]);
        assert_eq!(found("D.O.B: 3.7.87"), vec!["3.7.87"]);
        assert_eq!(
            found("I was born on the 3rd of March 1987"),
            vec!["the 3rd of March 1987"]
        );
        assert_eq!(
            found("date of birth - March 3, 1987"),
            vec!["March 3, 1987"]
        );
        assert_eq!(found("she was born in 2011"), vec!["2011"]);
    }

    #[test]
    fn birth_dates_in_words_and_in_welsh_and_gaelic() {
        assert_eq!(
            found("i was born on the twenty third of march nineteen seventy one ok"),
            vec!["the twenty third of march nineteen seventy one"]
        );
        assert_eq!(
            found("Ges i fy ngeni ar 17 Hydref 1979"),
            vec!["17 Hydref 1979"]
        );
        assert_eq!(
            found("Rugadh mi air 12mh den Dùbhlachd 1955, agus"),
            vec!["12mh den Dùbhlachd 1955"]
        );
        assert_eq!(
            found("born 11 An t-Sultain 2011, needs"),
            vec!["11 An t-Sultain 2011"]
        );
        assert_eq!(
            found("our baby was born at home on 02/10/2024, how"),
            vec!["02/10/2024"]
        );
        assert_eq!(
            found("ei ben-blwydd e yw 19 Tachwedd 1988"),
            vec!["19 Tachwedd 1988"]
        );
        assert_eq!(found("born 3rd o March 1941"), vec!["3rd o March 1941"]);
    }

    #[test]
    fn other_dates_stay() {
        assert!(found("my bin was missed on 03/07/2024").is_empty());
        assert!(found("appointment on 3rd March").is_empty());
    }
}
