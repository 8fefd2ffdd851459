//! The build is reproducible and never loses the previous site.

use std::fs;

use crate::util::{snapshot, Scratch, FLYERS, REAL};

#[test]
fn same_inputs_and_date_give_byte_identical_output() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    let first = snapshot(&s.path("public"));
    generator::build(&s.options("2026-11-23")).unwrap();
    let second = snapshot(&s.path("public"));
    assert_eq!(first, second);
    assert!(first.contains_key("ashiya-machi/index.html") && first.contains_key("saiki-shi/index.html"));
    generator::build(&s.as_of("2026-03-01")).unwrap();
    assert_ne!(first, snapshot(&s.path("public")), "the build date changes statuses");
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    let before = snapshot(&s.path("public"));
    s.edit(
        "content/municipalities/saiki-shi.yaml",
        "from: 2025-05-01",
        "from: 2026-02-30",
    );
    assert!(generator::build(&s.options("2026-11-23")).is_err());
    assert_eq!(before, snapshot(&s.path("public")));
    let leftovers: Vec<_> = fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no staging directory left behind: {leftovers:?}");
}

#[test]
fn a_template_failure_at_render_time_also_writes_nothing() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    let before = snapshot(&s.path("public"));
    s.edit(
        "templates/orderer.html",
        "{{ sections.about | safe }}",
        "{{ sections.about | safe }}{{ no_such_value.field }}",
    );
    let errors = generator::build(&s.options("2026-11-23")).unwrap_err();
    assert!(errors.to_string().contains("templates/orderer.html:"), "{errors}");
    assert_eq!(before, snapshot(&s.path("public")));
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_create() {
    let s = Scratch::of(REAL);
    fs::create_dir_all(s.path("public")).unwrap();
    fs::write(s.path("public/important.txt"), "keep me").unwrap();
    let errors = generator::build(&s.options("2026-11-23")).unwrap_err();
    assert!(
        errors.to_string().contains("生成器が作ったものではないファイル"),
        "{errors}"
    );
    assert_eq!(fs::read_to_string(s.path("public/important.txt")).unwrap(), "keep me");
}

#[test]
fn leftovers_of_killed_builds_are_removed_and_the_swap_keeps_a_site_in_place() {
    let s = Scratch::of(REAL);
    generator::build(&s.options("2026-11-23")).unwrap();
    // A build killed between staging and swap leaves these behind, locked by nobody.
    for leftover in [".public.staging-4194305", ".public.previous-4194306"] {
        fs::create_dir_all(s.path(leftover).join("deep")).unwrap();
        fs::write(s.path(leftover).join("deep/file"), "x").unwrap();
    }
    generator::build(&s.options("2026-11-24")).unwrap();
    let names: Vec<String> = fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    // Only the replaced site, kept for the next build.
    assert_eq!(names, [".public.spare"]);
    assert!(s.path("public/index.html").exists());
}

#[test]
fn a_folder_beside_the_output_is_a_leftover_when_no_build_holds_it_whatever_its_process_id() {
    let s = Scratch::of(FLYERS);
    generator::build(&s.options("2026-11-23")).unwrap();
    // Held by a build that is running (here: this test holds its lock), under an id no process
    // has.
    let held = s.path(".public.staging-4194307");
    fs::create_dir(&held).unwrap();
    let folder = fs::File::open(&held).unwrap();
    rustix::fs::flock(&folder, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();
    // Left by a killed build whose id a live process has now (init's).
    let left = s.path(".public.previous-1");
    fs::create_dir_all(left.join("deep")).unwrap();
    generator::build(&s.options("2026-11-24")).unwrap();
    assert!(held.exists(), "a folder a running build holds is kept");
    assert!(!left.exists(), "a folder nobody holds goes, though process 1 runs");
    drop(folder);
    generator::build(&s.options("2026-11-25")).unwrap();
    assert!(!held.exists(), "once its build is gone, it is a leftover");
}
