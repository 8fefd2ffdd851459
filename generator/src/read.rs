//! Reading the files a build consumes — content and templates — within bounds: only regular
//! files (a FIFO would block the build, a directory or a broken link would be skipped), never
//! through a symbolic link, at most [`MAX_FILE_BYTES`], and text only in UTF-8; and listing the
//! folders they are in, without following links. Each refusal is a Japanese diagnostic naming
//! the file.

use std::fs;
use std::io::Read;
use std::path::Path;

use walkdir::{DirEntry, WalkDir};

use crate::diagnostics::Diagnostic;

/// The largest content or template file read. The biggest real one is a few KiB; anything far
/// larger is a mistake (or an attack) that would make every page huge.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The bytes of a regular file, refusing anything else and anything over the limit.
pub fn bytes(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let metadata = fs::symlink_metadata(path).map_err(|e| Diagnostic::io(path, &e))?;
    let kind = metadata.file_type();
    if kind.is_symlink() {
        return Err(Diagnostic::new(path, "シンボリックリンクは読み込みません")
            .hint("リンク先のファイルそのものを置いてください"));
    }
    if !kind.is_file() {
        return Err(Diagnostic::new(
            path,
            "通常のファイルではありません（ディレクトリや特殊ファイルは読み込みません）",
        )
        .hint("この場所には通常のファイルだけを置いてください"));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(path, metadata.len()));
    }
    let mut data = Vec::with_capacity(metadata.len() as usize);
    // Read one byte past the limit: a file that grew after the check is still refused.
    fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut data))
        .map_err(|e| Diagnostic::io(path, &e))?;
    if data.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(path, data.len() as u64));
    }
    Ok(data)
}

/// The text of a regular UTF-8 file; other encodings are named with the line they break on.
pub fn text(path: &Path) -> Result<String, Diagnostic> {
    let data = bytes(path)?;
    String::from_utf8(data).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(valid)
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count() + 1)
            .unwrap_or(1);
        Diagnostic::new(
            path,
            "文字コードが UTF-8 ではありません（Shift_JIS などで保存されています）",
        )
        .at(Some((line, column)))
        .hint("エディタで文字コードを「UTF-8」にして保存し直してください")
    })
}

/// The entries under `dir`, at most `depth` folders down, sorted by name; symbolic links are
/// entries, never followed (a link to a parent folder would never end). A folder that cannot be
/// listed, `dir` included (missing, or not a folder), is an error on its path.
pub fn entries(dir: &Path, depth: usize) -> impl Iterator<Item = Result<DirEntry, Diagnostic>> + '_ {
    WalkDir::new(dir)
        .max_depth(depth)
        .sort_by_file_name()
        .into_iter()
        .filter_map(move |entry| match entry {
            Ok(entry) if entry.depth() > 0 => Some(Ok(entry)),
            Ok(root) if root.file_type().is_dir() => None,
            // The folder itself is a file: listed, it would be an error, never an empty folder.
            Ok(root) => Some(Err(Diagnostic::io(
                root.path(),
                &std::io::Error::from_raw_os_error(rustix::io::Errno::NOTDIR.raw_os_error()),
            ))),
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                // Without following links there is no loop: every error is the OS's own.
                let error = e.into_io_error().unwrap_or_else(|| std::io::Error::other("loop"));
                Some(Err(Diagnostic::io(&path, &error)))
            }
        })
}

fn too_large(path: &Path, size: u64) -> Diagnostic {
    Diagnostic::new(
        path,
        format!(
            "ファイルが大きすぎます（{} KiB、上限 {} KiB）",
            size.div_ceil(1024),
            MAX_FILE_BYTES / 1024
        ),
    )
    .hint("内容を確認してください。発注者一つ分のファイルは数 KiB です")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_small_regular_utf8_file() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.yaml");
        fs::write(&big, vec![b'a'; MAX_FILE_BYTES as usize + 1]).unwrap();
        assert!(text(&big).unwrap_err().message.contains("大きすぎます"));
        let sjis = dir.path().join("sjis.yaml");
        fs::write(&sjis, b"name: ok\nname: \x88\xa8\x89\xae\n").unwrap();
        let error = text(&sjis).unwrap_err();
        assert!(error.message.contains("UTF-8"), "{error}");
        assert_eq!((error.line, error.column), (Some(2), Some(7)));
        assert!(text(dir.path())
            .unwrap_err()
            .message
            .contains("通常のファイルではありません"));
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(dir.path().join("missing"), &link).unwrap();
        assert!(text(&link).unwrap_err().message.contains("シンボリックリンク"));
        let fifo = dir.path().join("fifo.yaml");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert!(text(&fifo)
            .unwrap_err()
            .message
            .contains("通常のファイルではありません"));
        let fine = dir.path().join("fine.yaml");
        fs::write(&fine, "name: 芦屋町\n").unwrap();
        assert_eq!(text(&fine).unwrap(), "name: 芦屋町\n");
    }
}
