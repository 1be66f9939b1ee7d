//! AUD-3: sessions expire when idle and after an absolute limit, and end
//! when the account is disabled or its password changes.

use time::Duration;
use tolbooth_domain::audit::Actor;
use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    idle_session_expires,
    busy_session_still_expires_after_the_absolute_limit,
    disabling_revokes_sessions_at_once,
    password_change_signs_out_other_browsers,
    sign_out_ends_the_session,
);

async fn idle_session_expires(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("dan", Role::Operator).await;
    let mut b = app.browser();
    b.sign_in("dan", &op.password).await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(b.get("/console").await.status, 200);
    app.clock.advance(Duration::minutes(30));
    let p = b.get("/console").await;
    assert_eq!(p.location.as_deref(), Some("/login"));
}

async fn busy_session_still_expires_after_the_absolute_limit(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("eve", Role::Operator).await;
    let mut b = app.browser();
    b.sign_in("eve", &op.password).await;
    for _ in 0..(11 * 3) {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(b.get("/console").await.status, 200);
    }
    app.clock.advance(Duration::minutes(61));
    assert_eq!(b.get("/console").await.location.as_deref(), Some("/login"));
}

async fn disabling_revokes_sessions_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("fin", Role::Operator).await;
    let mut b = app.browser();
    b.sign_in("fin", &op.password).await;
    assert_eq!(b.get("/console").await.status, 200);
    app.accounts
        .set_disabled(Actor::system("test"), op.member.id, true, None)
        .await
        .unwrap();
    assert_eq!(b.get("/console").await.location.as_deref(), Some("/login"));
    assert_eq!(app.audited("staff.disable").await.len(), 1);
}

async fn password_change_signs_out_other_browsers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("gil", Role::Operator).await;
    let mut office = app.browser();
    let mut home = app.browser();
    office.sign_in("gil", &op.password).await;
    home.sign_in("gil", &op.password).await;
    let p = office
        .change_password(&op.password, "brand new passphrase", "brand new passphrase")
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(
        office.get("/console").await.status,
        200,
        "the browser that changed it stays in"
    );
    assert_eq!(
        home.get("/console").await.location.as_deref(),
        Some("/login")
    );
}

async fn sign_out_ends_the_session(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("hal", Role::Operator).await;
    let mut b = app.browser();
    b.sign_in("hal", &op.password).await;
    let token = b.cookies.get("tb_session").cloned().unwrap();
    let p = b.submit("/console", "/logout", &[]).await;
    assert_eq!(p.location.as_deref(), Some("/login"));
    // Replaying the old cookie does not work.
    b.cookies.insert("tb_session".into(), token);
    assert_eq!(b.get("/console").await.location.as_deref(), Some("/login"));
    assert_eq!(app.audited("session.sign_out").await.len(), 1);
}
