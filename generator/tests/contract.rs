//! The contract of the real `content/` — the only test that reads it. It holds for any content
//! an editor may publish, whatever orderers there are and whatever their dates say:
//!
//! - it builds, at today's date in Japan (as publishing does), with the real templates;
//! - every orderer cites a source: a titled one, named on its page (that it is the orderer's own
//!   page, never a cache or a mirror, is a rule of `generator check`: `content/hosts.rs`);
//! - nothing is unreferenced: every orderer's file is a page that its prefecture's page (linked
//!   from the index) links and the
//!   sitemap and open data list, every shared text is placed on the pages by the templates, and
//!   every link between the site's own pages leads to a page the build wrote.
//!
//! Everything else is tested on frozen fixtures (`tests/testsuite/`), so that re-confirming,
//! adding or removing an orderer can fail this test only by a real mistake.
//! `GENERATOR_REPO_ROOT` points it at another copy of the repository (`tests/content-edits.sh`).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{FixedOffset, NaiveDate, Utc};
use generator::BuildOptions;

fn repo_root() -> PathBuf {
    match std::env::var_os("GENERATOR_REPO_ROOT") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf(),
    }
}

fn today_in_japan() -> NaiveDate {
    Utc::now()
        .with_timezone(&FixedOffset::east_opt(9 * 3600).unwrap())
        .date_naive()
}

#[test]
fn the_real_content_builds_cites_its_sources_and_leaves_nothing_unreferenced() {
    let root = repo_root();
    let out = tempfile::tempdir().unwrap();
    let options = BuildOptions {
        content: root.join("content"),
        templates: root.join("templates"),
        out: out.path().join("public"),
        date: today_in_japan(),
        verify_url: None,
    };
    eprintln!("content: {}", options.content.display());
    let report = generator::build(&options).unwrap_or_else(|errors| panic!("content/ does not build:\n{errors}"));
    let (content, _) = generator::load(&options).unwrap();
    let site = &options.out;
    let read = |relative: &str| {
        fs::read_to_string(site.join(relative)).unwrap_or_else(|e| panic!("{relative} was not built: {e}"))
    };
    let mut problems = Vec::new();

    // Every orderer's file is an orderer of the site.
    let files: BTreeSet<String> = fs::read_dir(options.content.join("municipalities"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let slugs: BTreeSet<String> = content.orderers.iter().map(|o| o.slug.clone()).collect();
    if files != slugs || report.orderers != files.len() {
        problems.push(format!("orderers' files {files:?}, orderers built {slugs:?}"));
    }

    let index = read("index.html");
    let sitemap = read("sitemap.xml");
    let open_data: serde_json::Value = serde_json::from_str(&read("municipalities.json")).unwrap();
    let records: BTreeSet<&str> = open_data["orderers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["slug"].as_str())
        .collect();
    let base = &content.site.base_url;
    let root = base
        .split_once("://")
        .map_or("/", |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    for o in content.orderers.iter() {
        let slug = &o.slug;
        let page = without_break_marks(&read(&format!("{slug}/index.html")));
        // The index links each prefecture's page, which links each of its orderers' pages.
        let prefecture = generator::content::prefecture_number(&o.prefecture)
            .map(|n| generator::content::PREFECTURE_SLUGS[n as usize - 1])
            .unwrap_or("");
        if !index.contains(&format!("href=\"{root}{prefecture}/\"")) {
            problems.push(format!(
                "{slug}: the index does not link its prefecture's page /{prefecture}/"
            ));
        }
        let prefecture_page = read(&format!("{prefecture}/index.html"));
        if !prefecture_page.contains(&format!("href=\"{root}{slug}/\"")) {
            problems.push(format!(
                "{slug}: its prefecture's page /{prefecture}/ does not link its page"
            ));
        }
        if !sitemap.contains(&format!("<loc>{base}{slug}/</loc>")) {
            problems.push(format!("{slug}: the sitemap does not list its page"));
        }
        if !records.contains(slug.as_str()) {
            problems.push(format!("{slug}: open data has no record of it"));
        }
        if o.sources.is_empty() {
            problems.push(format!("{slug}: cites no source"));
        }
        for source in &o.sources {
            if source.title.trim().is_empty() {
                problems.push(format!("{slug}: a source without a title"));
            } else if !page.contains(&escape(&source.title)) {
                problems.push(format!(
                    "{slug}: its page does not name the source 「{}」",
                    source.title
                ));
            }
            if let Some(url) = &source.url {
                if !page.contains(&format!("href=\"{}\"", escape(url))) {
                    problems.push(format!("{slug}: its page does not link the source {url}"));
                }
            }
        }
    }

    // Every shared text is placed on the pages: a file the templates do not place is dropped
    // in silence. The Q&A is placed question by question.
    let page_template = fs::read_to_string(options.templates.join("orderer.html")).unwrap();
    for name in content.sections.keys().filter(|name| *name != "qa") {
        if !page_template.contains(&format!("sections.{name}"))
            && !page_template.contains(&format!("sections[\"{name}\"]"))
        {
            problems.push(format!(
                "content/sections/{name}.md is not placed by templates/orderer.html"
            ));
        }
    }

    // Every link between the site's own pages leads to a file the build wrote.
    for page in html_files(site) {
        let html = fs::read_to_string(site.join(&page)).unwrap();
        for link in links(&html) {
            let Some(local) = link.strip_prefix(base.as_str()).or_else(|| link.strip_prefix(root)) else {
                continue;
            };
            let local = local.split(['#', '?']).next().unwrap_or("");
            let target = if local.is_empty() || local.ends_with('/') {
                format!("{local}index.html")
            } else {
                local.to_string()
            };
            if !site.join(&target).is_file() {
                problems.push(format!("{page}: the link {link} leads to no page"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "content/ breaks its contract:\n{}",
        problems.join("\n")
    );
    eprintln!(
        "content/ keeps its contract: {} orderers, {} files",
        report.orderers, report.files
    );
}

/// A page without the build's line-breaking marks (`<wbr>` between phrases, no-wrap spans).
fn without_break_marks(html: &str) -> String {
    html.replace("<wbr>", "")
        .replace("<span class=\"nw\">", "")
        .replace("</span>", "")
}

/// How the templates write text into HTML (`&`, `<`, `>`, `"`, `'`).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn html_files(site: &Path) -> Vec<String> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "html"))
        .map(|entry| entry.path().strip_prefix(site).unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The values of every `href` and `src` attribute, unescaped.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            found.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    found
}
