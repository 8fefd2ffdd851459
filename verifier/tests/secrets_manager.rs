//! The Lambda's secrets come from Secrets Manager (moto, started here), as the function reads
//! them at init: the peppers and CloudFront's origin secret, never the environment.

mod support;

use std::collections::HashMap;

use support::MotoServer;
use verifier::secrets::{lambda_settings, DeploymentSecrets};

#[tokio::test]
async fn the_lambda_reads_its_secrets_from_secrets_manager() {
    let moto = MotoServer::start();
    let client = moto.secrets_client();
    let created = client
        .create_secret()
        .name("denshi-hosho/verifier")
        .secret_string(
            r#"{"peppers":"p2=production-pepper-0123456789abcdef0123","caller_key":"caller-key-0123456789abcdef0123456789","origin_secret":"origin-secret-0123456789"}"#,
        )
        .send()
        .await
        .expect("create the secret on moto");
    let arn = created.arn().unwrap().to_string();
    let secrets = DeploymentSecrets::fetch(&client, &arn).await.unwrap();
    let settings = lambda_settings(&HashMap::new(), secrets).unwrap();
    assert!(!settings.peppers.is_development);
    assert_eq!(settings.peppers.current().id, "p2");
    assert_eq!(settings.http.origin_secret.as_deref(), Some("origin-secret-0123456789"));

    let missing = DeploymentSecrets::fetch(&client, "no-such-secret").await.unwrap_err();
    assert!(
        matches!(&missing, verifier::Error::SecretFetch { id, .. } if id == "no-such-secret"),
        "{missing}"
    );
}
