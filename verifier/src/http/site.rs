//! The built site on the API's origin (`verifier serve --site`), as the CDN serves it in
//! production: the site's own files only — no dotfile, nothing a symbolic link reaches outside
//! it — with the site's security headers, and no redirect that could leave the origin.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::{with_headers, SITE_HEADERS};

/// The site's pages may load only what the site itself serves; the same policy is in the
/// CloudFront response-headers policy of `infra/template.yaml` (a test keeps them equal).
pub const SITE_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// `api` plus the site in `site` for every other path.
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
            let answer_not_found = |request: Request| async {
                let mut response = not_found.oneshot(request).await.into_response();
                *response.status_mut() = StatusCode::NOT_FOUND;
                response
            };
            if !inside_site(&root, request.uri().path()).await {
                return answer_not_found(request).await;
            }
            let probe = Request::get(request.uri().clone()).body(axum::body::Body::empty());
            let response = next.run(request).await;
            if leaves_the_origin(&response) {
                // `GET //example.com` would be redirected to `//example.com/`: another site.
                if let Ok(probe) = probe {
                    return answer_not_found(probe).await;
                }
                return StatusCode::NOT_FOUND.into_response();
            }
            response
        }
    });
    api.fallback_service(with_headers(
        Router::new().fallback_service(files).layer(guarded),
        &SITE_HEADERS,
    ))
}

/// A redirect whose target is not a path on this origin: protocol-relative (`//host/…`), a
/// backslash browsers read as a slash (`/\host`), or absolute.
fn leaves_the_origin(response: &Response) -> bool {
    if !response.status().is_redirection() {
        return false;
    }
    match response.headers().get(header::LOCATION).map(|v| v.as_bytes()) {
        Some([b'/']) => false,
        Some([b'/', second, ..]) => *second == b'/' || *second == b'\\',
        Some(_) => true,
        None => false,
    }
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
