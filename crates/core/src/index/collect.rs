//! One pass over the documents matching the query: applies the sidebar filters from fast
//! fields, counts facets (disjunctively where that is what a sidebar needs), counts the total
//! and keeps the top `k` for the requested sort.
//!
//! Facet counting reads term ordinals of the fast-field columns (decoded once per segment,
//! see [`super::columns`]) and counts them in vectors; ordinals become strings only at the end
//! of each segment, and only those with a count.

use super::columns::{ColumnCache, SegColumns, NO_ORD};
use super::schema::{F_OPENED_AT, F_TITLE_KEY};
use crate::model::{Sort, TagMode};
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The sidebar filters, normalised.
#[derive(Debug, Clone, Default)]
pub struct FilterSpec {
    pub tags: Vec<String>,
    pub tag_mode: TagMode,
    pub industries: Vec<String>,
    /// Lower-cased.
    pub companies: Vec<String>,
    pub year_from: Option<i64>,
    pub year_to: Option<i64>,
    /// Flag bits a hit must have (annotated, starred) and must not have (read). These
    /// restrict the whole search, facets included, like the query does.
    pub flags_required: u64,
    pub flags_forbidden: u64,
    /// Only these case studies (a collection), when set. Restricts facets too.
    pub only_ids: Option<Arc<HashSet<u64>>>,
}

impl FilterSpec {
    fn has_year(&self) -> bool {
        self.year_from.is_some() || self.year_to.is_some()
    }
}

/// A kept hit. Smaller sorts first: `(primary, title, secondary)`.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub primary: u64,
    pub title: String,
    pub secondary: u64,
    pub doc: DocAddress,
    pub score: Score,
    pub id: u64,
}

impl Ranked {
    fn key(&self) -> (u64, &str, u64) {
        (self.primary, &self.title, self.secondary)
    }
}

/// Counts per value. Tags, industries and companies are indexed by their library-wide
/// number ([`super::columns::Names`]): strings only for what is returned, at the end.
#[derive(Debug, Default)]
pub struct FacetFruit {
    pub tags: Vec<u64>,
    pub industry: Vec<u64>,
    pub company: Vec<u64>,
    pub year: HashMap<i64, u64>,
}

#[derive(Debug, Default)]
pub struct Fruit {
    pub total: u64,
    pub top: Vec<Ranked>,
    pub facets: FacetFruit,
}

pub struct SearchCollector<'a> {
    pub filters: &'a FilterSpec,
    pub columns: &'a ColumnCache,
    pub sort: Sort,
    /// `offset + limit`.
    pub k: usize,
    /// Score by BM25 (relevance sort with a query); otherwise documents are not scored.
    pub scoring: bool,
    pub facets: bool,
}

/// `f32` scores (non-negative) as a key where smaller means better.
fn score_key(s: Score) -> u64 {
    let s = if s.is_finite() && s > 0.0 { s } else { 0.0 };
    u64::from(u32::MAX - s.to_bits())
}

fn year_key(y: Option<i64>) -> u64 {
    match y {
        // Newest first; no year last.
        Some(y) => (i64::from(i32::MAX) - y.clamp(0, i64::from(i32::MAX))) as u64,
        None => u64::MAX,
    }
}

/// A filter on a single-valued str column: the allowed ordinals.
struct OrdSet(Vec<bool>);

impl OrdSet {
    fn new(col: Option<&StrColumn>, wanted: &[String]) -> OrdSet {
        let Some(col) = col else {
            return OrdSet(Vec::new());
        };
        let mut v = vec![false; col.num_terms()];
        for w in wanted {
            if let Ok(Some(o)) = col.dictionary().term_ord(w.as_bytes()) {
                if let Some(slot) = v.get_mut(o as usize) {
                    *slot = true;
                }
            }
        }
        OrdSet(v)
    }
    fn contains(&self, o: u32) -> bool {
        self.0.get(o as usize).copied().unwrap_or(false)
    }
}

struct TagFilter {
    /// Ordinal → 1 + index into the wanted list (0: not wanted).
    wanted: Vec<u16>,
    /// Wanted tags present in the segment.
    present: usize,
    /// All-of: the number of wanted tags (unreachable when one is missing in the segment).
    need_all: Option<usize>,
}

