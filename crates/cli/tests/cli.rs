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
                "company_key",
                "id",
                "industry",
                "inferred_tags",
                "last_opened_at",
                "link",
                "read",
                "slug",
                "sources",
                "starred",
                "summary",
                "tags",
                "title",
                "user_tags",
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
        "id",
        "title",
        "company",
        "year",
        "industry",
        "score",
        "snippet",
        "matched_annotations",
        "matched",
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

/// A seeds library and the id of seed 004 (the labelled panel discussion).
fn seeded() -> (tempfile::TempDir, String) {
    let lib = tempfile::tempdir().unwrap();
    let list = json(&casebook(lib.path(), &["list", "--json"]));
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "Panel Discussion: Best Practices for LLMs in Production")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    (lib, id)
}

#[test]
fn highlight_add_list_remove_speak_json_and_fail_clearly() {
    let (lib, id) = seeded();
    let lib = lib.path();
    let h = json(&casebook(
        lib,
        &[
            "highlight",
            "add",
            &id,
            "--quote",
            "the LLM wizard",
            "--note",
            "look into it",
            "--color",
            "blue",
            "--json",
        ],
    ));
    assert_eq!(h["quote"], "the LLM wizard");
    assert_eq!(h["color"], "blue");
    assert_eq!(h["note"], "look into it");
    assert_eq!(h["orphan"], false);
    let text: String = json(&casebook(lib, &["show", &id, "--json"]))["body_text"]
        .as_str()
        .unwrap()
        .chars()
        .skip(h["start"].as_u64().unwrap() as usize)
        .take(14)
        .collect();
    assert_eq!(text, "the LLM wizard");

    let listed = json(&casebook(lib, &["highlight", "list", &id, "--json"]));
    assert_eq!(listed["highlights"].as_array().unwrap().len(), 1);
    assert_eq!(listed["highlights"][0]["id"], h["id"]);

    // Not found: exit 3; several occurrences without --occurrence: exit 4.
    let out = casebook(
        lib,
        &["highlight", "add", &id, "--quote", "no such words here"],
    );
    assert_eq!(out.status.code(), Some(3));
    let out = casebook(lib, &["highlight", "add", &id, "--quote", "the"]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("occurs"));
    let second = json(&casebook(
        lib,
        &[
            "highlight",
            "add",
            &id,
            "--quote",
            "the",
            "--occurrence",
            "2",
            "--json",
        ],
    ));
    assert_eq!(second["quote"], "the");

    let hid = h["id"].as_i64().unwrap().to_string();
    json(&casebook(lib, &["highlight", "remove", &hid, "--json"]));
    let listed = json(&casebook(lib, &["highlight", "list", &id, "--json"]));
    assert_eq!(listed["highlights"].as_array().unwrap().len(), 1);
}

