//! The verifier under siege (issue 19): each attack the red-team pass found, made small enough
//! for CI — seconds, loopback only, bounded — and asserting what must hold: no caller, no
//! address pool and no slow client stops an orderer with a correct key; keys are never lost
//! by a failed import.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::served::{post, post_with, Served, DEMO_LOOK_UP};
use support::stores::{Behaviour, Observed};
use verifier::admin::commands::{self, Rerun};
use verifier::{AuthKey, CertificateNumber, CertificateStore, Error, MemoryStore, Outcome, Peppers, Verifier};

fn demo_store() -> MemoryStore {
    MemoryStore::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/certificates.yaml")).unwrap()
}

fn demo_number() -> CertificateNumber {
    CertificateNumber::parse("W2026-040123").unwrap()
}

fn demo_key() -> AuthKey {
    verifier::normalize::parse_key("C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK").unwrap()
}

/// Attack 1: 3,400 source addresses × 30 look-ups of never-issued numbers used to fill the
/// embedded store's 200,000 windows in 1.7 s, and from then on every caller not seen before got
/// 503. Now a correct key touches no counter, each caller's windows live in one bounded entry
/// and everyone's counts are evictable: a new caller's correct key is answered throughout.
#[tokio::test]
async fn a_new_callers_correct_key_is_answered_while_3400_addresses_fill_the_tables() {
    let verifier = Verifier::new(demo_store(), Peppers::development());
    let wrong = AuthKey::generate().unwrap();
    for address in 0..3_400u32 {
        let caller = format!("10.{}.{}.{}", address >> 16, (address >> 8) & 255, address & 255);
        for i in 0..30u32 {
            let ghost = CertificateNumber::parse(&format!("X{address:06}{i:04}")).unwrap();
            verifier.verify(&ghost, &wrong, &caller).await.unwrap();
        }
    }
    for fresh in 0..5 {
        let answer = verifier
            .verify(&demo_number(), &demo_key(), &format!("198.51.100.{fresh}"))
            .await;
        assert!(
            matches!(answer, Ok(Outcome::Verified(_))),
            "a new caller's correct key after the fill: {answer:?}"
        );
    }
}

/// Past a cap the refusal path degrades — refusals of callers never seen fail closed — while
/// the correct path does not, and the health check says what is full.
#[tokio::test]
async fn past_a_cap_only_refusals_fail_and_health_says_so() {
    use verifier::store::MemoryLimits;
    let limits = MemoryLimits {
        callers: 10,
        number_counts: 10,
        audit_records: 1_000,
    };
    let store = demo_store();
    let full = MemoryStore::with_limits(limits);
    // The demo's certificates in the capped store.
    for number in ["W2026-040123"] {
        let number = CertificateNumber::parse(number).unwrap();
        let stored = store.get(&number).await.unwrap().unwrap();
        full.insert(&number, &stored.certificate, &stored.key_hash)
            .await
            .unwrap();
    }
    let app = verifier::router(
        Arc::new(Verifier::new(full, Peppers::development())),
        verifier::HttpConfig::default(),
    );
    let verifier = Verifier::new(MemoryStore::with_limits(limits), Peppers::development());
    let wrong = AuthKey::generate().unwrap();
    for i in 0..10 {
        verifier
            .verify(&demo_number(), &wrong, &format!("10.0.0.{i}"))
            .await
            .unwrap();
    }
    assert!(matches!(
        verifier.verify(&demo_number(), &wrong, "10.0.1.1").await,
        Err(verifier::store::StoreError::Unavailable(_))
    ));
    assert_eq!(verifier.store.full(), Some("caller counters"));
    // The same through the router: health is "degraded", a correct key is still 200.
    use axum::body::{to_bytes, Body};
    use axum::http::Request;
    use tower::ServiceExt;
    let send = |request: Request<Body>, from: [u8; 4]| {
        let mut request = request;
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((from, 40000))));
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let look_up = |key: &str| {
        Request::post("/api/verify")
            .header("content-type", "application/json")
            .body(Body::from(format!(
                r#"{{"certificate_number":"W2026-040123","auth_key":"{key}"}}"#
            )))
            .unwrap()
    };
    for i in 0..10 {
        send(look_up("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"), [10, 0, 0, i]).await;
    }
    let (status, _) = send(look_up("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"), [10, 0, 1, 1]).await;
    assert_eq!(status, 503, "a new caller's refusal fails closed");
    let (status, _) = send(look_up("C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"), [10, 0, 1, 2]).await;
    assert_eq!(status, 200, "a new caller's correct key is answered");
    let (status, body) = send(Request::get("/api/health").body(Body::empty()).unwrap(), [10, 0, 1, 3]).await;
    assert_eq!(status, 200);
    assert_eq!(body, r#"{"full":"caller counters","status":"degraded"}"#);
}

