//! Crash safety: `casebook` is killed (SIGKILL) at random points of large imports, annotation
//! writes and index rebuilds; after each kill the library is reopened and checked against
//! what the killed process had acknowledged as committed:
//!
//! - it opens (the search index replayed or rebuilt if needed, and then in step);
//! - `Library::check` finds nothing: SQLite intact, no dangling rows, every case study with a
//!   source (nothing half-imported), each indexed exactly once with its current contents,
//!   the same generation stamp;
//! - every file the import reported committed (`--progress-lines`) is there; every case
//!   study is part of exactly one case study of a clean import of the same files (no
//!   duplicates), and equal to it once all its sources are in; a completed import equals the
//!   clean one;
//! - every acknowledged note, highlight and user tag is there (plus at most the one write in
//!   flight), and a note is found by search.
//!
//! `CASEBOOK_KILLS` (default 30) sets the number of kills, `CASEBOOK_CRASH_SEED` replays a
//! run (the seed is printed), `CASEBOOK_CORPUS` imports the real corpus instead of generated
//! files (`CASEBOOK_CRASH_FILES`, default 2,600: four of the import's batches, of 256, 512,
//! 1,024 and 808 files, so that kills also land between one batch's commit and the next).

use casebook_core::import::scan::{self, Input};
use casebook_core::{CaseStudy, Library, OpenOptions, SearchRequest};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

