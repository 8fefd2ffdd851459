//! The prefectures' pages (`<romaji>/index.html`, one for each of the 47): that prefecture's
//! orderers one line each (the prefecture itself first), how many are in operation and how many
//! are planned, and every other local government of the national code list with the honest
//! status that this site does not list it. The same counts shade the index's map
//! ([`PrefectureView`]). Rust counts and groups; the pages are worded by
//! `templates/prefecture.html`.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use minijinja::value::Serde;
use minijinja::Value;
use serde::Serialize;

use crate::content::{prefecture_number, LocalGovernments, Orderer, OrdererKind, PREFECTURES, PREFECTURE_SLUGS, TILES};
use crate::diagnostics::Diagnostic;

use super::cache::Output;
use super::listing::ListedOrderers;
use super::phrases::LineBreaker;
use super::templates::Templates;

/// The shades of the map: a prefecture with at least `from` orderers in operation (and fewer
/// than the next shade's `from`) takes this shade. The legend lists them.
pub const SHADES: [usize; 5] = [0, 1, 2, 5, 10];

/// One prefecture as its page and the index's map and table see it.
#[derive(Debug, Clone, Serialize)]
pub struct PrefectureView {
    pub number: u32,
    pub name: &'static str,
    /// The name on the map's tile: without 都・府・県 (北海道 whole).
    pub short: &'static str,
    pub slug: &'static str,
    pub column: u8,
    pub row: u8,
    /// Orderers listed here (with targets): in operation, planned, without a start date.
    pub listed: usize,
    pub active: usize,
    pub planned: usize,
    pub undated: usize,
    /// The map's shade: the index of the last of [`SHADES`] that `active` reaches.
    pub shade: usize,
}

/// A shade of the map's legend: from how many orderers in operation, up to how many (none for
/// the last).
#[derive(Debug, Clone, Serialize)]
pub struct ShadeView {
    pub shade: usize,
    pub from: usize,
    pub to: Option<usize>,
}

pub fn shade_legend() -> Vec<ShadeView> {
    SHADES
        .iter()
        .enumerate()
        .map(|(shade, &from)| ShadeView {
            shade,
            from,
            to: SHADES.get(shade + 1).map(|next| next - 1),
        })
        .collect()
}

/// Every prefecture's counts and lists, in JIS order.
pub struct Prefectures {
    pub views: Vec<PrefectureView>,
    /// Each prefecture's listed orderers (positions in the orderers), the prefecture first.
    listed: Vec<Vec<u32>>,
    /// Each prefecture's local governments that are no orderer here, in code order.
    not_listed: Vec<Vec<String>>,
}

impl Prefectures {
    pub fn new(orderers: &[Orderer], list: Option<&LocalGovernments>, today: NaiveDate) -> Prefectures {
        let mut listed: Vec<Vec<u32>> = vec![Vec::new(); PREFECTURES.len()];
        let mut views: Vec<PrefectureView> = PREFECTURES
            .iter()
            .zip(PREFECTURE_SLUGS)
            .zip(TILES)
            .enumerate()
            .map(|(at, ((&name, slug), (column, row)))| PrefectureView {
                number: at as u32 + 1,
                name,
                short: if name == "北海道" {
                    name
                } else {
                    name.trim_end_matches(['都', '府', '県'])
                },
                slug,
                column,
                row,
                listed: 0,
                active: 0,
                planned: 0,
                undated: 0,
                shade: 0,
            })
            .collect();
        // The bodies of the code list that are an orderer here (a 市町村 or 都道府県 file).
        let mut bodies: HashSet<(&str, &str)> = HashSet::new();
        for (at, o) in orderers.iter().enumerate() {
            let Some(number) = prefecture_number(&o.prefecture) else {
                continue;
            };
            if o.targets.is_empty() {
                continue;
            }
            let i = number as usize - 1;
            listed[i].push(at as u32);
            let view = &mut views[i];
            view.listed += 1;
            match o.start_date() {
                Some(start) if start.0 <= today => view.active += 1,
                Some(_) => view.planned += 1,
                None => view.undated += 1,
            }
            if matches!(o.kind, OrdererKind::Municipality | OrdererKind::Prefecture) {
                bodies.insert((&o.prefecture, &o.name));
            }
        }
        for (i, positions) in listed.iter_mut().enumerate() {
            // The prefecture itself first; the others keep the index's order (by code).
            positions.sort_by_key(|&at| orderers[at as usize].kind != OrdererKind::Prefecture);
            let view = &mut views[i];
            view.shade = SHADES.iter().rposition(|&from| view.active >= from).unwrap_or(0);
        }
        let mut not_listed: Vec<Vec<String>> = vec![Vec::new(); PREFECTURES.len()];
        for body in list.map(|l| l.by_code()).unwrap_or_default() {
            if bodies.contains(&(body.prefecture.as_str(), body.name.as_str())) {
                continue;
            }
            if let Some(number) = prefecture_number(&body.prefecture) {
                not_listed[number as usize - 1].push(body.name.clone());
            }
        }
        Prefectures {
            views,
            listed,
            not_listed,
        }
    }

    /// How many things the prefecture's page lists (the template's budget).
    fn items(&self, at: usize) -> usize {
        self.listed[at].len() + self.not_listed[at].len()
    }
}

/// Renders the page of the prefecture at `at` (0–46) into `<romaji>/index.html`.
pub fn render(
    templates: &Templates,
    breaker: &LineBreaker,
    globals: &Value,
    (prefectures, orderers, today): (&Prefectures, &Arc<Vec<Orderer>>, NaiveDate),
    at: usize,
    out: Output<'_>,
) -> Result<usize, Diagnostic> {
    let view = &prefectures.views[at];
    let listed = ListedOrderers::new(orderers.clone(), prefectures.listed[at].clone(), today);
    let context = minijinja::context! {
        ..globals.clone(),
        ..minijinja::context! {
            prefecture => Serde(view),
            orderers => Value::from_object(listed),
            not_listed => &prefectures.not_listed[at],
        }
    };
    let text = breaker.apply(&templates.render_listing("prefecture.html", context, prefectures.items(at))?);
    out.put(&format!("{}/index.html", view.slug), text.as_bytes(), 0)?;
    Ok(text.len())
}
