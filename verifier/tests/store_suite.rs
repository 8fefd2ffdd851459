//! One behavioural suite, run against the embedded store and against DynamoDB (a real
//! DynamoDB-compatible server, moto, started here). The in-memory store is a product feature;
//! it does not stand in for DynamoDB: both must pass the same suite.

mod support;

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use support::{sample_certificate, MotoServer, TestClock};
use verifier::admin;
use verifier::certificate::Status;
use verifier::service::Clock;
use verifier::store::{AuditOutcome, AuditRecord, CertificateStore, Reservation, StoreError, ThrottleScope};
use verifier::{AuthKey, CertificateNumber, Error, MemoryStore, Outcome, Peppers, Verifier};

fn number(text: &str) -> CertificateNumber {
    CertificateNumber::parse(text).unwrap()
}

fn peppers() -> Peppers {
    Peppers::parse("t1=test-pepper-0123456789abcdef0123456789").unwrap()
}

async fn issued<S: CertificateStore>(store: &S, text: &str) -> AuthKey {
    admin::issue(store, &peppers(), &sample_certificate(text))
        .await
        .unwrap()
}

fn verifier<S: CertificateStore>(store: S, clock: Arc<TestClock>) -> Arc<Verifier<S>> {
    let mut v = Verifier::new(store, peppers());
    v.clock = clock;
    Arc::new(v)
}

const T0: u64 = 1_790_000_000;

async fn right_key_verifies_and_wrong_key_is_refused<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000001").await;
    let v = verifier(store, TestClock::at(T0));
    let n = number("W2026000001");
    match v.verify(&n, &key, "192.0.2.1").await.unwrap() {
        Outcome::Verified(v) => assert_eq!(v.certificate.certificate_number, "W2026-000001"),
        other => panic!("expected verified, got {other:?}"),
    }
    assert_eq!(
        v.verify(&n, &AuthKey::generate().unwrap(), "192.0.2.1").await.unwrap(),
        Outcome::Refused
    );
    assert_eq!(
        v.verify(&number("W2026999999"), &key, "192.0.2.1").await.unwrap(),
        Outcome::Refused
    );
}

async fn duplicate_numbers_are_rejected<S: CertificateStore>(store: S) {
    issued(&store, "W2026-000002").await;
    let again = admin::issue(&store, &peppers(), &sample_certificate("W2026000002")).await;
    assert!(matches!(again, Err(Error::AlreadyRegistered(n)) if n == number("W2026000002")));
}

async fn cancelled_certificates_are_shown_with_their_status<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000003").await;
    let n = number("W2026000003");
    let date = admin::parse_date("2026-06-30").unwrap();
    admin::set_status(&store, &n, Status::Cancelled, date, "契約解除")
        .await
        .unwrap();
    let v = verifier(store, TestClock::at(T0));
    match v.verify(&n, &key, "192.0.2.1").await.unwrap() {
        Outcome::Verified(verified) => {
            let c = &verified.certificate;
            assert_eq!(c.status, Status::Cancelled);
            assert_eq!(c.history.last().unwrap().note, "契約解除");
            assert_eq!(c.history.last().unwrap().date, "2026-06-30");
        }
        other => panic!("{other:?}"),
    }
}

async fn stale_updates_are_refused<S: CertificateStore>(store: S) {
    issued(&store, "W2026-000004").await;
    let n = number("W2026000004");
    let stored = store.get(&n).await.unwrap().unwrap();
    store.update(&n, &stored.certificate, stored.version).await.unwrap();
    assert_eq!(
        store.update(&n, &stored.certificate, stored.version).await,
        Err(StoreError::Contention)
    );
    assert_eq!(
        store.update(&number("W2026999998"), &stored.certificate, 1).await,
        Err(StoreError::NotFound)
    );
}

