//! Dedup fingerprints: the `(hash, case_study_id)` lookup, and how writes reach it.
//!
//! The lookup table is keyed by hash, so one case study's ~60 fingerprints land on ~60
//! random pages of it. Written batch by batch, every import batch rewrote most of the
//! table's pages (at 100,000 case studies, most of an import's disk writes). So:
//!
//! - each case study's own set is one row of `fingerprint_sets` (a blob of its hashes),
//!   written with the case study: its count for containment, and what to remove when it
//!   changes or is deleted (the lookup table has no second index by case study, which
//!   would be written in random order in turn);
//! - the lookup rows gather in [`PendingFingerprints`], consulted by [`candidates`] like the
//!   table, and are written in one sorted pass ([`PendingFingerprints::flush`]) when
//!   [`FLUSH_AT`] have gathered and when the import ends. Until then their case studies
//!   wait in `fingerprint_queue`, committed with them; whatever a crash left there is
//!   written from the sets (or fingerprinted again from the stored text) by
//!   [`refill_queued`] before the next import looks anything up. A new fingerprint function
//!   rolls out the same way: its migration empties the tables and queues every case study.

use crate::error::Result;
use crate::import::dedup;
use crate::model::CaseStudyId;
use rayon::prelude::*;
use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// Pending fingerprints written at once when there are this many (~40 MB of memory).
pub const FLUSH_AT: usize = 1_000_000;
/// Queued case studies fingerprinted again per pass of [`refill_queued`].
const REFILL_CHUNK: usize = 10_000;

/// Fingerprints written (and queued) but not yet in the table, and what lookups learnt.
#[derive(Default)]
pub struct PendingFingerprints {
    by_id: FxHashMap<CaseStudyId, Vec<i64>>,
    by_hash: FxHashMap<i64, SmallVec<[CaseStudyId; 2]>>,
    count: usize,
    /// Hashes found carried by `max_sharers` case studies or more: boilerplate, not looked
    /// up again (nothing is deleted while an import writes, so they stay boilerplate).
    common: rustc_hash::FxHashSet<i64>,
}

impl PendingFingerprints {
    /// How many fingerprints wait.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Sets the fingerprints of case study `id`, replacing any it had (pending or
    /// written); its lookup rows wait in `fingerprint_queue` until [`Self::flush`].
    pub fn set(&mut self, conn: &Connection, id: CaseStudyId, hashes: &[i64]) -> Result<()> {
        self.forget(id);
        remove_written(conn, id)?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO fingerprint_sets (case_study_id, hashes) VALUES (?1, ?2)",
        )?
        .execute(params![id, to_blob(hashes)])?;
        conn.prepare_cached("INSERT OR IGNORE INTO fingerprint_queue (case_study_id) VALUES (?1)")?
            .execute([id])?;
        self.remember(id, hashes.to_vec());
        Ok(())
    }

    fn remember(&mut self, id: CaseStudyId, hashes: Vec<i64>) {
        for h in &hashes {
            self.by_hash.entry(*h).or_default().push(id);
        }
        self.count += hashes.len();
        self.by_id.insert(id, hashes);
    }

    fn forget(&mut self, id: CaseStudyId) {
        let Some(hashes) = self.by_id.remove(&id) else {
            return;
        };
        self.count -= hashes.len();
        for h in hashes {
            if let Some(ids) = self.by_hash.get_mut(&h) {
                ids.retain(|x| *x != id);
                if ids.is_empty() {
                    self.by_hash.remove(&h);
                }
            }
        }
    }

    fn sharers(&self, hash: i64) -> &[CaseStudyId] {
        self.by_hash.get(&hash).map_or(&[], |ids| ids.as_slice())
    }

    /// Writes every pending fingerprint into the table in hash order (each page of it
    /// touched once) and takes their case studies off the queue. A case study deleted
    /// meanwhile (no longer queued) is skipped.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        if self.by_id.is_empty() {
            return Ok(());
        }
        let mut ids: Vec<CaseStudyId> = self.by_id.keys().copied().collect();
        ids.sort_unstable();
        let mut dequeue =
            conn.prepare_cached("DELETE FROM fingerprint_queue WHERE case_study_id = ?1")?;
        let mut rows: Vec<(i64, CaseStudyId)> = Vec::with_capacity(self.count);
        for id in ids {
            if dequeue.execute([id])? > 0 {
                rows.extend(self.by_id[&id].iter().map(|h| (*h, id)));
            }
        }
        rows.sort_unstable();
        let mut insert = conn.prepare_cached(
            "INSERT OR IGNORE INTO fingerprints (hash, case_study_id) VALUES (?1, ?2)",
        )?;
        for (h, id) in &rows {
            insert.execute(params![h, id])?;
        }
        self.by_id.clear();
        self.by_hash.clear();
        self.count = 0;
        Ok(())
    }
}

