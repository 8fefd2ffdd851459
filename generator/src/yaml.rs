//! The one place that parses YAML. serde_yaml is deprecated upstream: a maintained fork can
//! replace it here without touching the rest of the generator.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::Diagnostic;

/// Parses `source` (the text of `file`) into `T`, turning any failure into a Japanese
/// diagnostic with the file's own line and column and the field path as written in YAML.
pub fn parse<T: DeserializeOwned>(file: &Path, source: &str) -> Result<T, Diagnostic> {
    let deserializer = serde_yaml::Deserializer::from_str(source);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let inner = error.into_inner();
        let raw = strip_path(&strip_location(&inner.to_string()));
        let reported = inner.location().map(|l| (l.line(), l.column()));
        // serde_yaml places value errors at the enclosing mapping; the field's own line is
        // what an editor needs. Syntax and unknown-field errors it already places exactly.
        let exact =
            raw.starts_with("unknown field") || raw.starts_with("missing field") || field == "." || field.is_empty();
        let position = if exact {
            reported
        } else {
            locate(source, &field).or(reported)
        };
        let (message, hint) = explain(&raw);
        let mut diagnostic = Diagnostic::new(file, message).at(position).field(field);
        if let Some(hint) = hint {
            diagnostic = diagnostic.hint(hint);
        }
        diagnostic
    })
}

/// serde_yaml appends "at line N column M" to its messages; we print the position ourselves.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// serde_yaml prefixes nested errors with their path (`targets[1]: …`); we print it ourselves.
fn strip_path(message: &str) -> String {
    if let Some((prefix, rest)) = message.split_once(": ") {
        let is_path = !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_alphanumeric() || "_[].".contains(c));
        if is_path {
            return rest.to_string();
        }
    }
    message.to_string()
}

/// Turns serde's English messages into Japanese ones with a hint. Messages our own types raise
/// are already Japanese and pass through, split at "\nヒント: ".
fn explain(message: &str) -> (String, Option<String>) {
    if let Some((message, hint)) = message.split_once(HINT_SEPARATOR) {
        return (message.to_string(), Some(hint.to_string()));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = split_expected(rest);
        let hint = match closest(&field, &expected) {
            Some(candidate) => format!(
                "「{candidate}」の書き間違いではありませんか。使える項目: {}",
                expected.join(", ")
            ),
            None if expected.is_empty() => "この位置には項目を書けません".to_string(),
            None => format!("使える項目: {}", expected.join(", ")),
        };
        return (format!("不明な項目「{field}」があります"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected) = split_expected(rest);
        return (
            format!("不明な値「{value}」です"),
            Some(format!("使える値: {}", expected.join(", "))),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = rest.trim_matches('`');
        return (
            format!("必須の項目「{field}」がありません"),
            Some(format!(
                "「{field}:」を追加してください（content/municipalities/ の既存ファイルが見本になります）"
            )),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return (
            format!("値の型が違います（{rest}）"),
            Some("文字列・リスト・対応表のどれを書くべきか、見本のファイルと見比べてください".to_string()),
        );
    }
    if message.contains("duplicate entry") || message.contains("duplicate key") {
        return (
            format!("同じ項目が二度書かれています（{message}）"),
            Some("どちらか一方を削除してください".to_string()),
        );
    }
    (
        format!("YAML として読めません（{message}）"),
        Some("インデント（半角スペース）、「:」の後の空白、引用符の対応を確認してください".to_string()),
    )
}

/// Separates a Japanese message from its hint inside a serde custom error.
pub const HINT_SEPARATOR: &str = "\nヒント: ";

/// Builds the text of a custom deserialization error that [`parse`] splits back into
/// message and hint.
pub fn custom_error<E: serde::de::Error>(message: impl std::fmt::Display, hint: impl std::fmt::Display) -> E {
    E::custom(format!("{message}{HINT_SEPARATOR}{hint}"))
}

fn split_expected(rest: &str) -> (String, Vec<String>) {
    let (name, expected) = match rest.split_once(", expected") {
        Some((name, expected)) => (name, expected),
        None => (rest, ""),
    };
    let expected = expected
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect();
    (name.trim_matches('`').to_string(), expected)
}

fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(distance, c)| *distance <= 3.max(c.len() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.as_str())
}

/// Where a field written as `key`, `key[2]` or `key[2].sub` (block style) starts in `source`,
/// for problems found after parsing (duplicates across files, cross-field rules).
pub fn locate(source: &str, field: &str) -> Option<(usize, usize)> {
    let mut parts = field.split('.');
    let first = parts.next()?;
    let (key, index) = match first.split_once('[') {
        Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (first, None),
    };
    let lines: Vec<&str> = source.lines().collect();
    let key_line = lines.iter().position(|l| l.starts_with(&format!("{key}:")))?;
    let Some(index) = index else {
        return Some((key_line + 1, 1));
    };
    let mut seen = 0;
    for (offset, line) in lines.iter().enumerate().skip(key_line + 1) {
        let trimmed = line.trim_start();
        if !line.starts_with(' ') && !line.starts_with('-') && !trimmed.is_empty() && !trimmed.starts_with('#') {
            break;
        }
        if let Some(item) = trimmed.strip_prefix("- ") {
            if seen == index {
                let indent = line.len() - trimmed.len();
                let Some(sub) = parts.next() else {
                    return Some((offset + 1, indent + 1));
                };
                if item.starts_with(&format!("{sub}:")) {
                    return Some((offset + 1, indent + 3));
                }
                let inner = lines.iter().enumerate().skip(offset + 1);
                for (sub_offset, sub_line) in inner {
                    let sub_trimmed = sub_line.trim_start();
                    if sub_trimmed.starts_with("- ") || sub_line.len() - sub_trimmed.len() <= indent {
                        break;
                    }
                    if sub_trimmed.starts_with(&format!("{sub}:")) {
                        return Some((sub_offset + 1, sub_line.len() - sub_trimmed.len() + 1));
                    }
                }
                return Some((offset + 1, indent + 1));
            }
            seen += 1;
        }
    }
    Some((key_line + 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "name: 町\ntargets:\n  - category: 工事\n    from: 2026-04-01\n  - category: 業務\n    from: 2026-05-01\ncode: \"403814\"\n";

    #[test]
    fn locates_top_level_and_nested_fields() {
        assert_eq!(locate(SOURCE, "code"), Some((7, 1)));
        assert_eq!(locate(SOURCE, "targets[1]"), Some((5, 3)));
        assert_eq!(locate(SOURCE, "targets[1].from"), Some((6, 5)));
        assert_eq!(locate(SOURCE, "targets[0].category"), Some((3, 5)));
        assert_eq!(locate(SOURCE, "missing"), None);
    }

    #[test]
    fn explains_unknown_fields_with_a_suggestion() {
        let (message, hint) = explain("unknown field `start_dat`, expected one of `name`, `start_date`");
        assert_eq!(message, "不明な項目「start_dat」があります");
        assert!(hint.unwrap().starts_with("「start_date」の書き間違い"));
    }
}
