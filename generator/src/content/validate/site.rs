//! Rules of the site as a whole: `site.yaml`, the glossary, the shared text, and one body in
//! two files.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::super::{GlossaryEntry, LocalGovCode, Orderer, OrdererKind, SiteConfig};
use super::{Problem, REQUIRED_SECTIONS};

impl SiteConfig {
    /// What `site.yaml`'s types cannot say: the base URL ends in `/`, every link is a web
    /// address.
    pub fn validate(&self) -> Vec<Problem> {
        let site = self;
        let mut found = Vec::new();
        let mut report = |field: &str, message: String, hint: String| {
            found.push(Problem {
                field: field.to_string(),
                message,
                hint,
            })
        };
        if !site.base_url.ends_with('/') {
            report(
                "base_url",
                "base_url は「/」で終わる必要があります".into(),
                format!("「{}/」と書いてください", site.base_url),
            );
        }
        if let Some(url) =
            (site.verification_service.url.as_ref()).filter(|u| u.starts_with("http") && !u.ends_with('/'))
        {
            report(
                "verification_service.url",
                "verification_service.url は「/」で終わる必要があります".into(),
                format!("「{url}/」と書いてください"),
            );
        }
        let service_contact = site.verification_service.contact.as_ref();
        let urls = [
            ("base_url", Some(&site.base_url)),
            ("issuer.url", Some(&site.issuer.url)),
            ("verification_service.url", site.verification_service.url.as_ref()),
            (
                "verification_service.contact.url",
                service_contact.and_then(|c| c.url.as_ref()),
            ),
            ("manual_video.page", site.manual_video.page.as_ref()),
            ("open_data.license.url", Some(&site.open_data.license.url)),
        ];
        for (field, url) in urls.into_iter().filter_map(|(f, u)| u.map(|u| (f, u))) {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                report(
                    field,
                    format!("「{url}」は URL ではありません"),
                    "https:// で始まる URL を書いてください".into(),
                );
            }
        }
        found
    }
}

/// An empty `wrong` term would match between every two characters of every file.
pub fn glossary_problems(entries: &[GlossaryEntry]) -> Vec<Problem> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.wrong.trim().is_empty() || e.right.trim().is_empty())
        .map(|(i, _)| Problem {
            field: format!("[{i}]"),
            message: "用語集に空の語があります".to_string(),
            hint: "wrong と right の両方に語を書くか、その項目を削除してください".to_string(),
        })
        .collect()
}

/// The shared texts the page needs that `sections` (by name) lacks.
pub fn missing_sections<T>(sections: &BTreeMap<String, T>) -> Vec<&'static str> {
    REQUIRED_SECTIONS
        .iter()
        .copied()
        .filter(|required| !sections.contains_key(*required))
        .collect()
}

/// The same body in two files: one name in one prefecture, or one code for one kind of body (a
/// city and its enterprise bureau may share a code; their names differ). `orderers` are sorted
/// by prefecture, name and path; each second file is returned with the first one's path.
pub fn duplicates<'a>(orderers: &[(&'a Path, &'a Orderer)]) -> Vec<(&'a Path, &'a Orderer, &'a Path)> {
    let mut by_name: HashMap<(&str, &str), &Path> = HashMap::with_capacity(orderers.len());
    let mut by_code: HashMap<(&LocalGovCode, &OrdererKind), &Path> = HashMap::new();
    let mut found = Vec::new();
    for &(path, o) in orderers {
        let first_by_name = *by_name.entry((&o.prefecture, &o.name)).or_insert(path);
        let first_by_code = o
            .code
            .as_ref()
            .map(|code| *by_code.entry((code, &o.kind)).or_insert(path));
        let twin = [Some(first_by_name), first_by_code]
            .into_iter()
            .flatten()
            .find(|first| *first != path);
        if let Some(first) = twin {
            found.push((path, o, first));
        }
    }
    found
}
