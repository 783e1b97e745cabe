//! Annotating and organising, end to end: highlights and their anchoring through re-imports
//! and merges, notes, user tags, collections, saved searches, reading state, trash, export,
//! backup and restore.

use casebook_core::{
    CaseStudyId, Filters, HighlightColor, HighlightInput, HighlightUpdate, Library, OpenOptions,
    SearchRequest, Sort,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const WORDS: &[&str] = &[
    "retrieval",
    "latency",
    "reranker",
    "embedding",
    "guardrail",
    "evaluation",
    "prompt",
    "agent",
    "cache",
    "throughput",
    "tokenizer",
    "router",
    "fallback",
    "monitoring",
    "drift",
    "feedback",
    "annotation",
    "pipeline",
    "gateway",
    "quantized",
];

/// A body of distinct sentences (so fingerprints and quotes are unambiguous).
fn body(seed: usize, sentences: usize) -> String {
    (0..sentences)
        .map(|i| {
            let w = |k: usize| WORDS[(seed * 7 + i * 3 + k) % WORDS.len()];
            format!(
                "Step {i} of study {seed} tuned the {} and the {} while the {} stayed within budget {}.",
                w(0),
                w(1),
                w(2),
                seed * 100 + i
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn front_matter(slug: &str, title: &str, company: &str, tags: &[&str], body: &str) -> String {
    let tags: String = tags.iter().map(|t| format!("  - \"{t}\"\n")).collect();
    format!(
        "---\ntitle: \"{title}\"\nslug: \"{slug}\"\ncompany: \"{company}\"\nyear: 2024\nllmopsTags:\n{tags}---\n\n{body}\n"
    )
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

/// A library of three case studies (`acme`, `globex`, `initech`); returns their ids.
fn three(lib_dir: &Path, files: &Path) -> (Library, Vec<CaseStudyId>) {
    let lib = empty_library(lib_dir);
    let mut paths = Vec::new();
    for (i, (slug, company)) in [
        ("acme", "Acme"),
        ("globex", "Globex"),
        ("initech", "Initech"),
    ]
    .iter()
    .enumerate()
    {
        let p = files.join(format!("{slug}.md"));
        let title = format!("{company} runs LLMs");
        std::fs::write(
            &p,
            front_matter(slug, &title, company, &["rag"], &body(i, 30)),
        )
        .unwrap();
        paths.push(p);
    }
    let report = import(&lib, &paths);
    assert_eq!(report.added, 3, "{report:?}");
    let ids = ["acme", "globex", "initech"]
        .iter()
        .map(|s| lib.resolve_id(s).unwrap())
        .collect();
    (lib, ids)
}

fn search(lib: &Library, q: &str, filters: Filters) -> casebook_core::SearchResponse {
    lib.search(&SearchRequest {
        query: q.into(),
        filters,
        ..Default::default()
    })
    .unwrap()
}

fn highlight(lib: &Library, id: CaseStudyId, quote: &str, note: &str) -> casebook_core::Highlight {
    let (start, end) = lib.find_quote(id, quote, None).unwrap();
    lib.add_highlight(
        id,
        &HighlightInput {
            start,
            end,
            quote: Some(quote.into()),
            color: HighlightColor::Green,
            note: (!note.is_empty()).then(|| note.to_string()),
        },
    )
    .unwrap()
}

fn text_at(lib: &Library, id: CaseStudyId, start: u64, end: u64) -> String {
    lib.plain_text(id)
        .unwrap()
        .chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn highlights_are_listed_in_reading_order_and_checked() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    let id = ids[0];
    let later = highlight(&lib, id, "Step 9 of study 0", "");
    let earlier = highlight(&lib, id, "Step 2 of study 0", "first note");
    assert_eq!(
        text_at(&lib, id, earlier.start, earlier.end),
        "Step 2 of study 0"
    );
    let a = lib.annotations(id).unwrap();
    assert_eq!(
        a.highlights.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![earlier.id, later.id]
    );
    assert_eq!(a.highlights[0].note, "first note");
    assert!(a.highlights.iter().all(|h| !h.orphan));
    // A stale quote is refused; a bad range too.
    let bad = lib.add_highlight(
        id,
        &HighlightInput {
            start: earlier.start,
            end: earlier.end,
            quote: Some("something else".into()),
            ..Default::default()
        },
    );
    assert!(bad.is_err());
    assert!(lib
        .add_highlight(
            id,
            &HighlightInput {
                start: 5,
                end: 5,
                ..Default::default()
            }
        )
        .is_err());
    // "budget" occurs in every sentence: ambiguous without an occurrence number.
    assert!(matches!(
        lib.find_quote(id, "within budget", None),
        Err(casebook_core::Error::Ambiguous { count: 30, .. })
    ));
    assert!(lib.find_quote(id, "within budget", Some(2)).is_ok());
    assert!(matches!(
        lib.find_quote(id, "not in the text", None),
        Err(casebook_core::Error::NotFound(_))
    ));
    let updated = lib
        .update_highlight(
            later.id,
            &HighlightUpdate {
                color: Some(HighlightColor::Pink),
                note: Some("changed".into()),
            },
        )
        .unwrap();
    assert_eq!(
        (updated.color, updated.note.as_str()),
        (HighlightColor::Pink, "changed")
    );
    lib.delete_highlight(earlier.id).unwrap();
    assert_eq!(lib.annotations(id).unwrap().highlights.len(), 1);
}

#[test]
fn notes_and_highlight_notes_are_searchable_at_once_and_hits_say_so() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    assert_eq!(search(&lib, "zebrafish", Filters::default()).total, 0);
    let t0 = Instant::now();
    lib.set_note(ids[1], "Compare with the zebrafish experiment.")
        .unwrap();
    let r = search(&lib, "zebrafish", Filters::default());
    let took = t0.elapsed();
    eprintln!("note → searchable in {took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].id, ids[1]);
    assert!(r.hits[0].matched_annotations);
    assert!(
        r.hits[0].snippet.contains("<mark>zebrafish</mark>"),
        "{}",
        r.hits[0].snippet
    );

    highlight(&lib, ids[2], "Step 4 of study 2", "platypus idea");
    let r = search(&lib, "platypus", Filters::default());
    assert_eq!(
        r.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![ids[2]]
    );
    assert!(r.hits[0].matched_annotations);
    // A word of the body only: matched, not in the annotations.
    let r = search(&lib, "budget", Filters::default());
    assert_eq!(r.total, 3);
    assert!(r.hits.iter().all(|h| !h.matched_annotations));

    // annotated_only: the two annotated ones; then a user tag annotates the third.
    let annotated = Filters {
        annotated_only: true,
        ..Default::default()
    };
    let mut got: Vec<CaseStudyId> = search(&lib, "", annotated.clone())
        .hits
        .iter()
        .map(|h| h.id)
        .collect();
    got.sort();
    assert_eq!(got, vec![ids[1], ids[2]]);
    lib.add_tags(&[ids[0]], "Must Read").unwrap();
    assert_eq!(search(&lib, "", annotated.clone()).total, 3);
    let r = search(&lib, "must read", Filters::default());
    assert_eq!(
        r.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    assert!(r.hits[0].matched_annotations);
    // Removing the note and the tag takes them out again.
    lib.set_note(ids[1], "").unwrap();
    lib.remove_tags(&[ids[0]], "must-read").unwrap();
    assert_eq!(search(&lib, "zebrafish", Filters::default()).total, 0);
    assert_eq!(search(&lib, "", annotated).total, 1);
}

#[test]
fn merge_with_a_better_body_reattaches_highlights_and_reports_orphans() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let lib = empty_library(dir.path());
    // First a bare Markdown copy (no metadata) …
    let gone = "Octopus deployments were abandoned after a quarter. ";
    let original = body(5, 40).replacen("Step 38 ", &format!("{gone}Step 38 "), 1);
    let bare = files.path().join("copy.md");
    std::fs::write(&bare, &original).unwrap();
    assert_eq!(import(&lib, std::slice::from_ref(&bare)).added, 1);
    let id = lib.list().unwrap()[0].id;
    let moved = highlight(&lib, id, "Step 20 of study 5", "kept");
    let edited = highlight(&lib, id, "Step 30 of study 5 tuned the", "fuzzy");
    let removed = highlight(&lib, id, gone.trim(), "lost");
    // … then the front-matter version: an intro before, a word changed inside a highlight,
    // and a sentence dropped.
    let better = format!(
        "This write-up opens with an introduction that the bare copy lacked entirely. {}",
        original
            .replace("Step 30 of study 5 tuned", "Step 30 of study 5 retuned")
            .replace(gone, "")
    );
    let fm = files.path().join("acme.md");
    std::fs::write(
        &fm,
        front_matter("acme-merge", "Acme merge", "Acme", &["rag"], &better),
    )
    .unwrap();
    let report = import(&lib, std::slice::from_ref(&fm));
    assert_eq!(report.merged, 1, "{report:?}");
    assert_eq!(lib.list().unwrap().len(), 1);
    let text = lib.plain_text(id).unwrap();
    assert!(text.starts_with("This write-up opens"));

    let a = lib.annotations(id).unwrap();
    let by_id = |hid| a.highlights.iter().find(|h| h.id == hid).unwrap();
    let m = by_id(moved.id);
    assert!(!m.orphan);
    assert!(m.start > moved.start);
    assert_eq!(text_at(&lib, id, m.start, m.end), "Step 20 of study 5");
    assert_eq!(m.note, "kept");
    let e = by_id(edited.id);
    assert!(!e.orphan);
    assert!(text_at(&lib, id, e.start, e.end).contains("Step 30 of study 5 retuned"));
    let r = by_id(removed.id);
    assert!(r.orphan, "{r:?}");
    assert_eq!((r.quote.as_str(), r.note.as_str()), (gone.trim(), "lost"));
    // Orphans come last; nothing was dropped.
    assert_eq!(a.highlights.len(), 3);
    assert_eq!(a.highlights.last().unwrap().id, removed.id);
    // The orphan's note is still searchable.
    assert_eq!(search(&lib, "lost", Filters::default()).total, 1);
}

#[test]
fn a_changed_file_reimported_reanchors() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    let h = highlight(&lib, ids[0], "Step 12 of study 0", "");
    let p = files.path().join("acme.md");
    let new_body = format!("A new opening sentence. {}", body(0, 30));
    std::fs::write(
        &p,
        front_matter("acme", "Acme runs LLMs", "Acme", &["rag"], &new_body),
    )
    .unwrap();
    assert_eq!(import(&lib, &[p]).updated, 1);
    let now = &lib.annotations(ids[0]).unwrap().highlights[0];
    assert_eq!(now.start, h.start + 24);
    assert_eq!(
        text_at(&lib, ids[0], now.start, now.end),
        "Step 12 of study 0"
    );
}

/// Collections, user tags, starring, notes, highlights on `ids`.
fn annotate_all(lib: &Library, ids: &[CaseStudyId]) {
    highlight(lib, ids[0], "Step 3 of study 0", "a note\nover two lines");
    highlight(lib, ids[0], "Step 7 of study 0", "");
    highlight(lib, ids[1], "Step 1 of study 1", "globex note");
    lib.set_note(ids[0], "# My note\n\nWorth re-reading.")
        .unwrap();
    lib.add_tags(&ids[..2], "to-review").unwrap();
    lib.set_starred(ids[1], true).unwrap();
    lib.mark_opened(ids[0]).unwrap();
    let c = lib.create_collection("Reading list").unwrap();
    lib.add_to_collection(c.id, &ids[..2]).unwrap();
}

#[test]
fn json_export_restores_losslessly_into_a_fresh_library() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    annotate_all(&lib, &ids);
    let export = lib.export(&ids[..2]).unwrap();
    let bytes = lib.export_json(&ids[..2]).unwrap();

    // Through the normal import, which recognises the export.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("export.json");
    std::fs::write(&file, &bytes).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let lib2 = empty_library(dir2.path());
    let report = import(&lib2, std::slice::from_ref(&file));
    assert_eq!(report.added, 2, "{report:?}");
    let ids2: Vec<CaseStudyId> = export
        .case_studies
        .iter()
        .map(|c| lib2.resolve_id(&c.slug).unwrap())
        .collect();
    let mut again = lib2.export(&ids2).unwrap();
    again.exported_at = export.exported_at;
    assert_eq!(again, export);
    // Searchable there too, and importing it a second time doubles nothing.
    assert_eq!(search(&lib2, "globex note", Filters::default()).total, 1);
    lib2.import_export(&bytes).unwrap();
    let mut third = lib2.export(&ids2).unwrap();
    third.exported_at = export.exported_at;
    assert_eq!(third, export);

    // Into a library that has the case study with another text: re-anchored.
    let dir3 = tempfile::tempdir().unwrap();
    let lib3 = empty_library(dir3.path());
    let p = files.path().join("acme-v2.md");
    let shifted = format!("Preface added later. {}", body(0, 30));
    std::fs::write(
        &p,
        front_matter("acme", "Acme runs LLMs", "Acme", &["rag"], &shifted),
    )
    .unwrap();
    import(&lib3, &[p]);
    let r = lib3.import_export(&bytes).unwrap();
    assert_eq!((r.added, r.matched, r.orphans), (1, 1, 0), "{r:?}");
    let acme = lib3.resolve_id("acme").unwrap();
    for h in lib3.annotations(acme).unwrap().highlights {
        assert_eq!(text_at(&lib3, acme, h.start, h.end), h.quote);
    }
}

#[test]
fn markdown_export_writes_obsidian_friendly_files() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    annotate_all(&lib, &ids);
    let out = tempfile::tempdir().unwrap();
    let written = lib
        .export_markdown(&ids, &out.path().join("notes"))
        .unwrap();
    assert_eq!(written.len(), 3);
    assert!(written[0].ends_with("notes/acme.md"), "{:?}", written[0]);
    let md = std::fs::read_to_string(&written[0]).unwrap();
    assert!(md.starts_with("---\ntitle: \"Acme runs LLMs\"\n"), "{md}");
    assert!(md.contains("tags: [\"rag\", \"to-review\"]"), "{md}");
    assert!(md.contains("collections: [\"Reading list\"]"), "{md}");
    assert!(md.contains("## Note\n\n# My note"), "{md}");
    assert!(
        md.contains("## Highlights\n\n> Step 3 of study 0\n"),
        "{md}"
    );
    assert!(md.contains("a note\nover two lines"), "{md}");
    // The front matter is valid YAML.
    let fm = md.split("---\n").nth(1).unwrap();
    let v: serde_json::Value = serde_saphyr::from_str(fm).unwrap();
    assert_eq!(v["slug"], "acme");
}

fn view(lib: &Library) -> (Vec<String>, Vec<String>, Vec<String>) {
    let list: Vec<String> = lib
        .list()
        .unwrap()
        .iter()
        .map(|c| serde_json::to_string(c).unwrap())
        .collect();
    let notes = lib
        .list()
        .unwrap()
        .iter()
        .map(|c| serde_json::to_string(&lib.annotations(c.id).unwrap()).unwrap())
        .collect();
    let hits = ["note", "study", "to review", ""]
        .iter()
        .map(|q| {
            let mut r = search(lib, q, Filters::default());
            r.took_ms = 0.0;
            // Scores depend on the index's segments (deleted documents count), not the data.
            for h in &mut r.hits {
                h.score = 0.0;
            }
            serde_json::to_string(&r).unwrap()
        })
        .collect();
    (list, notes, hits)
}

#[test]
fn backup_then_restore_reproduces_the_library() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    annotate_all(&lib, &ids);
    let before = view(&lib);
    let out = tempfile::tempdir().unwrap();
    let snap = lib.backup(&out.path().join("snap.sqlite3")).unwrap();
    // Change things after the backup.
    highlight(&lib, ids[2], "Step 5 of study 2", "after the backup");
    lib.trash(&[ids[1]]).unwrap();
    lib.set_note(ids[0], "").unwrap();
    assert_ne!(view(&lib), before);
    let n = lib.restore_backup(&snap).unwrap();
    assert_eq!(n, 3);
    assert_eq!(view(&lib), before);
    drop(lib);
    // And it is what a reopened library sees.
    let lib = empty_library(dir.path());
    assert!(lib.index_notice().is_none(), "{:?}", lib.index_notice());
    assert_eq!(view(&lib), before);

    // Garbage and newer databases are refused, the library untouched.
    let junk = out.path().join("junk.sqlite3");
    std::fs::write(&junk, b"not a database at all, just some bytes").unwrap();
    assert!(lib.restore_backup(&junk).is_err());
    let newer = out.path().join("newer.sqlite3");
    std::fs::copy(&snap, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    assert!(matches!(
        lib.restore_backup(&newer),
        Err(casebook_core::Error::NewerSchema { found: 999, .. })
    ));
    assert_eq!(view(&lib), before);
}

#[test]
fn rolling_backups_keep_the_newest() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, _) = three(dir.path(), files.path());
    for _ in 0..4 {
        assert!(lib.auto_backup(2, Duration::ZERO).unwrap().is_some());
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(lib.backups().unwrap().len(), 2);
    // A recent one is enough for a daily call.
    assert!(lib
        .auto_backup(2, Duration::from_secs(3600))
        .unwrap()
        .is_none());
}

#[test]
fn trash_hides_and_restore_brings_back_with_annotations() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    highlight(&lib, ids[0], "Step 3 of study 0", "wombat");
    let c = lib.create_collection("Keep").unwrap();
    lib.add_to_collection(c.id, &[ids[0]]).unwrap();
    let before = lib.annotations(ids[0]).unwrap();
    lib.trash(&[ids[0]]).unwrap();
    assert_eq!(lib.list().unwrap().len(), 2);
    let stats = lib.stats().unwrap();
    assert_eq!(
        (stats.case_studies, stats.sources, stats.indexed),
        (2, 2, 2)
    );
    assert_eq!(stats.companies, lib.companies().unwrap().len() as u64);
    assert_eq!(search(&lib, "wombat", Filters::default()).total, 0);
    assert_eq!(search(&lib, "", Filters::default()).total, 2);
    assert_eq!(lib.collections().unwrap()[0].count, 0);
    let trash = lib.trash_list().unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].case_study.id, ids[0]);
    // Re-importing its file does not bring it back.
    import(&lib, &[files.path().join("acme.md")]);
    assert_eq!(lib.list().unwrap().len(), 2);
    // A reopened library agrees (index in step).
    drop(lib);
    let lib = empty_library(dir.path());
    assert!(lib.index_notice().is_none(), "{:?}", lib.index_notice());
    lib.restore(&[ids[0]]).unwrap();
    assert_eq!(lib.annotations(ids[0]).unwrap(), before);
    assert_eq!(search(&lib, "wombat", Filters::default()).total, 1);
    assert_eq!(lib.collections().unwrap()[0].count, 1);
    // Emptying the trash deletes for good.
    lib.trash(&[ids[0], ids[1]]).unwrap();
    assert_eq!(lib.empty_trash().unwrap(), 2);
    assert!(lib.trash_list().unwrap().is_empty());
    assert!(lib.annotations(ids[0]).is_err());
    assert_eq!(lib.list().unwrap().len(), 1);
    // Now its file is new again.
    assert_eq!(import(&lib, &[files.path().join("acme.md")]).added, 1);
}

