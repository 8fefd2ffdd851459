//! One fixture orderer per pattern of `shared/research/municipal-announcements.md`, built at
//! two dates (before and after the pattern's dates): the sentence a reader sees, and the open
//! data field a machine reads.

use std::fs;

use crate::util::{copy_dir, fixtures, main_text, without_break_marks, Scratch, FLYERS};

/// A minimal orderer; `extra` is appended (top-level keys) and `rules` replaces the rules.
pub(crate) fn orderer(name: &str, targets: &str, rules: &str, extra: &str) -> String {
    format!(
        "name: {name}\nkind: 市町村\nprefecture: 福岡県\nsources:\n  - title: テスト用の出典\n    url: https://example.jp/denshi\nconfirmed: 2026-11-01\ntargets:\n{targets}guarantee_kinds: [契約保証, 前払金保証, 中間前払金保証]\nsubmission:\n  documents: [認証キー]\n{rules}{extra}"
    )
}

pub(crate) const ONE_TARGET: &str = "  - category: 工事\n    from: 2026-04-01\n";
pub(crate) const EMAIL: &str = "  rules:\n    - methods: [電子メール]\n      to: 契約課\n";

pub(crate) struct Built {
    pub(crate) scratch: Scratch,
}

impl Built {
    pub(crate) fn new(slug: &str, yaml: &str, date: &str) -> Built {
        let scratch = Scratch::of(FLYERS);
        scratch.write(&format!("content/municipalities/{slug}.yaml"), yaml);
        generator::build(&scratch.as_of(date)).unwrap_or_else(|e| panic!("{e}"));
        Built { scratch }
    }
    pub(crate) fn html(&self, slug: &str) -> String {
        without_break_marks(&fs::read_to_string(self.scratch.path(&format!("public/{slug}/index.html"))).unwrap())
    }
    pub(crate) fn text(&self, slug: &str) -> String {
        main_text(&self.html(slug))
    }
    pub(crate) fn record(&self, slug: &str) -> serde_json::Value {
        let all: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(self.scratch.path("public/municipalities.json")).unwrap())
                .unwrap();
        all["orderers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["slug"] == slug)
            .cloned()
            .unwrap()
    }
    fn feed(&self) -> String {
        fs::read_to_string(self.scratch.path("public/feed.xml")).unwrap()
    }
}

pub(crate) fn has(text: &str, expected: &str) {
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
}

pub(crate) fn lacks(text: &str, unexpected: &str) {
    assert!(!text.contains(unexpected), "unexpected {unexpected:?} in:\n{text}");
}

#[test]
fn paper_until_a_date_is_offered_then_ended_and_printouts_can_be_refused() {
    let yaml = orderer(
        "粕屋町",
        ONE_TARGET,
        EMAIL,
        "paper:\n  accepted: true\n  until: 2027-03-31\ncertificate_refused: [印刷]\n",
    );
    let before = Built::new("paper-town", &yaml, "2026-11-23");
    let text = before.text("paper-town");
    has(
        &text,
        "令和9年(2027年)3月31日までは、従来どおり書面の保証証書も提出できます。",
    );
    has(
        &text,
        "提出できます。ただし、電子証書を印刷したものは、書面の保証証書の代わりとしては提出できません。",
    );
    lacks(&before.feed(), "受付が終了しました");
    assert_eq!(before.record("paper-town")["paper"]["until"], "2027-03-31");
    assert_eq!(
        before.record("paper-town")["certificate_refused"],
        serde_json::json!(["印刷"])
    );

    let after = Built::new("paper-town", &yaml, "2027-04-01");
    has(
        &after.text("paper-town"),
        "書面の保証証書の受付は令和9年(2027年)3月31日で終了しました。",
    );
    has(
        &after.feed(),
        "<title>福岡県粕屋町で書面の保証証書の受付が終了しました</title>",
    );

    let open_ended = orderer("大刀洗町", ONE_TARGET, EMAIL, "paper:\n  accepted: true\n");
    has(
        &Built::new("paper-on", &open_ended, "2026-11-23").text("paper-on"),
        "従来どおり書面の保証証書も提出できます。",
    );
}

