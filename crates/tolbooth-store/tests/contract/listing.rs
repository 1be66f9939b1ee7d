//! Finding chats behaves alike on both backends: the past-chats list's
//! filters, flags and holds, its pages; the answered chats, extracts and
//! waiting count the dashboard reads; the chatbot's hand-overs and days.

use crate::chats::operator;
use crate::fixture;
use crate::retention::{chat, extracted};
use time::Duration;
use tolbooth_domain::bot::ports::ChatbotStore;
use tolbooth_domain::bot::questions::{BotQuestion, BotQuestionId};
use tolbooth_domain::chat::listing::ChatFilter;
use tolbooth_domain::chat::ports::ChatStore;
use tolbooth_domain::chat::{ChatFlag, ChatId, ChatState, FlagReason};
use tolbooth_domain::governance::ports::GovernanceStore;
use tolbooth_domain::governance::LegalHold;
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::store::StoreError;
use tolbooth_testkit::{audit, backend_tests, Backend};

backend_tests!(
    the_list_filters_by_state_operator_date_flag_hold_and_chat_id,
    the_dashboard_reads_answered_chats_once_and_the_bots_days,
);

fn ids(rows: &[tolbooth_domain::chat::listing::ChatListing]) -> Vec<ChatId> {
    rows.iter().map(|r| r.chat.id).collect()
}

async fn the_list_filters_by_state_operator_date_flag_hold_and_chat_id(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let now = f.clock_now();
    let (old, _) = chat(s, 1, now - Duration::days(3), "ended").await;
    let (open, open_ref) = chat(s, 2, now - Duration::hours(2), "accepted").await;
    let (waiting, _) = chat(s, 3, now - Duration::minutes(5), "requested").await;
    let (held, held_ref) = chat(s, 4, now - Duration::days(1), "ended").await;
    let anna = operator(s, "anna").await;
    sqlx::query("UPDATE chats SET operator_staff_id = $1, operator_name = 'Anna' WHERE id = $2")
        .bind(anna.0)
        .bind(open.0)
        .execute(s.raw_pool())
        .await
        .unwrap();
    let flag = ChatFlag {
        reason: FlagReason::PossibleOffence,
        by_name: "anna".into(),
        at: now,
    };
    s.flag_chat(held, &flag, anna, audit("chat.flagged"))
        .await
        .unwrap();
    let hold = LegalHold {
        chat_ref: held_ref,
        reason: "police enquiry".into(),
        placed_by: None,
        placed_by_name: "Ailsa".into(),
        placed_at: now,
        release: None,
    };
    s.place_hold(held, &hold, audit("chat.hold_placed"))
        .await
        .unwrap();

    let list = |filter: ChatFilter| async move { s.list_chats(&filter, 10).await.unwrap() };
    let all = list(ChatFilter::default()).await;
    assert_eq!(ids(&all), vec![held, waiting, open, old], "newest first");
    let row = all.iter().find(|r| r.chat.id == held).unwrap();
    assert!(row.flagged && row.held);
    assert!(all
        .iter()
        .filter(|r| r.chat.id != held)
        .all(|r| !r.flagged && !r.held));

    let by = |state| ChatFilter {
        state: Some(state),
        ..ChatFilter::default()
    };
    assert_eq!(ids(&list(by(ChatState::Ended)).await), vec![held, old]);
    assert_eq!(ids(&list(by(ChatState::Requested)).await), vec![waiting]);
    let annas = ChatFilter {
        operator: Some(anna),
        ..ChatFilter::default()
    };
    assert_eq!(ids(&list(annas).await), vec![open]);
    let flagged = |yes| ChatFilter {
        flagged: Some(yes),
        ..ChatFilter::default()
    };
    assert_eq!(ids(&list(flagged(true)).await), vec![held]);
    assert_eq!(ids(&list(flagged(false)).await), vec![waiting, open, old]);
    let not_held = ChatFilter {
        held: Some(false),
        state: Some(ChatState::Ended),
        ..ChatFilter::default()
    };
    assert_eq!(ids(&list(not_held).await), vec![old]);
    let one = ChatFilter {
        chat_ref: Some(open_ref),
        ..ChatFilter::default()
    };
    assert_eq!(ids(&list(one).await), vec![open]);
    let dates = ChatFilter {
        requested_from: Some(now - Duration::days(2)),
        requested_before: Some(now - Duration::hours(1)),
        ..ChatFilter::default()
    };
    assert_eq!(ids(&list(dates).await), vec![held, open]);
    // Pages: the first two, then what is older than the last of them.
    let first = s.list_chats(&ChatFilter::default(), 2).await.unwrap();
    assert_eq!(ids(&first), vec![held, waiting]);
    let next = ChatFilter {
        before: Some(waiting),
        ..ChatFilter::default()
    };
    assert_eq!(ids(&list(next).await), vec![open, old]);
}

async fn the_dashboard_reads_answered_chats_once_and_the_bots_days(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let now = f.clock_now();
    let day_ago = now - Duration::days(1);
    let (swept, _) = chat(s, 1, day_ago, "ended").await;
    let (_live, _) = chat(s, 2, now - Duration::hours(1), "ended").await;
    let (_waiting, _) = chat(s, 3, now, "requested").await;
    let (_too_old, _) = chat(s, 4, now - Duration::days(30), "ended").await;
    let ex = extracted(s, swept, now).await;
    s.save_extracts(std::slice::from_ref(&ex), Box::new(|_| audit("t")))
        .await
        .unwrap();
    let since = now - Duration::days(7);
    // Extracted but not yet deleted: counted once, from its extract.
    let answered = s.answered_since(since).await.unwrap();
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].requested_at, now - Duration::hours(1));
    assert_eq!(answered[0].waited_seconds(), Some(60));
    let from_extracts = s.extracted_since(since).await.unwrap();
    assert_eq!(from_extracts.len(), 1);
    assert_eq!(from_extracts[0].requested_at, day_ago);
    assert_eq!(s.waiting_count().await.unwrap(), 1);

    let q = |n: u8, at, answered| BotQuestion {
        id: BotQuestionId::from_random([n; 16]),
        asked_at: at,
        question: None,
        redacted: None,
        service_area: None,
        answered,
        reason: None,
        page_url: None,
        helpful: None,
    };
    s.save_bot_question(&q(1, now, true)).await.unwrap();
    s.save_bot_question(&q(2, now, false)).await.unwrap();
    s.save_bot_question(&q(3, day_ago, true)).await.unwrap();
    s.set_bot_handed_over(&BotQuestionId::from_random([2; 16]))
        .await
        .unwrap();
    s.set_bot_feedback(&BotQuestionId::from_random([1; 16]), true)
        .await
        .unwrap();
    let missing = s
        .set_bot_handed_over(&BotQuestionId::from_random([9; 16]))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
    let days = s.bot_days(since).await.unwrap();
    let seen: Vec<(&str, u64, u64, u64, u64)> = days
        .iter()
        .map(|d| {
            (
                d.day.as_str(),
                d.asked,
                d.answered,
                d.handed_over,
                d.helpful,
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![("2026-11-21", 1, 1, 0, 0), ("2026-11-22", 2, 1, 1, 1)]
    );
}
