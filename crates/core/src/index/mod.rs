//! The tantivy search index: derived from SQLite, rebuildable at any time.
//!
//! - **Lifecycle.** [`SearchIndex::open`] creates the index when missing and recreates it
//!   (returning [`IndexState::Recreated`]) when its schema version stamp differs from
//!   [`SCHEMA_VERSION`], its files are unreadable, missing or fail their checksums. A stale
//!   lock file does not matter (tantivy's locks are advisory OS locks, released when a process
//!   dies). One `IndexWriter`, behind a mutex; searches never take that mutex and run while an
//!   import writes. [`SearchIndex::commit`] stamps the commit with the caller's generation and
//!   reloads the reader, so the next search sees the change.
//! - **Query syntax**: see [`query`]. Bare words are AND-ed (every word must match), as users
//!   of search boxes expect: adding a word narrows. English stemming is on (`agents` finds
//!   `agent`, `fine-tuned` finds `fine-tuning`); phrases and snippets use the same analyser so
//!   they stay consistent.
//! - **Typos**: when the query as typed finds fewer than [`FEW_HITS`] documents and one of its
//!   words is in no document, that word is taken as one being typed when words start with it
//!   (a word alone becomes a prefix, `evaluat` → `evaluat*`; a part of a hyphenated word gets
//!   its most frequent ending, `fine-tunin` → `fine-tuning`), else as a typo: the closest
//!   dictionary terms (edit distance 1 for words of 4–7 letters, 2 from 8 letters; nearest,
//!   then most frequent) replace it. The corrected query is kept only if it finds more, and
//!   is reported in `corrected_query`. A query with good exact results is never fuzzed.
//! - **Facets** are counted over the whole hit set in the same pass that ranks the hits,
//!   from fast-field ordinals ([`collect`]). See [`crate::model::Facets`] for which filters
//!   each count honours.

mod collect;
mod columns;
mod directory;
pub mod plan;
pub mod query;
pub mod schema;
pub mod snippet;
pub mod trends;

use crate::error::{Error, Result};
use crate::model::{
    CaseStudyId, Facets, FieldMatch, MatchField, SearchHit, SearchRequest, SearchResponse, Sort,
    Trends, TrendsRequest,
};
use collect::{FilterSpec, SearchCollector};
use schema::{analyzer, build_schema, to_document, Fields, SCHEMA_VERSION, TEXT_TOKENIZER};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tantivy::index::{SegmentComponent, SegmentId};
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::EnableScoring;
use tantivy::schema::{Schema, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    Executor, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

/// What the index holds of one case study.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexDoc {
    pub id: CaseStudyId,
    pub slug: String,
    pub title: String,
    pub company: Option<String>,
    /// The company's key and display name in the library's grouping ([`crate::company`]);
    /// when unset, [`crate::company::key`] of `company` and `company` as written.
    pub company_key: Option<String>,
    pub company_name: Option<String>,
    pub industry: Option<String>,
    pub year: Option<i32>,
    pub summary: Option<String>,
    pub body_text: String,
    /// Every tag slug the case study carries (source, inferred, user).
    pub tags: Vec<String>,
    /// Highlight quotes and notes, the case study's note, user tags (searchable text).
    pub annotations: String,
    /// It has highlights, a note or user tags.
    pub annotated: bool,
    pub starred: bool,
    pub read: bool,
    /// Last opened (ms since the epoch).
    pub opened_at: Option<i64>,
}

/// How the index was found when opened.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexState {
    /// It opened and carries this generation stamp (from its last commit).
    Ready { generation: u64 },
    /// It was missing, of another schema version or unreadable, and was recreated empty:
    /// the caller must refill it from SQLite. The reason is for logs.
    Recreated { reason: String },
}

