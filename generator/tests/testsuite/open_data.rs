//! `municipalities.json` as a machine reads it: it validates against the published schema
//! (`docs/schema/open-data.schema.json`) on both fixture sites and at two build dates, its text
//! is UTF-8 as it is, it says under which licence and as of which day, and it gives each fact
//! once.

use std::fs;

use crate::util::{repo_root, Scratch, FLYERS, REAL};

fn schema() -> jsonschema::Validator {
    let text = fs::read_to_string(repo_root().join("docs/schema/open-data.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("the schema itself is invalid: {e}"))
}

fn built(site: &str, date: &str) -> (String, serde_json::Value) {
    let scratch = Scratch::of(site);
    generator::build(&scratch.options(date)).unwrap_or_else(|e| panic!("{e}"));
    let text = fs::read_to_string(scratch.path("public/municipalities.json")).unwrap();
    let json = serde_json::from_str(&text).unwrap();
    (text, json)
}

#[test]
fn open_data_validates_against_its_schema_on_every_fixture_and_date() {
    let validator = schema();
    for (site, date) in [(FLYERS, "2026-11-23"), (REAL, "2026-11-23"), (REAL, "2026-12-02")] {
        let (text, json) = built(site, date);
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{site} at {date}:\n{}", errors.join("\n"));
        assert!(!text.contains("\\u"), "{site}: text escaped as \\uXXXX");
        assert!(text.contains("\"name\": \"佐伯市\""), "{site}: UTF-8 as it is");
        assert_eq!(json["built"], date);
    }
}

/// A record that breaks the schema is caught: the test above can fail.
#[test]
fn the_schema_refuses_a_default_stated_where_a_record_has_none_and_a_field_twice() {
    let validator = schema();
    let (_, json) = built(FLYERS, "2026-11-23");
    let mut twice = json.clone();
    twice["orderers"][0]["submission_rules"] = serde_json::json!([]);
    assert!(
        !validator.is_valid(&twice),
        "a second field for the rules must be refused"
    );
    let mut unknown = json.clone();
    unknown["orderers"][0]["targets"][0]["counted_from"] = serde_json::json!("契約日");
    assert!(!validator.is_valid(&unknown));
    let mut no_license = json;
    no_license.as_object_mut().unwrap().remove("license");
    assert!(!validator.is_valid(&no_license));
}

#[test]
fn open_data_says_its_licence_its_date_and_each_rule_once() {
    let (_, json) = built(REAL, "2026-12-02");
    assert_eq!(json["publisher"], "西日本建設業保証株式会社");
    assert_eq!(
        json["license"]["url"],
        "https://creativecommons.org/licenses/by/4.0/deed.ja"
    );
    // The latest confirmation of any record is the data's date; the build date is apart.
    assert_eq!(json["as_of"], "2026-11-23");
    assert_eq!(json["url"], "https://denshi-hosho.wjcs.net/municipalities.json");
    let records = json["orderers"].as_array().unwrap();
    for record in records {
        assert!(record.get("submission_rules").is_none(), "{}", record["slug"]);
        for rule in record["submission"]["rules"].as_array().unwrap() {
            assert!(
                !rule["guarantee_kinds"].as_array().unwrap().is_empty(),
                "{}",
                record["slug"]
            );
        }
    }
    let kunisaki = records.iter().find(|r| r["slug"] == "kunisaki-shi").unwrap();
    assert!(
        kunisaki["targets"][0]["counted_from"].is_null(),
        "国東市's page gives no counting day"
    );
    let shikokuchuo = records.iter().find(|r| r["slug"] == "shikokuchuo-shi").unwrap();
    assert!(shikokuchuo["submission"]["rules"][0]["step4"].is_null());
}
