//! Rebuilds do only what changed: pages made from unchanged inputs are not rendered again and
//! files whose bytes did not change are hard links to the previous build's — and the result
//! is always byte for byte what a build from nothing gives.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use crate::util::{snapshot, Scratch, REAL};

fn inode(path: &Path) -> u64 {
    fs::metadata(path).unwrap().ino()
}

/// The same content and templates built from nothing, elsewhere.
fn fresh_build(s: &Scratch) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut options = s.options("2026-11-23");
    options.out = s.path("fresh");
    generator::build(&options).unwrap();
    snapshot(&s.path("fresh"))
}

#[test]
fn a_one_file_edit_renders_that_page_and_the_lists_and_keeps_the_rest() {
    let s = Scratch::of(REAL);
    let first = generator::build(&s.options("2026-11-23")).unwrap();
    assert_eq!(first.rendered, first.files, "a first build renders everything");
    let kept = s.path("public/ashiya-machi/index.html");
    let edited = s.path("public/saiki-shi/index.html");
    let (kept_before, edited_before) = (inode(&kept), inode(&edited));

    s.edit(
        "content/municipalities/saiki-shi.yaml",
        "        name: 契約検査課契約係\n",
        "        name: 契約検査課契約係\n        phone: 0972-22-3100\n",
    );
    let second = generator::build(&s.options("2026-11-23")).unwrap();
    let listings = first.files - first.orderers;
    assert_eq!(second.rendered, listings + 1, "{second:?}");
    // The page and the open data changed; the other lists show nothing of a phone number.
    assert_eq!(second.written, 2, "{second:?}");
    assert_eq!(
        inode(&kept),
        kept_before,
        "an unchanged page is the previous build's file"
    );
    assert_ne!(inode(&edited), edited_before);
    assert!(fs::read_to_string(&edited).unwrap().contains("0972-22-3100"));
    assert_eq!(snapshot(&s.path("public")), fresh_build(&s));
}

#[test]
fn a_template_edit_renders_every_page_again() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    s.edit(
        "templates/orderer.html",
        "<h2 id=\"mechanism\">",
        "<h2 id=\"mechanism\" class=\"edited\">",
    );
    let report = generator::build(&s.options("2026-11-23")).unwrap();
    assert_eq!(report.rendered, report.files);
    assert!(fs::read_to_string(s.path("public/saiki-shi/index.html"))
        .unwrap()
        .contains("class=\"edited\""));
    assert_eq!(snapshot(&s.path("public")), fresh_build(&s));
}

#[test]
fn a_new_build_date_renders_every_page_again() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    let report = generator::build(&s.options("2026-11-24")).unwrap();
    assert_eq!(report.rendered, report.files);
}

#[test]
fn an_output_file_changed_by_hand_is_rendered_again_not_kept() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    let page = s.path("public/saiki-shi/index.html");
    // A later modification time than the manifest's, as any edit after the build has.
    std::thread::sleep(Duration::from_millis(20));
    fs::write(&page, "changed by hand").unwrap();
    generator::build(&s.options("2026-11-23")).unwrap();
    assert_ne!(fs::read_to_string(&page).unwrap(), "changed by hand");
    assert_eq!(snapshot(&s.path("public")), fresh_build(&s));
}

#[test]
fn a_damaged_manifest_only_costs_a_full_render() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    fs::write(s.path("public/.generator-output"), "not a manifest\n").unwrap();
    let report = generator::build(&s.options("2026-11-23")).unwrap();
    assert_eq!(report.rendered, report.files);
    assert_eq!(snapshot(&s.path("public")), fresh_build(&s));
}

/// The files and folders beside the output whose names start with `.public`.
fn beside(s: &Scratch) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    names.sort();
    names
}

#[test]
fn the_replaced_site_is_kept_and_becomes_the_next_staging_directory() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    assert!(beside(&s).is_empty(), "a first build replaces nothing");
    generator::build(&s.options("2026-11-23")).unwrap();
    assert_eq!(beside(&s), [".public.spare"]);
    let spare_folder = inode(&s.path(".public.spare/saiki-shi"));
    let live_page = inode(&s.path("public/saiki-shi/index.html"));

    let third = generator::build(&s.options("2026-11-23")).unwrap();
    assert_eq!(third.written, 0, "{third:?}");
    // The spare's folders are the new site's: nothing was created or deleted for the page.
    assert_eq!(inode(&s.path("public/saiki-shi")), spare_folder);
    assert_eq!(inode(&s.path("public/saiki-shi/index.html")), live_page);
    assert_eq!(beside(&s), [".public.spare"]);
    assert_eq!(snapshot(&s.path("public")), fresh_build(&s));
}

