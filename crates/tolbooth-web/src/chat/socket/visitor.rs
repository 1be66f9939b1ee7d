//! `GET /ws/chat`: the visitor's socket. The first frame that matters is
//! `start` (a new chat with the question) or `resume` (the chat token and
//! the last sequence number seen); after it, `send`, `typing` and `leave`.

use super::delivery::Watching;
use super::frames::{BotTurnIn, Limits, Out, Viewer, VisitorIn};
use super::{close, limited, visitor_origin_allowed, Ending, Read, Slot, Wire};
use crate::client::Client;
use crate::state::AppState;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tolbooth_core::chat::Arrival;
use tolbooth_core::staff::ClientContext;
use tolbooth_core::Code;
use tolbooth_domain::chat::StoredChat;
use tolbooth_domain::secret::Secret;

pub async fn upgrade(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(512).collect::<String>());
    if !visitor_origin_allowed(&state, &headers) {
        return (
            StatusCode::FORBIDDEN,
            "this page's origin is not one of chat.site_origins",
        )
            .into_response();
    }
    // Over the allowance, the socket is opened and closed at once with its
    // code, so that the client can tell why (a refused upgrade says only
    // that it failed).
    let slot = state.sockets.take(client.ip);
    limited(ws).on_upgrade(move |socket| async move {
        match slot {
            Some(slot) => run(state, client, user_agent, socket, slot).await,
            None => {
                let wire = Wire::new("/ws/chat", socket, &state.config.chat);
                wire.finish(Ending::Close(
                    close::TOO_MANY_SOCKETS,
                    "too many connections from this address",
                ))
                .await;
            }
        }
    })
}

/// The visitor's chat once started or resumed.
struct Joined {
    chat: StoredChat,
    token: Secret<String>,
}

/// Who is at the other end of the socket.
struct Peer {
    client: ClientContext,
    user_agent: Option<String>,
}

async fn run(
    state: AppState,
    client: ClientContext,
    user_agent: Option<String>,
    socket: WebSocket,
    _slot: Option<Slot>,
) {
    let mut wire = Wire::new("/ws/chat", socket, &state.config.chat);
    let peer = Peer { client, user_agent };
    let ending = converse(&state, &peer, &mut wire).await;
    wire.finish(ending).await;
}

async fn converse(state: &AppState, peer: &Peer, wire: &mut Wire) -> Ending {
    let live_chat = &state.live_chat;
    let (open, hours) = live_chat.opening();
    // A visitor deciding whether to ask for a person hears when someone
    // becomes available, or stops being: followed from before the welcome,
    // so that no change falls between the two.
    let mut availability = live_chat.hub().follow_availability();
    let operators_available = *availability.borrow_and_update();
    let welcome = Out::Welcome {
        organisation: state.config.organisation.name.clone(),
        open,
        hours,
        operators_available,
        chatbot: state.chatbot.has_knowledge(),
        limits: Limits::SERVER,
        other_contact: state.config.organisation.other_contact.clone(),
    };
    if let Err(e) = wire.send(&welcome).await {
        return e;
    }
    let mut joined: Option<Joined> = None;
    let mut watching = Watching::new(Viewer::Visitor);
    let mut heartbeat = tokio::time::interval(wire.heartbeat_every());
    heartbeat.tick().await;
    loop {
        let step = tokio::select! {
            read = wire.read() => match read {
                Ok(Read::Text(text)) => {
                    handle(state, peer, wire, &mut joined, &mut watching, &text).await
                }
                Ok(Read::Refused | Read::Nothing) => Ok(()),
                Err(e) => Err(e),
            },
            (id, heard) = watching.next() => watching.deliver(id, heard, live_chat, wire).await,
            changed = availability.changed() => match changed {
                Ok(()) => {
                    let operators_available = *availability.borrow_and_update();
                    wire.send(&Out::Availability { operators_available }).await
                }
                // The hub lives as long as the server.
                Err(_) => Ok(()),
            },
            _ = heartbeat.tick() => wire.heartbeat().await,
        };
        if let Err(ending) = step {
            return ending;
        }
    }
}

