//! Every kind of editor mistake gets its own Japanese message naming the file, line, column
//! and field, with a hint.

use crate::util::Scratch;

const ASHIYA: &str = "content/municipalities/ashiya-machi.yaml";
const SAIKI: &str = "content/municipalities/saiki-shi.yaml";

/// 1-based line of the first line of `relative` containing `needle`.
fn line_of(scratch: &Scratch, relative: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(scratch.path(relative)).unwrap();
    text.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

fn assert_has(text: &str, expected: &[&str]) {
    for part in expected {
        assert!(text.contains(part), "expected {part:?} in:\n{text}");
    }
}

#[test]
fn malformed_yaml() {
    let s = Scratch::new();
    s.edit(ASHIYA, "\nname: 芦屋町\n", "\nname: \"芦屋町\n");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &["ashiya-machi.yaml:", "YAML として読めません", "ヒント: インデント"],
    );
}

#[test]
fn unknown_field_suggests_the_right_name() {
    let s = Scratch::new();
    s.edit(ASHIYA, "confirmed: 2026-11-23", "confirmd: 2026-11-23");
    let line = line_of(&s, ASHIYA, "confirmd");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            &format!("ashiya-machi.yaml:{line}:1"),
            "不明な項目「confirmd」があります",
            "ヒント: 「confirmed」の書き間違いではありませんか",
        ],
    );
}

#[test]
fn unknown_nested_field_names_its_path() {
    let s = Scratch::new();
    s.edit(
        SAIKI,
        "    contracts: 当初契約のみ\n  - category: 建設",
        "    contract: 当初契約のみ\n  - category: 建設",
    );
    let line = line_of(&s, SAIKI, "contract:");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            &format!("saiki-shi.yaml:{line}:5"),
            "項目 `targets[0].contract`",
            "「contracts」の書き間違い",
        ],
    );
}

#[test]
fn missing_required_field() {
    let s = Scratch::new();
    s.edit(ASHIYA, "confirmed: 2026-11-23\n", "");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            "ashiya-machi.yaml:",
            "必須の項目「confirmed」がありません",
            "ヒント: 「confirmed:」を追加してください",
        ],
    );
}

#[test]
fn impossible_date() {
    let s = Scratch::new();
    s.edit(SAIKI, "from: 2025-05-01", "from: 2026-02-30");
    let line = line_of(&s, SAIKI, "2026-02-30");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            &format!("saiki-shi.yaml:{line}:5: 項目 `targets[1].from`"),
            "日付「2026-02-30」は存在しません",
            "ヒント: 実在する日付を YYYY-MM-DD",
        ],
    );
}

#[test]
fn japanese_era_date_is_not_a_date() {
    let s = Scratch::new();
    s.edit(SAIKI, "from: 2025-05-01", "from: 令和7年5月1日");
    let (_, text) = s.check_errors();
    assert_has(&text, &["「令和7年5月1日」は日付として読めません", "西暦で書きます"]);
}

#[test]
fn date_before_supported_eras() {
    let s = Scratch::new();
    s.edit(SAIKI, "from: 2025-05-01", "from: 1850-05-01");
    let line = line_of(&s, SAIKI, "1850-05-01");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            &format!("saiki-shi.yaml:{line}:"),
            "項目 `targets[1].from`",
            "和暦に変換できません",
        ],
    );
}

#[test]
fn unknown_guarantee_kind() {
    let s = Scratch::new();
    s.edit(
        ASHIYA,
        "[前払金保証, 中間前払金保証, 契約保証]",
        "[前払金保証, 中間前払金保障, 契約保証]",
    );
    let line = line_of(&s, ASHIYA, "中間前払金保障");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            &format!("ashiya-machi.yaml:{line}:"),
            "項目 `guarantee_kinds[1]`",
            "不明な保証の種類「中間前払金保障」です",
            "使える値: 前払金保証, 中間前払金保証, 契約保証",
        ],
    );
}

#[test]
fn contract_guarantee_reservation_is_never_eligible() {
    let s = Scratch::new();
    s.edit(
        SAIKI,
        "[契約保証, 前払金保証, 中間前払金保証]",
        "[契約保証, 契約保証予約, 前払金保証]",
    );
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            "saiki-shi.yaml:",
            "項目 `guarantee_kinds[1]`",
            "契約保証予約は電子保証の対象外です",
            "削除してください",
        ],
    );
}

