//! The HTTP face: one router, the same under Lambda and locally. It bounds and checks input,
//! calls the core, and maps outcomes to statuses with one uniform refusal.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::to_bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::certificate::Certificate;
use crate::config::Settings;
use crate::error::{Field, FieldError};
use crate::normalize::{parse_key, CertificateNumber};
use crate::service::{Outcome, Verifier};
use crate::store::CertificateStore;

/// Requests larger than this are refused unread: two short codes fit in far less.
pub const MAX_BODY_BYTES: usize = 4 * 1024;

/// Said for an unknown number and for a wrong key alike.
pub const REFUSAL_MESSAGE: &str =
    "保証契約番号または認証キーが正しくありません。「認証キー等のお知らせ」の記載をご確認のうえ、もう一度入力してください。";

#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Origins allowed to call the API from another site. Empty: same origin only.
    pub cors_origins: Vec<String>,
    /// How many proxies in front of the service append to `X-Forwarded-For` (CloudFront: 1).
    /// 0: the connection's own address is the caller.
    pub trusted_proxy_hops: usize,
    /// A look-up that takes longer is answered 503.
    pub timeout: Duration,
    /// The value CloudFront adds as `X-Origin-Verify` (Lambda behind CloudFront). When set, a
    /// request without it is refused (403) — the API is reachable only through the CDN — and
    /// the viewer's address is read from `CloudFront-Viewer-Address`.
    pub origin_secret: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            cors_origins: Vec::new(),
            trusted_proxy_hops: 0,
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
fn with_headers(mut router: Router, headers: &[(HeaderName, &'static str)]) -> Router {
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name.clone(),
            HeaderValue::from_static(value),
        ));
    }
    router
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
    let elsewhere = with_headers(
        Router::new().fallback(|| async { StatusCode::NOT_FOUND }),
        &SITE_HEADERS,
    );
    Router::new()
        .nest("/api", with_headers(api, &API_HEADERS))
        .fallback_service(elsewhere)
}

/// The site's pages may load only what the site itself serves; the same policy is in the
/// CloudFront response-headers policy of `infra/template.yaml` (a test keeps them equal).
pub const SITE_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// The router plus the built site on the same origin, as the CDN serves them in production.
/// Only the site's own files are served: no dotfile, nothing a symbolic link reaches outside it.
pub fn router_with_site(api: Router, site: &Path) -> Router {
    let not_found = ServeFile::new(site.join("404.html"));
    let files = ServeDir::new(site)
        .append_index_html_on_directories(true)
        .not_found_service(not_found.clone());
    let root = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    let guarded = axum::middleware::from_fn(move |request: Request, next: Next| {
        let root = root.clone();
        let not_found = not_found.clone();
        async move {
            if inside_site(&root, request.uri().path()).await {
                next.run(request).await
            } else {
                let mut response = not_found.oneshot(request).await.into_response();
                *response.status_mut() = StatusCode::NOT_FOUND;
                response
            }
        }
    });
    api.fallback_service(with_headers(
        Router::new().fallback_service(files).layer(guarded),
        &SITE_HEADERS,
    ))
}

/// Whether `path` names a file of the site: no segment starting with a dot, and — symbolic
/// links resolved — within the site's directory. A path that does not exist is the 404 page's
/// business, and passes.
async fn inside_site(root: &Path, path: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| s.starts_with('.') || s.contains('\\')) {
        return false;
    }
    let mut candidate = root.to_path_buf();
    candidate.extend(&segments);
    match tokio::fs::canonicalize(&candidate).await {
        Ok(real) => real.starts_with(root),
        Err(_) => tokio::fs::symlink_metadata(&candidate).await.is_err(),
    }
}

fn error(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Response {
    let body = json!({ "error": { "code": code, "message": message, "field": field } });
    (status, Json(body)).into_response()
}

fn field_error(e: FieldError) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_field",
        &e.to_string(),
        Some(e.field().name()),
    )
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "このURLはありません。", None)
}

