//! The rules of the content model that no field's parser can see: across the fields of one
//! orderer's file ([`Orderer::validate`]), across orderers' files ([`duplicates`]), of
//! `site.yaml` ([`SiteConfig::validate`]), of the glossary ([`glossary_problems`]) and of the
//! shared text ([`missing_sections`]). Each problem names the field it is at; the loader turns
//! that into the file's line and column.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{
    prefecture_name, prefecture_number, GlossaryEntry, GuaranteeKind, LocalGovCode, Orderer, OrdererKind, SiteConfig,
    Step3Submission, Step4Submission, SubmissionMethod, SubmissionRule,
};
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
            if let Err(e) = wareki::format(target.from.0) {
                report(&at("from"), e.to_string(), "運用開始日を確認してください");
            }
            if target.category.trim().is_empty() {
                report(
                    &at("category"),
                    "業務区分（category）が空です".into(),
                    "例: 工事、建設コンサルタント等業務",
                );
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
                if start.from < target.from {
                    report(
                        &field,
                        format!(
                            "「{}」の開始日 {} が業務区分「{}」の開始日 {} より前です",
                            start.kind, start.from, target.category, target.from
                        ),
                        "保証の種類ごとの開始日は、業務区分の開始日と同じか後にしてください",
                    );
                }
            }
        }
        validate_submission(o, &mut report);
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

/// Two of `rules` apply to one procurement: no `procurements` means every procurement.
fn overlapping(rules: &[&SubmissionRule]) -> bool {
    rules
        .iter()
        .enumerate()
        .any(|(i, a)| rules[i + 1..].iter().any(|b| a.overlaps(b)))
}

/// Every kind has exactly one rule (or none at all, when the sources do not say); a rule names
/// only the orderer's kinds; 電子申請 names its form.
fn validate_submission(o: &Orderer, report: &mut impl FnMut(&str, String, &str)) {
    let rules = &o.submission.rules;
    if o.submission.documents.is_empty() {
        report(
            "submission.documents",
            "提出する書類（submission.documents）がありません".into(),
            "例: [認証キー]",
        );
    }
    if rules.is_empty() {
        return;
    }
    if o.submission.ask.is_some() {
        report(
            "submission.ask",
            "submission.ask は提出ルール（rules）がないときだけ書きます".into(),
            "問い合わせ先はルールごとの ask に書いてください（rules[].ask）",
        );
    }
    let catch_all = rules.iter().filter(|r| r.guarantee_kinds.is_empty()).count();
    let catch_alls: Vec<&SubmissionRule> = rules.iter().filter(|r| r.guarantee_kinds.is_empty()).collect();
    if overlapping(&catch_alls) {
        report(
            "submission.rules",
            "guarantee_kinds のない提出ルールが二つ以上あります".into(),
            "保証の種類を書かないルール（すべての種類に共通）は一つだけにしてください",
        );
    }
    for kind in &o.guarantee_kinds {
        let naming: Vec<&SubmissionRule> = rules.iter().filter(|r| r.guarantee_kinds.contains(kind)).collect();
        let named = naming.len();
        if overlapping(&naming) {
            report(
                "submission.rules",
                format!("「{kind}」の提出ルールが二つあります"),
                "一つの保証の種類は一つのルールにだけ書いてください",
            );
        }
        if named == 0 && catch_all == 0 {
            report(
                "submission.rules",
                format!("「{kind}」の提出ルール（submission.rules）がありません"),
                "この種類の guarantee_kinds を持つルールを足すか、guarantee_kinds のないルールを一つ書いてください",
            );
        }
    }
    for (i, rule) in rules.iter().enumerate() {
        let field = format!("submission.rules[{i}]");
        for kind in rule.guarantee_kinds.iter().filter(|k| !o.guarantee_kinds.contains(k)) {
            report(
                &field,
                format!("「{kind}」は発注者の guarantee_kinds にありません"),
                "発注者の guarantee_kinds にある種類だけを書いてください",
            );
        }
        let online =
            rule.methods.contains(&SubmissionMethod::OnlineForm) || rule.also.contains(&SubmissionMethod::OnlineForm);
        if online != rule.form.is_some() {
            report(
                &field,
                if online {
                    "電子申請の申請先（form）がありません".into()
                } else {
                    "form は電子申請のときだけ書きます".into()
                },
                "電子申請なら form に name と url を書き、methods に「電子申請」を入れてください",
            );
        }
        if rule.subject.is_some() && !rule.subjects.is_empty() {
            report(
                &field,
                "subject と subjects の両方があります".into(),
                "件名が保証の種類ごとに違うなら subjects だけに、同じなら subject だけにしてください",
            );
        }
        for subject in &rule.subjects {
            for kind in subject.guarantee_kinds.iter().filter(|k| {
                !(if rule.guarantee_kinds.is_empty() {
                    &o.guarantee_kinds
                } else {
                    &rule.guarantee_kinds
                })
                .contains(k)
            }) {
                report(
                    &field,
                    format!("subjects の「{kind}」はこのルールの保証の種類ではありません"),
                    "subjects には、このルールの guarantee_kinds にある種類だけを書いてください",
                );
            }
        }
        if let Some(email) = &rule.email {
            if !email.contains('@') || email.contains(char::is_whitespace) {
                report(
                    &field,
                    format!("「{email}」はメールアドレスではありません"),
                    "例: keiyaku@city.example.lg.jp",
                );
            }
        }
        if o.printouts_refused
            && (rule.step3 == Some(Step3Submission::Print) || rule.step4 == Some(Step4Submission::Print))
        {
            report(
                &field,
                "印刷したものを受け付けない（printouts_refused）のに、印刷して提出するルールがあります".into(),
                "step3・step4 か printouts_refused のどちらかを直してください",
            );
        }
    }
}