fn to_blob(hashes: &[i64]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.to_le_bytes()).collect()
}

fn from_blob(blob: &[u8]) -> Vec<i64> {
    blob.chunks_exact(8)
        .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect()
}

/// The fingerprints stored for case study `id` (empty when none are).
fn stored_set(conn: &Connection, id: CaseStudyId) -> Result<Option<Vec<i64>>> {
    Ok(conn
        .prepare_cached("SELECT hashes FROM fingerprint_sets WHERE case_study_id = ?1")?
        .query_row([id], |r| r.get::<_, Vec<u8>>(0))
        .optional()?
        .map(|b| from_blob(&b)))
}

/// Removes case study `id`'s rows from the lookup table (its set says which).
fn remove_written(conn: &Connection, id: CaseStudyId) -> Result<()> {
    let Some(hashes) = stored_set(conn, id)? else {
        return Ok(());
    };
    let mut delete =
        conn.prepare_cached("DELETE FROM fingerprints WHERE hash = ?1 AND case_study_id = ?2")?;
    for h in hashes {
        delete.execute(params![h, id])?;
    }
    Ok(())
}

/// Removes the fingerprints of case studies about to be deleted (their set and queue rows
/// go with them; the lookup table has no foreign key, so its rows are removed here).
pub fn remove_fingerprints(conn: &Connection, ids: &[CaseStudyId]) -> Result<()> {
    for &id in ids {
        remove_written(conn, id)?;
    }
    Ok(())
}

