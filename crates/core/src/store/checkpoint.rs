//! WAL checkpoints on a connection and thread of their own while an import writes.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses `wal_autocheckpoint`, on
//! the writer's thread: during a large import the one serial writer spent about a quarter of
//! its time copying WAL pages back into the database file and syncing it, while the other
//! core waited. A passive checkpoint from another connection does the same copy beside the
//! writer (WAL allows one checkpointer alongside one writer) and never blocks it.

use super::schema::open_database;
use crate::error::Result;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// `wal_autocheckpoint` (pages) restored on the writer after the import (see `configure`).
pub const AUTO_CHECKPOINT_PAGES: i64 = 8_192;
/// When the WAL file is larger than this after a commit, the writer truncates it itself. The
/// checkpointer copies every frame back, but the WAL only starts again from its beginning when
/// a write transaction begins after a checkpoint has finished, and during an import the writer
/// begins its next batch at once: the WAL grows with the import. Truncating often costs more
/// than it saves (30,000 case studies: 37.2 s truncating at 64 MiB, 32.7 s at 512 MiB, 31.3 s
/// never), so this only bounds the disk the WAL takes; the import truncates it when it ends.
pub const MAX_WAL_BYTES: u64 = 1024 * 1024 * 1024;

/// How long the checkpointer lets commits gather before copying them. Every batch of an
/// import rewrites the pages its rows reach in the lookups keyed at random (slug, title,
/// link, content hash), ~200 pages each; a checkpoint copies a page once however many of the
/// commits since the last one rewrote it. 100,000 case studies: 9.09 GB written by the
/// import with a checkpoint after each commit, 8.37 GB with 2 s between them.
pub const CHECKPOINT_GATHER: Duration = Duration::from_secs(2);

/// The checkpointing side: its own connection to the library's database.
pub struct Checkpointer {
    conn: Connection,
}

impl Checkpointer {
    pub fn open(database: &Path) -> Result<Self> {
        let (conn, _) = open_database(database)?;
        // Its own commits (none) must not checkpoint either; only `run` does.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(Self { conn })
    }

    /// Passive checkpoints of the commits signalled on `commits`, at most one per `gather`
    /// ([`CHECKPOINT_GATHER`]; the commits signalled meanwhile go into the same one), until
    /// the sender is dropped; commits still gathering then stay in the WAL for the writer's
    /// own checkpoints. A checkpoint that fails is logged and the next one tries again: the
    /// WAL stays correct however far behind it falls. Returns how many checkpoints ran.
    pub fn run(self, commits: Receiver<()>, gather: Duration) -> u64 {
        let mut ran = 0;
        let mut last: Option<Instant> = None;
        while commits.recv().is_ok() {
            if let Some(last) = last {
                loop {
                    let left = (last + gather).saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    match commits.recv_timeout(left) {
                        Ok(()) => {}
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return ran,
                    }
                }
            }
            while commits.try_recv().is_ok() {}
            match self.checkpoint() {
                Ok(()) => ran += 1,
                Err(e) => tracing::warn!("background WAL checkpoint failed: {e}"),
            }
            last = Some(Instant::now());
        }
        ran
    }

    fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Turns the writer's own automatic checkpoints off (while a [`Checkpointer`] runs) or back on.
pub fn set_auto_checkpoint(writer: &Connection, on: bool) -> Result<()> {
    let pages = if on { AUTO_CHECKPOINT_PAGES } else { 0 };
    writer.pragma_update(None, "wal_autocheckpoint", pages)?;
    Ok(())
}

/// Run by the writer after a commit: truncates the WAL when it has grown past `max_bytes`
/// ([`MAX_WAL_BYTES`]).
pub fn limit_wal(writer: &Connection, database: &Path, max_bytes: u64) -> Result<()> {
    let wal = wal_path(database);
    if std::fs::metadata(&wal).map_or(0, |m| m.len()) > max_bytes {
        writer.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

fn wal_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One committed row of `meta`, its key padded with `padding` bytes.
    fn add_filler(conn: &Connection, i: i64, padding: usize) {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)",
            rusqlite::params![format!("filler-{i}-{}", "x".repeat(padding)), i],
        )
        .expect("insert");
    }

