//! Stage 4: pages → disk. Every file goes to a staging directory beside the output while the
//! site renders (each rendering thread writes its own pages), and the staging directory is
//! swapped in only when every file is on disk, so a failed build never leaves half a site.
//!
//! A file whose bytes did not change since the previous build is not written again: it is
//! hard-linked from the previous output, which costs a directory entry instead of a new inode
//! and its blocks, and keeps its modification time for upload tools. The previous tree is
//! moved aside by the swap and handed back to the caller to remove, so that the command line
//! can remove it off the critical path.

use std::collections::HashMap;
use std::fs;
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use crate::diagnostics::Diagnostic;
use crate::render::{Sink, StreamedWrite};

/// Marks a directory as ours, so a mistyped `--out` never replaces someone's files. It also
/// holds the manifest: what each file was built from and what it holds.
pub const MARKER: &str = ".generator-output";
const MANIFEST_HEADER: &str = "generator-output 1";

/// What one output file was made from (`inputs`, zero when not known) and holds (`bytes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    pub inputs: u128,
    pub bytes: u128,
}

/// The new site being written beside the output.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    aside: PathBuf,
    /// The previous build's manifest, when the output holds one.
    previous: HashMap<String, Fingerprint>,
    /// When the previous manifest was written: a file changed after it (by hand) is not the
    /// file the manifest describes, and is never kept.
    previous_written: Option<SystemTime>,
    written: Mutex<Vec<(String, Fingerprint)>>,
    /// Rendered files whose bytes were unchanged, linked instead of written (for the report;
    /// pages reused without rendering are not among them).
    linked: AtomicUsize,
    committed: bool,
}

