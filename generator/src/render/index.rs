//! The index of orderers (`index.html`: grouped by prefecture in JIS order, each with its start
//! date and status) and the site's other own page, which renders with the same context: the 404
//! page. Each is cut into phrases for line breaking. (The verify page is the verify site's:
//! `verify_site`.)

use std::sync::Arc;

use chrono::NaiveDate;
use minijinja::Value;

use crate::content::Orderer;
use crate::diagnostics::Diagnostic;

use super::cache::Output;
use super::listing::ListedOrderers;
use super::phrases::LineBreaker;
use super::templates::Templates;

/// The site's own HTML pages: template, and where it is written.
pub fn pages() -> Vec<(&'static str, String)> {
    vec![
        ("index.html", "index.html".to_string()),
        ("accessibility.html", "accessibility/index.html".to_string()),
        ("404.html", "404.html".to_string()),
    ]
}

/// The index's groups: each prefecture's name and its orderers, in JIS order (the orderers
/// are sorted by prefecture number).
pub fn prefecture_groups(orderers: &Arc<Vec<Orderer>>, today: NaiveDate) -> Vec<Value> {
    let mut groups: Vec<(&str, Vec<u32>)> = Vec::new();
    for (at, o) in orderers.iter().enumerate() {
        if o.targets.is_empty() {
            continue;
        }
        let at = at as u32;
        match groups.last_mut() {
            Some((name, listed)) if *name == o.prefecture => listed.push(at),
            _ => groups.push((&o.prefecture, vec![at])),
        }
    }
    groups
        .into_iter()
        .map(|(name, listed)| {
            let orderers = Value::from_object(ListedOrderers::new(orderers.clone(), listed, today));
            minijinja::context! { name => name, orderers => orderers }
        })
        .collect()
}

/// Renders one of [`pages`] (`listed`: how many things the site's lists hold, the template's
/// budget).
pub fn render(
    templates: &Templates,
    breaker: &LineBreaker,
    context: &Value,
    listed: usize,
    (template, path): (&str, &str),
    out: Output<'_>,
) -> Result<usize, Diagnostic> {
    // Line breaking reads a page whole.
    let text = breaker.apply(&templates.render_listing(template, context.clone(), listed)?);
    out.put(path, text.as_bytes(), 0)?;
    Ok(text.len())
}
