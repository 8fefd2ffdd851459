//! Shared text to HTML. Content is written by editors, not developers: raw HTML is shown as
//! text, never passed through, and links may only point to web or relative addresses.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Renders Markdown to safe HTML.
pub fn to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        // A line break inside a Japanese paragraph is not a word space.
        Event::SoftBreak => Event::Text(CowStr::Borrowed("")),
        // A link whose text is its address (<https://…>): marked, so that print does not
        // write the address a second time after it.
        Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url,
            ..
        }) => Event::InlineHtml(CowStr::from(format!(
            "<a class=\"url-shown\" href=\"{}\">",
            attribute(&safe_url(dest_url))
        ))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, events);
    out
}

/// The text only, for places that cannot hold markup (meta descriptions, JSON-LD).
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => out.push_str(&text),
            Event::HardBreak | Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Text for a double-quoted attribute value.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let scheme = url.split(':').next().unwrap_or("").trim().to_ascii_lowercase();
    let has_scheme = url.contains(':') && !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#');
    if !has_scheme || matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel") {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html("<script>alert(1)</script>\n\n本文 <b onclick=x>太字</b>");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<b "), "{html}");
    }

    #[test]
    fn dangerous_link_schemes_are_dropped() {
        let html = to_html("[x](javascript:alert(1)) [y](https://www.wjcs.net/) [z](../verify/)");
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains("href=\"https://www.wjcs.net/\""));
        assert!(html.contains("href=\"../verify/\""));
    }

    #[test]
    fn a_link_whose_text_is_its_address_is_marked_as_shown() {
        let html = to_html("<https://www.wjcs.net/?a=1&b=2>（当社） [当社のお知らせ](https://www.wjcs.net/)");
        assert!(
            html.contains("<a class=\"url-shown\" href=\"https://www.wjcs.net/?a=1&amp;b=2\">https://www.wjcs.net/?a=1&amp;b=2</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://www.wjcs.net/\">当社のお知らせ</a>"),
            "{html}"
        );
    }

    #[test]
    fn japanese_lines_join_without_spaces() {
        assert_eq!(to_html("電子証書を\n閲覧します。"), "<p>電子証書を閲覧します。</p>\n");
    }

    #[test]
    fn plain_text_keeps_list_items_apart() {
        assert_eq!(
            to_plain_text("対象:\n\n- 前払金保証\n- 契約保証"),
            "対象:\n前払金保証\n契約保証"
        );
    }
}
