//! `verifier serve`'s HTTP/1 server, bounded: a slow or idle client cannot hold a connection
//! (a header-read timeout per request, a lifetime per connection) and no more than a fixed
//! number of connections are served at once — beyond it new connections are closed at once,
//! so descriptors never run out and the health check keeps its answer.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// A request's headers must have arrived this long after the connection is ready for it
    /// (the first request, or the next one on a kept-alive connection).
    pub header_read_timeout: Duration,
    /// A connection is closed after this long, whatever it is doing.
    pub connection_lifetime: Duration,
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(10),
            connection_lifetime: Duration::from_secs(120),
            max_connections: 512,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes; each request carries the peer's
/// address as `ConnectInfo`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of descriptors or a connection reset before accept: keep serving.
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "connection limit reached; connection closed");
            drop(stream);
            continue;
        };
        let service = app
            .clone()
            .map_request(move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                request
            });
        tokio::spawn(async move {
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            // Either way the connection ends here; an error is the client's (reset, timeout).
            let _ = tokio::time::timeout(limits.connection_lifetime, connection).await;
            drop(permit);
        });
    }
}
