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
/// Addresses, URLs and numbers longer than this (bytes) may break: kept whole they would not
/// fit a 375 px screen.
const LONGEST_WHOLE_RUN: usize = 36;
/// A term up to this many characters is wrapped whole with the particle after it.
const SHORT_TERM: usize = 10;
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
                if skipping.is_some() {
                    out.push_str(text);
                } else if !text.chars().any(is_japanese) {
                    // A link's text alone (a mail address, a URL, a telephone number): no
                    // phrases to cut, but it must not break at its hyphens or dots either.
                    wrap_latin_runs(text, &mut out);
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
        let mut whole = self.whole_ranges(text);
        let (glued, after_particles) = glue_particles(text, &mut whole);
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
        let mut breaks: Vec<usize> = self
            .phrase_ends(&masked)
            .into_iter()
            // Phrase ends are character boundaries: never inside a placeholder, so never inside
            // what it stands for; the end of a placeholder maps to the end of its range.
            .map(|end| original_at[end])
            .filter(|&at| at > 0 && at < text.len() && may_break_at(text, at))
            .filter(|&at| !glued.iter().any(|&(start, end)| start < at && at < end))
            .collect();
        breaks.extend(after_particles.into_iter().filter(|at| *at < text.len()));
        breaks.sort_unstable();
        breaks.dedup();
        // Marks in text order; at one position a span closes before a break, and a break comes
        // before a span opens.
        let mut marks: Vec<(usize, u8, &str)> = breaks.into_iter().map(|b| (b, 1, "<wbr>")).collect();
        let spans = whole.iter().filter(|r| r.wrap).map(|r| (r.start, r.end)).chain(glued);
        for (start, end) in spans {
            marks.push((start, 2, "<span class=\"nw\">"));
            marks.push((end, 0, "</span>"));
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
                // A run with a hyphen or a dot (a telephone number, an address) must not
                // break there either: wrapped, where it fits a phone's line.
                let run = &rest[..len];
                (len > 1).then(|| {
                    (
                        len,
                        len <= LONGEST_WHOLE_RUN && run.contains(['-', '.', '/', '@', ':', '_']),
                    )
                })
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
        join_underscored(text, &mut ranges);
        ranges
    }
}

/// Whether BudouX's phrase end at `at` may stay a break: never between ご/お and the word they
/// honour (「ご｜提出」「お｜手続き」), never just before a particle that follows a word written
/// in kanji, katakana, Latin letters or a bracket (「提出｜を」「メール｜で」), which would then
/// start a line.
fn may_break_at(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    let (Some(before), Some(after)) = (before, after) else {
        return true;
    };
    if matches!(before, 'ご' | 'お' | '御') && !is_punctuation(after) {
        return false;
    }
    let verb = ["です", "でき"].iter().any(|v| text[at..].starts_with(v));
    !(is_particle(after) && !verb && !is_hiragana(before))
}

/// A particle right after a closing bracket (「「発注者」｜へ」「保証料領収証」｜を」「(PDF)｜を」)
/// or after a space (「1 ｜は」) would start a line: browsers break there whatever `keep-all`
/// says. The character before, the bracket or space and the particle are glued into one `.nw`
/// piece (a wrapped range ending there grows to hold the particle instead). Returns the glued
/// pieces, inside which no phrase break may fall, and the breaks due after their particles
/// (「「…業務」が｜対象と」, which BudouX, reading the term as one word, does not give).
fn glue_particles(text: &str, ranges: &mut [Whole]) -> (Vec<(usize, usize)>, Vec<usize>) {
    let mut glued = Vec::new();
    let mut breaks = Vec::new();
    for (at, c) in text.char_indices() {
        let closer = matches!(c, '」' | '』' | '）' | ')' | '】');
        if !closer && c != ' ' {
            continue;
        }
        let after = at + c.len_utf8();
        let Some(particle) = text[after..].chars().next().filter(|&p| is_particle(p)) else {
            continue;
        };
        let Some((start, before)) = text[..at].char_indices().next_back() else {
            continue;
        };
        if before.is_whitespace() || (!closer && is_japanese(before)) {
            continue; // a space between Japanese words is the template's to avoid
        }
        let end = after + particle.len_utf8();
        if ranges.iter().any(|r| r.start < end && r.end > after) {
            continue; // the particle begins a name kept whole
        }
        // A short term is wrapped whole with its particle (「工事」は); a long one only from its
        // last character, lest the piece not fit a phone's line.
        let short = |r: &Whole| text[r.start..r.end].chars().count() <= SHORT_TERM;
        if let Some(range) = ranges
            .iter_mut()
            .find(|r| (r.wrap || short(r)) && (r.end == after || r.end == at))
        {
            range.end = end;
            range.wrap = true;
        } else if !ranges.iter().any(|r| r.wrap && r.start < end && r.end > start) {
            glued.push((start, end));
        } else {
            continue;
        }
        if text[end..]
            .chars()
            .next()
            // A new word may start a line after the particle: a kanji or katakana word, a
            // bracket, or ご/お beginning one (「「…(PDF)」を｜ご提出いただく」).
            .is_some_and(|n| (!is_hiragana(n) || matches!(n, 'ご' | 'お')) && !is_punctuation(n) && n != 'ー')
        {
            breaks.push(end);
        }
    }
    (glued, breaks)
}

