//! The published privacy notice and its earlier versions.

mod handlers;
pub(crate) mod pages;

use crate::notice::pages::{NoticeDocument, NoticeView};
use crate::state::AppState;
use askama::Template;
use axum::routing::get;
use axum::Router;
use tolbooth_core::notice::Notice;

/// The notice as a whole HTML document, escaped throughout.
pub fn document(notice: &Notice) -> askama::Result<String> {
    NoticeDocument {
        notice: NoticeView::from(notice),
    }
    .render()
}

/// The notice's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy", get(handlers::current))
        .route("/privacy/versions", get(handlers::versions))
        .route("/privacy/v/{version}", get(handlers::version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tolbooth_core::notice::{build, Block, Edition, Section};
    use tolbooth_core::policy_file::load;

    fn sp() -> Notice {
        let policy = load("preset:scottish-parliament-live-chat").unwrap().policy;
        build(
            &policy,
            Edition {
                version: Some(3),
                effective: time::Date::from_calendar_date(2026, time::Month::December, 1).unwrap(),
            },
        )
    }

    #[test]
    fn html_is_escaped_and_links_are_links() {
        let mut notice = sp();
        notice.sections.push(Section {
            heading: "<script>".into(),
            blocks: vec![Block::Paragraph("a <b> & c@d.org.".into())],
        });
        let html = document(&notice).unwrap();
        assert!(html.contains("<h2>&#60;script&#62;</h2>"), "{html}");
        assert!(html.contains("a &#60;b&#62; &#38; <a href=\"mailto:c@d.org\">c@d.org</a>."));
        assert!(html.contains("<a href=\"https://ico.org.uk/make-a-complaint/\">"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn the_document_holds_every_section_and_list_item() {
        let notice = sp();
        let html = document(&notice).unwrap();
        let items: usize = notice
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .map(|b| match b {
                Block::List(items) => items.len(),
                Block::Paragraph(_) => 0,
            })
            .sum();
        assert_eq!(html.matches("<h2>").count(), notice.sections.len());
        assert_eq!(html.matches("<li>").count(), items);
        assert!(html.starts_with("<!doctype html>"));
    }
}
