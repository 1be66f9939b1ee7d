//! Errors as the web layer reports them: a stable snake_case code per kind
//! (also the translation key), mapped to an HTTP status in one place. The
//! cause is logged once here, with the request id, never shown.

use crate::pages::ErrorPage;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tolbooth_core::bot::ChatbotError;
use tolbooth_core::chat::ChatError;
use tolbooth_core::governance::GovernanceError;
use tolbooth_core::staff::AccountError;
use tolbooth_core::Code;
use tolbooth_domain::store::StoreError;

/// Each code's HTTP status: the one table, used by the console's pages
/// and the JSON API alike.
pub fn status(code: Code) -> StatusCode {
    match code {
        Code::BadInput
        | Code::BadFrame
        | Code::NoSuchOperator
        | Code::NotStarted
        | Code::AlreadyStarted => StatusCode::BAD_REQUEST,
        Code::InvalidBody => StatusCode::UNPROCESSABLE_ENTITY,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::Forbidden | Code::BadCsrfToken => StatusCode::FORBIDDEN,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Code::Timeout => StatusCode::REQUEST_TIMEOUT,
        Code::ChatClosed | Code::Conflict | Code::NotYours | Code::OutOfHours => {
            StatusCode::CONFLICT
        }
        Code::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("you need to sign in")]
    Unauthenticated,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("the form has expired or did not come from this site; reload the page and try again")]
    BadCsrf,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadInput(String),
    /// A use case refused: its code, and the message the person reads.
    #[error("{1}")]
    Refused(Code, String),
    /// The next step of signing in.
    #[error("redirect")]
    Redirect(String),
    #[error("the service is temporarily unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("internal error")]
    Internal(String),
}

impl WebError {
    pub fn code(&self) -> Code {
        match self {
            WebError::Unauthenticated | WebError::Redirect(_) => Code::Unauthenticated,
            WebError::Forbidden => Code::Forbidden,
            WebError::BadCsrf => Code::BadCsrfToken,
            WebError::NotFound => Code::NotFound,
            WebError::BadInput(_) => Code::BadInput,
            WebError::Refused(code, _) => *code,
            WebError::Unavailable(_) => Code::Unavailable,
            WebError::Internal(_) => Code::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Redirect(_) => StatusCode::SEE_OTHER,
            other => status(other.code()),
        }
    }

    /// A use case's error by its code; `message` is what the person reads
    /// (for a server fault, what is logged instead).
    fn coded(code: Code, message: String) -> Self {
        match code {
            Code::NotFound => WebError::NotFound,
            Code::Forbidden => WebError::Forbidden,
            Code::BadInput => WebError::BadInput(message),
            Code::Internal => WebError::Internal(message),
            Code::Unavailable => WebError::Unavailable(message.into()),
            code => WebError::Refused(code, message),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Conflict(m) => WebError::Refused(Code::Conflict, m.to_owned()),
            StoreError::Unavailable(src) => WebError::Unavailable(src),
        }
    }
}

impl From<AccountError> for WebError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Store(s) => s.into(),
            other => WebError::coded(other.code(), other.to_string()),
        }
    }
}

impl From<ChatError> for WebError {
    fn from(e: ChatError) -> Self {
        match e {
            ChatError::Store(s) => s.into(),
            other => WebError::coded(other.code(), other.to_string()),
        }
    }
}

impl From<ChatbotError> for WebError {
    fn from(e: ChatbotError) -> Self {
        match e {
            ChatbotError::Store(s) => s.into(),
            other => WebError::coded(other.code(), other.to_string()),
        }
    }
}

impl From<tolbooth_core::dashboard::DashboardError> for WebError {
    fn from(e: tolbooth_core::dashboard::DashboardError) -> Self {
        e.into_store().into()
    }
}

impl From<GovernanceError> for WebError {
    fn from(e: GovernanceError) -> Self {
        match e {
            GovernanceError::Store(s) => s.into(),
            other => WebError::coded(other.code(), other.to_string()),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match &self {
            WebError::Redirect(to) => {
                return (StatusCode::SEE_OTHER, [(header::LOCATION, to.clone())]).into_response();
            }
            WebError::Unauthenticated => {
                return (
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, String::from("/login"))],
                )
                    .into_response();
            }
            WebError::Unavailable(src) => {
                tracing::error!(code = self.code().name(), error = %src, "request failed");
            }
            WebError::Internal(msg) => {
                tracing::error!(code = self.code().name(), error = %msg, "request failed");
            }
            _ => {}
        }
        let status = self.status();
        let page = ErrorPage {
            status: status.as_u16(),
            code: self.code().name(),
            message: self.to_string(),
        };
        (status, crate::pages::render(&page)).into_response()
    }
}

pub type WebResult<T> = Result<T, WebError>;
