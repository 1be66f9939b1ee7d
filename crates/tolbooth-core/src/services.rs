//! The one wiring of Tolbooth's use cases. `tolbooth serve`, every other
//! command and the tests' `TestApp` build their services here, from the
//! configuration, a store and a clock, so that what runs in production is
//! what the tests run.
//!
//! Building is staged by what a caller needs: [`Base`] (accounts and live
//! chat, for every command), [`Base::under_policy`] (governance and the
//! sweeper, for commands that act on the policy), and [`Services::build`]
//! (everything, the chatbot included, for the server).

use crate::bot::{Chatbot, ChatbotError, KnowledgeBase};
use crate::chat::geoip::GeoIpError;
use crate::chat::{ChatStores, LiveChat};
use crate::config::Config;
use crate::governance::{Governance, GovernanceStores};
use crate::policy_file::LoadedPolicy;
use crate::retention::{SweepStores, Sweeper};
use crate::sealing::{SealError, SealingKey};
use crate::staff::{AccountError, AccountSettings, AccountStores, Accounts};
use std::sync::Arc;
use tolbooth_bot::dense::Embedder;
use tolbooth_domain::clock::Clock;
use tolbooth_domain::store::Store;
use tolbooth_workers::Workers;

#[derive(Debug, thiserror::Error)]
pub enum WiringError {
    #[error("cannot load the key that seals second-factor secrets: {0}")]
    SealingKey(#[from] SealError),
    #[error("cannot seal the stored second-factor secrets: {0}")]
    Sealing(#[from] AccountError),
    #[error("cannot start live chat (chat.geoip_database): {0}")]
    GeoIp(#[from] GeoIpError),
    #[error("cannot build the chatbot's index: {0}")]
    Chatbot(#[from] ChatbotError),
}

/// What every command needs: staff accounts and live chat.
#[derive(Clone)]
pub struct Base {
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub accounts: Accounts,
    pub live_chat: LiveChat,
}

impl std::fmt::Debug for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Base").finish_non_exhaustive()
    }
}

/// The use cases that act under the policy.
#[derive(Clone)]
pub struct PolicyServices {
    pub governance: Governance,
    pub sweeper: Sweeper,
}

impl Base {
    /// Accounts (with the sealing key; any second-factor secret an earlier
    /// version kept in plain text is sealed now, before anyone signs in)
    /// and live chat.
    pub async fn build(
        config: Arc<Config>,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, WiringError> {
        let sealing = SealingKey::load(config.secrets_key.as_ref(), &config.data_dir)?;
        let accounts = Accounts::new(
            AccountStores::of(&store),
            clock.clone(),
            AccountSettings::from_config(&config),
            Arc::new(sealing),
        );
        let sealed = accounts.seal_stored_secrets().await?;
        if sealed > 0 {
            tracing::info!(sealed, "second-factor secrets sealed");
        }
        let live_chat = LiveChat::from_config(ChatStores::of(&store), clock.clone(), &config)?;
        Ok(Self {
            config,
            store,
            clock,
            accounts,
            live_chat,
        })
    }

    /// Governance and the retention sweeper under `policy`; the sweeper
    /// yields to live chat while messages flow.
    pub fn under_policy(&self, policy: LoadedPolicy) -> PolicyServices {
        let policy = Arc::new(policy);
        let governance = Governance::new(
            GovernanceStores::of(&self.store),
            self.clock.clone(),
            policy.clone(),
        );
        let sweeper = Sweeper::new(
            SweepStores::of(&self.store),
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

    /// The chatbot's knowledge base, with the embedding model when given.
    pub fn knowledge_base(&self, embedder: Option<Arc<Embedder>>) -> KnowledgeBase {
        let kb = KnowledgeBase::new(
            self.store.clone(),
            self.clock.clone(),
            self.config.chatbot.clone(),
        );
        match embedder {
            Some(embedder) => kb.with_embedder(embedder),
            None => kb,
        }
    }

    /// The chatbot answering from the stored knowledge base, keeping
    /// questions only if `policy` has a `chatbot_question` category.
    pub async fn chatbot(
        &self,
        embedder: Option<Arc<Embedder>>,
        policy: &tolbooth_domain::policy::ValidPolicy,
    ) -> Result<Chatbot, WiringError> {
        Ok(Chatbot::start(
            self.knowledge_base(embedder),
            self.store.clone(),
            self.clock.clone(),
            policy,
        )
        .await?)
    }
}

/// Every use case the server runs.
#[derive(Clone)]
pub struct Services {
    pub base: Base,
    pub governance: Governance,
    pub sweeper: Sweeper,
    pub chatbot: Chatbot,
    /// The supervisor's dashboard.
    pub dashboard: crate::dashboard::Dashboard,
    /// The server's background work, once [`Services::start_workers`]
    /// has started it; `/metrics` reads its counts.
    pub workers: Workers,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services").finish_non_exhaustive()
    }
}

impl Services {
    /// Builds every use case once, under `policy`, with the embedding model
    /// when one is given.
    pub async fn build(
        config: Arc<Config>,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        policy: LoadedPolicy,
        embedder: Option<Arc<Embedder>>,
    ) -> Result<Self, WiringError> {
        let base = Base::build(config, store, clock).await?;
        Self::from_base(base, policy, embedder).await
    }

    /// The rest of the use cases on a [`Base`] already built.
    pub async fn from_base(
        base: Base,
        policy: LoadedPolicy,
        embedder: Option<Arc<Embedder>>,
    ) -> Result<Self, WiringError> {
        let chatbot = base.chatbot(embedder, &policy.policy).await?;
        let PolicyServices {
            governance,
            sweeper,
        } = base.under_policy(policy);
        let dashboard = crate::dashboard::Dashboard::new(
            crate::dashboard::DashboardStores::of(&base.store),
            base.clock.clone(),
        );
        Ok(Self {
            base,
            governance,
            sweeper,
            chatbot,
            dashboard,
            workers: Workers::new(),
        })
    }
}

impl Services {
    /// Starts the server's background work as named workers:
    ///
    /// - `retention-sweep`, every `retention.sweep_interval_minutes`;
    /// - `session-sweep`, every five minutes: expired staff sessions go;
    /// - `idle-chats`, every minute: chats quiet for `chat.idle_minutes`
    ///   end, enquiries unanswered for `chat.unanswered_minutes` are
    ///   abandoned (and deleted to counts, LC-6);
    /// - `knowledge-base`, every minute: the first time, the texts without
    ///   a vector are embedded (BM25 answers meanwhile); then changes made
    ///   by another process rebuild the index.
    pub fn start_workers(&self) {
        let workers = &self.workers;
        let minutes = |m: u32| std::time::Duration::from_secs(u64::from(m) * 60);
        let sweeper = self.sweeper.clone();
        workers.every(
            "retention-sweep",
            minutes(self.base.config.retention.sweep_interval_minutes),
            move || {
                let sweeper = sweeper.clone();
                async move { sweeper.scheduled().await }
            },
        );
        let accounts = self.base.accounts.clone();
        workers.every("session-sweep", minutes(5), move || {
            let accounts = accounts.clone();
            async move {
                let removed = accounts.purge_expired_sessions().await?;
                if removed > 0 {
                    tracing::info!(sessions = removed, "expired sessions removed");
                }
                Ok::<(), AccountError>(())
            }
        });
        let live_chat = self.base.live_chat.clone();
        let chat = self.base.config.chat.clone();
        workers.every("idle-chats", minutes(1), move || {
            let live_chat = live_chat.clone();
            let idle = time::Duration::minutes(i64::from(chat.idle_minutes));
            let unanswered = time::Duration::minutes(i64::from(chat.unanswered_minutes));
            async move {
                let ctx = crate::staff::ClientContext {
                    ip: None,
                    request_id: None,
                };
                let (ended, abandoned) = live_chat.close_idle(idle, unanswered, &ctx).await?;
                if ended + abandoned > 0 {
                    tracing::info!(ended, abandoned, "idle chats closed");
                }
                Ok::<(), crate::chat::ChatError>(())
            }
        });
        // Operators whose last console closed a minute ago are no longer
        // offered to visitors.
        let hub = self.base.live_chat.hub().clone();
        workers.every("presence", std::time::Duration::from_secs(5), move || {
            let hub = hub.clone();
            async move {
                hub.expire(std::time::Instant::now());
                Ok::<(), std::convert::Infallible>(())
            }
        });
        let chatbot = self.chatbot.clone();
        let embedded = Arc::new(std::sync::atomic::AtomicBool::new(false));
        workers.every("knowledge-base", minutes(1), move || {
            let chatbot = chatbot.clone();
            let embedded = embedded.clone();
            async move {
                if !embedded.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    chatbot.finish_embedding().await;
                }
                chatbot.follow_changes().await.map(|_| ())
            }
        });
    }
}
