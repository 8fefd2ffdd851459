//! The whole pipeline: load → validate → render → write.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{load_content, Content};
use crate::render::{render_site, Cache, Discard, Output, RenderStats, Templates};
use crate::write::Staging;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub templates: PathBuf,
    pub out: PathBuf,
    /// Decides 運用中 / 運用開始予定 and the feed; the same date gives the same bytes.
    pub date: NaiveDate,
}

#[derive(Debug)]
pub struct BuildReport {
    pub orderers: usize,
    pub files: usize,
    /// Files rendered this time; the others were the previous build's, made from the same
    /// inputs, and were kept as they were.
    pub rendered: usize,
    /// Files whose bytes changed (the rest of the rendered ones were identical and linked).
    pub written: usize,
    /// Bytes rendered.
    pub bytes: usize,
    pub elapsed: Duration,
}

/// Loads content and templates and checks the templates' wording: everything a render needs.
pub fn load(options: &BuildOptions) -> Result<(Content, Templates), Diagnostics> {
    // Run from the wrong directory, every file would be its own error: say the one cause.
    let missing: Vec<String> = [&options.content, &options.templates]
        .into_iter()
        .filter(|dir| !dir.is_dir())
        .map(|dir| dir.display().to_string())
        .collect();
    if !missing.is_empty() {
        let here = std::env::current_dir()
            .map(|dir| dir.display().to_string())
            .unwrap_or_default();
        return Err(Diagnostic::new(
            &missing[0],
            format!(
                "ディレクトリ {} が見つかりません（作業ディレクトリ: {here}）",
                missing.join(" と ")
            ),
        )
        .hint("リポジトリの最上位で実行するか、--content と --templates で場所を指定してください")
        .into());
    }
    let (content, templates) = rayon::join(
        || load_content(&options.content, Some(options.date)),
        || Templates::load(&options.templates),
    );
    let (content, templates) = match (content, templates) {
        (Ok(c), Ok(t)) => (c, t),
        (c, t) => {
            let mut all = Diagnostics::default();
            all.extend(c.err().into_iter().flat_map(|d| d.0));
            all.extend(t.err().into_iter().flat_map(|d| d.0));
            return Err(all);
        }
    };
    let wording = templates.lint(&content.glossary);
    if !wording.is_empty() {
        return Err(wording);
    }
    Ok((content, templates))
}

/// `generator check`: every error, no output.
pub fn check(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let (content, templates) = load(options)?;
    let stats = render_site(&content, &templates, options.date, Output::uncached(&Discard))?;
    Ok(report(&content, stats, 0, started))
}

/// `generator build`: the output directory is replaced only when the whole site rendered and
/// was written. The site it replaces is kept beside it as the next build's staging directory.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let (content, templates) = load(options)?;
    let staging = Staging::begin(&options.out)?;
    let cache = Cache::open(&options.out);
    let stats = render_site(&content, &templates, options.date, Output::cached(&staging, &cache))?;
    let linked = cache.linked();
    staging.commit(&cache.into_manifest())?;
    Ok(report(&content, stats, linked, started))
}

fn report(content: &Content, stats: RenderStats, linked: usize, started: Instant) -> BuildReport {
    BuildReport {
        orderers: content.orderers.len(),
        files: stats.files,
        rendered: stats.rendered,
        written: stats.rendered - linked,
        bytes: stats.rendered_bytes,
        elapsed: started.elapsed(),
    }
}