/// A caller past its limit is refused at once, with the time left in the window — but its
/// correct key is answered: a municipal proxy's one exit address, locked by someone guessing
/// behind it, must not lock out every orderer behind it (issue 19, attack 4).
async fn a_locked_caller_is_refused_but_its_correct_key_is_answered<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000005").await;
    let clock = TestClock::at(T0);
    let v = verifier(store, clock.clone());
    let n = number("W2026000005");
    let wrong = AuthKey::generate().unwrap();
    for _ in 0..5 {
        assert_eq!(v.verify(&n, &wrong, "198.51.100.7").await.unwrap(), Outcome::Refused);
    }
    assert_eq!(
        v.verify(&n, &wrong, "198.51.100.7").await.unwrap(),
        Outcome::Locked { retry_after: 15 * 60 }
    );
    assert!(
        matches!(v.verify(&n, &key, "198.51.100.7").await.unwrap(), Outcome::Verified(_)),
        "the locked caller's correct key is answered"
    );
    clock.advance(15 * 60);
    // The expired window's item may still be in the table: it must count as gone.
    assert_eq!(v.verify(&n, &wrong, "198.51.100.7").await.unwrap(), Outcome::Refused);
}

async fn successes_are_not_counted_as_failures<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000006").await;
    let v = verifier(store, TestClock::at(T0));
    let n = number("W2026000006");
    for _ in 0..8 {
        assert!(matches!(
            v.verify(&n, &key, "203.0.113.1").await.unwrap(),
            Outcome::Verified(_)
        ));
    }
    let me = ThrottleScope::Caller(peppers().caller_id("203.0.113.1"));
    assert_eq!(v.store.attempts(&n, &me, T0).await.unwrap(), 0);
}

async fn unknown_numbers_lock_exactly_like_real_ones<S: CertificateStore>(store: S) {
    let v = verifier(store, TestClock::at(T0));
    let ghost = number("W2026777777");
    let key = AuthKey::generate().unwrap();
    for _ in 0..5 {
        assert_eq!(v.verify(&ghost, &key, "192.0.2.9").await.unwrap(), Outcome::Refused);
    }
    assert!(matches!(
        v.verify(&ghost, &key, "192.0.2.9").await.unwrap(),
        Outcome::Locked { .. }
    ));
}

/// The attack of the production issue: 100 wrong keys from 20 addresses used to lock a real
/// certificate for everyone for an hour. Locks now belong to callers: the orderer who holds the
/// key, from any other address, is answered at once.
async fn guessing_from_many_addresses_never_locks_out_the_key_holder<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000007").await;
    let v = verifier(store, TestClock::at(T0));
    let n = number("W2026000007");
    let wrong = AuthKey::generate().unwrap();
    for attacker in 0..20 {
        let caller = format!("203.0.113.{attacker}");
        for _ in 0..5 {
            assert_eq!(v.verify(&n, &wrong, &caller).await.unwrap(), Outcome::Refused);
        }
        assert!(matches!(
            v.verify(&n, &wrong, &caller).await.unwrap(),
            Outcome::Locked { .. }
        ));
    }
    // The number-wide count reached its alert threshold: further refusals are answered at
    // once with a 429 (no request is held), nobody is locked.
    assert_eq!(v.store.failures(&n, 3600, T0).await.unwrap(), 100);
    assert_eq!(
        v.verify(&n, &wrong, "198.51.100.77").await.unwrap(),
        Outcome::Throttled { retry_after: 60 },
        "a new caller's wrong key is refused at once, not locked"
    );
    assert!(matches!(
        v.verify(&n, &key, "198.51.100.78").await.unwrap(),
        Outcome::Verified(_)
    ));
    // The certificate's 閲覧履歴 keeps at most the alert threshold's refusals for the full
    // retention: those past it (and the locked callers') are kept a day.
    let history = v.store.audit_history(&n, T0).await.unwrap();
    let lasting = history
        .iter()
        .filter(|r| r.expires_at - r.at == v.audit_retention_secs)
        .count();
    assert_eq!(lasting, 100 + 1, "100 refusals and the verification");
    assert_eq!(history.len(), 100 + 20 + 1 + 1);
}

