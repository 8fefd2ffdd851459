//! Stage 4: files → disk. Every file goes to a staging folder beside the output while the
//! site renders (each rendering thread puts its own pages), and the staging folder is swapped in
//! only when every file is on disk, so a failed build never leaves half a site.
//!
//! A file the cache finds unchanged since the previous build is not written again: it is
//! hard-linked from the previous output, which costs a directory entry instead of a new inode
//! and its blocks, and keeps its modification time for upload tools. The staging folder is the
//! spare site when there is one ([`spare`]); folders beside the output are locked by the build
//! using them ([`lock`]).

mod lock;
mod spare;

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::render::{Manifest, Sink, StreamedWrite, MANIFEST_FILE as MARKER};

use lock::FolderLock;
use spare::{clear_way, same_file, Present};

/// Marks a new staging folder as a top directory (`chattr +T`), so that ext4 spreads the
/// folders made in it (one per page) over its block groups instead of crowding them next to the
/// output, where a site just removed (`rm -rf public`) freed thousands of inodes: ext4 without a
/// journal does not reuse an inode freed in the last minute (five, while its inode table is
/// unwritten) and every new inode looks past each such one in its group, so the cost of each
/// folder and file grew with the size of the site removed (`recently_deleted` in
/// fs/ext4/ialloc.c; the build's top kernel frames after a removal). Elsewhere, or where the
/// flag cannot be set, nothing changes.
#[cfg(target_os = "linux")]
fn spread_folders(dir: &Path) {
    use rustix::fs::{ioctl_getflags, ioctl_setflags, IFlags};
    if let Ok(folder) = fs::File::open(dir) {
        if let Ok(flags) = ioctl_getflags(&folder) {
            let _ = ioctl_setflags(&folder, flags | IFlags::TOPDIR);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn spread_folders(_dir: &Path) {}

/// The new site being written beside the output.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// Where the replaced site waits between two renames, where there is no atomic exchange.
    aside: PathBuf,
    /// Where the replaced site is kept for the next build.
    spare: PathBuf,
    /// What the staging directory already holds (the spare site of the build before): every
    /// file is replaced, kept when it is already the live file, or removed at commit.
    present: Present,
    /// Held while this build uses the staging folder: no other build takes it for a leftover.
    _lock: Option<FolderLock>,
    committed: bool,
}

impl Staging {
    /// Checks the output is ours, clears what killed builds left, and opens the staging
    /// directory: the spare site when there is one, else an empty directory.
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
        lock::remove_leftovers(&parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let aside = parent.join(format!(".{name}.previous-{}", std::process::id()));
        let spare = parent.join(format!(".{name}.spare"));
        let _ = fs::remove_dir_all(&dir);
        let (present, lock) = match spare::claim(&spare, &dir) {
            (Some(present), lock) => (Some(present), lock),
            (None, _) => {
                let lock = FolderLock::create(&dir).map_err(|e| Diagnostic::io(&dir, &e))?;
                spread_folders(&dir);
                (None, lock)
            }
        };
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            aside,
            spare,
            present,
            _lock: lock,
            committed: false,
        })
    }

    /// Removes what the reused staging directory held and the new site (`manifest`: every file
    /// this build put) does not, writes the manifest and swaps the new site in; the replaced
    /// site is kept as the spare.
    pub fn commit(mut self, manifest: &Manifest) -> Result<(), Diagnostic> {
        spare::remove_stale(&self.dir, &self.present, manifest)?;
        let marker = self.dir.join(MARKER);
        let _ = fs::remove_file(&marker);
        fs::write(&marker, manifest.text()).map_err(|e| Diagnostic::io(&marker, &e))?;

        let out = self.out.clone();
        // The replaced site waits at the staging folder's name (or the previous folder's) until
        // it is the spare: locked, it is no leftover to another build.
        let _replaced = FolderLock::try_lock(&out);
        if out.exists() && exchange(&self.dir, &out).is_ok() {
            // One atomic step: `out` is the new site, the staging directory the previous one.
            self.committed = true;
            self.keep_as_spare(&self.dir);
            return Ok(());
        }
        // No atomic exchange here (another OS, or a file system without it): two renames, with
        // an instant between them when `out` does not exist.
        let aside = self.aside.clone();
        let had_previous = out.exists();
        if had_previous {
            fs::rename(&out, &aside).map_err(|e| Diagnostic::io(&out, &e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &out) {
            if had_previous {
                let _ = fs::rename(&aside, &out);
            }
            return Err(Diagnostic::io(&out, &e));
        }
        self.committed = true;
        if had_previous {
            self.keep_as_spare(&aside);
        }
        Ok(())
    }

    /// The replaced site becomes the spare; if it cannot (another build kept one meanwhile),
    /// it is removed.
    fn keep_as_spare(&self, replaced: &Path) {
        if fs::rename(replaced, &self.spare).is_err() {
            let _ = fs::remove_dir_all(replaced);
        }
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
        let present = self.present.as_ref();
        if present.is_some_and(|files| files.contains(path)) {
            // Its folder is there. The file may be the live site's own (a hard link): it is
            // replaced, never written into.
            match fs::remove_file(&target) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(Diagnostic::io(&target, &e)),
            }
        } else if let Some((directory, _)) = path.rsplit_once('/') {
            if present.is_some() {
                // A reused staging directory may hold a folder, or a file, where this build puts
                // the other (a page moved to a new address): it goes.
                clear_way(&self.dir, path).map_err(|e| Diagnostic::io(&target, &e))?;
            }
            let directory = self.dir.join(directory);
            // Nearly every directory holds one page: try once, and build parents only when
            // the first try says they are missing.
            match fs::create_dir(&directory) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(_) => fs::create_dir_all(&directory).map_err(|e| Diagnostic::io(&directory, &e))?,
            }
        } else if present.is_some() {
            clear_way(&self.dir, path).map_err(|e| Diagnostic::io(&target, &e))?;
        }
        Ok(target)
    }

    /// Whether the reused staging directory's file at `path` is the live file itself (linked by
    /// an earlier build), which then stays as it is.
    fn already_previous(&self, path: &str, live: &fs::Metadata) -> bool {
        self.present.as_ref().is_some_and(|files| files.contains(path))
            && fs::symlink_metadata(self.dir.join(path)).is_ok_and(|m| same_file(&m, live))
    }
}