/// Attack 2: 512 connections from one address sending headers and then a body byte every few
/// seconds used to hold every slot of `verifier serve` (0 of 12 correct look-ups answered) and
/// log a warning per refused connection. Now one address holds at most its share, the rest of
/// the request has a time limit, and the warnings are counted, not repeated.
#[test]
fn correct_look_ups_are_answered_under_512_slow_connections_from_one_address() {
    let mut served = Served::start(&[("RUST_LOG", "warn")]);
    let started = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..512 {
        let Ok(mut stream) = TcpStream::connect(&served.addr) else {
            continue;
        };
        let _ = stream.write_all(
            b"POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n{",
        );
        slow.push(stream);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = served.socket_addr();
    let answered = runtime.block_on(async {
        let mut answered = 0;
        for _ in 0..12 {
            // From another loopback address, as another orderer would come.
            let look_up = async {
                let socket = tokio::net::TcpSocket::new_v4().ok()?;
                socket.bind("127.0.0.2:0".parse().ok()?).ok()?;
                let mut stream = socket.connect(server).await.ok()?;
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                stream.write_all(post(DEMO_LOOK_UP).as_bytes()).await.ok()?;
                let mut answer = Vec::new();
                stream.read_to_end(&mut answer).await.ok()?;
                Some(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"))
            };
            if let Ok(Some(true)) = tokio::time::timeout(Duration::from_secs(5), look_up).await {
                answered += 1;
            }
        }
        answered
    });
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "bounded: {:?}",
        started.elapsed()
    );
    println!(
        "{answered} of 12 correct look-ups answered under {} slow connections",
        slow.len()
    );
    assert!(answered * 100 >= 12 * 80, "{answered} of 12 correct look-ups answered");
    drop(slow);
    let log = served.stderr();
    let warnings = log.lines().filter(|l| l.contains("WARN")).count();
    assert!(
        warnings <= 4,
        "{warnings} warning lines for 480 refused connections:\n{log}"
    );
    assert!(log.contains("suppressed"), "{log}");
}

/// The rest of a request after its headers has a time limit: a body that trickles in is cut
/// off (408) well before the connection's lifetime.
#[test]
fn a_trickling_body_is_cut_off() {
    let served = Served::start(&[("VERIFIER_REQUEST_TIMEOUT_MS", "500")]);
    let mut stream = served.connect();
    stream
        .write_all(
            b"POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n{",
        )
        .unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

/// Attack 6: `GET //verify` used to answer `Location: //verify/` — protocol-relative, another
/// site for a browser. No redirect leaves the origin.
#[test]
fn no_redirect_is_protocol_relative() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("verify")).unwrap();
    std::fs::write(site.path().join("index.html"), "<!DOCTYPE html><title>一覧</title>").unwrap();
    std::fs::write(
        site.path().join("404.html"),
        "<!DOCTYPE html><title>見つかりません</title>",
    )
    .unwrap();
    std::fs::write(
        site.path().join("verify/index.html"),
        "<!DOCTYPE html><title>確認</title>",
    )
    .unwrap();
    let served = Served::start_with(&["--site", site.path().to_str().unwrap()], &[]);
    let get = |path: &str| served.request(&format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    for path in ["//verify", "//evil.example", "///verify", "/\\evil.example"] {
        let answer = get(path);
        let location = answer
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("location:"))
            .map(|l| l[9..].trim().to_string());
        assert!(
            location
                .as_deref()
                .is_none_or(|l| l.starts_with('/') && !l.starts_with("//") && !l.starts_with("/\\")),
            "{path}: {answer}"
        );
    }
    assert!(get("/verify").contains("Location: /verify/") || get("/verify").contains("location: /verify/"));
}

/// Attack 6: with `X-Forwarded-For` trusted by hop count and the server reachable directly, a
/// client rotating the header escaped every limit (and could lock a victim by naming it). Now
/// the header is read only on connections from configured proxies: a direct client is itself.
#[test]
fn a_direct_client_cannot_choose_its_address() {
    let served = Served::start(&[("VERIFIER_TRUSTED_PROXIES", "10.0.0.0/8")]);
    let wrong = r#"{"certificate_number":"W2026-040123","auth_key":"AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"}"#;
    let statuses: Vec<String> = (0..7)
        .map(|i| {
            let answer = served.request(&post_with(wrong, &format!("X-Forwarded-For: 203.0.113.{i}\r\n")));
            answer.lines().next().unwrap_or("").to_string()
        })
        .collect();
    assert_eq!(statuses[..5], vec!["HTTP/1.1 404 Not Found".to_string(); 5][..]);
    assert_eq!(statuses[5], "HTTP/1.1 429 Too Many Requests", "{statuses:?}");
}

