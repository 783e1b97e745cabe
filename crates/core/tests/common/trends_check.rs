//! The trends check shared by `trends.rs` and `corpus.rs`: every number of a chart equals
//! what `search` says.

use casebook_core::{
    Filters, Library, Page, SearchRequest, TagMode, TrendDimension, Trends, TrendsRequest,
};

/// The total `search` reports for a query and filters.
fn search_total(lib: &Library, query: &str, filters: &Filters) -> u64 {
    lib.search(&SearchRequest {
        query: query.to_string(),
        filters: filters.clone(),
        page: Page {
            offset: 0,
            limit: 0,
        },
        ..SearchRequest::default()
    })
    .unwrap()
    .total
}

/// Computes the trends of `req` and checks every number against `search`: the total, each
/// year's total, and each (year, series) cell as the search narrowed to that year and that
/// tag (or industry); shares are count / year total.
pub fn check_against_search(lib: &Library, req: &TrendsRequest) -> Trends {
    let t = lib.trends(req).unwrap();
    assert_eq!(
        t.total,
        search_total(lib, &req.query, &req.filters),
        "{req:?}"
    );
    assert_eq!(
        t.totals_per_year.iter().sum::<u64>() + t.undated,
        t.total,
        "{req:?}"
    );
    assert_eq!(t.years.len(), t.totals_per_year.len());
    assert!(
        t.years.windows(2).all(|w| w[1] == w[0] + 1),
        "{:?}",
        t.years
    );
    for (i, &year) in t.years.iter().enumerate() {
        let mut in_year = req.filters.clone();
        in_year.year_from = Some(year);
        in_year.year_to = Some(year);
        assert_eq!(
            t.totals_per_year[i],
            search_total(lib, &req.query, &in_year),
            "{year} {req:?}"
        );
        for s in &t.series {
            assert_eq!(s.counts.len(), t.years.len());
            let mut cell = in_year.clone();
            let expected = match req.dimension {
                TrendDimension::Tags => {
                    assert!(
                        cell.tag_mode == TagMode::All || cell.tags.is_empty(),
                        "cells of an any-of tag filter are not a filter"
                    );
                    cell.tag_mode = TagMode::All;
                    cell.tags.push(s.key.clone());
                    search_total(lib, &req.query, &cell)
                }
                TrendDimension::Industries => {
                    if cell.industries.is_empty() || cell.industries.contains(&s.key) {
                        cell.industries = vec![s.key.clone()];
                        search_total(lib, &req.query, &cell)
                    } else {
                        0
                    }
                }
            };
            assert_eq!(s.counts[i], expected, "{} in {year}, {req:?}", s.key);
            let share = if t.totals_per_year[i] == 0 {
                0.0
            } else {
                s.counts[i] as f64 / t.totals_per_year[i] as f64
            };
            assert!((s.share[i] - share).abs() < 1e-12, "{} {year}", s.key);
            assert!((0.0..=1.0).contains(&s.share[i]));
        }
    }
    for s in &t.series {
        let mut with_key = req.filters.clone();
        match req.dimension {
            TrendDimension::Tags => {
                with_key.tag_mode = TagMode::All;
                with_key.tags.push(s.key.clone());
            }
            TrendDimension::Industries => with_key.industries = vec![s.key.clone()],
        }
        if req.dimension == TrendDimension::Tags || req.filters.industries.is_empty() {
            assert_eq!(
                s.total,
                search_total(lib, &req.query, &with_key),
                "{}",
                s.key
            );
        }
        assert!(s.total >= s.counts.iter().sum::<u64>());
    }
    t
}
