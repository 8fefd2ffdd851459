//! Every page of the fixture sites, as rendered, and at two build dates (before and after the
//! starts): one orthography — no spelling `style.yaml` retires, outside 「」 (an orderer's own
//! wording quoted) — and no sentence or paragraph said twice.

use std::collections::BTreeMap;
use std::fs;

use crate::util::{without_break_marks, Scratch, FLYERS, REAL};

#[derive(serde::Deserialize)]
struct StyleEntry {
    wrong: String,
    right: String,
    #[serde(default)]
    except: Vec<String>,
}

/// What a reader reads on a page: the body's text without scripts and drawings (the two
/// drawings of the mechanism say the same by design), one block per line.
fn page_text(html: &str) -> String {
    let html = without_break_marks(html);
    let body = &html[html.find("<body").unwrap_or(0)..];
    let mut text = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let tag_end = rest[open..].find('>').map(|e| open + e + 1).unwrap_or(rest.len());
        let tag = &rest[open..tag_end];
        rest = &rest[tag_end..];
        for skipped in ["script", "svg", "style"] {
            if tag.starts_with(&format!("<{skipped}")) {
                let close = format!("</{skipped}>");
                rest = rest.find(&close).map(|e| &rest[e + close.len()..]).unwrap_or("");
            }
        }
        let block = [
            "<p",
            "<li",
            "<h1",
            "<h2",
            "<h3",
            "<h4",
            "<dt",
            "<dd",
            "<tr",
            "<td",
            "<th",
            "<figcaption",
            "<div",
            "</",
        ];
        if block.iter().any(|b| tag.starts_with(b)) {
            text.push('\n');
        }
    }
    text.push_str(rest);
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

/// The text outside 「」.
fn unquoted(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| {
            match c {
                '「' => depth += 1,
                '」' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

fn built_pages(site: &str, date: &str) -> (Vec<StyleEntry>, BTreeMap<String, String>) {
    let scratch = Scratch::of(site);
    // A build at a past date reads files confirmed by then (as_of moves later dates back).
    generator::build(&scratch.as_of(date)).expect("the fixture builds");
    let style = fs::read_to_string(scratch.path("content/style.yaml"))
        .or_else(|_| fs::read_to_string(crate::util::fixtures().join("sites").join(site).join("style.yaml")))
        .expect("the fixture has a style list");
    let style: Vec<StyleEntry> = serde_yaml::from_str(&style).expect("style.yaml parses");
    let mut pages = BTreeMap::new();
    for entry in walkdir::WalkDir::new(scratch.path("public")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let name = entry
                .path()
                .strip_prefix(scratch.path("public"))
                .unwrap()
                .display()
                .to_string();
            pages.insert(name, page_text(&fs::read_to_string(entry.path()).unwrap()));
        }
    }
    (style, pages)
}

const SITES: [(&str, &str); 4] = [
    (REAL, "2026-11-23"),
    (REAL, "2024-06-01"),
    (FLYERS, "2026-11-23"),
    (FLYERS, "2024-06-01"),
];

#[test]
fn every_page_keeps_to_one_orthography() {
    let mut found = Vec::new();
    let mut pages_read = 0;
    for (site, date) in SITES {
        let (style, pages) = built_pages(site, date);
        assert!(style.len() >= 3, "{site}: a style list");
        for (name, text) in &pages {
            pages_read += 1;
            let text = unquoted(text);
            for entry in &style {
                for (at, _) in text.match_indices(entry.wrong.as_str()) {
                    if entry.except.iter().any(|e| text[at..].starts_with(e.as_str())) {
                        continue;
                    }
                    let around: String = text[at..].chars().take(20).collect();
                    found.push(format!(
                        "{site} {date} {name}: 「{}」 where the site writes 「{}」: …{around}",
                        entry.wrong, entry.right
                    ));
                }
            }
        }
    }
    assert!(pages_read > 30, "pages read: {pages_read}");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_sentence_or_paragraph_is_said_twice_on_a_page() {
    let mut found = Vec::new();
    for (site, date) in SITES {
        let (_, pages) = built_pages(site, date);
        for (name, text) in &pages {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for line in text.lines() {
                let line = line.trim();
                // A paragraph, and each sentence in it: Japanese, and either a sentence (「。」)
                // or a line long enough to be more than a label, a date or an address.
                let sentences = line
                    .split_inclusive('。')
                    .map(str::trim)
                    .chain((line.matches('。').count() > 1).then_some(line));
                let japanese = |s: &str| s.chars().any(|c| ('\u{3040}'..='\u{30FF}').contains(&c));
                let counted =
                    |s: &&str| japanese(s) && (s.ends_with('。') && s.chars().count() >= 10 || s.chars().count() >= 20);
                for sentence in sentences.filter(counted) {
                    *seen.entry(sentence.to_string()).or_default() += 1;
                }
            }
            for (sentence, count) in seen.into_iter().filter(|(_, n)| *n > 1) {
                found.push(format!("{site} {date} {name}: {count}× {sentence}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_checks_see_what_they_look_for() {
    let text = page_text("<body><p>A 又は B。</p><svg><text>図の文字です図の文字です図の文字です</text></svg><p>同じ文を二度言うと読み手が迷います。</p><p>同じ文を二度言うと読み手が迷います。</p></body>");
    assert_eq!(text.matches("同じ文を二度言うと読み手が迷います。").count(), 2);
    assert!(!text.contains("図の文字"), "{text}");
    assert_eq!(unquoted("件名は「工事名または業務名」とし、又は"), "件名はとし、又は");
}
