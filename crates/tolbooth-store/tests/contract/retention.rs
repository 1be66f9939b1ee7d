//! The retention records behave alike on both backends (RET-3..RET-5):
//! what is due, extraction once, deletion only after extraction, holds,
//! and numbered policy versions.

use crate::fixture;
use time::Duration;
use tolbooth_domain::audit::{CountedAudit, ObjectRef};
use tolbooth_domain::chat::ports::ChatStore;
use tolbooth_domain::chat::visitor::VisitorDetails;
use tolbooth_domain::chat::{ChatId, ChatRef, MessageBody, NewChat};
use tolbooth_domain::governance::ports::GovernanceStore;
use tolbooth_domain::governance::{LegalHold, PolicyVersion};
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::retention::{ChatExtract, ChatStatistics, ExtractedChat, SweepPlan};
use tolbooth_domain::store::StoreError;
use tolbooth_domain::time_fmt::unix_millis;
use tolbooth_store::SqlStore;
use tolbooth_testkit::{audit, backend_tests, Backend};

backend_tests!(
    a_chat_is_deleted_under_an_extract_rule_only_once_extracted,
    held_open_and_recent_chats_are_not_due,
    policy_versions_are_numbered_once,
    sweeps_claim_different_chats_and_a_dead_claim_expires,
    concurrent_claims_never_share_a_chat,
);

fn counted(action: &'static str) -> CountedAudit {
    Box::new(move |n| audit(action).because(format!("{n}")))
}

/// A chat in `state`, requested at `at` and (if ended) ended ten minutes
/// later.
pub(crate) async fn chat(
    store: &SqlStore,
    n: u8,
    at: time::OffsetDateTime,
    state: &str,
) -> (ChatId, ChatRef) {
    let chat_ref = ChatRef::from_random([n, 9, 8, 7, 6]);
    let c = store
        .create_chat(
            NewChat {
                chat_ref,
                visitor_token_hash: format!("retention-token-{n}"),
                requested_at: at,
                question: MessageBody::parse("is the tip open on Sunday?").unwrap(),
                question_client_id: None,
                visitor: VisitorDetails {
                    ip: Some(std::net::IpAddr::from([192, 0, 2, n])),
                    browser: Some("Firefox 128".into()),
                    ..VisitorDetails::default()
                },
            },
            audit("chat.requested").on(ObjectRef::new("chat", chat_ref)),
        )
        .await
        .unwrap();
    let ended = (state == "ended").then(|| unix_millis(at + Duration::minutes(10)));
    sqlx::query(
        "UPDATE chats SET state = $1, accepted_at = $2, ended_at = $3, ended_by = $4 WHERE id = $5",
    )
    .bind(state.to_owned())
    .bind(unix_millis(at + Duration::minutes(1)))
    .bind(ended)
    .bind(ended.map(|_| "visitor".to_owned()))
    .bind(c.id.0)
    .execute(store.raw_pool())
    .await
    .unwrap();
    (c.id, chat_ref)
}

pub(crate) async fn extracted(
    store: &SqlStore,
    id: ChatId,
    at: time::OffsetDateTime,
) -> ExtractedChat {
    let c = store.chat_by_id(id).await.unwrap().unwrap();
    let (day, statistics) = ChatStatistics::of(&c, c.last_seq);
    ExtractedChat {
        extract: ChatExtract {
            chat_id: id,
            chat_ref: Some(c.lifecycle.chat_ref),
            operator_name: None,
            requested_at: c.lifecycle.requested_at,
            accepted_at: c.lifecycle.accepted_at,
            ended_at: c.lifecycle.ended_at.unwrap(),
            chat_seconds: Some(540),
            question: Some("is the tip open on Sunday?".into()),
            browser: Some("Firefox 128".into()),
            referrer: None,
            launch_url: None,
            pages_visited: None,
            seconds_on_site: None,
            content: Some(Vec::new()),
            ended_by: c.lifecycle.ended_by,
            edited_by_staff: false,
            extracted_at: at,
            anonymised_at: None,
        },
        day,
        statistics,
    }
}

