//! The supervisor's dashboard: live chat and the chatbot over today and
//! the last seven days, from what Tolbooth keeps anyway — chats still
//! held, the extracts and statistics sweeps keep, the counts of rejected
//! and abandoned enquiries, and the chatbot's questions. It reads no word
//! of any chat. Days are UTC days, as the statistics are kept.

use std::collections::BTreeMap;
use std::sync::Arc;
use time::{Duration, OffsetDateTime, Time};
use tolbooth_domain::bot::ports::ChatbotStore;
use tolbooth_domain::bot::questions::BotDay;
use tolbooth_domain::chat::listing::AnsweredChat;
use tolbooth_domain::chat::ports::ChatStore;
use tolbooth_domain::clock::Clock;
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::store::{Store, StoreError};

use crate::code::Code;

/// Days the dashboard looks back over, today included.
pub const DAYS: i64 = 7;

#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DashboardError(#[from] StoreError);

impl DashboardError {
    pub fn code(&self) -> Code {
        Code::of_store(&self.0)
    }

    /// The store's error underneath.
    pub fn into_store(self) -> StoreError {
        self.0
    }
}

/// The stores the dashboard reads.
#[derive(Clone)]
pub struct DashboardStores {
    pub chats: Arc<dyn ChatStore>,
    pub retention: Arc<dyn RetentionStore>,
    pub bot: Arc<dyn ChatbotStore>,
}

impl DashboardStores {
    /// Each port from the one store that implements them all.
    pub fn of(store: &Arc<dyn Store>) -> Self {
        Self {
            chats: store.clone(),
            retention: store.clone(),
            bot: store.clone(),
        }
    }
}

/// Live chat on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub answered: u64,
    pub rejected: u64,
    pub abandoned: u64,
}

impl ChatDay {
    pub fn asked(&self) -> u64 {
        self.answered + self.rejected + self.abandoned
    }
}

/// How long visitors waited for an operator, over the answered chats
/// whose times are still kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    /// Chats measured.
    pub chats: u64,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

impl Waiting {
    /// Nearest-rank percentiles of `seconds`.
    pub fn of(mut seconds: Vec<i64>) -> Self {
        seconds.sort_unstable();
        let rank = |p: f64| -> Option<i64> {
            if seconds.is_empty() {
                return None;
            }
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "a rank among at most a few million chats"
            )]
            let k = ((p * seconds.len() as f64).ceil() as usize).max(1);
            seconds.get(k - 1).copied()
        };
        Self {
            chats: seconds.len() as u64,
            median_seconds: rank(0.5),
            p90_seconds: rank(0.9),
        }
    }
}

/// Live chat over a span of days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatSpan {
    pub asked: u64,
    pub answered: u64,
    pub rejected: u64,
    pub abandoned: u64,
    pub waiting: Waiting,
}

/// The chatbot over a span of days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotSpan {
    pub asked: u64,
    pub answered: u64,
    pub declined: u64,
    pub handed_over: u64,
    pub helpful: u64,
    pub not_helpful: u64,
}

impl BotSpan {
    fn add(&mut self, d: &BotDay) {
        self.asked += d.asked;
        self.answered += d.answered;
        self.declined += d.asked.saturating_sub(d.answered);
        self.handed_over += d.handed_over;
        self.helpful += d.helpful;
        self.not_helpful += d.not_helpful;
    }

    /// The share of rated answers rated helpful, in whole per cent.
    pub fn helpful_percent(&self) -> Option<u64> {
        let rated = self.helpful + self.not_helpful;
        (rated > 0).then(|| (self.helpful * 100 + rated / 2) / rated)
    }
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// The last [`DAYS`] days, oldest first; the last is today.
    pub days: Vec<ChatDay>,
    pub today: ChatSpan,
    pub week: ChatSpan,
    /// Enquiries in the queue now.
    pub waiting_now: u64,
    /// Chats answered in the last [`DAYS`] days per operator, most first.
    pub per_operator: Vec<(String, u64)>,
    /// Answered chats whose operator is no longer kept (swept without an
    /// extract).
    pub unattributed: u64,
    pub bot_days: Vec<BotDay>,
    pub bot_today: BotSpan,
    pub bot_week: BotSpan,
}

#[derive(Clone)]
pub struct Dashboard {
    stores: DashboardStores,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Dashboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dashboard").finish_non_exhaustive()
    }
}

