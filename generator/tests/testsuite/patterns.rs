//! One fixture orderer per pattern of `shared/research/municipal-announcements.md`, built at
//! two dates (before and after the pattern's dates): the sentence a reader sees, and the open
//! data field a machine reads.

use std::fs;

use crate::util::{main_text, without_break_marks, Scratch, FLYERS};

/// A minimal orderer; `extra` is appended (top-level keys) and `rules` replaces the rules.
fn orderer(name: &str, targets: &str, rules: &str, extra: &str) -> String {
    format!(
        "name: {name}\nkind: 市町村\nprefecture: 福岡県\nsources:\n  - title: テスト用の出典\n    url: https://example.jp/denshi\nconfirmed: 2026-11-01\ntargets:\n{targets}guarantee_kinds: [契約保証, 前払金保証, 中間前払金保証]\nsubmission:\n  documents: [認証キー]\n{rules}{extra}"
    )
}

const ONE_TARGET: &str = "  - category: 工事\n    from: 2026-04-01\n";
const EMAIL: &str = "  rules:\n    - methods: [電子メール]\n      to: 契約課\n";

struct Built {
    scratch: Scratch,
}

impl Built {
    fn new(slug: &str, yaml: &str, date: &str) -> Built {
        let scratch = Scratch::of(FLYERS);
        scratch.write(&format!("content/municipalities/{slug}.yaml"), yaml);
        generator::build(&scratch.options(date)).unwrap_or_else(|e| panic!("{e}"));
        Built { scratch }
    }
    fn html(&self, slug: &str) -> String {
        without_break_marks(&fs::read_to_string(self.scratch.path(&format!("public/{slug}/index.html"))).unwrap())
    }
    fn text(&self, slug: &str) -> String {
        main_text(&self.html(slug))
    }
    fn record(&self, slug: &str) -> serde_json::Value {
        let all: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(self.scratch.path("public/municipalities.json")).unwrap())
                .unwrap();
        all.as_array()
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

fn has(text: &str, expected: &str) {
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
}

fn lacks(text: &str, unexpected: &str) {
    assert!(!text.contains(unexpected), "unexpected {unexpected:?} in:\n{text}");
}

#[test]
fn paper_until_a_date_is_offered_then_ended_and_printouts_can_be_refused() {
    let yaml = orderer(
        "紙期限町",
        ONE_TARGET,
        EMAIL,
        "paper:\n  accepted: true\n  until: 2027-03-31\nprintouts_refused: true\n",
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
    assert_eq!(before.record("paper-town")["printouts_refused"], true);

    let after = Built::new("paper-town", &yaml, "2027-04-01");
    has(
        &after.text("paper-town"),
        "書面の保証証書の受付は令和9年(2027年)3月31日で終了しました。",
    );
    has(
        &after.feed(),
        "<title>福岡県紙期限町で書面の保証証書の受付が終了しました</title>",
    );

    let open_ended = orderer("紙継続町", ONE_TARGET, EMAIL, "paper:\n  accepted: true\n");
    has(
        &Built::new("paper-on", &open_ended, "2026-11-23").text("paper-on"),
        "従来どおり書面の保証証書も提出できます。",
    );
}

#[test]
fn a_destination_per_guarantee_kind() {
    let rules = "  rules:\n    - guarantee_kinds: [前払金保証, 中間前払金保証]\n      methods: [電子メール]\n      to: 工事担当課\n    - guarantee_kinds: [契約保証]\n      methods: [電子メール]\n      to: 財政課契約管財係\n";
    let built = Built::new("per-kind", &orderer("種類別町", ONE_TARGET, rules, ""), "2026-11-23");
    let text = built.text("per-kind");
    has(
        &text,
        "電子メールでのご提出となります。\n「前払金保証」・「中間前払金保証」の場合は、提出先は工事担当課です。",
    );
    has(&text, "「契約保証」の場合は、提出先は財政課契約管財係です。");
    let record = built.record("per-kind");
    assert_eq!(record["submission_rules"][1]["kinds"], serde_json::json!(["契約保証"]));
    assert_eq!(record["submission_rules"][1]["to"], "財政課契約管財係");
}

#[test]
fn an_explicit_address_a_subject_an_arrival_call_and_changes_of_earlier_contracts_excluded() {
    let targets = "  - category: 建設工事\n    from: 2026-01-01\n    contracts: 開始前の契約の変更契約を除く\n  - category: 建設工事関連業務\n    from: 2026-01-01\n    contracts: 開始前の契約の変更契約を除く\n    guarantee_kinds: [契約保証, 前払金保証]\n";
    let rules = "  rules:\n    - methods: [電子メール]\n      email: hoshou@city.example.jp\n      subject: 「工事番号_受注者名(保証名称)」\n      arrival_call: true\n      separately:\n        - document: 請負代金一部前払金請求書\n";
    let built = Built::new("address", &orderer("宛先町", targets, rules, ""), "2026-11-23");
    let text = built.text("address");
    has(&text, "送付先のメールアドレスは hoshou@city.example.jp です。");
    has(&text, "メールの件名を「工事番号_受注者名(保証名称)」としてください。");
    has(&text, "送信後は、電話で到達確認を行ってください。");
    has(&text, "「請負代金一部前払金請求書」は、別途ご提出ください。");
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
    assert_eq!(record["submission_rules"][0]["arrival_call"], true);
}

#[test]
fn methods_beyond_email_printouts_fax_and_an_online_form() {
    let rules = "  rules:\n    - guarantee_kinds: [契約保証]\n      methods: [持参]\n      to: 契約担当者\n      step4: print\n    - methods: [電子申請]\n      also: [FAX]\n      form:\n        name: えひめ電子申請システム\n        url: https://example.jp/form\n";
    let built = Built::new("methods", &orderer("方法町", ONE_TARGET, rules, ""), "2026-11-23");
    let text = built.text("methods");
    has(&text, "「契約保証」の場合は、持参でのご提出となります。「認証キー等のお知らせ」(PDF)を印刷したものをご提出ください。提出先は契約担当者です。");
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
        "「前払金保証」「中間前払金保証」は当該PDFファイルを、「契約保証」は印刷したものを「発注者」へご提出ください",
    );
    assert_eq!(
        built.record("methods")["submission_rules"][1]["methods"],
        serde_json::json!(["電子申請"])
    );
}

#[test]
fn when_each_document_is_submitted() {
    let rules = "  rules:\n    - guarantee_kinds: [契約保証]\n      methods: [電子メール]\n      to: 契約課\n      timing: 契約書と併せて\n    - methods: [電子メール]\n      to: 事業担当課\n      timing: 前払金請求書と併せて\n";
    let text = Built::new("timing", &orderer("時期町", ONE_TARGET, rules, ""), "2026-11-23").text("timing");
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
    let built = Built::new("bids", &orderer("公告町", targets, EMAIL, ""), "2026-11-23");
    has(
        &built.text("bids"),
        "令和6年(2024年)4月1日以降に、公告町が入札公告又は指名通知を行う「工事」が対象となります。ただし、随意契約による契約は対象外です。",
    );
    assert_eq!(built.record("bids")["targets"][0]["counted_from"], "入札公告・指名通知");
}

#[test]
fn departments_in_scope_and_a_later_start_for_one_kind() {
    let targets = "  - category: 工事\n    from: 2026-04-01\n    departments: [建設管理部]\n    kind_starts:\n      - kind: 前払金保証\n        from: 2026-10-01\n";
    let yaml = orderer("部局町", targets, EMAIL, "");
    let before = Built::new("dept", &yaml, "2026-06-01");
    let text = before.text("dept");
    has(
        &text,
        "令和8年(2026年)4月1日以降に、部局町と契約する「工事」（建設管理部が発注する案件に限ります）が対象となります。",
    );
    has(
        &text,
        "「工事」の「前払金保証」は令和8年(2026年)10月1日以降が対象です。",
    );
    lacks(&before.feed(), "「前払金保証」も電子保証の対象になりました");
    let after = Built::new("dept", &yaml, "2026-10-01");
    has(
        &after.feed(),
        "<title>福岡県部局町の「工事」で「前払金保証」も電子保証の対象になりました</title>",
    );
    let procedure =
        "  - category: 建設工事\n    from: 2025-04-01\n    counted_from: 発注手続き\n    departments: [契約課]\n";
    has(
        &Built::new("proc", &orderer("手続町", procedure, EMAIL, ""), "2026-11-23").text("proc"),
        "令和7年(2025年)4月1日以降に、契約課が発注手続きを行う「建設工事」が対象となります。",
    );
}

#[test]
fn a_category_added_later_reads_right_before_and_after_its_date() {
    let targets =
        "  - category: 工事\n    from: 2024-10-01\n  - category: 建設コンサルタント等業務委託\n    from: 2025-04-01\n";
    let yaml = orderer("追加町", targets, EMAIL, "");
    let before = Built::new("added", &yaml, "2025-01-15");
    has(
        &before.feed(),
        "<title>福岡県追加町で電子保証の運用を開始しました</title>",
    );
    lacks(&before.feed(), "も電子保証の対象になりました");
    let after = Built::new("added", &yaml, "2025-04-01");
    has(
        &after.feed(),
        "<title>福岡県追加町で「建設コンサルタント等業務委託」も電子保証の対象になりました</title>",
    );
    has(
        &after.text("added"),
        "令和6年(2024年)10月1日以降に、追加町と契約する「工事」及び令和7年(2025年)4月1日以降に、追加町と契約する「建設コンサルタント等業務委託」が対象となります。",
    );
}

#[test]
fn the_tense_follows_the_build_date() {
    let yaml = orderer("時制町", ONE_TARGET, EMAIL, "");
    let before = Built::new("tense", &yaml, "2026-03-31");
    let text = before.text("tense");
    has(
        &text,
        "令和8年(2026年)4月1日から、「契約保証」と「前払金保証」の保証証書は、電子証書でのご提供が可能となります。",
    );
    has(&text, "運用開始予定");
    lacks(&text, "可能となりました");
    lacks(&before.feed(), "時制町");
    assert_eq!(before.record("tense")["started"], false);
    let after = Built::new("tense", &yaml, "2026-04-01");
    let text = after.text("tense");
    has(
        &text,
        "「契約保証」と「前払金保証」の保証証書は、電子証書でのご提供が可能となりました。",
    );
    has(
        &after.feed(),
        "<title>福岡県時制町で電子保証の運用を開始しました</title>",
    );
    assert_eq!(after.record("tense")["started"], true);
}

#[test]
fn unknown_rules_send_the_reader_to_the_orderer_and_provenance_replaces_the_build_date() {
    let yaml = orderer(
        "不明町",
        ONE_TARGET,
        "  ask:\n    name: 総務課契約係\n    phone: 0940-00-0000\n",
        "website: https://example.jp/town\n",
    );
    let built = Built::new("unknown", &yaml, "2026-11-23");
    let text = built.text("unknown");
    has(&text, "提出方法は、総務課契約係（電話 0940-00-0000）にご確認ください。");
    has(
        &text,
        "当該PDFファイル（又は印刷したもの）の提出方法は、不明町にご確認ください",
    );
    let html = built.html("unknown");
    has(
        &html,
        "に基づき、<time datetime=\"2026-11-01\">令和8年(2026年)11月1日</time>に確認した内容です。",
    );
    has(&html, "<a href=\"https://example.jp/denshi\">テスト用の出典</a>");
    has(&html, "<a href=\"https://example.jp/town\">不明町のページ</a>");
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
