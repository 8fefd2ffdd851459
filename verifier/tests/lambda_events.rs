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
