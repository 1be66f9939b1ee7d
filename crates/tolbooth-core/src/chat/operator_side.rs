//! What staff do in live chat: the queue, accepting, rejecting, writing,
//! ending and transferring a chat, its transcript (audited) and visitor
//! panel, flags, and canned responses. Every step checks the member's
//! permission again.

use super::*;

impl LiveChat {
    /// An operator takes an enquiry from the queue.
    pub async fn accept(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        let event = ChatEvent::Accept {
            operator: staff.display_name.as_str().to_owned(),
        };
        self.change(chat, event, staff_actor(staff), Some(staff), ctx)
            .await
    }

    /// An operator turns an enquiry down, saying why when they chose a
    /// reason (kept in the audit log, with no word of the enquiry); it is
    /// deleted at once (LC-6).
    pub async fn reject(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        reason: Option<RejectReason>,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        let because = reason.map(RejectReason::name);
        self.change_because(
            chat,
            ChatEvent::Reject,
            staff_actor(staff),
            None,
            ctx,
            because,
        )
        .await
    }

    pub async fn end(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        let operator = chat.operator_staff_id.map(|_| staff);
        self.change(
            chat,
            ChatEvent::End {
                by: EndedBy::Operator,
            },
            staff_actor(staff),
            operator,
            ctx,
        )
        .await
    }

