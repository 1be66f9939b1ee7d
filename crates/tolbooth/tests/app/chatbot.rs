//! The chatbot in the running server (BOT-1..BOT-6), on both backends:
//! answers and declines over HTTP, feedback, questions kept (and redacted
//! in reports) only under a policy with a chatbot question category and
//! swept when it says, staff phrasings from the console, and the hand-over
//! that shows the operator the visitor's conversation with the bot.

use serde_json::{json, Value};
use std::path::Path;
use time::Duration;
use tolbooth_domain::audit::Actor;
use tolbooth_domain::bot::ports::ChatbotStore;
use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    a_change_made_elsewhere_is_noticed,
    the_chatbot_answers_reports_and_forgets_as_the_policy_says,
    without_a_chatbot_category_no_question_is_kept,
    a_hand_over_shows_the_bot_conversation_to_the_operator,
);

/// Imports the demo council's pages into the store (the chatbot's index
/// is not rebuilt).
async fn import_demo(app: &TestApp) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb/demo");
    app.chatbot
        .knowledge_base()
        .import(vec![folder], None, Actor::system("test"), false)
        .await
        .unwrap();
}

async fn with_demo_knowledge(app: &TestApp) {
    import_demo(app).await;
    app.chatbot.reload().await.unwrap();
}

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}{path}", app.base_url))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn the_chatbot_answers_reports_and_forgets_as_the_policy_says(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.retention.policy = Some("preset:council-chatbot".into());
    })
    .await
    else {
        return;
    };
    with_demo_knowledge(&app).await;

    let (status, answer) = post(
        &app,
        "/api/bot/ask",
        json!({"question": "report a missed bin please jo.bloggs@example.com"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["answered"], true, "{answer}");
    assert_eq!(
        answer["sources"][0]["url"],
        "https://www.kelderby.example/bins-and-recycling/missed-bin"
    );
    assert!(answer["heading"]
        .as_str()
        .unwrap()
        .starts_with("Report a missed bin collection"));
    let id = answer["id"].as_str().unwrap().to_owned();
    assert_eq!(
        post(
            &app,
            "/api/bot/feedback",
            json!({"id": id, "helpful": true})
        )
        .await
        .0,
        204
    );
    assert_eq!(
        post(
            &app,
            "/api/bot/feedback",
            json!({"id": "0".repeat(32), "helpful": true})
        )
        .await
        .0,
        404
    );
    assert_eq!(
        post(
            &app,
            "/api/bot/feedback",
            json!({"id": "../x", "helpful": true})
        )
        .await
        .0,
        404
    );

    let (_, declined) = post(
        &app,
        "/api/bot/ask",
        json!({"question": "has my housing application been approved? call 07700 900123"}),
    )
    .await;
    assert_eq!(declined["answered"], false);
    assert_eq!(declined["reason"], "case_specific");
    assert_eq!(
        declined["sources"][0]["url"],
        "https://www.kelderby.example/housing/apply-for-housing"
    );
    assert!(declined["person"]["open"].is_boolean());

    // Bad input is refused clearly, not stored.
    let (status, _) = post(&app, "/api/bot/ask", json!({"question": 7})).await;
    assert_eq!(status, 422);

    // Reports show redacted questions only, to supervisors.
    let (mut browser, _) = app.signed_in("sup", Role::Supervisor).await;
    let page = browser.get("/console/chatbot").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Housing"), "{}", page.body);
    assert!(page.body.contains("matched by their words alone"));
    // Settings by what they do, not by their configuration keys.
    assert!(!page.body.contains("chatbot.embedding_model") && !page.body.contains("<code>"));
    assert!(page.body.contains("case specific"));
    assert!(
        !page.body.contains("07700 900123"),
        "raw phone number in the report"
    );
    assert!(
        page.body.contains("[phone number removed]") || page.body.contains("removed]"),
        "{}",
        page.body
    );
    let (mut operator, _) = app.signed_in("operator1", Role::Operator).await;
    assert_eq!(operator.get("/console/chatbot").await.status, 403);

    // A phrasing added in the console reaches answers at once.
    let url = "https://www.kelderby.example/bins-and-recycling/recycling-centres";
    let (_, before) = post(
        &app,
        "/api/bot/ask",
        json!({"question": "where is the skip yard"}),
    )
    .await;
    assert_ne!(before["sources"][0]["url"], url);
    let page = browser
        .submit(
            "/console/chatbot",
            "/console/chatbot/phrasings",
            &[("url", url), ("text", "skip yard")],
        )
        .await;
    assert!(page.status < 400, "{}", page.status);
    let (_, after) = post(
        &app,
        "/api/bot/ask",
        json!({"question": "where is the skip yard"}),
    )
    .await;
    assert_eq!(after["sources"][0]["url"], url, "{after}");
    let page = browser
        .submit(
            "/console/chatbot",
            "/console/chatbot/phrasings",
            &[("url", "https://nowhere.example/"), ("text", "x")],
        )
        .await;
    assert_eq!(page.status, 400);

    // A phrasing for one answer on a page (by its heading) answers with
    // that passage.
    let discounts = "https://www.kelderby.example/council-tax/discounts";
    let question = json!({"question": "what about a vacant flat nobody occupies"});
    let page = browser
        .submit(
            "/console/chatbot",
            "/console/chatbot/phrasings",
            &[
                ("url", discounts),
                ("answer", "empty homes"),
                ("text", "vacant flat nobody occupies"),
            ],
        )
        .await;
    assert!(page.status < 400, "{}", page.status);
    let page = browser.get("/console/chatbot").await;
    assert!(
        page.body.contains("the answer under") && page.body.contains("Empty homes"),
        "{}",
        page.body
    );
    let (_, answer) = post(&app, "/api/bot/ask", question).await;
    assert_eq!(answer["sources"][0]["url"], discounts, "{answer}");
    assert_eq!(answer["answered"], true, "{answer}");
    assert!(
        answer["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Homes that are empty"),
        "{answer}"
    );
    let page = browser
        .submit(
            "/console/chatbot",
            "/console/chatbot/phrasings",
            &[
                ("url", discounts),
                ("answer", "No such heading"),
                ("text", "anything"),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(
        page.body.contains("no answer under that heading"),
        "{}",
        page.body
    );

    // Twelve months on, the sweep deletes the questions (council-chatbot
    // preset: 12 months from collection, delete).
    let now = tolbooth_domain::clock::Clock::now(&app.clock);
    assert_eq!(app.store.count_bot_questions(now).await.unwrap(), 5);
    app.clock.advance(Duration::days(366));
    let report = app
        .sweeper
        .run(tolbooth_core::retention::SweepOptions {
            dry_run: false,
            force: true,
        })
        .await
        .unwrap();
    assert_eq!(report.counts.bot_questions_deleted, 5);
    assert_eq!(
        app.store
            .count_bot_questions(tolbooth_domain::clock::Clock::now(&app.clock))
            .await
            .unwrap(),
        0
    );
}

async fn without_a_chatbot_category_no_question_is_kept(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    with_demo_knowledge(&app).await;
    let (status, answer) = post(
        &app,
        "/api/bot/ask",
        json!({"question": "library opening times"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["answered"], true);
    assert_eq!(answer["id"], Value::Null, "no handle: nothing was kept");
    let later = tolbooth_domain::clock::Clock::now(&app.clock) + Duration::days(1);
    assert_eq!(app.store.count_bot_questions(later).await.unwrap(), 0);
    let (mut browser, _) = app.signed_in("sup", Role::Supervisor).await;
    let page = browser.get("/console/chatbot").await;
    assert!(page.body.contains("keeps no chatbot questions"));
}

async fn a_hand_over_shows_the_bot_conversation_to_the_operator(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, started) = post(
        &app,
        "/api/chats",
        json!({
            "question": "I need help with my council tax bill",
            "bot_transcript": [
                {"question": "can i pay council tax monthly", "answer": "Pay your council tax: Council tax is paid in ten monthly instalments..."},
                {"question": "has my discount been applied", "answer": "I can only give general information."}
            ]
        }),
    )
    .await;
    assert_eq!(status, 201, "{started}");
    let token = started["token"].as_str().unwrap();
    let res = reqwest::Client::new()
        .get(format!("{}/api/chats/messages?after=0", app.base_url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let view: Value = res.json().await.unwrap();
    // The citizen is shown nothing new: the notes are for staff.
    let messages = view["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{view}");
    assert_eq!(messages[0]["from"], "visitor");

    // The operator sees each turn in full, as a note of its own.
    let ewan = app.staff("ewan", Role::Operator).await;
    let ctx = tolbooth_core::staff::ClientContext {
        ip: None,
        request_id: None,
    };
    let chat_ref = started["chat_id"].as_str().unwrap().parse().unwrap();
    let (_, stored) = app
        .live_chat
        .transcript(&ewan.member, chat_ref, &ctx)
        .await
        .unwrap();
    let notes: Vec<&str> = stored
        .iter()
        .filter(|m| m.sender == tolbooth_domain::chat::Sender::System)
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(
        notes,
        [
            "Asked the chatbot: can i pay council tax monthly\nIt answered: Pay your council tax: Council tax is paid in ten monthly instalments...",
            "Asked the chatbot: has my discount been applied\nIt answered: I can only give general information.",
        ]
    );
}

/// `serve` rebuilds its index when the knowledge base changes under it
/// (`tolbooth kb import` in another process): the fingerprint it watches
/// changes with an import and a phrasing, and not otherwise.
async fn a_change_made_elsewhere_is_noticed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let empty = app.chatbot.knowledge_fingerprint().await.unwrap();
    assert_eq!(app.chatbot.knowledge_fingerprint().await.unwrap(), empty);
    import_demo(&app).await;
    let imported = app.chatbot.knowledge_fingerprint().await.unwrap();
    assert_ne!(imported, empty);
    assert!(!app.chatbot.has_knowledge(), "not yet rebuilt");
    app.chatbot
        .knowledge_base()
        .add_phrasing(
            "https://www.kelderby.example/parking/blue-badge",
            None,
            "disabled parking permit",
            "Ops",
            Actor::system("test"),
        )
        .await
        .unwrap();
    assert_ne!(app.chatbot.knowledge_fingerprint().await.unwrap(), imported);
    app.chatbot.reload().await.unwrap();
    assert!(app.chatbot.has_knowledge());
}
