//! The demo organisation that `tolbooth demo` sets up: an administrator, an
//! operator and a supervisor with one-time passwords, and a little history.

use crate::staff::{AccountError, Accounts};
use tolbooth_domain::audit::Actor;
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::role::Role;

pub const DEMO_ADMIN: &str = "demo-admin";
pub const DEMO_OPERATOR: &str = "demo-operator";
pub const DEMO_SUPERVISOR: &str = "demo-supervisor";

/// A demo sign-in to print once.
#[derive(Debug)]
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub password: Secret<String>,
}

/// Creates the demo accounts, or gives them fresh one-time passwords when
/// they exist from an earlier run.
pub async fn seed(accounts: &Accounts) -> Result<Vec<DemoLogin>, AccountError> {
    let actor = Actor::system("demo");
    let mut out = Vec::new();
    for (username, name, role) in [
        (DEMO_ADMIN, "Demo Administrator", Role::Admin),
        (DEMO_OPERATOR, "Demo Operator", Role::Operator),
        (DEMO_SUPERVISOR, "Demo Supervisor", Role::Supervisor),
    ] {
        let password = match accounts.find(username).await {
            Ok(existing) => {
                if existing.disabled {
                    accounts
                        .set_disabled(actor.clone(), existing.id, false, None)
                        .await?;
                }
                accounts
                    .reset_password(actor.clone(), existing.id, false, None)
                    .await?
            }
            Err(AccountError::NotFound) => {
                accounts
                    .add_staff(actor.clone(), username, name, role, None)
                    .await?
                    .1
            }
            Err(e) => return Err(e),
        };
        out.push(DemoLogin {
            username: username.to_owned(),
            role,
            password,
        });
    }
    Ok(out)
}

/// Why the demo's history could not be written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Chat(#[from] crate::chat::ChatError),
    #[error(transparent)]
    Chatbot(#[from] crate::bot::ChatbotError),
    #[error(transparent)]
    Account(#[from] AccountError),
}

/// Questions a visitor asked the demo's chatbot, and whether they said the
/// answer helped (`None`: they did not say).
const BOT_HISTORY: [(&str, Option<bool>); 8] = [
    ("when is garden waste collected", Some(true)),
    ("what time does the library open on sunday", Some(true)),
    ("how do I pay my council tax", Some(true)),
    ("how do I report a pothole", Some(true)),
    ("can I get a parking permit for my street", Some(false)),
    ("how do I apply for a school place", None),
    ("has my housing application been decided", Some(false)),
    ("where is the nearest recycling centre", Some(true)),
];

/// Live chats the demo operator answered: the visitor's lines and the
/// operator's, alternating, the visitor first.
const CHAT_HISTORY: [&[&str]; 3] = [
    &[
        "Can I change the day my brown bin is collected?",
        "Collection days are set by street, so we cannot move one bin, but you can put it out the evening before.",
        "That's fine, thank you.",
    ],
    &[
        "Is the library open on the bank holiday Monday?",
        "The libraries are closed on bank holidays and open as usual the next day.",
    ],
    &[
        "How do I book a bulky waste collection?",
        "You can book it online on our bulky waste page; collections are on Wednesdays.",
        "Great, I'll do that.",
        "You're welcome. Is there anything else?",
    ],
];

/// A little history for a new demo, so that the reports have something to
/// show on first start: chatbot questions with feedback, and ended chats
/// answered by the demo operator. Nothing in it is about a real person.
pub async fn seed_history(
    accounts: &Accounts,
    live_chat: &crate::chat::LiveChat,
    chatbot: &crate::bot::Chatbot,
) -> Result<(), HistoryError> {
    for (question, helpful) in BOT_HISTORY {
        let asked = chatbot.ask(question, "demo-history").await?;
        if let (Some(id), Some(helpful)) = (&asked.id, helpful) {
            chatbot.feedback(id.as_str(), helpful).await?;
        }
        // The visitor whose housing question the chatbot could not answer
        // asked for a person.
        if let (Some(id), Some(false)) = (&asked.id, helpful) {
            if question.starts_with("has my housing") {
                chatbot.handed_over(id.as_str()).await?;
            }
        }
    }
    let operator = accounts.find(DEMO_OPERATOR).await?;
    let ctx = crate::staff::ClientContext {
        ip: None,
        request_id: None,
    };
    for (n, lines) in CHAT_HISTORY.into_iter().enumerate() {
        let arrival = crate::chat::Arrival {
            name: None,
            visitor_id: None,
            launch_url: Some("https://demo-council.example/contact".into()),
            referrer: None,
            pages_visited: Some(2 + n as u64),
            seconds_on_site: Some(90 + 40 * n as u64),
            user_agent: None,
        };
        let started = live_chat.start(lines[0], None, &arrival, &ctx).await?;
        let chat_ref = started.chat.lifecycle.chat_ref;
        live_chat.accept(&operator, chat_ref, &ctx).await?;
        for (i, line) in lines.iter().enumerate().skip(1) {
            let client_id = format!("demo-{n}-{i}");
            if i % 2 == 1 {
                live_chat
                    .operator_send(&operator, chat_ref, &client_id, line)
                    .await?;
            } else {
                live_chat
                    .visitor_send_to(&started.chat, &client_id, line)
                    .await?;
            }
        }
        live_chat.end(&operator, chat_ref, &ctx).await?;
    }
    // One enquiry turned down: deleted at once, only counted (LC-6).
    let arrival = crate::chat::Arrival {
        name: None,
        visitor_id: None,
        launch_url: None,
        referrer: None,
        pages_visited: None,
        seconds_on_site: None,
        user_agent: None,
    };
    let started = live_chat
        .start("Can you recommend a plumber?", None, &arrival, &ctx)
        .await?;
    live_chat
        .reject(
            &operator,
            started.chat.lifecycle.chat_ref,
            Some(tolbooth_domain::chat::RejectReason::OutOfScope),
            &ctx,
        )
        .await?;
    Ok(())
}
