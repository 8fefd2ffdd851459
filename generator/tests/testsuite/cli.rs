//! The `generator` program as an editor meets it: Japanese help, `check` without `--out`,
//! errors with an exit status.

use std::process::Command;

use crate::util::{fixtures, repo_root, REAL};

/// Runs the program in the repository's top folder, as the README says.
fn generator(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(crate::util::generator_exe())
        .args(args)
        .current_dir(repo_root())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_is_in_japanese_and_check_offers_no_out() {
    let (status, root, _) = generator(&["--help"]);
    assert_eq!(status, 0);
    assert!(
        root.contains("使い方: generator [オプション] <コマンド>") && root.contains("SOURCE_DATE_EPOCH"),
        "{root}"
    );
    let (_, build, _) = generator(&["build", "--help"]);
    assert!(
        build.contains("--out <ディレクトリ>") && build.contains("--date <YYYY-MM-DD>"),
        "{build}"
    );
    let (_, check, _) = generator(&["check", "--help"]);
    assert!(
        !check.contains("--out") && check.contains("--content <ディレクトリ>"),
        "{check}"
    );
    for text in [&root, &build, &check] {
        assert!(
            !text.contains("Usage") && !text.contains("Print help") && !text.contains("Options:"),
            "{text}"
        );
    }
}

#[test]
fn a_bad_argument_is_a_japanese_error_with_status_2() {
    let (status, _, stderr) = generator(&["check", "--out", "x"]);
    assert_eq!(status, 2);
    assert!(stderr.starts_with("エラー: 不明な引数「--out」があります"), "{stderr}");
    let (status, _, stderr) = generator(&["build", "--date", "2026-02-30"]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("「2026-02-30」は YYYY-MM-DD 形式の実在する日付ではありません"),
        "{stderr}"
    );
}

#[test]
fn check_passes_on_good_content_and_fails_with_status_1_elsewhere() {
    let site = fixtures().join("sites").join(REAL);
    let site = site.to_str().unwrap();
    let (status, stdout, stderr) = generator(&["check", "--date", "2026-11-23", "--content", site]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.starts_with("問題はありません"), "{stdout}");
    let (status, _, stderr) = generator(&["check", "--content", "generator/content"]);
    assert_eq!(status, 1);
    assert_eq!(stderr.matches("エラー:").count(), 1, "{stderr}");
}

#[test]
fn format_json_reports_every_error_for_tools_and_text_has_no_colour_in_a_pipe() {
    let invalid = fixtures()
        .join("invalid")
        .join("every-error-is-reported-not-only-the-first");
    let scratch = crate::util::Scratch::of(crate::util::FLYERS);
    crate::util::copy_dir(&invalid.join("content"), &scratch.path("content"));
    crate::util::copy_dir(&invalid.join("templates"), &scratch.path("templates"));
    let run = |args: &[&str]| {
        Command::new(crate::util::generator_exe())
            .args(args)
            .current_dir(scratch.dir.path())
            .output()
            .unwrap()
    };
    let json = run(&["check", "--date", "2026-11-23", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3, "{report}");
    assert_eq!(errors[0]["file"], "content/municipalities/ashiya-machi.yaml");
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["column"].as_u64()),
        (Some(6), Some(1))
    );
    assert_eq!(errors[0]["field"], "code");
    assert!(errors[0]["hint"].as_str().unwrap().contains("6桁目は 4"), "{report}");
    let built = run(&["build", "--date", "2026-11-23", "--format", "json"]);
    assert_eq!(built.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&built.stdout).unwrap();
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(3));

    let text = run(&["check", "--date", "2026-11-23"]);
    let stderr = String::from_utf8_lossy(&text.stderr);
    assert!(stderr.contains("6 | code: \"403815\""), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour codes when stderr is not a terminal: {stderr}"
    );

    let fine = Command::new(crate::util::generator_exe())
        .args(["check", "--date", "2026-11-23", "--format", "json"])
        .current_dir(repo_root())
        .args(["--content", fixtures().join("sites").join(REAL).to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(fine.status.code(), Some(0));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&fine.stdout).unwrap(),
        serde_json::json!({"ok": true, "errors": []})
    );
}

#[test]
fn new_writes_a_commented_file_refused_only_for_its_stubs_and_never_overwrites() {
    let scratch = crate::util::Scratch::of(crate::util::FLYERS);
    let run = |args: &[&str]| {
        Command::new(crate::util::generator_exe())
            .args(args)
            .current_dir(scratch.dir.path())
            .env("SOURCE_DATE_EPOCH", "1795392000") // 2026-11-23 09:00 JST
            .output()
            .unwrap()
    };
    let made = run(&["new", "kasuya-machi", "--name", "粕屋町", "--prefecture", "福岡県"]);
    assert_eq!(made.status.code(), Some(0), "{}", String::from_utf8_lossy(&made.stderr));
    let file = scratch.path("content/municipalities/kasuya-machi.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema=../../docs/schema/orderer.schema.json\n"),
        "{text}"
    );
    assert!(text.contains("\nconfirmed: 2026-11-23\n"), "{text}");
    assert!(
        text.contains("\nname: \"粕屋町\"\n") && text.contains("\nkind: 市町村\n"),
        "{text}"
    );

    // Nothing is drafted as a fact: the draft states no date, category or kind. Everything
    // else passes; the errors are the two stubs no source can leave out, each with its place.
    assert!(
        !text.contains("\n    from:") && text.contains("\nguarantee_kinds: []\n"),
        "{text}"
    );
    let check = run(&["check", "--date", "2026-11-23", "--format", "json"]);
    assert_eq!(check.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let errors = report["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors.iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["sources[0].url", "guarantee_kinds"], "{report}");
    assert!(errors
        .iter()
        .all(|e| e["file"] == "content/municipalities/kasuya-machi.yaml"));
    // Filled, the file builds.
    let filled = text
        .replace(
            "\"（出典の URL を https:// から書いてください）\"",
            "https://www.town.kasuya.fukuoka.jp/",
        )
        .replace("\nguarantee_kinds: []\n", "\nguarantee_kinds: [前払金保証]\n");
    std::fs::write(&file, filled).unwrap();
    assert_eq!(run(&["check", "--date", "2026-11-23"]).status.code(), Some(0));

    // An existing file name, an existing orderer under another name, arguments the rules
    // refuse: nothing is written.
    let again = run(&["new", "kasuya-machi", "--name", "粕屋町", "--prefecture", "福岡県"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("もうあります"));
    let same = run(&["new", "ashiya", "--name", "芦屋町", "--prefecture", "福岡県"]);
    assert_eq!(same.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&same.stderr).contains("ashiya-machi.yaml"));
    let bad = run(&["new", "Bad_Slug", "--name", "試験町", "--prefecture", "福岡県"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ページのURLに使えません"));
    let kind = run(&[
        "new",
        "y",
        "--name",
        "試験組合",
        "--prefecture",
        "福岡県",
        "--kind",
        "組合",
    ]);
    assert_eq!(kind.status.code(), Some(2));
    let files: Vec<_> = std::fs::read_dir(scratch.path("content/municipalities"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 3, "only the one file was added");
}
