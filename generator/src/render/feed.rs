//! The Atom feed (`feed.xml`): one entry per dated event of an orderer that has happened by the
//! build date — its start, a category or a kind added later, the end of paper — newest first,
//! worded by `templates/feed.xml`, written piece by piece.

use chrono::NaiveDate;
use minijinja::Value;
use serde::Serialize;

use crate::content::{Date, GuaranteeKind};
use crate::diagnostics::Diagnostic;

use super::cache::Output;
use super::listing::LazyList;
use super::summary::OrdererSummary;
use super::templates::Templates;
use super::views::DateView;

/// A dated event in content that has happened by the build date. The feed template words it.
#[derive(Debug, Clone, Serialize)]
pub struct FeedEntry {
    id: String,
    /// `start` (the first date), `categories` (categories added later), `kind` (a guarantee
    /// kind added later), `paper_end` (paper no longer accepted).
    event: &'static str,
    date: DateView,
    full_name: String,
    slug: String,
    categories: Vec<String>,
    kind: Option<GuaranteeKind>,
    summary: String,
}

/// One orderer's events — its start, categories and kinds added later, the end of paper —
/// only what has happened by the build date, only from dates the content gives.
pub fn feed_entries(s: &OrdererSummary<'_>, summary_text: &str, today: NaiveDate) -> Vec<FeedEntry> {
    let mut entries = Vec::new();
    let entry = |event: &'static str, date: Date, categories: Vec<String>, kind: Option<GuaranteeKind>| FeedEntry {
        id: format!("{}/{}/{}", s.o.slug, date.iso(), event),
        event,
        date: DateView::new(date, today),
        full_name: s.full_name.clone(),
        slug: s.o.slug.clone(),
        categories,
        kind,
        summary: summary_text.to_string(),
    };
    let Some(start) = s.o.start_date() else {
        return entries;
    };
    let mut dates: Vec<Date> = s.o.targets.iter().filter_map(|t| t.from).collect();
    dates.sort();
    dates.dedup();
    for date in dates.into_iter().filter(|d| d.0 <= today) {
        let categories =
            s.o.targets
                .iter()
                .filter(|t| t.from == Some(date))
                .filter_map(|t| t.category.clone())
                .collect();
        let event = if date == start { "start" } else { "categories" };
        entries.push(entry(event, date, categories, None));
    }
    for target in &s.o.targets {
        for later in target.kind_starts.iter().filter(|k| k.from.0 <= today) {
            entries.push(entry(
                "kind",
                later.from,
                target.category.iter().cloned().collect(),
                Some(later.kind),
            ));
        }
    }
    if let Some(until) = s.o.paper.as_ref().and_then(|p| p.until).filter(|d| d.0 < today) {
        entries.push(entry("paper_end", until, Vec::new(), None));
    }
    entries
}

/// How many of the newest events the index shows as 「最近の更新」.
pub const RECENT: usize = 5;

/// Every orderer's events, newest first, the date the feed was last updated (its newest
/// event's, or the build date when nothing has happened yet), and the [`RECENT`] newest — the
/// index's 「最近の更新」, so that it and the feed always say the same.
pub fn newest_first(mut entries: Vec<FeedEntry>, build_date: &DateView) -> (Value, String, Vec<FeedEntry>) {
    entries.sort_by(|a, b| b.date.iso.cmp(&a.date.iso).then_with(|| a.id.cmp(&b.id)));
    let updated = entries
        .first()
        .map(|e| e.date.iso.clone())
        .unwrap_or_else(|| build_date.iso.clone());
    let recent = entries.iter().take(RECENT).cloned().collect();
    (Value::from_object(LazyList(entries)), updated, recent)
}

/// Writes `feed.xml`; `listed` is how many things the site's lists hold (the template's budget).
pub fn render(templates: &Templates, context: &Value, listed: usize, out: Output<'_>) -> Result<usize, Diagnostic> {
    out.put_streamed("feed.xml", &mut |w| {
        templates.render_listing_to("feed.xml", context.clone(), listed, w)
    })
}
