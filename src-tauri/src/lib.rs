//! Casebook's desktop shell: a Tauri window over `casebook_core::Library`.

pub mod commands;
pub mod error;
pub mod state;
pub mod types;
pub mod ui_state;
pub mod watching;

use state::AppState;
use tauri::menu::{Menu, MenuBuilder, MenuItemBuilder, SubmenuBuilder};
use tauri::{
    AppHandle, DragDropEvent, Emitter, Manager, RunEvent, Runtime, WebviewEvent, WindowEvent,
};

/// Event telling the UI a menu item was chosen; the payload is the item's id.
pub const MENU_EVENT: &str = "menu";

const AUTO_BACKUPS_KEPT: usize = 10;
const AUTO_BACKUP_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);
/// The daily backup waits this long after start, so that reading and writing a large
/// library's copy (gigabytes at 100,000 case studies) does not slow the first searches.
const AUTO_BACKUP_AFTER: std::time::Duration = std::time::Duration::from_secs(90);

pub fn run() {
    linux_webview_defaults();
    init_logging();
    tauri::Builder::default()
        // First: a second launch hands over to the running app and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            focus_main(app);
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(navigation_guard())
        .setup(|app| {
            let ui_state_file = app
                .path()
                .app_config_dir()
                .ok()
                .map(|d| d.join("ui-state.json"));
            let state = AppState::new(state::library_dir(), ui_state_file);
            tracing::info!(library = ?state.dir(), "starting");
            app.manage(state);
            // Open the library now, in the background, so the first search finds it ready.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let Ok(lib) = handle.state::<AppState>().library().await else {
                    return;
                };
                watching::restart(&handle, lib.clone());
                // A rolling daily backup, the last ten kept, once the app has settled.
                let made = tauri::async_runtime::spawn_blocking(move || {
                    std::thread::sleep(AUTO_BACKUP_AFTER);
                    lib.auto_backup(AUTO_BACKUPS_KEPT, AUTO_BACKUP_EVERY)
                })
                .await;
                match made {
                    Ok(Ok(Some(file))) => tracing::info!(backup = ?file, "automatic backup"),
                    Ok(Ok(None)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "automatic backup failed"),
                    Err(e) => tracing::warn!(error = %e, "automatic backup failed"),
                }
            });
            Ok(())
        })
        .menu(build_menu)
        .on_menu_event(|app, event| match menu_action(event.id().as_ref()) {
            MenuAction::ToUi(id) => {
                let _ = app.emit(MENU_EVENT, id);
            }
            // The app has one window: closing it quits.
            MenuAction::CloseWindow => {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.close();
                }
            }
            MenuAction::Quit => app.exit(0),
            MenuAction::None => {}
        })
        // Paths the OS dropped on the window may be imported (see `AppState::grant`). Tauri
        // reports a drop as a window or a webview event depending on the platform: take both.
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                window.state::<AppState>().grant(paths.iter().cloned());
            }
        })
        .on_webview_event(|webview, event| {
            if let WebviewEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                webview.state::<AppState>().grant(paths.iter().cloned());
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::search,
            commands::trends,
            commands::get_case_study,
            commands::render_case_study,
            commands::library_info,
            commands::related,
            commands::companies,
            commands::company,
            commands::get_taxonomy,
            commands::choose_import,
            commands::import_paths,
            commands::cancel_import,
            commands::load_ui_state,
            commands::save_ui_state,
            commands::annotations,
            commands::plain_text,
            commands::add_highlight,
            commands::update_highlight,
            commands::delete_highlight,
            commands::set_note,
            commands::set_starred,
            commands::set_read,
            commands::mark_opened,
            commands::add_tags,
            commands::remove_tags,
            commands::accept_tag,
            commands::dismiss_tag,
            commands::collections,
            commands::create_collection,
            commands::add_to_collection,
            commands::remove_from_collection,
            commands::saved_searches,
            commands::save_search,
            commands::delete_saved_search,
            commands::trash,
            commands::restore,
            commands::trash_list,
            commands::empty_trash,
            commands::user_tags,
            commands::rename_tag,
            commands::rename_collection,
            commands::delete_collection,
            commands::render_note,
            commands::export_case_studies,
            commands::export_collection,
            commands::backups,
            commands::backup_now,
            commands::restore_backup,
            commands::check_library,
            commands::watched_folders,
            commands::add_watched_folder,
            commands::remove_watched_folder,
        ])
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("casebook: cannot start: {e}");
            std::process::exit(1);
        })
        .run(|app, event| {
            // Quitting does not wait for the index's merges; recording the ones that finished
            // spares the next start a full check of the index's files.
            if let RunEvent::Exit = event {
                if let Some(lib) = app.state::<AppState>().opened_library() {
                    lib.stamp_index();
                }
            }
        });
}

