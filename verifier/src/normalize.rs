//! What an orderer types, made canonical before anything else looks at it: NFKC (full-width
//! digits and letters), every hyphen, dash and space dropped, case folded; then length and
//! alphabet checked, so malformed input never reaches the store.

use unicode_normalization::UnicodeNormalization;

use crate::error::{Field, FieldError, MAX_NUMBER, MAX_RAW_CHARS, MIN_NUMBER};
use crate::keys::{AuthKey, KEY_LENGTH};

/// A 保証契約番号 in canonical form: ASCII digits and capital letters only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateNumber(String);

impl CertificateNumber {
    pub fn parse(raw: &str) -> Result<CertificateNumber, FieldError> {
        let field = Field::CertificateNumber;
        let text = fold(raw, field)?;
        if text.is_empty() {
            return Err(FieldError::Empty(field));
        }
        if let Some(c) = text.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(FieldError::Forbidden(field, c));
        }
        if !(MIN_NUMBER..=MAX_NUMBER).contains(&text.len()) {
            return Err(FieldError::NumberLength(text.len()));
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

impl std::str::FromStr for CertificateNumber {
    type Err = FieldError;

    fn from_str(raw: &str) -> Result<CertificateNumber, FieldError> {
        CertificateNumber::parse(raw)
    }
}

/// Parses a typed 認証キー: Crockford base32, where O reads as 0 and I, L as 1.
pub fn parse_key(raw: &str) -> Result<AuthKey, FieldError> {
    let field = Field::AuthKey;
    let text = fold(raw, field)?;
    if text.is_empty() {
        return Err(FieldError::Empty(field));
    }
    let mut canonical = String::with_capacity(KEY_LENGTH);
    for c in text.chars() {
        let mapped = match c {
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'U') => c,
            c => return Err(FieldError::Forbidden(field, c)),
        };
        canonical.push(mapped);
    }
    if canonical.len() != KEY_LENGTH {
        return Err(FieldError::KeyLength(canonical.len()));
    }
    Ok(AuthKey::from_canonical(canonical))
}

/// NFKC, drop separators, upper-case. Bounded so that a huge field costs nothing.
fn fold(raw: &str, field: Field) -> Result<String, FieldError> {
    if raw.chars().count() > MAX_RAW_CHARS {
        return Err(FieldError::TooLong(field));
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
            assert_eq!(fold(raw, Field::AuthKey).unwrap(), slow, "{raw:?}");
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
        assert_eq!(parse_key("ABCD").unwrap_err(), FieldError::KeyLength(4));
        assert_eq!(parse_key("ABCD").unwrap_err().field(), Field::AuthKey);
        assert_eq!(
            parse_key("ABCD-EFGH-JKMN-PQRS-TVWX-YZ0U").unwrap_err(),
            FieldError::Forbidden(Field::AuthKey, 'U')
        );
        assert_eq!(CertificateNumber::parse("12").unwrap_err(), FieldError::NumberLength(2));
        assert_eq!(
            CertificateNumber::parse("W2026/0001").unwrap_err(),
            FieldError::Forbidden(Field::CertificateNumber, '/')
        );
        assert_eq!(
            CertificateNumber::parse(&"1".repeat(500)).unwrap_err(),
            FieldError::TooLong(Field::CertificateNumber)
        );
        assert_eq!(parse_key("").unwrap_err(), FieldError::Empty(Field::AuthKey));
    }

    /// The wording an orderer reads, once per kind of mistake (the API answers carry it).
    #[test]
    fn messages_name_the_field_and_the_bound() {
        assert_eq!(
            FieldError::NumberLength(2).to_string(),
            "保証契約番号は英数字6〜20文字です（ハイフンを除いて2文字でした）"
        );
        assert_eq!(
            FieldError::Forbidden(Field::AuthKey, '!').to_string(),
            "認証キーに使えない文字「!」が含まれています"
        );
        assert_eq!(
            FieldError::TooLong(Field::AuthKey).to_string(),
            "入力が長すぎます（100文字まで）"
        );
    }
}
