//! The chatbot's knowledge base: pages with their passages, and staff
//! phrasings (BOT-1).

use crate::audit::append_in;
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use tolbooth_domain::audit::NewAuditEntry;
use tolbooth_domain::bot::knowledge::{ImportCounts, KbPage, KbPageSummary, KbPassage, KbPhrasing};
use tolbooth_domain::bot::ports::{ImportAudit, KnowledgeStore};
use tolbooth_domain::store::{StoreError, StoreResult};
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

fn passages_json(page: &KbPage) -> StoreResult<String> {
    serde_json::to_string(&page.passages).map_err(|e| StoreError::Unavailable(Box::new(e)))
}

async fn delete_pages(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    urls: &[String],
) -> StoreResult<u64> {
    let mut removed = 0;
    for url in urls {
        sqlx::query("DELETE FROM kb_phrasings WHERE page_url = $1")
            .bind(url.clone())
            .execute(&mut **tx)
            .await
            .store()?;
        removed += sqlx::query("DELETE FROM kb_pages WHERE url = $1")
            .bind(url.clone())
            .execute(&mut **tx)
            .await
            .store()?
            .rows_affected();
    }
    Ok(removed)
}

/// A vector as text: its little-endian `f32`s in hex.
fn encode_vector(vector: &[f32]) -> String {
    let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
    hex::encode(bytes)
}

