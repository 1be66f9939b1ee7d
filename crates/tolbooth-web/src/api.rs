//! Errors of the JSON API (`/api/...`, docs/protocol.md): every one is a
//! status and `{"error": code, "message": text}`, whatever refused the
//! request — a use case, a body or query the server cannot read, a route
//! or method that does not exist, a limit. The code is stable snake_case
//! (also the translation key); the message is for the developer reading
//! it, never a cause from inside the server.

use crate::error::status;
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
use tolbooth_core::Code;

/// What the API adds to the one code table: the code for a status that a
/// layer or the router chose, and a plain message for each.
trait ForApi {
    fn for_status(status: StatusCode) -> Code;
    fn plain_message(self) -> &'static str;
}

impl ForApi for Code {
    /// The code for a response that something other than a handler
    /// refused (the router, a limit layer), by its status.
    fn for_status(status: StatusCode) -> Code {
        match status.as_u16() {
            401 => Code::Unauthenticated,
            403 => Code::Forbidden,
            404 => Code::NotFound,
            405 => Code::MethodNotAllowed,
            408 => Code::Timeout,
            409 => Code::Conflict,
            413 => Code::TooLarge,
            415 => Code::UnsupportedMediaType,
            422 => Code::InvalidBody,
            429 => Code::RateLimited,
            503 => Code::Unavailable,
            400..=499 => Code::BadInput,
            _ => Code::Internal,
        }
    }

    /// What is said when there is nothing more particular to say.
    fn plain_message(self) -> &'static str {
        match self {
            Code::Unauthenticated => "you need to sign in",
            Code::Forbidden => "refused",
            Code::NotFound => "not found",
            Code::MethodNotAllowed => "that method is not allowed here",
            Code::Timeout => "the request took too long",
            Code::TooLarge => "the request is too large",
            Code::UnsupportedMediaType => "send the body as JSON (Content-Type: application/json)",
            Code::RateLimited => "too many requests; wait a moment and try again",
            Code::Unavailable => "the service is temporarily unavailable",
            Code::Internal => "internal error",
            _ => "the request could not be handled",
        }
    }
}

/// An error as the API gives it.
#[derive(Debug)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'static str,
    message: &'a str,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "an API request failed");
        Self::new(Code::Unavailable, Code::Unavailable.plain_message())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code.name(),
            message: &self.message,
        };
        (status(self.code), Json(body)).into_response()
    }
}

impl From<ChatError> for ApiError {
    fn from(e: ChatError) -> Self {
        if let ChatError::Store(inner) = &e {
            return Self::unavailable(inner);
        }
        Self::new(e.code(), e.to_string())
    }
}

impl From<ChatbotError> for ApiError {
    fn from(e: ChatbotError) -> Self {
        let code = e.code();
        if code.is_server_fault() {
            return Self::unavailable(&e);
        }
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
        JsonRejection::MissingJsonContentType(_) => Code::UnsupportedMediaType,
        JsonRejection::JsonSyntaxError(_) => Code::BadInput,
        JsonRejection::JsonDataError(_) => Code::InvalidBody,
        other => Code::for_status(other.status()),
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
    ApiError::new(Code::BadInput, rejection.body_text())
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
    let code = Code::for_status(status);
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
            Code::BadInput,
            Code::InvalidBody,
            Code::Unauthenticated,
            Code::Forbidden,
            Code::NotFound,
            Code::MethodNotAllowed,
            Code::Timeout,
            Code::ChatClosed,
            Code::Conflict,
            Code::NotYours,
            Code::NoSuchOperator,
            Code::OutOfHours,
            Code::TooLarge,
            Code::UnsupportedMediaType,
            Code::RateLimited,
            Code::Internal,
            Code::Unavailable,
        ];
        let mut names = std::collections::BTreeSet::new();
        for code in all {
            let name = code.name();
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(names.insert(name), "{name} twice");
            assert!(status(code).is_client_error() || status(code).is_server_error());
        }
        assert_eq!(status(Code::RateLimited), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            Code::for_status(StatusCode::PAYLOAD_TOO_LARGE),
            Code::TooLarge
        );
        assert_eq!(Code::for_status(StatusCode::IM_A_TEAPOT), Code::BadInput);
    }
}
