//! The whole real corpus (CASEBOOK_CORPUS = the `llmops-database` folder) imports
//! faithfully: every case study's metadata equals its front matter, read here by an
//! independent, deliberately simple reader, and its body text keeps the body's words.
//! Then its trends agree with search in every cell (sharing the one slow import).

#[path = "common/trends_check.rs"]
mod trends_check;
#[path = "common/words.rs"]
mod words;
use words::{share, words};

use casebook_core::taxonomy::TagGroup;
use casebook_core::{
    CaseStudyDetail, Filters, Library, OpenOptions, SearchRequest, TrendDimension, TrendsRequest,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

fn corpus() -> Option<PathBuf> {
    match std::env::var_os("CASEBOOK_CORPUS") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            eprintln!("CASEBOOK_CORPUS is not set: corpus test skipped");
            None
        }
    }
}

#[derive(Debug, Default)]
struct FrontMatter {
    fields: BTreeMap<String, String>,
    tags: BTreeSet<String>,
    body: String,
}

/// Top-level `key: value` lines (JSON-quoted or bare) and the `llmopsTags` list.
fn read_front_matter(text: &str) -> FrontMatter {
    let rest = text.strip_prefix("---\n").expect("front matter");
    let (head, body) = rest.split_once("\n---\n").expect("closed front matter");
    let mut fm = FrontMatter {
        body: body.to_string(),
        ..Default::default()
    };
    let mut current = String::new();
    for line in head.lines() {
        if let Some(item) = line.strip_prefix("  - ") {
            if current == "llmopsTags" {
                fm.tags
                    .insert(serde_json::from_str(item).expect("quoted tag"));
            }
            continue;
        }
        if line.starts_with(' ') {
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            current = k.to_string();
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let value = if v.starts_with('"') {
                serde_json::from_str::<String>(v).expect("quoted value")
            } else {
                v.to_string()
            };
            fm.fields.insert(k.to_string(), value);
        }
    }
    fm
}

/// The words of a Markdown (or HTML-wrapped Markdown) body, link targets left out.
fn words_of_markdown(body: &str) -> BTreeSet<String> {
    let mut text = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if c == '<' {
            // drop HTML tags
            for c2 in chars.by_ref() {
                if c2 == '>' {
                    break;
                }
            }
            text.push(' ');
            prev = ' ';
            continue;
        }
        if c == '(' && prev == ']' {
            // drop link targets
            for c2 in chars.by_ref() {
                if c2 == ')' {
                    break;
                }
            }
            prev = ')';
            continue;
        }
        text.push(c);
        prev = c;
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ");
    words(&text)
}

