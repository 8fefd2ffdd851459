//! The JSON Schemas of the orderer's and the site's files, and the editors' field reference,
//! from one source: the model's types (structure, required fields, every allowed value, via
//! `schemars`) and `schema/fields.yaml` (each field's Japanese description and example).
//! `generator schema` writes them; `generator schema --check` (and a test) says when the
//! committed ones are stale.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::content::{Orderer, SiteConfig, PREFECTURES};

/// Where the generated files are committed, from the repository's top folder.
pub const ORDERER_SCHEMA_PATH: &str = "docs/schema/orderer.schema.json";
pub const SITE_SCHEMA_PATH: &str = "docs/schema/site.schema.json";
pub const REFERENCE_PATH: &str = "docs/editors/fields.md";

mod reference;

use reference::{reference_of, REFERENCE_HEADER};

const FIELDS: &str = include_str!("fields.yaml");

/// One field's words.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Text {
    /// The example as written in fields.yaml, its keys in their order.
    Field {
        description: String,
        example: serde_yaml::Value,
    },
    /// A type's own description (`_`) or one allowed value's.
    Plain(String),
}

/// Each type's words, in the order fields.yaml gives them (the model's): the reference lists
/// fields in that order.
#[derive(Debug)]
struct Fields(Vec<(String, Vec<(String, Text)>)>);

impl Fields {
    fn parse(text: &str) -> Result<Fields, String> {
        let read = |e: serde_yaml::Error| format!("generator/src/schema/fields.yaml が読めません: {e}");
        let mapping: serde_yaml::Mapping = serde_yaml::from_str(text).map_err(read)?;
        let mut types = Vec::new();
        for (name, words) in mapping {
            let name = name.as_str().unwrap_or_default().to_string();
            let words: serde_yaml::Mapping = serde_yaml::from_value(words).map_err(read)?;
            let mut entries = Vec::new();
            for (key, text) in words {
                let key = match key {
                    serde_yaml::Value::String(key) => key,
                    other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_string(),
                };
                entries.push((key, serde_yaml::from_value(text).map_err(read)?));
            }
            types.push((name, entries));
        }
        Ok(Fields(types))
    }

    fn of(&self, name: &str) -> Option<&[(String, Text)]> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, words)| words.as_slice())
    }

    fn get(&self, name: &str, key: &str) -> Option<&Text> {
        self.of(name)?.iter().find(|(k, _)| k == key).map(|(_, text)| text)
    }

    /// Where a field stands in its type's order (fields.yaml's); unknown ones last.
    fn rank(&self, name: &str, key: &str) -> usize {
        self.of(name)
            .and_then(|words| words.iter().position(|(k, _)| k == key))
            .unwrap_or(usize::MAX)
    }
}

/// Everything `generator schema` writes, and the fields the model has that `fields.yaml`
/// does not describe yet (`type.field`).
#[derive(Debug)]
pub struct Generated {
    pub orderer: String,
    pub site: String,
    pub reference: String,
    pub undescribed: Vec<String>,
}

/// The two schemas and the field reference, as committed.
pub fn generate() -> Result<Generated, String> {
    let fields = Fields::parse(FIELDS)?;
    let mut undescribed = Vec::new();
    let orderer = schema::<Orderer>(
        &fields,
        "発注者のファイル（content/municipalities/*.yaml）",
        &mut undescribed,
    );
    let site = schema::<SiteConfig>(&fields, "サイトの設定（content/site.yaml）", &mut undescribed);
    let mut reference = String::new();
    reference_of(
        &mut reference,
        &fields,
        &orderer,
        "発注者のファイル（content/municipalities/<ファイル名>.yaml）",
    );
    reference_of(&mut reference, &fields, &site, "サイトの設定（content/site.yaml）");
    let pretty = |value: &Value| serde_json::to_string_pretty(value).map(|text| text + "\n");
    undescribed.sort();
    undescribed.dedup();
    Ok(Generated {
        orderer: pretty(&orderer).map_err(|e| e.to_string())?,
        site: pretty(&site).map_err(|e| e.to_string())?,
        reference: format!("{REFERENCE_HEADER}{reference}"),
        undescribed,
    })
}

/// The schema of `T` with Japanese words: the model's doc comments (English, for developers)
/// replaced by `fields`' descriptions, an example per field, and the values the model checks
/// by rule where a schema can say them (prefectures, the code's six digits).
fn schema<T: JsonSchema>(fields: &Fields, title: &str, undescribed: &mut Vec<String>) -> Value {
    let mut root = serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null);
    strip_descriptions(&mut root);
    let root_name = root
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    describe(&mut root, &root_name, fields, undescribed);
    if let Some(Value::Object(defs)) = root.get_mut("$defs") {
        for (name, def) in defs.iter_mut() {
            describe(def, name, fields, undescribed);
            match name.as_str() {
                "LocalGovCode" => {
                    def["pattern"] = json!("^[0-9]{6}$");
                }
                "Date" => {
                    def["pattern"] = json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
                }
                _ => {}
            }
        }
    }
    if root_name == "Orderer" {
        root["properties"]["prefecture"]["enum"] = json!(PREFECTURES.to_vec());
    }
    root["title"] = json!(title);
    root
}