/// Sweeping sequential numbers from one address: past the caller-wide limit, that caller's
/// refusals are locked on every number, while others are not.
async fn one_caller_sweeping_numbers_is_locked_everywhere<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000010").await;
    let v = verifier(store, TestClock::at(T0));
    let wrong = AuthKey::generate().unwrap();
    let sweeper = "203.0.113.200";
    for i in 0..30 {
        let ghost = number(&format!("W2027{i:06}"));
        assert_eq!(
            v.verify(&ghost, &wrong, sweeper).await.unwrap(),
            Outcome::Refused,
            "{i}"
        );
    }
    let n = number("W2026000010");
    assert!(matches!(
        v.verify(&n, &wrong, sweeper).await.unwrap(),
        Outcome::Locked { retry_after: 3600 }
    ));
    assert!(
        matches!(v.verify(&n, &key, sweeper).await.unwrap(), Outcome::Verified(_)),
        "a correct key is answered even so"
    );
    let anywhere = ThrottleScope::CallerAnywhere(peppers().caller_id(sweeper));
    assert_eq!(v.store.attempts(&n, &anywhere, T0).await.unwrap(), 30);
    assert!(matches!(
        v.verify(&n, &key, "198.51.100.1").await.unwrap(),
        Outcome::Verified(_)
    ));
}

/// A certificate's 閲覧履歴 keeps real look-ups for the retention period; refusals of numbers
/// that do not exist and refusals of locked callers are kept a day, so flooding fades.
async fn records_of_locked_callers_and_unknown_numbers_are_brief<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000011").await;
    let v = verifier(store, TestClock::at(T0));
    let n = number("W2026000011");
    let ghost = number("W2026999911");
    let wrong = AuthKey::generate().unwrap();
    let full = v.audit_retention_secs;
    let day = verifier::service::BRIEF_AUDIT_SECS;
    v.verify(&n, &key, "192.0.2.11").await.unwrap();
    v.verify(&ghost, &wrong, "192.0.2.11").await.unwrap();
    for _ in 0..6 {
        v.verify(&n, &wrong, "192.0.2.12").await.unwrap();
    }
    let expiries = |records: Vec<AuditRecord>| -> Vec<(AuditOutcome, u64)> {
        records.into_iter().map(|r| (r.outcome, r.expires_at - r.at)).collect()
    };
    assert_eq!(
        expiries(v.store.audit_history(&n, T0).await.unwrap()),
        [
            vec![(AuditOutcome::Verified, full)],
            vec![(AuditOutcome::Refused, full); 5],
            vec![(AuditOutcome::Locked, day)],
        ]
        .concat()
    );
    assert_eq!(
        expiries(v.store.audit_history(&ghost, T0).await.unwrap()),
        vec![(AuditOutcome::Refused, day)]
    );
}

/// `verifier reissue`: a new key verifies, the old one is dead at once.
async fn a_reissued_key_replaces_the_old_one_at_once<S: CertificateStore>(store: S) {
    let old = issued(&store, "W2026-000012").await;
    let n = number("W2026000012");
    let new = admin::reissue(&store, &peppers(), &n).await.unwrap();
    let v = verifier(store, TestClock::at(T0));
    assert_eq!(v.verify(&n, &old, "192.0.2.13").await.unwrap(), Outcome::Refused);
    assert!(matches!(
        v.verify(&n, &new, "192.0.2.13").await.unwrap(),
        Outcome::Verified(_)
    ));
    let missing = admin::reissue(&v.store, &peppers(), &number("W2026999912")).await;
    assert!(matches!(missing, Err(Error::NotRegistered(n)) if n == number("W2026999912")));
}

/// During a pepper rotation a key verified under the old pepper is re-hashed under the new
/// one, so the old pepper can then be retired; callers keep their pseudonyms throughout.
async fn a_rotation_rehashes_keys_and_keeps_caller_ids<S: CertificateStore>(store: S) {
    let caller_key = "caller-key-0123456789abcdef0123456789";
    let old_only = Peppers::parse("t1=test-pepper-0123456789abcdef0123456789")
        .unwrap()
        .with_caller_key(caller_key)
        .unwrap();
    let rotating =
        Peppers::parse("t2=next-pepper-0123456789abcdef0123456789,t1=test-pepper-0123456789abcdef0123456789")
            .unwrap()
            .with_caller_key(caller_key)
            .unwrap();
    let new_only = Peppers::parse("t2=next-pepper-0123456789abcdef0123456789")
        .unwrap()
        .with_caller_key(caller_key)
        .unwrap();
    assert_eq!(old_only.caller_id("192.0.2.14"), new_only.caller_id("192.0.2.14"));
    let key = admin::issue(&store, &old_only, &sample_certificate("W2026-000013"))
        .await
        .unwrap();
    let n = number("W2026000013");
    assert_eq!(store.get(&n).await.unwrap().unwrap().key_hash.pepper_id, "t1");
    let mut v = Verifier::new(store, rotating);
    v.clock = TestClock::at(T0);
    assert!(matches!(
        v.verify(&n, &key, "192.0.2.14").await.unwrap(),
        Outcome::Verified(_)
    ));
    assert_eq!(
        v.store.get(&n).await.unwrap().unwrap().key_hash.pepper_id,
        "t2",
        "re-hashed"
    );
    let mut v = Verifier::new(v.store, new_only);
    v.clock = TestClock::at(T0);
    assert!(
        matches!(v.verify(&n, &key, "192.0.2.14").await.unwrap(), Outcome::Verified(_)),
        "the old pepper is retired and the key still verifies"
    );
}

