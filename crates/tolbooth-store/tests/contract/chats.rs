//! Live chat's records behave alike on both backends (LC-3, LC-6).

use crate::fixture;
use std::sync::Arc;
use time::Duration;
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::ObjectRef;
use tolbooth_domain::chat::canned::CannedId;
use tolbooth_domain::chat::ports::{CannedStore, ChatStore};
use tolbooth_domain::chat::visitor::VisitorDetails;
use tolbooth_domain::chat::{
    ChatEvent, ChatLifecycle, ChatRef, ChatState, ClientMessageId, EndedBy, MessageBody,
};
use tolbooth_domain::chat::{ChatFlag, ChatId, FlagReason, NewChat, NewMessage, Sender};
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::ports::StaffStore;
use tolbooth_domain::staff::role::Role;
use tolbooth_domain::staff::{DisplayName, NewStaff, StaffId, Username};
use tolbooth_domain::store::StoreError;
use tolbooth_store::SqlStore;
use tolbooth_testkit::{audit, backend_tests, Backend};

backend_tests!(
    a_chat_is_created_with_its_question_and_found_three_ways,
    messages_get_sequence_numbers_and_resends_are_stored_once,
    a_closed_chat_takes_no_more_messages,
    two_operators_accepting_at_once_one_wins,
    rejected_enquiries_are_deleted_and_only_counted,
    concurrent_senders_get_distinct_ordered_sequence_numbers,
    visitor_details_and_flags_live_and_die_with_their_chat,
    quiet_chats_are_found_by_their_last_activity,
    canned_responses_are_added_replaced_and_deleted,
    a_refused_message_does_not_spoil_others_written_with_it,
);

fn body(text: &str) -> MessageBody {
    MessageBody::parse(text).unwrap()
}

fn cid(text: &str) -> Option<ClientMessageId> {
    Some(ClientMessageId::parse(text).unwrap())
}

async fn new_chat(store: &SqlStore, n: u8, at: time::OffsetDateTime) -> (ChatId, ChatRef) {
    let chat_ref = ChatRef::from_random([n, 1, 2, 3, 4]);
    let chat = store
        .create_chat(
            NewChat {
                chat_ref,
                visitor_token_hash: format!("token-hash-{n}"),
                requested_at: at,
                question: body("my bin was missed"),
                question_client_id: cid("q1"),
                visitor: VisitorDetails {
                    name: Some(format!("Visitor {n}")),
                    ip: Some(std::net::IpAddr::from([192, 0, 2, n])),
                    browser: Some("Firefox 128".into()),
                    operating_system: Some("Linux".into()),
                    device: Some("Desktop or laptop".into()),
                    referrer: None,
                    launch_url: Some("https://www.example.gov.uk/bins".into()),
                    pages_visited: Some(3),
                    seconds_on_site: Some(120),
                    location: Some("Stirling, United Kingdom".into()),
                    visitor_key: Some(format!("key-{}", n % 2)),
                },
            },
            audit("chat.requested").on(ObjectRef::new("chat", chat_ref)),
        )
        .await
        .unwrap();
    (chat.id, chat_ref)
}

pub(crate) async fn operator(store: &SqlStore, name: &str) -> StaffId {
    store
        .create_staff(
            NewStaff {
                username: Username::parse(name).unwrap(),
                display_name: DisplayName::parse(name).unwrap(),
                role: Role::Operator,
                password_hash: Secret::from("$argon2id$placeholder"),
                must_change_password: false,
            },
            audit("staff.add"),
        )
        .await
        .unwrap()
        .id
}