#[test]
fn a_way_stated_for_some_kinds_only_is_said_for_those_and_asked_for_the_rest() {
    // 福島県: 契約保証 by mail, nothing stated for 前払金保証 and 中間前払金保証.
    let rules = "  rules:\n    - guarantee_kinds: [契約保証]\n      methods: [電子メール]\n      to: 発注機関\n    - guarantee_kinds: [前払金保証, 中間前払金保証]\n";
    let built = Built::new("some-kinds", &orderer("久山町", ONE_TARGET, rules, ""), "2026-11-23");
    let text = built.text("some-kinds");
    has(
        &text,
        "【重要】 「契約保証」は電子メールで久山町の発注機関へご提出ください（提出先などはQ&Aをご覧ください）。「前払金保証」・「中間前払金保証」の提出方法は、久山町にご確認ください",
    );
    lacks(&text, "当該PDFファイル（又は印刷したもの）の提出方法は");
}

#[test]
fn a_destination_per_guarantee_kind() {
    let rules = "  rules:\n    - guarantee_kinds: [前払金保証, 中間前払金保証]\n      methods: [電子メール]\n      to: 工事担当課\n    - guarantee_kinds: [契約保証]\n      methods: [電子メール]\n      to: 財政課契約管財係\n";
    let built = Built::new("per-kind", &orderer("久山町", ONE_TARGET, rules, ""), "2026-11-23");
    let text = built.text("per-kind");
    has(
        &text,
        "電子メールでのご提出となります。\n「前払金保証」・「中間前払金保証」の提出先は工事担当課です。",
    );
    has(&text, "「契約保証」の提出先は財政課契約管財係です。");
    lacks(&text, "の場合は、提出先は");
    let record = built.record("per-kind");
    assert_eq!(
        record["submission"]["rules"][1]["guarantee_kinds"],
        serde_json::json!(["契約保証"])
    );
    assert_eq!(record["submission"]["rules"][1]["to"], "財政課契約管財係");
}

#[test]
fn an_explicit_address_a_subject_an_arrival_call_and_changes_of_earlier_contracts_excluded() {
    let targets = "  - category: 建設工事\n    from: 2026-01-01\n    contracts: 開始前の契約の変更契約を除く\n  - category: 建設工事関連業務\n    from: 2026-01-01\n    contracts: 開始前の契約の変更契約を除く\n    guarantee_kinds: [契約保証, 前払金保証]\n";
    let rules = "  rules:\n    - methods: [電子メール]\n      email: hoshou@city.example.jp\n      subject: 「工事番号_受注者名(保証名称)」\n      arrival_call: true\n      separately:\n        - document: 請負代金一部前払金請求書\n        - document: 前払金請求書\n          on_paper: true\n          to: 財政課\n";
    let built = Built::new("address", &orderer("水巻町", targets, rules, ""), "2026-11-23");
    let text = built.text("address");
    has(&text, "送付先のメールアドレスは hoshou@city.example.jp です。");
    has(&text, "メールの件名を「工事番号_受注者名(保証名称)」としてください。");
    has(&text, "送信後は、電話で到達確認を行ってください。");
    has(&text, "「請負代金一部前払金請求書」は、別途、ご提出ください。");
    // Paper only where the source says so (on_paper), never by default.
    has(&text, "「前払金請求書」は、従来どおり書面で財政課へご提出ください。");
    assert_eq!(
        built.record("address")["submission"]["rules"][0]["separately"][1]["on_paper"],
        serde_json::json!(true)
    );
    has(
        &text,
        "（令和8年(2026年)1月1日より前に締結した契約の変更契約を除きます）",
    );
    has(&text, "「建設工事関連業務」の対象は「契約保証」・「前払金保証」です。");
    has(
        &built.html("address"),
        "<a href=\"mailto:hoshou@city.example.jp\">hoshou@city.example.jp</a>",
    );
    let record = built.record("address");
    assert_eq!(
        record["targets"][1]["guarantee_kinds"],
        serde_json::json!(["契約保証", "前払金保証"])
    );
    assert_eq!(record["submission"]["rules"][0]["arrival_call"], true);
}

#[test]
fn methods_beyond_email_printouts_fax_and_an_online_form() {
    let rules = "  rules:\n    - guarantee_kinds: [契約保証]\n      methods: [持参]\n      to: 契約担当者\n      step4: print\n    - methods: [電子申請]\n      also: [FAX]\n      step4: pdf\n      form:\n        name: えひめ電子申請システム\n        url: https://example.jp/form\n";
    let built = Built::new("methods", &orderer("篠栗町", ONE_TARGET, rules, ""), "2026-11-23");
    let text = built.text("methods");
    has(&text, "「契約保証」の場合は、持参でのご提出となります。「認証キー等のお知らせ」（PDF）を印刷したものをご提出ください。提出先は契約担当者です。");
    has(
        &text,
        "「前払金保証」・「中間前払金保証」の場合は、えひめ電子申請システムによる電子申請（FAXも可）でのご提出となります。",
    );
    has(
        &built.html("methods"),
        "<a href=\"https://example.jp/form\">えひめ電子申請システム</a>",
    );
    has(
        &text,
        "「前払金保証」・「中間前払金保証」は当該PDFファイルを、「契約保証」は印刷したものを「発注者」へご提出ください",
    );
    assert_eq!(
        built.record("methods")["submission"]["rules"][1]["methods"],
        serde_json::json!(["電子申請"])
    );
}