#[test]
fn a_note_is_found_by_search_and_filters_by_state_work() {
    let (lib, id) = seeded();
    let lib = lib.path();
    json(&casebook(
        lib,
        &[
            "note",
            "set",
            &id,
            "Reminds me of the axolotl rollout.",
            "--json",
        ],
    ));
    let shown = json(&casebook(lib, &["note", "show", &id, "--json"]));
    assert_eq!(shown["note"], "Reminds me of the axolotl rollout.");
    let found = json(&casebook(lib, &["search", "axolotl", "--json"]));
    assert_eq!(found["total"], 1);
    assert_eq!(found["hits"][0]["id"].to_string(), id);
    assert_eq!(found["hits"][0]["matched_annotations"], true);
    let annotated = json(&casebook(lib, &["search", "", "--annotated", "--json"]));
    assert_eq!(annotated["total"], 1);

    json(&casebook(lib, &["star", &id, "--json"]));
    let starred = json(&casebook(lib, &["search", "", "--starred", "--json"]));
    assert_eq!(starred["total"], 1);
    json(&casebook(lib, &["read", &id, "--json"]));
    let unread = json(&casebook(lib, &["search", "", "--unread", "--json"]));
    assert_eq!(unread["total"], 3);

    json(&casebook(lib, &["tag", "add", &id, "Must Read", "--json"]));
    let tagged = json(&casebook(
        lib,
        &["search", "", "--tag", "must-read", "--json"],
    ));
    assert_eq!(tagged["total"], 1);
    let renamed = json(&casebook(
        lib,
        &["tag", "rename", "must-read", "later", "--json"],
    ));
    assert_eq!(renamed["changed"], 1);

    json(&casebook(
        lib,
        &["collection", "create", "Panels", "--json"],
    ));
    json(&casebook(
        lib,
        &["collection", "add", "panels", &id, "--json"],
    ));
    let cols = json(&casebook(lib, &["collection", "list", "--json"]));
    assert_eq!(cols[0]["name"], "Panels");
    assert_eq!(cols[0]["count"], 1);
    let related = json(&casebook(lib, &["related", &id, "--limit", "2", "--json"]));
    let related = related.as_array().unwrap();
    assert!(related.len() <= 2);
    assert!(related
        .iter()
        .all(|r| r["id"].as_i64() != id.parse::<i64>().ok()));
    let in_panels = json(&casebook(
        lib,
        &["search", "", "--collection", "panels", "--json"],
    ));
    assert_eq!(in_panels["total"], 1);
    let tags = json(&casebook(lib, &["tag", "list", "--json"]));
    assert_eq!(tags[0]["tag"], "later");
    assert_eq!(tags[0]["count"], 1);
    let saved = json(&casebook(
        lib,
        &["saved-search", "save", "Starred", "--starred", "--json"],
    ));
    assert_eq!(saved["count"], 1);
    let all = json(&casebook(lib, &["saved-search", "list", "--json"]));
    assert_eq!(all[0]["count"], 1);

    json(&casebook(lib, &["trash", &id, "--json"]));
    assert_eq!(
        json(&casebook(lib, &["search", "axolotl", "--json"]))["total"],
        0
    );
    assert_eq!(
        json(&casebook(lib, &["trash-list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    json(&casebook(lib, &["restore", &id, "--json"]));
    assert_eq!(
        json(&casebook(lib, &["search", "axolotl", "--json"]))["total"],
        1
    );
}

#[test]
fn json_export_imported_into_a_fresh_library_restores_highlights() {
    let (lib, id) = seeded();
    let lib = lib.path();
    json(&casebook(
        lib,
        &[
            "highlight",
            "add",
            &id,
            "--quote",
            "the LLM wizard",
            "--note",
            "export me",
            "--json",
        ],
    ));
    json(&casebook(
        lib,
        &["note", "set", &id, "the case note", "--json"],
    ));
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("export.json");
    let done = json(&casebook(
        lib,
        &[
            "export",
            "--ids",
            &id,
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(done["case_studies"], 1);
    let md = out.path().join("md");
    let done = json(&casebook(
        lib,
        &[
            "export",
            "--ids",
            &id,
            "--format",
            "md",
            "--out",
            md.to_str().unwrap(),
            "--json",
        ],
    ));
    let md_file = done["files"][0].as_str().unwrap();
    let text = std::fs::read_to_string(md_file).unwrap();
    assert!(
        text.contains("## Highlights\n\n> the LLM wizard\n"),
        "{text}"
    );

    let fresh = tempfile::tempdir().unwrap();
    let report = json(&casebook(
        fresh.path(),
        &["--no-seed", "import", file.to_str().unwrap(), "--json"],
    ));
    assert_eq!(report["added"], 1);
    let new_id = report["changed_ids"][0].to_string();
    let listed = json(&casebook(
        fresh.path(),
        &["highlight", "list", &new_id, "--json"],
    ));
    assert_eq!(listed["highlights"][0]["quote"], "the LLM wizard");
    assert_eq!(listed["highlights"][0]["note"], "export me");
    assert_eq!(listed["note"], "the case note");
    assert_eq!(
        json(&casebook(fresh.path(), &["search", "export me", "--json"]))["total"],
        1
    );
}

#[test]
fn backup_then_restore_brings_the_library_back() {
    let (lib, id) = seeded();
    let lib = lib.path();
    json(&casebook(
        lib,
        &["note", "set", &id, "before the quokka backup", "--json"],
    ));
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("snap.sqlite3");
    let made = json(&casebook(
        lib,
        &["backup", dest.to_str().unwrap(), "--json"],
    ));
    assert_eq!(made["backup"], dest.to_str().unwrap());
    // The default: a rolling backup inside the library.
    let rolling = json(&casebook(lib, &["backup", "--json"]));
    assert!(rolling["backup"].as_str().unwrap().contains("backups"));

    json(&casebook(lib, &["trash", &id, "--json"]));
    json(&casebook(lib, &["empty-trash", "--json"]));
    assert_eq!(
        json(&casebook(lib, &["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let restored = json(&casebook(
        lib,
        &["restore", dest.to_str().unwrap(), "--json"],
    ));
    assert_eq!(restored["indexed"], 4);
    assert_eq!(
        json(&casebook(lib, &["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        json(&casebook(lib, &["note", "show", &id, "--json"]))["note"],
        "before the quokka backup"
    );
    assert_eq!(
        json(&casebook(lib, &["search", "quokka", "--json"]))["total"],
        1
    );
}

/// A library of three case studies of one company written three ways, and one other.
fn companies_library() -> (tempfile::TempDir, tempfile::TempDir) {
    let lib = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    for (name, title, company, year, body) in [
        (
            "a.md",
            "Sales agents",
            "AWS",
            2023,
            "Agents plan accounts with rag.",
        ),
        (
            "b.md",
            "Catalogue quality",
            "Amazon",
            2024,
            "Listings checked.",
        ),
        (
            "c.md",
            "Bedrock at scale",
            "Amazon Web Services",
            2024,
            "Agents on Bedrock.",
        ),
        ("d.md", "Dispatch", "Doordash", 2022, "Routing."),
    ] {
        std::fs::write(
            files.path().join(name),
            format!("---\ntitle: \"{title}\"\ncompany: \"{company}\"\nyear: {year}\n---\n{body}\n"),
        )
        .unwrap();
    }
    let out = casebook(
        lib.path(),
        &["--no-seed", "import", files.path().to_str().unwrap()],
    );
    assert!(out.status.success());
    (lib, files)
}

#[test]
fn companies_and_company_speak_json_and_text() {
    let (lib, _files) = companies_library();
    let all = json(&casebook(lib.path(), &["companies", "--json"]));
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        keys(&all[0]),
        ["aliases", "count", "first_year", "key", "last_year", "name"]
    );
    assert_eq!(all[0]["key"], "amazon");
    assert_eq!(all[0]["count"], 3);
    assert_eq!(
        all[0]["aliases"],
        serde_json::json!(["Amazon Web Services", "AWS"])
    );
    assert_eq!(
        (all[0]["first_year"].clone(), all[0]["last_year"].clone()),
        (2023.into(), 2024.into())
    );

    let one = json(&casebook(lib.path(), &["company", "aws", "--json"]));
    assert_eq!(one["name"], "Amazon");
    let years: Vec<(i64, usize)> = one["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| {
            (
                y["year"].as_i64().unwrap(),
                y["case_studies"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(years, [(2024, 2), (2023, 1)]);

    let text = casebook(lib.path(), &["companies"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("Amazon  2023–2024  (also Amazon Web Services, AWS)  [amazon]"),
        "{text}"
    );
    assert!(text.contains("2 companies"), "{text}");
    let text = String::from_utf8(casebook(lib.path(), &["company", "Amazon Web Services"]).stdout)
        .unwrap();
    assert!(
        text.starts_with("Amazon  [amazon]\nalso written: Amazon Web Services, AWS\n\n2024\n"),
        "{text}"
    );

    let missing = casebook(lib.path(), &["company", "Globex"]);
    assert_eq!(missing.status.code(), Some(3));
    // The company filter takes any spelling.
    let found = json(&casebook(
        lib.path(),
        &["search", "", "--company", "AWS", "--json"],
    ));
    assert_eq!(found["total"], 3);
}

#[test]
fn search_explain_says_where_the_words_matched() {
    let (lib, _files) = companies_library();
    let out = casebook(lib.path(), &["search", "agents rag", "--explain"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("matched in: title (agents), body (agents, rag)"),
        "{text}"
    );
    // Without --explain, no such line.
    let out = casebook(lib.path(), &["search", "agents rag"]);
    assert!(!String::from_utf8(out.stdout)
        .unwrap()
        .contains("matched in"));
    let found = json(&casebook(
        lib.path(),
        &["search", "\"on bedrock\"", "--json"],
    ));
    assert_eq!(
        found["hits"][0]["matched"],
        serde_json::json!([{"field": "body", "terms": ["on bedrock"]}])
    );
}

#[test]
fn watch_lists_folders_and_run_imports_what_is_saved_there() {
    use std::io::BufRead;
    let lib = tempfile::tempdir().unwrap();
    let lib = lib.path();
    let folder = tempfile::tempdir().unwrap();
    let folder = folder.path().canonicalize().unwrap();
    std::fs::write(
        folder.join("first.md"),
        "---\ntitle: Already in the folder\n---\n\nShipped retrieval with evaluation gates.\n",
    )
    .unwrap();

    let out = casebook(lib, &["--no-seed", "watch", "run"]);
    assert!(!out.status.success(), "no folder to watch is an error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("casebook watch add"));

    let added = json(&casebook(
        lib,
        &["watch", "add", folder.to_str().unwrap(), "--json"],
    ));
    assert_eq!(added["location"], folder.to_str().unwrap());
    assert_eq!(added["available"], true);
    let again = casebook(lib, &["watch", "add", folder.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already watched"));
    let listed = json(&casebook(lib, &["watch", "list", "--json"]));
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // `run`: a report for what is there, then one per file saved.
    let mut child = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .arg("--library")
        .arg(lib)
        .args([
            "watch",
            "run",
            "--json",
            "--debounce-ms",
            "200",
            "--poll-seconds",
            "0",
        ])
        .env_remove("CASEBOOK_LIBRARY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Lines through a channel, so a report that never comes fails the test, not hangs it.
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let next_report = || -> Value {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("a report line within 30 s");
        serde_json::from_str(&line).unwrap()
    };
    assert_eq!(next_report()["added"], 1, "the file already there");
    std::fs::write(
        folder.join("second.md.tmp"),
        "---\ntitle: Saved while watched\n---\n\nAgents in production with guardrails.\n",
    )
    .unwrap();
    std::fs::rename(folder.join("second.md.tmp"), folder.join("second.md")).unwrap();
    let report = next_report();
    assert_eq!(report["added"], 1, "{report}");
    child.kill().unwrap();
    child.wait().unwrap();

    let hits = json(&casebook(
        lib,
        &["search", "\"saved while watched\"", "--json"],
    ));
    assert_eq!(hits["total"], 1);
    let id = listed[0]["id"].to_string();
    json(&casebook(lib, &["watch", "remove", &id, "--json"]));
    assert_eq!(
        json(&casebook(lib, &["watch", "list", "--json"])),
        Value::Array(vec![])
    );
}

#[test]
fn trends_speak_json_and_agree_with_search() {
    let lib = tempfile::tempdir().unwrap();
    let lib = lib.path();
    let seeds = seeds();
    json(&casebook(
        lib,
        &["--no-seed", "import", seeds.to_str().unwrap(), "--json"],
    ));
    let t = json(&casebook(
        lib,
        &["trends", "--top", "3", "--dimension", "tags", "--json"],
    ));
    let years: Vec<i64> = t["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert!(!years.is_empty());
    assert_eq!(t["total"], 4);
    let series = t["series"].as_array().unwrap();
    assert!(!series.is_empty() && series.len() <= 3);
    // One cell, checked through `search`.
    let s = &series[0];
    let key = s["key"].as_str().unwrap();
    for (i, y) in years.iter().enumerate() {
        let y = y.to_string();
        let found = json(&casebook(
            lib,
            &["search", "--tag", key, "--year", &y, "--json"],
        ));
        assert_eq!(s["counts"][i], found["total"], "{key} in {y}");
    }
    // Named series (aliases canonicalised) and filters.
    let t = json(&casebook(
        lib,
        &[
            "trends",
            "--series",
            "RAG,fine_tuning",
            "--from",
            "2000",
            "--json",
        ],
    ));
    let keys: Vec<&str> = t["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["rag", "fine-tuning"]);
    let human = casebook(lib, &["trends", "--dimension", "industries"]);
    assert!(human.status.success());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.starts_with("year") && text.contains("4 case studies"),
        "{text}"
    );
}

#[test]
fn check_finds_a_disagreeing_index_and_repair_fixes_it() {
    let lib = tempfile::tempdir().unwrap();
    let lib = lib.path();
    let clean = casebook(lib, &["check", "--json"]);
    let report = json(&clean);
    assert_eq!(report["remaining"], 0);
    assert_eq!(report["problems"], Value::Array(vec![]));
    assert_eq!(report["case_studies"], 4);
    assert_eq!(report["indexed"], 4);
    // Behind the library's back: one document swapped for one of a case study that does
    // not exist (same count, same stamp: opening does not notice).
    let generation = report["database_generation"].as_u64().unwrap();
    {
        let (index, _) = casebook_core::index::SearchIndex::open(&lib.join("index")).unwrap();
        index.delete(&[1]).unwrap();
        index
            .upsert(vec![casebook_core::index::IndexDoc {
                id: 4242,
                slug: "ghost".into(),
                title: "Ghost".into(),
                body_text: "nobody".into(),
                ..Default::default()
            }])
            .unwrap();
        index.commit(generation).unwrap();
    }
    let found = casebook(lib, &["check", "--json"]);
    assert_eq!(found.status.code(), Some(6));
    let report: Value = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(report["remaining"], 2);
    assert_eq!(report["problems"][0]["area"], "index");
    assert_eq!(report["problems"][0]["fixed"], false);
    let human = casebook(lib, &["check"]);
    assert_eq!(human.status.code(), Some(6));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("casebook check --repair"), "{text}");

    let repaired = casebook(lib, &["check", "--repair", "--json"]);
    let report = json(&repaired);
    assert_eq!(report["remaining"], 0);
    for p in report["problems"].as_array().unwrap() {
        assert_eq!(p["fixed"], true);
        assert!(p["action"].as_str().unwrap().contains("rebuilt"), "{p}");
    }
    let again = json(&casebook(lib, &["check", "--json"]));
    assert_eq!(again["problems"], Value::Array(vec![]));
}

#[test]
fn a_second_process_on_an_open_library_is_told_it_is_in_use() {
    let lib = tempfile::tempdir().unwrap();
    let lib = lib.path();
    json(&casebook(lib, &["stats", "--json"]));
    // A writer that holds the library open.
    let mut writer = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .arg("--library")
        .arg(lib)
        .args(["stress-writes", "--seed", "7"])
        .env_remove("CASEBOOK_LIBRARY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(writer.stdout.as_mut().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(first.contains("\"seq\":0"), "{first}");
    for args in [&["list"][..], &["note", "set", "1", "x"], &["check"]] {
        let out = casebook(lib, args);
        assert_eq!(out.status.code(), Some(5), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is in use by another Casebook process"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    writer.kill().unwrap();
    writer.wait().unwrap();
    // Nothing was harmed: the library opens and checks clean.
    let report = json(&casebook(lib, &["check", "--json"]));
    assert_eq!(report["remaining"], 0, "{report}");
}