async fn a_chat_is_deleted_under_an_extract_rule_only_once_extracted(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let at = f.clock_now() - Duration::days(10);
    let (a, a_ref) = chat(s, 1, at, "ended").await;
    let (b, _) = chat(s, 2, at, "ended").await;
    assert_eq!(
        s.delete_swept_chats(&[a, b], true, counted("t"))
            .await
            .unwrap(),
        0
    );
    assert!(
        s.chat_by_id(a).await.unwrap().is_some(),
        "not extracted, not deleted"
    );

    let ex = extracted(s, a, f.clock_now()).await;
    assert_eq!(
        s.save_extracts(std::slice::from_ref(&ex), counted("t"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.save_extracts(std::slice::from_ref(&ex), counted("t"))
            .await
            .unwrap(),
        0,
        "once only"
    );
    assert_eq!(
        s.chat_statistics(&ex.day).await.unwrap().chats,
        1,
        "counted once"
    );

    assert_eq!(
        s.delete_swept_chats(&[a, b], true, counted("t"))
            .await
            .unwrap(),
        1
    );
    assert!(s.chat_by_id(a).await.unwrap().is_none());
    assert!(s.chat_by_id(b).await.unwrap().is_some(), "b has no extract");
    assert!(s.chat_extract(a_ref).await.unwrap().is_some());
    // Under a delete rule, deletion counts the chat itself.
    assert_eq!(
        s.delete_swept_chats(&[b], false, counted("t"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(s.chat_statistics(&ex.day).await.unwrap().chats, 2);
    assert_eq!(s.count_extracts().await.unwrap(), 1);
}

async fn held_open_and_recent_chats_are_not_due(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let old = f.clock_now() - Duration::days(30);
    let (due, _) = chat(s, 1, old, "ended").await;
    let (held, held_ref) = chat(s, 2, old, "ended").await;
    let (open, _) = chat(s, 3, old, "accepted").await;
    let (recent, recent_ref) = chat(s, 4, f.clock_now(), "ended").await;
    let hold = |chat_ref| LegalHold {
        chat_ref,
        reason: "police enquiry".into(),
        placed_by: None,
        placed_by_name: "Ailsa".into(),
        placed_at: f.clock_now(),
        release: None,
    };
    assert!(s
        .place_hold(held, &hold(held_ref), audit("chat.hold_placed"))
        .await
        .unwrap());
    assert!(!s
        .place_hold(held, &hold(held_ref), audit("chat.hold_placed"))
        .await
        .unwrap());
    let cutoff = f.clock_now() - Duration::days(7);
    assert_eq!(s.due_chats(cutoff, 100).await.unwrap(), vec![due]);
    assert_eq!(s.count_due_chats(cutoff).await.unwrap(), 1);
    assert_eq!(
        s.delete_swept_chats(&[held, open], false, counted("t"))
            .await
            .unwrap(),
        0
    );
    let plan = SweepPlan {
        chats: Some(cutoff),
        ip_addresses: Some(cutoff),
        visitor_details: None,
        extracts: None,
        bot_questions: None,
    };
    let preview = s.preview_sweep(&plan).await.unwrap();
    assert_eq!(
        (
            preview.chats_due,
            preview.ip_addresses_deleted,
            preview.chats_held
        ),
        (1, 1, 1)
    );
    assert_eq!(s.clear_ip_addresses(cutoff, counted("t")).await.unwrap(), 1);
    assert!(
        s.visitor_details(held).await.unwrap().unwrap().ip.is_some(),
        "held: IP kept"
    );
    assert!(
        s.visitor_details(open).await.unwrap().unwrap().ip.is_some(),
        "open: IP kept"
    );
    assert!(s.visitor_details(due).await.unwrap().unwrap().ip.is_none());
    assert_eq!(
        s.clear_visitor_details(cutoff, counted("t")).await.unwrap(),
        1
    );
    assert_eq!(
        s.clear_visitor_details(cutoff, counted("t")).await.unwrap(),
        0,
        "nothing left"
    );
    assert!(s
        .visitor_details(due)
        .await
        .unwrap()
        .unwrap()
        .browser
        .is_none());
    assert!(s
        .visitor_details(held)
        .await
        .unwrap()
        .unwrap()
        .browser
        .is_some());

    // A released hold, and a recent chat whose hold is released, are due at once.
    s.place_hold(recent, &hold(recent_ref), audit("chat.hold_placed"))
        .await
        .unwrap();
    s.release_hold(held, f.clock_now(), audit("chat.hold_released"))
        .await
        .unwrap();
    s.release_hold(recent, f.clock_now(), audit("chat.hold_released"))
        .await
        .unwrap();
    assert!(matches!(
        s.release_hold(recent, f.clock_now(), audit("x")).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        s.due_chats(cutoff, 100).await.unwrap(),
        vec![due, held, recent]
    );
}

async fn sweeps_claim_different_chats_and_a_dead_claim_expires(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let old = f.clock_now() - Duration::days(30);
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(chat(s, n, old, "ended").await.0);
    }
    let cutoff = f.clock_now() - Duration::days(7);
    let now = f.clock_now();
    let lease = now + Duration::minutes(10);
    let first = s.claim_due_chats(cutoff, 2, now, lease).await.unwrap();
    assert_eq!(first, ids[..2].to_vec(), "lowest ids first");
    let second = s.claim_due_chats(cutoff, 2, now, lease).await.unwrap();
    assert_eq!(second, vec![ids[2]], "a second sweep takes the rest");
    assert!(s
        .claim_due_chats(cutoff, 2, now, lease)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.due_chats(cutoff, 100).await.unwrap(),
        ids,
        "claimed chats are still due"
    );

    // The first sweep lets go of one chat; the second's claim expires.
    s.release_sweep_claims(&first[1..]).await.unwrap();
    assert_eq!(
        s.claim_due_chats(cutoff, 5, now, lease).await.unwrap(),
        vec![ids[1]]
    );
    let later = lease + Duration::seconds(1);
    assert_eq!(
        s.claim_due_chats(cutoff, 5, later, later + Duration::minutes(10))
            .await
            .unwrap(),
        ids,
        "claims left by a sweep that died expire"
    );
}

async fn concurrent_claims_never_share_a_chat(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let old = f.clock_now() - Duration::days(30);
    let mut ids = Vec::new();
    for n in 1..=24 {
        ids.push(chat(s, n, old, "ended").await.0);
    }
    let cutoff = f.clock_now() - Duration::days(7);
    let now = f.clock_now();
    let lease = now + Duration::minutes(10);
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let s = s.clone();
        tasks.push(tolbooth_workers::spawn_task("test", async move {
            s.claim_due_chats(cutoff, 4, now, lease).await
        }));
    }
    let mut got: Vec<ChatId> = Vec::new();
    for t in tasks {
        got.extend(t.await.expect("task").expect("claim"));
    }
    let claimed = got.len();
    got.sort_unstable_by_key(|id| id.0);
    got.dedup();
    assert_eq!(got.len(), claimed, "no chat is claimed twice");
    // Every claim that found nothing free may come back empty-handed, but
    // between them the six sweeps took every chat.
    let rest = s.claim_due_chats(cutoff, 100, now, lease).await.unwrap();
    got.extend(rest);
    got.sort_unstable_by_key(|id| id.0);
    assert_eq!(got, ids);
}

async fn policy_versions_are_numbered_once(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let v = |version| PolicyVersion {
        version,
        policy_sha256: format!("sha-{version}"),
        adopted_at: f.clock_now(),
        policy_text: "[service]".into(),
        notice_markdown: "# Notice".into(),
    };
    assert!(s.latest_policy_version().await.unwrap().is_none());
    s.adopt_policy_version(&v(1), audit("policy.adopted"))
        .await
        .unwrap();
    assert!(matches!(
        s.adopt_policy_version(&v(1), audit("policy.adopted")).await,
        Err(StoreError::Conflict(_))
    ));
    s.adopt_policy_version(&v(2), audit("policy.adopted"))
        .await
        .unwrap();
    assert_eq!(s.latest_policy_version().await.unwrap().unwrap().version, 2);
    assert_eq!(
        s.policy_version(1).await.unwrap().unwrap().policy_sha256,
        "sha-1"
    );
    let all: Vec<i64> = s
        .policy_versions()
        .await
        .unwrap()
        .iter()
        .map(|v| v.0)
        .collect();
    assert_eq!(all, vec![2, 1]);
}
