//! Stage 3: domain → pages. Orderer pages render in parallel and go to a [`Sink`] as soon as
//! each is rendered (a build's staging directory, swapped in only when everything rendered).

mod listing;
mod memo;
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
        ("targets_sentence", targets_sentence_args(o.clone(), summary)),
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

/// `o`: the orderer as a template value, converted once by the caller.
fn targets_sentence_args(o: Value, summary: &OrdererSummary<'_>) -> Vec<Value> {
    vec![o, Value::from(Serde(&summary.groups))]
}

/// The one sentence the feed needs of an orderer whose page is kept as it was.
fn feed_sentence(summary: &OrdererSummary<'_>, templates: &Templates) -> Result<String, Diagnostic> {
    let text = templates.call_macros(
        SENTENCES_TEMPLATE,
        &[(
            "targets_sentence",
            targets_sentence_args(Value::from(Serde(summary.o)), summary),
        )],
    )?;
    Ok(text.into_iter().next().unwrap_or_default().trim().to_string())
}

/// Where rendered files go: the staging directory of a build, or nowhere for `check`. Called
/// from the rendering threads, so each page is written as soon as it is rendered and the site
/// is never held in memory whole.
pub trait Sink: Sync {
    /// Whether the sink keeps what files were made from: without it, pages are not
    /// fingerprinted (`check` keeps nothing).
    fn tracks_inputs(&self) -> bool;
    /// Reuses the previous build's file at `path` if it was made from the same `inputs`;
    /// true when it did, and the page need not be rendered.
    fn reuse(&self, path: &str, inputs: u128) -> Result<bool, Diagnostic>;
    /// Puts a rendered file; `inputs` fingerprints what it was made from (0: not tracked).
    fn put(&self, path: &str, bytes: &[u8], inputs: u128) -> Result<(), Diagnostic>;
    /// Puts a file that `write` writes piece by piece (the large lists: never held whole in
    /// memory); returns its size.
    fn put_streamed(&self, path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic>;
}

/// Writes one file's content to the writer it is given.
pub type StreamedWrite<'a> = dyn FnMut(&mut dyn std::io::Write) -> Result<(), Diagnostic> + 'a;

/// One orderer's page rendered (its size; none when the previous build's was kept) and its
/// events for the feed.
type RenderedPage = (Vec<FeedEntry>, Option<usize>);

/// What a render produced.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RenderStats {
    pub files: usize,
    /// Files rendered (the rest were the previous build's, made from the same inputs).
    pub rendered: usize,
    pub rendered_bytes: usize,
}

