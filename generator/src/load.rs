//! Stage 1: read `content/` — walk its folders, read every file within bounds, parse orderers'
//! files in parallel — and hand each parsed file to the rules of [`crate::content::validate`],
//! whose problems become diagnostics at the file's own line and column. Every problem in every
//! file is collected before giving up.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::content::validate::{self, Problem};
use crate::content::{
    lint_glossary, GlossaryEntry, Issuer, LocalGovernments, Orderer, SiteConfig, LOCAL_GOVERNMENTS_PATH,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::read;
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
    /// Where `site` was read from, for errors about it found later.
    pub site_path: PathBuf,
    /// By name without `.md`: `about`, `steps-1-2`, `qa` …
    pub sections: BTreeMap<String, Section>,
    /// In the index's order: prefecture (JIS), code, name.
    pub orderers: Arc<Vec<Orderer>>,
    /// `glossary.yaml`, which templates are linted against too.
    pub glossary: Vec<GlossaryEntry>,
    /// The national code list, for an orderer's file read again on its own (the preview).
    pub local_governments: Option<LocalGovernments>,
}

/// `today`: the build date (a `confirmed` date after it is an error); `None` skips that rule.
pub fn load_content(dir: &Path, today: Option<NaiveDate>) -> Result<Content, Diagnostics> {
    let mut errors = Diagnostics::default();
    if !dir.is_dir() {
        return Err(Diagnostic::new(dir, "コンテンツのディレクトリがありません")
            .hint("--content で content/ の場所を指定してください")
            .into());
    }

    // The wording lint is part of every check: a glossary that cannot be read is an error, never
    // a lint silently switched off.
    let glossary_path = dir.join("glossary.yaml");
    let glossary: Vec<GlossaryEntry> = match read::text(&glossary_path) {
        Ok(source) => match yaml::parse::<Vec<GlossaryEntry>>(&glossary_path, &source) {
            Ok(entries) => {
                let problems = validate::glossary_problems(&entries);
                errors.extend(diagnose(&glossary_path, &source, problems));
                entries.into_iter().filter(|e| !e.wrong.trim().is_empty()).collect()
            }
            Err(e) => {
                errors.extend(e);
                Vec::new()
            }
        },
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    };
    // One orthography per page (又は, full-width parentheses after a name, …): `style.yaml`, in
    // the glossary's form, checked with it. Optional: a site without one has no style rules.
    let mut glossary = glossary;
    let style_path = dir.join("style.yaml");
    if style_path.exists() {
        match read::text(&style_path) {
            Ok(source) => match yaml::parse::<Vec<GlossaryEntry>>(&style_path, &source) {
                Ok(entries) => {
                    errors.extend(diagnose(&style_path, &source, validate::glossary_problems(&entries)));
                    let style = entries.into_iter().filter(|e| !e.wrong.trim().is_empty());
                    glossary.extend(style.map(|e| GlossaryEntry { style: true, ..e }));
                }
                Err(e) => errors.extend(e),
            },
            Err(e) => errors.push(e),
        }
    }
    let glossary = glossary;
    let lint =
        |path: &Path, source: &str, errors: &mut Diagnostics| errors.extend(lint_glossary(path, source, &glossary));

    let site_path = dir.join("site.yaml");
    let site_source = read::text(&site_path).map_err(|e| errors.push(e)).ok();
    let site = site_source.as_deref().and_then(|source| {
        lint(&site_path, source, &mut errors);
        yaml::parse::<SiteConfig>(&site_path, source)
            .map_err(|e| errors.extend(e))
            .ok()
    });
    if let (Some(site), Some(source)) = (&site, &site_source) {
        errors.extend(diagnose(&site_path, source, site.validate()));
    }

    let mut sections = BTreeMap::new();
    for path in files_with_extension(&dir.join("sections"), "md", &mut errors) {
        match read::text(&path) {
            Ok(source) => {
                lint(&path, &source, &mut errors);
                let name = stem(&path);
                sections.insert(name, Section { path, source });
            }
            Err(e) => errors.push(e),
        }
    }
    for required in validate::missing_sections(&sections) {
        errors.push(
            Diagnostic::new(
                dir.join("sections").join(format!("{required}.md")),
                "共通の本文ファイルがありません",
            )
            .hint("ページのこの部分の文章を Markdown で書いてください"),
        );
    }

    let local_governments = load_local_governments(dir, &mut errors);

    let orderer_files = files_with_extension(&dir.join("municipalities"), "yaml", &mut errors);
    if orderer_files.is_empty() {
        errors.push(
            Diagnostic::new(dir.join("municipalities"), "発注者のファイルが一つもありません")
                .hint("content/municipalities/<名前>.yaml を追加してください"),
        );
    }
    // Files are read and parsed in parallel; the results keep the order of the file names, so
    // the errors come out in the same order on every run.
    let loaded: Vec<(Option<LoadedOrderer>, Diagnostics)> = orderer_files
        .into_par_iter()
        .map(|path| {
            load_orderer(
                path,
                &glossary,
                local_governments.as_ref(),
                site.as_ref().map(|s| &s.issuer),
                today,
            )
        })
        .collect();
    let mut orderers = Vec::with_capacity(loaded.len());
    for (orderer, found) in loaded {
        errors.extend(found.0);
        orderers.extend(orderer);
    }

    orderers.sort_by(|a, b| {
        (&a.orderer.prefecture, &a.orderer.name, &a.path).cmp(&(&b.orderer.prefecture, &b.orderer.name, &b.path))
    });
    let files: Vec<(&Path, &Orderer)> = orderers.iter().map(|l| (l.path.as_path(), &l.orderer)).collect();
    errors.extend(duplicate_errors(&files));
    let mut orderers: Vec<Orderer> = orderers.into_iter().map(|loaded| loaded.orderer).collect();
    orderers.sort_by(|a, b| a.index_key().cmp(&b.index_key()));

    match site {
        Some(site) => errors.into_result(Content {
            site,
            site_path,
            sections,
            orderers: Arc::new(orderers),
            glossary,
            local_governments,
        }),
        None => Err(errors),
    }
}