/// The file in the index folder that holds the schema version.
pub const VERSION_FILE: &str = "casebook-index-version";
/// The file recording, for each file of the last committed (or validated) index, its size,
/// modification time and a hash of its first and last 4 KiB. When every file still matches,
/// opening skips tantivy's whole-index checksum validation (which reads every byte: seconds
/// for a large library); any difference means a full validation, then a new stamp.
pub const VALIDATED_FILE: &str = "casebook-index-validated";
/// Below this many hits, a query with an unknown word is retried with corrected spellings.
pub const FEW_HITS: u64 = 3;
/// Largest page.
pub const MAX_LIMIT: u32 = 500;
/// Deepest offset served.
pub const MAX_OFFSET: u32 = 100_000;
/// Most company facet values returned (the most frequent); the other facets are complete.
pub const MAX_COMPANY_FACETS: usize = 300;
/// Below this many documents a search runs in one thread (see `SearchIndex::collect`).
const PARALLEL_SEARCH_MIN_DOCS: u64 = 20_000;
/// A bulk write's segments are merged into one segment per this many documents, up to one
/// per search thread (see [`SearchIndex::bulk_write`]).
const MERGED_SEGMENT_DOCS: u64 = 20_000;
/// Indexing memory budget, shared by the writer's threads.
const WRITER_BUDGET: usize = 96 * 1024 * 1024;
/// Decompressed document-store blocks kept per segment (tantivy's default is 100). A search
/// reads its page's ~20 stored documents for their snippets; typing a query refetches mostly
/// the same ones, which 10 blocks a segment hold. The default kept ~16 MiB of blocks in the
/// app at 100,000 case studies for no measurable gain in the benchmark's searches.
const DOC_STORE_CACHE_BLOCKS: usize = 10;

pub struct SearchIndex {
    dir: PathBuf,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    analyzer: TextAnalyzer,
    generation: AtomicU64,
    columns: columns::ColumnCache,
    /// Collects a large index's segments on several cores (`None` on one core).
    pool: Option<Executor>,
    /// Threads of the writer and of the search pool.
    threads: usize,
    /// Documents added since the index was opened (see [`BulkWrite`]).
    added: AtomicU64,
}

/// See [`SearchIndex::bulk_write`]. Dropping it (after the bulk write's last commit) merges
/// and gives tantivy its merge policy back.
pub struct BulkWrite<'a> {
    index: &'a SearchIndex,
    before: HashSet<SegmentId>,
    added_before: u64,
}

impl Drop for BulkWrite<'_> {
    fn drop(&mut self) {
        let added = self.index.added.load(Ordering::Relaxed) - self.added_before;
        self.index.merge_written_segments(&self.before, added);
        self.index
            .writer()
            .set_merge_policy(Box::new(LogMergePolicy::default()));
    }
}

fn idx_err(e: tantivy::TantivyError) -> Error {
    Error::Index(e)
}

