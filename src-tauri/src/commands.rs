//! IPC commands: each one takes typed input, calls the core off the async runtime's threads,
//! and maps the error. They take ids, never paths, except the import, which takes only paths
//! the user dropped on the window or chose in the file dialog.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::{ImportPick, LibraryInfo, UiState};
use crate::ui_state;
use casebook_core::taxonomy::{self, Taxonomy};
use casebook_core::{
    Annotations, BackupInfo, CaseStudyDetail, CaseStudyId, CheckReport, Collection, CollectionId,
    CompanyDetail, CompanySummary, ExportFormat, ExportOutcome, Highlight, HighlightId,
    HighlightInput, HighlightUpdate, ImportProgress, ImportReport, RelatedCaseStudy, RenderedBody,
    SavedSearch, SearchRequest, SearchResponse, TagCount, TrashedCaseStudy, Trends, TrendsRequest,
    WatchedFolder,
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
/// How many related case studies the reader lists.
const RELATED_SHOWN: usize = 6;

/// Runs `f` on the library off the async runtime's threads and maps its error.
async fn with_lib<T: Send + 'static>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&casebook_core::Library) -> casebook_core::Result<T> + Send + 'static,
) -> AppResult<T> {
    let lib = state.library().await?;
    spawn_blocking(move || f(&lib)).await?.map_err(Into::into)
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    request: SearchRequest,
) -> AppResult<SearchResponse> {
    with_lib(&state, move |lib| lib.search(&request)).await
}

/// Counts per year and per tag (or industry) over what a search finds (the Trends view).
#[tauri::command]
pub async fn trends(state: State<'_, AppState>, request: TrendsRequest) -> AppResult<Trends> {
    with_lib(&state, move |lib| lib.trends(&request)).await
}

#[tauri::command]
pub async fn get_case_study(
    state: State<'_, AppState>,
    id: CaseStudyId,
) -> AppResult<CaseStudyDetail> {
    with_lib(&state, move |lib| {
        lib.get(&id.to_string())
            .map(CaseStudyDetail::with_source_names)
    })
    .await
}

#[tauri::command]
pub async fn render_case_study(
    state: State<'_, AppState>,
    id: CaseStudyId,
) -> AppResult<RenderedBody> {
    with_lib(&state, move |lib| lib.render(id)).await
}

/// The case studies most like `id` (the reader's "Related" list).
#[tauri::command]
pub async fn related(
    state: State<'_, AppState>,
    id: CaseStudyId,
) -> AppResult<Vec<RelatedCaseStudy>> {
    with_lib(&state, move |lib| lib.related(id, RELATED_SHOWN)).await
}

/// Every company of the library (spellings and aliases merged), most case studies first.
#[tauri::command]
pub async fn companies(state: State<'_, AppState>) -> AppResult<Vec<CompanySummary>> {
    with_lib(&state, |lib| lib.companies()).await
}

/// One company (by key, name, spelling or alias) and its case studies by year.
#[tauri::command]
pub async fn company(state: State<'_, AppState>, key: String) -> AppResult<CompanyDetail> {
    with_lib(&state, move |lib| lib.company(&key)).await
}