/// Attack 6: admins were told to `export VERIFIER_PEPPERS=…` (their shell's history keeps it).
/// A secret in the environment is refused by every command; the commands that hash no key ask
/// for no secret at all.
#[test]
fn secrets_are_never_read_from_the_environment() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let output = std::process::Command::new(support::served::program())
            .args(args)
            .current_dir(support::served::repo_root())
            .env_remove("VERIFIER_PEPPERS")
            .env_remove("VERIFIER_CALLER_KEY")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let exported = [("VERIFIER_PEPPERS", "p1=production-pepper-0123456789abcdef0123")];
    for args in [&["history", "W2026-040123"][..], &["reissue", "W2026-040123"][..]] {
        let (status, stderr) = run(args, &exported);
        assert_eq!(status, Some(1), "{stderr}");
        assert!(stderr.contains("VERIFIER_PEPPERS が環境変数にあります"), "{stderr}");
    }
    // history hashes no key: no secret, and no note about a development pepper.
    let (status, stderr) = run(&["--store", "memory", "history", "W2026-040123"], &[]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(!stderr.contains("pepper"), "{stderr}");
}

const FOUR: &str = "
- certificate_number: W2026-060001
  guarantee_kind: 前払金保証
  orderer: 芦屋町長
  contractor: { name: 株式会社テスト, address: 福岡県遠賀郡芦屋町 }
  work_name: 町道改良工事
  work_location: 芦屋町地内
  contract_amount: 10000000
  guarantee_amount: 4000000
  guarantee_period: { from: 2026-06-01, to: 2027-03-31 }
  issued_on: 2026-06-01
  status: 有効
- certificate_number: W2026-060002
  guarantee_kind: 契約保証
  orderer: 芦屋町長
  contractor: { name: 株式会社テスト, address: 福岡県遠賀郡芦屋町 }
  work_name: 町道改良工事
  work_location: 芦屋町地内
  contract_amount: 10000000
  guarantee_amount: 1000000
  guarantee_period: { from: 2026-06-01, to: 2027-03-31 }
  issued_on: 2026-06-01
  status: 有効
- certificate_number: W2026-060003
  guarantee_kind: 前払金保証
  orderer: 芦屋町長
  contractor: { name: 株式会社テスト, address: 福岡県遠賀郡芦屋町 }
  work_name: 橋梁補修工事
  work_location: 芦屋町地内
  contract_amount: 20000000
  guarantee_amount: 8000000
  guarantee_period: { from: 2026-06-01, to: 2027-03-31 }
  issued_on: 2026-06-01
  status: 有効
- certificate_number: W2026-060004
  guarantee_kind: 前払金保証
  orderer: 芦屋町長
  contractor: { name: 株式会社テスト, address: 福岡県遠賀郡芦屋町 }
  work_name: 排水路工事
  work_location: 芦屋町地内
  contract_amount: 5000000
  guarantee_amount: 2000000
  guarantee_period: { from: 2026-06-01, to: 2027-03-31 }
  issued_on: 2026-06-01
  status: 有効
";

/// The keys printed by an import: number → key.
fn printed(out: &[u8]) -> Vec<(String, AuthKey)> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, k)| (n.to_string(), verifier::normalize::parse_key(k).unwrap()))
        .collect()
}