#[test]
fn user_tags_bulk_rename_merge_and_facets() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    assert_eq!(lib.add_tags(&ids, "Later").unwrap(), 3);
    assert_eq!(lib.add_tags(&ids[..1], "later").unwrap(), 0);
    lib.add_tags(&ids[..1], "Urgent").unwrap();
    let r = search(&lib, "", Filters::default());
    assert_eq!(r.facets.tags.get("later"), Some(&3));
    assert_eq!(lib.rename_tag("later", "someday").unwrap(), 3);
    let r = search(
        &lib,
        "",
        Filters {
            tags: vec!["someday".into()],
            ..Default::default()
        },
    );
    assert_eq!(r.total, 3);
    assert_eq!(r.facets.tags.get("later"), None);
    assert_eq!(
        lib.merge_tags(&["urgent".into(), "someday".into()], "queue")
            .unwrap(),
        3
    );
    let cs = lib.get("acme").unwrap().case_study;
    assert_eq!(cs.user_tags, vec!["queue".to_string()]);
    assert_eq!(cs.tags, vec!["rag".to_string()]);
    assert_eq!(
        lib.set_user_tags(ids[0], &["b".into(), "A".into()])
            .unwrap(),
        vec!["a".to_string(), "b".to_string()]
    );
    assert_eq!(
        lib.get("acme").unwrap().case_study.user_tags,
        vec!["a", "b"]
    );
}

