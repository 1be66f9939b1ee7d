//! Health, readiness, metrics, security headers and request limits.

use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(
    health_and_readiness,
    metrics_count_requests_without_personal_data,
    pages_carry_security_headers,
    oversized_bodies_are_refused,
    background_workers_are_named_counted_and_stopped,
);

async fn health_and_readiness(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut b = app.browser();
    assert_eq!(b.get("/healthz").await.status, 200);
    let ready = b.get("/readyz").await;
    assert_eq!(ready.status, 200);
    let v: serde_json::Value = serde_json::from_str(&ready.body).unwrap();
    assert_eq!(v["migrations_current"], true);
    assert_eq!(
        v["store"],
        if backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    app.store.close().await;
    assert_eq!(
        b.get("/readyz").await.status,
        503,
        "a closed store is not ready"
    );
}

async fn metrics_count_requests_without_personal_data(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut b = app.browser();
    b.sign_in("someone-typed-this", "and-this-password").await;
    b.get("/no/such/page?email=a@example.org").await;
    let m = b.get("/metrics").await;
    assert_eq!(m.status, 200);
    assert!(
        m.body.contains(
            "tolbooth_http_requests_total{method=\"POST\",route=\"/login\",status=\"401\"} 1"
        ),
        "{}",
        m.body
    );
    assert!(m
        .body
        .contains("tolbooth_sign_ins_total{outcome=\"failed\"} 1"));
    assert!(m.body.contains("route=\"unmatched\""));
    assert!(!m.body.contains("someone-typed-this") && !m.body.contains("example.org"));
}

async fn pages_carry_security_headers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut b = app.browser();
    let p = b.get("/login").await;
    let h = |k: &str| {
        p.headers
            .get(k)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert!(!h("content-security-policy").contains("unsafe-inline"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "same-origin");
    assert_eq!(h("cache-control"), "no-store");
    assert_eq!(h("x-request-id").len(), 24);
    assert!(
        p.headers.get("strict-transport-security").is_none(),
        "no HSTS over plain HTTP"
    );
    assert!(!p.body.contains("<script>"), "no inline scripts");
}

async fn oversized_bodies_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut b = app.browser();
    let big = "x".repeat(200 * 1024);
    let p = b.post("/login", &[("username", &big)]).await;
    assert_eq!(p.status, 413);
}

/// With a certificate and key configured, Tolbooth serves HTTPS itself and
/// tells browsers to keep to it (LC-7).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_built_in_and_sends_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_pem = cert.cert.pem();
    std::fs::write(dir.path().join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(dir.path().join("key.pem"), cert.key_pair.serialize_pem()).unwrap();
    let tls = tolbooth_core::config::TlsConfig {
        certificate: dir.path().join("cert.pem"),
        private_key: dir.path().join("key.pem"),
    };
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| c.server.tls = Some(tls)).await else {
        return;
    };
    let port = app.base_url.rsplit(':').next().unwrap().to_owned();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .resolve("localhost", format!("127.0.0.1:{port}").parse().unwrap())
        .https_only(true)
        .build()
        .unwrap();
    let res = client
        .get(format!("https://localhost:{port}/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let hsts = res
        .headers()
        .get("strict-transport-security")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age="));
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    // Plain HTTP on the TLS port does not get a page.
    let plain = reqwest::get(format!("http://127.0.0.1:{port}/login")).await;
    assert!(plain.map(|r| r.status() != 200).unwrap_or(true));
}

/// On shutdown, a request already being received is still answered; new
/// connections are not accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_request_in_flight_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(mut app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let addr = app.base_url.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let body = "username=someone&password=something-long";
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body.as_bytes()[..10]).await.unwrap();
    // Give the server a moment to read the headers: only then is the
    // request "in flight" rather than an idle connection.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let server = app.begin_shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    stream.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    // No CSRF token: refused, but answered.
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("the server stops once the request is answered")
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(&addr).await.is_err(),
        "no new connections"
    );
}

/// The server's background work runs as named workers whose runs and
/// failures `/metrics` shows, and which stop on shutdown.
async fn background_workers_are_named_counted_and_stopped(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    app.services.start_workers();
    let mut b = app.browser();
    let mut body = String::new();
    for _ in 0..100 {
        body = b.get("/metrics").await.body;
        let all_ran = [
            "retention-sweep",
            "session-sweep",
            "idle-chats",
            "knowledge-base",
        ]
        .iter()
        .all(|w| body.contains(&format!("tolbooth_worker_runs_total{{worker=\"{w}\"}} 1")));
        if all_ran {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for worker in [
        "retention-sweep",
        "session-sweep",
        "idle-chats",
        "knowledge-base",
    ] {
        assert!(
            body.contains(&format!(
                "tolbooth_worker_runs_total{{worker=\"{worker}\"}} 1"
            )),
            "{worker}: {body}"
        );
        assert!(
            body.contains(&format!(
                "tolbooth_worker_failures_total{{worker=\"{worker}\"}} 0"
            )),
            "{worker}: {body}"
        );
    }
    assert!(body.contains("tolbooth_worker_last_run_timestamp_seconds{worker=\"idle-chats\"}"));
    // Presence runs every few seconds: named and counted like the others.
    assert!(
        body.contains("tolbooth_worker_runs_total{worker=\"presence\"}")
            && body.contains("tolbooth_worker_failures_total{worker=\"presence\"} 0"),
        "{body}"
    );
    let reports = app.services.workers.reports();
    assert_eq!(reports.len(), 5);
    app.services.workers.shutdown().await;
    let runs = |app: &TestApp| -> Vec<u64> {
        app.services
            .workers
            .reports()
            .iter()
            .map(|r| r.runs)
            .collect()
    };
    let at_shutdown = runs(&app);
    assert!(at_shutdown.iter().all(|&n| n >= 1), "{at_shutdown:?}");
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(runs(&app), at_shutdown, "no step after shutdown");
}
