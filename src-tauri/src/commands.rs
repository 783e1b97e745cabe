//! IPC commands: each one takes typed input, calls the core off the async runtime's threads,
//! and maps the error. They take ids, never paths, except the import, which takes only paths
//! the user dropped on the window or chose in the file dialog.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::{ImportPick, LibraryInfo, UiState};
use crate::ui_state;
use casebook_core::taxonomy::{self, Taxonomy};
use casebook_core::{
    Annotations, CaseStudyDetail, CaseStudyId, Collection, CollectionId, Highlight, HighlightId,
    HighlightInput, HighlightUpdate, ImportProgress, ImportReport, RenderedBody, SavedSearch,
    SearchRequest, SearchResponse, TrashedCaseStudy,
};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::async_runtime::spawn_blocking;
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_dialog::DialogExt;

/// Event carrying an [`ImportProgress`] while an import runs.
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";
/// Event fired when the library changed outside the UI's own request (an import finished).
pub const LIBRARY_CHANGED_EVENT: &str = "library-changed";

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    request: SearchRequest,
) -> AppResult<SearchResponse> {
    let lib = state.library().await?;
    spawn_blocking(move || lib.search(&request))
        .await?
        .map_err(Into::into)
}

#[tauri::command]
pub async fn get_case_study(
    state: State<'_, AppState>,
    id: CaseStudyId,
) -> AppResult<CaseStudyDetail> {
    let lib = state.library().await?;
    spawn_blocking(move || lib.get(&id.to_string()))
        .await?
        .map(CaseStudyDetail::with_source_names)
        .map_err(Into::into)
}

#[tauri::command]
pub async fn render_case_study(
    state: State<'_, AppState>,
    id: CaseStudyId,
) -> AppResult<RenderedBody> {
    let lib = state.library().await?;
    spawn_blocking(move || lib.render(id))
        .await?
        .map_err(Into::into)
}

#[tauri::command]
pub async fn library_info(state: State<'_, AppState>) -> AppResult<LibraryInfo> {
    let lib = state.library().await?;
    let stats = spawn_blocking({
        let lib = lib.clone();
        move || lib.stats()
    })
    .await??;
    Ok(LibraryInfo { stats })
}

#[tauri::command]
pub async fn get_taxonomy() -> AppResult<Taxonomy> {
    Ok(taxonomy::taxonomy())
}

/// Opens the system file dialog; what the user picks may then be imported.
#[tauri::command]
pub async fn choose_import(
    app: AppHandle,
    state: State<'_, AppState>,
    pick: ImportPick,
) -> AppResult<Vec<String>> {
    let picked = spawn_blocking(move || {
        let dialog = app.dialog().file().set_title("Import case studies");
        match pick {
            ImportPick::Files => dialog
                .add_filter(
                    "Case studies",
                    &[
                        "md", "markdown", "txt", "html", "htm", "json", "jsonl", "csv", "zip",
                    ],
                )
                .add_filter("All files", &["*"])
                .blocking_pick_files(),
            ImportPick::Folders => dialog.blocking_pick_folders(),
        }
    })
    .await?
    .unwrap_or_default();
    let paths: Vec<PathBuf> = picked
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect();
    state.grant(paths.iter().cloned());
    Ok(paths.into_iter().map(|p| p.display().to_string()).collect())
}

/// Imports dropped or chosen paths; progress arrives as `import-progress` events, the report
/// as the result. One import at a time (`busy` otherwise).
#[tauri::command]
pub async fn import_paths(
    app: AppHandle,
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> AppResult<ImportReport> {
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    if paths.is_empty() {
        return Err(AppError::invalid("nothing to import"));
    }
    if state.check_granted(&paths).is_err() {
        // The drop reaches the page and Rust's grant from the same OS event; never race it.
        spawn_blocking(|| std::thread::sleep(Duration::from_millis(200))).await?;
        state.check_granted(&paths)?;
    }
    let lib = state.library().await?;
    let guard = state.begin_import()?;
    let cancel = guard.flag.clone();
    let emitter = app.clone();
    let report = spawn_blocking(move || {
        let last = Mutex::new(Instant::now() - Duration::from_secs(1));
        let progress = |p: &ImportProgress| {
            // At most ~30 events a second; the last one always goes out.
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() >= Duration::from_millis(33) || p.done >= p.total {
                *last = Instant::now();
                let _ = emitter.emit(IMPORT_PROGRESS_EVENT, p);
            }
        };
        lib.import(&paths, &progress, &cancel)
    })
    .await?;
    drop(guard);
    let _ = app.emit(LIBRARY_CHANGED_EVENT, ());
    report.map_err(Into::into)
}

/// Stops the running import after its current batch; false when none runs.
#[tauri::command]
pub async fn cancel_import(state: State<'_, AppState>) -> AppResult<bool> {
    Ok(state.cancel_import())
}

#[tauri::command]
pub async fn load_ui_state(state: State<'_, AppState>) -> AppResult<UiState> {
    let file = state.ui_state_file().map(PathBuf::from);
    Ok(spawn_blocking(move || file.map(|f| ui_state::load(&f)).unwrap_or_default()).await?)
}

#[tauri::command]
pub async fn save_ui_state(state: State<'_, AppState>, ui: UiState) -> AppResult<()> {
    let Some(file) = state.ui_state_file().map(PathBuf::from) else {
        return Ok(());
    };
    spawn_blocking(move || ui_state::save(&file, &ui)).await?
}

// ---- Annotating and organising (issue 4): thin adapters over `casebook_core::Library`. ----

/// Runs `f` on the library off the async runtime's threads and maps its error.
async fn with_lib<T: Send + 'static>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&casebook_core::Library) -> casebook_core::Result<T> + Send + 'static,
) -> AppResult<T> {
    let lib = state.library().await?;
    spawn_blocking(move || f(&lib)).await?.map_err(Into::into)
}

