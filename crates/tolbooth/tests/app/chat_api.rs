//! The visitor's HTTP fallback for live chat (issue 3, item 6), driven end
//! to end against a running server on both backends.

use serde_json::{json, Value};
use tolbooth_core::staff::ClientContext;
use tolbooth_domain::chat::ports::ChatStore;
use tolbooth_domain::chat::ChatRef;
use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    a_visitor_chats_with_an_operator_over_http,
    a_token_is_the_only_way_in,
    a_rejected_enquiry_is_gone_and_only_counted,
    starts_and_sends_are_rate_limited,
    resends_are_acknowledged_not_rate_limited,
    every_api_error_is_the_documented_json,
);

#[derive(Clone)]
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
        tolbooth_core::chat::REFUSALS_PER_ADDRESS as usize
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
        .reject(
            &op.member,
            chat_ref,
            Some(tolbooth_domain::chat::RejectReason::Mistake),
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(state.name(), "rejected");
    // Why is in the audit log, from the short list; no word of the enquiry.
    let rejected = app.audited("chat.rejected").await;
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].reason.as_deref(), Some("mistake"));
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
    use tolbooth_core::chat::{SENDS_PER_CHAT, STARTS_PER_ADDRESS};
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

/// The protocol tells a client to resend an unacknowledged message with
/// the same `client_id`: a resend is answered with the stored message's
/// acknowledgement and does not count towards the message limit.
async fn resends_are_acknowledged_not_rate_limited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    use tolbooth_core::chat::SENDS_PER_CHAT;
    let mut visitor = Visitor::new(&app);
    assert_eq!(visitor.start("hello").await.0, 201);
    let mut resends = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let v = visitor.clone();
        resends.spawn(async move { v.send("r1", "are you there?").await });
    }
    let mut seqs = Vec::new();
    let mut firsts = 0;
    while let Some(done) = resends.join_next().await {
        let (status, ack) = done.unwrap();
        assert_eq!(status, 200, "{ack}");
        seqs.push(ack["seq"].as_i64().unwrap());
        if ack["duplicate"] == json!(false) {
            firsts += 1;
        }
    }
    assert!(seqs.iter().all(|&s| s == 2), "{seqs:?}");
    assert_eq!(firsts, 1, "stored once");

    // The rest of the minute's allowance is still there for new messages.
    for i in 1..SENDS_PER_CHAT {
        assert_eq!(visitor.send(&format!("m{i}"), "hi").await.0, 200);
    }
    assert_eq!(visitor.send("one-too-many", "hi").await.0, 429);
    let (status, ack) = visitor.send("r1", "are you there?").await;
    assert_eq!((status, ack["seq"].clone()), (200, json!(2)));

    // In a later window, with the allowance used up by new messages, a
    // resend of an old message is still acknowledged, not refused.
    app.clock.advance(time::Duration::minutes(1));
    for i in 0..SENDS_PER_CHAT {
        assert_eq!(visitor.send(&format!("n{i}"), "hi").await.0, 200);
    }
    assert_eq!(visitor.send("one-too-many", "hi").await.0, 429);
    let (status, ack) = visitor.send("r1", "are you there?").await;
    assert_eq!(status, 200, "{ack}");
    assert_eq!(ack["seq"], 2);
    assert_eq!(ack["duplicate"], true);
    let (_, view) = visitor.fetch(0).await;
    assert_eq!(
        view["messages"].as_array().unwrap().len() as u32,
        2 * SENDS_PER_CHAT + 1,
        "the question, r1, and the new messages; nothing twice"
    );
}

/// Whatever refuses an API request — the handler, the body or query
/// reader, the router, a limit — the answer is `{"error", "message"}`
/// with its code from the one table.
async fn every_api_error_is_the_documented_json(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.server.max_body_bytes = 64 * 1024).await
    else {
        return;
    };
    let mut visitor = Visitor::new(&app);
    assert_eq!(visitor.start("hello").await.0, 201);
    // A fresh connection per request: the server ends the connection that
    // carried a refused, oversized body, and a pooled client could send the
    // next request on it before it sees the close.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let url = |path: &str| format!("{}{path}", app.base_url);
    let token = visitor.token.clone().unwrap();
    let check = |what: &str, res: reqwest::Response, status: u16, code: &str| {
        let what = what.to_owned();
        let code = code.to_owned();
        async move {
            assert_eq!(res.status().as_u16(), status, "{what}");
            let kind = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            assert!(kind.starts_with("application/json"), "{what}: {kind}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["error"], code.as_str(), "{what}: {body}");
            assert!(
                body["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{what}: {body}"
            );
        }
    };
    for after in ["abc", "-1", "1.5", "99999999999999999999"] {
        let res = http
            .get(url(&format!("/api/chats/messages?after={after}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        check(&format!("after={after}"), res, 400, "bad_input").await;
    }
    let (status, view) = visitor.fetch(0).await;
    assert_eq!(status, 200, "after=0 still reads: {view}");

    let res = http
        .post(url("/api/chats"))
        .json(&json!({"question": "hi", "admin": true}))
        .send()
        .await
        .unwrap();
    check("unknown field", res, 422, "invalid_body").await;
    let res = http
        .post(url("/api/chats/messages"))
        .bearer_auth(&token)
        .json(&json!({"client_id": "x", "text": 5}))
        .send()
        .await
        .unwrap();
    check("wrong type", res, 422, "invalid_body").await;
    let res = http
        .post(url("/api/chats"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    check("not JSON", res, 400, "bad_input").await;
    let res = http
        .post(url("/api/chats"))
        .body(r#"{"question": "hi"}"#)
        .send()
        .await
        .unwrap();
    check("no content type", res, 415, "unsupported_media_type").await;
    let res = http
        .post(url("/api/chats"))
        .header("content-type", "application/json")
        .body(format!(r#"{{"question": "{}"}}"#, "x".repeat(100 * 1024)))
        .send()
        .await
        .unwrap();
    check("too large", res, 413, "too_large").await;
    let res = http.get(url("/api/no-such-thing")).send().await.unwrap();
    check("no route", res, 404, "not_found").await;
    let res = http.delete(url("/api/chats")).send().await.unwrap();
    check("wrong method", res, 405, "method_not_allowed").await;
    let res = http
        .post(url("/api/bot/feedback"))
        .json(&json!({"id": "x", "helpful": "very"}))
        .send()
        .await
        .unwrap();
    check("chatbot body", res, 422, "invalid_body").await;
    let res = http
        .get(url("/api/chats/messages"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    check("bad token", res, 404, "not_found").await;
}
