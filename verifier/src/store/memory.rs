//! The embedded store: everything in process memory, certificates loaded from a YAML file.
//! It is the default for local use and the demo, not a test double: it obeys the same suite.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{AuditRecord, CertificateStore, Reservation, StoreError, StoredCertificate, ThrottleScope};
use crate::certificate::Certificate;
use crate::keys::KeyHash;
use crate::normalize::CertificateNumber;

/// Guessing across many numbers must not grow memory without bound: past this many windows,
/// expired ones are dropped.
const PRUNE_AT: usize = 100_000;

/// The embedded store lives in one process's memory; the durable audit trail is DynamoDB's.
const AUDIT_CAP: usize = 10_000;

#[derive(Default)]
struct State {
    certificates: HashMap<CertificateNumber, StoredCertificate>,
    /// By number (none for a caller-wide counter) and scope.
    throttles: HashMap<(Option<CertificateNumber>, ThrottleScope), Window>,
    audit: HashMap<CertificateNumber, VecDeque<AuditRecord>>,
}

#[derive(Clone, Copy)]
struct Window {
    attempts: u32,
    ends_at: u64,
}

#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

/// One entry of a certificates file: the contents and the keyed hash, never the key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateFileEntry {
    pub key_hash: String,
    pub certificate: Certificate,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Loads a certificates file (`verifier/demo/certificates.yaml` by default).
    pub fn load(path: &Path) -> Result<MemoryStore, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let entries: Vec<CertificateFileEntry> =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let store = MemoryStore::new();
        {
            let mut state = store.lock().map_err(|e| e.to_string())?;
            for (index, entry) in entries.into_iter().enumerate() {
                let where_ = format!("{}: entry {}", path.display(), index + 1);
                let number = CertificateNumber::parse(&entry.certificate.certificate_number)
                    .map_err(|e| format!("{where_}: {}", e.message))?;
                let key_hash = KeyHash::decode(&entry.key_hash).ok_or(format!("{where_}: key_hash is not id:hex"))?;
                if state.certificates.contains_key(&number) {
                    return Err(format!("{where_}: duplicate certificate number {number}"));
                }
                state.certificates.insert(
                    number,
                    StoredCertificate {
                        certificate: Arc::new(entry.certificate),
                        key_hash,
                        version: 1,
                    },
                );
            }
        }
        Ok(store)
    }

    /// Every certificate, for writing a certificates file back.
    pub fn entries(&self) -> Result<Vec<CertificateFileEntry>, StoreError> {
        let state = self.lock()?;
        let mut entries: Vec<_> = state
            .certificates
            .iter()
            .map(|(number, stored)| {
                (
                    number.clone(),
                    CertificateFileEntry {
                        key_hash: stored.key_hash.encode(),
                        certificate: (*stored.certificate).clone(),
                    },
                )
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries.into_iter().map(|(_, e)| e).collect())
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>, StoreError> {
        self.state
            .lock()
            .map_err(|_| StoreError::Unavailable("memory store lock poisoned".into()))
    }
}

fn throttle_key(number: &CertificateNumber, scope: &ThrottleScope) -> (Option<CertificateNumber>, ThrottleScope) {
    match scope.caller_wide() {
        Some(_) => (None, scope.clone()),
        None => (Some(number.clone()), scope.clone()),
    }
}

impl CertificateStore for MemoryStore {
    async fn get(&self, number: &CertificateNumber) -> Result<Option<StoredCertificate>, StoreError> {
        Ok(self.lock()?.certificates.get(number).cloned())
    }

    async fn insert(
        &self,
        number: &CertificateNumber,
        certificate: &Certificate,
        key_hash: &KeyHash,
    ) -> Result<(), StoreError> {
        let mut state = self.lock()?;
        if state.certificates.contains_key(number) {
            return Err(StoreError::AlreadyExists);
        }
        let stored = StoredCertificate {
            certificate: Arc::new(certificate.clone()),
            key_hash: key_hash.clone(),
            version: 1,
        };
        state.certificates.insert(number.clone(), stored);
        Ok(())
    }

    async fn update(
        &self,
        number: &CertificateNumber,
        certificate: &Certificate,
        expected_version: u64,
    ) -> Result<(), StoreError> {
        let mut state = self.lock()?;
        let stored = state.certificates.get_mut(number).ok_or(StoreError::NotFound)?;
        if stored.version != expected_version {
            return Err(StoreError::Contention);
        }
        stored.certificate = Arc::new(certificate.clone());
        stored.version += 1;
        Ok(())
    }

    async fn reserve_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        limit: u32,
        window_secs: u64,
        now: u64,
    ) -> Result<Reservation, StoreError> {
        let mut state = self.lock()?;
        if state.throttles.len() >= PRUNE_AT {
            state.throttles.retain(|_, w| w.ends_at > now);
        }
        let window = state.throttles.entry(throttle_key(number, scope)).or_insert(Window {
            attempts: 0,
            ends_at: 0,
        });
        if window.ends_at <= now {
            *window = Window {
                attempts: 1,
                ends_at: now + window_secs,
            };
            return Ok(Reservation::Granted);
        }
        if window.attempts >= limit {
            return Ok(Reservation::Locked { until: window.ends_at });
        }
        window.attempts += 1;
        Ok(Reservation::Granted)
    }

    async fn release_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        now: u64,
    ) -> Result<(), StoreError> {
        let mut state = self.lock()?;
        if let Some(window) = state.throttles.get_mut(&throttle_key(number, scope)) {
            if window.ends_at > now && window.attempts > 0 {
                window.attempts -= 1;
            }
        }
        Ok(())
    }

    async fn attempts(&self, number: &CertificateNumber, scope: &ThrottleScope, now: u64) -> Result<u32, StoreError> {
        let state = self.lock()?;
        Ok(state
            .throttles
            .get(&throttle_key(number, scope))
            .filter(|w| w.ends_at > now)
            .map_or(0, |w| w.attempts))
    }

    async fn append_audit(&self, number: &CertificateNumber, record: &AuditRecord) -> Result<(), StoreError> {
        let mut state = self.lock()?;
        let records = state.audit.entry(number.clone()).or_default();
        // Records arrive in time order with one retention, so the expired ones are at the front
        // and go when the number is touched again, as TTL deletion would; a process-local log
        // also keeps at most the newest AUDIT_CAP per number.
        while records.front().is_some_and(|r| r.expires_at <= record.at) || records.len() >= AUDIT_CAP {
            records.pop_front();
        }
        records.push_back(record.clone());
        Ok(())
    }

    async fn audit_history(&self, number: &CertificateNumber, now: u64) -> Result<Vec<AuditRecord>, StoreError> {
        let state = self.lock()?;
        Ok(state
            .audit
            .get(number)
            .map(|records| records.iter().filter(|r| r.expires_at > now).cloned().collect())
            .unwrap_or_default())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.lock().map(|_| ())
    }
}
