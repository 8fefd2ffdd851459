//! The preview's HTTP side: the site from memory (every HTML page with the live-reload script
//! added, nothing cached by the browser), the event stream, and the verify site under
//! `/verify/` with the verifier's API on the embedded store beside it, so that the verify page
//! works as it will on its own origin.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use generator::preview::VERIFY_PREFIX;
use tokio::net::TcpListener;

use super::{Live, LiveEvent};

const LIVE_SCRIPT: &str = include_str!("live.js");
const LIVE_SCRIPT_PATH: &str = "/__preview/live.js";
const EVENTS_PATH: &str = "/__preview/events";

/// The preview's port, taken before the first render (which links to it).
pub async fn bind(address: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(address)
        .await
        .map_err(|e| format!("{address} で待ち受けられません: {e}"))
}

/// The verify site's address in the preview: `/verify/` on the preview's own origin.
pub fn verify_url(listener: &TcpListener) -> String {
    match listener.local_addr() {
        Ok(bound) => format!("http://{bound}/{VERIFY_PREFIX}"),
        Err(_) => format!("/{VERIFY_PREFIX}"),
    }
}

pub async fn serve(listener: TcpListener, live: Arc<Live>, certificates: &Path) -> Result<(), String> {
    let verify_files = Router::new().fallback(get(verify_file)).with_state(live.clone());
    let verify_site = match verify_api(certificates) {
        Ok(api) => api.fallback_service(verify_files),
        Err(message) => {
            eprintln!("注意: {message}。確認ページの照会は動きません");
            verify_files
        }
    };
    let app = Router::new()
        .route(LIVE_SCRIPT_PATH, get(live_script))
        .route(EVENTS_PATH, get(events))
        .fallback(get(site_file))
        .with_state(live)
        .nest(&format!("/{}", VERIFY_PREFIX.trim_end_matches('/')), verify_site);
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!("プレビュー: http://{bound}/ （保存すると自動で再読み込みします。終了は Ctrl+C）");
    eprintln!("確認ページ: http://{bound}/{VERIFY_PREFIX} （見本の電子証書で照会できます）");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("プレビューのサーバーが止まりました: {e}"))
}

#[cfg(not(feature = "verify"))]
fn verify_api(_certificates: &Path) -> Result<Router, String> {
    Err("この generator は確認 API なし（--no-default-features）でビルドされています".into())
}

/// `/api/verify` on the verifier's embedded store, with the public development pepper the
/// demo certificates were issued under (never a secret: the preview runs on 127.0.0.1 only).
#[cfg(feature = "verify")]
fn verify_api(certificates: &Path) -> Result<Router, String> {
    let store = verifier::store::MemoryStore::load(certificates)
        .map_err(|e| format!("見本の証書 {} を読めません（{e}）", certificates.display()))?;
    let settings =
        verifier::config::Settings::from_lookup(|_| None, None, verifier::config::PepperFallback::AllowDevelopment)
            .map_err(|e| format!("確認 API の設定を作れません（{e}）"))?;
    Ok(verifier::app(store, &settings))
}

async fn live_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_SCRIPT,
    )
        .into_response()
}

/// The event stream: the current errors first (a page opened while an edit is broken shows
/// them at once), then every event as it happens. Event names: `reload` (a JSON list of site
/// paths), `error-report` (the report as a JSON string), `fixed`.
async fn events(State(live): State<Arc<Live>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = live.events.subscribe();
    let first = live.errors().map(LiveEvent::Errors);
    let stream = stream::unfold((receiver, first), |(mut receiver, pending)| async move {
        if let Some(event) = pending {
            return Some((Ok(sse(&event)), (receiver, None)));
        }
        let event = match receiver.recv().await {
            Ok(event) => event,
            // Too far behind: every page may have changed.
            Err(RecvError::Lagged(_)) => LiveEvent::Reload(vec!["*".into()]),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(sse(&event)), (receiver, None)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn sse(event: &LiveEvent) -> Event {
    let json = |value: serde_json::Value| value.to_string();
    match event {
        LiveEvent::Reload(paths) => Event::default().event("reload").data(json(serde_json::json!(paths))),
        LiveEvent::Errors(report) => Event::default()
            .event("error-report")
            .data(json(serde_json::json!(report))),
        LiveEvent::Fixed => Event::default().event("fixed").data("{}"),
    }
}

/// A file of the guidance site.
async fn site_file(State(live): State<Arc<Live>>, uri: Uri) -> Response {
    file_under(&live, "", uri.path())
}

/// A file of the verify site (the path as nested: `/` is the verify page).
async fn verify_file(State(live): State<Arc<Live>>, uri: Uri) -> Response {
    file_under(&live, VERIFY_PREFIX, uri.path())
}

/// A file from memory, its path in the site beginning with `prefix`: `/x/` is `x/index.html`,
/// `/x` is redirected to `/x/` when that page exists, anything else that site's 404 page.
fn file_under(live: &Live, prefix: &str, path: &str) -> Response {
    let path = path.trim_start_matches('/');
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{prefix}{path}index.html")
    } else {
        format!("{prefix}{path}")
    };
    if let Some(bytes) = live.files.get(&file) {
        return answer(StatusCode::OK, &file, &bytes);
    }
    if live.files.get(&format!("{prefix}{path}/index.html")).is_some() {
        let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
        if let Ok(location) = HeaderValue::from_str(&format!("/{prefix}{path}/")) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        return response;
    }
    let not_found = format!("{prefix}404.html");
    match live.files.get(&not_found) {
        Some(bytes) => answer(StatusCode::NOT_FOUND, &not_found, &bytes),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn answer(status: StatusCode, file: &str, bytes: &[u8]) -> Response {
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") {
        with_live_script(bytes)
    } else {
        bytes.to_vec()
    };
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The page with the live-reload script before `</body>` (at the end when it has none).
fn with_live_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_SCRIPT_PATH}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn content_type(file: &str) -> &'static str {
    let extension = file.rsplit('.').next().unwrap_or_default();
    match extension {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "webmanifest" => "application/manifest+json",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}