/// A type's description, each property's description and example, each allowed value's
/// description.
fn describe(schema: &mut Value, name: &str, fields: &Fields, undescribed: &mut Vec<String>) {
    match fields.get(name, "_") {
        Some(Text::Plain(text)) => schema["description"] = json!(text),
        _ => undescribed.push(format!("{name}._")),
    }
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (field, property) in properties.iter_mut() {
            match fields.get(name, field) {
                Some(Text::Field { description, example }) => {
                    property["description"] = json!(description);
                    property["examples"] = json!([serde_json::to_value(example).unwrap_or(Value::Null)]);
                }
                _ => undescribed.push(format!("{name}.{field}")),
            }
        }
    }
    // Allowed values: `enum` as schemars writes it for values without doc comments, `oneOf`
    // of `const`s (or of small `enum`s) for values with them. Each value gets its words.
    let values = allowed_values(schema);
    if values.is_empty() {
        return;
    }
    let mut variants = Vec::new();
    for value in &values {
        match fields.get(name, value) {
            Some(Text::Plain(text)) => variants.push(json!({ "const": value, "description": text })),
            _ => {
                undescribed.push(format!("{name}.{value}"));
                variants.push(json!({ "const": value }));
            }
        }
    }
    if let Value::Object(object) = schema {
        object.remove("enum");
        object.remove("oneOf");
        object.insert("type".into(), json!("string"));
        object.insert("oneOf".into(), Value::Array(variants));
    }
}

/// The allowed values of a closed list, in the model's order.
fn allowed_values(schema: &Value) -> Vec<String> {
    let strings = |list: &Value| -> Vec<String> {
        list.as_array()
            .map(|values| values.iter().filter_map(Value::as_str).map(String::from).collect())
            .unwrap_or_default()
    };
    if let Some(list) = schema.get("enum") {
        return strings(list);
    }
    let Some(Value::Array(variants)) = schema.get("oneOf") else {
        return Vec::new();
    };
    variants
        .iter()
        .flat_map(|variant| match (variant.get("const"), variant.get("enum")) {
            (Some(Value::String(value)), _) => vec![value.clone()],
            (_, Some(list)) => strings(list),
            _ => Vec::new(),
        })
        .collect()
}

/// Every `description` the model's doc comments put in (they are English, for developers);
/// a field named `description` (in `properties`) stays.
fn strip_descriptions(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.remove("description");
            for (key, child) in object.iter_mut() {
                match (key.as_str(), child) {
                    ("properties", Value::Object(properties)) => properties.values_mut().for_each(strip_descriptions),
                    (_, child) => strip_descriptions(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_descriptions),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_value_and_type_is_described_in_japanese() {
        let generated = generate().unwrap();
        assert!(
            generated.undescribed.is_empty(),
            "add these to generator/src/schema/fields.yaml, then run `cargo run -p generator -- schema`: {:?}",
            generated.undescribed
        );
    }

    #[test]
    fn the_schema_lists_every_allowed_value_and_requires_what_the_model_requires() {
        let generated = generate().unwrap();
        let orderer: Value = serde_json::from_str(&generated.orderer).unwrap();
        let required = orderer["required"].as_array().unwrap();
        for field in [
            "name",
            "kind",
            "prefecture",
            "sources",
            "confirmed",
            "targets",
            "guarantee_kinds",
        ] {
            assert!(required.contains(&json!(field)), "{field}");
        }
        assert!(!required.contains(&json!("district")));
        assert_eq!(orderer["additionalProperties"], json!(false));
        assert_eq!(
            orderer["properties"]["prefecture"]["enum"].as_array().map(Vec::len),
            Some(47)
        );
        let kinds = &orderer["$defs"]["GuaranteeKind"]["oneOf"];
        let values: Vec<&str> = kinds
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["const"].as_str().unwrap())
            .collect();
        assert_eq!(values, ["前払金保証", "中間前払金保証", "契約保証"]);
        assert_eq!(orderer["properties"]["name"]["examples"], json!(["芦屋町"]));
        assert!(
            generated
                .reference
                .contains("| `targets[].kind_starts[].from` | はい | 日付 YYYY-MM-DD |"),
            "{}",
            generated.reference
        );
        assert!(
            generated.reference.contains("`submission.rules[].methods`"),
            "{}",
            generated.reference
        );
    }
}
