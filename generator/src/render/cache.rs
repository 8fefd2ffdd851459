//! Rebuilds do only what changed, and this module decides what that is: the page key (a
//! fingerprint of everything an orderer's page is made from), the freshness check (the previous
//! build made the file from the same key, or it holds the same bytes, and nobody changed it
//! since), and the manifest (`.generator-output` in the output: what each file was made from and
//! what it holds). A [`Sink`] carries out what it decides: it only puts bytes.

use std::collections::HashMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use chrono::NaiveDate;

use crate::diagnostics::Diagnostic;
use crate::load::Content;

use super::phrases::LineBreaker;
use super::sink::{Sink, StreamedWrite};
use super::summary::OrdererSummary;
use super::templates::Templates;

/// The manifest's file in the output. A dotfile: never uploaded, never served. It also marks
/// a directory as the generator's, so a mistyped `--out` never replaces someone's files.
pub const MANIFEST_FILE: &str = ".generator-output";
const MANIFEST_HEADER: &str = "generator-output 1";

/// The page key: a fingerprint of what an orderer's page is made from — its summary, and what
/// every page is made from besides: the program, the build date,
/// every template, shared text, the site's settings, the glossary and the names kept whole.
/// A page whose orderer and these are unchanged is the previous build's page.
pub struct PageKeys {
    /// What every page shares; none when the pages are not cached (`check`), or the program
    /// cannot be identified: every key is then 0, which no page is kept for.
    hash: Option<u128>,
}

impl PageKeys {
    /// Keys for a build that keeps nothing (`check`).
    pub fn none() -> PageKeys {
        PageKeys { hash: None }
    }

    pub fn new(content: &Content, templates: &Templates, today: NaiveDate, breaker: &LineBreaker) -> PageKeys {
        // The program is an input too: a new generator may render the same content otherwise.
        // A rebuilt or replaced binary is a new file: its identity and time tell it apart.
        let Some(program) = program_identity() else {
            return PageKeys::none();
        };
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut feed = |bytes: &[u8]| {
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        feed(program.as_bytes());
        feed(today.to_string().as_bytes());
        for (path, source) in &templates.sources {
            feed(path.to_string_lossy().as_bytes());
            feed(source.as_bytes());
        }
        for (name, section) in &content.sections {
            feed(name.as_bytes());
            feed(section.source.as_bytes());
        }
        let Ok(site) = serde_json::to_vec(&content.site) else {
            return PageKeys::none();
        };
        feed(&site);
        feed(format!("{:?}", content.glossary).as_bytes());
        feed(breaker.fingerprint().to_le_bytes().as_slice());
        let hash = hasher.digest128();
        PageKeys { hash: Some(hash) }
    }

    /// The key of one orderer's page, or 0 (never kept) when it cannot be known.
    pub fn page(&self, summary: &OrdererSummary<'_>) -> u128 {
        let Some(shared) = self.hash else { return 0 };
        // Serialized into one buffer, then hashed at once: fed to the hasher piece by piece,
        // the many short writes of a summary cost more than the hashing.
        SUMMARY_BYTES.with_borrow_mut(|bytes| {
            bytes.clear();
            bytes.extend_from_slice(&shared.to_le_bytes());
            match serde_json::to_writer(&mut *bytes, summary) {
                Ok(()) => xxhash_rust::xxh3::xxh3_128(bytes),
                Err(_) => 0,
            }
        })
    }
}

thread_local! {
    /// Each rendering thread's buffer for the summary it keys (a few kilobytes, reused).
    static SUMMARY_BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The running program's file: path, size, inode and modification time.
fn program_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let metadata = fs::metadata(&exe).ok()?;
    let modified = metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    Some(format!(
        "{} {} {inode} {}",
        exe.display(),
        metadata.len(),
        modified.as_nanos()
    ))
}

/// What one output file was made from (`inputs`, zero when not known) and holds (`bytes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    pub inputs: u128,
    pub bytes: u128,
}

/// Every file of a build with its fingerprint, by path.
#[derive(Debug, Default)]
pub struct Manifest(Vec<(String, Fingerprint)>);

impl Manifest {
    /// The files of the site.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(path, _)| path.as_str())
    }

    /// The manifest as its file holds it.
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.0.len() * 90);
        text.push_str(MANIFEST_HEADER);
        text.push('\n');
        for (path, f) in &self.0 {
            text.push_str(&format!("{:032x} {:032x} {path}\n", f.inputs, f.bytes));
        }
        text
    }

    fn parse(text: &str) -> HashMap<String, Fingerprint> {
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
}

/// The previous build's manifest, and this build's as its files are put.
pub struct Cache {
    out: PathBuf,
    previous: HashMap<String, Fingerprint>,
    /// When the previous manifest was written: a file changed after it (by hand) is not the
    /// file the manifest describes, and is never kept.
    previous_written: Option<SystemTime>,
    recorded: Mutex<Vec<(String, Fingerprint)>>,
    /// Rendered files whose bytes were unchanged, kept instead of put (for the report; pages
    /// kept without rendering are not among them).
    linked: AtomicUsize,
}

impl Cache {
    /// Reads the manifest of the site at `out`, if it has one (a damaged one is none: it only
    /// costs a full render).
    pub fn open(out: &Path) -> Cache {
        let file = out.join(MANIFEST_FILE);
        Cache {
            out: out.to_path_buf(),
            previous: fs::read_to_string(&file)
                .map(|text| Manifest::parse(&text))
                .unwrap_or_default(),
            previous_written: fs::metadata(&file).and_then(|m| m.modified()).ok(),
            recorded: Mutex::new(Vec::new()),
            linked: AtomicUsize::new(0),
        }
    }

