//! Structured views of an orderer for the templates: dates as 和暦 text, targets grouped as the
//! page says them, submission rules resolved per guarantee kind, and every date-dependent fact
//! (started, ended) relative to the build date. No sentence is built here: wording lives in
//! `templates/partials/sentences.jinja`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::{
    ContractScope, CountedFrom, Date, GuaranteeKind, Orderer, OtherDepartments, SiteConfig, Step3Submission,
    Step4Submission, SubmissionRule, Target,
};
use crate::wareki;

/// A date as shown: `text` 「令和8年(2026年)4月1日」, `iso` for `<time datetime>`, and whether
/// it has come by the build date.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    pub iso: String,
    pub text: String,
    pub passed: bool,
}

impl DateView {
    pub fn new(date: Date, today: NaiveDate) -> DateView {
        DateView {
            iso: date.iso(),
            // Validation rejected dates without a 和暦 form; fall back to ISO rather than panic.
            text: wareki::format_with_gregorian(date.0).unwrap_or_else(|_| date.iso()),
            passed: date.0 <= today,
        }
    }
}

/// Targets that share a date and every rule, said as one clause: 「…以降に、佐伯市と当初契約を
/// 締結する「工事」及び…」.
#[derive(Debug, Clone, Serialize)]
pub struct TargetGroup {
    /// None: the sources give no date (the sentence says so).
    pub from: Option<DateView>,
    pub counted_from: Option<CountedFrom>,
    pub contracts: Option<ContractScope>,
    pub departments: Vec<String>,
    pub other_departments: Option<OtherDepartments>,
    pub note: Option<String>,
    pub excluded: Vec<String>,
    /// Empty: the sources name no work category (the sentence says so).
    pub categories: Vec<String>,
}

pub fn target_groups(o: &Orderer, today: NaiveDate) -> Vec<TargetGroup> {
    let mut groups: Vec<TargetGroup> = Vec::new();
    for target in &o.targets {
        let same = |g: &TargetGroup| {
            g.from.as_ref().map(|d| &d.iso) == target.from.map(|d| d.iso()).as_ref()
                && g.counted_from == target.counted_from
                && g.contracts == target.contracts
                && g.departments == target.departments
                && g.other_departments == target.other_departments
                && g.note == target.note
                && g.excluded == target.excluded
        };
        match groups.last_mut() {
            Some(group) if same(group) => group.categories.extend(target.category.clone()),
            _ => groups.push(TargetGroup {
                from: target.from.map(|d| DateView::new(d, today)),
                counted_from: target.counted_from,
                contracts: target.contracts,
                departments: target.departments.clone(),
                other_departments: target.other_departments,
                note: target.note.clone(),
                excluded: target.excluded.clone(),
                categories: target.category.iter().cloned().collect(),
            }),
        }
    }
    groups
}

/// One category with its guarantee kinds, for 対象の保証証書 where they differ.
#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    /// None: not stated (then nothing is said per category).
    pub category: Option<String>,
    pub from: Option<DateView>,
    pub kinds: Vec<GuaranteeKind>,
    /// The category names fewer kinds than the orderer.
    pub kinds_differ: bool,
    pub kind_starts: Vec<KindStartView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindStartView {
    pub kind: GuaranteeKind,
    pub from: DateView,
    pub note: Option<String>,
}

/// A kind of 対象の保証証書 with the day it becomes eligible, where that is after the 運用開始日.
#[derive(Debug, Clone, Serialize)]
pub struct KindRow {
    pub kind: GuaranteeKind,
    pub from: Option<DateView>,
}

/// The first day `kind` is eligible in any category: the category's date, or its later
/// `kind_starts` date for that kind (None where no source gives a date).
pub fn kind_from(o: &Orderer, kind: GuaranteeKind) -> Option<Date> {
    o.targets
        .iter()
        .filter(|t| o.kinds_of(t).contains(&kind))
        .filter_map(|t| {
            t.kind_starts
                .iter()
                .find(|s| s.kind == kind)
                .map_or(t.from, |s| Some(s.from))
        })
        .min()
}