/// The chatbot turns of a hand-over, and the id of the last question
/// (counted as handed over).
fn turns_of(bot_transcript: Vec<BotTurnIn>) -> (Vec<(String, String)>, Option<String>) {
    let last_asked = bot_transcript.last().and_then(|t| t.id.clone());
    let turns = bot_transcript
        .into_iter()
        .map(|t| (t.question, t.answer))
        .collect();
    (turns, last_asked)
}

async fn handle(
    state: &AppState,
    peer: &Peer,
    wire: &mut Wire,
    joined: &mut Option<Joined>,
    watching: &mut Watching,
    text: &str,
) -> Result<(), Ending> {
    let live_chat = &state.live_chat;
    let client = &peer.client;
    let Some(frame) = super::parse_frame::<VisitorIn>(wire, text).await? else {
        return Ok(());
    };
    let mut session = Session {
        state,
        wire,
        joined,
        watching,
    };
    match frame {
        VisitorIn::Ping => session.wire.send(&Out::Pong).await,
        VisitorIn::Start {
            question,
            client_id,
            name,
            visitor_id,
            context,
            bot_transcript,
        } => {
            let arrival = Arrival {
                name,
                visitor_id,
                launch_url: context.launch_url,
                referrer: context.referrer,
                pages_visited: context.pages_visited,
                seconds_on_site: context.seconds_on_site,
                user_agent: peer.user_agent.clone(),
            };
            let turns = turns_of(bot_transcript);
            session
                .start(&question, client_id, &arrival, turns, client)
                .await
        }
        VisitorIn::Ask {
            question,
            client_id,
        } => {
            let address = client.ip.map(|ip| ip.to_string()).unwrap_or_default();
            let out = match state.chatbot.ask(&question, &address).await {
                Ok(asked) => Out::Answer {
                    client_id,
                    answer: asked.into(),
                },
                Err(e) => bot_error(&e, client_id),
            };
            session.wire.send(&out).await
        }
        VisitorIn::Feedback { id, helpful } => {
            let out = match state.chatbot.feedback(&id, helpful).await {
                Ok(()) => Out::FeedbackSaved { id },
                Err(e) => bot_error(&e, None),
            };
            session.wire.send(&out).await
        }
        VisitorIn::Resume { token, after } => session.resume(token, after, client).await,
        VisitorIn::Send { client_id, text } => session.send(client_id, &text).await,
        VisitorIn::Typing { active } => {
            let Some(j) = session.joined.as_ref() else {
                return not_started(session.wire, None).await;
            };
            live_chat.visitor_typing(j.chat.id, active);
            Ok(())
        }
        VisitorIn::Leave => {
            let Some(j) = session.joined.as_ref() else {
                return not_started(session.wire, None).await;
            };
            match live_chat.visitor_leave(j.token.expose(), client).await {
                // The new state reaches this socket through the chat's
                // signals, in order with its messages.
                Ok(_) => Ok(()),
                Err(e) => session.wire.send(&Out::chat_error(&e, None, None)).await,
            }
        }
    }
}

/// One visitor socket's state, borrowed for the frame being handled.
struct Session<'a> {
    state: &'a AppState,
    wire: &'a mut Wire,
    joined: &'a mut Option<Joined>,
    watching: &'a mut Watching,
}

