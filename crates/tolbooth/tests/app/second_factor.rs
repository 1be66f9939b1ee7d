//! AUD-3: TOTP is required for administrators and governance officers.

use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    admin_without_totp_must_enrol_before_anything_else,
    admin_with_totp_needs_the_code,
    recovery_code_signs_in_once,
    second_factor_secrets_are_sealed_at_rest,
    plain_secrets_from_before_are_sealed_at_start,
);

async fn admin_without_totp_must_enrol_before_anything_else(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.staff("ada", Role::Admin).await;
    let mut b = app.browser();
    let p = b.sign_in("ada", &admin.password).await;
    assert_eq!(p.location.as_deref(), Some("/account/second-factor"));
    for path in ["/console", "/admin/staff", "/account"] {
        let p = b.get(path).await;
        assert_eq!(p.status, 303, "{path}");
        assert_eq!(
            p.location.as_deref(),
            Some("/account/second-factor"),
            "{path}"
        );
    }
    let page = b.get("/account/second-factor").await;
    assert!(page.body.contains("<svg"), "a QR code is shown");
    let secret = tolbooth_testkit::browser_hidden_field(&page.body, "secret").unwrap();
    let csrf = page.csrf().unwrap();
    let wrong = b
        .post(
            "/account/second-factor",
            &[("csrf", &csrf), ("secret", &secret), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, 400);
    let code = app.totp_code(&secret);
    let p = b
        .post(
            "/account/second-factor",
            &[("csrf", &csrf), ("secret", &secret), ("code", &code)],
        )
        .await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("recovery codes"));
    assert_eq!(b.get("/admin/staff").await.status, 200);
    assert_eq!(app.audited("staff.second_factor_enrolled").await.len(), 1);
    assert_sealed(&app, admin.member.id, &secret).await;
}

/// What the database holds for `id`'s authenticator: sealed, and not the
/// secret in any form a reader of the database could use.
async fn assert_sealed(app: &TestApp, id: tolbooth_domain::staff::StaffId, secret: &str) {
    use tolbooth_domain::staff::ports::StaffStore;
    let stored = app.store.totp_secrets().await.unwrap();
    let (_, value) = stored.iter().find(|(s, _)| *s == id).unwrap();
    let value = value.expose();
    assert!(value.starts_with("sealed:v1:"), "{}", value.len());
    assert!(!value.contains(secret));
    assert!(!value
        .to_ascii_uppercase()
        .contains(&secret.to_ascii_uppercase()));
}

async fn admin_with_totp_needs_the_code(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut admin = app.staff("bea", Role::Admin).await;
    app.enrol_totp(&mut admin).await;
    let secret = admin.totp_secret.clone().unwrap();
    let mut b = app.browser();
    let p = b.sign_in("bea", &admin.password).await;
    assert_eq!(p.location.as_deref(), Some("/login/second-factor"));
    assert_eq!(
        b.get("/admin/staff").await.location.as_deref(),
        Some("/login/second-factor")
    );
    let p = b.enter_code("123456").await;
    assert_eq!(p.status, 401);
    let code = app.totp_code(&secret);
    let p = b.enter_code(&code).await;
    assert_eq!(p.location.as_deref(), Some("/console"));
    assert_eq!(b.get("/admin/staff").await.status, 200);
    // The same code cannot be replayed, even within its time window.
    let mut thief = app.browser();
    thief.sign_in("bea", &admin.password).await;
    let p = thief.enter_code(&code).await;
    assert_eq!(p.status, 401, "a used code is refused");
    app.clock.advance(time::Duration::seconds(30));
    let next = app.totp_code(&secret);
    let p = thief.enter_code(&next).await;
    assert_eq!(
        p.location.as_deref(),
        Some("/console"),
        "the next code works"
    );
    assert_eq!(app.audited("session.second_factor_failed").await.len(), 2);
    assert_eq!(app.audited("session.second_factor_passed").await.len(), 2);
}

