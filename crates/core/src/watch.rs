//! Watched folders: case-study files saved or changed there are handed back, debounced, to
//! be imported.
//!
//! Two sources of events feed one debouncer: the platform's notifications (inotify,
//! FSEvents, ReadDirectoryChangesW) and a slow metadata poll (`notify`'s `PollWatcher`) for
//! network drives and other file systems that send none. A path is handed back once it has
//! been quiet for `debounce` and its size and modification time stopped changing. Editors'
//! temp, swap and backup files are not case studies and are ignored, so a save through a
//! temp file and a rename (vim, JetBrains, VS Code) hands back the final file once; a path
//! whose size and time are those it was last handed back with is not handed back again.

use crate::error::{Error, Result};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// Extensions of the files a watched folder hands back (the importer's shapes and archives).
const EXTENSIONS: &[&str] = &[
    "md", "markdown", "mdown", "mkd", "txt", "text", "html", "htm", "xhtml", "json", "jsonl",
    "ndjson", "csv", "zip",
];

#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// How long a path must be quiet (no events, same size and time) before it is handed back.
    pub debounce: Duration,
    /// Every this often, every file's metadata is compared with the last poll's, for file
    /// systems that send no events. `None`: no polling.
    pub poll_interval: Option<Duration>,
    /// Whether to use the platform's notifications (false: polling only, as on a network drive).
    pub native: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            debounce: Duration::from_millis(1500),
            poll_interval: Some(Duration::from_secs(30)),
            native: true,
        }
    }
}

/// Watches folders until dropped; `on_change` runs on the watcher's own thread with the
/// batch of files (or newly appeared folders) ready to import.
pub struct FolderWatcher {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    // Kept alive for as long as the watcher runs; dropping them stops their events.
    _native: Option<RecommendedWatcher>,
    _poll: Option<PollWatcher>,
}

impl FolderWatcher {
    pub fn start(
        folders: &[PathBuf],
        options: WatchOptions,
        mut on_change: impl FnMut(Vec<PathBuf>) + Send + 'static,
    ) -> Result<FolderWatcher> {
        let (events_tx, events_rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let watch_error = |path: &Path, e: notify::Error| {
            Error::Invalid(format!("cannot watch {}: {e}", path.display()))
        };
        let native = if options.native {
            let mut w = notify::recommended_watcher(events_tx.clone())
                .map_err(|e| Error::Invalid(format!("cannot watch folders: {e}")))?;
            for f in folders {
                w.watch(f, RecursiveMode::Recursive)
                    .map_err(|e| watch_error(f, e))?;
            }
            Some(w)
        } else {
            None
        };
        let poll = match options.poll_interval {
            Some(interval) => {
                let config = notify::Config::default().with_poll_interval(interval);
                let mut w = PollWatcher::new(events_tx, config)
                    .map_err(|e| Error::Invalid(format!("cannot watch folders: {e}")))?;
                for f in folders {
                    w.watch(f, RecursiveMode::Recursive)
                        .map_err(|e| watch_error(f, e))?;
                }
                Some(w)
            }
            None => None,
        };
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let debounce = options.debounce;
        let thread = std::thread::Builder::new()
            .name("casebook-watch".into())
            .spawn(move || {
                let mut debouncer = Debouncer::new(debounce);
                let tick =
                    (debounce / 4).clamp(Duration::from_millis(20), Duration::from_millis(250));
                loop {
                    match stop_rx.try_recv() {
                        Ok(()) | Err(mpsc::TryRecvError::Disconnected) => return,
                        Err(mpsc::TryRecvError::Empty) => {}
                    }
                    match events_rx.recv_timeout(tick) {
                        Ok(Ok(event)) => {
                            if !matches!(event.kind, EventKind::Access(_)) {
                                for p in event.paths {
                                    debouncer.touch(p, Instant::now());
                                }
                            }
                        }
                        Ok(Err(e)) => tracing::warn!(error = %e, "watched folder event error"),
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                    let ready = debouncer.ready(Instant::now());
                    if !ready.is_empty() {
                        on_change(ready);
                    }
                }
            })
            .map_err(|e| Error::io("casebook-watch thread", e))?;
        Ok(FolderWatcher {
            stop: Some(stop_tx),
            thread: Some(thread),
            _native: native,
            _poll: poll,
        })
    }
}

impl Drop for FolderWatcher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Whether a path that changed may be a case study to import: a known extension, not
/// hidden, not an editor's temp, swap, lock or backup file, not a partial download.
pub fn is_candidate_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with('.') || name.starts_with('#') || name.starts_with("~$") {
        return false; // hidden, emacs autosave and lock (.#x, #x#), Office lock files
    }
    if name.contains("___jb_") || name.ends_with('~') {
        return false; // JetBrains safe-write temps, backup copies
    }
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
        return false;
    };
    EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
}

