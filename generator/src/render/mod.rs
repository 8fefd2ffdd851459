//! Stage 3: domain → files. Orderer pages render in parallel and each is put as soon as it is
//! rendered (`page`); then the files that list every orderer, one module per output kind —
//! the index and the site's own pages (`index`), each prefecture's page (`prefecture`), the
//! feed (`feed`), the sitemap and robots.txt
//! (`sitemap`), open data (`open_data`), the search index (`search`) — and the static assets. The verify site is rendered
//! apart, into its own folder (`verify_site`). What a rebuild keeps is `cache`'s to decide;
//! where files go is a [`Sink`].

mod cache;
mod drawings;
mod feed;
mod index;
mod json_ld;
mod listing;
mod memo;
mod open_data;
mod page;
mod phrases;
mod prefecture;
mod qr;
mod search;
mod sections;
mod sentences;
mod sink;
mod sitemap;
mod summary;
mod templates;
mod verify_site;
mod views;

use std::collections::HashSet;

use chrono::NaiveDate;
use minijinja::context;
use minijinja::value::Serde;
use rayon::prelude::*;

use crate::content::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Content;

use cache::PageKeys;
pub use cache::{Cache, Manifest, Output, MANIFEST_FILE};
use page::PageJob;
use phrases::LineBreaker;
pub use qr::{qr_for_url, QrView};
pub use sink::{Discard, Sink, StreamedWrite};
use summary::OrdererSummary;
pub use templates::{section_environment, Templates, REQUIRED_TEMPLATES, SENTENCES_TEMPLATE};
pub use verify_site::render_verify_site;
pub use views::{DateView, PaperView, RuleView, SiteLinks, StepView, TargetGroup, TargetView};

/// One orderer's page rendered (its size; none when the previous build's was kept) and its
/// events for the feed.
type RenderedPage = (Vec<feed::FeedEntry>, Option<usize>);

/// What a render produced.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RenderStats {
    pub files: usize,
    /// Files rendered (the rest were the previous build's, made from the same inputs).
    pub rendered: usize,
    pub rendered_bytes: usize,
}

/// The files that list every orderer, and the static assets: each rendered by one thread.
enum SiteFile<'a> {
    /// The index, the 404 page: template and path.
    Page(&'static str, String),
    /// A prefecture's page, by its position in JIS order.
    Prefecture(usize),
    Feed,
    Sitemap,
    Robots,
    OpenData,
    Search,
    Asset(&'a str, &'a [u8]),
}

/// Renders the whole site into `out`: orderer pages in parallel, each put by the thread that
/// rendered it, then the files that list every orderer.
pub fn render_site(
    content: &Content,
    templates: &Templates,
    today: NaiveDate,
    out: Output<'_>,
) -> Result<RenderStats, Diagnostics> {
    render_part(content, templates, today, out, Part::Whole)
}

/// Which files of the site a render puts: the preview renders an edited orderer's page first
/// and the lists after it.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// Every page and every list.
    Whole,
    /// Only the pages of these orderers (by slug), nothing else.
    Pages(&'a HashSet<String>),
    /// Only the files that list every orderer, and the assets (no orderer's page).
    Lists,
}

impl Part<'_> {
    fn page(&self, slug: &str) -> bool {
        match self {
            Part::Whole => true,
            Part::Pages(slugs) => slugs.contains(slug),
            Part::Lists => false,
        }
    }
}

