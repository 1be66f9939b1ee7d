//! The governance side in the web console and the published notice:
//! `/privacy` and its versions (GOV-1), legal holds and disclosures from
//! the console (RET-4), and a supervisor's review of a transcript before
//! it is kept (RED-5).

use crate::from_address as ctx;
use std::sync::Arc;
use time::Duration;
use tolbooth_core::governance::{Governance, GovernanceStores};
use tolbooth_core::retention::SweepOptions;
use tolbooth_domain::chat::FlagReason;
use tolbooth_domain::governance::ports::GovernanceStore;
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::staff::role::Role;
use tolbooth_domain::store::Store;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    the_privacy_notice_is_published_and_every_version_stays_readable,
    officers_hold_release_and_disclose_from_the_console,
    a_supervisor_edits_the_transcript_that_is_kept,
    an_officer_flags_a_chat_then_holds_it_without_a_dead_end,
);

/// Where the visitor's chat comes from.
const VISITOR: &str = "203.0.113.45";

async fn the_privacy_notice_is_published_and_every_version_stays_readable(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut visitor = app.browser();
    let p = visitor.get("/privacy").await;
    assert_eq!(p.status, 200);
    for needle in [
        "<h1>Privacy notice: Website live chat</h1>",
        "Scottish Parliamentary Corporate Body",
        "Version 1, in force from 22 November 2026.",
        "Information Commissioner&#39;s Office",
        "kept for no more than 7 days after the chat ends",
    ] {
        assert!(p.body.contains(needle), "/privacy lacks {needle:?}");
    }
    // Adopting the same policy again makes no new version.
    app.governance.adopt_running_policy().await.unwrap();
    assert_eq!(app.governance.notice_versions().await.unwrap().len(), 1);

    // The policy changes: a new version, and the first stays readable.
    app.clock.advance(Duration::days(3));
    let store: Arc<dyn Store> = Arc::new(app.store.clone());
    let helpline = Arc::new(tolbooth_core::policy_file::load("preset:helpline-live-chat").unwrap());
    let next = Governance::new(
        GovernanceStores::of(&store),
        Arc::new(app.clock.clone()),
        helpline,
    );
    assert_eq!(next.adopt_running_policy().await.unwrap().version, 2);
    let p = visitor.get("/privacy").await;
    assert!(p
        .body
        .contains("Version 2, in force from 25 November 2026."));
    assert!(p.body.contains("South Tyneside Against Bullying"));
    let p = visitor.get("/privacy/versions").await;
    assert!(p.body.contains("/privacy/v/1") && p.body.contains("/privacy/v/2"));
    let p = visitor.get("/privacy/v/1").await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Scottish Parliamentary Corporate Body"));
    assert!(p.body.contains("Read the version in force (version 2)"));
    assert_eq!(visitor.get("/privacy/v/9").await.status, 404);
    assert_eq!(visitor.get("/privacy/v/x").await.status, 404);
}

