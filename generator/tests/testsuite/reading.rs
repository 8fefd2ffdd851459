//! What a native reader found on the pages (issue 21's last review), one test per finding: the
//! sentence a reader sees where an orderer's sources refuse the certificate by some ways, name
//! no document, name only another company, or state neither category nor date.

use crate::patterns::{has, lacks, orderer, Built, EMAIL, ONE_TARGET};

/// 宍粟市 and 北塩原村 refuse the certificate itself on paper and by mail; 延岡市 printouts only;
/// 北海道 by mail only. Each page says the ways its source names, no more.
#[test]
fn the_ways_a_source_refuses_the_certificate_are_said_as_named() {
    let cases = [
        (
            "[印刷, 電子メール]",
            "ただし、電子証書そのものを、印刷して書面で、又は電子メールで提出しても、保証証書の提出としては認められません。",
            "※電子証書そのものを印刷して、又は電子メールで提出しても、保証証書の提出としては認められません",
        ),
        (
            "[電子メール]",
            "ただし、電子証書そのものを、電子メールで提出しても、保証証書の提出としては認められません。",
            "※電子証書そのものを電子メールで提出しても、保証証書の提出としては認められません",
        ),
        (
            "[印刷]",
            "ただし、電子証書を印刷したものは、書面の保証証書の代わりとしては提出できません。",
            "※電子証書を印刷したものは提出できません",
        ),
    ];
    for (ways, answer, note) in cases {
        let yaml = orderer(
            "宇美町",
            ONE_TARGET,
            EMAIL,
            &format!("paper:\n  accepted: true\ncertificate_refused: {ways}\n"),
        );
        let built = Built::new("refused", &yaml, "2026-11-23");
        let text = built.text("refused");
        has(&text, answer);
        // The note is a paragraph of its own in STEP4's box, not run into the text after it.
        has(&built.html("refused"), &format!("<p>{note}</p>"));
        if !ways.contains("電子メール") {
            lacks(&text, "電子メールで提出しても");
        }
        if !ways.contains("印刷") {
            lacks(&text, "印刷して書面で");
            lacks(&text, "印刷して、又は");
            lacks(&text, "電子証書を印刷したもの");
        }
        let record = built.record("refused");
        let expected: Vec<&str> = ways.trim_matches(['[', ']']).split(", ").collect();
        assert_eq!(record["certificate_refused"], serde_json::json!(expected));
    }
    let none = Built::new("none", &orderer("宇美町", ONE_TARGET, EMAIL, ""), "2026-11-23");
    lacks(&none.text("none"), "提出しても");
    assert_eq!(none.record("none")["certificate_refused"], serde_json::json!([]));
}

/// No document named (北九州市, 宍粟市): the diagram, 仕組み ③ and STEP4 say what the service
/// usually gives, and that this orderer's page does not say — never as its rule.
#[test]
fn without_a_document_named_the_usual_one_is_said_to_be_usual() {
    let yaml = orderer("宇美町", ONE_TARGET, "", "").replace("  documents: [認証キー]\n", "");
    let built = Built::new("no-docs", &yaml, "2026-11-23");
    let text = built.text("no-docs");
    has(
        &text,
        "お客様は、通常は「認証キー等のお知らせ」を宇美町（発注者）へ提出します（宇美町のお知らせには、何を提出するかの記載がありません）。",
    );
    has(
        &text,
        "【重要】 通常は、この「認証キー等のお知らせ」を発注者へ提出します（何を提出するかは、宇美町のお知らせに記載がありません）。提出するものと提出方法は、宇美町にご確認ください",
    );
    lacks(&text, "当該PDFファイル（又は印刷したもの）の提出方法は");
    has(
        &built.html("no-docs"),
        "提出するものと提出方法は、宇美町にご確認ください</p>",
    );
    let html = built.html("no-docs");
    // Short lines for a phone's narrow drawing, the particle never starting one:
    // 「③ 認証キー等の」「お知らせを提出（通常）」.
    has(&html, ">③ 認証キー等の</text>");
    has(&html, ">お知らせを提出（通常）</text>");
    has(&html, "③ お客様は通常、「認証キー等のお知らせ」を発注者（宇美町）へ提出し（宇美町のお知らせには、何を提出するかの記載がありません）");
    // With a way stated but no document, the way is said, the document still as usual.
    let with_way = Built::new(
        "no-docs-mail",
        &orderer("宇美町", ONE_TARGET, EMAIL, "").replace("  documents: [認証キー]\n", ""),
        "2026-11-23",
    );
    has(
        &with_way.text("no-docs-mail"),
        "に記載がありません）。提出方法は電子メールです（詳しくはQ&Aをご覧ください）",
    );
    // A document named: no 「通常」 anywhere.
    let named = Built::new("docs", &orderer("宇美町", ONE_TARGET, EMAIL, ""), "2026-11-23");
    lacks(&named.text("docs"), "通常");
    lacks(&named.html("docs"), "（通常）");
}

/// 岐阜県: neither a category nor a date stated — one sentence says both are not stated.
#[test]
fn what_is_not_stated_about_the_targets_is_said_once() {
    let built = Built::new("none-stated", &orderer("宇美町", "  - {}\n", EMAIL, ""), "2026-11-23");
    let text = built.text("none-stated");
    has(
        &text,
        "宇美町の案件が対象となります。対象となる業務区分（工事・業務委託など）と電子保証の開始日は、宇美町のお知らせに記載がありません。詳しくは、宇美町にご確認ください。",
    );
    // Attention says the start date is not stated; the Q&A says it once more, with the category.
    assert_eq!(text.matches("記載がありません").count(), 2, "{text}");
    // The prefecture's page: one wording, 「記載なし」, for both facts.
    let fukuoka = crate::util::main_text(&crate::util::without_break_marks(
        &std::fs::read_to_string(built.scratch.path("public/fukuoka/index.html")).unwrap(),
    ));
    has(&fukuoka, "宇美町開始日の記載なし対象：業務区分の記載なし");
    lacks(&fukuoka, "未掲載");
}

/// 四国中央市: an arrival call whose number no source gives says so and whom to ask; with a
/// number, the number is given and nothing more.
#[test]
fn an_arrival_call_gives_its_number_or_says_whom_to_ask() {
    let without =
        "  rules:\n    - methods: [電子メール]\n      email: hoshou@city.example.jp\n      arrival_call: true\n";
    let built = Built::new("call", &orderer("宇美町", ONE_TARGET, without, ""), "2026-11-23");
    has(
        &built.text("call"),
        "送信後は、電話で到達確認を行ってください。到達確認の電話番号は、宇美町のお知らせに記載がありません。宇美町にご確認ください。",
    );
    let with = format!("{without}      phone: 092-000-0000\n");
    let built = Built::new("call", &orderer("宇美町", ONE_TARGET, &with, ""), "2026-11-23");
    let text = built.text("call");
    has(&text, "電話\u{a0}092-000-0000。");
    has(&text, "送信後は、電話で到達確認を行ってください。");
    lacks(&text, "到達確認の電話番号は");
    // A reader on a phone calls it with a tap.
    has(&built.html("call"), "電話\u{a0}<a href=\"tel:0920000000\">");
}
