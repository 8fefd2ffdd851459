//! Where certificates, throttle counters and audit records live. The same behaviour is
//! required of every store; `tests/store_suite.rs` runs one suite against each.

mod dynamo;
mod memory;

use std::future::Future;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::certificate::Certificate;
use crate::keys::KeyHash;
use crate::normalize::CertificateNumber;

pub use dynamo::{activity_table_name, DynamoStore, TABLE_ATTRIBUTES};
pub use memory::{MemoryLimits, MemoryStore};

/// A certificate as stored: its contents, the keyed hash of its key, and a version for
/// optimistic updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    /// Shared, so a look-up costs the same whether or not the key turns out to match.
    pub certificate: Arc<Certificate>,
    pub key_hash: KeyHash,
    pub version: u64,
}

/// Whose failures a locking counter counts: always one caller's. (Everyone's failures on one
/// number are counted by [`CertificateStore::count_failure`], which never locks.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThrottleScope {
    /// One caller (a pseudonymous id) on one number.
    Caller(String),
    /// One caller on any number: enumeration across numbers. Its counter is the caller's own,
    /// whatever number the call names.
    CallerAnywhere(String),
}

impl ThrottleScope {
    /// The caller the counter belongs to.
    pub fn caller(&self) -> &str {
        match self {
            ThrottleScope::Caller(id) | ThrottleScope::CallerAnywhere(id) => id,
        }
    }

    /// Whether the counter belongs to the caller rather than to the number.
    pub fn caller_wide(&self) -> Option<&str> {
        match self {
            ThrottleScope::CallerAnywhere(id) => Some(id),
            ThrottleScope::Caller(_) => None,
        }
    }
}

/// The fixed window of `window_secs` that `now` falls in, and when it ends: everyone's
/// failures on a number are counted per window, so that counting is one unconditional write
/// whatever happened on the number before.
pub fn fixed_window(now: u64, window_secs: u64) -> (u64, u64) {
    let window_secs = window_secs.max(1);
    let index = now / window_secs;
    (index, (index + 1) * window_secs)
}

/// The outcome of asking for one more attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    Granted,
    /// No more attempts until this Unix time.
    Locked {
        until: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    Verified,
    Refused,
    Locked,
    /// Refused at once with a 429 because the number is under attack (past the alert
    /// threshold of everyone's failures).
    Throttled,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Verified => "verified",
            AuditOutcome::Refused => "refused",
            AuditOutcome::Locked => "locked",
            AuditOutcome::Throttled => "throttled",
        }
    }

    pub fn parse(text: &str) -> Option<AuditOutcome> {
        [
            AuditOutcome::Verified,
            AuditOutcome::Refused,
            AuditOutcome::Locked,
            AuditOutcome::Throttled,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
    }
}

/// One look-up: when, how it ended, by whom (pseudonymous), its reference, kept until
/// `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: u64,
    pub outcome: AuditOutcome,
    pub caller: String,
    /// The look-up's [`audit_reference`]: a verified answer gives it to the orderer (the
    /// printed record carries it), so the operator can find this record from the paper.
    /// Empty in records written before references existed.
    pub reference: String,
    pub expires_at: u64,
}

/// A new audit reference from the OS random source: 80 bits in four groups of four of the
/// keys' alphabet (`A7K3-9QXM-…`) — unguessable, so a forged record cannot name a look-up that
/// happened, and shorter than a key (six groups), so neither is taken for the other.
pub fn audit_reference() -> Result<String, StoreError> {
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Unavailable(format!("random source: {e}")))?;
    let text = crate::keys::crockford(&bytes);
    let chars: Vec<char> = text.chars().collect();
    let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
    Ok(groups.join("-"))
}

/// Anything that stops a store from answering. The service turns every one into a 503; these
/// words are for the log (the admin CLI puts its Japanese in front: `Error::Store`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Stored data that does not parse: never treated as a match.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Another writer kept winning a conditional update.
    #[error("too much contention on a conditional update")]
    Contention,
    #[error("a certificate with this number already exists")]
    AlreadyExists,
    #[error("no certificate with this number")]
    NotFound,
}

/// The operations the verifier and the admin commands need. Every throttle operation is
/// atomic: concurrent callers never slip past a limit.
pub trait CertificateStore: Send + Sync + 'static {
    /// The key hash of `number`, and nothing else: what a look-up reads before it knows whether
    /// the key matches (the certificate is read only after a match, so a wrong key and an
    /// unknown number cost the same).
    fn key_hash(&self, number: &CertificateNumber) -> impl Future<Output = Result<Option<KeyHash>, StoreError>> + Send;

    fn get(
        &self,
        number: &CertificateNumber,
    ) -> impl Future<Output = Result<Option<StoredCertificate>, StoreError>> + Send;

    /// Adds a certificate; `AlreadyExists` if the number is taken.
    fn insert(
        &self,
        number: &CertificateNumber,
        certificate: &Certificate,
        key_hash: &KeyHash,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Replaces a certificate's contents if it is still at `expected_version`.
    fn update(
        &self,
        number: &CertificateNumber,
        certificate: &Certificate,
        expected_version: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Replaces the key hash if it is still `expected`: a key re-issued (the old one dead at
    /// once) or re-hashed under the current pepper. `Contention` if it changed meanwhile,
    /// `NotFound` if there is no such certificate.
    fn swap_key_hash(
        &self,
        number: &CertificateNumber,
        expected: &KeyHash,
        new: &KeyHash,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Takes one attempt from the window of `scope` on `number`. A window starts at the first
    /// attempt and lasts `window_secs`; at `limit` attempts the scope is locked until it ends.
    /// An expired window counts as absent, whether or not the store has deleted it yet.
    fn reserve_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        limit: u32,
        window_secs: u64,
        now: u64,
    ) -> impl Future<Output = Result<Reservation, StoreError>> + Send;

    /// Gives back an attempt that was not used (the caller was locked on the number after all).
    fn release_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        now: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The attempts counted in the current window (0 when none or expired).
    fn attempts(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        now: u64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;

    /// Counts one more failure on `number` by anyone in the current [`fixed_window`] and
    /// returns the count so far. It never locks and never refuses: a store short of room may
    /// forget a count (an alert missed), never a caller's lock.
    fn count_failure(
        &self,
        number: &CertificateNumber,
        window_secs: u64,
        now: u64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;

    /// Everyone's failures on `number` in the current fixed window.
    fn failures(
        &self,
        number: &CertificateNumber,
        window_secs: u64,
        now: u64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;

    fn append_audit(
        &self,
        number: &CertificateNumber,
        record: &AuditRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Unexpired audit records of `number`, oldest first.
    fn audit_history(
        &self,
        number: &CertificateNumber,
        now: u64,
    ) -> impl Future<Output = Result<Vec<AuditRecord>, StoreError>> + Send;

    /// One cheap call that proves the store answers (and warms its connection).
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// What is full, if anything: past a cap the refusal path of new callers fails closed
    /// (503) while correct keys are still answered; the health check says so.
    fn full(&self) -> Option<&'static str> {
        None
    }
}
