//! The sitemap (`sitemap.xml`: the index, every listed orderer's page, this site's verify page
//! when it has one) and `robots.txt`, which points to it; both worded by their templates and
//! written piece by piece.

use minijinja::Value;

use crate::diagnostics::Diagnostic;

use super::cache::Output;
use super::templates::Templates;

/// Writes `sitemap.xml`; `listed` is how many things the site's lists hold (the template's
/// budget).
pub fn render(templates: &Templates, context: &Value, listed: usize, out: Output<'_>) -> Result<usize, Diagnostic> {
    out.put_streamed("sitemap.xml", &mut |w| {
        templates.render_listing_to("sitemap.xml", context.clone(), listed, w)
    })
}

/// Writes `robots.txt`.
pub fn render_robots(
    templates: &Templates,
    context: &Value,
    listed: usize,
    out: Output<'_>,
) -> Result<usize, Diagnostic> {
    out.put_streamed("robots.txt", &mut |w| {
        templates.render_listing_to("robots.txt", context.clone(), listed, w)
    })
}
