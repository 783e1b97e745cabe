//! The library end to end without a window: import → SQLite → index → search.

use casebook_core::{Library, OpenOptions, SearchRequest};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds")
}

fn seed_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn empty_library(dir: &Path) -> Library {
    Library::open_with(
        dir,
        &OpenOptions {
            seed_new_library: false,
        },
    )
    .unwrap()
}

fn import(lib: &Library, paths: &[PathBuf]) -> casebook_core::ImportReport {
    lib.import(paths, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn search(lib: &Library, q: &str) -> casebook_core::SearchResponse {
    lib.search(&SearchRequest {
        query: q.into(),
        ..Default::default()
    })
    .unwrap()
}

/// What a user sees of a library, ids left out (they depend on arrival order).
fn snapshot(lib: &Library) -> Vec<String> {
    let mut rows: Vec<String> = lib
        .list()
        .unwrap()
        .into_iter()
        .map(|mut cs| {
            cs.id = 0;
            cs.sources.sort_by(|a, b| a.path.cmp(&b.path));
            serde_json::to_string(&cs).unwrap()
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_new_library_starts_with_the_seeds_as_four_case_studies() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path()).unwrap();
    let all = lib.list().unwrap();
    assert_eq!(
        all.len(),
        4,
        "{:#?}",
        all.iter().map(|c| &c.title).collect::<Vec<_>>()
    );
    // 001 is the bare body of 003: one case study, two sources, 003's metadata.
    let merged = all
        .iter()
        .find(|c| c.sources.len() == 2)
        .expect("001 and 003 merged");
    assert_eq!(
        merged.title,
        "Multi-Company Panel on Production LLM Deployment Strategies and Small Language Model Optimization"
    );
    assert_eq!(
        merged.company.as_deref(),
        Some("Meta / AWS / NVIDIA / ConverseNow")
    );
    assert_eq!(merged.year, Some(2025));
    assert!(merged.tags.contains(&"fine-tuning".to_string()));
    // Searchable at once.
    let r = search(&lib, "ConverseNow drive-thru");
    assert_eq!(r.hits.first().map(|h| h.id), Some(merged.id));
    assert_eq!(r.total, 1);
    // Reopening does not seed again.
    drop(lib);
    let lib = Library::open(dir.path()).unwrap();
    assert_eq!(lib.list().unwrap().len(), 4);
    assert!(lib.index_notice().is_none(), "{:?}", lib.index_notice());
}

/// The library's counts as the sidebar shows them, worked out from the case studies listed.
fn counted(lib: &Library) -> (u64, u64, u64) {
    let all = lib.list().unwrap();
    let tags: std::collections::BTreeSet<&String> = all
        .iter()
        .flat_map(|c| c.tags.iter().chain(&c.inferred_tags).chain(&c.user_tags))
        .collect();
    let companies: std::collections::BTreeSet<&String> =
        all.iter().filter_map(|c| c.company_key.as_ref()).collect();
    (all.len() as u64, tags.len() as u64, companies.len() as u64)
}

#[test]
fn the_librarys_counts_follow_tags_and_the_trash() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path()).unwrap();
    let stats = |lib: &Library| {
        let s = lib.stats().unwrap();
        (s.case_studies, s.tags, s.companies)
    };
    assert_eq!(stats(&lib), counted(&lib));
    assert!(stats(&lib).1 > 3 && stats(&lib).2 > 1, "{:?}", stats(&lib));
    // A tag of one case study's own counts once; trashing that case study takes it and its
    // company out of the counts, restoring brings them back.
    let id = lib.list().unwrap()[0].id;
    lib.add_tags(&[id], "only-here").unwrap();
    let with_tag = stats(&lib);
    assert_eq!(with_tag, counted(&lib));
    lib.trash(&[id]).unwrap();
    assert_eq!(stats(&lib), counted(&lib));
    assert_eq!(stats(&lib).0, with_tag.0 - 1);
    assert!(
        stats(&lib).1 < with_tag.1,
        "{:?} {:?}",
        stats(&lib),
        with_tag
    );
    lib.restore(&[id]).unwrap();
    assert_eq!(stats(&lib), with_tag);
}

#[test]
fn importing_the_same_files_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    let first = import(&lib, &[seeds_dir()]);
    assert_eq!(
        (first.added, first.merged, first.failed.len()),
        (4, 1, 0),
        "{first:?}"
    );
    let before = snapshot(&lib);
    let again = import(&lib, &[seeds_dir()]);
    assert_eq!(again.unchanged, 5, "{again:?}");
    assert_eq!((again.added, again.updated, again.merged), (0, 0, 0));
    assert!(again.changed_ids.is_empty());
    assert_eq!(before, snapshot(&lib));
}

