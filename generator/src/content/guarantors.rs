//! The 保証事業会社 an orderer accepts, against the site's issuer: a list that names the issuer,
//! leaves room for others (「…等」「…など」「…ほか」) or names the companies generically
//! (「保証事業会社」) may be published here; a list of other companies only may not — the page
//! would tell a contractor to apply where the orderer does not accept the certificate.

use super::validate::Problem;
use super::{Issuer, Orderer};

/// Words that leave the list open: 「西日本建設業保証株式会社等」, 「…など」, 「…ほか2社」.
const OPEN_ENDED: &[&str] = &["等", "など", "ほか", "他"];
/// The generic name of the three companies.
const GENERIC: &str = "保証事業会社";

impl Orderer {
    /// Problems of `guarantors` for a site whose issuer is `issuer`.
    pub fn guarantor_problems(&self, issuer: &Issuer) -> Vec<Problem> {
        let Some(guarantors) = &self.guarantors else {
            return Vec::new();
        };
        if guarantors.is_empty() || guarantors.iter().any(|g| g.trim().is_empty()) {
            return vec![Problem {
                field: "guarantors".into(),
                message: "guarantors に空の項目があります".into(),
                hint: "出典が挙げる保証事業会社を書くか、出典が何も言わないなら guarantors を削除してください".into(),
            }];
        }
        let names_issuer = |g: &str| {
            std::iter::once(issuer.name.as_str())
                .chain(issuer.aliases.iter().map(String::as_str))
                .any(|name| g.contains(name))
        };
        let accepted = guarantors.iter().any(|g| {
            names_issuer(g) || g.contains(GENERIC) || OPEN_ENDED.iter().any(|word| g.trim_end().ends_with(word))
        });
        if accepted {
            return Vec::new();
        }
        vec![Problem {
            field: "guarantors".into(),
            message: format!(
                "guarantors（{}）に{}がありません：この発注者は{}の電子保証を受け付けないことになります",
                guarantors.join("、"),
                issuer.name,
                issuer.name
            ),
            hint: format!(
                "出典が{}を挙げていれば書き足してください。挙げていなければ、この発注者はこのサイトには載せられません",
                issuer.name
            ),
        }]
    }
}
