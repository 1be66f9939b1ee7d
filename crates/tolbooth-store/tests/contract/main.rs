//! The store contract: one suite, run against SQLite and PostgreSQL.
#![expect(
    clippy::too_many_lines,
    reason = "a scenario test reads as one story, from the visitor's first step to what is kept"
)]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

mod audit;
mod bot_questions;
mod chats;
mod knowledge;
mod listing;
mod retention;
mod schema;
mod staff;

use std::sync::Arc;
use time::macros::datetime;
use tolbooth_domain::clock::ManualClock;
use tolbooth_store::{Backend, SqlStore};
use tolbooth_testkit::TestDatabase;

/// A migrated store on a fresh database, with a clock the test controls.
pub struct Fixture {
    pub store: SqlStore,
    pub clock: ManualClock,
    pub db: TestDatabase,
}

pub async fn fixture(backend: Backend) -> Option<Fixture> {
    let db = TestDatabase::create(backend).await?;
    let clock = ManualClock::starting_at(datetime!(2026-11-22 09:00 UTC));
    let store = SqlStore::connect(&db.url, Arc::new(clock.clone()))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    Some(Fixture { store, clock, db })
}

impl Fixture {
    pub fn clock_now(&self) -> time::OffsetDateTime {
        use tolbooth_domain::clock::Clock;
        self.clock.now()
    }
}