#[test]
fn the_result_does_not_depend_on_arrival_order() {
    let forward_dir = tempfile::tempdir().unwrap();
    let forward = empty_library(forward_dir.path());
    for f in seed_files() {
        import(&forward, &[f]);
    }
    let backward_dir = tempfile::tempdir().unwrap();
    let backward = empty_library(backward_dir.path());
    for f in seed_files().into_iter().rev() {
        import(&backward, &[f]);
    }
    assert_eq!(snapshot(&forward), snapshot(&backward));
}

#[test]
fn a_changed_file_is_updated_and_searchable_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("note.md");
    let body = |word: &str| {
        format!(
            "---\ntitle: \"Shipping a support bot\"\ncompany: \"Acme\"\nyear: 2024\n---\n\n\
             Acme rebuilt its support assistant around retrieval and a {word} evaluation suite, \
             measuring answer quality every night before each release went out to customers.\n"
        )
    };
    std::fs::write(&path, body("zanzibar")).unwrap();
    let r = import(&lib, std::slice::from_ref(&path));
    assert_eq!(r.added, 1);
    assert_eq!(search(&lib, "zanzibar").total, 1);
    std::fs::write(&path, body("quetzal")).unwrap();
    let r = import(&lib, std::slice::from_ref(&path));
    assert_eq!((r.added, r.updated), (0, 1), "{r:?}");
    assert_eq!(search(&lib, "quetzal").total, 1);
    assert_eq!(search(&lib, "zanzibar").total, 0);
    assert_eq!(lib.list().unwrap().len(), 1);
}

/// A bare Markdown file starting `# Title`: the title comes from the heading, and neither
/// the reader nor the result row, which show the title above the body, show it a second
/// time; the heading's words stay searchable.
#[test]
fn a_bare_markdown_title_heading_is_the_title_shown_once() {
    let dir = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("case.md");
    std::fs::write(
        &path,
        "# Quokka Support Assistant\n\n## Overview\n\nAcme rebuilt its support assistant \
         around retrieval, measuring answer quality every night before each release.\n",
    )
    .unwrap();
    assert_eq!(import(&lib, std::slice::from_ref(&path)).added, 1);
    let listed = lib.list().unwrap();
    assert_eq!(listed[0].title, "Quokka Support Assistant");
    let body = lib.render(listed[0].id).unwrap();
    assert!(!body.html.contains("<h1"), "{}", body.html);
    assert!(!body.html.contains("Quokka"), "{}", body.html);
    assert!(
        body.html.contains("<h2 id=\"h-overview\">Overview</h2>"),
        "{}",
        body.html
    );
    assert_eq!(search(&lib, "quokka").total, 1);
    // Nor does its row in the results (no summary: the body's start) begin with it again.
    let row = &search(&lib, "").hits[0];
    assert!(row.snippet.starts_with("Overview"), "{}", row.snippet);
}

#[test]
fn broken_files_are_reported_and_lose_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    let files = tempfile::tempdir().unwrap();
    let n = 60;
    for i in 0..n {
        std::fs::write(
            files.path().join(format!("case-{i:03}.md")),
            format!(
                "---\ntitle: \"Case study number {i}\"\ncompany: \"Company {i}\"\nyear: 2024\n---\n\n\
                 ## Overview\n\nCompany {i} deployed model {i} for workflow {i}; the team wrote \
                 about evaluation number {i}, rollout number {i} and cost number {i} in detail.\n"
            ),
        )
        .unwrap();
    }
    std::fs::write(files.path().join("empty.md"), "").unwrap();
    std::fs::write(
        files.path().join("picture.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();
    std::fs::write(files.path().join("broken.json"), "{\"title\": \"x\", ").unwrap();
    let r = import(&lib, &[files.path().to_path_buf()]);
    assert_eq!(r.added, n, "{r:?}");
    assert_eq!(r.failed.len(), 3, "{:?}", r.failed);
    for f in &r.failed {
        assert!(!f.error.is_empty());
    }
    assert_eq!(lib.list().unwrap().len(), n as usize);
    assert_eq!(search(&lib, "").total, n as u64);
}

#[test]
fn cancelling_keeps_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    let cancel = AtomicBool::new(true);
    let r = lib.import(&[seeds_dir()], &|_| {}, &cancel).unwrap();
    assert!(r.cancelled);
    assert_eq!(lib.list().unwrap().len(), 0);
}