impl TagFilter {
    fn new(f: &FilterSpec, tags: Option<&StrColumn>) -> Option<TagFilter> {
        (!f.tags.is_empty()).then(|| {
            let mut wanted = vec![0u16; tags.map_or(0, |c| c.num_terms())];
            let mut distinct: Vec<&String> = f.tags.iter().collect();
            distinct.sort();
            distinct.dedup();
            let mut present = 0;
            if let Some(col) = tags {
                for (i, t) in distinct.iter().enumerate() {
                    if let Ok(Some(o)) = col.dictionary().term_ord(t.as_bytes()) {
                        if let Some(slot) = wanted.get_mut(o as usize) {
                            *slot = u16::try_from(i + 1).unwrap_or(u16::MAX);
                            present += 1;
                        }
                    }
                }
            }
            TagFilter {
                wanted,
                present,
                need_all: (f.tag_mode == TagMode::All).then_some(distinct.len()),
            }
        })
    }

    /// Whether a document with these tag ordinals passes.
    #[inline]
    fn matches(&self, ords: &[u32]) -> bool {
        let mut seen = 0u64; // bit per wanted tag (first 64)
        let mut count = 0usize; // wanted tags seen (a document has each tag once)
        for &o in ords {
            let i = self.wanted.get(o as usize).copied().unwrap_or(0);
            if i > 0 {
                count += 1;
                if i <= 64 {
                    seen |= 1 << (i - 1);
                }
            }
        }
        match self.need_all {
            None => count > 0,
            Some(n) => {
                self.present == n && count >= n && (n > 64 || seen.count_ones() as usize == n)
            }
        }
    }
}

/// The sidebar filters resolved against one segment's columns: what decides whether a
/// document is a hit. Shared by the search and the trends collectors, so both agree on the
/// hit set exactly.
pub struct SegFilter {
    pub cols: Arc<SegColumns>,
    flags_required: u64,
    flags_forbidden: u64,
    only_ids: Option<Arc<HashSet<u64>>>,
    tag_filter: Option<TagFilter>,
    industry_filter: Option<OrdSet>,
    company_filter: Option<OrdSet>,
    year_filter: Option<(i64, i64)>,
    /// No tag, industry, company or year filter (flags and ids may still apply).
    pub no_filters: bool,
}

/// Which sidebar filters a document passes (each `true` when that filter is unset), with
/// the columns' values read on the way.
pub struct Parts {
    pub tags: bool,
    pub industry: bool,
    pub company: bool,
    pub year: bool,
    pub industry_ord: u32,
}

impl Parts {
    pub fn all(&self) -> bool {
        self.tags && self.industry && self.company && self.year
    }
}

impl SegFilter {
    pub fn new(f: &FilterSpec, cols: Arc<SegColumns>) -> SegFilter {
        let tag_filter = TagFilter::new(f, cols.tags_dict.as_ref());
        let industry_filter = (!f.industries.is_empty())
            .then(|| OrdSet::new(cols.industry_dict.as_ref(), &f.industries));
        let company_filter = (!f.companies.is_empty())
            .then(|| OrdSet::new(cols.company_key_dict.as_ref(), &f.companies));
        let year_filter = f.has_year().then(|| {
            (
                f.year_from.unwrap_or(i64::MIN),
                f.year_to.unwrap_or(i64::MAX),
            )
        });
        let no_filters = tag_filter.is_none()
            && industry_filter.is_none()
            && company_filter.is_none()
            && year_filter.is_none();
        SegFilter {
            cols,
            flags_required: f.flags_required,
            flags_forbidden: f.flags_forbidden,
            only_ids: f.only_ids.clone(),
            tag_filter,
            industry_filter,
            company_filter,
            year_filter,
            no_filters,
        }
    }

    /// The flag and id restrictions, which apply to facets too.
    #[inline]
    pub fn admits(&self, doc: DocId) -> bool {
        if self.flags_required != 0 || self.flags_forbidden != 0 {
            let f = self.cols.flags.get(doc as usize).copied().unwrap_or(0);
            if f & self.flags_required != self.flags_required || f & self.flags_forbidden != 0 {
                return false;
            }
        }
        if let Some(only) = &self.only_ids {
            let id = self.cols.ids.get(doc as usize);
            if !id.is_some_and(|id| only.contains(id)) {
                return false;
            }
        }
        true
    }