/// WebKitGTK's DMA-BUF renderer (the default since 2.42) leaves the window blank on many
/// NVIDIA and Wayland setups, and without a GPU it paints nothing for the first ~0.9 s of a
/// launch (measured under Xvfb; figures in BENCHMARKS.md, "the start-up frame stall"). The
/// legacy renderer has neither problem, so it is the default here, as in other Tauri and
/// WebKitGTK apps; a user who sets the variable (even to 0) keeps their choice.
fn linux_webview_defaults() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // Before any other thread exists (the first thing `run` does), so nothing reads the
        // environment while it changes.
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("CASEBOOK_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// The webview never leaves the app: links open in the system browser (the UI sends them
/// through the opener plugin); any other navigation is refused here as a second line.
fn navigation_guard<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let allowed = is_app_url(url);
            if !allowed {
                tracing::warn!(%url, "blocked navigation away from the app");
            }
            allowed
        })
        .build()
}

fn is_app_url(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" | "asset" => true,
        "http" | "https" => {
            let host = url.host_str().unwrap_or("");
            // Windows and Android serve the app from http(s)://tauri.localhost.
            host == "tauri.localhost"
                || (cfg!(dev)
                    && (host == "localhost" || host == "127.0.0.1")
                    && url.port() == Some(5173))
        }
        "about" => url.as_str() == "about:blank",
        _ => false,
    }
}

/// What a menu item does: most are handled by the UI; closing and quitting here.
#[derive(Debug, PartialEq)]
enum MenuAction<'a> {
    ToUi(&'a str),
    CloseWindow,
    Quit,
    None,
}

fn menu_action(id: &str) -> MenuAction<'_> {
    match id {
        "import_files" | "import_folder" | "export" | "backup" | "backups" | "watched_folders"
        | "check_library" | "find" | "palette" => MenuAction::ToUi(id),
        "close_window" => MenuAction::CloseWindow,
        "quit" => MenuAction::Quit,
        _ => MenuAction::None,
    }
}

fn build_menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let import_files = MenuItemBuilder::with_id("import_files", "Import Files…")
        .accelerator("CmdOrCtrl+O")
        .build(app)?;
    let import_folder = MenuItemBuilder::with_id("import_folder", "Import Folder…")
        .accelerator("CmdOrCtrl+Shift+O")
        .build(app)?;
    let mut file = SubmenuBuilder::new(app, "File")
        .item(&import_files)
        .item(&import_folder)
        .item(&MenuItemBuilder::with_id("watched_folders", "Watched Folders…").build(app)?)
        .item(&MenuItemBuilder::with_id("export", "Export…").build(app)?)
        .separator()
        .item(&MenuItemBuilder::with_id("backup", "Back Up Now").build(app)?)
        .item(&MenuItemBuilder::with_id("backups", "Backups…").build(app)?)
        .item(&MenuItemBuilder::with_id("check_library", "Check Library…").build(app)?)
        .separator()
        // Not tauri's predefined Close Window and Quit: GTK has neither (they show greyed out).
        .item(
            &MenuItemBuilder::with_id("close_window", "Close Window")
                .accelerator("CmdOrCtrl+W")
                .build(app)?,
        );
    // On macOS, Quit is in the app menu.
    if !cfg!(target_os = "macos") {
        file = file.item(
            &MenuItemBuilder::with_id("quit", "Quit")
                .accelerator("CmdOrCtrl+Q")
                .build(app)?,
        );
    }
    let file = file.build()?;
    let mut edit = SubmenuBuilder::new(app, "Edit");
    // Undo and Redo exist on macOS only (elsewhere the webview's text fields handle the keys).
    if cfg!(target_os = "macos") {
        edit = edit.undo().redo().separator();
    }
    let edit = edit
        .cut()
        .copy()
        .paste()
        .select_all()
        .separator()
        .item(&MenuItemBuilder::with_id("find", "Find").build(app)?)
        .item(&MenuItemBuilder::with_id("palette", "Command Palette…").build(app)?)
        .build()?;
    let mut menu = MenuBuilder::new(app);
    #[cfg(target_os = "macos")]
    {
        let app_menu = SubmenuBuilder::new(app, "Casebook")
            .about(None)
            .separator()
            .services()
            .separator()
            .hide()
            .hide_others()
            .show_all()
            .separator()
            .quit()
            .build()?;
        menu = menu.item(&app_menu);
    }
    menu = menu.item(&file).item(&edit);
    menu.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_and_quitting_are_handled_here_the_rest_by_the_ui() {
        assert_eq!(menu_action("quit"), MenuAction::Quit);
        assert_eq!(menu_action("close_window"), MenuAction::CloseWindow);
        assert_eq!(
            menu_action("import_files"),
            MenuAction::ToUi("import_files")
        );
        assert_eq!(menu_action("palette"), MenuAction::ToUi("palette"));
        assert_eq!(menu_action("something else"), MenuAction::None);
    }

    #[test]
    fn only_app_urls_are_navigable() {
        let ok = |s: &str| is_app_url(&tauri::Url::parse(s).unwrap());
        assert!(ok("tauri://localhost/index.html"));
        assert!(ok("http://tauri.localhost/"));
        assert!(!ok("https://example.com/"));
        assert!(!ok("javascript:alert(1)"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("data:text/html,<script>1</script>"));
    }
}
