//! The dashboard's page model: its figures as text, and its charts.

use super::charts::{self, Bars, Columns};
use crate::pages::Layout;
use askama::Template;
use tolbooth_core::dashboard::{BotSpan, ChatSpan, Figures};

/// A duration as a supervisor reads it: `45 s`, `3 min 5 s`, `1 h 2 min`.
pub fn duration(seconds: Option<i64>) -> String {
    match seconds {
        None => String::from("—"),
        Some(s) if s < 60 => format!("{s} s"),
        Some(s) if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        Some(s) => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// `Mon 30 Nov` from `2026-11-30`.
fn short_day(day: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parsed = time::Date::parse(
        day,
        &time::macros::format_description!("[year]-[month]-[day]"),
    );
    match parsed {
        Ok(d) => {
            let weekday = d.weekday().to_string();
            format!(
                "{} {} {}",
                weekday.get(..3).unwrap_or(&weekday),
                d.day(),
                MONTHS
                    .get(usize::from(u8::from(d.month())).saturating_sub(1))
                    .copied()
                    .unwrap_or_default()
            )
        }
        Err(_) => day.to_owned(),
    }
}

/// One line of the summary table: a label, today's figure, the week's.
pub struct SummaryRow {
    pub label: &'static str,
    pub today: String,
    pub week: String,
}

/// One day of live chat, as the table beside its chart shows it.
pub struct ChatDayRow {
    pub day: String,
    pub answered: u64,
    pub rejected: u64,
    pub abandoned: u64,
    pub asked: u64,
}

/// One day of the chatbot.
pub struct BotDayRow {
    pub day: String,
    pub asked: u64,
    pub answered: u64,
    pub declined: u64,
    pub handed_over: u64,
    pub helpful: String,
}

#[derive(Template)]
#[template(path = "dashboard/dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub waiting_now: u64,
    pub chat_summary: Vec<SummaryRow>,
    pub bot_summary: Vec<SummaryRow>,
    pub chat_days: Vec<ChatDayRow>,
    pub chat_chart: Columns,
    pub per_operator: Vec<(String, u64)>,
    pub operator_chart: Bars,
    pub unattributed: u64,
    pub bot_days: Vec<BotDayRow>,
    pub bot_chart: Columns,
    /// How many answered chats the waiting times are measured on.
    pub timed_week: u64,
}

fn percent(p: Option<u64>) -> String {
    p.map_or_else(|| String::from("—"), |p| format!("{p}%"))
}

fn chat_summary(today: &ChatSpan, week: &ChatSpan) -> Vec<SummaryRow> {
    let row = |label, f: &dyn Fn(&ChatSpan) -> String| SummaryRow {
        label,
        today: f(today),
        week: f(week),
    };
    vec![
        row("Chats asked for", &|s| s.asked.to_string()),
        row("Answered", &|s| s.answered.to_string()),
        row("Rejected", &|s| s.rejected.to_string()),
        row("Abandoned before an answer", &|s| s.abandoned.to_string()),
        row("Waiting time, median", &|s| {
            duration(s.waiting.median_seconds)
        }),
        row("Waiting time, 90th percentile", &|s| {
            duration(s.waiting.p90_seconds)
        }),
    ]
}

fn bot_summary(today: &BotSpan, week: &BotSpan) -> Vec<SummaryRow> {
    let row = |label, f: &dyn Fn(&BotSpan) -> String| SummaryRow {
        label,
        today: f(today),
        week: f(week),
    };
    vec![
        row("Questions", &|s| s.asked.to_string()),
        row("Answered", &|s| s.answered.to_string()),
        row("Declined", &|s| s.declined.to_string()),
        row("Handed over to a person", &|s| s.handed_over.to_string()),
        row("Rated helpful (of rated answers)", &|s| {
            percent(s.helpful_percent())
        }),
    ]
}

impl DashboardPage {
    pub fn of(layout: Layout, f: &Figures) -> Self {
        let chat_days: Vec<ChatDayRow> = f
            .days
            .iter()
            .map(|d| ChatDayRow {
                day: short_day(&d.day),
                answered: d.answered,
                rejected: d.rejected,
                abandoned: d.abandoned,
                asked: d.asked(),
            })
            .collect();
        let chat_chart = charts::columns(
            &chat_days
                .iter()
                .map(|d| (d.day.clone(), vec![d.answered, d.rejected, d.abandoned]))
                .collect::<Vec<_>>(),
            &["answered", "rejected", "abandoned"],
        );
        let bot_days: Vec<BotDayRow> = f
            .bot_days
            .iter()
            .map(|d| {
                let span = BotSpan {
                    asked: d.asked,
                    helpful: d.helpful,
                    not_helpful: d.not_helpful,
                    ..BotSpan::default()
                };
                BotDayRow {
                    day: short_day(&d.day),
                    asked: d.asked,
                    answered: d.answered,
                    declined: d.asked.saturating_sub(d.answered),
                    handed_over: d.handed_over,
                    helpful: percent(span.helpful_percent()),
                }
            })
            .collect();
        let bot_chart = charts::columns(
            &bot_days
                .iter()
                .map(|d| (d.day.clone(), vec![d.answered, d.declined]))
                .collect::<Vec<_>>(),
            &["answered", "declined"],
        );
        Self {
            layout,
            waiting_now: f.waiting_now,
            chat_summary: chat_summary(&f.today, &f.week),
            bot_summary: bot_summary(&f.bot_today, &f.bot_week),
            chat_days,
            chat_chart,
            operator_chart: charts::bars(&f.per_operator),
            per_operator: f.per_operator.clone(),
            unattributed: f.unattributed,
            bot_days,
            bot_chart,
            timed_week: f.week.waiting.chats,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_days_read_as_words() {
        assert_eq!(duration(None), "—");
        assert_eq!(duration(Some(45)), "45 s");
        assert_eq!(duration(Some(185)), "3 min 5 s");
        assert_eq!(duration(Some(3720)), "1 h 2 min");
        assert_eq!(short_day("2026-11-30"), "Mon 30 Nov");
        assert_eq!(short_day("not a day"), "not a day");
    }
}
