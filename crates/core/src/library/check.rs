//! `Library::check`: verifies the whole library (SQLite's integrity, rows pointing nowhere,
//! the index queue, the search index against SQLite document by document) and, when asked,
//! repairs what it can, then verifies again to report what is really fixed.
//!
//! Opening a library already runs the cheap check (document count and generation stamp, see
//! `Library::sync_index`); this one reads everything, so it is for the `casebook check`
//! command and the "Check library" menu item, not for every start.

use super::{lock, Library};
use crate::error::Result;
use crate::index::doc_digest;
use crate::model::{CaseStudyId, CheckArea, CheckProblem, CheckReport};
use crate::store;
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};

/// Every foreign key of the schema: (table, column, parent table). A row whose column names
/// no parent row is dangling: it belongs to nothing and is dropped by a repair.
const REFERENCES: &[(&str, &str, &str)] = &[
    ("tags", "case_study_id", "case_studies"),
    ("sources", "case_study_id", "case_studies"),
    ("fingerprints", "case_study_id", "case_studies"),
    ("fingerprint_sets", "case_study_id", "case_studies"),
    ("fingerprint_queue", "case_study_id", "case_studies"),
    ("highlights", "case_study_id", "case_studies"),
    ("notes", "case_study_id", "case_studies"),
    ("dismissed_tags", "case_study_id", "case_studies"),
    ("collection_members", "case_study_id", "case_studies"),
    ("collection_members", "collection_id", "collections"),
];

/// How many ids a problem's description names at most.
const EXAMPLES: usize = 5;

/// One problem as found, before any repair; `key` says which repair applies and matches it
/// with the second look.
struct Found {
    area: CheckArea,
    key: String,
    text: String,
}

impl Library {
    /// Verifies the library; with `repair`, fixes what can be fixed (drops dangling rows,
    /// indexes queued case studies, rebuilds the search index when it disagrees with SQLite)
    /// and verifies again. Damage SQLite itself reports cannot be repaired here: restore a
    /// backup.
    pub fn check(&self, repair: bool) -> Result<CheckReport> {
        let _import = lock(&self.import_lock);
        let conn = lock(&self.writer);
        let first = self.inspect(&conn)?;
        let mut actions: HashMap<String, String> = HashMap::new();
        if repair {
            let mut rebuilt: Option<String> = None;
            for f in &first {
                let action = match f.area {
                    CheckArea::Database => None,
                    CheckArea::Rows if f.key == "fingerprints" => Some(refingerprint(&conn)?),
                    CheckArea::Rows => match f.key.strip_prefix("dangling:") {
                        Some(which) => Some(drop_dangling(&conn, which)?),
                        None => None,
                    },
                    CheckArea::Queue => {
                        self.flush_index_queue(&conn)?;
                        Some("indexed the queued case studies".to_string())
                    }
                    CheckArea::Index => {
                        if rebuilt.is_none() {
                            let n = self.rebuild_index(&conn)?;
                            rebuilt = Some(format!(
                                "rebuilt the search index from the database ({n} case studies)"
                            ));
                        }
                        rebuilt.clone()
                    }
                };
                if let Some(a) = action {
                    actions.insert(f.key.clone(), a);
                }
            }
        }
        let second = if repair {
            self.inspect(&conn)?
        } else {
            Vec::new()
        };
        let still: HashSet<&str> = second.iter().map(|f| f.key.as_str()).collect();
        let mut problems: Vec<CheckProblem> = first
            .iter()
            .map(|f| CheckProblem {
                area: f.area,
                found: f.text.clone(),
                action: actions.get(&f.key).cloned(),
                fixed: repair && !still.contains(f.key.as_str()),
            })
            .collect();
        // A repair that uncovered (or caused) something new is reported too, unfixed.
        let before: HashSet<&str> = first.iter().map(|f| f.key.as_str()).collect();
        for f in second.iter().filter(|f| !before.contains(f.key.as_str())) {
            problems.push(CheckProblem {
                area: f.area,
                found: f.text.clone(),
                action: None,
                fixed: false,
            });
        }
        let remaining = problems.iter().filter(|p| !p.fixed).count() as u32;
        if remaining > 0 {
            tracing::warn!(remaining, "library check found problems");
        }
        Ok(CheckReport {
            repair,
            problems,
            remaining,
            opened_with: self.index_notice.clone(),
            case_studies: store::count_case_studies(&conn)?,
            indexed: self.index.num_docs(),
            database_generation: store::generation(&conn)?,
            index_generation: self.index.generation(),
            queued: store::index_queue(&conn)?.len() as u64,
        })
    }