#[test]
fn inferred_tags_can_be_accepted_or_dismissed_for_good() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let lib = empty_library(dir.path());
    // No source tags: tags are inferred from the text.
    let text = "We built a retrieval augmented generation (RAG) system with a vector database \
        and embeddings, then fine-tuned the model with LoRA and added prompt engineering and \
        guardrails for hallucination. RAG retrieval with a vector store and semantic search \
        over embeddings; fine-tuning; monitoring and observability of latency and cost.";
    let p = files.path().join("inferred.md");
    std::fs::write(&p, format!("# Inferred tags here\n\n{text}\n")).unwrap();
    import(&lib, std::slice::from_ref(&p));
    let cs = &lib.list().unwrap()[0];
    assert!(cs.inferred_tags.len() >= 2, "{:?}", cs.inferred_tags);
    let (accept, dismiss) = (cs.inferred_tags[0].clone(), cs.inferred_tags[1].clone());
    lib.accept_tag(cs.id, &accept).unwrap();
    lib.dismiss_tag(cs.id, &dismiss).unwrap();
    assert!(lib.dismiss_tag(cs.id, "not-inferred-here").is_err());
    let check = |lib: &Library| {
        let now = lib.get(&cs.id.to_string()).unwrap().case_study;
        assert!(now.user_tags.contains(&accept));
        assert!(!now.inferred_tags.contains(&accept));
        assert!(!now.inferred_tags.contains(&dismiss));
        assert!(!now.user_tags.contains(&dismiss));
    };
    check(&lib);
    // A changed file re-imported infers again: the dismissed tag stays away.
    std::fs::write(&p, format!("# Inferred tags here\n\n{text} More text.\n")).unwrap();
    assert_eq!(import(&lib, std::slice::from_ref(&p)).updated, 1);
    check(&lib);
}

