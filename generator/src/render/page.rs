//! One orderer's page (`<slug>/index.html`): the shared Markdown with the orderer's
//! placeholders filled, its Q&A, its JSON-LD, through `templates/orderer.html`, cut into phrases
//! for line breaking — unless the previous build's page was made from the same inputs.

use memchr::memmem;
use minijinja::value::Serde;
use minijinja::{context, Value};

use crate::diagnostics::Diagnostic;
use crate::load::Content;

use super::cache::{Output, PageKeys};
use super::drawings::Drawings;
use super::json_ld::faq_json_ld;
use super::phrases::LineBreaker;
use super::sections;
use super::sentences::{sentences, Sentences};
use super::summary::OrdererSummary;
use super::templates::{escape_markup, Templates};

/// A page rendered: the sentence the feed says of its orderer, and the page's size; none for a
/// page kept as it was.
pub type PageRendered = Option<(String, usize)>;

/// What rendering one orderer's page needs from the whole site.
pub struct PageJob<'a> {
    pub content: &'a Content,
    pub templates: &'a Templates,
    pub section_env: &'a minijinja::Environment<'static>,
    pub markdown: &'a sections::MarkdownMemo<'a>,
    pub globals: &'a Value,
    pub breaker: &'a LineBreaker,
    pub drawings: &'a Drawings<'a>,
    pub keys: &'a PageKeys,
}

impl PageJob<'_> {
    /// Renders one orderer's page into `out`, unless the previous build's page was made from
    /// the same inputs (then it is kept). Returns, for a page rendered, the sentence the feed
    /// says of the orderer and the size of the page; none for a page kept (its feed sentence
    /// is worded with others': [`super::sentences::feed_sentences`]).
    pub fn render_into(&self, summary: &OrdererSummary<'_>, out: Output<'_>) -> Result<PageRendered, Vec<Diagnostic>> {
        let path = format!("{}/index.html", summary.o.slug);
        let key = self.keys.page(summary);
        if out.keep_fresh(&path, key).map_err(|e| vec![e])? {
            return Ok(None);
        }
        // Converted once: the sentences' macros, the placeholders and the page read its parts.
        let summary_value = Value::from(Serde(summary));
        let sentences = sentences(&summary_value, self.templates).map_err(|e| vec![e])?;
        let html = self.render(summary, summary_value, &sentences)?;
        out.put(&path, html.as_bytes(), key).map_err(|e| vec![e])?;
        Ok(Some((sentences.targets_sentence, html.len())))
    }

    fn render(
        &self,
        summary: &OrdererSummary<'_>,
        summary_value: Value,
        sentences: &Sentences,
    ) -> Result<String, Vec<Diagnostic>> {
        let o = summary.o;
        let content = self.content;
        let part = |value: &Value, name: &str| value.get_attr(name).unwrap_or_default();
        let o_value = part(&summary_value, "o");
        let submission = part(&o_value, "submission");
        let placeholders = context! {
            ..self.globals.clone(),
            ..context! {
            name => &o.name,
            full_name => &summary.full_name,
            start_date => summary.start.as_ref().map(|d| &d.text),
            started => summary.start.as_ref().is_some_and(|d| d.passed),
            own_page => o.own_page(),
            headline_kinds => part(&summary_value, "headline_kinds"),
            later_kinds => part(&summary_value, "later_kinds"),
            kinds => part(&o_value, "guarantee_kinds"),
            step3 => part(&summary_value, "step3"),
            step4 => part(&summary_value, "step4"),
            refused => part(&o_value, "certificate_refused"),
            documents => part(&submission, "documents"),
            submission => submission.clone(),
            ..Value::from(Serde(sentences))
            }
        };
        let mut errors = Vec::new();
        let html_sections = sections::render_sections(self.section_env, self.markdown, content, &placeholders)
            .unwrap_or_else(|found| {
                errors.extend(found);
                Default::default()
            });
        let mut questions = sections::render_questions(self.section_env, self.markdown, content, &placeholders)
            .unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            });
        if !errors.is_empty() {
            return Err(errors);
        }
        questions.extend(
            o.extra_qa
                .iter()
                .map(|qa| sections::question_view(self.markdown, &qa.question, &qa.answer)),
        );

        let diagram = self
            .drawings
            .diagram(&o.name, !o.submission.documents.is_empty(), &summary.step3)
            .map_err(|e| vec![e])?;
        let page_url = format!("{}{}/", content.site.base_url, o.slug);
        let context = context! {
            ..self.globals.clone(),
            ..context! {
                summary => summary_value,
                o => o_value,
                sentences => Serde(sentences),
                sections => Serde(&html_sections),
                questions => Serde(&questions),
                page_url => &page_url,
                faq_jsonld => faq_json_ld(&questions, &page_url),
                diagram => Serde(&diagram),
                screens => Serde(&self.drawings.screens),
            }
        };
        self.templates
            .render("orderer.html", context)
            .map(|html| self.breaker.apply(&mark_addresses_printed_in_footer(html, o)))
            .map_err(|e| vec![e])
    }
}

/// The page with every link in its main part to an address its footer prints (the orderer's
/// sources and website) marked `url-shown`: on paper, the footer prints each once, and the
/// same address after every sentence that links to it (up to five times a page) only crowded
/// the flyer.
fn mark_addresses_printed_in_footer(html: String, o: &crate::content::Orderer) -> String {
    let Some(footer) = memmem::find(html.as_bytes(), b"</main>") else {
        return html;
    };
    let printed: Vec<String> = o
        .sources
        .iter()
        .filter_map(|source| source.url.as_deref())
        .chain(o.website.as_deref())
        .map(|url| format!("<a href=\"{}\"", escape_markup(url)))
        .collect();
    const LINK: &str = "<a href=\"";
    let main = &html[..footer];
    let mut out = String::with_capacity(html.len() + 256);
    let mut copied = 0;
    for at in memmem::find_iter(main.as_bytes(), LINK) {
        out.push_str(&main[copied..at]);
        let tag = &main[at..];
        if printed
            .iter()
            .any(|link| tag.starts_with(link.as_str()) && tag[link.len()..].starts_with(['>', ' ']))
        {
            out.push_str("<a class=\"url-shown\" href=\"");
        } else {
            out.push_str(LINK);
        }
        copied = at + LINK.len();
    }
    out.push_str(&main[copied..]);
    out.push_str(&html[footer..]);
    out
}
