//! A calendar date as content writes it (`YYYY-MM-DD`, 西暦): an impossible date or a 和暦 one
//! is a parse error in the editor's words.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostics::shorten;
use crate::yaml::custom_error;

/// A calendar date written `YYYY-MM-DD` in YAML; an impossible date is a parse error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, schemars::JsonSchema)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shaped {
            return None;
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(Date)
    }

    pub fn iso(&self) -> String {
        // Written out rather than through chrono's `format`, which parses its pattern on every
        // call: pages format dozens of dates each. Years here have four digits (`parse`).
        format!("{:04}-{:02}-{:02}", self.0.year(), self.0.month(), self.0.day())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match Date::parse(&text) {
            Some(date) => Ok(date),
            None if text.len() == 10 && text.as_bytes()[4] == b'-' => Err(custom_error(
                format!("日付「{}」は存在しません", shorten(&text)),
                "実在する日付を YYYY-MM-DD（例: 2026-04-01）で書いてください",
            )),
            None => Err(custom_error(
                format!("「{}」は日付として読めません", shorten(&text)),
                "日付は YYYY-MM-DD（例: 2026-04-01）で書いてください。和暦ではなく西暦で書きます",
            )),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}