pub fn target_views(o: &Orderer, today: NaiveDate) -> Vec<TargetView> {
    o.targets
        .iter()
        .map(|t: &Target| {
            let kinds = o.kinds_of(t).to_vec();
            TargetView {
                category: t.category.clone(),
                from: t.from.map(|d| DateView::new(d, today)),
                kinds_differ: kinds.len() != o.guarantee_kinds.len(),
                kinds,
                kind_starts: t
                    .kind_starts
                    .iter()
                    .map(|s| KindStartView {
                        kind: s.kind,
                        from: DateView::new(s.from, today),
                        note: s.note.clone(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A submission rule with the kinds it covers spelled out (a catch-all rule gets the kinds no
/// other rule names), in the orderer's display order.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView<'a> {
    #[serde(flatten)]
    pub rule: &'a SubmissionRule,
    pub kinds: Vec<GuaranteeKind>,
    /// One rule for every kind: the answer names no kind.
    pub for_all: bool,
}

pub fn rule_views(o: &Orderer) -> Vec<RuleView<'_>> {
    o.submission
        .rules
        .iter()
        .map(|rule| {
            // The kinds other rules name for a procurement this rule is for too.
            let named: Vec<GuaranteeKind> = o
                .submission
                .rules
                .iter()
                .filter(|other| other.overlaps(rule))
                .flat_map(|r| r.guarantee_kinds.iter().copied())
                .collect();
            let kinds: Vec<GuaranteeKind> = o
                .guarantee_kinds
                .iter()
                .copied()
                .filter(|k| {
                    if rule.guarantee_kinds.is_empty() {
                        !named.contains(k)
                    } else {
                        rule.guarantee_kinds.contains(k)
                    }
                })
                .collect();
            RuleView {
                for_all: kinds.len() == o.guarantee_kinds.len(),
                kinds,
                rule,
            }
        })
        .collect()
}

/// What STEP3 or STEP4 asks of the contractor, over all rules: which kinds hand over a printout
/// (or, at STEP4, the PDF itself). `known` is false when the sources give no rule, and at STEP4
/// also when a rule does not say how the notice is handed over (`unstated_kinds`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StepView {
    pub known: bool,
    pub print_kinds: Vec<GuaranteeKind>,
    pub pdf_kinds: Vec<GuaranteeKind>,
    /// STEP4: the kinds whose rule does not say whether the PDF or a printout is handed over.
    pub unstated_kinds: Vec<GuaranteeKind>,
    pub all_print: bool,
    pub all_pdf: bool,
}

pub fn step_views(rules: &[RuleView<'_>]) -> (StepView, StepView) {
    let mut step3 = StepView {
        known: !rules.is_empty(),
        ..StepView::default()
    };
    let mut step4 = step3.clone();
    for rule in rules {
        if rule.rule.step3 == Some(Step3Submission::Print) {
            step3.print_kinds.extend(&rule.kinds);
        }
        match rule.rule.step4 {
            Some(Step4Submission::Print) => step4.print_kinds.extend(&rule.kinds),
            Some(Step4Submission::Pdf) => step4.pdf_kinds.extend(&rule.kinds),
            None => step4.unstated_kinds.extend(&rule.kinds),
        }
    }
    step4.known = step4.known && step4.unstated_kinds.is_empty();
    let total: usize = rules.iter().map(|r| r.kinds.len()).sum();
    step3.all_print = step3.known && step3.print_kinds.len() == total;
    step4.all_print = step4.known && step4.print_kinds.len() == total;
    step4.all_pdf = step4.known && step4.pdf_kinds.len() == total;
    (step3, step4)
}

/// Paper during the transition: `ended` once its last day has passed.
#[derive(Debug, Clone, Serialize)]
pub struct PaperView {
    pub accepted: bool,
    pub until: Option<DateView>,
    pub ended: bool,
}

pub fn paper_view(o: &Orderer, today: NaiveDate) -> Option<PaperView> {
    o.paper.as_ref().map(|p| PaperView {
        accepted: p.accepted,
        until: p.until.map(|d| DateView::new(d, today)),
        ended: p.until.is_some_and(|d| d.0 < today),
    })
}

/// Where the site's links to its two services lead: the orderers' verification service (its
/// own site, at the address content gives; none when content gives none) and the manual video
/// (its own page when content gives it, else the company's site).
#[derive(Debug, Clone, Serialize)]
pub struct SiteLinks {
    /// The verify site's public address, when content gives it: the guidance pages link there.
    pub verification_href: Option<String>,
    pub video_href: String,
    pub video_page_known: bool,
}

impl SiteLinks {
    pub fn new(site: &SiteConfig) -> SiteLinks {
        SiteLinks {
            verification_href: site.verification_service.url.clone(),
            video_href: site
                .manual_video
                .page
                .clone()
                .unwrap_or_else(|| site.issuer.url.clone()),
            video_page_known: site.manual_video.page.is_some(),
        }
    }
}
