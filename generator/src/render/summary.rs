//! One orderer as every output sees it relative to the build date — its page, the index, the
//! feed, the sitemap and open data: dates as shown, targets grouped, rules per kind, the STEPs.
//! It lives only while what needs it is rendered: a large site is not held twice.

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::{GuaranteeKind, Orderer};

use super::views::{self, DateView, PaperView, RuleView, StepView, TargetGroup, TargetView};

/// What an orderer's page, the index, the feed and open data know of one orderer, relative to
/// the build date.
#[derive(Debug, Clone, Serialize)]
pub struct OrdererSummary<'a> {
    pub o: &'a Orderer,
    pub full_name: String,
    pub start: DateView,
    pub confirmed: DateView,
    pub groups: Vec<TargetGroup>,
    pub targets: Vec<TargetView>,
    pub rules: Vec<RuleView<'a>>,
    pub step3: StepView,
    pub step4: StepView,
    pub paper: Option<PaperView>,
    /// 前払金保証 and 契約保証 in display order: 中間前払金保証 is part of the first.
    pub headline_kinds: Vec<GuaranteeKind>,
    /// The kinds in the flyers' canonical order, for the Q&A list.
    pub kinds_canonical: Vec<GuaranteeKind>,
}

impl<'a> OrdererSummary<'a> {
    /// None for an orderer without targets (it is not listed).
    pub fn new(o: &'a Orderer, today: NaiveDate) -> Option<Self> {
        let start = o.start_date()?;
        let rules = views::rule_views(o);
        let (step3, step4) = views::step_views(&rules);
        Some(OrdererSummary {
            full_name: o.full_name(),
            start: DateView::new(start, today),
            confirmed: DateView::new(o.confirmed, today),
            groups: views::target_groups(o, today),
            targets: views::target_views(o, today),
            step3,
            step4,
            rules,
            paper: views::paper_view(o, today),
            headline_kinds: o.guarantee_kinds.iter().copied().filter(|k| k.is_main()).collect(),
            kinds_canonical: GuaranteeKind::ALL
                .into_iter()
                .filter(|k| o.guarantee_kinds.contains(k))
                .collect(),
            o,
        })
    }
}
