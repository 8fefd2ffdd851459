//! The deployment's secrets, fetched once from AWS Secrets Manager when the Lambda starts: the
//! peppers and CloudFront's origin secret never sit in the function's environment, where anyone
//! who may read its configuration would see them.
//!
//! The secret is a JSON object: `{"peppers": "id=secret,id=secret", "caller_key": "…",
//! "origin_secret": "…"}` (`origin_secret` optional). CloudFront reads `origin_secret` from the
//! same secret.

use std::collections::HashMap;

use serde::Deserialize;

use crate::config::{PepperFallback, Settings};
use crate::error::Error;

/// Environment variables that would hold a secret in plain sight: refused under Lambda.
pub const SECRET_VARIABLES: &[&str] = &["VERIFIER_PEPPERS", "VERIFIER_CALLER_KEY", "VERIFIER_ORIGIN_SECRET"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSecrets {
    pub peppers: String,
    pub caller_key: String,
    #[serde(default)]
    pub origin_secret: Option<String>,
}

impl DeploymentSecrets {
    pub fn parse(secret_string: &str) -> Result<DeploymentSecrets, Error> {
        serde_json::from_str(secret_string).map_err(|e| Error::SecretFormat(e.to_string()))
    }

    /// Fetches and parses the secret named `secret_id`.
    pub async fn fetch(client: &aws_sdk_secretsmanager::Client, secret_id: &str) -> Result<DeploymentSecrets, Error> {
        let output = client
            .get_secret_value()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|e| Error::SecretFetch {
                id: secret_id.to_string(),
                message: format!("{e:?}"),
            })?;
        let text = output
            .secret_string()
            .ok_or_else(|| Error::SecretEmpty(secret_id.to_string()))?;
        DeploymentSecrets::parse(text)
    }
}

/// The Lambda's settings: secrets from `secrets`, everything else from `env`; a secret found in
/// the environment, or the public development pepper, is an error.
pub fn lambda_settings(env: &HashMap<String, String>, secrets: DeploymentSecrets) -> Result<Settings, Error> {
    if let Some(name) = SECRET_VARIABLES.iter().find(|name| env.contains_key(**name)) {
        return Err(Error::SecretInEnvironment(name));
    }
    let mut all = env.clone();
    all.insert("VERIFIER_PEPPERS".into(), secrets.peppers);
    all.insert("VERIFIER_CALLER_KEY".into(), secrets.caller_key);
    if let Some(origin) = secrets.origin_secret {
        all.insert("VERIFIER_ORIGIN_SECRET".into(), origin);
    }
    Settings::from_lookup(|name| all.get(name).cloned(), PepperFallback::Require)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::DEVELOPMENT_PEPPER;

    fn secrets(peppers: &str) -> DeploymentSecrets {
        DeploymentSecrets {
            peppers: peppers.into(),
            caller_key: "caller-key-0123456789abcdef0123456789".into(),
            origin_secret: Some("origin-secret-0123456789".into()),
        }
    }

    #[test]
    fn secrets_come_from_the_secret_never_from_the_environment() {
        let settings = lambda_settings(&HashMap::new(), secrets("p1=production-pepper-0123456789abcdef0123")).unwrap();
        assert!(!settings.peppers.is_development);
        assert_eq!(settings.http.origin_secret.as_deref(), Some("origin-secret-0123456789"));
        for name in SECRET_VARIABLES {
            let env = HashMap::from([(name.to_string(), "x".repeat(40))]);
            let error = lambda_settings(&env, secrets("p1=production-pepper-0123456789abcdef0123")).unwrap_err();
            assert!(
                matches!(error, Error::SecretInEnvironment(found) if found == *name),
                "{error}"
            );
        }
    }

    #[test]
    fn the_development_pepper_is_refused() {
        let (id, secret) = DEVELOPMENT_PEPPER;
        let error = lambda_settings(&HashMap::new(), secrets(&format!("{id}={secret}"))).unwrap_err();
        assert!(matches!(error, Error::DevelopmentPepper), "{error}");
        let rotated = format!("p2=production-pepper-0123456789abcdef0123,{id}={secret}");
        assert!(lambda_settings(&HashMap::new(), secrets(&rotated)).is_err());
    }

    #[test]
    fn the_secret_is_json() {
        assert!(matches!(
            DeploymentSecrets::parse("p1=abc"),
            Err(Error::SecretFormat(_))
        ));
        let parsed = DeploymentSecrets::parse(r#"{"peppers":"p1=x","caller_key":"k"}"#).unwrap();
        assert_eq!(parsed.origin_secret, None);
    }
}