#[test]
fn collections_and_saved_searches_with_live_counts() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    let c = lib.create_collection("Favourites").unwrap();
    assert!(lib.create_collection("favourites").is_err());
    let other = lib.create_collection("Other").unwrap();
    assert_eq!(lib.add_to_collection(c.id, &[ids[2], ids[0]]).unwrap(), 2);
    lib.add_to_collection(other.id, &[ids[0]]).unwrap();
    let members: Vec<CaseStudyId> = lib
        .collection_members(c.id)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(members, vec![ids[0], ids[2]]);
    lib.rename_collection(c.id, "Best").unwrap();
    assert_eq!(lib.collection("best").unwrap().id, c.id);
    assert_eq!(lib.remove_from_collection(c.id, &[ids[2]]).unwrap(), 1);
    let names: Vec<(String, u64)> = lib
        .collections()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.count))
        .collect();
    assert_eq!(names, vec![("Best".into(), 1), ("Other".into(), 1)]);
    lib.delete_collection(other.id).unwrap();
    assert_eq!(lib.collections().unwrap().len(), 1);

    let starred = SearchRequest {
        filters: Filters {
            starred_only: true,
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(lib.save_search("Starred", &starred).unwrap().count, 0);
    lib.save_search(
        "Globex",
        &SearchRequest {
            query: "company:globex".into(),
            ..Default::default()
        },
    )
    .unwrap();
    lib.set_starred(ids[0], true).unwrap();
    lib.set_starred(ids[1], true).unwrap();
    let counts: Vec<(String, u64)> = lib
        .saved_searches()
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.count))
        .collect();
    assert_eq!(counts, vec![("Globex".into(), 1), ("Starred".into(), 2)]);
    lib.delete_saved_search("globex").unwrap();
    assert_eq!(lib.saved_searches().unwrap().len(), 1);
}

