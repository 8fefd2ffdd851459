//! The Lambda entry point: the same router as `verifier serve`, on DynamoDB. The AWS
//! configuration and its clients are built once per execution environment; the secrets
//! (peppers, CloudFront's origin secret) are read from Secrets Manager during init, never from
//! the environment, and the DynamoDB connection is warmed so the first orderer does not pay the
//! TLS handshake.

use std::collections::HashMap;

use verifier::secrets::{lambda_settings, DeploymentSecrets};
use verifier::{CertificateStore, DynamoStore};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(verifier::logging::filter(std::env::var("RUST_LOG").ok().as_deref()))
        .without_time()
        .init();
    let env: HashMap<String, String> = std::env::vars().collect();
    let secret_arn = env.get("VERIFIER_SECRET_ARN").ok_or("VERIFIER_SECRET_ARN is not set")?;
    let table = env.get("VERIFIER_TABLE").ok_or("VERIFIER_TABLE is not set")?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let secrets = DeploymentSecrets::fetch(&aws_sdk_secretsmanager::Client::new(&aws), secret_arn).await?;
    let settings = lambda_settings(&env, secrets)?;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&aws), table.clone());
    if let Err(error) = store.ping().await {
        // Not fatal: the first request retries, and fails closed (503) if the table is still away.
        tracing::warn!(%error, "warm-up call to DynamoDB failed");
    }
    lambda_http::run(verifier::app(store, &settings)).await
}
