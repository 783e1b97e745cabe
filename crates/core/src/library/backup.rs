//! Backups: consistent snapshots of the database through SQLite's online backup API, rolling
//! backups in the library's `backups/` folder, and restoring one (then rebuilding the index).

use super::{lock, Library};
use crate::error::{Error, Result};
use crate::model::BackupInfo;
use crate::store;
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags, MAIN_DB};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The folder of rolling backups, inside the library folder.
pub const BACKUP_DIR: &str = "backups";
const BACKUP_PREFIX: &str = "casebook-";
const BACKUP_SUFFIX: &str = ".sqlite3";

impl Library {
    /// Writes a consistent snapshot of the database to `dest` (a file, replaced if it exists,
    /// or an existing folder to write a time-stamped file into); returns the file written.
    /// It is `VACUUM INTO` on a connection of its own: one read transaction, so searches
    /// and writes go on while it runs (at 100,000 case studies it takes about a minute); the
    /// file appears complete or not at all.
    pub fn backup(&self, dest: &Path) -> Result<PathBuf> {
        let dest = if dest.is_dir() {
            dest.join(format!(
                "{BACKUP_PREFIX}{:015}{BACKUP_SUFFIX}",
                store::now_ms()
            ))
        } else {
            dest.to_path_buf()
        };
        let tmp = dest.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let tmp_name = tmp.to_str().ok_or_else(|| {
            Error::io(
                &tmp,
                std::io::Error::other("the backup's path is not valid UTF-8"),
            )
        })?;
        {
            let src = Connection::open_with_flags(
                self.root.join(super::DATABASE_FILE),
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            src.busy_timeout(Duration::from_secs(10))?;
            src.execute("VACUUM INTO ?1", [tmp_name])?;
        }
        {
            // A self-contained file: no -wal beside it.
            let dst = Connection::open(&tmp)?;
            let _mode: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        }
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        Ok(dest)
    }

    /// The rolling backups in the library's `backups/` folder, oldest first.
    pub fn backups(&self) -> Result<Vec<PathBuf>> {
        let dir = self.root.join(BACKUP_DIR);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut out: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(BACKUP_PREFIX) && n.ends_with(BACKUP_SUFFIX))
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// A rolling backup: when the newest in `backups/` is older than `min_interval` (or there
    /// is none), writes a new one and deletes the oldest beyond `keep` (at least 1). Call it
    /// at start or daily; returns the new backup, if one was made.
    pub fn auto_backup(&self, keep: usize, min_interval: Duration) -> Result<Option<PathBuf>> {
        let dir = self.root.join(BACKUP_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let existing = self.backups()?;
        let fresh = existing.last().is_some_and(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age < min_interval)
        });
        if fresh {
            return Ok(None);
        }
        let made = self.backup(&dir)?;
        let all = self.backups()?;
        let excess = all.len().saturating_sub(keep.max(1));
        for old in all.iter().take(excess) {
            std::fs::remove_file(old).map_err(|e| Error::io(old, e))?;
        }
        Ok(Some(made))
    }

    /// The rolling backups, oldest first, by file name (for a UI, which never sees paths).
    pub fn backup_infos(&self) -> Result<Vec<BackupInfo>> {
        Ok(self
            .backups()?
            .iter()
            .filter_map(|p| backup_info(p))
            .collect())
    }

    /// Writes a backup into the rolling backups folder now.
    pub fn backup_now(&self) -> Result<BackupInfo> {
        let dir = self.root.join(BACKUP_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let made = self.backup(&dir)?;
        backup_info(&made).ok_or_else(|| Error::NotFound(made.display().to_string()))
    }

    /// Restores the rolling backup with this file name (see [`Self::restore_backup`]).
    pub fn restore_named_backup(&self, name: &str) -> Result<u64> {
        let found = self
            .backups()?
            .into_iter()
            .find(|p| p.file_name().and_then(|n| n.to_str()) == Some(name))
            .ok_or_else(|| Error::NotFound(format!("backup {name}")))?;
        self.restore_backup(&found)
    }

    /// Replaces the library's database with the backup `from`, after checking it (it opens,
    /// passes SQLite's quick check, is a Casebook library, and its schema is not newer than
    /// this version's; an older one is migrated), then rebuilds the search index. Returns the
    /// number of case studies indexed.
    pub fn restore_backup(&self, from: &Path) -> Result<u64> {
        if !from.is_file() {
            return Err(Error::NotFound(from.display().to_string()));
        }
        let version = store::version_of(from).map_err(|e| {
            Error::Invalid(format!(
                "{} is not a usable Casebook backup: {e}",
                from.display()
            ))
        })?;
        if version > store::SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                found: version,
                supported: store::SCHEMA_VERSION,
            });
        }
        let _import = lock(&self.import_lock);
        let mut conn = lock(&self.writer);
        {
            let src =
                Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            let b = Backup::new_with_names(&src, MAIN_DB, &mut conn, MAIN_DB)?;
            b.run_to_completion(1 << 20, Duration::from_millis(50), None)?;
        }
        store::upgrade(&conn)?;
        if store::companies_stale(&conn)? {
            store::refresh_companies(&conn)?;
        }
        // Past the index's generation too: should the process die before the rebuild below
        // commits, the next open finds the index behind and rebuilds it (a backup's own
        // generation may equal the index's by chance).
        let past = store::generation(&conn)?.max(self.index.generation()) + 1;
        store::set_generation(&conn, past)?;
        self.rebuild_index(&conn)
    }
}

fn backup_info(path: &Path) -> Option<BackupInfo> {
    let name = path.file_name()?.to_str()?.to_string();
    let meta = std::fs::metadata(path).ok()?;
    // The name carries the time it was written; the file's time is the fallback.
    let created_at = name
        .strip_prefix(BACKUP_PREFIX)
        .and_then(|n| n.strip_suffix(BACKUP_SUFFIX))
        .and_then(|n| n.parse::<i64>().ok())
        .or_else(|| {
            let t = meta.modified().ok()?;
            let ms = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
            i64::try_from(ms).ok()
        })?;
    Some(BackupInfo {
        name,
        created_at,
        size_bytes: meta.len(),
    })
}