impl SearchIndex {
    /// Opens (or creates, or recreates) the index in `dir`.
    pub fn open(dir: &Path) -> Result<(SearchIndex, IndexState)> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, fields) = build_schema();
        let opened =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| try_open(dir, &schema)))
                .unwrap_or_else(
                    |_| Err("the index could not be read (panic while opening)".into()),
                );
        let (index, state) = match opened {
            Ok((index, generation)) => (index, IndexState::Ready { generation }),
            Err(reason) => {
                tracing::info!(dir = %dir.display(), %reason, "recreating the search index");
                (create(dir, &schema)?, IndexState::Recreated { reason })
            }
        };
        let generation = match &state {
            IndexState::Ready { generation } => *generation,
            IndexState::Recreated { .. } => 0,
        };
        index.tokenizers().register(TEXT_TOKENIZER, analyzer());
        // Indexing and searching each use up to four of the machine's cores.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let pool = if threads > 1 {
            Some(Executor::multi_thread(threads, "casebook-search-").map_err(idx_err)?)
        } else {
            None
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .try_into()
            .map_err(idx_err)?;
        let writer = index
            .writer_with_num_threads(threads, WRITER_BUDGET)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => Error::InUse(dir.to_path_buf()),
                e => Error::Index(e),
            })?;
        // Files of a commit that never finished (the process died between writing a
        // segment's files and `meta.json`) are removed now: replaying the queue repeats that
        // commit's operations with the same opstamps, hence the same file names, and tantivy
        // refuses to overwrite a file. A failure here only leaves stale files behind.
        if let Err(e) = writer.garbage_collect_files().wait() {
            tracing::warn!("could not remove stale index files: {e}");
        }
        Ok((
            SearchIndex {
                dir: dir.to_path_buf(),
                reader,
                writer: Mutex::new(writer),
                fields,
                analyzer: analyzer(),
                generation: AtomicU64::new(generation),
                columns: columns::ColumnCache::default(),
                pool,
                threads,
                added: AtomicU64::new(0),
            },
            state,
        ))
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds or replaces documents (by id). Not visible until `commit`.
    pub fn upsert(&self, docs: Vec<IndexDoc>) -> Result<()> {
        self.added.fetch_add(docs.len() as u64, Ordering::Relaxed);
        let w = self.writer();
        for d in &docs {
            w.delete_term(Term::from_field_u64(self.fields.id, d.id as u64));
            w.add_document(to_document(&self.fields, d))
                .map_err(idx_err)?;
        }
        Ok(())
    }

    /// Holds tantivy's merges back until the returned guard drops, then merges the segments
    /// written meanwhile into about one segment per search thread (the drop waits for it:
    /// 6 s for 100,000 case studies on two cores). For imports and rebuilds:
    /// tantivy's own policy merges their small segments while they run, taking the cores
    /// from them, and leaves an uneven mix of sizes behind (7 to 13 segments after 100,000
    /// case studies), which costs every search a little per segment.
    pub fn bulk_write(&self) -> BulkWrite<'_> {
        self.writer().set_merge_policy(Box::new(NoMergePolicy));
        let searcher = self.reader.searcher();
        BulkWrite {
            index: self,
            before: searcher
                .segment_readers()
                .iter()
                .map(|s| s.segment_id())
                .collect(),
            added_before: self.added.load(Ordering::Relaxed),
        }
    }

    /// Merges the committed segments not in `before` into balanced groups, then reloads the
    /// reader and stamps the merged files as validated.
    fn merge_written_segments(&self, before: &HashSet<SegmentId>, added: u64) {
        // A segment larger than what was added is a merge of older ones that ended meanwhile.
        let mut written: Vec<(SegmentId, u64)> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .filter(|s| !before.contains(&s.segment_id()) && u64::from(s.max_doc()) <= added)
            .map(|s| (s.segment_id(), u64::from(s.max_doc())))
            .collect();
        let docs: u64 = written.iter().map(|(_, n)| n).sum();
        let groups = (docs / MERGED_SEGMENT_DOCS).clamp(1, self.threads as u64) as usize;
        // Largest first, each into the group with the fewest documents so far.
        written.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let mut bins: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); groups];
        for (id, n) in written {
            if let Some(bin) = bins.iter_mut().min_by_key(|(docs, _)| *docs) {
                bin.0 += n;
                bin.1.push(id);
            }
        }
        let merges: Vec<_> = {
            let mut writer = self.writer();
            bins.into_iter()
                .filter(|(_, ids)| ids.len() > 1)
                .map(|(_, ids)| writer.merge(&ids))
                .collect()
        };
        if merges.is_empty() {
            return;
        }
        // Waited for (on tantivy's merge threads, in parallel; the writer stays free): merges
        // left running would go on writing into the folder after the library is dropped
        // and its lock released.
        for merge in merges {
            if let Err(e) = merge.wait() {
                tracing::warn!("merging the segments of a bulk write failed: {e}");
            }
        }
        if let Err(e) = self.reload() {
            tracing::warn!("could not reload the index reader after merging: {e}");
        }
    }

    /// Removes documents by id. Not visible until `commit`.
    pub fn delete(&self, ids: &[CaseStudyId]) -> Result<()> {
        let w = self.writer();
        for &id in ids {
            w.delete_term(Term::from_field_u64(self.fields.id, id as u64));
        }
        Ok(())
    }

    /// Removes every document. Not visible until `commit`.
    pub fn clear(&self) -> Result<()> {
        self.writer().delete_all_documents().map_err(idx_err)?;
        Ok(())
    }

    /// Runs `collector` over every segment: on the thread pool when the index is large
    /// (the facet counts visit every hit, so a common word's segments are worth spreading),
    /// in this thread when it is small (handing segments to other threads costs more than
    /// collecting them).
    fn collect<C: tantivy::collector::Collector>(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
        collector: &C,
    ) -> Result<C::Fruit> {
        let scoring = if collector.requires_scoring() {
            EnableScoring::enabled_from_searcher(searcher)
        } else {
            EnableScoring::disabled_from_searcher(searcher)
        };
        let executor = match &self.pool {
            Some(pool)
                if searcher.num_docs() >= PARALLEL_SEARCH_MIN_DOCS
                    && searcher.segment_readers().len() > 1 =>
            {
                pool
            }
            _ => &Executor::SingleThread,
        };
        searcher
            .search_with_executor(query, collector, executor, scoring)
            .map_err(idx_err)
    }

    /// Commits pending changes stamped with `generation`, then reloads the reader.
    pub fn commit(&self, generation: u64) -> Result<()> {
        {
            let mut w = self.writer();
            let mut pc = w.prepare_commit().map_err(idx_err)?;
            pc.set_payload(&generation.to_string());
            pc.commit().map_err(idx_err)?;
        }
        self.reload()?;
        self.generation.store(generation, Ordering::SeqCst);
        Ok(())
    }

    /// After the index's files changed (a commit, a merge): reloads the reader, drops the
    /// columns of segments gone, and stamps the files as validated.
    fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(idx_err)?;
        let searcher = self.reader.searcher();
        self.columns.retain_live(&searcher);
        write_validated_stamp(&self.dir, searcher.index());
        Ok(())
    }

    /// The generation stamp of the last commit (0 for a new index).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Every live document: its id and [`doc_digest`] of what it holds (read from the stored
    /// fields and the flags column). For `Library::check`: reads the whole store.
    pub fn stored_digests(&self) -> Result<Vec<(CaseStudyId, blake3::Hash)>> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut out = Vec::with_capacity(searcher.num_docs() as usize);
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            let flags = seg
                .fast_fields()
                .column_opt::<u64>(schema::F_FLAGS)
                .map_err(idx_err)?;
            for doc in seg.doc_ids_alive() {
                let d: TantivyDocument = searcher
                    .doc(tantivy::DocAddress::new(ord as u32, doc))
                    .map_err(idx_err)?;
                let text = |field| {
                    d.get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_string()
                };
                let Some(id) = d.get_first(f.id).and_then(|v| v.as_u64()) else {
                    // A document without an id cannot be matched to a case study: reported
                    // as id 0, which no case study has.
                    out.push((0, blake3::hash(b"")));
                    continue;
                };
                let flags = flags.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                let held = IndexDoc {
                    id: id as CaseStudyId,
                    slug: text(f.slug),
                    title: text(f.title),
                    body_text: text(f.body),
                    annotations: text(f.annotations),
                    annotated: flags & schema::FLAG_ANNOTATED != 0,
                    starred: flags & schema::FLAG_STARRED != 0,
                    read: flags & schema::FLAG_READ != 0,
                    ..Default::default()
                };
                out.push((held.id, doc_digest(&held)));
            }
        }
        Ok(out)
    }

    /// The folder the index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Blocks until background segment merges are done, then records the merged files as
    /// validated: a merge rewrites `meta.json` after the last commit's stamp, and a stale
    /// stamp makes the next open check every file's checksum. Searches are correct either
    /// way; merges only make them faster.
    pub fn wait_merges(self) -> Result<()> {
        let SearchIndex {
            writer,
            reader,
            dir,
            ..
        } = self;
        let writer = writer.into_inner().unwrap_or_else(|p| p.into_inner());
        writer.wait_merging_threads().map_err(idx_err)?;
        write_validated_stamp(&dir, reader.searcher().index());
        Ok(())
    }

    /// Records the index's files as they are now as validated, so that merges finished since
    /// the last commit do not cost the next open a full checksum check. For an app about to
    /// exit; best effort: a merge ending meanwhile only leaves the stamp stale.
    pub fn stamp_validated(&self) {
        write_validated_stamp(&self.dir, self.reader.searcher().index());
    }

    /// Case studies whose text is like `id`'s, best first, with a score: a more-like-this
    /// query of the terms that best tell its title, summary and body apart (frequent in it,
    /// rare in the library). Empty when `id` is not indexed.
    pub fn more_like(&self, id: CaseStudyId, limit: usize) -> Result<Vec<(CaseStudyId, f32)>> {
        use tantivy::collector::TopDocs;
        use tantivy::query::{MoreLikeThisQuery, TermQuery};
        use tantivy::schema::{IndexRecordOption, OwnedValue};
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let me = TermQuery::new(
            Term::from_field_u64(f.id, id as u64),
            IndexRecordOption::Basic,
        );
        let found = searcher
            .search(&me, &TopDocs::with_limit(1).order_by_score())
            .map_err(idx_err)?;
        let Some((_, addr)) = found.first() else {
            return Ok(Vec::new());
        };
        let doc: TantivyDocument = searcher.doc(*addr).map_err(idx_err)?;
        let fields: Vec<(tantivy::schema::Field, Vec<OwnedValue>)> = [f.title, f.summary, f.body]
            .into_iter()
            .map(|field| {
                let values = doc
                    .get_all(field)
                    .filter_map(|v| v.as_str())
                    .map(|s| OwnedValue::Str(s.to_string()))
                    .collect();
                (field, values)
            })
            .collect();
        let docs = searcher.num_docs();
        let query = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            // A word in over a fifth of the library tells nothing apart.
            .with_max_doc_frequency((docs / 5).max(2))
            .with_min_term_frequency(2)
            .with_min_word_length(3)
            .with_max_query_terms(30)
            .with_boost_factor(1.0)
            .with_document_fields(fields);
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit + 1).order_by_score())
            .map_err(idx_err)?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr).map_err(idx_err)?;
            let Some(other) = d.get_first(f.id).and_then(|v| v.as_u64()) else {
                continue;
            };
            if other as CaseStudyId != id {
                out.push((other as CaseStudyId, score));
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// Runs a search. The query never fails to parse (see [`query`]).
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        self.search_within(req, None)
    }

    /// [`Self::search`] among the case studies `only` (a collection's members), when given.
    pub fn search_within(
        &self,
        req: &SearchRequest,
        only: Option<HashSet<u64>>,
    ) -> Result<SearchResponse> {
        let t0 = Instant::now();
        let searcher = self.reader.searcher();
        let mut an = self.analyzer.clone();
        let pq = query::parse(&req.query, &mut an);
        let mut spec = filter_spec(req);
        spec.only_ids = only.map(Arc::new);
        let limit = req.page.limit.min(MAX_LIMIT) as usize;
        let offset = req.page.offset.min(MAX_OFFSET) as usize;
        let mut run = self.run(&searcher, pq, &spec, req.sort, offset + limit)?;
        let mut corrected_query = None;
        if run.fruit.total < FEW_HITS && !run.pq.groups.is_empty() {
            let q = query::truncate(&req.query);
            if let Some(corrected) = plan::correct(&searcher, &self.fields, &run.pq, q) {
                let pq2 = query::parse(&corrected, &mut an);
                let run2 = self.run(&searcher, pq2, &spec, req.sort, offset + limit)?;
                if run2.fruit.total > run.fruit.total {
                    run = run2;
                    corrected_query = Some(corrected.trim().to_string());
                }
            }
        }
        let hits = self.hits(&searcher, &run, offset)?;
        let facets = to_facets(run.fruit.facets, &self.columns.names());
        Ok(SearchResponse {
            total: run.fruit.total,
            took_ms: t0.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
            corrected_query,
        })
    }

    /// Counts per year and per tag (or industry) over the hits of `req`'s query and filters
    /// (see [`trends`]), among `only` when given. The typo fallback is the search's: when
    /// the query finds fewer than [`FEW_HITS`], a corrected query that finds more is counted.
    pub fn trends(&self, req: &TrendsRequest, only: Option<HashSet<u64>>) -> Result<Trends> {
        let searcher = self.reader.searcher();
        let mut an = self.analyzer.clone();
        let as_search = SearchRequest {
            query: req.query.clone(),
            filters: req.filters.clone(),
            ..SearchRequest::default()
        };
        let mut spec = filter_spec(&as_search);
        spec.only_ids = only.map(Arc::new);
        let count = |pq: &query::ParsedQuery| -> Result<trends::TrendsFruit> {
            let plan = plan::build(&searcher, &self.fields, pq);
            let collector = trends::TrendsCollector {
                filters: &spec,
                columns: &self.columns,
                dimension: req.dimension,
            };
            self.collect(&searcher, &*plan.query, &collector)
        };
        let pq = query::parse(&req.query, &mut an);
        let mut fruit = count(&pq)?;
        let mut corrected_query = None;
        if fruit.total < FEW_HITS && !pq.groups.is_empty() {
            let q = query::truncate(&req.query);
            if let Some(corrected) = plan::correct(&searcher, &self.fields, &pq, q) {
                let fruit2 = count(&query::parse(&corrected, &mut an))?;
                if fruit2.total > fruit.total {
                    fruit = fruit2;
                    corrected_query = Some(corrected.trim().to_string());
                }
            }
        }
        Ok(trends::assemble(req, &spec, fruit, corrected_query))
    }

    fn run(
        &self,
        searcher: &Searcher,
        pq: query::ParsedQuery,
        spec: &FilterSpec,
        sort: Sort,
        k: usize,
    ) -> Result<Run> {
        let plan = plan::build(searcher, &self.fields, &pq);
        let sort = match sort {
            Sort::Relevance if !plan.has_text => Sort::Newest,
            s => s,
        };
        let collector = SearchCollector {
            filters: spec,
            columns: &self.columns,
            sort,
            k,
            scoring: sort == Sort::Relevance,
            facets: true,
        };
        let fruit = self.collect(searcher, &*plan.query, &collector)?;
        Ok(Run { fruit, plan, pq })
    }

    fn hits(&self, searcher: &Searcher, run: &Run, offset: usize) -> Result<Vec<SearchHit>> {
        let f = &self.fields;
        let page = run.fruit.top.get(offset..).unwrap_or(&[]);
        if page.is_empty() {
            return Ok(Vec::new());
        }
        let body_hl = snippet::Highlighter::new(
            plan::highlight_weights(searcher, f.body, &run.plan.highlight),
            self.analyzer.clone(),
            f.body,
        );
        let summary_hl = snippet::Highlighter::new(
            plan::highlight_weights(searcher, f.summary, &run.plan.highlight),
            self.analyzer.clone(),
            f.summary,
        );
        let notes_hl = snippet::Highlighter::new(
            plan::highlight_weights(searcher, f.annotations, &run.plan.highlight),
            self.analyzer.clone(),
            f.annotations,
        );
        let probes = plan::probes(searcher, f, &run.pq);
        let explained = explain(searcher, &probes, page)?;
        // Reading a stored document and cutting its snippet is most of a page's cost: on the
        // search pool, a page's hits are done on every core (in order).
        let one =
            |(r, matched): (&collect::Ranked, Vec<FieldMatch>)| -> tantivy::Result<SearchHit> {
                let doc: TantivyDocument = searcher.doc(r.doc)?;
                let text = |field| doc.get_first(field).and_then(|v| v.as_str());
                let body = text(f.body).unwrap_or("");
                let summary = text(f.summary).unwrap_or("");
                let notes = text(f.annotations).unwrap_or("");
                let matched_annotations =
                    matched.iter().any(|m| m.field == MatchField::Annotations);
                let title = text(f.title).unwrap_or("");
                let lead = || match summary {
                    "" => snippet::lead(snippet::after_title(body, title)),
                    _ => snippet::lead(summary),
                };
                let snippet = if body_hl.has_terms() {
                    body_hl
                        .snippet(body)
                        .or_else(|| summary_hl.snippet(summary))
                        .or_else(|| notes_hl.snippet(notes))
                        .unwrap_or_else(lead)
                } else {
                    lead()
                };
                Ok(SearchHit {
                    id: doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(r.id) as CaseStudyId,
                    slug: text(f.slug).unwrap_or("").to_string(),
                    title: title.to_string(),
                    company: text(f.company).map(str::to_string),
                    year: doc
                        .get_first(f.year)
                        .and_then(|v| v.as_i64())
                        .and_then(|y| i32::try_from(y).ok()),
                    industry: text(f.industry).map(str::to_string),
                    score: r.score,
                    snippet,
                    matched_annotations,
                    matched,
                })
            };
        let executor = match &self.pool {
            Some(pool) if page.len() > 1 => pool,
            _ => &Executor::SingleThread,
        };
        let hits = executor
            .map(one, page.iter().zip(explained))
            .map_err(idx_err)?;
        Ok(hits)
    }
}

