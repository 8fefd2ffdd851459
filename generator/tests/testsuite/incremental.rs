//! Rebuilds do only what changed: pages made from unchanged inputs are not rendered again and
//! files whose bytes did not change are hard links to the previous build's — and the result
//! is always byte for byte what a build from nothing gives.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use crate::util::{snapshot, Scratch};

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
    let s = Scratch::new();
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
    let s = Scratch::new();
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
    let s = Scratch::new();
    generator::build(&s.options("2026-11-23")).unwrap();
    let report = generator::build(&s.options("2026-11-24")).unwrap();
    assert_eq!(report.rendered, report.files);
}

#[test]
fn an_output_file_changed_by_hand_is_rendered_again_not_kept() {
    let s = Scratch::new();
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
    let s = Scratch::new();
    generator::build(&s.options("2026-11-23")).unwrap();
    fs::write(s.path("public/.generator-output"), "not a manifest\n").unwrap();
    let report = generator::build(&s.options("2026-11-23")).unwrap();
    assert_eq!(report.rendered, report.files);
    assert_eq!(snapshot(&s.path("public")), fresh_build(&s));
}

#[test]
fn the_previous_site_is_handed_back_and_only_such_a_directory_is_removed() {
    let s = Scratch::new();
    generator::build(&s.options("2026-11-23")).unwrap();
    let report = generator::build_keeping_previous(&s.options("2026-11-23")).unwrap();
    let previous = report.previous.expect("the replaced site");
    assert!(previous.join("saiki-shi/index.html").is_file());
    generator::write::remove_previous(&previous).unwrap();
    assert!(!previous.exists());
    assert!(s.path("public/saiki-shi/index.html").is_file());

    // Never anything else: the output itself, or a look-alike without the marker.
    assert!(generator::write::remove_previous(&s.path("public")).is_err());
    let look_alike = s.path(".public.previous-1");
    fs::create_dir_all(&look_alike).unwrap();
    fs::write(look_alike.join("keep.txt"), "x").unwrap();
    assert!(generator::write::remove_previous(&look_alike).is_err());
    assert!(look_alike.join("keep.txt").exists());
}

#[test]
fn the_cli_removes_the_previous_site_in_the_background() {
    let s = Scratch::new();
    let build = || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_generator"))
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
    let second = build();
    assert!(
        second.contains("生成 10、"),
        "only the lists are rendered again: {second}"
    );
    assert!(s.path("public/saiki-shi/index.html").is_file());
    let gone = (0..200).any(|_| {
        let left = fs::read_dir(s.dir.path())
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().contains(".previous-"));
        if left {
            std::thread::sleep(Duration::from_millis(50));
        }
        !left
    });
    assert!(gone, "the previous site was removed");
}