async fn a_chat_is_created_with_its_question_and_found_three_ways(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let (id, chat_ref) = new_chat(&f.store, 1, now).await;
    let by_id = f.store.chat_by_id(id).await.unwrap().unwrap();
    assert_eq!(by_id.lifecycle, ChatLifecycle::requested(chat_ref, now));
    assert_eq!(by_id.last_seq, 1);
    assert_eq!(
        f.store.chat_by_ref(chat_ref).await.unwrap(),
        Some(by_id.clone())
    );
    assert_eq!(
        f.store.chat_by_token("token-hash-1").await.unwrap(),
        Some(by_id.clone())
    );
    assert_eq!(f.store.chat_by_token("someone-else").await.unwrap(), None);
    assert_eq!(f.store.queue().await.unwrap(), vec![by_id]);
    let questions = f.store.queue_questions().await.unwrap();
    assert_eq!(questions, vec![(id, body("my bin was missed"))]);
    let messages = f.store.messages_after(id, 0, 100).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].seq, 1);
    assert_eq!(messages[0].sender, Sender::Visitor);
    assert_eq!(messages[0].body.as_str(), "my bin was missed");
    let log = f.store.audit_entries(0, 100).await.unwrap();
    assert!(log.iter().any(|e| e.action == "chat.requested"));
}

async fn messages_get_sequence_numbers_and_resends_are_stored_once(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let (id, _) = new_chat(&f.store, 2, now).await;
    let op = operator(&f.store, "morag").await;
    let msg = |sender, client: &str, text: &str| NewMessage {
        sender,
        client_id: cid(client),
        body: body(text),
        sent_at: now,
    };
    let a = f
        .store
        .append_message(
            id,
            msg(Sender::Operator(op), "o1", "hello, how can I help?"),
        )
        .await
        .unwrap();
    assert_eq!((a.message.seq, a.duplicate), (2, false));
    let b = f
        .store
        .append_message(id, msg(Sender::Visitor, "v2", "it was tuesday"))
        .await
        .unwrap();
    assert_eq!(b.message.seq, 3);
    // The visitor's client resends after a reconnect.
    let again = f
        .store
        .append_message(id, msg(Sender::Visitor, "v2", "it was tuesday"))
        .await
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.message.seq, 3);
    // The same client id from the other side is a different message.
    let other = f
        .store
        .append_message(id, msg(Sender::Operator(op), "v2", "noted"))
        .await
        .unwrap();
    assert_eq!((other.message.seq, other.duplicate), (4, false));
    let after_two = f.store.messages_after(id, 2, 100).await.unwrap();
    assert_eq!(
        after_two.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![3, 4]
    );
    assert_eq!(after_two[1].sender, Sender::Operator(op));
    assert_eq!(f.store.chat_by_id(id).await.unwrap().unwrap().last_seq, 4);
}

