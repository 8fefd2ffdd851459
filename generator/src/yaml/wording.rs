//! What a parser error says, in the words of a YAML file. serde_yaml 0.9 gives its errors no
//! kind (its error enum is private; only the location is public), so the kind is read once, here
//! and nowhere else, from the text that libyaml's scanner and serde's `de::Error` constructors
//! (`unknown_field`, `missing_field`, `invalid_type` …) write; everything else — where the error
//! is placed, how parsing goes on past it, its Japanese message and hint — is keyed on that kind.

use crate::diagnostics::shorten;

/// One parser error, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The YAML scanner or parser refused the text (a quote left open, a key without its `:`);
    /// `words` are libyaml's, `at` where the mistake is.
    Syntax {
        words: String,
        at: Option<(usize, usize)>,
    },
    /// A key written twice in one mapping, as the parser (not serde) notices it.
    DuplicateKey {
        words: String,
        at: Option<(usize, usize)>,
    },
    /// A key the type does not have; `expected` lists the ones it has.
    UnknownField {
        field: String,
        expected: Vec<String>,
    },
    /// A value the enumeration does not have.
    UnknownVariant {
        value: String,
        expected: Vec<String>,
    },
    MissingField(String),
    DuplicateField(String),
    /// A value of another shape (a list where a mapping goes, text where a number goes).
    WrongShape {
        found: String,
        expected: String,
    },
    /// Nesting past serde_yaml's recursion limit.
    TooDeep,
    /// Another data error serde names (a list of the wrong length …), in its words.
    OtherData(String),
    /// Raised by the content model's own types ([`custom_error`]): already Japanese.
    Ours {
        message: String,
        hint: String,
    },
}

impl ErrorKind {
    /// Reads serde_yaml's message (`full`, as its `Display` writes it: a path before, a position
    /// after).
    pub fn read(full: &str) -> ErrorKind {
        let raw = strip_path(&strip_location(full));
        if let Some((message, hint)) = raw.split_once(HINT_SEPARATOR) {
            return ErrorKind::Ours {
                message: message.to_string(),
                hint: hint.to_string(),
            };
        }
        if let Some(rest) = raw.strip_prefix("unknown field ") {
            let (field, expected) = split_expected(rest);
            return ErrorKind::UnknownField { field, expected };
        }
        if let Some(rest) = raw.strip_prefix("unknown variant ") {
            let (value, expected) = split_expected(rest);
            return ErrorKind::UnknownVariant { value, expected };
        }
        if let Some(rest) = raw.strip_prefix("duplicate field ") {
            return ErrorKind::DuplicateField(rest.trim_matches('`').to_string());
        }
        if raw.starts_with("recursion limit exceeded") {
            return ErrorKind::TooDeep;
        }
        if let Some(rest) = raw.strip_prefix("missing field ") {
            return ErrorKind::MissingField(rest.trim_matches('`').to_string());
        }
        for prefix in ["invalid type: ", "invalid value: "] {
            if let Some(rest) = raw.strip_prefix(prefix) {
                let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
                return ErrorKind::WrongShape {
                    found: found.to_string(),
                    expected: expected.to_string(),
                };
            }
        }
        let data = [
            "invalid type",
            "invalid value",
            "invalid length",
            "unknown field",
            "unknown variant",
            "missing field",
            "duplicate field",
            "recursion limit",
        ];
        if data.iter().any(|prefix| raw.starts_with(prefix)) {
            return ErrorKind::OtherData(raw);
        }
        let at = syntax_position(full);
        if raw.contains("duplicate entry") || raw.contains("duplicate key") {
            ErrorKind::DuplicateKey { words: raw, at }
        } else {
            ErrorKind::Syntax { words: raw, at }
        }
    }

    /// An error of the text, not of a field: it names no field and ends the file's report.
    pub fn is_syntax(&self) -> bool {
        matches!(self, ErrorKind::Syntax { .. } | ErrorKind::DuplicateKey { .. })
    }

    /// Where serde_yaml's own position is the mistake's (the scanner's, an unknown or missing
    /// key's); other errors it places at the enclosing mapping.
    pub fn placed_exactly(&self) -> bool {
        self.is_syntax() || matches!(self, ErrorKind::UnknownField { .. } | ErrorKind::MissingField(_))
    }

    /// The known key an unknown one was surely meant to be.
    pub fn meant(&self) -> Option<&str> {
        match self {
            ErrorKind::UnknownField { field, expected } => closest(field, expected),
            _ => None,
        }
    }

