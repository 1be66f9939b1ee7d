//! Governance: legal holds and their release, disclosures and staff review
//! of transcripts.

mod handlers;
pub(crate) mod pages;

use crate::governance::pages::DisclosureDocument;
use crate::state::AppState;
use askama::Template;
use axum::routing::{get, post};
use axum::Router;
use tolbooth_core::governance::DisclosurePackage;

/// A disclosure package as one HTML page, escaped throughout.
pub fn disclosure_document(
    package: &DisclosurePackage,
    local: &tolbooth_core::local_time::LocalTime,
) -> askama::Result<String> {
    DisclosureDocument::of(package, local).render()
}

/// Governance's routes.
pub(crate) fn routes() -> Router<AppState> {
    let chat = "/console/governance/chats/{chat_id}";
    Router::new()
        .route("/console/governance", get(handlers::home))
        .route("/console/governance/find", post(handlers::find))
        .route(chat, get(handlers::chat))
        .route(&format!("{chat}/hold"), post(handlers::hold))
        .route(&format!("{chat}/flag"), post(handlers::flag))
        .route(
            &format!("{chat}/request-release"),
            post(handlers::request_release),
        )
        .route(&format!("{chat}/release"), post(handlers::release))
        .route(&format!("{chat}/disclose"), post(handlers::disclose))
        .route(
            "/console/review/{chat_id}",
            get(handlers::review).post(handlers::save_review),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tolbooth_domain::chat::visitor::VisitorDetails;
    use tolbooth_domain::chat::{ChatLifecycle, ChatRef};
    use tolbooth_domain::retention::TranscriptLine;

    #[test]
    fn the_package_escapes_what_visitors_typed() {
        let chat_ref: ChatRef = "TB-7K3M-9QXD".parse().unwrap();
        let at = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let package = DisclosurePackage {
            chat_ref: chat_ref.to_string(),
            prepared_at: "2027-01-15T08:00:00Z".into(),
            prepared_by: "ailsa".into(),
            recipient: "Police <Scotland>".into(),
            lawful_basis: "UK GDPR Art. 6(1)(f)".into(),
            chat: ChatLifecycle::requested(chat_ref, at),
            visitor: Some(VisitorDetails {
                name: Some("<img src=x onerror=alert(1)>".into()),
                ip: Some("203.0.113.7".parse().unwrap()),
                ..VisitorDetails::default()
            }),
            flags: Vec::new(),
            legal_hold: None,
            messages: vec![TranscriptLine {
                seq: 1,
                sender: "visitor".into(),
                at_ms: 1_800_000_000_000,
                text: "</li><script>alert('x')</script> & more".into(),
            }],
            audit_trail: Vec::new(),
        };
        let local = tolbooth_core::local_time::LocalTime::new("Europe/London");
        let html = disclosure_document(&package, &local).unwrap();
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
        assert!(html.contains("for <strong>Police &#60;Scotland&#62;</strong>, on the basis"));
        assert!(html.contains("<dt>IP address</dt><dd>203.0.113.7</dd>"));
        assert!(html.contains("&#60;/li&#62;&#60;script&#62;"));
        // The visitor by the name they gave (escaped), each time local to
        // the second with its exact UTC instant.
        assert!(
            html.contains("Visitor (&#60;img src=x onerror=alert(1)&#62;)"),
            "{html}"
        );
        assert!(
            html.contains(
                "<time datetime=\"2027-01-15T08:00:00.000Z\">15 January 2027, 08:00:00</time>"
            ),
            "{html}"
        );
        assert_eq!(
            html.matches("<dt>").count(),
            14,
            "six chat rows and eight visitor rows"
        );
    }
}
