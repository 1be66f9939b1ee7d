//! The visitor's HTTP fallback for live chat (issue 3, item 6), driven end
//! to end against a running server on both backends.

use serde_json::{json, Value};
use tolbooth_core::accounts::ClientContext;
use tolbooth_domain::chat::ChatRef;
use tolbooth_domain::ports::ChatStore;
use tolbooth_domain::role::Role;
use tolbooth_store::{backend_tests, Backend};
use tolbooth_testkit::TestApp;

backend_tests!(
    a_visitor_chats_with_an_operator_over_http,
    a_token_is_the_only_way_in,
    a_rejected_enquiry_is_gone_and_only_counted,
    starts_and_sends_are_rate_limited,
);

struct Visitor {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Visitor {
    fn new(app: &TestApp) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: app.base_url.clone(),
            token: None,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut rb = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let res = rb.send().await.unwrap();
        let status = res.status().as_u16();
        let value = res.json::<Value>().await.unwrap_or(Value::Null);
        (status, value)
    }

    async fn start(&mut self, question: &str) -> (u16, Value) {
        let (status, v) = self
            .call(
                reqwest::Method::POST,
                "/api/chats",
                Some(json!({"question": question, "client_id": "q1"})),
            )
            .await;
        self.token = v["token"].as_str().map(str::to_owned);
        (status, v)
    }

    async fn send(&self, client_id: &str, text: &str) -> (u16, Value) {
        self.call(
            reqwest::Method::POST,
            "/api/chats/messages",
            Some(json!({"client_id": client_id, "text": text})),
        )
        .await
    }

    async fn fetch(&self, after: i64) -> (u16, Value) {
        self.call(
            reqwest::Method::GET,
            &format!("/api/chats/messages?after={after}"),
            None,
        )
        .await
    }
}

fn ctx() -> ClientContext {
    ClientContext {
        ip: None,
        request_id: None,
    }
}

async fn a_visitor_chats_with_an_operator_over_http(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("morag", Role::Operator).await;
    let mut v = Visitor::new(&app);
    let (status, started) = v
        .start("my brown bin was missed <script>alert(1)</script>")
        .await;
    assert_eq!(status, 201, "{started}");
    let chat_id = started["chat_id"].as_str().unwrap().to_owned();
    let chat_ref: ChatRef = chat_id.parse().unwrap();
    assert_eq!(started["state"], "requested");
    assert!(
        v.token.as_deref().is_some_and(|t| t.len() >= 40),
        "a long token"
    );

    let (status, view) = v.fetch(0).await;
    assert_eq!(status, 200);
    assert_eq!(view["messages"][0]["seq"], 1);
    assert_eq!(
        view["messages"][0]["text"], "my brown bin was missed <script>alert(1)</script>",
        "text comes back as text"
    );

    let (status, ack) = v.send("v2", "it was tuesday").await;
    assert_eq!(
        (status, ack["seq"].clone(), ack["duplicate"].clone()),
        (200, json!(2), json!(false))
    );
    let (_, again) = v.send("v2", "it was tuesday").await;
    assert_eq!(
        (again["seq"].clone(), again["duplicate"].clone()),
        (json!(2), json!(true))
    );

    app.live_chat
        .accept(&op.member, chat_ref, &ctx())
        .await
        .unwrap();
    app.live_chat
        .operator_send(&op.member, chat_ref, "o1", "Hello, I can help with that")
        .await
        .unwrap();
    let (_, view) = v.fetch(2).await;
    assert_eq!(view["state"], "accepted");
    assert_eq!(view["operator"], op.member.display_name.as_str());
    let messages = view["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "only what came after seq 2");
    assert_eq!(messages[0]["from"], "operator");
    assert_eq!(messages[0]["seq"], 3);
    assert_eq!(
        messages[0]["client_id"],
        Value::Null,
        "the operator's ids are not the visitor's"
    );

    let (status, left) = v
        .call(reqwest::Method::POST, "/api/chats/leave", None)
        .await;
    assert_eq!((status, left["state"].clone()), (200, json!("ended")));
    let (status, closed) = v.send("v3", "one more thing").await;
    assert_eq!(
        (status, closed["error"].clone()),
        (409, json!("chat_closed"))
    );

    // LC-3: the record has every field.
    let chat = app.store.chat_by_ref(chat_ref).await.unwrap().unwrap();
    let life = chat.lifecycle;
    assert_eq!(
        life.operator.as_deref(),
        Some(op.member.display_name.as_str())
    );
    assert!(life.accepted_at.is_some() && life.ended_at.is_some());
    assert_eq!(life.ended_by.map(|e| e.name()), Some("visitor"));
    assert!(life.length().is_some());
    // Audited, without the content.
    for action in ["chat.requested", "chat.accepted", "chat.ended"] {
        assert_eq!(app.audited(action).await.len(), 1, "{action}");
    }
    let log = format!("{:?}", app.audit_log().await);
    assert!(
        !log.contains("tuesday") && !log.contains("brown bin"),
        "no message text in the audit log"
    );
}

async fn a_token_is_the_only_way_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut v = Visitor::new(&app);
    let (_, started) = v.start("hello").await;
    let chat_id = started["chat_id"].as_str().unwrap().to_owned();

    let mut stranger = Visitor::new(&app);
    let (status, err) = stranger.fetch(0).await;
    assert_eq!(
        (status, err["error"].clone()),
        (404, json!("not_found")),
        "no token"
    );
    stranger.token = Some("guessed-token-guessed-token-guessed-token".into());
    assert_eq!(stranger.fetch(0).await.0, 404, "a guessed token");
    stranger.token = Some(chat_id.clone());
    assert_eq!(
        stranger.fetch(0).await.0,
        404,
        "the Chat ID is not a credential"
    );
    assert_eq!(stranger.send("x1", "hi").await.0, 404);
    // Each refused token is audited, without the token.
    let refused = app.audited("chat.access_refused").await;
    assert_eq!(refused.len(), 3);
    assert!(!format!("{refused:?}").contains("guessed-token"));
    // Guessing on is slowed down, and stops filling the audit log.
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(stranger.fetch(0).await.0);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 404).count(), 27);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 13);
    assert_eq!(
        app.audited("chat.access_refused").await.len(),
        tolbooth_core::live_chat::REFUSALS_PER_ADDRESS as usize
    );
    // The visitor with the right token is not affected.
    assert_eq!(v.fetch(0).await.0, 200);

    // Bad input is refused with a reason, and nothing is stored.
    let (status, err) = v.send("has space", "hi").await;
    assert_eq!((status, err["error"].clone()), (400, json!("bad_input")));
    let (status, _) = v.send("ok1", "   ").await;
    assert_eq!(status, 400);
    let (_, view) = v.fetch(0).await;
    assert_eq!(view["messages"].as_array().unwrap().len(), 1);
    let (status, _) = v
        .call(
            reqwest::Method::POST,
            "/api/chats",
            Some(json!({"question": "hi", "surprise": true})),
        )
        .await;
    assert_eq!(status, 422, "unknown fields are refused");
}

