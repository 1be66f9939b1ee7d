//! Errors as the web layer reports them: a stable snake_case code per kind
//! (also the translation key), mapped to an HTTP status in one place. The
//! cause is logged once here, with the request id, never shown.

use crate::pages::ErrorPage;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tolbooth_core::chat::ChatError;
use tolbooth_core::staff::AccountError;
use tolbooth_domain::store::StoreError;

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
    #[error("redirect")]
    Redirect(String),
    #[error("the service is temporarily unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("internal error")]
    Internal(String),
}

impl WebError {
    pub fn code(&self) -> &'static str {
        match self {
            WebError::Unauthenticated => "unauthenticated",
            WebError::Forbidden => "forbidden",
            WebError::BadCsrf => "bad_csrf_token",
            WebError::NotFound => "not_found",
            WebError::BadInput(_) => "bad_input",
            WebError::Redirect(_) => "redirect",
            WebError::Unavailable(_) => "unavailable",
            WebError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::BadCsrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadInput(_) => StatusCode::BAD_REQUEST,
            WebError::Redirect(_) => StatusCode::SEE_OTHER,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Conflict(m) => WebError::BadInput(m.to_owned()),
            StoreError::Unavailable(src) => WebError::Unavailable(src),
        }
    }
}

impl From<AccountError> for WebError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Store(s) => s.into(),
            AccountError::NotFound => WebError::NotFound,
            AccountError::Hashing => WebError::Internal("password hashing failed".into()),
            other => WebError::BadInput(other.to_string()),
        }
    }
}

impl From<ChatError> for WebError {
    fn from(e: ChatError) -> Self {
        match e {
            ChatError::NotFound => WebError::NotFound,
            ChatError::Store(s) => s.into(),
            other => WebError::BadInput(other.to_string()),
        }
    }
}

impl From<tolbooth_core::bot::ChatbotError> for WebError {
    fn from(e: tolbooth_core::bot::ChatbotError) -> Self {
        use tolbooth_core::bot::ChatbotError as E;
        match e {
            E::Store(s) => s.into(),
            E::NoSuchPage | E::NoSuchPhrasing | E::NoSuchQuestion => WebError::NotFound,
            E::Index(_) | E::Task | E::Pattern(_) => WebError::Internal(e.to_string()),
            other => WebError::BadInput(other.to_string()),
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
                tracing::error!(code = self.code(), error = %src, "request failed");
            }
            WebError::Internal(msg) => {
                tracing::error!(code = self.code(), error = %msg, "request failed");
            }
            _ => {}
        }
        let status = self.status();
        let page = ErrorPage {
            status: status.as_u16(),
            code: self.code(),
            message: self.to_string(),
        };
        (status, crate::pages::render(&page)).into_response()
    }
}

pub type WebResult<T> = Result<T, WebError>;
