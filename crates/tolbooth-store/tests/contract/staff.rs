//! Staff, sessions and sign-in throttling behave alike on both backends.

use crate::fixture;
use time::Duration;
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_testkit::audit;

use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::lockout::LockoutPolicy;
use tolbooth_domain::staff::ports::{LoginThrottleStore, SessionStore, StaffStore};
use tolbooth_domain::staff::role::Role;
use tolbooth_domain::staff::session::{AuthLevel, StaffSession};
use tolbooth_domain::staff::{DisplayName, NewStaff, StaffId, Username};
use tolbooth_domain::store::StoreError;
use tolbooth_testkit::{backend_tests, Backend};

backend_tests!(
    staff_round_trip_with_audit,
    duplicate_username_is_a_conflict,
    disabling_ends_sessions,
    password_change_ends_sessions,
    recovery_codes_work_once,
    throttle_state_round_trips,
    failed_change_leaves_no_audit_entry,
    a_totp_secret_is_resealed_only_if_unchanged,
);

fn new_staff(username: &str, role: Role) -> NewStaff {
    NewStaff {
        username: Username::parse(username).unwrap(),
        display_name: DisplayName::parse("Test Person").unwrap(),
        role,
        password_hash: Secret::from("$argon2id$placeholder"),
        must_change_password: true,
    }
}

fn session(token: &str, staff: StaffId, at: time::OffsetDateTime) -> StaffSession {
    StaffSession {
        token_hash: token.into(),
        staff_id: staff,
        level: AuthLevel::Full,
        csrf_token: "csrf".into(),
        created_at: at,
        last_seen_at: at,
    }
}