// Seeded (fastrand): a failing run replays from its printed seed.
/// Uniform in `0..max` (at least 1 ms wide), from the seeded generator.
fn random_duration(rng: &mut fastrand::Rng, max: Duration) -> Duration {
    let ms = max.as_millis().max(1) as u64;
    Duration::from_millis(rng.u64(..ms))
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn open(dir: &Path) -> Library {
    Library::open_with(
        dir,
        &OpenOptions {
            seed_new_library: false,
        },
    )
    .unwrap_or_else(|e| panic!("the library does not open after a kill: {e}"))
}

/// Writes `n` distinct Markdown case studies; every tenth is a second copy of the one
/// before it under another name (so merges happen too).
fn generate(dir: &Path, n: usize) {
    for i in 0..n {
        let base = if i % 10 == 9 { i - 1 } else { i };
        let body: Vec<String> = (0..150).map(|w| format!("w{base}x{w}")).collect();
        std::fs::write(
            dir.join(format!("cs{i:05}.md")),
            format!(
                "---\ntitle: \"Study {base} of model serving\"\ncompany: \"Company {base}\"\n\
                 year: {}\nllmopsTags:\n  - \"rag\"\n  - \"agents\"\n---\n\n## Overview\n\n\
                 unique{base} {}{}\n",
                2020 + base % 6,
                body.join(" "),
                // The copy says one word more: another source of the same case study.
                if base == i {
                    String::new()
                } else {
                    format!(" copy{i}")
                }
            ),
        )
        .unwrap();
    }
}

/// What a case study shows, ids and times left out, and its company key too: companies are
/// grouped library-wide ("LSEG" joins "London Stock Exchange Group" only once a case study
/// saying so is in), so a half-imported library may rightly group them otherwise.
fn shown(cs: &CaseStudy, body: &str) -> String {
    let mut cs = cs.clone();
    cs.id = 0;
    cs.last_opened_at = None;
    cs.company_key = None;
    cs.sources.sort_by(|a, b| a.path.cmp(&b.path));
    format!("{} {}", serde_json::to_string(&cs).unwrap(), body)
}

/// A library's case studies keyed by their sorted source paths.
fn by_sources(lib: &Library) -> BTreeMap<Vec<String>, String> {
    lib.list()
        .unwrap()
        .into_iter()
        .map(|cs| {
            let mut paths: Vec<String> = cs.sources.iter().map(|s| s.path.clone()).collect();
            paths.sort();
            let body = lib.get(&cs.id.to_string()).unwrap().body_text;
            (paths, shown(&cs, &body))
        })
        .collect()
}

/// The clean import the crashed ones are held to.
struct Reference {
    /// Inputs in scan order, as the import reports them.
    inputs: Vec<String>,
    /// Source paths of each input (none when its content was already known, or it failed).
    sources_of: Vec<Vec<String>>,
    /// Reference case study (index in `cases`) of each source path.
    case_of: HashMap<String, usize>,
    cases: Vec<(Vec<String>, String)>,
}

impl Reference {
    fn build(paths: &[PathBuf], dir: &Path) -> (Reference, Duration) {
        let lib = open(dir);
        let t0 = Instant::now();
        lib.import(paths, &|_| {}, &AtomicBool::new(false)).unwrap();
        let took = t0.elapsed();
        let cases: Vec<(Vec<String>, String)> = by_sources(&lib).into_iter().collect();
        let mut case_of = HashMap::new();
        for (i, (paths, _)) in cases.iter().enumerate() {
            for p in paths {
                case_of.insert(p.clone(), i);
            }
        }
        let inputs: Vec<String> = scan::scan(paths, &mut Vec::new())
            .into_iter()
            .map(|i| match i {
                Input::File(p) | Input::Zip(p) => std::path::absolute(p)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            })
            .collect();
        let sources_of = inputs
            .iter()
            .map(|input| {
                case_of
                    .keys()
                    .filter(|s| belongs(s, input))
                    .cloned()
                    .collect()
            })
            .collect();
        (
            Reference {
                inputs,
                sources_of,
                case_of,
                cases,
            },
            took,
        )
    }

    /// The sources an import must have committed when it reported `current` as the last
    /// file of a committed batch: every input before it, and it when it is a plain file.
    fn committed_up_to(&self, current: &str) -> Vec<&String> {
        let Some(pos) = self.inputs.iter().position(|i| belongs(current, i)) else {
            panic!("progress names {current}, which the scan does not have");
        };
        let whole = self.inputs[pos] == current;
        let end = if whole { pos + 1 } else { pos };
        self.sources_of[..end].iter().flatten().collect()
    }
}

/// A source path (or progress name) of `input`: the file itself, an archive member
/// (`!member`) or a record (`#n`).
fn belongs(path: &str, input: &str) -> bool {
    path == input
        || path
            .strip_prefix(input)
            .is_some_and(|rest| rest.starts_with('!') || rest.starts_with('#'))
}

/// What the killed processes acknowledged of their annotation writes.
#[derive(Default)]
struct Acked {
    /// Highlight id → (case study, quote, note).
    highlights: HashMap<i64, (i64, String, String)>,
    tags: BTreeSet<(i64, String)>,
    /// Highest seq acknowledged by the last run (seqs restart with each run's seed).
    last_seq: Option<u64>,
}

#[derive(Default)]
struct Figures {
    kills: u64,
    import_kills: u64,
    write_kills: u64,
    reindex_kills: u64,
    completed_runs: u64,
    rounds: u64,
    rebuilt_on_open: u64,
    acked_files: u64,
    acked_writes: u64,
}

/// Runs `casebook args` on `library`, kills it after `delay` unless it ended first; returns
/// its stdout lines and whether it was killed.
fn run_and_kill(library: &Path, args: &[&str], delay: Duration) -> (Vec<String>, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .arg("--library")
        .arg(library)
        .arg("--no-seed")
        .args(args)
        .env_remove("CASEBOOK_LIBRARY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run casebook");
    let stdout = child.stdout.take().unwrap();
    let lines = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(|l| l.ok())
            .collect::<Vec<String>>()
    });
    let deadline = Instant::now() + delay;
    let mut exited = None;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(2).min(delay));
    }
    let killed = match exited {
        Some(_) => false,
        None => {
            // std's kill is SIGKILL on Unix.
            child.kill().unwrap();
            true
        }
    };
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    if !killed {
        // An import with files that fail exits 2; anything else is a failure.
        assert!(
            status.success() || status.code() == Some(2),
            "casebook {args:?} failed on its own: {status:?}\n{stderr}"
        );
    }
    (lines.join().unwrap(), killed)
}

/// The invariants every reopened library must keep.
fn check_reopened(lib: &Library, figures: &mut Figures) {
    if let Some(n) = lib.index_notice() {
        assert!(n.contains("rebuilt"), "{n}");
        figures.rebuilt_on_open += 1;
    }
    let report = lib.check(false).unwrap();
    assert_eq!(report.remaining, 0, "after a kill: {report:#?}");
    let list = lib.list().unwrap();
    let total = lib.search(&SearchRequest::default()).unwrap().total;
    assert_eq!(total, list.len() as u64, "search and SQLite disagree");
    for cs in &list {
        assert!(!cs.sources.is_empty(), "{} has no source", cs.id);
        assert!(!cs.title.is_empty(), "{} has no title", cs.id);
    }
}

