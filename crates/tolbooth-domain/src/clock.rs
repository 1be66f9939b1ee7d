//! Time as a port, so that rules about expiry can be tested without sleeping.

use std::sync::{Arc, Mutex, PoisonError};
use time::{Duration, OffsetDateTime};

pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current UTC time, truncated to whole milliseconds (the precision
    /// every store keeps).
    fn now(&self) -> OffsetDateTime;
}

/// Truncates a time to whole milliseconds.
pub fn to_millis_precision(t: OffsetDateTime) -> OffsetDateTime {
    crate::time_fmt::from_unix_millis(crate::time_fmt::unix_millis(t))
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        to_millis_precision(OffsetDateTime::now_utc())
    }
}

/// A clock that only moves when told to. Cloning shares the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<OffsetDateTime>>);

impl ManualClock {
    pub fn starting_at(t: OffsetDateTime) -> Self {
        Self(Arc::new(Mutex::new(to_millis_precision(t))))
    }

    pub fn advance(&self, by: Duration) {
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *guard += by;
    }

    pub fn set(&self, t: OffsetDateTime) {
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *guard = to_millis_precision(t);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
