//! JSON-LD: the questions and answers of an orderer's page as a schema.org `FAQPage`, for
//! search engines, embedded in the page's `<script type="application/ld+json">`.

use super::sections::QuestionView;

/// schema.org FAQPage, safe to embed in a `<script>` element.
pub fn faq_json_ld(questions: &[QuestionView], url: &str) -> String {
    let entities: Vec<serde_json::Value> = questions
        .iter()
        .map(|q| {
            serde_json::json!({
                "@type": "Question",
                "name": q.question,
                "acceptedAnswer": { "@type": "Answer", "text": q.answer_text },
            })
        })
        .collect();
    let document = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": url,
        "mainEntity": entities,
    });
    document.to_string().replace("</", "<\\/").replace("<!--", "<\\!--")
}
