//! Records that hold what people wrote or who they are print lengths and
//! ids in `Debug`, never content: a record that reaches a log line, a
//! panic message or a failed assertion leaks nothing.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use time::macros::datetime;
use tolbooth_domain::bot::questions::{BotQuestion, BotQuestionId};
use tolbooth_domain::chat::visitor::VisitorDetails;
use tolbooth_domain::chat::{
    ChatId, ChatRef, ClientMessageId, MessageBody, NewChat, NewMessage, Sender, StoredMessage,
};
use tolbooth_domain::retention::{ChatExtract, TranscriptLine};

const CANARY: &str = "Canary-Wren-7F3A";

fn text() -> String {
    format!("my name is {CANARY} and I live at 1 {CANARY} Road")
}

fn assert_clean(what: &str, debug: String) {
    assert!(!debug.contains(CANARY), "{what} shows content: {debug}");
    assert!(
        !debug.contains("203.0.113.9"),
        "{what} shows an address: {debug}"
    );
}

fn visitor() -> VisitorDetails {
    VisitorDetails {
        name: Some(CANARY.into()),
        ip: Some("203.0.113.9".parse().unwrap()),
        browser: Some("Firefox".into()),
        operating_system: Some("Linux".into()),
        device: Some("desktop".into()),
        referrer: Some(format!("https://example.org/{CANARY}")),
        launch_url: Some(format!("https://example.org/{CANARY}")),
        pages_visited: Some(3),
        seconds_on_site: Some(40),
        location: Some(format!("{CANARY}ton, United Kingdom")),
        visitor_key: Some(CANARY.into()),
    }
}

#[test]
fn records_of_what_people_wrote_print_no_content() {
    let at = datetime!(2026-12-01 10:00 UTC);
    let body = MessageBody::parse(&text()).unwrap();
    assert_clean("MessageBody", format!("{body:?}"));
    assert!(format!("{body:?}").contains("chars"), "its length is shown");
    assert_clean("VisitorDetails", format!("{:?}", visitor()));
    let message = StoredMessage {
        seq: 2,
        sender: Sender::Visitor,
        client_id: Some(ClientMessageId::parse("m1").unwrap()),
        body: body.clone(),
        sent_at: at,
    };
    assert_clean("StoredMessage", format!("{message:?}"));
    let new = NewMessage {
        sender: Sender::Visitor,
        client_id: None,
        body: body.clone(),
        sent_at: at,
    };
    assert_clean("NewMessage", format!("{new:?}"));
    let chat = NewChat {
        chat_ref: ChatRef::from_random([1, 2, 3, 4, 5]),
        visitor_token_hash: "00".repeat(32),
        requested_at: at,
        question: body,
        question_client_id: None,
        visitor: visitor(),
    };
    assert_clean("NewChat", format!("{chat:?}"));
    let question = BotQuestion {
        id: BotQuestionId::parse(&"ab".repeat(16)).unwrap(),
        asked_at: at,
        question: Some(text()),
        redacted: Some(text()),
        service_area: Some("bins".into()),
        answered: false,
        reason: Some("low_confidence".into()),
        page_url: None,
        helpful: None,
    };
    assert_clean("BotQuestion", format!("{question:?}"));
    let line = TranscriptLine {
        seq: 1,
        sender: "visitor".into(),
        at_ms: 0,
        text: text(),
    };
    assert_clean("TranscriptLine", format!("{line:?}"));
    let extract = ChatExtract {
        chat_id: ChatId(7),
        chat_ref: None,
        operator_name: Some("Morag".into()),
        requested_at: at,
        accepted_at: None,
        ended_at: at,
        chat_seconds: Some(60),
        question: Some(text()),
        browser: Some("Firefox".into()),
        referrer: Some(format!("https://example.org/{CANARY}")),
        launch_url: Some(format!("https://example.org/{CANARY}")),
        pages_visited: Some(1),
        seconds_on_site: Some(1),
        content: Some(vec![line]),
        ended_by: None,
        edited_by_staff: false,
        extracted_at: at,
        anonymised_at: None,
    };
    assert_clean("ChatExtract", format!("{extract:?}"));
    assert_clean("ChatExtract (pretty)", format!("{extract:#?}"));
}
