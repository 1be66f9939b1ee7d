//! Browser, operating system and kind of device from a User-Agent header
//! (LC-2), so that the raw string, which can single a visitor out, is
//! never stored.

/// What the console shows about a visitor's browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agent {
    pub browser: Option<String>,
    pub operating_system: Option<String>,
    pub device: Option<String>,
}

fn known(s: &str) -> Option<String> {
    (!s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN).then(|| s.to_owned())
}

/// Parses a User-Agent header; an empty or unknown one gives nothing.
pub fn describe(header: &str) -> Agent {
    let Some(found) = woothee::parser::Parser::new().parse(header) else {
        return Agent::default();
    };
    let major = found.version.split('.').next().unwrap_or_default();
    let browser = known(found.name).map(|name| match known(major) {
        Some(v) => format!("{name} {v}"),
        None => name,
    });
    let device = match found.category {
        "pc" => Some("Desktop or laptop".to_owned()),
        "smartphone" => Some("Smartphone or tablet".to_owned()),
        "mobilephone" => Some("Mobile phone".to_owned()),
        "crawler" => Some("Automated client".to_owned()),
        "appliance" => Some("Games console or appliance".to_owned()),
        _ => None,
    };
    Agent {
        browser,
        operating_system: known(found.os),
        device,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_are_named_without_the_raw_string() {
        let a = describe(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
        );
        assert_eq!(a.browser.as_deref(), Some("Chrome 120"));
        assert_eq!(a.operating_system.as_deref(), Some("Windows 10"));
        assert_eq!(a.device.as_deref(), Some("Desktop or laptop"));
        let phone = describe(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(phone.device.as_deref(), Some("Smartphone or tablet"));
        assert_eq!(describe(""), Agent::default());
        assert_eq!(describe("\u{0}garbage"), Agent::default());
    }
}
