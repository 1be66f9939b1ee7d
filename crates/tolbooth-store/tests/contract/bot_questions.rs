//! The chatbot's questions behave alike on both backends (BOT-4, BOT-5):
//! weekly figures per service area, feedback, unanswered questions shown
//! redacted, and expiry by deletion or anonymisation with counts.

use crate::fixture;
use time::Duration;
use tolbooth_domain::audit::{Actor, CountedAudit, NewAuditEntry};
use tolbooth_domain::bot::ports::ChatbotStore;
use tolbooth_domain::bot::questions::{BotQuestion, BotQuestionId};
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::retention::{ExtractExpiry, SweepPlan};
use tolbooth_domain::store::StoreError;
use tolbooth_testkit::{backend_tests, Backend};

backend_tests!(questions_are_reported_by_area_and_week_and_expire);

fn counted(action: &'static str) -> CountedAudit {
    Box::new(move |n| NewAuditEntry::new(Actor::system("test"), action).because(format!("{n}")))
}

fn question(n: u8, at: time::OffsetDateTime, area: &str, answered: bool) -> BotQuestion {
    BotQuestion {
        id: BotQuestionId::from_random([n; 16]),
        asked_at: at,
        question: Some(format!("question {n} from jo@example.com")),
        redacted: Some(format!("question {n} from [email removed]")),
        service_area: Some(area.into()),
        answered,
        reason: (!answered).then(|| "low_confidence".to_owned()),
        page_url: Some("https://example.gov.uk/bins".into()),
        helpful: None,
    }
}

async fn questions_are_reported_by_area_and_week_and_expire(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let now = f.clock_now(); // Sunday 2026-11-22
    let last_week = now - Duration::days(7);
    s.save_bot_question(&question(1, now, "Bins", true))
        .await
        .unwrap();
    s.save_bot_question(&question(2, now, "Bins", false))
        .await
        .unwrap();
    s.save_bot_question(&question(3, last_week, "Parking", true))
        .await
        .unwrap();
    s.set_bot_feedback(&BotQuestionId::from_random([1; 16]), true)
        .await
        .unwrap();
    s.set_bot_feedback(&BotQuestionId::from_random([3; 16]), false)
        .await
        .unwrap();
    let missing = s
        .set_bot_feedback(&BotQuestionId::from_random([9; 16]), true)
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)));

    let report = s.bot_report(now - Duration::days(30), 10).await.unwrap();
    let weeks: Vec<(&str, &str, u64, u64, u64, u64)> = report
        .weeks
        .iter()
        .map(|w| {
            (
                w.week.as_str(),
                w.service_area.as_str(),
                w.asked,
                w.answered,
                w.helpful,
                w.not_helpful,
            )
        })
        .collect();
    assert_eq!(
        weeks,
        vec![
            ("2026-11-09", "Parking", 1, 1, 0, 1),
            ("2026-11-16", "Bins", 2, 1, 1, 0)
        ]
    );
    assert_eq!(report.unanswered.len(), 1);
    assert_eq!(
        report.unanswered[0].redacted,
        "question 2 from [email removed]"
    );

    // Anonymising keeps the figures and drops the words.
    let plan = SweepPlan {
        chats: None,
        ip_addresses: None,
        visitor_details: None,
        extracts: None,
        bot_questions: Some((now - Duration::days(1), ExtractExpiry::Anonymise)),
    };
    assert_eq!(
        s.preview_sweep(&plan)
            .await
            .unwrap()
            .bot_questions_anonymised,
        1
    );
    let n = s
        .expire_bot_questions(
            now - Duration::days(1),
            ExtractExpiry::Anonymise,
            counted("t"),
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    let again = s
        .expire_bot_questions(
            now - Duration::days(1),
            ExtractExpiry::Anonymise,
            counted("t"),
        )
        .await
        .unwrap();
    assert_eq!(again, 0, "anonymised once");
    let report = s.bot_report(now - Duration::days(30), 10).await.unwrap();
    assert_eq!(report.weeks.len(), 2);
    // Deleting removes them.
    let n = s
        .expire_bot_questions(now + Duration::days(1), ExtractExpiry::Delete, counted("t"))
        .await
        .unwrap();
    assert_eq!(n, 3);
    assert_eq!(
        s.count_bot_questions(now + Duration::days(1))
            .await
            .unwrap(),
        0
    );
}
