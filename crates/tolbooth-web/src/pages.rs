//! The console's pages as askama templates, compiled into the binary and
//! auto-escaped. Text typed by people only ever reaches HTML through these.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tolbooth_core::accounts::Authenticated;
use tolbooth_domain::role::{Permission, Role};
use tolbooth_domain::staff::StaffMember;

/// What the shared layout needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub organisation: String,
    pub signed_in_as: Option<String>,
    pub can_manage_staff: bool,
    pub csrf: String,
}

impl Layout {
    pub fn anonymous(organisation: &str) -> Self {
        Self {
            organisation: organisation.to_owned(),
            signed_in_as: None,
            can_manage_staff: false,
            csrf: String::new(),
        }
    }

    /// The layout for a session. Navigation appears only once sign-in is
    /// complete.
    pub fn for_session(organisation: &str, who: &Authenticated) -> Self {
        let full = who.session.level == tolbooth_domain::session::AuthLevel::Full;
        Self {
            organisation: organisation.to_owned(),
            signed_in_as: full.then(|| who.member.display_name.as_str().to_owned()),
            can_manage_staff: full && who.member.role.allows(Permission::ManageStaff),
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
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub csrf: String,
    pub username: String,
    pub error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "second_factor.html")]
pub struct SecondFactorPage {
    pub layout: Layout,
    pub organisation: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "change_password.html")]
pub struct ChangePasswordPage {
    pub layout: Layout,
    pub must_change: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "enrol_second_factor.html")]
pub struct EnrolPage {
    pub layout: Layout,
    pub required: bool,
    pub secret: String,
    pub qr_svg: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub member: StaffMember,
    pub recovery_left: i64,
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

pub struct StaffNotice {
    pub text: String,
    pub username: String,
    pub one_time_password: Option<String>,
}

#[derive(Template)]
#[template(path = "staff_admin.html")]
pub struct StaffAdminPage {
    pub layout: Layout,
    pub staff: Vec<StaffMember>,
    pub roles: Vec<Role>,
    pub error: Option<String>,
    pub notice: Option<StaffNotice>,
}

#[derive(Template)]
#[template(path = "demo.html")]
pub struct DemoPage {
    pub organisation: String,
    /// The page's language: `en-GB`, or `gd` for the Gàidhlig version.
    pub lang: &'static str,
}

/// One waiting enquiry in the queue.
pub struct QueueRow {
    pub chat_id: String,
    /// How long it has waited, as staff read it ("3 min").
    pub waited: String,
    pub question: String,
}

#[derive(Template)]
#[template(path = "chat_queue.html")]
pub struct ChatQueuePage {
    pub layout: Layout,
    pub waiting: Vec<QueueRow>,
}

#[derive(Template)]
#[template(path = "canned.html")]
pub struct CannedPage {
    pub layout: Layout,
    pub responses: Vec<tolbooth_domain::canned::CannedResponse>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "chatbot.html")]
pub struct ChatbotPage {
    pub layout: Layout,
    pub keeps_questions: bool,
    pub weeks: Vec<tolbooth_domain::bot_questions::AreaWeek>,
    pub unanswered: Vec<UnansweredRow>,
    pub pages: usize,
    /// How questions are matched: "words", "words-and-meaning" or
    /// "embedding" (the model is configured, the texts not all embedded
    /// yet).
    pub retrieval: &'static str,
    pub phrasings: Vec<tolbooth_domain::knowledge::KbPhrasing>,
    pub error: Option<String>,
}

/// An unanswered question as the report lists it.
pub struct UnansweredRow {
    pub asked_at: String,
    pub redacted: String,
    pub reason: String,
    pub service_area: String,
}

#[derive(Template)]
#[template(path = "chat_live.html")]
pub struct LiveConsolePage {
    pub layout: Layout,
}

pub struct MessageRow {
    /// `visitor`, `operator` or `system`.
    pub from: &'static str,
    pub from_label: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "chat.html")]
pub struct ChatPage {
    pub layout: Layout,
    pub chat_id: String,
    pub state: &'static str,
    pub operator: Option<String>,
    /// The LC-3 record: label and value, in order.
    pub record: Vec<(&'static str, String)>,
    pub messages: Vec<MessageRow>,
    pub open: bool,
    pub next_client_id: String,
    /// Whether the viewer may review the transcript before it is kept.
    pub can_review: bool,
}

#[derive(Template)]
#[template(path = "privacy.html")]
pub struct PrivacyPage {
    pub layout: Layout,
    /// Generated by `tolbooth_core::privacy_notice`, escaped there.
    pub notice_html: String,
    pub version: i64,
    /// The version in force, when an earlier one is shown.
    pub latest: Option<i64>,
}

#[derive(Template)]
#[template(path = "privacy_versions.html")]
pub struct PrivacyVersionsPage {
    pub layout: Layout,
    /// Version and the date it came into force.
    pub versions: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "governance.html")]
pub struct GovernancePage {
    pub layout: Layout,
    pub policy: String,
    pub notice_version: i64,
    pub due: Vec<(&'static str, u64)>,
    /// Started, outcome, extracted, deleted, IP addresses, anonymised.
    pub sweeps: Vec<(String, &'static str, u64, u64, u64, u64)>,
    pub holds: Vec<HoldView>,
    /// Whether the viewer may hold and disclose (governance officers; an
    /// administrator sees the retention status only).
    pub can_hold: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "governance_chat.html")]
pub struct GovernanceChatPage {
    pub layout: Layout,
    pub chat_id: String,
    pub record: Vec<(&'static str, String)>,
    pub flags: Vec<String>,
    pub hold: Option<HoldView>,
    pub disclosures: Vec<String>,
    pub can_hold: bool,
    pub can_review: bool,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub chat_id: String,
    pub lines: Vec<tolbooth_domain::retention::TranscriptLine>,
    pub edited: bool,
    pub notice: Option<String>,
}

/// A legal hold as the console shows it.
pub struct HoldView {
    pub chat_ref: String,
    pub reason: String,
    pub placed_by_name: String,
    pub placed_at: String,
    pub release: Option<ReleaseView>,
}

pub struct ReleaseView {
    pub by_name: String,
    pub reason: String,
}

impl From<&tolbooth_domain::retention::LegalHold> for HoldView {
    fn from(h: &tolbooth_domain::retention::LegalHold) -> Self {
        Self {
            chat_ref: h.chat_ref.to_string(),
            reason: h.reason.clone(),
            placed_by_name: h.placed_by_name.clone(),
            placed_at: tolbooth_domain::time_fmt::rfc3339(h.placed_at),
            release: h.release.as_ref().map(|r| ReleaseView {
                by_name: r.by_name.clone(),
                reason: r.reason.clone(),
            }),
        }
    }
}