#[test]
fn two_files_for_the_same_orderer() {
    let s = Scratch::new();
    let copy = std::fs::read_to_string(s.path(ASHIYA)).unwrap();
    s.write("content/municipalities/ashiya.yaml", &copy);
    let line = line_of(&s, ASHIYA, "name:");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            "発注者「福岡県遠賀郡芦屋町」のファイルが二つあります",
            &format!(":{line}:1: 項目 `name`"),
            "どちらか一方のファイルにまとめてください",
        ],
    );
}

#[test]
fn wrong_check_digit() {
    let s = Scratch::new();
    s.edit(ASHIYA, "code: \"403814\"", "code: \"403815\"");
    let line = line_of(&s, ASHIYA, "403815");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            &format!("ashiya-machi.yaml:{line}:1: 項目 `code`"),
            "検査数字（6桁目）が正しくありません",
            "6桁目は 4 です",
        ],
    );
}

#[test]
fn prefecture_that_does_not_match_the_code() {
    let s = Scratch::new();
    s.edit(SAIKI, "prefecture: 大分県", "prefecture: 福岡県");
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            &format!(
                "saiki-shi.yaml:{}:1: 項目 `prefecture`",
                line_of(&s, SAIKI, "prefecture:")
            ),
            "（大分県）と合いません",
        ],
    );
}

#[test]
fn placeholder_that_does_not_exist() {
    let s = Scratch::new();
    s.edit(
        "content/sections/about.md",
        "仕組みです。",
        "仕組みです。{{ municipality_nam }}",
    );
    let (errors, text) = s.check_errors();
    assert_has(
        &text,
        &[
            "content/sections/about.md:1:",
            "存在しない差し込み項目「municipality_nam」があります",
            "ヒント:",
        ],
    );
    assert_eq!(errors.len(), 1, "reported once, not once per municipality:\n{text}");
}

#[test]
fn template_error() {
    let s = Scratch::new();
    s.edit(
        "templates/index.html",
        "{% for prefecture in prefectures %}",
        "{% for prefecture in %}",
    );
    let (_, text) = s.check_errors();
    assert_has(&text, &["templates/index.html:", "テンプレートの構文エラーです"]);
}

#[test]
fn glossary_misspelling_in_content() {
    let s = Scratch::new();
    s.edit(
        "content/sections/about.md",
        "確認することができる",
        "開覧することができる",
    );
    let (_, text) = s.check_errors();
    assert_has(
        &text,
        &[
            "content/sections/about.md:1:",
            "「開覧」は誤記です",
            "「閲覧」と書いてください",
        ],
    );
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let s = Scratch::new();
    s.edit(ASHIYA, "code: \"403814\"", "code: \"403815\"");
    s.edit(SAIKI, "from: 2025-05-01", "from: 2026-02-30");
    s.edit(
        "templates/index.html",
        "{% for prefecture in prefectures %}",
        "{% for prefecture in %}",
    );
    let (errors, text) = s.check_errors();
    assert_eq!(errors.len(), 3, "{text}");
    assert_has(&text, &["3 件のエラーがあります。出力は変更していません。"]);
}

#[test]
fn several_mistakes_in_one_file_are_all_reported_at_their_lines() {
    let s = Scratch::new();
    s.edit(ASHIYA, "district: 遠賀郡", "distrct: 遠賀郡");
    s.edit(ASHIYA, "      and_others: true", "      and_other: true");
    s.edit(ASHIYA, "  connector: または", "  connector: または\ncolour: blue");
    let lines = [
        line_of(&s, ASHIYA, "distrct"),
        line_of(&s, ASHIYA, "and_other:"),
        line_of(&s, ASHIYA, "colour"),
    ];
    let (errors, text) = s.check_errors();
    let found: Vec<_> = errors
        .iter()
        .filter(|e| e.file.ends_with("ashiya-machi.yaml"))
        .map(|e| e.line.unwrap_or(0))
        .collect();
    assert_eq!(found, lines, "{text}");
    assert_has(
        &text,
        &[
            "不明な項目「distrct」",
            "「district」の書き間違い",
            "不明な項目「and_other」",
            "不明な項目「colour」",
        ],
    );
}

#[test]
fn run_from_the_wrong_directory_is_one_error() {
    let s = Scratch::new();
    let mut options = s.options("2026-11-23");
    options.content = s.path("generator/content");
    options.templates = s.path("generator/templates");
    let errors = generator::check(&options).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_has(
        &errors.to_string(),
        &[
            "generator/content と ",
            "generator/templates が見つかりません",
            "ヒント: リポジトリの最上位で実行するか",
        ],
    );
}
