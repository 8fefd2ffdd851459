//! What every suite shares: the fixture sites, scratch copies of them to build or break, and
//! readers of what a build wrote. No test reads the real `content/`: that is `tests/contract.rs`'s
//! alone.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use generator::{BuildOptions, Diagnostics};

/// The frozen copy of `content/` as it was on 2026-11-23: thirteen real orderers, every pattern
/// the research names.
pub const REAL: &str = "real-2026-11";
/// The two flyers' orderers (芦屋町, 佐伯市) with the shared text: the base of the invalid cases.
pub const FLYERS: &str = "flyers";

/// The repository the tests run in. `GENERATOR_REPO_ROOT` points them at another copy of it
/// (`tests/content-edits.sh` runs the suites in a copy whose `content/` was edited).
pub fn repo_root() -> PathBuf {
    match std::env::var_os("GENERATOR_REPO_ROOT") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf(),
    }
}

/// The `generator` program the command-line tests run: this build's, or the one
/// `GENERATOR_EXE` names (`tests/optimised-build.sh` runs them on the optimised build).
pub fn generator_exe() -> PathBuf {
    match std::env::var_os("GENERATOR_EXE") {
        Some(exe) => PathBuf::from(exe),
        None => PathBuf::from(env!("CARGO_BIN_EXE_generator")),
    }
}

pub fn fixtures() -> PathBuf {
    repo_root().join("generator/tests/testsuite/fixtures")
}

/// A scratch copy of a fixture site (as `content/`) and of the real `templates/`, to build or
/// to break on purpose.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn of(site: &str) -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixtures().join("sites").join(site), &dir.path().join("content"));
        copy_dir(&repo_root().join("templates"), &dir.path().join("templates"));
        Scratch { dir }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn options(&self, date: &str) -> BuildOptions {
        BuildOptions {
            content: self.path("content"),
            templates: self.path("templates"),
            out: self.path("public"),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            verify_url: None,
        }
    }

    /// The build options for a day before some orderers' `confirmed` dates: those files are
    /// confirmed on that day instead (a `confirmed` date after the build date is an error), so
    /// that a page can be seen as it read then.
    pub fn as_of(&self, date: &str) -> BuildOptions {
        let dir = self.path("content/municipalities");
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = fs::read_to_string(&path) else { continue };
            let later = text
                .lines()
                .find_map(|l| l.strip_prefix("confirmed: "))
                .filter(|confirmed| *confirmed > date)
                .map(str::to_string);
            if let Some(confirmed) = later {
                let text = text.replacen(&format!("confirmed: {confirmed}\n"), &format!("confirmed: {date}\n"), 1);
                fs::write(&path, text).unwrap();
            }
        }
        self.options(date)
    }

    /// Replaces the one occurrence of `from` in a file; panics if it is not there exactly once,
    /// so a test cannot silently stop breaking what it means to break.
    pub fn edit(&self, relative: &str, from: &str, to: &str) {
        let path = self.path(relative);
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{from:?} in {relative}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    pub fn write(&self, relative: &str, text: &str) {
        fs::write(self.path(relative), text).unwrap();
    }

    /// `generator check` on the scratch copy: the error text as the CLI prints it.
    pub fn check_errors(&self) -> (Diagnostics, String) {
        let errors = generator::check(&self.options("2026-11-23")).expect_err("the broken content must not pass");
        let text = errors.to_string();
        (errors, text)
    }
}

/// Asserts every `(name, text)` with `assert` (the caller's `insta::assert_snapshot!`, so that
/// snapshots are named after the caller's module), all of them before failing: one run names
/// every snapshot that changed (`cargo insta review` shows them).
pub fn assert_snapshots(named: impl IntoIterator<Item = (String, String)>, assert: impl Fn(&str, String)) {
    let mut failed = Vec::new();
    for (name, text) in named {
        let matched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| assert(&name, text)));
        if matched.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "snapshots that changed: {failed:?}");
}

/// Copies a folder tree; files already at `to` are replaced.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The visible text of a page's `<main>`, one block per line, for snapshots.
pub fn main_text(html: &str) -> String {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("</main>");
    let mut text = String::new();
    let mut in_tag = false;
    let mut in_svg_path = false;
    let body = &html[start..end];
    let mut i = 0;
    let bytes = body.as_bytes();
    while i < bytes.len() {
        if body[i..].starts_with("<path") {
            in_svg_path = true;
        }
        let c = body[i..].chars().next().unwrap();
        match c {
            '<' => {
                in_tag = true;
                let tag = &body[i..];
                if [
                    "<p",
                    "<li",
                    "<h",
                    "<dt",
                    "<dd",
                    "<tr",
                    "<text",
                    "<title",
                    "<desc",
                    "<figcaption",
                    "<blockquote",
                ]
                .iter()
                .any(|t| tag.starts_with(t))
                {
                    text.push('\n');
                }
            }
            '>' => {
                in_tag = false;
                in_svg_path = false;
            }
            _ if !in_tag && !in_svg_path => text.push(c),
            _ => {}
        }
        i += c.len_utf8();
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file under `dir`, by path relative to it: what a build left on disk.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| !entry.file_type().is_dir())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (relative, fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// A page without the line-breaking marks (`<wbr>` between phrases, `<span class="nw">` around
/// names and dates), for tests about what a page says. The marks are tested in `phrases`.
pub fn without_break_marks(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html.replace("<wbr>", "");
    while let Some(start) = rest.find("<span class=\"nw\">") {
        out.push_str(&rest[..start]);
        let inner = &rest[start + "<span class=\"nw\">".len()..];
        let end = inner.find("</span>").expect("a closed nowrap span");
        out.push_str(&inner[..end]);
        rest = inner[end + "</span>".len()..].to_string();
    }
    out.push_str(&rest);
    out
}
