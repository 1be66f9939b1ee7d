//! What a visitor does in live chat: start a chat with their question,
//! come back to it with their token, write, type and leave; and the
//! chatbot conversation that led to the chat, noted for the operator.

use super::*;

impl LiveChat {
    /// What is kept about the visitor of a new chat (LC-2).
    fn visitor_details(&self, arrival: &Arrival, ip: Option<IpAddr>) -> VisitorDetails {
        let agent = arrival
            .user_agent
            .as_deref()
            .map(user_agent::describe)
            .unwrap_or_default();
        let bounded =
            |n: Option<u64>, max: u32| n.map(|n| u32::try_from(n).unwrap_or(max).min(max));
        VisitorDetails {
            name: arrival.name.as_deref().and_then(visitor::clean_name),
            ip,
            browser: agent.browser,
            operating_system: agent.operating_system,
            device: agent.device,
            referrer: arrival.referrer.as_deref().and_then(visitor::clean_url),
            launch_url: arrival.launch_url.as_deref().and_then(visitor::clean_url),
            pages_visited: bounded(arrival.pages_visited, visitor::MAX_PAGES),
            seconds_on_site: bounded(arrival.seconds_on_site, visitor::MAX_SECONDS_ON_SITE),
            location: match (&self.locator, ip) {
                (Some(l), Some(ip)) => l.locate(ip),
                _ => None,
            },
            visitor_key: arrival
                .visitor_id
                .as_deref()
                .filter(|id| visitor::valid_visitor_id(id))
                .map(token_hash),
        }
    }