/// A folder counts when it is not hidden: one moved in whole sends a single event.
fn is_candidate_dir(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| !n.starts_with('.'))
}

/// Size and modification time: what "the file stopped changing" compares.
type Stamp = (u64, Option<SystemTime>);

fn stamp(path: &Path) -> Option<(Stamp, bool)> {
    let m = std::fs::metadata(path).ok()?;
    Some(((m.len(), m.modified().ok()), m.is_dir()))
}

/// Paths seen changing, until they have been quiet long enough.
struct Debouncer {
    quiet: Duration,
    pending: HashMap<PathBuf, (Instant, Option<Stamp>)>,
    handed_back: HashMap<PathBuf, Stamp>,
}

impl Debouncer {
    fn new(quiet: Duration) -> Self {
        Debouncer {
            quiet,
            pending: HashMap::new(),
            handed_back: HashMap::new(),
        }
    }

    fn touch(&mut self, path: PathBuf, now: Instant) {
        let stamp = stamp(&path);
        let wanted = match stamp {
            Some((_, true)) => is_candidate_dir(&path),
            // Gone already (a temp file renamed away) or a file: judge by its name.
            _ => is_candidate_file(&path),
        };
        if wanted {
            self.pending.insert(path, (now, stamp.map(|(s, _)| s)));
        }
    }

    /// The paths quiet for long enough and unchanged since their last event, in order.
    fn ready(&mut self, now: Instant) -> Vec<PathBuf> {
        let mut ready = Vec::new();
        let quiet = self.quiet;
        let mut gone = Vec::new();
        for (path, (last, seen)) in self.pending.iter_mut() {
            if now.duration_since(*last) < quiet {
                continue;
            }
            match stamp(path) {
                None => gone.push(path.clone()),
                Some((s, _)) if Some(s) != *seen => {
                    // Still being written: wait another quiet period.
                    *last = now;
                    *seen = Some(s);
                }
                Some((s, _)) => {
                    gone.push(path.clone());
                    if self.handed_back.get(path) != Some(&s) {
                        self.handed_back.insert(path.clone(), s);
                        ready.push(path.clone());
                    }
                }
            }
        }
        for p in gone {
            self.pending.remove(&p);
        }
        ready.sort();
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_swap_and_backup_files_are_not_candidates() {
        for name in [
            "notes.md",
            "Case Study.MD",
            "a.jsonl",
            "export.zip",
            "page.htm",
            "x.csv",
        ] {
            assert!(is_candidate_file(Path::new(name)), "{name}");
        }
        for name in [
            ".notes.md.swp",
            "notes.md~",
            "4913",
            ".#notes.md",
            "#notes.md#",
            "notes.md___jb_tmp___",
            "notes.md.crdownload",
            "notes.md.part",
            "~$report.md",
            ".hidden.md",
            "image.png",
            "noext",
        ] {
            assert!(!is_candidate_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn a_path_is_ready_once_quiet_and_not_again_while_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "# A\n\nbody").unwrap();
        let mut d = Debouncer::new(Duration::from_secs(1));
        let t0 = Instant::now();
        d.touch(file.clone(), t0);
        d.touch(dir.path().join("a.md.swp"), t0);
        assert!(
            d.ready(t0 + Duration::from_millis(500)).is_empty(),
            "too soon"
        );
        assert_eq!(d.ready(t0 + Duration::from_secs(1)), vec![file.clone()]);
        // The poll reports the same file again, unchanged: not handed back twice.
        d.touch(file.clone(), t0 + Duration::from_secs(2));
        assert!(d.ready(t0 + Duration::from_secs(4)).is_empty());
        // Changed: handed back again.
        std::fs::write(&file, "# A\n\nlonger body").unwrap();
        d.touch(file.clone(), t0 + Duration::from_secs(5));
        assert_eq!(d.ready(t0 + Duration::from_secs(7)), vec![file]);
    }

    #[test]
    fn a_file_still_growing_waits_and_a_vanished_one_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.jsonl");
        std::fs::write(&file, "{}\n").unwrap();
        let gone = dir.path().join("gone.md");
        std::fs::write(&gone, "x").unwrap();
        let mut d = Debouncer::new(Duration::from_secs(1));
        let t0 = Instant::now();
        d.touch(file.clone(), t0);
        d.touch(gone.clone(), t0);
        std::fs::write(&file, "{}\n{}\n").unwrap(); // grew after its last event
        std::fs::remove_file(&gone).unwrap();
        assert!(d.ready(t0 + Duration::from_secs(1)).is_empty());
        assert_eq!(d.ready(t0 + Duration::from_secs(2)), vec![file]);
        assert!(d.pending.is_empty());
    }
}
