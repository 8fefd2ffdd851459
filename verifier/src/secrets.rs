//! The deployment's secrets: one JSON object `{"peppers": "id=secret,id=secret", "caller_key":
//! "…", "origin_secret": "…"}`, read from AWS Secrets Manager (the Lambda at start-up, the
//! admin CLI with `--secret-arn`) or from a file only its owner may read (`--secret-file`) —
//! never from the environment, where a shell's history or a function's configuration would
//! keep it. CloudFront reads `origin_secret` from the same secret.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::config::{PepperFallback, Settings};
use crate::error::Error;

pub use crate::config::SECRET_VARIABLES;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSecrets {
    pub peppers: String,
    /// Needed by whatever pseudonymises callers (the server); admin commands do without.
    #[serde(default)]
    pub caller_key: Option<String>,
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

    /// Reads the secret from `path`, which no one but its owner may read or write.
    pub fn read_file(path: &Path) -> Result<DeploymentSecrets, Error> {
        use std::os::unix::fs::PermissionsExt;
        let read = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let mode = std::fs::metadata(path).map_err(read)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::SecretFilePermissions {
                path: path.to_path_buf(),
                mode,
            });
        }
        DeploymentSecrets::parse(&std::fs::read_to_string(path).map_err(read)?)
    }

    /// The CLI's secret: from Secrets Manager (`arn`, with the standard AWS configuration), from
    /// a file, or none.
    pub async fn for_cli(arn: Option<&str>, file: Option<&Path>) -> Result<Option<DeploymentSecrets>, Error> {
        match (arn, file) {
            (Some(arn), _) => {
                let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
                let client = aws_sdk_secretsmanager::Client::new(&aws);
                DeploymentSecrets::fetch(&client, arn).await.map(Some)
            }
            (None, Some(file)) => DeploymentSecrets::read_file(file).map(Some),
            (None, None) => Ok(None),
        }
    }
}

/// The Lambda's settings: secrets from `secrets`, everything else from `env`. The origin secret
/// is required: behind CloudFront it is what makes the viewer's address trustworthy.
pub fn lambda_settings(env: &HashMap<String, String>, secrets: DeploymentSecrets) -> Result<Settings, Error> {
    if secrets.origin_secret.as_deref().is_none_or(str::is_empty) {
        return Err(Error::MissingOriginSecret);
    }
    Settings::from_lookup(|name| env.get(name).cloned(), Some(&secrets), PepperFallback::Require)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::DEVELOPMENT_PEPPER;

    fn secrets(peppers: &str) -> DeploymentSecrets {
        DeploymentSecrets {
            peppers: peppers.into(),
            caller_key: Some("caller-key-0123456789abcdef0123456789".into()),
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

    /// Without the origin secret every caller behind one edge would be one caller, and anyone
    /// reaching the API directly could name any viewer address: the Lambda refuses to start.
    #[test]
    fn the_lambda_requires_the_origin_secret() {
        let without = DeploymentSecrets {
            origin_secret: None,
            ..secrets("p1=production-pepper-0123456789abcdef0123")
        };
        assert!(matches!(
            lambda_settings(&HashMap::new(), without),
            Err(Error::MissingOriginSecret)
        ));
    }

    #[test]
    fn the_development_pepper_is_refused() {
        let (id, secret) = DEVELOPMENT_PEPPER;
        let error = lambda_settings(&HashMap::new(), secrets(&format!("{id}={secret}"))).unwrap_err();
        assert!(matches!(error, Error::DevelopmentPepper), "{error}");
        let rotated = format!("p2=production-pepper-0123456789abcdef0123,{id}={secret}");
        assert!(matches!(
            lambda_settings(&HashMap::new(), secrets(&rotated)),
            Err(Error::DevelopmentPepper)
        ));
    }

    #[test]
    fn the_secret_is_json() {
        assert!(matches!(
            DeploymentSecrets::parse("p1=abc"),
            Err(Error::SecretFormat(_))
        ));
        let parsed = DeploymentSecrets::parse(r#"{"peppers":"p1=x"}"#).unwrap();
        assert_eq!((parsed.caller_key, parsed.origin_secret), (None, None));
    }

    /// A secret file anyone else may read is refused before it is read.
    #[test]
    fn a_secret_file_must_be_its_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.json");
        std::fs::write(&path, r#"{"peppers":"p1=production-pepper-0123456789abcdef0123"}"#).unwrap();
        for mode in [0o644, 0o640, 0o604, 0o660] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert!(matches!(
                DeploymentSecrets::read_file(&path),
                Err(Error::SecretFilePermissions { mode: m, .. }) if m == mode
            ));
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(DeploymentSecrets::read_file(&path).unwrap().peppers.starts_with("p1="));
    }
}
