//! The rules of where a line may not break, on plain text: particles glued to the word before,
//! underscored runs, Latin runs, 和暦 dates and short quoted terms kept whole.

use super::{LONGEST_QUOTED_TERM, LONGEST_WHOLE_RUN, SHORT_TAIL, SHORT_TERM};

/// Whether BudouX's phrase end at `at` may stay a break: never between ご/お and the word they
/// honour (「ご｜提出」「お｜手続き」), never just before a particle that follows a word written
/// in kanji, katakana, Latin letters or a bracket (「提出｜を」「メール｜で」), which would then
/// start a line.
pub(super) fn may_break_at(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    let (Some(before), Some(after)) = (before, after) else {
        return true;
    };
    if matches!(before, 'ご' | 'お' | '御') && !is_punctuation(after) {
        return false;
    }
    // Never a line ending in an opening bracket (「工事番号(｜ハイフンなし」), nor one starting
    // with a closing bracket or with one character before it (「書面も｜可）」).
    let mut next = text[at..].chars();
    if is_opening_bracket(before) || is_closing_bracket(after) || next.nth(1).is_some_and(is_closing_bracket) {
        return false;
    }
    // 形式名詞: 「印刷した｜もの」「お申込みになる｜こと」 part what the clause before defines.
    if is_hiragana(before) && ["もの", "こと"].iter().any(|noun| text[at..].starts_with(noun)) {
        return false;
    }
    let verb = ["です", "でき"].iter().any(|v| text[at..].starts_with(v));
    !(is_particle(after) && !verb && !is_hiragana(before))
}

/// The text a block ends with, cut: where its last line could hold one or two characters alone
/// (「…発注者へ｜提出」 in a heading, 「…国東市の｜「工事」」 in a list), the last phrase keeps
/// them — its last break is removed, or, where the browser would break inside it anyway (before
/// an opening bracket, after a space), the phrase is wrapped whole.
pub(super) fn keep_last_word(cut: &str) -> Option<String> {
    let last = cut.rfind("<wbr>");
    let start = last.map_or(0, |at| at + "<wbr>".len());
    let region = &cut[start..];
    let letters = |from: usize| visible(&region[from..]).filter(|&(_, c)| !is_punctuation(c)).count();
    let short = |from: usize| (1..=SHORT_TAIL).contains(&letters(from));
    // Where a browser may still break inside the phrase: before 「『（( or after a space.
    let inner = visible(region)
        .filter(|&(at, c)| {
            at > 0 && (matches!(c, '「' | '『' | '（' | '(') || region[..at].ends_with(char::is_whitespace))
        })
        .map(|(at, _)| at)
        .last();
    match inner {
        Some(at) if short(at) && visible(region).count() <= LONGEST_QUOTED_TERM => {
            // Cut text holds only the breaker's marks: the spans inside go, none is nested.
            let whole = region.replace("<span class=\"nw\">", "").replace("</span>", "");
            Some(format!("{}<span class=\"nw\">{whole}</span>", &cut[..start]))
        }
        // The phrase before may end where a browser breaks anyway (「国東市の｜「工事」」): joined,
        // it is looked at again.
        None if last.is_some() && short(0) => {
            let joined = format!("{}{region}", &cut[..start - "<wbr>".len()]);
            Some(keep_last_word(&joined).unwrap_or(joined))
        }
        _ => None,
    }
}

/// Whether the page so far ends, after its closing tags, with a closing bracket (a link's text
/// 「…（各発注機関の提出先）」), after which a browser breaks even under `keep-all`.
pub(super) fn ends_with_closer(out: &str) -> bool {
    let mut rest = out;
    while rest.ends_with('>') {
        match rest.rfind('<') {
            Some(open) if rest[open..].starts_with("</") => rest = &rest[..open],
            _ => return false,
        }
    }
    rest.ends_with(['」', '』', '）', ')', '】'])
}

/// The characters of cut text outside its tags, with their byte offsets.
fn visible(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut in_tag = false;
    text.char_indices().filter(move |&(_, c)| {
        let inside = in_tag || c == '<';
        in_tag = match c {
            '<' => true,
            '>' => false,
            _ => in_tag,
        };
        !inside && c != '>'
    })
}

