//! The core: verify(number, key) for a caller, over any `CertificateStore`. Every look-up is
//! throttled before it touches a certificate, and audited after, whatever its outcome.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::certificate::Certificate;
use crate::keys::{AuthKey, Peppers};
use crate::normalize::CertificateNumber;
use crate::store::{AuditOutcome, AuditRecord, CertificateStore, Reservation, StoreError, ThrottleScope};

/// A number of failures allowed in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub failures: u32,
    pub window_secs: u64,
}

/// Two counters per number: one per caller, so one attacker cannot cheaply lock a real
/// orderer out, and one for everyone, the ASVS ceiling on guesses against one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub per_caller: Limit,
    pub per_number: Limit,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            per_caller: Limit {
                failures: 5,
                window_secs: 15 * 60,
            },
            per_number: Limit {
                failures: 100,
                window_secs: 60 * 60,
            },
        }
    }
}

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

    /// Verifies `key` for `number` on behalf of `caller` (an address; only its keyed hash is
    /// kept). Any store failure is an error, never a verification.
    pub async fn verify(&self, number: &CertificateNumber, key: &AuthKey, caller: &str) -> Result<Outcome, StoreError> {
        let now = self.clock.now();
        let caller_id = self.peppers.caller_id(caller);
        let outcome = self.decide(number, key, &caller_id, now).await?;
        let audit_outcome = match &outcome {
            Outcome::Verified(_) => AuditOutcome::Verified,
            Outcome::Refused => AuditOutcome::Refused,
            Outcome::Locked { .. } => AuditOutcome::Locked,
        };
        let record = AuditRecord {
            at: now,
            outcome: audit_outcome,
            caller: caller_id,
            expires_at: now + self.audit_retention_secs,
        };
        // Fail closed: a look-up that cannot be audited is not answered.
        self.store.append_audit(number, &record).await?;
        Ok(outcome)
    }

    async fn decide(
        &self,
        number: &CertificateNumber,
        key: &AuthKey,
        caller_id: &str,
        now: u64,
    ) -> Result<Outcome, StoreError> {
        let mine = ThrottleScope::Caller(caller_id.to_string());
        let everyone = ThrottleScope::Everyone;
        let p = self.policy;
        if let Reservation::Locked { until } = self
            .store
            .reserve_attempt(number, &mine, p.per_caller.failures, p.per_caller.window_secs, now)
            .await?
        {
            return Ok(Outcome::Locked {
                retry_after: until.saturating_sub(now).max(1),
            });
        }
        if let Reservation::Locked { until } = self
            .store
            .reserve_attempt(number, &everyone, p.per_number.failures, p.per_number.window_secs, now)
            .await?
        {
            self.store.release_attempt(number, &mine, now).await?;
            return Ok(Outcome::Locked {
                retry_after: until.saturating_sub(now).max(1),
            });
        }
        // The same hashing and comparison happen whether or not the number exists.
        let stored = self.store.get(number).await?;
        if self.peppers.verify(stored.as_ref().map(|s| &s.key_hash), key) {
            self.store.release_attempt(number, &mine, now).await?;
            self.store.release_attempt(number, &everyone, now).await?;
            if let Some(stored) = stored {
                return Ok(Outcome::Verified(stored.certificate));
            }
        }
        Ok(Outcome::Refused)
    }
}
