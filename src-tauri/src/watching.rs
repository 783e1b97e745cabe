//! Watched folders in the app: one `FolderWatcher` over the library's list, restarted when
//! the list changes. What it hands back is imported like a drop (one import at a time) and
//! a report worth showing goes to the UI as a `watch-import` event.

use crate::commands::LIBRARY_CHANGED_EVENT;
use crate::state::AppState;
use casebook_core::watch::{FolderWatcher, WatchOptions};
use casebook_core::{ImportReport, Library};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// Event carrying the [`ImportReport`] of files a watched folder brought in.
pub const WATCH_IMPORT_EVENT: &str = "watch-import";

/// (Re)starts watching the library's folders, and imports what they hold now (new files,
/// and files changed while the app was closed).
pub fn restart<R: Runtime>(app: &AppHandle<R>, lib: Arc<Library>) {
    let state = app.state::<AppState>();
    state.set_watcher(None);
    let folders = match lib.watched_paths() {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the watched folders");
            return;
        }
    };
    if folders.is_empty() {
        return;
    }
    let handle = app.clone();
    let watched_lib = lib.clone();
    match FolderWatcher::start(&folders, WatchOptions::default(), move |paths| {
        import_and_report(&handle, &watched_lib, &paths);
    }) {
        Ok(w) => state.set_watcher(Some(w)),
        Err(e) => tracing::warn!(error = %e, "cannot watch folders"),
    }
    let handle = app.clone();
    std::thread::spawn(move || import_and_report(&handle, &lib, &folders));
}

fn import_and_report<R: Runtime>(app: &AppHandle<R>, lib: &Library, paths: &[PathBuf]) {
    if let Some(report) = import_watched(&app.state::<AppState>(), lib, paths) {
        let _ = app.emit(WATCH_IMPORT_EVENT, &report);
        let _ = app.emit(LIBRARY_CHANGED_EVENT, ());
    }
}

/// Imports paths from a watched folder, waiting for a running import (a drop) to finish.
/// The report when there is something to say: case studies added, updated or merged, or
/// files that failed; `None` when everything was already there as it is.
pub fn import_watched(state: &AppState, lib: &Library, paths: &[PathBuf]) -> Option<ImportReport> {
    let guard = loop {
        match state.begin_import() {
            Ok(g) => break g,
            Err(_) => std::thread::sleep(Duration::from_millis(250)),
        }
    };
    let report = lib.import(paths, &|_| {}, &AtomicBool::new(false));
    drop(guard);
    match report {
        Ok(r) if r.added + r.updated + r.merged > 0 || !r.failed.is_empty() => {
            tracing::info!(
                added = r.added,
                updated = r.updated,
                failed = r.failed.len(),
                "watched folder import"
            );
            Some(r)
        }
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(error = %e, "watched folder import failed");
            Some(ImportReport {
                failed: paths
                    .iter()
                    .map(|p| casebook_core::ImportFailure {
                        path: p.display().to_string(),
                        error: e.to_string(),
                    })
                    .collect(),
                ..Default::default()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use casebook_core::OpenOptions;

    #[test]
    fn only_reports_worth_showing_are_returned_and_imports_take_turns() {
        let lib_dir = tempfile::tempdir().unwrap();
        let lib = Library::open_with(
            lib_dir.path(),
            &OpenOptions {
                seed_new_library: false,
            },
        )
        .unwrap();
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("a.md");
        std::fs::write(
            &file,
            "---\ntitle: Watched\n---\n\nA body about agents in production.\n",
        )
        .unwrap();
        let state = AppState::new(None, None);
        let paths = vec![folder.path().to_path_buf()];
        let first = import_watched(&state, &lib, &paths).expect("a new file is reported");
        assert_eq!(first.added, 1);
        assert!(
            import_watched(&state, &lib, &paths).is_none(),
            "nothing new: no report"
        );
        std::fs::write(folder.path().join("bad.md"), [0xff, 0x00, 0xfe]).unwrap();
        let bad = import_watched(&state, &lib, &[folder.path().join("bad.md")])
            .expect("a failure is reported");
        assert_eq!(bad.failed.len(), 1);
        // While a drop's import runs, a watched import waits for it rather than failing.
        let guard = state.begin_import().unwrap();
        std::thread::scope(|s| {
            let waiting = s.spawn(|| {
                std::fs::write(
                    folder.path().join("b.md"),
                    "---\ntitle: Second\n---\n\nMore on evaluation.\n",
                )
                .unwrap();
                import_watched(&state, &lib, &[folder.path().join("b.md")])
            });
            std::thread::sleep(Duration::from_millis(600));
            assert!(!waiting.is_finished());
            drop(guard);
            assert_eq!(waiting.join().unwrap().unwrap().added, 1);
        });
    }
}
