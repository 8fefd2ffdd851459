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

#[test]
fn a_formal_noun_stays_with_its_clause_and_a_block_keeps_its_last_word() {
    let printed = lines_may_break_at("<p>電子証書を印刷したものは、提出できません。</p>");
    assert!(printed.iter().any(|p| p.contains("印刷したものは")), "{printed:?}");
    let heading = lines_may_break_at("<h3>STEP 4　認証キー等の取得 及び発注者へ提出</h3>");
    assert!(heading.iter().any(|p| p.ends_with("発注者へ提出</h3>")), "{heading:?}");
    let listed = breaker().apply("<li>令和6年(2024年)10月1日以降、国東市の「工事」</li>");
    assert!(
        listed.contains("<wbr><span class=\"nw\">国東市の「工事」</span></li>"),
        "{listed}"
    );
    // Only a block's end: the same words inside a sentence keep their break.
    let inline = lines_may_break_at("<p>発注者へ提出<a href=\"#q\">Q&amp;A</a></p>");
    assert!(inline.iter().any(|p| p.ends_with("発注者へ")), "{inline:?}");
}

#[test]
fn a_particle_after_a_link_ending_in_a_bracket_is_held_to_it() {
    let html = breaker().apply(
        "<p>提出先は、<a href=\"https://example.jp/\">北海道のページ（各発注機関の提出先）</a>でご確認ください。</p>",
    );
    assert!(html.contains("</a>\u{2060}で"), "{html}");
    let plain =
        breaker().apply("<p>詳しくは、<a href=\"https://example.jp/\">北海道のお知らせ</a>をご確認ください。</p>");
    assert!(!plain.contains('\u{2060}'), "only after a bracket: {plain}");
}

#[test]
fn a_fragment_cut_once_reads_in_its_page_as_if_the_page_had_been_cut_whole() {
    let fragment = "<p>「発注者」へご提出ください。大分県佐伯市の<a href=\"/x/\">ページ（提出先）</a>をご確認ください。</p>\n<ul>\n<li>保証証書</li>\n</ul>\n";
    let page = |inner: &str| {
        format!(
            "<head><title>佐伯市</title><style>p{{}}</style></head><body><dl><dt>Q 提出は？</dt><dd><span class=\"a\">A</span>{inner}</dd></dl>\
             <svg><text>電子証書を閲覧</text></svg><p>お知らせを印刷したものは提出できます。</p></body>"
        )
    };
    let breaker = breaker();
    let whole = breaker.apply(&page(fragment));
    let pasted = breaker.apply(&page(&breaker.pre_break(fragment)));
    assert_eq!(pasted, whole);
    assert!(
        whole.contains("<svg><text>電子証書を閲覧</text></svg>"),
        "a drawing is never cut: {whole}"
    );
    assert!(whole.contains("<wbr>"), "{whole}");
    assert!(!pasted.contains(['\u{E001}', '\u{E002}']));
}

#[test]
fn no_line_ends_in_an_opening_bracket_or_starts_a_closing_one_or_the_last_character_before_it() {
    let html = breaker().apply("<p>メールの件名を「【電子保証書】_工事番号(ハイフンなし11桁)」としてください。電子メール（FAX・書面も可）でのご提出となります。</p>");
    for bad in ["(<wbr>", "（<wbr>", "<wbr>)", "<wbr>）", "も<wbr>可", "<wbr>」"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<wbr>"), "{html}");
}

#[test]
fn a_bracket_closing_after_a_link_keeps_the_particle_after_it() {
    let html =
        breaker().apply("<p>契約検査課（電話\u{a0}<a href=\"tel:0940438196\">0940-43-8196</a>）にご確認ください。</p>");
    // …and the next word may start a line: 「（電話 …）にご確認ください。」 is not one
    // unbreakable run (at 375 px the browser then left 「。」 alone on a line).
    assert!(html.contains("</a><span class=\"nw\">）に</span><wbr>ご確認"), "{html}");
}

#[test]
fn a_long_term_and_its_particle_leave_a_break_before_the_noun_after_them() {
    // Kept with 「うち」, the term and its particle are wider than a phone's line: the browser
    // broke inside 「うち」.
    let html = breaker().apply("<li>「工事」及び「工事に係る調査・設計等委託業務」のうち、契約課が発注する案件</li>");
    assert!(html.contains("」の</span><wbr>うち、"), "{html}");
    // After a short term, nothing changes: 「「工事」のうち」 fits.
    let short = breaker().apply("<li>「工事」のうち、契約課が発注する案件</li>");
    assert!(!short.contains("<wbr>うち"), "{short}");
}
