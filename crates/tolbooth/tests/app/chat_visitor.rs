//! What is captured with an enquiry and shown in the visitor panel (LC-2,
//! LC-5): the address from a trusted proxy, a coarse location from the
//! organisation's GeoIP file, browser and device without the raw user
//! agent, addresses without their queries, the visitor's earlier chats
//! still held; flags; canned responses kept by supervisors.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tolbooth_domain::staff::role::Role;
use tolbooth_testkit::{backend_tests, Backend, Enquiry, TestApp};

backend_tests!(
    the_visitor_panel_shows_what_was_captured_and_nothing_more,
    supervisors_keep_canned_responses_for_operators,
);

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36";

/// A one-network GeoIP city database, written for the test.
fn geoip_file(dir: &std::path::Path) -> std::path::PathBuf {
    #[derive(serde::Serialize)]
    struct Named {
        names: BTreeMap<String, String>,
    }
    #[derive(serde::Serialize)]
    struct Place {
        city: Named,
        country: Named,
    }
    let named = |en: &str| Named {
        names: [("en".to_string(), en.to_string())].into(),
    };
    let mut writer = mmdb_writer::Writer::new("GeoLite2-City");
    writer
        .insert(
            "198.51.100.0/24".parse::<ipnet::IpNet>().unwrap(),
            &Place {
                city: named("Inverness"),
                country: named("United Kingdom"),
            },
        )
        .unwrap();
    let path = dir.join("city.mmdb");
    std::fs::write(&path, writer.to_bytes().unwrap()).unwrap();
    path
}

/// A visitor behind the trusted proxy starts a chat with everything the
/// widget sends.
async fn start(app: &TestApp, question: &str, visitor_id: &str) -> String {
    let enquiry = Enquiry::new(question)
        .header("user-agent", CHROME)
        .header("x-forwarded-for", "198.51.100.7")
        .with("name", json!("  Ailsa\nMacLeod "))
        .with("visitor_id", json!(visitor_id))
        .with(
            "launch_url",
            json!("https://www.example.gov.uk/bins/brown?postcode=IV1+1AA#when"),
        )
        .with(
            "referrer",
            json!("https://search.example/?q=ailsa+macleod+bins"),
        )
        .with("pages_visited", json!(4))
        .with("seconds_on_site", json!(95));
    app.visitor_asks_with(enquiry).await.chat_id
}