/// Renders the whole site into `sink`: orderer pages in parallel, each handed to the sink by
/// the thread that rendered it, then the pages that list every orderer.
pub fn render_site(
    content: &Content,
    templates: &Templates,
    today: NaiveDate,
    sink: &dyn Sink,
) -> Result<RenderStats, Diagnostics> {
    let site = &content.site;
    let section_list: Vec<_> = content.sections.values().collect();
    let section_env = section_environment(&section_list)?;
    let root = root_path(&site.base_url);
    let links = SiteLinks::new(site, &root);
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
        qr => Serde(&qr),
    };

    let breaker = line_breaker(content);
    let markdown = sections::MarkdownMemo::new();
    let shared_inputs = if sink.tracks_inputs() {
        SharedInputs::new(content, templates, today, &breaker)
    } else {
        SharedInputs { hash: None }
    };
    // A summary lives only while its page renders: a large site is not held twice.
    let rendered: Vec<Result<RenderedPage, Vec<Diagnostic>>> = content
        .orderers
        .par_iter()
        .filter_map(|o| OrdererSummary::new(o, today))
        .map(|summary| {
            let page = PageJob {
                content,
                templates,
                section_env: &section_env,
                markdown: &markdown,
                globals: &globals,
                breaker: &breaker,
            };
            let (feed_text, rendered) = page.render_into(&summary, &shared_inputs, sink)?;
            Ok((feed_entries(&summary, &feed_text, today), rendered))
        })
        .collect();
    let mut errors = Diagnostics::default();
    let mut stats = RenderStats::default();
    let mut feed = Vec::new();
    let mut listed = 0;
    for result in rendered {
        match result {
            Ok((entries, rendered_bytes)) => {
                listed += 1;
                feed.extend(entries);
                stats.files += 1;
                if let Some(bytes) = rendered_bytes {
                    stats.rendered += 1;
                    stats.rendered_bytes += bytes;
                }
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

    // Newest first.
    feed.sort_by(|a, b| b.date.iso.cmp(&a.date.iso).then_with(|| a.id.cmp(&b.id)));
    let listed = listed + feed.len();
    let feed_updated = feed
        .first()
        .map(|e| e.date.iso.clone())
        .unwrap_or_else(|| build_date.iso.clone());
    let site_context = context! {
        ..globals.clone(),
        ..context! {
            prefectures => listing::prefecture_groups(&content.orderers, today),
            orderers => listing::all_listed(&content.orderers, today),
            feed_updated => feed_updated,
            feed_entries => Value::from_object(listing::LazyList(feed)),
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
    // An external verification service replaces this site's own page. The listing pages are
    // independent of each other: one thread each.
    let listing: Vec<Result<usize, Diagnostic>> = pages
        .into_par_iter()
        .filter(|(name, _)| *name != "verify.html" || !links.verification_external)
        .map(|(name, output)| {
            if output.ends_with(".html") {
                // Line breaking reads a page whole.
                let text = breaker.apply(&templates.render_listing(name, site_context.clone(), listed)?);
                sink.put(output, text.as_bytes(), 0)?;
                Ok(text.len())
            } else {
                sink.put_streamed(output, &mut |out| {
                    templates.render_listing_to(name, site_context.clone(), listed, out)
                })
            }
        })
        .chain(rayon::iter::once("municipalities.json").map(|output| {
            sink.put_streamed(output, &mut |out| {
                open_data(&content.orderers, today, &site.base_url, out)
            })
        }))
        .chain(templates.assets.par_iter().map(|(path, bytes)| {
            sink.put(path, bytes, 0)?;
            Ok(bytes.len())
        }))
        .collect();
    for result in listing {
        match result {
            Ok(bytes) => {
                stats.files += 1;
                stats.rendered += 1;
                stats.rendered_bytes += bytes;
            }
            Err(e) => errors.push(e),
        }
    }
    errors.into_result(stats)
}

/// What every orderer page is made from besides its orderer: the program, the build date,
/// every template, shared text, the site's settings, the glossary and the names kept whole.
/// A page whose orderer and these are unchanged is the previous build's page.
struct SharedInputs {
    hash: Option<u128>,
}

impl SharedInputs {
    fn new(content: &Content, templates: &Templates, today: NaiveDate, breaker: &LineBreaker) -> SharedInputs {
        // The program is an input too: a new generator may render the same content otherwise.
        // A rebuilt or replaced binary is a new file: its identity and time tell it apart.
        let Some(program) = program_identity() else {
            return SharedInputs { hash: None };
        };
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut feed = |bytes: &[u8]| {
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        feed(program.as_bytes());
        feed(today.to_string().as_bytes());
        for (path, source) in &templates.sources {
            feed(path.to_string_lossy().as_bytes());
            feed(source.as_bytes());
        }
        for (name, section) in &content.sections {
            feed(name.as_bytes());
            feed(section.source.as_bytes());
        }
        let Ok(site) = serde_json::to_vec(&content.site) else {
            return SharedInputs { hash: None };
        };
        feed(&site);
        feed(format!("{:?}", content.glossary).as_bytes());
        feed(breaker.fingerprint().to_le_bytes().as_slice());
        let hash = hasher.digest128();
        SharedInputs { hash: Some(hash) }
    }

    /// The fingerprint of one orderer's page, or 0 (never reused) when it cannot be known.
    fn page(&self, summary: &OrdererSummary<'_>) -> u128 {
        let Some(shared) = self.hash else { return 0 };
        let mut hasher = HashWriter(xxhash_rust::xxh3::Xxh3::new());
        hasher.0.update(&shared.to_le_bytes());
        match serde_json::to_writer(&mut hasher, summary) {
            Ok(()) => hasher.0.digest128(),
            Err(_) => 0,
        }
    }
}

/// Serializes straight into the hash, without the bytes in between.
struct HashWriter(xxhash_rust::xxh3::Xxh3);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The running program's file: path, size, inode and modification time.
fn program_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let metadata = std::fs::metadata(&exe).ok()?;
    let modified = metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    Some(format!(
        "{} {} {inode} {}",
        exe.display(),
        metadata.len(),
        modified.as_nanos()
    ))
}

/// What rendering one orderer's page needs from the whole site.
struct PageJob<'a> {
    content: &'a Content,
    templates: &'a Templates,
    section_env: &'a minijinja::Environment<'static>,
    markdown: &'a sections::MarkdownMemo,
    globals: &'a Value,
    breaker: &'a LineBreaker,
}

impl PageJob<'_> {
    /// Renders one orderer's page into the sink, unless the previous build's page was made
    /// from the same inputs. Returns the sentence the feed says of the orderer and the size
    /// of the page if it was rendered.
    fn render_into(
        &self,
        summary: &OrdererSummary<'_>,
        shared: &SharedInputs,
        sink: &dyn Sink,
    ) -> Result<(String, Option<usize>), Vec<Diagnostic>> {
        let path = format!("{}/index.html", summary.o.slug);
        let inputs = shared.page(summary);
        if sink.reuse(&path, inputs).map_err(|e| vec![e])? {
            let feed_text = feed_sentence(summary, self.templates).map_err(|e| vec![e])?;
            return Ok((feed_text, None));
        }
        let sentences = sentences(summary, self.templates).map_err(|e| vec![e])?;
        let html = self.render(summary, &sentences)?;
        sink.put(&path, html.as_bytes(), inputs).map_err(|e| vec![e])?;
        Ok((sentences.targets_sentence, Some(html.len())))
    }

    fn render(&self, summary: &OrdererSummary<'_>, sentences: &Sentences) -> Result<String, Vec<Diagnostic>> {
        let o = summary.o;
        let content = self.content;
        let placeholders = context! {
            ..self.globals.clone(),
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
            ..Value::from(Serde(sentences))
            }
        };
        let mut errors = Vec::new();
        let html_sections = sections::render_sections(self.section_env, self.markdown, content, &placeholders)
            .unwrap_or_else(|found| {
                errors.extend(found);
                Default::default()
            });
        let mut questions = sections::render_questions(self.section_env, self.markdown, content, &placeholders)
            .unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            });
        if !errors.is_empty() {
            return Err(errors);
        }
        questions.extend(
            o.extra_qa
                .iter()
                .map(|qa| sections::question_view(self.markdown, &qa.question, &qa.answer)),
        );

        let page_url = format!("{}{}/", content.site.base_url, o.slug);
        // `o` is the summary's own: converted once.
        let summary_value = Value::from(Serde(summary));
        let o_value = summary_value.get_attr("o").unwrap_or_else(|_| Value::from(Serde(o)));
        let context = context! {
            ..self.globals.clone(),
            ..context! {
                summary => summary_value,
                o => o_value,
                sentences => Serde(sentences),
                sections => Serde(&html_sections),
                questions => Serde(&questions),
                page_url => &page_url,
                faq_jsonld => faq_json_ld(&questions, &page_url),
            }
        };
        self.templates
            .render("orderer.html", context)
            .map(|html| self.breaker.apply(&html))
            .map_err(|e| vec![e])
    }
}