/// A hash of what the index shows of a case study (slug, title, plain text, annotation text,
/// flags): equal for an index document and the [`IndexDoc`] SQLite gives when the document
/// is up to date.
pub fn doc_digest(d: &IndexDoc) -> blake3::Hash {
    // An index document has no annotations field when they are blank.
    let notes = if d.annotations.trim().is_empty() {
        ""
    } else {
        d.annotations.as_str()
    };
    let mut h = blake3::Hasher::new();
    for part in [d.slug.as_str(), &d.title, &d.body_text, notes] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.update(&[u8::from(d.annotated), u8::from(d.starred), u8::from(d.read)]);
    h.finalize()
}

struct Run {
    fruit: collect::Fruit,
    plan: plan::Plan,
    pq: query::ParsedQuery,
}

/// For each hit of `page`, which of the query's words matched in which field: each probe
/// (one positive item in one field) is run as a scorer over the segments holding the page
/// and seeked to the page's documents in order, so the cost follows the page, not the hits.
fn explain(
    searcher: &Searcher,
    probes: &[plan::Probe],
    page: &[collect::Ranked],
) -> Result<Vec<Vec<FieldMatch>>> {
    use tantivy::DocSet;
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); page.len()];
    if probes.is_empty() {
        return Ok(vec![Vec::new(); page.len()]);
    }
    let weights = probes
        .iter()
        .map(|p| {
            p.query
                .weight(EnableScoring::disabled_from_searcher(searcher))
        })
        .collect::<tantivy::Result<Vec<_>>>()
        .map_err(idx_err)?;
    let mut by_segment: Vec<(u32, u32, usize)> = page
        .iter()
        .enumerate()
        .map(|(i, r)| (r.doc.segment_ord, r.doc.doc_id, i))
        .collect();
    by_segment.sort_unstable();
    for seg in by_segment.chunk_by(|a, b| a.0 == b.0) {
        let reader = searcher.segment_reader(seg[0].0);
        for (p, weight) in weights.iter().enumerate() {
            let mut scorer = weight.scorer(reader, 1.0).map_err(idx_err)?;
            for &(_, doc, i) in seg {
                if scorer.doc() < doc {
                    scorer.seek(doc);
                }
                if scorer.doc() == doc {
                    found[i].push(p);
                }
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|hits| {
            let mut fields: Vec<FieldMatch> = Vec::new();
            let mut order: Vec<MatchField> = hits.iter().map(|&p| probes[p].field).collect();
            order.sort_unstable();
            order.dedup();
            for field in order {
                let mut terms: Vec<String> = Vec::new();
                for &p in &hits {
                    let w = &probes[p].word;
                    if probes[p].field == field && !terms.contains(w) {
                        terms.push(w.clone());
                    }
                }
                fields.push(FieldMatch { field, terms });
            }
            fields
        })
        .collect())
}

