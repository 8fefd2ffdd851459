//! Every folder of `fixtures/invalid/` is one editor's mistake (or a few), laid over the
//! `flyers` site: its `content/…` and `templates/…` files replace the site's, and a `remove`
//! file lists files taken away. The whole report of `generator check` on it — exit status,
//! standard output and standard error, as an editor sees them — is its snapshot
//! (`snapshots/testsuite__invalid__<case>.snap`). A new case is a new folder; `cargo insta
//! review` accepts its first snapshot.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{assert_snapshots, copy_dir, fixtures, repo_root, Scratch, FLYERS};

/// `generator check` as an editor runs it, in the top folder of a scratch copy of the case.
fn check_report(case: &Path) -> String {
    let scratch = Scratch::of(FLYERS);
    for part in ["content", "templates"] {
        if case.join(part).is_dir() {
            copy_dir(&case.join(part), &scratch.path(part));
        }
    }
    if let Ok(list) = fs::read_to_string(case.join("remove")) {
        for removed in list.lines().filter(|l| !l.trim().is_empty()) {
            fs::remove_file(scratch.path(removed)).unwrap_or_else(|e| panic!("{removed}: {e}"));
        }
    }
    let output = Command::new(crate::util::generator_exe())
        .args(["check", "--date", "2026-11-23"])
        .current_dir(scratch.dir.path())
        .output()
        .unwrap();
    format!(
        "$ generator check --date 2026-11-23\nexit status: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_invalid_case_is_refused_with_the_report_of_its_snapshot() {
    let cases = cases();
    assert!(cases.len() >= 40, "the invalid cases went missing: {cases:?}");
    let reports: Vec<(String, String)> = cases
        .iter()
        .map(|case| (case.clone(), check_report(&fixtures().join("invalid").join(case))))
        .collect();
    let passed: Vec<&str> = reports
        .iter()
        .filter(|(_, report)| !report.contains("\nexit status: 1\n") || !report.contains("エラー: "))
        .map(|(case, _)| case.as_str())
        .collect();
    assert!(passed.is_empty(), "invalid cases that passed: {passed:?}");
    assert_snapshots(reports, |name, report| insta::assert_snapshot!(name, report));
}

/// A snapshot left behind by a removed or renamed case would hide that the case is gone.
#[test]
fn every_snapshot_of_an_invalid_case_has_its_case() {
    let cases = cases();
    let snapshots = repo_root().join("generator/tests/testsuite/snapshots");
    let orphans: Vec<String> = fs::read_dir(snapshots)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let case = name
                .strip_prefix("testsuite__invalid__")?
                .strip_suffix(".snap")?
                .to_string();
            (!cases.contains(&case)).then_some(name)
        })
        .collect();
    assert!(orphans.is_empty(), "snapshots without a case: {orphans:?}");
}
