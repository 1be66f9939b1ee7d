//! AUD-3: TOTP is required for administrators and governance officers.

use tolbooth_domain::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    admin_without_totp_must_enrol_before_anything_else,
    admin_with_totp_needs_the_code,
    recovery_code_signs_in_once,
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
