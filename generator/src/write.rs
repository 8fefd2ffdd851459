//! Stage 4: pages → disk. Everything is written to a staging directory beside the output and
//! swapped in only when every file is on disk, so a failed build never leaves half a site.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::render::OutputFile;

/// Marks a directory as ours, so a mistyped `--out` never replaces someone's files.
pub const MARKER: &str = ".generator-output";

pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
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
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let previous = parent.join(format!(".{name}.previous-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);

    let staged = stage(&staging, files);
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() && exchange(&staging, out).is_ok() {
        // One atomic step: `out` is the new site, `staging` the previous one.
        let _ = fs::remove_dir_all(&staging);
        return Ok(());
    }
    // No atomic exchange here (another OS, or a file system without it): two renames, with an
    // instant between them when `out` does not exist.
    let had_previous = out.exists();
    if had_previous {
        if let Err(e) = fs::rename(out, &previous) {
            let _ = fs::remove_dir_all(&staging);
            return Err(Diagnostic::io(out, &e));
        }
    }
    if let Err(e) = fs::rename(&staging, out) {
        if had_previous {
            let _ = fs::rename(&previous, out);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(Diagnostic::io(out, &e));
    }
    if had_previous {
        let _ = fs::remove_dir_all(&previous);
    }
    Ok(())
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

fn stage(staging: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    fs::create_dir_all(staging).map_err(|e| Diagnostic::io(staging, &e))?;
    fs::write(staging.join(MARKER), b"").map_err(|e| Diagnostic::io(staging, &e))?;
    for file in files {
        if file.path.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(Diagnostic::new(&file.path, "出力先の外には書き込めません"));
        }
        let path = staging.join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Diagnostic::io(dir, &e))?;
        }
        fs::write(&path, &file.bytes).map_err(|e| Diagnostic::io(&path, &e))?;
    }
    Ok(())
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