    /// The Japanese message and hint an editor reads.
    pub fn words(&self) -> (String, String) {
        match self {
            ErrorKind::Ours { message, hint } => (message.clone(), hint.clone()),
            ErrorKind::UnknownField { field, expected } => {
                let hint = match closest(field, expected) {
                    Some(candidate) => format!(
                        "「{candidate}」の書き間違いではありませんか。使える項目: {}",
                        expected.join(", ")
                    ),
                    None if expected.is_empty() => "この位置には項目を書けません".to_string(),
                    None => format!("使える項目: {}", expected.join(", ")),
                };
                (format!("不明な項目「{field}」があります"), hint)
            }
            ErrorKind::UnknownVariant { value, expected } => (
                format!("不明な値「{}」です", shorten(value)),
                format!("使える値: {}", expected.join(", ")),
            ),
            ErrorKind::DuplicateField(field) => (
                format!("項目「{field}」が二度書かれています"),
                "どちらか一方を削除してください".to_string(),
            ),
            ErrorKind::TooDeep => (
                "入れ子が深すぎます".to_string(),
                "字下げと括弧の対応を確認してください".to_string(),
            ),
            ErrorKind::MissingField(field) => (
                format!("必須の項目「{field}」がありません"),
                format!("「{field}:」を追加してください（content/municipalities/ の既存ファイルが見本になります）"),
            ),
            ErrorKind::WrongShape { found, expected } => (
                format!(
                    "値の形が違います（ここには{}を書きますが、{}が書かれています）",
                    shape(expected),
                    shape(found)
                ),
                "字下げと「- 」「: 」の位置を、見本のファイルと見比べてください".to_string(),
            ),
            ErrorKind::DuplicateKey { words, .. } => (
                format!("同じ項目が二度書かれています（{words}）"),
                "どちらか一方を削除してください".to_string(),
            ),
            ErrorKind::Syntax { words, .. } | ErrorKind::OtherData(words) => (
                format!("YAML として読めません（{words}）"),
                "インデント（半角スペース）、「:」の後の空白、引用符の対応を確認してください".to_string(),
            ),
        }
    }
}

/// Where a YAML syntax error is: the scanner names the problem and what it was scanning
/// ("… at line 5 column 1, while scanning a quoted scalar at line 3 column 6"). An unclosed
/// quote or a key without its `:` is noticed lines later; the mistake is where scanning began.
fn syntax_position(message: &str) -> Option<(usize, usize)> {
    let marks: Vec<(usize, usize)> = message
        .match_indices(" at line ")
        .filter_map(|(i, _)| {
            let rest = &message[i + " at line ".len()..];
            let (line, rest) = rest.split_once(" column ")?;
            let column: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            Some((line.parse().ok()?, column.parse().ok()?))
        })
        .collect();
    let noticed_late = message.contains("end of stream") || message.contains("could not find expected ':'");
    match (noticed_late, marks.as_slice()) {
        (true, [_, context, ..]) => Some(*context),
        (_, [problem, ..]) => Some(*problem),
        _ => None,
    }
}

/// serde_yaml appends "at line N column M" to its messages; we print the position ourselves.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// serde_yaml prefixes nested errors with their path (`targets[1]: …`); we print it ourselves.
fn strip_path(message: &str) -> String {
    if let Some((prefix, rest)) = message.split_once(": ") {
        let is_path = !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_alphanumeric() || "_[].".contains(c));
        if is_path {
            return rest.to_string();
        }
    }
    message.to_string()
}

/// serde's name for a kind of value, in the words of a YAML file.
fn shape(serde_words: &str) -> String {
    let words = serde_words.trim();
    if let Some(text) = words.strip_prefix("string ") {
        return format!("文字列「{}」", shorten(text.trim_matches('"')));
    }
    let name = if words.contains("sequence") {
        "リスト（「- 」で始まる行）"
    } else if words.contains("map") || words.contains("struct") {
        "項目の対応表（「項目: 値」の行）"
    } else if words.contains("string") || words.contains("char") {
        "文字列"
    } else if words.contains("boolean") {
        "true か false"
    } else if words.contains("integer")
        || words.contains("number")
        || words.contains("float")
        || words.starts_with('u')
        || words.starts_with('i')
    {
        "数値"
    } else if words.contains("unit") || words.contains("null") || words.contains("option") {
        "空の値"
    } else if words.contains("enum") || words.contains("variant") {
        "決められた値"
    } else {
        "別の形の値"
    };
    name.to_string()
}

/// Separates a Japanese message from its hint inside a serde custom error.
pub const HINT_SEPARATOR: &str = "\nヒント: ";

/// Builds the text of a custom deserialization error that [`parse`] splits back into
/// message and hint.
pub fn custom_error<E: serde::de::Error>(message: impl std::fmt::Display, hint: impl std::fmt::Display) -> E {
    E::custom(format!("{message}{HINT_SEPARATOR}{hint}"))
}

fn split_expected(rest: &str) -> (String, Vec<String>) {
    let (name, expected) = match rest.split_once(", expected") {
        Some((name, expected)) => (name, expected),
        None => (rest, ""),
    };
    let expected = expected
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect();
    (name.trim_matches('`').to_string(), expected)
}

fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(distance, c)| *distance <= 3.max(c.len() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_unknown_fields_with_a_suggestion() {
        let kind =
            ErrorKind::read("unknown field `start_dat`, expected one of `name`, `start_date` at line 2 column 1");
        assert_eq!(kind.meant(), Some("start_date"));
        let (message, hint) = kind.words();
        assert_eq!(message, "不明な項目「start_dat」があります");
        assert!(hint.starts_with("「start_date」の書き間違い"));
    }

    #[test]
    fn a_syntax_error_noticed_late_is_placed_where_scanning_began() {
        let kind = ErrorKind::read(
            "found unexpected end of stream at line 9 column 1, while scanning a quoted scalar at line 3 column 6",
        );
        assert!(kind.is_syntax() && kind.placed_exactly());
        assert!(matches!(kind, ErrorKind::Syntax { at: Some((3, 6)), .. }), "{kind:?}");
    }

    #[test]
    fn errors_of_the_content_models_types_pass_through() {
        let kind = ErrorKind::read(&format!(
            "targets[1].from: 日付「x」は存在しません{HINT_SEPARATOR}直してください"
        ));
        assert_eq!(
            kind.words(),
            ("日付「x」は存在しません".to_string(), "直してください".to_string())
        );
        assert!(!kind.is_syntax() && !kind.placed_exactly());
    }
}
