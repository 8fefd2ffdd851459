//! The one place that parses YAML. serde_yaml is deprecated upstream: a maintained fork can
//! replace it here without touching the rest of the generator.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{shorten, Diagnostic};

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
        let full = inner.to_string();
        let raw = strip_path(&strip_location(&full));
        let syntax = is_syntax_error(&raw);
        let reported = if syntax {
            syntax_position(&full)
        } else {
            inner.location().map(|l| (l.line(), l.column()))
        };
        // serde_yaml places value errors at the enclosing mapping; the field's own line is
        // what an editor needs. Syntax and unknown-field errors it already places exactly.
        let exact = syntax
            || raw.starts_with("unknown field")
            || raw.starts_with("missing field")
            || field == "."
            || field.is_empty();
        let position = if exact {
            reported
        } else {
            locate(source, &field).or(reported)
        };
        // A syntax error is not about the field the parser was in: do not name it.
        let field = if syntax { String::new() } else { field };
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
    // Upward to the mapping's first entry (a `- ` item line, or a shallower line above it).
    if !starts_item {
        for line in lines[..index].iter().rev().filter(|l| is_content(l)) {
            match key_on(line) {
                Some((offset, found, dash)) if offset == indent => {
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
    // Downward to the next item or a shallower line.
    for line in lines[index + 1..].iter().filter(|l| is_content(l)) {
        match key_on(line) {
            Some((offset, _, true)) if offset == indent => break,
            Some((offset, found, false)) if offset == indent && found == key => return true,
            _ if indent_of(line) < indent => break,
            _ => {}
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

/// Messages of the data model (serde) as opposed to the YAML scanner and parser.
fn is_syntax_error(message: &str) -> bool {
    let data = [
        "invalid type",
        "invalid value",
        "invalid length",
        "unknown field",
        "unknown variant",
        "missing field",
        "duplicate field",
        "recursion limit",
    ];
    !data.iter().any(|prefix| message.starts_with(prefix)) && !message.contains(HINT_SEPARATOR)
}

/// Where a YAML syntax error is: the scanner names the problem and what it was scanning
/// ("… at line 5 column 1, while scanning a quoted scalar at line 3 column 6"). An unclosed
/// quote or a key without its `:` is noticed lines later; the mistake is where scanning began.
fn syntax_position(message: &str) -> Option<(usize, usize)> {
    let marks: Vec<(usize, usize)> = message
        .match_indices(" at line ")
        .filter_map(|(i, _)| {
            let rest = &message[i + " at line ".len()..];
            let (line, rest) = rest.split_once(" column ")?;
            let column: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            Some((line.parse().ok()?, column.parse().ok()?))
        })
        .collect();
    let noticed_late = message.contains("end of stream") || message.contains("could not find expected ':'");
    match (noticed_late, marks.as_slice()) {
        (true, [_, context, ..]) => Some(*context),
        (_, [problem, ..]) => Some(*problem),
        _ => None,
    }
}

/// Mistakes the YAML parser reports badly or not at all, found on their own line before
/// parsing: tabs and full-width spaces in indentation, a full-width colon after a key, anchors
/// and aliases (content never needs them, and they multiply a small file into a huge one),
/// and nesting deeper than any content needs (the parser slows down before it refuses).
pub fn check_source(file: &Path, source: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut block_indent: Option<usize> = None;
    for (index, line) in source.split('\n').enumerate() {
        let at = |column: usize| Some((index + 1, column));
        let indent_text: &str = &line[..line.len() - line.trim_start_matches([' ', '\t', '\u{3000}']).len()];
        let indent = indent_text.chars().count();
        let content = line.trim_start_matches([' ', '\t', '\u{3000}']);
        if let Some(block) = block_indent {
            if content.is_empty() || indent > block {
                continue; // inside a block scalar (`|`, `>`): text, not YAML
            }
            block_indent = None;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(column) = indent_text.chars().position(|c| c == '\t') {
            found.push(
                Diagnostic::new(file, "字下げにタブ文字が使われています")
                    .at(at(column + 1))
                    .hint("字下げは半角スペースで書いてください"),
            );
        }
        if let Some(column) = indent_text.chars().position(|c| c == '\u{3000}') {
            found.push(
                Diagnostic::new(file, "字下げに全角スペースが使われています")
                    .at(at(column + 1))
                    .hint("字下げは半角スペースで書いてください"),
            );
        }
        if let Some(rest) = content.strip_prefix('-') {
            if rest.starts_with(|c: char| c.is_ascii_alphabetic()) && rest.contains(':') {
                found.push(
                    Diagnostic::new(file, "リストの「-」の後ろに半角スペースがありません")
                        .at(at(indent + 2))
                        .hint("「- category: 工事」のように「-」と項目名の間に半角スペースを入れてください"),
                );
            }
        }
        let key_part = content.strip_prefix("- ").unwrap_or(content);
        if let Some(position) = key_part.find('：') {
            let key = &key_part[..position];
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                let column = indent + (content.len() - key_part.len()) + key.chars().count() + 1;
                found.push(
                    Diagnostic::new(file, format!("項目「{key}」の後ろが全角のコロン「：」です"))
                        .at(at(column))
                        .hint("項目名の後ろは半角の「: 」（コロンと半角スペース）にしてください"),
                );
            }
        }
        if indent > MAX_INDENT {
            found.push(
                Diagnostic::new(
                    file,
                    format!("入れ子が深すぎます（字下げ {indent} 文字、上限 {MAX_INDENT} 文字）"),
                )
                .at(at(1))
                .hint("発注者のファイルの入れ子は数段です。字下げを確認してください"),
            );
        }
        let mut flow_depth = 0usize;
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for (column, c) in content.chars().enumerate() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => {
                    match c {
                        '"' | '\'' if " [{,:-".contains(previous) => quote = Some(c),
                        '#' if previous == ' ' => break,
                        '[' | '{' => {
                            flow_depth += 1;
                            if flow_depth > MAX_FLOW_DEPTH {
                                found.push(
                                    Diagnostic::new(
                                        file,
                                        format!("[ ] や {{ }} の入れ子が深すぎます（上限 {MAX_FLOW_DEPTH} 段）"),
                                    )
                                    .at(at(indent + column + 1))
                                    .hint("括弧の対応を確認してください"),
                                );
                                break;
                            }
                        }
                        ']' | '}' => flow_depth = flow_depth.saturating_sub(1),
                        '&' | '*' if " [{,-:".contains(previous) && node_starts(content, column) => {
                            found.push(
                            Diagnostic::new(file, "YAML の別名（& や *）は使えません")
                                .at(at(indent + column + 1))
                                .hint("値をそのまま書いてください。文字列が & や * で始まるときは引用符で囲んでください"),
                        );
                            break;
                        }
                        _ => {}
                    }
                }
            }
            previous = c;
        }
        let trimmed = content.trim_end();
        let opens_block = ["|", ">", "|-", ">-", "|+", ">+"].iter().any(|b| trimmed.ends_with(b));
        if opens_block && (trimmed.contains(": ") || trimmed.starts_with("- ") || trimmed.len() <= 2) {
            block_indent = Some(indent);
        }
    }
    found
}

/// The deepest indentation content needs, in characters; deeper files are refused before the
/// parser sees them.
const MAX_INDENT: usize = 64;
/// The deepest `[`/`{` nesting on one line.
const MAX_FLOW_DEPTH: usize = 16;

/// Whether the `&` or `*` at `column` (in characters) starts a node: the first character of a
/// value, followed by an anchor name.
fn node_starts(content: &str, column: usize) -> bool {
    let before: String = content.chars().take(column).collect();
    let before = before.trim_end();
    let at_value_start = before.is_empty()
        || before.ends_with(':')
        || before.ends_with('-')
        || before.ends_with('[')
        || before.ends_with('{')
        || before.ends_with(',');
    let next = content.chars().nth(column + 1);
    at_value_start && next.is_some_and(|c| !c.is_whitespace())
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
            format!("不明な値「{}」です", shorten(&value)),
            Some(format!("使える値: {}", expected.join(", "))),
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        let field = rest.trim_matches('`');
        return (
            format!("項目「{field}」が二度書かれています"),
            Some("どちらか一方を削除してください".to_string()),
        );
    }
    if message.starts_with("recursion limit exceeded") {
        return (
            "入れ子が深すぎます".to_string(),
            Some("字下げと括弧の対応を確認してください".to_string()),
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
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
            return (
                format!(
                    "値の形が違います（ここには{}を書きますが、{}が書かれています）",
                    shape(expected),
                    shape(found)
                ),
                Some("字下げと「- 」「: 」の位置を、見本のファイルと見比べてください".to_string()),
            );
        }
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

/// serde's name for a kind of value, in the words of a YAML file.
fn shape(serde_words: &str) -> String {
    let words = serde_words.trim();
    if let Some(text) = words.strip_prefix("string ") {
        return format!("文字列「{}」", shorten(text.trim_matches('"')));
    }
    let name = if words.contains("sequence") {
        "リスト（「- 」で始まる行）"
    } else if words.contains("map") || words.contains("struct") {
        "項目の対応表（「項目: 値」の行）"
    } else if words.contains("string") || words.contains("char") {
        "文字列"
    } else if words.contains("boolean") {
        "true か false"
    } else if words.contains("integer")
        || words.contains("number")
        || words.contains("float")
        || words.starts_with('u')
        || words.starts_with('i')
    {
        "数値"
    } else if words.contains("unit") || words.contains("null") || words.contains("option") {
        "空の値"
    } else if words.contains("enum") || words.contains("variant") {
        "決められた値"
    } else {
        "別の形の値"
    };
    name.to_string()
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

/// Where a field written as a path — `code`, `targets[1].from`, `submission.rules[0].email`,
/// `[3]` — starts in `source` (block style), for problems found after parsing (duplicates
/// across files, rules across fields). The deepest part that exists is returned, so a problem
/// always has a line near it; `None` only when the first part is not in the file.
pub fn locate(source: &str, field: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let indent_of = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let is_content = |line: &str| {
        let trimmed = line.trim_start();
        !trimmed.is_empty() && !trimmed.starts_with('#')
    };
    // The lines of the node being searched: [start, end), and the column its entries start at
    // (None: the first content line decides).
    let (mut start, mut end) = (0usize, lines.len());
    let mut column: Option<usize> = None;
    let mut found: Option<(usize, usize)> = None;
    for part in path_parts(field) {
        let entry_column = column.or_else(|| lines[start..end].iter().find(|l| is_content(l)).map(|l| indent_of(l)));
        let Some(entry_column) = entry_column else { break };
        let hit = match &part {
            PathPart::Key(key) => (start..end).find(|&i| {
                let line = lines[i];
                let indent = indent_of(line);
                let rest = &line[indent..];
                (indent == entry_column && rest.starts_with(&format!("{key}:")))
                    || (indent + 2 == entry_column && rest.starts_with(&format!("- {key}:")))
            }),
            PathPart::Index(index) => (start..end)
                .filter(|&i| indent_of(lines[i]) == entry_column && lines[i][entry_column..].starts_with('-'))
                .nth(*index),
        };
        let Some(line) = hit else {
            break;
        };
        // Where the entry's own text starts, and the column its children start at.
        let indent = indent_of(lines[line]);
        let (at_column, child_column) = match part {
            PathPart::Key(_) if lines[line][indent..].starts_with("- ") => (indent + 3, None),
            PathPart::Key(_) => (indent + 1, None),
            PathPart::Index(_) => (indent + 1, Some(indent + 2)),
        };
        found = Some((line + 1, at_column));
        let own_column = if lines[line][indent..].starts_with("- ") {
            indent + 2
        } else {
            indent
        };
        let block_end = (line + 1..end)
            .find(|&i| is_content(lines[i]) && indent_of(lines[i]) <= own_column)
            .unwrap_or(end);
        match child_column {
            // A list item: its first key shares the `- ` line; the rest are indented to match.
            Some(child) => {
                start = line;
                end = (line + 1..end)
                    .find(|&i| is_content(lines[i]) && indent_of(lines[i]) < child)
                    .unwrap_or(end);
                column = Some(child);
            }
            None => {
                start = line + 1;
                end = block_end;
                column = None;
            }
        }
    }
    found
}

enum PathPart {
    Key(String),
    Index(usize),
}

/// `targets[1].from` → targets, 1, from; serde_path_to_error's and our own spelling.
fn path_parts(field: &str) -> Vec<PathPart> {
    let mut parts = Vec::new();
    for segment in field.split('.').filter(|s| !s.is_empty()) {
        let mut rest = segment;
        if let Some(bracket) = rest.find('[') {
            if bracket > 0 {
                parts.push(PathPart::Key(rest[..bracket].to_string()));
            }
            rest = &rest[bracket..];
            while let Some(inner) = rest.strip_prefix('[') {
                let Some((number, after)) = inner.split_once(']') else {
                    break;
                };
                match number.parse() {
                    Ok(index) => parts.push(PathPart::Index(index)),
                    Err(_) => break,
                }
                rest = after;
            }
        } else {
            parts.push(PathPart::Key(rest.to_string()));
        }
    }
    parts
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
    fn locates_any_depth_and_falls_back_to_the_deepest_part_found() {
        let source = "name: 町\nsubmission:\n  documents: [認証キー]\n  rules:\n    - guarantee_kinds: [契約保証]\n      methods: [電子メール]\n    - methods: [持参]\n      email: a@b\ntargets:\n  - category: 工事\n    kind_starts:\n      - kind: 前払金保証\n        from: 2026-10-01\n- wrong: x\n";
        assert_eq!(locate(source, "submission.rules"), Some((4, 3)));
        assert_eq!(locate(source, "submission.rules[0]"), Some((5, 5)));
        assert_eq!(locate(source, "submission.rules[1].email"), Some((8, 7)));
        assert_eq!(locate(source, "submission.rules[1].to"), Some((7, 5)));
        assert_eq!(locate(source, "targets[0].kind_starts[0]"), Some((12, 7)));
        assert_eq!(locate(source, "targets[0].kind_starts[0].from"), Some((13, 9)));
        assert_eq!(locate(source, "[0]"), Some((14, 1)));
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
