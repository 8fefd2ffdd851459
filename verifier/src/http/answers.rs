//! The API's answers other than a certificate: one JSON shape,
//! `{"error":{"code","message","field"}}`, with the orderer's words and, where a retry helps,
//! `Retry-After`.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::MAX_BODY_BYTES;
use crate::error::FieldError;

/// Said for an unknown number and for a wrong key alike.
pub const REFUSAL_MESSAGE: &str =
    "保証契約番号または認証キーが正しくありません。「認証キー等のお知らせ」の記載をご確認のうえ、もう一度入力してください。";

pub(super) fn error(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Response {
    let body = json!({ "error": { "code": code, "message": message, "field": field } });
    (status, Json(body)).into_response()
}

pub(super) fn field_error(e: FieldError) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_field",
        &e.to_string(),
        Some(e.field().name()),
    )
}

pub(super) async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "このURLはありません。", None)
}

pub(super) async fn method_not_allowed(method: Method, allow: &'static str) -> Response {
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

pub(super) fn unavailable() -> Response {
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

/// "約N分後に" or "N秒後に".
pub(super) fn waiting(seconds: u64) -> String {
    if seconds >= 60 {
        format!("約{}分後に", seconds.div_ceil(60))
    } else {
        format!("{seconds}秒後に")
    }
}

/// A 429 with `Retry-After`.
pub(super) fn too_many(code: &str, message: &str, retry_after: u64) -> Response {
    let mut response = error(StatusCode::TOO_MANY_REQUESTS, code, message, None);
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub(super) fn too_large() -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        &format!("送信できるのは{MAX_BODY_BYTES}バイトまでです。"),
        None,
    )
}
