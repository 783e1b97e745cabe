//! The list of watched folders (the watching itself is [`crate::watch`], run by a shell).

use super::{lock, Library};
use crate::error::{Error, Result};
use crate::model::WatchedFolder;
use crate::store;
use rusqlite::TransactionBehavior;
use std::path::{Path, PathBuf};

fn folder(id: i64, path: &str) -> WatchedFolder {
    let p = Path::new(path);
    WatchedFolder {
        id,
        name: p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string()),
        location: path.to_string(),
        available: p.is_dir(),
    }
}

impl Library {
    pub fn watched_folders(&self) -> Result<Vec<WatchedFolder>> {
        let rows = store::watched_folders(&lock(&self.reader))?;
        Ok(rows.iter().map(|(id, p)| folder(*id, p)).collect())
    }

    /// The watched folders that are there now, for a shell to watch.
    pub fn watched_paths(&self) -> Result<Vec<PathBuf>> {
        let rows = store::watched_folders(&lock(&self.reader))?;
        Ok(rows
            .into_iter()
            .map(|(_, p)| PathBuf::from(p))
            .filter(|p| p.is_dir())
            .collect())
    }

    /// Adds a folder to watch. Refused: not a folder, inside the library itself (its own
    /// writes would feed it), or already watched (itself or a folder around it).
    pub fn add_watched_folder(&self, path: &Path) -> Result<WatchedFolder> {
        let path = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        if !path.is_dir() {
            return Err(Error::Invalid(format!(
                "{} is not a folder",
                path.display()
            )));
        }
        let root = std::fs::canonicalize(self.root()).map_err(|e| Error::io(self.root(), e))?;
        if path.starts_with(&root) {
            return Err(Error::Invalid(
                "the library's own folder cannot be watched".into(),
            ));
        }
        let shown = path.to_string_lossy().into_owned();
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (_, existing) in store::watched_folders(&tx)? {
            if path.starts_with(&existing) {
                return Err(Error::Invalid(format!(
                    "{shown} is already watched (as part of {existing})"
                )));
            }
        }
        let id = store::add_watched_folder(&tx, &shown)?;
        tx.commit()?;
        Ok(folder(id, &shown))
    }

    pub fn remove_watched_folder(&self, id: i64) -> Result<()> {
        if store::remove_watched_folder(&lock(&self.writer), id)? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("watched folder {id}")))
        }
    }
}
