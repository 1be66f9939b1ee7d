//! Retention sweeps (RET-1..RET-6) end to end on both backends: the
//! Scottish Parliament and helpline presets, idempotence, crashes at every
//! step, legal holds, the clock-jump guard, and deletion that leaves
//! nothing behind in the database files.

use crate::from_address as ctx;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use time::Duration;
use tolbooth_core::chat::Arrival;
use tolbooth_core::governance::GovernanceError;
use tolbooth_core::retention::{
    SweepError, SweepOptions, SweepSettings, SweepStores, Sweeper, FAILPOINTS,
};
use tolbooth_domain::chat::ports::ChatStore;
use tolbooth_domain::chat::{ChatRef, FlagReason};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::governance::ports::GovernanceStore;
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::staff::role::Role;
use tolbooth_domain::store::Store;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    sp_preset_extracts_then_deletes_and_anonymises_at_two_years,
    helpline_preset_deletes_transcripts_after_thirty_days,
    a_crash_at_any_step_loses_nothing_and_extracts_once,
    held_chats_are_kept_in_full_until_a_second_officer_releases_them,
    a_clock_jump_is_refused_unless_forced,
);

/// The visitor's address for the `n`th chat: starts are rate-limited per
/// address.
fn visitor_address(n: u32) -> String {
    format!("198.51.{}.{}", 100 + n / 250, 1 + n % 250)
}

