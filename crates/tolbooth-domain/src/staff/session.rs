//! Staff sessions: how far a sign-in has got, and when it expires.

use crate::staff::{StaffId, StaffMember};
use time::{Duration, OffsetDateTime};

/// How far a session has got through sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLevel {
    /// Password accepted; a TOTP code (or recovery code) is still needed.
    AwaitingSecondFactor,
    /// Password accepted, but the role needs a second factor that has not
    /// been enrolled yet: only enrolment is allowed.
    MustEnrolSecondFactor,
    /// Password accepted, but it was set by an administrator and must be
    /// changed before anything else.
    MustChangePassword,
    /// Fully signed in.
    Full,
}

impl AuthLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthLevel::AwaitingSecondFactor => "awaiting_second_factor",
            AuthLevel::MustEnrolSecondFactor => "must_enrol_second_factor",
            AuthLevel::MustChangePassword => "must_change_password",
            AuthLevel::Full => "full",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            AuthLevel::AwaitingSecondFactor,
            AuthLevel::MustEnrolSecondFactor,
            AuthLevel::MustChangePassword,
            AuthLevel::Full,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
    }
}

impl AuthLevel {
    /// The step a member of staff must take next, given whether this
    /// session has already passed the second factor.
    pub fn next_for(member: &StaffMember, passed_second_factor: bool) -> AuthLevel {
        if member.totp_enrolled && !passed_second_factor {
            AuthLevel::AwaitingSecondFactor
        } else if member.must_change_password {
            AuthLevel::MustChangePassword
        } else if member.role.requires_second_factor() && !member.totp_enrolled {
            AuthLevel::MustEnrolSecondFactor
        } else {
            AuthLevel::Full
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused for this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute: Duration,
    /// A session that has not finished signing in ends after this.
    pub pending: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
            pending: Duration::minutes(10),
        }
    }
}

/// A session as stored. The token itself is never stored, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub token_hash: String,
    pub staff_id: StaffId,
    pub level: AuthLevel,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

impl SessionPolicy {
    pub fn is_expired(&self, s: &StaffSession, now: OffsetDateTime) -> bool {
        let limit = if s.level == AuthLevel::Full {
            self.absolute
        } else {
            self.pending
        };
        now - s.created_at >= limit || now - s.last_seen_at >= self.idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn session(level: AuthLevel) -> StaffSession {
        let t = datetime!(2026-01-01 9:00 UTC);
        StaffSession {
            token_hash: String::new(),
            staff_id: StaffId(1),
            level,
            csrf_token: String::new(),
            created_at: t,
            last_seen_at: t,
        }
    }

    #[test]
    fn idle_and_absolute_expiry() {
        let p = SessionPolicy::default();
        let mut s = session(AuthLevel::Full);
        let t = s.created_at;
        assert!(!p.is_expired(&s, t + Duration::minutes(29)));
        assert!(p.is_expired(&s, t + Duration::minutes(30)));
        s.last_seen_at = t + Duration::hours(11) + Duration::minutes(50);
        assert!(!p.is_expired(&s, t + Duration::hours(11) + Duration::minutes(55)));
        assert!(p.is_expired(&s, t + Duration::hours(12)));
    }

    #[test]
    fn unfinished_sign_ins_expire_quickly() {
        let p = SessionPolicy::default();
        let s = session(AuthLevel::AwaitingSecondFactor);
        assert!(p.is_expired(&s, s.created_at + Duration::minutes(10)));
    }

    #[test]
    fn levels_round_trip() {
        for l in [
            AuthLevel::AwaitingSecondFactor,
            AuthLevel::MustEnrolSecondFactor,
            AuthLevel::MustChangePassword,
            AuthLevel::Full,
        ] {
            assert_eq!(AuthLevel::parse(l.as_str()), Some(l));
        }
    }
}
