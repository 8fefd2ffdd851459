//! Settings, read once at start-up and shared by both binaries: secrets from the deployment's
//! secret (Secrets Manager, or an owner-only file for the CLI), never from the environment;
//! everything else from the environment.

use std::time::Duration;

use ipnet::IpNet;

use crate::error::Error;
use crate::http::HttpConfig;
use crate::keys::Peppers;
use crate::secrets::DeploymentSecrets;
use crate::server::ServeLimits;
use crate::service::{Limit, ThrottlePolicy};

/// Every environment variable the binaries read, with what it means: the `--help` text, and a
/// test keeps it in step with [`Settings::from_lookup`].
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("VERIFIER_TABLE", "DynamoDB のテーブル名（既定 denshi-hosho）"),
    (
        "VERIFIER_SECRET_ARN",
        "Lambda のみ: peppers・caller_key・origin_secret を入れた Secrets Manager のシークレット（JSON）。管理コマンドでは --secret-arn",
    ),
    ("VERIFIER_CALLER_FAILURES", "照会元・番号ごとの失敗の上限（既定 5）"),
    ("VERIFIER_CALLER_WINDOW_SECS", "その期間（秒、既定 900）"),
    ("VERIFIER_CALLER_ANY_FAILURES", "照会元ごと・全番号合計の失敗の上限（既定 30）"),
    ("VERIFIER_CALLER_ANY_WINDOW_SECS", "その期間（秒、既定 3600）"),
    (
        "VERIFIER_NUMBER_FAILURES",
        "番号ごと・全員合計の失敗がこれを超えると、誤りにはすぐ 429 で答え警告を記録（正しいキーは答える。既定 100）",
    ),
    ("VERIFIER_NUMBER_WINDOW_SECS", "その期間（秒、固定の区切り、既定 3600）"),
    ("VERIFIER_NUMBER_RETRY_AFTER_SECS", "その 429 の Retry-After（秒、既定 60）"),
    ("VERIFIER_AUDIT_RETENTION_DAYS", "閲覧履歴の保存日数（既定 400）"),
    (
        "VERIFIER_TRUSTED_PROXIES",
        "X-Forwarded-For を信頼するプロキシのアドレス（CIDR、カンマ区切り、既定なし）。接続元がこの中のときだけ読みます",
    ),
    (
        "VERIFIER_CORS_ORIGINS",
        "CORS を許可するオリジン（カンマ区切り、既定なし）",
    ),
    ("VERIFIER_TIMEOUT_MS", "これより遅い照会は 503（ミリ秒、既定 5000）"),
    (
        "VERIFIER_HEADER_TIMEOUT_MS",
        "serve: 要求のヘッダーがこの時間内に届かない接続を閉じる（ミリ秒、既定 10000）",
    ),
    (
        "VERIFIER_REQUEST_TIMEOUT_MS",
        "serve: ヘッダーの後、本文と応答をこの時間内に終えない要求は 408（ミリ秒、既定 10000）",
    ),
    ("VERIFIER_CONNECTION_SECS", "serve: 1接続の最長時間（秒、既定 120）"),
    ("VERIFIER_MAX_CONNECTIONS", "serve: 同時接続の上限。超えた接続はすぐ閉じる（既定 512）"),
    (
        "VERIFIER_MAX_CONNECTIONS_PER_ADDRESS",
        "serve: 1つの接続元（IPv4 アドレス、IPv6 /64）の同時接続の上限（既定 32、信頼するプロキシは除く）",
    ),
    (
        "VERIFIER_PEPPERS",
        "使えません: 秘密（peppers・caller_key・origin_secret）は --secret-file か --secret-arn で渡します",
    ),
    ("VERIFIER_CALLER_KEY", "使えません（同上）"),
    ("VERIFIER_ORIGIN_SECRET", "使えません（同上）"),
    ("VERIFIER_SLOW_DOWN_MS", "廃止: VERIFIER_NUMBER_RETRY_AFTER_SECS を使います"),
    ("VERIFIER_TRUSTED_PROXY_HOPS", "廃止: VERIFIER_TRUSTED_PROXIES を使います"),
    (
        "AWS_ENDPOINT_URL",
        "DynamoDB・Secrets Manager の接続先（ローカルの互換サーバー向け。AWS_REGION などの AWS 標準設定も使います）",
    ),
    ("RUST_LOG", "ログの詳しさ（既定 info）"),
];

