//! Errors of the JSON API (`/api/...`, docs/protocol.md): every one is a
//! status and `{"error": code, "message": text}`, whatever refused the
//! request — a use case, a body or query the server cannot read, a route
//! or method that does not exist, a limit. The code is stable snake_case
//! (also the translation key); the message is for the developer reading
//! it, never a cause from inside the server.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tolbooth_core::bot::ChatbotError;
use tolbooth_core::chat::ChatError;

/// The API's error codes, each with its one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiCode {
    BadInput,
    /// JSON of the wrong shape: a field missing, unknown or of the wrong
    /// type.
    InvalidBody,
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Timeout,
    ChatClosed,
    Conflict,
    NotYours,
    NoSuchOperator,
    OutOfHours,
    TooLarge,
    UnsupportedMediaType,
    RateLimited,
    Internal,
    Unavailable,
}

impl ApiCode {
    pub fn name(self) -> &'static str {
        match self {
            ApiCode::BadInput => "bad_input",
            ApiCode::InvalidBody => "invalid_body",
            ApiCode::Unauthenticated => "unauthenticated",
            ApiCode::Forbidden => "forbidden",
            ApiCode::NotFound => "not_found",
            ApiCode::MethodNotAllowed => "method_not_allowed",
            ApiCode::Timeout => "timeout",
            ApiCode::ChatClosed => "chat_closed",
            ApiCode::Conflict => "conflict",
            ApiCode::NotYours => "not_yours",
            ApiCode::NoSuchOperator => "no_such_operator",
            ApiCode::OutOfHours => "out_of_hours",
            ApiCode::TooLarge => "too_large",
            ApiCode::UnsupportedMediaType => "unsupported_media_type",
            ApiCode::RateLimited => "rate_limited",
            ApiCode::Internal => "internal",
            ApiCode::Unavailable => "unavailable",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ApiCode::BadInput | ApiCode::NoSuchOperator => StatusCode::BAD_REQUEST,
            ApiCode::InvalidBody => StatusCode::UNPROCESSABLE_ENTITY,
            ApiCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiCode::Forbidden => StatusCode::FORBIDDEN,
            ApiCode::NotFound => StatusCode::NOT_FOUND,
            ApiCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiCode::Timeout => StatusCode::REQUEST_TIMEOUT,
            ApiCode::ChatClosed | ApiCode::Conflict | ApiCode::NotYours | ApiCode::OutOfHours => {
                StatusCode::CONFLICT
            }
            ApiCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ApiCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The code for a response that something other than a handler
    /// refused (the router, a limit layer), by its status.
    fn for_status(status: StatusCode) -> ApiCode {
        match status.as_u16() {
            401 => ApiCode::Unauthenticated,
            403 => ApiCode::Forbidden,
            404 => ApiCode::NotFound,
            405 => ApiCode::MethodNotAllowed,
            408 => ApiCode::Timeout,
            409 => ApiCode::Conflict,
            413 => ApiCode::TooLarge,
            415 => ApiCode::UnsupportedMediaType,
            422 => ApiCode::InvalidBody,
            429 => ApiCode::RateLimited,
            503 => ApiCode::Unavailable,
            400..=499 => ApiCode::BadInput,
            _ => ApiCode::Internal,
        }
    }

    /// What is said when there is nothing more particular to say.
    fn plain_message(self) -> &'static str {
        match self {
            ApiCode::Unauthenticated => "you need to sign in",
            ApiCode::Forbidden => "refused",
            ApiCode::NotFound => "not found",
            ApiCode::MethodNotAllowed => "that method is not allowed here",
            ApiCode::Timeout => "the request took too long",
            ApiCode::TooLarge => "the request is too large",
            ApiCode::UnsupportedMediaType => {
                "send the body as JSON (Content-Type: application/json)"
            }
            ApiCode::RateLimited => "too many requests; wait a moment and try again",
            ApiCode::Unavailable => "the service is temporarily unavailable",
            ApiCode::Internal => "internal error",
            _ => "the request could not be handled",
        }
    }
}

/// An error as the API gives it.
#[derive(Debug)]
pub struct ApiError {
    pub code: ApiCode,
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'static str,
    message: &'a str,
}

