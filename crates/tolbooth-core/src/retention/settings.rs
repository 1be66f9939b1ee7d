//! What a sweep is told (settings and options), how it can fail, and the
//! constants of its pace and claims.

use crate::code::Code;
use std::sync::Arc;
use time::Duration;
use tolbooth_domain::store::StoreError;

/// How sweeps run (the `[retention]` settings).
#[derive(Debug, Clone)]
pub struct SweepSettings {
    /// Chats read, extracted and deleted per transaction.
    pub batch_size: u32,
    /// A sweep refuses when the clock is more than this ahead of the last
    /// recorded activity...
    pub clock_jump: Duration,
    /// ...and more than this many records are due.
    pub mass_deletion: u64,
    /// Redact kept transcripts with the thorough path (the default) rather
    /// than the fast one.
    pub thorough_redaction: bool,
}

impl Default for SweepSettings {
    fn default() -> Self {
        Self {
            batch_size: 500,
            clock_jump: Duration::hours(48),
            mass_deletion: 1_000,
            thorough_redaction: true,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SweepOptions {
    /// Count what would happen; change nothing.
    pub dry_run: bool,
    /// Go on even if the clock-jump guard would refuse.
    pub force: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(
        "refused: the clock is {gap_hours} hours ahead of the last recorded activity and {due} records would be deleted or changed at once; if the clock is right, run `tolbooth retention run --force`"
    )]
    ClockJump { gap_hours: i64, due: u64 },
    #[error("the sweep stopped at {0} (injected failure)")]
    Interrupted(&'static str),
    #[error("the extraction worker stopped")]
    Worker,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SweepError {
    pub fn code(&self) -> Code {
        match self {
            SweepError::ClockJump { .. } => Code::Conflict,
            SweepError::Interrupted(_) | SweepError::Worker => Code::Internal,
            SweepError::Store(e) => Code::of_store(e),
        }
    }
}

/// Live chat counts as busy for this long after its last message.
pub const LIVE_WINDOW: Duration = Duration::seconds(2);
/// Chats per batch while live chat is busy.
pub const GENTLE_BATCH: u32 = 10;
/// While live chat is busy, the pause after a batch, in multiples of the
/// batch's own duration: the sweep takes about a fiftieth of the time.
pub const GENTLE_PAUSE_FACTOR: u32 = 49;

/// How long a sweep holds its claim on a batch of chats. A batch takes
/// seconds; a claim left by a node that died lets another node's sweep take
/// the chats once it expires.
pub const SWEEP_CLAIM: Duration = Duration::minutes(10);

/// A test hook: returning true at a named point stops the sweep there, as a
/// crash would.
pub type Failpoints = Arc<dyn Fn(&'static str) -> bool + Send + Sync>;

/// The points a sweep can be stopped at, in order.
pub const FAILPOINTS: [&str; 9] = [
    "chats.after_read",
    "chats.after_extract",
    "chats.after_delete",
    "ip_addresses.after_clear",
    "visitor_details.after_clear",
    "extracts.after_expiry",
    "before_compaction",
    "before_record",
    "after_record",
];
