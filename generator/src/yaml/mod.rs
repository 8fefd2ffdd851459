//! The one place that parses YAML: serde_yaml (deprecated upstream: a maintained fork can
//! replace it here without touching the rest of the generator), with four helpers of its own —
//! the bounds checked before parsing ([`limits`]), the words of its errors ([`wording`]), going
//! on past a mistake ([`recovery`]) and finding a field's line ([`locate`]).

mod limits;
mod locate;
mod recovery;
mod wording;

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::Diagnostic;

pub use limits::check_source;
pub use locate::locate;
pub use wording::{custom_error, HINT_SEPARATOR};

use wording::ErrorKind;

/// How many mistakes of one file are reported before giving up on it: each one costs a parse.
const MAX_ERRORS_PER_FILE: usize = 20;

/// Parses `source` (the text of `file`) into `T`, turning every failure into a Japanese
/// diagnostic with the file's own line and column and the field path as written in YAML.
///
/// serde stops at the first field it cannot use; the file's other mistakes are found by
/// parsing a mended copy again ([`recovery`]). A syntax error, a missing field, or a line that
/// holds no block-style key ends the file's report.
pub fn parse<T: DeserializeOwned>(file: &Path, source: &str) -> Result<T, Vec<Diagnostic>> {
    let found = check_source(file, source);
    if !found.is_empty() {
        return Err(found);
    }
    let mut errors = Vec::new();
    let mut text = source.to_string();
    let mut blanked_keys: Vec<String> = Vec::new();
    loop {
        let failure = match parse_once::<T>(file, &text) {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(_) => return Err(errors),
            Err(failure) => failure,
        };
        let missing = match &failure.kind {
            ErrorKind::MissingField(key) => Some(key),
            _ => None,
        };
        // A key blanked to go on is now "missing": that is the mistake already reported.
        if missing.is_some_and(|key| blanked_keys.contains(key)) {
            return Err(errors);
        }
        let meant = failure.kind.meant();
        let next = match (missing, failure.line) {
            (None, Some(line)) if meant.is_some() || failure.diagnostic.field.is_some() => {
                recovery::mend(&text, line, meant)
            }
            _ => None,
        };
        errors.push(failure.diagnostic);
        match next {
            Some((key, mended)) if errors.len() < MAX_ERRORS_PER_FILE => {
                blanked_keys.push(key);
                text = mended;
            }
            _ => return Err(errors),
        }
    }
}

/// One parse's first failure, and what [`parse`] needs to go on past it.
struct Failure {
    diagnostic: Diagnostic,
    kind: ErrorKind,
    /// The line of the offending key, when the error is about one field.
    line: Option<usize>,
}

fn parse_once<T: DeserializeOwned>(file: &Path, source: &str) -> Result<T, Failure> {
    // Most files are right: read first without following the path (that costs a build of many
    // orderers a tenth of its reading), and again following it only to report a mistake.
    if let Ok(value) = serde_yaml::from_str(source) {
        return Ok(value);
    }
    let deserializer = serde_yaml::Deserializer::from_str(source);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let inner = error.into_inner();
        let kind = ErrorKind::read(&inner.to_string());
        let reported = match &kind {
            ErrorKind::Syntax { at, .. } | ErrorKind::DuplicateKey { at, .. } => *at,
            _ => inner.location().map(|l| (l.line(), l.column())),
        };
        // serde_yaml places value errors at the enclosing mapping; the field's own line is
        // what an editor needs.
        let position = if kind.placed_exactly() || field == "." || field.is_empty() {
            reported
        } else {
            locate(source, &field).or(reported)
        };
        // A syntax error is not about the field the parser was in: do not name it.
        let field = if kind.is_syntax() { String::new() } else { field };
        let (message, hint) = kind.words();
        Failure {
            diagnostic: Diagnostic::new(file, message).at(position).field(field).hint(hint),
            line: position.map(|(line, _)| line),
            kind,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        category: String,
        from: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        targets: Vec<Item>,
        code: String,
    }

    #[test]
    fn reports_every_field_mistake_of_a_file_at_its_own_line() {
        // A misspelt key beside the right one, a misspelt required key (read as meant), an
        // unknown nested block, an unknown key after them all.
        let source = "name: 町\nnmae: typo\ntargets:\n  - category: 工事\n    form: 1\n  - category: 業務\n    from: 2\n    extra:\n      - nested\ncode: \"403814\"\ncolour: red\n";
        let errors = parse::<Doc>(Path::new("m.yaml"), source).unwrap_err();
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.field.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Some(2), "nmae".to_string()),
                (Some(5), "targets[0].form".to_string()),
                (Some(8), "targets[1].extra".to_string()),
                (Some(11), "colour".to_string()),
            ],
            "{errors:#?}"
        );
    }

    #[test]
    fn a_bad_value_is_reported_and_its_missing_key_is_not() {
        let source = "name: 町\ntargets:\n  - category: 工事\n    from: soon\ncode: x\n";
        let errors = parse::<Doc>(Path::new("m.yaml"), source).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(
            (errors[0].line, errors[0].field.as_deref()),
            (Some(4), Some("targets[0].from"))
        );
    }

    #[test]
    fn a_syntax_error_ends_the_report_and_a_missing_field_is_reported_once() {
        let errors = parse::<Doc>(Path::new("m.yaml"), "name: [unclosed\ncode: x\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        let errors = parse::<Doc>(Path::new("m.yaml"), "name: 町\ntargets: []\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("code"), "{errors:?}");
    }
}
