//! What is captured with an enquiry (LC-2), and nothing more: the address,
//! browser and device, where the visitor came from and how long they had
//! been on the site, a coarse location, and a key that links their chats.
//! Each value is cleaned and bounded here, before anything stores it.

use std::net::IpAddr;

/// Longest visitor name kept, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest address (referrer, launch URL) kept, in characters.
pub const MAX_URL_CHARS: usize = 500;
/// Ceilings on the counts a client reports.
pub const MAX_PAGES: u32 = 100_000;
pub const MAX_SECONDS_ON_SITE: u32 = 30 * 24 * 3600;

/// Everything held about the visitor of one chat.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct VisitorDetails {
    pub name: Option<String>,
    pub ip: Option<IpAddr>,
    pub browser: Option<String>,
    pub operating_system: Option<String>,
    pub device: Option<String>,
    pub referrer: Option<String>,
    pub launch_url: Option<String>,
    pub pages_visited: Option<u32>,
    pub seconds_on_site: Option<u32>,
    pub location: Option<String>,
    /// SHA-256 (hex) of the widget's random visitor id.
    pub visitor_key: Option<String>,
}

/// Which details are held, never what they say.
impl std::fmt::Debug for VisitorDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::secret::ShownOpt;
        f.debug_struct("VisitorDetails")
            .field("name", &ShownOpt(&self.name))
            .field("ip", &self.ip.map(|_| "[held]"))
            .field("browser", &ShownOpt(&self.browser))
            .field("operating_system", &ShownOpt(&self.operating_system))
            .field("device", &ShownOpt(&self.device))
            .field("referrer", &ShownOpt(&self.referrer))
            .field("launch_url", &ShownOpt(&self.launch_url))
            .field("pages_visited", &self.pages_visited)
            .field("seconds_on_site", &self.seconds_on_site)
            .field("location", &ShownOpt(&self.location))
            .field("visitor_key", &self.visitor_key.as_ref().map(|_| "[held]"))
            .finish()
    }
}

/// Text with control characters removed and whitespace collapsed, at most
/// `max` characters; `None` if nothing is left.
pub fn clean_text(raw: &str, max: usize) -> Option<String> {
    let collapsed = raw
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let cut: String = collapsed.chars().take(max).collect();
    let cut = cut.trim().to_owned();
    (!cut.is_empty()).then_some(cut)
}

/// The name a visitor typed, if any.
pub fn clean_name(raw: &str) -> Option<String> {
    clean_text(raw, MAX_NAME_CHARS)
}

/// An http(s) address as scheme, host and path only: the query and the
/// fragment are dropped (they can carry personal data, such as an email
/// address in a form's confirmation page), as is any user:password@.
pub fn clean_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let (scheme, rest) = if let Some(rest) = raw.strip_prefix("https://") {
        ("https://", rest)
    } else if let Some(rest) = raw.strip_prefix("http://") {
        ("http://", rest)
    } else {
        return None;
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let host = authority.rsplit('@').next().unwrap_or_default();
    if host.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let url = format!("{scheme}{host}{path}");
    (url.chars().count() <= MAX_URL_CHARS).then_some(url)
}

/// A widget's visitor id: 16 to 64 letters and digits (it makes 32 hex
/// digits). Anything else is ignored.
pub fn valid_visitor_id(raw: &str) -> bool {
    (16..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_scheme_host_and_path_only() {
        assert_eq!(
            clean_url("https://www.example.gov.uk/bins/brown?email=a@b.com#top").as_deref(),
            Some("https://www.example.gov.uk/bins/brown")
        );
        assert_eq!(
            clean_url("http://user:secret@example.org").as_deref(),
            Some("http://example.org/")
        );
        assert_eq!(clean_url("javascript:alert(1)"), None);
        assert_eq!(clean_url("https://"), None);
        assert_eq!(clean_url("https://exa mple.org/"), None);
        let long = format!("https://example.org/{}", "a".repeat(600));
        assert_eq!(clean_url(&long), None);
    }

    #[test]
    fn names_are_single_line_and_bounded() {
        assert_eq!(
            clean_name("  Ailsa\n\tMacLeod \u{7}").as_deref(),
            Some("Ailsa MacLeod")
        );
        assert_eq!(clean_name(" \n "), None);
        assert_eq!(
            clean_name(&"é".repeat(200)).unwrap().chars().count(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn visitor_ids_are_plain_tokens() {
        assert!(valid_visitor_id("0123456789abcdef0123456789abcdef"));
        assert!(!valid_visitor_id("short"));
        assert!(!valid_visitor_id("0123456789abcdef0123456789abcde'"));
    }
}