#[test]
fn when_each_document_is_submitted() {
    let rules = "  rules:\n    - guarantee_kinds: [契約保証]\n      methods: [電子メール]\n      to: 契約課\n      timing: 契約書と併せて\n    - methods: [電子メール]\n      to: 事業担当課\n      timing: 前払金請求書と併せて\n";
    let text = Built::new("timing", &orderer("須恵町", ONE_TARGET, rules, ""), "2026-11-23").text("timing");
    has(
        &text,
        "電子メールでのご提出となります。\n「契約保証」の場合は、契約書と併せてご提出ください。提出先は契約課です。",
    );
    has(
        &text,
        "「前払金保証」・「中間前払金保証」の場合は、前払金請求書と併せてご提出ください。提出先は事業担当課です。",
    );
}

#[test]
fn counted_from_the_call_for_bids_with_a_procurement_type_excluded() {
    let targets =
        "  - category: 工事\n    from: 2024-04-01\n    counted_from: 入札公告・指名通知\n    excluded: [随意契約]\n";
    let built = Built::new("bids", &orderer("遠賀町", targets, EMAIL, ""), "2026-11-23");
    has(
        &built.text("bids"),
        "令和6年(2024年)4月1日以降に、遠賀町が入札公告又は指名通知を行う「工事」が対象となります。ただし、随意契約による契約は対象外です。",
    );
    assert_eq!(built.record("bids")["targets"][0]["counted_from"], "入札公告・指名通知");
}

#[test]
fn departments_in_scope_and_a_later_start_for_one_kind() {
    let targets = "  - category: 工事\n    from: 2026-04-01\n    counted_from: 契約締結\n    departments: [建設管理部]\n    other_departments: 対象外\n    kind_starts:\n      - kind: 前払金保証\n        from: 2026-10-01\n";
    let yaml = orderer("広川町", targets, EMAIL, "");
    let before = Built::new("dept", &yaml, "2026-06-01");
    let text = before.text("dept");
    has(
        &text,
        "令和8年(2026年)4月1日以降に、広川町と契約する「工事」（建設管理部が発注する案件に限ります）が対象となります。",
    );
    has(
        &text,
        "「工事」の「前払金保証」は令和8年(2026年)10月1日以降が対象です。",
    );
    lacks(&before.feed(), "「前払金保証」も電子保証の対象になりました");
    let after = Built::new("dept", &yaml, "2026-10-01");
    has(
        &after.feed(),
        "<title>福岡県広川町の「工事」で「前払金保証」も電子保証の対象になりました</title>",
    );
    let procedure =
        "  - category: 建設工事\n    from: 2025-04-01\n    counted_from: 発注手続き\n    departments: [契約課]\n";
    has(
        &Built::new("proc", &orderer("宇美町", procedure, EMAIL, ""), "2026-11-23").text("proc"),
        "令和7年(2025年)4月1日以降に、契約課が発注手続きを行う「建設工事」が対象となります。",
    );
}

#[test]
fn a_category_added_later_reads_right_before_and_after_its_date() {
    let targets =
        "  - category: 工事\n    from: 2024-10-01\n    counted_from: 契約締結\n  - category: 建設コンサルタント等業務委託\n    from: 2025-04-01\n    counted_from: 契約締結\n";
    let yaml = orderer("大木町", targets, EMAIL, "");
    let before = Built::new("added", &yaml, "2025-01-15");
    has(
        &before.feed(),
        "<title>福岡県大木町で電子保証の運用を開始しました</title>",
    );
    lacks(&before.feed(), "も電子保証の対象になりました");
    let after = Built::new("added", &yaml, "2025-04-01");
    has(
        &after.feed(),
        "<title>福岡県大木町で「建設コンサルタント等業務委託」も電子保証の対象になりました</title>",
    );
    has(
        &after.text("added"),
        "令和6年(2024年)10月1日以降に、大木町と契約する「工事」及び令和7年(2025年)4月1日以降に、大木町と契約する「建設コンサルタント等業務委託」が対象となります。",
    );
}