/// Variables that would hold a secret in plain sight (a shell's history, a function's
/// configuration): refused wherever they are set.
pub const SECRET_VARIABLES: &[&str] = &["VERIFIER_PEPPERS", "VERIFIER_CALLER_KEY", "VERIFIER_ORIGIN_SECRET"];

/// Variables that meant something once: refused with their replacement, never ignored.
const RETIRED_VARIABLES: &[(&str, &str)] = &[
    ("VERIFIER_SLOW_DOWN_MS", "VERIFIER_NUMBER_RETRY_AFTER_SECS"),
    ("VERIFIER_TRUSTED_PROXY_HOPS", "VERIFIER_TRUSTED_PROXIES"),
];

/// [`ENVIRONMENT`] as the "環境変数:" part of `--help`.
pub fn environment_help() -> String {
    let width = ENVIRONMENT.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let mut text = String::from("環境変数:");
    for (name, meaning) in ENVIRONMENT {
        text.push_str(&format!("\n  {name:width$}  {meaning}"));
    }
    text
}

/// Everything configurable, read once at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub peppers: Peppers,
    pub policy: ThrottlePolicy,
    pub audit_retention_secs: u64,
    pub http: HttpConfig,
    /// `verifier serve` only.
    pub serve: ServeLimits,
}

/// Whether the development pepper may stand in for a deployment's secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PepperFallback {
    /// Local use: the embedded demo store is hashed with it.
    AllowDevelopment,
    /// Production (Lambda, every `--store dynamodb` command): refuse to start without a real
    /// pepper, and refuse the public development one.
    Require,
}

/// Refuses a secret in the environment and a variable that no longer means anything.
pub fn check_environment(get: impl Fn(&str) -> Option<String>) -> Result<(), Error> {
    if let Some(name) = SECRET_VARIABLES.iter().find(|name| get(name).is_some()) {
        return Err(Error::SecretInEnvironment(name));
    }
    if let Some((name, instead)) = RETIRED_VARIABLES.iter().find(|(name, _)| get(name).is_some()) {
        return Err(Error::RetiredVariable { name, instead });
    }
    Ok(())
}

/// The peppers of `secrets`, or the development pepper where that is allowed. Only commands
/// that hash keys (serve, issue, import, reissue) ask for them.
pub fn peppers(secrets: Option<&DeploymentSecrets>, fallback: PepperFallback) -> Result<Peppers, Error> {
    match (secrets, fallback) {
        (Some(secrets), PepperFallback::Require) => {
            let peppers = Peppers::parse(&secrets.peppers)?;
            if peppers.includes_development() {
                return Err(Error::DevelopmentPepper);
            }
            Ok(peppers)
        }
        (Some(secrets), PepperFallback::AllowDevelopment) => Peppers::parse(&secrets.peppers),
        (None, PepperFallback::AllowDevelopment) => Ok(Peppers::development()),
        (None, PepperFallback::Require) => Err(Error::MissingSecret),
    }
}

