//! Opening the store and building the services from a configuration.

use anyhow::Context;
use std::sync::Arc;
use tolbooth_core::accounts::AccountSettings;
use tolbooth_core::{Accounts, Config, LiveChat};
use tolbooth_domain::clock::{Clock, SystemClock};
use tolbooth_domain::ports::Store;
use tolbooth_store::SqlStore;

pub struct App {
    pub config: Arc<Config>,
    pub store: SqlStore,
    pub accounts: Accounts,
    pub live_chat: LiveChat,
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
    let accounts = Accounts::new(
        shared.clone(),
        clock.clone(),
        AccountSettings::from_config(&config),
    );
    let live_chat = LiveChat::from_config(shared, clock, &config)
        .context("cannot start live chat (chat.geoip_database)")?;
    Ok(App {
        config: Arc::new(config),
        store,
        accounts,
        live_chat,
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