async fn concurrent_guesses_never_slip_past_the_limit<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000008").await;
    let v = verifier(store, TestClock::at(T0));
    let n = number("W2026000008");
    let wrong = AuthKey::generate().unwrap();
    let guesses: Vec<_> = (0..50)
        .map(|_| {
            let (v, n, wrong) = (v.clone(), n.clone(), wrong.clone());
            tokio::spawn(async move { v.verify(&n, &wrong, "192.0.2.50").await })
        })
        .collect();
    let mut refused = 0;
    let mut locked = 0;
    for guess in guesses {
        match guess.await.unwrap().unwrap() {
            Outcome::Refused => refused += 1,
            Outcome::Locked { .. } => locked += 1,
            Outcome::Verified(_) => panic!("a wrong key verified"),
            Outcome::Throttled { .. } => panic!("5 failures are far below the alert threshold"),
        }
    }
    assert_eq!(
        (refused, locked),
        (5, 45),
        "exactly the limit was checked against the store"
    );
    let me = ThrottleScope::Caller(peppers().caller_id("192.0.2.50"));
    assert_eq!(v.store.attempts(&n, &me, T0).await.unwrap(), 5);
    assert_eq!(v.store.failures(&n, 3600, T0).await.unwrap(), 5);
    assert!(matches!(
        v.verify(&n, &wrong, "192.0.2.50").await.unwrap(),
        Outcome::Locked { .. }
    ));
    assert!(
        matches!(v.verify(&n, &key, "192.0.2.50").await.unwrap(), Outcome::Verified(_)),
        "the locked caller's correct key is answered"
    );
    assert!(
        matches!(v.verify(&n, &wrong, "192.0.2.51").await.unwrap(), Outcome::Refused),
        "another caller is not locked"
    );
}

async fn every_look_up_is_audited_and_expired_records_are_not_shown<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000009").await;
    let clock = TestClock::at(T0);
    let mut v = Verifier::new(store, peppers());
    v.clock = clock.clone();
    v.audit_retention_secs = 100;
    let n = number("W2026000009");
    v.verify(&n, &key, "192.0.2.1").await.unwrap();
    v.verify(&n, &AuthKey::generate().unwrap(), "192.0.2.1").await.unwrap();
    let history = v.store.audit_history(&n, T0).await.unwrap();
    let outcomes: Vec<_> = history.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, vec![AuditOutcome::Verified, AuditOutcome::Refused]);
    assert_eq!(history[0].caller, peppers().caller_id("192.0.2.1"));
    assert!(
        !history[0].caller.contains("192.0.2.1"),
        "the address itself is never kept"
    );
    // Records past their retention are not shown, even if the store still holds them.
    assert!(v.store.audit_history(&n, T0 + 100).await.unwrap().is_empty());
    let text = admin::history(&v.store, &n, T0).await.unwrap();
    assert!(text.contains("verified") && text.ends_with("2 件"), "{text}");
    // Unknown numbers are audited too.
    let ghost = number("W2026666666");
    v.verify(&ghost, &key, "192.0.2.1").await.unwrap();
    assert_eq!(v.store.audit_history(&ghost, T0).await.unwrap().len(), 1);
}

