//! A bounded, in-memory limit on how often something may happen per key
//! (chats started per address, messages sent per chat), in fixed windows.
//! Memory is bounded too: at most `max_keys` keys are tracked; when that
//! many are live, new keys are refused until windows expire, so a flood
//! from many addresses cannot grow the server's memory.
//!
//! [`RateLimit::allow_once`] counts an event once however often it is
//! repeated in its window: a resent message (the same client id) is not a
//! new message.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

#[derive(Debug)]
pub struct RateLimit<K> {
    per_window: u32,
    window: Duration,
    max_keys: usize,
    counts: Mutex<HashMap<K, Window>>,
    /// Hashes the names of events for [`RateLimit::allow_once`].
    names: RandomState,
}

/// One key's current window: when it began, the events counted, and the
/// names of those counted by [`RateLimit::allow_once`] (at most
/// `per_window` of them).
#[derive(Debug)]
struct Window {
    start: OffsetDateTime,
    count: u32,
    named: Vec<u64>,
}

impl<K: Hash + Eq> RateLimit<K> {
    pub fn new(per_window: u32, window: Duration, max_keys: usize) -> Self {
        Self {
            per_window,
            window,
            max_keys,
            counts: Mutex::new(HashMap::new()),
            names: RandomState::new(),
        }
    }

    /// Counts one event for `key` at `now`; false when the key has had its
    /// allowance in the current window (the event should be refused).
    pub fn allow(&self, key: K, now: OffsetDateTime) -> bool {
        self.count(key, None, now)
    }

    /// Like [`RateLimit::allow`], but an event `name` already counted for
    /// `key` in this window is allowed again without being counted: the
    /// same message resent is one message.
    pub fn allow_once(&self, key: K, name: &str, now: OffsetDateTime) -> bool {
        self.count(key, Some(self.names.hash_one(name)), now)
    }

    fn count(&self, key: K, name: Option<u64>, now: OffsetDateTime) -> bool {
        // A poisoned lock only means another thread panicked mid-update;
        // the counts are still usable.
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if !counts.contains_key(&key) && counts.len() >= self.max_keys {
            let window = self.window;
            counts.retain(|_, w| now - w.start < window);
            if counts.len() >= self.max_keys {
                return false;
            }
        }
        let entry = counts.entry(key).or_insert(Window {
            start: now,
            count: 0,
            named: Vec::new(),
        });
        if now - entry.start >= self.window {
            *entry = Window {
                start: now,
                count: 0,
                named: Vec::new(),
            };
        }
        if name.is_some_and(|n| entry.named.contains(&n)) {
            return true;
        }
        if entry.count >= self.per_window {
            return false;
        }
        entry.count += 1;
        if let Some(n) = name {
            entry.named.push(n);
        }
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
    fn a_repeated_event_counts_once() {
        let t0 = datetime!(2026-12-01 10:00 UTC);
        let limit = RateLimit::new(2, Duration::minutes(1), 100);
        assert!(limit.allow_once("chat", "m1", t0));
        assert!((0..50).all(|_| limit.allow_once("chat", "m1", t0)));
        assert!(limit.allow_once("chat", "m2", t0));
        assert!(!limit.allow_once("chat", "m3", t0), "two distinct a window");
        assert!(limit.allow_once("chat", "m2", t0), "m2 was counted already");
        assert!(limit.allow_once("chat", "m3", t0 + Duration::minutes(1)));
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
