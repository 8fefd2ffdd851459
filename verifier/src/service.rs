//! The core: verify(number, key) for a caller, over any `CertificateStore`. Every look-up is
//! throttled before it touches a certificate, and audited after, whatever its outcome.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::certificate::Certificate;
use crate::config::Settings;
use crate::keys::{AuthKey, Peppers};
use crate::normalize::CertificateNumber;
use crate::store::{AuditOutcome, AuditRecord, CertificateStore, Reservation, StoreError, ThrottleScope};

/// A number of failures allowed in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub failures: u32,
    pub window_secs: u64,
}

/// How guessing is slowed without ever locking a correct key out: locks belong to callers, never
/// to a number. One caller may fail a few times on one number and somewhat more across all
/// numbers (enumeration); failures on one number from everyone are counted only to slow further
/// refusals down and to raise an alert — an attacker spread over many addresses can no longer
/// lock the certificate for the orderer who holds its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// One caller on one number.
    pub per_caller: Limit,
    /// One caller on any number.
    pub per_caller_anywhere: Limit,
    /// Everyone on one number: past this, refusals are delayed by `slow_down` and logged as an
    /// alert (`alert="guessing"`), which the infra template turns into a metric and an alarm.
    pub per_number_alert: Limit,
    pub slow_down: std::time::Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            per_caller: Limit {
                failures: 5,
                window_secs: 15 * 60,
            },
            per_caller_anywhere: Limit {
                failures: 30,
                window_secs: 60 * 60,
            },
            per_number_alert: Limit {
                failures: 100,
                window_secs: 60 * 60,
            },
            slow_down: std::time::Duration::from_secs(2),
        }
    }
}

/// Audit records of look-ups that name no certificate, that were refused unread because the
/// caller was locked, or that were refused while the number was under attack, are kept this
/// long: enough to investigate, too short to flood a certificate's 閲覧履歴 for months.
pub const BRIEF_AUDIT_SECS: u64 = 86_400;

/// Where "now" comes from: the system clock, or a fixed one in tests.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> u64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The key matches: the certificate, whatever its status.
    Verified(Arc<Certificate>),
    /// Unknown number or wrong key: indistinguishable by design.
    Refused,
    /// Too many failures; try again after this many seconds.
    Locked { retry_after: u64 },
}

pub struct Verifier<S> {
    pub store: S,
    pub peppers: Peppers,
    pub policy: ThrottlePolicy,
    pub audit_retention_secs: u64,
    pub clock: Arc<dyn Clock>,
}

impl<S: CertificateStore> Verifier<S> {
    pub fn new(store: S, peppers: Peppers) -> Verifier<S> {
        Verifier {
            store,
            peppers,
            policy: ThrottlePolicy::default(),
            audit_retention_secs: 400 * 86_400,
            clock: Arc::new(SystemClock),
        }
    }

    /// The verifier both binaries run: `settings`' peppers, policy and retention.
    pub fn from_settings(store: S, settings: &Settings) -> Verifier<S> {
        Verifier {
            policy: settings.policy,
            audit_retention_secs: settings.audit_retention_secs,
            ..Verifier::new(store, settings.peppers.clone())
        }
    }

    /// Verifies `key` for `number` on behalf of `caller` (an address; only its keyed hash is
    /// kept). Any store failure is an error, never a verification.
    pub async fn verify(&self, number: &CertificateNumber, key: &AuthKey, caller: &str) -> Result<Outcome, StoreError> {
        let now = self.clock.now();
        let caller_id = self.peppers.caller_id(caller);
        let (outcome, lasting) = self.decide(number, key, &caller_id, now).await?;
        let audit_outcome = match &outcome {
            Outcome::Verified(_) => AuditOutcome::Verified,
            Outcome::Refused => AuditOutcome::Refused,
            Outcome::Locked { .. } => AuditOutcome::Locked,
        };
        let retention = if lasting {
            self.audit_retention_secs
        } else {
            BRIEF_AUDIT_SECS.min(self.audit_retention_secs)
        };
        let record = AuditRecord {
            at: now,
            outcome: audit_outcome,
            caller: caller_id,
            expires_at: now + retention,
        };
        // Fail closed: a look-up that cannot be audited is not answered.
        self.store.append_audit(number, &record).await?;
        Ok(outcome)
    }

    async fn reserve(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        limit: Limit,
        now: u64,
    ) -> Result<Reservation, StoreError> {
        self.store
            .reserve_attempt(number, scope, limit.failures, limit.window_secs, now)
            .await
    }

    /// The outcome, and whether its audit record is kept for the full retention: look-ups of a
    /// certificate are, except refusals while its number is under attack (past the alert
    /// threshold) — so a flood cannot fill a certificate's 閲覧履歴 for months — and refusals of
    /// locked callers or of numbers that name no certificate.
    async fn decide(
        &self,
        number: &CertificateNumber,
        key: &AuthKey,
        caller_id: &str,
        now: u64,
    ) -> Result<(Outcome, bool), StoreError> {
        let p = self.policy;
        let here = ThrottleScope::Caller(caller_id.to_string());
        let anywhere = ThrottleScope::CallerAnywhere(caller_id.to_string());
        let everyone = ThrottleScope::Everyone;
        let locked = |until: u64| {
            Ok((
                Outcome::Locked {
                    retry_after: until.saturating_sub(now).max(1),
                },
                false,
            ))
        };
        // The caller-wide counter first: a caller locked for sweeping numbers creates no new
        // counter on each number it names.
        if let Reservation::Locked { until } = self.reserve(number, &anywhere, p.per_caller_anywhere, now).await? {
            return locked(until);
        }
        if let Reservation::Locked { until } = self.reserve(number, &here, p.per_caller, now).await? {
            self.store.release_attempt(number, &anywhere, now).await?;
            return locked(until);
        }
        // Counted, never locking: a full window only marks the number as under attack.
        let under_attack = self.reserve(number, &everyone, p.per_number_alert, now).await? != Reservation::Granted;
        // The same hashing and comparison happen whether or not the number exists.
        let stored = self.store.get(number).await?;
        let known = stored.is_some();
        if self.peppers.verify(stored.as_ref().map(|s| &s.key_hash), key) {
            self.store.release_attempt(number, &here, now).await?;
            self.store.release_attempt(number, &anywhere, now).await?;
            if !under_attack {
                self.store.release_attempt(number, &everyone, now).await?;
            }
            if let Some(stored) = stored {
                // A key stored under an older pepper moves to the current one, so the old
                // pepper can be retired. Best effort: the key verified either way.
                if self.peppers.is_stale(&stored.key_hash) {
                    let rehashed = self.peppers.hash_key(key);
                    if let Err(error) = self.store.swap_key_hash(number, &stored.key_hash, &rehashed).await {
                        tracing::warn!(%error, "re-hashing a key under the current pepper failed");
                    }
                }
                return Ok((Outcome::Verified(stored.certificate), true));
            }
        }
        if under_attack {
            tracing::warn!(
                alert = "guessing",
                number = %number,
                "more than {} failures on one certificate number within {} s; refusals are slowed down",
                p.per_number_alert.failures,
                p.per_number_alert.window_secs
            );
            tokio::time::sleep(p.slow_down).await;
        }
        Ok((Outcome::Refused, known && !under_attack))
    }
}