    /// How many rendered files turned out unchanged and were kept instead of put.
    pub fn linked(&self) -> usize {
        self.linked.load(Ordering::Relaxed)
    }

    /// This build's manifest, sorted by path.
    pub fn into_manifest(self) -> Manifest {
        let mut files = self.recorded.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Manifest(files)
    }

    /// The previous build's file at `path`, when the manifest lists it and nobody changed it
    /// since.
    fn untouched(&self, path: &str) -> Option<fs::Metadata> {
        let (Some(written), true) = (self.previous_written, self.previous.contains_key(path)) else {
            return None;
        };
        fs::symlink_metadata(self.out.join(path))
            .ok()
            .filter(|m| m.is_file() && m.modified().is_ok_and(|modified| modified <= written))
    }

    /// The freshness check of a page: the previous build made it from `key`, and it is as that
    /// build left it.
    fn fresh(&self, path: &str, key: u128) -> Option<(Fingerprint, fs::Metadata)> {
        let previous = *self.previous.get(path)?;
        if key == 0 || previous.inputs != key {
            return None;
        }
        Some((previous, self.untouched(path)?))
    }

    /// The previous build's file at `path`, when it holds these bytes and is as that build left
    /// it.
    fn unchanged(&self, path: &str, bytes: u128) -> Option<fs::Metadata> {
        let same = self.previous.get(path).is_some_and(|p| p.bytes == bytes);
        if same {
            self.untouched(path)
        } else {
            None
        }
    }

    /// Adds a file to the manifest; `rendered_and_linked` counts it for the report.
    fn record(&self, path: &str, fingerprint: Fingerprint, rendered_and_linked: bool) {
        if rendered_and_linked {
            self.linked.fetch_add(1, Ordering::Relaxed);
        }
        self.recorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path.to_string(), fingerprint));
    }
}

/// Where the renderer puts files: straight into a sink (`check`), or into a build's sink as the
/// cache decides — the previous build's file where it is fresh or holds the same bytes, the new
/// bytes elsewhere — recording each in the manifest.
#[derive(Clone, Copy)]
pub struct Output<'a> {
    sink: &'a dyn Sink,
    cache: Option<&'a Cache>,
}

impl<'a> Output<'a> {
    pub fn uncached(sink: &'a dyn Sink) -> Output<'a> {
        Output { sink, cache: None }
    }

    pub fn cached(sink: &'a dyn Sink, cache: &'a Cache) -> Output<'a> {
        Output {
            sink,
            cache: Some(cache),
        }
    }

    /// Whether pages are kept across builds, so that their keys are worth computing.
    pub fn caches(&self) -> bool {
        self.cache.is_some()
    }

    /// Keeps the previous build's file at `path` if it is fresh for `key`; true when it was kept
    /// (and need not be rendered).
    pub fn keep_fresh(&self, path: &str, key: u128) -> Result<bool, Diagnostic> {
        let Some((previous, live)) = self.cache.and_then(|cache| cache.fresh(path, key)) else {
            return Ok(false);
        };
        let kept = self.sink.put_previous(path, &live)?;
        if kept {
            self.record(path, previous, false);
        }
        Ok(kept)
    }

    /// Puts a rendered file made from `key` (0: not known): the previous build's file when it
    /// holds the same bytes, else these.
    pub fn put(&self, path: &str, bytes: &[u8], key: u128) -> Result<(), Diagnostic> {
        let Some(cache) = self.cache else {
            return self.sink.put(path, bytes);
        };
        let fingerprint = Fingerprint {
            inputs: key,
            bytes: xxhash_rust::xxh3::xxh3_128(bytes),
        };
        let linked = match cache.unchanged(path, fingerprint.bytes) {
            Some(live) => self.sink.put_previous(path, &live)?,
            None => false,
        };
        if !linked {
            self.sink.put(path, bytes)?;
        }
        self.record(path, fingerprint, linked);
        Ok(())
    }

    /// Puts a file that `write` writes piece by piece, hashing it as it goes; when its bytes
    /// turn out unchanged, the previous build's file takes its place. Returns its size.
    pub fn put_streamed(&self, path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic> {
        let Some(cache) = self.cache else {
            return self.sink.put_streamed(path, write);
        };
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let size = self.sink.put_streamed(path, &mut |out| {
            // Hashed behind a buffer: the hash is fed 64 KiB at a time, not every small write.
            let mut buffered = BufWriter::with_capacity(
                1 << 16,
                Hashing {
                    inner: out,
                    hasher: &mut hasher,
                },
            );
            write(&mut buffered)?;
            buffered.flush().map_err(|e| Diagnostic::io(Path::new(path), &e))
        })?;
        let fingerprint = Fingerprint {
            inputs: 0,
            bytes: hasher.digest128(),
        };
        let linked = cache.unchanged(path, fingerprint.bytes).is_some() && self.sink.swap_in_previous(path)?;
        self.record(path, fingerprint, linked);
        Ok(size)
    }

    fn record(&self, path: &str, fingerprint: Fingerprint, rendered_and_linked: bool) {
        if let Some(cache) = self.cache {
            cache.record(path, fingerprint, rendered_and_linked);
        }
    }
}

/// Passes bytes on, hashing what was taken.
struct Hashing<'a, W: Write + ?Sized> {
    inner: &'a mut W,
    hasher: &'a mut xxhash_rust::xxh3::Xxh3,
}

impl<W: Write + ?Sized> Write for Hashing<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