fn day_key(at: OffsetDateTime) -> String {
    let d = at.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn u64_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Dashboard {
    pub fn new(stores: DashboardStores, clock: Arc<dyn Clock>) -> Self {
        Self { stores, clock }
    }

    /// The figures as they stand now.
    pub async fn figures(&self) -> Result<Figures, DashboardError> {
        let now = self.clock.now();
        let today = now
            .to_offset(time::UtcOffset::UTC)
            .replace_time(Time::MIDNIGHT);
        let since = today - Duration::days(DAYS - 1);
        let keys: Vec<String> = (0..DAYS)
            .map(|i| day_key(since + Duration::days(i)))
            .collect();
        let today_key = day_key(today);
        let mut figures = self.chat_figures(since, &keys, &today_key).await?;
        let stored_days = self.stores.bot.bot_days(since).await?;
        figures.bot_days = keys
            .iter()
            .map(|key| {
                stored_days
                    .iter()
                    .find(|d| &d.day == key)
                    .cloned()
                    .unwrap_or_else(|| BotDay {
                        day: key.clone(),
                        ..BotDay::default()
                    })
            })
            .collect();
        for d in &figures.bot_days {
            figures.bot_week.add(d);
            if d.day == today_key {
                figures.bot_today.add(d);
            }
        }
        figures.waiting_now = self.stores.chats.waiting_count().await?;
        Ok(figures)
    }

    /// Live chat's part: each day's counts, today's and the week's spans,
    /// chats per operator.
    async fn chat_figures(
        &self,
        since: OffsetDateTime,
        keys: &[String],
        today_key: &str,
    ) -> Result<Figures, DashboardError> {
        let live = self.stores.chats.answered_since(since).await?;
        let extracted = self.stores.retention.extracted_since(since).await?;
        let on = |chats: &[AnsweredChat], key: &str| {
            chats
                .iter()
                .filter(|c| day_key(c.requested_at) == key)
                .count() as u64
        };
        let mut days = Vec::with_capacity(keys.len());
        let mut unattributed = 0;
        for key in keys {
            let (rejected, abandoned) = self.stores.chats.enquiry_counts(key).await?;
            let swept = u64_of(self.stores.retention.chat_statistics(key).await?.chats);
            unattributed += swept.saturating_sub(on(&extracted, key));
            days.push(ChatDay {
                day: key.clone(),
                answered: on(&live, key) + swept,
                rejected: u64_of(rejected),
                abandoned: u64_of(abandoned),
            });
        }
        let timed: Vec<&AnsweredChat> = live.iter().chain(extracted.iter()).collect();
        let span = |from_key: &str| {
            let mut span = ChatSpan::default();
            for d in days.iter().filter(|d| d.day.as_str() >= from_key) {
                span.asked += d.asked();
                span.answered += d.answered;
                span.rejected += d.rejected;
                span.abandoned += d.abandoned;
            }
            span.waiting = Waiting::of(
                timed
                    .iter()
                    .filter(|c| day_key(c.requested_at).as_str() >= from_key)
                    .filter_map(|c| c.waited_seconds())
                    .collect(),
            );
            span
        };
        let mut operators: BTreeMap<String, u64> = BTreeMap::new();
        for chat in &timed {
            let name = chat.operator.clone().unwrap_or_else(|| String::from("—"));
            *operators.entry(name).or_default() += 1;
        }
        let mut per_operator: Vec<(String, u64)> = operators.into_iter().collect();
        per_operator.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(Figures {
            today: span(today_key),
            week: span(keys.first().map_or("", String::as_str)),
            days,
            per_operator,
            unattributed,
            ..Figures::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let w = Waiting::of(vec![50, 10, 40, 20, 30, 60, 70, 80, 90, 100]);
        assert_eq!(w.chats, 10);
        assert_eq!(w.median_seconds, Some(50));
        assert_eq!(w.p90_seconds, Some(90));
        let one = Waiting::of(vec![7]);
        assert_eq!((one.median_seconds, one.p90_seconds), (Some(7), Some(7)));
        assert_eq!(Waiting::of(Vec::new()), Waiting::default());
    }

    #[test]
    fn the_helpful_share_is_of_rated_answers_only() {
        let mut span = BotSpan::default();
        assert_eq!(span.helpful_percent(), None);
        span.add(&BotDay {
            day: "2026-12-01".into(),
            asked: 10,
            answered: 6,
            handed_over: 2,
            helpful: 2,
            not_helpful: 1,
        });
        assert_eq!(span.declined, 4);
        assert_eq!(span.helpful_percent(), Some(67));
    }
}
