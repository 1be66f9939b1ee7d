//! Back-off and lockout after failed sign-ins (AUD-3).
//!
//! The same rule serves two keys: the username typed (whether or not such an
//! account exists, so that the response never reveals which accounts exist)
//! and the client's IP address.

use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures within `window` after which the key is locked for `lock_for`.
    pub max_failures: u32,
    /// From this many failures on, each further attempt waits 1, 2, 4, ...
    /// seconds (capped at `lock_for`).
    pub backoff_after: u32,
    pub lock_for: Duration,
    /// Failures older than this are forgotten.
    pub window: Duration,
}

impl LockoutPolicy {
    pub const ACCOUNT_DEFAULT: LockoutPolicy = LockoutPolicy {
        max_failures: 5,
        backoff_after: 3,
        lock_for: Duration::minutes(15),
        window: Duration::minutes(15),
    };

    pub const IP_DEFAULT: LockoutPolicy = LockoutPolicy {
        max_failures: 30,
        backoff_after: 10,
        lock_for: Duration::minutes(15),
        window: Duration::minutes(15),
    };

    /// Records one more failure.
    pub fn after_failure(&self, state: Option<FailureState>, now: OffsetDateTime) -> FailureState {
        let mut s = match state {
            Some(s) if now - s.first_failure_at <= self.window => s,
            _ => FailureState {
                failures: 0,
                first_failure_at: now,
                locked_until: None,
            },
        };
        s.failures = s.failures.saturating_add(1);
        s.locked_until = if s.failures >= self.max_failures {
            Some(now + self.lock_for)
        } else if s.failures >= self.backoff_after {
            let exp = (s.failures - self.backoff_after).min(20);
            let wait = Duration::seconds(1i64 << exp).min(self.lock_for);
            Some(now + wait)
        } else {
            None
        };
        s
    }

    /// Whether an attempt may be checked now.
    pub fn check(&self, state: Option<&FailureState>, now: OffsetDateTime) -> Gate {
        match state.and_then(|s| s.locked_until) {
            Some(until) if until > now => Gate::WaitUntil(until),
            _ => Gate::Open,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureState {
    pub failures: u32,
    pub first_failure_at: OffsetDateTime,
    pub locked_until: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    WaitUntil(OffsetDateTime),
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const P: LockoutPolicy = LockoutPolicy::ACCOUNT_DEFAULT;

    #[test]
    fn first_failures_do_not_delay() {
        let now = datetime!(2026-01-01 9:00 UTC);
        let s = P.after_failure(None, now);
        let s = P.after_failure(Some(s), now);
        assert_eq!(P.check(Some(&s), now), Gate::Open);
    }

    #[test]
    fn backoff_doubles_then_locks() {
        let mut now = datetime!(2026-01-01 9:00 UTC);
        let mut s = None;
        for _ in 0..3 {
            s = Some(P.after_failure(s, now));
        }
        assert_eq!(
            P.check(s.as_ref(), now),
            Gate::WaitUntil(now + Duration::seconds(1))
        );
        now += Duration::seconds(1);
        assert_eq!(P.check(s.as_ref(), now), Gate::Open);
        s = Some(P.after_failure(s, now));
        assert_eq!(
            P.check(s.as_ref(), now),
            Gate::WaitUntil(now + Duration::seconds(2))
        );
        s = Some(P.after_failure(s, now));
        assert_eq!(
            P.check(s.as_ref(), now),
            Gate::WaitUntil(now + Duration::minutes(15))
        );
        assert_eq!(P.check(s.as_ref(), now + Duration::minutes(15)), Gate::Open);
    }

    #[test]
    fn old_failures_are_forgotten() {
        let now = datetime!(2026-01-01 9:00 UTC);
        let mut s = None;
        for _ in 0..4 {
            s = Some(P.after_failure(s, now));
        }
        let later = now + Duration::minutes(16);
        let s = P.after_failure(s, later);
        assert_eq!(s.failures, 1);
        assert_eq!(P.check(Some(&s), later), Gate::Open);
    }
}