#[test]
fn a_removed_orderer_leaves_no_page_and_no_folder_in_later_builds() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    generator::build(&s.options("2026-11-23")).unwrap();
    fs::remove_file(s.path("content/municipalities/ashiya-machi.yaml")).unwrap();
    // Twice: the second build's staging directory is the spare that still has the page.
    rebuild_as_from_nothing(&s, 2);
    assert!(!s.path("public/ashiya-machi").exists());
    assert!(!s.path(".public.spare/ashiya-machi").exists());
}

/// Builds `times` times, each time checking the site is what a build from nothing gives.
fn rebuild_as_from_nothing(s: &Scratch, times: usize) {
    for _ in 0..times {
        generator::build(&s.options("2026-11-23")).unwrap();
        assert_eq!(snapshot(&s.path("public")), fresh_build(s));
    }
}

#[test]
fn files_put_in_the_site_by_hand_do_not_come_back_through_the_spare() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    generator::build(&s.options("2026-11-23")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    // In the live site: an extra file, and a page changed where it is (the spare shares it).
    fs::write(s.path("public/extra.html"), "by hand").unwrap();
    fs::OpenOptions::new()
        .append(true)
        .open(s.path("public/saiki-shi/index.html"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"by hand"))
        .unwrap();
    // In the spare: a folder where a file goes, a file where a folder goes.
    fs::remove_file(s.path(".public.spare/sitemap.xml")).unwrap();
    fs::create_dir_all(s.path(".public.spare/sitemap.xml/deep")).unwrap();
    fs::write(s.path(".public.spare/sitemap.xml/deep/file"), "x").unwrap();
    fs::remove_dir_all(s.path(".public.spare/ashiya-machi")).unwrap();
    fs::write(s.path(".public.spare/ashiya-machi"), "a file").unwrap();
    rebuild_as_from_nothing(&s, 3);
}

#[test]
fn a_failed_render_keeps_the_site_and_the_next_build_is_whole() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    generator::build(&s.options("2026-11-23")).unwrap();
    let before = snapshot(&s.path("public"));
    s.edit("templates/orderer.html", "<h1>", "<h1>{{ no_such_value }}");
    assert!(generator::build(&s.options("2026-11-23")).is_err());
    assert_eq!(snapshot(&s.path("public")), before);
    assert_eq!(
        beside(&s),
        [".public.spare"],
        "the half-made staging directory is the spare"
    );
    s.edit("templates/orderer.html", "<h1>{{ no_such_value }}", "<h1>");
    generator::build(&s.options("2026-11-23")).unwrap();
    assert_eq!(snapshot(&s.path("public")), fresh_build(&s));
}

#[test]
fn a_failed_first_render_leaves_nothing_beside_the_output() {
    let s = Scratch::of(REAL);
    s.edit("templates/orderer.html", "<h1>", "<h1>{{ no_such_value }}");
    assert!(generator::build(&s.options("2026-11-23")).is_err());
    assert!(beside(&s).is_empty(), "{:?}", beside(&s));
    s.edit("templates/orderer.html", "<h1>{{ no_such_value }}", "<h1>");
    rebuild_as_from_nothing(&s, 2);
    assert_eq!(beside(&s), [".public.spare"]);
}

#[test]
fn a_folder_named_like_the_spare_but_not_ours_is_neither_used_nor_touched() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    fs::create_dir_all(s.path(".public.spare/saiki-shi")).unwrap();
    fs::write(s.path(".public.spare/saiki-shi/index.html"), "not ours").unwrap();
    rebuild_as_from_nothing(&s, 2);
    assert_eq!(
        fs::read_to_string(s.path(".public.spare/saiki-shi/index.html")).unwrap(),
        "not ours"
    );
}

#[test]
fn the_cli_rebuilds_only_the_lists_and_keeps_one_spare() {
    let s = Scratch::of(REAL);
    let build = || {
        let output = std::process::Command::new(crate::util::generator_exe())
            .args(["build", "--date", "2026-11-23", "--content"])
            .arg(s.path("content"))
            .arg("--templates")
            .arg(s.path("templates"))
            .arg("--out")
            .arg(s.path("public"))
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    build();
    for _ in 0..2 {
        let again = build();
        assert!(
            again.contains("生成 64、"),
            "only the lists, the accessibility page, the 47 prefectures' pages, search.json, national.css, search.js and the verify site (5 files) are rendered again: {again}"
        );
        assert!(again.contains("うち内容が変わったもの 0"), "{again}");
    }
    assert_eq!(beside(&s), [".public.spare"]);
    assert!(s.path("public/saiki-shi/index.html").is_file());
}