#[tauri::command]
pub async fn annotations(state: State<'_, AppState>, id: CaseStudyId) -> AppResult<Annotations> {
    with_lib(&state, move |lib| lib.annotations(id)).await
}

#[tauri::command]
pub async fn plain_text(state: State<'_, AppState>, id: CaseStudyId) -> AppResult<String> {
    with_lib(&state, move |lib| lib.plain_text(id)).await
}

#[tauri::command]
pub async fn add_highlight(
    state: State<'_, AppState>,
    id: CaseStudyId,
    input: HighlightInput,
) -> AppResult<Highlight> {
    with_lib(&state, move |lib| lib.add_highlight(id, &input)).await
}

#[tauri::command]
pub async fn update_highlight(
    state: State<'_, AppState>,
    highlight: HighlightId,
    update: HighlightUpdate,
) -> AppResult<Highlight> {
    with_lib(&state, move |lib| lib.update_highlight(highlight, &update)).await
}

#[tauri::command]
pub async fn delete_highlight(state: State<'_, AppState>, highlight: HighlightId) -> AppResult<()> {
    with_lib(&state, move |lib| lib.delete_highlight(highlight)).await
}

#[tauri::command]
pub async fn set_note(state: State<'_, AppState>, id: CaseStudyId, note: String) -> AppResult<()> {
    with_lib(&state, move |lib| lib.set_note(id, &note)).await
}

#[tauri::command]
pub async fn set_starred(state: State<'_, AppState>, id: CaseStudyId, on: bool) -> AppResult<()> {
    with_lib(&state, move |lib| lib.set_starred(id, on)).await
}

#[tauri::command]
pub async fn set_read(state: State<'_, AppState>, id: CaseStudyId, on: bool) -> AppResult<()> {
    with_lib(&state, move |lib| lib.set_read(id, on)).await
}

#[tauri::command]
pub async fn mark_opened(state: State<'_, AppState>, id: CaseStudyId) -> AppResult<()> {
    with_lib(&state, move |lib| lib.mark_opened(id)).await
}

#[tauri::command]
pub async fn add_tags(
    state: State<'_, AppState>,
    ids: Vec<CaseStudyId>,
    tag: String,
) -> AppResult<u32> {
    with_lib(&state, move |lib| lib.add_tags(&ids, &tag)).await
}

#[tauri::command]
pub async fn remove_tags(
    state: State<'_, AppState>,
    ids: Vec<CaseStudyId>,
    tag: String,
) -> AppResult<u32> {
    with_lib(&state, move |lib| lib.remove_tags(&ids, &tag)).await
}

#[tauri::command]
pub async fn accept_tag(state: State<'_, AppState>, id: CaseStudyId, tag: String) -> AppResult<()> {
    with_lib(&state, move |lib| lib.accept_tag(id, &tag)).await
}

#[tauri::command]
pub async fn dismiss_tag(
    state: State<'_, AppState>,
    id: CaseStudyId,
    tag: String,
) -> AppResult<()> {
    with_lib(&state, move |lib| lib.dismiss_tag(id, &tag)).await
}

#[tauri::command]
pub async fn collections(state: State<'_, AppState>) -> AppResult<Vec<Collection>> {
    with_lib(&state, |lib| lib.collections()).await
}

#[tauri::command]
pub async fn create_collection(state: State<'_, AppState>, name: String) -> AppResult<Collection> {
    with_lib(&state, move |lib| lib.create_collection(&name)).await
}

#[tauri::command]
pub async fn add_to_collection(
    state: State<'_, AppState>,
    collection: CollectionId,
    ids: Vec<CaseStudyId>,
) -> AppResult<u32> {
    with_lib(&state, move |lib| lib.add_to_collection(collection, &ids)).await
}

#[tauri::command]
pub async fn remove_from_collection(
    state: State<'_, AppState>,
    collection: CollectionId,
    ids: Vec<CaseStudyId>,
) -> AppResult<u32> {
    with_lib(&state, move |lib| {
        lib.remove_from_collection(collection, &ids)
    })
    .await
}

#[tauri::command]
pub async fn saved_searches(state: State<'_, AppState>) -> AppResult<Vec<SavedSearch>> {
    with_lib(&state, |lib| lib.saved_searches()).await
}

#[tauri::command]
pub async fn save_search(
    state: State<'_, AppState>,
    name: String,
    request: SearchRequest,
) -> AppResult<SavedSearch> {
    with_lib(&state, move |lib| lib.save_search(&name, &request)).await
}

/// Deletes a saved search by id (its digits) — never by a path.
#[tauri::command]
pub async fn delete_saved_search(state: State<'_, AppState>, id: i64) -> AppResult<()> {
    with_lib(&state, move |lib| lib.delete_saved_search(&id.to_string())).await
}

#[tauri::command]
pub async fn trash(state: State<'_, AppState>, ids: Vec<CaseStudyId>) -> AppResult<()> {
    with_lib(&state, move |lib| lib.trash(&ids)).await
}

#[tauri::command]
pub async fn restore(state: State<'_, AppState>, ids: Vec<CaseStudyId>) -> AppResult<()> {
    with_lib(&state, move |lib| lib.restore(&ids)).await
}

#[tauri::command]
pub async fn trash_list(state: State<'_, AppState>) -> AppResult<Vec<TrashedCaseStudy>> {
    with_lib(&state, |lib| lib.trash_list()).await
}
