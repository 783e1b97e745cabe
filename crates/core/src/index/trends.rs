//! Counts per year and per tag (or industry) over a search's hits, in one pass over the
//! fast fields, with the search's own filter ([`SegFilter`]): a cell of the chart is exactly
//! the `total` of the search narrowed to that year and that tag.

use super::collect::{FilterSpec, SegFilter};
use super::columns::{ColumnCache, SegColumns, NO_ORD};
use crate::model::{TrendDimension, TrendSeries, Trends, TrendsRequest};
use crate::taxonomy;
use std::collections::{BTreeMap, HashMap, HashSet};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Most series one chart gets.
pub const MAX_SERIES: usize = 20;
/// A wider span of years than this is shown as the years that have hits only (a stray
/// year 1 must not make a chart of two thousand empty years).
pub const MAX_YEAR_SPAN: i64 = 200;

/// Counts, strings resolved.
#[derive(Debug, Default)]
pub struct TrendsFruit {
    pub total: u64,
    pub undated: u64,
    pub per_year: BTreeMap<i64, u64>,
    /// Key → year → hits carrying the key that year.
    pub cells: HashMap<String, BTreeMap<i64, u64>>,
    /// Key → hits carrying it, undated ones included.
    pub key_totals: HashMap<String, u64>,
}

pub struct TrendsCollector<'a> {
    pub filters: &'a FilterSpec,
    pub columns: &'a ColumnCache,
    pub dimension: TrendDimension,
}

pub struct TrendsSegCollector {
    filter: SegFilter,
    dimension: TrendDimension,
    total: u64,
    undated: u64,
    per_year: BTreeMap<i64, u64>,
    /// Year → count per ordinal of the dimension's column.
    rows: HashMap<i64, Vec<u32>>,
    key_totals: Vec<u32>,
}

impl TrendsSegCollector {
    fn column(&self) -> &Option<StrColumn> {
        match self.dimension {
            TrendDimension::Tags => &self.filter.cols.tags_dict,
            TrendDimension::Industries => &self.filter.cols.industry_dict,
        }
    }
}