fn audit_text(entries: &[tolbooth_domain::audit::AuditEntry]) -> String {
    entries
        .iter()
        .map(|e| {
            format!(
                "{} {} {:?} {:?}",
                e.actor_name, e.action, e.object_id, e.reason
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn all_audit(app: &TestApp) -> Vec<tolbooth_domain::audit::AuditEntry> {
    use tolbooth_domain::audit::ports::AuditLog;
    app.store.audit_entries(0, 100_000).await.unwrap()
}

/// Runs a forced sweep and counts the deletion batches it audited.
async fn sweep_counting_batches(
    app: &TestApp,
    sweeper: &Sweeper,
) -> (tolbooth_core::retention::SweepReport, usize) {
    let before = all_audit(app).await.len();
    let report = sweeper
        .run(SweepOptions {
            dry_run: false,
            force: true,
        })
        .await
        .unwrap();
    let batches = all_audit(app).await[before..]
        .iter()
        .filter(|e| e.action == "retention.deleted")
        .count();
    (report, batches)
}

async fn sp_preset_extracts_then_deletes_and_anonymises_at_two_years(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    let chat_ref = app
        .chat_that_ran_its_course(
            &operator,
            &visitor_address(1),
            &[
                "Hello, my email is morag.q7canary@example.org, when are bins collected?",
                "My number is 07700 900123 and I have diabetes.",
            ],
        )
        .await;
    let chat = app.store.chat_by_ref(chat_ref).await.unwrap().unwrap();
    let day = {
        let d = chat.lifecycle.requested_at.date();
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    };

    // Six days on: nothing is due.
    app.clock.advance(Duration::days(6));
    let r = app.sweeper.run(SweepOptions::default()).await.unwrap();
    assert_eq!((r.counts.chats_due, r.counts.chats_deleted), (0, 0));
    assert!(app.store.chat_by_ref(chat_ref).await.unwrap().is_some());

    // Seven days after the chat ended: extracted, then deleted.
    app.clock.advance(Duration::days(1));
    let dry = app
        .sweeper
        .run(SweepOptions {
            dry_run: true,
            force: false,
        })
        .await
        .unwrap();
    assert_eq!(dry.counts.chats_due, 1, "the dry run sees the chat");
    let last = app.sweeper.history(1).await.unwrap().remove(0);
    assert!(
        last.dry_run && last.counts.chats_due == 1,
        "dry runs are recorded"
    );
    assert!(
        app.store.chat_by_ref(chat_ref).await.unwrap().is_some(),
        "a dry run changes nothing"
    );
    let r = app.sweeper.run(SweepOptions::default()).await.unwrap();
    assert_eq!((r.counts.chats_extracted, r.counts.chats_deleted), (1, 1));
    assert!(app.store.chat_by_ref(chat_ref).await.unwrap().is_none());
    assert!(app.store.visitor_details(chat.id).await.unwrap().is_none());
    assert!(app
        .store
        .messages_after(chat.id, 0, 100)
        .await
        .unwrap()
        .is_empty());

    let e = app
        .store
        .chat_extract(chat_ref)
        .await
        .unwrap()
        .expect("the extract is kept");
    assert_eq!(e.operator_name.as_deref(), Some("morven (test)"));
    assert!(e.accepted_at.is_some() && e.chat_seconds == Some(240));
    assert_eq!(e.browser.as_deref(), Some("Chrome 120"));
    assert_eq!(
        e.launch_url.as_deref(),
        Some("https://www.example.gov.uk/bins")
    );
    assert_eq!((e.pages_visited, e.seconds_on_site), (Some(4), Some(95)));
    assert_eq!(e.ended_by, Some(tolbooth_domain::chat::EndedBy::Operator));
    let question = e.question.clone().unwrap();
    assert!(
        question.contains("[email removed]") && !question.contains("q7canary"),
        "{question}"
    );
    let content = serde_json::to_string(&e.content).unwrap();
    for gone in ["q7canary", "07700 900123", "diabetes", "198.51."] {
        assert!(
            !content.contains(gone),
            "{gone} kept in the extract: {content}"
        );
    }
    assert!(content.contains("Thanks, let me look into that."));
    let stats = app.store.chat_statistics(&day).await.unwrap();
    assert_eq!(
        (stats.chats, stats.messages, stats.ended_by_operator),
        (1, 3, 1)
    );
    assert_eq!(stats.wait_seconds, 30);

    // A rerun changes nothing and counts nothing twice.
    let r = app.sweeper.run(SweepOptions::default()).await.unwrap();
    assert_eq!((r.counts.chats_extracted, r.counts.chats_deleted), (0, 0));
    assert_eq!(app.store.count_extracts().await.unwrap(), 1);
    assert_eq!(app.store.chat_statistics(&day).await.unwrap().chats, 1);

    // Two years after the chat: the extract is anonymised, the counts stay.
    app.clock.advance(Duration::days(2 * 366));
    let r = app
        .sweeper
        .run(SweepOptions {
            dry_run: false,
            force: true,
        })
        .await
        .unwrap();
    assert_eq!(r.counts.extracts_anonymised, 1);
    assert!(
        app.store.chat_extract(chat_ref).await.unwrap().is_none(),
        "no longer findable by Chat ID"
    );
    assert_eq!(app.store.count_extracts().await.unwrap(), 1);
    assert_eq!(app.store.chat_statistics(&day).await.unwrap().chats, 1);

    // The audit log has counts, never content, and still verifies.
    let entries = all_audit(&app).await;
    let text = audit_text(&entries);
    for action in [
        "retention.extracted",
        "retention.deleted",
        "retention.sweep",
        "retention.extracts_anonymised",
    ] {
        assert!(text.contains(action), "{action} missing from:\n{text}");
    }
    assert!(text.contains("Some(\"1 chats extracted\")"), "{text}");
    for secret in ["q7canary", "07700", "diabetes", "198.51."] {
        assert!(!text.contains(secret), "{secret} in the audit log");
    }
    let verified = tolbooth_core::audit::verify_log(&app.store, None).await;
    assert!(verified.is_ok(), "the audit chain verifies: {verified:?}");
}

async fn helpline_preset_deletes_transcripts_after_thirty_days(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.retention.policy = Some("preset:helpline-live-chat".into());
    })
    .await
    else {
        return;
    };
    let operator = app.staff("agent", Role::Operator).await;
    let chat_ref = app
        .chat_that_ran_its_course(
            &operator,
            &visitor_address(2),
            &["I am being bullied at school"],
        )
        .await;
    app.clock.advance(Duration::days(29));
    app.sweeper.run(SweepOptions::default()).await.unwrap();
    assert!(
        app.store.chat_by_ref(chat_ref).await.unwrap().is_some(),
        "kept for 30 days"
    );
    app.clock.advance(Duration::days(1));
    let r = app.sweeper.run(SweepOptions::default()).await.unwrap();
    assert_eq!((r.counts.chats_deleted, r.counts.chats_extracted), (1, 0));
    assert!(app.store.chat_by_ref(chat_ref).await.unwrap().is_none());
    assert_eq!(
        app.store.count_extracts().await.unwrap(),
        0,
        "this preset keeps no transcript"
    );
    let d = (app.clock.now() - Duration::days(30)).date();
    let day = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    assert_eq!(
        app.store.chat_statistics(&day).await.unwrap().chats,
        1,
        "counted as it goes"
    );
}

/// Every chat made so far is either still held in full or has exactly one
/// extract; the statistics count each extracted chat once.
async fn check_nothing_lost(app: &TestApp, made: &[(ChatRef, i64, String)]) {
    let mut extracted = 0;
    let mut days = std::collections::BTreeSet::new();
    for (chat_ref, messages, day) in made {
        days.insert(day.clone());
        match app.store.chat_by_ref(*chat_ref).await.unwrap() {
            Some(chat) => {
                let held = app.store.messages_after(chat.id, 0, 100).await.unwrap();
                let extract = app.store.chat_extract(*chat_ref).await.unwrap();
                assert_eq!(
                    held.len() as i64,
                    *messages,
                    "{chat_ref}: a live chat is whole"
                );
                if extract.is_some() {
                    extracted += 1;
                }
            }
            None => {
                assert!(
                    app.store.chat_extract(*chat_ref).await.unwrap().is_some(),
                    "{chat_ref} deleted without its extract"
                );
                extracted += 1;
            }
        }
    }
    assert_eq!(
        app.store.count_extracts().await.unwrap(),
        extracted,
        "one extract per chat"
    );
    let mut counted = 0;
    for day in &days {
        counted += app.store.chat_statistics(day).await.unwrap().chats;
    }
    assert_eq!(
        counted, extracted as i64,
        "each extracted chat counted once"
    );
}

async fn a_crash_at_any_step_loses_nothing_and_extracts_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    let store: Arc<dyn Store> = Arc::new(app.store.clone());
    let settings = SweepSettings {
        batch_size: 2,
        ..SweepSettings::default()
    };
    let sweeper = |fail: Option<&'static str>| {
        let fired = Arc::new(AtomicBool::new(false));
        let s = Sweeper::new(
            SweepStores::of(&store),
            Arc::new(app.clock.clone()),
            Arc::new(app.sweeper.policy().clone()),
            settings.clone(),
        );
        match fail {
            Some(point) => s.with_failpoints(Arc::new(move |p| {
                p == point && !fired.swap(true, Ordering::SeqCst)
            })),
            None => s,
        }
    };
    let store_points = [
        "save_extracts.before_commit",
        "delete.after_chat_messages",
        "delete.after_chat_visitors",
        "delete.after_chat_flags",
        "delete.before_commit",
    ];
    let mut made = Vec::new();
    let mut n = 10;
    let points: Vec<(&'static str, bool)> = FAILPOINTS
        .iter()
        .map(|p| (*p, false))
        .chain(store_points.iter().map(|p| (*p, true)))
        .collect();
    for (point, in_store) in points {
        // Five chats per round: three batches of at most two.
        for _ in 0..5 {
            n += 1;
            let chat_ref = app
                .chat_that_ran_its_course(
                    &operator,
                    &visitor_address(n),
                    &["Where do I pay council tax?", "Thank you"],
                )
                .await;
            let chat = app.store.chat_by_ref(chat_ref).await.unwrap().unwrap();
            let d = chat.lifecycle.requested_at.date();
            made.push((
                chat_ref,
                chat.last_seq,
                format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
            ));
        }
        app.clock.advance(Duration::days(8));
        let result = if in_store {
            app.store.arm_failpoint(Some(point));
            let r = sweeper(None).run(SweepOptions::default()).await;
            app.store.arm_failpoint(None);
            r
        } else {
            sweeper(Some(point)).run(SweepOptions::default()).await
        };
        if point != "after_record" {
            assert!(result.is_err(), "{point}: the sweep stops there");
        }
        check_nothing_lost(&app, &made).await;
        let r = sweeper(None).run(SweepOptions::default()).await.unwrap();
        check_nothing_lost(&app, &made).await;
        assert_eq!(r.counts.chats_held, 0);
        for (chat_ref, _, _) in &made {
            assert!(
                app.store.chat_by_ref(*chat_ref).await.unwrap().is_none(),
                "{point}: the rerun finishes the job"
            );
        }
    }
    assert_eq!(app.store.count_extracts().await.unwrap(), made.len() as u64);
}

async fn held_chats_are_kept_in_full_until_a_second_officer_releases_them(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    let ailsa = app.staff("ailsa", Role::Governance).await;
    let ruaridh = app.staff("ruaridh", Role::Governance).await;
    let chat_ref = app
        .chat_that_ran_its_course(
            &operator,
            &visitor_address(3),
            &["I will hurt someone at the office"],
        )
        .await;
    let c = ctx("10.0.0.2");
    let g = &app.governance;

    let err = g
        .place_hold(&ailsa.member, chat_ref, "police enquiry", &c)
        .await
        .unwrap_err();
    assert!(matches!(err, GovernanceError::NotFlagged), "{err}");
    app.live_chat
        .flag(&operator.member, chat_ref, FlagReason::SecurityConcern, &c)
        .await
        .unwrap();
    let err = g
        .place_hold(&operator.member, chat_ref, "x", &c)
        .await
        .unwrap_err();
    assert!(
        matches!(err, GovernanceError::NotAllowed),
        "operators cannot hold chats"
    );
    g.place_hold(&ailsa.member, chat_ref, "Police Scotland enquiry 123", &c)
        .await
        .unwrap();
    assert!(matches!(
        g.place_hold(&ruaridh.member, chat_ref, "again", &c)
            .await
            .unwrap_err(),
        GovernanceError::AlreadyHeld
    ));

    // Far past every period: kept in full, IP address included.
    app.clock.advance(Duration::days(60));
    let r = app
        .sweeper
        .run(SweepOptions {
            dry_run: false,
            force: true,
        })
        .await
        .unwrap();
    assert_eq!((r.counts.chats_held, r.counts.chats_deleted), (1, 0));
    let chat = app
        .store
        .chat_by_ref(chat_ref)
        .await
        .unwrap()
        .expect("held chat kept");
    let visitor = app.store.visitor_details(chat.id).await.unwrap().unwrap();
    assert!(visitor.ip.is_some(), "the IP address is kept under hold");
    assert_eq!(
        app.store
            .messages_after(chat.id, 0, 100)
            .await
            .unwrap()
            .len(),
        2
    );

    // Release: asked for by one officer, confirmed by another.
    assert!(matches!(
        g.confirm_release(&ruaridh.member, chat_ref, &c)
            .await
            .unwrap_err(),
        GovernanceError::NoReleaseRequested
    ));
    g.request_release(&ailsa.member, chat_ref, "matter concluded", &c)
        .await
        .unwrap();
    assert!(matches!(
        g.confirm_release(&ailsa.member, chat_ref, &c)
            .await
            .unwrap_err(),
        GovernanceError::SameOfficer
    ));
    g.confirm_release(&ruaridh.member, chat_ref, &c)
        .await
        .unwrap();
    assert!(app.store.legal_hold(chat.id).await.unwrap().is_none());

    // Due at once.
    let r = app.sweeper.run(SweepOptions::default()).await.unwrap();
    assert_eq!(r.counts.chats_deleted, 1);
    assert!(app.store.chat_by_ref(chat_ref).await.unwrap().is_none());
    let text = audit_text(
        &app.store
            .audit_trail("chat", &chat_ref.to_string())
            .await
            .unwrap(),
    );
    for action in [
        "chat.hold_placed",
        "chat.hold_release_requested",
        "chat.hold_released",
    ] {
        assert!(text.contains(action), "{action} missing:\n{text}");
    }
}

async fn a_clock_jump_is_refused_unless_forced(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.retention.mass_deletion_threshold = 3;
    })
    .await
    else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    let mut refs = Vec::new();
    for n in 0..5 {
        refs.push(
            app.chat_that_ran_its_course(
                &operator,
                &visitor_address(20 + n),
                &["Is the library open?"],
            )
            .await,
        );
    }
    // A sweep an hour later deletes nothing and passes the guard.
    app.clock.advance(Duration::hours(1));
    app.sweeper.run(SweepOptions::default()).await.unwrap();
    // Then the clock leaps a year ahead.
    app.clock.advance(Duration::days(365));
    for _ in 0..2 {
        let err = app.sweeper.run(SweepOptions::default()).await.unwrap_err();
        assert!(
            matches!(err, SweepError::ClockJump { due, .. } if due >= 5),
            "{err}"
        );
        for r in &refs {
            assert!(
                app.store.chat_by_ref(*r).await.unwrap().is_some(),
                "nothing deleted when refused"
            );
        }
    }
    let history = app.sweeper.history(5).await.unwrap();
    assert_eq!(
        history[0].outcome,
        tolbooth_domain::retention::SweepOutcome::Refused
    );
    assert!(audit_text(&all_audit(&app).await).contains("retention.refused"));
    let r = app
        .sweeper
        .run(SweepOptions {
            dry_run: false,
            force: true,
        })
        .await
        .unwrap();
    assert_eq!(r.counts.chats_deleted, 5);
}

