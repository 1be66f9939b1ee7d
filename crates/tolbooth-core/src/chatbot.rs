//! The chatbot's knowledge base as a use case (BOT-1): importing pages
//! into the store, listing and removing them, staff phrasings, and
//! building the answerer from what is stored. Every change is audited.
//! Parsing and index building run on blocking threads.

use crate::config::ChatbotConfig;
use crate::rate_limit::RateLimit;
use std::path::PathBuf;
use std::sync::Arc;
use tolbooth_bot::answer::{Answerer, Reply, Thresholds, Wording};
use tolbooth_bot::area::ServiceAreas;
use tolbooth_bot::guard::PatternError;
use tolbooth_bot::import::{ImportError, ImportOptions, Skipped};
use tolbooth_bot::index::{FieldBoosts, IndexError, KnowledgeIndex};
use tolbooth_bot::CaseGuard;
use tolbooth_domain::audit::{Actor, NewAuditEntry, ObjectRef};
use tolbooth_domain::bot_questions::{BotQuestion, BotQuestionId, BotReport};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::knowledge::{
    tidy_phrasing, ImportCounts, KbPageSummary, KbPhrasing, PhrasingError,
};
use tolbooth_domain::policy::{CategoryKind, ValidPolicy};
use tolbooth_domain::ports::{ChatbotStore, KnowledgeStore, StoreError};
use tolbooth_redact::Redactor;

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
    #[error("no question has that id")]
    NoSuchQuestion,
    #[error("too many questions from one address; wait a minute")]
    RateLimited,
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

/// Questions one address may ask per [`ASK_WINDOW`].
pub const ASKS_PER_ADDRESS: u32 = 30;
pub const ASK_WINDOW: time::Duration = time::Duration::minutes(1);

/// A question asked and what the bot said.
#[derive(Debug, Clone)]
pub struct Asked {
    /// The handle for feedback; `None` when the policy keeps no questions.
    pub id: Option<BotQuestionId>,
    pub reply: Reply,
}

/// The chatbot as the widget meets it (BOT-1..BOT-6): answers from the
/// knowledge base held in memory, and — only when the running policy has a
/// `chatbot_question` category — the question kept, with its redacted
/// form for reports.
#[derive(Clone)]
pub struct Chatbot {
    kb: KnowledgeBase,
    store: Arc<dyn ChatbotStore>,
    clock: Arc<dyn Clock>,
    answerer: Arc<std::sync::RwLock<Arc<Answerer>>>,
    redactor: Arc<Redactor>,
    keeps_questions: bool,
    limiter: Arc<RateLimit<String>>,
}

impl std::fmt::Debug for Chatbot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chatbot")
            .field("keeps_questions", &self.keeps_questions)
            .finish_non_exhaustive()
    }
}

impl Chatbot {
    /// Builds the answerer from the stored knowledge base.
    pub async fn start(
        kb: KnowledgeBase,
        store: Arc<dyn ChatbotStore>,
        clock: Arc<dyn Clock>,
        policy: &ValidPolicy,
    ) -> Result<Self, ChatbotError> {
        let answerer = kb.answerer().await?;
        Ok(Self {
            kb,
            store,
            clock,
            answerer: Arc::new(std::sync::RwLock::new(Arc::new(answerer))),
            redactor: Arc::new(Redactor::new()),
            keeps_questions: policy.rule(CategoryKind::ChatbotQuestion).is_some(),
            limiter: Arc::new(RateLimit::new(ASKS_PER_ADDRESS, ASK_WINDOW, 100_000)),
        })
    }

