//! `tolbooth kb import`: reads HTML pages (files or whole folders — a
//! mirror of the organisation's site), Markdown pages and FAQ files, and
//! `sitemap.xml` files pointing at such files, and turns each into a
//! [`KbPage`] of passages.

pub mod html;
pub mod markdown;
pub mod nesting;
pub mod sections;
mod sitemap;

use crate::area::ServiceAreas;
use crate::url::{join_site_url, url_path};
use std::path::{Path, PathBuf};
use tolbooth_domain::bot::knowledge::{KbPage, KbPassage, MAX_PASSAGES_PER_PAGE};

/// Files larger than this are skipped, with the reason reported.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// The most files one import reads.
pub const MAX_FILES: usize = 200_000;
/// Invalid UTF-8 a page may hold and still be read as text, the bad bytes
/// becoming U+FFFD: this many bytes in a hundred...
pub const MAX_INVALID_UTF8_PERCENT: usize = 1;
/// ...but never fewer than this many, so that a stray byte from a bad copy
/// and paste does not lose a short page. More than that is a binary file
/// (or text in another encoding), and is skipped.
pub const MIN_INVALID_UTF8_ALLOWED: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The site's address, for pages that give no canonical URL of their
    /// own: a file at `bins/collection.html` under a folder becomes
    /// `{site_url}/bins/collection`; without one, the site-relative
    /// `/bins/collection`.
    pub site_url: Option<String>,
    pub areas: ServiceAreas,
}

/// A file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A file that was imported only in part (its page holds what came before
/// the point named), and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Truncated {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Imported {
    pub pages: Vec<KbPage>,
    /// The import roots, as recorded on each page.
    pub roots: Vec<String>,
    pub skipped: Vec<Skipped>,
    /// Files imported, but only in part (each also has its page in
    /// `pages`).
    pub truncated: Vec<Truncated>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: no such file or folder")]
    Missing { path: String },
    #[error("{path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a sitemap: {reason}")]
    Sitemap { path: String, reason: String },
    #[error("more than {MAX_FILES} files to import")]
    TooManyFiles,
}

enum Kind {
    Html,
    Markdown,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => Some(Kind::Html),
        "md" | "markdown" => Some(Kind::Markdown),
        _ => None,
    }
}

/// Imports every path given. A file that cannot be used is skipped with a
/// reason; a path that does not exist, or a sitemap that cannot be read,
/// fails the whole import so that nothing is removed by mistake.
pub fn import(paths: &[PathBuf], options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut imported = Imported::default();
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|_| ImportError::Missing {
            path: shown.clone(),
        })?;
        let root = std::fs::canonicalize(path)
            .map(|p| p.display().to_string())
            .unwrap_or(shown.clone());
        imported.roots.push(root.clone());
        let site = options.site_url.as_deref().unwrap_or("");
        let files = if meta.is_dir() {
            folder_files(path, site)?
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        {
            sitemap_files(path, &shown, site, &mut imported.skipped)?
        } else {
            let name = path.file_name().map(Path::new).unwrap_or(Path::new(""));
            vec![(path.clone(), join_site_url(site, name))]
        };
        if files.len() + imported.pages.len() > MAX_FILES {
            return Err(ImportError::TooManyFiles);
        }
        for (file, fallback_url) in files {
            let page = page_from_file(&file, fallback_url, &root, options);
            imported.add(&file, page, &mut seen);
        }
    }
    Ok(imported)
}

/// The page files under a folder, in order, each with the address it
/// has on the site `site`. Without a site URL, a site-relative link that
/// keeps the folder path ("/bins/collection-days").
fn folder_files(path: &Path, site: &str) -> Result<Vec<(PathBuf, String)>, ImportError> {
    let mut found = Vec::new();
    walk(path, &mut found)?;
    found.sort();
    Ok(found
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(path).unwrap_or(&file).to_path_buf();
            let url = join_site_url(site, &relative);
            (file, url)
        })
        .collect())
}