async fn an_expired_lock_item_is_treated_as_expired<S: CertificateStore>(store: S) {
    let n = number("W2026000010");
    let scope = ThrottleScope::Caller("abc".into());
    for _ in 0..3 {
        assert_eq!(
            store.reserve_attempt(&n, &scope, 3, 60, T0).await.unwrap(),
            Reservation::Granted
        );
    }
    assert_eq!(
        store.reserve_attempt(&n, &scope, 3, 60, T0 + 59).await.unwrap(),
        Reservation::Locked { until: T0 + 60 }
    );
    assert_eq!(store.attempts(&n, &scope, T0 + 60).await.unwrap(), 0);
    assert_eq!(
        store.reserve_attempt(&n, &scope, 3, 60, T0 + 60).await.unwrap(),
        Reservation::Granted
    );
    assert_eq!(store.attempts(&n, &scope, T0 + 60).await.unwrap(), 1);
    let record = AuditRecord {
        at: T0,
        outcome: AuditOutcome::Refused,
        caller: "x".into(),
        reference: "ABCD-EFGH-JKMN-PQRS".into(),
        expires_at: T0 + 1,
    };
    store.append_audit(&n, &record).await.unwrap();
    assert_eq!(store.audit_history(&n, T0).await.unwrap(), vec![record]);
    assert!(store.audit_history(&n, T0 + 1).await.unwrap().is_empty());
}

/// Everyone's failures on a number are counted per fixed window: the count starts again at the
/// next window, whatever happened before — and correct keys count nothing.
async fn everyone_is_counted_per_fixed_window_and_correct_keys_count_nothing<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000015").await;
    let clock = TestClock::at(T0 - T0 % 3600);
    let v = verifier(store, clock.clone());
    let n = number("W2026000015");
    let wrong = AuthKey::generate().unwrap();
    for i in 0..3 {
        v.verify(&n, &wrong, &format!("192.0.2.{}", 100 + i)).await.unwrap();
        v.verify(&n, &key, &format!("192.0.2.{}", 100 + i)).await.unwrap();
    }
    assert_eq!(v.store.failures(&n, 3600, clock.now()).await.unwrap(), 3);
    clock.advance(3599);
    assert_eq!(v.store.failures(&n, 3600, clock.now()).await.unwrap(), 3);
    clock.advance(1);
    assert_eq!(v.store.failures(&n, 3600, clock.now()).await.unwrap(), 0);
    v.verify(&n, &wrong, "192.0.2.100").await.unwrap();
    assert_eq!(v.store.failures(&n, 3600, clock.now()).await.unwrap(), 1);
}

/// A reference as `audit_reference` makes them: four groups of four of the keys' alphabet.
fn is_reference(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 4
        && groups
            .iter()
            .all(|g| g.len() == 4 && g.chars().all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)))
}

/// A verified answer carries its look-up's reference and time; the operator finds exactly that
/// look-up by it in the 閲覧履歴. Refusals are written with a reference of their own (one
/// write shape), which no answer hands out.
async fn a_verified_answer_names_its_audit_record<S: CertificateStore>(store: S) {
    let key = issued(&store, "W2026-000017").await;
    let clock = TestClock::at(T0);
    let v = verifier(store, clock.clone());
    let n = number("W2026000017");
    let verified = |outcome: Outcome| match outcome {
        Outcome::Verified(verified) => verified,
        other => panic!("expected verified, got {other:?}"),
    };
    let first = verified(v.verify(&n, &key, "192.0.2.1").await.unwrap());
    assert_eq!(
        v.verify(&n, &AuthKey::generate().unwrap(), "192.0.2.2").await.unwrap(),
        Outcome::Refused
    );
    clock.advance(5);
    let second = verified(v.verify(&n, &key, "192.0.2.1").await.unwrap());
    assert!(is_reference(&first.reference), "{}", first.reference);
    assert_ne!(first.reference, second.reference, "one reference per look-up");
    assert_eq!((first.at, second.at), (T0, T0 + 5));

    let history = v.store.audit_history(&n, T0 + 5).await.unwrap();
    assert_eq!(history.len(), 3);
    for answer in [&first, &second] {
        let found: Vec<_> = history.iter().filter(|r| r.reference == answer.reference).collect();
        assert_eq!(found.len(), 1, "{} names one record: {history:?}", answer.reference);
        assert_eq!((found[0].outcome, found[0].at), (AuditOutcome::Verified, answer.at));
    }
    let refusal = &history[1];
    assert_eq!(refusal.outcome, AuditOutcome::Refused);
    assert!(is_reference(&refusal.reference), "{refusal:?}");
    assert!(refusal.reference != first.reference && refusal.reference != second.reference);

    let text = admin::history(&v.store, &n, T0 + 5).await.unwrap();
    let line = text
        .lines()
        .find(|line| line.ends_with(&first.reference))
        .unwrap_or_else(|| panic!("the reference finds its line in:\n{text}"));
    assert!(line.contains("\tverified\t"), "{line}");
}

