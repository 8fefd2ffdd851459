//! Every API answer other than a certificate, with all of its Japanese: one JSON shape,
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

fn error(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Response {
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

pub(super) fn refused() -> Response {
    error(StatusCode::NOT_FOUND, "not_verified", REFUSAL_MESSAGE, None)
}

pub(super) fn locked(retry_after: u64) -> Response {
    let minutes = retry_after.div_ceil(60);
    too_many(
        "locked",
        &format!("短時間に多くの確認があったため、この接続元からの確認を一時的に受け付けていません。約{minutes}分後にもう一度お試しください。"),
        retry_after,
    )
}

pub(super) fn throttled(retry_after: u64) -> Response {
    too_many(
        "throttled",
        &format!(
            "この保証契約番号には短時間に多くの誤った入力があったため、誤りへの回答を控えています。正しい保証契約番号と認証キーならすぐに確認できます。「認証キー等のお知らせ」の記載をご確認のうえ、{}もう一度入力してください。",
            waiting(retry_after)
        ),
        retry_after,
    )
}

pub(super) fn not_through_the_cdn() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "forbidden",
        "このURLからは確認できません。",
        None,
    )
}

pub(super) fn not_json() -> Response {
    error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Content-Type: application/json で送ってください。",
        None,
    )
}

pub(super) fn unreadable_body() -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_body", "本文を読めません。", None)
}

pub(super) fn invalid_json() -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_json", "JSON として読めません。", None)
}

pub(super) fn invalid_caller() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_caller",
        "接続元を確認できません。",
        None,
    )
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
fn waiting(seconds: u64) -> String {
    if seconds >= 60 {
        format!("約{}分後に", seconds.div_ceil(60))
    } else {
        format!("{seconds}秒後に")
    }
}

/// A 429 with `Retry-After`.
fn too_many(code: &str, message: &str, retry_after: u64) -> Response {
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