#[test]
fn the_tense_follows_the_build_date() {
    let yaml = orderer("志免町", ONE_TARGET, EMAIL, "");
    let before = Built::new("tense", &yaml, "2026-03-31");
    let text = before.text("tense");
    has(
        &text,
        "令和8年(2026年)4月1日から、「契約保証」、「前払金保証」と「中間前払金保証」の保証証書は、電子証書でのご提供が可能となります。",
    );
    has(&text, "運用開始予定");
    // A start for the whole town: the lead names no department.
    has(&text, "令和8年(2026年)4月1日より福岡県志免町で運用開始予定");
    lacks(&text, "可能となりました");
    lacks(&before.feed(), "志免町");
    assert_eq!(before.record("tense")["started"], false);
    let after = Built::new("tense", &yaml, "2026-04-01");
    let text = after.text("tense");
    has(
        &text,
        "「契約保証」、「前払金保証」と「中間前払金保証」の保証証書は、電子証書でのご提供が可能となりました。",
    );
    has(
        &after.feed(),
        "<title>福岡県志免町で電子保証の運用を開始しました</title>",
    );
    assert_eq!(after.record("tense")["started"], true);
}

#[test]
fn unknown_rules_send_the_reader_to_the_orderer_and_provenance_replaces_the_build_date() {
    let yaml = orderer(
        "岡垣町",
        ONE_TARGET,
        "  ask:\n    name: 総務課契約係\n    phone: 0940-00-0000\n",
        "website: https://example.jp/town\n",
    );
    let built = Built::new("unknown", &yaml, "2026-11-23");
    let text = built.text("unknown");
    has(
        &text,
        "提出方法は、総務課契約係（電話\u{a0}0940-00-0000）にご確認ください。",
    );
    has(
        &text,
        "当該PDFファイル（又は印刷したもの）の提出方法は、岡垣町にご確認ください",
    );
    let html = built.html("unknown");
    has(
        &html,
        "に基づき、<time datetime=\"2026-11-01\">令和8年(2026年)11月1日</time>に確認した内容です。",
    );
    has(&html, "<a href=\"https://example.jp/denshi\">テスト用の出典</a>");
    has(&html, "<a href=\"https://example.jp/town\">岡垣町のページ</a>");
    lacks(&html, "現在のもの");
    assert_eq!(
        built.record("unknown")["sources"][0]["url"],
        "https://example.jp/denshi"
    );
    assert_eq!(built.record("unknown")["confirmed"], "2026-11-01");
}

#[test]
fn bodies_other_than_municipalities_are_named_once() {
    let prefecture = "name: 佐賀県\nkind: 都道府県\nprefecture: 佐賀県\nsources:\n  - title: 県のお知らせ\nconfirmed: 2026-11-01\ntargets:\n  - category: 建設工事\n    from: 2025-01-01\nguarantee_kinds: [契約保証]\nsubmission:\n  documents: [認証キー]\n";
    let built = Built::new("pref", prefecture, "2026-11-23");
    let html = built.html("pref");
    has(&html, "<strong class=\"place\">佐賀県</strong>");
    lacks(&html, "佐賀県佐賀県");
    // A bureau keeps the code of its city without being its duplicate.
    let bureau = "name: 芦屋町水道局\nkind: 企業局・公営企業\nparent: 芦屋町\nprefecture: 福岡県\ncode: \"403814\"\nsources:\n  - title: 局のお知らせ\nconfirmed: 2026-11-01\ntargets:\n  - category: 建設工事\n    from: 2025-01-01\nguarantee_kinds: [前払金保証]\nsubmission:\n  documents: [認証キー]\n";
    let built = Built::new("ashiya-suidokyoku", bureau, "2026-11-23");
    has(
        &built.html("ashiya-suidokyoku"),
        "<strong class=\"place\">福岡県芦屋町水道局</strong>",
    );
    assert_eq!(built.record("ashiya-suidokyoku")["parent"], "芦屋町");
    assert_eq!(built.record("ashiya-suidokyoku")["kind"], "企業局・公営企業");
}