macro_rules! run_suite {
    ($make:expr) => {{
        right_key_verifies_and_wrong_key_is_refused($make).await;
        duplicate_numbers_are_rejected($make).await;
        cancelled_certificates_are_shown_with_their_status($make).await;
        stale_updates_are_refused($make).await;
        a_locked_caller_is_refused_but_its_correct_key_is_answered($make).await;
        successes_are_not_counted_as_failures($make).await;
        unknown_numbers_lock_exactly_like_real_ones($make).await;
        guessing_from_many_addresses_never_locks_out_the_key_holder($make).await;
        one_caller_sweeping_numbers_is_locked_everywhere($make).await;
        records_of_locked_callers_and_unknown_numbers_are_brief($make).await;
        a_reissued_key_replaces_the_old_one_at_once($make).await;
        a_rotation_rehashes_keys_and_keeps_caller_ids($make).await;
        concurrent_guesses_never_slip_past_the_limit($make).await;
        every_look_up_is_audited_and_expired_records_are_not_shown($make).await;
        an_expired_lock_item_is_treated_as_expired($make).await;
        everyone_is_counted_per_fixed_window_and_correct_keys_count_nothing($make).await;
        a_verified_answer_names_its_audit_record($make).await;
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn embedded_store_passes_the_suite() {
    run_suite!(MemoryStore::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_store_passes_the_suite() {
    let moto = MotoServer::start();
    run_suite!(moto.fresh_store().await);
}

/// The premise of the concurrency tests above: the test server applies conditional writes one
/// at a time, as DynamoDB does. Rounds of 50 simultaneous conditional increments of one counter
/// with a limit of 5 — the shape of a throttle reservation —: exactly 5 succeed each round.
/// Against moto's threaded server, 20 such rounds failed in one run of three.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_test_server_serialises_conditional_writes() {
    let moto = MotoServer::start();
    let store = moto.fresh_store().await;
    let client = moto.client();
    for round in 0..60 {
        let increments: Vec<_> = (0..50)
            .map(|_| {
                let increment = client
                    .update_item()
                    .table_name(store.table())
                    .key("PK", AttributeValue::S(format!("RACE#{round}")))
                    .key("SK", AttributeValue::S("RACE".into()))
                    .update_expression("ADD attempts :one")
                    .condition_expression("attribute_not_exists(attempts) OR attempts < :limit")
                    .expression_attribute_values(":one", AttributeValue::N("1".into()))
                    .expression_attribute_values(":limit", AttributeValue::N("5".into()));
                tokio::spawn(increment.send())
            })
            .collect();
        let mut granted = 0;
        for increment in increments {
            match increment.await.unwrap() {
                Ok(_) => granted += 1,
                Err(e) => assert!(
                    e.as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()),
                    "a refused increment fails its condition, nothing else: {e:?}"
                ),
            }
        }
        assert_eq!(granted, 5, "round {round}: exactly the limit is granted");
    }
}

/// A table dump holds no key, in any spelling, and without the pepper verifies nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_stored_item_contains_a_key() {
    let moto = MotoServer::start();
    let store = moto.fresh_store().await;
    let key = issued(&store, "W2026-000011").await;
    let v = verifier(store.clone(), TestClock::at(T0));
    v.verify(&number("W2026000011"), &key, "192.0.2.1").await.unwrap();
    v.verify(&number("W2026000011"), &AuthKey::generate().unwrap(), "192.0.2.1")
        .await
        .unwrap();
    let mut items = Vec::new();
    for table in [store.table(), store.activity_table()] {
        let dump = moto.client().scan().table_name(table).send().await.unwrap();
        items.extend(dump.items().iter().cloned());
    }
    assert!(
        items.len() >= 3,
        "certificate, throttle and audit items: {}",
        items.len()
    );
    let text = format!("{items:?}");
    for spelling in [
        key.as_str().to_string(),
        key.display_grouped(),
        key.as_str().to_lowercase(),
    ] {
        assert!(!text.contains(&spelling), "key found in the table");
    }
    let stored = items
        .iter()
        .find(|i| i.get("SK") == Some(&AttributeValue::S("CERT".into())))
        .unwrap();
    let AttributeValue::S(hash) = &stored["key_hash"] else {
        panic!("key_hash is a string")
    };
    assert!(hash.starts_with("t1:") && hash.len() == 3 + 64);
    let attacker = Peppers::parse("t1=some-other-pepper-0123456789abcdefghij").unwrap();
    let decoded = verifier::keys::KeyHash::decode(hash).unwrap();
    assert!(!attacker.verify(Some(&decoded), &key));
    assert!(peppers().verify(Some(&decoded), &key));
}

/// Either table behind a store disappears: every answer is an error, never a verification.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_table_fails_closed() {
    let moto = MotoServer::start();
    for which in 0..2 {
        let store = moto.fresh_store().await;
        let key = issued(&store, "W2026-000012").await;
        let table = [store.table(), store.activity_table()][which].to_string();
        moto.client().delete_table().table_name(&table).send().await.unwrap();
        let v = verifier(store, TestClock::at(T0));
        assert!(
            matches!(
                v.verify(&number("W2026000012"), &key, "192.0.2.1").await,
                Err(StoreError::Unavailable(_))
            ),
            "{table} missing"
        );
    }
}

/// One address naming 300 different numbers: the caller-wide limit stops it after 30 failures,
/// and a locked caller creates no counter on the numbers it names — the activity table holds
/// about a hundred counters, not 900 — while each look-up is still audited (briefly).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_sweeping_numbers_creates_bounded_items() {
    let moto = MotoServer::start();
    let store = moto.fresh_store().await;
    let v = verifier(store.clone(), TestClock::at(T0));
    let wrong = AuthKey::generate().unwrap();
    for i in 0..300 {
        v.verify(&number(&format!("W2028{i:06}")), &wrong, "203.0.113.66")
            .await
            .unwrap();
    }
    let mut start = None;
    let (mut throttles, mut audits) = (0, 0);
    loop {
        let page = moto
            .client()
            .scan()
            .table_name(store.activity_table())
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .unwrap();
        for item in page.items() {
            match item.get("SK") {
                Some(AttributeValue::S(sk)) if sk.starts_with("THROTTLE#") => throttles += 1,
                Some(AttributeValue::S(sk)) if sk.starts_with("AUDIT#") => audits += 1,
                _ => {}
            }
        }
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => break,
        }
    }
    assert!(throttles <= 3 * 30 + 1, "{throttles} throttle items");
    assert_eq!(audits, 300, "every look-up audited");
}

