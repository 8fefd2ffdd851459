//! The HTTP contract: statuses, the uniform refusal, bounds, headers — on the demo store that
//! `verifier serve` uses by default, with the demo keys the README lists.

mod support;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use support::stores::{Behaviour, Observed};
use tower::ServiceExt;
use verifier::{router, router_with_site, HttpConfig, MemoryStore, Peppers, Verifier};

/// The demo keys as the README lists them.
pub const DEMO_KEYS: [(&str, &str); 3] = [
    ("W2026-040123", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"),
    ("W2026-040124", "3EWB-WFHD-001N-6PYF-RMDG-PM9H"),
    ("W2025-120045", "M9G8-DK0G-3R9E-4RP6-R6MG-CH2N"),
];

fn demo_store() -> MemoryStore {
    MemoryStore::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/certificates.yaml")).unwrap()
}

fn app_with(store: Observed, config: HttpConfig) -> (Router, Arc<std::sync::atomic::AtomicUsize>) {
    let calls = store.calls.clone();
    (
        router(Arc::new(Verifier::new(store, Peppers::development())), config),
        calls,
    )
}

fn app() -> Router {
    app_with(Observed::new(demo_store(), Behaviour::Normal), HttpConfig::default()).0
}

fn post_json(body: impl Into<String>) -> Request<Body> {
    Request::post("/api/verify")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.into()))
        .unwrap()
}

fn verify_request(number: &str, key: &str) -> Request<Body> {
    post_json(json!({ "certificate_number": number, "auth_key": key }).to_string())
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// As `verifier serve` delivers a request: with the connection's address.
async fn send(app: &Router, mut request: Request<Body>) -> Answer {
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [192, 0, 2, 1],
            40000,
        ))));
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap().to_vec();
    Answer { status, headers, body }
}

#[tokio::test]
async fn every_demo_key_in_the_readme_verifies() {
    let app = app();
    for (number, key) in DEMO_KEYS {
        let answer = send(&app, verify_request(number, key)).await;
        assert_eq!(answer.status, StatusCode::OK, "{number}");
        let body = answer.json();
        assert_eq!(body["status"], "verified");
        assert_eq!(body["certificate"]["certificate_number"], number);
    }
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    for (number, key) in DEMO_KEYS {
        assert!(
            readme.contains(number) && readme.contains(key),
            "README lists {number} {key}"
        );
    }
}

#[tokio::test]
async fn a_cancelled_certificate_is_returned_with_its_status_and_history() {
    let answer = send(&app(), verify_request("W2025-120045", "M9G8-DK0G-3R9E-4RP6-R6MG-CH2N")).await;
    let body = answer.json();
    assert_eq!(body["certificate"]["status"], "解約");
    assert_eq!(body["certificate"]["history"][1]["status"], "解約");
    for field in [
        "guarantee_kind",
        "orderer",
        "contractor",
        "work_name",
        "work_location",
        "contract_amount",
        "guarantee_amount",
        "guarantee_period",
        "issued_on",
    ] {
        assert!(!body["certificate"][field].is_null(), "{field}");
    }
}

