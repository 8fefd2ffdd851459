//! The core: verify(number, key) for a caller, over any `CertificateStore`. A correct key is
//! always answered — from a new caller, a locked one, while any table is full — because with
//! 120-bit keys a correct answer gives an attacker nothing; limits apply to refusals only.
//! Every look-up is audited, whatever its outcome.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::certificate::Certificate;
use crate::config::Settings;
use crate::keys::{AuthKey, Peppers};
use crate::normalize::CertificateNumber;
use crate::store::{
    audit_reference, AuditOutcome, AuditRecord, CertificateStore, Reservation, StoreError, ThrottleScope,
};

/// A number of failures allowed in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub failures: u32,
    pub window_secs: u64,
}

/// How refusals are limited without ever stopping a correct key: locks belong to callers,
/// never to a number, and they hold back only refusals. One caller may fail a few times on one
/// number and somewhat more across all numbers (enumeration); failures on one number from
/// everyone are counted in fixed windows to raise an alert and, past it, to answer refusals at
/// once with 429 and `Retry-After` — never by holding the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// One caller on one number.
    pub per_caller: Limit,
    /// One caller on any number.
    pub per_caller_anywhere: Limit,
    /// Everyone on one number: past this, refusals are 429 (`Throttled`) and an alert is logged
    /// (`alert="guessing"`), which the infra template turns into a metric and an alarm.
    pub per_number_alert: Limit,
    /// The `Retry-After` of those refusals.
    pub number_retry_after_secs: u64,
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
            number_retry_after_secs: 60,
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

/// A verified look-up: the certificate, and what identifies the look-up's audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub certificate: Arc<Certificate>,
    /// The audit record's reference ([`AuditRecord::reference`]).
    pub reference: String,
    /// When it was looked up (Unix time, the audit record's `at`).
    pub at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The key matches: the certificate, whatever its status, and the look-up's reference.
    Verified(Verified),
    /// Unknown number or wrong key: indistinguishable by design.
    Refused,
    /// Too many failures from this caller; try again after this many seconds.
    Locked { retry_after: u64 },
    /// Refused, and the number is under attack: answered at once, try again after this long.
    Throttled { retry_after: u64 },
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
        // Every look-up gets a reference and writes it, so a refusal's audit write has the
        // same shape as a match's; only a verified answer hands it out.
        let reference = audit_reference()?;
        let (outcome, lasting) = self.decide(number, key, &caller_id, &reference, now).await?;
        let audit_outcome = match &outcome {
            Outcome::Verified(_) => AuditOutcome::Verified,
            Outcome::Refused => AuditOutcome::Refused,
            Outcome::Locked { .. } => AuditOutcome::Locked,
            Outcome::Throttled { .. } => AuditOutcome::Throttled,
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
            reference,
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
        reference: &str,
        now: u64,
    ) -> Result<(Outcome, bool), StoreError> {
        // Only the key hash is read before the key is known to match, and the same hashing and
        // comparison happen whether or not the number exists.
        let stored_hash = self.store.key_hash(number).await?;
        let known = stored_hash.is_some();
        if self.peppers.verify(stored_hash.as_ref(), key) {
            if let Some(stored) = self.store.get(number).await? {
                // A key stored under an older pepper moves to the current one, so the old
                // pepper can be retired. Best effort: the key verified either way.
                if self.peppers.is_stale(&stored.key_hash) {
                    let rehashed = self.peppers.hash_key(key);
                    if let Err(error) = self.store.swap_key_hash(number, &stored.key_hash, &rehashed).await {
                        tracing::warn!(%error, "re-hashing a key under the current pepper failed");
                    }
                }
                let verified = Verified {
                    certificate: stored.certificate,
                    reference: reference.to_string(),
                    at: now,
                };
                return Ok((Outcome::Verified(verified), true));
            }
            // Removed between the two reads: a refusal like any other.
        }
        self.refuse(number, caller_id, known, now).await
    }

    /// A refusal, counted: the caller's own limits first (a caller locked for sweeping numbers
    /// creates no new counter on each number it names), then everyone's on the number.
    async fn refuse(
        &self,
        number: &CertificateNumber,
        caller_id: &str,
        known: bool,
        now: u64,
    ) -> Result<(Outcome, bool), StoreError> {
        let p = self.policy;
        let here = ThrottleScope::Caller(caller_id.to_string());
        let anywhere = ThrottleScope::CallerAnywhere(caller_id.to_string());
        let locked = |until: u64| {
            Ok((
                Outcome::Locked {
                    retry_after: until.saturating_sub(now).max(1),
                },
                false,
            ))
        };
        if let Reservation::Locked { until } = self.reserve(number, &anywhere, p.per_caller_anywhere, now).await? {
            return locked(until);
        }
        if let Reservation::Locked { until } = self.reserve(number, &here, p.per_caller, now).await? {
            self.store.release_attempt(number, &anywhere, now).await?;
            return locked(until);
        }
        let failures = self
            .store
            .count_failure(number, p.per_number_alert.window_secs, now)
            .await?;
        let alert = p.per_number_alert.failures;
        if failures <= alert {
            return Ok((Outcome::Refused, known));
        }
        // One line when the threshold is crossed and one per further `alert` failures: the
        // alarm sees the attack, the log is not flooded by it.
        if (failures - alert - 1).is_multiple_of(alert.max(1)) {
            tracing::warn!(
                alert = "guessing",
                number = %number,
                failures,
                "more than {alert} failures on one certificate number within a {} s window; refusals are answered 429 at once",
                p.per_number_alert.window_secs
            );
        }
        Ok((
            Outcome::Throttled {
                retry_after: p.number_retry_after_secs.max(1),
            },
            false,
        ))
    }
}
