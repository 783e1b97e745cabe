//! Connection setup and migrations: the one place that opens SQLite.
//!
//! Migrations are ordered SQL scripts; `user_version` is the number applied. They run in
//! one `IMMEDIATE` transaction, so a library is either fully migrated or untouched, and a
//! database newer than this build knows is refused without a write.

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

/// Each entry takes the schema from version `i` to `i + 1`. Append only; never edit.
const MIGRATIONS: &[&str] = &[
    // 1: case studies, their tags and sources, dedup fingerprints, the index queue.
    r#"
    CREATE TABLE case_studies (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        company TEXT,
        industry TEXT,
        year INTEGER,
        link TEXT,
        -- the link reduced to what identifies the page (dedup::link_key)
        link_key TEXT,
        summary TEXT,
        body_markdown TEXT NOT NULL,
        body_text TEXT NOT NULL,
        -- number of rows in `fingerprints` for this case study (dedup containment)
        fingerprint_count INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX case_studies_by_link_key ON case_studies(link_key);
    CREATE INDEX case_studies_by_title_key ON case_studies(lower(title));

    CREATE TABLE tags (
        case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('source', 'inferred', 'user')),
        PRIMARY KEY (case_study_id, origin, tag)
    ) WITHOUT ROWID;
    CREATE INDEX tags_by_tag ON tags(tag);

    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
        -- where it came from, with `!entry` for archive members and `#n` for records
        path TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL,
        -- blake3 of the normalised content: same hash, same case study data
        content_hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        imported_at INTEGER NOT NULL,
        -- the NormalizedCaseStudy as JSON: merges are recomputed from these
        parsed TEXT NOT NULL
    );
    CREATE INDEX sources_by_case_study ON sources(case_study_id);
    CREATE INDEX sources_by_hash ON sources(content_hash);

    CREATE TABLE fingerprints (
        hash INTEGER NOT NULL,
        case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
        PRIMARY KEY (hash, case_study_id)
    ) WITHOUT ROWID;
    CREATE INDEX fingerprints_by_case_study ON fingerprints(case_study_id);

    -- ids changed in SQLite but not yet committed to the search index (replayed at open)
    CREATE TABLE index_queue (case_study_id INTEGER PRIMARY KEY);

    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO meta (key, value) VALUES ('generation', 0);
    "#,
    // 2: annotations and organisation: highlights, notes, dismissed inferred tags,
    // collections, saved searches, reading state, the trash.
    r#"
    ALTER TABLE case_studies ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE case_studies ADD COLUMN read INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE case_studies ADD COLUMN last_opened_at INTEGER;
    -- set while the case study is in the trash
    ALTER TABLE case_studies ADD COLUMN deleted_at INTEGER;

    CREATE TABLE highlights (
        id INTEGER PRIMARY KEY,
        case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
        -- character offsets in case_studies.body_text
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        quote TEXT NOT NULL,
        prefix TEXT NOT NULL,
        suffix TEXT NOT NULL,
        color TEXT NOT NULL CHECK (color IN ('yellow', 'green', 'blue', 'pink', 'purple')),
        note TEXT NOT NULL DEFAULT '',
        -- 1 when the text changed and the quote could not be placed again
        orphan INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX highlights_by_case_study ON highlights(case_study_id, start);

    CREATE TABLE notes (
        case_study_id INTEGER PRIMARY KEY REFERENCES case_studies(id) ON DELETE CASCADE,
        markdown TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );

    -- inferred tags the user dismissed: a re-import does not bring them back
    CREATE TABLE dismissed_tags (
        case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (case_study_id, tag)
    ) WITHOUT ROWID;

    CREATE TABLE collections (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE collection_members (
        collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (collection_id, case_study_id)
    ) WITHOUT ROWID;
    CREATE INDEX collection_members_by_case_study ON collection_members(case_study_id);

    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        -- the SearchRequest as JSON
        request TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    "#,
    // 3: companies: each case study's company key and display name (library-wide grouping
    // of spellings and aliases, see `company`), the aliases its text gives, and every known
    // spelling's key for lookups. Filled by `store::regroup_companies` (at open, as
    // `company_rules` is behind, and after imports).
    r#"
    CREATE TABLE case_study_companies (
        case_study_id INTEGER PRIMARY KEY REFERENCES case_studies(id) ON DELETE CASCADE,
        company_key TEXT NOT NULL,
        company_name TEXT NOT NULL
    );
    CREATE INDEX case_study_companies_by_key ON case_study_companies(company_key);

    CREATE TABLE company_aliases (
        case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        PRIMARY KEY (case_study_id, alias)
    ) WITHOUT ROWID;

    -- lower-cased spelling, display name, alias or key → company key
    CREATE TABLE company_names (name TEXT PRIMARY KEY, company_key TEXT NOT NULL) WITHOUT ROWID;

    -- the `company::RULES_VERSION` the tables above were computed with
    INSERT INTO meta (key, value) VALUES ('company_rules', 0);
    "#,
    // 4: folders the user asked Casebook to watch for new and changed case studies.
    r#"
    CREATE TABLE watched_folders (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL UNIQUE,
        added_at INTEGER NOT NULL
    );
    "#,
    // 5: what is in the trash, and the years, without reading the rows: `deleted_at` comes
    // after the bodies, so reading it walked every case study's overflow pages (seconds at
    // 100,000 case studies, for the library's counts at every start).
    r#"
    CREATE INDEX case_studies_live ON case_studies(deleted_at, year);
    "#,
    // 6: dedup fingerprints written in bulk (see `store::fingerprints`): each case study's
    // set in one row, the lookup table without its second index and foreign key (rows are
    // removed through the sets), and a queue of case studies whose lookup rows are not
    // written yet. The fingerprint function changed (word hashes combined, not every byte of
    // every 5-gram hashed again), so the old values go and every case study is queued: the
    // next import fingerprints them anew from their stored text.
    // (`case_studies.fingerprint_count` is no longer read.)
    r#"
    DROP TABLE fingerprints;
    CREATE TABLE fingerprints (
        hash INTEGER NOT NULL,
        case_study_id INTEGER NOT NULL,
        PRIMARY KEY (hash, case_study_id)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_sets (
        case_study_id INTEGER PRIMARY KEY REFERENCES case_studies(id) ON DELETE CASCADE,
        -- the case study's fingerprints, 8 bytes each (little-endian i64)
        hashes BLOB NOT NULL
    );
    CREATE TABLE fingerprint_queue (
        case_study_id INTEGER PRIMARY KEY REFERENCES case_studies(id) ON DELETE CASCADE
    );
    INSERT INTO fingerprint_queue (case_study_id) SELECT id FROM case_studies;
    "#,
    // 7: `case_studies.body_text` is '' when the plain text is what the renderer derives
    // from `body_markdown` (see `store::plain_text`; rows written before keep theirs); the
    // renderer version those derived texts (and their highlights' offsets) come from.
    r#"
    INSERT INTO meta (key, value) VALUES ('plain_text_version', 1);
    "#,
    // 8: the user's own tags found without reading every case study's tags (the sidebar
    // lists them at start: 70-150 ms at 100,000 case studies before, through every row).
    r#"
    CREATE INDEX tags_of_user ON tags(tag) WHERE origin = 'user';
    "#,
    // 9: the companies list reads each live case study's company and year from the index,
    // not from the row (every row's first page: 0.4-0.8 s at 100,000 case studies, and those
    // pages filled the connection's cache).
    r#"
    DROP INDEX case_studies_live;
    CREATE INDEX case_studies_live ON case_studies(deleted_at, year, company);
    "#,
    // 10: no index of every tag by name: only the user's own tags are looked up by name
    // (`tags_of_user`), and keeping this one up to date was half the cost of writing a
    // new case study's ~12 tags (~0.5 s of a 20,000 case-study import's one writer).
    r#"
    DROP INDEX tags_by_tag;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Opens (creating if needed) the database at `path` and brings its schema up to date.
/// Returns the connection and whether the database was created just now.
pub fn open_database(path: &Path) -> Result<(Connection, bool)> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // Refuse a newer database before anything (even the journal mode) is written to it.
    check_not_newer(&conn)?;
    configure(&conn)?;
    let created = migrate(&conn)?;
    Ok((conn, created))
}

/// Brings an open connection's schema up to date (after a backup was restored into it).
pub fn upgrade(conn: &Connection) -> Result<()> {
    migrate(conn).map(|_| ())
}

/// The schema version of the database at `path`, opened read-only (nothing is written).
pub fn version_of(path: &Path) -> Result<i64> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let ok: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::Invalid(format!("damaged database: {ok}")));
    }
    // A file that is not a Casebook library has no case_studies table.
    conn.query_row("SELECT count(*) FROM case_studies", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Gives an empty database the schema version `version` had, and nothing else: how a library
/// written by that version looks, for upgrade tests.
pub fn create_at_version(conn: &Connection, version: i64) -> Result<()> {
    if !(1..=SCHEMA_VERSION).contains(&version) {
        return Err(Error::Invalid(format!("no schema version {version}")));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().take(version as usize) {
        conn.execute_batch(sql)?;
        conn.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    Ok(())
}

/// An in-memory database with the current schema, for tests.
pub fn open_in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

fn check_not_newer(conn: &Connection) -> Result<i64> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Makes `conn` a connection for the UI's reads (lists, counts, one case study, the
/// companies): a 16 MiB page cache instead of the writer's 64 MiB, which is for imports. The
/// companies view reads a row of every case study, and at 100,000 those pages kept ~70 MiB
/// of the app's memory; re-reading them comes from the operating system's cache.
pub fn for_reading(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(())
}

/// Prepared statements kept per connection (more than the library has distinct ones).
const STATEMENT_CACHE: usize = 256;

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // journal_mode returns a row; pragma_update would complain.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // A 64 MiB page cache (the default is 2 MiB): imports look up dedup fingerprints and
    // indexes all over the database.
    conn.pragma_update(None, "cache_size", -65_536)?;
    // Checkpoint the WAL every ~32 MiB rather than every 4 MiB: fewer fsyncs and fewer
    // rewrites of the same pages during a large import.
    conn.pragma_update(
        None,
        "wal_autocheckpoint",
        super::checkpoint::AUTO_CHECKPOINT_PAGES,
    )?;
    // Every statement is `prepare_cached`; an import cycles through ~40 of them per file, so
    // rusqlite's default of 16 re-parsed most of them each time.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Applies pending migrations; true when the database was empty (version 0) before.
fn migrate(conn: &Connection) -> Result<bool> {
    if check_not_newer(conn)? == SCHEMA_VERSION {
        return Ok(false);
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated meanwhile.
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(current == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_gets_current_schema() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, created) = open_database(&dir.path().join("db.sqlite")).unwrap();
        assert!(created);
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(conn);
        let (_, created_again) = open_database(&dir.path().join("db.sqlite")).unwrap();
        assert!(!created_again);
    }

    #[test]
    fn newer_database_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        match open_database(&path) {
            Err(Error::NewerSchema { found, supported }) => {
                assert_eq!(found, 999);
                assert_eq!(supported, SCHEMA_VERSION);
            }
            other => panic!("expected NewerSchema, got {:?}", other.map(|_| ())),
        }
        assert!(
            before == std::fs::read(&path).unwrap(),
            "the file was changed"
        );
    }

    #[test]
    fn each_migration_applies_on_top_of_the_previous() {
        // Apply migrations one at a time, as a library written by each earlier version
        // would be upgraded, and compare with a fresh database's schema.
        let step = Connection::open_in_memory().unwrap();
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            step.execute_batch(sql).unwrap();
            step.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
        }
        let fresh = open_in_memory().unwrap();
        let schema = |c: &Connection| -> Vec<String> {
            let mut s = c
                .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
                .unwrap();
            let rows = s.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(|r| r.unwrap()).collect()
        };
        assert_eq!(schema(&step), schema(&fresh));
    }

    /// The schema of every table, index and column, for comparison.
    fn schema_of(c: &Connection) -> Vec<String> {
        let mut s = c
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        let rows = s.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    #[test]
    fn version_2_library_migrates_to_companies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.execute_batch(MIGRATIONS[1]).unwrap();
            c.pragma_update(None, "user_version", 2).unwrap();
            c.execute_batch(
                "INSERT INTO case_studies (id, slug, title, company, body_markdown, body_text, created_at, updated_at)
                 VALUES (7, 'acme', 'Acme', 'AWS', 'Body', 'Body', 1, 1);",
            )
            .unwrap();
        }
        let (conn, _) = open_database(&path).unwrap();
        assert_eq!(schema_of(&conn), schema_of(&open_in_memory().unwrap()));
        // Nothing grouped yet: the rules version says so, and opening a library regroups.
        let rules: i64 = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'company_rules'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rules, 0);
        conn.execute(
            "INSERT INTO case_study_companies VALUES (7, 'amazon', 'Amazon')",
            [],
        )
        .unwrap();
        // Rows go with their case study.
        conn.execute("DELETE FROM case_studies WHERE id = 7", [])
            .unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM case_study_companies", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn version_1_library_migrates_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.sqlite");
        {
            // A library as version 1 wrote it, with a case study and a tag.
            let c = Connection::open(&path).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            c.execute_batch(
                "INSERT INTO case_studies (id, slug, title, body_markdown, body_text, created_at, updated_at)
                 VALUES (7, 'acme', 'Acme', 'Body', 'Body', 1, 1);
                 INSERT INTO tags VALUES (7, 'rag', 'source');",
            )
            .unwrap();
        }
        assert_eq!(version_of(&path).unwrap(), 1);
        let (conn, created) = open_database(&path).unwrap();
        assert!(!created);
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert_eq!(schema_of(&conn), schema_of(&open_in_memory().unwrap()));
        let (title, starred, deleted): (String, i64, Option<i64>) = conn
            .query_row(
                "SELECT title, starred, deleted_at FROM case_studies WHERE id = 7",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((title.as_str(), starred, deleted), ("Acme", 0, None));
        // The new tables work with the old rows.
        conn.execute(
            "INSERT INTO highlights (case_study_id, start, \"end\", quote, prefix, suffix, color, created_at, updated_at)
             VALUES (7, 0, 4, 'Body', '', '', 'green', 1, 1)",
            [],
        )
        .unwrap();
        assert!(conn
            .execute(
                "INSERT INTO highlights (case_study_id, start, \"end\", quote, prefix, suffix, color, created_at, updated_at)
                 VALUES (7, 0, 4, 'Body', '', '', 'red', 1, 1)",
                [],
            )
            .is_err());
    }
}
