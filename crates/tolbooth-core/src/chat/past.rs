//! The past-chats list (LC-5): the chats still held, found by state,
//! operator, date, flag, hold or Chat ID. Every search is in the audit log
//! with its filter (never a visitor's words); opening one of the chats it
//! lists is audited as any transcript is.

use super::*;
use tolbooth_domain::chat::listing::{ChatFilter, ChatListing};

/// Rows on one page of the list.
pub const PAST_CHATS_PAGE: u32 = 50;

/// One page of the list, and whether older chats follow.
#[derive(Debug, Clone)]
pub struct PastChats {
    pub rows: Vec<ChatListing>,
    pub more: bool,
}

/// What a search asked for, as the audit log keeps it.
fn summary(filter: &ChatFilter) -> String {
    let mut parts = Vec::new();
    if let Some(state) = filter.state {
        parts.push(format!("state={}", state.name()));
    }
    if let Some(operator) = filter.operator {
        parts.push(format!("operator={operator}"));
    }
    if let Some(from) = filter.requested_from {
        parts.push(format!("from={}", unix_millis(from)));
    }
    if let Some(before) = filter.requested_before {
        parts.push(format!("before={}", unix_millis(before)));
    }
    if let Some(flagged) = filter.flagged {
        parts.push(format!("flagged={flagged}"));
    }
    if let Some(held) = filter.held {
        parts.push(format!("held={held}"));
    }
    if let Some(chat_ref) = filter.chat_ref {
        parts.push(format!("chat={chat_ref}"));
    }
    if let Some(before) = filter.before {
        parts.push(format!("page_before={}", before.0));
    }
    if parts.is_empty() {
        String::from("all")
    } else {
        parts.join(" ")
    }
}

impl LiveChat {
    /// The chats `filter` lets through, newest first, a page at a time;
    /// the search is audited (`chat.list_searched`).
    pub async fn past_chats(
        &self,
        staff: &StaffMember,
        filter: &ChatFilter,
        ctx: &ClientContext,
    ) -> Result<PastChats, ChatError> {
        self.audit_log
            .append_audit(
                NewAuditEntry::new(staff_actor(staff), "chat.list_searched")
                    .because(summary(filter))
                    .in_request(ctx.request_id.clone()),
            )
            .await?;
        let mut rows = self.chats.list_chats(filter, PAST_CHATS_PAGE + 1).await?;
        let more = rows.len() > PAST_CHATS_PAGE as usize;
        rows.truncate(PAST_CHATS_PAGE as usize);
        Ok(PastChats { rows, more })
    }

    /// The staff who answer chats, by name, for the list's operator filter.
    pub async fn operators(&self) -> Result<Vec<(StaffId, String)>, ChatError> {
        let mut staff: Vec<_> = self
            .staff
            .list_staff()
            .await?
            .into_iter()
            .filter(|m| m.role.allows(Permission::AnswerChats))
            .map(|m| (m.id, m.display_name.as_str().to_owned()))
            .collect();
        staff.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(staff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_summarised_by_its_filters_alone() {
        assert_eq!(summary(&ChatFilter::default()), "all");
        let filter = ChatFilter {
            state: Some(ChatState::Ended),
            operator: Some(StaffId(3)),
            flagged: Some(true),
            held: Some(false),
            ..ChatFilter::default()
        };
        assert_eq!(
            summary(&filter),
            "state=ended operator=3 flagged=true held=false"
        );
    }
}