/// Writes the lookup rows of the queued case studies (after a crash) from their stored
/// sets, fingerprinting again from the stored text those without one (after a migration to a
/// new fingerprint function); returns how many. Trashed case studies are included: their
/// files imported again must still find them.
pub fn refill_queued(conn: &Connection) -> Result<usize> {
    let mut done = 0;
    let mut after: CaseStudyId = 0;
    loop {
        let batch: Vec<(CaseStudyId, Option<Vec<u8>>)> = {
            let mut stmt = conn.prepare_cached(
                "SELECT q.case_study_id, s.hashes FROM fingerprint_queue q
                 LEFT JOIN fingerprint_sets s ON s.case_study_id = q.case_study_id
                 WHERE q.case_study_id > ?1 ORDER BY q.case_study_id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after, REFILL_CHUNK as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let Some(last) = batch.last() else {
            return Ok(done);
        };
        after = last.0;
        done += batch.len();
        let mut missing: Vec<(CaseStudyId, String)> = Vec::new();
        let mut pending = PendingFingerprints::default();
        for (id, set) in batch {
            match set {
                Some(blob) => {
                    // Rows a crash may have left half-written go first.
                    remove_written(conn, id)?;
                    pending.remember(id, from_blob(&blob));
                }
                None => {
                    let text: Option<(String, String)> = conn
                        .prepare_cached(
                            "SELECT body_markdown, body_text FROM case_studies WHERE id = ?1",
                        )?
                        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    match text {
                        Some((markdown, stored)) => {
                            missing.push((id, super::plain_text(&markdown, stored)))
                        }
                        None => {
                            conn.prepare_cached(
                                "DELETE FROM fingerprint_queue WHERE case_study_id = ?1",
                            )?
                            .execute([id])?;
                        }
                    }
                }
            }
        }
        let computed: Vec<(CaseStudyId, Vec<i64>)> = missing
            .into_par_iter()
            .map(|(id, text)| (id, dedup::fingerprints(&text)))
            .collect();
        for (id, hashes) in computed {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO fingerprint_sets (case_study_id, hashes) VALUES (?1, ?2)",
            )?
            .execute(params![id, to_blob(&hashes)])?;
            pending.remember(id, hashes);
        }
        pending.flush(conn)?;
    }
}

/// The case studies that may hold the same text as one with fingerprints `hashes`.
#[derive(Debug, Default)]
pub struct Candidates {
    /// How many of `hashes` were looked up: those shared by fewer than `max_sharers` case
    /// studies. A fingerprint carried by many case studies is boilerplate (a quoted
    /// paragraph, a disclaimer), proves nothing about identity, and would make every lookup
    /// read rows in proportion to the library's size.
    pub considered: u32,
    /// `(id, shared, theirs)`: shared considered fingerprints and the case study's total,
    /// most shared first.
    pub matches: Vec<(CaseStudyId, u32, u32)>,
}

/// Case studies sharing at least `min_shared` of the rare ones of `hashes` (see
/// [`Candidates`]), in the table or still pending.
pub fn candidates(
    conn: &Connection,
    pending: &mut PendingFingerprints,
    hashes: &[i64],
    min_shared: u32,
    max_sharers: u32,
) -> Result<Candidates> {
    // One index probe per hash, in hash order (neighbouring probes share B-tree pages): it
    // reads at most `max_sharers` rows of the primary key `(hash, case_study_id)`, which say
    // both whether the hash is rare and, if so, who shares it.
    let mut hashes = hashes.to_vec();
    hashes.sort_unstable();
    hashes.dedup();
    let mut sharers_of = conn.prepare_cached(
        "SELECT case_study_id FROM fingerprints WHERE hash = ?1 ORDER BY case_study_id LIMIT ?2",
    )?;
    let mut counts: FxHashMap<CaseStudyId, u32> = FxHashMap::default();
    let mut sharers: Vec<CaseStudyId> = Vec::with_capacity(max_sharers as usize);
    let mut considered = 0;
    for hash in &hashes {
        if pending.common.contains(hash) {
            continue;
        }
        sharers.clear();
        sharers.extend_from_slice(pending.sharers(*hash));
        let mut rows = sharers_of.query(params![hash, max_sharers])?;
        while let Some(row) = rows.next()? {
            sharers.push(row.get(0)?);
        }
        if sharers.len() < max_sharers as usize {
            considered += 1;
            for id in &sharers {
                *counts.entry(*id).or_default() += 1;
            }
        } else {
            pending.common.insert(*hash);
        }
    }
    // Case studies sharing fewer than `min_shared` are dropped before their fingerprints
    // are counted.
    let mut count = conn.prepare_cached(
        "SELECT length(hashes) / 8 FROM fingerprint_sets WHERE case_study_id = ?1",
    )?;
    let mut matches = Vec::new();
    for (id, n) in counts {
        if n < min_shared {
            continue;
        }
        let total = match pending.by_id.get(&id) {
            Some(hashes) => hashes.len() as u32,
            None => count
                .query_row([id], |r| r.get::<_, i64>(0))
                .optional()?
                .unwrap_or(0) as u32,
        };
        matches.push((id, n, total));
    }
    matches.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(Candidates {
        considered,
        matches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open_in_memory;

    fn case_study(conn: &Connection, id: CaseStudyId, text: &str) {
        conn.execute(
            "INSERT INTO case_studies (id, slug, title, body_markdown, body_text, created_at, updated_at)
             VALUES (?1, 'cs-' || ?1, 'T', ?2, ?2, 0, 0)",
            params![id, text],
        )
        .unwrap();
    }

    fn table(conn: &Connection) -> Vec<(i64, CaseStudyId)> {
        let mut s = conn
            .prepare("SELECT hash, case_study_id FROM fingerprints ORDER BY 1, 2")
            .unwrap();
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    fn queue(conn: &Connection) -> Vec<CaseStudyId> {
        let mut s = conn
            .prepare("SELECT case_study_id FROM fingerprint_queue ORDER BY 1")
            .unwrap();
        let rows = s.query_map([], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    #[test]
    fn pending_fingerprints_are_found_before_and_after_the_flush() {
        let conn = open_in_memory().unwrap();
        case_study(&conn, 1, "a");
        case_study(&conn, 2, "b");
        let mut pending = PendingFingerprints::default();
        pending.set(&conn, 1, &[10, 20, 30, 40]).unwrap();
        pending.set(&conn, 2, &[30, 40, 50]).unwrap();
        assert_eq!(pending.len(), 7);
        assert!(table(&conn).is_empty());
        assert_eq!(queue(&conn), [1, 2]);
        let before = candidates(&conn, &mut pending, &[20, 30, 40, 99], 2, 16).unwrap();
        pending.flush(&conn).unwrap();
        assert!(pending.is_empty());
        assert!(queue(&conn).is_empty());
        assert_eq!(table(&conn).len(), 7);
        let after = candidates(&conn, &mut pending, &[20, 30, 40, 99], 2, 16).unwrap();
        assert_eq!(before.considered, 4);
        assert_eq!(before.matches, [(1, 3, 4), (2, 2, 3)]);
        assert_eq!(after.considered, before.considered);
        assert_eq!(after.matches, before.matches);
    }

    #[test]
    fn setting_again_replaces_pending_and_written_fingerprints() {
        let conn = open_in_memory().unwrap();
        case_study(&conn, 1, "a");
        let mut pending = PendingFingerprints::default();
        pending.set(&conn, 1, &[10, 20]).unwrap();
        pending.flush(&conn).unwrap();
        pending.set(&conn, 1, &[30]).unwrap();
        assert!(table(&conn).is_empty(), "the written ones are replaced");
        pending.set(&conn, 1, &[40, 50]).unwrap();
        assert_eq!(pending.len(), 2);
        assert!(candidates(&conn, &mut pending, &[30], 1, 16)
            .unwrap()
            .matches
            .is_empty());
        pending.flush(&conn).unwrap();
        assert_eq!(table(&conn), [(40, 1), (50, 1)]);
    }

    #[test]
    fn boilerplate_shared_by_many_is_not_considered() {
        let conn = open_in_memory().unwrap();
        let mut pending = PendingFingerprints::default();
        for id in 1..=4 {
            case_study(&conn, id, "x");
            pending.set(&conn, id, &[7, 100 + id]).unwrap();
            if id == 2 {
                pending.flush(&conn).unwrap();
            }
        }
        // 7 is carried by four case studies (two written, two pending): with at most three
        // sharers it is boilerplate, wherever its sharers are.
        let c = candidates(&conn, &mut pending, &[7, 103], 1, 3).unwrap();
        assert_eq!(c.considered, 1);
        assert_eq!(c.matches, [(3, 1, 2)]);
    }

    #[test]
    fn queued_case_studies_are_written_from_their_sets_or_their_text() {
        let conn = open_in_memory().unwrap();
        let text = include_str!("../../../../seeds/001_8e12bdf6b48924d6.txt");
        case_study(&conn, 1, text);
        case_study(&conn, 2, "too short");
        case_study(&conn, 3, text);
        // As a crash leaves them: 3 has its set, its rows not written; 1 and 2 are queued
        // without sets, as the migration to a new fingerprint function leaves them.
        conn.execute_batch("INSERT INTO fingerprint_queue VALUES (1), (2), (3);")
            .unwrap();
        conn.execute(
            "INSERT INTO fingerprint_sets VALUES (3, ?1)",
            [to_blob(&[5, 6])],
        )
        .unwrap();
        assert_eq!(refill_queued(&conn).unwrap(), 3);
        assert!(queue(&conn).is_empty());
        let mut expected: Vec<(i64, CaseStudyId)> = dedup::fingerprints(text)
            .into_iter()
            .map(|h| (h, 1))
            .chain([(5, 3), (6, 3)])
            .collect();
        expected.sort_unstable();
        assert!(expected.len() > 10);
        assert_eq!(table(&conn), expected);
        assert_eq!(
            stored_set(&conn, 1).unwrap(),
            Some(dedup::fingerprints(text))
        );
        assert_eq!(stored_set(&conn, 2).unwrap(), Some(vec![]));
    }

    #[test]
    fn deleted_case_studies_leave_no_fingerprints() {
        let conn = open_in_memory().unwrap();
        let mut pending = PendingFingerprints::default();
        for id in 1..=3 {
            case_study(&conn, id, "x");
            pending.set(&conn, id, &[id * 10, 99]).unwrap();
        }
        pending.flush(&conn).unwrap();
        pending.set(&conn, 3, &[30, 31]).unwrap();
        remove_fingerprints(&conn, &[2, 3]).unwrap();
        conn.execute("DELETE FROM case_studies WHERE id IN (2, 3)", [])
            .unwrap();
        // 3 was pending: deleted meanwhile, it is skipped.
        pending.flush(&conn).unwrap();
        assert_eq!(table(&conn), [(10, 1), (99, 1)]);
        let sets: i64 = conn
            .query_row("SELECT count(*) FROM fingerprint_sets", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sets, 1);
    }
}
