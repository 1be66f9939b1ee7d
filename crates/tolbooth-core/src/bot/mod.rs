//! The chatbot's knowledge base as a use case (BOT-1): importing pages
//! into the store, listing and removing them, staff phrasings, and
//! building the answerer from what is stored. Every change is audited.
//! Parsing, index building and embedding run on blocking threads.
//!
//! With a sentence embedding model configured (`chatbot.embedding_model`)
//! every text of the knowledge base is embedded once and its vector kept
//! in the store; the answerer uses the dense half only when every text has
//! its vector, and BM25 alone until then.

use crate::code::Code;
use crate::config::ChatbotConfig;
use crate::rate_limit::RateLimit;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use tolbooth_bot::answer::{AnswerError, Answerer, Dense, Reply, Thresholds, Wording};
use tolbooth_bot::area::ServiceAreas;
use tolbooth_bot::dense::{self, DenseError, DenseIndex, Embedder};
use tolbooth_bot::guard::PatternError;
use tolbooth_bot::import::{ImportError, ImportOptions, Skipped, Truncated};
use tolbooth_bot::index::{FieldBoosts, IndexError, KnowledgeIndex};
use tolbooth_bot::CaseGuard;
use tolbooth_domain::audit::{Actor, NewAuditEntry, ObjectRef};
use tolbooth_domain::bot::knowledge::{
    tidy_phrasing, ImportCounts, KbPageSummary, KbPhrasing, PhrasingError,
};
use tolbooth_domain::bot::ports::{ChatbotStore, KnowledgeStore};
use tolbooth_domain::bot::questions::{BotQuestion, BotQuestionId, BotReport};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::policy::{CategoryKind, ValidPolicy};
use tolbooth_domain::store::StoreError;
use tolbooth_redact::Redactor;

