//! Stage 3: domain → pages. Municipality pages render in parallel; everything is kept in
//! memory until the whole site rendered, so a failure writes nothing.

mod qr;
mod sections;
mod sentences;
mod templates;

use chrono::NaiveDate;
use minijinja::value::Serde;
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;

use crate::content::{Date, GuaranteeKind, Municipality, SubmissionMethod};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Content;

pub use qr::svg_for_url;
pub use sentences::{
    contacts_sentence, other_documents_sentence, target_groups, targets_sentence, DateView, TargetGroup,
};
pub use templates::{section_environment, Templates, REQUIRED_TEMPLATES};

/// One file of the built site, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    fn text(path: impl Into<String>, text: String) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.into_bytes(),
        }
    }
}

/// Status relative to the build date.
fn status(start: Date, today: NaiveDate) -> &'static str {
    if start.0 <= today {
        "運用中"
    } else {
        "運用開始予定"
    }
}

/// What a municipality page, the index and open data know of one municipality.
#[derive(Debug, Clone, Serialize)]
struct MunicipalitySummary<'a> {
    m: &'a Municipality,
    full_name: String,
    start: DateView,
    status: &'static str,
    started: bool,
    target_groups: Vec<TargetGroup>,
    targets_sentence: String,
}

impl<'a> MunicipalitySummary<'a> {
    fn new(m: &'a Municipality, today: NaiveDate) -> Option<Self> {
        let start = m.start_date()?;
        let groups = target_groups(m);
        Some(MunicipalitySummary {
            full_name: m.full_name(),
            start: DateView::new(start),
            status: status(start, today),
            started: start.0 <= today,
            targets_sentence: targets_sentence(m, &groups),
            target_groups: groups,
            m,
        })
    }
}

