//! Sentences built from municipality data, worded as the flyers word them.

use serde::Serialize;

use crate::content::{Contact, ContactKind, Date, Municipality, OtherDocuments};
use crate::wareki;

/// A date as shown: `text` 「令和8年(2026年)4月1日」, `iso` for `<time datetime>`.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    pub iso: String,
    pub text: String,
}

impl DateView {
    pub fn new(date: Date) -> DateView {
        DateView {
            iso: date.iso(),
            // Validation rejected dates without a 和暦 form; fall back to ISO rather than panic.
            text: wareki::format_with_gregorian(date.0).unwrap_or_else(|_| date.iso()),
        }
    }
}

/// Targets that share a start date and contract rule, shown as one clause.
#[derive(Debug, Clone, Serialize)]
pub struct TargetGroup {
    pub from: DateView,
    /// 「当初契約を締結する」 or 「契約する」
    pub contract_phrase: &'static str,
    pub categories: Vec<String>,
}

pub fn target_groups(m: &Municipality) -> Vec<TargetGroup> {
    let mut groups: Vec<TargetGroup> = Vec::new();
    let mut last_key = None;
    for target in &m.targets {
        let key = (target.from, target.initial_contract_only);
        if last_key == Some(key) {
            if let Some(group) = groups.last_mut() {
                group.categories.push(target.category.clone());
                continue;
            }
        }
        last_key = Some(key);
        groups.push(TargetGroup {
            from: DateView::new(target.from),
            contract_phrase: if target.initial_contract_only {
                "当初契約を締結する"
            } else {
                "契約する"
            },
            categories: vec![target.category.clone()],
        });
    }
    groups
}

/// 「令和6年(2024年)12月1日以降に、佐伯市と当初契約を締結する「工事」及び…」
pub fn targets_sentence(m: &Municipality, groups: &[TargetGroup]) -> String {
    groups
        .iter()
        .map(|g| {
            let categories: Vec<String> = g.categories.iter().map(|c| format!("「{c}」")).collect();
            format!(
                "{}以降に、{}と{}{}",
                g.from.text,
                m.name,
                g.contract_phrase,
                categories.join("及び")
            )
        })
        .collect::<Vec<_>>()
        .join("及び")
}

/// 「なお、詳細は、契約検査課契約係にご確認ください。」 one sentence per contact.
pub fn contacts_sentence(contacts: &[Contact]) -> String {
    contacts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let lead = if i == 0 { "なお、" } else { "また、" };
            let scope = if c.guarantee_kinds.is_empty() {
                String::new()
            } else {
                let kinds: Vec<String> = c.guarantee_kinds.iter().map(|k| format!("「{k}」")).collect();
                format!("{}については、", kinds.join("・"))
            };
            let phone = c.phone.as_ref().map(|p| format!("（電話 {p}）")).unwrap_or_default();
            let particle = match c.kind {
                ContactKind::Website => "を",
                ContactKind::Office => "に",
            };
            format!(
                "{lead}{scope}{}は、{}{phone}{particle}ご確認ください。",
                c.topic, c.office
            )
        })
        .collect()
}

/// 「「保証料計算書」または「保証料領収証」を電子交付いたします。」
pub fn other_documents_sentence(docs: &OtherDocuments) -> String {
    let quoted: Vec<String> = docs.items.iter().map(|d| format!("「{d}」")).collect();
    let listed = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}{}{last}", rest.join("、"), docs.connector),
        Some((last, _)) => last.clone(),
        None => String::new(),
    };
    format!("{listed}を電子交付いたします。")
}
