//! One pass over the documents matching the query: applies the sidebar filters from fast
//! fields, counts facets (disjunctively where that is what a sidebar needs), counts the total
//! and keeps the top `k` for the requested sort.
//!
//! Facet counting reads term ordinals of the fast-field columns and counts them in vectors;
//! ordinals become strings only at the end of each segment, and only those with a count.

use super::schema::{
    F_COMPANY_FACET, F_COMPANY_KEY, F_FLAGS, F_ID, F_INDUSTRY, F_OPENED_AT, F_TAGS, F_TITLE_KEY,
    F_YEAR,
};
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

/// Counts per value, strings resolved.
#[derive(Debug, Default)]
pub struct FacetFruit {
    pub tags: HashMap<String, u64>,
    pub industry: HashMap<String, u64>,
    pub company: HashMap<String, u64>,
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
    fn contains(&self, o: u64) -> bool {
        self.0.get(o as usize).copied().unwrap_or(false)
    }
}

struct TagFilter {
    /// Ordinal → index into the wanted list.
    wanted: HashMap<u64, usize>,
    /// All-of: the number of wanted tags (unreachable when one is missing in the segment).
    need_all: Option<usize>,
}

impl TagFilter {
    fn new(f: &FilterSpec, tags: Option<&StrColumn>) -> Option<TagFilter> {
        (!f.tags.is_empty()).then(|| {
            let mut wanted = HashMap::new();
            if let Some(col) = tags {
                for (i, t) in f.tags.iter().enumerate() {
                    if let Ok(Some(o)) = col.dictionary().term_ord(t.as_bytes()) {
                        wanted.insert(o, i);
                    }
                }
            }
            let distinct: HashSet<&String> = f.tags.iter().collect();
            TagFilter {
                wanted,
                need_all: (f.tag_mode == TagMode::All).then_some(distinct.len()),
            }
        })
    }

    /// Whether a document with these tag ordinals passes.
    fn matches(&self, ords: &[u64]) -> bool {
        let mut seen = 0u64; // bit per wanted tag (first 64)
        let mut any = false;
        for o in ords {
            if let Some(&i) = self.wanted.get(o) {
                any = true;
                if i < 64 {
                    seen |= 1 << i;
                }
            }
        }
        match self.need_all {
            None => any,
            Some(n) => self.wanted.len() == n && seen.count_ones() as usize == n,
        }
    }
}

/// The sidebar filters resolved against one segment's columns: what decides whether a
/// document is a hit. Shared by the search and the trends collectors, so both agree on the
/// hit set exactly.
pub struct SegFilter {
    ids: Option<Column<u64>>,
    years: Option<Column<i64>>,
    flags: Option<Column<u64>>,
    flags_required: u64,
    flags_forbidden: u64,
    only_ids: Option<Arc<HashSet<u64>>>,
    pub tags: Option<StrColumn>,
    pub industry: Option<StrColumn>,
    company_key: Option<StrColumn>,
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
    pub industry_ord: Option<u64>,
}

impl Parts {
    pub fn all(&self) -> bool {
        self.tags && self.industry && self.company && self.year
    }
}

impl SegFilter {
    pub fn new(f: &FilterSpec, reader: &SegmentReader) -> tantivy::Result<SegFilter> {
        let ff = reader.fast_fields();
        let tags = ff.str(F_TAGS)?;
        let industry = ff.str(F_INDUSTRY)?;
        let company_key = ff.str(F_COMPANY_KEY)?;
        let flags = if f.flags_required != 0 || f.flags_forbidden != 0 {
            ff.column_opt::<u64>(F_FLAGS)?
        } else {
            None
        };
        let tag_filter = TagFilter::new(f, tags.as_ref());
        let industry_filter =
            (!f.industries.is_empty()).then(|| OrdSet::new(industry.as_ref(), &f.industries));
        let company_filter =
            (!f.companies.is_empty()).then(|| OrdSet::new(company_key.as_ref(), &f.companies));
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
        Ok(SegFilter {
            ids: ff.column_opt::<u64>(F_ID)?,
            years: ff.column_opt::<i64>(F_YEAR)?,
            flags,
            flags_required: f.flags_required,
            flags_forbidden: f.flags_forbidden,
            only_ids: f.only_ids.clone(),
            tags,
            industry,
            company_key,
            tag_filter,
            industry_filter,
            company_filter,
            year_filter,
            no_filters,
        })
    }