impl Session<'_> {
    async fn already_started(&mut self, client_id: Option<String>) -> Result<(), Ending> {
        self.wire
            .send(&Out::error(
                Code::AlreadyStarted,
                "this socket already has a chat",
                client_id,
            ))
            .await
    }

    /// Follows `chat` from sequence number `after` and sends what it missed.
    async fn join(
        &mut self,
        chat: StoredChat,
        token: Secret<String>,
        after: i64,
    ) -> Result<(), Ending> {
        let live_chat = &self.state.live_chat;
        let id = chat.id;
        self.watching.watch(live_chat, chat.clone(), after);
        *self.joined = Some(Joined { chat, token });
        self.watching.catch_up(id, live_chat, self.wire).await
    }

    /// A new chat (LC-1), with the chatbot conversation that led to it
    /// noted for the operator.
    async fn start(
        &mut self,
        question: &str,
        client_id: Option<String>,
        arrival: &Arrival,
        (bot_turns, last_asked): (Vec<(String, String)>, Option<String>),
        client: &ClientContext,
    ) -> Result<(), Ending> {
        if self.joined.is_some() {
            return self.already_started(client_id).await;
        }
        let live_chat = &self.state.live_chat;
        let started = match live_chat
            .start(question, client_id.as_deref(), arrival, client)
            .await
        {
            Ok(started) => started,
            Err(e) => return self.wire.send(&Out::chat_error(&e, client_id, None)).await,
        };
        let chat = started.chat;
        if !bot_turns.is_empty() {
            if let Err(e) = live_chat.note_chatbot_conversation(&chat, &bot_turns).await {
                tracing::warn!(error = %e, "the chatbot conversation was not added to the chat");
            }
        }
        crate::chat::count_hand_over(self.state, last_asked).await;
        self.wire
            .send(&Out::Started {
                chat_id: chat.lifecycle.chat_ref.to_string(),
                token: started.token.expose().clone(),
                client_id,
            })
            .await?;
        self.wire.send(&Out::state(&chat)).await?;
        self.join(chat, started.token, 0).await
    }

    /// Back to a chat after a reload or a dropped connection (LC-5).
    async fn resume(
        &mut self,
        token: String,
        after: i64,
        client: &ClientContext,
    ) -> Result<(), Ending> {
        if self.joined.is_some() {
            return self.already_started(None).await;
        }
        match self.state.live_chat.visitor_chat(&token, client).await {
            Ok(chat) => {
                self.wire.send(&Out::state(&chat)).await?;
                self.join(chat, Secret::new(token), after).await
            }
            Err(tolbooth_core::chat::ChatError::NotFound) => {
                self.wire
                    .send(&Out::error(Code::NotFound, "no such chat", None))
                    .await?;
                Err(Ending::Close(super::close::NO_CHAT, "no such chat"))
            }
            Err(e) => self.wire.send(&Out::chat_error(&e, None, None)).await,
        }
    }

    /// A visitor's message, acknowledged with its sequence number.
    async fn send(&mut self, client_id: String, text: &str) -> Result<(), Ending> {
        let Some(j) = self.joined.as_ref() else {
            return not_started(self.wire, Some(client_id)).await;
        };
        let chat_id = j.chat.lifecycle.chat_ref.to_string();
        let out = match self
            .state
            .live_chat
            .visitor_send_to(&j.chat, &client_id, text)
            .await
        {
            Ok(appended) => Out::Ack {
                chat_id,
                client_id,
                seq: appended.message.seq,
                duplicate: appended.duplicate,
            },
            Err(e) => Out::chat_error(&e, Some(client_id), Some(chat_id)),
        };
        self.wire.send(&out).await
    }
}

async fn not_started(wire: &mut Wire, client_id: Option<String>) -> Result<(), Ending> {
    wire.send(&Out::error(
        Code::NotStarted,
        "start or resume a chat first",
        client_id,
    ))
    .await
}

fn bot_error(e: &tolbooth_core::bot::ChatbotError, client_id: Option<String>) -> Out {
    let code = e.code();
    if code.is_server_fault() {
        tracing::error!(error = %e, "chatbot request failed");
        return Out::error(
            Code::Unavailable,
            "the service is temporarily unavailable",
            client_id,
        );
    }
    Out::error(code, &e.to_string(), client_id)
}
