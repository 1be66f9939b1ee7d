//! AUD-3: passwords, lockout and back-off, and sign-in failures that all
//! look the same.

use time::Duration;
use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    right_password_signs_in,
    wrong_password_is_refused_and_audited,
    lockout_after_repeated_failures,
    unknown_user_is_indistinguishable_from_wrong_password,
    disabled_account_cannot_sign_in,
    one_time_password_must_be_changed_first,
);

async fn right_password_signs_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("olive", Role::Operator).await;
    let mut b = app.browser();
    let p = b.sign_in("olive", &op.password).await;
    assert_eq!(p.status, 303);
    assert_eq!(p.location.as_deref(), Some("/console"));
    let set_cookie: Vec<_> = p
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("tb_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    let home = b.get("/console").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("olive (test)"));
    assert_eq!(app.audited("session.sign_in").await.len(), 1);
}

async fn wrong_password_is_refused_and_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("oscar", Role::Operator).await;
    let mut b = app.browser();
    let p = b.sign_in("oscar", "not-the-password-at-all").await;
    assert_eq!(p.status, 401);
    assert!(!b.has_session());
    assert!(p.error_text().unwrap().starts_with("Sign-in failed"));
    let failed = app.audited("session.sign_in_failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].object_id, Some(op.member.id.to_string()));
    assert_eq!(failed[0].actor_kind, "anonymous");
    // The password typed is not in the audit log.
    let log = format!("{:?}", app.audit_log().await);
    assert!(!log.contains("not-the-password-at-all"));
}

async fn lockout_after_repeated_failures(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("pat", Role::Operator).await;
    let mut b = app.browser();
    for _ in 0..5 {
        // Back-off starts at the third failure: let it pass each time so
        // that the fifth failure is a real one.
        app.clock.advance(Duration::seconds(5));
        assert_eq!(b.sign_in("pat", "wrong-password-guess").await.status, 401);
    }
    app.clock.advance(Duration::seconds(5));
    let locked = b.sign_in("pat", &op.password).await;
    assert_eq!(
        locked.status, 401,
        "the right password is refused while locked"
    );
    assert!(!b.has_session());
    assert!(!app.audited("session.sign_in_throttled").await.is_empty());
    app.clock.advance(Duration::minutes(16));
    let p = b.sign_in("pat", &op.password).await;
    assert_eq!(p.status, 303, "the lock lifts after its time");
    assert!(b.has_session());
}

/// Status and message of a failed sign-in, which must not depend on
/// whether the account exists.
async fn failure_shape(
    b: &mut tolbooth_testkit::Browser,
    user: &str,
) -> (u16, Option<String>, Option<String>) {
    let p = b.sign_in(user, "wrong-password-guess").await;
    let set_cookies: Option<String> = p
        .headers
        .get_all("set-cookie")
        .iter()
        .next()
        .map(|v| v.to_str().unwrap().to_owned());
    (p.status, p.error_text(), set_cookies)
}

async fn unknown_user_is_indistinguishable_from_wrong_password(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    app.staff("quinn", Role::Operator).await;
    let mut b1 = app.browser();
    let mut b2 = app.browser();
    for attempt in 0..7 {
        app.clock.advance(Duration::seconds(5));
        let known = failure_shape(&mut b1, "quinn").await;
        let unknown = failure_shape(&mut b2, "nobody-here").await;
        assert_eq!(known, unknown, "attempt {attempt}");
        assert_eq!(known.0, 401);
    }
}

async fn disabled_account_cannot_sign_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("rita", Role::Operator).await;
    app.accounts
        .set_disabled(
            tolbooth_domain::audit::Actor::system("test"),
            op.member.id,
            true,
            None,
        )
        .await
        .unwrap();
    let mut b = app.browser();
    let p = b.sign_in("rita", &op.password).await;
    assert_eq!(p.status, 401);
    assert!(p.error_text().unwrap().starts_with("Sign-in failed"));
}

