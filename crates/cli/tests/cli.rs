//! Black-box tests of the `casebook` binary: its JSON output is a contract.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds")
}

fn casebook(library: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
        .arg("--library")
        .arg(library)
        .args(args)
        .env_remove("CASEBOOK_LIBRARY")
        .output()
        .expect("run casebook")
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "status {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn import_list_show_search_and_stats_speak_json() {
    let lib = tempfile::tempdir().unwrap();
    let lib = lib.path();
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();

    let report = json(&casebook(lib, &["--no-seed", "import", seeds, "--json"]));
    assert_eq!(report["added"], 4);
    assert_eq!(report["merged"], 1);
    assert_eq!(report["unchanged"], 0);
    assert_eq!(report["failed"], Value::Array(vec![]));
    for k in ["added", "updated", "merged", "unchanged", "failed"] {
        assert!(report.get(k).is_some(), "{k}");
    }

    let list = json(&casebook(lib, &["list", "--json"]));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4);
    for cs in list {
        assert_eq!(
            keys(cs),
            [
                "company",
                "id",
                "industry",
                "inferred_tags",
                "link",
                "slug",
                "sources",
                "summary",
                "tags",
                "title",
                "year"
            ]
        );
        assert!(cs["year"].is_number() || cs["year"].is_null());
        for s in cs["sources"].as_array().unwrap() {
            assert_eq!(keys(s), ["format", "path"]);
        }
    }
    let labelled = list
        .iter()
        .find(|c| c["title"] == "Panel Discussion: Best Practices for LLMs in Production")
        .expect("seed 004 by title");
    assert_eq!(labelled["year"], 2023);
    assert_eq!(labelled["industry"], "tech");

    let id = labelled["id"].as_i64().unwrap().to_string();
    let shown = json(&casebook(lib, &["show", &id, "--json"]));
    assert_eq!(shown["title"], labelled["title"]);
    assert!(shown["body_markdown"].as_str().unwrap().contains("## "));
    assert!(shown["body_text"].as_str().unwrap().contains("Titan ML"));
    let by_slug = json(&casebook(
        lib,
        &["show", labelled["slug"].as_str().unwrap(), "--json"],
    ));
    assert_eq!(by_slug["id"], labelled["id"]);

    let found = json(&casebook(lib, &["search", "observability", "--json"]));
    assert_eq!(
        keys(&found)[..],
        ["corrected_query", "facets", "hits", "took_ms", "total"]
    );
    assert!(found["total"].as_u64().unwrap() >= 1);
    let hit = &found["hits"][0];
    for k in [
        "id", "title", "company", "year", "industry", "score", "snippet",
    ] {
        assert!(hit.get(k).is_some(), "hit lacks {k}");
    }
    assert_eq!(
        keys(&found["facets"]),
        ["company", "industry", "tags", "year"]
    );

    let filtered = json(&casebook(
        lib,
        &["search", "", "--year", "2023", "--json", "--limit", "50"],
    ));
    assert_eq!(filtered["total"], 1);
    assert_eq!(filtered["hits"][0]["id"], labelled["id"]);

    let stats = json(&casebook(lib, &["stats", "--json"]));
    assert_eq!(stats["case_studies"], 4);
    assert_eq!(stats["indexed"], 4);
}

#[test]
fn exit_status_is_2_when_some_files_fail_and_the_report_says_why() {
    let lib = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    std::fs::copy(
        seeds().join("004_35c21745074e93d2.txt"),
        files.path().join("good.txt"),
    )
    .unwrap();
    std::fs::write(
        files.path().join("bad.bin"),
        [0u8, 159, 146, 150, 0, 0, 1, 2],
    )
    .unwrap();
    let out = casebook(
        lib.path(),
        &[
            "--no-seed",
            "import",
            files.path().to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"], 1);
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["path"].as_str().unwrap().ends_with("bad.bin"));
    assert!(!failed[0]["error"].as_str().unwrap().is_empty());
}

#[test]
fn exit_status_is_1_when_the_import_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the library folder should be: the library cannot be opened.
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let out = casebook(&not_a_dir, &["import", "whatever", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.is_empty());
}

#[test]
fn queries_from_stdin_give_one_json_line_each() {
    let lib = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .arg("--library")
        .arg(lib.path())
        .args(["search", "--queries", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"fine-tuning\n\"small language models\"\nzzzzqqq\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0]["total"].as_u64().unwrap() >= 1);
    assert!(lines[1]["total"].as_u64().unwrap() >= 1);
    assert_eq!(lines[2]["total"], 0);
}

#[test]
fn human_output_is_readable() {
    let lib = tempfile::tempdir().unwrap();
    let out = casebook(lib.path(), &["search", "ConverseNow"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Multi-Company Panel on Production LLM Deployment"),
        "{text}"
    );
    assert!(!text.contains("<mark>"), "{text}");
    assert!(text.contains("\n1 result ("), "{text}");
}
