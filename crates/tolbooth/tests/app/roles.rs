//! AUD-1: roles are enforced in one place; a refusal is 403 and audited.

use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    operator_is_refused_staff_admin_and_it_is_audited,
    admin_manages_staff_from_the_console,
    last_admin_cannot_be_demoted_or_disabled,
);

async fn operator_is_refused_staff_admin_and_it_is_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let op = app.staff("uma", Role::Operator).await;
    let mut b = app.browser();
    b.sign_in("uma", &op.password).await;
    let p = b.get("/admin/staff").await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("forbidden"));
    let csrf = b.get("/console").await.csrf().unwrap();
    let p = b
        .post(
            "/admin/staff",
            &[
                ("csrf", &csrf),
                ("username", "mallory"),
                ("display_name", "M"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    assert!(
        app.accounts.find("mallory").await.is_err(),
        "nothing was created"
    );
    let denied = app.audited("access.denied").await;
    assert_eq!(denied.len(), 2);
    for d in denied {
        assert_eq!(d.actor_id, Some(op.member.id.0));
        assert_eq!(d.actor_role.as_deref(), Some("operator"));
        assert_eq!(d.object_id.as_deref(), Some("ManageStaff"));
        assert!(d.request_id.is_some());
    }
    // The console does not offer what the role cannot do.
    assert!(!b.get("/console").await.body.contains("/admin/staff"));
}

async fn admin_manages_staff_from_the_console(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mut b, _) = app.signed_in_admin("vera").await;
    let p = b
        .submit(
            "/admin/staff",
            "/admin/staff",
            &[
                ("username", "walt"),
                ("display_name", "Walt <b>W</b>"),
                ("role", "supervisor"),
            ],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.body.contains("Walt &#60;b&#62;W&#60;/b&#62;")
            || p.body.contains("Walt &lt;b&gt;W&lt;/b&gt;"),
        "names are escaped"
    );
    assert!(!p.body.contains("<b>W</b>"));
    let otp = extract_code(&p.body).expect("the one-time password is shown once");
    let walt = app.accounts.find("walt").await.unwrap();
    assert_eq!(walt.role, Role::Supervisor);
    let mut wb = app.browser();
    assert_eq!(
        wb.sign_in("walt", &otp).await.location.as_deref(),
        Some("/account/password")
    );

    let p = b
        .submit(
            "/admin/staff",
            &format!("/admin/staff/{}/role", walt.id),
            &[("role", "operator")],
        )
        .await;
    assert_eq!(p.status, 200);
    assert_eq!(
        app.accounts.find("walt").await.unwrap().role,
        Role::Operator
    );
    assert!(
        !wb.get("/console").await.status.eq(&200),
        "a change of role ends sessions"
    );
    let p = b
        .submit(
            "/admin/staff",
            &format!("/admin/staff/{}/reset-password", walt.id),
            &[],
        )
        .await;
    assert_eq!(p.status, 200);
    assert!(extract_code(&p.body).is_some());
    assert_eq!(app.audited("staff.add").await.len(), 2);
    assert_eq!(app.audited("staff.set_role").await.len(), 1);
    assert_eq!(app.audited("staff.password_reset").await.len(), 1);
}

fn extract_code(body: &str) -> Option<String> {
    let marker = "<code class=\"secret\">";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find("</code>")?;
    Some(body[start..start + end].to_owned())
}

async fn last_admin_cannot_be_demoted_or_disabled(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.staff("xena", Role::Admin).await;
    let actor = tolbooth_domain::audit::Actor::system("test");
    let err = app
        .accounts
        .set_role(actor.clone(), admin.member.id, Role::Operator, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no administrator"));
    assert!(app
        .accounts
        .set_disabled(actor.clone(), admin.member.id, true, None)
        .await
        .is_err());
    let other = app.staff("yuri", Role::Admin).await;
    app.accounts
        .set_role(actor, admin.member.id, Role::Operator, None)
        .await
        .expect("allowed while another admin remains");
    assert_eq!(
        app.accounts.get(other.member.id).await.unwrap().role,
        Role::Admin
    );
}
