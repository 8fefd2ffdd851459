//! The national code list (`content/data/local-governments.csv`, from 総務省's 全国地方公共団体コード):
//! every 都道府県 and 市区町村 with its code and reading. A 市町村's or 都道府県's file is
//! matched against it by `prefecture` + `name`: its code comes from the list (a code written in
//! the file must be the list's), its reading reaches open data, and a name the list does not
//! hold is an error that names the nearest ones.

use std::collections::HashMap;

use super::validate::Problem;
use super::{LocalGovCode, Orderer, OrdererKind};

/// Where the list is, inside `content/`.
pub const LIST_PATH: &str = "data/local-governments.csv";

/// One body of the list.
#[derive(Debug, Clone)]
pub struct LocalGovernment {
    pub code: LocalGovCode,
    pub prefecture: String,
    pub name: String,
    pub reading: String,
    pub prefecture_reading: String,
}

/// The list, by prefecture and name.
#[derive(Debug, Clone, Default)]
pub struct LocalGovernments {
    by_name: HashMap<(String, String), LocalGovernment>,
}

impl LocalGovernments {
    /// Parses the CSV (a header, then `code,prefecture,name,reading,prefecture_reading`); an
    /// error names the line.
    pub fn parse(text: &str) -> Result<LocalGovernments, (usize, String)> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, header)) if header.trim() == "code,prefecture,name,reading,prefecture_reading" => {}
            _ => return Err((1, "1行目は code,prefecture,name,reading,prefecture_reading です".into())),
        }
        let mut by_name = HashMap::new();
        for (i, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
            let fields: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
            let [code, prefecture, name, reading, prefecture_reading] = fields[..] else {
                return Err((i + 1, format!("項目が5つではありません（{}個）", fields.len())));
            };
            let code = LocalGovCode::parse(code).map_err(|(message, _)| (i + 1, message))?;
            let body = LocalGovernment {
                code,
                prefecture: prefecture.to_string(),
                name: name.to_string(),
                reading: reading.to_string(),
                prefecture_reading: prefecture_reading.to_string(),
            };
            if by_name
                .insert((prefecture.to_string(), name.to_string()), body)
                .is_some()
            {
                return Err((i + 1, format!("{prefecture}{name} が二度あります")));
            }
        }
        Ok(LocalGovernments { by_name })
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn get(&self, prefecture: &str, name: &str) -> Option<&LocalGovernment> {
        self.by_name.get(&(prefecture.to_string(), name.to_string()))
    }

    /// Every body of the list in code order (each prefecture, then its 市区町村).
    pub fn by_code(&self) -> Vec<&LocalGovernment> {
        let mut all: Vec<&LocalGovernment> = self.by_name.values().collect();
        all.sort_by(|a, b| a.code.cmp(&b.code));
        all
    }

    /// The names nearest to `name`: the same name in other prefectures first, then the closest
    /// spellings in `prefecture` (at most three in all).
    pub fn nearest(&self, prefecture: &str, name: &str) -> Vec<String> {
        let mut elsewhere: Vec<&LocalGovernment> = self
            .by_name
            .values()
            .filter(|b| b.name == name && b.prefecture != prefecture)
            .collect();
        elsewhere.sort_by(|a, b| a.code.cmp(&b.code));
        let mut close: Vec<(usize, &LocalGovernment)> = self
            .by_name
            .values()
            .filter(|b| b.prefecture == prefecture && b.name != b.prefecture)
            .map(|b| (strsim::levenshtein(name, &b.name), b))
            .filter(|(distance, b)| *distance <= (b.name.chars().count() / 2).max(1))
            .collect();
        close.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
        elsewhere
            .into_iter()
            .chain(close.into_iter().map(|(_, b)| b))
            .take(3)
            .map(|b| format!("{}{}", b.prefecture, b.name))
            .collect()
    }
}

impl Orderer {
    /// A 市町村 or 都道府県 takes its code and reading from the list; any other body keeps what
    /// its file says. A problem for a name the list does not hold, or a code that is not the
    /// list's.
    pub fn resolve_code(&mut self, list: &LocalGovernments) -> Vec<Problem> {
        if !matches!(self.kind, OrdererKind::Municipality | OrdererKind::Prefecture)
            || self.name.trim().is_empty()
            // Reported by `validate` already: the prefecture does not exist, or a 都道府県 is
            // named otherwise.
            || super::prefecture_number(&self.prefecture).is_none()
            || (self.kind == OrdererKind::Prefecture && self.name != self.prefecture)
        {
            return Vec::new();
        }
        let Some(body) = list.get(&self.prefecture, &self.name) else {
            let nearest = list.nearest(&self.prefecture, &self.name);
            return vec![Problem {
                field: "name".into(),
                message: format!(
                    "「{}{}」は全国地方公共団体コードの一覧にありません",
                    if self.name == self.prefecture {
                        ""
                    } else {
                        &self.prefecture
                    },
                    self.name
                ),
                hint: if nearest.is_empty() {
                    "name と prefecture を総務省の一覧（content/data/local-governments.csv）のとおりに書いてください"
                        .into()
                } else {
                    format!(
                        "近い名前: {}。name と prefecture を確かめてください",
                        nearest.join("、")
                    )
                },
            }];
        };
        let mut problems = Vec::new();
        match &self.code {
            Some(code) if *code != body.code => problems.push(Problem {
                field: "code".into(),
                message: format!(
                    "全国地方公共団体コード「{}」は{}{}のコード「{}」と違います",
                    code.as_str(),
                    if self.name == self.prefecture {
                        ""
                    } else {
                        &self.prefecture
                    },
                    self.name,
                    body.code.as_str()
                ),
                hint: "code は一覧から決まるので書かなくてかまいません。書くなら一覧のとおりにしてください".into(),
            }),
            _ => self.code = Some(body.code.clone()),
        }
        self.reading = Some(body.reading.clone());
        self.prefecture_reading = Some(body.prefecture_reading.clone());
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "code,prefecture,name,reading,prefecture_reading\n403814,福岡県,芦屋町,アシヤマチ,フクオカケン\n282065,兵庫県,芦屋市,アシヤシ,ヒョウゴケン\n403822,福岡県,水巻町,ミズマキマチ,フクオカケン\n";

    #[test]
    fn a_name_finds_its_body_and_a_misspelling_its_neighbours() {
        let list = LocalGovernments::parse(LIST).unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list.get("福岡県", "芦屋町").unwrap().code.as_str(), "403814");
        assert_eq!(list.nearest("福岡県", "芦谷町"), vec!["福岡県芦屋町"]);
        assert_eq!(list.nearest("兵庫県", "芦屋町"), vec!["福岡県芦屋町", "兵庫県芦屋市"]);
    }

    #[test]
    fn a_broken_list_names_its_line() {
        let (line, _) =
            LocalGovernments::parse("code,prefecture,name,reading,prefecture_reading\n403814,福岡県\n").unwrap_err();
        assert_eq!(line, 2);
        let (line, message) = LocalGovernments::parse(&format!("{LIST}403815,福岡県,x,x,x\n")).unwrap_err();
        assert_eq!(line, 5);
        assert!(message.contains("検査数字"), "{message}");
    }
}
