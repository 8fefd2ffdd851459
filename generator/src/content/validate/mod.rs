//! The rules of the content model that no field's parser can see: across the fields of one
//! orderer's file ([`Orderer::validate`], its submission rules in [`submission`]), and of the
//! site as a whole in [`site`] (`site.yaml`, the glossary, the shared text, two files for one
//! body). Each problem names the field it is at; the loader turns that into the file's line and
//! column.

mod site;
mod submission;

pub use site::{duplicates, glossary_problems, missing_sections};

use super::{prefecture_name, prefecture_number, prefecture_of_slug, GuaranteeKind, Orderer, OrdererKind};
use crate::wareki;

use chrono::NaiveDate;

/// The kind as written in the file.
fn kind_name(kind: OrdererKind) -> &'static str {
    match kind {
        OrdererKind::Municipality => "市町村",
        OrdererKind::Prefecture => "都道府県",
        OrdererKind::Association => "一部事務組合・広域連合",
        OrdererKind::Enterprise => "企業局・公営企業",
    }
}

/// One rule broken: where (the field as written in YAML), what, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
    pub hint: String,
}

/// Shared text files the page template needs.
pub const REQUIRED_SECTIONS: &[&str] = &[
    "attention",
    "about",
    "requirements",
    "mechanism",
    "video",
    "steps-1-2",
    "steps-3-4",
    "qa",
];

/// Paths an orderer's page may not take: the site's own pages and the API.
const RESERVED_SLUGS: &[&str] = &[
    "api",
    "verify",
    "static",
    "feed",
    "sitemap",
    "robots",
    "municipalities",
    "index",
    "404",
];

