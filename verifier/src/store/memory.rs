//! The embedded store: everything in process memory, certificates loaded from a YAML file.
//! It is the default for local use and the demo, not a test double: it obeys the same suite.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{AuditRecord, CertificateStore, Reservation, StoreError, StoredCertificate, ThrottleScope};
use crate::certificate::Certificate;
use crate::error::Error;
use crate::keys::KeyHash;
use crate::normalize::CertificateNumber;

/// Memory is bounded whatever callers do. Expired windows and audit records are swept out at
/// most every `SWEEP_EVERY_SECS` (one pass over the maps, not one per request); past the caps
/// a new window or record is refused — the look-up fails closed with a 503 — and nothing live
/// is ever evicted to make room.
const MAX_WINDOWS: usize = 200_000;
const MAX_AUDIT_RECORDS: usize = 400_000;
/// Look-ups of numbers that name no certificate belong to no 閲覧履歴: they are kept in one
/// ring of this size, the oldest dropped first — counted and logged, never silently.
const MAX_UNKNOWN_AUDIT: usize = 100_000;
/// The embedded store lives in one process's memory; the durable audit trail is DynamoDB's.
const AUDIT_CAP_PER_NUMBER: usize = 10_000;
const SWEEP_EVERY_SECS: u64 = 10;

#[derive(Default)]
struct State {
    certificates: HashMap<CertificateNumber, StoredCertificate>,
    /// By number (none for a caller-wide counter) and scope.
    throttles: HashMap<(Option<CertificateNumber>, ThrottleScope), Window>,
    audit: HashMap<CertificateNumber, VecDeque<AuditRecord>>,
    audit_records: usize,
    unknown_audit: VecDeque<(CertificateNumber, AuditRecord)>,
    unknown_dropped: u64,
    next_sweep: u64,
}

impl State {
    /// Drops what has expired, if the last sweep is old enough.
    fn sweep(&mut self, now: u64) {
        if now < self.next_sweep {
            return;
        }
        self.next_sweep = now + SWEEP_EVERY_SECS;
        self.throttles.retain(|_, w| w.ends_at > now);
        let mut kept = 0;
        self.audit.retain(|_, records| {
            records.retain(|r| r.expires_at > now);
            kept += records.len();
            !records.is_empty()
        });
        self.audit_records = kept;
        self.unknown_audit.retain(|(_, r)| r.expires_at > now);
        if self.unknown_dropped > 0 {
            tracing::warn!(
                dropped = self.unknown_dropped,
                "audit records of numbers that name no certificate were dropped (the embedded store keeps the newest {MAX_UNKNOWN_AUDIT})"
            );
            self.unknown_dropped = 0;
        }
    }
}

fn full(what: &str) -> StoreError {
    StoreError::Unavailable(format!("embedded store full ({what}); refusing rather than evicting"))
}

#[derive(Clone, Copy)]
struct Window {
    attempts: u32,
    ends_at: u64,
}

