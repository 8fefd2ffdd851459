//! Hostile and clumsy input: every case is refused with a Japanese error naming the file (and
//! the line, where there is one), within bounded work, and nothing is dropped in silence.

use std::fs;
use std::os::unix::fs::symlink;
use std::process::Command;

use crate::util::Scratch;

const ASHIYA: &str = "content/municipalities/ashiya-machi.yaml";

fn mkfifo(path: &std::path::Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn errors(s: &Scratch) -> String {
    s.check_errors().1
}

fn has(text: &str, expected: &str) {
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
}

#[test]
fn yaml_aliases_are_refused_before_they_multiply() {
    let s = Scratch::new();
    let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (name, previous) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
    ] {
        bomb.push_str(&format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
    }
    s.write(ASHIYA, &bomb);
    let text = errors(&s);
    has(&text, "ashiya-machi.yaml:1:4: YAML の別名（& や *）は使えません");
}

#[test]
fn loops_in_shared_text_run_out_of_fuel() {
    let s = Scratch::new();
    s.edit(
        "content/sections/about.md",
        "仕組みです。",
        "仕組みです。{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
    );
    let text = errors(&s);
    has(&text, "content/sections/about.md:");
    has(&text, "処理量の上限");
}

#[test]
fn nesting_deeper_than_content_needs_is_refused_on_its_line() {
    let s = Scratch::new();
    let deep: String = (0..100).map(|i| format!("{}k{i}:\n", " ".repeat(i * 2))).collect();
    s.write(ASHIYA, &deep);
    let text = errors(&s);
    has(&text, "ashiya-machi.yaml:34:1: 入れ子が深すぎます");
    let s = Scratch::new();
    s.write(ASHIYA, &format!("name: {}\n", "[".repeat(100_000)));
    has(&errors(&s), "の入れ子が深すぎます（上限 16 段）");
}

#[test]
fn symlinks_in_templates_are_reported_not_followed() {
    let s = Scratch::new();
    symlink(s.path("templates"), s.path("templates/loop")).unwrap();
    symlink(s.path("templates/partials"), s.path("templates/partials/again")).unwrap();
    let text = errors(&s);
    has(&text, "templates/loop: シンボリックリンクは読み込みません");
    has(&text, "templates/partials/again: シンボリックリンクは読み込みません");
}

#[test]
fn a_fifo_is_never_opened() {
    let s = Scratch::new();
    fs::remove_file(s.path("content/site.yaml")).unwrap();
    mkfifo(&s.path("content/site.yaml"));
    has(&errors(&s), "content/site.yaml: 通常のファイルではありません");
}

#[test]
fn every_entry_of_the_orderers_folder_is_read_or_reported() {
    let s = Scratch::new();
    let copy = fs::read_to_string(s.path(ASHIYA)).unwrap();
    let dir = s.path("content/municipalities");
    fs::write(dir.join("saiki-shi.yaml.txt"), &copy).unwrap();
    fs::write(dir.join("oita.YAML"), &copy).unwrap();
    fs::write(dir.join("oita.yml"), &copy).unwrap();
    fs::write(dir.join("README"), "notes").unwrap();
    fs::create_dir(dir.join("drafts")).unwrap();
    mkfifo(&dir.join("fifo.yaml"));
    symlink(dir.join("missing.yaml"), dir.join("broken.yaml")).unwrap();
    let (found, text) = s.check_errors();
    has(
        &text,
        "「saiki-shi.yaml.txt」は読み込めません\n  ヒント: .yaml の後ろの拡張子（.txt）を外してください",
    );
    has(
        &text,
        "「oita.YAML」は読み込めません\n  ヒント: 拡張子は小文字の .yaml にしてください",
    );
    has(
        &text,
        "「oita.yml」は読み込めません\n  ヒント: 拡張子 .yml は読み込みません",
    );
    has(&text, "「README」は読み込めません");
    has(
        &text,
        "「drafts」は読み込めません\n  ヒント: ここにはディレクトリを置けません",
    );
    has(&text, "fifo.yaml: 通常のファイルではありません");
    has(&text, "broken.yaml: シンボリックリンクは読み込みません");
    assert_eq!(found.len(), 7, "{text}");
}

#[test]
fn the_glossary_cannot_be_switched_off_or_emptied() {
    let s = Scratch::new();
    fs::write(s.path("content/glossary.yaml"), b"- wrong: \x8aJ\x97\x97\n  right: x\n").unwrap();
    let text = errors(&s);
    has(&text, "content/glossary.yaml:1:10: 文字コードが UTF-8 ではありません");
    has(&text, "UTF-8");
    let s = Scratch::new();
    fs::write(
        s.path("content/glossary.yaml"),
        "- wrong: 開覧\n  right: 閲覧\n- wrong: \"\"\n  right: x\n",
    )
    .unwrap();
    let (found, text) = s.check_errors();
    has(&text, "content/glossary.yaml:3:1: 項目 `[1]`: 用語集に空の語があります");
    assert_eq!(
        found.len(),
        1,
        "one error, not one per character of every file:\n{text}"
    );
    let s = Scratch::new();
    fs::remove_file(s.path("content/glossary.yaml")).unwrap();
    has(&errors(&s), "content/glossary.yaml: ファイルを読み書きできません");
}

#[test]
fn an_orderer_cannot_take_a_path_of_the_site() {
    let s = Scratch::new();
    for slug in ["verify", "api", "feed"] {
        let copy = fs::read_to_string(s.path(ASHIYA))
            .unwrap()
            .replace("name: 芦屋町\n", &format!("name: 別名{slug}\n"));
        fs::write(s.path(&format!("content/municipalities/{slug}.yaml")), copy).unwrap();
    }
    let text = errors(&s);
    for slug in ["verify", "api", "feed"] {
        has(
            &text,
            &format!("ファイル名「{slug}」はサイトの既存のページと重なります"),
        );
    }
}

#[test]
fn syntax_errors_are_reported_on_the_line_they_are_on() {
    let cases = [
        (
            "      and_others: true",
            "\tand_others: true",
            "字下げにタブ文字が使われています",
        ),
        (
            "      and_others: true",
            "\u{3000}\u{3000}and_others: true",
            "字下げに全角スペースが使われています",
        ),
        (
            "      and_others: true",
            "      and_others： true",
            "項目「and_others」の後ろが全角のコロン「：」です",
        ),
        (
            "        name: 芦屋町HP",
            "        name: \"芦屋町HP",
            "YAML として読めません",
        ),
    ];
    for (from, to, message) in cases {
        let s = Scratch::new();
        let line = fs::read_to_string(s.path(ASHIYA))
            .unwrap()
            .lines()
            .position(|l| l == from)
            .unwrap()
            + 1;
        s.edit(ASHIYA, from, to);
        let text = errors(&s);
        has(&text, &format!("ashiya-machi.yaml:{line}:"));
        has(&text, message);
    }
}

#[test]
fn messages_speak_the_files_language_not_rusts() {
    let s = Scratch::new();
    s.edit(ASHIYA, "  - category: 工事\n", "  -category: 工事\n");
    let text = errors(&s);
    has(
        &text,
        "ashiya-machi.yaml:11:4: リストの「-」の後ろに半角スペースがありません",
    );
    let s = Scratch::new();
    s.edit(
        ASHIYA,
        "submission:\n  documents: [認証キー]\n",
        "submission: [認証キー]\n",
    );
    let text = errors(&s);
    has(&text, "ここには項目の対応表");
    assert!(!text.contains("struct") && !text.contains("expected"), "{text}");
    let s = Scratch::new();
    s.edit(ASHIYA, "kind: 市町村\n", "kind: 市町村\nkind: 市町村\n");
    let text = errors(&s);
    assert!(
        text.contains("同じ項目が二度書かれています") || text.contains("項目「kind」が二度書かれています"),
        "{text}"
    );
    let s = Scratch::new();
    s.edit(
        ASHIYA,
        "from: 2026-04-01\n  - category: 測量",
        &format!("from: {}\n  - category: 測量", "9".repeat(100_000)),
    );
    let text = errors(&s);
    has(&text, "…」は日付として読めません");
    assert!(
        text.len() < 2_000,
        "the value is not echoed whole: {} bytes",
        text.len()
    );
}

#[test]
fn an_unknown_placeholder_is_named_and_the_qr_error_names_the_real_file() {
    let s = Scratch::new();
    s.edit(
        "content/sections/about.md",
        "仕組みです。",
        "仕組みです。{{ orderer_nam }}",
    );
    has(&errors(&s), "存在しない差し込み項目「orderer_nam」があります");
    let s = Scratch::new();
    s.edit(
        "content/site.yaml",
        "  url: https://www.wjcs.net/\napplication_service",
        &format!("  url: https://www.wjcs.net/{}\napplication_service", "a".repeat(5000)),
    );
    // Without a video page of its own, the QR code leads to the company's site.
    has(
        &errors(&s),
        &format!("{}: 項目 `issuer.url`", s.path("content/site.yaml").display()),
    );
}

#[test]
fn leftovers_of_killed_builds_are_removed_and_the_swap_keeps_a_site_in_place() {
    let s = Scratch::new();
    generator::build(&s.options("2026-11-23")).unwrap();
    // A build killed between staging and swap leaves these behind; no process has pid 4194304+.
    for leftover in [".public.staging-4194305", ".public.previous-4194306"] {
        fs::create_dir_all(s.path(leftover).join("deep")).unwrap();
        fs::write(s.path(leftover).join("deep/file"), "x").unwrap();
    }
    generator::build(&s.options("2026-11-24")).unwrap();
    let names: Vec<String> = fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    // Only the replaced site, kept for the next build.
    assert_eq!(names, [".public.spare"]);
    assert!(s.path("public/index.html").exists());
}
