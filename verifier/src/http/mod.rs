//! The HTTP face: one router, the same under Lambda and locally. It bounds and checks input,
//! calls the core, and maps outcomes to statuses with one uniform refusal.

mod answers;
mod caller;
mod site;

use std::sync::Arc;
use std::time::Duration;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ipnet::IpNet;
use serde::Deserialize;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use answers::REFUSAL_MESSAGE;
use answers::{field_error, method_not_allowed, not_found, too_large, unavailable};
pub(crate) use caller::{caller_group_address, trusted};
pub use site::{router_with_site, SITE_CSP};

use crate::certificate::Certificate;
use crate::config::Settings;
use crate::error::{Field, FieldError};
use crate::logging::RateLimitedWarning;
use crate::normalize::{parse_key, CertificateNumber};
use crate::service::{Outcome, Verifier};
use crate::store::CertificateStore;

/// Requests larger than this are refused unread: two short codes fit in far less.
pub const MAX_BODY_BYTES: usize = 4 * 1024;

#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Origins allowed to call the API from another site. Empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Our own proxies: `X-Forwarded-For` is read only on connections from these addresses.
    /// Empty: the connection's own address is the caller.
    pub trusted_proxies: Vec<IpNet>,
    /// A look-up that takes longer is answered 503.
    pub timeout: Duration,
    /// The value CloudFront adds as `X-Origin-Verify` (required under Lambda). When set, every
    /// request under `/api` without it is refused (403) before anything else is done — the API
    /// is reachable only through the CDN — and the caller is `CloudFront-Viewer-Address`.
    pub origin_secret: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            cors_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            timeout: Duration::from_secs(5),
            origin_secret: None,
        }
    }
}

struct AppState<S> {
    verifier: Arc<Verifier<S>>,
    config: HttpConfig,
}

/// The API both binaries serve: the verifier on `store`, configured by `settings`.
pub fn app<S: CertificateStore>(store: S, settings: &Settings) -> Router {
    router(
        Arc::new(Verifier::from_settings(store, settings)),
        settings.http.clone(),
    )
}

/// The API's answers: JSON, never cached, loading nothing, sending no referrer.
const API_HEADERS: [(HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::CACHE_CONTROL, "no-store"),
    (header::REFERRER_POLICY, "no-referrer"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'",
    ),
];

/// The site's pages (and anything outside `/api`): they load only what the site serves.
const SITE_HEADERS: [(HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::CONTENT_SECURITY_POLICY, SITE_CSP),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
];

/// `router` with each of `headers` set on every answer (replacing a value already there).
/// One layer (axum boxes each route once per layer), innermost first so that the headers come
/// out in the order given.
fn with_headers(router: Router, headers: &[(HeaderName, &'static str); 4]) -> Router {
    let set =
        |i: usize| SetResponseHeaderLayer::overriding(headers[i].0.clone(), HeaderValue::from_static(headers[i].1));
    router.layer(
        ServiceBuilder::new()
            .layer(set(3))
            .layer(set(2))
            .layer(set(1))
            .layer(set(0)),
    )
}

/// `/api/verify` and `/api/health`, with JSON errors for anything else under `/api`.
pub fn router<S: CertificateStore>(verifier: Arc<Verifier<S>>, config: HttpConfig) -> Router {
    let cors = (!config.cors_origins.is_empty()).then(|| {
        let origins: Vec<HeaderValue> = config
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::POST])
            .allow_headers([header::CONTENT_TYPE])
    });
    let origin_secret = config.origin_secret.clone();
    let state = Arc::new(AppState { verifier, config });
    let api = Router::new()
        .route(
            "/verify",
            // Outermost first: a body that is not JSON is refused before its size matters.
            post(verify::<S>)
                .route_layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
                .route_layer(axum::middleware::map_response(worded_too_large))
                .route_layer(axum::middleware::from_fn(require_json))
                .fallback(|method: Method| method_not_allowed(method, "POST")),
        )
        .route(
            "/health",
            get(health::<S>).fallback(|method: Method| method_not_allowed(method, "GET")),
        )
        .fallback(not_found)
        .with_state(state);
    let api = match cors {
        Some(cors) => api.layer(cors),
        None => api,
    };
    // Outermost: a request that did not come through the CDN gets nothing else done for it.
    let api = match origin_secret {
        Some(secret) => api.layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            let through_the_cdn = came_through_the_cdn(&request, &secret);
            async move {
                if through_the_cdn {
                    next.run(request).await
                } else {
                    answers::not_through_the_cdn()
                }
            }
        })),
        None => api,
    };
    let elsewhere = with_headers(
        Router::new().fallback(|| async { StatusCode::NOT_FOUND }),
        &SITE_HEADERS,
    );
    Router::new()
        .nest("/api", with_headers(api, &API_HEADERS))
        .fallback_service(elsewhere)
}