async fn method_not_allowed(method: Method, allow: &'static str) -> Response {
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &format!("{method} には対応していません。"),
        None,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

async fn health<S: CertificateStore>(State(state): State<Arc<AppState<S>>>) -> Response {
    match tokio::time::timeout(state.config.timeout, state.verifier.store.ping()).await {
        Ok(Ok(())) => Json(json!({ "status": "ok" })).into_response(),
        _ => unavailable(),
    }
}

fn unavailable() -> Response {
    let mut response = error(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "ただいま確認できません。しばらくしてからもう一度お試しください。",
        None,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
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
}

/// `/api/verify` takes JSON only: anything else is refused before its body is read.
async fn require_json(request: Request, next: Next) -> Response {
    if is_json(request.headers()) {
        next.run(request).await
    } else {
        error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type: application/json で送ってください。",
            None,
        )
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
        Err(_) => return error(StatusCode::BAD_REQUEST, "invalid_body", "本文を読めません。", None),
    };
    let parsed: VerifyBody = match serde_json::from_slice(&bytes) {
        Ok(parsed) => parsed,
        Err(_) => return error(StatusCode::BAD_REQUEST, "invalid_json", "JSON として読めません。", None),
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
    let caller = match caller_address(&parts, &state.config) {
        Ok(caller) => caller,
        Err(CallerError::NotThroughTheCdn) => {
            return error(
                StatusCode::FORBIDDEN,
                "forbidden",
                "このURLからは確認できません。",
                None,
            )
        }
        Err(CallerError::Unreadable) => {
            tracing::warn!("request without a readable caller address refused");
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_caller",
                "接続元を確認できません。",
                None,
            );
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
        Ok(Ok(Outcome::Verified(certificate))) => Json(VerifiedAnswer {
            status: "verified",
            certificate: &certificate,
        })
        .into_response(),
        Ok(Ok(Outcome::Refused)) => error(StatusCode::NOT_FOUND, "not_verified", REFUSAL_MESSAGE, None),
        Ok(Ok(Outcome::Locked { retry_after })) => {
            let minutes = retry_after.div_ceil(60);
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "locked",
                &format!("短時間に多くの確認があったため、この接続元からの確認を一時的に受け付けていません。約{minutes}分後にもう一度お試しください。"),
                None,
            );
            if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
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

fn too_large() -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        &format!("送信できるのは{MAX_BODY_BYTES}バイトまでです。"),
        None,
    )
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

enum CallerError {
    /// An origin secret is configured and the request did not come through the CDN.
    NotThroughTheCdn,
    /// No address, or one that does not parse.
    Unreadable,
}

/// Who is asking, for throttling and audit: the viewer's address CloudFront reports (only on
/// requests that carry the origin secret), the address a trusted proxy saw, the event's source
/// IP under Lambda, or the connection's. Always an IP address — anything else is refused — and
/// IPv6 callers are grouped by their /64, the block one subscriber gets.
fn caller_address(parts: &axum::http::request::Parts, config: &HttpConfig) -> Result<String, CallerError> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let address: Option<IpAddr> = if let Some(secret) = &config.origin_secret {
        let presented = header("x-origin-verify").unwrap_or("");
        if !bool::from(presented.as_bytes().ct_eq(secret.as_bytes())) {
            return Err(CallerError::NotThroughTheCdn);
        }
        match header("cloudfront-viewer-address") {
            Some(viewer) => Some(parse_viewer_address(viewer).ok_or(CallerError::Unreadable)?),
            None => lambda_source_ip(parts)?,
        }
    } else if config.trusted_proxy_hops > 0 {
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        let entry = forwarded
            .len()
            .checked_sub(config.trusted_proxy_hops)
            .and_then(|i| forwarded.get(i))
            .ok_or(CallerError::Unreadable)?;
        Some(entry.parse().map_err(|_| CallerError::Unreadable)?)
    } else {
        match lambda_source_ip(parts)? {
            Some(ip) => Some(ip),
            None => parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(address)| address.ip()),
        }
    };
    address.map(caller_group).ok_or(CallerError::Unreadable)
}

fn lambda_source_ip(parts: &axum::http::request::Parts) -> Result<Option<IpAddr>, CallerError> {
    match parts.extensions.get::<lambda_http::request::RequestContext>() {
        Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) => match &context.http.source_ip {
            Some(ip) => Ok(Some(ip.parse().map_err(|_| CallerError::Unreadable)?)),
            None => Err(CallerError::Unreadable),
        },
        _ => Ok(None),
    }
}

/// `CloudFront-Viewer-Address`: `198.51.100.10:46532` or `2001:db8::1:46532` — the address,
/// a colon, the port.
fn parse_viewer_address(value: &str) -> Option<IpAddr> {
    let (address, port) = value.trim().rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// The caller as throttling and audit know it: an IPv4 address, or an IPv6 /64.
fn caller_group(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_are_ip_addresses_and_ipv6_is_grouped_by_64() {
        assert_eq!(caller_group("192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(
            caller_group("2001:db8:1:2:aaaa::1".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            caller_group("2001:db8:1:2:ffff::9".parse().unwrap()),
            caller_group("2001:db8:1:2::1".parse().unwrap())
        );
        assert_ne!(
            caller_group("2001:db8:1:3::1".parse().unwrap()),
            caller_group("2001:db8:1:2::1".parse().unwrap())
        );
        assert_eq!(caller_group("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(
            parse_viewer_address("198.51.100.10:46532"),
            Some("198.51.100.10".parse().unwrap())
        );
        assert_eq!(
            parse_viewer_address("2001:db8::1:46532"),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(parse_viewer_address("garbage-not-an-ip:1"), None);
        assert_eq!(parse_viewer_address("198.51.100.10"), None);
    }
}