    /// Starts a chat: the question is its first message (LC-1).
    pub async fn start(
        &self,
        question: &str,
        client_id: Option<&str>,
        arrival: &Arrival,
        ctx: &ClientContext,
    ) -> Result<StartedChat, ChatError> {
        let question = MessageBody::parse(question)?;
        let question_client_id = client_id.map(ClientMessageId::parse).transpose()?;
        if !self.opening().0 {
            return Err(ChatError::OutOfHours);
        }
        if !self.starts.allow(ctx.ip, self.clock.now()) {
            return Err(ChatError::RateLimited);
        }
        let visitor = self.visitor_details(arrival, ctx.ip);
        // A clash of 40-bit references is rare; try again with fresh ones.
        for _ in 0..5 {
            let mut bytes = [0u8; 5];
            OsRng.fill_bytes(&mut bytes);
            let chat_ref = ChatRef::from_random(bytes);
            let token = random_token();
            let new = NewChat {
                chat_ref,
                visitor_token_hash: token_hash(token.expose()),
                requested_at: self.clock.now(),
                question: question.clone(),
                question_client_id: question_client_id.clone(),
                visitor: visitor.clone(),
            };
            match self
                .chats
                .create_chat(
                    new,
                    audit(Actor::Anonymous, "chat.requested", chat_ref, ctx),
                )
                .await
            {
                Ok(chat) => {
                    self.hub.desk_signal(DeskSignal::QueueChanged);
                    return Ok(StartedChat { chat, token });
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ChatError::Conflict)
    }

    /// The chat a visitor's token opens. A token that opens nothing — a
    /// guess, another chat's mistyped token, a deleted chat — is refused
    /// with `NotFound` and audited (`chat.access_refused`, with the request
    /// but never the token); after [`REFUSALS_PER_ADDRESS`] refusals in
    /// [`START_WINDOW`] an address is only told to slow down.
    pub async fn visitor_chat(
        &self,
        token: &str,
        ctx: &ClientContext,
    ) -> Result<StoredChat, ChatError> {
        if let Some(chat) = self.chats.chat_by_token(&token_hash(token)).await? {
            return Ok(chat);
        }
        if !self.refusals.allow(ctx.ip, self.clock.now()) {
            return Err(ChatError::RateLimited);
        }
        self.audit_log
            .append_audit(
                NewAuditEntry::new(Actor::Anonymous, "chat.access_refused")
                    .because("no chat for the token presented")
                    .in_request(ctx.request_id.clone()),
            )
            .await?;
        Err(ChatError::NotFound)
    }

    pub async fn visitor_send(
        &self,
        token: &str,
        client_id: &str,
        text: &str,
        ctx: &ClientContext,
    ) -> Result<Appended, ChatError> {
        let chat = self.visitor_chat(token, ctx).await?;
        self.visitor_send_to(&chat, client_id, text).await
    }

    /// Sends in a chat whose token the caller has already checked (a
    /// socket that started or resumed it): no lookup per message. The
    /// store still refuses a chat that has closed since.
    pub async fn visitor_send_to(
        &self,
        chat: &StoredChat,
        client_id: &str,
        text: &str,
    ) -> Result<Appended, ChatError> {
        let client_id = ClientMessageId::parse(client_id)?;
        // A resend (the same client id) is not a new message: it does not
        // count towards the limit, and one refused because its window has
        // passed is still answered with the stored message.
        if !self
            .sends
            .allow_once(chat.id, client_id.as_str(), self.clock.now())
        {
            return match self
                .chats
                .message_by_client_id(chat.id, Sender::Visitor, &client_id)
                .await?
            {
                Some(message) => Ok(Appended {
                    message,
                    duplicate: true,
                }),
                None => Err(ChatError::RateLimited),
            };
        }
        let message = NewMessage {
            sender: Sender::Visitor,
            client_id: Some(client_id),
            body: MessageBody::parse(text)?,
            sent_at: self.clock.now(),
        };
        self.append(chat, message).await
    }

    /// The chat and its messages after `after`.
    pub async fn visitor_messages(
        &self,
        token: &str,
        after: i64,
        ctx: &ClientContext,
    ) -> Result<(StoredChat, Vec<StoredMessage>), ChatError> {
        let chat = self.visitor_chat(token, ctx).await?;
        let messages = self
            .chats
            .messages_after(chat.id, after.max(0), FETCH_LIMIT)
            .await?;
        Ok((chat, messages))
    }

    /// The visitor leaves: an accepted chat ends; a waiting enquiry is
    /// abandoned and, not being held (LC-6), deleted at once.
    pub async fn visitor_leave(
        &self,
        token: &str,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.visitor_chat(token, ctx).await?;
        self.change(
            chat,
            ChatEvent::End {
                by: EndedBy::Visitor,
            },
            Actor::Anonymous,
            None,
            ctx,
        )
        .await
    }

    /// The visitor started or stopped typing; only the other side hears.
    pub fn visitor_typing(&self, chat: ChatId, active: bool) {
        self.hub.signal(
            chat,
            ChatSignal::Typing {
                side: Side::Visitor,
                active,
            },
        );
    }

    /// Hand-over from the chatbot (BOT-3): puts the visitor's conversation
    /// with the bot into the new chat as notes from Tolbooth, one per turn,
    /// so that the operator sees what was asked and answered, in full.
    /// Notes are for staff: the visitor's side never shows them. At most
    /// [`HANDOVER_TURNS`] turns, the latest.
    pub async fn note_chatbot_conversation(
        &self,
        chat: &StoredChat,
        turns: &[(String, String)],
    ) -> Result<(), ChatError> {
        for (question, answer) in turns.iter().rev().take(HANDOVER_TURNS).rev() {
            let Some(text) = handover_note(question, answer) else {
                continue;
            };
            self.note(chat, &text).await?;
        }
        Ok(())
    }

    async fn note(&self, chat: &StoredChat, text: &str) -> Result<(), ChatError> {
        let body = MessageBody::parse(text)?;
        self.append(
            chat,
            NewMessage {
                sender: Sender::System,
                client_id: None,
                body,
                sent_at: self.clock.now(),
            },
        )
        .await?;
        Ok(())
    }
}
