//! The embedded store: everything in process memory, certificates loaded from a YAML file.
//! It is the default for local use and the demo, not a test double: it obeys the same suite.

mod audit;
mod counters;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{AuditRecord, CertificateStore, Reservation, StoreError, StoredCertificate, ThrottleScope};
use crate::certificate::Certificate;
use crate::error::Error;
use crate::keys::KeyHash;
use crate::normalize::CertificateNumber;
use audit::AuditLog;
use counters::Counters;

/// Memory is bounded whatever callers do; expired windows and records are swept out at most
/// every `SWEEP_EVERY_SECS` (one pass over the maps, not one per request).
const SWEEP_EVERY_SECS: u64 = 10;

/// The embedded store's caps. Past `callers`, refusals of callers not seen before fail closed
/// (503); past `audit_records`, refusals do; past `number_counts`, the oldest count of
/// everyone's failures on a number is forgotten. Correct keys are answered through all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryLimits {
    pub callers: usize,
    pub number_counts: usize,
    pub audit_records: usize,
}

impl Default for MemoryLimits {
    fn default() -> Self {
        MemoryLimits {
            callers: 200_000,
            number_counts: 200_000,
            audit_records: 400_000,
        }
    }
}

struct State {
    certificates: HashMap<CertificateNumber, StoredCertificate>,
    counters: Counters,
    audit: AuditLog,
    next_sweep: u64,
}

impl State {
    /// Drops what has expired, if the last sweep is old enough.
    fn sweep(&mut self, now: u64) {
        if now < self.next_sweep {
            return;
        }
        self.next_sweep = now + SWEEP_EVERY_SECS;
        self.counters.sweep(now);
        self.audit.sweep(now);
    }
}

pub struct MemoryStore {
    state: Mutex<State>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::with_limits(MemoryLimits::default())
    }
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

    /// A store with other caps (tests; a smaller machine).
    pub fn with_limits(limits: MemoryLimits) -> MemoryStore {
        MemoryStore {
            state: Mutex::new(State {
                certificates: HashMap::new(),
                counters: Counters::new(limits.callers, limits.number_counts),
                audit: AuditLog::new(limits.audit_records),
                next_sweep: 0,
            }),
        }
    }

    /// Loads a certificates file (`verifier/demo/certificates.yaml` by default).
    pub fn load(path: &Path) -> Result<MemoryStore, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let entries: Vec<CertificateFileEntry> = serde_yaml::from_str(&text).map_err(|e| Error::Yaml {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut certificates = HashMap::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let problem = |problem: String| Error::CertificatesFile {
                path: path.to_path_buf(),
                entry: index + 1,
                problem,
            };
            let number =
                CertificateNumber::parse(&entry.certificate.certificate_number).map_err(|e| problem(e.to_string()))?;
            let key_hash = KeyHash::decode(&entry.key_hash)
                .ok_or_else(|| problem("key_hash が id:16進数 ではありません".into()))?;
            if certificates.contains_key(&number) {
                return Err(problem(format!("保証契約番号 {number} が重なっています")));
            }
            certificates.insert(
                number,
                StoredCertificate {
                    certificate: Arc::new(entry.certificate),
                    key_hash,
                    version: 1,
                },
            );
        }
        let store = MemoryStore::new();
        store.lock()?.certificates = certificates;
        Ok(store)
    }

    /// Writes every certificate back to `path` through a temporary file, keeping the file's
    /// opening comment (the demo file's warning that it is hashed with the development pepper).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let entries = self.entries()?;
        let previous = std::fs::read_to_string(path).unwrap_or_default();
        let header: String = previous
            .lines()
            .take_while(|line| line.starts_with('#'))
            .map(|line| format!("{line}\n"))
            .collect();
        let yaml = serde_yaml::to_string(&entries).map_err(|e| Error::Yaml {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let temporary = path.with_extension("yaml.tmp");
        let written = |path: &Path, source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        std::fs::write(&temporary, header + &yaml).map_err(|e| written(&temporary, e))?;
        std::fs::rename(&temporary, path).map_err(|e| written(path, e))?;
        Ok(())
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

impl CertificateStore for MemoryStore {
    async fn key_hash(&self, number: &CertificateNumber) -> Result<Option<KeyHash>, StoreError> {
        Ok(self.lock()?.certificates.get(number).map(|s| s.key_hash.clone()))
    }

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

    async fn swap_key_hash(
        &self,
        number: &CertificateNumber,
        expected: &KeyHash,
        new: &KeyHash,
    ) -> Result<(), StoreError> {
        let mut state = self.lock()?;
        let stored = state.certificates.get_mut(number).ok_or(StoreError::NotFound)?;
        if stored.key_hash != *expected {
            return Err(StoreError::Contention);
        }
        stored.key_hash = new.clone();
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
        state.sweep(now);
        state.counters.reserve(number, scope, limit, window_secs, now)
    }

    async fn release_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        now: u64,
    ) -> Result<(), StoreError> {
        self.lock()?.counters.release(number, scope, now);
        Ok(())
    }

    async fn attempts(&self, number: &CertificateNumber, scope: &ThrottleScope, now: u64) -> Result<u32, StoreError> {
        Ok(self.lock()?.counters.attempts(number, scope, now))
    }

    async fn count_failure(&self, number: &CertificateNumber, window_secs: u64, now: u64) -> Result<u32, StoreError> {
        let mut state = self.lock()?;
        state.sweep(now);
        Ok(state.counters.count_failure(number, window_secs, now))
    }

    async fn failures(&self, number: &CertificateNumber, window_secs: u64, now: u64) -> Result<u32, StoreError> {
        Ok(self.lock()?.counters.failures(number, window_secs, now))
    }

    async fn append_audit(&self, number: &CertificateNumber, record: &AuditRecord) -> Result<(), StoreError> {
        let mut state = self.lock()?;
        state.sweep(record.at);
        let known = state.certificates.contains_key(number);
        state.audit.append(number, record, known)
    }

    async fn audit_history(&self, number: &CertificateNumber, now: u64) -> Result<Vec<AuditRecord>, StoreError> {
        Ok(self.lock()?.audit.history(number, now))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.lock().map(|_| ())
    }

    fn full(&self) -> Option<&'static str> {
        let state = self.lock().ok()?;
        if state.counters.full() {
            Some("caller counters")
        } else if state.audit.full() {
            Some("audit records")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests;
