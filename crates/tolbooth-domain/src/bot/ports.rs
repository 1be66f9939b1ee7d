//! The chatbot's knowledge base and questions, as ports.

use crate::audit::{CountedAudit, NewAuditEntry};
use crate::bot::knowledge::{ImportCounts, KbPage, KbPageSummary, KbPhrasing};
use crate::bot::questions::{BotDay, BotQuestion, BotQuestionId, BotReport};
use crate::store::error::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// The audit entry of an import, made once the store knows what changed.
pub type ImportAudit = Box<dyn FnOnce(ImportCounts) -> NewAuditEntry + Send>;

/// The chatbot's knowledge base (BOT-1).
#[async_trait]
pub trait KnowledgeStore: Send + Sync {
    /// Saves an import in one transaction with its audit entry: pages new
    /// or changed are written, unchanged ones left as they are, and pages
    /// imported earlier from one of `roots` that this import no longer
    /// holds are removed with their phrasings.
    async fn save_import(
        &self,
        roots: &[String],
        pages: &[KbPage],
        at: OffsetDateTime,
        audit: ImportAudit,
    ) -> StoreResult<ImportCounts>;
    /// Every page with its passages, in URL order.
    async fn knowledge_pages(&self) -> StoreResult<Vec<KbPage>>;
    async fn knowledge_summaries(&self) -> StoreResult<Vec<KbPageSummary>>;
    /// Removes the pages with these URLs, and their phrasings; returns how
    /// many there were.
    async fn remove_pages(&self, urls: &[String], audit: NewAuditEntry) -> StoreResult<u64>;
    /// `NotFound` when no page has the URL. `heading` names the answer on
    /// the page it is for (checked by the caller).
    async fn add_phrasing(
        &self,
        page_url: &str,
        heading: Option<&str>,
        text: &str,
        added_by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<KbPhrasing>;
    async fn remove_phrasing(&self, id: i64, audit: NewAuditEntry) -> StoreResult<()>;
    async fn phrasings(&self) -> StoreResult<Vec<KbPhrasing>>;
    /// The sentence embedding vectors kept for `model`, each with the key
    /// of the text it was computed from (the chatbot's dense retrieval:
    /// computed once per text, public content).
    async fn embedding_vectors(&self, model: &str) -> StoreResult<Vec<(String, Vec<f32>)>>;
    /// Keeps vectors for `model`; a key already kept is left as it is.
    async fn save_embedding_vectors(
        &self,
        model: &str,
        vectors: &[(String, Vec<f32>)],
    ) -> StoreResult<()>;
    /// Removes the vectors of other models and of texts whose key is not
    /// in `keep`; returns how many were removed.
    async fn prune_embedding_vectors(
        &self,
        model: &str,
        keep: &std::collections::HashSet<String>,
    ) -> StoreResult<u64>;
}

/// The chatbot's questions (BOT-4, BOT-5).
#[async_trait]
pub trait ChatbotStore: Send + Sync {
    async fn save_bot_question(&self, question: &BotQuestion) -> StoreResult<()>;
    /// Records "did this help?"; `NotFound` for an unknown (or expired) id.
    async fn set_bot_feedback(&self, id: &BotQuestionId, helpful: bool) -> StoreResult<()>;
    /// Questions per service area per week since `since`, and the latest
    /// `limit` unanswered ones (redacted).
    async fn bot_report(&self, since: OffsetDateTime, limit: u32) -> StoreResult<BotReport>;
    /// Records that the visitor asked for a person after this question
    /// (BOT-3); `NotFound` for an unknown (or expired) id.
    async fn set_bot_handed_over(&self, id: &BotQuestionId) -> StoreResult<()>;
    /// Questions asked at or after `since`, counted per UTC day, oldest
    /// first.
    async fn bot_days(&self, since: OffsetDateTime) -> StoreResult<Vec<BotDay>>;
    async fn count_bot_questions(&self, asked_before: OffsetDateTime) -> StoreResult<u64>;
    /// Deletes the questions asked before `cutoff`, or (anonymise) clears
    /// their words and keeps area, outcome and feedback for the figures.
    async fn expire_bot_questions(
        &self,
        cutoff: OffsetDateTime,
        expiry: crate::retention::ExtractExpiry,
        audit: CountedAudit,
    ) -> StoreResult<u64>;
}