/// Two files of one orderer (by name, or by code and kind), each an error at the later file's
/// `name`; `files` sorted by prefecture, name and path.
pub fn duplicate_errors(files: &[(&Path, &Orderer)]) -> Vec<Diagnostic> {
    validate::duplicates(files)
        .into_iter()
        .map(|(path, o, first)| {
            Diagnostic::new(path, format!("発注者「{}」のファイルが二つあります", o.full_name()))
                // Only on this error path is the file read again, to point at its line.
                .at(read::text(path).ok().and_then(|source| yaml::locate(&source, "name")))
                .field("name")
                .hint(format!(
                    "{} と同じ発注者です。どちらか一方のファイルにまとめてください",
                    first.display()
                ))
        })
        .collect()
}

/// One orderer's file read, linted, parsed and validated on its own (the preview, after an
/// edit of that file; `generator new`, on the file it wrote); rules across files are
/// [`duplicate_errors`]'s.
pub fn load_orderer_file(
    path: &Path,
    glossary: &[GlossaryEntry],
    local_governments: Option<&LocalGovernments>,
    issuer: Option<&Issuer>,
    today: Option<NaiveDate>,
) -> Result<Orderer, Diagnostics> {
    match load_orderer(path.to_path_buf(), glossary, local_governments, issuer, today) {
        (Some(loaded), errors) => errors.into_result(loaded.orderer),
        (None, errors) => Err(errors),
    }
}

/// One orderer's file as loaded, with its path, for an error found across files.
struct LoadedOrderer {
    path: PathBuf,
    orderer: Orderer,
}

