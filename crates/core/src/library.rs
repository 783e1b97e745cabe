//! `Library`: one library folder (SQLite database + search index). The one entry point for
//! import, search and reading; shells only talk to this. Only `Library` touches both the
//! store and the index, so it alone keeps them in step.

use crate::error::{Error, Result};
use crate::import::scan::{self, Input, RawFile};
use crate::import::{dedup, parse_file, ParseError};
use crate::index::{IndexState, SearchIndex};
use crate::model::*;
use crate::normalize::{clean_slug, normalize, slugify};
use crate::{render, store};
use rayon::prelude::*;
use rusqlite::{Connection, TransactionBehavior};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

mod backup;
mod check;
mod export;
mod organise;
mod watched;

pub use export::{ExportFile, EXPORT_FORMAT, EXPORT_VERSION};

/// The five seed case studies: the default library a new user starts with.
const SEEDS: &[(&str, &[u8])] = &[
    (
        "000_aab0bd6cfb60beaa.txt",
        include_bytes!("../../../seeds/000_aab0bd6cfb60beaa.txt"),
    ),
    (
        "001_8e12bdf6b48924d6.txt",
        include_bytes!("../../../seeds/001_8e12bdf6b48924d6.txt"),
    ),
    (
        "002_49032a2420854753.txt",
        include_bytes!("../../../seeds/002_49032a2420854753.txt"),
    ),
    (
        "003_16fbb66ddafbb9d7.txt",
        include_bytes!("../../../seeds/003_16fbb66ddafbb9d7.txt"),
    ),
    (
        "004_35c21745074e93d2.txt",
        include_bytes!("../../../seeds/004_35c21745074e93d2.txt"),
    ),
];

/// Files parsed together and written in one SQLite transaction. Each transaction rewrites
/// ~200 pages of each lookup keyed at random (slug, title, link, content hash) whatever its
/// size, so fewer, larger ones write less: 100,000 case studies wrote 10.75 GB in batches of
/// 256, 9.09 GB in batches of 1,024 (20,000: ~0.4 s faster).
const BATCH_FILES: usize = 1024;
/// The first batch holds this many files, each next one twice as many up to [`BATCH_FILES`]:
/// nothing is written until the first is parsed, while each later one is parsed as the one
/// before is written (the real corpus, 1,484 files: 1.07-1.15 s starting at 256, 1.14-1.21 s
/// with every batch of 1,024).
const FIRST_BATCH_FILES: usize = 256;
/// A batch holds fewer files when they hold this many bytes (a few large files make one).
const BATCH_BYTES: u64 = 64 * 1024 * 1024;
/// File contents read ahead of parsing, at most: the reading thread waits above it, so
/// memory stays bounded whatever the input (a zip bomb of many members just under the
/// per-file limit, a folder of large files).
const MAX_READ_AHEAD_BYTES: u64 = 256 * 1024 * 1024;
/// During a long import the index is committed at most this often (SQLite stays the
/// truth: the queue of ids not yet indexed is replayed if the process dies meanwhile).
const INDEX_COMMIT_INTERVAL: Duration = Duration::from_secs(2);
/// Failed records listed per file; past them the report says how many more failed (a JSON
/// array of 200,000 numbers is one problem, not 200,000 lines of report).
const RECORD_FAILURES_LISTED: usize = 20;
/// Largest Casebook JSON export restored (it is parsed whole); larger ones are refused.
const MAX_EXPORT_BYTES: u64 = 1024 * 1024 * 1024;
const DATABASE_FILE: &str = "casebook.sqlite3";
const INDEX_DIR: &str = "index";
/// Held (an exclusive OS file lock) while a `Library` is open: a second process, the desktop
/// app or the CLI, is refused with [`Error::InUse`] before it reads or writes anything. The
/// OS releases the lock when the process ends, however it ends, so a crash leaves no stale
/// lock behind.
pub const LOCK_FILE: &str = "casebook.lock";

/// The per-user library folder the CLI and the desktop app use when none is named.
pub fn default_library_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Casebook", "Casebook")
        .map(|d| d.data_dir().join("library"))
}

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Import the embedded seed case studies when the library is new.
    pub seed_new_library: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            seed_new_library: true,
        }
    }
}

pub struct Library {
    root: PathBuf,
    /// The one connection that writes; held for a whole import batch.
    writer: Mutex<Connection>,
    /// Reads (list, show, stats) go through their own connection: WAL lets them run while
    /// an import writes.
    reader: Mutex<Connection>,
    index: SearchIndex,
    /// Serialises imports (and reindexing) within this process.
    import_lock: Mutex<()>,
    /// Counts the writes other than an import's (annotations, organising) that go through
    /// `write`: a running import drops the index documents it kept (`FreshDocs`) when one
    /// happened meanwhile, since it may have changed their case studies.
    other_writes: std::sync::atomic::AtomicU64,
    /// What opening found and did about the index, e.g. that it was rebuilt.
    index_notice: Option<String>,
    /// The library lock ([`LOCK_FILE`]), released on drop.
    _lock: std::fs::File,
}

/// A batch of files prepared in parallel: the prepared sources (or failures), how many files
/// it held, the name of the last (for progress).
type PreparedBatch = (
    Vec<std::result::Result<Prepared, ImportFailure>>,
    usize,
    Option<String>,
);

/// Index documents of the case studies an import added and has not indexed yet, as they were
/// written (see `store::insert_case_study`): indexing them needs no read back. An entry goes
/// as soon as anything else writes its case study.
#[derive(Default)]
struct FreshDocs {
    docs: std::collections::HashMap<CaseStudyId, crate::index::IndexDoc>,
    /// `Library::other_writes` when the documents were known to be current.
    other_writes: u64,
}

