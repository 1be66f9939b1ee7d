//! The chatbot's knowledge base as a use case (BOT-1): importing pages
//! into the store, listing and removing them, staff phrasings, and
//! building the answerer from what is stored. Every change is audited.
//! Parsing and index building run on blocking threads.

use crate::config::ChatbotConfig;
use std::path::PathBuf;
use std::sync::Arc;
use tolbooth_bot::answer::{Answerer, Thresholds, Wording};
use tolbooth_bot::area::ServiceAreas;
use tolbooth_bot::guard::PatternError;
use tolbooth_bot::import::{ImportError, ImportOptions, Skipped};
use tolbooth_bot::index::{FieldBoosts, IndexError, KnowledgeIndex};
use tolbooth_bot::CaseGuard;
use tolbooth_domain::audit::{Actor, NewAuditEntry, ObjectRef};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::knowledge::{
    tidy_phrasing, ImportCounts, KbPageSummary, KbPhrasing, PhrasingError,
};
use tolbooth_domain::ports::{KnowledgeStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ChatbotError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Pattern(#[from] PatternError),
    #[error(transparent)]
    Phrasing(#[from] PhrasingError),
    #[error("no page in the knowledge base has that address")]
    NoSuchPage,
    #[error("no phrasing has that number")]
    NoSuchPhrasing,
    #[error(transparent)]
    Store(StoreError),
    #[error("a background task failed")]
    Task,
}

impl From<StoreError> for ChatbotError {
    fn from(e: StoreError) -> Self {
        ChatbotError::Store(e)
    }
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportOutcome {
    pub pages: usize,
    pub passages: usize,
    pub counts: Option<ImportCounts>,
    pub skipped: Vec<Skipped>,
}

#[derive(Clone)]
pub struct KnowledgeBase {
    store: Arc<dyn KnowledgeStore>,
    clock: Arc<dyn Clock>,
    config: ChatbotConfig,
}

impl std::fmt::Debug for KnowledgeBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeBase").finish_non_exhaustive()
    }
}

impl KnowledgeBase {
    pub fn new(
        store: Arc<dyn KnowledgeStore>,
        clock: Arc<dyn Clock>,
        config: ChatbotConfig,
    ) -> Self {
        Self {
            store,
            clock,
            config,
        }
    }

    /// Imports the paths (`tolbooth kb import`). A dry run reads and
    /// reports without storing.
    pub async fn import(
        &self,
        paths: Vec<PathBuf>,
        site_url: Option<String>,
        actor: Actor,
        dry_run: bool,
    ) -> Result<ImportOutcome, ChatbotError> {
        let options = ImportOptions {
            site_url: site_url.or_else(|| self.config.site_url.clone()),
            areas: ServiceAreas::new(&self.config.service_areas),
        };
        let imported =
            tokio::task::spawn_blocking(move || tolbooth_bot::import::import(&paths, &options))
                .await
                .map_err(|_| ChatbotError::Task)??;
        let passages = imported.pages.iter().map(|p| p.passages.len()).sum();
        let counts = if dry_run {
            None
        } else {
            let audit = Box::new(move |c: ImportCounts| {
                NewAuditEntry::new(actor, "kb.imported").because(format!(
                    "added {}, updated {}, unchanged {}, removed {}",
                    c.added, c.updated, c.unchanged, c.removed
                ))
            });
            Some(
                self.store
                    .save_import(&imported.roots, &imported.pages, self.clock.now(), audit)
                    .await?,
            )
        };
        Ok(ImportOutcome {
            pages: imported.pages.len(),
            passages,
            counts,
            skipped: imported.skipped,
        })
    }

    pub async fn pages(&self) -> Result<Vec<KbPageSummary>, ChatbotError> {
        Ok(self.store.knowledge_summaries().await?)
    }

    /// Removes pages by URL; an unknown URL is an error and nothing is
    /// removed.
    pub async fn remove(&self, urls: &[String], actor: Actor) -> Result<u64, ChatbotError> {
        let known = self.store.knowledge_summaries().await?;
        if urls.iter().any(|u| !known.iter().any(|k| &k.url == u)) {
            return Err(ChatbotError::NoSuchPage);
        }
        let audit =
            NewAuditEntry::new(actor, "kb.removed").because(format!("{} page(s)", urls.len()));
        Ok(self.store.remove_pages(urls, audit).await?)
    }

    pub async fn phrasings(&self) -> Result<Vec<KbPhrasing>, ChatbotError> {
        Ok(self.store.phrasings().await?)
    }

    /// Adds a staff phrasing for a page (audited with the page, not the
    /// words).
    pub async fn add_phrasing(
        &self,
        page_url: &str,
        text: &str,
        added_by: &str,
        actor: Actor,
    ) -> Result<KbPhrasing, ChatbotError> {
        let text = tidy_phrasing(text)?;
        let audit =
            NewAuditEntry::new(actor, "kb.phrasing_added").on(ObjectRef::new("kb_page", page_url));
        match self
            .store
            .add_phrasing(page_url, &text, added_by, self.clock.now(), audit)
            .await
        {
            Err(StoreError::NotFound) => Err(ChatbotError::NoSuchPage),
            other => Ok(other?),
        }
    }

    pub async fn remove_phrasing(&self, id: i64, actor: Actor) -> Result<(), ChatbotError> {
        let audit =
            NewAuditEntry::new(actor, "kb.phrasing_removed").on(ObjectRef::new("kb_phrasing", id));
        match self.store.remove_phrasing(id, audit).await {
            Err(StoreError::NotFound) => Err(ChatbotError::NoSuchPhrasing),
            other => Ok(other?),
        }
    }

    /// Builds the answerer from the stored pages and phrasings.
    pub async fn answerer(&self) -> Result<Answerer, ChatbotError> {
        let pages = self.store.knowledge_pages().await?;
        let phrasings = self.store.phrasings().await?;
        let guard = CaseGuard::new(&self.config.case_patterns)?;
        let thresholds = Thresholds {
            min_confidence: self.config.min_confidence,
            min_margin: self.config.min_margin,
        };
        tokio::task::spawn_blocking(move || {
            let index = KnowledgeIndex::build(&pages, &phrasings, FieldBoosts::default())?;
            Ok(Answerer::new(index, guard, thresholds, Wording::default()))
        })
        .await
        .map_err(|_| ChatbotError::Task)?
    }
}