/// A source that gives a date but not what it is counted from (the contract, the call for
/// bids), nor how STEP4's PDF is handed over: the page states neither and sends the reader to
/// the orderer; open data says `null`.
#[test]
fn what_no_source_states_is_not_stated() {
    let rules = "  rules:\n    - methods: [電子メール]\n      to: 契約課\n";
    let yaml = orderer("新宮町", ONE_TARGET, rules, "");
    for date in ["2026-03-01", "2026-11-23"] {
        let built = Built::new("unstated", &yaml, date);
        let text = built.text("unstated");
        has(&text, "令和8年(2026年)4月1日以降、新宮町の「工事」が対象となります。");
        has(
            &text,
            "対象となるかどうかを判断する日（契約締結日・入札公告日など）は、新宮町にご確認ください。",
        );
        lacks(&text, "と契約する");
        // The method is stated (e-mail only), whether the PDF or a printout goes is not: an
        // e-mail carries the PDF file, so STEP 4 says so, names the destination the rules give
        // and sends the reader to the Q&A, never to the flyers' blanket 「当該PDFファイルを…」.
        has(
            &text,
            "「認証キー等のお知らせ」（PDFファイル）を、電子メールで新宮町の契約課へご提出ください（提出先などはQ&Aをご覧ください）",
        );
        lacks(&text, "当該PDFファイルを「発注者」へご提出ください");
        // …nor does the closing paragraph (the flyers' 「…お知らせ(PDF)」をご提出いただく必要があります).
        has(
            &text,
            "STEP 4で取得した「認証キー等のお知らせ」をご提出いただく必要があります。",
        );
        lacks(&text, "お知らせ（PDF）」をご提出いただく");
        // No rule at all: STEP4 sends the reader to the orderer.
        let silent = Built::new("silent", &orderer("新宮町", ONE_TARGET, "", ""), date);
        has(
            &silent.text("silent"),
            "当該PDFファイル（又は印刷したもの）の提出方法は、新宮町にご確認ください",
        );
        // With FAX among the ways, a printout may be what goes: the reader asks which.
        let fax_rules = "  rules:\n    - methods: [電子メール, FAX]\n      to: 契約課\n";
        let fax = Built::new("fax", &orderer("新宮町", ONE_TARGET, fax_rules, ""), date);
        has(
            &fax.text("fax"),
            "「認証キー等のお知らせ」は、電子メール・FAXで新宮町の契約課へご提出ください（提出先などはQ&Aをご覧ください。PDFファイルか印刷したものかは新宮町のお知らせに記載がないため、新宮町にご確認ください）",
        );
        let record = built.record("unstated");
        assert!(record["targets"][0]["counted_from"].is_null(), "{record}");
        assert!(record["submission"]["rules"][0]["step4"].is_null(), "{record}");
    }
}

/// The 保証事業会社 a source names, as worded: all three, 「…等」, the generic word. Each builds
/// and is said on the page; open data gives the list as written. Absent: nothing is said.
#[test]
fn the_guarantors_a_source_names_are_said_as_worded() {
    let lists = [
        (
            "[西日本建設業保証株式会社, 東日本建設業保証株式会社, 北海道建設業信用保証株式会社]",
            "西日本建設業保証株式会社、東日本建設業保証株式会社、北海道建設業信用保証株式会社の保証が対象です。",
        ),
        (
            "[西日本建設業保証株式会社等]",
            "西日本建設業保証株式会社等の保証が対象です。",
        ),
        ("[保証事業会社]", "保証事業会社の保証が対象です。"),
        // A list without this site's issuer is quoted, never said to include it.
        (
            "[東日本建設業保証株式会社など]",
            "岡垣町のお知らせは、対象となる保証事業会社を「東日本建設業保証株式会社など」としています。西日本建設業保証株式会社の保証が対象かどうかは、岡垣町にご確認ください。",
        ),
    ];
    for (list, sentence) in lists {
        let yaml = orderer("岡垣町", ONE_TARGET, EMAIL, &format!("guarantors: {list}\n"));
        for date in ["2026-03-01", "2026-11-23"] {
            let built = Built::new("guarantors", &yaml, date);
            has(&built.text("guarantors"), sentence);
            lacks(&built.text("guarantors"), "などの保証が対象です");
            assert!(built.record("guarantors")["guarantors"].is_array());
        }
    }
    let unstated = Built::new("none", &orderer("遠賀町", ONE_TARGET, EMAIL, ""), "2026-11-23");
    lacks(&unstated.text("none"), "の保証が対象です。");
    assert!(unstated.record("none")["guarantors"].is_null());
}

