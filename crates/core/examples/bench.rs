//! Casebook's benchmark (issue 5): the whole library, measured side by side with a plain
//! SQLite FTS5 implementation of the same searches, in one run.
//!
//! ```sh
//! cargo run --release -p casebook-core --example bench -- --corpus DIR_OR_FILE \
//!     [--out bench-out/result.json] [--queries bench/queries.txt] [--rounds 10] \
//!     [--work DIR] [--keep]
//! cargo run --release -p casebook-core --example bench -- --library DIR [--no-fts] …
//! ```
//!
//! `--library` measures a library kept by an earlier `--work DIR --keep` run (`DIR/library`)
//! as it is: no import and no edits (they would change it), only open, search and the peer.
//!
//! `--corpus` is anything `casebook import` takes: a folder of case studies in any shape
//! Casebook reads (Markdown with front matter, JSON/JSONL/CSV, HTML, …), a single file or a
//! .zip archive. `scripts/bench` runs it on the real corpus and on 100,000 synthetic case
//! studies. What is measured:
//!
//! 1. **import**: a new library, `Library::import` of the corpus (read, parse, normalise,
//!    dedup, SQLite, index, commit), in case studies/s and MB/s of input;
//! 2. **open**: drop the library, open it again and answer the first query (twice: the first
//!    open after an import may validate the index checksums once);
//! 3. **search**: the query mix (every line of `--queries`, plus sidebar facet filters and
//!    sorts defined below), each returning the top 20 with snippets and facet counts over all
//!    hits; `--rounds` rounds after a warm-up round; p50/p95/p99;
//! 4. **edit**: one case study re-imported (same file, changed text) until a search finds
//!    the new word, without rebuilding the index;
//! 5. **peak memory** (`VmHWM`) and **size on disk**;
//! 6. **FTS5 peer**: the same case studies (read back from the library's SQLite) in an FTS5
//!    table (title, company, summary, body, tags; porter stemming), the same mix translated
//!    to FTS5 (see [`fts_request`]): bm25 top 20 with `snippet()`, the total count, and tag
//!    and industry counts over all hits via `GROUP BY`; ratios peer/Casebook.
//!
//! Writes JSON to `--out` and prints a table.

// The binaries' allocator (see the workspace Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use casebook_core::library::{Library, OpenOptions};
use casebook_core::{Filters, SearchRequest, Sort, TagMode};
use rusqlite::{params_from_iter, Connection};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

struct Args {
    corpus: PathBuf,
    out: PathBuf,
    queries: PathBuf,
    rounds: usize,
    fts_rounds: Option<usize>,
    work: Option<PathBuf>,
    keep: bool,
    skip_fts: bool,
    /// An existing library to measure without importing or editing it.
    library: Option<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: bench --corpus DIR_OR_FILE [--out FILE.json] [--queries FILE] [--rounds N] \
         [--fts-rounds N] [--work DIR] [--keep] [--no-fts]\n       \
         bench --library DIR [--out FILE.json] [--queries FILE] [--rounds N] [--no-fts]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        corpus: PathBuf::new(),
        out: PathBuf::from("bench-out/result.json"),
        queries: PathBuf::from("bench/queries.txt"),
        rounds: 10,
        fts_rounds: None,
        work: None,
        keep: false,
        skip_fts: false,
        library: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--corpus" => a.corpus = PathBuf::from(val()),
            "--out" => a.out = PathBuf::from(val()),
            "--queries" => a.queries = PathBuf::from(val()),
            "--rounds" => a.rounds = val().parse().unwrap_or_else(|_| usage()),
            "--fts-rounds" => a.fts_rounds = Some(val().parse().unwrap_or_else(|_| usage())),
            "--work" => a.work = Some(PathBuf::from(val())),
            "--keep" => a.keep = true,
            "--no-fts" => a.skip_fts = true,
            "--library" => a.library = Some(PathBuf::from(val())),
            _ => usage(),
        }
    }
    if a.corpus.as_os_str().is_empty() == a.library.is_none() {
        usage()
    }
    a
}

