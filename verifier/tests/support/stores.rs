//! Stores wrapped to observe or break the real one: they delegate to a `MemoryStore`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use verifier::admin::Persist;
use verifier::certificate::Certificate;
use verifier::keys::KeyHash;
use verifier::store::{AuditRecord, CertificateStore, Reservation, StoreError, StoredCertificate, ThrottleScope};
use verifier::{CertificateNumber, MemoryStore};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Normal,
    Fail,
    Hang,
    /// Every call takes this long, then succeeds.
    Slow(Duration),
    /// The first this many inserts succeed; every later one fails (a store lost part-way).
    FailInsertsAfter(usize),
}

/// Counts every call and can fail or hang on demand.
pub struct Observed {
    pub inner: Arc<MemoryStore>,
    pub calls: Arc<AtomicUsize>,
    pub inserts: Arc<AtomicUsize>,
    pub behaviour: Behaviour,
}

impl Observed {
    pub fn new(inner: MemoryStore, behaviour: Behaviour) -> Observed {
        Observed {
            inner: Arc::new(inner),
            calls: Arc::new(AtomicUsize::new(0)),
            inserts: Arc::new(AtomicUsize::new(0)),
            behaviour,
        }
    }

    async fn enter(&self) -> Result<(), StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match self.behaviour {
            Behaviour::Normal | Behaviour::FailInsertsAfter(_) => Ok(()),
            Behaviour::Fail => Err(StoreError::Unavailable("injected failure".into())),
            Behaviour::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok(())
            }
            Behaviour::Slow(delay) => {
                tokio::time::sleep(delay).await;
                Ok(())
            }
        }
    }
}

impl CertificateStore for Observed {
    async fn key_hash(&self, number: &CertificateNumber) -> Result<Option<KeyHash>, StoreError> {
        self.enter().await?;
        self.inner.key_hash(number).await
    }
    async fn get(&self, number: &CertificateNumber) -> Result<Option<StoredCertificate>, StoreError> {
        self.enter().await?;
        self.inner.get(number).await
    }
    async fn insert(
        &self,
        number: &CertificateNumber,
        certificate: &Certificate,
        key_hash: &KeyHash,
    ) -> Result<(), StoreError> {
        self.enter().await?;
        let before = self.inserts.fetch_add(1, Ordering::SeqCst);
        if let Behaviour::FailInsertsAfter(limit) = self.behaviour {
            if before >= limit {
                return Err(StoreError::Unavailable("injected failure after some inserts".into()));
            }
        }
        self.inner.insert(number, certificate, key_hash).await
    }
    async fn update(
        &self,
        number: &CertificateNumber,
        certificate: &Certificate,
        expected_version: u64,
    ) -> Result<(), StoreError> {
        self.enter().await?;
        self.inner.update(number, certificate, expected_version).await
    }
    async fn swap_key_hash(
        &self,
        number: &CertificateNumber,
        expected: &KeyHash,
        new: &KeyHash,
    ) -> Result<(), StoreError> {
        self.enter().await?;
        self.inner.swap_key_hash(number, expected, new).await
    }
    async fn reserve_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        limit: u32,
        window_secs: u64,
        now: u64,
    ) -> Result<Reservation, StoreError> {
        self.enter().await?;
        self.inner.reserve_attempt(number, scope, limit, window_secs, now).await
    }
    async fn release_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        now: u64,
    ) -> Result<(), StoreError> {
        self.enter().await?;
        self.inner.release_attempt(number, scope, now).await
    }
    async fn attempts(&self, number: &CertificateNumber, scope: &ThrottleScope, now: u64) -> Result<u32, StoreError> {
        self.enter().await?;
        self.inner.attempts(number, scope, now).await
    }
    async fn count_failure(&self, number: &CertificateNumber, window_secs: u64, now: u64) -> Result<u32, StoreError> {
        self.enter().await?;
        self.inner.count_failure(number, window_secs, now).await
    }
    async fn failures(&self, number: &CertificateNumber, window_secs: u64, now: u64) -> Result<u32, StoreError> {
        self.enter().await?;
        self.inner.failures(number, window_secs, now).await
    }
    async fn append_audit(&self, number: &CertificateNumber, record: &AuditRecord) -> Result<(), StoreError> {
        self.enter().await?;
        self.inner.append_audit(number, record).await
    }
    async fn audit_history(&self, number: &CertificateNumber, now: u64) -> Result<Vec<AuditRecord>, StoreError> {
        self.enter().await?;
        self.inner.audit_history(number, now).await
    }
    async fn ping(&self) -> Result<(), StoreError> {
        self.enter().await?;
        self.inner.ping().await
    }
    fn full(&self) -> Option<&'static str> {
        self.inner.full()
    }
}

/// Nothing to write back: the wrapped store lives in the test's memory.
impl Persist for Observed {
    const IN_PROCESS: bool = true;

    fn persist(&self, _path: &std::path::Path) -> Result<(), verifier::Error> {
        Ok(())
    }
}