async fn staff_round_trip_with_audit(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let m = f
        .store
        .create_staff(new_staff("Alice", Role::Supervisor), audit("staff.add"))
        .await
        .unwrap();
    assert_eq!(m.username.as_str(), "alice");
    let got = f
        .store
        .staff_by_username(&m.username)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.member, m);
    assert!(got.member.must_change_password);
    assert_eq!(f.store.count_staff().await.unwrap(), 1);
    f.store
        .set_role(m.id, Role::Admin, audit("staff.set_role"))
        .await
        .unwrap();
    assert_eq!(
        f.store
            .staff_by_id(m.id)
            .await
            .unwrap()
            .unwrap()
            .member
            .role,
        Role::Admin
    );
    let log = f.store.audit_entries(0, 10).await.unwrap();
    let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["staff.add", "staff.set_role"]);
    assert_eq!(log[0].object_id.as_deref(), Some(m.id.to_string().as_str()));
    assert!(matches!(
        f.store
            .set_role(StaffId(999), Role::Admin, audit("x"))
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn duplicate_username_is_a_conflict(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    f.store
        .create_staff(new_staff("bob", Role::Operator), audit("staff.add"))
        .await
        .unwrap();
    let again = f
        .store
        .create_staff(new_staff("BOB", Role::Operator), audit("staff.add"))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

async fn disabling_ends_sessions(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let m = f
        .store
        .create_staff(new_staff("carol", Role::Operator), audit("staff.add"))
        .await
        .unwrap();
    let now = f.clock_now();
    f.store
        .create_session(session("tok1", m.id, now), audit("session.sign_in"))
        .await
        .unwrap();
    assert!(f.store.session("tok1").await.unwrap().is_some());
    f.store
        .set_disabled(m.id, true, audit("staff.disable"))
        .await
        .unwrap();
    assert!(f.store.session("tok1").await.unwrap().is_none());
    assert!(
        f.store
            .staff_by_id(m.id)
            .await
            .unwrap()
            .unwrap()
            .member
            .disabled
    );
    f.store
        .set_disabled(m.id, false, audit("staff.enable"))
        .await
        .unwrap();
    assert!(
        !f.store
            .staff_by_id(m.id)
            .await
            .unwrap()
            .unwrap()
            .member
            .disabled
    );
}

async fn password_change_ends_sessions(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let m = f
        .store
        .create_staff(new_staff("dave", Role::Operator), audit("staff.add"))
        .await
        .unwrap();
    let now = f.clock_now();
    for t in ["a", "b"] {
        f.store
            .create_session(session(t, m.id, now), audit("session.sign_in"))
            .await
            .unwrap();
    }
    f.store
        .set_password(
            m.id,
            Secret::from("$argon2id$new"),
            false,
            audit("staff.password_changed"),
        )
        .await
        .unwrap();
    assert!(f.store.session("a").await.unwrap().is_none());
    assert!(f.store.session("b").await.unwrap().is_none());
    let c = f.store.staff_by_id(m.id).await.unwrap().unwrap();
    assert_eq!(c.password_hash.expose(), "$argon2id$new");
    assert!(!c.member.must_change_password);
    // Purging removes only what has expired.
    f.store
        .create_session(session("c", m.id, now), audit("session.sign_in"))
        .await
        .unwrap();
    let n = f
        .store
        .purge_sessions(now - Duration::minutes(1), now - Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(n, 0);
    let n = f
        .store
        .purge_sessions(now + Duration::minutes(1), now - Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(n, 1);
}

async fn recovery_codes_work_once(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let m = f
        .store
        .create_staff(new_staff("erin", Role::Admin), audit("staff.add"))
        .await
        .unwrap();
    f.store
        .set_second_factor(
            m.id,
            Some(Secret::from("JBSWY3DPEHPK3PXP")),
            vec!["h1".into(), "h2".into()],
            audit("staff.second_factor_enrolled"),
        )
        .await
        .unwrap();
    assert!(
        f.store
            .staff_by_id(m.id)
            .await
            .unwrap()
            .unwrap()
            .member
            .totp_enrolled
    );
    assert_eq!(f.store.unused_recovery_codes(m.id).await.unwrap(), 2);
    assert!(f.store.claim_totp_step(m.id, 100).await.unwrap());
    assert!(
        !f.store.claim_totp_step(m.id, 100).await.unwrap(),
        "a step is used once"
    );
    assert!(
        !f.store.claim_totp_step(m.id, 99).await.unwrap(),
        "and never an earlier one"
    );
    assert!(f.store.claim_totp_step(m.id, 101).await.unwrap());
    assert!(f
        .store
        .use_recovery_code(m.id, "h1", audit("used"))
        .await
        .unwrap());
    assert!(!f
        .store
        .use_recovery_code(m.id, "h1", audit("used"))
        .await
        .unwrap());
    assert!(!f
        .store
        .use_recovery_code(m.id, "nope", audit("used"))
        .await
        .unwrap());
    assert_eq!(f.store.unused_recovery_codes(m.id).await.unwrap(), 1);
}

async fn throttle_state_round_trips(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let p = LockoutPolicy::ACCOUNT_DEFAULT;
    let now = f.clock_now();
    assert!(f.store.failures("user:x").await.unwrap().is_none());
    let mut state = None;
    for _ in 0..5 {
        let s = p.after_failure(state, now);
        f.store.record_failure("user:x", s).await.unwrap();
        state = f.store.failures("user:x").await.unwrap();
        assert_eq!(state, Some(s));
    }
    assert_eq!(state.map(|s| s.failures), Some(5));
    f.store.clear_failures("user:x").await.unwrap();
    assert!(f.store.failures("user:x").await.unwrap().is_none());
}

async fn failed_change_leaves_no_audit_entry(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    f.store
        .create_staff(new_staff("fay", Role::Operator), audit("staff.add"))
        .await
        .unwrap();
    let _ = f
        .store
        .create_staff(new_staff("fay", Role::Operator), audit("staff.add"))
        .await;
    // The failed insert rolled back its audit entry with it.
    assert_eq!(f.store.audit_entries(0, 10).await.unwrap().len(), 1);
}

async fn a_totp_secret_is_resealed_only_if_unchanged(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let m = f
        .store
        .create_staff(new_staff("fern", Role::Admin), audit("staff.add"))
        .await
        .unwrap();
    let other = f
        .store
        .create_staff(new_staff("gus", Role::Operator), audit("staff.add"))
        .await
        .unwrap();
    assert!(f.store.totp_secrets().await.unwrap().is_empty());
    f.store
        .set_second_factor(
            m.id,
            Some(Secret::from("PLAINSECRET")),
            vec![],
            audit("staff.second_factor_enrolled"),
        )
        .await
        .unwrap();
    let stored = f.store.totp_secrets().await.unwrap();
    assert_eq!(stored.len(), 1, "only enrolled staff");
    assert_eq!(stored[0].0, m.id);
    assert_eq!(stored[0].1.expose(), "PLAINSECRET");
    assert!(f.store.claim_totp_step(m.id, 7).await.unwrap());

    let before = f.store.audit_entries(0, 1000).await.unwrap().len();
    assert!(!f
        .store
        .reseal_totp_secret(
            m.id,
            &Secret::from("NOT-WHAT-IS-STORED"),
            Secret::from("sealed:x"),
            audit("staff.second_factor_sealed"),
        )
        .await
        .unwrap());
    assert!(!f
        .store
        .reseal_totp_secret(
            other.id,
            &Secret::from("PLAINSECRET"),
            Secret::from("sealed:x"),
            audit("staff.second_factor_sealed"),
        )
        .await
        .unwrap());
    assert_eq!(
        f.store.audit_entries(0, 1000).await.unwrap().len(),
        before,
        "nothing changed, nothing audited"
    );
    assert!(f
        .store
        .reseal_totp_secret(
            m.id,
            &Secret::from("PLAINSECRET"),
            Secret::from("sealed:v1:abc"),
            audit("staff.second_factor_sealed"),
        )
        .await
        .unwrap());
    let stored = f.store.totp_secrets().await.unwrap();
    assert_eq!(stored[0].1.expose(), "sealed:v1:abc");
    let log = f.store.audit_entries(0, 1000).await.unwrap();
    assert_eq!(log.len(), before + 1);
    assert_eq!(log[before].action, "staff.second_factor_sealed");
    assert!(
        !f.store.claim_totp_step(m.id, 7).await.unwrap(),
        "resealing keeps the used step"
    );
}
