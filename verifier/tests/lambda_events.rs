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