impl Collector for TrendsCollector<'_> {
    type Fruit = TrendsFruit;
    type Child = TrendsSegCollector;

    fn for_segment(
        &self,
        _seg: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TrendsSegCollector> {
        let filter = SegFilter::new(self.filters, self.columns.get(reader)?);
        let mut c = TrendsSegCollector {
            filter,
            dimension: self.dimension,
            total: 0,
            undated: 0,
            per_year: BTreeMap::new(),
            rows: HashMap::new(),
            key_totals: Vec::new(),
        };
        c.key_totals = vec![0; c.column().as_ref().map_or(0, |c| c.num_terms())];
        Ok(c)
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<TrendsFruit>) -> tantivy::Result<TrendsFruit> {
        let mut out = TrendsFruit::default();
        for fr in fruits {
            out.total += fr.total;
            out.undated += fr.undated;
            for (y, n) in fr.per_year {
                *out.per_year.entry(y).or_default() += n;
            }
            for (k, years) in fr.cells {
                let into = out.cells.entry(k).or_default();
                for (y, n) in years {
                    *into.entry(y).or_default() += n;
                }
            }
            for (k, n) in fr.key_totals {
                *out.key_totals.entry(k).or_default() += n;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for TrendsSegCollector {
    type Fruit = TrendsFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if !self.filter.admits(doc) {
            return;
        }
        let year = self.filter.year(doc);
        if !self.filter.no_filters && !self.filter.parts(doc, year).all() {
            return;
        }
        let cols = &*self.filter.cols;
        let industry = [SegColumns::ord(&cols.industry, doc)];
        let keys: &[u32] = match self.dimension {
            TrendDimension::Tags => cols.tags(doc),
            TrendDimension::Industries if industry[0] == NO_ORD => &[],
            TrendDimension::Industries => &industry,
        };
        self.total += 1;
        let n_terms = self.key_totals.len();
        for &o in keys {
            if let Some(n) = self.key_totals.get_mut(o as usize) {
                *n += 1;
            }
        }
        match year {
            None => self.undated += 1,
            Some(y) => {
                *self.per_year.entry(y).or_default() += 1;
                let row = self.rows.entry(y).or_insert_with(|| vec![0; n_terms]);
                for &o in keys {
                    if let Some(n) = row.get_mut(o as usize) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> TrendsFruit {
        let names = ord_names(self.column(), &self.key_totals);
        let mut cells: HashMap<String, BTreeMap<i64, u64>> = HashMap::new();
        for (y, row) in &self.rows {
            for (name, o) in &names {
                let n = row.get(*o as usize).copied().unwrap_or(0);
                if n > 0 {
                    cells
                        .entry(name.clone())
                        .or_default()
                        .insert(*y, u64::from(n));
                }
            }
        }
        let key_totals = names
            .into_iter()
            .map(|(name, o)| {
                let n = self.key_totals.get(o as usize).copied().unwrap_or(0);
                (name, u64::from(n))
            })
            .collect();
        TrendsFruit {
            total: self.total,
            undated: self.undated,
            per_year: self.per_year,
            cells,
            key_totals,
        }
    }
}

/// The names of the ordinals with a non-zero count, with their ordinal.
fn ord_names(col: &Option<StrColumn>, counts: &[u32]) -> Vec<(String, u64)> {
    let Some(col) = col else {
        return Vec::new();
    };
    let ords: Vec<u64> = (0..counts.len() as u64)
        .filter(|&o| counts[o as usize] > 0)
        .collect();
    let mut out = Vec::with_capacity(ords.len());
    let mut it = ords.iter();
    // One sequential pass over the dictionary.
    let _ = col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        if let Some(&o) = it.next() {
            out.push((String::from_utf8_lossy(bytes).into_owned(), o));
        }
    });
    out
}

/// The chart: years, totals, and the requested (or most frequent) series.
pub fn assemble(
    req: &TrendsRequest,
    spec: &FilterSpec,
    fruit: TrendsFruit,
    corrected_query: Option<String>,
) -> Trends {
    let years: Vec<i64> = match (
        fruit.per_year.keys().next(),
        fruit.per_year.keys().next_back(),
    ) {
        (Some(&lo), Some(&hi)) if hi - lo <= MAX_YEAR_SPAN => (lo..=hi).collect(),
        _ => fruit.per_year.keys().copied().collect(),
    };
    let totals_per_year: Vec<u64> = years
        .iter()
        .map(|y| fruit.per_year.get(y).copied().unwrap_or(0))
        .collect();
    let canon: fn(&str) -> Option<String> = match req.dimension {
        TrendDimension::Tags => taxonomy::canonical_tag,
        TrendDimension::Industries => taxonomy::canonical_industry,
    };
    let keys: Vec<String> = match req.series.as_deref() {
        Some(wanted) if !wanted.is_empty() => {
            let mut seen = HashSet::new();
            wanted
                .iter()
                .filter_map(|w| canon(w))
                .filter(|k| !k.is_empty() && seen.insert(k.clone()))
                .take(MAX_SERIES)
                .collect()
        }
        _ => top_keys(req, spec, &fruit.key_totals),
    };
    let series = keys
        .into_iter()
        .map(|key| {
            let cells = fruit.cells.get(&key);
            let counts: Vec<u64> = years
                .iter()
                .map(|y| cells.and_then(|c| c.get(y)).copied().unwrap_or(0))
                .collect();
            let share = counts
                .iter()
                .zip(&totals_per_year)
                .map(|(&n, &t)| if t == 0 { 0.0 } else { n as f64 / t as f64 })
                .collect();
            TrendSeries {
                label: match req.dimension {
                    TrendDimension::Tags => taxonomy::tag_name(&key),
                    TrendDimension::Industries => taxonomy::industry_name(&key),
                },
                total: fruit.key_totals.get(&key).copied().unwrap_or(0),
                key,
                counts,
                share,
            }
        })
        .collect();
    Trends {
        years: years
            .into_iter()
            .map(|y| i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX }))
            .collect(),
        totals_per_year,
        series,
        undated: fruit.undated,
        total: fruit.total,
        dimension: req.dimension,
        corrected_query,
    }
}

/// The `top_n` most frequent keys (ties by key), from the tag group when one is asked
/// for, leaving out what a filter already forces on every hit (its line would be flat).
fn top_keys(req: &TrendsRequest, spec: &FilterSpec, totals: &HashMap<String, u64>) -> Vec<String> {
    let forced: HashSet<&String> = match req.dimension {
        TrendDimension::Tags if spec.tag_mode == crate::model::TagMode::All => {
            spec.tags.iter().collect()
        }
        TrendDimension::Industries if spec.industries.len() == 1 => {
            spec.industries.iter().collect()
        }
        _ => HashSet::new(),
    };
    let mut ranked: Vec<(&String, u64)> = totals
        .iter()
        .filter(|(k, &n)| n > 0 && !forced.contains(k))
        .filter(|(k, _)| match (req.dimension, req.tag_group) {
            (TrendDimension::Tags, Some(g)) => taxonomy::tag(k).is_some_and(|t| t.group == g),
            _ => true,
        })
        .map(|(k, &n)| (k, n))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take((req.top_n as usize).clamp(1, MAX_SERIES))
        .map(|(k, _)| k.clone())
        .collect()
}