async fn recovery_code_signs_in_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut gov = app.staff("cal", Role::Governance).await;
    let codes = app.enrol_totp(&mut gov).await;
    for expected in [Some("/console"), None] {
        let mut b = app.browser();
        b.sign_in("cal", &gov.password).await;
        let p = b.enter_code(&codes[0].to_uppercase()).await;
        assert_eq!(p.location.as_deref(), expected);
    }
    assert_eq!(app.audited("staff.recovery_code_used").await.len(), 1);
}

async fn second_factor_secrets_are_sealed_at_rest(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut admin = app.staff("cal", Role::Admin).await;
    app.enrol_totp(&mut admin).await;
    let secret = admin.totp_secret.clone().unwrap();
    assert_sealed(&app, admin.member.id, &secret).await;
    // Moved to another account, a sealed secret does not open: the
    // authenticator of one member of staff never signs in another.
    let mut other = app.staff("dot", Role::Admin).await;
    app.enrol_totp(&mut other).await;
    {
        use tolbooth_domain::staff::ports::StaffStore;
        let stored = app.store.totp_secrets().await.unwrap();
        let cal = stored.iter().find(|(s, _)| *s == admin.member.id).unwrap();
        let dot = stored.iter().find(|(s, _)| *s == other.member.id).unwrap();
        let moved = app
            .store
            .reseal_totp_secret(
                other.member.id,
                &dot.1,
                cal.1.clone(),
                tolbooth_domain::audit::NewAuditEntry::new(
                    tolbooth_domain::audit::Actor::system("test"),
                    "test.moved",
                ),
            )
            .await
            .unwrap();
        assert!(moved);
    }
    let mut b = app.browser();
    b.sign_in("dot", &other.password).await;
    let p = b.enter_code(&app.totp_code(&secret)).await;
    assert_eq!(p.status, 401, "another account's sealed secret");
    let mut b = app.browser();
    b.sign_in("cal", &admin.password).await;
    let p = b.enter_code(&app.totp_code(&secret)).await;
    assert_eq!(p.location.as_deref(), Some("/console"));
}

/// An installation whose database still holds plain TOTP secrets (kept
/// so before they were sealed) has them sealed at start, each audited,
/// and its staff's authenticators go on working.
async fn plain_secrets_from_before_are_sealed_at_start(backend: Backend) {
    use tolbooth_domain::staff::ports::StaffStore;
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.staff("eve", Role::Admin).await;
    let secret = tolbooth_core::staff::second_factor::new_secret();
    let (_, hashes) = tolbooth_core::staff::second_factor::recovery_codes();
    app.store
        .set_second_factor(
            admin.member.id,
            Some(secret.clone()),
            hashes,
            tolbooth_domain::audit::NewAuditEntry::new(
                tolbooth_domain::audit::Actor::system("test"),
                "staff.second_factor_enrolled",
            ),
        )
        .await
        .unwrap();
    let mut b = app.browser();
    b.sign_in("eve", &admin.password).await;
    let p = b.enter_code(&app.totp_code(secret.expose())).await;
    assert_eq!(p.status, 401, "a plain secret is not used as it stands");

    assert_eq!(app.accounts.seal_stored_secrets().await.unwrap(), 1);
    assert_eq!(app.accounts.seal_stored_secrets().await.unwrap(), 0, "once");
    assert_sealed(&app, admin.member.id, secret.expose()).await;
    let sealed = app.audited("staff.second_factor_sealed").await;
    assert_eq!(sealed.len(), 1);
    assert_eq!(
        sealed[0].object_id.as_deref(),
        Some(admin.member.id.0.to_string().as_str())
    );
    app.clock.advance(time::Duration::seconds(30));
    let mut b = app.browser();
    b.sign_in("eve", &admin.password).await;
    let p = b.enter_code(&app.totp_code(secret.expose())).await;
    assert_eq!(p.location.as_deref(), Some("/console"));
}
