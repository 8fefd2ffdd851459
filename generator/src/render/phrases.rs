//! Japanese line breaking decided at build time. Browsers break Japanese between any two
//! characters, which splits words, names and dates (「大分県佐｜伯市」「5｜月1日」). Here every
//! text of a page's body is cut into phrases with BudouX's Japanese model and a `<wbr>` marks
//! each phrase boundary; the stylesheet's `word-break: keep-all` then allows breaks only there
//! (and at punctuation). Names and dates that must never break — the site's and the orderers'
//! names, 和暦 dates, short 「…」 terms — are kept whole, and wrapped in `<span class="nw">`
//! (`white-space: nowrap`) where they hold a character a browser would still break after (a
//! hyphen, a parenthesis).

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};

use super::memo::Memo;

/// Elements whose text is not prose, or where `<wbr>` is not allowed.
const SKIPPED_ELEMENTS: &[&str] = &["head", "script", "style", "svg", "textarea", "pre", "code", "title"];
/// 「…」 up to this many characters inside is a term, kept whole (「認証キー等のお知らせ(PDF)」).
const LONGEST_QUOTED_TERM: usize = 16;
/// What BudouX reads in place of a name, a date or a term: a kanji, as most names end in one.
const PLACEHOLDER: &str = "某";
/// Clauses remembered across pages, so that memory stays bounded on large sites.
const CACHED_CLAUSES: usize = 8192;
/// Whole texts remembered: the first ones met, which on a large site are the shared ones.
const CACHED_TEXTS: usize = 8192;

/// Phrases that must never break across lines, and the texts already cut (pages repeat the
/// same shared text for every orderer).
pub struct LineBreaker {
    keep_whole: Vec<String>,
    /// The names as one automaton: the longest name starting at a position is found in one
    /// pass over its characters, however many thousands of names a large site has.
    names: Option<AhoCorasick>,
    /// Clauses already cut: where BudouX ends their phrases.
    clauses: Memo<Vec<usize>>,
    /// Whole texts already cut, and how they were cut.
    texts: Memo<String>,
}

impl LineBreaker {
    /// `keep_whole`: names as the pages show them (longest match wins).
    pub fn new(keep_whole: impl IntoIterator<Item = String>) -> LineBreaker {
        let mut keep_whole: Vec<String> = keep_whole.into_iter().filter(|p| p.chars().count() > 1).collect();
        keep_whole.sort_unstable();
        keep_whole.dedup();
        // Without it (an automaton too large to build) names are not kept whole, and BudouX
        // alone decides: pages stay correct, only less tidy.
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(&keep_whole)
            .ok();
        LineBreaker {
            keep_whole,
            names,
            clauses: Memo::new(CACHED_CLAUSES),
            texts: Memo::new(CACHED_TEXTS),
        }
    }

    /// Identifies the names kept whole: pages cut with other names may differ.
    pub fn fingerprint(&self) -> u128 {
        xxhash_rust::xxh3::xxh3_128(self.keep_whole.join("\n").as_bytes())
    }

