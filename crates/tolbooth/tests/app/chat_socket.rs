//! Live chat over WebSocket (docs/protocol.md): the whole conversation in
//! real time, acknowledgements after commit, deduplicated resends, resume
//! after a cut with every missed message once and in order, transfer,
//! limits (frame size, rate, idle), the Origin check, and a console socket
//! closed the moment its session is revoked.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use tolbooth_domain::chat::ports::ChatStore;
use tolbooth_domain::chat::{ChatRef, ChatState, EndedBy};
use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, Socket, SocketEnd, TestApp};

backend_tests!(
    a_visitor_and_an_operator_talk_in_real_time,
    resends_are_stored_once_and_a_resume_delivers_what_was_missed,
    a_chat_is_handed_to_another_operator,
    frames_are_bounded_and_bad_ones_answered,
    origins_are_checked,
    a_console_socket_closes_when_its_session_ends,
    quiet_chats_end_and_unanswered_enquiries_are_abandoned,
    out_of_hours_chat_says_so_and_takes_no_enquiries,
    a_full_queue_of_the_longest_questions_still_opens_the_console,
    sockets_per_address_are_capped,
);

async fn start(visitor: &mut Socket, question: &str) -> (String, String) {
    let welcome = visitor.expect("welcome").await;
    assert_eq!(welcome["organisation"], "Test Council");
    visitor
        .send(json!({"type": "start", "question": question, "client_id": "q1"}))
        .await;
    let started = visitor.expect("started").await;
    assert_eq!(started["client_id"], "q1");
    let chat_id = started["chat_id"].as_str().unwrap().to_owned();
    let token = started["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43, "256-bit token");
    (chat_id, token)
}

fn seqs(frames: &[Value]) -> Vec<i64> {
    frames.iter().map(|f| f["seq"].as_i64().unwrap()).collect()
}

async fn a_visitor_and_an_operator_talk_in_real_time(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (browser, morag) = app.signed_in("morag", Role::Operator).await;
    let mut console = app.console_socket(&browser).await.unwrap();
    let hello = console.expect("hello").await;
    assert_eq!(hello["me"]["id"], morag.member.id.0);
    let on_duty = console.expect("operators").await;
    assert_eq!(on_duty["on_duty"][0]["name"], "morag (test)");
    assert_eq!(console.expect("queue").await["chats"], json!([]));
    assert_eq!(console.expect("mine").await["chat_ids"], json!([]));

    let mut visitor = app.visitor_socket().await;
    let (chat_id, _token) = start(&mut visitor, "When is my brown bin collected?").await;
    assert_eq!(visitor.expect("state").await["state"], "requested");
    let question = visitor.expect("message").await;
    assert_eq!(question["seq"], 1);
    assert_eq!(question["client_id"], "q1");

    // The operator sees the enquiry arrive and accepts it.
    let queue = console.expect("queue").await;
    assert_eq!(queue["chats"][0]["chat_id"], chat_id.as_str());
    assert_eq!(
        queue["chats"][0]["question"],
        "When is my brown bin collected?"
    );
    console
        .send(json!({"type": "accept", "chat_id": chat_id}))
        .await;
    let state = console.expect("state").await;
    assert_eq!(state["state"], "accepted");
    assert_eq!(state["operator_id"], morag.member.id.0);
    assert_eq!(console.expect("message").await["seq"], 1);
    let seen = visitor.expect("state").await;
    assert_eq!(seen["state"], "accepted");
    assert_eq!(seen["operator"], "morag (test)");
    assert!(
        seen.get("operator_id").is_none(),
        "visitors are not told staff ids"
    );
    assert_eq!(app.audited("chat.transcript_opened").await.len(), 1);

    // Typing reaches the other side only.
    console
        .send(json!({"type": "typing", "chat_id": chat_id, "active": true}))
        .await;
    assert_eq!(visitor.expect("typing").await["active"], true);
    visitor
        .send(json!({"type": "typing", "active": true}))
        .await;
    assert_eq!(console.expect("typing").await["active"], true);

    // Messages both ways, each acknowledged with its sequence number.
    visitor
        .send(json!({"type": "send", "client_id": "v-1", "text": "It was missed on Tuesday"}))
        .await;
    let ack = visitor.expect("ack").await;
    assert_eq!(
        (ack["seq"].as_i64(), ack["duplicate"].as_bool()),
        (Some(2), Some(false))
    );
    let heard = console.expect("message").await;
    assert_eq!(heard["text"], "It was missed on Tuesday");
    assert_eq!(heard["from"], "visitor");
    assert!(
        heard.get("client_id").is_none(),
        "the visitor's ids stay theirs"
    );
    console
        .send(json!({"type": "send", "chat_id": chat_id, "client_id": "o-1", "text": "I will report it now"}))
        .await;
    assert_eq!(console.expect("ack").await["seq"], 3);
    // The visitor's own message comes back too, with its client id.
    let own = visitor.expect("message").await;
    assert_eq!(
        (own["seq"].as_i64(), own["client_id"].as_str()),
        (Some(2), Some("v-1"))
    );
    let reply = visitor.expect("message").await;
    assert_eq!(
        (
            reply["seq"].as_i64(),
            reply["from"].as_str(),
            reply["text"].as_str()
        ),
        (Some(3), Some("operator"), Some("I will report it now"))
    );

    // The operator ends the chat; both sides see it; LC-3 is recorded.
    console
        .send(json!({"type": "end", "chat_id": chat_id}))
        .await;
    let ended = visitor.expect("state").await;
    assert_eq!(ended["state"], "ended");
    assert_eq!(ended["ended_by"], "operator");
    assert_eq!(console.expect("state").await["state"], "ended");
    let chat = app
        .store
        .chat_by_ref(chat_id.parse::<ChatRef>().unwrap())
        .await
        .unwrap()
        .unwrap();
    let l = &chat.lifecycle;
    assert_eq!(l.state, ChatState::Ended);
    assert_eq!(l.operator.as_deref(), Some("morag (test)"));
    assert_eq!(l.ended_by, Some(EndedBy::Operator));
    assert!(l.accepted_at.is_some() && l.ended_at.is_some());
    assert!(l.length().is_some());
    // Nothing more can be said in an ended chat.
    visitor
        .send(json!({"type": "send", "client_id": "v-2", "text": "hello?"}))
        .await;
    let refused = visitor.expect("error").await;
    assert_eq!(refused["code"], "chat_closed");
    assert_eq!(refused["client_id"], "v-2");
}

async fn resends_are_stored_once_and_a_resume_delivers_what_was_missed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ewan = app.staff("ewan", Role::Operator).await;
    let mut visitor = app.visitor_socket().await;
    let (chat_id, token) = start(&mut visitor, "Is the tip open on Sunday?").await;
    let chat_ref: ChatRef = chat_id.parse().unwrap();
    let ctx = tolbooth_core::staff::ClientContext {
        ip: None,
        request_id: None,
    };
    app.live_chat
        .accept(&ewan.member, chat_ref, &ctx)
        .await
        .unwrap();
    visitor
        .send(json!({"type": "send", "client_id": "m-1", "text": "and on bank holidays?"}))
        .await;
    let ack = visitor.expect("ack").await;
    assert_eq!(ack["seq"], 2);
    // The network drops; meanwhile the operator writes three messages.
    visitor.cut();
    for (i, text) in ["Yes, 10 to 4", "Bank holidays too", "Anything else?"]
        .iter()
        .enumerate()
    {
        app.live_chat
            .operator_send(&ewan.member, chat_ref, &format!("o-{i}"), text)
            .await
            .unwrap();
    }
    // The visitor's client reconnects, resumes after the last message it
    // saw (2), and sends again what it was not sure of.
    let mut again = app.visitor_socket().await;
    again.expect("welcome").await;
    again
        .send(json!({"type": "resume", "token": token, "after": 2}))
        .await;
    let state = again.expect("state").await;
    assert_eq!(state["state"], "accepted");
    assert_eq!(state["operator"], "ewan (test)");
    again
        .send(json!({"type": "send", "client_id": "m-1", "text": "and on bank holidays?"}))
        .await;
    let mut frames = Vec::new();
    let mut duplicate_ack = None;
    while frames.len() < 3 || duplicate_ack.is_none() {
        let f = again.next().await.unwrap();
        match f["type"].as_str() {
            Some("message") => frames.push(f),
            Some("ack") => duplicate_ack = Some(f),
            _ => {}
        }
    }
    let ack = duplicate_ack.unwrap();
    assert_eq!(
        (ack["seq"].as_i64(), ack["duplicate"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(seqs(&frames), vec![3, 4, 5], "missed messages, in order");
    // Nothing else is on its way: the next frame answers a ping.
    again.send(json!({"type": "ping"})).await;
    assert_eq!(again.next().await.unwrap()["type"], "pong");
    let stored = app
        .store
        .messages_after(
            app.store.chat_by_ref(chat_ref).await.unwrap().unwrap().id,
            0,
            100,
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), 5, "the resend was stored once");

    // Live messages keep flowing, each once, to the resumed socket.
    app.live_chat
        .operator_send(&ewan.member, chat_ref, "o-9", "Goodbye")
        .await
        .unwrap();
    assert_eq!(again.expect("message").await["seq"], 6);
    again.send(json!({"type": "ping"})).await;
    assert_eq!(again.next().await.unwrap()["type"], "pong");
}

async fn a_chat_is_handed_to_another_operator(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (b1, _morag) = app.signed_in("morag", Role::Operator).await;
    let (b2, ewan) = app.signed_in("ewan", Role::Operator).await;
    let mut c1 = app.console_socket(&b1).await.unwrap();
    c1.expect("mine").await;
    let mut c2 = app.console_socket(&b2).await.unwrap();
    c2.expect("mine").await;
    let mut visitor = app.visitor_socket().await;
    let (chat_id, _) = start(&mut visitor, "Who do I ask about a tree?").await;
    c1.send(json!({"type": "accept", "chat_id": chat_id})).await;
    assert_eq!(c1.expect("state").await["state"], "accepted");
    // Ewan cannot write in Morag's chat.
    c2.send(json!({"type": "send", "chat_id": chat_id, "client_id": "x", "text": "hi"}))
        .await;
    assert_eq!(c2.expect("error").await["code"], "not_yours");
    c1.send(json!({"type": "transfer", "chat_id": chat_id, "to": ewan.member.id.0}))
        .await;
    assert_eq!(c2.expect("assigned").await["chat_id"], chat_id.as_str());
    let seen = visitor
        .collect_until("state", |s| s["operator"] == "ewan (test)")
        .await;
    assert_eq!(seen.last().unwrap()["state"], "accepted");
    c2.send(json!({"type": "open", "chat_id": chat_id})).await;
    assert_eq!(c2.expect("state").await["operator_id"], ewan.member.id.0);
    c2.send(json!({"type": "send", "chat_id": chat_id, "client_id": "e-1", "text": "Ewan here"}))
        .await;
    assert_eq!(c2.expect("ack").await["seq"], 2);
    assert_eq!(visitor.expect("message").await["text"], "Ewan here");
    c1.send(json!({"type": "send", "chat_id": chat_id, "client_id": "m-2", "text": "still me"}))
        .await;
    assert_eq!(c1.expect("error").await["code"], "not_yours");
    // A transfer to someone who cannot answer chats is refused.
    let gina = app.staff("gina", Role::Governance).await;
    c2.send(json!({"type": "transfer", "chat_id": chat_id, "to": gina.member.id.0}))
        .await;
    assert_eq!(c2.expect("error").await["code"], "no_such_operator");
}

async fn frames_are_bounded_and_bad_ones_answered(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut s = app.visitor_socket().await;
    s.expect("welcome").await;
    s.send_raw("not json".into()).await;
    assert_eq!(s.expect("error").await["code"], "bad_frame");
    s.send(json!({"type": "launch_rocket"})).await;
    assert_eq!(s.expect("error").await["code"], "bad_frame");
    s.send(json!({"type": "send", "client_id": "a", "text": "hi"}))
        .await;
    assert_eq!(s.expect("error").await["code"], "not_started");
    s.send(json!({"type": "start", "question": "   "})).await;
    assert_eq!(s.expect("error").await["code"], "bad_input");
    let long = "x".repeat(4_001);
    s.send(json!({"type": "start", "question": long})).await;
    assert_eq!(s.expect("error").await["code"], "bad_input");

    // A burst beyond the per-connection rate is refused, not queued.
    s.send(json!({"type": "start", "question": "rate test"}))
        .await;
    s.expect("started").await;
    for _ in 0..80 {
        s.send(json!({"type": "typing", "active": true})).await;
    }
    let mut refused = 0;
    loop {
        let f = s.next().await.unwrap();
        if f["code"] == "rate_limited" {
            refused += 1;
        }
        if refused >= 10 {
            break;
        }
    }

    // An oversized frame closes the socket with 1009.
    let mut bystander = app.visitor_socket().await;
    let (_, _) = start(&mut bystander, "I am a bystander").await;
    let mut big = app.visitor_socket().await;
    big.expect("welcome").await;
    big.send_raw(format!(
        r#"{{"type":"start","question":"{}"}}"#,
        "y".repeat(40_000)
    ))
    .await;
    assert_eq!(big.closed().await.unwrap(), Some(1009));

    // An unknown token closes the socket: there is no chat to resume.
    let mut stranger = app.visitor_socket().await;
    stranger.expect("welcome").await;
    stranger
        .send(json!({"type": "resume", "token": "A".repeat(43), "after": 0}))
        .await;
    assert_eq!(stranger.expect("error").await["code"], "not_found");
    assert_eq!(stranger.closed().await.unwrap(), Some(4004));
    assert_eq!(app.audited("chat.access_refused").await.len(), 1);

    // A flood of messages in one chat is refused past the chat's limit ...
    let mut flooder = app.visitor_socket().await;
    start(&mut flooder, "flood").await;
    let mut limited = 0;
    for i in 0..45 {
        flooder
            .send(json!({"type": "send", "client_id": format!("f{i}"), "text": "spam"}))
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    loop {
        let f = flooder.next().await.unwrap();
        if f["type"] == "error" && f["code"] == "rate_limited" {
            limited += 1;
        }
        if f["type"] == "ack" && f["client_id"] == "f44" || limited >= 15 {
            break;
        }
    }
    assert!(limited >= 15, "{limited}");
    // ... while the other chats go on unharmed.
    bystander
        .send(json!({"type": "send", "client_id": "b1", "text": "still here"}))
        .await;
    let ack = bystander.expect("ack").await;
    assert_eq!(
        (ack["seq"].as_i64(), ack["duplicate"].as_bool()),
        (Some(2), Some(false))
    );
}

async fn origins_are_checked(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.chat.site_origins = "https://www.council.example".into();
    })
    .await
    else {
        return;
    };
    let refused = Socket::connect(
        &app.base_url,
        "/ws/chat",
        Some("https://evil.example"),
        None,
    )
    .await
    .err();
    assert!(
        matches!(refused, Some(SocketEnd::Refused(403))),
        "{refused:?}"
    );
    let mut allowed = Socket::connect(
        &app.base_url,
        "/ws/chat",
        Some("https://www.council.example"),
        None,
    )
    .await
    .unwrap();
    allowed.expect("welcome").await;
    let mut own = Socket::connect(&app.base_url, "/ws/chat", Some(&app.base_url), None)
        .await
        .unwrap();
    own.expect("welcome").await;

    // The console's socket only from Tolbooth's own pages, and only with a
    // session.
    let (browser, _) = app.signed_in("morag", Role::Operator).await;
    let cross = Socket::connect(
        &app.base_url,
        "/ws/console",
        Some("https://www.council.example"),
        Some(&browser.cookie_header()),
    )
    .await
    .err();
    assert!(matches!(cross, Some(SocketEnd::Refused(403))), "{cross:?}");
    // The same host and port under another scheme is another origin: this
    // server answers plain HTTP, so an https page is not one of its own.
    let other_scheme = app.base_url.replacen("http://", "https://", 1);
    let wrong_scheme = Socket::connect(
        &app.base_url,
        "/ws/console",
        Some(&other_scheme),
        Some(&browser.cookie_header()),
    )
    .await
    .err();
    assert!(
        matches!(wrong_scheme, Some(SocketEnd::Refused(403))),
        "{wrong_scheme:?}"
    );
    let port: u16 = app.base_url.rsplit(':').next().unwrap().parse().unwrap();
    let other_port = format!("http://127.0.0.1:{}", port.wrapping_add(1));
    let wrong_port = Socket::connect(
        &app.base_url,
        "/ws/console",
        Some(&other_port),
        Some(&browser.cookie_header()),
    )
    .await
    .err();
    assert!(
        matches!(wrong_port, Some(SocketEnd::Refused(403))),
        "{wrong_port:?}"
    );
    let anonymous = Socket::connect(&app.base_url, "/ws/console", Some(&app.base_url), None)
        .await
        .err();
    assert!(
        matches!(anonymous, Some(SocketEnd::Refused(s)) if s == 303 || s == 401),
        "{anonymous:?}"
    );
    // A role that does not answer chats is refused, and the refusal audited.
    let (admin_browser, _) = app.signed_in_admin("ada").await;
    let admin = app.console_socket(&admin_browser).await.err();
    assert!(matches!(admin, Some(SocketEnd::Refused(403))), "{admin:?}");
    let denials = app.audited("access.denied").await;
    assert!(
        denials
            .iter()
            .any(|e| e.object_id.as_deref() == Some("AnswerChats")),
        "{denials:?}"
    );
}

async fn a_console_socket_closes_when_its_session_ends(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.chat.socket_idle_seconds = 3).await else {
        return;
    };
    let (mut browser, _) = app.signed_in("morag", Role::Operator).await;
    let mut console = app.console_socket(&browser).await.unwrap();
    console.expect("mine").await;
    let page = browser.get("/console").await;
    let csrf = page.csrf().unwrap();
    let out = browser.post("/logout", &[("csrf", csrf.as_str())]).await;
    assert_eq!(out.status, 303);
    let started = std::time::Instant::now();
    assert_eq!(console.closed().await.unwrap(), Some(4001));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "closed at once, not at the next periodic check"
    );

    // A socket that goes silent (not even answering heartbeats) is closed.
    let mut quiet = app.visitor_socket().await;
    quiet.expect("welcome").await;
    // Idle limit 3 s, checked every second: closed 3 to 4 s in; the server
    // then waits 2 s for the client to answer its close frame.
    tokio::time::sleep(std::time::Duration::from_millis(4_500)).await;
    assert_eq!(quiet.closed().await.unwrap(), Some(4008));

    // An operator with the console open is away until they say available;
    // a visitor's open widget hears each change as it happens.
    let (mut b2, _) = app.signed_in("ewan", Role::Operator).await;
    let mut c2 = app.console_socket(&b2).await.unwrap();
    c2.expect("mine").await;
    let mut v = app.visitor_socket().await;
    assert_eq!(v.expect("welcome").await["operators_available"], false);
    c2.send(json!({"type": "status", "available": true})).await;
    assert_eq!(v.expect("availability").await["operators_available"], true);
    c2.collect_until("operators", |o| o["on_duty"][0]["available"] == true)
        .await;
    c2.send(json!({"type": "status", "available": false})).await;
    assert_eq!(v.expect("availability").await["operators_available"], false);
    c2.send(json!({"type": "status", "available": true})).await;
    v.expect("availability").await;
    // Leaving the console keeps the status for a minute (moving between
    // pages), then ends it.
    drop(c2);
    let hub = app.live_chat.hub();
    for _ in 0..50 {
        if hub.operators_on_duty().iter().all(|p| !p.connected) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(hub.expire(std::time::Instant::now()), 0);
    assert!(hub.anyone_available());
    let mut v2 = app.visitor_socket().await;
    assert_eq!(v2.expect("welcome").await["operators_available"], true);
    let later = std::time::Instant::now() + tolbooth_core::chat::hub::PRESENCE_GRACE;
    assert_eq!(hub.expire(later), 1);
    assert_eq!(
        v2.expect("availability").await["operators_available"],
        false
    );
    let names: BTreeSet<String> = hub
        .operators_on_duty()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(names.is_empty(), "{names:?}");
    let mut v3 = app.visitor_socket().await;
    assert_eq!(v3.expect("welcome").await["operators_available"], false);

    // Signing out ends it at once.
    let mut c3 = app.console_socket(&b2).await.unwrap();
    c3.expect("mine").await;
    c3.send(json!({"type": "status", "available": true})).await;
    v3.expect("availability").await;
    let page = b2.get("/console").await;
    let csrf = page.csrf().unwrap();
    assert_eq!(
        b2.post("/logout", &[("csrf", csrf.as_str())]).await.status,
        303
    );
    assert_eq!(
        v3.expect("availability").await["operators_available"],
        false
    );
}

