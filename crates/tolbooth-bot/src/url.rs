//! Small helpers for the page addresses the knowledge base cites.

use std::path::Path;

/// The path of an absolute or site-relative URL, without query or fragment.
pub fn url_path(url: &str) -> &str {
    let after_scheme = match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            match rest.find('/') {
                Some(j) => &rest[j..],
                None => "/",
            }
        }
        None => url,
    };
    let end = after_scheme.find(['?', '#']).unwrap_or(after_scheme.len());
    &after_scheme[..end]
}

/// `{site}/{relative path}` with `.html`/`.md` and a trailing `index`
/// dropped: `bins/index.html` → `{site}/bins`.
pub fn join_site_url(site: &str, relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        for ext in [".html", ".htm", ".md", ".markdown"] {
            if let Some(stem) = last.strip_suffix(ext) {
                *last = stem.to_owned();
                break;
            }
        }
        if last == "index" {
            parts.pop();
        }
    }
    let site = site.trim_end_matches('/');
    if parts.is_empty() {
        format!("{site}/")
    } else {
        format!("{site}/{}", parts.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_urls() {
        assert_eq!(url_path("https://a.gov.uk/bins/days?x=1#top"), "/bins/days");
        assert_eq!(url_path("https://a.gov.uk"), "/");
        assert_eq!(url_path("/parking"), "/parking");
    }

    #[test]
    fn files_become_site_urls() {
        let site = "https://www.anytown.gov.uk/";
        assert_eq!(
            join_site_url(site, Path::new("bins/index.html")),
            "https://www.anytown.gov.uk/bins"
        );
        assert_eq!(
            join_site_url(site, Path::new("bins/days.html")),
            "https://www.anytown.gov.uk/bins/days"
        );
        assert_eq!(
            join_site_url(site, Path::new("index.html")),
            "https://www.anytown.gov.uk/"
        );
    }
}