#[test]
fn the_whole_corpus_imports_faithfully() {
    let Some(dir) = corpus() else { return };
    let lib_dir = tempfile::tempdir().unwrap();
    let lib = Library::open_with(
        lib_dir.path(),
        &OpenOptions {
            seed_new_library: false,
        },
    )
    .unwrap();
    let started = std::time::Instant::now();
    let report = lib
        .import(std::slice::from_ref(&dir), &|_| {}, &AtomicBool::new(false))
        .unwrap();
    eprintln!("imported the corpus in {:?}: {report:?}", started.elapsed());
    assert!(report.failed.is_empty(), "{:?}", report.failed);

    let mut expected = HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            let key = std::path::absolute(&path)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            expected.insert(key, read_front_matter(&text));
        }
    }
    assert_eq!(
        report.added as usize,
        expected.len(),
        "no two case studies merged"
    );
    let all = lib.list().unwrap();
    assert_eq!(all.len(), expected.len());

    let mut mismatches = Vec::new();
    let mut worst_body = (1.0f64, String::new());
    for cs in &all {
        assert_eq!(cs.sources.len(), 1, "{}", cs.title);
        let fm = &expected[&cs.sources[0].path];
        let f = |k: &str| fm.fields.get(k).cloned();
        // Values compare with runs of white space folded: that is all normalising may change.
        let fold =
            |v: Option<String>| v.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
        let mut check = |name: &str, got: Option<String>, want: Option<String>| {
            let (got, want) = (fold(got), fold(want));
            if got != want {
                mismatches.push(format!("{}: {name}: got {got:?}, want {want:?}", cs.slug));
            }
        };
        check("title", Some(cs.title.clone()), f("title"));
        check("company", cs.company.clone(), f("company"));
        check("industry", cs.industry.clone(), f("industryTags"));
        check("year", cs.year.map(|y| y.to_string()), f("year"));
        check("link", cs.link.clone(), f("link"));
        check("summary", cs.summary.clone(), f("summary"));
        check("slug", Some(cs.slug.clone()), f("slug"));
        let tags: BTreeSet<String> = cs.tags.iter().cloned().collect();
        if tags != fm.tags {
            mismatches.push(format!("{}: tags {tags:?} != {:?}", cs.slug, fm.tags));
        }
        assert!(cs.inferred_tags.is_empty() || fm.tags.is_empty());

        let detail: CaseStudyDetail = lib.get(&cs.id.to_string()).unwrap();
        assert!(!detail.body_text.contains("<br"), "{}", cs.slug);
        let want = words_of_markdown(&fm.body);
        let got = words(&detail.body_text);
        let s = share(&want, &got).min(share(&got, &want));
        if s < worst_body.0 {
            worst_body = (s, cs.slug.clone());
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
    eprintln!(
        "worst body word agreement: {:.3} ({})",
        worst_body.0, worst_body.1
    );
    assert!(worst_body.0 >= 0.97, "body text lost words: {worst_body:?}");

    // And it is all searchable.
    let r = lib
        .search(&SearchRequest {
            query: String::new(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total as usize, expected.len());

    check_companies(&lib, &expected);
}

/// Companies: spellings and aliases merged where they are one organisation, never where
/// they are not.
fn check_companies(lib: &Library, expected: &HashMap<String, FrontMatter>) {
    let written: BTreeSet<&str> = expected
        .values()
        .filter_map(|fm| fm.fields.get("company").map(|c| c.trim()))
        .collect();
    let folded: BTreeSet<String> = written.iter().map(|c| c.to_lowercase()).collect();
    let companies = lib.companies().unwrap();
    eprintln!(
        "companies: {} as written, {} ignoring case, {} after merging",
        written.len(),
        folded.len(),
        companies.len()
    );
    for c in companies.iter().filter(|c| !c.aliases.is_empty()) {
        eprintln!("  {} ({}, {}): {:?}", c.name, c.key, c.count, c.aliases);
    }
    let total: u64 = companies.iter().map(|c| c.count).sum();
    assert_eq!(
        total as usize,
        expected
            .values()
            .filter(|fm| fm.fields.contains_key("company"))
            .count()
    );
    let key_of = |name: &str| {
        lib.company(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .key
    };
    for group in [
        &["DoorDash", "Doordash"][..],
        &["GitHub", "Github"],
        &[
            "Amazon",
            "AWS",
            "Amazon (Alexa)",
            "AWS Sales",
            "Amazon Prime Video",
        ],
        &["Google", "Google Deepmind"],
        &["Booking", "Booking.com"],
        &["Delivery Hero", "DeliveryHero"],
        &["Fuzzy Labs", "FuzzyLabs"],
        &["Perplexity", "Perplexity AI"],
        &["Factory", "Factory AI", "Factory.ai"],
        &["Block (Square)", "Square"],
        &["BT", "British Telecom"],
        &["Windsurf", "Codeium"],
        &["Various", "Various (Alation, GrottoAI, Nvidia, OLX)"],
        // Only the text says so: "London Stock Exchange Group (LSEG)".
        &["LSEG", "London Stock Exchange Group"],
    ] {
        let keys: BTreeSet<String> = group.iter().map(|n| key_of(n)).collect();
        assert_eq!(keys.len(), 1, "{group:?} should be one company: {keys:?}");
    }
    for (a, b) in [
        ("Loblaws", "Loblaw Digital"),
        ("Circle", "CircleCI"),
        ("Reuters", "Thomson Reuters"),
        ("Harvey", "Harvey / Lance"),
        ("Microsoft", "Microsoft / GitHub"),
        ("Uber", "Uber, Microsoft"),
        ("Google", "Meta"),
        ("Amazon", "Alibaba"),
        ("Cox 2M", "Cox Automotive"),
        ("New Relic", "New Computer"),
        ("Microsoft", "GitHub"),
    ] {
        assert_ne!(key_of(a), key_of(b), "{a} and {b} are different companies");
    }
    let amazon = lib.company("aws").unwrap();
    assert_eq!(amazon.name, "Amazon");
    assert!(
        amazon.aliases.iter().any(|a| a == "AWS"),
        "{:?}",
        amazon.aliases
    );
    // The company filter takes any spelling and counts the whole company.
    let r = lib
        .search(&SearchRequest {
            filters: casebook_core::Filters {
                companies: vec!["Amazon Web Services".into()],
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, amazon.count);
    assert_eq!(r.facets.company.get("Amazon"), Some(&amazon.count));
    // Trends: every cell equals the search narrowed to its year and tag (or industry).
    let requests = [
        TrendsRequest {
            tag_group: Some(TagGroup::Technique),
            ..TrendsRequest::default()
        },
        // "Agents in finance since 2024", RAG and fine-tuning beside.
        TrendsRequest {
            query: "agents".into(),
            filters: Filters {
                industries: vec!["finance".into()],
                year_from: Some(2024),
                ..Filters::default()
            },
            series: Some(vec!["rag".into(), "fine-tuning".into(), "agents".into()]),
            ..TrendsRequest::default()
        },
        TrendsRequest {
            dimension: TrendDimension::Industries,
            filters: Filters {
                tags: vec!["rag".into()],
                ..Filters::default()
            },
            ..TrendsRequest::default()
        },
    ];
    for req in &requests {
        let started = std::time::Instant::now();
        lib.trends(req).unwrap();
        // Reported, not asserted (timings belong in benchmarks).
        eprintln!(
            "trends ({:?}, query {:?}) took {:?}",
            req.dimension,
            req.query,
            started.elapsed()
        );
        let t = trends_check::check_against_search(lib, req);
        assert!(t.total > 0 && !t.series.is_empty(), "{req:?}");
    }
}