pub struct MemoryStore {
    state: Mutex<State>,
    max_windows: usize,
    max_audit_records: usize,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::with_limits(MAX_WINDOWS, MAX_AUDIT_RECORDS)
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
    pub fn with_limits(max_windows: usize, max_audit_records: usize) -> MemoryStore {
        MemoryStore {
            state: Mutex::new(State::default()),
            max_windows,
            max_audit_records,
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
        let key = throttle_key(number, scope);
        if !state.throttles.contains_key(&key) && state.throttles.len() >= self.max_windows {
            return Err(full("throttle windows"));
        }
        let window = state.throttles.entry(key).or_insert(Window {
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
        state.sweep(record.at);
        if !state.certificates.contains_key(number) {
            if state.unknown_audit.len() >= MAX_UNKNOWN_AUDIT {
                state.unknown_audit.pop_front();
                state.unknown_dropped += 1;
            }
            state.unknown_audit.push_back((number.clone(), record.clone()));
            return Ok(());
        }
        if state.audit_records >= self.max_audit_records {
            return Err(full("audit records"));
        }
        let records = state.audit.entry(number.clone()).or_default();
        // Expired records at the front go when the number is touched again, as TTL deletion
        // would (retentions differ, so later ones are swept); a process-local log also keeps
        // at most the newest AUDIT_CAP_PER_NUMBER per number.
        let before = records.len();
        while records.front().is_some_and(|r| r.expires_at <= record.at) || records.len() >= AUDIT_CAP_PER_NUMBER {
            records.pop_front();
        }
        records.push_back(record.clone());
        let after = records.len();
        state.audit_records = state.audit_records + after - before;
        Ok(())
    }

    async fn audit_history(&self, number: &CertificateNumber, now: u64) -> Result<Vec<AuditRecord>, StoreError> {
        let state = self.lock()?;
        let known = state.audit.get(number).into_iter().flatten();
        let unknown = state.unknown_audit.iter().filter(|(n, _)| n == number).map(|(_, r)| r);
        Ok(known.chain(unknown).filter(|r| r.expires_at > now).cloned().collect())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.lock().map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::AuditOutcome;

    fn number(i: usize) -> CertificateNumber {
        CertificateNumber::parse(&format!("W{i:08}")).unwrap()
    }

    #[tokio::test]
    async fn past_the_cap_new_windows_are_refused_live_ones_kept_and_expired_ones_swept() {
        let store = MemoryStore::with_limits(3, 100);
        let scope = ThrottleScope::Everyone;
        for i in 0..3 {
            assert_eq!(
                store.reserve_attempt(&number(i), &scope, 5, 60, 1_000).await,
                Ok(Reservation::Granted)
            );
        }
        assert!(matches!(
            store.reserve_attempt(&number(3), &scope, 5, 60, 1_000).await,
            Err(StoreError::Unavailable(_))
        ));
        // A live window is still counted: nothing was evicted.
        assert_eq!(
            store.reserve_attempt(&number(0), &scope, 5, 60, 1_001).await,
            Ok(Reservation::Granted)
        );
        assert_eq!(store.attempts(&number(0), &scope, 1_001).await, Ok(2));
        // Once they have expired (and a sweep is due), room again.
        assert_eq!(
            store.reserve_attempt(&number(3), &scope, 5, 60, 1_100).await,
            Ok(Reservation::Granted)
        );
        assert_eq!(store.lock().unwrap().throttles.len(), 1);
    }

    async fn with_certificates(store: &MemoryStore, numbers: &[usize]) {
        for &i in numbers {
            let list: Vec<Certificate> = serde_yaml::from_str(SAMPLE).unwrap();
            let mut certificate = list[0].clone();
            certificate.certificate_number = number(i).to_string();
            let hash = KeyHash::decode(&format!("t1:{}", "00".repeat(32))).unwrap();
            store.insert(&number(i), &certificate, &hash).await.unwrap();
        }
    }

    const SAMPLE: &str = include_str!("../../demo/issue-example.yaml");

    #[tokio::test]
    async fn audit_records_are_capped_and_swept_across_numbers() {
        let store = MemoryStore::with_limits(100, 3);
        with_certificates(&store, &[0, 1, 2, 9]).await;
        let record = |at: u64| AuditRecord {
            at,
            outcome: AuditOutcome::Refused,
            caller: "c".into(),
            expires_at: at + 60,
        };
        for i in 0..3 {
            store.append_audit(&number(i), &record(1_000)).await.unwrap();
        }
        assert!(matches!(
            store.append_audit(&number(9), &record(1_001)).await,
            Err(StoreError::Unavailable(_))
        ));
        // Numbers never touched again are swept once their records expire.
        store.append_audit(&number(9), &record(1_100)).await.unwrap();
        let state = store.lock().unwrap();
        assert_eq!((state.audit.len(), state.audit_records), (1, 1));
    }

    #[tokio::test]
    async fn look_ups_of_unknown_numbers_never_fill_the_store() {
        let store = MemoryStore::with_limits(100, 3);
        let record = AuditRecord {
            at: 1_000,
            outcome: AuditOutcome::Refused,
            caller: "c".into(),
            expires_at: 1_060,
        };
        for i in 0..(MAX_UNKNOWN_AUDIT + 10) {
            store.append_audit(&number(i), &record).await.unwrap();
        }
        let (kept, dropped) = {
            let state = store.lock().unwrap();
            (state.unknown_audit.len(), state.unknown_dropped)
        };
        assert_eq!(kept, MAX_UNKNOWN_AUDIT);
        assert_eq!(
            dropped, 10,
            "what was dropped is counted (and logged at the next sweep)"
        );
        let last = number(MAX_UNKNOWN_AUDIT + 9);
        assert_eq!(store.audit_history(&last, 1_000).await.unwrap(), vec![record]);
    }
}