async fn a_closed_chat_takes_no_more_messages(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let (id, _) = new_chat(&f.store, 3, now).await;
    let op = operator(&f.store, "ewan").await;
    let mut chat = f.store.chat_by_id(id).await.unwrap().unwrap();
    chat.lifecycle
        .apply(
            ChatEvent::Accept {
                operator: "Ewan".into(),
            },
            now,
        )
        .unwrap();
    f.store
        .save_lifecycle(
            id,
            ChatState::Requested,
            &chat.lifecycle,
            Some(op),
            audit("chat.accepted"),
        )
        .await
        .unwrap();
    chat.lifecycle
        .apply(
            ChatEvent::End {
                by: EndedBy::Operator,
            },
            now + Duration::minutes(5),
        )
        .unwrap();
    f.store
        .save_lifecycle(
            id,
            ChatState::Accepted,
            &chat.lifecycle,
            Some(op),
            audit("chat.ended"),
        )
        .await
        .unwrap();
    let stored = f.store.chat_by_id(id).await.unwrap().unwrap();
    assert_eq!(
        stored.lifecycle, chat.lifecycle,
        "every LC-3 field round-trips"
    );
    assert_eq!(stored.operator_staff_id, Some(op));
    assert_eq!(stored.lifecycle.length(), Some(Duration::minutes(5)));
    let late = f
        .store
        .append_message(
            id,
            NewMessage {
                sender: Sender::Visitor,
                client_id: cid("late"),
                body: body("are you there"),
                sent_at: now,
            },
        )
        .await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    let missing = f
        .store
        .append_message(
            ChatId(999_999),
            NewMessage {
                sender: Sender::Visitor,
                client_id: None,
                body: body("hello"),
                sent_at: now,
            },
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

async fn two_operators_accepting_at_once_one_wins(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let (id, chat_ref) = new_chat(&f.store, 4, now).await;
    let a = operator(&f.store, "anna").await;
    let b = operator(&f.store, "bryn").await;
    let store = Arc::new(f.store.clone());
    let accept = |who: StaffId, name: &'static str| {
        let store = store.clone();
        tolbooth_workers::spawn_task("test", async move {
            let mut life = ChatLifecycle::requested(chat_ref, now);
            life.apply(
                ChatEvent::Accept {
                    operator: name.into(),
                },
                now,
            )
            .unwrap();
            store
                .save_lifecycle(
                    id,
                    ChatState::Requested,
                    &life,
                    Some(who),
                    audit("chat.accepted"),
                )
                .await
        })
    };
    let (ra, rb) = (accept(a, "Anna"), accept(b, "Bryn"));
    let results = [ra.await.unwrap(), rb.await.unwrap()];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(results
        .iter()
        .any(|r| matches!(r, Err(StoreError::Conflict(_)))));
    let stored = f.store.chat_by_id(id).await.unwrap().unwrap();
    assert_eq!(stored.lifecycle.state, ChatState::Accepted);
    assert!(f.store.queue().await.unwrap().is_empty());
}

async fn rejected_enquiries_are_deleted_and_only_counted(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let (id, chat_ref) = new_chat(&f.store, 5, now).await;
    // An enquiry still waiting cannot be discarded.
    let early = f
        .store
        .discard_enquiry(id, "2026-11-22", audit("chat.discarded"))
        .await;
    assert!(matches!(early, Err(StoreError::Conflict(_))), "{early:?}");
    let mut life = ChatLifecycle::requested(chat_ref, now);
    life.apply(ChatEvent::Reject, now).unwrap();
    f.store
        .save_lifecycle(
            id,
            ChatState::Requested,
            &life,
            None,
            audit("chat.rejected"),
        )
        .await
        .unwrap();
    f.store
        .discard_enquiry(id, "2026-11-22", audit("chat.discarded"))
        .await
        .unwrap();
    assert_eq!(f.store.chat_by_id(id).await.unwrap(), None);
    assert_eq!(f.store.chat_by_ref(chat_ref).await.unwrap(), None);
    assert!(f.store.messages_after(id, 0, 10).await.unwrap().is_empty());
    // A second, abandoned one on the same day.
    let (id2, ref2) = new_chat(&f.store, 6, now).await;
    let mut life = ChatLifecycle::requested(ref2, now);
    life.apply(ChatEvent::Abandon, now).unwrap();
    f.store
        .save_lifecycle(
            id2,
            ChatState::Requested,
            &life,
            None,
            audit("chat.abandoned"),
        )
        .await
        .unwrap();
    f.store
        .discard_enquiry(id2, "2026-11-22", audit("chat.discarded"))
        .await
        .unwrap();
    assert_eq!(f.store.enquiry_counts("2026-11-22").await.unwrap(), (1, 1));
    assert_eq!(f.store.enquiry_counts("2026-11-23").await.unwrap(), (0, 0));
}

async fn concurrent_senders_get_distinct_ordered_sequence_numbers(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let (id, _) = new_chat(&f.store, 7, now).await;
    let store = Arc::new(f.store.clone());
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = store.clone();
        tasks.push(tolbooth_workers::spawn_task("test", async move {
            store
                .append_message(
                    id,
                    NewMessage {
                        sender: Sender::Visitor,
                        client_id: cid(&format!("m{}", i % 20)),
                        body: body(&format!("message {}", i % 20)),
                        sent_at: now,
                    },
                )
                .await
                .unwrap()
        }));
    }
    let mut fresh = 0;
    for t in tasks {
        if !t.await.unwrap().duplicate {
            fresh += 1;
        }
    }
    assert_eq!(fresh, 20, "each client id stored once");
    let all = f.store.messages_after(id, 0, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|m| m.seq).collect::<Vec<_>>(),
        (1..=21).collect::<Vec<_>>(),
        "no gaps, no repeats"
    );
}

