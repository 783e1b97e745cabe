//! Indexes case studies generated from a folder of Markdown files with YAML front matter and
//! reports indexing time and search latency (p50/p99) over a query mix.
//!
//! ```sh
//! cargo run --release -p casebook-core --example search_bench -- <folder> [num_docs] [index_dir]
//! ```
//!
//! With `num_docs` larger than the number of files, the files are cycled and each copy gets
//! its own id, a numbered title and a shifted year, so the index grows realistically.
//! The front-matter reader is deliberately simple (`key: "value"` lines and `- "item"` lists).

use casebook_core::index::{IndexDoc, SearchIndex};
use casebook_core::{Filters, SearchRequest, Sort, TagMode};
use std::path::{Path, PathBuf};
use std::time::Instant;

struct Source {
    title: String,
    slug: String,
    company: Option<String>,
    industry: Option<String>,
    year: Option<i32>,
    summary: Option<String>,
    tags: Vec<String>,
    body: String,
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    s.replace("\\\"", "\"")
}

fn read(path: &Path) -> Option<Source> {
    let text = std::fs::read_to_string(path).ok()?;
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---")?;
    let (front, body) = (&rest[..end], &rest[end + 4..]);
    let mut src = Source {
        title: String::new(),
        slug: path.file_stem()?.to_string_lossy().into_owned(),
        company: None,
        industry: None,
        year: None,
        summary: None,
        tags: Vec::new(),
        body: body.trim().to_string(),
    };
    let mut in_tags = false;
    for line in front.lines() {
        if let Some(item) = line.strip_prefix("  - ") {
            if in_tags {
                src.tags.push(unquote(item));
            }
            continue;
        }
        in_tags = false;
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        match k {
            "title" => src.title = unquote(v),
            "slug" => src.slug = unquote(v),
            "company" => src.company = Some(unquote(v)),
            "industryTags" => src.industry = Some(unquote(v)),
            "year" => src.year = v.trim().parse().ok(),
            "summary" => src.summary = Some(unquote(v)),
            "llmopsTags" => in_tags = true,
            _ => {}
        }
    }
    Some(src)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let folder = PathBuf::from(
        args.get(1)
            .expect("usage: search_bench <folder> [num_docs] [index_dir]"),
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("read folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let t = Instant::now();
    let sources: Vec<Source> = files.iter().filter_map(|p| read(p)).collect();
    println!("read {} files in {:.2?}", sources.len(), t.elapsed());
    let n: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(sources.len());
    let tmp;
    let dir = match args.get(3) {
        Some(d) => PathBuf::from(d),
        None => {
            tmp = std::env::temp_dir().join(format!("casebook-bench-{}", std::process::id()));
            tmp.clone()
        }
    };
    let _ = std::fs::remove_dir_all(&dir);

    let (idx, _) = SearchIndex::open(&dir).expect("open");
    let t = Instant::now();
    let mut batch = Vec::with_capacity(1000);
    let mut bytes = 0usize;
    for i in 0..n {
        let s = &sources[i % sources.len()];
        let round = i / sources.len();
        bytes += s.body.len();
        batch.push(IndexDoc {
            id: i as i64 + 1,
            slug: if round == 0 {
                s.slug.clone()
            } else {
                format!("{}-{round}", s.slug)
            },
            title: if round == 0 {
                s.title.clone()
            } else {
                format!("{} ({round})", s.title)
            },
            company: s.company.clone(),
            industry: s.industry.clone(),
            year: s.year.map(|y| y - (round % 5) as i32),
            summary: s.summary.clone(),
            body_text: s.body.clone(),
            tags: s.tags.clone(),
        });
        if batch.len() == 1000 {
            idx.upsert(std::mem::take(&mut batch)).expect("upsert");
            if (i + 1) % 10_000 == 0 {
                idx.commit(i as u64).expect("commit");
            }
        }
    }
    idx.upsert(batch).expect("upsert");
    idx.commit(n as u64).expect("commit");
    let index_time = t.elapsed();
    println!(
        "indexed {n} docs ({:.0} MB of body text) in {:.2?} ({:.0} docs/s)",
        bytes as f64 / 1e6,
        index_time,
        n as f64 / index_time.as_secs_f64()
    );
    let t = Instant::now();
    idx.wait_merges().expect("merges");
    println!("waited for merges: {:.2?}", t.elapsed());
    let t = Instant::now();
    let (idx, state) = SearchIndex::open(&dir).expect("reopen");
    println!(
        "reopened (with checksum validation) in {:.2?}: {state:?}",
        t.elapsed()
    );
    let disk: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "index size on disk: {:.0} MB, {} docs",
        disk as f64 / 1e6,
        idx.num_docs()
    );

    let plain = |q: &str| SearchRequest {
        query: q.into(),
        ..Default::default()
    };
    let mut mix: Vec<(&str, SearchRequest)> = vec![
        ("word", plain("rag")),
        ("word", plain("agents")),
        ("word", plain("kubernetes")),
        ("words", plain("retrieval augmented generation")),
        ("words", plain("customer support chatbot")),
        ("words", plain("fine-tuning llama")),
        ("words", plain("cost latency optimization")),
        ("phrase", plain("\"vector database\"")),
        ("phrase", plain("\"prompt engineering\" evaluation")),
        ("prefix", plain("embed*")),
        ("fields", plain("company:google tag:rag")),
        ("fields", plain("industry:finance year:2023..2024 agents")),
        ("or/not", plain("openai OR anthropic -azure")),
        ("typo", plain("retreival augmnted")),
        ("typo", plain("guardrials")),
        ("empty", plain("")),
    ];
    let mut f = SearchRequest {
        query: String::new(),
        filters: Filters {
            tags: vec!["rag".into(), "embeddings".into()],
            ..Default::default()
        },
        sort: Sort::Newest,
        ..Default::default()
    };
    mix.push(("browse", f.clone()));
    f.filters.tag_mode = TagMode::Any;
    f.filters.industries = vec!["tech".into(), "finance".into()];
    f.query = "monitoring".into();
    f.sort = Sort::Relevance;
    mix.push(("filtered", f.clone()));
    f.sort = Sort::Title;
    f.query = String::new();
    mix.push(("browse", f));

    // Warm up, then measure.
    for (_, r) in &mix {
        idx.search(r).expect("search");
    }
    let rounds = 30;
    let mut all = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    for _ in 0..rounds {
        for (kind, r) in &mix {
            let t = Instant::now();
            let res = idx.search(r).expect("search");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(&res);
            all.push(ms);
            by_kind.entry(kind).or_default().push(ms);
        }
    }
    all.sort_by(|a, b| a.total_cmp(b));
    println!(
        "search over {} queries × {rounds}: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        mix.len(),
        pct(&all, 0.5),
        pct(&all, 0.9),
        pct(&all, 0.99),
        all.last().copied().unwrap_or(0.0)
    );
    // The same mix without a page (no stored documents, no snippets): query + facets only.
    let mut bare = Vec::new();
    for _ in 0..rounds {
        for (_, r) in &mix {
            let mut r = r.clone();
            r.page.limit = 0;
            let t = Instant::now();
            std::hint::black_box(idx.search(&r).expect("search"));
            bare.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    bare.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  without the page (query + facets only): p50 {:.3} ms, p99 {:.3} ms",
        pct(&bare, 0.5),
        pct(&bare, 0.99)
    );
    for (kind, mut v) in by_kind {
        v.sort_by(|a, b| a.total_cmp(b));
        println!(
            "  {kind:<9} p50 {:>8.3} ms  p99 {:>8.3} ms",
            pct(&v, 0.5),
            pct(&v, 0.99)
        );
    }
    for (_, r) in mix.iter().take(16) {
        let res = idx.search(r).expect("search");
        println!(
            "  {:<45} total {:>6}{}",
            format!("{:?}", r.query),
            res.total,
            res.corrected_query
                .map(|c| format!("  (corrected: {c})"))
                .unwrap_or_default()
        );
    }
    if args.get(3).is_none() {
        drop(idx);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
