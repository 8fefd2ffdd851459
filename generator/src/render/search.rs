//! The search index (`search.json`), fetched by the index's script on first use: every body of
//! the national code list — its name, its reading, its prefecture, and the slug of its page
//! when it is an orderer here (else `null`: the script answers that this site does not list
//! it) — and every other listed orderer (a 一部事務組合, an enterprise bureau) with its page.
//! Compact rows, `[name, reading, prefecture number, slug]`, so that 1,788 bodies and tens of
//! thousands of orderers stay a small download.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::content::{prefecture_number, LocalGovernments, Orderer, OrdererKind, PREFECTURES, PREFECTURE_SLUGS};
use crate::diagnostics::Diagnostic;

use super::cache::Output;

/// The rows, in code order for the bodies of the list, then the other orderers in index order.
pub fn rows(orderers: &[Orderer], list: Option<&LocalGovernments>) -> Vec<Value> {
    let listed = orderers.iter().filter(|o| !o.targets.is_empty());
    let mut bodies: HashMap<(&str, &str), &str> = HashMap::new();
    let mut others = Vec::new();
    for o in listed {
        let is_body = matches!(o.kind, OrdererKind::Municipality | OrdererKind::Prefecture)
            && list.is_some_and(|l| l.get(&o.prefecture, &o.name).is_some());
        if is_body {
            bodies.insert((&o.prefecture, &o.name), &o.slug);
        } else {
            let number = prefecture_number(&o.prefecture).unwrap_or(0);
            others.push(json!([o.name, o.reading.as_deref().unwrap_or(""), number, o.slug]));
        }
    }
    let mut rows: Vec<Value> = list
        .map(|l| l.by_code())
        .unwrap_or_default()
        .into_iter()
        .map(|b| {
            let slug = bodies.get(&(b.prefecture.as_str(), b.name.as_str()));
            let number = prefecture_number(&b.prefecture).unwrap_or(0);
            json!([b.name, b.reading, number, slug])
        })
        .collect();
    rows.extend(others);
    rows
}

/// Writes `search.json`: the prefectures (name and page, by number) and the rows.
pub fn render(orderers: &[Orderer], list: Option<&LocalGovernments>, out: Output<'_>) -> Result<usize, Diagnostic> {
    let prefectures: Vec<Value> = PREFECTURES
        .iter()
        .zip(PREFECTURE_SLUGS)
        .map(|(name, slug)| json!([name, slug]))
        .collect();
    let index = json!({ "prefectures": prefectures, "rows": rows(orderers, list) });
    let text = index.to_string();
    out.put("search.json", text.as_bytes(), 0)?;
    Ok(text.len())
}
