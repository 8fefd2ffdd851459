//! Stage 3: domain → pages. Orderer pages render in parallel; everything is kept in memory until
//! the whole site rendered, so a failure writes nothing.

mod phrases;
mod qr;
mod sections;
mod templates;
mod views;

use chrono::NaiveDate;
use minijinja::value::Serde;
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;

use crate::content::{Date, GuaranteeKind, Orderer, VERIFY_PATH};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Content;

use phrases::LineBreaker;
pub use qr::{qr_for_url, QrView};
pub use templates::{section_environment, Templates, REQUIRED_TEMPLATES, SENTENCES_TEMPLATE};
pub use views::{DateView, PaperView, RuleView, SiteLinks, StepView, TargetGroup, TargetView};

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

/// What an orderer's page, the index, the feed and open data know of one orderer, relative to
/// the build date.
#[derive(Debug, Clone, Serialize)]
struct OrdererSummary<'a> {
    o: &'a Orderer,
    full_name: String,
    start: DateView,
    confirmed: DateView,
    groups: Vec<TargetGroup>,
    targets: Vec<TargetView>,
    rules: Vec<RuleView<'a>>,
    step3: StepView,
    step4: StepView,
    paper: Option<PaperView>,
    /// 前払金保証 and 契約保証 in display order: 中間前払金保証 is part of the first.
    headline_kinds: Vec<GuaranteeKind>,
    /// The kinds in the flyers' canonical order, for the Q&A list.
    kinds_canonical: Vec<GuaranteeKind>,
}

