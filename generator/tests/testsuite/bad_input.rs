//! Mistakes a fixture folder cannot hold — FIFOs, symbolic links, folders that are not there,
//! values of 100,000 characters — made on scratch copies of a fixture site. Every one is a
//! Japanese error naming the file (and the line, where there is one), within bounded work.
//! The mistakes a file can hold are the folders of `fixtures/invalid/` (`invalid.rs`).

use std::fs;
use std::os::unix::fs::symlink;
use std::process::Command;

use crate::util::{Scratch, FLYERS};

const ASHIYA: &str = "content/municipalities/ashiya-machi.yaml";

fn mkfifo(path: &std::path::Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn has(text: &str, expected: &str) {
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
}

#[test]
fn run_from_the_wrong_directory_is_one_error() {
    let s = Scratch::of(FLYERS);
    let mut options = s.options("2026-11-23");
    options.content = s.path("generator/content");
    options.templates = s.path("generator/templates");
    let errors = generator::check(&options).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    let text = errors.to_string();
    has(&text, "generator/content と ");
    has(&text, "generator/templates が見つかりません");
    has(&text, "ヒント: リポジトリの最上位で実行するか");
}

#[test]
fn symlinks_in_templates_are_reported_not_followed() {
    let s = Scratch::of(FLYERS);
    symlink(s.path("templates"), s.path("templates/loop")).unwrap();
    symlink(s.path("templates/partials"), s.path("templates/partials/again")).unwrap();
    let text = s.check_errors().1;
    has(&text, "templates/loop: シンボリックリンクは読み込みません");
    has(&text, "templates/partials/again: シンボリックリンクは読み込みません");
}

#[test]
fn a_fifo_is_never_opened() {
    let s = Scratch::of(FLYERS);
    fs::remove_file(s.path("content/site.yaml")).unwrap();
    mkfifo(&s.path("content/site.yaml"));
    has(&s.check_errors().1, "content/site.yaml: 通常のファイルではありません");
}

#[test]
fn a_fifo_or_a_link_among_the_orderers_is_reported_not_skipped() {
    let s = Scratch::of(FLYERS);
    let dir = s.path("content/municipalities");
    mkfifo(&dir.join("fifo.yaml"));
    symlink(dir.join("missing.yaml"), dir.join("broken.yaml")).unwrap();
    symlink(dir.join("saiki-shi.yaml"), dir.join("saiki.yaml")).unwrap();
    let (found, text) = s.check_errors();
    has(&text, "fifo.yaml: 通常のファイルではありません");
    has(&text, "broken.yaml: シンボリックリンクは読み込みません");
    has(&text, "saiki.yaml: シンボリックリンクは読み込みません");
    assert_eq!(found.len(), 3, "{text}");
}

#[test]
fn brackets_nested_a_hundred_thousand_deep_are_refused_on_their_line() {
    let s = Scratch::of(FLYERS);
    s.write(ASHIYA, &format!("name: {}\n", "[".repeat(100_000)));
    has(
        &s.check_errors().1,
        "ashiya-machi.yaml:1:23: [ ] や { } の入れ子が深すぎます（上限 16 段）",
    );
}

#[test]
fn a_huge_value_is_not_echoed_whole() {
    let s = Scratch::of(FLYERS);
    s.edit(
        ASHIYA,
        "from: 2026-04-01\n    # flyer",
        &format!("from: {}\n    # flyer", "9".repeat(100_000)),
    );
    let text = s.check_errors().1;
    has(&text, "…」は日付として読めません");
    assert!(
        text.len() < 2_000,
        "the value is not echoed whole: {} bytes",
        text.len()
    );
}
