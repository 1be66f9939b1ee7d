//! Opening the store and building the services from a configuration.

use anyhow::Context;
use std::sync::Arc;
use tolbooth_core::accounts::AccountSettings;
use tolbooth_core::governance::Governance;
use tolbooth_core::policy_file::LoadedPolicy;
use tolbooth_core::retention::Sweeper;
use tolbooth_core::sealing::SealingKey;
use tolbooth_core::{Accounts, Config, LiveChat};
use tolbooth_domain::clock::{Clock, SystemClock};
use tolbooth_domain::ports::Store;
use tolbooth_store::SqlStore;

pub struct App {
    pub config: Arc<Config>,
    pub store: SqlStore,
    pub accounts: Accounts,
    pub live_chat: LiveChat,
    pub clock: Arc<dyn Clock>,
    /// The sentence embedding model, loaded on first use (only commands
    /// that answer or import need it).
    embedder: tokio::sync::OnceCell<Option<Arc<tolbooth_bot::dense::Embedder>>>,
}

/// The policy-driven services: governance (notices, holds, disclosures,
/// edits) and the retention sweeper.
pub struct PolicyServices {
    pub governance: Governance,
    pub sweeper: Sweeper,
}

/// The preset `demo` runs with when no policy is configured.
pub const DEMO_POLICY: &str = "preset:scottish-parliament-live-chat";

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
    /// The chatbot, answering from the stored knowledge base and keeping
    /// questions only if `policy` has a `chatbot_question` category.
    pub async fn chatbot(
        &self,
        policy: &tolbooth_domain::policy::ValidPolicy,
    ) -> anyhow::Result<tolbooth_core::chatbot::Chatbot> {
        tolbooth_core::chatbot::Chatbot::start(
            self.knowledge_base().await?,
            Arc::new(self.store.clone()),
            self.clock.clone(),
            policy,
        )
        .await
        .context("cannot build the chatbot's index")
    }

    /// The chatbot's knowledge base, with the embedding model when
    /// `chatbot.embedding_model` names one.
    pub async fn knowledge_base(&self) -> anyhow::Result<tolbooth_core::chatbot::KnowledgeBase> {
        let embedder = self
            .embedder
            .get_or_try_init(|| {
                tolbooth_core::chatbot::KnowledgeBase::load_embedder(&self.config.chatbot)
            })
            .await
            .context("cannot load the embedding model (chatbot.embedding_model)")?;
        let kb = tolbooth_core::chatbot::KnowledgeBase::new(
            Arc::new(self.store.clone()),
            self.clock.clone(),
            self.config.chatbot.clone(),
        );
        Ok(match embedder {
            Some(embedder) => kb.with_embedder(embedder.clone()),
            None => kb,
        })
    }

    /// The governance service and the sweeper, under the configured policy.
    pub fn policy_services(&self) -> anyhow::Result<PolicyServices> {
        Ok(self.services_under(load_policy(&self.config)?))
    }

    /// The governance service and the sweeper, under `policy`.
    pub fn services_under(&self, policy: LoadedPolicy) -> PolicyServices {
        let policy = Arc::new(policy);
        let shared: Arc<dyn Store> = Arc::new(self.store.clone());
        let governance = Governance::new(shared.clone(), self.clock.clone(), policy.clone());
        let sweeper = Sweeper::new(
            shared,
            self.clock.clone(),
            Arc::new(policy.policy.clone()),
            self.config.retention.sweep_settings(),
        )
        .with_live_activity(self.live_chat.activity());
        PolicyServices {
            governance,
            sweeper,
        }
    }
}

/// Creates the data directory, opens and migrates the store.
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
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    let sealing = SealingKey::load(config.secrets_key.as_ref(), &config.data_dir)
        .context("cannot load the key that seals second-factor secrets")?;
    let accounts = Accounts::new(
        shared.clone(),
        clock.clone(),
        AccountSettings::from_config(&config),
        Arc::new(sealing),
    );
    // Second-factor secrets kept in plain text by an earlier version are
    // sealed now, before anyone signs in.
    let sealed = accounts
        .seal_stored_secrets()
        .await
        .context("cannot seal the stored second-factor secrets")?;
    if sealed > 0 {
        tracing::info!(sealed, "second-factor secrets sealed");
    }
    let live_chat = LiveChat::from_config(shared, clock.clone(), &config)
        .context("cannot start live chat (chat.geoip_database)")?;
    Ok(App {
        config: Arc::new(config),
        store,
        accounts,
        live_chat,
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
