//! The site's two services as content names them: the orderers' verification service (this
//! site's own page, or another address) and the manual video; the contacts; the wording lint
//! over templates.

use std::fs;

use crate::util::{main_text, without_break_marks, Scratch, REAL};

fn built(s: &Scratch, relative: &str) -> String {
    without_break_marks(&fs::read_to_string(s.path(&format!("public/{relative}"))).unwrap())
}

#[test]
fn the_verification_service_is_this_sites_page_by_default_and_named_wherever_it_is_mentioned() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    let verify = built(&s, "verify/index.html");
    assert!(
        verify.contains("<title>D-Sure（発注者用保証確認サービス）｜"),
        "the page is the service"
    );
    assert!(verify.contains("D-Sureは日本電子認証株式会社が運営しています。"));
    // A neutral description of the number, never a demo certificate's number.
    assert!(!verify.contains("W2026"), "no demo number on the verify page");
    for page in ["index.html", "ashiya-machi/index.html", "saiki-shi/index.html"] {
        let html = built(&s, page);
        assert!(
            html.contains("<a href=\"/verify/\">発注者の方：D-Sure（電子証書の確認）</a>"),
            "{page}: the menu names the service"
        );
    }
    let ashiya = built(&s, "ashiya-machi/index.html");
    assert!(ashiya.contains("<a href=\"/verify/\">D-Sure（発注者用保証確認サービス）</a>で電子証書を閲覧します。"));
    assert!(ashiya
        .contains("発注者は<a href=\"/verify/\">D-Sure(発注者用保証確認サービス)</a>を通じて、電子証書を閲覧します。"));
    assert!(built(&s, "sitemap.xml").contains("/verify/</loc>"));
}

#[test]
fn an_external_verification_service_takes_every_link_and_verify_is_not_built() {
    let s = Scratch::of(REAL);
    s.edit(
        "content/site.yaml",
        "  operator_short: 日本電子認証(株)\n",
        "  operator_short: 日本電子認証(株)\n  url: https://d-sure.example.jp/\n",
    );
    generator::build(&s.options("2026-11-23")).unwrap();
    assert!(!s.path("public/verify").exists(), "no verify page of our own");
    assert!(!built(&s, "sitemap.xml").contains("/verify/"));
    for page in [
        "index.html",
        "ashiya-machi/index.html",
        "saiki-shi/index.html",
        "404.html",
    ] {
        let html = built(&s, page);
        assert!(!html.contains("href=\"/verify/\""), "{page} still links to /verify/");
        assert!(
            html.contains("<a href=\"https://d-sure.example.jp/\">発注者の方：D-Sure"),
            "{page}"
        );
    }
    let ashiya = built(&s, "ashiya-machi/index.html");
    assert_eq!(
        ashiya.matches("href=\"https://d-sure.example.jp/\"").count(),
        3,
        "menu, 仕組み ④, STEP4"
    );
}

#[test]
fn the_verification_service_url_must_be_a_web_address() {
    let s = Scratch::of(REAL);
    s.edit(
        "content/site.yaml",
        "  operator_short: 日本電子認証(株)\n",
        "  operator_short: 日本電子認証(株)\n  url: d-sure.example.jp\n",
    );
    let (_, text) = s.check_errors();
    assert!(
        text.contains("site.yaml:23:3: 項目 `verification_service.url`: 「d-sure.example.jp」は URL ではありません"),
        "{text}"
    );
}

#[test]
fn the_manual_video_is_linked_as_such_only_when_content_gives_its_page() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    let without = main_text(&built(&s, "ashiya-machi/index.html"));
    assert!(
        !without.contains("該当動画"),
        "the company's top page is not a 該当動画"
    );
    assert!(without
        .contains("当社HPを開き、操作マニュアル動画の「2.新規保証申込手続き（保証証書：電子）」をご視聴ください。"));
    assert!(built(&s, "ashiya-machi/index.html").contains(
        "aria-label=\"西日本建設業保証株式会社のホームページ（https://www.wjcs.net/）への二次元バーコード\""
    ));

    s.edit(
        "content/site.yaml",
        "  title: 2.新規保証申込手続き（保証証書：電子）\n",
        "  title: 2.新規保証申込手続き（保証証書：電子）\n  page: https://www.wjcs.net/manual/video2.html\n",
    );
    generator::build(&s.options("2026-11-23")).unwrap();
    let html = built(&s, "ashiya-machi/index.html");
    assert!(html.contains(
        "該当動画：<a href=\"https://www.wjcs.net/manual/video2.html\">2.新規保証申込手続き（保証証書：電子）</a>"
    ));
    assert!(html.contains("aria-label=\"操作マニュアル動画「2.新規保証申込手続き（保証証書：電子）」（https://www.wjcs.net/manual/video2.html）への二次元バーコード\""));
}

#[test]
fn every_page_gives_the_company_contact_and_the_orderers_page_its_own() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    for page in ["index.html", "verify/index.html", "404.html", "ashiya-machi/index.html"] {
        assert!(
            built(&s, page).contains("お問い合わせ：西日本建設業保証株式会社　<a href=\"https://www.wjcs.net/\">"),
            "{page}"
        );
    }
    let saiki = main_text(&built(&s, "saiki-shi/index.html"));
    assert!(
        saiki.contains("提出方法・対象案件について\n佐伯市 契約検査課契約係"),
        "{saiki}"
    );
    let arao = built(&s, "arao-shi/index.html");
    assert!(arao.contains("荒尾市のお知らせ</a>"));

    s.edit(
        "content/municipalities/arao-shi.yaml",
        "paper:\n",
        "issuer_contact:\n  name: 熊本支店\n  phone: 000-000-0000\npaper:\n",
    );
    generator::build(&s.options("2026-11-23")).unwrap();
    let arao = main_text(&built(&s, "arao-shi/index.html"));
    assert!(
        arao.contains("西日本建設業保証株式会社 熊本支店（電話 000-000-0000）"),
        "{arao}"
    );
}

#[test]
fn templates_are_held_to_the_glossary_with_its_exceptions() {
    let s = Scratch::of(REAL);
    s.edit(
        "templates/404.html",
        "から発注者をお選びください。",
        "から発注者をお選びください。お申込の流れ",
    );
    let (_, text) = s.check_errors();
    assert!(text.contains("templates/404.html:6:"), "{text}");
    assert!(text.contains("「申込」は誤記です"), "{text}");
    assert!(text.contains("「申込み」と書いてください"), "{text}");
    // 申込書 and the video's title 「…保証申込手続き…」 are written as they are.
    let s = Scratch::of(REAL);
    s.edit(
        "templates/404.html",
        "から発注者をお選びください。",
        "から発注者をお選びください。申込書",
    );
    generator::check(&s.options("2026-11-23")).expect("申込書 is an exception");
}