    pub async fn operator_send(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        client_id: &str,
        text: &str,
    ) -> Result<Appended, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        if chat.lifecycle.state != ChatState::Accepted {
            return Err(ChatError::Closed);
        }
        if chat.operator_staff_id != Some(staff.id) {
            return Err(ChatError::NotYours);
        }
        let message = NewMessage {
            sender: Sender::Operator(staff.id),
            client_id: Some(ClientMessageId::parse(client_id)?),
            body: MessageBody::parse(text)?,
            sent_at: self.clock.now(),
        };
        self.append(&chat, message).await
    }

    /// Enquiries waiting for an operator, oldest first, each with its
    /// question (its first message) so the operator can choose. Two
    /// queries, whatever the length of the queue.
    pub async fn queue(&self) -> Result<Vec<(StoredChat, Option<MessageBody>)>, ChatError> {
        let mut questions: std::collections::HashMap<ChatId, MessageBody> =
            self.chats.queue_questions().await?.into_iter().collect();
        Ok(self
            .chats
            .queue()
            .await?
            .into_iter()
            .map(|chat| {
                let question = questions.remove(&chat.id);
                (chat, question)
            })
            .collect())
    }

    /// A chat and its messages for a member of staff; every opening is
    /// audited (`chat.transcript_opened`).
    pub async fn transcript(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<(StoredChat, Vec<StoredMessage>), ChatError> {
        let chat = self.open_transcript(staff, chat_ref, ctx).await?;
        let messages = self.chats.messages_after(chat.id, 0, FETCH_LIMIT).await?;
        Ok((chat, messages))
    }

    /// Records that a member of staff opened a chat's transcript
    /// (`chat.transcript_opened`) and returns the chat; the caller then
    /// reads its messages (a console subscribes first, so that nothing
    /// committed in between is missed).
    pub async fn open_transcript(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<StoredChat, ChatError> {
        self.opened(staff, chat_ref, "chat.transcript_opened", ctx)
            .await
    }

    /// The chat, once the reading of it by `staff` is in the audit log.
    async fn opened(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        action: &str,
        ctx: &ClientContext,
    ) -> Result<StoredChat, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        self.audit_log
            .append_audit(audit(staff_actor(staff), action, chat_ref, ctx))
            .await?;
        Ok(chat)
    }

    /// Messages of a chat after `after`, for a connection that already
    /// holds the chat open (its opening was audited) and is catching up.
    pub async fn catch_up(
        &self,
        chat: ChatId,
        after: i64,
    ) -> Result<(Option<StoredChat>, Vec<StoredMessage>), ChatError> {
        let current = self.chats.chat_by_id(chat).await?;
        let messages = match current {
            Some(_) => {
                self.chats
                    .messages_after(chat, after.max(0), FETCH_LIMIT)
                    .await?
            }
            None => Vec::new(),
        };
        Ok((current, messages))
    }

    /// The visitor panel (LC-2, LC-5): what was captured with the enquiry,
    /// the same visitor's other chats still held, and the chat's flags.
    /// Every opening is audited (`chat.visitor_panel_opened`).
    pub async fn visitor_panel(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<VisitorPanel, ChatError> {
        let chat = self
            .opened(staff, chat_ref, "chat.visitor_panel_opened", ctx)
            .await?;
        let details = self.chats.visitor_details(chat.id).await?;
        let earlier = match details.as_ref().and_then(|d| d.visitor_key.as_deref()) {
            Some(key) => self.chats.earlier_chats(key, chat.id, 20).await?,
            None => Vec::new(),
        };
        let flags = self.chats.chat_flags(chat.id).await?;
        Ok(VisitorPanel {
            chat,
            details,
            earlier,
            flags,
        })
    }

    /// The name the visitor gave, if any, to label their messages with. For
    /// a caller that has just opened the chat's transcript (audited as
    /// `chat.transcript_opened`); the name is part of what that opening
    /// shows.
    pub async fn visitor_name(&self, chat: ChatId) -> Result<Option<String>, ChatError> {
        Ok(self
            .chats
            .visitor_details(chat)
            .await?
            .and_then(|d| d.name)
            .filter(|n| !n.trim().is_empty()))
    }

    /// Flags a chat (LC-5) for the retention work to act on; audited with
    /// the reason (`chat.flagged`). Flagging twice for one reason changes
    /// nothing and returns `false`.
    pub async fn flag(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        reason: FlagReason,
        ctx: &ClientContext,
    ) -> Result<bool, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        let flag = ChatFlag {
            reason,
            by_name: staff.display_name.as_str().to_owned(),
            at: self.clock.now(),
        };
        let entry = audit(staff_actor(staff), "chat.flagged", chat_ref, ctx).because(reason.name());
        Ok(self
            .chats
            .flag_chat(chat.id, &flag, staff.id, entry)
            .await?)
    }

    /// The flags raised on a chat.
    pub async fn flags(&self, chat_ref: ChatRef) -> Result<Vec<ChatFlag>, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        Ok(self.chats.chat_flags(chat.id).await?)
    }

    /// The canned responses, by title.
    pub async fn canned(&self) -> Result<Vec<CannedResponse>, ChatError> {
        Ok(self.canned.canned_responses().await?)
    }

    /// Adds (`id` `None`) or replaces a canned response; audited.
    pub async fn save_canned(
        &self,
        staff: &StaffMember,
        id: Option<CannedId>,
        title: &str,
        body: &str,
        ctx: &ClientContext,
    ) -> Result<CannedResponse, ChatError> {
        let (title, body) = canned::parse(title, body).map_err(ChatError::InvalidCanned)?;
        let entry = NewAuditEntry::new(staff_actor(staff), "canned.saved")
            .in_request(ctx.request_id.clone());
        Ok(self
            .canned
            .save_canned(id, &title, &body, staff.id, self.clock.now(), entry)
            .await?)
    }

    pub async fn delete_canned(
        &self,
        staff: &StaffMember,
        id: CannedId,
        ctx: &ClientContext,
    ) -> Result<(), ChatError> {
        let entry = NewAuditEntry::new(staff_actor(staff), "canned.deleted")
            .on(ObjectRef::new("canned_response", id.0))
            .in_request(ctx.request_id.clone());
        Ok(self.canned.delete_canned(id, entry).await?)
    }

    /// Accepted chats this operator is answering, oldest first.
    pub async fn answering(&self, staff: StaffId) -> Result<Vec<StoredChat>, ChatError> {
        Ok(self
            .chats
            .chats_in_state(ChatState::Accepted, 1000)
            .await?
            .into_iter()
            .filter(|c| c.operator_staff_id == Some(staff))
            .collect())
    }

    /// The chat's operator started or stopped typing.
    pub async fn operator_typing(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        active: bool,
    ) -> Result<(), ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        if chat.operator_staff_id != Some(staff.id) {
            return Err(ChatError::NotYours);
        }
        self.hub.signal(
            chat.id,
            ChatSignal::Typing {
                side: Side::Operator,
                active,
            },
        );
        Ok(())
    }

    /// The chat's operator hands it to another operator, who must be able
    /// to answer chats (LC-4). The visitor sees the new name.
    pub async fn transfer(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        to: StaffId,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        if chat.operator_staff_id != Some(staff.id) {
            return Err(ChatError::NotYours);
        }
        let target = match self.staff.staff_by_id(to).await? {
            Some(c)
                if !c.member.disabled
                    && c.member.role.allows(Permission::AnswerChats)
                    && c.member.id != staff.id =>
            {
                c.member
            }
            _ => return Err(ChatError::NoSuchOperator),
        };
        let event = ChatEvent::Transfer {
            operator: target.display_name.as_str().to_owned(),
        };
        let state = self
            .change(chat, event, staff_actor(staff), Some(&target), ctx)
            .await?;
        self.hub.desk_signal(DeskSignal::Assigned { chat_ref, to });
        Ok(state)
    }
}