/// Whether `request` carries CloudFront's origin secret (compared in constant time).
fn came_through_the_cdn(request: &Request, secret: &str) -> bool {
    let presented = request
        .headers()
        .get("x-origin-verify")
        .map(HeaderValue::as_bytes)
        .unwrap_or(b"");
    presented.ct_eq(secret.as_bytes()).into()
}

/// 200 `ok` when the store answers; 200 `degraded` naming what is full when a cap is reached
/// (correct keys are still answered, refusals of new callers fail closed); 503 when it does not.
async fn health<S: CertificateStore>(State(state): State<Arc<AppState<S>>>) -> Response {
    match tokio::time::timeout(state.config.timeout, state.verifier.store.ping()).await {
        Ok(Ok(())) => match state.verifier.store.full() {
            None => Json(json!({ "status": "ok" })).into_response(),
            Some(full) => Json(json!({ "status": "degraded", "full": full })).into_response(),
        },
        _ => unavailable(),
    }
}

#[derive(Deserialize)]
struct VerifyBody {
    certificate_number: Option<Value>,
    auth_key: Option<Value>,
}

fn string_field(value: &Option<Value>, field: Field) -> Result<&str, FieldError> {
    match value {
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(FieldError::NotAString(field)),
        None => Err(FieldError::Missing(field)),
    }
}

/// The answer to a verified look-up, serialized straight from the certificate.
#[derive(serde::Serialize)]
struct VerifiedAnswer<'a> {
    status: &'static str,
    certificate: &'a Certificate,
    /// The look-up's audit reference: the printed record carries it, and the operator finds
    /// the look-up by it in the 閲覧履歴 (`verifier history`).
    audit_reference: &'a str,
    /// When it was looked up, RFC 3339 in UTC (the audit record's time; the page shows JST).
    verified_at: String,
}

/// `/api/verify` takes JSON only: anything else is refused before its body is read.
async fn require_json(request: Request, next: Next) -> Response {
    if is_json(request.headers()) {
        next.run(request).await
    } else {
        answers::not_json()
    }
}

/// The body limit's refusal (a declared length over the limit) in the API's own words.
async fn worded_too_large(response: Response) -> Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        response
    }
}

async fn verify<S: CertificateStore>(State(state): State<Arc<AppState<S>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // The limit layer has refused a declared length over the limit; a streamed body that goes
    // over it fails here.
    let bytes = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) if is_length_limit(&e) => return too_large(),
        // A body that breaks off or a malformed chunk: the request is at fault, not its size.
        Err(_) => return answers::unreadable_body(),
    };
    let parsed: VerifyBody = match serde_json::from_slice(&bytes) {
        Ok(parsed) => parsed,
        Err(_) => return answers::invalid_json(),
    };
    let number =
        match string_field(&parsed.certificate_number, Field::CertificateNumber).and_then(CertificateNumber::parse) {
            Ok(number) => number,
            Err(e) => return field_error(e),
        };
    let key = match string_field(&parsed.auth_key, Field::AuthKey).and_then(parse_key) {
        Ok(key) => key,
        Err(e) => return field_error(e),
    };
    let caller = match caller::caller_address(&parts, &state.config) {
        Ok(caller) => caller,
        Err(caller::Unreadable) => {
            static UNREADABLE: RateLimitedWarning =
                RateLimitedWarning::new("request without a readable caller address refused");
            UNREADABLE.warn();
            return answers::invalid_caller();
        }
    };
    // The look-up runs to its end — audit record included — even when the answer has timed
    // out: an attempt counted is an attempt audited.
    let verifier = state.verifier.clone();
    let look_up = tokio::spawn(async move { verifier.verify(&number, &key, &caller).await });
    let answer = match tokio::time::timeout(state.config.timeout, look_up).await {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(join_error)) => {
            tracing::error!(error = %join_error, "verification task failed");
            Ok(Err(crate::store::StoreError::Unavailable(
                "verification task failed".into(),
            )))
        }
        Err(elapsed) => Err(elapsed),
    };
    match answer {
        Ok(Ok(Outcome::Verified(verified))) => Json(VerifiedAnswer {
            status: "verified",
            certificate: &verified.certificate,
            audit_reference: &verified.reference,
            verified_at: rfc3339(verified.at),
        })
        .into_response(),
        Ok(Ok(Outcome::Refused)) => answers::refused(),
        Ok(Ok(Outcome::Locked { retry_after })) => answers::locked(retry_after),
        Ok(Ok(Outcome::Throttled { retry_after })) => answers::throttled(retry_after),
        Ok(Err(store_error)) => {
            tracing::error!(error = %store_error, "verification failed closed");
            unavailable()
        }
        Err(_) => {
            tracing::error!("verification timed out");
            unavailable()
        }
    }
}

/// Unix time as RFC 3339 in UTC (`2026-12-03T09:30:00Z`).
fn rfc3339(at: u64) -> String {
    i64::try_from(at)
        .ok()
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}
