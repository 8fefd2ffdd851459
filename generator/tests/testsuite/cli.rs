//! The `generator` program as an editor meets it: Japanese help, `check` without `--out`,
//! errors with an exit status.

use std::process::Command;

use crate::util::{fixtures, repo_root, REAL};

/// Runs the program in the repository's top folder, as the README says.
fn generator(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_generator"))
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
