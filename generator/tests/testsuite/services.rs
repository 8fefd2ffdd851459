//! The site's two services as content names them: the orderers' verification service (its own
//! small site, at the address content gives) and the manual video; the contacts; the wording
//! lint over templates.

use std::fs;

use crate::util::{main_text, without_break_marks, Scratch, REAL};

fn built(s: &Scratch, relative: &str) -> String {
    without_break_marks(&fs::read_to_string(s.path(&format!("public/{relative}"))).unwrap())
}

fn built_verify(s: &Scratch, relative: &str) -> String {
    without_break_marks(&fs::read_to_string(s.path(&format!("public-verify/{relative}"))).unwrap())
}

const WITH_URL: (&str, &str) = (
    "  operator_short: 日本電子認証(株)\n",
    "  operator_short: 日本電子認証(株)\n  url: https://d-sure.example.jp/\n",
);

/// The verify page is its own small site, beside the guidance site: its page, its 404 page and
/// its assets, with the service's operator in its header and footer and nothing of the
/// guidance site's — not its contact, not its header, not a link to it.
#[test]
fn the_verify_site_is_built_apart_with_its_operators_identity_only() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    let mut files: Vec<String> = fs::read_dir(s.path("public-verify"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["404.html", "index.html", "qrcode.js", "verify.css", "verify.js"]
    );
    assert!(!s.path("public/verify").exists(), "no verify page on the guidance site");
    assert!(!s.path("public/verify.js").exists(), "nor its script");
    for page in ["index.html", "404.html"] {
        let html = built_verify(&s, page);
        assert!(
            html.contains("<p class=\"service-operator\">運営：日本電子認証株式会社</p>"),
            "{page}"
        );
        assert!(
            html.contains("D-Sure（発注者用保証確認サービス）は日本電子認証株式会社が運営しています。"),
            "{page}"
        );
        for guidance in [
            "西日本建設業保証",
            "wjcs.net",
            "お問い合わせ",
            "電子保証のご案内",
            "style.css",
            "当社",
        ] {
            assert!(!html.contains(guidance), "{page} shows the guidance site's {guidance}");
        }
    }
    let verify = built_verify(&s, "index.html");
    assert!(verify.contains("<title>D-Sure（発注者用保証確認サービス）</title>"));
    assert!(
        verify.contains("data-api=\"/api/verify\""),
        "the API on the verify site's own origin"
    );
    assert!(verify.contains("（全角・半角やハイフンの有無は問いません）"));
    assert!(!verify.contains("rel=\"canonical\""), "no address of its own is known");
    // A neutral description of the number, never a demo certificate's number.
    assert!(!verify.contains("W2026"), "no demo number on the verify page");
}