/// A subject example joins its parts with `_` (「四建単第○号_株式会社□□建設」): the parts
/// and the underscore are one piece, up to the brackets, colons or spaces around them.
fn join_underscored(text: &str, ranges: &mut Vec<Whole>) {
    let delimiter = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '、' | '。' | '（' | '）' | '(' | ')' | '「' | '」' | '『' | '』' | '：' | ':' | '，'
            )
    };
    let covered = |ranges: &[Whole], at: usize| ranges.iter().any(|r| r.start <= at && at < r.end);
    for (at, _) in text.match_indices('_') {
        if covered(ranges, at) {
            continue;
        }
        let mut start = at;
        for (i, c) in text[..at].char_indices().rev() {
            if delimiter(c) || covered(ranges, i) {
                break;
            }
            start = i;
        }
        let mut end = at + 1;
        for (i, c) in text[at + 1..].char_indices() {
            if delimiter(c) || covered(ranges, at + 1 + i) {
                break;
            }
            end = at + 1 + i + c.len_utf8();
        }
        if start < at && end > at + 1 && text[start..end].chars().count() <= LONGEST_QUOTED_TERM {
            let place = ranges.partition_point(|r| r.start < start);
            ranges.insert(place, Whole { start, end, wrap: true });
        }
    }
}

/// Addresses, URLs and telephone numbers in a text of their own: each run holding a hyphen, a
/// dot, a slash or an at sign is wrapped in `.nw`, up to a length that fits a phone's line.
fn wrap_latin_runs(text: &str, out: &mut String) {
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(is_latin_token).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let len = rest.find(|c: char| !is_latin_token(c)).unwrap_or(rest.len());
        let run = &rest[..len];
        if run.len() > 1 && run.len() <= LONGEST_WHOLE_RUN && run.contains(['-', '.', '/', '@', ':', '_']) {
            out.push_str("<span class=\"nw\">");
            out.push_str(run);
            out.push_str("</span>");
        } else {
            out.push_str(run);
        }
        rest = &rest[len..];
    }
}

fn is_latin_token(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@' | '%' | '+' | '~' | '=' | '?' | '#')
}

/// The particles a line must not start with (one character each; から・まで start with them).
fn is_particle(c: char) -> bool {
    matches!(c, 'を' | 'に' | 'が' | 'は' | 'へ' | 'で' | 'と' | 'の' | 'も' | 'や')
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

fn is_punctuation(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}')
        || c.is_ascii_punctuation()
        || c.is_whitespace()
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
        assert!(
            html.contains("Q&amp;<span class=\"nw\">A の</span>"),
            "the entity is kept: {html}"
        );
        assert!(html.contains("<!-- 電子保証のコメントです -->"), "{html}");
        assert!(html.contains("<wbr>"), "the paragraph is cut: {html}");
    }

    fn lines_may_break_at(html: &str) -> Vec<String> {
        let cut = breaker().apply(html);
        let plain = cut.replace("<span class=\"nw\">", "[").replace("</span>", "]");
        plain.split("<wbr>").map(str::to_string).collect()
    }

    #[test]
    fn honorifics_stay_with_their_word_and_particles_never_start_a_phrase() {
        let pieces = lines_may_break_at("<p>当該PDFファイルを「発注者」へご提出ください。お手続きがスムーズです。</p>");
        assert!(
            !pieces.iter().any(|p| p.ends_with('ご') || p.ends_with('お')),
            "{pieces:?}"
        );
        assert!(
            !pieces
                .iter()
                .any(|p| p.starts_with(['を', 'へ', 'が', 'に', 'で', 'と', 'の'])),
            "{pieces:?}"
        );
        let html = breaker().apply("<p>「保証料計算書」又は「保証料領収証」を電子交付いたします。</p>");
        assert!(html.contains("<span class=\"nw\">「保証料領収証」を</span>"), "{html}");
        assert!(
            html.contains("を</span><wbr>電子"),
            "a break after the glued particle: {html}"
        );
    }

    #[test]
    fn addresses_numbers_and_subject_examples_are_kept_whole() {
        let html = breaker().apply("<p>送付先は <a href=\"mailto:so-mu@east.tottori.tottori.jp\">so-mu@east.tottori.tottori.jp</a> です。電話 0940-43-8196。（例：四建単第○号_株式会社□□建設(前払金保証)）</p>");
        assert!(html.contains(">so-mu@east.tottori.tottori.jp</span>"), "{html}");
        assert!(html.contains("<span class=\"nw\">0940-43-8196</span>"), "{html}");
        assert!(
            html.contains("<span class=\"nw\">四建単第○号_株式会社□□建設</span>"),
            "{html}"
        );
        assert!(
            html.contains("href=\"mailto:so-mu@east.tottori.tottori.jp\""),
            "attributes untouched: {html}"
        );
        let latin = breaker().apply("<p><a href=\"https://www.wjcs.net/\">https://www.wjcs.net/</a></p>");
        assert!(
            latin.contains("><span class=\"nw\">https://www.wjcs.net/</span></a>"),
            "{latin}"
        );
    }

    #[test]
    fn a_particle_after_latin_and_a_space_stays_with_it() {
        let html = breaker().apply("<p>O と 0、I・L と 1 は区別しません</p>");
        assert!(html.contains("<span class=\"nw\">1 は</span>"), "{html}");
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
