//! Going on past a mistake: serde stops at the first field it cannot use, so to report a file's
//! other mistakes in the same run a copy of its text is mended and parsed again. A misspelt key
//! close to a known one is read as that key (its value is then checked too); any other offending
//! entry is blanked. Only that entry's lines change, so every later position stays right.

/// The text mended past the mistake on `line` (1-based): its key renamed to `meant` (when the
/// mistake is a misspelt key), else its entry blanked. Returns the key the mended text no longer
/// has, and the text; `None` when the line holds no block-style key.
pub fn mend(source: &str, line: usize, meant: Option<&str>) -> Option<(String, String)> {
    match meant {
        Some(meant) => rename_key(source, line, meant),
        None => blank_entry(source, line),
    }
}

/// The block-style key on a line: its byte offset in the line, the key, whether the line starts
/// a list item (`- key:`). `None` for flow style or a line that holds no key.
fn key_on(line: &str) -> Option<(usize, &str, bool)> {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    let after_spaces = &line[spaces..];
    let (dash, entry) = match after_spaces.strip_prefix("- ") {
        Some(rest) => (true, rest.trim_start_matches(' ')),
        None => (false, after_spaces),
    };
    let (key, _) = entry.split_once(':')?;
    let key = key.trim_end();
    if key.is_empty() || key.contains(['{', '[', ',', '#', '"', '\'']) {
        return None;
    }
    Some((line.len() - entry.len(), key, dash))
}

/// `source` with the key on `line` (1-based) renamed to `to`, or its entry blanked where its
/// mapping already has `to`.
fn rename_key(source: &str, line: usize, to: &str) -> Option<(String, String)> {
    let mut lines: Vec<String> = source.split('\n').map(str::to_string).collect();
    let text = lines.get(line.checked_sub(1)?)?;
    let (offset, key, dash) = key_on(text)?;
    if has_sibling(&lines, line - 1, offset, dash, to) {
        return blank_entry(source, line);
    }
    let renamed = format!("{}{to}{}", &text[..offset], &text[offset + key.len()..]);
    lines[line - 1] = renamed;
    Some((to.to_string(), lines.join("\n")))
}

/// Whether the mapping holding the key at `index` (at byte `indent`) also has `key`.
fn has_sibling(lines: &[String], index: usize, indent: usize, starts_item: bool, key: &str) -> bool {
    let indent_of = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let is_content = |line: &str| {
        let trimmed = line.trim_start();
        !trimmed.is_empty() && !trimmed.starts_with('#')
    };
    // Upward to the mapping's first entry (a `- ` item line, or a shallower line above it).
    if !starts_item {
        for line in lines[..index].iter().rev().filter(|l| is_content(l)) {
            match key_on(line) {
                Some((offset, found, dash)) if offset == indent => {
                    if found == key {
                        return true;
                    }
                    if dash {
                        break;
                    }
                }
                _ if indent_of(line) < indent => break,
                _ => {}
            }
        }
    }
    // Downward to the next item or a shallower line.
    for line in lines[index + 1..].iter().filter(|l| is_content(l)) {
        match key_on(line) {
            Some((offset, _, true)) if offset == indent => break,
            Some((offset, found, false)) if offset == indent && found == key => return true,
            _ if indent_of(line) < indent => break,
            _ => {}
        }
    }
    false
}

/// `source` with the block-style entry whose key is on `line` (1-based) emptied: the key's line
/// and the more-indented lines under it become blank lines, so the line count is unchanged.
/// A list item's leading `-` is kept. Returns the key and the new text.
fn blank_entry(source: &str, line: usize) -> Option<(String, String)> {
    let mut lines: Vec<&str> = source.split('\n').collect();
    let key_line = *lines.get(line.checked_sub(1)?)?;
    let (indent, key, dash) = key_on(key_line)?;
    let key = key.to_string();
    let spaces = key_line.len() - key_line.trim_start_matches(' ').len();
    let replacement = if dash {
        format!("{}-", " ".repeat(spaces))
    } else {
        String::new()
    };
    let mut end = line;
    while let Some(next) = lines.get(end) {
        let trimmed = next.trim_start_matches(' ');
        let next_indent = next.len() - trimmed.len();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && next_indent <= indent {
            break;
        }
        end += 1;
    }
    lines[line - 1] = &replacement;
    for blank in lines.iter_mut().take(end).skip(line) {
        *blank = "";
    }
    Some((key, lines.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanking_keeps_every_other_line_in_place() {
        let (key, text) = blank_entry("a: 1\n- b: 2\n  c:\n    - 3\nd: 4", 2).unwrap();
        assert_eq!(key, "b");
        assert_eq!(text, "a: 1\n-\n  c:\n    - 3\nd: 4");
        let (key, text) = blank_entry("a:\n  b: |\n    text\n\n    more\n  c: 1", 2).unwrap();
        assert_eq!(key, "b");
        assert_eq!(text, "a:\n\n\n\n\n  c: 1");
        assert!(blank_entry("{a: 1}", 1).is_none());
    }
}
