//! Admin changes to the embedded store are written back to its file; DynamoDB persists itself.

use std::path::Path;

use crate::error::Error;
use crate::store::{DynamoStore, MemoryStore};

pub trait Persist {
    /// Whether the store lives in one process (the embedded store: its 閲覧履歴 is the serving
    /// process's, never the admin command's).
    const IN_PROCESS: bool;

    /// Makes the changes so far durable (`path`: the embedded store's file).
    fn persist(&self, path: &Path) -> Result<(), Error>;
}

impl Persist for MemoryStore {
    const IN_PROCESS: bool = true;

    fn persist(&self, path: &Path) -> Result<(), Error> {
        self.save(path)?;
        eprintln!("{} に保存しました", path.display());
        Ok(())
    }
}

impl Persist for DynamoStore {
    const IN_PROCESS: bool = false;

    fn persist(&self, _path: &Path) -> Result<(), Error> {
        Ok(())
    }
}
