//! Trends: counts per year and per tag (or industry) agree exactly with search, on a
//! generated library (also against an independent count of what was generated) and on the
//! seeds. The real corpus is checked the same way in `corpus.rs` (one import of it).

#[path = "common/trends_check.rs"]
mod trends_check;
use trends_check::check_against_search;

use casebook_core::taxonomy::{self, TagGroup};
use casebook_core::{Filters, Library, OpenOptions, TrendDimension, Trends, TrendsRequest};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn empty_library(dir: &Path) -> Library {
    Library::open_with(
        dir,
        &OpenOptions {
            seed_new_library: false,
        },
    )
    .unwrap()
}

const TAGS: [&str; 6] = [
    "rag",
    "fine-tuning",
    "agent-based",
    "prompt-engineering",
    "langchain",
    "openai",
];
const INDUSTRIES: [&str; 3] = ["finance", "healthcare", "tech"];

struct Generated {
    year: Option<i32>,
    industry: &'static str,
    tags: Vec<&'static str>,
}

/// 90 case studies with pseudo-random years (some undated, a gap at 2021), industries and
/// tags, written as front-matter Markdown into `dir`.
fn generate(dir: &Path) -> Vec<Generated> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let mut out = Vec::new();
    for i in 0..90 {
        let year = match next(8) {
            0 => None,
            n => Some(2018 + n as i32 + i32::from(n >= 3)), // 2019, 2020, 2022..2026
        };
        let industry = INDUSTRIES[next(3) as usize];
        let tags: Vec<&str> = TAGS.iter().copied().filter(|_| next(5) < 2).collect();
        let year_line = year.map_or(String::new(), |y| format!("year: {y}\n"));
        let tag_lines: String = tags.iter().map(|t| format!("  - \"{t}\"\n")).collect();
        let text = format!(
            "---\ntitle: \"Case study number {i}\"\ncompany: \"Company {i}\"\nindustryTags: \"{industry}\"\n{year_line}llmopsTags:\n{tag_lines}---\n\nA production system of company {i} serving models, with monitoring words {w}.\n",
            w = if i % 2 == 0 { "pipeline" } else { "gateway" },
        );
        std::fs::write(dir.join(format!("case-{i:03}.md")), text).unwrap();
        out.push(Generated {
            year,
            industry,
            tags,
        });
    }
    out
}

fn generated_library() -> (tempfile::TempDir, Library, Vec<Generated>) {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let generated = generate(files.path());
    let lib = empty_library(dir.path());
    let report = lib
        .import(
            &[files.path().to_path_buf()],
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!(report.added, 90, "{report:?}");
    (dir, lib, generated)
}

#[test]
fn counts_equal_an_independent_count_of_the_generated_library() {
    let (_dir, lib, generated) = generated_library();
    let t = check_against_search(
        &lib,
        &TrendsRequest {
            series: Some(TAGS.iter().map(|s| s.to_string()).collect()),
            ..TrendsRequest::default()
        },
    );
    let mut per_year: BTreeMap<i32, u64> = BTreeMap::new();
    let mut cells: BTreeMap<(&str, i32), u64> = BTreeMap::new();
    for g in &generated {
        if let Some(y) = g.year {
            *per_year.entry(y).or_default() += 1;
            for t in &g.tags {
                *cells.entry((t, y)).or_default() += 1;
            }
        }
    }
    let first = *per_year.keys().next().unwrap();
    let last = *per_year.keys().next_back().unwrap();
    assert_eq!(t.years, (first..=last).collect::<Vec<_>>(), "gaps filled");
    assert!(!per_year.contains_key(&2021) && t.years.contains(&2021));
    for (i, y) in t.years.iter().enumerate() {
        assert_eq!(t.totals_per_year[i], per_year.get(y).copied().unwrap_or(0));
    }
    assert_eq!(
        t.undated,
        generated.iter().filter(|g| g.year.is_none()).count() as u64
    );
    assert!(t.undated > 0);
    let keys: Vec<&str> = t.series.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, TAGS, "the series asked for, in that order");
    for s in &t.series {
        for (i, y) in t.years.iter().enumerate() {
            let want = cells.get(&(s.key.as_str(), *y)).copied().unwrap_or(0);
            assert_eq!(s.counts[i], want, "{} {y}", s.key);
        }
        let all = generated
            .iter()
            .filter(|g| g.tags.contains(&s.key.as_str()))
            .count() as u64;
        assert_eq!(s.total, all);
        assert_eq!(s.label, taxonomy::tag_name(&s.key));
    }
}

