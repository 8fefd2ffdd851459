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
}

/// Every occurrence of a glossary's wrong term in `source`, with its line and column
/// (columns count characters, as editors show them).
pub fn lint(file: &Path, source: &str, glossary: &[GlossaryEntry]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (line_index, line) in source.lines().enumerate() {
        if line.trim_start().starts_with('#') && file.extension().is_some_and(|e| e == "yaml") {
            continue;
        }
        for entry in glossary {
            for (byte, _) in line.match_indices(entry.wrong.as_str()) {
                if entry
                    .except
                    .iter()
                    .any(|allowed| line[byte..].starts_with(allowed.as_str()))
                {
                    continue;
                }
                let column = line[..byte].chars().count() + 1;
                found.push(
                    Diagnostic::new(file, format!("「{}」は誤記です", entry.wrong))
                        .at(Some((line_index + 1, column)))
                        .hint(format!("「{}」と書いてください（content/glossary.yaml）", entry.right)),
                );
            }
        }
    }
    found
}