impl Orderer {
    /// Every rule of one orderer's file across its fields, and about its file name (`slug`).
    /// `today` is the build date, which `confirmed` may not be later than.
    pub fn validate(&self, today: Option<NaiveDate>) -> Vec<Problem> {
        let o = self;
        let mut found = Vec::new();
        let mut report = |field: &str, message: String, hint: &str| {
            found.push(Problem {
                field: field.to_string(),
                message,
                hint: hint.to_string(),
            });
        };

        if o.slug.is_empty()
            || !o
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            report(
                "name",
                format!("ファイル名「{}」はページのURLに使えません", o.slug),
                "ファイル名は半角英小文字・数字・ハイフンにしてください（例: ashiya-machi.yaml）",
            );
        }
        if RESERVED_SLUGS.contains(&o.slug.as_str()) {
            report(
                "name",
                format!("ファイル名「{}」はサイトの既存のページと重なります", o.slug),
                "発注者のローマ字名などの別のファイル名にしてください（例: ashiya-machi.yaml）",
            );
        }
        // Each prefecture's page is its romaji (`/fukuoka/`): an orderer's page may not take it.
        if let Some(name) = prefecture_of_slug(&o.slug).and_then(prefecture_name) {
            report(
                "name",
                format!(
                    "ファイル名「{}」は{name}の団体一覧のページ（/{}/）と重なります",
                    o.slug, o.slug
                ),
                "種別を付けたファイル名にしてください（例: 県は fukuoka-ken.yaml、市は fukuoka-shi.yaml、道は hokkaido-do.yaml）",
            );
        }
        for (field, value) in [("name", &o.name), ("prefecture", &o.prefecture)] {
            if value.trim().is_empty() {
                report(field, format!("{field} が空です"), "値を書いてください");
            }
        }
        if prefecture_number(&o.prefecture).is_none() {
            report(
                "prefecture",
                format!("都道府県「{}」はありません", o.prefecture),
                "「福岡県」のように都道府県名を正しく書いてください",
            );
        }
        if let Some(code) = &o.code {
            let expected = prefecture_name(code.prefecture_number()).unwrap_or("");
            if o.prefecture != expected {
                report(
                    "prefecture",
                    format!(
                        "都道府県「{}」が全国地方公共団体コード「{}」（{expected}）と合いません",
                        o.prefecture,
                        code.as_str()
                    ),
                    "都道府県名かコードのどちらかを直してください",
                );
            }
        }
        if o.district.is_some() && o.kind != OrdererKind::Municipality {
            report(
                "district",
                format!("district（郡）は町村にだけ書きます（kind: {}）", kind_name(o.kind)),
                "district を削除するか、kind を「市町村」にしてください",
            );
        }
        if let Some(today) = today.filter(|today| o.confirmed.0 > *today) {
            report(
                "confirmed",
                format!(
                    "確認日 {} がビルドの日付 {} より後です：ページが、まだ来ていない日に確認したと書くことになります",
                    o.confirmed,
                    today.format("%Y-%m-%d")
                ),
                "出典を読んだ日を書いてください。過去の日付でビルドするなら、その日までに確認した内容にしてください",
            );
        }
        match o.kind {
            OrdererKind::Prefecture if o.name != o.prefecture => report(
                "name",
                format!(
                    "都道府県の name「{}」が prefecture「{}」と違います",
                    o.name, o.prefecture
                ),
                "都道府県では name に都道府県名をそのまま書いてください",
            ),
            OrdererKind::Enterprise if o.parent.is_none() => report(
                "parent",
                "企業局・公営企業の親団体（parent）がありません".into(),
                "例: parent: 下関市",
            ),
            OrdererKind::Municipality | OrdererKind::Prefecture | OrdererKind::Association if o.parent.is_some() => {
                report(
                    "parent",
                    "parent は企業局・公営企業にだけ書きます".into(),
                    "kind を「企業局・公営企業」にするか、parent を削除してください",
                )
            }
            _ => {}
        }
        if o.sources.is_empty() {
            report(
                "sources",
                "出典（sources）がありません".into(),
                "掲載する内容の出典（発注者のお知らせのページやチラシ）の title と url を書いてください",
            );
        }
        let urls = o
            .sources
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.url.as_ref().map(|u| (format!("sources[{i}].url"), u)))
            .chain(o.website.as_ref().map(|u| ("website".to_string(), u)))
            .chain(
                o.issuer_contact
                    .as_ref()
                    .and_then(|c| c.url.as_ref())
                    .map(|u| ("issuer_contact.url".to_string(), u)),
            );
        for (field, url) in urls {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                report(
                    &field,
                    format!("「{url}」は URL ではありません"),
                    "https:// で始まる URL を書いてください",
                );
            } else if let Some((message, hint)) = super::hosts::copy_of_a_page(url) {
                report(&field, message, &hint);
            }
        }
        if o.targets.is_empty() {
            report(
                "targets",
                "対象案件（targets）が一つもありません".into(),
                "「- category: 工事」と「from: YYYY-MM-DD」を書いてください",
            );
        }
        if o.guarantee_kinds.is_empty() {
            report(
                "guarantee_kinds",
                "対象の保証証書（guarantee_kinds）が一つもありません".into(),
                "例: [前払金保証, 中間前払金保証, 契約保証]",
            );
        }
        check_kind_list(&o.guarantee_kinds, "guarantee_kinds", &mut report);
        for (i, target) in o.targets.iter().enumerate() {
            let at = |field: &str| format!("targets[{i}].{field}");
            if let Some(Err(e)) = target.from.map(|from| wareki::format(from.0)) {
                report(&at("from"), e.to_string(), "運用開始日を確認してください");
            }
            match &target.category {
                Some(category) if category.trim().is_empty() => report(
                    &at("category"),
                    "業務区分（category）が空です".into(),
                    "例: 工事、建設コンサルタント等業務。出典に業務区分がなければ category を削除してください",
                ),
                // Not stated: the page says so of the orderer's whole scope, so it is the only
                // target, and nothing is said per category of it.
                None if o.targets.len() > 1 => report(
                    &at("category"),
                    "業務区分（category）のない対象案件が、ほかの対象案件と並んでいます".into(),
                    "出典が業務区分を書いていないなら対象案件（targets）は一つにし、書いているならすべてに category を書いてください",
                ),
                None if target.guarantee_kinds.is_some() || !target.kind_starts.is_empty() => report(
                    &at("category"),
                    "業務区分（category）のない対象案件に guarantee_kinds や kind_starts があります".into(),
                    "保証の種類は発注者全体の guarantee_kinds に書き、業務区分ごとの指定を削除してください",
                ),
                _ => {}
            }
            if let Some(kinds) = &target.guarantee_kinds {
                check_kind_list(kinds, &at("guarantee_kinds"), &mut report);
                for kind in kinds.iter().filter(|k| !o.guarantee_kinds.contains(k)) {
                    report(
                        &at("guarantee_kinds"),
                        format!("「{kind}」が発注者の guarantee_kinds にありません"),
                        "発注者全体の guarantee_kinds にも書いてください",
                    );
                }
            }
            if target.note.is_some() && target.from.is_none() {
                report(
                    &at("note"),
                    "note（開始日に添える注記）があるのに、開始日（from）がありません".into(),
                    "出典の開始日を from に書くか、note を削除してください",
                );
            }
            if target.other_departments.is_some() && target.departments.is_empty() {
                report(
                    &at("other_departments"),
                    "other_departments は departments を書いたときだけ書きます".into(),
                    "対象の部署を departments に書くか、other_departments を削除してください",
                );
            }
            for (j, start) in target.kind_starts.iter().enumerate() {
                let field = format!("targets[{i}].kind_starts[{j}]");
                if !o.kinds_of(target).contains(&start.kind) {
                    report(
                        &field,
                        format!("「{}」はこの業務区分の対象ではありません", start.kind),
                        "kind_starts には、この業務区分の保証の種類だけを書いてください",
                    );
                }
                if let Some(from) = target.from.filter(|from| start.from < *from) {
                    report(
                        &field,
                        format!(
                            "「{}」の開始日 {} が業務区分「{}」の開始日 {from} より前です",
                            start.kind,
                            start.from,
                            target.category.as_deref().unwrap_or("")
                        ),
                        "保証の種類ごとの開始日は、業務区分の開始日と同じか後にしてください",
                    );
                }
            }
        }
        submission::validate_submission(o, &mut report);
        if let (Some(paper), Some(start)) = (&o.paper, o.start_date()) {
            match paper.until {
                Some(until) if !paper.accepted => report(
                    "paper",
                    format!("書面を受け付けない（accepted: false）のに、終了日 {until} があります"),
                    "書面の受付が終わる日を書くときは accepted: true にしてください",
                ),
                Some(until) if until < start => report(
                    "paper",
                    format!("書面の受付の終了日 {until} が運用開始日 {start} より前です"),
                    "書面の受付の終了日は、運用開始日と同じか後にしてください",
                ),
                _ => {}
            }
        }
        if let Some(docs) = &o.other_documents {
            if docs.items.is_empty() {
                report(
                    "other_documents",
                    "other_documents.items が空です".into(),
                    "電子化される保証証書以外の書類を書くか、other_documents を削除してください",
                );
            }
        }
        found
    }
}

/// No kind twice; 中間前払金保証 only beside 前払金保証.
fn check_kind_list(kinds: &[GuaranteeKind], field: &str, report: &mut impl FnMut(&str, String, &str)) {
    for kind in GuaranteeKind::ALL {
        if kinds.iter().filter(|k| **k == kind).count() > 1 {
            report(
                field,
                format!("「{kind}」が二度書かれています"),
                "一度だけ書いてください",
            );
        }
    }
    if kinds.contains(&GuaranteeKind::IntermediateAdvance) && !kinds.contains(&GuaranteeKind::Advance) {
        report(
            field,
            "中間前払金保証だけが対象になっています".into(),
            "中間前払金保証は前払金保証とあわせて書いてください",
        );
    }
}
