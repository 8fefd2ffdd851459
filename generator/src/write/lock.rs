//! Whose the folders beside the output are. A build's staging folder is named for its process
//! (`.public.staging-<pid>`, and `.public.previous-<pid>` for the replaced site between two
//! renames) and locked (`flock` on the folder itself) for as long as the build uses it; the lock
//! goes with the process, however it ends. A folder of that name that nobody holds is what a
//! killed build left, and the next build removes it. (A process id alone would not say it: ids
//! are reused, and a live stranger with the dead build's id kept its folder forever.)

use std::fs;
use std::path::Path;

/// An exclusive lock on a folder, held until dropped; it follows the folder through renames.
#[derive(Debug)]
pub struct FolderLock {
    /// The folder, open (read-only) while it is locked.
    folder: fs::File,
}

impl FolderLock {
    /// Locks `dir` without waiting; `None` when another build holds it or it cannot be opened.
    #[cfg(unix)]
    pub fn try_lock(dir: &Path) -> Option<FolderLock> {
        let folder = fs::File::open(dir).ok()?;
        rustix::fs::flock(&folder, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
        Some(FolderLock { folder })
    }

    /// Without `flock`, no folder is known to be free: leftovers are kept.
    #[cfg(not(unix))]
    pub fn try_lock(_dir: &Path) -> Option<FolderLock> {
        None
    }

    /// Creates `dir` and locks it. A build clearing leftovers may take a folder between its
    /// creation and its lock; the folder is then made again, a few times at most.
    pub fn create(dir: &Path) -> std::io::Result<Option<FolderLock>> {
        for _ in 0..8 {
            match fs::create_dir(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            match FolderLock::try_lock(dir) {
                Some(lock) if lock.is_at(dir) => return Ok(Some(lock)),
                _ if cfg!(not(unix)) => return Ok(None),
                _ => {}
            }
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            "another build keeps removing the staging folder",
        ))
    }

    /// Whether the locked folder is the one at `dir` (not one removed since it was opened).
    #[cfg(unix)]
    fn is_at(&self, dir: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        let (Ok(locked), Ok(there)) = (self.folder.metadata(), fs::symlink_metadata(dir)) else {
            return false;
        };
        (locked.dev(), locked.ino()) == (there.dev(), there.ino())
    }

    #[cfg(not(unix))]
    fn is_at(&self, _dir: &Path) -> bool {
        false
    }
}

/// Removes the staging and previous folders beside the output (`parent/.<name>.…`) that no
/// running build holds: what killed builds left.
pub fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefixes = [format!(".{name}.staging-"), format!(".{name}.previous-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = prefixes.iter().find_map(|p| file_name.strip_prefix(p.as_str())) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid == std::process::id() {
            continue;
        }
        // Held while it goes: no build can take it meanwhile.
        if let Some(_lock) = FolderLock::try_lock(&entry.path()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
