//! The two cookies Tolbooth sets, both HttpOnly and SameSite=Strict.

use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

/// The staff session token.
pub const SESSION: &str = "tb_session";
/// The sign-in form's CSRF token, before there is a session.
pub const LOGIN_CSRF: &str = "tb_login_csrf";

pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value for a session-lifetime cookie.
pub fn set(name: &str, value: &str, secure: bool) -> HeaderValue {
    let c = Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build();
    HeaderValue::from_str(&c.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str, secure: bool) -> HeaderValue {
    let c = Cookie::build((name.to_owned(), String::new()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    HeaderValue::from_str(&c.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}