    #[inline]
    pub fn year(&self, doc: DocId) -> Option<i64> {
        self.cols.year(doc)
    }

    /// The sidebar filters for a document.
    #[inline]
    pub fn parts(&self, doc: DocId, year: Option<i64>) -> Parts {
        let industry_ord = SegColumns::ord(&self.cols.industry, doc);
        Parts {
            tags: self
                .tag_filter
                .as_ref()
                .is_none_or(|tf| tf.matches(self.cols.tags(doc))),
            industry: match &self.industry_filter {
                None => true,
                Some(s) => s.contains(industry_ord),
            },
            company: match &self.company_filter {
                None => true,
                Some(s) => s.contains(SegColumns::ord(&self.cols.company_key, doc)),
            },
            year: match self.year_filter {
                None => true,
                Some((lo, hi)) => year.is_some_and(|v| v >= lo && v <= hi),
            },
            industry_ord,
        }
    }
}

pub struct SegCollector {
    seg: SegmentOrdinal,
    sort: Sort,
    k: usize,
    facets: bool,
    filter: SegFilter,
    opened: Option<Column<i64>>,
    title: Option<StrColumn>,
    tag_any: bool,
    tag_counts: TagCounts,
    industry_counts: Counts,
    company_counts: Counts,
    year_min: i64,
    year_counts: Counts,
    total: u64,
    heap: BinaryHeap<(u64, u64, DocId, u32)>,
}

