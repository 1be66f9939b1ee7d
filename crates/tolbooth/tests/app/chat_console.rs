//! The operator's chat pages: queue, accept, transcript (audited), reply,
//! end; visitor text rendered inert; roles that do not answer chats are
//! refused.

use serde_json::Value;
use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, AskedChat, Backend, TestApp};

backend_tests!(an_operator_answers_from_the_console);

async fn an_operator_answers_from_the_console(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let payload = r#"<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a>"#;
    let AskedChat { chat_id, token } = app.visitor_asks(payload).await;

    let op = app.staff("morag", Role::Operator).await;
    let mut b = app.browser();
    assert_eq!(b.sign_in("morag", &op.password).await.status, 303);
    b.change_password(
        &op.password,
        "a long new passphrase",
        "a long new passphrase",
    )
    .await;

    let queue = b.get("/console/chats").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains(&chat_id), "{}", queue.body);
    assert!(
        !queue.body.contains("<script>alert(1)") && !queue.body.contains("<img src=x"),
        "the question is rendered as text"
    );
    assert!(
        queue.body.contains("&lt;script&gt;") || queue.body.contains("&#60;script&#62;"),
        "escaped, still readable: {}",
        queue.body
    );

    let accepted = b
        .submit(
            "/console/chats",
            &format!("/console/chats/{chat_id}/accept"),
            &[],
        )
        .await;
    assert_eq!(accepted.status, 303);
    let page_path = format!("/console/chats/{chat_id}");
    let reply = b
        .submit(
            &page_path,
            &format!("/console/chats/{chat_id}/messages"),
            &[
                ("client_id", "op-1"),
                ("text", "Hello, I can help with that"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303);
    let page = b.get(&page_path).await;
    assert!(page.body.contains("Hello, I can help with that"));
    assert!(
        !page.body.contains("<script>alert(1)"),
        "transcript renders text"
    );
    assert!(!app.audited("chat.transcript_opened").await.is_empty());

    // The visitor sees the reply.
    let v: Value = reqwest::Client::new()
        .get(format!("{}/api/chats/messages?after=1", app.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["messages"][0]["text"], "Hello, I can help with that");
    assert_eq!(v["operator"], op.member.display_name.as_str());

    let ended = b
        .submit(&page_path, &format!("/console/chats/{chat_id}/end"), &[])
        .await;
    assert_eq!(ended.status, 303);
    assert_eq!(app.audited("chat.ended").await.len(), 1);

    // A governance officer does not answer chats: refused and audited.
    let (mut gov_browser, _) = app.signed_in_admin("gina").await;
    let denied = gov_browser.get("/console/chats").await;
    assert_eq!(denied.status, 403);
}
