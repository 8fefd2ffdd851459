//! Code frames: each diagnostic as an editor reads it in the terminal and in the preview's
//! overlay — the message, the file and place, the offending line with a caret under the
//! field, the field path and the hint (rendered by `annotate-snippets`) — and the same report
//! as JSON for tools (`--format json`).

use std::borrow::Cow;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::read;

/// Whether the frames are coloured (only on a terminal, never in a file or the browser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Plain,
    Terminal,
}

impl Colour {
    /// Colour when `stream` is a terminal and `NO_COLOR` is not set (<https://no-color.org>).
    pub fn for_stream(stream: &impl std::io::IsTerminal) -> Colour {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if stream.is_terminal() && !no_color {
            Colour::Terminal
        } else {
            Colour::Plain
        }
    }
}

/// Every diagnostic with its code frame, then the count: what `check` and `build` print, and
/// what the preview's overlay shows. Each file is read again for its line (only on this error
/// path; an unreadable file is named without a frame).
pub fn render(errors: &Diagnostics, colour: Colour) -> String {
    render_with(errors, colour, &|path| read::text(path).ok())
}

/// [`render`] with the files' text from `source` (tests, and the preview's own copy).
pub fn render_with(errors: &Diagnostics, colour: Colour, source: &dyn Fn(&Path) -> Option<String>) -> String {
    let renderer = match colour {
        Colour::Plain => Renderer::plain(),
        Colour::Terminal => Renderer::styled(),
    };
    let mut out = String::new();
    for diagnostic in errors.iter() {
        let text = diagnostic.line.and_then(|_| source(&diagnostic.file));
        out.push_str(&renderer.render(&[group(diagnostic, text.as_deref())]));
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "{} 件のエラーがあります。出力は変更していません。",
        errors.len()
    ));
    out
}

/// One diagnostic: the title, then the frame (or only the place when the line is unknown),
/// then the hint.
fn group<'a>(d: &'a Diagnostic, source: Option<&'a str>) -> Group<'a> {
    let path: Cow<'a, str> = d.file.to_string_lossy();
    let field_label = d.field.as_ref().map(|f| format!("項目 `{f}`"));
    let title = Level::ERROR.with_name("エラー").primary_title(d.message.as_str());
    let frame = match (d.line, source.and_then(|s| d.line.and_then(|l| line_of(s, l)))) {
        (Some(line), Some(text)) => {
            let span = caret(text, d.column.unwrap_or(1), d.field.is_some());
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(label) = field_label {
                annotation = annotation.label(label);
            }
            title.element(
                Snippet::source(text)
                    .line_start(line)
                    .path(path)
                    .fold(false)
                    .annotation(annotation),
            )
        }
        (line, _) => {
            let mut origin = Origin::path(path);
            if let Some(line) = line {
                origin = origin.line(line);
                if let Some(column) = d.column {
                    origin = origin.char_column(column);
                }
            }
            let group = title.element(origin);
            match field_label {
                Some(label) => group.element(Level::NOTE.no_name().message(label)),
                None => group,
            }
        }
    };
    match &d.hint {
        Some(hint) => frame.element(Level::HELP.with_name("ヒント").message(hint.as_str())),
        None => frame,
    }
}

/// The 1-based `line` of `source`, without its line break.
fn line_of(source: &str, line: usize) -> Option<&str> {
    source
        .split('\n')
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end_matches('\r'))
}

/// The bytes of `text` the caret underlines: from the 1-based character `column` to the end of
/// the line's content when the error is about a field (its key and value), else the one
/// character there (a syntax error's place).
fn caret(text: &str, column: usize, whole_field: bool) -> std::ops::Range<usize> {
    let start = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let end = if whole_field {
        start + text[start..].trim_end().len()
    } else {
        text[start..]
            .chars()
            .next()
            .map(|c| start + c.len_utf8())
            .unwrap_or(start)
    };
    // An empty span still gets its caret, after the line's end.
    start..end.max(start)
}

/// The report for tools: every diagnostic's fields, as `check --format json` prints it.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub ok: bool,
    pub errors: Vec<JsonDiagnostic<'a>>,
}

#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: Cow<'a, str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: Option<&'a str>,
    pub message: &'a str,
    pub hint: Option<&'a str>,
}

impl<'a> JsonReport<'a> {
    pub fn new(errors: &'a Diagnostics) -> JsonReport<'a> {
        JsonReport {
            ok: errors.is_empty(),
            errors: errors
                .iter()
                .map(|d| JsonDiagnostic {
                    file: d.file.to_string_lossy(),
                    line: d.line,
                    column: d.column,
                    field: d.field.as_deref(),
                    message: &d.message,
                    hint: d.hint.as_deref(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_shows_its_line_with_a_caret_under_key_and_value_and_the_hint() {
        let source = "name: 芦屋町\ncode: \"403815\"\n";
        let errors = Diagnostics(vec![Diagnostic::new("m.yaml", "検査数字が正しくありません")
            .at(Some((2, 1)))
            .field("code")
            .hint("6桁目は 4 です")]);
        let text = render_with(&errors, Colour::Plain, &|_| Some(source.to_string()));
        assert!(text.starts_with("エラー: 検査数字が正しくありません\n"), "{text}");
        assert!(text.contains("m.yaml:2:1"), "{text}");
        assert!(text.contains("2 | code: \"403815\""), "{text}");
        assert!(text.contains("  | ^^^^^^^^^^^^^^ 項目 `code`"), "{text}");
        assert!(text.contains("= ヒント: 6桁目は 4 です"), "{text}");
        assert!(
            text.ends_with("1 件のエラーがあります。出力は変更していません。"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "plain text has no colour: {text}");
    }

    #[test]
    fn the_caret_stands_under_full_width_text_and_colour_only_when_asked() {
        let source = "name: 芦屋町\nprefecture: 福岡\u{3000}県\n";
        let errors = Diagnostics(vec![Diagnostic::new("m.yaml", "全角空白があります").at(Some((2, 15)))]);
        let text = render_with(&errors, Colour::Plain, &|_| Some(source.to_string()));
        // 12 ASCII columns and two full-width characters (4 columns) before it; the caret is
        // as wide as the full-width space (2 columns).
        assert!(text.contains(&format!("\n  | {}^^\n", " ".repeat(16))), "{text}");
        let coloured = render_with(&errors, Colour::Terminal, &|_| Some(source.to_string()));
        assert!(coloured.contains('\u{1b}'), "{coloured}");
    }

    #[test]
    fn an_error_without_a_line_names_its_file_and_json_keeps_every_field() {
        let errors = Diagnostics(vec![Diagnostic::new(
            "content/sections/qa.md",
            "共通の本文ファイルがありません",
        )
        .hint("書いてください")]);
        let text = render_with(&errors, Colour::Plain, &|_| None);
        assert!(text.contains("--> content/sections/qa.md"), "{text}");
        assert!(text.contains("= ヒント: 書いてください"), "{text}");
        let json = serde_json::to_value(JsonReport::new(&errors)).unwrap();
        assert_eq!(json["ok"], false);
        assert_eq!(json["errors"][0]["file"], "content/sections/qa.md");
        assert_eq!(json["errors"][0]["hint"], "書いてください");
        assert!(json["errors"][0]["line"].is_null());
    }
}