#[test]
fn a_lost_index_is_rebuilt_from_sqlite_on_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(dir.path()).unwrap();
        assert_eq!(search(&lib, "").total, 4);
    }
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let lib = Library::open(dir.path()).unwrap();
    assert!(lib.index_notice().is_some());
    assert_eq!(search(&lib, "").total, 4);
    assert_eq!(lib.list().unwrap().len(), 4);
    assert_eq!(lib.reindex().unwrap(), 4);
    assert_eq!(search(&lib, "ConverseNow").total, 1);
}

#[test]
fn a_large_jsonl_file_is_streamed_record_by_record() {
    // Over the streaming threshold (4 MiB): read line by line, each line its own source
    // (`file#line`), exactly as the lines of a small JSON Lines file are.
    let dir = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("export.jsonl");
    let filler = "Teams measure latency and cost of retrieval pipelines in production. ".repeat(60);
    let mut text = String::new();
    let mut n = 0;
    while text.len() <= casebook_core::import::scan::STREAM_JSONL_BYTES as usize {
        let rec = serde_json::json!({
            "title": format!("Streamed case study number {n}"),
            "company": format!("Company {n}"),
            "year": 2024,
            "body": format!("Record {n} is unique: marker{n}x. {filler}"),
        });
        text.push_str(&rec.to_string());
        text.push('\n');
        if n == 3 {
            text.push('\n'); // a blank line is skipped
        }
        n += 1;
    }
    std::fs::write(&path, &text).unwrap();
    let r = import(&lib, std::slice::from_ref(&path));
    assert_eq!(r.added as usize + r.merged as usize, n, "{:?}", r.failed);
    assert!(r.failed.is_empty(), "{:?}", r.failed);
    assert_eq!(search(&lib, "marker7x").total, 1);
    let detail = lib.get(&search(&lib, "marker7x").hits[0].slug).unwrap();
    // Record 7 is on line 8: a blank line follows record 3.
    assert!(detail.case_study.sources[0]
        .path
        .ends_with("export.jsonl#8"));
    // Line numbers count the blank line, as for a small file.
    let last = lib
        .get(&search(&lib, &format!("marker{}x", n - 1)).hits[0].slug)
        .unwrap();
    assert!(last.case_study.sources[0].path.ends_with(&format!("#{n}")));
    let again = import(&lib, std::slice::from_ref(&path));
    assert_eq!(
        (again.added, again.updated, again.unchanged as usize),
        (0, 0, n)
    );
}

/// Distinct words for synthetic texts: word `i` of text `seed`.
fn word(seed: usize, i: usize) -> String {
    format!("w{}x{}", seed * 7919 + i * 31, i % 13)
}

fn paragraph(seed: usize, words: usize) -> String {
    (0..words)
        .map(|i| word(seed, i))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn shared_boilerplate_neither_merges_case_studies_nor_hides_a_true_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    // One paragraph every case study quotes (soon more sharers than dedup looks at), each
    // with a longer text of its own: none is the same case study as another.
    let boilerplate = paragraph(1_000_000, 800);
    let mut paths = Vec::new();
    for i in 0..40 {
        let p = files.path().join(format!("study-{i}.md"));
        std::fs::write(
            &p,
            format!(
                "---\ntitle: \"Study {i}\"\ncompany: \"Company {i}\"\n---\n\n{}\n\n{boilerplate}\n",
                paragraph(i, 1_500)
            ),
        )
        .unwrap();
        paths.push(p);
    }
    let report = import(&lib, &paths);
    assert_eq!((report.added, report.merged), (40, 0), "{report:?}");
    // The same text as study 7 under another title and shape: one case study.
    let copy = files.path().join("copy.txt");
    std::fs::write(
        &copy,
        format!(
            "A copy of study seven\n\n{}\n\n{boilerplate}\n",
            paragraph(7, 1_500)
        ),
    )
    .unwrap();
    let report = import(&lib, &[copy]);
    assert_eq!((report.added, report.merged), (0, 1), "{report:?}");
    assert_eq!(search(&lib, "").total, 40);
}

