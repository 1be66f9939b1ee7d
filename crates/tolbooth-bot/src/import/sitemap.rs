//! `sitemap.xml`: the `<loc>` of each `<url>`, mapped to a file beside the
//! sitemap (a mirror of the site).

use std::path::{Path, PathBuf};

/// The most entries one sitemap may list (the sitemaps protocol's limit).
pub const MAX_ENTRIES: usize = 50_000;

pub fn entries(xml: &str) -> Result<Vec<String>, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    if root.tag_name().name() != "urlset" {
        return Err(format!(
            "expected <urlset>, found <{}> (sitemap indexes: import each sitemap)",
            root.tag_name().name()
        ));
    }
    let locs: Vec<String> = root
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if locs.len() > MAX_ENTRIES {
        return Err(format!("more than {MAX_ENTRIES} entries"));
    }
    Ok(locs)
}

/// The file a `<loc>` names: a path relative to the sitemap, a `file://`
/// path, or a site URL whose path is looked up beside the sitemap as is,
/// with `.html`, or as a folder's `index.html`. Paths that climb out of the
/// sitemap's folder are refused.
pub fn local_file(dir: &Path, loc: &str) -> Option<PathBuf> {
    let path = if let Some(p) = loc.strip_prefix("file://") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    } else if loc.starts_with("http://") || loc.starts_with("https://") {
        crate::url::url_path(loc).trim_start_matches('/').to_owned()
    } else {
        loc.trim_start_matches('/').to_owned()
    };
    if path.split('/').any(|segment| segment == "..") {
        return None;
    }
    let base = dir.join(path.trim_end_matches('/'));
    let candidates = [
        base.clone(),
        base.with_extension("html"),
        base.join("index.html"),
        base.with_extension("md"),
    ];
    candidates.into_iter().find(|c| c.is_file())
}
