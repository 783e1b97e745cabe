//! Watched folders on a real file system: the platform's events, polling alone (a network
//! drive), editors' save patterns, folders moved in whole, and the library's list of them.

use casebook_core::watch::{FolderWatcher, WatchOptions};
use casebook_core::{Library, OpenOptions, SearchRequest};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const QUIET: Duration = Duration::from_millis(300);
/// Generous: a loaded CI machine may deliver events late. Tests wait for what they expect.
const PATIENCE: Duration = Duration::from_secs(20);

fn watcher(
    dir: &Path,
    native: bool,
    poll: Option<Duration>,
) -> (FolderWatcher, Receiver<Vec<PathBuf>>) {
    let (tx, rx) = channel();
    let w = FolderWatcher::start(
        &[dir.to_path_buf()],
        WatchOptions {
            debounce: QUIET,
            poll_interval: poll,
            native,
        },
        move |paths| {
            let _ = tx.send(paths);
        },
    )
    .unwrap();
    (w, rx)
}

/// Every path handed back until `want` has been, then for a further quiet spell.
fn collect_until(rx: &Receiver<Vec<PathBuf>>, want: &Path) -> Vec<PathBuf> {
    let mut seen = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while !seen
        .iter()
        .any(|p: &PathBuf| p.ends_with(want.file_name().unwrap()))
    {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(batch) => seen.extend(batch),
            Err(_) => panic!("{} was never handed back; saw {seen:?}", want.display()),
        }
    }
    while let Ok(batch) = rx.recv_timeout(QUIET * 4) {
        seen.extend(batch);
    }
    seen
}

fn case_study(title: &str) -> String {
    format!("---\ntitle: {title}\ncompany: Watchful Inc\nyear: 2025\n---\n\n# {title}\n\nThe team shipped retrieval augmented generation with evaluation gates.\n")
}

#[test]
fn an_editor_save_through_a_temp_file_is_handed_back_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let (_w, rx) = watcher(&root, true, None);
    // vim-style: probe file, swap file, write a temp, rename over the target, backup copy.
    std::fs::write(root.join("4913"), "").unwrap();
    std::fs::remove_file(root.join("4913")).unwrap();
    std::fs::write(root.join(".notes.md.swp"), "swap").unwrap();
    std::fs::write(root.join("notes.md.tmp"), case_study("Saved by an editor")).unwrap();
    std::fs::rename(root.join("notes.md.tmp"), root.join("notes.md")).unwrap();
    std::fs::write(root.join("notes.md~"), "old").unwrap();
    let seen = collect_until(&rx, &root.join("notes.md"));
    assert_eq!(seen, vec![root.join("notes.md")]);
}

#[test]
fn a_file_written_in_pieces_is_handed_back_once_it_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let (_w, rx) = watcher(&root, true, None);
    let path = root.join("slow.md");
    let text = case_study("Written slowly");
    let (a, b) = text.split_at(text.len() / 2);
    std::fs::write(&path, a).unwrap();
    std::thread::sleep(QUIET / 3);
    std::fs::write(&path, format!("{a}{b}")).unwrap();
    let seen = collect_until(&rx, &path);
    assert_eq!(seen, vec![path.clone()]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn polling_alone_sees_changes_on_a_drive_that_sends_no_events() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("before.md"), case_study("Already there")).unwrap();
    let (_w, rx) = watcher(&root, false, Some(Duration::from_millis(200)));
    std::thread::sleep(Duration::from_millis(400)); // the poll's first look is its baseline
    std::fs::create_dir(root.join("sub")).unwrap();
    std::fs::write(root.join("sub/new.md"), case_study("Seen by polling")).unwrap();
    let seen = collect_until(&rx, &root.join("sub/new.md"));
    assert!(seen.contains(&root.join("sub/new.md")), "{seen:?}");
    assert!(
        !seen.contains(&root.join("before.md")),
        "unchanged files are not handed back: {seen:?}"
    );
}

#[test]
fn a_folder_moved_in_whole_is_handed_back_as_a_folder() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let batch = outside.path().join("batch");
    std::fs::create_dir(&batch).unwrap();
    std::fs::write(batch.join("one.md"), case_study("Moved in one")).unwrap();
    std::fs::write(batch.join("two.md"), case_study("Moved in two")).unwrap();
    let (_w, rx) = watcher(&root, true, None);
    // Same file system, so a rename: one event for the folder, none for its files.
    let moved = root.join("batch");
    if std::fs::rename(&batch, &moved).is_err() {
        return; // temp dirs on different file systems: nothing to test here
    }
    let seen = collect_until(&rx, &moved);
    assert!(seen.contains(&moved), "{seen:?}");
}

#[test]
fn watched_files_reach_the_library_and_the_list_refuses_what_it_should() {
    let lib_dir = tempfile::tempdir().unwrap();
    let lib = Library::open_with(
        lib_dir.path(),
        &OpenOptions {
            seed_new_library: false,
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let added = lib.add_watched_folder(&root).unwrap();
    assert!(added.available);
    assert_eq!(lib.watched_paths().unwrap(), vec![root.clone()]);
    // Already watched, itself or inside; the library's own folder; not a folder.
    std::fs::create_dir(root.join("inner")).unwrap();
    for bad in [
        root.clone(),
        root.join("inner"),
        lib_dir.path().to_path_buf(),
    ] {
        assert!(lib.add_watched_folder(&bad).is_err(), "{}", bad.display());
    }
    std::fs::write(root.join("file.md"), "x").unwrap();
    assert!(lib.add_watched_folder(&root.join("file.md")).is_err());
    assert!(lib.add_watched_folder(&root.join("missing")).is_err());

    let (_w, rx) = watcher(&root, true, None);
    std::fs::write(root.join("inner/fresh.md"), case_study("Freshly watched")).unwrap();
    let seen = collect_until(&rx, &root.join("inner/fresh.md"));
    let report = lib.import(&seen, &|_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(report.added, 1, "{report:?}");
    let hits = lib
        .search(&SearchRequest {
            query: "\"freshly watched\"".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.total, 1);

    lib.remove_watched_folder(added.id).unwrap();
    assert!(lib.watched_folders().unwrap().is_empty());
    assert!(lib.remove_watched_folder(added.id).is_err());
}