    /// The flag and id restrictions, which apply to facets too.
    #[inline]
    pub fn admits(&self, doc: DocId) -> bool {
        if self.flags_required != 0 || self.flags_forbidden != 0 {
            let f = self.flags.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
            if f & self.flags_required != self.flags_required || f & self.flags_forbidden != 0 {
                return false;
            }
        }
        if let Some(only) = &self.only_ids {
            let id = self.ids.as_ref().and_then(|c| c.first(doc));
            if !id.is_some_and(|id| only.contains(&id)) {
                return false;
            }
        }
        true
    }

    #[inline]
    pub fn year(&self, doc: DocId) -> Option<i64> {
        self.years.as_ref().and_then(|c| c.first(doc))
    }

    /// Fills `tag_buf` with the document's tag ordinals.
    #[inline]
    pub fn read_tags(&self, doc: DocId, tag_buf: &mut Vec<u64>) {
        tag_buf.clear();
        if let Some(c) = &self.tags {
            tag_buf.extend(c.term_ords(doc));
        }
    }

    /// The sidebar filters for a document whose tags are in `tag_buf` (see [`Self::read_tags`]).
    #[inline]
    pub fn parts(&self, doc: DocId, tag_buf: &[u64], year: Option<i64>) -> Parts {
        let industry_ord = first_ord(&self.industry, doc);
        Parts {
            tags: self
                .tag_filter
                .as_ref()
                .is_none_or(|tf| tf.matches(tag_buf)),
            industry: match &self.industry_filter {
                None => true,
                Some(s) => industry_ord.is_some_and(|o| s.contains(o)),
            },
            company: match &self.company_filter {
                None => true,
                Some(s) => first_ord(&self.company_key, doc).is_some_and(|o| s.contains(o)),
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
    company: Option<StrColumn>,
    title: Option<StrColumn>,
    tag_any: bool,
    tag_counts: Vec<u32>,
    industry_counts: Vec<u32>,
    company_counts: Vec<u32>,
    year_min: i64,
    year_counts: Vec<u32>,
    tag_buf: Vec<u64>,
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
        let filter = SegFilter::new(self.filters, reader)?;
        let company = ff.str(F_COMPANY_FACET)?;
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
        let (year_min, year_len) = match &filter.years {
            Some(c) if self.facets => {
                let (lo, hi) = (c.min_value(), c.max_value());
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
            tag_counts: vec![0; n_terms(filter.tags.as_ref())],
            industry_counts: vec![0; n_terms(filter.industry.as_ref())],
            company_counts: vec![0; n_terms(company.as_ref())],
            year_min,
            year_counts: vec![0; year_len],
            opened,
            company,
            title,
            tag_any: self.filters.tag_mode == TagMode::Any,
            filter,
            tag_buf: Vec::new(),
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
            merge_map(&mut out.facets.tags, fr.facets.tags);
            merge_map(&mut out.facets.industry, fr.facets.industry);
            merge_map(&mut out.facets.company, fr.facets.company);
            merge_map(&mut out.facets.year, fr.facets.year);
        }
        out.top.sort_by(|a, b| a.key().cmp(&b.key()));
        out.top.truncate(self.k);
        Ok(out)
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

pub fn first_ord(col: &Option<StrColumn>, doc: DocId) -> Option<u64> {
    col.as_ref().and_then(|c| c.ords().first(doc))
}

impl SegCollector {
    #[inline]
    fn key(&self, doc: DocId, score: Score, year: Option<i64>) -> (u64, u64) {
        let id = self
            .filter
            .ids
            .as_ref()
            .and_then(|c| c.first(doc))
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

    fn count_year(&mut self, year: Option<i64>) {
        if let Some(y) = year {
            let i = y.wrapping_sub(self.year_min);
            if let Some(c) = usize::try_from(i)
                .ok()
                .and_then(|i| self.year_counts.get_mut(i))
            {
                *c += 1;
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
                if let Some(c) = &self.filter.tags {
                    for o in c.term_ords(doc) {
                        if let Some(n) = self.tag_counts.get_mut(o as usize) {
                            *n += 1;
                        }
                    }
                }
                if let Some(o) = first_ord(&self.filter.industry, doc) {
                    if let Some(n) = self.industry_counts.get_mut(o as usize) {
                        *n += 1;
                    }
                }
                if let Some(o) = first_ord(&self.company, doc) {
                    if let Some(n) = self.company_counts.get_mut(o as usize) {
                        *n += 1;
                    }
                }
                self.count_year(year);
            }
            return;
        }
        let mut tag_buf = std::mem::take(&mut self.tag_buf);
        self.filter.read_tags(doc, &mut tag_buf);
        let p = self.filter.parts(doc, &tag_buf, year);
        let (t, i, c, y) = (p.tags, p.industry, p.company, p.year);
        let hit = p.all();
        if hit {
            self.total += 1;
            self.push(doc, score, year);
        }
        if self.facets {
            // Tags all-of narrows (counts among hits); any-of is disjunctive.
            if (self.tag_any && i && c && y) || hit {
                for o in &tag_buf {
                    if let Some(n) = self.tag_counts.get_mut(*o as usize) {
                        *n += 1;
                    }
                }
            }
            if t && c && y {
                if let Some(n) = p
                    .industry_ord
                    .and_then(|o| self.industry_counts.get_mut(o as usize))
                {
                    *n += 1;
                }
            }
            if t && i && y {
                if let Some(o) = first_ord(&self.company, doc) {
                    if let Some(n) = self.company_counts.get_mut(o as usize) {
                        *n += 1;
                    }
                }
            }
            if t && i && c {
                self.count_year(year);
            }
        }
        self.tag_buf = tag_buf;
    }

    fn harvest(self) -> Fruit {
        let mut top: Vec<Ranked> = Vec::with_capacity(self.heap.len());
        let mut buf = String::new();
        for (p, s, doc, score) in self.heap.into_vec() {
            let mut r = Ranked {
                primary: p,
                title: String::new(),
                secondary: s,
                doc: DocAddress::new(self.seg, doc),
                score: f32::from_bits(score),
                id: s,
            };
            if self.sort == Sort::Title {
                if let Some(col) = &self.title {
                    if p != u64::MAX && col.ord_to_str(p, &mut buf).unwrap_or(false) {
                        r.title = std::mem::take(&mut buf);
                        r.primary = 0;
                    }
                }
            }
            top.push(r);
        }
        let mut facets = FacetFruit::default();
        if self.facets {
            facets.tags = resolve(&self.filter.tags, &self.tag_counts);
            facets.industry = resolve(&self.filter.industry, &self.industry_counts);
            facets.company = resolve(&self.company, &self.company_counts);
            for (i, &n) in self.year_counts.iter().enumerate() {
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

pub fn resolve(col: &Option<StrColumn>, counts: &[u32]) -> HashMap<String, u64> {
    let Some(col) = col else {
        return HashMap::new();
    };
    // One sequential pass over the dictionary (ordinal lookups one by one re-decode blocks).
    let ords: Vec<u64> = (0..counts.len() as u64)
        .filter(|&o| counts[o as usize] > 0)
        .collect();
    let mut out = HashMap::with_capacity(ords.len());
    let mut it = ords.iter();
    let _ = col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        if let Some(&o) = it.next() {
            out.insert(
                String::from_utf8_lossy(bytes).into_owned(),
                u64::from(counts[o as usize]),
            );
        }
    });
    out
}
