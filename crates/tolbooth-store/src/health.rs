//! What `/readyz` asks of the store.

use crate::connect::SqlStore;
use crate::error::OrStoreError;
use async_trait::async_trait;
use tolbooth_domain::store::{StoreHealth, StoreResult};

#[async_trait]
impl StoreHealth for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.read).await.store()?;
        Ok(())
    }

    async fn migrations_current(&self) -> StoreResult<bool> {
        let (known, applied) = self.migration_status().await?;
        Ok(known.is_subset(&applied))
    }

    fn backend_name(&self) -> &'static str {
        self.backend.name()
    }
}