#[test]
fn reading_state_filters_and_recently_opened_sort() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    let unread = Filters {
        unread_only: true,
        ..Default::default()
    };
    assert_eq!(search(&lib, "", unread.clone()).total, 3);
    lib.mark_opened(ids[2]).unwrap();
    std::thread::sleep(Duration::from_millis(3));
    lib.mark_opened(ids[0]).unwrap();
    let cs = lib.get("acme").unwrap().case_study;
    assert!(cs.read && cs.last_opened_at.is_some());
    assert_eq!(
        search(&lib, "", unread.clone())
            .hits
            .iter()
            .map(|h| h.id)
            .collect::<Vec<_>>(),
        vec![ids[1]]
    );
    lib.set_read(ids[0], false).unwrap();
    assert_eq!(search(&lib, "", unread).total, 2);
    let r = lib
        .search(&SearchRequest {
            sort: Sort::RecentlyOpened,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        r.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![ids[0], ids[2], ids[1]]
    );
    lib.set_starred(ids[1], true).unwrap();
    let r = search(
        &lib,
        "study",
        Filters {
            starred_only: true,
            ..Default::default()
        },
    );
    assert_eq!(
        r.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![ids[1]]
    );
    assert!(lib.get("globex").unwrap().case_study.starred);
}

#[test]
fn old_ui_state_still_deserialises() {
    // Filters and requests saved by a UI that knew none of the new fields.
    let req: SearchRequest = serde_json::from_str(
        r#"{"query":"rag","filters":{"tags":["rag"],"tag_mode":"all"},"sort":"newest"}"#,
    )
    .unwrap();
    assert!(!req.filters.annotated_only && !req.filters.starred_only);
    assert_eq!(req.sort, Sort::Newest);
}