    /// Everything wrong with the library now.
    fn inspect(&self, conn: &Connection) -> Result<Vec<Found>> {
        let mut found = Vec::new();
        let integrity = integrity_problems(conn)?;
        if !integrity.is_empty() {
            found.push(Found {
                area: CheckArea::Database,
                key: "integrity".into(),
                text: format!(
                    "SQLite reports damage ({}); restore a backup (casebook restore)",
                    integrity.join("; ")
                ),
            });
        }
        for (table, column, parent) in REFERENCES {
            let n: i64 = conn.query_row(
                &format!(
                    "SELECT count(*) FROM {table} WHERE {column} NOT IN (SELECT id FROM {parent})"
                ),
                [],
                |r| r.get(0),
            )?;
            if n > 0 {
                found.push(Found {
                    area: CheckArea::Rows,
                    key: format!("dangling:{table}.{column}"),
                    text: format!("{n} {table} rows name a {column} that does not exist"),
                });
            }
        }
        // Anything SQLite's own foreign key check sees that the list above missed.
        let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })?;
        let listed: i64 = found
            .iter()
            .filter(|f| f.key.starts_with("dangling:"))
            .count() as i64;
        if fk > 0 && listed == 0 {
            found.push(Found {
                area: CheckArea::Rows,
                key: "foreign_keys".into(),
                text: format!("SQLite's foreign key check reports {fk} rows"),
            });
        }
        let sourceless = ids(
            conn,
            "SELECT id FROM case_studies c WHERE NOT EXISTS
               (SELECT 1 FROM sources s WHERE s.case_study_id = c.id) ORDER BY id",
        )?;
        if !sourceless.is_empty() {
            found.push(Found {
                area: CheckArea::Rows,
                key: "sourceless".into(),
                text: format!(
                    "{} case studies have no source (kept: they read fine, but cannot be \
                     recomputed; re-importing their files attaches them): {}",
                    sourceless.len(),
                    examples(&sourceless)
                ),
            });
        }
        let damaged = ids(
            conn,
            "SELECT DISTINCT case_study_id FROM sources WHERE NOT json_valid(parsed)
             ORDER BY case_study_id",
        )?;
        if !damaged.is_empty() {
            found.push(Found {
                area: CheckArea::Rows,
                key: "damaged_sources".into(),
                text: format!(
                    "{} case studies have a stored source that is not readable: {}",
                    damaged.len(),
                    examples(&damaged)
                ),
            });
        }
        if let Some(text) = fingerprint_problem(conn)? {
            found.push(Found {
                area: CheckArea::Rows,
                key: "fingerprints".into(),
                text,
            });
        }
        let queued = store::index_queue(conn)?;
        if !queued.is_empty() {
            found.push(Found {
                area: CheckArea::Queue,
                key: "queue".into(),
                text: format!(
                    "{} case studies are waiting to be indexed: {}",
                    queued.len(),
                    examples(&queued)
                ),
            });
        }
        found.extend(self.index_problems(conn)?);
        Ok(found)
    }

    /// The search index against SQLite: every case study not in the trash indexed exactly
    /// once and up to date, nothing else indexed, and the same generation stamp.
    fn index_problems(&self, conn: &Connection) -> Result<Vec<Found>> {
        let mut expected = HashMap::new();
        for id in store::all_ids(conn)? {
            if let Some(doc) = store::index_doc(conn, id)? {
                expected.insert(id, doc_digest(&doc));
            }
        }
        let mut seen: HashMap<CaseStudyId, u32> = HashMap::new();
        let (mut stale, mut outdated) = (Vec::new(), Vec::new());
        for (id, digest) in self.index.stored_digests()? {
            *seen.entry(id).or_default() += 1;
            match expected.get(&id) {
                None => stale.push(id),
                Some(d) if *d != digest => outdated.push(id),
                Some(_) => {}
            }
        }
        let mut missing: Vec<CaseStudyId> = expected
            .keys()
            .filter(|id| !seen.contains_key(id))
            .copied()
            .collect();
        let mut twice: Vec<CaseStudyId> = seen
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(id, _)| *id)
            .collect();
        let mut out = Vec::new();
        let mut add = |key: &str, ids: &mut Vec<CaseStudyId>, what: &str| {
            if ids.is_empty() {
                return;
            }
            ids.sort_unstable();
            ids.dedup();
            out.push(Found {
                area: CheckArea::Index,
                key: key.into(),
                text: format!("{} case studies {what}: {}", ids.len(), examples(ids)),
            });
        };
        add("index_missing", &mut missing, "are not in the search index");
        add(
            "index_stale",
            &mut stale,
            "are in the search index but not in the library (deleted or in the trash)",
        );
        add(
            "index_duplicate",
            &mut twice,
            "are in the search index more than once",
        );
        add(
            "index_outdated",
            &mut outdated,
            "are in the search index with old contents",
        );
        let (g_db, g_index) = (store::generation(conn)?, self.index.generation());
        if g_db != g_index {
            out.push(Found {
                area: CheckArea::Index,
                key: "index_generation".into(),
                text: format!(
                    "the search index is stamped with generation {g_index}, the database is at {g_db}"
                ),
            });
        }
        Ok(out)
    }
}