async fn a_rejected_enquiry_is_gone_and_only_counted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("ewan", Role::Operator).await;
    let mut v = Visitor::new(&app);
    let (_, started) = v.start("can you help").await;
    let chat_ref: ChatRef = started["chat_id"].as_str().unwrap().parse().unwrap();
    let state = app
        .live_chat
        .reject(&op.member, chat_ref, &ctx())
        .await
        .unwrap();
    assert_eq!(state.name(), "rejected");
    assert_eq!(v.fetch(0).await.0, 404, "nothing of it is held (LC-6)");
    assert_eq!(app.store.chat_by_ref(chat_ref).await.unwrap(), None);
    assert_eq!(
        app.store.enquiry_counts("2026-11-22").await.unwrap(),
        (1, 0)
    );
    assert_eq!(app.audited("chat.discarded").await.len(), 1);
}

async fn starts_and_sends_are_rate_limited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    use tolbooth_core::live_chat::{SENDS_PER_CHAT, STARTS_PER_ADDRESS};
    let mut last = Visitor::new(&app);
    for _ in 0..STARTS_PER_ADDRESS {
        let mut v = Visitor::new(&app);
        assert_eq!(v.start("hello").await.0, 201);
        last = v;
    }
    let mut one_more = Visitor::new(&app);
    let (status, err) = one_more.start("hello").await;
    assert_eq!((status, err["error"].clone()), (429, json!("rate_limited")));
    app.clock.advance(time::Duration::minutes(10));
    assert_eq!(one_more.start("hello again").await.0, 201, "a new window");

    for i in 0..SENDS_PER_CHAT {
        assert_eq!(last.send(&format!("m{i}"), "hi").await.0, 200);
    }
    assert_eq!(last.send("too-many", "hi").await.0, 429);
    let (_, view) = last.fetch(0).await;
    assert_eq!(
        view["messages"].as_array().unwrap().len() as u32,
        SENDS_PER_CHAT + 1,
        "the refused message was not stored"
    );
}
