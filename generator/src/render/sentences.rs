//! The sentences an orderer's facts are worded in — for the placeholders of the shared
//! Markdown, the page and the feed — called from the macros of
//! `templates/partials/sentences.jinja`, where their wording lives.

use minijinja::value::Serde;
use minijinja::Value;
use serde::Serialize;

use crate::diagnostics::Diagnostic;

use super::summary::OrdererSummary;
use super::templates::{Templates, SENTENCES_TEMPLATE};

/// Sentences the shared Markdown and the pages use, from `templates/partials/sentences.jinja`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sentences {
    pub targets_sentence: String,
    pub kinds_by_category: String,
    pub submission_answer: String,
    pub paper_sentence: String,
    pub other_documents_sentence: String,
    pub submitted_documents: String,
}

/// `summary_value`: the summary as a template value, converted once by the caller (the page
/// template reads it too): every macro's arguments are its parts.
pub fn sentences(summary_value: &Value, templates: &Templates) -> Result<Sentences, Diagnostic> {
    let part = |value: &Value, name: &str| value.get_attr(name).unwrap_or_default();
    let o = part(summary_value, "o");
    let submission = part(&o, "submission");
    let calls = [
        ("targets_sentence", vec![o.clone(), part(summary_value, "groups")]),
        ("kinds_by_category", vec![part(summary_value, "targets")]),
        (
            "submission_answer",
            vec![o.clone(), part(summary_value, "rules"), part(&submission, "ask")],
        ),
        ("paper_sentence", vec![part(summary_value, "paper")]),
        ("other_documents_sentence", vec![part(&o, "other_documents")]),
        ("submitted_documents", vec![part(summary_value, "step3")]),
    ];
    let text: Vec<String> = templates
        .call_macros(SENTENCES_TEMPLATE, &calls)?
        .into_iter()
        .map(|t| t.trim().to_string())
        .collect();
    let [targets_sentence, kinds_by_category, submission_answer, paper_sentence, other_documents_sentence, submitted_documents] =
        <[String; 6]>::try_from(text).map_err(|_| Diagnostic::new(SENTENCES_TEMPLATE, "文のマクロの数が合いません"))?;
    Ok(Sentences {
        targets_sentence,
        kinds_by_category,
        submission_answer,
        paper_sentence,
        other_documents_sentence,
        submitted_documents,
    })
}

/// `o`: the orderer as a template value, converted once by the caller.
fn targets_sentence_args(o: Value, summary: &OrdererSummary<'_>) -> Vec<Value> {
    vec![o, Value::from(Serde(&summary.groups))]
}

/// The one sentence the feed needs of each orderer whose page is kept as it was, worded in one
/// pass over the sentences' template (evaluating it once per orderer cost a no-op rebuild a
/// sixth of its time).
pub fn feed_sentences(summaries: &[&OrdererSummary<'_>], templates: &Templates) -> Result<Vec<String>, Diagnostic> {
    if summaries.is_empty() {
        return Ok(Vec::new());
    }
    let calls: Vec<(&str, Vec<Value>)> = summaries
        .iter()
        .map(|summary| {
            (
                "targets_sentence",
                targets_sentence_args(Value::from(Serde(summary.o)), summary),
            )
        })
        .collect();
    let text = templates.call_macros(SENTENCES_TEMPLATE, &calls)?;
    if text.len() != summaries.len() {
        return Err(Diagnostic::new(SENTENCES_TEMPLATE, "文のマクロの数が合いません"));
    }
    Ok(text.into_iter().map(|t| t.trim().to_string()).collect())
}