/// Import-phase invariants: acknowledged sources present, no duplicates, complete case
/// studies equal to the reference's.
fn check_import_state(lib: &Library, reference: &Reference, acked: &[&String]) {
    let now = by_sources(lib);
    let have: BTreeSet<&String> = now.keys().flatten().collect();
    for s in acked {
        assert!(have.contains(s), "acknowledged source {s} was lost");
    }
    let mut seen = HashMap::new();
    for (paths, shown) in &now {
        let refs: BTreeSet<usize> = paths
            .iter()
            .map(|p| {
                *reference
                    .case_of
                    .get(p)
                    .unwrap_or_else(|| panic!("source {p} is not in the clean import"))
            })
            .collect();
        assert_eq!(refs.len(), 1, "{paths:?} belong to several case studies");
        let r = *refs.iter().next().unwrap();
        if let Some(other) = seen.insert(r, paths) {
            panic!("duplicate: {other:?} and {paths:?} are one case study in a clean import");
        }
        let (ref_paths, ref_shown) = &reference.cases[r];
        if ref_paths == paths {
            assert_eq!(shown, ref_shown, "{paths:?} differs from the clean import");
        }
    }
}

/// Annotation-phase invariants; then the model takes in what was found (the write in flight
/// at the kill may or may not have landed).
fn check_writes(lib: &Library, acked: &mut Acked, lines: &[String], run: &str) {
    let mut run_notes: HashMap<i64, u64> = HashMap::new();
    let mut last = None;
    for line in lines {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let (seq, id) = (v["seq"].as_u64().unwrap(), v["id"].as_i64().unwrap());
        last = Some(seq);
        match v["op"].as_str().unwrap() {
            "note" => {
                run_notes.insert(id, seq);
            }
            "highlight" => {
                acked.highlights.insert(
                    v["highlight"].as_i64().unwrap(),
                    (
                        id,
                        v["quote"].as_str().unwrap().to_string(),
                        v["note"].as_str().unwrap().to_string(),
                    ),
                );
            }
            _ => {
                acked
                    .tags
                    .insert((id, v["tag"].as_str().unwrap().to_string()));
            }
        }
    }
    acked.last_seq = last;
    // Highlights: each acknowledged one is there as written; at most one more appeared.
    let mut found_highlights = HashMap::new();
    let mut notes_now: HashMap<i64, String> = HashMap::new();
    let mut user_tags = BTreeSet::new();
    for cs in lib.list().unwrap() {
        let a = lib.annotations(cs.id).unwrap();
        for h in a.highlights {
            found_highlights.insert(h.id, (cs.id, h.quote, h.note));
        }
        if !a.note.is_empty() {
            notes_now.insert(cs.id, a.note);
        }
        for t in cs.user_tags {
            user_tags.insert((cs.id, t));
        }
    }
    for (hid, h) in &acked.highlights {
        assert_eq!(found_highlights.get(hid), Some(h), "highlight {hid} lost");
    }
    assert!(
        found_highlights.len() <= acked.highlights.len() + 1,
        "{} highlights for {} acknowledged",
        found_highlights.len(),
        acked.highlights.len()
    );
    acked.highlights = found_highlights;
    for t in &acked.tags {
        assert!(user_tags.contains(t), "user tag {t:?} lost");
    }
    assert!(user_tags.len() <= acked.tags.len() + 1);
    acked.tags = user_tags;
    // Notes: the last acknowledged one, or the one in flight (a later seq of this run).
    // A note reads "Note SEQ of RUN: stressnoteRUNxSEQ …".
    let seq_of = |text: &str| -> Option<(u64, String)> {
        let (seq, rest) = text.strip_prefix("Note ")?.split_once(" of ")?;
        let run = rest.split(':').next()?;
        Some((seq.parse().ok()?, run.to_string()))
    };
    for (id, seq) in &run_notes {
        let text = notes_now
            .get(id)
            .unwrap_or_else(|| panic!("note of {id} lost"));
        let (found, found_run) = seq_of(text).unwrap_or_else(|| panic!("unexpected note {text:?}"));
        assert!(
            found_run == run && (found == *seq || Some(found) > acked.last_seq),
            "note of {id}: found {text:?}, acknowledged seq {seq} of run {run}"
        );
    }
    // Search agrees: each case study's note is found by its unique word.
    for (id, text) in notes_now.iter().take(8) {
        let Some((seq, run)) = seq_of(text) else {
            continue;
        };
        let r = lib
            .search(&SearchRequest {
                query: format!("stressnote{run}x{seq}"),
                ..Default::default()
            })
            .unwrap();
        assert!(
            r.hits.iter().any(|h| h.id == *id),
            "the note of {id} is not found by search"
        );
    }
}

