//! The `verifier` program as an administrator meets it: Japanese help that lists the
//! environment, admin commands on a scratch copy of the demo store, dates in Japan's time.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn verifier(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_verifier"))
        .args(args)
        .current_dir(repo_root())
        .env_remove("VERIFIER_PEPPERS")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_is_japanese_and_lists_the_environment() {
    let (status, root, _) = verifier(&["--help"]);
    assert_eq!(status, 0);
    for expected in [
        "使い方: verifier [オプション] <コマンド>",
        "コマンド:",
        "set-status",
        "環境変数:",
        "VERIFIER_PEPPERS",
        "VERIFIER_TRUSTED_PROXY_HOPS",
        "AWS_ENDPOINT_URL",
    ] {
        assert!(root.contains(expected), "«{expected}» in:\n{root}");
    }
    let (_, set_status, _) = verifier(&["set-status", "--help"]);
    assert!(
        set_status.contains("使い方: verifier set-status [オプション] <保証契約番号> <状態>"),
        "{set_status}"
    );
    assert!(
        set_status.contains("日本時間") && set_status.contains("--note <メモ>"),
        "{set_status}"
    );
    let (_, serve, _) = verifier(&["serve", "--help"]);
    assert!(
        serve.contains("--addr <アドレス:ポート>") && serve.contains("待ち受ける"),
        "{serve}"
    );
    for text in [&root, &set_status, &serve] {
        assert!(
            !text.contains("Usage") && !text.contains("Print help") && !text.contains("Options:"),
            "{text}"
        );
    }
    let (status, _, stderr) = verifier(&["serv"]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("不明なコマンド「serv」") && stderr.contains("「serve」の書き間違い"),
        "{stderr}"
    );
}

#[test]
fn admin_commands_work_on_a_scratch_copy_and_keep_its_warning() {
    let scratch = tempfile::tempdir().unwrap();
    let store = scratch.path().join("certificates.yaml");
    let demo = repo_root().join("verifier/demo/certificates.yaml");
    let demo_before = std::fs::read_to_string(&demo).unwrap();
    std::fs::copy(&demo, &store).unwrap();
    let store_arg = store.to_str().unwrap();

    let (status, stdout, stderr) =
        verifier(&["--certificates", store_arg, "issue", "verifier/demo/issue-example.yaml"]);
    assert_eq!(status, 0, "{stderr}");
    let issued: Vec<&str> = stdout.lines().filter(|l| l.contains('\t')).collect();
    assert_eq!(issued.len(), 3, "{stdout}");
    assert!(issued[0].starts_with("W2026-050201\t"), "{stdout}");

    let before = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let (status, stdout, stderr) = verifier(&["--certificates", store_arg, "set-status", "W2026-050201", "解約"]);
    let after = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains("W2026-050201 の状態を 解約"), "{stdout}");

    let written = std::fs::read_to_string(&store).unwrap();
    assert!(
        written.starts_with("# DEMO certificates for the embedded store."),
        "the file's warning comment is kept:\n{}",
        &written[..200.min(written.len())]
    );
    // The default date is today in Japan (either side of a midnight during the test).
    let days = [verifier::admin::jst_date(before), verifier::admin::jst_date(after)];
    assert!(
        days.iter().any(|day| written.contains(&format!("date: {day}"))),
        "set-status records {days:?} (JST)"
    );
    assert_eq!(
        std::fs::read_to_string(&demo).unwrap(),
        demo_before,
        "the tracked demo file is untouched"
    );

    // The same certificate again is refused, and the store file stays as it was.
    let (status, _, stderr) = verifier(&["--certificates", store_arg, "issue", "verifier/demo/issue-example.yaml"]);
    assert_eq!(status, 1);
    assert!(stderr.contains("登録済み"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&store).unwrap(), written);
}

/// Keys issued under the public development pepper verify for anyone who reads this repository:
/// every DynamoDB command refuses it, unset or given explicitly, before touching the table.
#[test]
fn dynamodb_commands_refuse_the_development_pepper() {
    let unreachable = [
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("AWS_REGION", "ap-northeast-1"),
    ];
    for args in [
        &["--store", "dynamodb", "import", "verifier/demo/issue-example.yaml"][..],
        &["--store", "dynamodb", "serve"][..],
    ] {
        let unset = Command::new(env!("CARGO_BIN_EXE_verifier"))
            .args(args)
            .current_dir(repo_root())
            .env_remove("VERIFIER_PEPPERS")
            .envs(unreachable)
            .output()
            .unwrap();
        assert_ne!(unset.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&unset.stderr).contains("VERIFIER_PEPPERS がありません"));
        let (id, secret) = verifier::keys::DEVELOPMENT_PEPPER;
        let explicit = Command::new(env!("CARGO_BIN_EXE_verifier"))
            .args(args)
            .current_dir(repo_root())
            .env("VERIFIER_PEPPERS", format!("{id}={secret}"))
            .envs(unreachable)
            .output()
            .unwrap();
        assert_ne!(explicit.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&explicit.stderr).contains("開発用の pepper は本番"));
    }
}