/// Attack 3: the first error used to stop `import` without printing the keys of the
/// certificates already written — stored with keys nobody saw — and a rerun failed on the first
/// number. Now a store lost part-way leaves exactly the printed keys' certificates stored, each
/// printed key verifies, and a rerun reports what is there and stores the rest.
#[tokio::test]
async fn a_failed_import_leaves_no_certificate_without_its_printed_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("four.yaml");
    std::fs::write(&file, FOUR).unwrap();
    let peppers = Peppers::development();
    let store = Observed::new(MemoryStore::new(), Behaviour::FailInsertsAfter(2));
    let mut out = Vec::new();
    let failed = commands::import(&store, &file, &peppers, &file, Rerun::Skip, None, &mut out).await;
    assert!(matches!(failed, Err(Error::Store(_))), "{failed:?}");
    let keys = printed(&out);
    assert_eq!(keys.len(), 2, "{}", String::from_utf8_lossy(&out));
    let all: Vec<CertificateNumber> = (1..=4)
        .map(|i| CertificateNumber::parse(&format!("W2026-06000{i}")).unwrap())
        .collect();
    for (i, number) in all.iter().enumerate() {
        let stored = store.inner.get(number).await.unwrap();
        assert_eq!(
            stored.is_some(),
            i < 2,
            "{number}: stored exactly when its key was printed"
        );
    }
    for (number, key) in &keys {
        let number = CertificateNumber::parse(number).unwrap();
        let hash = store.inner.key_hash(&number).await.unwrap();
        assert!(peppers.verify(hash.as_ref(), key), "the printed key verifies");
    }
    // The store is back: the rerun skips the two already there and prints the other two.
    let again = Observed::new(MemoryStore::new(), Behaviour::Normal);
    for number in &all[..2] {
        let stored = store.inner.get(number).await.unwrap().unwrap();
        again
            .inner
            .insert(number, &stored.certificate, &stored.key_hash)
            .await
            .unwrap();
    }
    let mut out = Vec::new();
    commands::import(&again, &file, &peppers, &file, Rerun::Skip, None, &mut out)
        .await
        .unwrap();
    let rest: Vec<String> = printed(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(rest, ["W2026-060003", "W2026-060004"]);
    // `issue` refuses the same file: nothing is stored twice, nothing is printed.
    let mut out = Vec::new();
    let refused = commands::import(&again, &file, &peppers, &file, Rerun::Refuse, None, &mut out).await;
    assert!(
        matches!(&refused, Err(Error::NothingImported(problems)) if problems.len() == 4),
        "{refused:?}"
    );
    assert!(out.is_empty());
}

/// Bad entries are all found before anything is written: a malformed number, a number twice in
/// the file, a number already stored with other contents.
#[tokio::test]
async fn an_import_with_a_bad_entry_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    let bad = FOUR
        .replacen("W2026-060003", "W2026/060003", 1)
        .replacen("W2026-060004", "W2026-060001", 1);
    std::fs::write(&file, bad).unwrap();
    let store = Observed::new(MemoryStore::new(), Behaviour::Normal);
    let other = support::sample_certificate("W2026-060002");
    let number = CertificateNumber::parse("W2026-060002").unwrap();
    let hash = Peppers::development().hash_key(&AuthKey::generate().unwrap());
    store.inner.insert(&number, &other, &hash).await.unwrap();
    let mut out = Vec::new();
    let refused = commands::import(
        &store,
        &file,
        &Peppers::development(),
        &file,
        Rerun::Skip,
        None,
        &mut out,
    )
    .await;
    let Err(Error::NothingImported(problems)) = refused else {
        panic!("{refused:?}")
    };
    assert!(out.is_empty());
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems.iter().any(|p| matches!(
        p,
        Error::DuplicateInFile {
            first: 1,
            second: 4,
            ..
        }
    )));
    assert!(problems.iter().any(
        |p| matches!(p, Error::Entry { entry: 2, problem, .. } if matches!(**problem, Error::RegisteredDifferently(_)))
    ));
    assert!(problems
        .iter()
        .any(|p| matches!(p, Error::Entry { entry: 3, problem, .. } if matches!(**problem, Error::Field(_)))));
    assert!(store
        .inner
        .get(&CertificateNumber::parse("W2026-060001").unwrap())
        .await
        .unwrap()
        .is_none());
}

/// The same failure with `--notice-dir`: each notice is written before its certificate is
/// stored and removed when storing fails — so the notices left are exactly the stored
/// certificates', and nothing is printed but their paths.
#[tokio::test]
async fn a_failed_import_leaves_exactly_the_stored_certificates_notices() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("four.yaml");
    std::fs::write(&file, FOUR).unwrap();
    let notices = verifier::notice::NoticeSettings {
        dir: dir.path().join("notices"),
        font: verifier::notice::DEFAULT_FONT.into(),
        verify_url: "http://127.0.0.1:8788/".into(),
        issuer: "西日本建設業保証株式会社".into(),
        service: "D-Sure".into(),
    };
    let store = Observed::new(MemoryStore::new(), Behaviour::FailInsertsAfter(2));
    let mut out = Vec::new();
    let failed = commands::import(
        &store,
        &file,
        &Peppers::development(),
        &file,
        Rerun::Skip,
        Some(&notices),
        &mut out,
    )
    .await;
    assert!(matches!(failed, Err(Error::Store(_))), "{failed:?}");
    let mut left: Vec<String> = std::fs::read_dir(&notices.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["W2026-060001.pdf", "W2026-060002.pdf"]);
    let out = String::from_utf8_lossy(&out);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().all(|l| l.ends_with(".pdf")), "paths, never keys: {out}");
}