/// A particle right after a closing bracket (「「発注者」｜へ」「保証料領収証」｜を」「(PDF)｜を」)
/// or after a space (「1 ｜は」) would start a line: browsers break there whatever `keep-all`
/// says. The character before, the bracket or space and the particle are glued into one `.nw`
/// piece (a wrapped range ending there grows to hold the particle instead). Returns the glued
/// pieces, inside which no phrase break may fall, and the breaks due after their particles
/// (「「…業務」が｜対象と」, which BudouX, reading the term as one word, does not give).
pub(super) fn glue_particles(text: &str, ranges: &mut [Whole]) -> (Vec<(usize, usize)>, Vec<usize>) {
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
        let mut long = false;
        if let Some(range) = ranges
            .iter_mut()
            .find(|r| (r.wrap || short(r)) && (r.end == after || r.end == at))
        {
            long = !short(range);
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
            // bracket, or ご/お beginning one (「「…(PDF)」を｜ご提出いただく」); after a long term,
            // a noun written in hiragana too (「「工事に係る調査・設計等委託業務」の｜うち、」), or the
            // term, its particle and that word would not fit a phone's line and the browser would
            // break inside the word.
            .is_some_and(|n| {
                (may_start_line_after_particle(n)
                    || (long && HIRAGANA_NOUNS.iter().any(|noun| text[end..].starts_with(noun))))
                    && !is_punctuation(n)
            })
        {
            breaks.push(end);
        }
    }
    (glued, breaks)
}

/// A subject example joins its parts with `_` (「四建単第○号_株式会社□□建設」): the parts
/// and the underscore are one piece, up to the brackets, colons or spaces around them.
pub(super) fn join_underscored(text: &str, ranges: &mut Vec<Whole>) {
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
pub(super) fn wrap_latin_runs(text: &str, out: &mut String) {
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

pub(super) fn is_latin_token(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@' | '%' | '+' | '~' | '=' | '?' | '#')
}

/// The particles a line must not start with (one character each; から・まで start with them).
/// Whether a line may start with `c` right after a particle: a new word — kanji, katakana, a
/// bracket, or ご/お beginning one — but not hiragana going on with the word, nor punctuation.
pub(super) fn may_start_line_after_particle(c: char) -> bool {
    (!is_hiragana(c) || matches!(c, 'ご' | 'お')) && !is_punctuation(c) && c != 'ー'
}

/// Nouns written in hiragana that follow 「…」の (「のうち」「のほか」「のとおり」): a line may start with them.
const HIRAGANA_NOUNS: &[&str] = &["うち", "ほか", "とおり", "ため", "もの", "こと"];

pub(super) fn is_particle(c: char) -> bool {
    matches!(c, 'を' | 'に' | 'が' | 'は' | 'へ' | 'で' | 'と' | 'の' | 'も' | 'や')
}

pub(super) fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

pub(super) fn is_punctuation(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}')
        || c.is_ascii_punctuation()
        || c.is_whitespace()
}

pub(super) struct Whole {
    pub(super) start: usize,
    pub(super) end: usize,
    /// Holds a character browsers break after even under `keep-all`.
    pub(super) wrap: bool,
}

pub(super) fn tag_name(tag: &str) -> &str {
    let name = tag.trim_start_matches('<').trim_start_matches('/');
    let end = name.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(name.len());
    &name[..end]
}

/// Whether a browser would still break inside `phrase` under `keep-all`: anything but kana and
/// kanji (a hyphen, a parenthesis, 「・」) is a break opportunity.
pub(super) fn breakable(phrase: &str) -> bool {
    phrase.chars().any(|c| {
        !matches!(c, '\u{3005}' | '\u{3041}'..='\u{309F}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
    })
}

/// Kana, kanji and the CJK punctuation and full-width forms.
pub(super) fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// 「令和8年(2026年)4月1日」「令和6年5月」「平成31年4月1日」: the length in bytes, if `text`
/// starts with a 和暦 date.
pub(super) fn wareki_date_len(text: &str) -> Option<usize> {
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
pub(super) fn quoted_len(text: &str) -> Option<usize> {
    bracketed_len(text, '「', '」')
}

/// The length (bytes) of the 【…】 `text` starts with, when it is short enough to be a term
/// (a subject's prefix to copy: 「【電子保証(中間前払金)】」).
pub(super) fn lenticular_len(text: &str) -> Option<usize> {
    bracketed_len(text, '【', '】')
}

fn bracketed_len(text: &str, open: char, close: char) -> Option<usize> {
    let inner = text.strip_prefix(open)?;
    let end = inner.find([close, open])?;
    (inner[end..].starts_with(close) && inner[..end].chars().count() <= LONGEST_QUOTED_TERM)
        .then(|| open.len_utf8() + end + close.len_utf8())
}

fn is_opening_bracket(c: char) -> bool {
    matches!(
        c,
        '「' | '『' | '（' | '(' | '【' | '〔' | '［' | '[' | '〈' | '《' | '｛' | '{'
    )
}

fn is_closing_bracket(c: char) -> bool {
    matches!(
        c,
        '」' | '』' | '）' | ')' | '】' | '〕' | '］' | ']' | '〉' | '》' | '｝' | '}'
    )
}
