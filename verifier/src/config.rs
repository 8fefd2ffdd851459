//! Settings from the environment, shared by both binaries.

use std::time::Duration;

use crate::error::Error;
use crate::http::HttpConfig;
use crate::keys::Peppers;
use crate::server::ServeLimits;
use crate::service::{Limit, ThrottlePolicy};

/// Every environment variable the binaries read, with what it means: the `--help` text, and a
/// test keeps it in step with [`Settings::from_lookup`].
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "VERIFIER_PEPPERS",
        "id=secret,id=secret（先頭が現行、残りはローテーション中の旧 pepper）。ローカルで未設定なら開発用",
    ),
    (
        "VERIFIER_CALLER_KEY",
        "照会元の仮名（閲覧履歴・回数制限）を作る鍵（32バイト以上）。pepper を替えても変えない。本番では必須",
    ),
    ("VERIFIER_TABLE", "DynamoDB のテーブル名（既定 denshi-hosho）"),
    (
        "VERIFIER_SECRET_ARN",
        "Lambda のみ: peppers と origin_secret を入れた Secrets Manager のシークレット（JSON）。Lambda ではこれ以外から秘密を読みません",
    ),
    ("VERIFIER_CALLER_FAILURES", "照会元・番号ごとの失敗の上限（既定 5）"),
    ("VERIFIER_CALLER_WINDOW_SECS", "その期間（秒、既定 900）"),
    ("VERIFIER_CALLER_ANY_FAILURES", "照会元ごと・全番号合計の失敗の上限（既定 30）"),
    ("VERIFIER_CALLER_ANY_WINDOW_SECS", "その期間（秒、既定 3600）"),
    (
        "VERIFIER_NUMBER_FAILURES",
        "番号ごと・全員合計の失敗がこれを超えると、誤りへの応答を遅らせ警告を記録（停止はしない。既定 100）",
    ),
    ("VERIFIER_NUMBER_WINDOW_SECS", "その期間（秒、既定 3600）"),
    ("VERIFIER_SLOW_DOWN_MS", "その後の誤りへの応答の遅延（ミリ秒、既定 2000）"),
    ("VERIFIER_AUDIT_RETENTION_DAYS", "閲覧履歴の保存日数（既定 400）"),
    (
        "VERIFIER_TRUSTED_PROXY_HOPS",
        "X-Forwarded-For に追記する信頼済みプロキシの数（既定 0、CloudFront の後ろでは 1）",
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
    ("VERIFIER_CONNECTION_SECS", "serve: 1接続の最長時間（秒、既定 120）"),
    ("VERIFIER_MAX_CONNECTIONS", "serve: 同時接続の上限。超えた接続はすぐ閉じる（既定 512）"),
    (
        "VERIFIER_ORIGIN_SECRET",
        "CloudFront が X-Origin-Verify に付ける値（16文字以上）。設定すると、これのない要求は 403、照会元は CloudFront-Viewer-Address",
    ),
    (
        "AWS_ENDPOINT_URL",
        "DynamoDB の接続先（ローカルの互換サーバー向け。AWS_REGION などの AWS 標準設定も使います）",
    ),
    ("RUST_LOG", "ログの詳しさ（既定 info）"),
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

/// Whether the development pepper may stand in for `VERIFIER_PEPPERS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PepperFallback {
    /// Local use: the embedded demo store is hashed with it.
    AllowDevelopment,
    /// Production (Lambda, every `--store dynamodb` command): refuse to start without a real
    /// pepper, and refuse the public development one.
    Require,
}

impl Settings {
    pub fn from_env(fallback: PepperFallback) -> Result<Settings, Error> {
        Settings::from_lookup(|name| std::env::var(name).ok(), fallback)
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>, fallback: PepperFallback) -> Result<Settings, Error> {
        let peppers = match (get("VERIFIER_PEPPERS"), fallback) {
            (Some(spec), PepperFallback::Require) => {
                let peppers = Peppers::parse(&spec)?;
                if peppers.includes_development() {
                    return Err(Error::DevelopmentPepper);
                }
                peppers
            }
            (Some(spec), _) => Peppers::parse(&spec)?,
            (None, PepperFallback::AllowDevelopment) => Peppers::development(),
            (None, PepperFallback::Require) => return Err(Error::MissingPeppers),
        };
        let peppers = match (get("VERIFIER_CALLER_KEY"), fallback) {
            (Some(key), _) => peppers.with_caller_key(&key)?,
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
            slow_down: Duration::from_millis(number("VERIFIER_SLOW_DOWN_MS", defaults.slow_down.as_millis() as u64)?),
        };
        let cors_origins = get("VERIFIER_CORS_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let serve_defaults = ServeLimits::default();
        let serve = ServeLimits {
            header_read_timeout: Duration::from_millis(
                number(
                    "VERIFIER_HEADER_TIMEOUT_MS",
                    serve_defaults.header_read_timeout.as_millis() as u64,
                )?
                .max(1),
            ),
            connection_lifetime: Duration::from_secs(
                number("VERIFIER_CONNECTION_SECS", serve_defaults.connection_lifetime.as_secs())?.max(1),
            ),
            max_connections: number("VERIFIER_MAX_CONNECTIONS", serve_defaults.max_connections as u64)?.max(1) as usize,
        };
        Ok(Settings {
            serve,
            peppers,
            policy,
            audit_retention_secs: number("VERIFIER_AUDIT_RETENTION_DAYS", 400)? * 86_400,
            http: HttpConfig {
                cors_origins,
                trusted_proxy_hops: number("VERIFIER_TRUSTED_PROXY_HOPS", 0)? as usize,
                timeout: Duration::from_millis(number("VERIFIER_TIMEOUT_MS", 5_000)?),
                origin_secret: match get("VERIFIER_ORIGIN_SECRET").filter(|v| !v.is_empty()) {
                    Some(secret) if secret.len() < 16 => return Err(Error::OriginSecretTooShort),
                    other => other,
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_read_is_documented() {
        let read = std::cell::RefCell::new(Vec::new());
        Settings::from_lookup(
            |name| {
                read.borrow_mut().push(name.to_string());
                None
            },
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
    fn production_requires_a_pepper() {
        assert!(matches!(
            Settings::from_lookup(|_| None, PepperFallback::Require),
            Err(Error::MissingPeppers)
        ));
        let local = Settings::from_lookup(|_| None, PepperFallback::AllowDevelopment).unwrap();
        assert!(local.peppers.is_development);
        assert_eq!(local.policy, ThrottlePolicy::default());
    }

    #[test]
    fn thresholds_are_configurable() {
        let settings = Settings::from_lookup(
            |name| match name {
                "VERIFIER_CALLER_FAILURES" => Some("3".into()),
                "VERIFIER_CORS_ORIGINS" => Some("https://a.example, https://b.example".into()),
                _ => None,
            },
            PepperFallback::AllowDevelopment,
        )
        .unwrap();
        assert_eq!(settings.policy.per_caller.failures, 3);
        assert_eq!(settings.http.cors_origins.len(), 2);
        assert!(matches!(
            Settings::from_lookup(
                |n| (n == "VERIFIER_CALLER_FAILURES").then(|| "x".into()),
                PepperFallback::AllowDevelopment
            ),
            Err(Error::NotAnInteger {
                name: "VERIFIER_CALLER_FAILURES",
                ..
            })
        ));
    }
}