async fn the_visitor_panel_shows_what_was_captured_and_nothing_more(backend: Backend) {
    let files = tempfile::tempdir().unwrap();
    let geoip = geoip_file(files.path());
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.server.trusted_proxies = "127.0.0.1".into();
        c.chat.geoip_database = Some(geoip.clone());
    })
    .await
    else {
        return;
    };
    let visitor_id = "0123456789abcdef0123456789abcdef";
    let first = start(&app, "First question", visitor_id).await;
    let second = start(&app, "Second question", visitor_id).await;
    let stranger = start(&app, "Someone else", "fedcba9876543210fedcba9876543210").await;

    let (browser, _) = app.signed_in("morag", Role::Operator).await;
    let mut console = app.console_socket(&browser).await.unwrap();
    console.expect("mine").await;
    console
        .send(json!({"type": "visitor", "chat_id": second}))
        .await;
    let panel = console.expect("visitor").await;
    assert_eq!(panel["chat_id"], second.as_str());
    assert_eq!(panel["name"], "Ailsa MacLeod");
    assert_eq!(panel["ip_address"], "198.51.100.7");
    assert_eq!(panel["location"], "Inverness, United Kingdom");
    assert_eq!(panel["browser"], "Chrome 120");
    assert_eq!(panel["operating_system"], "Windows 10");
    assert_eq!(panel["device"], "Desktop or laptop");
    assert_eq!(
        panel["launch_url"], "https://www.example.gov.uk/bins/brown",
        "the query (a postcode) and fragment are not kept"
    );
    assert_eq!(panel["referrer"], "https://search.example/");
    assert_eq!(
        (
            panel["pages_visited"].as_i64(),
            panel["seconds_on_site"].as_i64()
        ),
        (Some(4), Some(95))
    );
    let earlier: Vec<&str> = panel["earlier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["chat_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        earlier,
        vec![first.as_str()],
        "the same visitor's other chat, not a stranger's"
    );
    assert!(!earlier.contains(&stranger.as_str()));
    let opened = app.audited("chat.visitor_panel_opened").await;
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].object_id.as_deref(), Some(second.as_str()));
    // The raw user agent is nowhere in the database.
    let dump = format!("{:?}", app.audit_log().await);
    assert!(!dump.contains("AppleWebKit"));

    // Flags: recorded once per reason, audited with the reason; a bad
    // reason is refused.
    console
        .send(json!({"type": "flag", "chat_id": second, "reason": "safeguarding"}))
        .await;
    let flagged = console.expect("flagged").await;
    assert_eq!(
        (flagged["reason"].as_str(), flagged["new"].as_bool()),
        (Some("safeguarding"), Some(true))
    );
    console
        .send(json!({"type": "flag", "chat_id": second, "reason": "safeguarding"}))
        .await;
    assert_eq!(console.expect("flagged").await["new"], false);
    console
        .send(json!({"type": "flag", "chat_id": second, "reason": "rude"}))
        .await;
    assert_eq!(console.expect("error").await["code"], "bad_input");
    let flags = app.audited("chat.flagged").await;
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].reason.as_deref(), Some("safeguarding"));
    console
        .send(json!({"type": "visitor", "chat_id": second}))
        .await;
    let panel = console.expect("visitor").await;
    assert_eq!(panel["flags"][0]["label"], "Safeguarding");
    assert_eq!(panel["flags"][0]["by"], "morag (test)");

    // A rejected enquiry goes with everything captured about it (LC-6).
    console
        .send(json!({"type": "reject", "chat_id": first}))
        .await;
    console
        .collect_until("queue", |q| {
            !q["chats"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["chat_id"] == first.as_str())
        })
        .await;
    console
        .send(json!({"type": "visitor", "chat_id": second}))
        .await;
    assert_eq!(console.expect("visitor").await["earlier"], json!([]));
    use tolbooth_domain::chat::ports::ChatStore;
    assert!(app
        .store
        .earlier_chats(
            &tolbooth_core::tokens::token_hash(visitor_id),
            tolbooth_domain::chat::ChatId(0),
            10
        )
        .await
        .unwrap()
        .iter()
        .all(|c| c.lifecycle.chat_ref.to_string() != first));

    // Without a trusted proxy the forwarded address is not believed, and
    // without a GeoIP file there is no location.
    drop(console);
    let Some(plain) = TestApp::spawn(backend).await else {
        return;
    };
    let chat = start(&plain, "Direct", visitor_id).await;
    let (b, _) = plain.signed_in("ewan", Role::Operator).await;
    let mut c = plain.console_socket(&b).await.unwrap();
    c.send(json!({"type": "visitor", "chat_id": chat})).await;
    let panel = c.expect("visitor").await;
    assert_eq!(panel["ip_address"], "127.0.0.1");
    assert_eq!(panel["location"], Value::Null);
}

async fn supervisors_keep_canned_responses_for_operators(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mut supervisor, _) = app.signed_in("sorcha", Role::Supervisor).await;
    let page = supervisor.get("/console/canned").await;
    assert_eq!(page.status, 200);
    let added = supervisor
        .submit(
            "/console/canned",
            "/console/canned",
            &[
                ("title", "Bin collections"),
                ("body", "Collections are listed at example.gov.uk/bins."),
            ],
        )
        .await;
    assert_eq!(added.status, 303);
    let refused = supervisor
        .submit(
            "/console/canned",
            "/console/canned",
            &[("title", ""), ("body", "x")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("give the response a title"),
        "{}",
        refused.body
    );
    assert_eq!(app.audited("canned.saved").await.len(), 1);

    // Operators receive them on connecting, and cannot change them.
    let (mut operator, _) = app.signed_in("morag", Role::Operator).await;
    let mut console = app.console_socket(&operator).await.unwrap();
    let canned = console.expect("canned").await;
    assert_eq!(canned["responses"][0]["title"], "Bin collections");
    let id = canned["responses"][0]["id"].as_i64().unwrap();
    assert_eq!(operator.get("/console/canned").await.status, 403);

    let page = supervisor.get("/console/canned").await;
    let csrf = page.csrf().unwrap();
    let edited = supervisor
        .post(
            &format!("/console/canned/{id}"),
            &[
                ("csrf", csrf.as_str()),
                ("title", "Bins"),
                ("body", "See the bins page."),
            ],
        )
        .await;
    assert_eq!(edited.status, 303);
    let page = supervisor.get("/console/canned").await;
    assert!(page.body.contains("See the bins page."));
    let deleted = supervisor
        .post(
            &format!("/console/canned/{id}/delete"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert!(supervisor
        .get("/console/canned")
        .await
        .body
        .contains("There are no canned responses yet."));
    assert_eq!(app.audited("canned.deleted").await.len(), 1);
}
