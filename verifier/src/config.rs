//! Settings from the environment, shared by both binaries.

use std::time::Duration;

use crate::http::HttpConfig;
use crate::keys::Peppers;
use crate::service::{Limit, ThrottlePolicy};

/// Everything configurable, read once at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub peppers: Peppers,
    pub policy: ThrottlePolicy,
    pub audit_retention_secs: u64,
    pub http: HttpConfig,
}

/// Whether the development pepper may stand in for `VERIFIER_PEPPERS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PepperFallback {
    /// Local use: the embedded demo store is hashed with it.
    AllowDevelopment,
    /// Production (Lambda): refuse to start without a real pepper.
    Require,
}

impl Settings {
    pub fn from_env(fallback: PepperFallback) -> Result<Settings, String> {
        Settings::from_lookup(|name| std::env::var(name).ok(), fallback)
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>, fallback: PepperFallback) -> Result<Settings, String> {
        let peppers = match (get("VERIFIER_PEPPERS"), fallback) {
            (Some(spec), _) => Peppers::parse(&spec)?,
            (None, PepperFallback::AllowDevelopment) => Peppers::development(),
            (None, PepperFallback::Require) => {
                return Err("VERIFIER_PEPPERS がありません（id=secret、32バイト以上）。本番では必須です".into())
            }
        };
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match get(name) {
                Some(text) => text
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name}「{text}」は正の整数ではありません")),
                None => Ok(default),
            }
        };
        let defaults = ThrottlePolicy::default();
        let limit = |failures: &str, window: &str, default: Limit| -> Result<Limit, String> {
            let failures = u32::try_from(number(failures, u64::from(default.failures))?).map_err(|e| e.to_string())?;
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
            per_number: limit(
                "VERIFIER_NUMBER_FAILURES",
                "VERIFIER_NUMBER_WINDOW_SECS",
                defaults.per_number,
            )?,
        };
        let cors_origins = get("VERIFIER_CORS_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Settings {
            peppers,
            policy,
            audit_retention_secs: number("VERIFIER_AUDIT_RETENTION_DAYS", 400)? * 86_400,
            http: HttpConfig {
                cors_origins,
                trusted_proxy_hops: number("VERIFIER_TRUSTED_PROXY_HOPS", 0)? as usize,
                timeout: Duration::from_millis(number("VERIFIER_TIMEOUT_MS", 5_000)?),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_requires_a_pepper() {
        assert!(Settings::from_lookup(|_| None, PepperFallback::Require).is_err());
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
        assert!(Settings::from_lookup(
            |n| (n == "VERIFIER_CALLER_FAILURES").then(|| "x".into()),
            PepperFallback::AllowDevelopment
        )
        .is_err());
    }
}