    /// The page with `<wbr>` between the phrases of every text in its body.
    pub fn apply(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len() + html.len() / 8);
        let mut skipping: Option<&str> = None;
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("<!--") {
                let end = after.find("-->").map(|i| i + 3).unwrap_or(after.len());
                out.push_str(&rest[..4 + end]);
                rest = &after[end..];
            } else if rest.starts_with('<') {
                // Our templates escape `>` inside attribute values, so a tag ends at the first `>`.
                let end = rest.find('>').map(|i| i + 1).unwrap_or(rest.len());
                let tag = &rest[..end];
                out.push_str(tag);
                let name = tag_name(tag);
                match skipping {
                    Some(open) if tag.starts_with("</") && name.eq_ignore_ascii_case(open) => skipping = None,
                    None if !tag.starts_with("</") && !tag.ends_with("/>") => {
                        skipping = SKIPPED_ELEMENTS.iter().copied().find(|e| name.eq_ignore_ascii_case(e));
                    }
                    _ => {}
                }
                rest = &rest[end..];
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                let text = &rest[..end];
                if skipping.is_some() || !text.chars().any(is_japanese) {
                    out.push_str(text);
                } else {
                    self.cut_into(text, &mut out);
                }
                rest = &rest[end..];
            }
        }
        out
    }

    /// Most texts are the same on every orderer's page (shared text without a name in it):
    /// each is cut once.
    fn cut_into(&self, text: &str, out: &mut String) {
        self.texts.with(text, || self.cut(text), |cut| out.push_str(cut));
    }

    fn cut(&self, text: &str) -> String {
        let whole = self.whole_ranges(text);
        // BudouX reads each name, date or term as one placeholder word: no break can fall
        // inside it anyway, and a clause like 「某における認証キーの提出方法を教えてください。」
        // is then the same on every orderer's page, so it is cut once.
        let mut masked = String::with_capacity(text.len());
        let mut original_at = Vec::with_capacity(text.len() + 1);
        let mut at = 0;
        for range in &whole {
            masked.push_str(&text[at..range.start]);
            original_at.extend(at..range.start);
            original_at.extend(std::iter::repeat_n(range.start, PLACEHOLDER.len()));
            masked.push_str(PLACEHOLDER);
            at = range.end;
        }
        masked.push_str(&text[at..]);
        original_at.extend(at..=text.len());
        let breaks: Vec<usize> = self
            .phrase_ends(&masked)
            .into_iter()
            // Phrase ends are character boundaries: never inside a placeholder, so never inside
            // what it stands for; the end of a placeholder maps to the end of its range.
            .map(|end| original_at[end])
            .filter(|&at| at > 0 && at < text.len())
            .collect();
        // Marks in text order; at one position a span closes before a break, and a break comes
        // before a span opens.
        let mut marks: Vec<(usize, u8, &str)> = breaks.into_iter().map(|b| (b, 1, "<wbr>")).collect();
        for range in whole.iter().filter(|r| r.wrap) {
            marks.push((range.start, 2, "<span class=\"nw\">"));
            marks.push((range.end, 0, "</span>"));
        }
        marks.sort_unstable();
        let mut out = String::with_capacity(text.len() + marks.len() * 8);
        let mut written = 0;
        for (at, _, mark) in marks {
            out.push_str(&text[written..at]);
            out.push_str(mark);
            written = at;
        }
        out.push_str(&text[written..]);
        out
    }

    /// Where BudouX ends a phrase in `text` (byte offsets). The text is taken a clause at a
    /// time — up to and including each 、 or 。, after which BudouX always ends a phrase — so
    /// that a clause shared by every orderer's page (「…の提出方法を教えてください。」) is cut
    /// once, however the sentences around it differ.
    fn phrase_ends(&self, text: &str) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut offset = 0;
        for clause in text.split_inclusive(['、', '。']) {
            self.clauses.with(
                clause,
                || {
                    let mut at = 0;
                    budoux::parse(budoux::models::default_japanese_model(), clause)
                        .iter()
                        .map(|phrase| {
                            at += phrase.len();
                            at
                        })
                        .collect()
                },
                |clause_ends| ends.extend(clause_ends.iter().map(|end| offset + end)),
            );
            offset += clause.len();
        }
        ends
    }

    /// The longest name `text` starts with.
    fn name_at<'t>(&self, text: &'t str) -> Option<&'t str> {
        let found = self.names.as_ref()?.find(Input::new(text).anchored(Anchored::Yes))?;
        text.get(..found.end())
    }

    /// Byte ranges no break may fall inside, in order and not overlapping: entities, names,
    /// dates, short quoted terms and runs of Latin letters and digits.
    fn whole_ranges(&self, text: &str) -> Vec<Whole> {
        let mut ranges: Vec<Whole> = Vec::new();
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let found = if rest.starts_with('&') {
                rest.find(';').filter(|&e| e <= 10).map(|e| (e + 1, false))
            } else if let Some(name) = self.name_at(rest) {
                Some((name.len(), breakable(name)))
            } else if let Some(len) = wareki_date_len(rest) {
                Some((len, true))
            } else if rest.starts_with('「') {
                let bracket = '「'.len_utf8();
                quoted_len(rest).map(|len| (len, breakable(&rest[bracket..len - bracket])))
            } else {
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@')))
                    .unwrap_or(rest.len());
                (len > 1).then_some((len, false))
            };
            match found {
                Some((len, wrap)) => {
                    ranges.push(Whole {
                        start: i,
                        end: i + len,
                        wrap,
                    });
                    i += len;
                }
                None => i += rest.chars().next().map(char::len_utf8).unwrap_or(1),
            }
        }
        ranges
    }
}

struct Whole {
    start: usize,
    end: usize,
    /// Holds a character browsers break after even under `keep-all`.
    wrap: bool,
}

fn tag_name(tag: &str) -> &str {
    let name = tag.trim_start_matches('<').trim_start_matches('/');
    let end = name.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(name.len());
    &name[..end]
}

