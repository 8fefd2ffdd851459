//! The verify site: the verification service's own small site — its page (`index.html`), its
//! 404 page and its assets (`templates/verify-static/`) — built into its own folder, to be
//! served from its own origin with the API. Its templates are given the service alone (name,
//! operator, contact, address), never the guidance site's facts: no page of it can show the
//! surety company's contact or header.

use minijinja::context;
use minijinja::value::Serde;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Content;

use super::cache::Output;
use super::templates::Templates;
use super::{line_breaker, root_path, RenderStats};

/// The verify site's pages: template, and where it is written.
const PAGES: [(&str, &str); 2] = [("verify.html", "index.html"), ("verify-404.html", "404.html")];

/// Renders the verify site into `out`.
pub fn render_verify_site(
    content: &Content,
    templates: &Templates,
    out: Output<'_>,
) -> Result<RenderStats, Diagnostics> {
    let service = &content.site.verification_service;
    let breaker = line_breaker(content);
    // Its own origin: the path of its address, `/` when content gives none.
    let root = service.url.as_deref().map_or_else(|| "/".to_string(), root_path);
    let context = context! {
        root => &root,
        service => Serde(service),
        api => format!("{root}api/verify"),
    };
    let mut stats = RenderStats::default();
    let mut errors = Diagnostics::default();
    let mut put = |path: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        out.put(path, bytes, 0)?;
        stats.files += 1;
        stats.rendered += 1;
        stats.rendered_bytes += bytes.len();
        Ok(())
    };
    for (template, path) in PAGES {
        let page = templates
            .render(template, context.clone())
            .map(|html| breaker.apply(&html))
            .and_then(|html| put(path, html.as_bytes()));
        if let Err(e) = page {
            errors.push(e);
        }
    }
    for (path, bytes) in &templates.verify_assets {
        if let Err(e) = put(path, bytes) {
            errors.push(e);
        }
    }
    errors.into_result(stats)
}