async fn officers_hold_release_and_disclose_from_the_console(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    let chat_ref = app
        .chat_that_ran_its_course(&operator, VISITOR, &["I know where your minister lives"])
        .await;
    app.live_chat
        .flag(
            &operator.member,
            chat_ref,
            FlagReason::SecurityConcern,
            &ctx("10.0.0.1"),
        )
        .await
        .unwrap();
    let (mut ailsa, _) = app
        .signed_in_with_second_factor("ailsa", Role::Governance)
        .await;
    let (mut ruaridh, _) = app
        .signed_in_with_second_factor("ruaridh", Role::Governance)
        .await;
    let page = format!("/console/governance/chats/{chat_ref}");

    let (mut op_browser, _) = app.signed_in("opsonly", Role::Operator).await;
    assert_eq!(op_browser.get("/console/governance").await.status, 403);
    assert_eq!(op_browser.get(&page).await.status, 403);

    let home = ailsa.get("/console/governance").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Chat records due") && home.body.contains("Find a chat"));
    // An administrator sees the retention status, not the holds' tools.
    let (mut admin, _) = app.signed_in_admin("root").await;
    let status = admin.get("/console/governance").await;
    assert_eq!(status.status, 200);
    assert!(status.body.contains("Chat records due") && !status.body.contains("Find a chat"));
    assert_eq!(admin.get(&page).await.status, 403);
    let found = ailsa
        .submit(
            "/console/governance",
            "/console/governance/find",
            &[("chat", &chat_ref.to_string().to_lowercase())],
        )
        .await;
    assert_eq!(found.location.as_deref(), Some(page.as_str()));
    let p = ailsa
        .submit(
            &page,
            &format!("{page}/hold"),
            &[("reason", "Police Scotland ref 4412")],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Under legal hold since"));
    let p = ailsa
        .submit(
            &page,
            &format!("{page}/request-release"),
            &[("reason", "matter concluded")],
        )
        .await;
    assert!(p
        .body
        .contains("A second governance officer must confirm it"));
    let p = ailsa.submit(&page, &format!("{page}/release"), &[]).await;
    assert_eq!(p.status, 400);
    assert!(p
        .error_text()
        .unwrap()
        .contains("second governance officer"));

    // Disclosure before release: the package holds everything, IP included.
    let p = ruaridh
        .submit(
            &page,
            &format!("{page}/disclose"),
            &[
                ("recipient", "Police Scotland"),
                ("basis", "UK GDPR Art. 6(1)(f)"),
                ("format", "json"),
            ],
        )
        .await;
    assert_eq!(p.status, 200);
    let disposition = p
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(disposition.contains(&format!("{chat_ref}-disclosure.json")));
    let package: serde_json::Value = serde_json::from_str(&p.body).unwrap();
    assert_eq!(package["visitor"]["ip"], "203.0.113.45");
    assert_eq!(
        package["messages"][0]["text"],
        "I know where your minister lives"
    );
    let trail = package["audit_trail"].to_string();
    assert!(trail.contains("chat.hold_placed") && trail.contains("chat.flagged"));
    let p = ruaridh.get(&page).await;
    assert!(p.body.contains("to Police Scotland by ruaridh (test)"));

    let p = ruaridh.submit(&page, &format!("{page}/release"), &[]).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("The hold is released"));
    let r = app.sweeper.run(SweepOptions::default()).await.unwrap();
    assert_eq!(r.counts.chats_deleted, 1, "a released chat is due at once");
    assert_eq!(ruaridh.get(&page).await.status, 404);
    let trail = app.store.disclosures(chat_ref).await.unwrap();
    assert_eq!(trail.len(), 1, "the disclosure log outlives the chat");
    assert_eq!(trail[0].recipient, "Police Scotland");
}

async fn a_supervisor_edits_the_transcript_that_is_kept(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    let chat_ref = app
        .chat_that_ran_its_course(
            &operator,
            VISITOR,
            &["Write to jo.bloggs@example.org about the Smith case"],
        )
        .await;
    let (mut sup, _) = app.signed_in("shona", Role::Supervisor).await;
    let path = format!("/console/review/{chat_ref}");
    let p = sup.get(&path).await;
    assert_eq!(p.status, 200);
    assert!(
        p.body
            .contains("Write to [email removed] about the Smith case"),
        "{}",
        p.body
    );
    let p = sup
        .submit(
            &path,
            &path,
            &[
                ("line-1", "Write to [email removed] about a case"),
                ("line-2", "I can help with that."),
            ],
        )
        .await;
    assert!(p
        .body
        .contains("Saved. This edited transcript is what will be kept."));
    let p = sup.get(&format!("/console/chats/{chat_ref}")).await;
    assert!(
        p.body.contains(&path),
        "the transcript page links to the review"
    );

    let trail = app
        .store
        .audit_trail("chat", &chat_ref.to_string())
        .await
        .unwrap();
    let edit = trail
        .iter()
        .find(|e| e.action == "chat.transcript_edited")
        .expect("edit audited");
    let reason = edit.reason.clone().unwrap();
    assert!(
        reason.contains("sha256") && !reason.contains("case"),
        "{reason}"
    );
    assert_eq!(edit.actor_name, "shona (test)");

    let (mut op_browser, _) = app.signed_in("opsonly", Role::Operator).await;
    assert_eq!(
        op_browser.get(&path).await.status,
        403,
        "operators do not edit kept transcripts"
    );

    app.clock.advance(Duration::days(8));
    app.sweeper.run(SweepOptions::default()).await.unwrap();
    let e = app.store.chat_extract(chat_ref).await.unwrap().unwrap();
    assert!(e.edited_by_staff);
    assert_eq!(
        e.question.as_deref(),
        Some("Write to [email removed] about a case")
    );
    let content = e.content.unwrap();
    assert_eq!(content[0].text, "Write to [email removed] about a case");
}

