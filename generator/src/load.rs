//! Stage 1 and 2: read `content/`, parse every file, and check the rules that span fields and
//! files. Every problem in every file is collected before giving up.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use crate::content::{lint_glossary, prefecture_name, GlossaryEntry, GuaranteeKind, Municipality, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::wareki;
use crate::yaml;

/// A shared Markdown file, kept with its path so template errors can name it.
#[derive(Debug, Clone)]
pub struct Section {
    pub path: PathBuf,
    pub source: String,
}

/// Everything in `content/`, parsed and validated.
#[derive(Debug, Clone)]
pub struct Content {
    pub site: SiteConfig,
    /// By name without `.md`: `about`, `steps-1-2`, `qa` …
    pub sections: BTreeMap<String, Section>,
    /// Ordered by 全国地方公共団体コード.
    pub municipalities: Vec<Municipality>,
}

pub fn load_content(dir: &Path) -> Result<Content, Diagnostics> {
    let mut errors = Diagnostics::default();
    if !dir.is_dir() {
        return Err(Diagnostic::new(dir, "コンテンツのディレクトリがありません")
            .hint("--content で content/ の場所を指定してください")
            .into());
    }

    let glossary_path = dir.join("glossary.yaml");
    let glossary: Vec<GlossaryEntry> = match read(&glossary_path) {
        Ok(source) => yaml::parse(&glossary_path, &source).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        }),
        Err(_) => Vec::new(),
    };
    let lint =
        |path: &Path, source: &str, errors: &mut Diagnostics| errors.extend(lint_glossary(path, source, &glossary));

    let site_path = dir.join("site.yaml");
    let site_source = read(&site_path).map_err(|e| errors.push(e)).ok();
    let site = site_source.as_deref().and_then(|source| {
        lint(&site_path, source, &mut errors);
        yaml::parse::<SiteConfig>(&site_path, source)
            .map_err(|e| errors.extend(e))
            .ok()
    });
    if let (Some(site), Some(source)) = (&site, &site_source) {
        for (field, value) in [("base_url", &site.base_url), ("verify_path", &site.verify_path)] {
            if !value.ends_with('/') {
                errors.push(
                    Diagnostic::new(&site_path, format!("{field} は「/」で終わる必要があります"))
                        .at(yaml::locate(source, field))
                        .field(field)
                        .hint(format!("「{value}/」と書いてください")),
                );
            }
        }
    }

    let mut sections = BTreeMap::new();
    for path in files_with_extension(&dir.join("sections"), "md", &mut errors) {
        match read(&path) {
            Ok(source) => {
                lint(&path, &source, &mut errors);
                let name = stem(&path);
                sections.insert(name, Section { path, source });
            }
            Err(e) => errors.push(e),
        }
    }
    for required in REQUIRED_SECTIONS {
        if !sections.contains_key(*required) {
            errors.push(
                Diagnostic::new(
                    dir.join("sections").join(format!("{required}.md")),
                    "共通の本文ファイルがありません",
                )
                .hint("ページのこの部分の文章を Markdown で書いてください"),
            );
        }
    }

    let mut municipalities = Vec::new();
    let municipality_files = files_with_extension(&dir.join("municipalities"), "yaml", &mut errors);
    if municipality_files.is_empty() {
        errors.push(
            Diagnostic::new(dir.join("municipalities"), "自治体のファイルが一つもありません")
                .hint("content/municipalities/<名前>.yaml を追加してください"),
        );
    }
    let mut sources = HashMap::new();
    for path in municipality_files {
        let source = match read(&path) {
            Ok(source) => source,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        lint(&path, &source, &mut errors);
        match yaml::parse::<Municipality>(&path, &source) {
            Ok(mut municipality) => {
                municipality.slug = stem(&path);
                errors.extend(validate(&municipality, &path, &source));
                municipalities.push((path.clone(), municipality));
            }
            Err(e) => errors.extend(e),
        }
        sources.insert(path, source);
    }

    municipalities.sort_by(|a, b| a.1.code.cmp(&b.1.code).then_with(|| a.0.cmp(&b.0)));
    for pair in municipalities.windows(2) {
        let (first_path, first) = &pair[0];
        let (path, municipality) = &pair[1];
        if first.code == municipality.code {
            errors.push(
                Diagnostic::new(
                    path,
                    format!(
                        "全国地方公共団体コード「{}」の自治体が二つあります",
                        municipality.code.as_str()
                    ),
                )
                .at(sources.get(path).and_then(|s| yaml::locate(s, "code")))
                .field("code")
                .hint(format!(
                    "{} と同じ自治体です。どちらか一方のファイルにまとめてください",
                    first_path.display()
                )),
            );
        }
    }

    match site {
        Some(site) => errors.into_result(Content {
            site,
            sections,
            municipalities: municipalities.into_iter().map(|(_, m)| m).collect(),
        }),
        None => Err(errors),
    }
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

/// Rules a single file's parser cannot see: across fields, or about the file name.
fn validate(m: &Municipality, path: &Path, source: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut report = |field: &str, message: String, hint: String| {
        found.push(
            Diagnostic::new(path, message)
                .at(yaml::locate(source, field))
                .field(field)
                .hint(hint),
        );
    };

    if m.slug.is_empty()
        || !m
            .slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        report(
            "name",
            format!("ファイル名「{}」はページのURLに使えません", m.slug),
            "ファイル名は半角英小文字・数字・ハイフンにしてください（例: ashiya-machi.yaml）".into(),
        );
    }
    for (field, value) in [("name", &m.name), ("prefecture", &m.prefecture)] {
        if value.trim().is_empty() {
            report(field, format!("{field} が空です"), "値を書いてください".into());
        }
    }
    let expected_prefecture = prefecture_name(m.code.prefecture_number()).unwrap_or("");
    if m.prefecture != expected_prefecture {
        report(
            "prefecture",
            format!(
                "都道府県「{}」が全国地方公共団体コード「{}」（{expected_prefecture}）と合いません",
                m.prefecture,
                m.code.as_str()
            ),
            "都道府県名かコードのどちらかを直してください".into(),
        );
    }
    if m.targets.is_empty() {
        report(
            "targets",
            "対象案件（targets）が一つもありません".into(),
            "「- category: 工事」と「from: YYYY-MM-DD」を書いてください".into(),
        );
    }
    for (i, target) in m.targets.iter().enumerate() {
        if let Err(e) = wareki::format(target.from.0) {
            report(
                &format!("targets[{i}].from"),
                e.to_string(),
                "運用開始日を確認してください".into(),
            );
        }
        if target.category.trim().is_empty() {
            report(
                &format!("targets[{i}].category"),
                "業務区分（category）が空です".into(),
                "例: 工事、建設コンサルタント等業務".into(),
            );
        }
    }
    if let Some(added) = m.added {
        if wareki::format(added.0).is_err() {
            report(
                "added",
                format!("{added} は和暦に変換できません"),
                "掲載日を確認してください".into(),
            );
        }
    }
    if m.guarantee_kinds.is_empty() {
        report(
            "guarantee_kinds",
            "対象の保証証書（guarantee_kinds）が一つもありません".into(),
            "例: [前払金保証, 中間前払金保証, 契約保証]".into(),
        );
    }
    for kind in GuaranteeKind::ALL {
        if m.guarantee_kinds.iter().filter(|k| **k == kind).count() > 1 {
            report(
                "guarantee_kinds",
                format!("「{kind}」が二度書かれています"),
                "一度だけ書いてください".into(),
            );
        }
    }
    if m.guarantee_kinds.contains(&GuaranteeKind::IntermediateAdvance)
        && !m.guarantee_kinds.contains(&GuaranteeKind::Advance)
    {
        report(
            "guarantee_kinds",
            "中間前払金保証だけが対象になっています".into(),
            "中間前払金保証は前払金保証とあわせて書いてください".into(),
        );
    }
    if m.key_submission.methods.is_empty()
        || m.key_submission.documents.is_empty()
        || m.key_submission.answer.trim().is_empty()
    {
        report(
            "key_submission",
            "認証キーの提出方法（documents, methods, answer）が不足しています".into(),
            "見本の自治体ファイルと同じ項目を書いてください".into(),
        );
    }
    if m.other_documents.items.is_empty() {
        report(
            "other_documents",
            "other_documents.items が空です".into(),
            "電子化される保証証書以外の書類を書いてください".into(),
        );
    }
    if !matches!(m.other_documents.connector.as_str(), "及び" | "または") {
        report(
            "other_documents",
            format!("connector「{}」は使えません", m.other_documents.connector),
            "「及び」か「または」を書いてください".into(),
        );
    }
    found
}

fn read(path: &Path) -> Result<String, Diagnostic> {
    fs::read_to_string(path).map_err(|e| Diagnostic::io(path, &e))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Files directly in `dir` ending in `.ext`, sorted so that output is deterministic.
fn files_with_extension(dir: &Path, ext: &str, errors: &mut Diagnostics) -> Vec<PathBuf> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(Diagnostic::io(dir, &e));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .filter(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".yml") && ext == "yaml" {
                errors.push(
                    Diagnostic::new(path, "拡張子 .yml は読み込みません").hint("ファイル名を .yaml に変えてください"),
                );
            }
            path.extension().is_some_and(|e| e == ext) && !name.starts_with('.')
        })
        .collect();
    files.sort();
    files
}
