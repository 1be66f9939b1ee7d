//! The console's home and the demo page.

use crate::error::{WebError, WebResult};
use crate::pages::{render, ConsolePage, DemoPage, Layout};
use crate::session::Staff;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tolbooth_domain::staff::role::Permission;

pub async fn root() -> Redirect {
    Redirect::to("/console")
}

pub async fn home(State(state): State<AppState>, Staff(who): Staff) -> WebResult<Response> {
    let page = ConsolePage {
        layout: Layout::for_session(&state.config.organisation.name, &who),
        can_manage_staff: who.member.role.allows(Permission::ManageStaff),
        can_answer_chats: who.member.role.allows(Permission::AnswerChats),
        can_manage_canned: who.member.role.allows(Permission::ManageCannedResponses),
        can_govern: who.member.role.allows(Permission::ManageRetention),
        can_manage_chatbot: who.member.role.allows(Permission::ManageChatbot),
        member: who.member,
    };
    Ok(render(&page))
}

/// A page standing in for the organisation's own website.
#[derive(serde::Deserialize)]
pub struct DemoQuery {
    lang: Option<String>,
}

/// `GET /demo` (`?lang=gd` for Gàidhlig): a stand-in for a page of the
/// organisation's website, with the chat widget on it.
pub async fn demo_page(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<DemoQuery>,
) -> Response {
    let lang = if q.lang.as_deref() == Some("gd") {
        "gd"
    } else {
        "en-GB"
    };
    render(&DemoPage {
        organisation: state.config.organisation.name.clone(),
        lang,
    })
}

pub async fn not_found() -> Response {
    WebError::NotFound.into_response()
}