#[derive(Debug, thiserror::Error)]
pub enum ChatbotError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Answer(#[from] AnswerError),
    #[error(transparent)]
    Model(#[from] DenseError),
    #[error(transparent)]
    Pattern(#[from] PatternError),
    #[error(transparent)]
    Phrasing(#[from] PhrasingError),
    #[error("no page in the knowledge base has that address")]
    NoSuchPage,
    #[error("no phrasing has that number")]
    NoSuchPhrasing,
    #[error("that page has no answer under that heading")]
    NoSuchAnswer,
    #[error("no question has that id")]
    NoSuchQuestion,
    #[error("too many questions from one address; wait a minute")]
    RateLimited,
    #[error(transparent)]
    Store(StoreError),
    #[error("a background task failed")]
    Task,
}

impl ChatbotError {
    pub fn code(&self) -> Code {
        match self {
            ChatbotError::Import(_) | ChatbotError::Phrasing(_) => Code::BadInput,
            ChatbotError::NoSuchPage
            | ChatbotError::NoSuchPhrasing
            | ChatbotError::NoSuchAnswer
            | ChatbotError::NoSuchQuestion => Code::NotFound,
            ChatbotError::RateLimited => Code::RateLimited,
            ChatbotError::Index(_)
            | ChatbotError::Answer(_)
            | ChatbotError::Model(_)
            | ChatbotError::Pattern(_)
            | ChatbotError::Task => Code::Internal,
            ChatbotError::Store(e) => Code::of_store(e),
        }
    }
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
    /// Files imported only in part (nested too deep, or too many
    /// attributes), each with where it was cut.
    pub truncated: Vec<Truncated>,
    /// New texts embedded for dense retrieval (with a model configured).
    pub embedding: Option<EmbedOutcome>,
}

/// What [`KnowledgeBase::embed_missing`] did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct EmbedOutcome {
    /// Distinct texts in the knowledge base.
    pub texts: usize,
    /// Embedded now (the rest were kept from before).
    pub embedded: usize,
    /// Vectors of texts no longer in the knowledge base, or of another
    /// model, removed.
    pub removed: u64,
}

/// Texts embedded between saves, so that an interrupted run keeps most of
/// its work.
const EMBED_BATCH: usize = 32;

#[derive(Clone)]
pub struct KnowledgeBase {
    store: Arc<dyn KnowledgeStore>,
    clock: Arc<dyn Clock>,
    config: ChatbotConfig,
    embedder: Option<Arc<Embedder>>,
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
            embedder: None,
        }
    }

    /// Adds the sentence embedding model (the dense half of retrieval).
    pub fn with_embedder(mut self, embedder: Arc<Embedder>) -> Self {
        self.embedder = Some(embedder);
        self
    }

    /// The same knowledge base without the model: imports that leave the
    /// embedding to the server's background work (the demo's, at start).
    pub fn without_embedder(mut self) -> Self {
        self.embedder = None;
        self
    }

    pub fn embedder(&self) -> Option<&Arc<Embedder>> {
        self.embedder.as_ref()
    }

    /// Loads the model `chatbot.embedding_model` names, if it names one.
    pub async fn load_embedder(
        config: &ChatbotConfig,
    ) -> Result<Option<Arc<Embedder>>, ChatbotError> {
        let Some(dir) = config.embedding_model.clone() else {
            return Ok(None);
        };
        let embedder = tokio::task::spawn_blocking(move || Embedder::load(&dir))
            .await
            .map_err(|_| ChatbotError::Task)??;
        Ok(Some(Arc::new(embedder)))
    }

    /// Embeds every text of the knowledge base that has no stored vector
    /// for the model yet, saving as it goes, then removes vectors no text
    /// needs any more. `None` without a model.
    pub async fn embed_missing(&self) -> Result<Option<EmbedOutcome>, ChatbotError> {
        let Some(embedder) = self.embedder.clone() else {
            return Ok(None);
        };
        let model = embedder.model_id().to_owned();
        let pages = self.store.knowledge_pages().await?;
        let phrasings = self.store.phrasings().await?;
        let stored: HashSet<String> = self
            .store
            .embedding_vectors(&model)
            .await?
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        let mut keep = HashSet::new();
        let mut missing = Vec::new();
        for (_, text) in dense::texts(&pages, &phrasings) {
            let key = dense::text_key(&text);
            if keep.insert(key.clone()) && !stored.contains(&key) {
                missing.push((key, text));
            }
        }
        let mut outcome = EmbedOutcome {
            texts: keep.len(),
            ..EmbedOutcome::default()
        };
        for batch in missing.chunks(EMBED_BATCH) {
            let batch = batch.to_vec();
            let embedder = embedder.clone();
            let vectors = tokio::task::spawn_blocking(move || {
                batch
                    .into_iter()
                    .map(|(key, text)| Ok((key, embedder.embed(&text)?)))
                    .collect::<Result<Vec<_>, DenseError>>()
            })
            .await
            .map_err(|_| ChatbotError::Task)??;
            self.store.save_embedding_vectors(&model, &vectors).await?;
            outcome.embedded += vectors.len();
        }
        outcome.removed = self.store.prune_embedding_vectors(&model, &keep).await?;
        Ok(Some(outcome))
    }

    /// Imports the paths (`tolbooth kb import`), then embeds new texts
    /// when there is a model. A dry run reads and reports without storing.
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
        let embedding = if dry_run {
            None
        } else {
            self.embed_missing().await?
        };
        Ok(ImportOutcome {
            pages: imported.pages.len(),
            passages,
            counts,
            skipped: imported.skipped,
            truncated: imported.truncated,
            embedding,
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

    /// Adds a staff phrasing for a page, or for the answer under `answer`
    /// (a heading on the page, such as an FAQ question) — audited with the
    /// page, not the words.
    pub async fn add_phrasing(
        &self,
        page_url: &str,
        answer: Option<&str>,
        text: &str,
        added_by: &str,
        actor: Actor,
    ) -> Result<KbPhrasing, ChatbotError> {
        let text = tidy_phrasing(text)?;
        let heading = match answer.map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(answer) => {
                let pages = self.store.knowledge_pages().await?;
                let page = pages
                    .iter()
                    .find(|p| p.url == page_url)
                    .ok_or(ChatbotError::NoSuchPage)?;
                let at = page
                    .passage_under(answer)
                    .ok_or(ChatbotError::NoSuchAnswer)?;
                page.passages
                    .get(at)
                    .and_then(|p| p.headings.last().cloned())
            }
        };
        let audit =
            NewAuditEntry::new(actor, "kb.phrasing_added").on(ObjectRef::new("kb_page", page_url));
        match self
            .store
            .add_phrasing(
                page_url,
                heading.as_deref(),
                &text,
                added_by,
                self.clock.now(),
                audit,
            )
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

    /// Builds the answerer from the stored pages and phrasings, with the
    /// dense half when a model is configured and every text has its
    /// vector.
    pub async fn answerer(&self) -> Result<Answerer, ChatbotError> {
        let pages = self.store.knowledge_pages().await?;
        let phrasings = self.store.phrasings().await?;
        let guard = CaseGuard::new(&self.config.case_patterns)?;
        let vectors = match &self.embedder {
            Some(embedder) => Some((
                embedder.clone(),
                self.store.embedding_vectors(embedder.model_id()).await?,
            )),
            None => None,
        };
        let config = self.config.clone();
        tokio::task::spawn_blocking(move || {
            let index = KnowledgeIndex::build(&pages, &phrasings, FieldBoosts::default())?;
            let dense = vectors.and_then(|(embedder, stored)| {
                dense_half(
                    &index,
                    &pages,
                    &phrasings,
                    embedder,
                    stored,
                    config.dense_weight,
                )
            });
            let defaults = if dense.is_some() {
                Thresholds::hybrid()
            } else {
                Thresholds::default()
            };
            let thresholds = Thresholds {
                min_confidence: config.min_confidence.unwrap_or(defaults.min_confidence),
                min_margin: config.min_margin.unwrap_or(defaults.min_margin),
            };
            let answerer = Answerer::new(index, guard, thresholds, Wording::default());
            Ok(match dense {
                Some(dense) => answerer.with_dense(dense),
                None => answerer,
            })
        })
        .await
        .map_err(|_| ChatbotError::Task)?
    }
}

/// The dense half from the stored vectors, or `None` while a text has
/// none (or they do not fit the model).
fn dense_half(
    index: &KnowledgeIndex,
    pages: &[tolbooth_domain::bot::knowledge::KbPage],
    phrasings: &[KbPhrasing],
    embedder: Arc<Embedder>,
    stored: Vec<(String, Vec<f32>)>,
    weight: f32,
) -> Option<Dense> {
    let stored: HashMap<String, Vec<f32>> = stored.into_iter().collect();
    let slots = dense::texts(pages, phrasings)
        .into_iter()
        .map(|(slot, text)| Some((slot, stored.get(&dense::text_key(&text))?.clone())))
        .collect::<Option<Vec<_>>>()?;
    match DenseIndex::new(index, embedder.dims(), slots) {
        Ok(vectors) => Some(Dense {
            embedder,
            vectors,
            weight,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "stored embedding vectors do not fit; answering with BM25 alone");
            None
        }
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
    /// The knowledge base's fingerprint when last looked at
    /// ([`Chatbot::follow_changes`]).
    seen: Arc<tokio::sync::Mutex<Option<String>>>,
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
            seen: Arc::default(),
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
    /// One look for changes made by another process (`kb import` on the
    /// command line, another node): the first look notes the knowledge
    /// base as it stands; a later one that finds it changed rebuilds the
    /// index. True when it rebuilt.
    pub async fn follow_changes(&self) -> Result<bool, ChatbotError> {
        let now = self.knowledge_fingerprint().await?;
        let mut seen = self.seen.lock().await;
        match seen.as_ref() {
            None => {
                *seen = Some(now);
                Ok(false)
            }
            Some(before) if *before == now => Ok(false),
            Some(_) => {
                self.reload().await?;
                tracing::info!("the knowledge base changed: chatbot index rebuilt");
                *seen = Some(now);
                Ok(true)
            }
        }
    }

    /// Whether answers use the dense half (a model is configured and
    /// every text has its vector).
    pub fn uses_dense(&self) -> bool {
        self.current().dense().is_some()
    }

    /// With a model configured, embeds the texts that have no vector yet
    /// (the model is new, or pages came in without it) and switches the
    /// answerer to the dense half; answers come from BM25 alone meanwhile.
    pub async fn finish_embedding(&self) {
        if self.kb.embedder().is_none() {
            return;
        }
        tracing::info!("checking the knowledge base's embeddings; BM25 alone until done");
        let started = std::time::Instant::now();
        let embedded = match self.kb.embed_missing().await {
            Ok(outcome) => outcome.map(|o| o.embedded).unwrap_or(0),
            Err(e) => {
                tracing::warn!(error = %e, "could not embed the knowledge base");
                return;
            }
        };
        if embedded == 0 && self.uses_dense() {
            return;
        }
        match self.kb.answerer().await {
            Ok(answerer) => {
                let dense = answerer.dense().is_some();
                self.replace(answerer);
                if dense {
                    tracing::info!(
                        texts = embedded,
                        seconds = started.elapsed().as_secs(),
                        "knowledge base embedded: answering with BM25 and the embedding model"
                    );
                } else {
                    tracing::warn!("knowledge base embedded but the dense half is not in use");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not rebuild the chatbot index"),
        }
    }

    fn replace(&self, answerer: Answerer) {
        let fresh = Arc::new(answerer);
        match self.answerer.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }

    /// Rebuilds the answerer after the knowledge base changed, embedding
    /// new texts first when there is a model.
    pub async fn reload(&self) -> Result<(), ChatbotError> {
        self.kb.embed_missing().await?;
        self.replace(self.kb.answerer().await?);
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
