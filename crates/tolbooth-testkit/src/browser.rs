//! A small browser: keeps cookies, does not follow redirects, and fills in
//! the CSRF token a page's form carries.

use reqwest::header::{HeaderMap, COOKIE, LOCATION, SET_COOKIE};
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// The `csrf` hidden field of the first form on the page.
    pub fn csrf(&self) -> Option<String> {
        hidden_field(&self.body, "csrf")
    }

    /// The text of the page's error summary, if it shows one.
    pub fn error_text(&self) -> Option<String> {
        let start = self.body.find("class=\"error-summary\"")?;
        let rest = &self.body[start..];
        let p = rest.find("<p>")? + 3;
        let end = rest[p..].find("</p>")?;
        Some(rest[p..p + end].to_owned())
    }
}

pub fn hidden_field(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_owned())
}

pub struct Browser {
    client: reqwest::Client,
    base: String,
    pub cookies: BTreeMap<String, String>,
    /// Extra headers sent with every request (e.g. a forged Origin).
    pub extra_headers: Vec<(String, String)>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: base.to_owned(),
            cookies: BTreeMap::new(),
            extra_headers: Vec::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, res: reqwest::Response) -> Page {
        for v in res.headers().get_all(SET_COOKIE) {
            let Ok(s) = v.to_str() else { continue };
            let Ok(c) = cookie::Cookie::parse(s.to_owned()) else {
                continue;
            };
            let expired = c.max_age().is_some_and(|a| a.is_zero()) || c.value().is_empty();
            if expired {
                self.cookies.remove(c.name());
            } else {
                self.cookies
                    .insert(c.name().to_owned(), c.value().to_owned());
            }
        }
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let headers = res.headers().clone();
        let body = res.text().await.unwrap_or_default();
        Page {
            status,
            location,
            headers,
            body,
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header());
        for (k, v) in &self.extra_headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        rb
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let res = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .expect("GET");
        self.finish(res).await
    }

    /// Posts exactly these fields.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded_pairs(fields);
        let res = self
            .request(reqwest::Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        self.finish(res).await
    }

    /// Loads `page` to pick up its CSRF token, then posts `fields` and the
    /// token to `action`.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let p = self.get(page).await;
        let csrf = p.csrf().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post(action, &all).await
    }

    pub async fn sign_in(&mut self, username: &str, password: &str) -> Page {
        self.submit(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }

    /// Submits a TOTP or recovery code on the second-factor page.
    pub async fn enter_code(&mut self, code: &str) -> Page {
        self.submit(
            "/login/second-factor",
            "/login/second-factor",
            &[("code", code)],
        )
        .await
    }

    /// Submits the change-password form.
    pub async fn change_password(&mut self, current: &str, new: &str, confirm: &str) -> Page {
        self.submit(
            "/account/password",
            "/account/password",
            &[("current", current), ("new", new), ("confirm", confirm)],
        )
        .await
    }

    pub fn has_session(&self) -> bool {
        self.cookies.contains_key("tb_session")
    }
}

fn serde_urlencoded_pairs(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap_or_default()
}