/// Renders the whole site into memory.
pub fn render_site(content: &Content, templates: &Templates, today: NaiveDate) -> Result<Vec<OutputFile>, Diagnostics> {
    let site = &content.site;
    let summaries: Vec<MunicipalitySummary<'_>> = content
        .municipalities
        .iter()
        .filter_map(|m| MunicipalitySummary::new(m, today))
        .collect();
    let section_list: Vec<_> = content.sections.values().collect();
    let section_env = section_environment(&section_list)?;
    let qr_svg = svg_for_url(
        &site.manual_video.url,
        &format!("操作マニュアル動画（{}）への二次元バーコード", site.manual_video.url),
    )
    .map_err(|e| {
        Diagnostic::new("content/site.yaml", e)
            .field("manual_video.url")
            .hint("URL を短くしてください")
    })?;
    let build_date = DateView::new(Date(today));
    let globals = context! {
        root => root_path(&site.base_url),
        site => Serde(site),
        build_date => Serde(&build_date),
    };

    let rendered: Vec<Result<OutputFile, Vec<Diagnostic>>> = summaries
        .par_iter()
        .map(|summary| render_municipality(summary, content, templates, &section_env, &globals, &qr_svg))
        .collect();
    let mut errors = Diagnostics::default();
    let mut files = Vec::with_capacity(summaries.len() + 10);
    for result in rendered {
        match result {
            Ok(file) => files.push(file),
            Err(found) => errors.extend(found),
        }
    }
    // Shared text renders the same for every municipality: report each problem once.
    errors
        .0
        .sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    errors.0.dedup();

    let prefectures = group_by_prefecture(&summaries);
    let feed = feed_entries(&summaries, today);
    let site_context = context! {
        ..globals.clone(),
        ..context! {
            prefectures => Serde(&prefectures),
            municipalities => Serde(&summaries),
            feed_entries => Serde(&feed),
            feed_updated => feed.first().map(|e| e.date.clone()).unwrap_or_else(|| build_date.iso.clone()),
        }
    };
    for (name, output) in [
        ("index.html", "index.html"),
        ("verify.html", "verify/index.html"),
        ("404.html", "404.html"),
        ("feed.xml", "feed.xml"),
        ("sitemap.xml", "sitemap.xml"),
        ("robots.txt", "robots.txt"),
    ] {
        match templates.render(name, site_context.clone()) {
            Ok(text) => files.push(OutputFile::text(output, text)),
            Err(e) => errors.push(e),
        }
    }
    match open_data(&summaries, &site.base_url) {
        Ok(json) => files.push(OutputFile::text("municipalities.json", json)),
        Err(e) => errors.push(Diagnostic::new("municipalities.json", e)),
    }
    for (path, bytes) in &templates.assets {
        files.push(OutputFile {
            path: path.clone(),
            bytes: bytes.clone(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    errors.into_result(files)
}

fn render_municipality(
    summary: &MunicipalitySummary<'_>,
    content: &Content,
    templates: &Templates,
    section_env: &minijinja::Environment<'static>,
    globals: &Value,
    qr_svg: &str,
) -> Result<OutputFile, Vec<Diagnostic>> {
    let m = summary.m;
    let kinds_canonical: Vec<&str> = GuaranteeKind::ALL
        .iter()
        .filter(|k| m.guarantee_kinds.contains(k))
        .map(|k| k.name())
        .collect();
    let headline_kinds: Vec<&str> = m
        .guarantee_kinds
        .iter()
        .filter(|k| k.is_main())
        .map(|k| k.name())
        .collect();
    let placeholders = context! {
        site => Serde(&content.site),
        name => &m.name,
        full_name => &summary.full_name,
        start_date => &summary.start.text,
        headline_kinds => Serde(&headline_kinds),
        kinds_canonical => Serde(&kinds_canonical),
        targets_sentence => &summary.targets_sentence,
        contacts_sentence => contacts_sentence(&m.key_submission.contacts),
        other_documents_sentence => other_documents_sentence(&m.other_documents),
        key_submission => Serde(&m.key_submission),
        step3_submission => Serde(&m.step3_submission),
        step4_submission => Serde(&m.step4_submission),
        notes => Serde(&m.notes),
    };
    let mut errors = Vec::new();
    let html_sections = sections::render_sections(section_env, content, &placeholders).unwrap_or_else(|found| {
        errors.extend(found);
        Default::default()
    });
    let mut questions = sections::render_questions(section_env, content, &placeholders).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    questions.extend(
        m.extra_qa
            .iter()
            .map(|qa| sections::question_view(&qa.question, &qa.answer)),
    );

    let page_url = format!("{}{}/", content.site.base_url, m.slug);
    let description = format!(
        "{}の電子保証（電子証書）のご案内。{}より運用開始。対象案件、対象の保証証書（{}）、お申込の流れとQ&A。",
        summary.full_name,
        summary.start.text,
        m.guarantee_kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join("・")
    );
    let context = context! {
        ..globals.clone(),
        ..context! {
            municipality => Serde(summary),
            m => Serde(m),
            kinds => Serde(&m.guarantee_kinds),
            sections => Serde(&html_sections),
            questions => Serde(&questions),
            page_url => &page_url,
            description => description,
            faq_jsonld => faq_json_ld(&questions, &page_url),
            qr_svg => qr_svg,
        }
    };
    templates
        .render("municipality.html", context)
        .map(|html| OutputFile::text(format!("{}/index.html", m.slug), html))
        .map_err(|e| vec![e])
}

/// The path part of the base URL (`/` for a site at the root of its host), for links that
/// work on every page depth, the 404 page included.
fn root_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, rest)| rest).unwrap_or(base_url);
    match after_scheme.find('/') {
        Some(index) => after_scheme[index..].to_string(),
        None => "/".to_string(),
    }
}

/// schema.org FAQPage, safe to embed in a `<script>` element.
fn faq_json_ld(questions: &[sections::QuestionView], url: &str) -> String {
    let entities: Vec<serde_json::Value> = questions
        .iter()
        .map(|q| {
            serde_json::json!({
                "@type": "Question",
                "name": q.question,
                "acceptedAnswer": { "@type": "Answer", "text": q.answer_text },
            })
        })
        .collect();
    let document = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": url,
        "mainEntity": entities,
    });
    document.to_string().replace("</", "<\\/").replace("<!--", "<\\!--")
}