async fn an_officer_flags_a_chat_then_holds_it_without_a_dead_end(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    let chat_ref = app
        .chat_that_ran_its_course(&operator, VISITOR, &["Where do I renew a permit?"])
        .await;
    let (mut ailsa, _) = app
        .signed_in_with_second_factor("ailsa", Role::Governance)
        .await;
    // The home page names the policy by what it covers.
    let home = ailsa.get("/console/governance").await;
    assert!(
        home.body
            .contains("<strong>Website live chat</strong>, Scottish Parliamentary Corporate Body"),
        "{}",
        home.body
    );
    let page = format!("/console/governance/chats/{chat_ref}");
    // Unflagged: the officer is offered the flag, not a hold they could
    // not place.
    let p = ailsa.get(&page).await;
    assert!(p.body.contains("Flag this chat"), "{}", p.body);
    assert!(!p.body.contains("Place legal hold"), "{}", p.body);
    let refused = ailsa
        .submit(&page, &format!("{page}/flag"), &[("reason", "")])
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("Choose why the chat is flagged."));
    let p = ailsa
        .submit(
            &page,
            &format!("{page}/flag"),
            &[("reason", "possible_offence")],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Flagged: Possible offence."), "{}", p.body);
    assert!(p.body.contains("Place legal hold") && !p.body.contains("Flag this chat"));
    // Times in words, in the organisation's time zone, never raw ISO.
    assert!(!has_iso_time(&p.body), "{}", p.body);
    assert!(p.body.contains(" 2026, "), "{}", p.body);
    let flags = app.live_chat.flags(chat_ref).await.unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].reason, FlagReason::PossibleOffence);
    let audit = {
        use tolbooth_domain::audit::ports::AuditLog;
        app.store.audit_entries(0, 1_000).await.unwrap()
    };
    assert!(audit
        .iter()
        .any(|e| e.action == "chat.flagged" && e.reason.as_deref() == Some("possible_offence")));
    let p = ailsa
        .submit(
            &page,
            &format!("{page}/hold"),
            &[("reason", "Police ref 77")],
        )
        .await;
    assert!(p.body.contains("Under legal hold since"), "{}", p.body);
    // An operator cannot flag through the governance route.
    let (mut op, _) = app.signed_in("opsonly", Role::Operator).await;
    let csrf = op.get("/console").await.csrf().unwrap();
    let r = op
        .post(
            &format!("{page}/flag"),
            &[("csrf", csrf.as_str()), ("reason", "offensive")],
        )
        .await;
    assert_eq!(r.status, 403);
}

/// Whether `text` holds a time written as ISO 8601 (`2026-11-22T10:00`).
fn has_iso_time(text: &str) -> bool {
    text.as_bytes().windows(16).any(|w| {
        let digit = |i: usize| w[i].is_ascii_digit();
        (0..4).all(digit)
            && w[4] == b'-'
            && digit(5)
            && digit(6)
            && w[7] == b'-'
            && digit(8)
            && digit(9)
            && w[10] == b'T'
            && digit(11)
            && digit(12)
            && w[13] == b':'
    })
}