/// The files a sitemap lists beside it, each with its address; those not
/// found are skipped.
fn sitemap_files(
    path: &Path,
    shown: &str,
    site: &str,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<(PathBuf, String)>, ImportError> {
    let text = read(path)?;
    let entries = sitemap::entries(&text).map_err(|reason| ImportError::Sitemap {
        path: shown.to_owned(),
        reason,
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut files = Vec::new();
    for loc in entries {
        match sitemap::local_file(dir, &loc) {
            Some(file) => {
                let url = if loc.starts_with("http://") || loc.starts_with("https://") {
                    loc
                } else {
                    join_site_url(site, Path::new(loc.trim_start_matches('/')))
                };
                files.push((file, url));
            }
            None => skipped.push(Skipped {
                path: loc,
                reason: "listed in the sitemap but not found beside it".into(),
            }),
        }
    }
    Ok(files)
}

impl Imported {
    /// Records what reading `file` gave: its page, unless another file
    /// already gave that address, or why it was skipped.
    fn add(
        &mut self,
        file: &Path,
        page: Result<(KbPage, Option<String>), String>,
        seen: &mut std::collections::HashSet<String>,
    ) {
        match page {
            Ok((page, cut)) => {
                if seen.insert(page.url.clone()) {
                    if let Some(reason) = cut {
                        self.truncated.push(Truncated {
                            path: file.display().to_string(),
                            reason,
                        });
                    }
                    self.pages.push(page);
                } else {
                    self.skipped.push(Skipped {
                        path: file.display().to_string(),
                        reason: format!("another file already gave {}", page.url),
                    });
                }
            }
            Err(reason) => self.skipped.push(Skipped {
                path: file.display().to_string(),
                reason,
            }),
        }
    }
}

fn read(path: &Path) -> Result<String, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The page files under `root`, however deep its folders go (the order is
/// the caller's to set).
fn walk(root: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let mut folders = vec![root.to_path_buf()];
    while let Some(dir) = folders.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| ImportError::Read {
            path: dir.display().to_string(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() && kind_of(&path).is_some() {
                if out.len() >= MAX_FILES {
                    return Err(ImportError::TooManyFiles);
                }
                out.push(path);
            }
        }
    }
    Ok(())
}

/// A page file's text, or why it is not one: a NUL byte, a UTF-16 byte
/// order mark, or more invalid UTF-8 than [`MAX_INVALID_UTF8_PERCENT`]
/// allows mean a binary file (an image or an archive saved as `.html`,
/// say) or text in another encoding.
fn page_text(bytes: Vec<u8>) -> Result<String, &'static str> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("UTF-16 text, which is not read: save the file as UTF-8");
    }
    if bytes.contains(&0) {
        return Err("not a text file (binary content)");
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(invalid) => invalid.into_bytes(),
    };
    let invalid: usize = bytes.utf8_chunks().map(|c| c.invalid().len()).sum();
    let allowed = (bytes.len() * MAX_INVALID_UTF8_PERCENT / 100).max(MIN_INVALID_UTF8_ALLOWED);
    if invalid > allowed {
        return Err("not a text file (binary content, or text not in UTF-8)");
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Reads one file into a page, with a note when only part of it could be
/// read, or says why it cannot be used.
fn page_from_file(
    path: &Path,
    fallback_url: String,
    root: &str,
    options: &ImportOptions,
) -> Result<(KbPage, Option<String>), String> {
    let kind = kind_of(path).ok_or("not an HTML or Markdown file")?;
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size > MAX_FILE_BYTES {
        return Err(format!("larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let text = page_text(bytes)?;
    let (declared_url, title, area, sections, cut) = match kind {
        Kind::Html => {
            let page = html::extract(&text);
            (page.canonical, page.title, None, page.sections, page.cut)
        }
        Kind::Markdown => {
            let page = markdown::extract(&text);
            (
                page.front.url,
                page.title,
                page.front.area,
                page.sections,
                None,
            )
        }
    };
    let cut = cut.map(|cut| {
        format!(
            "only the part before byte {} of {} was read: {}",
            cut.offset,
            text.len(),
            cut.reason
        )
    });
    let url = declared_url
        .and_then(|u| absolute(&u, options.site_url.as_deref()))
        .unwrap_or(fallback_url);
    let title = if title.is_empty() {
        crate::area::prettify(
            path.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("Untitled"),
        )
    } else {
        title
    };
    let passages: Vec<KbPassage> = sections
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .take(MAX_PASSAGES_PER_PAGE)
        .map(|(headings, text)| KbPassage { headings, text })
        .collect();
    if passages.is_empty() {
        return Err(match cut {
            Some(cut) => format!("no content found in the page's main part ({cut})"),
            None => "no content found in the page's main part".into(),
        });
    }
    let service_area = area.unwrap_or_else(|| options.areas.for_path(url_path(&url)));
    let page = KbPage {
        url,
        title,
        service_area,
        import_root: root.to_owned(),
        passages,
    };
    Ok((page, cut))
}

/// A canonical URL as given when absolute; a site-relative one joined to
/// the site URL (or kept as a site-relative link without one).
fn absolute(url: &str, site: Option<&str>) -> Option<String> {
    let url = url.trim();
    if url.starts_with("https://") || url.starts_with("http://") {
        return Some(url.to_owned());
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return Some(match site {
            Some(site) => format!("{}{url}", site.trim_end_matches('/')),
            None => url.to_owned(),
        });
    }
    None
}

#[cfg(test)]
mod tests;