#[derive(Debug, Serialize)]
struct PrefectureGroup<'a> {
    name: &'a str,
    municipalities: Vec<&'a MunicipalitySummary<'a>>,
}

/// Summaries are ordered by code, so prefectures come out in JIS order.
fn group_by_prefecture<'a>(summaries: &'a [MunicipalitySummary<'a>]) -> Vec<PrefectureGroup<'a>> {
    let mut groups: Vec<PrefectureGroup<'a>> = Vec::new();
    for summary in summaries {
        match groups.last_mut() {
            Some(group) if group.name == summary.m.prefecture => group.municipalities.push(summary),
            _ => groups.push(PrefectureGroup {
                name: &summary.m.prefecture,
                municipalities: vec![summary],
            }),
        }
    }
    groups
}

#[derive(Debug, Clone, Serialize)]
struct FeedEntry {
    id: String,
    title: String,
    date: String,
    slug: String,
    summary: String,
}

/// Newest first: each municipality's announcement, and its start once the start has passed.
fn feed_entries(summaries: &[MunicipalitySummary<'_>], today: NaiveDate) -> Vec<FeedEntry> {
    let mut entries = Vec::new();
    for s in summaries {
        let m = s.m;
        if let Some(added) = m.added.filter(|d| d.0 <= today) {
            entries.push(FeedEntry {
                id: format!("{}/added", m.slug),
                title: format!("{}で電子保証の取扱いを開始します（{}より）", s.full_name, s.start.text),
                date: added.iso(),
                slug: m.slug.clone(),
                summary: format!("{}が対象です。", s.targets_sentence),
            });
        }
        if s.started {
            entries.push(FeedEntry {
                id: format!("{}/started", m.slug),
                title: format!("{}で電子保証の運用を開始しました", s.full_name),
                date: s.start.iso.clone(),
                slug: m.slug.clone(),
                summary: format!("{}が対象です。", s.targets_sentence),
            });
        }
    }
    entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    entries
}

#[derive(Serialize)]
struct OpenDataRecord<'a> {
    name: &'a str,
    prefecture: &'a str,
    district: Option<&'a str>,
    code: &'a str,
    start_date: String,
    status: &'a str,
    targets: Vec<OpenDataTarget<'a>>,
    guarantee_kinds: &'a [GuaranteeKind],
    key_submission_methods: &'a [SubmissionMethod],
    url: String,
}

#[derive(Serialize)]
struct OpenDataTarget<'a> {
    category: &'a str,
    from: String,
    initial_contract_only: bool,
}

fn open_data(summaries: &[MunicipalitySummary<'_>], base_url: &str) -> Result<String, String> {
    let records: Vec<OpenDataRecord<'_>> = summaries
        .iter()
        .map(|s| OpenDataRecord {
            name: &s.m.name,
            prefecture: &s.m.prefecture,
            district: s.m.district.as_deref(),
            code: s.m.code.as_str(),
            start_date: s.start.iso.clone(),
            status: s.status,
            targets: s
                .m
                .targets
                .iter()
                .map(|t| OpenDataTarget {
                    category: &t.category,
                    from: t.from.iso(),
                    initial_contract_only: t.initial_contract_only,
                })
                .collect(),
            guarantee_kinds: &s.m.guarantee_kinds,
            key_submission_methods: &s.m.key_submission.methods,
            url: format!("{base_url}{}/", s.m.slug),
        })
        .collect();
    serde_json::to_string_pretty(&records)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| e.to_string())
}