/// RET-6: a chat swept by `tolbooth retention run` leaves nothing behind
/// in the SQLite files (main file, write-ahead log, shared memory; free
/// pages are zeroed by `secure_delete`) or in the command's output and
/// logs. Canary strings are planted in the name, the messages and the IP
/// address, then searched for byte by byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swept_chat_leaves_no_trace_in_the_database_files_or_logs() {
    for preset in ["scottish-parliament-live-chat", "helpline-live-chat"] {
        let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| {
            c.retention.policy = Some(format!("preset:{preset}"));
        })
        .await
        else {
            return;
        };
        let operator = app.staff("morven", Role::Operator).await;
        let canaries = [
            "Qzxcanarianne",
            "qzx.canary.mail@example.org",
            "07700 900461",
            "198.51.100.77",
        ];
        let arrival = Arrival {
            name: Some(canaries[0].into()),
            ..Arrival::default()
        };
        let started = app
            .live_chat
            .start(
                &format!("Please email me at {} about my bin", canaries[1]),
                None,
                &arrival,
                &ctx(canaries[3]),
            )
            .await
            .unwrap();
        let chat_ref = started.chat.lifecycle.chat_ref;
        app.live_chat
            .accept(&operator.member, chat_ref, &ctx("10.0.0.1"))
            .await
            .unwrap();
        app.live_chat
            .visitor_send(
                started.token.expose(),
                "c2",
                &format!("or ring {}", canaries[2]),
                &ctx(canaries[3]),
            )
            .await
            .unwrap();
        app.live_chat
            .end(&operator.member, chat_ref, &ctx("10.0.0.1"))
            .await
            .unwrap();
        let dir = app.db.sqlite_dir().unwrap();
        let scan = |when: &str| -> Vec<String> {
            let mut found = Vec::new();
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap_or_default();
                for c in canaries {
                    if bytes.windows(c.len()).any(|w| w == c.as_bytes()) {
                        found.push(format!("{when}: {c} in {}", path.display()));
                    }
                }
            }
            found
        };
        assert!(
            !scan("before").is_empty(),
            "the canaries are planted in the files"
        );

        // The command runs on the real clock, days after the test clock's
        // chat: the chat is due under both presets' periods only if the
        // periods have run, so move the chat's end back a month.
        let month_ago = tolbooth_domain::time_fmt::unix_millis(
            time::OffsetDateTime::now_utc() - Duration::days(31),
        );
        sqlx::query("UPDATE chats SET ended_at = $1")
            .bind(month_ago)
            .execute(app.store.raw_pool())
            .await
            .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tolbooth"))
            .args(["retention", "run"])
            .env("TOLBOOTH_DATA_DIR", app.data_dir.path())
            .env("TOLBOOTH_DATABASE_URL", &app.db.url)
            .env("TOLBOOTH_RETENTION__POLICY", format!("preset:{preset}"))
            .env("TOLBOOTH_LOG__LEVEL", "debug")
            .output()
            .unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{preset}: {printed}");
        assert!(
            printed.contains("chat records deleted:         1"),
            "{preset}: {printed}"
        );
        for c in canaries {
            assert!(
                !printed.contains(c),
                "{preset}: {c} in the command's output"
            );
        }
        let left = scan("after");
        assert!(left.is_empty(), "{preset}: {left:#?}");
    }
}

