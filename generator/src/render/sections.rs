//! Shared Markdown, with each orderer's placeholders filled, turned into HTML.

use std::collections::BTreeMap;

use minijinja::{Environment, Value};
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::load::Content;
use crate::markdown;

use super::memo::Memo;
use super::phrases::LineBreaker;
use super::templates::template_error;

/// Distinct texts of shared Markdown remembered: with placeholders filled, most sections and
/// answers read the same on every orderer's page and are converted once.
const REMEMBERED_TEXTS: usize = 512;

/// Markdown converted once per distinct text: to HTML cut for line breaking (pasted into pages
/// as it is), and to plain text (for JSON-LD).
pub struct MarkdownMemo<'a> {
    breaker: &'a LineBreaker,
    html: Memo<String>,
    plain: Memo<String>,
}

impl<'a> MarkdownMemo<'a> {
    pub fn new(breaker: &'a LineBreaker) -> MarkdownMemo<'a> {
        MarkdownMemo {
            breaker,
            html: Memo::new(REMEMBERED_TEXTS),
            plain: Memo::new(REMEMBERED_TEXTS),
        }
    }

    fn html(&self, text: &str) -> String {
        self.html
            .with(text, || self.breaker.pre_break(&markdown::to_html(text)), String::clone)
    }

    fn plain(&self, text: &str) -> String {
        self.plain.with(text, || markdown::to_plain_text(text), String::clone)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub question: String,
    pub answer_html: String,
    pub answer_text: String,
}

/// Every section but `qa` as HTML, by name.
pub fn render_sections(
    env: &Environment<'static>,
    memo: &MarkdownMemo<'_>,
    content: &Content,
    placeholders: &Value,
) -> Result<BTreeMap<String, String>, Vec<Diagnostic>> {
    let mut html = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, section) in &content.sections {
        if name == "qa" {
            continue;
        }
        match fill(env, &section.path.to_string_lossy(), placeholders) {
            Ok(text) => {
                html.insert(name.clone(), memo.html(&text));
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(html)
    } else {
        Err(errors)
    }
}

/// `qa.md`: each `## ` heading is a question, the text up to the next one its answer.
pub fn render_questions(
    env: &Environment<'static>,
    memo: &MarkdownMemo<'_>,
    content: &Content,
    placeholders: &Value,
) -> Result<Vec<QuestionView>, Diagnostic> {
    let Some(section) = content.sections.get("qa") else {
        return Ok(Vec::new());
    };
    let text = fill(env, &section.path.to_string_lossy(), placeholders)?;
    let mut questions = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(question) = line.strip_prefix("## ") {
            questions.extend(current.take());
            current = Some((question.trim().to_string(), String::new()));
        } else if let Some((_, answer)) = current.as_mut() {
            answer.push_str(line);
            answer.push('\n');
        }
    }
    questions.extend(current);
    Ok(questions
        .into_iter()
        .map(|(q, a)| question_view(memo, &q, &a))
        .collect())
}

pub fn question_view(memo: &MarkdownMemo<'_>, question: &str, answer_markdown: &str) -> QuestionView {
    QuestionView {
        question: question.to_string(),
        answer_html: memo.html(answer_markdown),
        answer_text: memo.plain(answer_markdown),
    }
}

fn fill(env: &Environment<'static>, name: &str, placeholders: &Value) -> Result<String, Diagnostic> {
    env.get_template(name)
        .and_then(|t| t.render(placeholders.clone()))
        .map_err(|e| template_error(std::path::Path::new(""), &e))
}
