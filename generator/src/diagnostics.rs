//! Errors for content editors: where (file, line, column, field path), what, and what to do.

use std::path::{Path, PathBuf};

/// One problem found in the content or the templates, as an editor reads it:
/// `エラー: file:line:column: 項目 `field`: message` and the hint on the next line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "エラー: {}{}{}: {message}{}",
    .file.display(),
    place(*.line, *.column),
    .field.as_ref().map(|f| format!(": 項目 `{f}`")).unwrap_or_default(),
    .hint.as_ref().map(|h| format!("\n  ヒント: {h}")).unwrap_or_default()
)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line and column in `file`, when the parser knows them.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field as written in YAML, e.g. `targets[0].from`.
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// Values quoted in 「」 in `message` are shortened: whatever an editor wrote, the message
    /// stays readable.
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            field: None,
            message: shorten_quoted(&message.into()),
            hint: None,
        }
    }

    pub fn at(mut self, position: Option<(usize, usize)>) -> Self {
        if let Some((line, column)) = position {
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        if !field.is_empty() && field != "." {
            self.field = Some(field);
        }
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn io(path: &Path, error: &std::io::Error) -> Self {
        Diagnostic::new(path, format!("ファイルを読み書きできません: {error}")).hint("パスと権限を確認してください")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_shortened_and_the_rest_is_kept() {
        let long = "9".repeat(1000);
        let message = Diagnostic::new("f", format!("都道府県「鳥取県{long}」はありません")).message;
        assert_eq!(message, format!("都道府県「鳥取県{}…」はありません", "9".repeat(37)));
        let nested = Diagnostic::new("f", "「「工事」」と「b」").message;
        assert_eq!(nested, "「「工事」」と「b」");
    }
}

/// `:line:column`, `:line`, or nothing.
fn place(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// A value quoted in a message, cut to what identifies it: a 1 MB value is not echoed whole.
pub fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Every 「…」 in `message` with its inside cut by [`shorten`] (nested quotes count as inside).
fn shorten_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut inside = String::new();
    let mut depth = 0usize;
    for c in message.chars() {
        match (c, depth) {
            ('「', 0) => {
                depth = 1;
                out.push(c);
            }
            ('「', _) => {
                depth += 1;
                inside.push(c);
            }
            ('」', 1) => {
                depth = 0;
                out.push_str(&shorten(&inside));
                inside.clear();
                out.push(c);
            }
            ('」', d) if d > 1 => {
                depth -= 1;
                inside.push(c);
            }
            (_, 0) => out.push(c),
            _ => inside.push(c),
        }
    }
    if depth > 0 {
        out.push_str(&shorten(&inside));
    }
    out
}

/// Every problem found by one run; a build reports them all, not only the first. The
/// generator's one error type.
#[derive(Debug, Default, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{} 件のエラーがあります。出力は変更していません。", lines(&.0), .0.len())]
pub struct Diagnostics(pub Vec<Diagnostic>);

/// Each diagnostic on its lines.
fn lines(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("{d}\n")).collect()
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was reported, else every diagnostic sorted by place.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0
                .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}
