//! Serving the router: plain HTTP or TLS (rustls), with graceful shutdown
//! that lets in-flight requests finish within a grace period.

use crate::state::AppState;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot load TLS certificate or key: {0}")]
    Tls(std::io::Error),
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

pub async fn bind(addr: &str) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: addr.to_owned(),
            source,
        })
}

/// Serves until `shutdown` resolves, then waits up to the configured grace
/// period for requests in flight.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let grace = Duration::from_secs(state.config.server.shutdown_grace_seconds);
    let tls = state.config.server.tls.clone();
    let app = crate::router(state).into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        None => {
            let (tx, rx) = tokio::sync::watch::channel(false);
            let signal = async move {
                shutdown.await;
                let _ = tx.send(true);
            };
            let server = axum::serve(listener, app).with_graceful_shutdown(signal);
            let mut rx2 = rx.clone();
            let deadline = async move {
                let _ = rx2.wait_for(|stopping| *stopping).await;
                tokio::time::sleep(grace).await;
            };
            tokio::select! {
                r = server => r.map_err(ServeError::Io),
                () = deadline => {
                    tracing::warn!("shutdown grace period over; closing remaining connections");
                    Ok(())
                }
            }
        }
        Some(tls) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(
                &tls.certificate,
                &tls.private_key,
            )
            .await
            .map_err(ServeError::Tls)?;
            let handle = axum_server::Handle::new();
            let h = handle.clone();
            tolbooth_workers::spawn_task("tls-shutdown", async move {
                shutdown.await;
                h.graceful_shutdown(Some(grace));
            });
            let std_listener = listener.into_std()?;
            axum_server::from_tcp_rustls(std_listener, config)
                .handle(handle)
                .serve(app)
                .await
                .map_err(ServeError::Io)
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
