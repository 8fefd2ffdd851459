//! 全国地方公共団体コード (JIS X 0402): six digits with their check digit, and the prefectures
//! by number in JIS order.

use serde::{Deserialize, Deserializer, Serialize};

use crate::diagnostics::shorten;
use crate::yaml::custom_error;

/// 全国地方公共団体コード: five digits and a check digit (JIS X 0402).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct LocalGovCode(String);

impl LocalGovCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefecture part (first two digits), 1–47.
    pub fn prefecture_number(&self) -> u32 {
        self.0[..2].parse().unwrap_or(0)
    }

    /// Validates shape, check digit and prefecture number.
    pub fn parse(text: &str) -> Result<LocalGovCode, (String, String)> {
        if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err((
                format!("全国地方公共団体コード「{}」は6桁の数字ではありません", shorten(text)),
                "検査数字を含む6桁を引用符で囲んで書いてください（例: code: \"403814\"）".to_string(),
            ));
        }
        let digits: Vec<u32> = text.bytes().map(|b| u32::from(b - b'0')).collect();
        let expected = check_digit(&digits[..5]);
        if digits[5] != expected {
            return Err((
                format!("全国地方公共団体コード「{text}」の検査数字（6桁目）が正しくありません"),
                format!(
                    "前5桁が {} なら6桁目は {expected} です。総務省のコード表で確認してください",
                    &text[..5]
                ),
            ));
        }
        let code = LocalGovCode(text.to_string());
        if prefecture_name(code.prefecture_number()).is_none() {
            return Err((
                format!("全国地方公共団体コード「{text}」の都道府県番号（先頭2桁）がありません"),
                "先頭2桁は 01（北海道）から 47（沖縄県）です".to_string(),
            ));
        }
        Ok(code)
    }
}

/// Weights 6,5,4,3,2; the check digit is the last digit of 11 − (sum mod 11).
fn check_digit(first_five: &[u32]) -> u32 {
    let sum: u32 = first_five.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    (11 - sum % 11) % 10
}

impl<'de> Deserialize<'de> for LocalGovCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CodeVisitor)
    }
}

/// A code written without quotes is a YAML number: its leading zero is gone (北海道's 011002
/// reads as 11002) and it may even read as octal, so it is refused with the quoted form.
struct CodeVisitor;

impl<'de> serde::de::Visitor<'de> for CodeVisitor {
    type Value = LocalGovCode;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a quoted six-digit code")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<LocalGovCode, E> {
        LocalGovCode::parse(text).map_err(|(message, hint)| custom_error(message, hint))
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<LocalGovCode, E> {
        Err(custom_error(
            format!("全国地方公共団体コード {number} が引用符で囲まれていません（数として読まれ、0 で始まるコードはその 0 が消えます）"),
            format!("code: \"{number:06}\" のように引用符で囲んでください（市町村・都道府県なら code は書かなくても一覧から決まります）"),
        ))
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<LocalGovCode, E> {
        match u64::try_from(number) {
            Ok(number) => self.visit_u64(number),
            Err(_) => Err(custom_error(
                format!("全国地方公共団体コード {number} は6桁の数字ではありません"),
                "検査数字を含む6桁を引用符で囲んで書いてください（例: code: \"403814\"）",
            )),
        }
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<LocalGovCode, E> {
        Err(custom_error(
            format!("全国地方公共団体コード {number} は6桁の数字ではありません"),
            "検査数字を含む6桁を引用符で囲んで書いてください（例: code: \"403814\"）",
        ))
    }
}

pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// The prefecture number (JIS X 0401) of a prefecture's name: the index's order.
pub fn prefecture_number(name: &str) -> Option<u32> {
    PREFECTURES.iter().position(|p| *p == name).map(|i| i as u32 + 1)
}

/// The prefecture for a two-digit prefecture number (JIS X 0401).
pub fn prefecture_name(number: u32) -> Option<&'static str> {
    number.checked_sub(1).and_then(|i| PREFECTURES.get(i as usize)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_codes_pass() {
        for code in ["403814", "442054", "131016", "220001", "200000", "011002"] {
            assert!(LocalGovCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn wrong_check_digit_is_rejected_with_the_right_digit() {
        let (message, hint) = LocalGovCode::parse("403815").unwrap_err();
        assert!(message.contains("検査数字"), "{message}");
        assert!(hint.contains("6桁目は 4"), "{hint}");
    }

    #[test]
    fn prefecture_from_code() {
        let code = LocalGovCode::parse("442054").unwrap();
        assert_eq!(prefecture_name(code.prefecture_number()), Some("大分県"));
        assert!(LocalGovCode::parse("4038").is_err());
    }
}