impl Staging {
    /// Checks the output is ours, clears what killed builds left, and opens the staging
    /// directory.
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        guard_output(out)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| Diagnostic::io(&parent, &e))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_leftovers(&parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let aside = parent.join(format!(".{name}.previous-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).map_err(|e| Diagnostic::io(&dir, &e))?;
        let marker = out.join(MARKER);
        let previous = fs::read_to_string(&marker)
            .map(|text| parse_manifest(&text))
            .unwrap_or_default();
        let previous_written = fs::metadata(&marker).and_then(|m| m.modified()).ok();
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            aside,
            previous,
            previous_written,
            written: Mutex::new(Vec::new()),
            linked: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// How many rendered files turned out unchanged and were linked instead of written.
    pub fn linked(&self) -> usize {
        self.linked.load(Ordering::Relaxed)
    }

    /// Writes the manifest and swaps the new site in. Returns the previous site, moved aside,
    /// for the caller to remove ([`remove_previous`]).
    pub fn commit(mut self) -> Result<Option<PathBuf>, Diagnostic> {
        let mut written = std::mem::take(&mut *self.written.lock().unwrap_or_else(PoisonError::into_inner));
        written.sort_by(|a, b| a.0.cmp(&b.0));
        let mut manifest = String::with_capacity(written.len() * 90);
        manifest.push_str(MANIFEST_HEADER);
        manifest.push('\n');
        for (path, f) in &written {
            manifest.push_str(&format!("{:032x} {:032x} {path}\n", f.inputs, f.bytes));
        }
        let marker = self.dir.join(MARKER);
        fs::write(&marker, manifest).map_err(|e| Diagnostic::io(&marker, &e))?;

        let out = self.out.clone();
        if out.exists() && exchange(&self.dir, &out).is_ok() {
            // One atomic step: `out` is the new site, the staging directory the previous one.
            self.committed = true;
            return match fs::rename(&self.dir, &self.aside) {
                Ok(()) => Ok(Some(self.aside.clone())),
                Err(_) => Ok(Some(self.dir.clone())),
            };
        }
        // No atomic exchange here (another OS, or a file system without it): two renames, with
        // an instant between them when `out` does not exist.
        let had_previous = out.exists();
        if had_previous {
            fs::rename(&out, &self.aside).map_err(|e| Diagnostic::io(&out, &e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &out) {
            if had_previous {
                let _ = fs::rename(&self.aside, &out);
            }
            return Err(Diagnostic::io(&out, &e));
        }
        self.committed = true;
        Ok(had_previous.then(|| self.aside.clone()))
    }

    /// The staging path for `path`, its directory created; refuses paths leaving the site.
    fn target(&self, path: &str) -> Result<PathBuf, Diagnostic> {
        if path
            .split('/')
            .any(|part| part == ".." || part == "." || part.is_empty())
            || path == MARKER
        {
            return Err(Diagnostic::new(path, "出力先の外には書き込めません"));
        }
        let target = self.dir.join(path);
        if let Some((directory, _)) = path.rsplit_once('/') {
            let directory = self.dir.join(directory);
            // Nearly every directory holds one page: try once, and build parents only when
            // the first try says they are missing.
            match fs::create_dir(&directory) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(_) => fs::create_dir_all(&directory).map_err(|e| Diagnostic::io(&directory, &e))?,
            }
        }
        Ok(target)
    }

    /// Whether the previous build's file at `path` holds these bytes.
    fn same_bytes(&self, path: &str, fingerprint: Fingerprint) -> bool {
        self.previous.get(path).is_some_and(|p| p.bytes == fingerprint.bytes)
    }

    fn link_previous(&self, path: &str, target: &Path) -> bool {
        let (Some(written), true) = (self.previous_written, self.previous.contains_key(path)) else {
            return false;
        };
        let source = self.out.join(path);
        let untouched = fs::symlink_metadata(&source)
            .and_then(|m| Ok(m.is_file() && m.modified()? <= written))
            .unwrap_or(false);
        untouched && fs::hard_link(&source, target).is_ok()
    }

    /// Adds a file to the manifest; `rendered_and_linked` counts it for the report.
    fn record(&self, path: &str, fingerprint: Fingerprint, rendered_and_linked: bool) {
        if rendered_and_linked {
            self.linked.fetch_add(1, Ordering::Relaxed);
        }
        self.written
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path.to_string(), fingerprint));
    }
}

/// A build's sink: every file goes to the staging directory, written or linked.
impl Sink for Staging {
    fn tracks_inputs(&self) -> bool {
        true
    }

    /// Links the previous build's file when it was made from the same inputs. False when it
    /// was not, or cannot be linked (gone, or a file system without hard links): the caller
    /// renders it then.
    fn reuse(&self, path: &str, inputs: u128) -> Result<bool, Diagnostic> {
        let Some(previous) = self.previous.get(path).copied() else {
            return Ok(false);
        };
        if inputs == 0 || previous.inputs != inputs {
            return Ok(false);
        }
        let target = self.target(path)?;
        let kept = self.link_previous(path, &target);
        if kept {
            self.record(path, previous, false);
        }
        Ok(kept)
    }

    fn put(&self, path: &str, bytes: &[u8], inputs: u128) -> Result<(), Diagnostic> {
        let target = self.target(path)?;
        let fingerprint = Fingerprint {
            inputs,
            bytes: xxhash_rust::xxh3::xxh3_128(bytes),
        };
        let linked = self.same_bytes(path, fingerprint) && self.link_previous(path, &target);
        if !linked {
            fs::write(&target, bytes).map_err(|e| Diagnostic::io(&target, &e))?;
        }
        self.record(path, fingerprint, linked);
        Ok(())
    }

    /// Writes through a buffer, hashing as it goes; a failure to write is reported on the
    /// file, whatever the writer's caller made of it. When the bytes turn out unchanged, the
    /// file becomes a link to the previous one, as in [`Sink::put`].
    fn put_streamed(&self, path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic> {
        let target = self.target(path)?;
        let file = fs::File::create(&target).map_err(|e| Diagnostic::io(&target, &e))?;
        // Hashed behind the buffer: the hash is fed 64 KiB at a time, not every small write.
        let mut out = BufWriter::with_capacity(
            1 << 16,
            HashingWriter {
                inner: file,
                hasher: xxhash_rust::xxh3::Xxh3::new(),
                written: 0,
                failed: None,
            },
        );
        let result = write(&mut out).and_then(|()| out.flush().map_err(|e| Diagnostic::io(&target, &e)));
        let hashed = out.get_mut();
        if let Some(e) = hashed.failed.take() {
            return Err(Diagnostic::io(&target, &e));
        }
        result?;
        let fingerprint = Fingerprint {
            inputs: 0,
            bytes: hashed.hasher.digest128(),
        };
        let written = hashed.written;
        // Linked beside the new file, then renamed over it: the file is there at every instant.
        let beside = target.with_extension("previous-link");
        let linked = self.same_bytes(path, fingerprint)
            && self.link_previous(path, &beside)
            && (fs::rename(&beside, &target).is_ok() || {
                let _ = fs::remove_file(&beside);
                false
            });
        self.record(path, fingerprint, linked);
        Ok(written)
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Passes bytes on, hashing and counting them, and keeps the first write error.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: xxhash_rust::xxh3::Xxh3,
    written: usize,
    failed: Option<std::io::Error>,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self.inner.write(bytes) {
            Ok(n) => {
                self.hasher.update(&bytes[..n]);
                self.written += n;
                Ok(n)
            }
            Err(e) => {
                let kind = e.kind();
                self.failed.get_or_insert(e);
                Err(kind.into())
            }
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn parse_manifest(text: &str) -> HashMap<String, Fingerprint> {
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return HashMap::new();
    }
    lines
        .filter_map(|line| {
            let (inputs, rest) = line.split_once(' ')?;
            let (bytes, path) = rest.split_once(' ')?;
            Some((
                path.to_string(),
                Fingerprint {
                    inputs: u128::from_str_radix(inputs, 16).ok()?,
                    bytes: u128::from_str_radix(bytes, 16).ok()?,
                },
            ))
        })
        .collect()
}

/// Removes a previous site that [`Staging::commit`] moved aside — only a directory named as
/// commit names them and marked as ours, so a wrong path can never delete someone's files.
pub fn remove_previous(path: &Path) -> Result<(), Diagnostic> {
    let named_by_us = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with('.') && (n.contains(".previous-") || n.contains(".staging-")));
    if !named_by_us || !path.join(MARKER).is_file() {
        return Err(Diagnostic::new(
            path,
            "生成器が退避した以前の出力ではないため削除しません",
        ));
    }
    fs::remove_dir_all(path).map_err(|e| Diagnostic::io(path, &e))
}

/// Swaps two directories in one step (`renameat2(RENAME_EXCHANGE)`), where the OS has it.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Staging and previous folders that a killed build left beside the output: removed unless
/// the build that made them is still running.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefixes = [format!(".{name}.staging-"), format!(".{name}.previous-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = prefixes.iter().find_map(|p| file_name.strip_prefix(p.as_str())) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid != std::process::id() && !process_is_running(pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn process_is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc, keep what may belong to a running build.
        true
    }
}

fn guard_output(out: &Path) -> Result<(), Diagnostic> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(
            Diagnostic::new(out, "出力先がディレクトリではありません").hint("--out に別の場所を指定してください")
        );
    }
    let empty = fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(false);
    if empty || out.join(MARKER).exists() {
        Ok(())
    } else {
        Err(
            Diagnostic::new(out, "出力先に生成器が作ったものではないファイルがあります")
                .hint("消えては困るファイルを守るため置き換えません。空のディレクトリか別の --out を指定してください"),
        )
    }
}