/// While live chat is busy the sweep takes small batches and pauses
/// between them; idle, it takes whole batches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_goes_gently_while_live_chat_is_busy() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    for n in 0..25 {
        app.chat_that_ran_its_course(&operator, &visitor_address(40 + n), &["Is the pool open?"])
            .await;
    }
    app.clock.advance(Duration::days(8));
    let store: Arc<dyn Store> = Arc::new(app.store.clone());
    let sweeper = Sweeper::new(
        SweepStores::of(&store),
        Arc::new(app.clock.clone()),
        Arc::new(app.sweeper.policy().clone()),
        SweepSettings::default(),
    )
    .with_live_activity(app.live_chat.activity());
    // Messages set the activity mark; put it at "just now": live chat is
    // busy.
    let activity = app.live_chat.activity();
    assert!(
        activity.load(Ordering::SeqCst) > 0,
        "messages mark activity"
    );
    activity.store(
        tolbooth_domain::time_fmt::unix_millis(app.clock.now()),
        Ordering::SeqCst,
    );
    let (r, batches) = sweep_counting_batches(&app, &sweeper).await;
    assert_eq!(r.counts.chats_deleted, 25);
    assert_eq!(batches, 3, "25 chats in gentle batches of 10");

    // Quiet again (the mark is old): whole batches.
    for n in 0..12 {
        app.chat_that_ran_its_course(&operator, &visitor_address(70 + n), &["Is the gym open?"])
            .await;
    }
    app.clock.advance(Duration::days(8));
    let (r, batches) = sweep_counting_batches(&app, &sweeper).await;
    assert_eq!(r.counts.chats_deleted, 12);
    assert_eq!(batches, 1, "one whole batch when live chat is quiet");
}
