//! The wording lint: misspellings and retired terms in content and templates, each reported
//! with its file, line and column and the spelling to use.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

/// A misspelling or a retired term, and what to write instead.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub wrong: String,
    pub right: String,
    /// Occurrences that start with one of these are correct: `申込` is wrong, but `申込み`,
    /// `申込書` and a video's title 「新規保証申込手続き」 are not.
    #[serde(default)]
    pub except: Vec<String>,
    /// From `style.yaml`: not a misspelling, the site's one orthography (又は, not または).
    #[serde(skip)]
    pub style: bool,
}

/// Every occurrence of a glossary's wrong term in `source`, with its line and column
/// (columns count characters, as editors show them).
pub fn lint(file: &Path, source: &str, glossary: &[GlossaryEntry]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Each term's searcher made once per file, not once per line: a large site lints thousands
    // of files against every term.
    let finders: Vec<memchr::memmem::Finder<'_>> = glossary
        .iter()
        .map(|entry| memchr::memmem::Finder::new(entry.wrong.as_bytes()))
        .collect();
    for (line_index, line) in source.lines().enumerate() {
        if line.trim_start().starts_with('#') && file.extension().is_some_and(|e| e == "yaml") {
            continue;
        }
        for (entry, finder) in glossary.iter().zip(&finders) {
            // A model keyword (`connector: または`) is a value the parser knows, not prose: the
            // templates spell it the site's way.
            if entry.style && line.trim_start().starts_with("connector:") {
                continue;
            }
            // Non-overlapping, left to right, as `str::match_indices`.
            for byte in finder.find_iter(line.as_bytes()) {
                if entry
                    .except
                    .iter()
                    .any(|allowed| line[byte..].starts_with(allowed.as_str()))
                {
                    continue;
                }
                let column = line[..byte].chars().count() + 1;
                let (message, list) = if entry.style {
                    (
                        format!("「{}」は表記の統一に反します", entry.wrong),
                        "content/style.yaml",
                    )
                } else {
                    (format!("「{}」は誤記です", entry.wrong), "content/glossary.yaml")
                };
                found.push(
                    Diagnostic::new(file, message)
                        .at(Some((line_index + 1, column)))
                        .hint(format!("「{}」と書いてください（{list}）", entry.right)),
                );
            }
        }
    }
    found
}