    pub fn knowledge_base(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// Whether the running policy keeps chatbot questions (and so whether
    /// there are reports and feedback).
    pub fn keeps_questions(&self) -> bool {
        self.keeps_questions
    }

    fn current(&self) -> Arc<Answerer> {
        match self.answerer.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Whether there is anything to answer from.
    pub fn has_knowledge(&self) -> bool {
        !self.current().index().passages().is_empty()
    }

    /// A digest of what the answerer is built from (pages as imported,
    /// phrasings), to notice changes made by another process — `tolbooth
    /// kb import` while the server runs, or another node.
    pub async fn knowledge_fingerprint(&self) -> Result<String, ChatbotError> {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for page in self.kb.pages().await? {
            hasher.update(page.url.as_bytes());
            hasher.update(page.imported_at.unix_timestamp_nanos().to_be_bytes());
        }
        for phrasing in self.kb.phrasings().await? {
            hasher.update(phrasing.id.to_be_bytes());
        }
        Ok(hex::encode(hasher.finalize()))
    }

    /// Checks the knowledge base every `every` and rebuilds the answerer
    /// when it changed. Errors are logged and the loop goes on.
    pub async fn follow_changes(self, every: std::time::Duration) {
        let mut last = self.knowledge_fingerprint().await.ok();
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            match self.knowledge_fingerprint().await {
                Ok(now) if last.as_ref() != Some(&now) => match self.reload().await {
                    Ok(()) => {
                        tracing::info!("the knowledge base changed: chatbot index rebuilt");
                        last = Some(now);
                    }
                    Err(e) => tracing::warn!(error = %e, "could not rebuild the chatbot index"),
                },
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not check the knowledge base"),
            }
        }
    }

    /// Rebuilds the answerer after the knowledge base changed.
    pub async fn reload(&self) -> Result<(), ChatbotError> {
        let fresh = Arc::new(self.kb.answerer().await?);
        match self.answerer.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// Answers a question from `address` (rate limited per address).
    pub async fn ask(&self, question: &str, address: &str) -> Result<Asked, ChatbotError> {
        if !self.limiter.allow(address.to_owned(), self.clock.now()) {
            return Err(ChatbotError::RateLimited);
        }
        let answerer = self.current();
        let redactor = self.redactor.clone();
        let owned: String = question
            .chars()
            .take(tolbooth_bot::answer::MAX_QUESTION_CHARS)
            .collect();
        let (reply, redacted) = tokio::task::spawn_blocking(move || {
            // Contact details and identifiers say nothing about what is
            // asked and only dilute the search: they are left out of it.
            // (Special category words — "diabetes" — stay: they can be
            // what the question is about.)
            let redacted = redactor.redact(&owned);
            let mut search = String::with_capacity(owned.len());
            let mut at = 0;
            for f in redacted
                .findings
                .iter()
                .filter(|f| !f.category.is_special())
            {
                search.push_str(owned.get(at..f.start).unwrap_or_default());
                search.push(' ');
                at = f.end;
            }
            search.push_str(owned.get(at..).unwrap_or_default());
            answerer.answer(&search).map(|reply| (reply, redacted.text))
        })
        .await
        .map_err(|_| ChatbotError::Task)??;
        if !self.keeps_questions || reply.reason == Some(tolbooth_bot::Decline::EmptyQuestion) {
            return Ok(Asked { id: None, reply });
        }
        let question: String = question
            .chars()
            .take(tolbooth_bot::answer::MAX_QUESTION_CHARS)
            .collect();
        let id = BotQuestionId::from_random(rand::random());
        let record = BotQuestion {
            id: id.clone(),
            asked_at: self.clock.now(),
            question: Some(question),
            redacted: Some(redacted),
            service_area: reply.service_area.clone(),
            answered: reply.answered,
            reason: reply.reason.map(|r| r.as_str().to_owned()),
            page_url: reply.sources.first().map(|s| s.url.clone()),
            helpful: None,
        };
        self.store.save_bot_question(&record).await?;
        Ok(Asked {
            id: Some(id),
            reply,
        })
    }

    /// "Did this help?" for a question asked earlier.
    pub async fn feedback(&self, id: &str, helpful: bool) -> Result<(), ChatbotError> {
        let id = BotQuestionId::parse(id).ok_or(ChatbotError::NoSuchQuestion)?;
        match self.store.set_bot_feedback(&id, helpful).await {
            Err(StoreError::NotFound) => Err(ChatbotError::NoSuchQuestion),
            other => Ok(other?),
        }
    }

    /// The console report over the last `weeks` weeks.
    pub async fn report(&self, weeks: u32) -> Result<BotReport, ChatbotError> {
        let since = self.clock.now() - time::Duration::weeks(i64::from(weeks));
        Ok(self.store.bot_report(since, 50).await?)
    }
}