impl ApiError {
    pub fn new(code: ApiCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "an API request failed");
        Self::new(ApiCode::Unavailable, ApiCode::Unavailable.plain_message())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code.name(),
            message: &self.message,
        };
        (self.code.status(), Json(body)).into_response()
    }
}

impl From<ChatError> for ApiError {
    fn from(e: ChatError) -> Self {
        let code = match &e {
            ChatError::NotFound => ApiCode::NotFound,
            ChatError::Invalid(_) | ChatError::InvalidCanned(_) => ApiCode::BadInput,
            ChatError::NotAllowed(_) | ChatError::Closed => ApiCode::ChatClosed,
            ChatError::Conflict => ApiCode::Conflict,
            ChatError::NotYours => ApiCode::NotYours,
            ChatError::NoSuchOperator => ApiCode::NoSuchOperator,
            ChatError::OutOfHours => ApiCode::OutOfHours,
            ChatError::RateLimited => ApiCode::RateLimited,
            ChatError::Store(inner) => return Self::unavailable(inner),
        };
        Self::new(code, e.to_string())
    }
}

impl From<ChatbotError> for ApiError {
    fn from(e: ChatbotError) -> Self {
        let code = match &e {
            ChatbotError::RateLimited => ApiCode::RateLimited,
            ChatbotError::NoSuchQuestion => ApiCode::NotFound,
            _ => return Self::unavailable(&e),
        };
        Self::new(code, e.to_string())
    }
}

/// A JSON body, refused as an [`ApiError`] when it cannot be read: not
/// JSON, the wrong shape, an unknown field, too large.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    let code = match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiCode::UnsupportedMediaType,
        JsonRejection::JsonSyntaxError(_) => ApiCode::BadInput,
        JsonRejection::JsonDataError(_) => ApiCode::InvalidBody,
        other => ApiCode::for_status(other.status()),
    };
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => code.plain_message().to_owned(),
        other => other.body_text(),
    };
    ApiError::new(code, message)
}

/// A query string, refused as an [`ApiError`] (`bad_input`) when it
/// cannot be read.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> ApiError {
    ApiError::new(ApiCode::BadInput, rejection.body_text())
}

/// Under `/api/`, turns any error response that is not already the API's
/// JSON (a route or method that does not exist, a body over the limit, a
/// time-out, a cross-site refusal) into it, by its status.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return res;
    }
    let code = ApiCode::for_status(status);
    let mut rebuilt = ApiError::new(code, code.plain_message()).into_response();
    // Keep the status that was chosen (a 400 stays a 400 even where the
    // code table would say otherwise), and any Retry-After.
    *rebuilt.status_mut() = status;
    if let Some(retry) = res.headers().get(header::RETRY_AFTER) {
        let retry: HeaderValue = retry.clone();
        rebuilt.headers_mut().insert(header::RETRY_AFTER, retry);
    }
    rebuilt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_status_and_a_snake_case_name() {
        let all = [
            ApiCode::BadInput,
            ApiCode::InvalidBody,
            ApiCode::Unauthenticated,
            ApiCode::Forbidden,
            ApiCode::NotFound,
            ApiCode::MethodNotAllowed,
            ApiCode::Timeout,
            ApiCode::ChatClosed,
            ApiCode::Conflict,
            ApiCode::NotYours,
            ApiCode::NoSuchOperator,
            ApiCode::OutOfHours,
            ApiCode::TooLarge,
            ApiCode::UnsupportedMediaType,
            ApiCode::RateLimited,
            ApiCode::Internal,
            ApiCode::Unavailable,
        ];
        let mut names = std::collections::BTreeSet::new();
        for code in all {
            let name = code.name();
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(names.insert(name), "{name} twice");
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
        assert_eq!(ApiCode::RateLimited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            ApiCode::for_status(StatusCode::PAYLOAD_TOO_LARGE),
            ApiCode::TooLarge
        );
        assert_eq!(
            ApiCode::for_status(StatusCode::IM_A_TEAPOT),
            ApiCode::BadInput
        );
    }
}
