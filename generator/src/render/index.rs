//! The index (`index.html`: the search, 「今後運用開始」 and 「最近の更新」, the map of the 47
//! prefectures and its table, each linking the prefecture's page that lists its orderers) and
//! the site's other own pages, which render with the same context: the accessibility page and
//! the 404 page. Each is cut into phrases for line breaking. (The verify page is the verify site's:
//! `verify_site`.)

use chrono::NaiveDate;
use minijinja::Value;

use crate::content::Orderer;
use crate::diagnostics::Diagnostic;

use super::cache::Output;
use super::phrases::LineBreaker;
use super::templates::Templates;
use super::views::DateView;

/// The site's own HTML pages: template, and where it is written.
pub fn pages() -> Vec<(&'static str, String)> {
    vec![
        ("index.html", "index.html".to_string()),
        ("accessibility.html", "accessibility/index.html".to_string()),
        ("404.html", "404.html".to_string()),
    ]
}

/// How far ahead 「今後運用開始」 looks from the build date.
pub const UPCOMING_DAYS: i64 = 90;

/// One orderer that starts within [`UPCOMING_DAYS`] after the build date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UpcomingView {
    pub full_name: String,
    pub slug: String,
    pub start: DateView,
}

/// The orderers that start after the build date and within [`UPCOMING_DAYS`], soonest first.
pub fn upcoming(orderers: &[Orderer], today: NaiveDate) -> Vec<UpcomingView> {
    let until = today + chrono::Duration::days(UPCOMING_DAYS);
    let mut soon: Vec<(&Orderer, crate::content::Date)> = orderers
        .iter()
        .filter(|o| !o.targets.is_empty())
        .filter_map(|o| o.start_date().map(|start| (o, start)))
        .filter(|(_, start)| start.0 > today && start.0 <= until)
        .collect();
    soon.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.index_key().cmp(&b.0.index_key())));
    soon.into_iter()
        .map(|(o, start)| UpcomingView {
            full_name: o.full_name(),
            slug: o.slug.clone(),
            start: DateView::new(start, today),
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