#[test]
fn sources_keep_their_markdown_not_its_plain_text_and_older_records_import_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    let first = import(&lib, &seed_files());
    assert_eq!(first.added + first.merged, 5);
    let before = snapshot(&lib);
    drop(lib);
    let db = rusqlite::Connection::open(dir.path().join("casebook.sqlite3")).unwrap();
    let has_text = |db: &rusqlite::Connection| -> i64 {
        db.query_row(
            "SELECT count(*) FROM sources WHERE json_type(parsed, '$.body_text') IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(has_text(&db), 0, "imported sources derive their plain text");
    // A case study of one source keeps its Markdown once, as the case study's.
    let (single, shared): (i64, i64) = db
        .query_row(
            "SELECT count(*), sum(json_extract(parsed, '$.body') = 'case_study'
                                  AND json_type(parsed, '$.body_markdown') IS NULL)
             FROM sources s
             WHERE (SELECT count(*) FROM sources t WHERE t.case_study_id = s.case_study_id) = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((single, shared), (3, 3));
    // As an older version stored them: both texts inside, hashed differently.
    let sources: Vec<(i64, String, String)> = db
        .prepare(
            "SELECT s.id, s.parsed, c.body_markdown FROM sources s
             JOIN case_studies c ON c.id = s.case_study_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for (id, parsed, case_study_markdown) in sources {
        let mut v: serde_json::Value = serde_json::from_str(&parsed).unwrap();
        let markdown = match v["body_markdown"].as_str() {
            Some(m) => m.to_string(),
            None => case_study_markdown,
        };
        let obj = v.as_object_mut().unwrap();
        obj.remove("body");
        obj.insert("body_markdown".into(), markdown.clone().into());
        obj.insert(
            "body_text".into(),
            casebook_core::render::to_plain_text(&markdown).into(),
        );
        db.execute(
            "UPDATE sources SET parsed = ?2, content_hash = 'older-' || id WHERE id = ?1",
            rusqlite::params![id, v.to_string()],
        )
        .unwrap();
    }
    assert_eq!(has_text(&db), 5);
    drop(db);
    let lib = empty_library(dir.path());
    let again = import(&lib, &seed_files());
    assert_eq!(
        (again.added, again.updated, again.merged, again.unchanged),
        (0, 0, 0, 5),
        "{again:?}"
    );
    assert!(again.changed_ids.is_empty());
    assert_eq!(snapshot(&lib), before);
    drop(lib);
    let db = rusqlite::Connection::open(dir.path().join("casebook.sqlite3")).unwrap();
    assert_eq!(has_text(&db), 0, "restamped in the current form");
    // A third import finds them unchanged by hash alone.
    drop(db);
    let lib = empty_library(dir.path());
    assert_eq!(import(&lib, &seed_files()).unchanged, 5);
}

#[test]
fn a_source_whose_markdown_was_the_case_studys_keeps_it_when_another_body_wins() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let lib = empty_library(dir.path());
    let short = "Our short account of the migration to vector search.";
    let md = |body: &str| {
        format!("---\ntitle: \"Migration story\"\nslug: migration-story\ncompany: Acme\n---\n\n{body}\n")
    };
    let a = files.path().join("a.md");
    std::fs::write(&a, md(short)).unwrap();
    let first = import(&lib, std::slice::from_ref(&a));
    assert_eq!(first.added, 1);
    let id = first.changed_ids[0];
    // A fuller copy (same slug) arrives: its body wins, being more than twice as long.
    let long = format!(
        "{short} {}",
        "Then the details of every step follow. ".repeat(30)
    );
    let b = files.path().join("b.json");
    std::fs::write(
        &b,
        serde_json::json!({"title": "Migration story", "slug": "migration-story", "body": long})
            .to_string(),
    )
    .unwrap();
    let second = import(&lib, std::slice::from_ref(&b));
    assert_eq!((second.merged, second.changed_ids.clone()), (1, vec![id]));
    let body = |lib: &Library| lib.get(&id.to_string()).unwrap().body_markdown;
    assert!(body(&lib).contains("details of every step"));
    // The short copy shrinks the long one's lead: its own body, kept in its record when the
    // long one won, comes back exactly.
    std::fs::write(
        &b,
        serde_json::json!({"title": "Migration story", "slug": "migration-story", "body": "Short."})
            .to_string(),
    )
    .unwrap();
    assert_eq!(import(&lib, std::slice::from_ref(&b)).updated, 1);
    assert_eq!(body(&lib).trim(), short);
    // And the library agrees with one that imported the two files in the other order.
    let other_dir = tempfile::tempdir().unwrap();
    let other = empty_library(other_dir.path());
    import(&other, std::slice::from_ref(&b));
    import(&other, std::slice::from_ref(&a));
    assert_eq!(snapshot(&other), snapshot(&lib));
    assert_eq!(
        body(&lib),
        other.get("migration-story").unwrap().body_markdown
    );
}