/// The dedup lookup against the case studies' fingerprint sets (see
/// `store::fingerprints`): every case study has a set, and the lookup holds exactly the
/// rows of the sets not waiting in the queue. Wrong, imports would miss duplicates.
fn fingerprint_problem(conn: &Connection) -> Result<Option<String>> {
    let without: i64 = conn.query_row(
        "SELECT count(*) FROM case_studies c WHERE NOT EXISTS
           (SELECT 1 FROM fingerprint_sets s WHERE s.case_study_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM fingerprint_queue q WHERE q.case_study_id = c.id)",
        [],
        |r| r.get(0),
    )?;
    let (rows, expected): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM fingerprints),
                (SELECT coalesce(sum(length(hashes) / 8), 0) FROM fingerprint_sets s
                 WHERE NOT EXISTS
                   (SELECT 1 FROM fingerprint_queue q WHERE q.case_study_id = s.case_study_id))",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match (without, rows == expected) {
        (0, true) => None,
        (0, false) => Some(format!(
            "the duplicate finder's lookup holds {rows} fingerprints where the case studies \
             have {expected}: imports may miss duplicates"
        )),
        (n, _) => Some(format!(
            "{n} case studies have no fingerprints: imports may miss their duplicates"
        )),
    })
}

/// Writes the dedup lookup again from the case studies' text.
fn refingerprint(conn: &Connection) -> Result<String> {
    conn.execute_batch(
        "DELETE FROM fingerprints;
         DELETE FROM fingerprint_sets;
         INSERT OR IGNORE INTO fingerprint_queue (case_study_id) SELECT id FROM case_studies;",
    )?;
    let n = store::refill_queued(conn)?;
    Ok(format!("fingerprinted {n} case studies again"))
}

/// SQLite's `integrity_check` lines other than "ok" (at most 20).
fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check(20)")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        let line = row?;
        if line != "ok" {
            out.push(line);
        }
    }
    Ok(out)
}

/// Deletes the rows of `which` ("table.column", from [`REFERENCES`]) that name nothing.
fn drop_dangling(conn: &Connection, which: &str) -> Result<String> {
    let Some((table, column, parent)) = REFERENCES
        .iter()
        .find(|(t, c, _)| format!("{t}.{c}") == which)
    else {
        return Ok(format!("no repair known for {which}"));
    };
    let n = conn.execute(
        &format!("DELETE FROM {table} WHERE {column} NOT IN (SELECT id FROM {parent})"),
        [],
    )?;
    Ok(format!("dropped {n} dangling {table} rows"))
}

fn ids(conn: &Connection, sql: &str) -> Result<Vec<CaseStudyId>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The first few ids, for a message ("1, 2, 3, … and 7 more").
fn examples(ids: &[CaseStudyId]) -> String {
    let mut s: Vec<String> = ids.iter().take(EXAMPLES).map(|i| i.to_string()).collect();
    if ids.len() > EXAMPLES {
        s.push(format!("… and {} more", ids.len() - EXAMPLES));
    }
    s.join(", ")
}