impl Settings {
    pub fn from_env(secrets: Option<&DeploymentSecrets>, fallback: PepperFallback) -> Result<Settings, Error> {
        Settings::from_lookup(|name| std::env::var(name).ok(), secrets, fallback)
    }

    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        secrets: Option<&DeploymentSecrets>,
        fallback: PepperFallback,
    ) -> Result<Settings, Error> {
        check_environment(&get)?;
        let peppers = peppers(secrets, fallback)?;
        let peppers = match (secrets.and_then(|s| s.caller_key.as_deref()), fallback) {
            (Some(key), _) => peppers.with_caller_key(key)?,
            (None, PepperFallback::AllowDevelopment) => peppers,
            (None, PepperFallback::Require) => return Err(Error::MissingCallerKey),
        };
        let number = |name: &'static str, default: u64| -> Result<u64, Error> {
            match get(name) {
                Some(text) => text.trim().parse().map_err(|_| Error::NotAnInteger { name, text }),
                None => Ok(default),
            }
        };
        let defaults = ThrottlePolicy::default();
        let limit = |failures: &'static str, window: &'static str, default: Limit| -> Result<Limit, Error> {
            let failures =
                u32::try_from(number(failures, u64::from(default.failures))?).map_err(|_| Error::TooLarge {
                    name: failures,
                    text: get(failures).unwrap_or_default(),
                })?;
            Ok(Limit {
                failures: failures.max(1),
                window_secs: number(window, default.window_secs)?.max(1),
            })
        };
        let policy = ThrottlePolicy {
            per_caller: limit(
                "VERIFIER_CALLER_FAILURES",
                "VERIFIER_CALLER_WINDOW_SECS",
                defaults.per_caller,
            )?,
            per_caller_anywhere: limit(
                "VERIFIER_CALLER_ANY_FAILURES",
                "VERIFIER_CALLER_ANY_WINDOW_SECS",
                defaults.per_caller_anywhere,
            )?,
            per_number_alert: limit(
                "VERIFIER_NUMBER_FAILURES",
                "VERIFIER_NUMBER_WINDOW_SECS",
                defaults.per_number_alert,
            )?,
            number_retry_after_secs: number("VERIFIER_NUMBER_RETRY_AFTER_SECS", defaults.number_retry_after_secs)?
                .max(1),
        };
        let list = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_string())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let trusted_proxies = list("VERIFIER_TRUSTED_PROXIES")
            .iter()
            .map(|text| parse_network(text))
            .collect::<Result<Vec<_>, _>>()?;
        let serve_defaults = ServeLimits::default();
        let millis = |name: &'static str, default: Duration| -> Result<Duration, Error> {
            Ok(Duration::from_millis(number(name, default.as_millis() as u64)?.max(1)))
        };
        let serve = ServeLimits {
            header_read_timeout: millis("VERIFIER_HEADER_TIMEOUT_MS", serve_defaults.header_read_timeout)?,
            request_timeout: millis("VERIFIER_REQUEST_TIMEOUT_MS", serve_defaults.request_timeout)?,
            connection_lifetime: Duration::from_secs(
                number("VERIFIER_CONNECTION_SECS", serve_defaults.connection_lifetime.as_secs())?.max(1),
            ),
            max_connections: number("VERIFIER_MAX_CONNECTIONS", serve_defaults.max_connections as u64)?.max(1) as usize,
            max_per_address: number(
                "VERIFIER_MAX_CONNECTIONS_PER_ADDRESS",
                serve_defaults.max_per_address as u64,
            )?
            .max(1) as usize,
            trusted_proxies: trusted_proxies.clone(),
        };
        let origin_secret = match secrets.and_then(|s| s.origin_secret.clone()).filter(|v| !v.is_empty()) {
            Some(secret) if secret.len() < 16 => return Err(Error::OriginSecretTooShort),
            other => other,
        };
        Ok(Settings {
            serve,
            peppers,
            policy,
            audit_retention_secs: number("VERIFIER_AUDIT_RETENTION_DAYS", 400)? * 86_400,
            http: HttpConfig {
                cors_origins: list("VERIFIER_CORS_ORIGINS"),
                trusted_proxies,
                timeout: Duration::from_millis(number("VERIFIER_TIMEOUT_MS", 5_000)?),
                origin_secret,
            },
        })
    }
}