impl SiteConfig {
    /// What `site.yaml`'s types cannot say: the base URL ends in `/`, every link is a web
    /// address.
    pub fn validate(&self) -> Vec<Problem> {
        let site = self;
        let mut found = Vec::new();
        let mut report = |field: &str, message: String, hint: String| {
            found.push(Problem {
                field: field.to_string(),
                message,
                hint,
            })
        };
        if !site.base_url.ends_with('/') {
            report(
                "base_url",
                "base_url は「/」で終わる必要があります".into(),
                format!("「{}/」と書いてください", site.base_url),
            );
        }
        if let Some(url) =
            (site.verification_service.url.as_ref()).filter(|u| u.starts_with("http") && !u.ends_with('/'))
        {
            report(
                "verification_service.url",
                "verification_service.url は「/」で終わる必要があります".into(),
                format!("「{url}/」と書いてください"),
            );
        }
        let service_contact = site.verification_service.contact.as_ref();
        let urls = [
            ("base_url", Some(&site.base_url)),
            ("issuer.url", Some(&site.issuer.url)),
            ("verification_service.url", site.verification_service.url.as_ref()),
            (
                "verification_service.contact.url",
                service_contact.and_then(|c| c.url.as_ref()),
            ),
            ("manual_video.page", site.manual_video.page.as_ref()),
            ("open_data.license.url", Some(&site.open_data.license.url)),
        ];
        for (field, url) in urls.into_iter().filter_map(|(f, u)| u.map(|u| (f, u))) {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                report(
                    field,
                    format!("「{url}」は URL ではありません"),
                    "https:// で始まる URL を書いてください".into(),
                );
            }
        }
        found
    }
}

/// An empty `wrong` term would match between every two characters of every file.
pub fn glossary_problems(entries: &[GlossaryEntry]) -> Vec<Problem> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.wrong.trim().is_empty() || e.right.trim().is_empty())
        .map(|(i, _)| Problem {
            field: format!("[{i}]"),
            message: "用語集に空の語があります".to_string(),
            hint: "wrong と right の両方に語を書くか、その項目を削除してください".to_string(),
        })
        .collect()
}

/// The shared texts the page needs that `sections` (by name) lacks.
pub fn missing_sections<T>(sections: &BTreeMap<String, T>) -> Vec<&'static str> {
    REQUIRED_SECTIONS
        .iter()
        .copied()
        .filter(|required| !sections.contains_key(*required))
        .collect()
}

/// The same body in two files: one name in one prefecture, or one code for one kind of body (a
/// city and its enterprise bureau may share a code; their names differ). `orderers` are sorted
/// by prefecture, name and path; each second file is returned with the first one's path.
pub fn duplicates<'a>(orderers: &[(&'a Path, &'a Orderer)]) -> Vec<(&'a Path, &'a Orderer, &'a Path)> {
    let mut by_name: HashMap<(&str, &str), &Path> = HashMap::with_capacity(orderers.len());
    let mut by_code: HashMap<(&LocalGovCode, &OrdererKind), &Path> = HashMap::new();
    let mut found = Vec::new();
    for &(path, o) in orderers {
        let first_by_name = *by_name.entry((&o.prefecture, &o.name)).or_insert(path);
        let first_by_code = o
            .code
            .as_ref()
            .map(|code| *by_code.entry((code, &o.kind)).or_insert(path));
        let twin = [Some(first_by_name), first_by_code]
            .into_iter()
            .flatten()
            .find(|first| *first != path);
        if let Some(first) = twin {
            found.push((path, o, first));
        }
    }
    found
}
