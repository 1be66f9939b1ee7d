//! Every state-changing form needs its CSRF token; cross-site posts are
//! refused before any handler runs.

use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    staff_form_without_token_is_refused_and_audited,
    sign_in_without_token_is_refused,
    cross_site_post_is_refused,
);

async fn staff_form_without_token_is_refused_and_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mut b, _) = app.signed_in_admin("ida").await;
    let fields = [
        ("username", "joe"),
        ("display_name", "Joe"),
        ("role", "operator"),
    ];
    assert_eq!(b.post("/admin/staff", &fields).await.status, 403);
    let mut with_wrong = fields.to_vec();
    with_wrong.push(("csrf", "forged-token-forged-token-forged-token-abcd"));
    assert_eq!(b.post("/admin/staff", &with_wrong).await.status, 403);
    assert!(app.accounts.find("joe").await.is_err());
    let denied = app.audited("access.denied").await;
    assert_eq!(denied.len(), 2);
    assert!(denied
        .iter()
        .all(|d| d.object_id.as_deref() == Some("csrf")));
    // With the token it works.
    assert_eq!(
        b.submit("/admin/staff", "/admin/staff", &fields)
            .await
            .status,
        200
    );
    assert!(app.accounts.find("joe").await.is_ok());
}

async fn sign_in_without_token_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("kim", Role::Operator).await;
    let mut b = app.browser();
    let p = b
        .post("/login", &[("username", "kim"), ("password", &op.password)])
        .await;
    assert_eq!(p.status, 403);
    assert!(!b.has_session());
}

async fn cross_site_post_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("lou", Role::Operator).await;
    let mut b = app.browser();
    b.extra_headers
        .push(("origin".into(), "https://evil.example".into()));
    let p = b.sign_in("lou", &op.password).await;
    assert_eq!(p.status, 403);
    b.extra_headers = vec![("sec-fetch-site".into(), "cross-site".into())];
    assert_eq!(b.sign_in("lou", &op.password).await.status, 403);
    // This server answers plain HTTP: a page on https with the same host
    // and port is another origin.
    let other_scheme = app.base_url.replacen("http://", "https://", 1);
    b.extra_headers = vec![("origin".into(), other_scheme)];
    assert_eq!(b.sign_in("lou", &op.password).await.status, 403);
    b.extra_headers.clear();
    assert_eq!(b.sign_in("lou", &op.password).await.status, 303);
}
