//! The past-chats list and the supervisor's dashboard in the console:
//! who may see them, what they find and count, and that every search is
//! audited.

use crate::from_address as ctx;
use serde_json::{json, Value};
use time::Duration;
use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    staff_find_held_chats_by_filter_and_every_search_is_audited,
    the_dashboard_counts_chats_waits_and_the_chatbots_hand_overs,
);

const VISITOR: &str = "203.0.113.45";

async fn staff_find_held_chats_by_filter_and_every_search_is_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    let ended = app
        .chat_that_ran_its_course(&operator, VISITOR, &["Where do I renew a permit?"])
        .await;
    let waiting = app.visitor_asks("Is the pool open today?").await;
    let (mut sup, _) = app.signed_in("sadie", Role::Supervisor).await;

    let all = sup.get("/console/history").await;
    assert_eq!(all.status, 200);
    assert!(
        all.body
            .contains(&format!("href=\"/console/chats/{ended}\"")),
        "{}",
        all.body
    );
    assert!(all.body.contains(&waiting.chat_id));
    // No word of any chat appears in the list.
    assert!(!all.body.contains("renew a permit") && !all.body.contains("pool open"));
    // The home page and the header lead to it.
    assert!(sup
        .get("/console")
        .await
        .body
        .contains("href=\"/console/history\""));

    let ended_only = sup.get("/console/history?state=ended&flagged=no").await;
    assert!(ended_only.body.contains(&ended.to_string()));
    assert!(!ended_only.body.contains(&waiting.chat_id));
    // A Chat ID as people type it: lower case, no dashes.
    let typed = ended.to_string().replace('-', "").to_lowercase();
    let one = sup.get(&format!("/console/history?chat={typed}")).await;
    assert!(one.body.contains(&ended.to_string()) && !one.body.contains(&waiting.chat_id));
    let flagged = sup.get("/console/history?flagged=yes").await;
    assert!(flagged.body.contains("No chats held match these filters."));

    // What cannot be read is named, and nothing is listed.
    let bad = sup.get("/console/history?chat=TB-12").await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("Enter a Chat ID as it was given"),
        "{}",
        bad.body
    );
    assert!(!bad.body.contains(&waiting.chat_id));
    let bad = sup
        .get("/console/history?from=2026-12-05&to=2026-12-01")
        .await;
    assert!(bad
        .body
        .contains("The end date must be the same as or after the start date"));

    let searches = app.audited("chat.list_searched").await;
    assert_eq!(searches.len(), 4, "only the searches that ran are audited");
    assert_eq!(searches[0].reason.as_deref(), Some("all"));
    assert_eq!(
        searches[1].reason.as_deref(),
        Some("state=ended flagged=false")
    );
    assert_eq!(
        searches[2].reason.as_deref(),
        Some(format!("chat={ended}").as_str())
    );

    // A governance officer's rows lead to the governance page.
    let (mut ailsa, _) = app
        .signed_in_with_second_factor("ailsa", Role::Governance)
        .await;
    let p = ailsa.get("/console/history").await;
    assert!(p
        .body
        .contains(&format!("href=\"/console/governance/chats/{ended}\"")));
    // An administrator may not search chats.
    let (mut admin, _) = app.signed_in_admin("root").await;
    assert_eq!(admin.get("/console/history").await.status, 403);
    assert!(!admin
        .get("/console")
        .await
        .body
        .contains("/console/history"));
}

async fn the_dashboard_counts_chats_waits_and_the_chatbots_hand_overs(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.retention.policy = Some("preset:council-chatbot".into());
    })
    .await
    else {
        return;
    };
    let operator = app.staff("morven", Role::Operator).await;
    // Answered after 30 seconds' wait.
    app.chat_that_ran_its_course(&operator, VISITOR, &["Where do I renew a permit?"])
        .await;
    // Turned down.
    let rejected = app.visitor_asks("Can you recommend a plumber?").await;
    app.live_chat
        .reject(
            &operator.member,
            rejected.chat_id.parse().unwrap(),
            None,
            &ctx(VISITOR),
        )
        .await
        .unwrap();
    // Waiting now.
    app.clock.advance(Duration::seconds(5));
    app.visitor_asks("Is the pool open today?").await;
    // A question the chatbot kept, then a hand-over after it.
    let asked = app
        .chatbot
        .ask("has my housing application been decided", "t")
        .await
        .unwrap();
    let id = asked.id.expect("the policy keeps chatbot questions");
    let res = reqwest::Client::new()
        .post(format!("{}/api/chats", app.base_url))
        .json(&json!({
            "question": "Has my housing application been decided?",
            "bot_transcript": [{"question": "has my housing application been decided",
                                "answer": "I can only give general information.",
                                "id": id.as_str()}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{:?}", res.json::<Value>().await);

    let (mut sup, _) = app.signed_in("sadie", Role::Supervisor).await;
    let p = sup.get("/console/dashboard").await;
    assert_eq!(p.status, 200);
    let row = |label: &str| -> Vec<String> {
        let start = p
            .body
            .find(&format!("<th scope=\"row\">{label}</th>"))
            .unwrap_or_else(|| panic!("{label}: {}", p.body));
        let rest = &p.body[start..];
        let end = rest.find("</tr>").unwrap();
        rest[..end]
            .split("<td class=\"num\">")
            .skip(1)
            .map(|c| c.split('<').next().unwrap().to_owned())
            .collect()
    };
    // Today and the last 7 days: one answered, one rejected (two still
    // waiting are counted once they are taken); the answered one waited
    // 30 s.
    assert_eq!(row("Chats asked for"), ["2", "2"]);
    assert_eq!(row("Answered")[..2], ["1", "1"]);
    assert_eq!(row("Rejected"), ["1", "1"]);
    assert_eq!(row("Waiting time, median"), ["30 s", "30 s"]);
    assert_eq!(row("Waiting time, 90th percentile"), ["30 s", "30 s"]);
    assert!(
        p.body.contains("<strong>2</strong> visitors are waiting"),
        "{}",
        p.body
    );
    assert_eq!(row("Questions"), ["1", "1"]);
    assert_eq!(row("Handed over to a person"), ["1", "1"]);
    assert!(
        p.body.contains("<svg viewBox"),
        "charts are drawn on the server"
    );
    assert!(
        p.body.contains("<th scope=\"row\">morven (test)"),
        "chats per operator"
    );

    let (mut op, _) = app.signed_in("olly", Role::Operator).await;
    assert_eq!(op.get("/console/dashboard").await.status, 403);
}
