//! The editors' field reference (`docs/editors/fields.md`): one table per file, a row per field
//! by its path, from the generated schema and `fields.yaml`'s words.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{allowed_values, Fields, Text};

pub(super) const REFERENCE_HEADER: &str = "<!-- generator schema が生成します（型: generator/src/content/、説明と例: \
generator/src/schema/fields.yaml）。手で直さず、fields.yaml を直して `cargo run -p generator -- schema` を実行してください。 -->\n\
# 項目の一覧\n\n\
すべての項目を、必須かどうか、使える値、説明、例とともに挙げます。エディタ（VS Code と YAML 拡張機能）は同じ内容を\
JSON Schema（docs/schema/）から読み、入力中に補完と検査をします。\n";

/// The field reference of one file: a table of every field by its path (`targets[].from`),
/// depth first from the top of the file.
pub(super) fn reference_of(out: &mut String, fields: &Fields, root: &Value, title: &str) {
    let empty = Map::new();
    let defs = root.get("$defs").and_then(Value::as_object).unwrap_or(&empty);
    let _ = writeln!(out, "\n## {title}\n");
    if let Some(description) = root.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{description}\n");
    }
    let _ = writeln!(out, "| 項目 | 必須 | 使える値 | 説明 | 例 |\n|---|---|---|---|---|");
    let name = if title.contains("site.yaml") {
        "SiteConfig"
    } else {
        "Orderer"
    };
    rows(out, fields, (name, root), defs, "", &mut Vec::new());
}

fn rows(
    out: &mut String,
    fields: &Fields,
    (name, schema): (&str, &Value),
    defs: &Map<String, Value>,
    prefix: &str,
    seen: &mut Vec<String>,
) {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let mut ordered: Vec<(&String, &Value)> = properties.iter().collect();
    ordered.sort_by_key(|(field, _)| (fields.rank(name, field), field.to_string()));
    for (field, property) in ordered {
        let (target, list) = referenced(property, defs);
        let path = format!("{prefix}{field}");
        let values = values_text(property, target, list);
        let description = property.get("description").and_then(Value::as_str).unwrap_or_default();
        let example = match fields.get(name, field) {
            Some(Text::Field { example, .. }) => example_text(example),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| `{path}` | {} | {values} | {} | {example} |",
            if required.contains(&field.as_str()) {
                "はい"
            } else {
                ""
            },
            cell(description)
        );
        if let Some((child_name, def)) = target.filter(|(_, d)| d.get("properties").is_some()) {
            if !seen.contains(&child_name.to_string()) {
                seen.push(child_name.to_string());
                let child = format!("{path}{}.", if list { "[]" } else { "" });
                rows(out, fields, (child_name, def), defs, &child, seen);
                seen.pop();
            }
        }
    }
}

/// The type a property is of, when it is one of the file's own (through a list or an
/// optional value), and whether it is a list.
fn referenced<'a>(property: &'a Value, defs: &'a Map<String, Value>) -> (Option<(&'a str, &'a Value)>, bool) {
    let by_ref = |value: &'a Value| {
        value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .and_then(|name| defs.get(name).map(|def| (name, def)))
    };
    if let Some(found) = by_ref(property) {
        return (Some(found), false);
    }
    if let Some(items) = property.get("items") {
        return (by_ref(items), true);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = property.get(key) {
            for option in options {
                if let Some(found) = by_ref(option) {
                    return (Some(found), false);
                }
                if let Some(items) = option.get("items") {
                    return (by_ref(items), true);
                }
            }
        }
    }
    (None, false)
}

/// What may be written: the allowed values, or the kind of value.
fn values_text(property: &Value, target: Option<(&str, &Value)>, list: bool) -> String {
    let own = allowed_values(property);
    let values = if own.is_empty() {
        target.map(|(_, def)| allowed_values(def)).unwrap_or_default()
    } else {
        own
    };
    let kind = if values.len() > 12 {
        format!(
            "`{}` … `{}`（{} 件）",
            values[0],
            values[values.len() - 1],
            values.len()
        )
    } else if !values.is_empty() {
        values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join("、")
    } else {
        match target.map(|(name, _)| name) {
            Some("Date") => "日付 YYYY-MM-DD".to_string(),
            Some("LocalGovCode") => "6桁の数字（引用符で囲む）".to_string(),
            Some(_) => "下の項目".to_string(),
            None => match property.get("type") {
                Some(Value::String(t)) if t == "boolean" => "`true` / `false`".to_string(),
                Some(Value::String(t)) if t == "array" => "文字列のリスト".to_string(),
                _ if property.get("type").is_some_and(|t| t.to_string().contains("boolean")) => {
                    "`true` / `false`".to_string()
                }
                _ => "文字列".to_string(),
            },
        }
    };
    if list && !values_is_list_word(&kind) {
        format!("リスト: {kind}")
    } else {
        kind
    }
}

fn values_is_list_word(kind: &str) -> bool {
    kind.starts_with("文字列のリスト")
}

/// An example as YAML written on one line.
fn example_text(example: &serde_yaml::Value) -> String {
    let inline = flow(example);
    format!("`{}`", inline.replace('|', "\\|"))
}

/// A value in YAML's flow style: `[a, b]`, `{ name: x }`, keys in their order.
fn flow(value: &serde_yaml::Value) -> String {
    use serde_yaml::Value as Yaml;
    match value {
        Yaml::Sequence(items) => format!("[{}]", items.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Yaml::Mapping(mapping) => format!(
            "{{ {} }}",
            mapping
                .iter()
                .map(|(k, v)| format!("{}: {}", flow(k), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Yaml::String(text) if text.chars().all(|c| c.is_ascii_digit()) => format!("\"{text}\""),
        Yaml::String(text) => text.clone(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Null => "null".into(),
        Yaml::Tagged(tagged) => flow(&tagged.value),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
