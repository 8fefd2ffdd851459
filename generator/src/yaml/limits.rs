//! The bounds checked on the text before the parser sees it, each a named error on its own line:
//! tabs and full-width spaces in indentation, a full-width colon after a key, a list dash without
//! its space, anchors and aliases (content never needs them, and they multiply a small file
//! into a huge one), and nesting deeper than any content needs (the parser slows down before it
//! refuses).

use std::path::Path;

use crate::diagnostics::Diagnostic;

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
