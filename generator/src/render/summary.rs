//! One orderer as every output sees it relative to the build date — its page, the index, the
//! feed, the sitemap and open data: dates as shown, targets grouped, rules per kind, the STEPs.
//! It lives only while what needs it is rendered: a large site is not held twice.

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::{GuaranteeKind, Orderer};

use super::views::{self, DateView, KindRow, KindStartView, PaperView, RuleView, StepView, TargetGroup, TargetView};

/// What an orderer's page, the index, the feed and open data know of one orderer, relative to
/// the build date.
#[derive(Debug, Clone, Serialize)]
pub struct OrdererSummary<'a> {
    pub o: &'a Orderer,
    pub full_name: String,
    /// 運用開始日; None when no source gives one: listed as 「開始日の記載なし」, never as
    /// started or planned.
    pub start: Option<DateView>,
    /// The departments whose cases the start date is for, where every category that starts
    /// on it is one department's (北九州市: 技術監理局契約部契約課): the lead names them, lest it
    /// read as the whole orderer's start. Empty: the start is the orderer's.
    pub start_departments: Vec<String>,
    pub confirmed: DateView,
    pub groups: Vec<TargetGroup>,
    pub targets: Vec<TargetView>,
    pub rules: Vec<RuleView<'a>>,
    pub step3: StepView,
    pub step4: StepView,
    pub paper: Option<PaperView>,
    /// Every kind in scope, in display order (中間前払金保証 too: a reader must not take it to
    /// be left out), those eligible by the build date (before the start: from the start date).
    pub headline_kinds: Vec<GuaranteeKind>,
    /// Kinds that a `kind_starts` makes eligible only after that day, with their date.
    pub later_kinds: Vec<KindStartView>,
    /// 対象の保証証書: each kind, with its date where it starts after the 運用開始日.
    pub kind_rows: Vec<KindRow>,
}

impl<'a> OrdererSummary<'a> {
    /// None for an orderer without targets (it is not listed).
    pub fn new(o: &'a Orderer, today: NaiveDate) -> Option<Self> {
        if o.targets.is_empty() {
            return None;
        }
        let start = o.start_date();
        let rules = views::rule_views(o);
        let start_view = start.map(|start| DateView::new(start, today));
        // Without a start date, the kinds are compared with the build date: a kind whose own
        // later date has not come is still said to start later.
        let reference = match start {
            Some(start) if start.0 > today => start.0,
            _ => today,
        };
        let kind_from = |kind: GuaranteeKind| views::kind_from(o, kind).or(start);
        let (headline_kinds, later_kinds): (Vec<GuaranteeKind>, Vec<GuaranteeKind>) = o
            .guarantee_kinds
            .iter()
            .copied()
            .partition(|k| kind_from(*k).is_none_or(|from| from.0 <= reference));
        let (step3, step4) = views::step_views(&rules);
        let starting: Vec<_> = o
            .targets
            .iter()
            .filter(|t| t.from.is_some() && t.from == start)
            .collect();
        let start_departments = if starting.iter().all(|t| !t.departments.is_empty()) {
            let mut departments: Vec<String> = Vec::new();
            for department in starting.iter().flat_map(|t| &t.departments) {
                if !departments.contains(department) {
                    departments.push(department.clone());
                }
            }
            departments
        } else {
            Vec::new()
        };
        Some(OrdererSummary {
            full_name: o.full_name(),
            start: start_view,
            start_departments,
            confirmed: DateView::new(o.confirmed, today),
            groups: views::target_groups(o, today),
            targets: views::target_views(o, today),
            step3,
            step4,
            rules,
            paper: views::paper_view(o, today),
            headline_kinds,
            later_kinds: later_kinds
                .into_iter()
                .filter_map(|kind| {
                    Some(KindStartView {
                        kind,
                        from: DateView::new(kind_from(kind)?, today),
                        note: None,
                    })
                })
                .collect(),
            kind_rows: o
                .guarantee_kinds
                .iter()
                .map(|&kind| KindRow {
                    kind,
                    from: kind_from(kind)
                        .filter(|from| start.is_none_or(|start| *from > start))
                        .map(|from| DateView::new(from, today)),
                })
                .collect(),
            o,
        })
    }
}
