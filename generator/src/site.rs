//! The whole pipeline: load → validate → render → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{load_content, Content};
use crate::render::{render_site, render_verify_site, Cache, Discard, Output, RenderStats, Templates};
use crate::write::Staging;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub templates: PathBuf,
    pub out: PathBuf,
    /// Decides 運用中 / 運用開始予定 and the feed; the same date gives the same bytes.
    pub date: NaiveDate,
    /// The verify site's address for this build, in place of `verification_service.url` (a
    /// local trial: `http://127.0.0.1:8788/`, where `verifier serve --verify-site` serves it).
    pub verify_url: Option<String>,
}

impl BuildOptions {
    /// Where the verify site is written: beside the guidance site, its name followed by
    /// `-verify` (`public` → `public-verify`).
    pub fn verify_out(&self) -> PathBuf {
        verify_out(&self.out)
    }
}

/// `out`'s sibling named `<name>-verify`.
pub fn verify_out(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!("{name}-verify"))
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
    /// Files of the verify site.
    pub verify_files: usize,
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
    let (mut content, templates) = match (content, templates) {
        (Ok(c), Ok(t)) => (c, t),
        (c, t) => {
            let mut all = Diagnostics::default();
            all.extend(c.err().into_iter().flat_map(|d| d.0));
            all.extend(t.err().into_iter().flat_map(|d| d.0));
            return Err(all);
        }
    };
    if let Some(url) = &options.verify_url {
        content.site.verification_service.url = Some(url.clone());
    }
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
    let verify = render_verify_site(&content, &templates, Output::uncached(&Discard))?;
    Ok(report(&content, stats, verify, 0, started))
}

/// `generator build`: the output directory is replaced only when the whole site rendered and
/// was written. The site it replaces is kept beside it as the next build's staging directory.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    // The staging folder (the spare, listed) and the manifest are made ready while the content
    // loads; a build that fails to load drops the staging folder, which puts the spare back.
    let (loaded, prepared) = rayon::join(
        || load(options),
        || Staging::begin(&options.out).map(|staging| (staging, Cache::open(&options.out))),
    );
    let (content, templates) = loaded?;
    let (staging, cache) = prepared?;
    let stats = render_site(&content, &templates, options.date, Output::cached(&staging, &cache))?;
    let verify_out = options.verify_out();
    let verify_staging = Staging::begin(&verify_out)?;
    let verify_cache = Cache::open(&verify_out);
    let verify = render_verify_site(&content, &templates, Output::cached(&verify_staging, &verify_cache))?;
    let linked = cache.linked() + verify_cache.linked();
    // Both sites rendered: only now is either replaced.
    staging.commit(&cache.into_manifest())?;
    verify_staging.commit(&verify_cache.into_manifest())?;
    Ok(report(&content, stats, verify, linked, started))
}

fn report(content: &Content, stats: RenderStats, verify: RenderStats, linked: usize, started: Instant) -> BuildReport {
    BuildReport {
        orderers: content.orderers.len(),
        files: stats.files + verify.files,
        rendered: stats.rendered + verify.rendered,
        written: stats.rendered + verify.rendered - linked,
        bytes: stats.rendered_bytes + verify.rendered_bytes,
        verify_files: verify.files,
        elapsed: started.elapsed(),
    }
}
