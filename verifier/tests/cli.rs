//! The `verifier` program as an administrator meets it: Japanese help that lists the
//! environment, admin commands on a scratch copy of the demo store, dates in Japan's time.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use support::served::Served;

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn verifier(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(support::served::program())
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
    let days = [
        verifier::admin::jst_date(before).to_string(),
        verifier::admin::jst_date(after).to_string(),
    ];
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

    // A date that is not a calendar day is refused where it is typed, and nothing is written.
    for date in ["banana", "2026-02-30"] {
        let (status, _, stderr) = verifier(&[
            "--certificates",
            store_arg,
            "set-status",
            "W2026-050201",
            "有効",
            "--date",
            date,
        ]);
        assert_eq!(status, 2, "{stderr}");
        assert!(stderr.contains(&format!("日付「{date}」")), "{stderr}");
        assert_eq!(std::fs::read_to_string(&store).unwrap(), written);
    }
}

/// An owner-only secret file holding `peppers` (and a caller key).
pub fn secret_file(dir: &Path, peppers: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("secret.json");
    std::fs::write(
        &path,
        format!(r#"{{"peppers":"{peppers}","caller_key":"caller-key-0123456789abcdef0123456789"}}"#),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// Keys issued under the public development pepper verify for anyone who reads this repository:
/// every DynamoDB command that hashes keys refuses it, absent or given explicitly, before
/// touching the table.
#[test]
fn dynamodb_commands_refuse_the_development_pepper() {
    let unreachable = [
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("AWS_REGION", "ap-northeast-1"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = verifier::keys::DEVELOPMENT_PEPPER;
    let development = secret_file(dir.path(), &format!("{id}={secret}"));
    for args in [
        &["--store", "dynamodb", "import", "verifier/demo/issue-example.yaml"][..],
        &["--store", "dynamodb", "serve"][..],
    ] {
        let run = |extra: &[&str]| {
            Command::new(support::served::program())
                .args(extra)
                .args(args)
                .current_dir(repo_root())
                .env_remove("VERIFIER_PEPPERS")
                .env_remove("VERIFIER_CALLER_KEY")
                .envs(unreachable)
                .output()
                .unwrap()
        };
        let unset = run(&[]);
        assert_ne!(unset.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&unset.stderr).contains("秘密がありません"));
        let explicit = run(&["--secret-file", development.to_str().unwrap()]);
        assert_ne!(explicit.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&explicit.stderr).contains("開発用の pepper は本番"));
    }
}

fn post(body: &str) -> String {
    format!(
        "POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// RUST_LOG=trace must not print a 認証キー: libraries that log requests stay at info.
#[test]
fn no_log_level_prints_a_key() {
    let mut served = Served::start(&[("RUST_LOG", "trace")]);
    let answer = served.request(&post(
        r#"{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}"#,
    ));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let log = served.stderr();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG") || log.len() > 50,
        "trace logging is on: {log}"
    );
    for form in ["C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK", "C8FK2XCPMQTWH6TQSQ9G63KK"] {
        assert!(!log.contains(form), "the key is in the log:\n{log}");
    }
}

/// A client that connects and sends nothing is let go; past the connection limit new
/// connections are closed at once, and the server answers again when they are gone.
#[test]
fn idle_connections_are_closed_and_connections_are_bounded() {
    use std::io::Read;
    let served = Served::start(&[("VERIFIER_HEADER_TIMEOUT_MS", "300"), ("VERIFIER_MAX_CONNECTIONS", "2")]);
    let mut idle = served.connect();
    let mut second = served.connect();
    let mut third = served.connect();
    let mut buffer = [0u8; 64];
    // The third is over the limit: closed without a byte.
    assert_eq!(third.read(&mut buffer).unwrap_or(0), 0);
    // The idle ones are closed by the header-read timeout (the read would otherwise wait 20 s).
    let started = std::time::Instant::now();
    assert_eq!(idle.read(&mut buffer).unwrap_or(0), 0);
    assert_eq!(second.read(&mut buffer).unwrap_or(0), 0);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "idle connections were closed"
    );
    let answer = served.request("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A chunked body that is not valid chunking is a bad request, not a large one.
#[test]
fn a_malformed_chunked_body_is_400() {
    let served = Served::start(&[]);
    let answer = served.request(
        "POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

/// `reissue` on a scratch copy of the demo store: the new key is printed once and verifies;
/// the old one no longer does.
#[test]
fn reissue_prints_a_new_key_and_the_old_one_is_dead() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("certificates.yaml");
    std::fs::copy(repo_root().join("verifier/demo/certificates.yaml"), &copy).unwrap();
    let (status, out, err) = verifier(&["--certificates", copy.to_str().unwrap(), "reissue", "W2026-040123"]);
    assert_eq!(status, 0, "{err}");
    let line = out.lines().find(|l| l.contains('\t')).expect("number<TAB>key");
    let (number, key) = line.split_once('\t').unwrap();
    assert_eq!(number, "W2026040123");
    let store = verifier::MemoryStore::load(&copy).unwrap();
    let stored = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(verifier::CertificateStore::get(
            &store,
            &verifier::CertificateNumber::parse(number).unwrap(),
        ))
        .unwrap()
        .unwrap();
    let peppers = verifier::Peppers::development();
    let new = verifier::normalize::parse_key(key).unwrap();
    let old = verifier::normalize::parse_key("C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK").unwrap();
    assert!(peppers.verify(Some(&stored.key_hash), &new));
    assert!(!peppers.verify(Some(&stored.key_hash), &old));
}

/// Against DynamoDB (moto, started here), as an administrator would: the pepper from Secrets
/// Manager (`--secret-arn`) or an owner-only file; an import with a conflicting entry stores
/// nothing; a rerun after a partial import stores the rest; history needs no secret.
#[test]
fn dynamodb_import_with_secrets_from_secrets_manager_and_a_file() {
    let moto = support::MotoServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let arn = runtime.block_on(async {
        moto.secrets_client()
            .create_secret()
            .name("denshi-hosho/admin")
            .secret_string(r#"{"peppers":"p1=production-pepper-0123456789abcdef0123"}"#)
            .send()
            .await
            .unwrap()
            .arn()
            .unwrap()
            .to_string()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = secret_file(dir.path(), "p1=production-pepper-0123456789abcdef0123");
    let aws = [
        ("AWS_ENDPOINT_URL", moto.endpoint.as_str()),
        ("AWS_REGION", "ap-northeast-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ];
    let run = |args: &[&str]| {
        let output = Command::new(support::served::program())
            .args(["--store", "dynamodb", "--table", "admin"])
            .args(args)
            .current_dir(repo_root())
            .env_remove("VERIFIER_PEPPERS")
            .env_remove("VERIFIER_CALLER_KEY")
            .envs(aws)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let keys = |stdout: &str| stdout.lines().filter(|l| l.contains('\t')).count();
    assert_eq!(run(&["create-table"]).0, Some(0));
    let example = std::fs::read_to_string(repo_root().join("verifier/demo/issue-example.yaml")).unwrap();
    let first_two: String = {
        let third = example.match_indices("\n- ").nth(2).unwrap().0;
        example[..third + 1].to_string()
    };
    let partial = dir.path().join("partial.yaml");
    std::fs::write(&partial, &first_two).unwrap();
    let (status, stdout, stderr) = run(&["--secret-arn", &arn, "import", partial.to_str().unwrap()]);
    assert_eq!((status, keys(&stdout)), (Some(0), 2), "{stderr}");
    // The whole file again: the two already there are reported and skipped, the third stored.
    let (status, stdout, stderr) = run(&[
        "--secret-file",
        file.to_str().unwrap(),
        "import",
        "verifier/demo/issue-example.yaml",
    ]);
    assert_eq!((status, keys(&stdout)), (Some(0), 1), "{stderr}");
    assert!(stdout.contains("W2025-130203\t"), "{stdout}");
    assert_eq!(
        stderr.matches("同じ内容で登録済み").count(),
        2 + 1,
        "two notes and the summary: {stderr}"
    );
    // A file naming a stored number with other contents stores nothing at all.
    let conflicting = dir.path().join("conflicting.yaml");
    let changed = example
        .replacen("W2026-050201", "W2026-050299", 1)
        .replacen("W2026-050202", "W2026-050201", 1);
    std::fs::write(&conflicting, changed).unwrap();
    let (status, stdout, stderr) = run(&[
        "--secret-file",
        file.to_str().unwrap(),
        "import",
        conflicting.to_str().unwrap(),
    ]);
    assert_eq!((status, keys(&stdout)), (Some(1), 0), "{stderr}");
    assert!(stderr.contains("何も登録していません"), "{stderr}");
    let (status, _, stderr) = run(&["--secret-file", file.to_str().unwrap(), "reissue", "W2026-050299"]);
    assert_eq!(status, Some(1));
    assert!(
        stderr.contains("登録されていません"),
        "W2026-050299 was not stored: {stderr}"
    );
    // history hashes no key and asks for no secret.
    let (status, history, stderr) = run(&["history", "W2026-050201"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(history.contains("0 件"), "{history}");
    // A secret file others may read is refused.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (status, _, stderr) = run(&["--secret-file", file.to_str().unwrap(), "reissue", "W2026-050201"]);
    assert_eq!(status, Some(1));
    assert!(stderr.contains("chmod 600"), "{stderr}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request to `addr` on a fresh connection, once it accepts; the whole answer.
fn request_to(addr: &str, raw: &str) -> String {
    use std::io::{Read, Write};
    for _ in 0..200 {
        if let Ok(mut stream) = std::net::TcpStream::connect(addr) {
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(20)))
                .unwrap();
            stream.write_all(raw.as_bytes()).unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            return answer;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("nothing listens on {addr}");
}

/// `serve --site … --verify-site …`: two origins, as deployed. The verify site and the API on
/// one (its page calls the API there); the guidance site on the other, with no API.
#[test]
fn the_verify_site_and_its_api_are_served_on_their_own_origin() {
    let guidance = tempfile::tempdir().unwrap();
    let verify = tempfile::tempdir().unwrap();
    for (dir, name) in [(&guidance, "guidance"), (&verify, "verify")] {
        std::fs::write(dir.path().join("index.html"), format!("<p>{name} site</p>")).unwrap();
        std::fs::write(dir.path().join("404.html"), format!("<p>{name} 404</p>")).unwrap();
    }
    let verify_addr = format!("127.0.0.1:{}", free_port());
    let served = Served::start_with(
        &[
            "--site",
            guidance.path().to_str().unwrap(),
            "--verify-site",
            verify.path().to_str().unwrap(),
            "--verify-addr",
            &verify_addr,
        ],
        &[],
    );
    let get = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(request_to(&verify_addr, &get("/")).contains("verify site"));
    let look_up = request_to(
        &verify_addr,
        &post(r#"{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}"#),
    );
    assert!(look_up.starts_with("HTTP/1.1 200"), "{look_up}");
    assert!(look_up.contains("\"status\":\"verified\""), "{look_up}");

    assert!(served.request(&get("/")).contains("guidance site"));
    let no_api = served.request(&post(
        r#"{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}"#,
    ));
    assert!(
        no_api.starts_with("HTTP/1.1 405") || no_api.starts_with("HTTP/1.1 404"),
        "the guidance site has no API: {no_api}"
    );
    assert!(!no_api.contains("verified"), "{no_api}");
    assert!(served.request(&get("/api/health")).starts_with("HTTP/1.1 404"));

    let (status, _, stderr) = verifier(&[
        "serve",
        "--verify-site",
        "no-such-folder",
        "--verify-addr",
        "127.0.0.1:0",
    ]);
    assert_ne!(status, 0);
    assert!(stderr.contains("no-such-folder にサイトがありません"), "{stderr}");
}