/// The verified answer names its look-up: `audit_reference` is the reference of exactly one
/// audit record, a verified one at `verified_at`; a refusal names none (it stays the uniform
/// refusal, byte for byte).
#[tokio::test]
async fn a_verified_answer_carries_the_reference_and_time_of_its_audit_record() {
    let store = Observed::new(demo_store(), Behaviour::Normal);
    let audit = store.inner.clone();
    let app = app_with(store, HttpConfig::default()).0;
    let answer = send(&app, verify_request("W2026-040124", "3EWB-WFHD-001N-6PYF-RMDG-PM9H")).await;
    let body = answer.json();
    let reference = body["audit_reference"].as_str().unwrap().to_string();
    assert_eq!(reference.len(), 19, "{reference}");
    let at = time::OffsetDateTime::parse(
        body["verified_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let refused = send(&app, verify_request("W2026-040124", "3EWB-WFHD-001N-6PYF-RMDG-PM9A")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.json().get("audit_reference").is_none());

    let number = verifier::CertificateNumber::parse("W2026-040124").unwrap();
    let records = verifier::CertificateStore::audit_history(&*audit, &number, 0)
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    let named: Vec<_> = records.iter().filter(|r| r.reference == reference).collect();
    assert_eq!(named.len(), 1, "{reference} in {records:?}");
    assert_eq!(named[0].outcome, verifier::store::AuditOutcome::Verified);
    assert_eq!(named[0].at as i64, at.unix_timestamp());
}

#[tokio::test]
async fn full_width_input_and_other_dashes_are_accepted() {
    let answer = send(
        &app(),
        verify_request(
            "Ｗ２０２６ー０４０１２３",
            "ｃ８ｆｋ－２ｘｃｐ－ｍｑｔｗ－ｈ６ｔｑ－ｓｑ９ｇ－６３ｋｋ",
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_number_and_wrong_key_look_the_same() {
    let app = app();
    let wrong_key = send(&app, verify_request("W2026-040123", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KA")).await;
    let unknown = send(&app, verify_request("W2026-999999", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK")).await;
    assert_eq!(wrong_key.status, StatusCode::NOT_FOUND);
    assert_eq!(wrong_key.status, unknown.status);
    assert_eq!(wrong_key.body, unknown.body);
    let without_date = |h: &axum::http::HeaderMap| {
        let mut h = h.clone();
        h.remove(header::DATE);
        h
    };
    assert_eq!(without_date(&wrong_key.headers), without_date(&unknown.headers));
}

#[tokio::test]
async fn repeated_failures_lock_with_retry_after_for_existing_and_unknown_numbers() {
    // A fixed clock: on the system's, a second may pass between the first failure and the lock.
    let mut verifier = Verifier::new(demo_store(), Peppers::development());
    verifier.clock = support::TestClock::at(1_790_000_000);
    let app = router(Arc::new(verifier), HttpConfig::default());
    for number in ["W2026-040124", "W2026-555555"] {
        for _ in 0..5 {
            assert_eq!(
                send(&app, verify_request(number, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"))
                    .await
                    .status,
                StatusCode::NOT_FOUND
            );
        }
        let locked = send(&app, verify_request(number, "AAAA-AAAA-AAAA-AAAA-AAAA-AAA0")).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{number}");
        assert_eq!(locked.headers[header::RETRY_AFTER], "900");
        assert_eq!(locked.json()["error"]["code"], "locked");
        assert!(locked.json()["error"]["message"].as_str().unwrap().contains("約15分後"));
    }
    // Locks hold back refusals only: the locked caller's correct key is answered.
    let correct = send(&app, verify_request("W2026-040124", "3EWB-WFHD-001N-6PYF-RMDG-PM9H")).await;
    assert_eq!(correct.status, StatusCode::OK);
}

#[tokio::test]
async fn malformed_input_gets_its_status_and_never_reaches_the_store() {
    let (app, calls) = app_with(Observed::new(demo_store(), Behaviour::Normal), HttpConfig::default());
    let cases: Vec<(Request<Body>, StatusCode, Option<&str>)> = vec![
        (
            Request::post("/api/verify")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("x"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        ),
        (
            Request::post("/api/verify").body(Body::from("{}")).unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        ),
        (post_json("x".repeat(5000)), StatusCode::PAYLOAD_TOO_LARGE, None),
        (post_json("{not json"), StatusCode::BAD_REQUEST, None),
        (
            post_json(r#"{"certificate_number":"W2026-040123"}"#),
            StatusCode::BAD_REQUEST,
            Some("auth_key"),
        ),
        (
            post_json(r#"{"auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}"#),
            StatusCode::BAD_REQUEST,
            Some("certificate_number"),
        ),
        (
            post_json(r#"{"certificate_number":12345678,"auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}"#),
            StatusCode::BAD_REQUEST,
            Some("certificate_number"),
        ),
        (
            verify_request("W2026-040123", "C8FK-2XCP"),
            StatusCode::BAD_REQUEST,
            Some("auth_key"),
        ),
        (
            verify_request("W2026-040123", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63K!"),
            StatusCode::BAD_REQUEST,
            Some("auth_key"),
        ),
        (
            verify_request("W2026/040123", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"),
            StatusCode::BAD_REQUEST,
            Some("certificate_number"),
        ),
        (
            verify_request("", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"),
            StatusCode::BAD_REQUEST,
            Some("certificate_number"),
        ),
        (
            Request::get("/api/verify").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            None,
        ),
        (
            Request::delete("/api/health").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            None,
        ),
        (
            Request::get("/api/nothing").body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            None,
        ),
    ];
    for (request, status, field) in cases {
        let label = format!("{} {}", request.method(), request.uri());
        let answer = send(&app, request).await;
        assert_eq!(answer.status, status, "{label}");
        let body = answer.json();
        assert!(
            body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{label}: a message"
        );
        if let Some(field) = field {
            assert_eq!(body["error"]["field"], field, "{label}");
        }
        assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store", "{label}");
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "no malformed request touched the store"
    );
    let get = send(&app, Request::get("/api/verify").body(Body::empty()).unwrap()).await;
    assert_eq!(get.headers[header::ALLOW], "POST");
}

#[tokio::test]
async fn a_store_failure_or_timeout_is_503_never_200() {
    for behaviour in [Behaviour::Fail, Behaviour::Hang] {
        let config = HttpConfig {
            timeout: Duration::from_millis(200),
            ..HttpConfig::default()
        };
        let (app, calls) = app_with(Observed::new(demo_store(), behaviour), config);
        let answer = send(&app, verify_request("W2026-040123", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK")).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.json()["error"]["code"], "unavailable");
        assert!(answer.headers.contains_key(header::RETRY_AFTER));
        assert!(calls.load(Ordering::SeqCst) > 0);
        let health = send(&app, Request::get("/api/health").body(Body::empty()).unwrap()).await;
        assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    }
}

#[tokio::test]
async fn security_headers_and_cors_only_by_allow_list() {
    let app = app();
    let health = send(
        &app,
        Request::get("/api/health")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(health.headers[header::CACHE_CONTROL], "no-store");
    assert!(!health.headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));

    let config = HttpConfig {
        cors_origins: vec!["https://city.example.jp".into()],
        ..HttpConfig::default()
    };
    let (app, _) = app_with(Observed::new(demo_store(), Behaviour::Normal), config);
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/verify")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .body(Body::empty())
            .unwrap()
    };
    let allowed = send(&app, preflight("https://city.example.jp")).await;
    assert_eq!(
        allowed.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://city.example.jp"
    );
    let other = send(&app, preflight("https://evil.example")).await;
    assert!(!other.headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}

/// A built site reduced to what the server needs: an index and the 404 page.
fn minimal_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<!DOCTYPE html><title>一覧</title>").unwrap();
    std::fs::write(
        site.path().join("404.html"),
        "<!DOCTYPE html><title>見つかりません</title>",
    )
    .unwrap();
    site
}

#[tokio::test]
async fn the_site_is_served_on_the_same_origin() {
    let site = minimal_site();
    std::fs::create_dir(site.path().join("verify")).unwrap();
    std::fs::write(
        site.path().join("verify/index.html"),
        "<!DOCTYPE html><title>確認</title>",
    )
    .unwrap();
    let app = router_with_site(app(), site.path());
    assert_eq!(
        send(&app, Request::get("/").body(Body::empty()).unwrap()).await.status,
        StatusCode::OK
    );
    let verify_page = send(&app, Request::get("/verify/").body(Body::empty()).unwrap()).await;
    assert!(String::from_utf8(verify_page.body).unwrap().contains("確認"));
    let missing = send(&app, Request::get("/no-such-page/").body(Body::empty()).unwrap()).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8(missing.body).unwrap().contains("見つかりません"));
    let api = send(&app, verify_request("W2026-040123", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK")).await;
    assert_eq!(api.status, StatusCode::OK);
}

fn from_forwarded(number: &str, key: &str, forwarded_for: &str) -> Request<Body> {
    let mut request = verify_request(number, key);
    request
        .headers_mut()
        .insert("x-forwarded-for", forwarded_for.parse().unwrap());
    request
}

/// Behind a trusted proxy (the connection's address, 192.0.2.1, is configured as one): the
/// entry it appended must be an address, and IPv6 callers share one budget per /64 (one
/// subscriber's block), so rotating within it buys nothing.
#[tokio::test]
async fn forwarded_callers_are_addresses_and_ipv6_is_counted_per_64() {
    let config = HttpConfig {
        trusted_proxies: vec!["192.0.2.1/32".parse().unwrap()],
        ..HttpConfig::default()
    };
    let app = app_with(Observed::new(demo_store(), Behaviour::Normal), config).0;
    let garbage = send(
        &app,
        from_forwarded("W2026-040123", DEMO_KEYS[0].1, "garbage-not-an-ip"),
    )
    .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbage.json()["error"]["code"], "invalid_caller");
    let wrong = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA";
    for i in 1..=5 {
        let answer = send(
            &app,
            from_forwarded("W2026-040123", wrong, &format!("2001:db8:7:7::{i}")),
        )
        .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
    }
    let same_block = send(&app, from_forwarded("W2026-040123", wrong, "2001:db8:7:7:ffff::1")).await;
    assert_eq!(same_block.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!same_block.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("誤った入力"));
    let other_block = send(&app, from_forwarded("W2026-040123", wrong, "2001:db8:7:8::1")).await;
    assert_eq!(other_block.status, StatusCode::NOT_FOUND);
}

/// `serve --site` serves the site's own files only, with the site's security headers: no
/// dotfile (`.git`, `.env`), nothing a symbolic link reaches outside the site.
#[tokio::test]
async fn the_site_serves_only_its_own_files_with_its_security_headers() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "outside the site").unwrap();
    let site = minimal_site();
    std::fs::write(site.path().join(".env"), "VERIFIER_PEPPERS=p=oops").unwrap();
    std::fs::create_dir(site.path().join(".git")).unwrap();
    std::fs::write(site.path().join(".git/config"), "[core]").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), site.path().join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join("elsewhere")).unwrap();
    std::fs::write(site.path().join("inside.txt"), "inside").unwrap();
    std::os::unix::fs::symlink(site.path().join("inside.txt"), site.path().join("alias.txt")).unwrap();
    let app = router_with_site(app(), site.path());
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    for path in [
        "/.env",
        "/.git/config",
        "/%2Egit/config",
        "/leak.txt",
        "/elsewhere/secret.txt",
    ] {
        let answer = send(&app, get(path)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        let body = String::from_utf8(answer.body).unwrap();
        assert!(
            !body.contains("oops") && !body.contains("outside the site") && !body.contains("[core]"),
            "{path}"
        );
    }
    assert_eq!(
        send(&app, get("/alias.txt")).await.status,
        StatusCode::OK,
        "a link inside the site"
    );
    let page = send(&app, get("/")).await;
    assert_eq!(page.headers[header::CONTENT_SECURITY_POLICY], verifier::http::SITE_CSP);
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(verifier::http::SITE_CSP.contains("frame-ancestors 'none'"));
    // The CDN sends the same policy.
    let template =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml")).unwrap();
    let template: serde_yaml::Value = serde_yaml::from_str(&template).unwrap();
    let cdn = template["Resources"]["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
        ["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(cdn, verifier::http::SITE_CSP);
}

/// A look-up that outlives the request's timeout still writes its audit record.
#[tokio::test]
async fn a_timed_out_look_up_is_still_audited() {
    let store = Observed::new(demo_store(), Behaviour::Slow(Duration::from_millis(40)));
    let audit = store.inner.clone();
    let config = HttpConfig {
        timeout: Duration::from_millis(20),
        ..HttpConfig::default()
    };
    let app = app_with(store, config).0;
    let answer = send(&app, verify_request("W2026-040123", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK")).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    let number = verifier::CertificateNumber::parse("W2026-040123").unwrap();
    let mut records = Vec::new();
    for _ in 0..200 {
        records = verifier::CertificateStore::audit_history(&*audit, &number, 0)
            .await
            .unwrap();
        if !records.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(records.len(), 1, "the look-up was audited after its answer timed out");
}
