//! `verifier serve`'s HTTP/1 server, bounded so that no client — slow, idle or many — can
//! stop an orderer with a correct key: a header-read timeout, a time limit on the rest of each
//! request (body and answer: 408), a lifetime per connection, a cap on connections, and a
//! smaller cap per address (an IPv4 address, an IPv6 /64; our own proxies excepted), so one
//! address holding its share leaves the rest to everyone else. Beyond a cap a new connection is
//! closed at once, and said so in the log at most every few seconds, with a count.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use ipnet::IpNet;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::timeout::TimeoutLayer;

use crate::http::{caller_group_address, trusted};
use crate::logging::RateLimitedWarning;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeLimits {
    /// A request's headers must have arrived this long after the connection is ready for it
    /// (the first request, or the next one on a kept-alive connection).
    pub header_read_timeout: Duration,
    /// After its headers, a request's body must have arrived and its answer been made within
    /// this long (408 otherwise): one byte every few seconds holds nothing for long.
    pub request_timeout: Duration,
    /// A connection is closed after this long, whatever it is doing.
    pub connection_lifetime: Duration,
    pub max_connections: usize,
    /// Connections from one address at once.
    pub max_per_address: usize,
    /// Proxies of ours (their connections carry everyone's requests): not capped per address.
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(10),
            connection_lifetime: Duration::from_secs(120),
            max_connections: 512,
            max_per_address: 32,
            trusted_proxies: Vec::new(),
        }
    }
}

static OVER_THE_LIMIT: RateLimitedWarning = RateLimitedWarning::new("connection limit reached; connection closed");
static OVER_THE_ADDRESS_LIMIT: RateLimitedWarning =
    RateLimitedWarning::new("connection limit of one address reached; connection closed");

/// Open connections per address, each released when its connection ends.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

struct AddressSlot {
    table: Arc<PerAddress>,
    address: IpAddr,
}

impl PerAddress {
    fn take(table: &Arc<PerAddress>, address: IpAddr, limit: usize) -> Option<AddressSlot> {
        let mut open = table.0.lock().ok()?;
        let count = open.entry(address).or_insert(0);
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            table: table.clone(),
            address,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.table.0.lock() {
            if let Some(count) = open.get_mut(&self.address) {
                *count -= 1;
                if *count == 0 {
                    open.remove(&self.address);
                }
            }
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
    let per_address = Arc::new(PerAddress::default());
    let app = app.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        limits.request_timeout,
    ));
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
        let slot = if trusted(&limits.trusted_proxies, peer.ip()) {
            None
        } else {
            match PerAddress::take(&per_address, caller_group_address(peer.ip()), limits.max_per_address) {
                Some(slot) => Some(slot),
                None => {
                    OVER_THE_ADDRESS_LIMIT.warn();
                    continue;
                }
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            OVER_THE_LIMIT.warn();
            continue;
        };
        let service = app
            .clone()
            .map_request(move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                request
            });
        let limits = limits.clone();
        tokio::spawn(async move {
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            // Either way the connection ends here; an error is the client's (reset, timeout).
            let _ = tokio::time::timeout(limits.connection_lifetime, connection).await;
            drop(permit);
            drop(slot);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_share_and_gets_it_back() {
        let table = Arc::new(PerAddress::default());
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        let held: Vec<_> = (0..3).map(|_| PerAddress::take(&table, one, 3).unwrap()).collect();
        assert!(PerAddress::take(&table, one, 3).is_none());
        assert!(
            PerAddress::take(&table, other, 3).is_some(),
            "another address is not affected"
        );
        drop(held);
        assert!(PerAddress::take(&table, one, 3).is_some());
        assert!(table.0.lock().unwrap().len() <= 1, "released addresses leave the table");
    }
}
