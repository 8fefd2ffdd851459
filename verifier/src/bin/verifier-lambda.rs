//! The Lambda entry point: the same router as `verifier serve`, on DynamoDB. Clients are built
//! once per execution environment and the connection is warmed during init, so the first
//! orderer does not pay the TLS handshake.

use std::sync::Arc;

use verifier::config::{PepperFallback, Settings};
use verifier::{router, CertificateStore, DynamoStore, Verifier};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .without_time()
        .init();
    let settings = Settings::from_env(PepperFallback::Require)?;
    let table = std::env::var("VERIFIER_TABLE").map_err(|_| "VERIFIER_TABLE is not set")?;
    let store = DynamoStore::from_env(table).await;
    if let Err(error) = store.ping().await {
        // Not fatal: the first request retries, and fails closed (503) if the table is still away.
        tracing::warn!(%error, "warm-up call to DynamoDB failed");
    }
    let mut verifier = Verifier::new(store, settings.peppers);
    verifier.policy = settings.policy;
    verifier.audit_retention_secs = settings.audit_retention_secs;
    lambda_http::run(router(Arc::new(verifier), settings.http)).await
}
