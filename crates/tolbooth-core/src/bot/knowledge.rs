//! The chatbot's knowledge base (BOT-1): importing the organisation's pages,
//! staff phrasings, the dense half's vectors, and the answerer built from
//! them.

use super::*;

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
        let guard = if self.config.case_model {
            CaseGuard::new(&self.config.case_patterns)?
        } else {
            CaseGuard::patterns_only(&self.config.case_patterns)?
        };
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