impl<'a> OrdererSummary<'a> {
    fn new(o: &'a Orderer, today: NaiveDate) -> Option<Self> {
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

/// Sentences the shared Markdown and the pages use, from `templates/partials/sentences.jinja`.
#[derive(Debug, Clone, Default, Serialize)]
struct Sentences {
    targets_sentence: String,
    kinds_by_category: String,
    submission_answer: String,
    paper_sentence: String,
    other_documents_sentence: String,
    submitted_documents: String,
}

fn sentences(summary: &OrdererSummary<'_>, templates: &Templates) -> Result<Sentences, Diagnostic> {
    let o = Value::from(Serde(summary.o));
    let calls = [
        ("targets_sentence", vec![o.clone(), Value::from(Serde(&summary.groups))]),
        ("kinds_by_category", vec![Value::from(Serde(&summary.targets))]),
        (
            "submission_answer",
            vec![
                o.clone(),
                Value::from(Serde(&summary.rules)),
                Value::from(Serde(&summary.o.submission.ask)),
            ],
        ),
        ("paper_sentence", vec![Value::from(Serde(&summary.paper))]),
        (
            "other_documents_sentence",
            vec![Value::from(Serde(&summary.o.other_documents))],
        ),
        ("submitted_documents", vec![Value::from(Serde(&summary.step3))]),
    ];
    let text: Vec<String> = templates
        .call_macros(SENTENCES_TEMPLATE, &calls)?
        .into_iter()
        .map(|t| t.trim().to_string())
        .collect();
    let [targets_sentence, kinds_by_category, submission_answer, paper_sentence, other_documents_sentence, submitted_documents] =
        <[String; 6]>::try_from(text).map_err(|_| Diagnostic::new(SENTENCES_TEMPLATE, "文のマクロの数が合いません"))?;
    Ok(Sentences {
        targets_sentence,
        kinds_by_category,
        submission_answer,
        paper_sentence,
        other_documents_sentence,
        submitted_documents,
    })
}

/// Renders the whole site into memory.
pub fn render_site(content: &Content, templates: &Templates, today: NaiveDate) -> Result<Vec<OutputFile>, Diagnostics> {
    let site = &content.site;
    let summaries: Vec<OrdererSummary<'_>> = content
        .orderers
        .iter()
        .filter_map(|o| OrdererSummary::new(o, today))
        .collect();
    let section_list: Vec<_> = content.sections.values().collect();
    let section_env = section_environment(&section_list)?;
    let root = root_path(&site.base_url);
    let links = views::SiteLinks::new(site, &root);
    let qr = qr_for_url(&links.video_href).map_err(|e| {
        Diagnostic::new(&content.site_path, e)
            .field(if site.manual_video.page.is_some() {
                "manual_video.page"
            } else {
                "issuer.url"
            })
            .hint("URL を短くしてください")
    })?;
    let build_date = DateView::new(Date(today), today);
    let globals = context! {
        root => &root,
        site => Serde(site),
        links => Serde(&links),
        build_date => Serde(&build_date),
    };

    let breaker = line_breaker(content, &summaries);
    let rendered: Vec<Result<(OutputFile, Sentences), Vec<Diagnostic>>> = summaries
        .par_iter()
        .map(|summary| render_orderer(summary, content, templates, &section_env, &globals, &qr, &breaker))
        .collect();
    let mut errors = Diagnostics::default();
    let mut files = Vec::with_capacity(summaries.len() + 10);
    let mut all_sentences = Vec::with_capacity(summaries.len());
    for result in rendered {
        match result {
            Ok((file, sentences)) => {
                files.push(file);
                all_sentences.push(sentences);
            }
            Err(found) => errors.extend(found),
        }
    }
    // Shared text renders the same for every orderer: report each problem once.
    errors
        .0
        .sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    errors.0.dedup();
    if !errors.is_empty() {
        return Err(errors);
    }

    let prefectures = group_by_prefecture(&summaries);
    let feed = feed_entries(&summaries, &all_sentences, today);
    let site_context = context! {
        ..globals.clone(),
        ..context! {
            prefectures => Serde(&prefectures),
            orderers => Serde(&summaries),
            feed_entries => Serde(&feed),
            feed_updated => feed.first().map(|e| e.date.iso.clone()).unwrap_or_else(|| build_date.iso.clone()),
        }
    };
    let verify_page = format!("{VERIFY_PATH}index.html");
    let pages = [
        ("index.html", "index.html"),
        ("verify.html", verify_page.as_str()),
        ("404.html", "404.html"),
        ("feed.xml", "feed.xml"),
        ("sitemap.xml", "sitemap.xml"),
        ("robots.txt", "robots.txt"),
    ];
    // An external verification service replaces this site's own page.
    for (name, output) in pages
        .into_iter()
        .filter(|(name, _)| *name != "verify.html" || !links.verification_external)
    {
        match templates.render(name, site_context.clone()) {
            Ok(text) if output.ends_with(".html") => files.push(OutputFile::text(output, breaker.apply(&text))),
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

fn render_orderer(
    summary: &OrdererSummary<'_>,
    content: &Content,
    templates: &Templates,
    section_env: &minijinja::Environment<'static>,
    globals: &Value,
    qr: &QrView,
    breaker: &LineBreaker,
) -> Result<(OutputFile, Sentences), Vec<Diagnostic>> {
    let o = summary.o;
    let sentences = sentences(summary, templates).map_err(|e| vec![e])?;
    let placeholders = context! {
        ..globals.clone(),
        ..context! {
        name => &o.name,
        full_name => &summary.full_name,
        start_date => &summary.start.text,
        started => summary.start.passed,
        headline_kinds => Serde(&summary.headline_kinds),
        kinds_canonical => Serde(&summary.kinds_canonical),
        step3 => Serde(&summary.step3),
        step4 => Serde(&summary.step4),
        printouts_refused => o.printouts_refused,
        documents => Serde(&o.submission.documents),
        ..Value::from(Serde(&sentences))
        }
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
        o.extra_qa
            .iter()
            .map(|qa| sections::question_view(&qa.question, &qa.answer)),
    );

    let page_url = format!("{}{}/", content.site.base_url, o.slug);
    let context = context! {
        ..globals.clone(),
        ..context! {
            summary => Serde(summary),
            o => Serde(o),
            sentences => Serde(&sentences),
            sections => Serde(&html_sections),
            questions => Serde(&questions),
            page_url => &page_url,
            faq_jsonld => faq_json_ld(&questions, &page_url),
            qr => Serde(qr),
        }
    };
    templates
        .render("orderer.html", context)
        .map(|html| {
            let page = OutputFile::text(format!("{}/index.html", o.slug), breaker.apply(&html));
            (page, sentences)
        })
        .map_err(|e| vec![e])
}

/// Names the pages show that must never break across lines: the site's and every orderer's.
fn line_breaker(content: &Content, summaries: &[OrdererSummary<'_>]) -> LineBreaker {
    let site = &content.site;
    let names = [
        &site.title,
        &site.issuer.name,
        &site.application_service.name,
        &site.application_service.description,
        &site.verification_service.name,
        &site.verification_service.description,
        &site.verification_service.operator,
        &site.verification_service.operator_short,
    ]
    .into_iter()
    .cloned();
    let orderers = summaries.iter().flat_map(|s| {
        [Some(s.full_name.clone()), Some(s.o.name.clone()), s.o.parent.clone()]
            .into_iter()
            .flatten()
    });
    LineBreaker::new(names.chain(orderers))
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
    orderers: Vec<&'a OrdererSummary<'a>>,
}

/// Summaries are ordered by prefecture number (JIS order), so groups come out in that order.
fn group_by_prefecture<'a>(summaries: &'a [OrdererSummary<'a>]) -> Vec<PrefectureGroup<'a>> {
    let mut groups: Vec<PrefectureGroup<'a>> = Vec::new();
    for summary in summaries {
        match groups.last_mut() {
            Some(group) if group.name == summary.o.prefecture => group.orderers.push(summary),
            _ => groups.push(PrefectureGroup {
                name: &summary.o.prefecture,
                orderers: vec![summary],
            }),
        }
    }
    groups
}

/// A dated event in content that has happened by the build date. The feed template words it.
#[derive(Debug, Clone, Serialize)]
struct FeedEntry {
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

/// Newest first: starts, categories and kinds added later, the end of paper — only what has
/// happened by the build date, only from dates the content gives.
fn feed_entries(summaries: &[OrdererSummary<'_>], sentences: &[Sentences], today: NaiveDate) -> Vec<FeedEntry> {
    let mut entries = Vec::new();
    for (s, text) in summaries.iter().zip(sentences) {
        let entry = |event: &'static str, date: Date, categories: Vec<String>, kind: Option<GuaranteeKind>| FeedEntry {
            id: format!("{}/{}/{}", s.o.slug, date.iso(), event),
            event,
            date: DateView::new(date, today),
            full_name: s.full_name.clone(),
            slug: s.o.slug.clone(),
            categories,
            kind,
            summary: text.targets_sentence.clone(),
        };
        let Some(start) = s.o.start_date() else { continue };
        let mut dates: Vec<Date> = s.o.targets.iter().map(|t| t.from).collect();
        dates.sort();
        dates.dedup();
        for date in dates.into_iter().filter(|d| d.0 <= today) {
            let categories =
                s.o.targets
                    .iter()
                    .filter(|t| t.from == date)
                    .map(|t| t.category.clone())
                    .collect();
            let event = if date == start { "start" } else { "categories" };
            entries.push(entry(event, date, categories, None));
        }
        for target in &s.o.targets {
            for later in target.kind_starts.iter().filter(|k| k.from.0 <= today) {
                entries.push(entry(
                    "kind",
                    later.from,
                    vec![target.category.clone()],
                    Some(later.kind),
                ));
            }
        }
        if let Some(until) = s.o.paper.as_ref().and_then(|p| p.until).filter(|d| d.0 < today) {
            entries.push(entry("paper_end", until, Vec::new(), None));
        }
    }
    entries.sort_by(|a, b| b.date.iso.cmp(&a.date.iso).then_with(|| a.id.cmp(&b.id)));
    entries
}

/// `municipalities.json`: each orderer as its file says it, plus what the site derives.
#[derive(Serialize)]
struct OpenDataRecord<'a> {
    #[serde(flatten)]
    orderer: &'a Orderer,
    full_name: &'a str,
    start_date: &'a str,
    started: bool,
    /// The submission rules with the kinds each one covers.
    submission_rules: &'a [RuleView<'a>],
    url: String,
}

fn open_data(summaries: &[OrdererSummary<'_>], base_url: &str) -> Result<String, String> {
    let records: Vec<OpenDataRecord<'_>> = summaries
        .iter()
        .map(|s| OpenDataRecord {
            orderer: s.o,
            full_name: &s.full_name,
            start_date: &s.start.iso,
            started: s.start.passed,
            submission_rules: &s.rules,
            url: format!("{base_url}{}/", s.o.slug),
        })
        .collect();
    serde_json::to_string_pretty(&records)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| e.to_string())
}