/// `VmHWM` / `VmRSS` of this process, in MiB.
fn proc_status(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_size(p: &Path) -> u64 {
    walkdir::WalkDir::new(p)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

#[derive(Clone)]
struct Stats {
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    mean: f64,
}

fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(|a, b| a.total_cmp(b));
    Stats {
        p50: pct(&v, 0.50),
        p95: pct(&v, 0.95),
        p99: pct(&v, 0.99),
        max: v.last().copied().unwrap_or(0.0),
        mean: v.iter().sum::<f64>() / v.len().max(1) as f64,
    }
}

fn stats_json(s: &Stats) -> serde_json::Value {
    json!({"p50_ms": s.p50, "p95_ms": s.p95, "p99_ms": s.p99, "max_ms": s.max, "mean_ms": s.mean})
}

/// The query mix: every line of the queries file (query syntax, including `tag:`,
/// `industry:`, `year:`, `title:`, `company:` fields), plus sidebar facet filters and sorts
/// (what the desktop app sends when tags/industries are ticked or the sort is changed).
fn query_mix(path: &Path) -> Vec<SearchRequest> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut mix: Vec<SearchRequest> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .map(|q| SearchRequest {
            query: q.to_string(),
            ..Default::default()
        })
        .collect();
    let req = |q: &str, tags: &[&str], any: bool, ind: &[&str], years: Option<(i32, i32)>, sort| {
        SearchRequest {
            query: q.into(),
            filters: Filters {
                tags: tags.iter().map(|s| s.to_string()).collect(),
                tag_mode: if any { TagMode::Any } else { TagMode::All },
                industries: ind.iter().map(|s| s.to_string()).collect(),
                year_from: years.map(|y| y.0),
                year_to: years.map(|y| y.1),
                ..Default::default()
            },
            sort,
            ..Default::default()
        }
    };
    mix.extend([
        req("", &[], false, &[], None, Sort::Newest),
        req("", &["rag", "embeddings"], false, &[], None, Sort::Newest),
        req("", &["agent-based"], false, &["finance"], None, Sort::Title),
        req(
            "monitoring",
            &["rag", "fine-tuning"],
            true,
            &[],
            None,
            Sort::Relevance,
        ),
        req(
            "latency",
            &[],
            false,
            &["tech", "finance"],
            None,
            Sort::Relevance,
        ),
        req(
            "evaluation",
            &["rag"],
            false,
            &[],
            Some((2023, 2025)),
            Sort::Relevance,
        ),
        req(
            "customer support",
            &[],
            false,
            &["e-commerce"],
            None,
            Sort::Newest,
        ),
        req("agents", &[], false, &[], None, Sort::Title),
    ]);
    mix
}

