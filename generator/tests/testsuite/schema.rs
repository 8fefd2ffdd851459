//! The JSON Schemas of docs/schema/ and the field reference docs/editors/fields.md are what
//! `generator schema` makes of the model today, and every content file — the real ones and the
//! fixture sites' — is valid against them; the fixtures' first line is the schema line editors'
//! tools read (`generator new` writes it too).

use std::fs;
use std::path::Path;

use generator::schema::{generate, ORDERER_SCHEMA_PATH, REFERENCE_PATH, SITE_SCHEMA_PATH};

use crate::util::{fixtures, repo_root};

#[test]
fn the_committed_schemas_and_field_reference_are_current() {
    let generated = generate().unwrap();
    for (path, text) in [
        (ORDERER_SCHEMA_PATH, &generated.orderer),
        (SITE_SCHEMA_PATH, &generated.site),
        (REFERENCE_PATH, &generated.reference),
    ] {
        let committed = fs::read_to_string(repo_root().join(path)).unwrap_or_default();
        assert!(
            &committed == text,
            "{path} is stale: run `cargo run -p generator -- schema` and commit it"
        );
    }
}

/// Every site folder: the real content/ and each fixture site.
fn sites() -> Vec<std::path::PathBuf> {
    let mut sites = vec![repo_root().join("content")];
    let mut fixture_sites: Vec<_> = fs::read_dir(fixtures().join("sites"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixture_sites.sort();
    sites.extend(fixture_sites);
    sites
}

fn validator(path: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(repo_root().join(path)).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// The schema line a file's first line must be, relative to the file.
fn schema_line(file: &Path, schema: &str) -> String {
    let depth = file
        .parent()
        .unwrap()
        .strip_prefix(repo_root())
        .unwrap()
        .components()
        .count();
    format!("# yaml-language-server: $schema={}{schema}", "../".repeat(depth))
}

#[test]
fn every_content_file_is_valid_against_its_schema_and_names_it_on_its_first_line() {
    let orderer = validator(ORDERER_SCHEMA_PATH);
    let site = validator(SITE_SCHEMA_PATH);
    let mut problems = Vec::new();
    let mut checked = 0;
    for dir in sites() {
        // A site laid over another (`not-stated/` over `flyers/`) has only orderers of its own.
        let mut files: Vec<(std::path::PathBuf, &jsonschema::Validator, &str)> = Some(dir.join("site.yaml"))
            .filter(|p| p.exists())
            .map(|p| (p, &site, SITE_SCHEMA_PATH))
            .into_iter()
            .collect();
        let mut orderers: Vec<_> = fs::read_dir(dir.join("municipalities"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        orderers.sort();
        files.extend(orderers.into_iter().map(|p| (p, &orderer, ORDERER_SCHEMA_PATH)));
        for (file, validator, schema) in files {
            let text = fs::read_to_string(&file).unwrap();
            let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
            for error in validator.iter_errors(&value) {
                problems.push(format!("{}: {} at {}", file.display(), error, error.instance_path()));
            }
            // The real content's files are the editors': a file without the line still builds, and
            // no content edit may fail a test. The fixtures show the line as it is written.
            let wanted = schema_line(&file, schema);
            if !file.starts_with(repo_root().join("content")) && text.lines().next() != Some(wanted.as_str()) {
                problems.push(format!("{}: the first line is not `{wanted}`", file.display()));
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} files checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_schema_refuses_what_the_build_refuses_by_value() {
    let orderer = validator(ORDERER_SCHEMA_PATH);
    let good = fs::read_to_string(fixtures().join("sites/flyers/municipalities/saiki-shi.yaml")).unwrap();
    let value: serde_json::Value = serde_yaml::from_str(&good).unwrap();
    assert!(orderer.is_valid(&value));
    for (from, to) in [
        ("prefecture: 大分県", "prefecture: 大分"),
        ("guarantee_kinds: [契約保証,", "guarantee_kinds: [契約保証予約,"),
        ("from: 2024-12-01", "from: 令和6年12月1日"),
        ("code: \"442054\"", "code: \"44205\""),
        ("name: 佐伯市", "nmae: 佐伯市"),
        ("      step3: print", "      step3: printed"),
    ] {
        assert!(good.contains(from), "{from}");
        let value: serde_json::Value = serde_yaml::from_str(&good.replacen(from, to, 1)).unwrap();
        assert!(!orderer.is_valid(&value), "{to} passed the schema");
    }
}