impl FreshDocs {
    fn insert(&mut self, id: CaseStudyId, doc: crate::index::IndexDoc) {
        self.docs.insert(id, doc);
    }

    fn remove(&mut self, id: &CaseStudyId) -> Option<crate::index::IndexDoc> {
        self.docs.remove(id)
    }

    fn clear(&mut self) {
        self.docs.clear();
    }
}

/// A file parsed and normalised, ready to be stored.
struct Prepared {
    path: String,
    format: SourceFormat,
    size: u64,
    hash: String,
    parsed: NormalizedCaseStudy,
    /// [`store::record_meta`] of `parsed` (serialised once, here, for the hash and the row).
    meta: String,
    fingerprints: Vec<i64>,
    /// [`store::company_aliases`] of `parsed`.
    aliases: Vec<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave SQLite half-written (transactions roll
    // back on drop), so a poisoned lock is still safe to use.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Library {
    /// Opens (creating if needed) the library in `dir`.
    pub fn open(dir: &Path) -> Result<Library> {
        Self::open_with(dir, &OpenOptions::default())
    }

    pub fn open_with(dir: &Path, options: &OpenOptions) -> Result<Library> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock_file = take_library_lock(dir)?;
        let db_path = dir.join(DATABASE_FILE);
        let (writer, created) = store::open_database(&db_path)?;
        let (reader, _) = store::open_database(&db_path)?;
        store::for_reading(&reader)?;
        let (index, state) = SearchIndex::open(&dir.join(INDEX_DIR))?;
        let mut library = Library {
            root: dir.to_path_buf(),
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            index,
            import_lock: Mutex::new(()),
            other_writes: std::sync::atomic::AtomicU64::new(0),
            index_notice: None,
            _lock: lock_file,
        };
        library.refresh_companies_if_stale()?;
        library.refresh_plain_texts_if_stale()?;
        library.regroup_companies_if_dirty()?;
        library.index_notice = library.sync_index(state)?;
        if let Some(notice) = &library.index_notice {
            tracing::warn!("{notice}");
        }
        if created && options.seed_new_library {
            library.import_seeds()?;
        }
        Ok(library)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Waits for the search index's background merges (those tantivy's merge policy starts
    /// after small writes; an import merges its own before it returns), then closes the
    /// library. Dropping a library instead stops them: what is committed stays, and a later
    /// writer merges again.
    pub fn close(self) -> Result<()> {
        let Library { index, _lock, .. } = self;
        let merged = index.wait_merges();
        drop(_lock);
        merged
    }

    /// Records the search index's files as validated as they are now; for an app about to
    /// exit without waiting for merges (see [`SearchIndex::stamp_validated`]).
    pub fn stamp_index(&self) {
        self.index.stamp_validated();
    }

    /// Set when opening found the index missing, stale or damaged and rebuilt it.
    pub fn index_notice(&self) -> Option<&str> {
        self.index_notice.as_deref()
    }

    /// Groups the companies again when they were grouped by older rules (or never: a library
    /// written before companies existed); the changed case studies are queued for indexing.
    fn refresh_companies_if_stale(&self) -> Result<()> {
        let mut conn = lock(&self.writer);
        if !store::companies_stale(&conn)? {
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if store::refresh_companies(&tx)? > 0 {
            store::bump_generation(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// After a renderer change ([`crate::render::PLAIN_TEXT_VERSION`]): the plain texts
    /// derived from Markdown are new, so their highlights are placed again (by quote and
    /// context, as after any change of text) and they are reindexed.
    fn refresh_plain_texts_if_stale(&self) -> Result<()> {
        let mut conn = lock(&self.writer);
        if !store::plain_texts_stale(&conn)? {
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ids = store::derived_text_ids(&tx)?;
        for &(id, highlighted) in &ids {
            if highlighted {
                organise::reanchor(&tx, id, &store::body_text(&tx, id)?)?;
            } else {
                store::queue_for_index(&tx, id)?;
            }
        }
        if !ids.is_empty() {
            store::bump_generation(&tx)?;
        }
        store::stamp_plain_text_version(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Regroups the companies when an import changed a company's spelling or aliases (see
    /// [`store::regroup_companies`]); also at open, when a process stopped between an
    /// import's commit and its regrouping.
    /// Returns the case studies whose company key or display name changed.
    fn regroup_companies_if_dirty(&self) -> Result<Vec<CaseStudyId>> {
        let mut conn = lock(&self.writer);
        if !store::companies_dirty(&conn)? {
            return Ok(Vec::new());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = store::regroup_companies(&tx)?;
        tracing::info!(changed = changed.len(), "companies regrouped");
        if !changed.is_empty() {
            store::bump_generation(&tx)?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Brings the index in step with SQLite: replays ids queued but not yet indexed, or
    /// rebuilds it when it was recreated or disagrees with the database.
    fn sync_index(&self, state: IndexState) -> Result<Option<String>> {
        let conn = lock(&self.writer);
        let generation = store::generation(&conn)?;
        let queued = store::index_queue(&conn)?;
        let empty = store::count_case_studies(&conn)? == 0;
        let reason = match state {
            // A new library: nothing to rebuild, nothing to tell.
            IndexState::Recreated { .. } if empty && queued.is_empty() => None,
            IndexState::Recreated { reason } => Some(reason),
            IndexState::Ready { generation: g } if g > generation => Some(format!(
                "index generation {g} is ahead of the database's {generation}"
            )),
            IndexState::Ready { generation: g } if g < generation && queued.is_empty() => Some(
                format!("index generation {g} is behind the database's {generation}"),
            ),
            IndexState::Ready { .. } => None,
        };
        if let Some(reason) = reason {
            let n = self.rebuild_index(&conn)?;
            return Ok(Some(format!(
                "search index rebuilt ({n} case studies): {reason}"
            )));
        }
        if !queued.is_empty() {
            self.flush_index_queue(&conn)?;
        }
        let (indexed, stored) = (self.index.num_docs(), store::count_case_studies(&conn)?);
        if indexed != stored {
            let n = self.rebuild_index(&conn)?;
            return Ok(Some(format!(
                "search index rebuilt ({n} case studies): it held {indexed} documents for {stored} case studies"
            )));
        }
        Ok(None)
    }

    fn rebuild_index(&self, conn: &Connection) -> Result<u64> {
        let _bulk = self.index.bulk_write();
        self.index.clear()?;
        let ids = store::all_ids(conn)?;
        for chunk in ids.chunks(1000) {
            let mut docs = Vec::with_capacity(chunk.len());
            for id in chunk {
                if let Some(doc) = store::index_doc(conn, *id)? {
                    docs.push(doc);
                }
            }
            self.index.upsert(docs)?;
        }
        self.index.commit(store::generation(conn)?)?;
        let queued = store::index_queue(conn)?;
        store::clear_index_queue(conn, &queued)?;
        Ok(ids.len() as u64)
    }

    /// Indexes the queued ids, commits the index with the database's generation (making
    /// them searchable), then clears them from the queue.
    fn flush_index_queue(&self, conn: &Connection) -> Result<()> {
        self.flush_index_queue_with(conn, &mut FreshDocs::default())
    }

    /// [`Self::flush_index_queue`], taking the documents of case studies an import has just
    /// added from `fresh` rather than reading them back (they are taken out of it).
    fn flush_index_queue_with(&self, conn: &Connection, fresh: &mut FreshDocs) -> Result<()> {
        let other_writes = self.other_writes.load(Ordering::SeqCst);
        if fresh.other_writes != other_writes {
            fresh.clear();
            fresh.other_writes = other_writes;
        }
        let ids = store::index_queue(conn)?;
        if ids.is_empty() {
            // A write that changed nothing the index shows (a collection, a saved search)
            // still moved the generation: stamp the index with it, else the next open would
            // find the index behind and rebuild it for nothing.
            let generation = store::generation(conn)?;
            if self.index.generation() != generation {
                self.index.commit(generation)?;
            }
            return Ok(());
        }
        let mut docs = Vec::with_capacity(ids.len());
        let mut gone = Vec::new();
        for id in &ids {
            let doc = match fresh.remove(id) {
                Some(doc) => {
                    debug_assert_eq!(Some(&doc), store::index_doc(conn, *id)?.as_ref());
                    Some(doc)
                }
                None => store::index_doc(conn, *id)?,
            };
            match doc {
                Some(doc) => docs.push(doc),
                None => gone.push(*id),
            }
        }
        self.index.delete(&gone)?;
        self.index.upsert(docs)?;
        self.index.commit(store::generation(conn)?)?;
        store::clear_index_queue(conn, &ids)
    }

    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let mut req = req.clone();
        self.resolve_companies(&mut req.filters)?;
        let only = self.collection_filter(&req.filters)?;
        self.index.search_within(&req, only)
    }

    /// How tags (or industries) rise and fall over the years among the case studies
    /// `req`'s query and filters find: each count is the `total` of the same search
    /// narrowed to that year and that tag.
    pub fn trends(&self, req: &TrendsRequest) -> Result<Trends> {
        let mut req = req.clone();
        self.resolve_companies(&mut req.filters)?;
        let only = self.collection_filter(&req.filters)?;
        self.index.trends(&req, only)
    }

    /// Company filters name a company by any of its spellings, aliases or its key.
    fn resolve_companies(&self, filters: &mut Filters) -> Result<()> {
        if filters.companies.is_empty() {
            return Ok(());
        }
        let conn = lock(&self.reader);
        for c in &mut filters.companies {
            if let Some(k) = store::resolve_company(&conn, c)? {
                *c = k;
            }
        }
        Ok(())
    }

    /// The ids a collection filter allows, when one is set.
    fn collection_filter(&self, filters: &Filters) -> Result<Option<HashSet<u64>>> {
        Ok(match filters.collection {
            None => None,
            // A collection that no longer exists has no members: no hits, not an error (a
            // saved search or a restored UI state may still name it).
            Some(c) => Some(
                store::collection_ids(&lock(&self.reader), c)?
                    .into_iter()
                    .map(|id| id as u64)
                    .collect(),
            ),
        })
    }

    /// Up to `limit` case studies most like `id`: by text (see [`SearchIndex::more_like`]),
    /// then re-ranked with the share of tags they have in common, which are returned as
    /// the reason.
    pub fn related(&self, id: CaseStudyId, limit: usize) -> Result<Vec<RelatedCaseStudy>> {
        /// How much shared tags weigh against text similarity (both 0–1).
        const TAG_WEIGHT: f32 = 0.6;
        let conn = lock(&self.reader);
        let me = store::case_study(&conn, id)?;
        let tag_set = |cs: &CaseStudy| -> std::collections::BTreeSet<String> {
            cs.tags
                .iter()
                .chain(&cs.inferred_tags)
                .chain(&cs.user_tags)
                .cloned()
                .collect()
        };
        let mine = tag_set(&me);
        let candidates = self.index.more_like(id, (limit * 3).max(20))?;
        let best = candidates.first().map_or(1.0, |c| c.1).max(f32::EPSILON);
        let mut out = Vec::with_capacity(candidates.len());
        for (other, text_score) in candidates {
            // The index may briefly hold one that was just trashed or deleted.
            let Ok(cs) = store::case_study(&conn, other) else {
                continue;
            };
            if store::is_trashed(&conn, other)? {
                continue;
            }
            let theirs = tag_set(&cs);
            let shared: Vec<String> = mine.intersection(&theirs).cloned().collect();
            let union = mine.union(&theirs).count().max(1);
            let score = (text_score / best + TAG_WEIGHT * shared.len() as f32 / union as f32)
                / (1.0 + TAG_WEIGHT);
            let mut shared = shared;
            shared.sort_by_key(|t| crate::taxonomy::tag_order(t));
            out.push(RelatedCaseStudy {
                id: cs.id,
                slug: cs.slug,
                title: cs.title,
                company: cs.company,
                year: cs.year,
                score,
                shared_tags: shared,
            });
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        out.truncate(limit);
        Ok(out)
    }

    /// Every company of the library with its case-study count and years, most case studies
    /// first (then by name).
    pub fn companies(&self) -> Result<Vec<CompanySummary>> {
        let rows = store::company_rows(&lock(&self.reader))?;
        let mut by_key: std::collections::HashMap<String, CompanySummary> =
            std::collections::HashMap::new();
        for (key, name, written, year) in rows {
            let c = by_key.entry(key.clone()).or_insert_with(|| CompanySummary {
                key,
                name,
                aliases: Vec::new(),
                count: 0,
                first_year: None,
                last_year: None,
            });
            c.count += 1;
            let written = written.trim().to_string();
            if written != c.name && !c.aliases.contains(&written) {
                c.aliases.push(written);
            }
            if let Some(y) = year {
                c.first_year = Some(c.first_year.map_or(y, |f| f.min(y)));
                c.last_year = Some(c.last_year.map_or(y, |l| l.max(y)));
            }
        }
        let mut out: Vec<CompanySummary> = by_key.into_values().collect();
        for c in &mut out {
            c.aliases.sort_by_key(|a| a.to_lowercase());
        }
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                .then_with(|| a.key.cmp(&b.key))
        });
        Ok(out)
    }

    /// A company (by key, name, any spelling or alias) and its case studies by year, newest
    /// first (those without a year last).
    pub fn company(&self, name: &str) -> Result<CompanyDetail> {
        let conn = lock(&self.reader);
        let key = store::resolve_company(&conn, name)?
            .ok_or_else(|| Error::NotFound(name.trim().to_string()))?;
        let ids = store::company_case_studies(&conn, &key)?;
        if ids.is_empty() {
            return Err(Error::NotFound(name.trim().to_string()));
        }
        let mut studies = Vec::with_capacity(ids.len());
        for id in ids {
            studies.push(store::case_study(&conn, id)?);
        }
        let name = store::company_display_name(&conn, &key)?.unwrap_or_else(|| key.clone());
        drop(conn);
        let mut aliases: Vec<String> = Vec::new();
        for cs in &studies {
            if let Some(w) = cs.company.as_deref().map(str::trim) {
                if w != name && !aliases.iter().any(|a| a == w) {
                    aliases.push(w.to_string());
                }
            }
        }
        aliases.sort_by_key(|a| a.to_lowercase());
        let count = studies.len() as u64;
        let first_year = studies.iter().filter_map(|cs| cs.year).min();
        let last_year = studies.iter().filter_map(|cs| cs.year).max();
        // Newest first; `None` (no year) is the smallest `Option`, so it comes last.
        studies.sort_by(|a, b| {
            b.year
                .cmp(&a.year)
                .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
        });
        let mut years: Vec<CompanyYear> = Vec::new();
        for cs in studies {
            match years.last_mut() {
                Some(y) if y.year == cs.year => y.case_studies.push(cs),
                _ => years.push(CompanyYear {
                    year: cs.year,
                    case_studies: vec![cs],
                }),
            }
        }
        Ok(CompanyDetail {
            key,
            name,
            aliases,
            count,
            first_year,
            last_year,
            years,
        })
    }

    pub fn list(&self) -> Result<Vec<CaseStudy>> {
        store::list(&lock(&self.reader))
    }

    fn resolve(&self, conn: &Connection, key: &str) -> Result<CaseStudyId> {
        let key = key.trim();
        if let Ok(id) = key.parse::<CaseStudyId>() {
            return Ok(id);
        }
        store::id_by_slug(conn, key)?.ok_or_else(|| Error::NotFound(key.to_string()))
    }

    /// A case study by id (digits) or slug.
    pub fn get(&self, key: &str) -> Result<CaseStudyDetail> {
        let conn = lock(&self.reader);
        let id = self.resolve(&conn, key)?;
        store::detail(&conn, id)
    }

    /// The case study's body rendered for the reader (sanitised HTML and contents), without
    /// a first heading that only repeats the title the reader shows above it.
    pub fn render(&self, id: CaseStudyId) -> Result<RenderedBody> {
        let (title, markdown) = store::title_and_body(&lock(&self.reader), id)?;
        Ok(render::to_reader_html(render::without_title_heading(
            &markdown, &title,
        )))
    }

    pub fn stats(&self) -> Result<Stats> {
        let mut stats = store::stats(&lock(&self.reader))?;
        stats.indexed = self.index.num_docs();
        stats.disk_bytes = dir_size(&self.root);
        Ok(stats)
    }

    /// Rebuilds the search index from the database; returns the number of documents.
    pub fn reindex(&self) -> Result<u64> {
        let _import = lock(&self.import_lock);
        self.rebuild_index(&lock(&self.writer))
    }

    fn import_seeds(&self) -> Result<ImportReport> {
        let files = SEEDS.iter().map(|(name, bytes)| RawFile {
            display: format!("seeds/{name}"),
            bytes: Ok(bytes.to_vec()),
            record: None,
        });
        self.import_files(files, 0, &|_| {}, &AtomicBool::new(false), Vec::new())
    }

    /// Imports files, folders (recursively) and .zip archives. `progress` is called after
    /// each batch; setting `cancel` stops after the current batch: what was committed
    /// stays, nothing is half-imported. A Casebook JSON export named directly (not inside a
    /// folder) is restored with [`Library::import_export`], annotations included.
    pub fn import(
        &self,
        paths: &[PathBuf],
        progress: &(dyn Fn(&ImportProgress) + Sync),
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        let mut exports = ImportReport::default();
        let mut rest = Vec::with_capacity(paths.len());
        for p in paths {
            match read_if_export(p) {
                Some(bytes) if bytes.len() as u64 > MAX_EXPORT_BYTES => {
                    exports.failed.push(ImportFailure {
                        path: p.display().to_string(),
                        error: ParseError::TooLarge {
                            size: std::fs::metadata(p).map_or(bytes.len() as u64, |m| m.len()),
                            limit: MAX_EXPORT_BYTES,
                        }
                        .to_string(),
                    })
                }
                Some(bytes) => match self.import_export(&bytes) {
                    Ok(r) => {
                        exports.added += r.added;
                        exports.merged += r.matched;
                        exports.changed_ids.extend(r.changed_ids);
                    }
                    Err(e) => exports.failed.push(ImportFailure {
                        path: p.display().to_string(),
                        error: e.to_string(),
                    }),
                },
                None => rest.push(p.clone()),
            }
        }
        let mut report = self.import_scanned(&rest, progress, cancel)?;
        report.added += exports.added;
        report.merged += exports.merged;
        report.failed.extend(exports.failed);
        report.changed_ids.extend(exports.changed_ids);
        report.changed_ids.sort_unstable();
        report.changed_ids.dedup();
        Ok(report)
    }

    fn import_scanned(
        &self,
        paths: &[PathBuf],
        progress: &(dyn Fn(&ImportProgress) + Sync),
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        if paths.is_empty() {
            return Ok(ImportReport::default());
        }
        let mut failed = Vec::new();
        let inputs = scan::scan(paths, &mut failed);
        let total = inputs.len();
        // Read lazily: archives are expanded one at a time, files read batch by batch.
        let (tx, rx) = std::sync::mpsc::sync_channel::<RawFile>(BATCH_FILES);
        let stop = AtomicBool::new(false);
        let read_ahead = ReadAhead::default();
        std::thread::scope(|s| {
            s.spawn(|| {
                // Owned by this thread: the channel closes when it ends.
                let tx = tx;
                let send = |raw: RawFile| {
                    read_ahead.acquire(raw_len(&raw), &stop);
                    tx.send(raw)
                };
                for input in &inputs {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    match input {
                        // Large JSON Lines files are streamed one record at a time.
                        Input::File(p) if scan::is_large_jsonl(p) => {
                            scan::read_jsonl_records(p, &mut |raw| {
                                !stop.load(Ordering::Relaxed) && send(raw).is_ok()
                            })
                        }
                        Input::File(p) => {
                            if send(scan::read_file(p)).is_err() {
                                break;
                            }
                        }
                        Input::Zip(p) => scan::read_zip(p, &mut |raw| {
                            !stop.load(Ordering::Relaxed) && send(raw).is_ok()
                        }),
                    }
                }
            });
            let received = rx.iter().inspect(|raw| read_ahead.release(raw_len(raw)));
            let result = self.import_files(received, total, progress, cancel, failed);
            stop.store(true, Ordering::Relaxed);
            // Unblock the reader thread if it waits on a full channel.
            for _ in rx.try_iter() {}
            result
        })
    }

    fn import_files(
        &self,
        files: impl Iterator<Item = RawFile>,
        total: usize,
        progress: &(dyn Fn(&ImportProgress) + Sync),
        cancel: &AtomicBool,
        failed: Vec<ImportFailure>,
    ) -> Result<ImportReport> {
        let _import = lock(&self.import_lock);
        let database = self.root.join(DATABASE_FILE);
        // Checkpoints run beside the writer for the import's duration (see `store::Checkpointer`);
        // without one (it could not open), the writer checkpoints as usual.
        let checkpointer = store::Checkpointer::open(&database)
            .and_then(|c| store::set_auto_checkpoint(&lock(&self.writer), false).map(|()| c))
            .inspect_err(|e| tracing::warn!("no background WAL checkpoints: {e}"))
            .ok();
        let background = checkpointer.is_some();
        std::thread::scope(|s| {
            let (commits, signals) = std::sync::mpsc::channel::<()>();
            if let Some(c) = checkpointer {
                s.spawn(move || c.run(signals, store::CHECKPOINT_GATHER));
            }
            let committed = |conn: &Connection| {
                if background {
                    // The receiver only goes when this scope ends.
                    let _ = commits.send(());
                    if let Err(e) = store::limit_wal(conn, &database, store::MAX_WAL_BYTES) {
                        tracing::warn!("could not truncate the WAL: {e}");
                    }
                }
            };
            let started = Instant::now();
            let bulk = self.index.bulk_write();
            let result = self.import_batches(files, total, progress, cancel, failed, &committed);
            let written = started.elapsed();
            drop(bulk);
            tracing::info!(?written, merged = ?started.elapsed() - written, "import committed");
            if background {
                let writer = lock(&self.writer);
                if let Err(e) = store::set_auto_checkpoint(&writer, true) {
                    tracing::warn!("could not turn WAL checkpoints back on: {e}");
                }
                // A WAL grown past what the automatic checkpoint keeps goes back to nothing.
                let usual = store::AUTO_CHECKPOINT_PAGES as u64 * 4096;
                if let Err(e) = store::limit_wal(&writer, &database, usual) {
                    tracing::warn!("could not truncate the WAL: {e}");
                }
            }
            drop(commits);
            result
        })
    }

    /// [`Self::import_files`] without the checkpointer: `committed` is called with the writer
    /// after each batch's transaction.
    fn import_batches(
        &self,
        files: impl Iterator<Item = RawFile>,
        total: usize,
        progress: &(dyn Fn(&ImportProgress) + Sync),
        cancel: &AtomicBool,
        failed: Vec<ImportFailure>,
        committed: &(dyn Fn(&Connection) + Sync),
    ) -> Result<ImportReport> {
        let mut report = ImportReport {
            failed,
            ..Default::default()
        };
        let mut done = 0usize;
        let mut total = total;
        let mut last_index_commit = Instant::now();
        let mut files = files.peekable();
        let mut batch_files = FIRST_BATCH_FILES;
        // Case studies a crash (or a migration) left without fingerprints get them first:
        // dedup must see the whole library.
        self.in_transaction(|conn| store::refill_queued(conn).map(|_| ()))?;
        let mut pending = store::PendingFingerprints::default();
        let mut record_failures = RecordFailures::default();
        let mut fresh = FreshDocs {
            other_writes: self.other_writes.load(Ordering::SeqCst),
            ..FreshDocs::default()
        };
        let prepare_batch =
            |batch: Vec<RawFile>| -> Vec<std::result::Result<Prepared, ImportFailure>> {
                batch.into_par_iter().flat_map_iter(prepare).collect()
            };
        // Pipelined: batch n+1 is read and parsed (in parallel) while batch n is written.
        let mut next: Option<PreparedBatch> = None;
        loop {
            let current = match next.take() {
                Some(c) => c,
                None => {
                    if files.peek().is_none() {
                        break;
                    }
                    let batch = take_batch(&mut files, &mut batch_files);
                    let (n, name) = (batch.len(), batch.last().map(|f| f.display.clone()));
                    (prepare_batch(batch), n, name)
                }
            };
            if cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                break;
            }
            let (prepared, n, name) = current;
            let upcoming: Vec<RawFile> = if cancel.load(Ordering::Relaxed) {
                Vec::new()
            } else {
                take_batch(&mut files, &mut batch_files)
            };
            let (written, parsed) = rayon::join(
                || -> Result<()> {
                    let mut conn = lock(&self.writer);
                    let out = (&mut report, &mut record_failures);
                    self.write_batch(&mut conn, prepared, out, &mut pending, &mut fresh)?;
                    committed(&conn);
                    if last_index_commit.elapsed() >= INDEX_COMMIT_INTERVAL {
                        self.flush_index_queue_with(&conn, &mut fresh)?;
                        last_index_commit = Instant::now();
                    }
                    Ok(())
                },
                || {
                    (!upcoming.is_empty()).then(|| {
                        let (n, name) =
                            (upcoming.len(), upcoming.last().map(|f| f.display.clone()));
                        (prepare_batch(upcoming), n, name)
                    })
                },
            );
            written?;
            next = parsed;
            done += n;
            total = total.max(done);
            progress(&ImportProgress {
                done: done as u32,
                total: total as u32,
                current: name,
            });
        }
        self.in_transaction(|conn| pending.flush(conn))?;
        record_failures.finish(&mut report.failed);
        // Regrouping may have renamed the companies of what is still to be indexed: those
        // are read back (the others' documents are still right).
        for id in self.regroup_companies_if_dirty()? {
            fresh.remove(&id);
        }
        self.flush_index_queue_with(&lock(&self.writer), &mut fresh)?;
        report.changed_ids.sort_unstable();
        report.changed_ids.dedup();
        Ok(report)
    }

    /// Runs `f` in a write transaction of its own that changes nothing the index shows (no
    /// new generation, no index commit; see `write` for those that do).
    fn in_transaction<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// One transaction: every prepared file of the batch is stored, or none is. The
    /// fingerprints of what it wrote gather in `pending`, written once there are many.
    fn write_batch(
        &self,
        conn: &mut Connection,
        prepared: Vec<std::result::Result<Prepared, ImportFailure>>,
        (report, record_failures): (&mut ImportReport, &mut RecordFailures),
        pending: &mut store::PendingFingerprints,
        fresh: &mut FreshDocs,
    ) -> Result<()> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut changed = false;
        for item in prepared {
            match item {
                Err(f) => record_failures.add(&mut report.failed, f),
                Ok(p) => {
                    if let Some(id) = store_one(&tx, &p, report, pending, fresh)? {
                        report.changed_ids.push(id);
                        changed = true;
                    }
                }
            }
        }
        if changed {
            store::bump_generation(&tx)?;
        }
        if pending.len() >= store::FLUSH_AT {
            pending.flush(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// The failed records of each multi-record file, counted so that the report lists the
/// first [`RECORD_FAILURES_LISTED`] of a file and then how many more.
#[derive(Default)]
struct RecordFailures {
    per_file: HashMap<String, usize>,
}

impl RecordFailures {
    fn add(&mut self, failed: &mut Vec<ImportFailure>, f: ImportFailure) {
        let Some(file) = record_file(&f.path) else {
            failed.push(f);
            return;
        };
        let n = self.per_file.entry(file.to_string()).or_default();
        *n += 1;
        if *n <= RECORD_FAILURES_LISTED {
            failed.push(f);
        }
    }

    fn finish(self, failed: &mut Vec<ImportFailure>) {
        let mut over: Vec<(String, usize)> = self
            .per_file
            .into_iter()
            .filter(|&(_, n)| n > RECORD_FAILURES_LISTED)
            .collect();
        over.sort();
        for (file, n) in over {
            failed.push(ImportFailure {
                error: format!(
                    "{} more records of this file could not be read either (the first \
                     {RECORD_FAILURES_LISTED} are listed)",
                    n - RECORD_FAILURES_LISTED
                ),
                path: file,
            });
        }
    }
}

/// The file a record's failure belongs to: its path without the record's `#N` locator.
fn record_file(path: &str) -> Option<&str> {
    let (file, n) = path.rsplit_once('#')?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(file)
}

/// Takes the library lock, or fails with [`Error::InUse`] when another process holds it.
fn take_library_lock(dir: &Path) -> Result<std::fs::File> {
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::InUse(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

fn raw_len(raw: &RawFile) -> u64 {
    raw.bytes.as_ref().map_or(0, |b| b.len() as u64)
}

/// The next batch: `*limit` files, or fewer holding [`BATCH_BYTES`]; then doubles `*limit`, up
/// to [`BATCH_FILES`] (see [`FIRST_BATCH_FILES`]).
fn take_batch(files: &mut impl Iterator<Item = RawFile>, limit: &mut usize) -> Vec<RawFile> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < *limit && bytes < BATCH_BYTES {
        let Some(raw) = files.next() else { break };
        bytes += raw_len(&raw);
        batch.push(raw);
    }
    *limit = (*limit * 2).min(BATCH_FILES);
    batch
}

/// Bytes read but not yet taken by the parser: the reader waits while they exceed
/// [`MAX_READ_AHEAD_BYTES`] (a file is always let through when none are held, and the
/// wait ends when the import stops).
#[derive(Default)]
struct ReadAhead {
    held: Mutex<u64>,
    freed: std::sync::Condvar,
}

impl ReadAhead {
    fn acquire(&self, n: u64, stop: &AtomicBool) {
        let mut held = lock(&self.held);
        while *held > 0 && *held + n > MAX_READ_AHEAD_BYTES && !stop.load(Ordering::Relaxed) {
            held = match self.freed.wait_timeout(held, Duration::from_millis(50)) {
                Ok((g, _)) => g,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        *held += n;
    }

    fn release(&self, n: u64) {
        let mut held = lock(&self.held);
        *held = held.saturating_sub(n);
        self.freed.notify_all();
    }
}

/// The bytes of `path` when it is a file that is a Casebook JSON export.
fn read_if_export(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let is_json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json || !path.is_file() {
        return None;
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(512)
        .read_to_end(&mut head)
        .ok()?;
    if !ExportFile::sniff(&head) {
        return None;
    }
    // Bounded like any read: a file claiming to be an export may be anything.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_EXPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// Parse, normalise and fingerprint one file: pure work, run in parallel.
fn prepare(raw: RawFile) -> Vec<std::result::Result<Prepared, ImportFailure>> {
    let fail = |path: &str, e: ParseError| {
        Err(ImportFailure {
            path: path.to_string(),
            error: e.to_string(),
        })
    };
    let bytes = match raw.bytes {
        Ok(b) => b,
        Err(e) => return vec![fail(&raw.display, e)],
    };
    let name = raw
        .display
        .rsplit(['/', '\\', '!'])
        .next()
        .unwrap_or(&raw.display);
    let entries = match parse_file(name, &bytes) {
        Ok(entries) => entries,
        Err(e) => return vec![fail(&raw.display, e)],
    };
    let single = entries.len() == 1 && raw.record.is_none();
    entries
        .into_iter()
        .map(|entry| {
            let path = match (&entry.locator, raw.record) {
                // One line of a streamed JSON Lines file (parsed alone, it may read as a
                // single JSON document): its line number in the file, as for a whole file.
                (_, Some(line)) => format!("{}#{line}", raw.display),
                (Some(loc), None) => format!("{}{loc}", raw.display),
                (None, None) => raw.display.clone(),
            };
            let parsed = match entry.result {
                Ok(p) => normalize(p),
                Err(e) => return fail(&path, e),
            };
            if parsed.body_text.trim().is_empty() && parsed.summary.is_none() {
                return fail(&path, ParseError::NoText);
            }
            let fingerprints = dedup::fingerprints(&parsed.body_text);
            let aliases = store::company_aliases(&parsed);
            let meta = store::record_meta(&parsed);
            Ok(Prepared {
                // The plain text was derived from the Markdown just now (see `normalize`).
                hash: store::content_hash(entry.format, &meta, &parsed, Some(true)),
                meta,
                size: if single {
                    bytes.len() as u64
                } else {
                    parsed.body_markdown.len() as u64
                },
                path,
                format: entry.format,
                parsed,
                fingerprints,
                aliases,
            })
        })
        .collect()
}

/// Stores one prepared source; returns the case study it changed, if any.
fn store_one(
    conn: &Connection,
    p: &Prepared,
    report: &mut ImportReport,
    pending: &mut store::PendingFingerprints,
    fresh: &mut FreshDocs,
) -> Result<Option<CaseStudyId>> {
    // The record as stored with its own Markdown, or with the case study's.
    let record = |body_in_case_study: bool| {
        store::record_json(&p.meta, &p.parsed, Some(true), body_in_case_study)
    };
    fn source<'a>(p: &'a Prepared, parsed_json: &'a str) -> store::NewSource<'a> {
        store::NewSource {
            path: &p.path,
            format: p.format,
            content_hash: &p.hash,
            size: p.size,
            parsed_json,
        }
    }
    if let Some((source_id, case_study_id, hash)) = store::source_by_path(conn, &p.path)? {
        if hash == p.hash {
            report.unchanged += 1;
            return Ok(None);
        }
        // Hashed by an older version (another stored form), yet the same record.
        let (stored, body_in_case_study) = store::source_record(conn, source_id)?;
        if stored == p.parsed {
            store::restamp_source(conn, source_id, &source(p, &record(body_in_case_study)))?;
            report.unchanged += 1;
            return Ok(None);
        }
        store::update_source(conn, source_id, &source(p, &record(false)))?;
        fresh.remove(&case_study_id);
        recompute(conn, case_study_id, pending)?;
        report.updated += 1;
        return Ok(Some(case_study_id));
    }
    if store::hash_known(conn, &p.hash)? {
        report.unchanged += 1;
        return Ok(None);
    }
    if let Some(existing) = find_same(conn, p, pending)? {
        store::insert_source(conn, existing, &source(p, &record(false)))?;
        fresh.remove(&existing);
        recompute(conn, existing, pending)?;
        report.merged += 1;
        return Ok(Some(existing));
    }
    // A new case study of one source: its merged record is that source's, so are its
    // fingerprints and company aliases computed with the parsing; written in one insert.
    let merged = dedup::merge(&[&p.parsed]);
    let slug = unique_slug(conn, &merged, 0)?;
    // (`normalize` derived the plain text from the Markdown.)
    let (fingerprints, aliases, text_derived) = if merged == p.parsed {
        (
            Cow::Borrowed(&p.fingerprints),
            Cow::Borrowed(&p.aliases),
            Some(true),
        )
    } else {
        (
            Cow::Owned(dedup::fingerprints(&merged.body_text)),
            Cow::Owned(store::company_aliases(&merged)),
            None,
        )
    };
    let (id, doc) = store::insert_case_study(
        conn,
        &merged,
        &slug,
        &fingerprints,
        &aliases,
        text_derived,
        pending,
    )?;
    // Its Markdown is the case study's: kept there only.
    let shared = merged.body_markdown == p.parsed.body_markdown;
    store::insert_source(conn, id, &source(p, &record(shared)))?;
    fresh.insert(id, doc);
    report.added += 1;
    Ok(Some(id))
}

/// The case study already in the library that `p` is another copy of, if any: same slug;
/// same link and title; the same text (fingerprint containment); or the same title and
/// company with no conflicting link. Two sources that each name a different slug are two
/// case studies, whatever else they share (one talk may yield several write-ups).
fn find_same(
    conn: &Connection,
    p: &Prepared,
    pending: &mut store::PendingFingerprints,
) -> Result<Option<CaseStudyId>> {
    let cs = &p.parsed;
    let slug = cs.slug.as_deref().map(clean_slug).filter(|s| !s.is_empty());
    if let Some(slug) = &slug {
        if let Some(id) = store::id_by_slug(conn, slug)? {
            if !slugs_conflict(conn, Some(slug), id)? {
                return Ok(Some(id));
            }
        }
    }
    let compatible =
        |id: CaseStudyId| -> Result<bool> { Ok(!slugs_conflict(conn, slug.as_deref(), id)?) };
    let same_title = |other: &str| !cs.title_inferred && other.eq_ignore_ascii_case(&cs.title);
    if let Some(link) = &cs.link {
        for id in store::ids_by_link(conn, link)? {
            if same_title(&store::case_study(conn, id)?.title) && compatible(id)? {
                return Ok(Some(id));
            }
        }
    }
    let candidates = store::candidates(
        conn,
        pending,
        &p.fingerprints,
        dedup::MIN_SHARED_FINGERPRINTS,
        dedup::MAX_FINGERPRINT_SHARERS,
    )?;
    for (id, shared, theirs) in candidates.matches {
        if dedup::same_content(shared, candidates.considered, theirs) && compatible(id)? {
            return Ok(Some(id));
        }
    }
    if !cs.title_inferred {
        let company_key = |c: &Option<String>| c.as_deref().map(str::to_lowercase);
        for (id, company) in store::ids_by_title(conn, &cs.title)? {
            let (a, b) = (company_key(&company), company_key(&cs.company));
            let theirs = store::case_study(conn, id)?.link;
            let links_agree = match (&theirs, &cs.link) {
                (Some(x), Some(y)) => dedup::link_key(x) == dedup::link_key(y),
                _ => true,
            };
            if (a.is_none() || b.is_none() || a == b) && links_agree && compatible(id)? {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

/// True when `slug` is set and the case study's sources name slugs, none of them this one.
fn slugs_conflict(conn: &Connection, slug: Option<&str>, id: CaseStudyId) -> Result<bool> {
    let Some(slug) = slug else { return Ok(false) };
    let theirs: Vec<String> = store::source_slugs(conn, id)?
        .iter()
        .map(|s| clean_slug(s))
        .filter(|s| !s.is_empty())
        .collect();
    Ok(!theirs.is_empty() && !theirs.iter().any(|s| s == slug))
}

/// Re-derives a case study from all its sources (order-independent) and writes it; when its
/// plain text changed, its highlights are anchored again.
fn recompute(
    conn: &Connection,
    id: CaseStudyId,
    pending: &mut store::PendingFingerprints,
) -> Result<()> {
    let before = store::body_text(conn, id)?;
    let sources = store::sources_of(conn, id)?;
    let parsed: Vec<&NormalizedCaseStudy> = sources.iter().map(|s| &s.parsed).collect();
    let merged = dedup::merge(&parsed);
    store::materialize_bodies(conn, &sources, &merged.body_markdown)?;
    let slug = unique_slug(conn, &merged, id)?;
    let fingerprints = dedup::fingerprints(&merged.body_text);
    store::write_case_study(conn, id, &merged, &slug, &fingerprints, None, pending)?;
    if before != merged.body_text {
        organise::reanchor(conn, id, &merged.body_text)?;
    }
    Ok(())
}

/// The slug a case study gets: its own (or its title's), numbered when another case study
/// than `id` has it.
fn unique_slug(conn: &Connection, merged: &NormalizedCaseStudy, id: CaseStudyId) -> Result<String> {
    let base = merged
        .slug
        .as_deref()
        .map(clean_slug)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| slugify(&merged.title));
    let base = if base.is_empty() {
        "case-study".to_string()
    } else {
        base
    };
    let mut slug = base.clone();
    let mut n = 2;
    while store::slug_taken(conn, &slug, id)? {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