async fn visitor_details_and_flags_live_and_die_with_their_chat(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let (a, _) = new_chat(&f.store, 10, now).await;
    let (b, b_ref) = new_chat(&f.store, 12, now + Duration::minutes(1)).await;
    let (c, _) = new_chat(&f.store, 14, now + Duration::minutes(2)).await;
    let (_other, _) = new_chat(&f.store, 11, now).await;
    let details = f.store.visitor_details(b).await.unwrap().unwrap();
    assert_eq!(details.name.as_deref(), Some("Visitor 12"));
    assert_eq!(details.ip, Some(std::net::IpAddr::from([192, 0, 2, 12])));
    assert_eq!(
        (details.pages_visited, details.seconds_on_site),
        (Some(3), Some(120))
    );
    assert_eq!(
        details.location.as_deref(),
        Some("Stirling, United Kingdom")
    );
    // The same key's other chats, newest first; never the chat itself.
    let earlier: Vec<ChatId> = f
        .store
        .earlier_chats("key-0", b, 10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(earlier, vec![c, a]);

    let who = operator(&f.store, "flagger").await;
    let flag = ChatFlag {
        reason: FlagReason::PossibleOffence,
        by_name: "flagger".into(),
        at: now,
    };
    assert!(f
        .store
        .flag_chat(b, &flag, who, audit("chat.flagged"))
        .await
        .unwrap());
    assert!(!f
        .store
        .flag_chat(b, &flag, who, audit("chat.flagged"))
        .await
        .unwrap());
    assert_eq!(f.store.chat_flags(b).await.unwrap(), vec![flag]);
    let flagged = f.store.audit_entries(0, 1000).await.unwrap();
    assert_eq!(
        flagged
            .iter()
            .filter(|e| e.action == "chat.flagged")
            .count(),
        1,
        "a repeat flag is not audited"
    );

    // A rejected enquiry takes its visitor details and flags with it.
    let mut life = ChatLifecycle::requested(b_ref, now);
    life.apply(ChatEvent::Reject, now).unwrap();
    f.store
        .save_lifecycle(b, ChatState::Requested, &life, None, audit("chat.rejected"))
        .await
        .unwrap();
    f.store
        .discard_enquiry(b, "2026-11-22", audit("chat.discarded"))
        .await
        .unwrap();
    assert_eq!(f.store.visitor_details(b).await.unwrap(), None);
    assert!(f.store.chat_flags(b).await.unwrap().is_empty());
    let earlier = f.store.earlier_chats("key-0", a, 10).await.unwrap();
    assert_eq!(earlier.iter().map(|c| c.id).collect::<Vec<_>>(), vec![c]);
}

async fn quiet_chats_are_found_by_their_last_activity(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let t0 = f.clock_now();
    let (talking, talking_ref) = new_chat(&f.store, 20, t0).await;
    let (waiting, _) = new_chat(&f.store, 21, t0).await;
    let who = operator(&f.store, "quiet").await;
    let mut life = ChatLifecycle::requested(talking_ref, t0);
    life.apply(
        ChatEvent::Accept {
            operator: "quiet".into(),
        },
        t0 + Duration::minutes(5),
    )
    .unwrap();
    f.store
        .save_lifecycle(
            talking,
            ChatState::Requested,
            &life,
            Some(who),
            audit("chat.accepted"),
        )
        .await
        .unwrap();
    f.store
        .append_message(
            talking,
            NewMessage {
                sender: Sender::Operator(who),
                client_id: cid("o1"),
                body: body("hello"),
                sent_at: t0 + Duration::minutes(10),
            },
        )
        .await
        .unwrap();
    let ids =
        |v: Vec<tolbooth_domain::chat::StoredChat>| v.iter().map(|c| c.id).collect::<Vec<_>>();
    // Quiet since t0 + 8 min: the waiting enquiry (nothing since t0), not
    // the accepted chat (a message at t0 + 10).
    let cutoff = t0 + Duration::minutes(8);
    assert_eq!(
        ids(f
            .store
            .idle_chats(ChatState::Requested, cutoff, 10)
            .await
            .unwrap()),
        vec![waiting]
    );
    assert!(f
        .store
        .idle_chats(ChatState::Accepted, cutoff, 10)
        .await
        .unwrap()
        .is_empty());
    let later = t0 + Duration::minutes(11);
    assert_eq!(
        ids(f
            .store
            .idle_chats(ChatState::Accepted, later, 10)
            .await
            .unwrap()),
        vec![talking]
    );
}

async fn canned_responses_are_added_replaced_and_deleted(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let who = operator(&f.store, "supervisor").await;
    let b = f
        .store
        .save_canned(
            None,
            "Opening hours",
            &body("9 to 5"),
            who,
            now,
            audit("canned.saved"),
        )
        .await
        .unwrap();
    let a = f
        .store
        .save_canned(
            None,
            "A greeting",
            &body("Hello!"),
            who,
            now,
            audit("canned.saved"),
        )
        .await
        .unwrap();
    let titles = |v: Vec<tolbooth_domain::chat::canned::CannedResponse>| {
        v.into_iter().map(|c| c.title).collect::<Vec<_>>()
    };
    assert_eq!(
        titles(f.store.canned_responses().await.unwrap()),
        vec!["A greeting", "Opening hours"]
    );
    let replaced = f
        .store
        .save_canned(
            Some(b.id),
            "Opening hours",
            &body("9 to 4:30"),
            who,
            now,
            audit("canned.saved"),
        )
        .await
        .unwrap();
    assert_eq!((replaced.id, replaced.body.as_str()), (b.id, "9 to 4:30"));
    let missing = f
        .store
        .save_canned(
            Some(CannedId(999_999)),
            "x",
            &body("y"),
            who,
            now,
            audit("canned.saved"),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    f.store
        .delete_canned(a.id, audit("canned.deleted"))
        .await
        .unwrap();
    assert!(matches!(
        f.store.delete_canned(a.id, audit("canned.deleted")).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        titles(f.store.canned_responses().await.unwrap()),
        vec!["Opening hours"]
    );
}

async fn a_refused_message_does_not_spoil_others_written_with_it(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let now = f.clock_now();
    let (open, _) = new_chat(&f.store, 30, now).await;
    let (closed, closed_ref) = new_chat(&f.store, 31, now).await;
    let mut life = ChatLifecycle::requested(closed_ref, now);
    life.apply(ChatEvent::Abandon, now).unwrap();
    f.store
        .save_lifecycle(
            closed,
            ChatState::Requested,
            &life,
            None,
            audit("chat.abandoned"),
        )
        .await
        .unwrap();
    // Many at once, so that on SQLite they share commits.
    let store = Arc::new(f.store.clone());
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let store = store.clone();
            let chat = if i % 3 == 0 { closed } else { open };
            tolbooth_workers::spawn_task("test", async move {
                let message = NewMessage {
                    sender: Sender::Visitor,
                    client_id: cid(&format!("x{i}")),
                    body: body("hello"),
                    sent_at: now,
                };
                (chat, store.append_message(chat, message).await)
            })
        })
        .collect();
    let mut stored = 0;
    for t in tasks {
        match t.await.unwrap() {
            (c, Ok(_)) => {
                assert_eq!(c, open);
                stored += 1;
            }
            (c, Err(e)) => {
                assert_eq!(c, closed);
                assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
            }
        }
    }
    assert_eq!(stored, 40);
    let seqs: Vec<i64> = f
        .store
        .messages_after(open, 0, 100)
        .await
        .unwrap()
        .iter()
        .map(|m| m.seq)
        .collect();
    assert_eq!(seqs, (1..=41).collect::<Vec<_>>());
    assert_eq!(
        f.store.messages_after(closed, 1, 100).await.unwrap(),
        vec![]
    );
}