async fn quiet_chats_end_and_unanswered_enquiries_are_abandoned(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ewan = app.staff("ewan", Role::Operator).await;
    let ctx = tolbooth_core::staff::ClientContext {
        ip: None,
        request_id: None,
    };
    let mut answered = app.visitor_socket().await;
    let (answered_id, _) = start(&mut answered, "Where do I pay a parking fine?").await;
    app.live_chat
        .accept(&ewan.member, answered_id.parse().unwrap(), &ctx)
        .await
        .unwrap();
    let mut waiting = app.visitor_socket().await;
    let (waiting_id, waiting_token) = start(&mut waiting, "Hello?").await;
    let minutes = time::Duration::minutes;

    // Twenty minutes on, nothing is due yet.
    app.clock.advance(minutes(20));
    assert_eq!(
        app.live_chat
            .close_idle(minutes(30), minutes(30), &ctx)
            .await
            .unwrap(),
        (0, 0)
    );
    // The visitor in the answered chat writes: its clock starts again.
    answered
        .send(json!({"type": "send", "client_id": "v-1", "text": "still there?"}))
        .await;
    answered.expect("ack").await;
    app.clock.advance(minutes(15));
    assert_eq!(
        app.live_chat
            .close_idle(minutes(30), minutes(30), &ctx)
            .await
            .unwrap(),
        (0, 1),
        "only the enquiry nobody answered for 35 minutes"
    );
    let gone = waiting
        .collect_until("state", |s| s["state"] != "requested")
        .await;
    assert_eq!(gone.last().unwrap()["state"], "abandoned");
    assert!(app
        .store
        .chat_by_ref(waiting_id.parse().unwrap())
        .await
        .unwrap()
        .is_none());
    assert!(app
        .live_chat
        .visitor_chat(&waiting_token, &ctx)
        .await
        .is_err());

    app.clock.advance(minutes(16));
    assert_eq!(
        app.live_chat
            .close_idle(minutes(30), minutes(30), &ctx)
            .await
            .unwrap(),
        (1, 0)
    );
    let ended = answered
        .collect_until("state", |s| s["state"] == "ended")
        .await;
    assert_eq!(ended.last().unwrap()["ended_by"], "inactivity");
}

