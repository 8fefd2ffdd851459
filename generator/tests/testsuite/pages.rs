//! The orderers' pages: the two flyers' facts kept, the rendered content of real orderers (as
//! frozen in the fixture).

use std::fs;

use crate::util::{assert_snapshots, fixtures, main_text, snapshot, without_break_marks, Scratch, FLYERS, REAL};

fn built_page(slug: &str) -> String {
    let scratch = Scratch::of(REAL);
    generator::build(&scratch.options("2026-11-23")).expect("the fixture builds");
    without_break_marks(&fs::read_to_string(scratch.path(&format!("public/{slug}/index.html"))).unwrap())
}

/// The whole output of the `flyers` site, file by file — every page, list, feed and data file
/// (the static assets are copied as they are, the manifest is the build's own).
#[test]
fn the_whole_flyers_site() {
    let scratch = Scratch::of(FLYERS);
    generator::build(&scratch.options("2026-11-23")).expect("the fixture builds");
    // search.json holds the whole code list: `national.rs` checks it.
    let assets = [
        "favicon.svg",
        "style.css",
        "national.css",
        "search.js",
        "search.json",
        ".generator-output",
    ];
    // The prefectures' pages of the two flyers' prefectures; the 45 others list only the code
    // list's bodies (`national.rs` checks them).
    let other_prefectures: Vec<String> = generator::content::PREFECTURE_SLUGS
        .into_iter()
        .filter(|slug| !["fukuoka", "oita"].contains(slug))
        .map(|slug| format!("{slug}/index.html"))
        .collect();
    let files: Vec<(String, String)> = snapshot(&scratch.path("public"))
        .into_iter()
        .filter(|(path, _)| !assets.contains(&path.as_str()) && !other_prefectures.contains(path))
        .map(|(path, bytes)| {
            (
                format!("flyers-site__{}", path.replace('/', "_")),
                String::from_utf8(bytes).unwrap(),
            )
        })
        .collect();
    let verify: Vec<(String, String)> = snapshot(&scratch.path("public-verify"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| {
            (
                format!("flyers-verify-site__{}", path.replace('/', "_")),
                String::from_utf8(bytes).unwrap(),
            )
        })
        .collect();
    let files: Vec<(String, String)> = files.into_iter().chain(verify).collect();
    assert_eq!(
        files.len(),
        13,
        "{:?}",
        files.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    assert_snapshots(files, |name, text| insta::assert_snapshot!(name, text));
}

/// What a reader sees on the pages of bodies other than a town: a prefecture, an enterprise
/// bureau, a 一部事務組合, and orderers with a category added later or a rule per kind.
#[test]
fn page_text_of_every_kind_of_orderer() {
    let scratch = Scratch::of(REAL);
    generator::build(&scratch.options("2026-11-23")).expect("the fixture builds");
    let slugs = [
        "fukuoka-ken",
        "shimonoseki-shi-jogesuidokyoku",
        "tottori-tobu-kouiki",
        "kunisaki-shi",
        "shikokuchuo-shi",
    ];
    assert_snapshots(
        slugs.map(|slug| {
            let html = fs::read_to_string(scratch.path(&format!("public/{slug}/index.html"))).unwrap();
            (format!("page-text__{slug}"), main_text(&without_break_marks(&html)))
        }),
        |name, text| insta::assert_snapshot!(name, text),
    );
}

#[test]
fn ashiya_machi_page_text() {
    insta::assert_snapshot!(main_text(&built_page("ashiya-machi")));
}

#[test]
fn saiki_shi_page_text() {
    insta::assert_snapshot!(main_text(&built_page("saiki-shi")));
}

/// Every sentence of each flyer appears on its page (typos fixed, 和暦 dates shown with 西暦).
#[test]
fn every_flyer_sentence_is_on_its_page() {
    let expectations: &[(&str, &[&str])] = &[
        (
            "ashiya-machi",
            &[
                "より福岡県遠賀郡芦屋町で運用開始",
                "「前払金保証」、「中間前払金保証」と「契約保証」の保証証書は、電子証書でのご提供が可能となりました。",
                "受取から提出にかかる時間の削減!!",
                "リモートワークにも対応! 業務効率アップ!!",
                "書面の「保証証書」に代わり「電子証書」（保証証書に記載する内容が記録されたデータ）を受発注者がインターネットを通じて確認することができる仕組みです。",
                "令和8年(2026年)4月1日以降に、芦屋町と契約する「工事」及び「測量・建設コンサルタント業務等」",
                "前払金保証\n中間前払金保証\n契約保証",
                "発注者がD-Sureにおいて電子証書を閲覧するために必要となる暗証番号",
                "当社HPを開き、操作マニュアル動画の「2.新規保証申込手続き（保証証書：電子）」をご視聴ください。",
                "保証契約締結後に、「電子証書・認証キー登録のお知らせ」メールをお客様へお送りします。",
                "ログインする際のお客様ID・パスワードは、e-Net保証のお客様ID・パスワードと共通です。",
                "電子証書の内容を確認する画面が表示されます。この画面は、印刷・保存が可能です。",
                "「認証キー」の表示をクリックし、開いた画面から「認証キー等のお知らせ」（PDFファイル）をダウンロードします。",
                "【重要】 当該PDFファイルを「発注者」へご提出ください",
                "※STEP 3で保存したファイルを誤ってご提出しないようご注意ください",
                "発注者はD-Sure（発注者用保証確認サービス）を通じて、電子証書を閲覧します。",
                "ご提出方法をあらかじめ発注者にご確認いただくと、お手続きがスムーズです。",
                "e-Net保証のID登録が必要になります。すでにID登録がお済みの場合は、新たな手続きは不要です。",
                "※契約保証予約は対象外です。",
                "芦屋町における認証キーの提出方法を教えてください。",
                "電子メール等でのご提出となります。なお、メールの送付先は、芦屋町HPをご確認ください。",
                "「保証料計算書」又は「保証料領収証」を電子交付いたします。",
            ],
        ),
        (
            "saiki-shi",
            &[
                "より大分県佐伯市で運用開始",
                "「契約保証」、「前払金保証」と「中間前払金保証」の保証証書は、電子証書でのご提供が可能となりました。",
                "お客様が「e-Net保証」を利用して保証をお申込みになること",
                "令和6年(2024年)12月1日以降に、佐伯市と当初契約を締結する「工事」及び令和7年(2025年)5月1日以降に、佐伯市と当初契約を締結する「建設コンサルタント等業務」",
                "契約保証\n前払金保証\n中間前払金保証",
                "※ 保証証書とは、電子証書の内容を確認する画面を印刷したものになります。",
                "この画面は、印刷・保存が可能です。\n【重要】 この画面を印刷して、「発注者」へご提出ください",
                "（PDFファイル）をダウンロードします。\n【重要】 「認証キー等のお知らせ」を印刷して、「発注者」へご提出ください",
                "『電子証書閲覧用「認証キー」等のお知らせ』及び『保証証書(〇〇保証)』（電子証書の内容を確認する画面）を印刷したものをご提出ください。",
                "佐伯市における認証キー・電子証書の提出方法を教えてください。",
                "持参（FAXも可）でのご提出となります。",
                "なお、詳細は、契約検査課契約係にご確認ください。",
                "が対象となります。なお、当初契約書の作成時においては、最新の契約約款を使用してください。",
                "「お客様控え」及び「保証料計算書」を電子交付いたします。",
            ],
        ),
    ];
    for (slug, sentences) in expectations {
        let text = main_text(&built_page(slug));
        for sentence in *sentences {
            assert!(text.contains(sentence), "{slug}: missing {sentence:?}\n---\n{text}");
        }
        for typo in ["開覧", "申しいただく", "eNet保証", "次画面", "保証お申込み", "該当動画"] {
            assert!(!text.contains(typo), "{slug}: typo {typo} copied");
        }
    }
    let ashiya = main_text(&built_page("ashiya-machi"));
    assert!(
        !ashiya.contains("印刷して、「発注者」へご提出ください"),
        "芦屋町 asks for the PDF, not a printout"
    );
}

#[test]
fn pages_have_the_mechanism_diagram_and_a_qr_code() {
    let html = built_page("ashiya-machi");
    assert!(html.contains("<svg class=\"mechanism mechanism-wide\" viewBox=\"0 0 660 330\" role=\"img\" aria-labelledby=\"mechanism-wide-title mechanism-wide-desc\""));
    assert!(html.contains("<svg class=\"mechanism mechanism-tall\" viewBox=\"0 0 340 600\" role=\"img\" aria-labelledby=\"mechanism-tall-title mechanism-tall-desc\""));
    assert!(html.contains("<svg class=\"qr\" role=\"img\""));
    assert!(html.contains("lang=\"ja\""));
    assert!(!html.contains("<script src"), "no JavaScript on content pages");
    assert!(html.contains("\"@type\":\"FAQPage\""));
}

#[test]
fn index_groups_by_prefecture_with_status_relative_to_the_build_date() {
    let scratch = Scratch::of(REAL);
    generator::build(&scratch.as_of("2025-01-01")).unwrap();
    let read = |path: &str| without_break_marks(&fs::read_to_string(scratch.path(&format!("public/{path}"))).unwrap());
    let index = read("index.html");
    // The index's table links the 47 prefectures' pages in JIS order.
    let position = |slug: &str| {
        index
            .find(&format!("<tr><th scope=\"row\"><a href=\"/{slug}/\">"))
            .unwrap_or_else(|| panic!("{slug}"))
    };
    for pair in generator::content::PREFECTURE_SLUGS.windows(2) {
        assert!(position(pair[0]) < position(pair[1]), "{pair:?}");
    }
    // A prefecture, a 一部事務組合 and a bureau are named once, without the prefecture twice.
    let fukuoka = read("fukuoka/index.html");
    assert!(fukuoka.contains(">福岡県</a>") && !fukuoka.contains("福岡県福岡県"));
    assert!(read("tottori/index.html").contains(">鳥取県東部広域行政管理組合</a>"));
    assert!(read("yamaguchi/index.html").contains(">下関市上下水道局</a>"));
    let row = |page: &str, slug: &str| {
        let start = page.find(&format!("{slug}/")).unwrap();
        let end = start + page[start..].find("</li>").unwrap();
        page[start..end].to_string()
    };
    let ashiya = row(&fukuoka, "ashiya-machi");
    assert!(ashiya.contains("<time datetime=\"2026-04-01\">令和8年(2026年)4月1日</time>"));
    assert!(ashiya.contains("運用開始予定"));
    assert!(row(&read("oita/index.html"), "saiki-shi").contains("運用中"));
}

#[test]
fn open_data_feed_sitemap_and_robots() {
    let scratch = Scratch::of(REAL);
    generator::build(&scratch.options("2026-11-23")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(scratch.path("public/municipalities.json")).unwrap()).unwrap();
    let records = json["orderers"].as_array().unwrap();
    let files = fs::read_dir(fixtures().join("sites").join(REAL).join("municipalities"))
        .unwrap()
        .count();
    assert_eq!(records.len(), files, "one record per orderer file");
    let saiki = records.iter().find(|m| m["code"] == "442054").unwrap();
    assert_eq!(saiki["start_date"], "2024-12-01");
    assert_eq!(saiki["started"], true);
    assert_eq!(saiki["targets"][1]["from"], "2025-05-01");
    assert_eq!(saiki["targets"][1]["contracts"], "当初契約のみ");
    assert_eq!(saiki["guarantee_kinds"][0], "契約保証");
    assert_eq!(saiki["submission"]["rules"][0]["methods"], serde_json::json!(["持参"]));
    assert_eq!(saiki["submission"]["rules"][0]["also"], serde_json::json!(["FAX"]));
    assert_eq!(
        saiki["submission"]["rules"][0]["guarantee_kinds"],
        serde_json::json!(["契約保証", "前払金保証", "中間前払金保証"])
    );
    assert_eq!(saiki["confirmed"], "2026-11-23");
    assert_eq!(saiki["url"], "https://denshi-hosho.wjcs.net/saiki-shi/");

    let feed = fs::read_to_string(scratch.path("public/feed.xml")).unwrap();
    assert!(feed.contains("<title>福岡県遠賀郡芦屋町で電子保証の運用を開始しました</title>"));
    assert!(feed.contains("<title>大分県佐伯市で「建設コンサルタント等業務」も電子保証の対象になりました</title>"));
    assert!(feed.contains("<updated>2026-04-01T00:00:00+09:00</updated>"));
    assert!(
        !feed.contains("開始します"),
        "no future tense: only events that happened are in the feed"
    );
    let sitemap = fs::read_to_string(scratch.path("public/sitemap.xml")).unwrap();
    assert!(!sitemap.contains("verify"), "the verify page is the verify site's");
    for page in ["", "ashiya-machi/", "saiki-shi/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://denshi-hosho.wjcs.net/{page}</loc>")),
            "{page}"
        );
    }
    assert!(fs::read_to_string(scratch.path("public/robots.txt"))
        .unwrap()
        .contains("Sitemap: https://denshi-hosho.wjcs.net/sitemap.xml"));
}
