//! One segment's sidebar columns (id, year, flags, industry, company, tags) decoded once into
//! plain arrays, and the cache that keeps them while the segment is live.
//!
//! Every hit of every search reads these values, for the filters and the facet counts. Read
//! from tantivy's columns, each value costs an optional-index rank and a bit-unpack; at
//! 100,000 case studies that was most of a search. Segments never change (a delete only
//! marks a document in the alive bitset, which tantivy applies before collecting), so the
//! arrays are built on a segment's first search and stay valid until the segment is merged
//! away. Memory: ~40 bytes a document plus 4 a tag, and a bit per document and tag in the
//! segment's tag dictionary (~9 MB at 100,000).
//!
//! Each segment numbers its values (tags, industries, companies) in its own dictionary. The
//! cache also maps every segment's numbers to library-wide ones ([`Names`]), so a search
//! adds the segments' counts as numbers and turns into strings only the values it returns,
//! once (not once a segment).

use super::schema::{F_COMPANY_FACET, F_COMPANY_KEY, F_FLAGS, F_ID, F_INDUSTRY, F_TAGS, F_YEAR};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

/// Marks a missing ordinal.
pub const NO_ORD: u32 = u32::MAX;
/// Marks a missing year.
const NO_YEAR: i32 = i32::MIN;

pub struct SegColumns {
    pub ids: Vec<u64>,
    years: Vec<i32>,
    pub flags: Vec<u64>,
    pub industry: Vec<u32>,
    pub company: Vec<u32>,
    pub company_key: Vec<u32>,
    /// Document `d`'s tag ordinals are `tag_ords[tag_starts[d]..tag_starts[d + 1]]`.
    tag_starts: Vec<u32>,
    tag_ords: Vec<u32>,
    /// The same as one bit set per tag ordinal, `words` 64-bit words each: a search with
    /// many hits counts its tags as popcounts of these and its hit set (see `collect`).
    tag_bits: Vec<u64>,
    pub words: usize,
    /// The dictionaries, for turning counted ordinals into strings and filter values into
    /// ordinals.
    pub tags_dict: Option<StrColumn>,
    pub industry_dict: Option<StrColumn>,
    pub company_dict: Option<StrColumn>,
    pub company_key_dict: Option<StrColumn>,
    /// Smallest and largest year present (`None` when no document has one).
    pub year_range: Option<(i64, i64)>,
    /// Segment ordinal → library-wide number ([`Names`]), per facet.
    pub tags_global: Vec<u32>,
    pub industry_global: Vec<u32>,
    pub company_global: Vec<u32>,
}

/// Library-wide numbers for facet values, one namespace per facet; they only grow.
#[derive(Default)]
pub struct Names {
    pub tags: Interner,
    pub industry: Interner,
    pub company: Interner,
}

#[derive(Default)]
pub struct Interner {
    names: Vec<String>,
    numbers: HashMap<String, u32>,
}

impl Interner {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = u32::try_from(self.names.len()).unwrap_or(NO_ORD);
        self.names.push(name.to_string());
        self.numbers.insert(name.to_string(), n);
        n
    }

    pub fn name(&self, n: u32) -> Option<&str> {
        self.names.get(n as usize).map(String::as_str)
    }

    /// Every term of `dict` in ordinal order, numbered.
    fn map(&mut self, dict: &Option<StrColumn>) -> tantivy::Result<Vec<u32>> {
        let Some(col) = dict else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(col.num_terms());
        let mut stream = col.dictionary().stream()?;
        while stream.advance() {
            out.push(self.number(&String::from_utf8_lossy(stream.key())));
        }
        Ok(out)
    }
}

fn ords_of(col: &Option<StrColumn>, max_doc: DocId) -> Vec<u32> {
    let Some(col) = col else {
        return vec![NO_ORD; max_doc as usize];
    };
    let ords = col.ords();
    (0..max_doc)
        .map(|d| {
            ords.first(d)
                .and_then(|o| u32::try_from(o).ok())
                .unwrap_or(NO_ORD)
        })
        .collect()
}

