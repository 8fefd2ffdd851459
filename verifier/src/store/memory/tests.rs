//! The embedded store's own bounds: caller caps, evicted counts, capped audit records.

use super::*;
use crate::store::AuditOutcome;

fn number(i: usize) -> CertificateNumber {
    CertificateNumber::parse(&format!("W{i:08}")).unwrap()
}

fn limits(callers: usize, number_counts: usize, audit_records: usize) -> MemoryLimits {
    MemoryLimits {
        callers,
        number_counts,
        audit_records,
    }
}

#[tokio::test]
async fn past_the_caller_cap_new_callers_are_refused_live_ones_kept_and_expired_ones_swept() {
    let store = MemoryStore::with_limits(limits(3, 100, 100));
    let caller = |i: usize| ThrottleScope::Caller(format!("c{i}"));
    for i in 0..3 {
        assert_eq!(
            store.reserve_attempt(&number(0), &caller(i), 5, 60, 1_000).await,
            Ok(Reservation::Granted)
        );
    }
    assert!(matches!(
        store.reserve_attempt(&number(0), &caller(3), 5, 60, 1_000).await,
        Err(StoreError::Unavailable(_))
    ));
    assert_eq!(store.full(), Some("caller counters"));
    // A known caller is still counted, on any number: nothing was evicted.
    assert_eq!(
        store.reserve_attempt(&number(1), &caller(0), 5, 60, 1_001).await,
        Ok(Reservation::Granted)
    );
    assert_eq!(store.attempts(&number(0), &caller(0), 1_001).await, Ok(1));
    // Once they have expired (and a sweep is due), room again.
    assert_eq!(
        store.reserve_attempt(&number(3), &caller(3), 5, 60, 1_100).await,
        Ok(Reservation::Granted)
    );
    assert_eq!(store.lock().unwrap().counters.sizes().0, 1);
    assert_eq!(store.full(), None);
}

/// Everyone's counts are forgotten oldest first when the table is full, never refused.
#[tokio::test]
async fn number_counts_are_evicted_never_refused() {
    let store = MemoryStore::with_limits(limits(10, 3, 100));
    for i in 0..5 {
        assert_eq!(store.count_failure(&number(i), 3600, 1_000).await, Ok(1));
    }
    assert_eq!(store.lock().unwrap().counters.sizes().1, 3);
    assert_eq!(store.failures(&number(0), 3600, 1_000).await, Ok(0), "the oldest went");
    assert_eq!(store.count_failure(&number(4), 3600, 1_000).await, Ok(2));
    // A new fixed window starts from zero.
    assert_eq!(store.count_failure(&number(4), 3600, 3_600).await, Ok(1));
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

const SAMPLE: &str = include_str!("../../../demo/issue-example.yaml");

fn record(at: u64, outcome: AuditOutcome) -> AuditRecord {
    AuditRecord {
        at,
        outcome,
        caller: "c".into(),
        reference: String::new(),
        expires_at: at + 60,
    }
}

#[tokio::test]
async fn audit_records_are_capped_for_refusals_only_and_swept_across_numbers() {
    let store = MemoryStore::with_limits(limits(100, 100, 3));
    with_certificates(&store, &[0, 1, 2, 9]).await;
    for i in 0..3 {
        store
            .append_audit(&number(i), &record(1_000, AuditOutcome::Refused))
            .await
            .unwrap();
    }
    assert!(matches!(
        store
            .append_audit(&number(9), &record(1_001, AuditOutcome::Refused))
            .await,
        Err(StoreError::Unavailable(_))
    ));
    assert_eq!(store.full(), Some("audit records"));
    // A verified look-up is recorded all the same: the correct path never fails closed.
    store
        .append_audit(&number(9), &record(1_001, AuditOutcome::Verified))
        .await
        .unwrap();
    // Numbers never touched again are swept once their records expire.
    store
        .append_audit(&number(9), &record(1_100, AuditOutcome::Refused))
        .await
        .unwrap();
    let state = store.lock().unwrap();
    assert_eq!(state.audit.sizes(), (1, 1));
}

#[tokio::test]
async fn look_ups_of_unknown_numbers_never_fill_the_store() {
    let store = MemoryStore::with_limits(limits(100, 100, 3));
    let record = record(1_000, AuditOutcome::Refused);
    for i in 0..(audit::UNKNOWN_RING + 10) {
        store.append_audit(&number(i), &record).await.unwrap();
    }
    let (kept, dropped) = {
        let state = store.lock().unwrap();
        (state.audit.unknown.len(), state.audit.unknown_dropped)
    };
    assert_eq!(kept, audit::UNKNOWN_RING);
    assert_eq!(
        dropped, 10,
        "what was dropped is counted (and logged at the next sweep)"
    );
    let last = number(audit::UNKNOWN_RING + 9);
    assert_eq!(store.audit_history(&last, 1_000).await.unwrap(), vec![record]);
}