/// `192.0.2.0/24`, `2001:db8::/32`, or one address (`127.0.0.1`: a /32).
fn parse_network(text: &str) -> Result<IpNet, Error> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| Error::InvalidProxy(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> DeploymentSecrets {
        DeploymentSecrets {
            peppers: "p1=production-pepper-0123456789abcdef0123".into(),
            caller_key: Some("caller-key-0123456789abcdef0123456789".into()),
            origin_secret: None,
        }
    }

    #[test]
    fn every_variable_read_is_documented() {
        let read = std::cell::RefCell::new(Vec::new());
        Settings::from_lookup(
            |name| {
                read.borrow_mut().push(name.to_string());
                None
            },
            None,
            PepperFallback::AllowDevelopment,
        )
        .unwrap();
        let documented: Vec<&str> = ENVIRONMENT.iter().map(|(name, _)| *name).collect();
        for name in read.borrow().iter() {
            assert!(
                documented.contains(&name.as_str()),
                "{name} is read but not in ENVIRONMENT"
            );
        }
        assert!(environment_help().contains("VERIFIER_TIMEOUT_MS"));
    }

    #[test]
    fn production_requires_a_secret() {
        assert!(matches!(
            Settings::from_lookup(|_| None, None, PepperFallback::Require),
            Err(Error::MissingSecret)
        ));
        let no_caller_key = DeploymentSecrets {
            caller_key: None,
            ..secrets()
        };
        assert!(matches!(
            Settings::from_lookup(|_| None, Some(&no_caller_key), PepperFallback::Require),
            Err(Error::MissingCallerKey)
        ));
        let local = Settings::from_lookup(|_| None, None, PepperFallback::AllowDevelopment).unwrap();
        assert!(local.peppers.is_development);
        assert_eq!(local.policy, ThrottlePolicy::default());
        let production = Settings::from_lookup(|_| None, Some(&secrets()), PepperFallback::Require).unwrap();
        assert!(!production.peppers.is_development);
    }

    /// A secret exported in a shell (its history keeps it) is refused, whatever else is given.
    #[test]
    fn secrets_in_the_environment_and_retired_variables_are_refused() {
        for name in SECRET_VARIABLES {
            let got = Settings::from_lookup(
                |n| (n == *name).then(|| "x".repeat(40)),
                Some(&secrets()),
                PepperFallback::AllowDevelopment,
            );
            assert!(matches!(got, Err(Error::SecretInEnvironment(found)) if found == *name));
        }
        let got = Settings::from_lookup(
            |n| (n == "VERIFIER_TRUSTED_PROXY_HOPS").then(|| "1".into()),
            None,
            PepperFallback::AllowDevelopment,
        );
        assert!(matches!(
            got,
            Err(Error::RetiredVariable {
                instead: "VERIFIER_TRUSTED_PROXIES",
                ..
            })
        ));
    }

    #[test]
    fn thresholds_and_proxies_are_configurable() {
        let settings = Settings::from_lookup(
            |name| match name {
                "VERIFIER_CALLER_FAILURES" => Some("3".into()),
                "VERIFIER_CORS_ORIGINS" => Some("https://a.example, https://b.example".into()),
                "VERIFIER_TRUSTED_PROXIES" => Some("127.0.0.1, 10.0.0.0/8, 2001:db8::/32".into()),
                _ => None,
            },
            None,
            PepperFallback::AllowDevelopment,
        )
        .unwrap();
        assert_eq!(settings.policy.per_caller.failures, 3);
        assert_eq!(settings.http.cors_origins.len(), 2);
        assert_eq!(settings.http.trusted_proxies.len(), 3);
        assert!(settings.http.trusted_proxies[0].contains(&"127.0.0.1".parse::<std::net::IpAddr>().unwrap()));
        assert!(matches!(
            Settings::from_lookup(
                |n| (n == "VERIFIER_CALLER_FAILURES").then(|| "x".into()),
                None,
                PepperFallback::AllowDevelopment
            ),
            Err(Error::NotAnInteger {
                name: "VERIFIER_CALLER_FAILURES",
                ..
            })
        ));
        assert!(matches!(
            Settings::from_lookup(
                |n| (n == "VERIFIER_TRUSTED_PROXIES").then(|| "10.0.0.0/33".into()),
                None,
                PepperFallback::AllowDevelopment
            ),
            Err(Error::InvalidProxy(_))
        ));
    }
}