/// Another company's site: its name and online service come from `site.yaml` alone; the same
/// generator and templates build it and no page names the flyers' issuer.
#[test]
fn a_site_of_another_issuer_builds_with_its_own_names() {
    let scratch = Scratch::of(FLYERS);
    for slug in ["ashiya-machi", "saiki-shi"] {
        fs::remove_file(scratch.path(&format!("content/municipalities/{slug}.yaml"))).unwrap();
    }
    copy_dir(&fixtures().join("sites/other-issuer"), &scratch.path("content"));
    fs::remove_file(scratch.path("content/README.md")).unwrap();
    for date in ["2026-03-01", "2026-11-23"] {
        generator::build(&scratch.as_of(date)).unwrap_or_else(|e| panic!("{e}"));
        let page = main_text(&without_break_marks(
            &fs::read_to_string(scratch.path("public/okagaki-machi/index.html")).unwrap(),
        ));
        has(&page, "架空建設業保証株式会社の保証が対象です。");
        has(&page, "テスト保証ネット");
        for file in [
            "okagaki-machi/index.html",
            "index.html",
            "feed.xml",
            "municipalities.json",
        ] {
            let text = fs::read_to_string(scratch.path(&format!("public/{file}"))).unwrap();
            lacks(&text, "西日本建設業保証");
            lacks(&text, "e-Net保証");
        }
    }
    // The same orderer on the flyers' issuer's site names only another company: refused.
    let flyers = Scratch::of(FLYERS);
    copy_dir(
        &fixtures().join("sites/other-issuer/municipalities"),
        &flyers.path("content/municipalities"),
    );
    let (_, errors) = flyers.check_errors();
    has(
        &errors,
        "guarantors（架空建設業保証株式会社）に西日本建設業保証株式会社がありません",
    );
}

/// A start per ordering department, the other departments' cases sent to the orderer; a note
/// beside a date; a later start for one kind followed by Attention and 対象の保証証書 at two
/// dates; the 契約保証予約 note only where 契約保証 is in scope.
#[test]
fn per_department_starts_notes_beside_dates_and_kinds_that_start_later() {
    let targets = "  - category: 工事\n    from: 2024-02-01\n    counted_from: 入札公告・指名通知\n    departments: [技術監理局契約部契約課]\n    other_departments: 問い合わせ\n    note: 契約約款の改正に合わせて\n    kind_starts:\n      - kind: 契約保証\n        from: 2024-10-01\n        note: 履行保証の様式の改正後\n  - category: 工事\n    from: 2024-04-01\n    counted_from: 入札公告・指名通知\n    departments: [港湾空港局]\n    other_departments: 問い合わせ\n";
    let yaml = orderer("部署町", targets, EMAIL, "").replace("name: 部署町", "name: 苅田町");
    let before = Built::new("per-dept", &yaml, "2024-03-01");
    let text = before.text("per-dept");
    has(&text, "令和6年(2024年)2月1日（契約約款の改正に合わせて）以降に、苅田町が入札公告又は指名通知を行う「工事」のうち、技術監理局契約部契約課が発注する案件");
    has(
        &text,
        "令和6年(2024年)4月1日以降に、苅田町が入札公告又は指名通知を行う「工事」のうち、港湾空港局が発注する案件",
    );
    has(&text, "その他の部署が発注する案件は、苅田町にご確認ください。");
    lacks(&text, "に限ります");
    has(
        &text,
        "「工事」の「契約保証」は令和6年(2024年)10月1日（履行保証の様式の改正後）以降が対象です。",
    );
    // Attention promises only what is eligible by then, and says when the rest follows (the
    // first category that has it: 港湾空港局's, from its own start).
    has(&text, "「前払金保証」と「中間前払金保証」の保証証書は、電子証書でのご提供が可能となりました。「契約保証」は令和6年(2024年)4月1日から対象となります。");
    // The start date is one department's: the lead says whose, not the whole town's.
    has(
        &text,
        "令和6年(2024年)2月1日より福岡県苅田町（技術監理局契約部契約課が発注する案件）で運用開始",
    );
    has(
        &before.html("per-dept"),
        "content=\"福岡県苅田町の電子保証（電子証書）のご案内。技術監理局契約部契約課が発注する案件は、令和6年(2024年)2月1日から運用しています。",
    );
    has(&text, "契約保証（令和6年(2024年)4月1日から）");
    has(&text, "※契約保証予約は対象外です。");
    let after = Built::new("per-dept", &yaml, "2024-10-01");
    let text = after.text("per-dept");
    has(
        &text,
        "「契約保証」、「前払金保証」と「中間前払金保証」の保証証書は、電子証書でのご提供が可能となりました。",
    );
    lacks(&text, "から対象となります。");
    assert_eq!(
        after.record("per-dept")["targets"][0]["note"],
        "契約約款の改正に合わせて"
    );
    assert_eq!(
        after.record("per-dept")["targets"][1]["other_departments"],
        "問い合わせ"
    );

    // No 契約保証 in scope: no word about 契約保証予約.
    let advance_only = orderer("前払町", ONE_TARGET, EMAIL, "")
        .replace("name: 前払町", "name: 苅田町")
        .replace(
            "guarantee_kinds: [契約保証, 前払金保証, 中間前払金保証]",
            "guarantee_kinds: [前払金保証, 中間前払金保証]",
        );
    for date in ["2026-03-01", "2026-11-23"] {
        lacks(
            &Built::new("advance", &advance_only, date).text("advance"),
            "契約保証予約",
        );
    }
}