#[test]
fn a_collection_is_a_search_filter_with_facets_among_its_members() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    let c = lib.create_collection("Reading list").unwrap();
    lib.add_to_collection(c.id, &[ids[0], ids[2]]).unwrap();
    let in_c = |q: &str, collection| {
        search(
            &lib,
            q,
            Filters {
                collection,
                ..Default::default()
            },
        )
    };
    let r = in_c("", Some(c.id));
    let mut got: Vec<CaseStudyId> = r.hits.iter().map(|h| h.id).collect();
    got.sort();
    assert_eq!(got, vec![ids[0], ids[2]]);
    assert_eq!(r.total, 2);
    let companies: Vec<&String> = r.facets.company.keys().collect();
    assert!(
        !companies.iter().any(|c| c.as_str() == "Globex"),
        "facets count members only: {companies:?}"
    );
    // With a query too, and a trashed member drops out.
    assert_eq!(in_c("company:acme", Some(c.id)).total, 1);
    lib.trash(&[ids[0]]).unwrap();
    assert_eq!(in_c("", Some(c.id)).total, 1);
    // A collection that is gone has no members.
    lib.delete_collection(c.id).unwrap();
    assert_eq!(in_c("", Some(c.id)).total, 0);
    assert_eq!(in_c("", None).total, 2);
    // A collection id in a saved search counts live.
    let c2 = lib.create_collection("Two").unwrap();
    let saved = SearchRequest {
        filters: Filters {
            collection: Some(c2.id),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(lib.save_search("In two", &saved).unwrap().count, 0);
    lib.add_to_collection(c2.id, &[ids[1], ids[2]]).unwrap();
    assert_eq!(lib.saved_searches().unwrap()[0].count, 2);
    assert_eq!(lib.collection_member_ids(c2.id).unwrap().len(), 2);
    assert!(lib.collection_member_ids(c2.id + 1).is_err());
}

#[test]
fn user_tags_are_listed_with_counts_and_rename_onto_one_merges() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    assert!(lib.user_tags().unwrap().is_empty());
    lib.add_tags(&ids, "to-read").unwrap();
    lib.add_tags(&ids[..1], "Great Example").unwrap();
    let listed: Vec<(String, u64)> = lib
        .user_tags()
        .unwrap()
        .into_iter()
        .map(|t| (t.tag, t.count))
        .collect();
    assert_eq!(listed[0], ("to-read".to_string(), 3));
    assert_eq!(listed.len(), 2);
    let great = listed[1].0.clone();
    // Renaming onto an existing tag merges: acme carried both, and is counted once.
    assert_eq!(lib.rename_tag(&great, "to-read").unwrap(), 1);
    let listed: Vec<(String, u64)> = lib
        .user_tags()
        .unwrap()
        .into_iter()
        .map(|t| (t.tag, t.count))
        .collect();
    assert_eq!(listed, vec![("to-read".to_string(), 3)]);
    // A trashed case study's tags are not counted.
    lib.trash(&[ids[1]]).unwrap();
    assert_eq!(lib.user_tags().unwrap()[0].count, 2);
}

