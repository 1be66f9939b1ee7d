//! The pages and the standalone document of the published privacy notice,
//! as askama templates rendering the model that core builds.

use crate::pages::Layout;
use askama::Template;
use tolbooth_core::notice::{segments, Block, Notice, Segment};

/// A notice as its templates show it: each text split into plain runs and
/// links, every run escaped by the template.
pub struct NoticeView {
    pub title: String,
    pub sections: Vec<SectionView>,
}

pub struct SectionView {
    pub heading: String,
    pub blocks: Vec<BlockView>,
}

pub enum BlockView {
    Paragraph(Vec<Segment>),
    List(Vec<Vec<Segment>>),
}

impl From<&Notice> for NoticeView {
    fn from(notice: &Notice) -> Self {
        NoticeView {
            title: notice.title.clone(),
            sections: notice
                .sections
                .iter()
                .map(|s| SectionView {
                    heading: s.heading.clone(),
                    blocks: s
                        .blocks
                        .iter()
                        .map(|b| match b {
                            Block::Paragraph(t) => BlockView::Paragraph(segments(t)),
                            Block::List(items) => {
                                BlockView::List(items.iter().map(|i| segments(i)).collect())
                            }
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "notice/privacy.html")]
pub struct PrivacyPage {
    pub layout: Layout,
    pub notice: NoticeView,
    pub version: i64,
    /// The version in force, when an earlier one is shown.
    pub latest: Option<i64>,
}

/// The notice as a whole HTML document, for publishing it elsewhere
/// (`tolbooth policy notice --format html`).
#[derive(Template)]
#[template(path = "notice/document.html")]
pub struct NoticeDocument {
    pub notice: NoticeView,
}

#[derive(Template)]
#[template(path = "notice/privacy_versions.html")]
pub struct PrivacyVersionsPage {
    pub layout: Layout,
    /// Version and the date it came into force.
    pub versions: Vec<(i64, String)>,
}
