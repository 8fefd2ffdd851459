//! The content reference (docs/fields.md and `docs/editors/`: the generated field reference
//! `fields.md` and the editors' notes) is kept in
//! step with the model: every field the parser accepts and every value of every enumeration is
//! named there. The lists come from the parser itself (the
//! hint of an unknown field or value lists what is allowed), so a new field cannot go
//! undocumented.

use crate::util::{repo_root, Scratch, FLYERS};

/// What the parser allows where `probe` is written into the 芦屋町 file, as its hint lists it.
fn allowed(from: &str, probe: &str) -> Vec<String> {
    let s = Scratch::of(FLYERS);
    s.edit("content/municipalities/ashiya-machi.yaml", from, probe);
    let (errors, text) = s.check_errors();
    let hint = errors
        .iter()
        .find_map(|e| e.hint.clone())
        .unwrap_or_else(|| panic!("no hint in:\n{text}"));
    let list = hint
        .split_once("使える項目: ")
        .or_else(|| hint.split_once("使える値: "))
        .unwrap_or_else(|| panic!("no list in {hint:?}"))
        .1;
    list.split(", ").map(|s| s.trim().to_string()).collect()
}

#[test]
fn every_field_and_value_of_the_model_is_in_the_content_reference() {
    // The reference is docs/fields.md and docs/editors/: the generated field reference and the
    // editors' notes (the patterns' worked examples among them).
    let mut readme = std::fs::read_to_string(repo_root().join("docs/fields.md")).unwrap();
    if let Ok(entries) = std::fs::read_dir(repo_root().join("docs/editors")) {
        let mut notes: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        notes.sort();
        for note in notes.iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
            readme.push_str(&std::fs::read_to_string(note).unwrap());
        }
    }
    let fields = [
        (
            "",
            allowed("confirmed: 2026-11-23\n", "confirmed: 2026-11-23\nprobe_field: 1\n"),
        ),
        (
            "targets[].",
            allowed("  - category: 工事\n", "  - category: 工事\n    probe_field: 1\n"),
        ),
        (
            "submission.",
            allowed(
                "  documents: [認証キー]\n",
                "  documents: [認証キー]\n  probe_field: 1\n",
            ),
        ),
        (
            "submission.rules[].",
            allowed(
                "      and_others: true\n",
                "      and_others: true\n      probe_field: 1\n",
            ),
        ),
    ];
    for (prefix, names) in &fields {
        assert!(names.len() >= 3, "{prefix}: {names:?}");
        for name in names {
            let documented = readme.contains(&format!("`{prefix}{name}`"));
            assert!(documented, "the content reference (docs/editors/fields.md: run `cargo run -p generator -- schema`) does not document `{prefix}{name}`");
        }
    }
    let values = [
        allowed("kind: 市町村", "kind: 町"),
        allowed(
            "    counted_from: 契約締結\n  - category: 測量",
            "    counted_from: 公告\n  - category: 測量",
        ),
        allowed(
            "    counted_from: 契約締結\n  - category: 測量",
            "    counted_from: 契約締結\n    contracts: 全部\n  - category: 測量",
        ),
        allowed("    - methods: [電子メール]", "    - methods: [伝書鳩]"),
        allowed(
            "      and_others: true\n",
            "      and_others: true\n      timing: いつでも\n",
        ),
        allowed("      step4: pdf", "      step4: paper"),
        allowed("  connector: または", "  connector: と"),
    ];
    for list in &values {
        assert!(list.len() >= 2, "{list:?}");
        for value in list {
            assert!(
                readme.contains(&format!("`{value}`")),
                "the content reference (docs/editors/fields.md) does not name the value `{value}`"
            );
        }
    }
}