#[test]
fn backups_are_listed_by_name_and_restored_by_name_only() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    lib.set_note(ids[0], "before the backup").unwrap();
    let made = lib.backup_now().unwrap();
    assert!(made.name.starts_with("casebook-") && made.name.ends_with(".sqlite3"));
    assert!(made.size_bytes > 0);
    let age = casebook_core::store::now_ms() - made.created_at;
    assert!(
        (0..60_000).contains(&age),
        "created_at from the name: {age}"
    );
    assert_eq!(lib.backup_infos().unwrap(), vec![made.clone()]);

    lib.set_note(ids[0], "after the backup").unwrap();
    lib.trash(&[ids[1]]).unwrap();
    assert_eq!(lib.restore_named_backup(&made.name).unwrap(), 3);
    assert_eq!(lib.annotations(ids[0]).unwrap().note, "before the backup");
    assert_eq!(search(&lib, "", Filters::default()).total, 3);
    // Only names from the list: no paths, no other files.
    for bad in [
        "../library.sqlite3",
        "library.sqlite3",
        "",
        "casebook-1.sqlite3",
    ] {
        assert!(
            matches!(
                lib.restore_named_backup(bad),
                Err(casebook_core::Error::NotFound(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn export_to_writes_json_or_markdown_and_counts() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (lib, ids) = three(dir.path(), files.path());
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("export.json");
    let o = lib
        .export_to(
            &[ids[0], ids[1], ids[0]],
            casebook_core::ExportFormat::Json,
            &json,
        )
        .unwrap();
    assert_eq!((o.case_studies, o.files), (2, 1));
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(file["case_studies"].as_array().unwrap().len(), 2);
    assert!(!out.path().join("export.partial").exists());
    let md = out.path().join("md");
    let o = lib
        .export_to(&ids, casebook_core::ExportFormat::Markdown, &md)
        .unwrap();
    assert_eq!((o.case_studies, o.files), (3, 3));
    assert_eq!(std::fs::read_dir(&md).unwrap().count(), 3);
}
