//! Where rendered files go: a [`Sink`] only puts bytes — new ones, or the previous build's
//! file as it is — and never decides which (that is [`super::cache`]'s). A build's sink is its
//! staging directory (`crate::write::Staging`); `check` keeps nothing ([`Discard`]).

use std::fs;
use std::io::Write;

use crate::diagnostics::Diagnostic;

/// Called from the rendering threads, so each page is put as soon as it is rendered and the
/// site is never held in memory whole.
pub trait Sink: Sync {
    /// Puts a file's bytes at `path` (relative to the site, `/`-separated).
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Puts a file that `write` writes piece by piece (the large lists: never held whole in
    /// memory); returns its size. The writer it is given is not buffered.
    fn put_streamed(&self, path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic>;
    /// Puts the previous build's file at `path` (`live` is its metadata, as the cache found it
    /// fresh) where this build has put nothing yet. False when it cannot (a file system without
    /// hard links); the caller then puts the bytes.
    fn put_previous(&self, path: &str, live: &fs::Metadata) -> Result<bool, Diagnostic>;
    /// Replaces the file this build just put at `path` with the previous build's, which holds
    /// the same bytes; the file is there at every instant, and stays as put when it cannot be.
    fn swap_in_previous(&self, path: &str) -> Result<bool, Diagnostic>;
}

/// Writes one file's content to the writer it is given.
pub type StreamedWrite<'a> = dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic> + 'a;

/// `check` renders every page and keeps none.
#[derive(Debug)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _path: &str, _bytes: &[u8]) -> Result<(), Diagnostic> {
        Ok(())
    }
    fn put_streamed(&self, _path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic> {
        let mut counted = Counted(0);
        write(&mut counted)?;
        Ok(counted.0)
    }
    fn put_previous(&self, _path: &str, _live: &fs::Metadata) -> Result<bool, Diagnostic> {
        Ok(false)
    }
    fn swap_in_previous(&self, _path: &str) -> Result<bool, Diagnostic> {
        Ok(false)
    }
}

/// Counts what would have been written.
struct Counted(usize);

impl Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