/// Whether a browser would still break inside `phrase` under `keep-all`: anything but kana and
/// kanji (a hyphen, a parenthesis, 「・」) is a break opportunity.
fn breakable(phrase: &str) -> bool {
    phrase.chars().any(|c| {
        !matches!(c, '\u{3005}' | '\u{3041}'..='\u{309F}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
    })
}

/// Kana, kanji and the CJK punctuation and full-width forms.
fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// 「令和8年(2026年)4月1日」「令和6年5月」「平成31年4月1日」: the length in bytes, if `text`
/// starts with a 和暦 date.
fn wareki_date_len(text: &str) -> Option<usize> {
    let era = ["令和", "平成"].into_iter().find(|e| text.starts_with(e))?;
    let mut at = era.len();
    let digits = |from: usize, also: &str| {
        text[from..]
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_digit() || also.contains(c)))
            .map(|(i, _)| i)
            .unwrap_or(text.len() - from)
    };
    let year = digits(at, "元");
    if year == 0 || !text[at + year..].starts_with('年') {
        return None;
    }
    at += year + '年'.len_utf8();
    if text[at..].starts_with('(') {
        let western = digits(at + 1, "");
        if western == 4 && text[at + 1 + western..].starts_with("年)") {
            at += 1 + western + "年)".len();
        }
    }
    let month = digits(at, "");
    if month == 0 || !text[at + month..].starts_with('月') {
        return Some(at);
    }
    at += month + '月'.len_utf8();
    let day = digits(at, "");
    if day > 0 && text[at + day..].starts_with('日') {
        at += day + '日'.len_utf8();
    }
    Some(at)
}

/// 「工事」: the length in bytes of a short quoted term, brackets included.
fn quoted_len(text: &str) -> Option<usize> {
    let inner = &text['「'.len_utf8()..];
    let close = inner.find(['」', '「'])?;
    (inner[close..].starts_with('」') && inner[..close].chars().count() <= LONGEST_QUOTED_TERM)
        .then(|| '「'.len_utf8() + close + '」'.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> LineBreaker {
        LineBreaker::new([
            "大分県佐伯市".to_string(),
            "e-Net保証".to_string(),
            "佐伯市".to_string(),
        ])
    }

    #[test]
    fn phrases_are_marked_and_names_dates_and_terms_stay_whole() {
        let html = breaker().apply(
            "<p>令和7年(2025年)5月1日以降に、大分県佐伯市と契約する「工事」は、e-Net保証で保証をお申込みいただけます。</p>",
        );
        assert!(
            html.contains("<span class=\"nw\">令和7年(2025年)5月1日</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"nw\">e-Net保証</span>"), "{html}");
        assert!(html.contains("大分県佐伯市"), "{html}");
        assert!(html.contains("「工事」"), "{html}");
        assert!(html.matches("<wbr>").count() >= 3, "phrases marked: {html}");
        assert_eq!(
            html.replace("<wbr>", "")
                .replace("<span class=\"nw\">", "")
                .replace("</span>", ""),
            {
                "<p>令和7年(2025年)5月1日以降に、大分県佐伯市と契約する「工事」は、e-Net保証で保証をお申込みいただけます。</p>"
            }
        );
    }

    #[test]
    fn markup_entities_and_skipped_elements_are_untouched() {
        let source = "<html><head><title>電子保証のご案内です</title></head><body><script type=\"application/ld+json\">{\"name\":\"電子保証を利用するには\"}</script><svg><text>電子証書を閲覧します</text></svg><p title=\"電子保証とは何か\">Q&amp;A の電子保証の仕組みです</p><!-- 電子保証のコメントです --></body></html>";
        let html = breaker().apply(source);
        assert!(
            html.starts_with("<html><head><title>電子保証のご案内です</title></head>"),
            "{html}"
        );
        assert!(html.contains("{\"name\":\"電子保証を利用するには\"}"), "{html}");
        assert!(html.contains("<text>電子証書を閲覧します</text>"), "{html}");
        assert!(html.contains("title=\"電子保証とは何か\""), "{html}");
        assert!(html.contains("Q&amp;A"), "{html}");
        assert!(html.contains("<!-- 電子保証のコメントです -->"), "{html}");
        assert!(html.contains("<wbr>"), "the paragraph is cut: {html}");
    }

    #[test]
    fn wareki_dates_are_recognised_in_their_forms() {
        assert_eq!(
            wareki_date_len("令和8年(2026年)4月1日より"),
            Some("令和8年(2026年)4月1日".len())
        );
        assert_eq!(wareki_date_len("令和6年5月以降"), Some("令和6年5月".len()));
        assert_eq!(wareki_date_len("平成元年です"), Some("平成元年".len()));
        assert_eq!(wareki_date_len("令和の時代"), None);
    }
}