#[test]
fn killed_at_random_points_the_library_loses_nothing() {
    let kills = env_number("CASEBOOK_KILLS", 30);
    let seed = env_number(
        "CASEBOOK_CRASH_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    );
    eprintln!("crash test: seed {seed} (replay with CASEBOOK_CRASH_SEED={seed}), {kills} kills");
    let mut rng = fastrand::Rng::with_seed(seed);
    let work = tempfile::tempdir().unwrap();
    let paths = match std::env::var_os("CASEBOOK_CORPUS") {
        Some(c) => vec![PathBuf::from(c)],
        None => {
            let dir = work.path().join("files");
            std::fs::create_dir(&dir).unwrap();
            generate(&dir, env_number("CASEBOOK_CRASH_FILES", 2_600) as usize);
            vec![dir]
        }
    };
    let (reference, took) = Reference::build(&paths, &work.path().join("reference"));
    eprintln!(
        "crash test: the clean import holds {} case studies from {} inputs ({took:?})",
        reference.cases.len(),
        reference.inputs.len()
    );
    // Kills land anywhere from the start (opening) to well after a typical run's end.
    let import_window = (took * 2).max(Duration::from_millis(300)) + Duration::from_millis(200);
    let path_args: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let t0 = Instant::now();
    let mut f = Figures::default();
    while f.kills < kills {
        f.rounds += 1;
        let library = work.path().join(format!("library-{}", f.rounds));
        // Import until one run completes, killed at random meanwhile.
        let mut acked_sources: Vec<String> = Vec::new();
        loop {
            let mut args = vec!["import", "--json", "--progress-lines"];
            args.extend(path_args.iter().map(String::as_str));
            let (lines, killed) =
                run_and_kill(&library, &args, random_duration(&mut rng, import_window));
            let lib = open(&library);
            check_reopened(&lib, &mut f);
            let current = lines
                .iter()
                .rev()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .filter_map(|v| v["current"].as_str().map(str::to_string))
                .next();
            if let Some(current) = current {
                let now: Vec<String> = reference
                    .committed_up_to(&current)
                    .into_iter()
                    .cloned()
                    .collect();
                if now.len() > acked_sources.len() {
                    acked_sources = now;
                }
            }
            let acked: Vec<&String> = acked_sources.iter().collect();
            check_import_state(&lib, &reference, &acked);
            f.acked_files = f.acked_files.max(acked.len() as u64);
            if killed {
                f.kills += 1;
                f.import_kills += 1;
            } else {
                f.completed_runs += 1;
                let now = by_sources(&lib);
                let clean: BTreeMap<Vec<String>, String> =
                    reference.cases.iter().cloned().collect();
                assert!(
                    now == clean,
                    "a completed import differs from the clean one"
                );
                break;
            }
            if f.kills >= kills {
                break;
            }
        }
        if f.kills >= kills {
            break;
        }
        // Annotation writes, killed at random.
        let mut acked = Acked::default();
        for _ in 0..3 {
            let seed = rng.u64(..).to_string();
            let (lines, killed) = run_and_kill(
                &library,
                &["stress-writes", "--seed", &seed],
                random_duration(&mut rng, Duration::from_millis(900)) + Duration::from_millis(30),
            );
            f.acked_writes += lines.len() as u64;
            let lib = open(&library);
            check_reopened(&lib, &mut f);
            check_writes(&lib, &mut acked, &lines, &seed);
            if killed {
                f.kills += 1;
                f.write_kills += 1;
            }
        }
        // A rebuild of the index, killed at random.
        let (_, killed) = run_and_kill(&library, &["reindex"], random_duration(&mut rng, took));
        check_reopened(&open(&library), &mut f);
        if killed {
            f.kills += 1;
            f.reindex_kills += 1;
        }
        std::fs::remove_dir_all(&library).unwrap();
    }
    eprintln!(
        "crash test: seed {seed}: {} kills survived ({} during imports, {} during annotation \
         writes, {} during index rebuilds) in {} rounds, {:.0} s; {} imports completed and \
         equal a clean import; up to {} acknowledged sources and {} acknowledged annotation \
         writes checked; nothing lost, nothing half-imported, no duplicates, search in step \
         after every kill (rebuilt on open {} times)",
        f.kills,
        f.import_kills,
        f.write_kills,
        f.reindex_kills,
        f.rounds,
        t0.elapsed().as_secs_f64(),
        f.completed_runs,
        f.acked_files,
        f.acked_writes,
        f.rebuilt_on_open
    );
}
