//! The Lambda path: real API Gateway HTTP API (payload v2) and Function URL events go through
//! lambda_http's own request conversion into the same router `verifier serve` runs.

use std::path::Path;
use std::sync::Arc;

use axum::body::to_bytes;
use axum::http::StatusCode;
use axum::Router;
use tower::ServiceExt;
use verifier::{router, HttpConfig, MemoryStore, Peppers, Verifier};

fn app() -> Router {
    let store = MemoryStore::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/certificates.yaml")).unwrap();
    router(
        Arc::new(Verifier::new(store, Peppers::development())),
        HttpConfig::default(),
    )
}

fn event(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)).unwrap()
}

async fn call(app: &Router, event_json: &str) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let request = lambda_http::request::from_str(event_json).expect("lambda_http accepts the event");
    let response = app.clone().oneshot(request.map(axum::body::Body::new)).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, headers, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn api_gateway_http_api_event_verifies_a_demo_certificate() {
    let (status, headers, body) = call(&app(), &event("apigw-http-v2-verify.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["certificate"]["guarantee_kind"], "前払金保証");
    assert_eq!(headers["cache-control"], "no-store");
}

#[tokio::test]
async fn api_gateway_health_event() {
    let (status, _, body) = call(&app(), &event("apigw-http-v2-health.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn function_url_event_with_base64_body_is_refused_and_throttled_by_source_ip() {
    let app = app();
    let wrong = event("function-url-verify-base64.json");
    for _ in 0..5 {
        let (status, _, body) = call(&app, &wrong).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_verified");
    }
    let (status, headers, _) = call(&app, &wrong).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key("retry-after"));
    // The lock belongs to the event's source IP: another address is still answered.
    let elsewhere = wrong.replace("\"sourceIp\": \"198.51.100.23\"", "\"sourceIp\": \"198.51.100.99\"");
    assert_ne!(elsewhere, wrong);
    let (status, _, _) = call(&app, &elsewhere).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

const ORIGIN_SECRET: &str = "test-origin-secret-0123456789";

fn app_behind_cloudfront() -> Router {
    let store = MemoryStore::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/certificates.yaml")).unwrap();
    let config = HttpConfig {
        origin_secret: Some(ORIGIN_SECRET.into()),
        ..HttpConfig::default()
    };
    router(Arc::new(Verifier::new(store, Peppers::development())), config)
}

/// Through CloudFront, API Gateway's source IP is CloudFront's: the viewer's own address
/// (`CloudFront-Viewer-Address`, trusted only with the origin secret) is the caller, so two
/// orderers behind one edge do not share a failure budget.
#[tokio::test]
async fn behind_cloudfront_the_viewer_address_is_the_caller() {
    let app = app_behind_cloudfront();
    let first = event("cloudfront-apigw-http-v2-verify-wrong-key.json");
    for _ in 0..5 {
        assert_eq!(call(&app, &first).await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(call(&app, &first).await.0, StatusCode::TOO_MANY_REQUESTS);
    let second = first.replace("198.51.100.7:51234", "198.51.100.8:40001");
    assert_ne!(second, first);
    assert_eq!(
        call(&app, &second).await.0,
        StatusCode::NOT_FOUND,
        "another viewer through the same edge has its own budget"
    );
}

/// The execute-api endpoint (or anyone who forges the viewer header) without CloudFront's
/// secret is refused before anything is looked up.
#[tokio::test]
async fn without_the_origin_secret_the_request_is_refused() {
    let app = app_behind_cloudfront();
    for forged in [
        event("apigw-http-v2-verify.json"),
        event("cloudfront-apigw-http-v2-verify-wrong-key.json").replace(ORIGIN_SECRET, "test-origin-secret-guessed!!"),
    ] {
        let (status, _, body) = call(&app, &forged).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "forbidden");
    }
}

/// A caller that is not an IP address is refused, never counted under a made-up name.
#[tokio::test]
async fn a_source_ip_that_is_not_an_address_is_refused() {
    let garbage = event("apigw-http-v2-verify.json")
        .replace("\"sourceIp\": \"203.0.113.10\"", "\"sourceIp\": \"garbage-not-an-ip\"");
    let (status, _, body) = call(&app(), &garbage).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_caller");
    let viewer =
        event("cloudfront-apigw-http-v2-verify-wrong-key.json").replace("198.51.100.7:51234", "garbage-not-an-ip");
    assert_eq!(call(&app_behind_cloudfront(), &viewer).await.0, StatusCode::BAD_REQUEST);
}

/// Attack 4: `/api/health` and 400/413/415 answers used to be made before the origin secret was
/// checked. Now a request without it gets a 403 and nothing else: no body read, no store asked.
#[tokio::test]
async fn without_the_origin_secret_nothing_else_is_done() {
    let app = app_behind_cloudfront();
    let health = event("apigw-http-v2-health.json");
    let (status, _, body) = call(&app, &health).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let verify = event("apigw-http-v2-verify.json");
    for (from, to) in [
        (
            "\"content-type\": \"application/json\"",
            "\"content-type\": \"text/plain\"",
        ),
        ("\"body\": \"{", "\"body\": \"{not json"),
    ] {
        let changed = verify.replacen(from, to, 1);
        assert_ne!(changed, verify, "{from}");
        let (status, _, body) = call(&app, &changed).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{to}: {body}");
    }
    // With the secret, the same health check is answered.
    let through_the_cdn = health.replacen(
        "\"headers\": {",
        &format!("\"headers\": {{\n    \"x-origin-verify\": \"{ORIGIN_SECRET}\","),
        1,
    );
    assert_ne!(through_the_cdn, health);
    assert_eq!(call(&app, &through_the_cdn).await.0, StatusCode::OK);
}

/// Attack 4: without `CloudFront-Viewer-Address` every caller behind one edge used to be one
/// caller (the edge's address). A request through the CDN without it is refused.
#[tokio::test]
async fn a_missing_viewer_address_is_refused_never_replaced_by_the_edges() {
    let app = app_behind_cloudfront();
    let without = event("cloudfront-apigw-http-v2-verify-wrong-key.json")
        .replace("    \"cloudfront-viewer-address\": \"198.51.100.7:51234\",\n", "");
    assert!(!without.contains("cloudfront-viewer-address"));
    let (status, _, body) = call(&app, &without).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_caller");
}

/// Attack 4: past the alert threshold refusals used to sleep 2 s inside the function, so ~25
/// such requests a second held all 50 reserved runs. Now they are answered at once: 429 with
/// `Retry-After`, the correct key still 200.
#[tokio::test]
async fn past_the_alert_threshold_refusals_are_answered_at_once() {
    let store = MemoryStore::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/certificates.yaml")).unwrap();
    let mut verifier = Verifier::new(store, Peppers::development());
    verifier.policy.per_number_alert.failures = 3;
    let app = router(Arc::new(verifier), HttpConfig::default());
    let wrong = event("function-url-verify-base64.json");
    let started = std::time::Instant::now();
    let mut statuses = Vec::new();
    for address in 0..6 {
        let from = wrong.replace(
            "\"sourceIp\": \"198.51.100.23\"",
            &format!("\"sourceIp\": \"198.51.100.{}\"", 100 + address),
        );
        let (status, headers, body) = call(&app, &from).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error"]["code"], "throttled");
            assert!(headers.contains_key("retry-after"));
        }
        statuses.push(status.as_u16());
    }
    assert_eq!(statuses, [404, 404, 404, 429, 429, 429]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "no refusal was held: {:?}",
        started.elapsed()
    );
    let (status, _, _) = call(&app, &event("apigw-http-v2-verify.json")).await;
    assert_eq!(status, StatusCode::OK, "the correct key is answered");
}