/// Names the pages show that must never break across lines: the site's and every orderer's.
fn line_breaker(content: &Content) -> LineBreaker {
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
    let orderers = content.orderers.iter().flat_map(|o| {
        [Some(o.full_name()), Some(o.name.clone()), o.parent.clone()]
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

/// One orderer's events — its start, categories and kinds added later, the end of paper —
/// only what has happened by the build date, only from dates the content gives.
fn feed_entries(s: &OrdererSummary<'_>, summary_text: &str, today: NaiveDate) -> Vec<FeedEntry> {
    let mut entries = Vec::new();
    let entry = |event: &'static str, date: Date, categories: Vec<String>, kind: Option<GuaranteeKind>| FeedEntry {
        id: format!("{}/{}/{}", s.o.slug, date.iso(), event),
        event,
        date: DateView::new(date, today),
        full_name: s.full_name.clone(),
        slug: s.o.slug.clone(),
        categories,
        kind,
        summary: summary_text.to_string(),
    };
    let Some(start) = s.o.start_date() else {
        return entries;
    };
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

/// Every listed orderer's record, each made only when it is written.
struct OpenData<'a> {
    orderers: &'a [Orderer],
    today: NaiveDate,
    base_url: &'a str,
}

/// One record: the summary it borrows from lives as long as the record is written.
struct OpenDataItem<'a> {
    summary: OrdererSummary<'a>,
    base_url: &'a str,
}

impl Serialize for OpenData<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.orderers.iter().filter_map(|o| {
            Some(OpenDataItem {
                summary: OrdererSummary::new(o, self.today)?,
                base_url: self.base_url,
            })
        }))
    }
}

impl Serialize for OpenDataItem<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = &self.summary;
        OpenDataRecord {
            orderer: s.o,
            full_name: &s.full_name,
            start_date: &s.start.iso,
            started: s.start.passed,
            submission_rules: &s.rules,
            url: format!("{}{}/", self.base_url, s.o.slug),
        }
        .serialize(serializer)
    }
}

fn open_data(
    orderers: &[Orderer],
    today: NaiveDate,
    base_url: &str,
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    let data = OpenData {
        orderers,
        today,
        base_url,
    };
    serde_json::to_writer_pretty(&mut *out, &data)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| Diagnostic::new("municipalities.json", e.to_string()))
}