/// Certificates and activity live in separate tables: the function's role can read the
/// certificates without being able to write them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_and_activity_are_in_separate_tables() {
    let moto = MotoServer::start();
    let store = moto.fresh_store().await;
    let key = issued(&store, "W2026-000014").await;
    let v = verifier(store.clone(), TestClock::at(T0));
    v.verify(&number("W2026000014"), &key, "192.0.2.1").await.unwrap();
    v.verify(&number("W2026000014"), &AuthKey::generate().unwrap(), "192.0.2.1")
        .await
        .unwrap();
    let sort_keys = |table: String| {
        let client = moto.client();
        async move {
            let dump = client.scan().table_name(table).send().await.unwrap();
            dump.items()
                .iter()
                .map(|i| match i.get("SK") {
                    Some(AttributeValue::S(sk)) => sk.split('#').next().unwrap_or("").to_string(),
                    _ => String::new(),
                })
                .collect::<std::collections::BTreeSet<_>>()
        }
    };
    assert_eq!(sort_keys(store.table().to_string()).await, ["CERT".to_string()].into());
    assert_eq!(
        sort_keys(store.activity_table().to_string()).await,
        ["AUDIT".to_string(), "THROTTLE".to_string()].into()
    );
}

/// What one request to DynamoDB did, without the ids in it: the operation, the table, the kind
/// of item (sort key up to its ids), whether it read a projection; and the answer's size.
#[derive(Debug, Default, Clone)]
struct Recorder(Arc<std::sync::Mutex<Vec<(String, usize)>>>);

