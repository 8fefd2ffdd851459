//! The whole pipeline: load → validate → render → write.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{load_content, Content};
use crate::render::{render_site, OutputFile, Templates};
use crate::write::write_site;

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
    pub bytes: usize,
    pub elapsed: Duration,
}

/// Loads and renders everything in memory; nothing is written.
pub fn render(options: &BuildOptions) -> Result<(Content, Vec<OutputFile>), Diagnostics> {
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
    let content = load_content(&options.content);
    let templates = Templates::load(&options.templates);
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
    let files = render_site(&content, &templates, options.date)?;
    Ok((content, files))
}

/// `generator check`: every error, no output.
pub fn check(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let (content, files) = render(options)?;
    Ok(report(&content, &files, started))
}

/// `generator build`: the output directory is replaced only when the whole site rendered and
/// was written.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let (content, files) = render(options)?;
    write_site(&options.out, &files)?;
    Ok(report(&content, &files, started))
}

fn report(content: &Content, files: &[OutputFile], started: Instant) -> BuildReport {
    BuildReport {
        orderers: content.orderers.len(),
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes.len()).sum(),
        elapsed: started.elapsed(),
    }
}
