//! Chats, messages and visitor details as rows: their columns and reading
//! them back.

use crate::error::OrStoreError;
use sqlx::any::AnyRow;
use sqlx::Row;
use tolbooth_domain::chat::visitor::VisitorDetails;
use tolbooth_domain::chat::{
    ChatId, ChatLifecycle, ChatRef, ChatState, ClientMessageId, EndedBy, MessageBody, Sender,
    StoredChat, StoredMessage,
};
use tolbooth_domain::staff::StaffId;
use tolbooth_domain::store::{StoreError, StoreResult};
use tolbooth_domain::time_fmt::from_unix_millis;

pub(crate) const CHAT_COLUMNS: &str =
    "id, chat_ref, state, operator_staff_id, operator_name, requested_at, \
     accepted_at, ended_at, ended_by, last_seq";

pub(crate) const MESSAGE_COLUMNS: &str = "seq, sender, sender_staff_id, client_id, body, sent_at";

pub(crate) fn corrupt(what: &'static str) -> StoreError {
    StoreError::Unavailable(format!("stored {what} is not valid").into())
}

pub(crate) fn chat_from_row(row: &AnyRow) -> StoreResult<StoredChat> {
    let chat_ref: String = row.try_get("chat_ref").store()?;
    let state: String = row.try_get("state").store()?;
    let ended_by: Option<String> = row.try_get("ended_by").store()?;
    let accepted_at: Option<i64> = row.try_get("accepted_at").store()?;
    let ended_at: Option<i64> = row.try_get("ended_at").store()?;
    let operator: Option<i64> = row.try_get("operator_staff_id").store()?;
    Ok(StoredChat {
        id: ChatId(row.try_get("id").store()?),
        lifecycle: ChatLifecycle {
            chat_ref: chat_ref
                .parse::<ChatRef>()
                .map_err(|_| corrupt("chat reference"))?,
            state: ChatState::parse(&state).ok_or_else(|| corrupt("chat state"))?,
            operator: row.try_get("operator_name").store()?,
            requested_at: from_unix_millis(row.try_get("requested_at").store()?),
            accepted_at: accepted_at.map(from_unix_millis),
            ended_at: ended_at.map(from_unix_millis),
            ended_by: match ended_by {
                Some(e) => Some(EndedBy::parse(&e).ok_or_else(|| corrupt("chat end"))?),
                None => None,
            },
        },
        operator_staff_id: operator.map(StaffId),
        last_seq: row.try_get("last_seq").store()?,
    })
}

pub(crate) fn message_from_row(row: &AnyRow) -> StoreResult<StoredMessage> {
    let sender: String = row.try_get("sender").store()?;
    let staff: Option<i64> = row.try_get("sender_staff_id").store()?;
    let sender = match (sender.as_str(), staff) {
        ("visitor", _) => Sender::Visitor,
        ("operator", Some(id)) => Sender::Operator(StaffId(id)),
        // An operator whose account was removed: still the operator's words.
        ("operator", None) => Sender::Operator(StaffId(0)),
        ("system", _) => Sender::System,
        _ => return Err(corrupt("message sender")),
    };
    let client_id: Option<String> = row.try_get("client_id").store()?;
    let body: String = row.try_get("body").store()?;
    Ok(StoredMessage {
        seq: row.try_get("seq").store()?,
        sender,
        client_id: match client_id {
            Some(c) => Some(ClientMessageId::parse(&c).map_err(|_| corrupt("message id"))?),
            None => None,
        },
        body: MessageBody::parse(&body).map_err(|_| corrupt("message"))?,
        sent_at: from_unix_millis(row.try_get("sent_at").store()?),
    })
}

pub(super) fn staff_of(sender: Sender) -> Option<i64> {
    match sender {
        Sender::Operator(id) => Some(id.0),
        _ => None,
    }
}

pub(crate) const VISITOR_COLUMNS: &str = "visitor_name, ip_address, browser, operating_system, \
     device, referrer, launch_url, pages_visited, seconds_on_site, location, visitor_key";

pub(crate) fn visitor_from_row(row: &AnyRow) -> StoreResult<VisitorDetails> {
    let count = |name: &str| -> StoreResult<Option<u32>> {
        let v: Option<i64> = row.try_get(name).store()?;
        Ok(v.and_then(|n| u32::try_from(n).ok()))
    };
    let ip: Option<String> = row.try_get("ip_address").store()?;
    Ok(VisitorDetails {
        name: row.try_get("visitor_name").store()?,
        ip: ip.and_then(|s| s.parse().ok()),
        browser: row.try_get("browser").store()?,
        operating_system: row.try_get("operating_system").store()?,
        device: row.try_get("device").store()?,
        referrer: row.try_get("referrer").store()?,
        launch_url: row.try_get("launch_url").store()?,
        pages_visited: count("pages_visited")?,
        seconds_on_site: count("seconds_on_site")?,
        location: row.try_get("location").store()?,
        visitor_key: row.try_get("visitor_key").store()?,
    })
}
