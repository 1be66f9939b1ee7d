//! Opening the store and building the services from a configuration.

use anyhow::Context;
use std::sync::Arc;
use tolbooth_core::policy_file::LoadedPolicy;
use tolbooth_core::services::{Base, PolicyServices, Services};
use tolbooth_core::{Accounts, Config};
use tolbooth_domain::clock::{Clock, SystemClock};
use tolbooth_domain::store::Store;
use tolbooth_store::SqlStore;

pub struct App {
    pub config: Arc<Config>,
    pub store: SqlStore,
    /// Accounts and live chat, built by the one wiring in the core.
    pub base: Base,
    pub accounts: Accounts,
    pub clock: Arc<dyn Clock>,
    /// The sentence embedding model, loaded on first use (only commands
    /// that answer or import need it).
    embedder: tokio::sync::OnceCell<Option<Arc<tolbooth_bot::dense::Embedder>>>,
}

/// The preset `demo` runs with when no policy is configured.
pub const DEMO_POLICY: &str = "preset:demo-council";

/// Loads the configured policy (`retention.policy`), or says clearly that
/// one is needed.
pub fn load_policy(config: &Config) -> anyhow::Result<LoadedPolicy> {
    let Some(spec) = &config.retention.policy else {
        anyhow::bail!(
            "no retention policy configured: set retention.policy (TOLBOOTH_RETENTION__POLICY) to your policy file, or to preset:NAME to start from a preset (`tolbooth policy presets` lists them; `tolbooth policy preset NAME > policy.toml` copies one to edit)"
        );
    };
    Ok(tolbooth_core::policy_file::load(spec)?)
}

impl App {
    /// The embedding model `chatbot.embedding_model` names, loaded once.
    async fn embedder(&self) -> anyhow::Result<Option<Arc<tolbooth_bot::dense::Embedder>>> {
        let embedder = self
            .embedder
            .get_or_try_init(|| {
                tolbooth_core::bot::KnowledgeBase::load_embedder(&self.config.chatbot)
            })
            .await
            .context("cannot load the embedding model (chatbot.embedding_model)")?;
        Ok(embedder.clone())
    }

    /// The chatbot's knowledge base, with the embedding model when
    /// `chatbot.embedding_model` names one.
    pub async fn knowledge_base(&self) -> anyhow::Result<tolbooth_core::bot::KnowledgeBase> {
        Ok(self.base.knowledge_base(self.embedder().await?))
    }

    /// Every use case the server runs, under `policy`.
    pub async fn services(&self, policy: LoadedPolicy) -> anyhow::Result<Services> {
        let embedder = self.embedder().await?;
        Ok(Services::from_base(self.base.clone(), policy, embedder).await?)
    }

    /// The governance service and the sweeper, under the configured policy.
    pub fn policy_services(&self) -> anyhow::Result<PolicyServices> {
        Ok(self.base.under_policy(load_policy(&self.config)?))
    }
}

/// Creates the data directory, opens and migrates the store, and builds
/// the use cases every command needs.
pub async fn open(config: Config) -> anyhow::Result<App> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    restrict_permissions(&config.data_dir);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let url = config.effective_database_url();
    let store = SqlStore::connect(url.expose(), clock.clone())
        .await
        .context("cannot open the database")?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    let config = Arc::new(config);
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    let base = Base::build(config.clone(), shared, clock.clone()).await?;
    Ok(App {
        config,
        store,
        accounts: base.accounts.clone(),
        base,
        clock,
        embedder: tokio::sync::OnceCell::new(),
    })
}

/// The data directory holds personal data and the audit key: owner only.
#[cfg(unix)]
fn restrict_permissions(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_permissions(_dir: &std::path::Path) {}