fn item_kind(body: &serde_json::Value) -> String {
    let sk = body["Key"]["SK"]["S"]
        .as_str()
        .or(body["Item"]["SK"]["S"].as_str())
        .unwrap_or("");
    let kind: Vec<&str> = sk
        .split('#')
        .take_while(|part| part.chars().all(|c| c.is_ascii_uppercase()) && !part.is_empty())
        .collect();
    let table = body["TableName"].as_str().unwrap_or("");
    format!(
        "{} {}{}",
        if table.ends_with("-activity") {
            "activity"
        } else {
            "certificates"
        },
        kind.join("#"),
        if body.get("ProjectionExpression").is_some() {
            " (projection)"
        } else {
            ""
        }
    )
}

impl aws_sdk_dynamodb::config::Intercept for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let request = context.request();
        let operation = request
            .headers()
            .get("x-amz-target")
            .unwrap_or("")
            .trim_start_matches("DynamoDB_20120810.")
            .to_string();
        let body: serde_json::Value = request
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        self.0
            .lock()
            .unwrap()
            .push((format!("{operation} {}", item_kind(&body)), 0));
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::AfterDeserializationInterceptorContextRef<'_>,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let size = context.response().body().bytes().map_or(0, <[u8]>::len);
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.1 = size;
        }
        Ok(())
    }
}

/// A store on moto whose every request is recorded.
async fn recorded_store(moto: &MotoServer) -> (verifier::DynamoStore, Recorder) {
    let recorder = Recorder::default();
    let client = aws_sdk_dynamodb::Client::from_conf(
        moto.client()
            .config()
            .to_builder()
            .interceptor(recorder.clone())
            .build(),
    );
    let store = verifier::DynamoStore::new(client, format!("shape{}", std::process::id()));
    store.create_table().await.unwrap();
    (store, recorder)
}

/// Attack 5: a wrong key on a known number read the whole certificate (0.76 ms slower than an
/// unknown number), and a number nobody had looked up for an hour cost one more write — so
/// existence and recent interest leaked. Now a refusal makes the same requests to the same
/// kinds of items in every case, reads only the key hash (a few bytes, whatever the
/// certificate holds), and writes once per counter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dynamodb_refusal_path_has_one_shape() {
    let moto = MotoServer::start();
    let (store, recorder) = recorded_store(&moto).await;
    issued(&store, "W2026-100001").await;
    issued(&store, "W2026-100002").await;
    let v = verifier(store, TestClock::at(T0));
    let wrong = AuthKey::generate().unwrap();
    // Someone else has been failing on these two lately; the others are quiet.
    v.verify(&number("W2026100001"), &wrong, "192.0.2.200").await.unwrap();
    v.verify(&number("W2026200001"), &wrong, "192.0.2.200").await.unwrap();
    let cases = [
        ("known number, looked at lately", "W2026100001"),
        ("known number, quiet", "W2026100002"),
        ("unknown number, looked at lately", "W2026200001"),
        ("unknown number, quiet", "W2026200002"),
    ];
    let mut shapes = Vec::new();
    for (i, (case, text)) in cases.iter().enumerate() {
        recorder.0.lock().unwrap().clear();
        let outcome = v
            .verify(&number(text), &wrong, &format!("198.51.100.{i}"))
            .await
            .unwrap();
        assert_eq!(outcome, Outcome::Refused, "{case}");
        let requests = recorder.0.lock().unwrap().clone();
        let reads: Vec<usize> = requests
            .iter()
            .filter(|(what, _)| what.starts_with("GetItem"))
            .map(|(_, size)| *size)
            .collect();
        assert!(
            !reads.is_empty() && reads.iter().all(|&size| size < 200),
            "{case}: only the key hash is read: {requests:?}"
        );
        if case.starts_with("known") {
            assert!(
                reads.iter().all(|&size| size > 20),
                "{case}: the hash was read: {requests:?}"
            );
        }
        let writes = requests.iter().filter(|(what, _)| !what.starts_with("GetItem")).count();
        assert_eq!(
            writes, 4,
            "{case}: two caller counters, everyone's count, the audit record: {requests:?}"
        );
        shapes.push((case, requests.into_iter().map(|(what, _)| what).collect::<Vec<_>>()));
    }
    for (case, shape) in &shapes[1..] {
        assert_eq!(shape, &shapes[0].1, "{case} against {}", shapes[0].0);
    }
}
