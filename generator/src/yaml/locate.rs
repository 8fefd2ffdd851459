//! Where a field named by its path (`targets[1].from`) is in a file's text: for problems found
//! after parsing (rules across fields and files), and for the values serde_yaml places at their
//! mapping instead of their own line.

/// Where a field written as a path — `code`, `targets[1].from`, `submission.rules[0].email`,
/// `[3]` — starts in `source` (block style), for problems found after parsing (duplicates
/// across files, rules across fields). The deepest part that exists is returned, so a problem
/// always has a line near it; `None` only when the first part is not in the file.
pub fn locate(source: &str, field: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let indent_of = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let is_content = |line: &str| {
        let trimmed = line.trim_start();
        !trimmed.is_empty() && !trimmed.starts_with('#')
    };
    // The lines of the node being searched: [start, end), and the column its entries start at
    // (None: the first content line decides).
    let (mut start, mut end) = (0usize, lines.len());
    let mut column: Option<usize> = None;
    let mut found: Option<(usize, usize)> = None;
    for part in path_parts(field) {
        let entry_column = column.or_else(|| lines[start..end].iter().find(|l| is_content(l)).map(|l| indent_of(l)));
        let Some(entry_column) = entry_column else { break };
        let hit = match &part {
            PathPart::Key(key) => (start..end).find(|&i| {
                let line = lines[i];
                let indent = indent_of(line);
                let rest = &line[indent..];
                (indent == entry_column && rest.starts_with(&format!("{key}:")))
                    || (indent + 2 == entry_column && rest.starts_with(&format!("- {key}:")))
            }),
            PathPart::Index(index) => (start..end)
                .filter(|&i| indent_of(lines[i]) == entry_column && lines[i][entry_column..].starts_with('-'))
                .nth(*index),
        };
        let Some(line) = hit else {
            break;
        };
        // Where the entry's own text starts, and the column its children start at.
        let indent = indent_of(lines[line]);
        let (at_column, child_column) = match part {
            PathPart::Key(_) if lines[line][indent..].starts_with("- ") => (indent + 3, None),
            PathPart::Key(_) => (indent + 1, None),
            PathPart::Index(_) => (indent + 1, Some(indent + 2)),
        };
        found = Some((line + 1, at_column));
        let own_column = if lines[line][indent..].starts_with("- ") {
            indent + 2
        } else {
            indent
        };
        let block_end = (line + 1..end)
            .find(|&i| is_content(lines[i]) && indent_of(lines[i]) <= own_column)
            .unwrap_or(end);
        match child_column {
            // A list item: its first key shares the `- ` line; the rest are indented to match.
            Some(child) => {
                start = line;
                end = (line + 1..end)
                    .find(|&i| is_content(lines[i]) && indent_of(lines[i]) < child)
                    .unwrap_or(end);
                column = Some(child);
            }
            None => {
                start = line + 1;
                end = block_end;
                column = None;
            }
        }
    }
    found
}

enum PathPart {
    Key(String),
    Index(usize),
}

/// `targets[1].from` → targets, 1, from; serde_path_to_error's and our own spelling.
fn path_parts(field: &str) -> Vec<PathPart> {
    let mut parts = Vec::new();
    for segment in field.split('.').filter(|s| !s.is_empty()) {
        let mut rest = segment;
        if let Some(bracket) = rest.find('[') {
            if bracket > 0 {
                parts.push(PathPart::Key(rest[..bracket].to_string()));
            }
            rest = &rest[bracket..];
            while let Some(inner) = rest.strip_prefix('[') {
                let Some((number, after)) = inner.split_once(']') else {
                    break;
                };
                match number.parse() {
                    Ok(index) => parts.push(PathPart::Index(index)),
                    Err(_) => break,
                }
                rest = after;
            }
        } else {
            parts.push(PathPart::Key(rest.to_string()));
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "name: 町\ntargets:\n  - category: 工事\n    from: 2026-04-01\n  - category: 業務\n    from: 2026-05-01\ncode: \"403814\"\n";

    #[test]
    fn locates_top_level_and_nested_fields() {
        assert_eq!(locate(SOURCE, "code"), Some((7, 1)));
        assert_eq!(locate(SOURCE, "targets[1]"), Some((5, 3)));
        assert_eq!(locate(SOURCE, "targets[1].from"), Some((6, 5)));
        assert_eq!(locate(SOURCE, "targets[0].category"), Some((3, 5)));
        assert_eq!(locate(SOURCE, "missing"), None);
    }

    #[test]
    fn locates_any_depth_and_falls_back_to_the_deepest_part_found() {
        let source = "name: 町\nsubmission:\n  documents: [認証キー]\n  rules:\n    - guarantee_kinds: [契約保証]\n      methods: [電子メール]\n    - methods: [持参]\n      email: a@b\ntargets:\n  - category: 工事\n    kind_starts:\n      - kind: 前払金保証\n        from: 2026-10-01\n- wrong: x\n";
        assert_eq!(locate(source, "submission.rules"), Some((4, 3)));
        assert_eq!(locate(source, "submission.rules[0]"), Some((5, 5)));
        assert_eq!(locate(source, "submission.rules[1].email"), Some((8, 7)));
        assert_eq!(locate(source, "submission.rules[1].to"), Some((7, 5)));
        assert_eq!(locate(source, "targets[0].kind_starts[0]"), Some((12, 7)));
        assert_eq!(locate(source, "targets[0].kind_starts[0].from"), Some((13, 9)));
        assert_eq!(locate(source, "[0]"), Some((14, 1)));
    }
}