fn decode_vector(text: &str) -> Option<Vec<f32>> {
    let bytes = hex::decode(text).ok()?;
    if bytes.len() % 4 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

#[async_trait]
impl KnowledgeStore for SqlStore {
    async fn save_import(
        &self,
        roots: &[String],
        pages: &[KbPage],
        at: OffsetDateTime,
        audit: ImportAudit,
    ) -> StoreResult<ImportCounts> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query("SELECT url, content_sha256, import_root FROM kb_pages")
            .fetch_all(&mut *tx)
            .await
            .store()?;
        let mut existing: HashMap<String, (String, String)> = HashMap::new();
        for row in rows {
            existing.insert(
                row.try_get("url").store()?,
                (
                    row.try_get("content_sha256").store()?,
                    row.try_get("import_root").store()?,
                ),
            );
        }
        let mut counts = ImportCounts::default();
        let at = unix_millis(at);
        for page in pages {
            let sha = page.content_sha256();
            let query = match existing.get(&page.url) {
                Some((old_sha, old_root)) if *old_sha == sha && *old_root == page.import_root => {
                    counts.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    counts.updated += 1;
                    "UPDATE kb_pages SET title = $2, service_area = $3, import_root = $4, \
                     content_sha256 = $5, passages = $6, passage_count = $7, imported_at = $8 \
                     WHERE url = $1"
                }
                None => {
                    counts.added += 1;
                    "INSERT INTO kb_pages (url, title, service_area, import_root, content_sha256, \
                     passages, passage_count, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                }
            };
            sqlx::query(query)
                .bind(page.url.clone())
                .bind(page.title.clone())
                .bind(page.service_area.clone())
                .bind(page.import_root.clone())
                .bind(sha)
                .bind(passages_json(page)?)
                .bind(page.passages.len() as i64)
                .bind(at)
                .execute(&mut *tx)
                .await
                .store()?;
        }
        let kept: HashSet<&str> = pages.iter().map(|p| p.url.as_str()).collect();
        let vanished: Vec<String> = existing
            .iter()
            .filter(|(url, (_, root))| roots.contains(root) && !kept.contains(url.as_str()))
            .map(|(url, _)| url.clone())
            .collect();
        counts.removed = delete_pages(&mut tx, &vanished).await?;
        append_in(self, &mut tx, &audit(counts)).await?;
        tx.commit().await.store()?;
        Ok(counts)
    }

    async fn knowledge_pages(&self) -> StoreResult<Vec<KbPage>> {
        let rows = sqlx::query(
            "SELECT url, title, service_area, import_root, passages FROM kb_pages ORDER BY url",
        )
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                let passages: String = row.try_get("passages").store()?;
                let passages: Vec<KbPassage> = serde_json::from_str(&passages)
                    .map_err(|e| StoreError::Unavailable(Box::new(e)))?;
                Ok(KbPage {
                    url: row.try_get("url").store()?,
                    title: row.try_get("title").store()?,
                    service_area: row.try_get("service_area").store()?,
                    import_root: row.try_get("import_root").store()?,
                    passages,
                })
            })
            .collect()
    }

    async fn knowledge_summaries(&self) -> StoreResult<Vec<KbPageSummary>> {
        let rows = sqlx::query(
            "SELECT p.url, p.title, p.service_area, p.import_root, p.passage_count, p.imported_at, \
             (SELECT COUNT(*) FROM kb_phrasings f WHERE f.page_url = p.url) AS phrasings \
             FROM kb_pages p ORDER BY p.url",
        )
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                let passages: i64 = row.try_get("passage_count").store()?;
                let phrasings: i64 = row.try_get("phrasings").store()?;
                Ok(KbPageSummary {
                    url: row.try_get("url").store()?,
                    title: row.try_get("title").store()?,
                    service_area: row.try_get("service_area").store()?,
                    import_root: row.try_get("import_root").store()?,
                    passages: u32::try_from(passages).unwrap_or(u32::MAX),
                    phrasings: u32::try_from(phrasings).unwrap_or(u32::MAX),
                    imported_at: from_unix_millis(row.try_get("imported_at").store()?),
                })
            })
            .collect()
    }

    async fn remove_pages(&self, urls: &[String], audit: NewAuditEntry) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let removed = delete_pages(&mut tx, urls).await?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(removed)
    }

    async fn add_phrasing(
        &self,
        page_url: &str,
        heading: Option<&str>,
        text: &str,
        added_by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<KbPhrasing> {
        let mut tx = self.begin_write().await?;
        let page = sqlx::query("SELECT url FROM kb_pages WHERE url = $1")
            .bind(page_url.to_owned())
            .fetch_optional(&mut *tx)
            .await
            .store()?;
        if page.is_none() {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(
            "INSERT INTO kb_phrasings (page_url, heading, text, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(page_url.to_owned())
        .bind(heading.map(str::to_owned))
        .bind(text.to_owned())
        .bind(added_by.to_owned())
        .bind(unix_millis(at))
        .fetch_one(&mut *tx)
        .await
        .store()?;
        let id: i64 = row.try_get("id").store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(KbPhrasing {
            id,
            page_url: page_url.to_owned(),
            heading: heading.map(str::to_owned),
            text: text.to_owned(),
            added_by: added_by.to_owned(),
            added_at: from_unix_millis(unix_millis(at)),
        })
    }

    async fn remove_phrasing(&self, id: i64, audit: NewAuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM kb_phrasings WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .store()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(())
    }

    async fn embedding_vectors(&self, model: &str) -> StoreResult<Vec<(String, Vec<f32>)>> {
        let rows = sqlx::query("SELECT text_sha256, vector FROM kb_vectors WHERE model = $1")
            .bind(model.to_owned())
            .fetch_all(&self.read)
            .await
            .store()?;
        rows.iter()
            .map(|row| {
                let key: String = row.try_get("text_sha256").store()?;
                let vector: String = row.try_get("vector").store()?;
                let vector = decode_vector(&vector).ok_or_else(|| {
                    StoreError::Unavailable(
                        format!("kb_vectors: a malformed vector for {key}").into(),
                    )
                })?;
                Ok((key, vector))
            })
            .collect()
    }

    async fn save_embedding_vectors(
        &self,
        model: &str,
        vectors: &[(String, Vec<f32>)],
    ) -> StoreResult<()> {
        // In batches, so that a large knowledge base is not one long
        // transaction holding the writer.
        for batch in vectors.chunks(500) {
            let mut tx = self.begin_write().await?;
            for (key, vector) in batch {
                sqlx::query(
                    "INSERT INTO kb_vectors (model, text_sha256, vector) VALUES ($1, $2, $3) \
                     ON CONFLICT (model, text_sha256) DO NOTHING",
                )
                .bind(model.to_owned())
                .bind(key.clone())
                .bind(encode_vector(vector))
                .execute(&mut *tx)
                .await
                .store()?;
            }
            tx.commit().await.store()?;
        }
        Ok(())
    }

    async fn prune_embedding_vectors(
        &self,
        model: &str,
        keep: &HashSet<String>,
    ) -> StoreResult<u64> {
        let mut removed = sqlx::query("DELETE FROM kb_vectors WHERE model <> $1")
            .bind(model.to_owned())
            .execute(&self.write)
            .await
            .store()?
            .rows_affected();
        let keys: Vec<String> =
            sqlx::query_scalar("SELECT text_sha256 FROM kb_vectors WHERE model = $1")
                .bind(model.to_owned())
                .fetch_all(&self.read)
                .await
                .store()?;
        let stale: Vec<String> = keys.into_iter().filter(|k| !keep.contains(k)).collect();
        for batch in stale.chunks(500) {
            let mut tx = self.begin_write().await?;
            for key in batch {
                removed +=
                    sqlx::query("DELETE FROM kb_vectors WHERE model = $1 AND text_sha256 = $2")
                        .bind(model.to_owned())
                        .bind(key.clone())
                        .execute(&mut *tx)
                        .await
                        .store()?
                        .rows_affected();
            }
            tx.commit().await.store()?;
        }
        Ok(removed)
    }

    async fn phrasings(&self) -> StoreResult<Vec<KbPhrasing>> {
        let rows = sqlx::query(
            "SELECT id, page_url, heading, text, added_by, added_at FROM kb_phrasings \
             ORDER BY page_url, id",
        )
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                Ok(KbPhrasing {
                    id: row.try_get("id").store()?,
                    page_url: row.try_get("page_url").store()?,
                    heading: row.try_get("heading").store()?,
                    text: row.try_get("text").store()?,
                    added_by: row.try_get("added_by").store()?,
                    added_at: from_unix_millis(row.try_get("added_at").store()?),
                })
            })
            .collect()
    }
}