#[tauri::command]
pub async fn library_info(state: State<'_, AppState>) -> AppResult<LibraryInfo> {
    let stats = with_lib(&state, |lib| lib.stats()).await?;
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

#[tauri::command]
pub async fn empty_trash(state: State<'_, AppState>) -> AppResult<u64> {
    with_lib(&state, |lib| lib.empty_trash()).await
}

#[tauri::command]
pub async fn user_tags(state: State<'_, AppState>) -> AppResult<Vec<TagCount>> {
    with_lib(&state, |lib| lib.user_tags()).await
}

/// Renames a user tag everywhere; onto an existing tag, merges the two.
#[tauri::command]
pub async fn rename_tag(state: State<'_, AppState>, from: String, to: String) -> AppResult<u32> {
    with_lib(&state, move |lib| lib.rename_tag(&from, &to)).await
}

#[tauri::command]
pub async fn rename_collection(
    state: State<'_, AppState>,
    collection: CollectionId,
    name: String,
) -> AppResult<Collection> {
    with_lib(&state, move |lib| lib.rename_collection(collection, &name)).await
}

#[tauri::command]
pub async fn delete_collection(
    state: State<'_, AppState>,
    collection: CollectionId,
) -> AppResult<()> {
    with_lib(&state, move |lib| lib.delete_collection(collection)).await
}

/// A note's Markdown as sanitised HTML (the note editor's preview).
#[tauri::command]
pub async fn render_note(markdown: String) -> AppResult<String> {
    Ok(casebook_core::render::to_html(&markdown).html)
}

/// Asks where to export (a folder for Markdown, a file for JSON) and writes there; `None`
/// when the user cancels.
#[tauri::command]
pub async fn export_case_studies(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<CaseStudyId>,
    format: ExportFormat,
) -> AppResult<Option<ExportOutcome>> {
    if ids.is_empty() {
        return Err(AppError::invalid("nothing selected to export"));
    }
    let dest = spawn_blocking(move || {
        let dialog = app.dialog().file().set_title("Export case studies");
        match format {
            ExportFormat::Markdown => dialog.blocking_pick_folder(),
            ExportFormat::Json => dialog
                .set_file_name("casebook-export.json")
                .add_filter("JSON", &["json"])
                .blocking_save_file(),
        }
    })
    .await?
    .and_then(|p| p.into_path().ok());
    let Some(dest) = dest else {
        return Ok(None);
    };
    with_lib(&state, move |lib| {
        lib.export_to(&ids, format, &dest).map(Some)
    })
    .await
}

#[tauri::command]
pub async fn export_collection(
    app: AppHandle,
    state: State<'_, AppState>,
    collection: CollectionId,
    format: ExportFormat,
) -> AppResult<Option<ExportOutcome>> {
    let ids = with_lib(&state, move |lib| lib.collection_member_ids(collection)).await?;
    export_case_studies(app, state, ids, format).await
}

#[tauri::command]
pub async fn backups(state: State<'_, AppState>) -> AppResult<Vec<BackupInfo>> {
    with_lib(&state, |lib| lib.backup_infos()).await
}

#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> AppResult<BackupInfo> {
    with_lib(&state, |lib| lib.backup_now()).await
}

/// Replaces the library with one of its backups (by file name), then tells the UI.
#[tauri::command]
pub async fn restore_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> AppResult<u64> {
    let n = with_lib(&state, move |lib| lib.restore_named_backup(&name)).await?;
    let _ = app.emit(LIBRARY_CHANGED_EVENT, ());
    Ok(n)
}

// ---- Watched folders (issue 7): the list here, the watching in `crate::watching`. ----

#[tauri::command]
pub async fn watched_folders(state: State<'_, AppState>) -> AppResult<Vec<WatchedFolder>> {
    with_lib(&state, |lib| lib.watched_folders()).await
}

/// Asks for a folder in the system dialog and watches it; `None` when the user cancels.
#[tauri::command]
pub async fn add_watched_folder(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<Option<WatchedFolder>> {
    let dialog_app = app.clone();
    let picked = spawn_blocking(move || {
        dialog_app
            .dialog()
            .file()
            .set_title("Watch a folder for case studies")
            .blocking_pick_folder()
    })
    .await?
    .and_then(|p| p.into_path().ok());
    let Some(folder) = picked else {
        return Ok(None);
    };
    let added = with_lib(&state, move |lib| lib.add_watched_folder(&folder)).await?;
    crate::watching::restart(&app, state.library().await?);
    Ok(Some(added))
}

#[tauri::command]
pub async fn remove_watched_folder(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> AppResult<()> {
    with_lib(&state, move |lib| lib.remove_watched_folder(id)).await?;
    crate::watching::restart(&app, state.library().await?);
    Ok(())
}

/// Verifies the whole library (`casebook check`); with `repair`, fixes what it can first.
#[tauri::command]
pub async fn check_library(
    app: AppHandle,
    state: State<'_, AppState>,
    repair: bool,
) -> AppResult<CheckReport> {
    let report = with_lib(&state, move |lib| lib.check(repair)).await?;
    if repair {
        let _ = app.emit(LIBRARY_CHANGED_EVENT, ());
    }
    Ok(report)
}
