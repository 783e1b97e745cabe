//! Related case studies: like by text, re-ranked and explained by shared tags.

use casebook_core::{Library, OpenOptions};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn library(dir: &Path) -> Library {
    Library::open_with(
        dir,
        &OpenOptions {
            seed_new_library: false,
        },
    )
    .unwrap()
}

/// A text repeating a topic's words among filler words of its own.
fn text(topic: &[&str], own: usize) -> String {
    (0..120)
        .map(|i| {
            if i % 3 == 0 {
                topic[i / 3 % topic.len()].to_string()
            } else {
                format!("filler{own}x{i}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn related_case_studies_share_text_first_and_say_which_tags_they_share() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let lib = library(dir.path());
    let retrieval = ["quokka", "reranker", "pgvector", "chunking", "hybrid"];
    let tuning = ["lora", "adapter", "distillation", "quantised", "epochs"];
    let mut paths = Vec::new();
    let mut write = |slug: &str, tags: &[&str], body: String| {
        let p = files.path().join(format!("{slug}.md"));
        let tags: String = tags.iter().map(|t| format!("  - \"{t}\"\n")).collect();
        std::fs::write(
            &p,
            format!("---\ntitle: \"{slug}\"\nslug: \"{slug}\"\nllmopsTags:\n{tags}---\n\n{body}\n"),
        )
        .unwrap();
        paths.push(p);
    };
    write("r1", &["rag", "agents"], text(&retrieval, 1));
    write("r2", &["rag"], text(&retrieval, 2));
    write("r3", &["fine-tuning"], text(&retrieval, 3));
    for i in 4..7 {
        write(&format!("t{i}"), &["fine-tuning"], text(&tuning, i));
    }
    for i in 7..17 {
        write(
            &format!("other{i}"),
            &["rag"],
            text(&[&format!("solo{i}")], i),
        );
    }
    let report = lib
        .import(&paths, &|_| {}, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(report.added, 16, "{report:?}");
    let id = |slug: &str| lib.resolve_id(slug).unwrap();

    let related = lib.related(id("r1"), 5).unwrap();
    let slugs: Vec<&str> = related.iter().map(|r| r.slug.as_str()).collect();
    assert!(!slugs.contains(&"r1"), "not itself: {slugs:?}");
    // The two with the same text come first; the one sharing its tag ranks above the one
    // that does not; case studies sharing only a tag and no words do not come before them.
    assert_eq!(&slugs[..2], &["r2", "r3"], "{related:?}");
    assert_eq!(related[0].shared_tags, vec!["rag".to_string()]);
    assert!(related[1].shared_tags.is_empty());
    assert!(related[0].score > related[1].score);
    assert!(related.iter().all(|r| (0.0..=1.0).contains(&r.score)));
    assert!(!slugs.iter().any(|s| s.starts_with('t')), "{slugs:?}");

    // The tuning studies find each other.
    let tuned: Vec<String> = lib
        .related(id("t4"), 2)
        .unwrap()
        .into_iter()
        .map(|r| r.slug)
        .collect();
    assert_eq!(tuned, vec!["t5".to_string(), "t6".to_string()]);

    // A trashed case study is not suggested; an unknown id is an error.
    lib.trash(&[id("r2")]).unwrap();
    let after: Vec<String> = lib
        .related(id("r1"), 5)
        .unwrap()
        .into_iter()
        .map(|r| r.slug)
        .collect();
    assert_eq!(after.first().map(String::as_str), Some("r3"));
    assert!(!after.contains(&"r2".to_string()));
    assert!(lib.related(999_999, 5).is_err());
}