/// Reads, lints, parses and validates one orderer's file; the source is dropped here, so a
/// large site is not held in memory twice.
fn load_orderer(
    path: PathBuf,
    glossary: &[GlossaryEntry],
    local_governments: Option<&LocalGovernments>,
    issuer: Option<&Issuer>,
    today: Option<NaiveDate>,
) -> (Option<LoadedOrderer>, Diagnostics) {
    let mut errors = Diagnostics::default();
    let source = match read::text(&path) {
        Ok(source) => source,
        Err(e) => {
            errors.push(e);
            return (None, errors);
        }
    };
    errors.extend(lint_glossary(&path, &source, glossary));
    match yaml::parse::<Orderer>(&path, &source) {
        Ok(mut orderer) => {
            orderer.slug = stem(&path);
            let mut problems = local_governments.map_or_else(Vec::new, |list| orderer.resolve_code(list));
            problems.extend(orderer.validate(today));
            problems.extend(issuer.map_or_else(Vec::new, |issuer| orderer.guarantor_problems(issuer)));
            errors.extend(diagnose(&path, &source, problems));
            (Some(LoadedOrderer { path, orderer }), errors)
        }
        Err(e) => {
            errors.extend(e);
            (None, errors)
        }
    }
}

/// The national code list. A missing or broken list is one error here; the orderers are then
/// not matched against it (each would be an error of its own, saying the same).
/// The national code list under `dir` (a `content/` folder), or its error.
pub fn load_local_governments(dir: &Path, errors: &mut Diagnostics) -> Option<LocalGovernments> {
    let path = dir.join(LOCAL_GOVERNMENTS_PATH);
    let text = match read::text(&path) {
        Ok(text) => text,
        Err(e) => {
            errors.push(e.hint(format!(
                "全国地方公共団体コードの一覧（{LOCAL_GOVERNMENTS_PATH}）が必要です。content/data/refresh-local-governments.py で作れます"
            )));
            return None;
        }
    };
    LocalGovernments::parse(&text)
        .map_err(|(line, message)| {
            errors.push(
                Diagnostic::new(&path, format!("全国地方公共団体コードの一覧が読めません: {message}"))
                    .at(Some((line, 1)))
                    .hint("content/data/refresh-local-governments.py で作り直してください"),
            );
        })
        .ok()
}

/// Each rule's problem as a diagnostic at the line of its field in `source`.
fn diagnose<'a>(path: &'a Path, source: &'a str, problems: Vec<Problem>) -> impl Iterator<Item = Diagnostic> + 'a {
    problems.into_iter().map(move |p| {
        Diagnostic::new(path, p.message)
            .at(yaml::locate(source, &p.field))
            .field(p.field)
            .hint(p.hint)
    })
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Files directly in `dir` ending in `.ext`, sorted so that output is deterministic. Every
/// other entry is an error with a hint: nothing in the folder is skipped in silence.
fn files_with_extension(dir: &Path, ext: &str, errors: &mut Diagnostics) -> Vec<PathBuf> {
    let suffix = format!(".{ext}");
    let mut files = Vec::new();
    for entry in read::entries(dir, 1) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let path = entry.path().to_path_buf();
        let name = entry.file_name().to_string_lossy().into_owned();
        let lower = name.to_lowercase();
        let is_dir = entry.file_type().is_dir();
        if name.ends_with(&suffix) && name.len() > suffix.len() && !is_dir {
            // Regular file or not, the reader decides and says so.
            files.push(path);
            continue;
        }
        let hint = if is_dir {
            "ここにはディレクトリを置けません。中のファイルをこのディレクトリの直下に移してください".to_string()
        } else if ext == "yaml" && lower.ends_with(".yml") {
            "拡張子 .yml は読み込みません。ファイル名を .yaml に変えてください".to_string()
        } else if lower.ends_with(&suffix) {
            format!("拡張子は小文字の {suffix} にしてください")
        } else if lower.contains(&format!("{suffix}.")) {
            format!(
                "{suffix} の後ろの拡張子（{}）を外してください",
                &name[name.rfind('.').unwrap_or(0)..]
            )
        } else {
            format!("このディレクトリには <名前>{suffix} だけを置いてください。このファイルは別の場所に移してください")
        };
        errors.push(Diagnostic::new(&path, format!("「{name}」は読み込めません")).hint(hint));
    }
    files.sort();
    files
}