impl SegColumns {
    pub fn build(reader: &SegmentReader, names: &Mutex<Names>) -> tantivy::Result<SegColumns> {
        let ff = reader.fast_fields();
        let max_doc = reader.max_doc();
        let n = max_doc as usize;
        let ids_col = ff.column_opt::<u64>(F_ID)?;
        let years_col = ff.column_opt::<i64>(F_YEAR)?;
        let flags_col = ff.column_opt::<u64>(F_FLAGS)?;
        let tags_dict = ff.str(F_TAGS)?;
        let industry_dict = ff.str(F_INDUSTRY)?;
        let company_dict = ff.str(F_COMPANY_FACET)?;
        let company_key_dict = ff.str(F_COMPANY_KEY)?;

        let mut ids = Vec::with_capacity(n);
        let mut years = Vec::with_capacity(n);
        let mut flags = Vec::with_capacity(n);
        let mut year_range: Option<(i64, i64)> = None;
        for d in 0..max_doc {
            ids.push(
                ids_col
                    .as_ref()
                    .and_then(|c| c.first(d))
                    .unwrap_or(u64::from(d)),
            );
            flags.push(flags_col.as_ref().and_then(|c| c.first(d)).unwrap_or(0));
            let y = years_col
                .as_ref()
                .and_then(|c| c.first(d))
                .and_then(|y| i32::try_from(y).ok())
                .filter(|&y| y != NO_YEAR);
            if let Some(y) = y {
                let y = i64::from(y);
                year_range = Some(year_range.map_or((y, y), |(lo, hi)| (lo.min(y), hi.max(y))));
            }
            years.push(y.unwrap_or(NO_YEAR));
        }
        let mut tag_starts = Vec::with_capacity(n + 1);
        let mut tag_ords = Vec::new();
        tag_starts.push(0);
        for d in 0..max_doc {
            if let Some(c) = &tags_dict {
                tag_ords.extend(c.term_ords(d).filter_map(|o| u32::try_from(o).ok()));
            }
            tag_starts.push(u32::try_from(tag_ords.len()).unwrap_or(u32::MAX));
        }
        let words = n.div_ceil(64);
        let n_tags = tags_dict.as_ref().map_or(0, |c| c.num_terms());
        let mut tag_bits = vec![0u64; n_tags * words];
        for d in 0..n {
            for &o in &tag_ords[tag_starts[d] as usize..tag_starts[d + 1] as usize] {
                if let Some(w) = tag_bits.get_mut(o as usize * words + d / 64) {
                    *w |= 1 << (d % 64);
                }
            }
        }
        let (tags_global, industry_global, company_global) = {
            let mut n = names.lock().unwrap_or_else(|p| p.into_inner());
            (
                n.tags.map(&tags_dict)?,
                n.industry.map(&industry_dict)?,
                n.company.map(&company_dict)?,
            )
        };
        Ok(SegColumns {
            tags_global,
            industry_global,
            company_global,
            industry: ords_of(&industry_dict, max_doc),
            company: ords_of(&company_dict, max_doc),
            company_key: ords_of(&company_key_dict, max_doc),
            ids,
            years,
            flags,
            tag_starts,
            tag_ords,
            tag_bits,
            words,
            tags_dict,
            industry_dict,
            company_dict,
            company_key_dict,
            year_range,
        })
    }

    #[inline]
    pub fn year(&self, doc: DocId) -> Option<i64> {
        match self.years.get(doc as usize) {
            Some(&y) if y != NO_YEAR => Some(i64::from(y)),
            _ => None,
        }
    }

    #[inline]
    pub fn tags(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.tag_starts.get(d), self.tag_starts.get(d + 1)) {
            (Some(&a), Some(&b)) => self.tag_ords.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The documents with tag ordinal `ord`, as bits.
    #[inline]
    pub fn tag_bits(&self, ord: usize) -> &[u64] {
        self.tag_bits
            .get(ord * self.words..(ord + 1) * self.words)
            .unwrap_or(&[])
    }

    /// `NO_ORD` when the document has none.
    #[inline]
    pub fn ord(values: &[u32], doc: DocId) -> u32 {
        values.get(doc as usize).copied().unwrap_or(NO_ORD)
    }
}

/// The decoded columns of each live segment, shared by searches.
#[derive(Default)]
pub struct ColumnCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegColumns>>>,
    names: Mutex<Names>,
}

impl ColumnCache {
    /// The segment's columns, decoded now if this is its first search.
    pub fn get(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegColumns>> {
        let id = reader.segment_id();
        if let Some(c) = self.lock().get(&id) {
            return Ok(Arc::clone(c));
        }
        // Built outside the lock: two searches may both build a new segment's columns once.
        let built = Arc::new(SegColumns::build(reader, &self.names)?);
        self.lock().insert(id, Arc::clone(&built));
        Ok(built)
    }

    /// Drops the columns of segments `searcher` no longer has (merged away or deleted).
    pub fn retain_live(&self, searcher: &Searcher) {
        let live: HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        self.lock().retain(|id, _| live.contains(id));
    }

    /// The library-wide names, to turn counted numbers into strings.
    pub fn names(&self) -> std::sync::MutexGuard<'_, Names> {
        self.names.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegColumns>>> {
        self.segments.lock().unwrap_or_else(|p| p.into_inner())
    }
}