fn filter_spec(req: &SearchRequest) -> FilterSpec {
    let f = &req.filters;
    let norm = |v: &[String], canon: fn(&str) -> Option<String>| {
        let mut v: Vec<String> = v
            .iter()
            .filter_map(|s| canon(s))
            .filter(|s| !s.is_empty())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    FilterSpec {
        tags: norm(&f.tags, crate::taxonomy::canonical_tag),
        tag_mode: f.tag_mode,
        industries: norm(&f.industries, crate::taxonomy::canonical_industry),
        companies: norm(&f.companies, |s| Some(crate::company::key(s))),
        year_from: f.year_from.map(i64::from),
        year_to: f.year_to.map(i64::from),
        flags_required: (if f.annotated_only {
            schema::FLAG_ANNOTATED
        } else {
            0
        }) | (if f.starred_only {
            schema::FLAG_STARRED
        } else {
            0
        }),
        flags_forbidden: if f.unread_only { schema::FLAG_READ } else { 0 },
        only_ids: None,
    }
}

fn to_facets(f: collect::FacetFruit, names: &columns::Names) -> Facets {
    fn named(counts: &[u64], names: &columns::Interner) -> Vec<(String, u64)> {
        counts
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .filter_map(|(i, &n)| Some((names.name(u32::try_from(i).ok()?)?.to_string(), n)))
            .collect()
    }
    let mut company = named(&f.company, &names.company);
    if company.len() > MAX_COMPANY_FACETS {
        company.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        company.truncate(MAX_COMPANY_FACETS);
    }
    Facets {
        tags: named(&f.tags, &names.tags).into_iter().collect(),
        industry: named(&f.industry, &names.industry).into_iter().collect(),
        year: f
            .year
            .into_iter()
            .map(|(y, n)| (y.to_string(), n))
            .collect(),
        company: company.into_iter().collect(),
    }
}

/// Opens an existing index if it is sound; the reason to recreate it otherwise.
fn try_open(dir: &Path, schema: &Schema) -> std::result::Result<(Index, u64), String> {
    let meta = dir.join("meta.json");
    let stamp = match std::fs::read_to_string(dir.join(VERSION_FILE)) {
        Ok(s) => s,
        Err(_) if !meta.exists() => return Err("no index yet".into()),
        Err(e) => return Err(format!("no schema version stamp ({e})")),
    };
    match stamp.trim().parse::<u32>() {
        Ok(v) if v == SCHEMA_VERSION => {}
        Ok(v) => {
            return Err(format!(
                "schema version {v}, this version uses {SCHEMA_VERSION}"
            ))
        }
        Err(_) => {
            return Err(format!(
                "unreadable schema version stamp {:?}",
                stamp.trim()
            ))
        }
    }
    let unreadable = |e: &dyn std::fmt::Display| format!("unreadable index: {e}");
    let directory = directory::IndexDirectory::open(dir).map_err(|e| unreadable(&e))?;
    let index = Index::open(directory).map_err(|e| unreadable(&e))?;
    if &index.schema() != schema {
        return Err("the index's schema differs from this version's".into());
    }
    let metas = index
        .searchable_segment_metas()
        .map_err(|e| format!("unreadable index metadata: {e}"))?;
    for m in &metas {
        for file in segment_files(m) {
            if !dir.join(&file).exists() {
                return Err(format!("segment file {} is missing", file.display()));
            }
        }
    }
    let stamp = std::fs::read_to_string(dir.join(VALIDATED_FILE)).ok();
    let unchanged = stamp.is_some() && stamp == validated_stamp(dir, &index);
    if !unchanged {
        let corrupt = index
            .validate_checksum()
            .map_err(|e| format!("checksum validation failed: {e}"))?;
        if !corrupt.is_empty() {
            let mut names: Vec<String> = corrupt.iter().map(|p| p.display().to_string()).collect();
            names.sort();
            return Err(format!("corrupt index files: {}", names.join(", ")));
        }
    }
    index.tokenizers().register(TEXT_TOKENIZER, analyzer());
    // Opening a reader opens every segment's components.
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e: tantivy::TantivyError| format!("unreadable segments: {e}"))?;
    drop(reader);
    let generation = index
        .load_metas()
        .map_err(|e| format!("unreadable index metadata: {e}"))?
        .payload
        .and_then(|p| p.trim().parse::<u64>().ok())
        .unwrap_or(0);
    if !unchanged {
        write_validated_stamp(dir, &index);
    }
    Ok((index, generation))
}

