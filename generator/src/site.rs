//! The whole pipeline: load → validate → render → write.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{load_content, Content};
use crate::render::{render_site, RenderStats, Sink, StreamedWrite, Templates};
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
        || load_content(&options.content),
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

/// `check` renders every page and keeps none.
struct Discard;

impl Sink for Discard {
    fn tracks_inputs(&self) -> bool {
        false
    }
    fn reuse(&self, _path: &str, _inputs: u128) -> Result<bool, Diagnostic> {
        Ok(false)
    }
    fn put(&self, _path: &str, _bytes: &[u8], _inputs: u128) -> Result<(), Diagnostic> {
        Ok(())
    }
    fn put_streamed(&self, _path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic> {
        let mut counted = Counted(0);
        write(&mut counted)?;
        Ok(counted.0)
    }
}

/// Counts what would have been written.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `generator check`: every error, no output.
pub fn check(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let (content, templates) = load(options)?;
    let stats = render_site(&content, &templates, options.date, &Discard)?;
    Ok(report(&content, stats, 0, started))
}

/// `generator build`: the output directory is replaced only when the whole site rendered and
/// was written. The site it replaces is kept beside it as the next build's staging directory.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let (content, templates) = load(options)?;
    let staging = Staging::begin(&options.out)?;
    let stats = render_site(&content, &templates, options.date, &staging)?;
    let linked = staging.linked();
    staging.commit()?;
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