    fn fillers(conn: &Connection) -> i64 {
        conn.query_row(
            "SELECT count(*) FROM meta WHERE key LIKE 'filler-%'",
            [],
            |r| r.get(0),
        )
        .expect("count")
    }

    fn file_len(p: &Path) -> u64 {
        std::fs::metadata(p).map_or(0, |m| m.len())
    }

    /// With the writer's checkpoints off, only the checkpointer moves pages into the database
    /// file: the file grows when it runs, and stays at its initial size when it does not.
    #[test]
    fn the_checkpointer_copies_the_writers_pages_into_the_database_file() {
        for with_checkpointer in [false, true] {
            let dir = tempfile::tempdir().expect("temp dir");
            let db = dir.path().join("casebook.sqlite3");
            let (writer, _) = open_database(&db).expect("open");
            writer
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .expect("initial checkpoint");
            set_auto_checkpoint(&writer, false).expect("auto off");
            let before = file_len(&db);
            let (tx, rx) = std::sync::mpsc::channel();
            let checkpointer = Checkpointer::open(&db).expect("checkpointer");
            let thread = std::thread::spawn(move || checkpointer.run(rx, Duration::ZERO));
            for i in 0..50 {
                add_filler(&writer, i, 4000);
                if with_checkpointer {
                    tx.send(()).expect("signal");
                }
            }
            drop(tx);
            let ran = thread.join().expect("checkpointer thread");
            assert_eq!(ran > 0, with_checkpointer);
            let after = file_len(&db);
            if with_checkpointer {
                assert!(after > before + 100_000, "{before} -> {after}");
            } else {
                assert_eq!(after, before);
            }
            assert!(file_len(&wal_path(&db)) > 100_000);
            assert_eq!(fillers(&writer), 50);
        }
    }

    /// Commits signalled within `gather` of the last checkpoint go into one checkpoint; those
    /// still gathering when the import ends are left to the writer.
    #[test]
    fn commits_signalled_close_together_are_checkpointed_together() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("casebook.sqlite3");
        let (writer, _) = open_database(&db).expect("open");
        set_auto_checkpoint(&writer, false).expect("auto off");
        let (tx, rx) = std::sync::mpsc::channel();
        let checkpointer = Checkpointer::open(&db).expect("checkpointer");
        let thread = std::thread::spawn(move || checkpointer.run(rx, Duration::from_secs(600)));
        for i in 0..20 {
            add_filler(&writer, i, 0);
            tx.send(()).expect("signal");
            // Time for a checkpoint per commit, were they not gathered.
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(tx);
        // The first commit is copied at once; the 19 after it were still gathering.
        assert_eq!(thread.join().expect("checkpointer thread"), 1);
        assert_eq!(fillers(&writer), 20);
    }

    #[test]
    fn the_writer_truncates_a_wal_past_the_limit_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("casebook.sqlite3");
        let (writer, _) = open_database(&db).expect("open");
        set_auto_checkpoint(&writer, false).expect("auto off");
        writer
            .execute("INSERT INTO meta (key, value) VALUES ('a', 1)", [])
            .expect("insert");
        let limit = 1 << 20;
        limit_wal(&writer, &db, limit).expect("limit");
        let small = file_len(&wal_path(&db));
        assert!(
            small > 0 && small < limit,
            "a small WAL is left alone: {small}"
        );
        let blob = "y".repeat(64 * 1024);
        for i in 0..32 {
            writer
                .execute(
                    "INSERT INTO meta (key, value) VALUES (?1, 0)",
                    [format!("{i}-{blob}")],
                )
                .expect("insert");
        }
        assert!(file_len(&wal_path(&db)) > limit);
        limit_wal(&writer, &db, limit).expect("limit");
        assert_eq!(file_len(&wal_path(&db)), 0);
    }
}