/// The files a searchable segment is made of (its delete file only when it has deletes).
fn segment_files(m: &tantivy::index::SegmentMeta) -> impl Iterator<Item = PathBuf> + '_ {
    [
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::Terms,
        SegmentComponent::Store,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
    ]
    .into_iter()
    .chain(m.has_deletes().then_some(SegmentComponent::Delete))
    .map(|c| m.relative_path(c))
}

/// What [`VALIDATED_FILE`] holds for the index as it is now: one line per file of the
/// searchable segments (and `meta.json`): name, size, modification time, and a hash of its
/// first and last 4 KiB. `None` when a file cannot be read.
fn validated_stamp(dir: &Path, index: &Index) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    const EDGE: u64 = 4096;
    let metas = index.searchable_segment_metas().ok()?;
    let mut files: Vec<PathBuf> = vec![PathBuf::from("meta.json")];
    for m in &metas {
        for rel in segment_files(m) {
            if dir.join(&rel).exists() {
                files.push(rel);
            }
        }
    }
    files.sort();
    files.dedup();
    let mut out = String::new();
    let mut buf = Vec::with_capacity(2 * EDGE as usize);
    for rel in files {
        let path = dir.join(&rel);
        let mut f = std::fs::File::open(&path).ok()?;
        let meta = f.metadata().ok()?;
        let mtime = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        buf.clear();
        (&mut f).take(EDGE).read_to_end(&mut buf).ok()?;
        if meta.len() > EDGE {
            f.seek(SeekFrom::Start(meta.len().saturating_sub(EDGE).max(EDGE)))
                .ok()?;
            f.take(EDGE).read_to_end(&mut buf).ok()?;
        }
        let edges = blake3::hash(&buf);
        out.push_str(&format!(
            "{} {} {mtime} {}\n",
            rel.display(),
            meta.len(),
            edges.to_hex()
        ));
    }
    Some(out)
}

/// Records the index's files as validated (best effort: without the stamp, the next open
/// validates checksums in full).
fn write_validated_stamp(dir: &Path, index: &Index) {
    let path = dir.join(VALIDATED_FILE);
    match validated_stamp(dir, index) {
        Some(stamp) => {
            let tmp = dir.join(format!("{VALIDATED_FILE}.tmp"));
            if std::fs::write(&tmp, stamp).is_err() || std::fs::rename(&tmp, &path).is_err() {
                let _ = std::fs::remove_file(&path);
            }
        }
        None => {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Wipes `dir` (files only) and creates an empty index stamped with [`SCHEMA_VERSION`].
fn create(dir: &Path, schema: &Schema) -> Result<Index> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().map(|t| !t.is_dir()).unwrap_or(true) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    let directory = directory::IndexDirectory::open(dir).map_err(|e| idx_err(e.into()))?;
    let index = Index::create(directory, schema.clone(), Default::default()).map_err(idx_err)?;
    let version = dir.join(VERSION_FILE);
    std::fs::write(&version, format!("{SCHEMA_VERSION}\n")).map_err(|e| Error::io(&version, e))?;
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn search_index_is_send_and_sync() {
        assert_send_sync::<SearchIndex>();
    }
}