/// A build's sink: every file goes to the staging directory, written or linked.
impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.target(path)?;
        fs::write(&target, bytes).map_err(|e| Diagnostic::io(&target, &e))
    }

    /// Writes straight to the file (the caller buffers); a failure to write is reported on the
    /// file, whatever the writer's caller made of it.
    fn put_streamed(&self, path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic> {
        let target = self.target(path)?;
        let file = fs::File::create(&target).map_err(|e| Diagnostic::io(&target, &e))?;
        let mut out = Counting {
            inner: file,
            written: 0,
            failed: None,
        };
        let result = write(&mut out);
        if let Some(e) = out.failed.take() {
            return Err(Diagnostic::io(&target, &e));
        }
        result?;
        Ok(out.written)
    }

    /// Nothing to do when the staging file is already the live one; else a hard link.
    fn put_previous(&self, path: &str, live: &fs::Metadata) -> Result<bool, Diagnostic> {
        if self.already_previous(path, live) {
            return Ok(true);
        }
        let target = self.target(path)?;
        Ok(fs::hard_link(self.out.join(path), &target).is_ok())
    }

    /// Linked beside the new file, then renamed over it.
    fn swap_in_previous(&self, path: &str) -> Result<bool, Diagnostic> {
        let target = self.dir.join(path);
        let beside = target.with_extension("previous-link");
        Ok(fs::hard_link(self.out.join(path), &beside).is_ok()
            && (fs::rename(&beside, &target).is_ok() || {
                let _ = fs::remove_file(&beside);
                false
            }))
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves the output as it was. A staging directory that was
    /// the spare (it has the marker) is the spare again — the next build checks or replaces
    /// every file in it; a new one goes.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let kept = self.dir.join(MARKER).is_file() && fs::rename(&self.dir, &self.spare).is_ok();
        if !kept {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Passes bytes on, counting them, and keeps the first write error.
struct Counting<W: Write> {
    inner: W,
    written: usize,
    failed: Option<std::io::Error>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self.inner.write(bytes) {
            Ok(n) => {
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