/// [`render_site`], only `part` of it.
pub fn render_part(
    content: &Content,
    templates: &Templates,
    today: NaiveDate,
    out: Output<'_>,
    part: Part<'_>,
) -> Result<RenderStats, Diagnostics> {
    let site = &content.site;
    let section_list: Vec<_> = content.sections.values().collect();
    let section_env = section_environment(&section_list)?;
    let root = root_path(&site.base_url);
    let links = SiteLinks::new(site);
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
    let drawings = drawings::Drawings::new(templates, site)?;
    let markdown = sections::MarkdownMemo::new(&breaker);
    let keys = if out.caches() {
        PageKeys::new(content, templates, today, &breaker)
    } else {
        PageKeys::none()
    };
    let page = PageJob {
        content,
        templates,
        section_env: &section_env,
        markdown: &markdown,
        globals: &globals,
        breaker: &breaker,
        drawings: &drawings,
        keys: &keys,
    };
    // A summary lives only while its page renders: a large site is not held twice. Orderers go
    // in runs, so that the feed sentences of the pages a run keeps are worded in one call.
    let rendered: Vec<Result<RenderedPage, Vec<Diagnostic>>> = content
        .orderers
        .par_chunks(FEED_RUN)
        .flat_map_iter(|run| render_run(&page, run, part, today, out))
        .collect();
    let mut errors = Diagnostics::default();
    let mut stats = RenderStats::default();
    let mut events = Vec::new();
    let mut listed = 0;
    for result in rendered {
        match result {
            Ok((entries, rendered_bytes)) => {
                listed += 1;
                events.extend(entries);
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
    if !errors.is_empty() || matches!(part, Part::Pages(_)) {
        return errors.into_result(stats);
    }
    if let Part::Lists = part {
        // Pages not rendered are not counted: the files below are what this render put.
        stats = RenderStats::default();
    }

    // What the lists' templates may spend grows with what they list.
    let listed = listed + events.len();
    let (feed_entries, feed_updated, recent) = feed::newest_first(events, &build_date);
    let prefectures = prefecture::Prefectures::new(&content.orderers, content.local_governments.as_ref(), today);
    let site_context = context! {
        ..globals.clone(),
        ..context! {
            prefecture_pages => Serde(&prefectures.views),
            shades => Serde(&prefecture::shade_legend()),
            orderers => listing::all_listed(&content.orderers, today),
            feed_updated => feed_updated,
            feed_entries => feed_entries,
            recent => Serde(&recent),
            upcoming => Serde(&index::upcoming(&content.orderers, today)),
        }
    };
    let files: Vec<SiteFile<'_>> = index::pages()
        .into_iter()
        .map(|(template, path)| SiteFile::Page(template, path))
        .chain((0..prefectures.views.len()).map(SiteFile::Prefecture))
        .chain([
            SiteFile::Feed,
            SiteFile::Sitemap,
            SiteFile::Robots,
            SiteFile::OpenData,
            SiteFile::Search,
        ])
        .chain(
            templates
                .assets
                .iter()
                .map(|(path, bytes)| SiteFile::Asset(path, bytes)),
        )
        .collect();
    let written: Vec<Result<usize, Diagnostic>> = files
        .into_par_iter()
        .map(|file| match file {
            SiteFile::Page(template, path) => {
                index::render(templates, &breaker, &site_context, listed, (template, &path), out)
            }
            SiteFile::Prefecture(at) => prefecture::render(
                templates,
                &breaker,
                &globals,
                (&prefectures, &content.orderers, today),
                at,
                out,
            ),
            SiteFile::Feed => feed::render(templates, &site_context, listed, out),
            SiteFile::Sitemap => sitemap::render(templates, &site_context, listed, out),
            SiteFile::Robots => sitemap::render_robots(templates, &site_context, listed, out),
            SiteFile::OpenData => open_data::render(&content.orderers, site, today, out),
            SiteFile::Search => search::render(&content.orderers, content.local_governments.as_ref(), out),
            SiteFile::Asset(path, bytes) => out.put(path, bytes, 0).map(|()| bytes.len()),
        })
        .collect();
    for result in written {
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

/// Orderers whose pages one thread renders in a row (a rayon task).
const FEED_RUN: usize = 64;

/// A run of orderers' pages (those `part` asks for) and every listed orderer's feed entries.
fn render_run(
    page: &PageJob<'_>,
    run: &[crate::content::Orderer],
    part: Part<'_>,
    today: NaiveDate,
    out: Output<'_>,
) -> Vec<Result<RenderedPage, Vec<Diagnostic>>> {
    let summaries: Vec<OrdererSummary<'_>> = run
        .iter()
        .filter(|o| !matches!(part, Part::Pages(_)) || part.page(&o.slug))
        .filter_map(|o| OrdererSummary::new(o, today))
        .collect();
    let results: Vec<Result<page::PageRendered, Vec<Diagnostic>>> = summaries
        .iter()
        .map(|summary| {
            if part.page(&summary.o.slug) {
                page.render_into(summary, out)
            } else {
                // The lists need every orderer's feed entries, not its page.
                Ok(None)
            }
        })
        .collect();
    let unworded: Vec<&OrdererSummary<'_>> = summaries
        .iter()
        .zip(&results)
        .filter(|(_, result)| matches!(result, Ok(None)))
        .map(|(summary, _)| summary)
        .collect();
    let mut worded = match sentences::feed_sentences(&unworded, page.templates) {
        Ok(text) => text.into_iter(),
        Err(e) => return vec![Err(vec![e])],
    };
    summaries
        .iter()
        .zip(results)
        .map(|(summary, result)| {
            let (feed_text, rendered) = match result? {
                Some((text, size)) => (text, Some(size)),
                None => (worded.next().unwrap_or_default(), None),
            };
            Ok((feed::feed_entries(summary, &feed_text, today), rendered))
        })
        .collect()
}

/// Names the pages show that must never break across lines: the site's, every orderer's and
/// every local government's.
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
    // Every local government's name, listed or not: the prefectures' pages name them all
    // (BudouX cut 「に｜かほ市」「かすみが｜うら市」).
    let national = content
        .local_governments
        .iter()
        .flat_map(|list| list.by_code())
        .map(|body| body.name.clone());
    // Words BudouX cuts inside: 「従来ど｜おり」「全角・｜半角」 (never one starting with a particle:
    // kept whole, it would lose the particle's glue to the bracket before it).
    let words = KEPT_WORDS.iter().map(|word| word.to_string());
    LineBreaker::new(names.chain(orderers).chain(national).chain(words))
}

/// Words the line breaker keeps whole although no name holds them.
const KEPT_WORDS: &[&str] = &["従来どおり", "全角・半角"];

/// The path part of the base URL (`/` for a site at the root of its host), for links that
/// work on every page depth, the 404 page included.
fn root_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, rest)| rest).unwrap_or(base_url);
    match after_scheme.find('/') {
        Some(index) => after_scheme[index..].to_string(),
        None => "/".to_string(),
    }
}
