//! 「認証キー等のお知らせ」 as an operator gets it from `verifier import --notice-dir`: one A4
//! page per certificate (poppler's pdfinfo), its text holding the number, the grouped key and
//! the verify URL (pdftotext), its QR code decoding to the pre-filling link (pdftoppm → zbarimg),
//! owner-only files — and the key it prints is the one stored. Artefacts stay in
//! target/test-artefacts/.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use verifier::normalize::parse_key;
use verifier::{CertificateNumber, CertificateStore, MemoryStore, Peppers};

const VERIFY_URL: &str = "http://127.0.0.1:8788/";

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn artefacts() -> PathBuf {
    let dir = repo_root().join("target/test-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The notice's first page as a picture kept beside the test artefacts (`<name>.png`), and what
/// its QR code decodes to.
fn scanned_link(pdf: &Path, name: &str) -> String {
    let png_stem = artefacts().join(name);
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            png_stem.to_str().unwrap(),
        ],
    );
    let png = png_stem.with_extension("png");
    run("zbarimg", &["--raw", "-q", png.to_str().unwrap()])
        .trim()
        .to_string()
}

#[tokio::test]
async fn import_writes_one_owner_only_notice_per_certificate_whose_qr_prefills_the_stored_key() {
    let scratch = tempfile::tempdir().unwrap();
    let store = scratch.path().join("certificates.yaml");
    std::fs::copy(repo_root().join("verifier/demo/certificates.yaml"), &store).unwrap();
    let notices = scratch.path().join("notices");
    let output = Command::new(support::served::program())
        .args([
            "--certificates",
            store.to_str().unwrap(),
            "import",
            "verifier/demo/issue-example.yaml",
        ])
        .args(["--notice-dir", notices.to_str().unwrap(), "--verify-url", VERIFY_URL])
        .current_dir(repo_root())
        .env_remove("VERIFIER_PEPPERS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    assert_eq!(std::fs::metadata(&notices).unwrap().permissions().mode() & 0o777, 0o700);
    let pdf = notices.join("W2026-050201.pdf");
    assert!(stdout.contains(&format!("W2026-050201\t{}", pdf.display())), "{stdout}");
    assert_eq!(std::fs::metadata(&pdf).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read_dir(&notices).unwrap().count(),
        stdout.lines().count(),
        "one notice per certificate"
    );

    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")),
        "{info}"
    );
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");

    let link = scanned_link(&pdf, "notice-W2026-050201");
    let key_text = link
        .strip_prefix(&format!("{VERIFY_URL}#number=W2026%2D050201&key="))
        .unwrap_or_else(|| panic!("the QR is the pre-filling link: {link}"));
    let key = parse_key(key_text).unwrap();

    let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for expected in [
        "電子証書閲覧用「認証キー」等のお知らせ",
        "W2026-050201",
        "西日本建設業保証株式会社",
        "前払金保証",
        "芦屋町長",
        "【デモ】町道中央線道路改良工事",
        VERIFY_URL,
    ] {
        assert!(text.contains(expected), "«{expected}» in:\n{text}");
    }
    assert!(
        text.contains(&key.display_grouped().replace('-', " ")),
        "the key, grouped, in:\n{text}"
    );
    std::fs::copy(&pdf, artefacts().join("notice-W2026-050201.pdf")).unwrap();
    std::fs::write(artefacts().join("notice-W2026-050201.link"), &link).unwrap();

    // The key on paper is the stored one; the key is printed nowhere else.
    let number = CertificateNumber::parse("W2026-050201").unwrap();
    let stored = MemoryStore::load(&store).unwrap().key_hash(&number).await.unwrap();
    assert!(Peppers::development().verify(stored.as_ref(), &key));
    assert!(!stdout.contains(key.as_str()) && !stdout.contains(&key.display_grouped()));
    assert!(!stderr.contains(&key.display_grouped()));
}

#[test]
fn a_missing_font_is_a_clear_japanese_error_and_nothing_is_stored() {
    let scratch = tempfile::tempdir().unwrap();
    let store = scratch.path().join("certificates.yaml");
    std::fs::copy(repo_root().join("verifier/demo/certificates.yaml"), &store).unwrap();
    let before = std::fs::read(&store).unwrap();
    let output = Command::new(support::served::program())
        .args([
            "--certificates",
            store.to_str().unwrap(),
            "issue",
            "verifier/demo/issue-example.yaml",
        ])
        .args([
            "--notice-dir",
            scratch.path().join("n").to_str().unwrap(),
            "--verify-url",
            VERIFY_URL,
        ])
        .args(["--notice-font", "/nonexistent/font.ttf"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("お知らせのフォント /nonexistent/font.ttf を読めません")
            && stderr.contains("fonts-ipafont-gothic"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&store).unwrap(), before);
}

/// `reissue --notice-dir`: the new notice prints the new key (text and QR alike), the stored
/// hash is the new key's, and the old key — the demo notice's — no longer verifies.
#[tokio::test]
async fn reissue_writes_a_notice_of_the_new_key_and_the_old_key_is_dead() {
    const OLD_KEY: &str = "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK";
    let scratch = tempfile::tempdir().unwrap();
    let store = scratch.path().join("certificates.yaml");
    std::fs::copy(repo_root().join("verifier/demo/certificates.yaml"), &store).unwrap();
    let notices = scratch.path().join("notices");
    let number = CertificateNumber::parse("W2026-040123").unwrap();
    let old = parse_key(OLD_KEY).unwrap();
    let before = MemoryStore::load(&store).unwrap().key_hash(&number).await.unwrap();
    assert!(Peppers::development().verify(before.as_ref(), &old));

    let output = Command::new(support::served::program())
        .args(["--certificates", store.to_str().unwrap(), "reissue", "W2026-040123"])
        .args(["--notice-dir", notices.to_str().unwrap(), "--verify-url", VERIFY_URL])
        .current_dir(repo_root())
        .env_remove("VERIFIER_PEPPERS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let written: Vec<PathBuf> = std::fs::read_dir(&notices)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let pdf = &written[0];
    let name = pdf.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("W2026-040123-reissued-"), "{name}");
    assert!(stdout.contains(&format!("{number}\t{}", pdf.display())), "{stdout}");
    assert_eq!(std::fs::metadata(pdf).unwrap().permissions().mode() & 0o777, 0o600);

    let link = scanned_link(pdf, "notice-W2026-040123-reissued");
    let key_text = link
        .strip_prefix(&format!("{VERIFY_URL}#number=W2026%2D040123&key="))
        .unwrap_or_else(|| panic!("the QR is the pre-filling link: {link}"));
    let new = parse_key(key_text).unwrap();
    assert_ne!(new.as_str(), old.as_str(), "a new key");
    let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(
        text.contains(&new.display_grouped().replace('-', " ")),
        "the new key, grouped, in:\n{text}"
    );
    assert!(
        !text.contains(&old.display_grouped().replace('-', " ")),
        "not the old one"
    );
    std::fs::copy(pdf, artefacts().join("notice-W2026-040123-reissued.pdf")).unwrap();

    let hash = MemoryStore::load(&store).unwrap().key_hash(&number).await.unwrap();
    assert!(
        Peppers::development().verify(hash.as_ref(), &new),
        "the new key verifies"
    );
    assert!(
        !Peppers::development().verify(hash.as_ref(), &old),
        "the old key is dead"
    );
    assert!(!stdout.contains(new.as_str()) && !stdout.contains(&new.display_grouped()));
}
