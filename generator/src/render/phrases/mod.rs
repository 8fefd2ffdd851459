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

mod rules;
#[cfg(test)]
mod tests;

use rules::{
    breakable, ends_with_closer, glue_particles, is_japanese, is_particle, join_underscored, keep_last_word,
    lenticular_len, may_break_at, may_start_line_after_particle, quoted_len, tag_name, wareki_date_len,
    wrap_latin_runs, Whole,
};

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
/// A block's last phrase this short (characters, punctuation not counted) stays with the one
/// before it: one or two characters alone on a last line read as a leftover.
const SHORT_TAIL: usize = 2;
/// Closing tags of the blocks whose text may end in a short last phrase.
const BLOCK_ENDS: &[&str] = &[
    "</h1>",
    "</h2>",
    "</h3>",
    "</h4>",
    "</h5>",
    "</h6>",
    "</p>",
    "</li>",
    "</dt>",
    "</dd>",
    "</figcaption>",
    "</th>",
    "</td>",
];
/// What [`LineBreaker::pre_break`] wraps a fragment already cut in: [`LineBreaker::apply`] copies
/// what is between them as it is, and drops them (private-use characters: no text holds them).
const PRE_BROKEN_START: char = '\u{E001}';
const PRE_BROKEN_END: char = '\u{E002}';
const PRE_BROKEN_START_UTF8: &[u8] = "\u{E001}".as_bytes();
const PRE_BROKEN_END_UTF8: &[u8] = "\u{E002}".as_bytes();
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
    /// The same for texts that end their block (their last phrase may be joined).
    block_ends: Memo<String>,
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
            block_ends: Memo::new(CACHED_TEXTS),
        }
    }

    /// Identifies the names kept whole: pages cut with other names may differ.
    pub fn fingerprint(&self) -> u128 {
        xxhash_rust::xxh3::xxh3_128(self.keep_whole.join("\n").as_bytes())
    }

    /// A fragment of a page — shared text converted from Markdown, the same on many pages —
    /// cut once: the page it is pasted into is cut by [`LineBreaker::apply`], which leaves the
    /// fragment as it is. A fragment is whole elements (`<p>…</p>`), so that it is cut as it
    /// would be in its page.
    pub fn pre_break(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len() + html.len() / 4);
        out.push(PRE_BROKEN_START);
        out.push_str(&self.apply(html));
        out.push(PRE_BROKEN_END);
        out
    }

    /// The page with `<wbr>` between the phrases of every text in its body.
    pub fn apply(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len() + html.len() / 8);
        let mut skipping: Option<&str> = None;
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix(PRE_BROKEN_START) {
                let end = memchr::memmem::find(after.as_bytes(), PRE_BROKEN_END_UTF8).unwrap_or(after.len());
                out.push_str(&after[..end]);
                rest = after.get(end + PRE_BROKEN_END.len_utf8()..).unwrap_or("");
            } else if let Some(open) = skipping.filter(|_| !rest.starts_with("</")) {
                // Inside a script, a style or a drawing nothing is cut: on to its closing tag.
                let end = closing_tag(rest, open).unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            } else if let Some(after) = rest.strip_prefix("<!--") {
                let end = after.find("-->").map(|i| i + 3).unwrap_or(after.len());
                out.push_str(&rest[..4 + end]);
                rest = &after[end..];
            } else if rest.starts_with('<') {
                // Our templates escape `>` inside attribute values, so a tag ends at the first `>`.
                let end = memchr::memchr(b'>', rest.as_bytes())
                    .map(|i| i + 1)
                    .unwrap_or(rest.len());
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
                let end = text_end(rest);
                let text = &rest[..end];
                if skipping.is_some() {
                    out.push_str(text);
                } else if !text.chars().any(is_japanese) {
                    // A link's text alone (a mail address, a URL, a telephone number): no
                    // phrases to cut, but it must not break at its hyphens or dots either.
                    wrap_latin_runs(text, &mut out);
                } else {
                    // 「…のページ（各発注機関の提出先）</a>でご確認ください」: the particle cannot be
                    // glued to a link's text across its tag; a word joiner holds it to the bracket.
                    if text.starts_with(is_particle) && ends_with_closer(&out) {
                        out.push('\u{2060}');
                    }
                    // 「（電話 <a>0940-43-8196</a>）にご確認ください」: the bracket closing after a link
                    // and the particle after it stay together, or a line would start with 「に」.
                    let glued = closer_then_particle(text);
                    let block_end = BLOCK_ENDS.iter().any(|close| rest[end..].starts_with(close));
                    if glued.is_some() || block_end {
                        let mut cut = String::new();
                        if block_end {
                            self.cut_block_end_into(text, &mut cut);
                        } else {
                            self.cut_into(text, &mut cut);
                        }
                        match glued.filter(|&n| cut.starts_with(&text[..n])) {
                            Some(n) => {
                                out.push_str("<span class=\"nw\">");
                                out.push_str(&cut[..n]);
                                out.push_str("</span>");
                                // 「）に｜ご確認ください」: a new word may start the next line, or the
                                // whole 「（電話 …）にご確認ください。」 is one unbreakable run.
                                if cut[n..].chars().next().is_some_and(may_start_line_after_particle)
                                    && !cut[n..].starts_with("<wbr>")
                                {
                                    out.push_str("<wbr>");
                                }
                                out.push_str(&cut[n..]);
                            }
                            None => out.push_str(&cut),
                        }
                    } else {
                        self.cut_into(text, &mut out);
                    }
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

    /// A text that ends its block, cut with its last phrase kept with the one before when short.
    fn cut_block_end_into(&self, text: &str, out: &mut String) {
        self.block_ends.with(
            text,
            || {
                let cut = self.cut(text);
                keep_last_word(&cut).unwrap_or(cut)
            },
            |cut| out.push_str(cut),
        );
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
            } else if rest.starts_with('【') {
                let bracket = '【'.len_utf8();
                lenticular_len(rest).map(|len| (len, breakable(&rest[bracket..len - bracket])))
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

/// Where the first closing tag of element `name` starts in `html` (`</svg`, any case).
/// Where the text at the start of `rest` ends: at a tag or a fragment already cut.
fn text_end(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    // `<`, or the first byte of a private-use character, which may be the fragment's marker.
    memchr::memchr2_iter(b'<', PRE_BROKEN_START_UTF8[0], bytes)
        .find(|&at| bytes[at] == b'<' || bytes[at..].starts_with(PRE_BROKEN_START_UTF8))
        .unwrap_or(bytes.len())
}

fn closing_tag(html: &str, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'<', &bytes[from..]).map(|i| from + i) {
        let tag = &bytes[at + 1..];
        if tag.first() == Some(&b'/')
            && tag.len() > name.len()
            && tag[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The length of the closing brackets and the particle a text starts with (「）に」), if it does.
fn closer_then_particle(text: &str) -> Option<usize> {
    let closers = text.len() - text.trim_start_matches(['」', '』', '）', ')', '】']).len();
    let particle = text[closers..].chars().next().filter(|&c| is_particle(c))?;
    (closers > 0).then_some(closers + particle.len_utf8())
}
