//! What an orderer types, made canonical before anything else looks at it: NFKC (full-width
//! digits and letters), every hyphen, dash and space dropped, case folded; then length and
//! alphabet checked, so malformed input never reaches the store.

use unicode_normalization::UnicodeNormalization;

use crate::keys::{AuthKey, KEY_LENGTH};

/// Which request field was wrong, and how, in words for the orderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

pub const NUMBER_FIELD: &str = "certificate_number";
pub const KEY_FIELD: &str = "auth_key";
const MIN_NUMBER: usize = 6;
const MAX_NUMBER: usize = 20;
/// Raw input longer than this is refused before normalisation does any work.
const MAX_RAW_CHARS: usize = 100;

/// A 保証契約番号 in canonical form: ASCII digits and capital letters only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateNumber(String);

impl CertificateNumber {
    pub fn parse(raw: &str) -> Result<CertificateNumber, FieldError> {
        let error = |message: String| FieldError {
            field: NUMBER_FIELD,
            message,
        };
        let text = fold(raw, NUMBER_FIELD)?;
        if text.is_empty() {
            return Err(error("保証契約番号を入力してください".into()));
        }
        if let Some(c) = text.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(error(format!("保証契約番号に使えない文字「{c}」が含まれています")));
        }
        if !(MIN_NUMBER..=MAX_NUMBER).contains(&text.len()) {
            return Err(error(format!(
                "保証契約番号は英数字{MIN_NUMBER}〜{MAX_NUMBER}文字です（ハイフンを除いて{}文字でした）",
                text.len()
            )));
        }
        Ok(CertificateNumber(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a typed 認証キー: Crockford base32, where O reads as 0 and I, L as 1.
pub fn parse_key(raw: &str) -> Result<AuthKey, FieldError> {
    let error = |message: String| FieldError {
        field: KEY_FIELD,
        message,
    };
    let text = fold(raw, KEY_FIELD)?;
    if text.is_empty() {
        return Err(error("認証キーを入力してください".into()));
    }
    let mut canonical = String::with_capacity(KEY_LENGTH);
    for c in text.chars() {
        let mapped = match c {
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'U') => c,
            c => return Err(error(format!("認証キーに使えない文字「{c}」が含まれています"))),
        };
        canonical.push(mapped);
    }
    if canonical.len() != KEY_LENGTH {
        return Err(error(format!(
            "認証キーは英数字{KEY_LENGTH}文字です（ハイフンを除いて{}文字でした）",
            canonical.len()
        )));
    }
    Ok(AuthKey::from_canonical(canonical))
}

/// NFKC, drop separators, upper-case. Bounded so that a huge field costs nothing.
fn fold(raw: &str, field: &'static str) -> Result<String, FieldError> {
    if raw.chars().count() > MAX_RAW_CHARS {
        return Err(FieldError {
            field,
            message: format!("入力が長すぎます（{MAX_RAW_CHARS}文字まで）"),
        });
    }
    // What browsers and API clients send is nearly always ASCII, which NFKC leaves as it is.
    if raw.is_ascii() {
        return Ok(raw
            .chars()
            .filter(|c| !is_separator(*c))
            .map(|c| c.to_ascii_uppercase())
            .collect());
    }
    Ok(raw
        .nfkc()
        .filter(|c| !is_separator(*c))
        .flat_map(char::to_uppercase)
        .collect())
}

/// Hyphens, dashes, minus signs, the long-vowel mark typed for a hyphen, and white space.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}' | '\u{FE58}' | '\u{FE63}' | '_'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_takes_a_short_path_to_the_same_result() {
        for raw in ["w2026-000123", " W2026 000123\t", "c8fk-2xcp_mqtw", "a-b-c"] {
            let slow: String = raw
                .nfkc()
                .filter(|c| !is_separator(*c))
                .flat_map(char::to_uppercase)
                .collect();
            assert_eq!(fold(raw, "f").unwrap(), slow, "{raw:?}");
        }
    }

    #[test]
    fn full_width_digits_and_dashes_are_folded() {
        let n = CertificateNumber::parse("Ｗ２０２６－０００１２３").unwrap();
        assert_eq!(n.as_str(), "W2026000123");
        assert_eq!(CertificateNumber::parse(" w2026 ‐ 000123 ").unwrap(), n);
        assert_eq!(CertificateNumber::parse("W2026ー000123").unwrap(), n);
    }

    #[test]
    fn keys_are_case_insensitive_and_map_confusables() {
        let key = parse_key("abcd-efgh-jkmn-pqrs-tvwx-yz01").unwrap();
        assert_eq!(key.as_str(), "ABCDEFGHJKMNPQRSTVWXYZ01");
        let confusable = parse_key("ABCD EFGH JKMN PQRS TVWX YZOI").unwrap();
        assert_eq!(confusable, key);
        assert_eq!(
            parse_key("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ－ＰＱＲＳ－ＴＶＷＸ－ＹＺ０１").unwrap(),
            key
        );
    }

    #[test]
    fn wrong_length_and_alphabet_name_the_field() {
        assert_eq!(parse_key("ABCD").unwrap_err().field, KEY_FIELD);
        assert!(parse_key("ABCD-EFGH-JKMN-PQRS-TVWX-YZ0U")
            .unwrap_err()
            .message
            .contains("「U」"));
        assert_eq!(CertificateNumber::parse("12").unwrap_err().field, NUMBER_FIELD);
        assert!(CertificateNumber::parse("W2026/0001")
            .unwrap_err()
            .message
            .contains("「/」"));
        assert!(CertificateNumber::parse(&"1".repeat(500))
            .unwrap_err()
            .message
            .contains("長すぎます"));
        assert!(parse_key("").unwrap_err().message.contains("入力してください"));
    }
}