fn main() {
    let args = parse_args();
    let mix = query_mix(&args.queries);
    let tmp_root;
    let work = match &args.work {
        Some(w) => w.clone(),
        None => {
            tmp_root = std::env::temp_dir().join(format!("casebook-bench-{}", std::process::id()));
            tmp_root.clone()
        }
    };
    let lib_dir = match &args.library {
        Some(dir) => {
            // Only the peer's database is made here.
            std::fs::create_dir_all(&work).expect("create the work folder");
            dir.clone()
        }
        None => {
            let _ = std::fs::remove_dir_all(&work);
            std::fs::create_dir_all(&work).expect("create the work folder");
            work.join("library")
        }
    };
    let input_bytes = dir_size(&args.corpus);
    // What this run measures: the corpus it imports, or the library it opens as it is.
    let (measured, measured_bytes) = match &args.library {
        Some(dir) => (dir, dir_size(dir)),
        None => (&args.corpus, input_bytes),
    };
    let no_seed = OpenOptions {
        seed_new_library: false,
    };
    println!(
        "{} ({:.1} MB); {} queries × {} rounds",
        measured.display(),
        measured_bytes as f64 / 1e6,
        mix.len(),
        args.rounds
    );

    // 1. Import (not with --library).
    let mut import = serde_json::Value::Null;
    if args.library.is_none() {
        let t = Instant::now();
        let lib = Library::open_with(&lib_dir, &no_seed).expect("open the library");
        let report = lib
            .import(
                std::slice::from_ref(&args.corpus),
                &|_| {},
                &AtomicBool::new(false),
            )
            .expect("import");
        let import_s = t.elapsed().as_secs_f64();
        let case_studies = lib.stats().expect("stats").case_studies;
        let hwm_import = proc_status("VmHWM:");
        println!(
            "import: {case_studies} case studies ({} added, {} merged, {} failed) in {import_s:.2} s: \
             {:.0} case studies/s, {:.1} MB/s; peak RSS {hwm_import:.0} MiB",
            report.added,
            report.merged,
            report.failed.len(),
            case_studies as f64 / import_s,
            input_bytes as f64 / 1e6 / import_s
        );
        import = json!({
            "seconds": import_s,
            "case_studies_per_s": case_studies as f64 / import_s,
            "mb_per_s": input_bytes as f64 / 1e6 / import_s,
            "added": report.added, "merged": report.merged, "unchanged": report.unchanged,
            "failed": report.failed.len(),
            "peak_rss_mib": hwm_import,
        });
    }

    // 2. Open + first query.
    let mut opens = Vec::new();
    let mut lib = None;
    for _ in 0..2 {
        drop(lib.take());
        let t = Instant::now();
        let l = Library::open_with(&lib_dir, &no_seed).expect("reopen");
        let first = l.search(&mix[0]).expect("first search");
        std::hint::black_box(&first);
        opens.push(t.elapsed().as_secs_f64() * 1000.0);
        if let Some(n) = l.index_notice() {
            println!("  note on open: {n}");
        }
        lib = Some(l);
    }
    let lib = lib.expect("opened");
    let case_studies = lib.stats().expect("stats").case_studies;
    println!(
        "open + first query: {:.0} ms (first open after the import), {:.0} ms (again)",
        opens[0], opens[1]
    );
    let library_bytes = dir_size(&lib_dir);

    // 3. Search.
    let mut per_query: Vec<Vec<f64>> = vec![Vec::new(); mix.len()];
    let mut totals = Vec::with_capacity(mix.len());
    for r in &mix {
        totals.push(lib.search(r).expect("search").total);
    }
    for _ in 0..args.rounds {
        for (i, r) in mix.iter().enumerate() {
            let t = Instant::now();
            let res = lib.search(r).expect("search");
            per_query[i].push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(res);
        }
    }
    let cb = stats(per_query.iter().flatten().copied().collect());
    println!(
        "casebook search: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        cb.p50, cb.p95, cb.p99, cb.max
    );

    // 4. One file edited and re-imported, one note written (not with --library).
    let (mut edit, mut note) = (serde_json::Value::Null, serde_json::Value::Null);
    if args.library.is_none() {
        let e = edit_visibility(&lib, &work);
        println!(
            "edit visible in search: median {:.0} ms, max {:.0} ms (re-import of one file + commit + search)",
            e.p50, e.max
        );
        let n = note_visibility(&lib);
        println!(
            "note visible in search: median {:.0} ms, max {:.0} ms (one note written + commit + search)",
            n.p50, n.max
        );
        (edit, note) = (stats_json(&e), stats_json(&n));
    }
    let hwm = proc_status("VmHWM:");
    drop(lib);

    // 5./6. FTS5 peer.
    let mut peer = serde_json::Value::Null;
    let mut ratios = serde_json::Value::Null;
    let mut fts_stats = None;
    if !args.skip_fts {
        let fts_path = work.join("fts5-peer.sqlite3");
        let t = Instant::now();
        let conn = build_fts(&lib_dir.join("casebook.sqlite3"), &fts_path);
        let build_s = t.elapsed().as_secs_f64();
        let mut fts_per_query: Vec<Vec<f64>> = vec![Vec::new(); mix.len()];
        let mut fts_totals = Vec::new();
        for r in &mix {
            fts_totals.push(fts_search(&conn, r).0);
        }
        for _ in 0..args.fts_rounds.unwrap_or(args.rounds) {
            for (i, r) in mix.iter().enumerate() {
                let t = Instant::now();
                std::hint::black_box(fts_search(&conn, r));
                fts_per_query[i].push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let fs = stats(fts_per_query.iter().flatten().copied().collect());
        let fts_bytes = std::fs::metadata(&fts_path).map_or(0, |m| m.len());
        println!(
            "fts5 peer search: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (built in {build_s:.1} s, {:.0} MB)",
            fs.p50, fs.p95, fs.p99, fs.max, fts_bytes as f64 / 1e6
        );
        println!(
            "ratio fts5/casebook: p50 {:.1}×, p95 {:.1}×, p99 {:.1}×",
            fs.p50 / cb.p50,
            fs.p95 / cb.p95,
            fs.p99 / cb.p99
        );
        ratios = json!({"p50": fs.p50 / cb.p50, "p95": fs.p95 / cb.p95, "p99": fs.p99 / cb.p99});
        peer = json!({
            "search": stats_json(&fs),
            "build_s": build_s,
            "size_bytes": fts_bytes,
            "totals": fts_totals,
        });
        fts_stats = Some((fs, fts_per_query));
    }

    // Per-query table.
    println!(
        "\n{:<44} {:>8} {:>9} {:>9} {:>9}",
        "query", "hits", "cb p50", "fts p50", "fts hits"
    );
    let mut queries_json = Vec::new();
    for (i, r) in mix.iter().enumerate() {
        let label = describe(r);
        let c = stats(per_query[i].clone());
        let f = fts_stats.as_ref().map(|(_, v)| stats(v[i].clone()));
        let ft = peer["totals"].get(i).and_then(|v| v.as_u64());
        println!(
            "{:<44} {:>8} {:>9.2} {:>9} {:>9}",
            label.chars().take(44).collect::<String>(),
            totals[i],
            c.p50,
            f.as_ref().map_or("-".into(), |f| format!("{:.2}", f.p50)),
            ft.map_or("-".into(), |t| t.to_string())
        );
        queries_json.push(json!({
            "query": label, "total": totals[i], "casebook": stats_json(&c),
            "fts5": f.as_ref().map(stats_json), "fts5_total": ft,
        }));
    }

    let result = json!({
        "machine": machine(),
        "corpus": args.corpus.display().to_string(),
        "input_bytes": input_bytes,
        "case_studies": case_studies,
        "library": args.library.as_ref().map(|l| l.display().to_string()),
        "import": import,
        "open_first_query_ms": {"first": opens[0], "second": opens[1]},
        "library_bytes": library_bytes,
        "peak_rss_mib": hwm,
        "search": stats_json(&cb),
        "rounds": args.rounds,
        "queries": queries_json,
        "edit_visible_ms": edit,
        "note_visible_ms": note,
        "fts5": peer,
        "ratio_fts5_over_casebook": ratios,
    });
    if let Some(dir) = args.out.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(
        &args.out,
        serde_json::to_string_pretty(&result).expect("json"),
    )
    .expect("write the result");
    println!("\nwrote {}", args.out.display());
    if !args.keep {
        if args.library.is_none() || args.work.is_none() {
            let _ = std::fs::remove_dir_all(&work);
        } else {
            let _ = std::fs::remove_file(work.join("fts5-peer.sqlite3"));
        }
    }
}

fn describe(r: &SearchRequest) -> String {
    let mut s = r.query.clone();
    let f = &r.filters;
    if !f.tags.is_empty() {
        let mode = if f.tag_mode == TagMode::Any {
            "any"
        } else {
            "all"
        };
        s.push_str(&format!(" [tags {mode} {}]", f.tags.join(",")));
    }
    if !f.industries.is_empty() {
        s.push_str(&format!(" [ind {}]", f.industries.join(",")));
    }
    if let (Some(a), Some(b)) = (f.year_from, f.year_to) {
        s.push_str(&format!(" [{a}-{b}]"));
    }
    if r.sort != Sort::Relevance {
        s.push_str(&format!(" [{:?}]", r.sort));
    }
    s
}

fn machine() -> serde_json::Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default();
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    json!({
        "cpus": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "cpu": cpu,
        "mem_gib": mem_gib,
        "loadavg_at_end": load.trim(),
    })
}

/// Re-imports one file (same path, one new word each time) and searches for the word until
/// found: the time from the start of the import to the first search that sees it.
fn edit_visibility(lib: &Library, work: &Path) -> Stats {
    let dir = work.join("edit");
    std::fs::create_dir_all(&dir).expect("edit folder");
    let file = dir.join("edited-case-study.md");
    let body = |word: &str| {
        format!(
            "---\ntitle: \"An edited case study\"\ncompany: \"Bench Corp\"\nyear: 2025\n---\n\n\
             A team runs retrieval augmented generation in production and keeps editing this \
             write-up. Today's word is {word}. They measure latency, cost and quality of \
             their agents with evaluation datasets and guardrails.\n"
        )
    };
    std::fs::write(&file, body("initialword")).expect("write");
    lib.import(
        std::slice::from_ref(&file),
        &|_| {},
        &AtomicBool::new(false),
    )
    .expect("import");
    let mut times = Vec::new();
    for i in 0..7 {
        let word = format!("zebracorn{}", ["a", "b", "c", "d", "e", "f", "g"][i]);
        std::fs::write(&file, body(&word)).expect("write");
        let t = Instant::now();
        let rep = lib
            .import(
                std::slice::from_ref(&file),
                &|_| {},
                &AtomicBool::new(false),
            )
            .expect("import");
        assert_eq!(rep.updated, 1, "{rep:?}");
        times.push(ms_until_found(lib, &word, t, "edit"));
    }
    stats(times)
}

/// Searches once for `word`, which the change started at `t` must have made findable;
/// returns the milliseconds since `t`.
fn ms_until_found(lib: &Library, word: &str, t: Instant, what: &str) -> f64 {
    let req = SearchRequest {
        query: word.to_string(),
        ..Default::default()
    };
    let found = lib.search(&req).expect("search").total;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(found, 1, "the {what} is not visible");
    ms
}

/// Writes a note with a new word on a case study and searches for the word until found (notes
/// are searchable): the time from the write to the first search that sees it.
fn note_visibility(lib: &Library) -> Stats {
    let first = lib.search(&SearchRequest::default()).expect("search");
    let id = first.hits.first().expect("a case study to annotate").id;
    let mut times = Vec::new();
    for i in 0..7 {
        let word = format!("quillnote{}", ["a", "b", "c", "d", "e", "f", "g"][i]);
        let t = Instant::now();
        lib.set_note(id, &format!("Worth rereading: {word}."))
            .expect("note");
        times.push(ms_until_found(lib, &word, t, "note"));
    }
    stats(times)
}

/// Builds the FTS5 peer from the library's SQLite (the same normalised case studies).
fn build_fts(library_db: &Path, path: &Path) -> Connection {
    let _ = std::fs::remove_file(path);
    let src = Connection::open_with_flags(library_db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the library database");
    let conn = Connection::open(path).expect("create the fts5 database");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;
         CREATE VIRTUAL TABLE fts USING fts5(title, company, summary, body, tags,
             tokenize = 'porter unicode61 remove_diacritics 2');
         CREATE TABLE meta (id INTEGER PRIMARY KEY, title TEXT, company TEXT, industry TEXT,
             year INTEGER);
         CREATE TABLE tags (id INTEGER NOT NULL, tag TEXT NOT NULL);",
    )
    .expect("fts5 schema (is FTS5 compiled in?)");
    conn.execute_batch("BEGIN").expect("begin");
    {
        let mut ins_fts = conn
            .prepare(
                "INSERT INTO fts (rowid, title, company, summary, body, tags)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .expect("prepare");
        let mut ins_meta = conn
            .prepare(
                "INSERT INTO meta (id, title, company, industry, year) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .expect("prepare");
        let mut ins_tag = conn
            .prepare("INSERT INTO tags (id, tag) VALUES (?1, ?2)")
            .expect("prepare");
        let mut rows = src
            .prepare(
                "SELECT c.id, c.title, c.company, c.summary, c.body_text, c.industry, c.year,
                        (SELECT group_concat(tag, ' ') FROM
                            (SELECT DISTINCT tag FROM tags t WHERE t.case_study_id = c.id)),
                        c.body_markdown
                 FROM case_studies c ORDER BY c.id",
            )
            .expect("prepare");
        let mut q = rows.query([]).expect("query");
        while let Some(r) = q.next().expect("row") {
            let id: i64 = r.get(0).unwrap();
            let title: String = r.get(1).unwrap();
            let company: Option<String> = r.get(2).unwrap();
            let summary: Option<String> = r.get(3).unwrap();
            // The plain text as the library reads it ('' stored: derived from the Markdown).
            let body = casebook_core::store::plain_text(
                &r.get::<_, String>(8).unwrap(),
                r.get(4).unwrap(),
            );
            let industry: Option<String> = r.get(5).unwrap();
            let year: Option<i64> = r.get(6).unwrap();
            let tags: Option<String> = r.get(7).unwrap();
            ins_fts
                .execute(rusqlite::params![id, title, company, summary, body, tags])
                .expect("insert fts");
            ins_meta
                .execute(rusqlite::params![id, title, company, industry, year])
                .expect("insert meta");
            for t in tags.as_deref().unwrap_or("").split_whitespace() {
                ins_tag
                    .execute(rusqlite::params![id, t])
                    .expect("insert tag");
            }
        }
    }
    conn.execute_batch(
        "COMMIT;
         CREATE INDEX tags_by_id ON tags(id);
         CREATE INDEX tags_by_tag ON tags(tag, id);
         CREATE INDEX meta_by_industry ON meta(industry);
         INSERT INTO fts(fts) VALUES ('optimize');
         ANALYZE;",
    )
    .expect("finish the fts5 database");
    conn
}

/// The FTS5 translation of a request: a MATCH expression (None: no text) and SQL conditions
/// on the hit `f` / its metadata `m`, with parameters.
///
/// - words → `"word"` (all must match: AND); `"a phrase"` → `"a phrase"`; `prefix*` →
///   `"prefix"*`; `a OR b` → `("a" OR "b")`; `-word` → `NOT "word"`; hyphenated words are
///   quoted, so FTS5 matches them as a phrase (`fine-tuning` → `"fine tuning"`);
/// - `title:x` / `company:x` → FTS5 column filters `title : "x"`;
/// - `tag:x` (canonicalised as Casebook does) → `f.rowid IN (SELECT id FROM tags WHERE
///   tag = ?)`; `industry:x` → `m.industry = ?`; `year:a..b` → `m.year BETWEEN ? AND ?`;
/// - sidebar filters: tags all-of → one `IN` per tag, any-of → one `IN (…)`; industries →
///   `m.industry IN (…)`; years → `BETWEEN`.
///
/// No typo correction (the peer does less work there).
pub fn fts_request(r: &SearchRequest) -> (Option<String>, Vec<String>, Vec<String>) {
    use casebook_core::taxonomy::{canonical_industry, canonical_tag};
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut conds = Vec::new();
    let mut params = Vec::new();
    // Lex: quoted strings (optionally after `field:` or `-`), else whitespace-separated.
    let mut lexemes: Vec<(bool, Option<String>, String, bool)> = Vec::new(); // (neg, field, text, quoted)
    let q = r.query.as_str();
    let b = q.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            if b[i] == b'"' {
                if let Some(end) = q[i + 1..].find('"') {
                    i += end + 2;
                    continue;
                }
            }
            i += 1;
        }
        let mut tok = &q[start..i];
        let neg = tok.len() > 1 && tok.starts_with('-');
        if neg {
            tok = &tok[1..];
        }
        let (field, val) = match tok.split_once(':') {
            Some((f, v)) if !f.starts_with('"') && !v.is_empty() => {
                (Some(f.to_ascii_lowercase()), v)
            }
            _ => (None, tok),
        };
        let quoted = val.len() >= 2 && val.starts_with('"') && val.ends_with('"');
        let val = if quoted { &val[1..val.len() - 1] } else { val };
        lexemes.push((neg, field, val.to_string(), quoted));
    }
    let mut pos: Vec<String> = Vec::new();
    let mut neg: Vec<String> = Vec::new();
    let mut pending_or = false;
    for (n, field, val, quoted) in lexemes {
        if !quoted && field.is_none() && val == "OR" {
            pending_or = !pos.is_empty();
            continue;
        }
        let expr = match field.as_deref() {
            Some("tag") | Some("tags") => {
                if let Some(t) = canonical_tag(&val) {
                    conds.push(format!(
                        "f.rowid {}IN (SELECT id FROM tags WHERE tag = ?)",
                        if n { "NOT " } else { "" }
                    ));
                    params.push(t);
                }
                continue;
            }
            Some("industry") => {
                if let Some(t) = canonical_industry(&val) {
                    conds.push(format!("m.industry {} ?", if n { "!=" } else { "=" }));
                    params.push(t);
                }
                continue;
            }
            Some("year") => {
                let (a, b) = val.split_once("..").unwrap_or((&val, &val));
                let (a, b) = (a.parse::<i32>().ok(), b.parse::<i32>().ok());
                conds.push(format!(
                    "m.year BETWEEN {} AND {}",
                    a.unwrap_or(0),
                    b.unwrap_or(9999)
                ));
                continue;
            }
            Some(f @ ("title" | "company")) => format!("{f} : {}", quote(&val)),
            _ => match val.strip_suffix('*') {
                Some(p) if !quoted && !p.is_empty() => format!("{}*", quote(p)),
                _ => quote(&val),
            },
        };
        if n {
            neg.push(expr);
        } else if pending_or {
            let last = pos.pop().unwrap_or_default();
            let inner = last
                .strip_prefix('(')
                .and_then(|s| s.strip_suffix(')'))
                .unwrap_or(&last);
            pos.push(format!("({inner} OR {expr})"));
            pending_or = false;
        } else {
            pos.push(expr);
        }
    }
    let mut matched = pos.join(" AND ");
    if !matched.is_empty() {
        for n in neg {
            matched.push_str(&format!(" NOT {n}"));
        }
    }
    let f = &r.filters;
    let tags: Vec<String> = f.tags.iter().filter_map(|t| canonical_tag(t)).collect();
    if !tags.is_empty() {
        if f.tag_mode == TagMode::Any {
            conds.push(format!(
                "f.rowid IN (SELECT id FROM tags WHERE tag IN ({}))",
                vec!["?"; tags.len()].join(",")
            ));
            params.extend(tags);
        } else {
            for t in tags {
                conds.push("f.rowid IN (SELECT id FROM tags WHERE tag = ?)".into());
                params.push(t);
            }
        }
    }
    let inds: Vec<String> = f
        .industries
        .iter()
        .filter_map(|t| canonical_industry(t))
        .collect();
    if !inds.is_empty() {
        conds.push(format!(
            "m.industry IN ({})",
            vec!["?"; inds.len()].join(",")
        ));
        params.extend(inds);
    }
    if f.year_from.is_some() || f.year_to.is_some() {
        conds.push(format!(
            "m.year BETWEEN {} AND {}",
            f.year_from.unwrap_or(0),
            f.year_to.unwrap_or(9999)
        ));
    }
    ((!matched.is_empty()).then_some(matched), conds, params)
}

/// One search on the peer: (total, top 20 with snippets, tag counts, industry counts).
#[allow(clippy::type_complexity)]
fn fts_search(
    conn: &Connection,
    r: &SearchRequest,
) -> (
    u64,
    Vec<(i64, String, String)>,
    Vec<(String, u64)>,
    Vec<(String, u64)>,
) {
    let (matched, mut conds, mut params) = fts_request(r);
    let has_match = matched.is_some();
    if let Some(m) = matched {
        conds.insert(0, "fts MATCH ?".into());
        params.insert(0, m);
    }
    // Without a MATCH, the hits are rows of `meta` (scanning the FTS table would read every
    // body): `f.rowid` in the conditions is then `m.id`.
    let (from, conds) = if has_match {
        ("fts f JOIN meta m ON m.id = f.rowid", conds)
    } else {
        (
            "meta m",
            conds.iter().map(|c| c.replace("f.rowid", "m.id")).collect(),
        )
    };
    let wher = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    let id = if has_match { "f.rowid" } else { "m.id" };
    let order = match r.sort {
        Sort::Relevance if has_match => "bm25(fts, 3.0, 2.0, 1.5, 1.0, 1.0)",
        Sort::Title => "lower(m.title), m.id",
        _ => "m.year DESC, m.id",
    };
    let snippet = if has_match {
        "snippet(fts, -1, '<mark>', '</mark>', '…', 24)"
    } else {
        "(SELECT substr(summary, 1, 180) FROM fts WHERE rowid = m.id)"
    };
    let run = |sql: &str| -> Vec<(
        rusqlite::types::Value,
        rusqlite::types::Value,
        rusqlite::types::Value,
    )> {
        let mut st = conn.prepare_cached(sql).expect("prepare");
        let rows = st
            .query_map(params_from_iter(params.iter()), |row| {
                let n = row.as_ref().column_count();
                let g = |i: usize| {
                    if i < n {
                        row.get::<_, rusqlite::types::Value>(i)
                    } else {
                        Ok(rusqlite::types::Value::Null)
                    }
                };
                Ok((g(0)?, g(1)?, g(2)?))
            })
            .expect("query");
        rows.map(|r| r.expect("row")).collect()
    };
    use rusqlite::types::Value as V;
    let text = |v: &V| match v {
        V::Text(s) => s.clone(),
        _ => String::new(),
    };
    let int = |v: &V| match v {
        V::Integer(i) => *i,
        _ => 0,
    };
    let top = run(&format!(
        "SELECT {id}, m.title, {snippet} FROM {from} {wher} ORDER BY {order} LIMIT 20"
    ))
    .into_iter()
    .map(|(a, b, c)| (int(&a), text(&b), text(&c)))
    .collect();
    let total = run(&format!("SELECT count(*) FROM {from} {wher}"))
        .first()
        .map_or(0, |r| int(&r.0)) as u64;
    let tags = run(&format!(
        "SELECT t.tag, count(*) FROM {from} JOIN tags t ON t.id = {id} {wher} GROUP BY t.tag"
    ))
    .into_iter()
    .map(|(a, b, _)| (text(&a), int(&b) as u64))
    .collect();
    let industries = run(&format!(
        "SELECT m.industry, count(*) FROM {from} {wher} GROUP BY m.industry"
    ))
    .into_iter()
    .map(|(a, b, _)| (text(&a), int(&b) as u64))
    .collect();
    (total, top, tags, industries)
}
