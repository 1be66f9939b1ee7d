//! A bounded, in-memory limit on how often something may happen per key
//! (chats started per address, messages sent per chat), in fixed windows.
//! Memory is bounded too: at most `max_keys` keys are tracked; when that
//! many are live, new keys are refused until windows expire, so a flood
//! from many addresses cannot grow the server's memory.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

#[derive(Debug)]
pub struct RateLimit<K> {
    per_window: u32,
    window: Duration,
    max_keys: usize,
    counts: Mutex<HashMap<K, (OffsetDateTime, u32)>>,
}

impl<K: Hash + Eq> RateLimit<K> {
    pub fn new(per_window: u32, window: Duration, max_keys: usize) -> Self {
        Self {
            per_window,
            window,
            max_keys,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one event for `key` at `now`; false when the key has had its
    /// allowance in the current window (the event should be refused).
    pub fn allow(&self, key: K, now: OffsetDateTime) -> bool {
        // A poisoned lock only means another thread panicked mid-update;
        // the counts are still usable.
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if !counts.contains_key(&key) && counts.len() >= self.max_keys {
            let window = self.window;
            counts.retain(|_, (start, _)| now - *start < window);
            if counts.len() >= self.max_keys {
                return false;
            }
        }
        let entry = counts.entry(key).or_insert((now, 0));
        if now - entry.0 >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_window {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_key_gets_its_allowance_per_window() {
        let t0 = datetime!(2026-12-01 10:00 UTC);
        let limit = RateLimit::new(3, Duration::minutes(1), 100);
        assert!((0..3).all(|_| limit.allow("a", t0)));
        assert!(!limit.allow("a", t0 + Duration::seconds(30)));
        assert!(limit.allow("b", t0), "other keys are counted apart");
        assert!(limit.allow("a", t0 + Duration::minutes(1)), "a new window");
    }

    #[test]
    fn the_number_of_keys_is_bounded() {
        let t0 = datetime!(2026-12-01 10:00 UTC);
        let limit = RateLimit::new(1, Duration::minutes(1), 2);
        assert!(limit.allow(1, t0));
        assert!(limit.allow(2, t0));
        assert!(!limit.allow(3, t0), "full: new keys wait");
        assert!(
            limit.allow(3, t0 + Duration::minutes(2)),
            "expired windows make room"
        );
    }
}