/// Without an address the guidance pages name the service and link nowhere; with one, every
/// mention links there, and the verify site knows it as its canonical address.
#[test]
fn the_guidance_pages_link_to_the_verify_sites_configured_address() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    for page in [
        "index.html",
        "ashiya-machi/index.html",
        "saiki-shi/index.html",
        "404.html",
    ] {
        let html = built(&s, page);
        assert!(!html.contains("/verify/"), "{page} links to a verify page of its own");
        assert!(!html.contains("href=\"none\""), "{page}");
        assert!(
            !html.contains("発注者の方：D-Sure"),
            "{page}: no menu entry without an address"
        );
    }
    let ashiya = built(&s, "ashiya-machi/index.html");
    assert!(ashiya.contains("発注者は、D-Sure（発注者用保証確認サービス）で電子証書を閲覧します。"));
    assert!(!built(&s, "sitemap.xml").contains("verify"));

    s.edit("content/site.yaml", WITH_URL.0, WITH_URL.1);
    generator::build(&s.options("2026-11-23")).unwrap();
    for page in [
        "index.html",
        "ashiya-machi/index.html",
        "saiki-shi/index.html",
        "404.html",
    ] {
        let html = built(&s, page);
        assert!(
            html.contains("<a href=\"https://d-sure.example.jp/\">発注者の方：D-Sure（電子証書の確認）</a>"),
            "{page}: the menu names the service"
        );
    }
    let ashiya = built(&s, "ashiya-machi/index.html");
    assert_eq!(
        ashiya.matches("href=\"https://d-sure.example.jp/\"").count(),
        3,
        "menu, 仕組み ④, STEP4"
    );
    assert!(ashiya.contains(
        "<a href=\"https://d-sure.example.jp/\">D-Sure</a>（発注者用保証確認サービス）で電子証書を閲覧します。"
    ));
    assert!(built(&s, "index.html").contains("<a href=\"https://d-sure.example.jp/\">D-Sure（発注者用保証確認サービス）</a>から電子証書の内容を確認できます。"));
    assert!(built_verify(&s, "index.html").contains("<link rel=\"canonical\" href=\"https://d-sure.example.jp/\">"));

    // A trial build points the links at a local verify site instead.
    let options = generator::BuildOptions {
        verify_url: Some("http://127.0.0.1:8788/".into()),
        ..s.options("2026-11-23")
    };
    generator::build(&options).unwrap();
    assert!(built(&s, "ashiya-machi/index.html").contains("<a href=\"http://127.0.0.1:8788/\">発注者の方：D-Sure"));
}

/// The operator's contact, when content gives it, is in the verify site's footer.
#[test]
fn the_operators_contact_is_shown_on_the_verify_site_when_content_gives_it() {
    let s = Scratch::of(REAL);
    s.edit(
        "content/site.yaml",
        WITH_URL.0,
        "  operator_short: 日本電子認証(株)\n  contact:\n    url: https://operator.example.jp/\n    phone: 000-000-0000\n",
    );
    generator::build(&s.options("2026-11-23")).unwrap();
    let verify = built_verify(&s, "index.html");
    assert!(
        verify.contains("お問い合わせ：日本電子認証株式会社　<a href=\"https://operator.example.jp/\">https://operator.example.jp/</a>　電話\u{a0}000-000-0000"),
        "{verify}"
    );
    assert!(
        !built(&s, "index.html").contains("operator.example.jp"),
        "the guidance site's contact stays its own"
    );

    s.edit(
        "content/site.yaml",
        "    url: https://operator.example.jp/\n",
        "    url: operator.example.jp\n",
    );
    let (_, text) = s.check_errors();
    assert!(
        text.contains("項目 `verification_service.contact.url`: 「operator.example.jp」は URL ではありません"),
        "{text}"
    );
}

#[test]
fn the_verify_sites_address_ends_in_a_slash() {
    let s = Scratch::of(REAL);
    s.edit(
        "content/site.yaml",
        WITH_URL.0,
        "  operator_short: 日本電子認証(株)\n  url: https://d-sure.example.jp\n",
    );
    let (_, text) = s.check_errors();
    assert!(
        text.contains("verification_service.url は「/」で終わる必要があります"),
        "{text}"
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
        text.contains("site.yaml:32:3: 項目 `verification_service.url`: 「d-sure.example.jp」は URL ではありません"),
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
    for page in ["index.html", "404.html", "accessibility/index.html"] {
        assert!(
            built(&s, page).contains(
                "お問い合わせ：西日本建設業保証株式会社　<a class=\"url-shown\" href=\"https://www.wjcs.net/\">"
            ),
            "{page}"
        );
    }
    // An orderer's page gives it once, in its own お問い合わせ section, not again in the footer.
    let ashiya = built(&s, "ashiya-machi/index.html");
    assert_eq!(
        ashiya
            .matches("西日本建設業保証株式会社　<a class=\"url-shown\" href=\"https://www.wjcs.net/\">")
            .count(),
        1
    );
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
        arao.contains("西日本建設業保証株式会社 熊本支店（電話\u{a0}000-000-0000）"),
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