#[test]
fn filtered_trends_agree_with_search_in_every_cell() {
    let (_dir, lib, generated) = generated_library();
    let mut requests = vec![
        TrendsRequest::default(),
        TrendsRequest {
            query: "pipeline".into(),
            top_n: 20,
            ..TrendsRequest::default()
        },
        TrendsRequest {
            query: "monitoring -gateway".into(),
            filters: Filters {
                tags: vec!["rag".into()],
                industries: vec!["finance".into(), "tech".into()],
                year_from: Some(2020),
                ..Filters::default()
            },
            ..TrendsRequest::default()
        },
        TrendsRequest {
            dimension: TrendDimension::Industries,
            filters: Filters {
                tags: vec!["agent-based".into(), "openai".into()],
                year_to: Some(2024),
                ..Filters::default()
            },
            ..TrendsRequest::default()
        },
        TrendsRequest {
            dimension: TrendDimension::Industries,
            filters: Filters {
                industries: vec!["healthcare".into()],
                ..Filters::default()
            },
            series: Some(vec!["healthcare".into(), "finance".into()]),
            ..TrendsRequest::default()
        },
    ];
    // "agents in finance since 2024": one request.
    requests.push(TrendsRequest {
        filters: Filters {
            industries: vec!["finance".into()],
            year_from: Some(2024),
            ..Filters::default()
        },
        series: Some(vec!["agents".into(), "RAG".into(), "fine_tuning".into()]),
        ..TrendsRequest::default()
    });
    for req in &requests {
        let t = check_against_search(&lib, req);
        assert!(t.total > 0, "{req:?} counts something");
    }
    let since_2024 = lib.trends(requests.last().unwrap()).unwrap();
    let keys: Vec<&str> = since_2024.series.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["agent-based", "rag", "fine-tuning"], "canonicalised");
    assert!(since_2024.years.iter().all(|&y| y >= 2024));
    let agents_in_finance = generated
        .iter()
        .filter(|g| g.industry == "finance" && g.year.is_some_and(|y| y >= 2024))
        .filter(|g| g.tags.contains(&"agent-based"))
        .count() as u64;
    assert_eq!(
        since_2024.series[0].counts.iter().sum::<u64>(),
        agents_in_finance
    );
}

#[test]
fn default_series_are_the_most_frequent_not_forced_by_a_filter_within_the_group() {
    let (_dir, lib, _) = generated_library();
    let all = lib
        .trends(&TrendsRequest {
            top_n: 20,
            ..TrendsRequest::default()
        })
        .unwrap();
    let totals: Vec<u64> = all.series.iter().map(|s| s.total).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    assert_eq!(all.series.len(), TAGS.len());

    let top2 = lib
        .trends(&TrendsRequest {
            top_n: 2,
            ..TrendsRequest::default()
        })
        .unwrap();
    let keys = |t: &Trends| t.series.iter().map(|s| s.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&top2), keys(&all)[..2]);

    let with_rag = lib
        .trends(&TrendsRequest {
            filters: Filters {
                tags: vec!["rag".into()],
                ..Filters::default()
            },
            top_n: 20,
            ..TrendsRequest::default()
        })
        .unwrap();
    assert!(!keys(&with_rag).contains(&"rag".to_string()));

    let techniques = lib
        .trends(&TrendsRequest {
            tag_group: Some(TagGroup::Technique),
            top_n: 20,
            ..TrendsRequest::default()
        })
        .unwrap();
    assert!(!techniques.series.is_empty());
    for s in &techniques.series {
        assert_eq!(
            taxonomy::tag(&s.key).map(|t| t.group),
            Some(TagGroup::Technique)
        );
    }
    assert!(!keys(&techniques).contains(&"langchain".to_string()));
}

#[test]
fn nothing_found_gives_empty_years_and_zero_series() {
    let (_dir, lib, _) = generated_library();
    let t = lib
        .trends(&TrendsRequest {
            query: "zzzzqqqq".into(),
            series: Some(vec!["rag".into(), "not-a-tag-anywhere".into()]),
            ..TrendsRequest::default()
        })
        .unwrap();
    assert_eq!(t.total, 0);
    assert!(t.years.is_empty() && t.totals_per_year.is_empty());
    assert_eq!(t.series.len(), 2);
    assert!(t.series.iter().all(|s| s.total == 0 && s.counts.is_empty()));
}

#[test]
fn seeds_agree_with_search() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path()).unwrap();
    for dimension in [TrendDimension::Tags, TrendDimension::Industries] {
        let t = check_against_search(
            &lib,
            &TrendsRequest {
                dimension,
                top_n: 20,
                ..TrendsRequest::default()
            },
        );
        assert_eq!(t.total, 4);
        assert!(!t.series.is_empty());
    }
}
