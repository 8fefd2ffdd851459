//! The site at national scale: each prefecture's page lists its orderers (the prefecture
//! first) with their counts, and answers for every other local government of the national code
//! list that this site does not list it; the sitemap lists the 47 pages.

use std::fs;

use generator::content::{LocalGovernments, PREFECTURES, PREFECTURE_SLUGS};

use crate::util::{assert_snapshots, fixtures, main_text, without_break_marks, Scratch, REAL};

fn built_real() -> Scratch {
    let scratch = Scratch::of(REAL);
    generator::build(&scratch.options("2026-11-23")).expect("the fixture builds");
    scratch
}

fn read(scratch: &Scratch, path: &str) -> String {
    without_break_marks(&fs::read_to_string(scratch.path(&format!("public/{path}"))).unwrap())
}

/// 福岡県 (the prefecture first, then a city and a town), 鳥取県 (a 一部事務組合 only), 山口県 (an
/// enterprise bureau: its city is not an orderer) and 青森県 (no orderer at all).
#[test]
fn prefecture_pages_text() {
    let scratch = built_real();
    assert_snapshots(
        ["fukuoka", "tottori", "yamaguchi", "aomori"].map(|slug| {
            (
                format!("prefecture-page__{slug}"),
                main_text(&read(&scratch, &format!("{slug}/index.html"))),
            )
        }),
        |name, text| insta::assert_snapshot!(name, text),
    );
}

/// Every body of the code list is answered on its prefecture's page exactly once: as an
/// orderer's line linking its page, or among the bodies this site does not list.
#[test]
fn every_local_government_is_answered_on_its_prefecture_page() {
    let scratch = built_real();
    let csv = fs::read_to_string(fixtures().join("sites").join(REAL).join("data/local-governments.csv")).unwrap();
    let list = LocalGovernments::parse(&csv).unwrap();
    assert_eq!(list.len(), 1788);
    let orderers: Vec<(String, String, String)> = fs::read_dir(scratch.path("content/municipalities"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let text = fs::read_to_string(&path).unwrap();
            let field = |key: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(&format!("{key}: ")))
                    .unwrap()
                    .to_string()
            };
            let slug = path.file_stem().unwrap().to_string_lossy().into_owned();
            (field("prefecture"), field("name"), slug)
        })
        .collect();
    let mut not_listed = 0;
    for (number, (prefecture, slug)) in PREFECTURES.iter().zip(PREFECTURE_SLUGS).enumerate() {
        let page = read(&scratch, &format!("{slug}/index.html"));
        let (listed_part, not_listed_part) = page.split_once("id=\"not-listed\"").unwrap_or((&page, ""));
        for body in list.by_code().into_iter().filter(|b| b.prefecture == *prefecture) {
            let item = format!("<li>{}</li>", body.name);
            match orderers.iter().find(|(p, n, _)| p == prefecture && *n == body.name) {
                Some((_, _, orderer)) => {
                    assert!(
                        listed_part.contains(&format!("href=\"/{orderer}/\"")),
                        "{orderer} on /{slug}/"
                    );
                    assert!(!not_listed_part.contains(&item), "{} said not listed", body.name);
                }
                None => {
                    assert_eq!(not_listed_part.matches(&item).count(), 1, "{} on /{slug}/", body.name);
                    not_listed += 1;
                }
            }
        }
        assert!(
            page.contains(&format!("<h1>{prefecture}の発注者</h1>")),
            "page {number}"
        );
    }
    // 13 orderers, of which 11 are 市町村 or 都道府県 of the list.
    assert_eq!(not_listed, 1788 - 11);
    let sitemap = read(&scratch, "sitemap.xml");
    for slug in PREFECTURE_SLUGS {
        assert_eq!(
            sitemap.matches(&format!("/{slug}/</loc>")).count(),
            1,
            "{slug} in the sitemap"
        );
    }
}

/// Counts: 運用中 and 運用開始予定 follow the build date.
#[test]
fn a_prefectures_counts_follow_the_build_date() {
    let scratch = Scratch::of(REAL);
    generator::build(&scratch.options("2026-11-23")).expect("the fixture builds");
    let now = read(&scratch, "fukuoka/index.html");
    assert!(now.contains("運用中 3団体／運用開始予定 0団体"), "{now}");
    generator::build(&scratch.as_of("2025-06-01")).expect("the fixture builds");
    let before = read(&scratch, "fukuoka/index.html");
    assert!(
        before.contains("運用中 2団体／運用開始予定 1団体"),
        "{}",
        main_text(&before)
    );
}

/// The search index: every body of the code list once, with its reading and its page when it
/// is an orderer here (`null` otherwise: the script then says the site does not list it), and
/// every other listed orderer with its page.
#[test]
fn the_search_index_holds_every_body_and_every_orderer() {
    let scratch = built_real();
    let index: serde_json::Value = serde_json::from_str(&read(&scratch, "search.json")).unwrap();
    assert_eq!(index["prefectures"][39], serde_json::json!(["福岡県", "fukuoka"]));
    let rows = index["rows"].as_array().unwrap();
    // 1,788 bodies, and the 一部事務組合 and the bureau.
    assert_eq!(rows.len(), 1788 + 2);
    let row = |name: &str, prefecture: u32| {
        rows.iter()
            .find(|r| r[0] == name && r[2] == prefecture)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    assert_eq!(
        row("芦屋町", 40),
        serde_json::json!(["芦屋町", "アシヤマチ", 40, "ashiya-machi"])
    );
    assert_eq!(row("芦屋市", 28), serde_json::json!(["芦屋市", "アシヤシ", 28, null]));
    assert_eq!(row("鶴ヶ島市", 11)[3], serde_json::Value::Null);
    assert_eq!(row("福岡県", 40)[3], "fukuoka-ken");
    assert_eq!(row("下関市上下水道局", 35)[3], "shimonoseki-shi-jogesuidokyoku");
    assert_eq!(row("下関市", 35)[3], serde_json::Value::Null);
}

/// 「今後運用開始」 lists what starts within 90 days after the build date; 「最近の更新」 is the
/// feed's newest entries, worded as the feed words them.
#[test]
fn the_index_says_what_starts_soon_and_what_changed_as_the_feed_does() {
    let scratch = Scratch::of(REAL);
    generator::build(&scratch.as_of("2026-02-01")).expect("the fixture builds");
    let index = main_text(&read(&scratch, "index.html"));
    let soon = index.split_once("今後運用開始\n").map(|(_, rest)| rest).unwrap_or("");
    assert!(
        soon.starts_with("福岡県遠賀郡芦屋町令和8年(2026年)4月1日から\n"),
        "{index}"
    );
    let feed = read(&scratch, "feed.xml");
    let recent = index.split_once("最近の更新\n").unwrap().1;
    let first_title = feed
        .split("<entry>\n<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    let newest = recent.lines().next().unwrap();
    assert!(
        newest.starts_with("令和8年(2026年)1月1日") && newest.ends_with(first_title),
        "{newest}\n{first_title}"
    );
    assert_eq!(recent.lines().take_while(|l| l.starts_with("令和")).count(), 5);
    generator::build(&scratch.as_of("2025-12-01")).expect("the fixture builds");
    let index = main_text(&read(&scratch, "index.html"));
    let soon = index
        .split_once("今後運用開始\n")
        .unwrap()
        .1
        .split_once("最近の更新")
        .unwrap()
        .0;
    assert!(soon.contains("宮崎県延岡市令和8年(2026年)1月1日から"), "{soon}");
    assert!(!soon.contains("芦屋町"), "121 days ahead is not soon: {soon}");
}
