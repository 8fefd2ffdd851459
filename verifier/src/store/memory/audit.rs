//! The embedded store's audit log, bounded: a certificate's records in its own queue (the
//! newest `PER_NUMBER` kept), all of them under one cap that only refusals can hit — a
//! verified look-up is always recorded, so the correct path never fails closed — and the
//! records of numbers that name no certificate in one ring, the oldest dropped first (counted
//! and logged, never silently).

use std::collections::{HashMap, VecDeque};

use crate::normalize::CertificateNumber;
use crate::store::{AuditOutcome, AuditRecord, StoreError};

/// The embedded store lives in one process's memory; the durable audit trail is DynamoDB's.
const PER_NUMBER: usize = 10_000;
pub(super) const UNKNOWN_RING: usize = 100_000;

pub(super) struct AuditLog {
    by_number: HashMap<CertificateNumber, VecDeque<AuditRecord>>,
    records: usize,
    max_records: usize,
    pub(super) unknown: VecDeque<(CertificateNumber, AuditRecord)>,
    pub(super) unknown_dropped: u64,
}

impl AuditLog {
    pub(super) fn new(max_records: usize) -> AuditLog {
        AuditLog {
            by_number: HashMap::new(),
            records: 0,
            max_records,
            unknown: VecDeque::new(),
            unknown_dropped: 0,
        }
    }

    pub(super) fn sweep(&mut self, now: u64) {
        let mut kept = 0;
        self.by_number.retain(|_, records| {
            records.retain(|r| r.expires_at > now);
            kept += records.len();
            !records.is_empty()
        });
        self.records = kept;
        self.unknown.retain(|(_, r)| r.expires_at > now);
        if self.unknown_dropped > 0 {
            tracing::warn!(
                dropped = self.unknown_dropped,
                "audit records of numbers that name no certificate were dropped (the embedded store keeps the newest {UNKNOWN_RING})"
            );
            self.unknown_dropped = 0;
        }
    }

    /// Records one look-up of `number` (`known`: a certificate has that number).
    pub(super) fn append(
        &mut self,
        number: &CertificateNumber,
        record: &AuditRecord,
        known: bool,
    ) -> Result<(), StoreError> {
        if !known {
            if self.unknown.len() >= UNKNOWN_RING {
                self.unknown.pop_front();
                self.unknown_dropped += 1;
            }
            self.unknown.push_back((number.clone(), record.clone()));
            return Ok(());
        }
        if self.records >= self.max_records && record.outcome != AuditOutcome::Verified {
            return Err(StoreError::Unavailable(
                "embedded store full (audit records); refusals fail closed until records expire".into(),
            ));
        }
        let records = self.by_number.entry(number.clone()).or_default();
        // Expired records at the front go when the number is touched again, as TTL deletion
        // would (retentions differ, so later ones are swept); at most PER_NUMBER are kept.
        let before = records.len();
        while records.front().is_some_and(|r| r.expires_at <= record.at) || records.len() >= PER_NUMBER {
            records.pop_front();
        }
        records.push_back(record.clone());
        self.records = self.records + records.len() - before;
        Ok(())
    }

    pub(super) fn history(&self, number: &CertificateNumber, now: u64) -> Vec<AuditRecord> {
        let known = self.by_number.get(number).into_iter().flatten();
        let unknown = self.unknown.iter().filter(|(n, _)| n == number).map(|(_, r)| r);
        known.chain(unknown).filter(|r| r.expires_at > now).cloned().collect()
    }

    pub(super) fn full(&self) -> bool {
        self.records >= self.max_records
    }

    #[cfg(test)]
    pub(super) fn sizes(&self) -> (usize, usize) {
        (self.by_number.len(), self.records)
    }
}