async fn one_time_password_must_be_changed_first(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (member, otp) = app
        .accounts
        .add_staff(
            tolbooth_domain::audit::Actor::system("test"),
            "sam",
            "Sam",
            Role::Operator,
            None,
        )
        .await
        .unwrap();
    let mut b = app.browser();
    let p = b.sign_in("sam", otp.expose()).await;
    assert_eq!(p.location.as_deref(), Some("/account/password"));
    let blocked = b.get("/console").await;
    assert_eq!(blocked.location.as_deref(), Some("/account/password"));
    // Too short, then mismatched, then right.
    let p = b.change_password(otp.expose(), "short", "short").await;
    assert_eq!(p.status, 400);
    let p = b
        .change_password(
            otp.expose(),
            "a long new passphrase",
            "a different passphrase",
        )
        .await;
    assert_eq!(p.status, 400);
    let p = b
        .change_password(
            otp.expose(),
            "a long new passphrase",
            "a long new passphrase",
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(p.location.as_deref(), Some("/console"));
    assert_eq!(b.get("/console").await.status, 200);
    assert!(
        !app.accounts
            .get(member.id)
            .await
            .unwrap()
            .must_change_password
    );
    let mut again = app.browser();
    assert_eq!(
        again.sign_in("sam", otp.expose()).await.status,
        401,
        "the one-time password is spent"
    );
    assert_eq!(
        again.sign_in("sam", "a long new passphrase").await.status,
        303
    );
}

/// Failures from one address across many usernames lock the address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_guessing_many_accounts_is_locked() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| c.login.ip_max_failures = 4).await
    else {
        return;
    };
    let op = app.staff("zoe", Role::Operator).await;
    let mut b = app.browser();
    for i in 0..4 {
        app.clock.advance(Duration::seconds(10));
        let p = b
            .sign_in(&format!("guess{i}"), "wrong-password-guess")
            .await;
        assert_eq!(p.status, 401);
    }
    app.clock.advance(Duration::seconds(10));
    let p = b.sign_in("zoe", &op.password).await;
    assert_eq!(p.status, 401, "the address is locked, whatever the account");
    app.clock.advance(Duration::minutes(16));
    assert_eq!(b.sign_in("zoe", &op.password).await.status, 303);
}

/// Behind a trusted proxy, the address that counts is the one it forwards:
/// one visitor's failures lock that visitor, not everyone behind the proxy.
/// From a peer that is not trusted, the header is ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.login.ip_max_failures = 3;
        c.server.trusted_proxies = "127.0.0.1, ::1".into();
    })
    .await
    else {
        return;
    };
    let op = app.staff("zoe", Role::Operator).await;
    let mut guesser = app.browser();
    guesser
        .extra_headers
        .push(("x-forwarded-for".into(), "198.51.100.7".into()));
    for i in 0..3 {
        app.clock.advance(Duration::seconds(10));
        let p = guesser
            .sign_in(&format!("guess{i}"), "wrong-password-guess")
            .await;
        assert_eq!(p.status, 401);
    }
    app.clock.advance(Duration::seconds(10));
    assert_eq!(
        guesser.sign_in("zoe", &op.password).await.status,
        401,
        "the forwarded address is locked"
    );
    let mut colleague = app.browser();
    colleague
        .extra_headers
        .push(("x-forwarded-for".into(), "198.51.100.8".into()));
    assert_eq!(
        colleague.sign_in("zoe", &op.password).await.status,
        303,
        "another address behind the same proxy is not"
    );

    // Without trusted proxies, the header changes nothing: the peer is
    // locked whatever address each request claims.
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| c.login.ip_max_failures = 3).await
    else {
        return;
    };
    let op = app.staff("zoe", Role::Operator).await;
    for i in 0..3 {
        let mut b = app.browser();
        b.extra_headers
            .push(("x-forwarded-for".into(), format!("198.51.100.{i}")));
        app.clock.advance(Duration::seconds(10));
        assert_eq!(
            b.sign_in(&format!("guess{i}"), "wrong-password-guess")
                .await
                .status,
            401
        );
    }
    let mut b = app.browser();
    b.extra_headers
        .push(("x-forwarded-for".into(), "198.51.100.99".into()));
    app.clock.advance(Duration::seconds(10));
    assert_eq!(
        b.sign_in("zoe", &op.password).await.status,
        401,
        "a claimed address from an untrusted peer is ignored"
    );
}