/// One rule for several kinds with a subject per kind: said as one paragraph, not once per kind.
#[test]
fn one_rule_for_several_kinds_with_a_subject_each_is_one_paragraph() {
    let rules = "  rules:\n    - methods: [電子メール]\n      step4: pdf\n      to: 総務福祉課\n      subjects:\n        - guarantee_kinds: [契約保証]\n          subject: 「【契約保証】○○」\n        - guarantee_kinds: [前払金保証, 中間前払金保証]\n          subject: 「【前払保証】○○」\n";
    let yaml = orderer("件名町", ONE_TARGET, rules, "").replace("name: 件名町", "name: 苅田町");
    for date in ["2026-03-01", "2026-11-23"] {
        let built = Built::new("subjects", &yaml, date);
        let text = built.text("subjects");
        has(&text, "電子メールでのご提出となります。提出先は総務福祉課です。メールの件名は、「契約保証」は「【契約保証】○○」、「前払金保証」・「中間前払金保証」は「【前払保証】○○」としてください。");
        assert_eq!(text.matches("提出先は総務福祉課です。").count(), 1, "{text}");
        assert_eq!(
            built.record("subjects")["submission"]["rules"][0]["subjects"][1]["subject"],
            "「【前払保証】○○」"
        );
    }
}

/// A destination per procurement method: the address given for 競争入札 is said of 競争入札
/// only; 随意契約 and 変更契約 go to each office in charge.
#[test]
fn a_destination_per_procurement_method() {
    let rules = "  rules:\n    - procurements: [競争入札]\n      methods: [電子メール]\n      to: 契約課\n      email: keiyaku@town.example.jp\n      step4: pdf\n    - procurements: [随意契約, 変更契約]\n      methods: [電子メール]\n      to: 各発注担当課\n      step4: pdf\n";
    let yaml = orderer("方式町", ONE_TARGET, rules, "").replace("name: 方式町", "name: 苅田町");
    for date in ["2026-03-01", "2026-11-23"] {
        let built = Built::new("procurement", &yaml, date);
        let text = built.text("procurement");
        has(&text, "電子メールでのご提出となります。\n競争入札の案件の場合は、提出先は契約課です。送付先のメールアドレスは keiyaku@town.example.jp です。");
        has(&text, "随意契約・変更契約の案件の場合は、提出先は各発注担当課です。");
        has(&text, "【重要】 当該PDFファイルを「発注者」へご提出ください");
        let record = built.record("procurement");
        assert_eq!(
            record["submission"]["rules"][1]["procurements"],
            serde_json::json!(["随意契約", "変更契約"])
        );
        assert_eq!(
            record["submission"]["rules"][1]["guarantee_kinds"],
            serde_json::json!(["契約保証", "前払金保証", "中間前払金保証"])
        );
    }
    // Two rules for one procurement and kind are still refused.
    let twice = yaml.replace("[随意契約, 変更契約]", "[競争入札, 変更契約]");
    let scratch = Scratch::of(FLYERS);
    scratch.write("content/municipalities/procurement.yaml", &twice);
    has(
        &scratch.check_errors().1,
        "guarantee_kinds のない提出ルールが二つ以上あります",
    );
}

