//! The console's pages as askama templates, compiled into the binary and
//! auto-escaped. Text typed by people only ever reaches HTML through these.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tolbooth_core::staff::Authenticated;
use tolbooth_domain::staff::role::Permission;
use tolbooth_domain::staff::StaffMember;

/// What the shared layout needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub organisation: String,
    pub signed_in_as: Option<String>,
    pub can_manage_staff: bool,
    pub can_find_chats: bool,
    pub can_see_dashboard: bool,
    pub csrf: String,
}

impl Layout {
    pub fn anonymous(organisation: &str) -> Self {
        Self {
            organisation: organisation.to_owned(),
            signed_in_as: None,
            can_manage_staff: false,
            can_find_chats: false,
            can_see_dashboard: false,
            csrf: String::new(),
        }
    }

    /// The layout for a session. Navigation appears only once sign-in is
    /// complete.
    pub fn for_session(organisation: &str, who: &Authenticated) -> Self {
        let full = who.session.level == tolbooth_domain::staff::session::AuthLevel::Full;
        Self {
            organisation: organisation.to_owned(),
            signed_in_as: full.then(|| who.member.display_name.as_str().to_owned()),
            can_manage_staff: full && who.member.role.allows(Permission::ManageStaff),
            can_find_chats: full && who.member.role.allows(Permission::FindChats),
            can_see_dashboard: full && who.member.role.allows(Permission::SeeDashboard),
            csrf: who.session.csrf_token.clone(),
        }
    }
}

/// Renders a template; a failure to render is a 500 without detail.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "console.html")]
pub struct ConsolePage {
    pub layout: Layout,
    pub member: StaffMember,
    pub can_manage_staff: bool,
    pub can_answer_chats: bool,
    pub can_manage_canned: bool,
    pub can_govern: bool,
    pub can_manage_chatbot: bool,
}

#[derive(Template)]
#[template(path = "demo.html")]
pub struct DemoPage {
    pub organisation: String,
    /// The page's language: `en-GB`, or `gd` for the Gàidhlig version.
    pub lang: &'static str,
}
