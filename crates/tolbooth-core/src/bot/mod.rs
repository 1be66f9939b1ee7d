//! The chatbot's use cases: its knowledge base (`knowledge.rs`, BOT-1:
//! importing pages into the store, listing and removing them, staff
//! phrasings, building the answerer from what is stored; every change
//! audited; parsing, index building and embedding on blocking threads), and
//! `Chatbot`, which answers visitors' questions, takes their feedback and
//! reports on both.
//!
//! With a sentence embedding model configured (`chatbot.embedding_model`)
//! every text of the knowledge base is embedded once and its vector kept
//! in the store; the answerer uses the dense half only when every text has
//! its vector, and BM25 alone until then.

mod knowledge;

pub use knowledge::{EmbedOutcome, ImportOutcome, KnowledgeBase};

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
    #[error("a question is at most {max} characters", max = tolbooth_bot::answer::MAX_QUESTION_CHARS)]
    QuestionTooLong,
    #[error(transparent)]
    Store(StoreError),
    #[error("a background task failed")]
    Task,
}

impl ChatbotError {
    pub fn code(&self) -> Code {
        match self {
            ChatbotError::Import(_) | ChatbotError::Phrasing(_) | ChatbotError::QuestionTooLong => {
                Code::BadInput
            }
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

/// The longest question the chatbot takes, in characters.
pub use tolbooth_bot::answer::MAX_QUESTION_CHARS;

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
            redactor: Redactor::thorough_shared(),
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
        // Refused whole rather than cut: the visitor is told, and nothing
        // they wrote is answered or kept in part.
        if question.trim().chars().count() > tolbooth_bot::answer::MAX_QUESTION_CHARS {
            return Err(ChatbotError::QuestionTooLong);
        }
        if !self.limiter.allow(address.to_owned(), self.clock.now()) {
            return Err(ChatbotError::RateLimited);
        }
        let answerer = self.current();
        let redactor = self.redactor.clone();
        let owned: String = question.to_owned();
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
        let question: String = question.to_owned();
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

    /// The visitor asked for a person after the question `id` (BOT-3):
    /// counted as handed over. An unknown or expired id changes nothing.
    pub async fn handed_over(&self, id: &str) -> Result<(), ChatbotError> {
        let id = BotQuestionId::parse(id).ok_or(ChatbotError::NoSuchQuestion)?;
        match self.store.set_bot_handed_over(&id).await {
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
