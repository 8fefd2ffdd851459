use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use generator::{BuildOptions, Diagnostics};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A scratch copy of the real `content/` and `templates/`, to break on purpose.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("content"), &dir.path().join("content"));
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
        }
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

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
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
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
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
