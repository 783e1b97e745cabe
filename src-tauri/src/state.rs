//! What the app keeps between commands: the library (opened once, in the background), the
//! running import's cancel flag, and the paths the user handed over by dropping or choosing.

use crate::error::{AppError, AppResult, ErrorCode};
use casebook_core::Library;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// Environment variable naming the library folder (tests point it at a temporary folder).
pub const LIBRARY_ENV: &str = "CASEBOOK_LIBRARY";

pub struct AppState {
    dir: Option<PathBuf>,
    library: OnceCell<Result<Arc<Library>, AppError>>,
    import: Mutex<Option<Arc<AtomicBool>>>,
    grants: Mutex<HashSet<PathBuf>>,
    ui_state_file: Option<PathBuf>,
    watcher: Mutex<Option<casebook_core::watch::FolderWatcher>>,
}

/// The library folder: `$CASEBOOK_LIBRARY` when set and not empty, else the per-user default.
pub fn library_dir() -> Option<PathBuf> {
    match std::env::var_os(LIBRARY_ENV) {
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => casebook_core::default_library_dir(),
    }
}

impl AppState {
    pub fn new(dir: Option<PathBuf>, ui_state_file: Option<PathBuf>) -> AppState {
        AppState {
            dir,
            library: OnceCell::new(),
            import: Mutex::new(None),
            grants: Mutex::new(HashSet::new()),
            ui_state_file,
            watcher: Mutex::new(None),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn ui_state_file(&self) -> Option<&Path> {
        self.ui_state_file.as_deref()
    }

    /// The open library; the first caller opens it (off the async runtime's threads), the
    /// others wait for that. A failure to open is kept and returned to every caller.
    pub async fn library(&self) -> AppResult<Arc<Library>> {
        self.library
            .get_or_init(|| async {
                let Some(dir) = self.dir.clone() else {
                    return Err(AppError::new(
                        ErrorCode::LibraryUnavailable,
                        "no folder for the library: set CASEBOOK_LIBRARY or a home folder",
                    ));
                };
                let opened =
                    tauri::async_runtime::spawn_blocking(move || Library::open(&dir)).await;
                match opened {
                    Ok(Ok(lib)) => Ok(Arc::new(lib)),
                    Ok(Err(e)) => {
                        let mut err = AppError::from(e);
                        if err.code == ErrorCode::Internal || err.code == ErrorCode::Invalid {
                            err.code = ErrorCode::LibraryUnavailable;
                        }
                        tracing::error!(error = %err, "could not open the library");
                        Err(err)
                    }
                    Err(e) => Err(AppError::new(
                        ErrorCode::LibraryUnavailable,
                        format!("opening the library failed: {e}"),
                    )),
                }
            })
            .await
            .clone()
    }

    /// The library if it is open, without opening it.
    pub fn opened_library(&self) -> Option<Arc<Library>> {
        self.library
            .get()
            .and_then(|opened| opened.as_ref().ok().cloned())
    }

    /// Replaces the folder watcher (dropping the old one stops it).
    pub fn set_watcher(&self, watcher: Option<casebook_core::watch::FolderWatcher>) {
        let old = std::mem::replace(
            &mut *self.watcher.lock().unwrap_or_else(|p| p.into_inner()),
            watcher,
        );
        drop(old);
    }

    /// Marks an import as running; `busy` when one already is.
    pub fn begin_import(&self) -> AppResult<ImportGuard<'_>> {
        let mut slot = self.import.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return Err(AppError::new(
                ErrorCode::Busy,
                "an import is already running; wait for it or cancel it first",
            ));
        }
        let flag = Arc::new(AtomicBool::new(false));
        *slot = Some(flag.clone());
        Ok(ImportGuard { state: self, flag })
    }

    /// Asks the running import to stop after its current batch. False when none runs.
    pub fn cancel_import(&self) -> bool {
        let slot = self.import.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some(flag) => {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Records paths the user handed to the app (a native drop, a file dialog): only those
    /// may be imported, so a compromised page cannot make the app read arbitrary files.
    pub fn grant(&self, paths: impl IntoIterator<Item = PathBuf>) {
        let mut grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        for p in paths {
            grants.insert(normalise(&p));
        }
    }

    /// Checks that every path was granted; consumes nothing (the same drop may be retried).
    pub fn check_granted(&self, paths: &[PathBuf]) -> AppResult<()> {
        let grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        for p in paths {
            if !grants.contains(&normalise(p)) {
                return Err(AppError::invalid(format!(
                    "{} was not dropped on the window or chosen in the file dialog",
                    p.display()
                )));
            }
        }
        Ok(())
    }
}

/// Clears the running-import slot when the import ends, however it ends.
pub struct ImportGuard<'a> {
    state: &'a AppState,
    pub flag: Arc<AtomicBool>,
}

impl Drop for ImportGuard<'_> {
    fn drop(&mut self) {
        let mut slot = self.state.import.lock().unwrap_or_else(|p| p.into_inner());
        *slot = None;
    }
}

fn normalise(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_granted_paths_pass() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        std::fs::write(&a, "x").unwrap();
        let state = AppState::new(None, None);
        assert_eq!(
            state
                .check_granted(std::slice::from_ref(&a))
                .unwrap_err()
                .code,
            ErrorCode::Invalid
        );
        state.grant([a.clone()]);
        state.check_granted(std::slice::from_ref(&a)).unwrap();
        // The same file through another spelling of its path is the same grant.
        let b = dir.path().join(".").join("a.md");
        state.check_granted(&[b]).unwrap();
        assert!(state
            .check_granted(&[PathBuf::from("/etc/passwd")])
            .is_err());
    }

    #[test]
    fn one_import_at_a_time() {
        let state = AppState::new(None, None);
        let guard = state.begin_import().unwrap();
        assert_eq!(state.begin_import().err().unwrap().code, ErrorCode::Busy);
        assert!(state.cancel_import());
        assert!(guard.flag.load(std::sync::atomic::Ordering::SeqCst));
        drop(guard);
        assert!(!state.cancel_import());
        assert!(state.begin_import().is_ok());
    }

    #[test]
    fn no_dir_is_library_unavailable() {
        let state = AppState::new(None, None);
        let err = tauri::async_runtime::block_on(state.library())
            .err()
            .unwrap();
        assert_eq!(err.code, ErrorCode::LibraryUnavailable);
    }

    #[test]
    fn opens_a_library_once_and_shares_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(Some(dir.path().join("lib")), None);
        let a = tauri::async_runtime::block_on(state.library()).unwrap();
        let b = tauri::async_runtime::block_on(state.library()).unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &b));
    }
}
