//! The steps of a chat as people take them, for tests that need a chat in
//! some state: a visitor asks through the widget's API, a chat runs its
//! course through the live chat use cases.

use crate::{TestApp, TestStaff};
use serde_json::{json, Map, Value};
use time::Duration;
use tolbooth_core::chat::Arrival;
use tolbooth_core::staff::ClientContext;
use tolbooth_domain::chat::ChatRef;

/// The address operators' requests come from in these journeys.
const OPERATOR_ADDRESS: &str = "10.0.0.1";

fn from(ip: &str) -> ClientContext {
    ClientContext {
        ip: Some(ip.parse().expect("an IP address")),
        request_id: None,
    }
}

/// What a visitor sends when starting a chat from the widget: the question
/// and whatever the widget adds (name, visitor id, pages), with the
/// request's headers.
#[derive(Debug, Clone, Default)]
pub struct Enquiry {
    fields: Map<String, Value>,
    headers: Vec<(&'static str, String)>,
}

impl Enquiry {
    pub fn new(question: &str) -> Self {
        let mut fields = Map::new();
        fields.insert("question".into(), json!(question));
        Enquiry {
            fields,
            headers: Vec::new(),
        }
    }

    /// A field of the start request, as the widget sends it.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.fields.insert(key.to_owned(), value);
        self
    }

    /// A header of the start request (`user-agent`, `x-forwarded-for`).
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// A chat a visitor started: its Chat ID and the visitor's token.
#[derive(Debug, Clone)]
pub struct AskedChat {
    pub chat_id: String,
    pub token: String,
}

impl TestApp {
    /// A visitor asks `question` through the widget's API (`POST
    /// /api/chats`), as a person on the website does.
    pub async fn visitor_asks(&self, question: &str) -> AskedChat {
        self.visitor_asks_with(Enquiry::new(question)).await
    }

    /// A visitor starts a chat with the details and headers of `enquiry`.
    pub async fn visitor_asks_with(&self, enquiry: Enquiry) -> AskedChat {
        let mut request = reqwest::Client::new()
            .post(format!("{}/api/chats", self.base_url))
            .json(&Value::Object(enquiry.fields));
        for (name, value) in enquiry.headers {
            request = request.header(name, value);
        }
        let res = request.send().await.expect("the start request");
        assert_eq!(res.status(), 201, "the chat starts");
        let v: Value = res.json().await.expect("a JSON answer");
        AskedChat {
            chat_id: v["chat_id"].as_str().expect("a Chat ID").to_owned(),
            token: v["token"].as_str().expect("a token").to_owned(),
        }
    }

    /// A chat that ran its course, through the live chat use cases: the
    /// visitor at `visitor_address` asks the first of `visitor_lines` with
    /// the details the widget sends; half a minute later `operator` accepts
    /// and replies; the visitor says the rest; four minutes on, the
    /// operator ends it.
    pub async fn chat_that_ran_its_course(
        &self,
        operator: &TestStaff,
        visitor_address: &str,
        visitor_lines: &[&str],
    ) -> ChatRef {
        let visitor = from(visitor_address);
        let operator_ctx = from(OPERATOR_ADDRESS);
        let arrival = Arrival {
            name: Some("Morag".into()),
            launch_url: Some("https://www.example.gov.uk/bins?street=x".into()),
            referrer: Some("https://search.example/".into()),
            pages_visited: Some(4),
            seconds_on_site: Some(95),
            user_agent: Some(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
                    .into(),
            ),
            ..Arrival::default()
        };
        let started = self
            .live_chat
            .start(visitor_lines[0], Some("q1"), &arrival, &visitor)
            .await
            .expect("the chat starts");
        let chat_ref = started.chat.lifecycle.chat_ref;
        self.clock.advance(Duration::seconds(30));
        self.live_chat
            .accept(&operator.member, chat_ref, &operator_ctx)
            .await
            .expect("the operator accepts");
        self.live_chat
            .operator_send(
                &operator.member,
                chat_ref,
                "op1",
                "Thanks, let me look into that.",
            )
            .await
            .expect("the operator replies");
        for (i, line) in visitor_lines.iter().enumerate().skip(1) {
            self.live_chat
                .visitor_send(started.token.expose(), &format!("v{i}"), line, &visitor)
                .await
                .expect("the visitor writes");
        }
        self.clock.advance(Duration::minutes(4));
        self.live_chat
            .end(&operator.member, chat_ref, &operator_ctx)
            .await
            .expect("the operator ends the chat");
        chat_ref
    }
}