async fn out_of_hours_chat_says_so_and_takes_no_enquiries(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.chat.opening_hours = Some("Mon-Fri 09:00-17:00".into());
        c.chat.closed_dates = "2026-11-24".into();
    })
    .await
    else {
        return;
    };
    // The test clock starts on Sunday 22 November 2026, 09:00 UTC.
    let mut v = app.visitor_socket().await;
    let welcome = v.expect("welcome").await;
    assert_eq!(welcome["open"], false);
    assert_eq!(welcome["hours"], "Monday to Friday 09:00 to 17:00");
    v.send(json!({"type": "start", "question": "Are you there?"}))
        .await;
    assert_eq!(v.expect("error").await["code"], "out_of_hours");
    let res = reqwest::Client::new()
        .post(format!("{}/api/chats", app.base_url))
        .json(&json!({"question": "Are you there?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "out_of_hours");

    // Monday 10:00 in London: open.
    app.clock.advance(time::Duration::hours(25));
    let mut v = app.visitor_socket().await;
    assert_eq!(v.expect("welcome").await["open"], true);
    let mut v = app.visitor_socket().await;
    start(&mut v, "Now?").await;
    // Tuesday 24th is a closed date.
    app.clock.advance(time::Duration::days(1));
    let mut v = app.visitor_socket().await;
    assert_eq!(v.expect("welcome").await["open"], false);
}

/// 200 waiting enquiries whose questions are as long as a message may be,
/// in four-byte characters: the console still opens and works. The queue
/// carries the start of each question; the whole comes with the chat.
async fn a_full_queue_of_the_longest_questions_still_opens_the_console(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.chat.starts_per_address = 1_000).await
    else {
        return;
    };
    let longest = "\u{1F4AC}".repeat(tolbooth_domain::chat::MessageBody::MAX_CHARS);
    let ctx = tolbooth_core::staff::ClientContext {
        ip: None,
        request_id: None,
    };
    let mut refs = Vec::new();
    for _ in 0..200 {
        let started = app
            .live_chat
            .start(&longest, None, &Default::default(), &ctx)
            .await
            .unwrap();
        refs.push(started.chat.lifecycle.chat_ref.to_string());
    }
    let (browser, _) = app.signed_in("morag", Role::Operator).await;
    for attempt in 0..2 {
        let mut console = app.console_socket(&browser).await.unwrap();
        console.expect("hello").await;
        console.expect("operators").await;
        let queue = console.expect("queue").await;
        assert_eq!(queue["total"], 200, "attempt {attempt}");
        let chats = queue["chats"].as_array().unwrap();
        assert_eq!(chats.len(), 200, "every waiting enquiry is listed");
        for chat in chats {
            let preview = chat["question"].as_str().unwrap();
            assert!(preview.chars().count() <= 140, "{}", preview.len());
            assert!(preview.starts_with("\u{1F4AC}"));
            assert_eq!(chat["truncated"], true);
        }
        console.expect("canned").await;
        console.expect("mine").await;
        if attempt == 1 {
            // Opening an enquiry gives its whole question.
            console
                .send(json!({"type": "accept", "chat_id": refs[0]}))
                .await;
            assert_eq!(console.expect("state").await["state"], "accepted");
            let question = console.expect("message").await;
            assert_eq!(question["seq"], 1);
            assert_eq!(question["text"].as_str().unwrap(), longest);
        }
    }
}

/// One address may hold `chat.sockets_per_address` visitors' sockets; the
/// next is closed at once with 4030, and a place given back is free again.
async fn sockets_per_address_are_capped(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.chat.sockets_per_address = 3).await else {
        return;
    };
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut s = app.visitor_socket().await;
        s.expect("welcome").await;
        open.push(s);
    }
    let mut refused = app.visitor_socket().await;
    let end = refused.next().await.err();
    assert!(
        matches!(end, Some(SocketEnd::Closed(Some(4030)))),
        "{end:?}"
    );
    // The console's socket is the staff's, and not counted.
    let (browser, _) = app.signed_in("morag", Role::Operator).await;
    let mut console = app.console_socket(&browser).await.unwrap();
    console.expect("hello").await;

    // Closing one frees its place (as soon as the server has seen it go).
    drop(open.pop());
    let mut reopened = None;
    for _ in 0..50 {
        let mut s = app.visitor_socket().await;
        match s.next().await {
            Ok(frame) if frame["type"] == "welcome" => {
                reopened = Some(s);
                break;
            }
            Err(SocketEnd::Closed(Some(4030))) => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(reopened.is_some(), "the freed place is taken again");
    let mut over = app.visitor_socket().await;
    let end = over.next().await.err();
    assert!(
        matches!(end, Some(SocketEnd::Closed(Some(4030)))),
        "{end:?}"
    );
}
