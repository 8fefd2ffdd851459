//! The one place that parses YAML. serde_yaml is deprecated upstream: a maintained fork can
//! replace it here without touching the rest of the generator.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::Diagnostic;

/// How many mistakes of one file are reported before giving up on it: each one costs a parse.
const MAX_ERRORS_PER_FILE: usize = 20;

/// Parses `source` (the text of `file`) into `T`, turning every failure into a Japanese
/// diagnostic with the file's own line and column and the field path as written in YAML.
///
/// serde stops at the first field it cannot use. To report the file's other mistakes in the
/// same run, a copy of the source is mended and parsed again: a misspelt key close to a known
/// one is read as that key (its value is then checked too), any other offending entry is
/// blanked. Only that entry's lines change, so every later position stays right. A syntax
/// error, a missing field, or a line that holds no block-style key ends the file's report.
pub fn parse<T: DeserializeOwned>(file: &Path, source: &str) -> Result<T, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut text = source.to_string();
    let mut blanked_keys: Vec<String> = Vec::new();
    loop {
        let failure = match parse_once::<T>(file, &text) {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(_) => return Err(errors),
            Err(failure) => failure,
        };
        // A key blanked to go on is now "missing": that is the mistake already reported.
        if failure.missing.as_ref().is_some_and(|key| blanked_keys.contains(key)) {
            return Err(errors);
        }
        let next = match (&failure.missing, failure.line, &failure.meant) {
            (None, Some(line), Some(meant)) => rename_key(&text, line, meant),
            (None, Some(line), None) if failure.diagnostic.field.is_some() => blank_entry(&text, line),
            _ => None,
        };
        errors.push(failure.diagnostic);
        match next {
            Some((key, blanked)) if errors.len() < MAX_ERRORS_PER_FILE => {
                blanked_keys.push(key);
                text = blanked;
            }
            _ => return Err(errors),
        }
    }
}

/// One parse's first failure, and what [`parse`] needs to go on past it.
struct Failure {
    diagnostic: Diagnostic,
    /// The line of the offending key, when the error is about one field.
    line: Option<usize>,
    /// For "missing field" errors: the key that is missing.
    missing: Option<String>,
    /// For an unknown key close to a known one: the known one.
    meant: Option<String>,
}

fn parse_once<T: DeserializeOwned>(file: &Path, source: &str) -> Result<T, Failure> {
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
        let missing = raw
            .strip_prefix("missing field ")
            .map(|rest| rest.trim_matches('`').to_string());
        let meant = raw.strip_prefix("unknown field ").and_then(|rest| {
            let (key, expected) = split_expected(rest);
            closest(&key, &expected).map(str::to_string)
        });
        let (message, hint) = explain(&raw);
        let mut diagnostic = Diagnostic::new(file, message).at(position).field(field);
        if let Some(hint) = hint {
            diagnostic = diagnostic.hint(hint);
        }
        Failure {
            line: position.map(|(line, _)| line),
            missing,
            meant,
            diagnostic,
        }
    })
}

/// The block-style key on a line: its byte offset in the line, the key, whether the line starts
/// a list item (`- key:`). `None` for flow style or a line that holds no key.
fn key_on(line: &str) -> Option<(usize, &str, bool)> {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    let after_spaces = &line[spaces..];
    let (dash, entry) = match after_spaces.strip_prefix("- ") {
        Some(rest) => (true, rest.trim_start_matches(' ')),
        None => (false, after_spaces),
    };
    let (key, _) = entry.split_once(':')?;
    let key = key.trim_end();
    if key.is_empty() || key.contains(['{', '[', ',', '#', '"', '\'']) {
        return None;
    }
    Some((line.len() - entry.len(), key, dash))
}

/// `source` with the key on `line` (1-based) renamed to `to`, or its entry blanked where its
/// mapping already has `to`.
fn rename_key(source: &str, line: usize, to: &str) -> Option<(String, String)> {
    let mut lines: Vec<String> = source.split('\n').map(str::to_string).collect();
    let text = lines.get(line.checked_sub(1)?)?;
    let (offset, key, dash) = key_on(text)?;
    if has_sibling(&lines, line - 1, offset, dash, to) {
        return blank_entry(source, line);
    }
    let renamed = format!("{}{to}{}", &text[..offset], &text[offset + key.len()..]);
    lines[line - 1] = renamed;
    Some((to.to_string(), lines.join("\n")))
}

/// Whether the mapping holding the key at `index` (at byte `indent`) also has `key`.
fn has_sibling(lines: &[String], index: usize, indent: usize, starts_item: bool, key: &str) -> bool {
    let indent_of = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let is_content = |line: &str| {
        let trimmed = line.trim_start();
        !trimmed.is_empty() && !trimmed.starts_with('#')
    };
    let upward = lines[..index].iter().rev();
    let downward = lines[index + 1..].iter();
    for (direction, lines) in [
        (0, Box::new(upward) as Box<dyn Iterator<Item = &String>>),
        (1, Box::new(downward)),
    ] {
        if direction == 0 && starts_item {
            continue;
        }
        for line in lines.filter(|l| is_content(l)) {
            match key_on(line) {
                Some((offset, found, dash)) if offset == indent => {
                    if dash && direction == 1 {
                        break;
                    }
                    if found == key {
                        return true;
                    }
                    if dash {
                        break;
                    }
                }
                _ if indent_of(line) < indent => break,
                _ => {}
            }
        }
    }
    false
}

/// `source` with the block-style entry whose key is on `line` (1-based) emptied: the key's line
/// and the more-indented lines under it become blank lines, so the line count is unchanged.
/// A list item's leading `-` is kept. Returns the key and the new text.
fn blank_entry(source: &str, line: usize) -> Option<(String, String)> {
    let mut lines: Vec<&str> = source.split('\n').collect();
    let key_line = *lines.get(line.checked_sub(1)?)?;
    let (indent, key, dash) = key_on(key_line)?;
    let key = key.to_string();
    let spaces = key_line.len() - key_line.trim_start_matches(' ').len();
    let replacement = if dash {
        format!("{}-", " ".repeat(spaces))
    } else {
        String::new()
    };
    let mut end = line;
    while let Some(next) = lines.get(end) {
        let trimmed = next.trim_start_matches(' ');
        let next_indent = next.len() - trimmed.len();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && next_indent <= indent {
            break;
        }
        end += 1;
    }
    lines[line - 1] = &replacement;
    for blank in lines.iter_mut().take(end).skip(line) {
        *blank = "";
    }
    Some((key, lines.join("\n")))
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

    #[test]
    fn blanking_keeps_every_other_line_in_place() {
        let (key, text) = blank_entry("a: 1\n- b: 2\n  c:\n    - 3\nd: 4", 2).unwrap();
        assert_eq!(key, "b");
        assert_eq!(text, "a: 1\n-\n  c:\n    - 3\nd: 4");
        let (key, text) = blank_entry("a:\n  b: |\n    text\n\n    more\n  c: 1", 2).unwrap();
        assert_eq!(key, "b");
        assert_eq!(text, "a:\n\n\n\n\n  c: 1");
        assert!(blank_entry("{a: 1}", 1).is_none());
    }

    #[test]
    fn explains_unknown_fields_with_a_suggestion() {
        let (message, hint) = explain("unknown field `start_dat`, expected one of `name`, `start_date`");
        assert_eq!(message, "不明な項目「start_dat」があります");
        assert!(hint.unwrap().starts_with("「start_date」の書き間違い"));
    }
}