/// What an orderer's page leaves out — the work category, the start date, the documents — is
/// said to be left out, with a link to that page, at two build dates; open data gives `null`
/// (or an empty list), the index lists an undated orderer as 「開始日の記載なし」 (never as started
/// or planned), and the feed announces no start it was not given. Fixture: `sites/not-stated/`.
#[test]
fn what_an_orderers_page_leaves_out_is_said_to_be_left_out() {
    let scratch = Scratch::of(FLYERS);
    copy_dir(&fixtures().join("sites/not-stated"), &scratch.path("content"));
    fs::remove_file(scratch.path("content/README.md")).unwrap();
    let read = |file: &str| fs::read_to_string(scratch.path(&format!("public/{file}"))).unwrap();
    let text = |slug: &str| main_text(&without_break_marks(&read(&format!("{slug}/index.html"))));
    let record = |slug: &str| {
        let all: serde_json::Value = serde_json::from_str(&read("municipalities.json")).unwrap();
        all["orderers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["slug"] == slug)
            .cloned()
            .unwrap()
    };
    for (date, started) in [("2026-03-01", false), ("2026-11-23", true)] {
        generator::build(&scratch.as_of(date)).unwrap_or_else(|e| panic!("{e}"));

        let no_category = text("no-category");
        has(
            &no_category,
            "令和8年(2026年)4月1日以降、新宮町の案件が対象となります。",
        );
        has(
            &no_category,
            "対象となる業務区分（工事・業務委託など）と、対象となるかどうかを判断する日（契約締結日・入札公告日など）は、新宮町のお知らせに記載がありません。新宮町にご確認ください。",
        );
        lacks(&no_category, "「工事」");
        assert!(record("no-category")["targets"][0]["category"].is_null());
        assert_eq!(record("no-category")["started"], started);

        let undated_html = without_break_marks(&read("no-start-date/index.html"));
        let undated = main_text(&undated_html);
        has(&undated, "福岡県遠賀郡岡垣町の電子保証開始日の記載なし");
        has(
            &undated,
            "岡垣町は、「前払金保証」、「中間前払金保証」と「契約保証」の保証証書について、電子証書での受付を案内しています。受付の開始日は、岡垣町のお知らせに記載がありません。",
        );
        has(
            &undated,
            "岡垣町の「工事」が対象となります。電子保証の開始日は、岡垣町のお知らせに記載がありません。",
        );
        has(
            &undated_html,
            "href=\"https://example.jp/okagaki/denshi\">岡垣町のお知らせ</a>に記載がありません",
        );
        for word in ["運用開始予定", "運用中", "運用開始）", "以降"] {
            lacks(&undated, word);
        }
        lacks(&undated, "対象となるかどうかを判断する日");
        let undated_record = record("no-start-date");
        assert!(undated_record["start_date"].is_null(), "{undated_record}");
        assert!(undated_record["started"].is_null(), "{undated_record}");
        assert!(undated_record["targets"][0]["from"].is_null(), "{undated_record}");

        let prefecture = main_text(&without_break_marks(&read("fukuoka/index.html")));
        has(&prefecture, "遠賀郡岡垣町開始日の記載なし対象：工事");
        has(&prefecture, "開始日の記載なし 1団体");
        let feed = read("feed.xml");
        lacks(&feed, "岡垣町");
        has(&read("sitemap.xml"), "no-start-date/");

        let no_documents = text("no-documents");
        has(
            &no_documents,
            "遠賀町における電子保証の書類の提出方法を教えてください。",
        );
        has(
            &no_documents,
            "提出する書類（「認証キー等のお知らせ」など）は、遠賀町のお知らせに記載がありません。",
        );
        assert_eq!(record("no-documents")["submission"]["documents"], serde_json::json!([]));
    }
    // Some categories dated, one not: the earliest date is the start, the undated one is named.
    let targets = "  - category: 工事\n    from: 2026-04-01\n  - category: 業務委託\n";
    let mixed = Built::new("mixed", &orderer("水巻町", targets, EMAIL, ""), "2026-11-23");
    let text = mixed.text("mixed");
    has(
        &text,
        "令和8年(2026年)4月1日以降、水巻町の「工事」が対象となります。水巻町の「業務委託」も対象となります。",
    );
    has(
        &text,
        "「業務委託」の電子保証の開始日と、対象となるかどうかを判断する日（契約締結日・入札公告日など）は、水巻町のお知らせに記載がありません。水巻町にご確認ください。",
    );
    assert_eq!(mixed.record("mixed")["start_date"], "2026-04-01");
    // An undated, uncategorised target is the whole scope: beside another target it is refused.
    let yaml = orderer(
        "粕屋町",
        "  - from: 2026-04-01\n  - category: 工事\n    from: 2026-04-01\n",
        EMAIL,
        "",
    );
    let refused = Scratch::of(FLYERS);
    refused.write("content/municipalities/two.yaml", &yaml);
    let (_, errors) = refused.check_errors();
    has(
        &errors,
        "業務区分（category）のない対象案件が、ほかの対象案件と並んでいます",
    );
}