impl Collector for SearchCollector<'_> {
    type Fruit = Fruit;
    type Child = SegCollector;

    fn for_segment(
        &self,
        seg: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegCollector> {
        let ff = reader.fast_fields();
        let filter = SegFilter::new(self.filters, self.columns.get(reader)?);
        let title = if self.sort == Sort::Title {
            ff.str(F_TITLE_KEY)?
        } else {
            None
        };
        let opened = if self.sort == Sort::RecentlyOpened {
            ff.column_opt::<i64>(F_OPENED_AT)?
        } else {
            None
        };
        let n_terms = |c: Option<&StrColumn>| {
            if self.facets {
                c.map_or(0, |c| c.num_terms())
            } else {
                0
            }
        };
        let (year_min, year_len) = match filter.cols.year_range {
            Some((lo, hi)) if self.facets => {
                let span = hi.saturating_sub(lo);
                if (0..=10_000).contains(&span) {
                    (lo, span as usize + 1)
                } else {
                    (lo, 0)
                }
            }
            _ => (0, 0),
        };
        Ok(SegCollector {
            seg,
            sort: self.sort,
            k: self.k,
            facets: self.facets,
            tag_counts: TagCounts {
                counts: Counts::new(n_terms(filter.cols.tags_dict.as_ref())),
                docs: if self.facets {
                    vec![0; filter.cols.words]
                } else {
                    Vec::new()
                },
                n: 0,
                // A document has ~10 tags; past a sixteenth of the segment, popcounting
                // every tag's bits costs less than the increments still to come.
                switch: reader.max_doc() / 16,
            },
            industry_counts: Counts::new(n_terms(filter.cols.industry_dict.as_ref())),
            company_counts: Counts::new(n_terms(filter.cols.company_dict.as_ref())),
            year_min,
            year_counts: Counts::new(year_len),
            opened,
            title,
            tag_any: self.filters.tag_mode == TagMode::Any,
            filter,
            total: 0,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut out = Fruit::default();
        for fr in fruits {
            out.total += fr.total;
            out.top.extend(fr.top);
            add_counts(&mut out.facets.tags, fr.facets.tags);
            add_counts(&mut out.facets.industry, fr.facets.industry);
            add_counts(&mut out.facets.company, fr.facets.company);
            merge_map(&mut out.facets.year, fr.facets.year);
        }
        out.top.sort_by(|a, b| a.key().cmp(&b.key()));
        out.top.truncate(self.k);
        Ok(out)
    }
}

fn add_counts(into: &mut Vec<u64>, from: Vec<u64>) {
    // Add the shorter into the longer.
    let shorter = if into.len() < from.len() {
        std::mem::replace(into, from)
    } else {
        from
    };
    for (a, b) in into.iter_mut().zip(shorter) {
        *a += b;
    }
}

fn merge_map<K: std::hash::Hash + Eq>(into: &mut HashMap<K, u64>, from: HashMap<K, u64>) {
    if into.is_empty() {
        *into = from;
        return;
    }
    for (k, v) in from {
        *into.entry(k).or_default() += v;
    }
}

fn first_ord(col: &Option<StrColumn>, doc: DocId) -> Option<u64> {
    col.as_ref().and_then(|c| c.ords().first(doc))
}

/// Tag counts: per tag ordinal in [`Counts`] while few documents count, and as a bit set of
/// the documents that count, whose popcount with each tag's bits gives the counts once many
/// do (a document has ~10 tags: counting each is a search's largest cost on common words).
struct TagCounts {
    counts: Counts,
    docs: Vec<u64>,
    /// Documents counted so far; the counters take them until `switch`.
    n: u32,
    switch: u32,
}

impl TagCounts {
    #[inline]
    fn count(&mut self, cols: &SegColumns, doc: DocId) {
        if let Some(w) = self.docs.get_mut(doc as usize / 64) {
            *w |= 1 << (doc % 64);
        }
        self.n += 1;
        if self.n <= self.switch {
            for &o in cols.tags(doc) {
                self.counts.bump(o, doc);
            }
        }
    }

    /// Counts by tag ordinal.
    fn totals(&self, cols: &SegColumns) -> Vec<u32> {
        if self.n <= self.switch {
            return self.counts.totals();
        }
        let n = cols.tags_dict.as_ref().map_or(0, |c| c.num_terms());
        (0..n)
            .map(|t| {
                cols.tag_bits(t)
                    .iter()
                    .zip(&self.docs)
                    .map(|(a, b)| (a & b).count_ones())
                    .sum()
            })
            .collect()
    }
}

/// Counters by ordinal, in [`LANES`] copies: document `d` counts in lane `d % LANES`.
/// Consecutive hits often share a value (a common tag, the same industry), and one counter
/// bumped by each would make every increment wait for the previous one's store; spread over
/// lanes, they do not depend on each other. A search's hottest loop.
pub struct Counts(Vec<u32>);

const LANES: usize = 4;

impl Counts {
    pub fn new(n: usize) -> Counts {
        Counts(vec![0; n * LANES])
    }

    /// Counts one ordinal for document `doc` (a missing one, `NO_ORD`, is outside).
    #[inline]
    pub fn bump(&mut self, ord: u32, doc: DocId) {
        let i = (ord as usize)
            .wrapping_mul(LANES)
            .wrapping_add(doc as usize % LANES);
        if let Some(n) = self.0.get_mut(i) {
            *n += 1;
        }
    }

    /// The counts by ordinal.
    pub fn totals(&self) -> Vec<u32> {
        self.0.chunks_exact(LANES).map(|c| c.iter().sum()).collect()
    }
}

#[inline]
fn count_year(counts: &mut Counts, year_min: i64, year: Option<i64>, doc: DocId) {
    if let Some(y) = year {
        if let Ok(i) = u32::try_from(y.wrapping_sub(year_min)) {
            counts.bump(i, doc);
        }
    }
}

impl SegCollector {
    #[inline]
    fn key(&self, doc: DocId, score: Score, year: Option<i64>) -> (u64, u64) {
        let id = self
            .filter
            .cols
            .ids
            .get(doc as usize)
            .copied()
            .unwrap_or(u64::from(doc));
        match self.sort {
            Sort::Relevance => (score_key(score), id),
            Sort::Newest => (year_key(year), id),
            Sort::Title => (first_ord(&self.title, doc).unwrap_or(u64::MAX), id),
            Sort::RecentlyOpened => {
                let t = self.opened.as_ref().and_then(|c| c.first(doc));
                // Latest first; never opened last.
                (t.map_or(u64::MAX, |t| (i64::MAX - t.max(0)) as u64), id)
            }
        }
    }

    #[inline]
    fn push(&mut self, doc: DocId, score: Score, year: Option<i64>) {
        if self.k == 0 {
            return;
        }
        let (p, s) = self.key(doc, score, year);
        if self.heap.len() < self.k {
            self.heap.push((p, s, doc, score.to_bits()));
        } else if let Some(top) = self.heap.peek() {
            if (p, s) < (top.0, top.1) {
                self.heap.pop();
                self.heap.push((p, s, doc, score.to_bits()));
            }
        }
    }
}

impl SegmentCollector for SegCollector {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if !self.filter.admits(doc) {
            return;
        }
        let year = self.filter.year(doc);
        if self.filter.no_filters {
            self.total += 1;
            self.push(doc, score, year);
            if self.facets {
                let cols = &*self.filter.cols;
                self.tag_counts.count(cols, doc);
                self.industry_counts
                    .bump(SegColumns::ord(&cols.industry, doc), doc);
                self.company_counts
                    .bump(SegColumns::ord(&cols.company, doc), doc);
                count_year(&mut self.year_counts, self.year_min, year, doc);
            }
            return;
        }
        let p = self.filter.parts(doc, year);
        let (t, i, c, y) = (p.tags, p.industry, p.company, p.year);
        let hit = p.all();
        if hit {
            self.total += 1;
            self.push(doc, score, year);
        }
        if self.facets {
            let cols = &*self.filter.cols;
            // Tags all-of narrows (counts among hits); any-of is disjunctive.
            if (self.tag_any && i && c && y) || hit {
                self.tag_counts.count(cols, doc);
            }
            if t && c && y {
                self.industry_counts.bump(p.industry_ord, doc);
            }
            if t && i && y {
                self.company_counts
                    .bump(SegColumns::ord(&cols.company, doc), doc);
            }
            if t && i && c {
                count_year(&mut self.year_counts, self.year_min, year, doc);
            }
        }
    }

    fn harvest(self) -> Fruit {
        let tag_totals = self
            .facets
            .then(|| self.tag_counts.totals(&self.filter.cols));
        let mut top: Vec<Ranked> = self
            .heap
            .into_vec()
            .into_iter()
            .map(|(p, s, doc, score)| Ranked {
                primary: p,
                title: String::new(),
                secondary: s,
                doc: DocAddress::new(self.seg, doc),
                score: f32::from_bits(score),
                id: s,
            })
            .collect();
        if let (Sort::Title, Some(col)) = (self.sort, &self.title) {
            fill_titles(col, &mut top);
        }
        let mut facets = FacetFruit::default();
        if self.facets {
            let cols = &self.filter.cols;
            facets.tags = globalise(&tag_totals.unwrap_or_default(), &cols.tags_global);
            facets.industry = globalise(&self.industry_counts.totals(), &cols.industry_global);
            facets.company = globalise(&self.company_counts.totals(), &cols.company_global);
            for (i, &n) in self.year_counts.totals().iter().enumerate() {
                if n > 0 {
                    facets.year.insert(self.year_min + i as i64, u64::from(n));
                }
            }
        }
        Fruit {
            total: self.total,
            top,
            facets,
        }
    }
}

/// Replaces each hit's title ordinal (`primary`) with its title key, which ranks hits across
/// segments. The ordinals are looked up in order, in one pass over the dictionary: each of its
/// compressed blocks is read once, where a lookup per hit would read (and decompress) a
/// block every time.
fn fill_titles(col: &StrColumn, top: &mut [Ranked]) {
    let mut order: Vec<usize> = (0..top.len())
        .filter(|&i| top[i].primary != u64::MAX)
        .collect();
    order.sort_unstable_by_key(|&i| top[i].primary);
    let ords: Vec<u64> = order.iter().map(|&i| top[i].primary).collect();
    let mut found = order.into_iter();
    // A failed or partial lookup leaves the rest ranked by ordinal after the found titles.
    let _ = col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        if let (Some(i), Ok(title)) = (found.next(), std::str::from_utf8(bytes)) {
            top[i].title = title.to_string();
            top[i].primary = 0;
        }
    });
}

/// A segment's counts by ordinal → counts by library-wide number (`numbers[ordinal]`).
fn globalise(counts: &[u32], numbers: &[u32]) -> Vec<u64> {
    let mut out = Vec::new();
    for (&n, &g) in counts.iter().zip(numbers) {
        // `NO_ORD`: the interner ran out of numbers (never in practice); not a vector index.
        if n > 0 && g != NO_ORD {
            let g = g as usize;
            if out.len() <= g {
                out.resize(g + 1, 0);
            }
            out[g] += u64::from(n);
        }
    }
    out
}
