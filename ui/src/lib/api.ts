// The only module that talks to the Rust side. Everything typed by the generated bindings.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { openUrl } from "@tauri-apps/plugin-opener";
import type { AppError } from "./bindings/AppError";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { CaseStudyDetail } from "./bindings/CaseStudyDetail";
import type { ImportPick } from "./bindings/ImportPick";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { LibraryInfo } from "./bindings/LibraryInfo";
import type { RenderedBody } from "./bindings/RenderedBody";
import type { SearchRequest } from "./bindings/SearchRequest";
import type { SearchResponse } from "./bindings/SearchResponse";
import type { Taxonomy } from "./bindings/Taxonomy";
import type { UiState } from "./bindings/UiState";
import type { Annotations } from "./bindings/Annotations";
import type { Collection } from "./bindings/Collection";
import type { Highlight } from "./bindings/Highlight";
import type { HighlightInput } from "./bindings/HighlightInput";
import type { HighlightUpdate } from "./bindings/HighlightUpdate";
import type { SavedSearch } from "./bindings/SavedSearch";
import type { TrashedCaseStudy } from "./bindings/TrashedCaseStudy";
import type { RelatedCaseStudy } from "./bindings/RelatedCaseStudy";
import type { TagCount } from "./bindings/TagCount";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { ExportOutcome } from "./bindings/ExportOutcome";
import type { WatchedFolder } from "./bindings/WatchedFolder";
import type { CheckReport } from "./bindings/CheckReport";
import type { CompanySummary } from "./bindings/CompanySummary";
import type { CompanyDetail } from "./bindings/CompanyDetail";
import type { Trends } from "./bindings/Trends";
import type { TrendsRequest } from "./bindings/TrendsRequest";

/** An error from a command, or from the bridge itself, in words for a person. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as AppError).code === "string" &&
    typeof (e as AppError).message === "string"
  );
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isAppError(e)) return new ApiError(e.code, e.message);
  if (e instanceof Error) return new ApiError("internal", e.message);
  return new ApiError("internal", typeof e === "string" ? e : "Something went wrong.");
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const IMPORT_PROGRESS_EVENT = "import-progress";
export const LIBRARY_CHANGED_EVENT = "library-changed";
export const MENU_EVENT = "menu";
export const WATCH_IMPORT_EVENT = "watch-import";

export type MenuAction =
  | "import_files"
  | "import_folder"
  | "find"
  | "palette"
  /** Back up now, then say so. */
  | "backup"
  /** Open the backups dialog. */
  | "backups"
  /** Open the watched folders dialog. */
  | "watched_folders"
  /** Check the library and show the report. */
  | "check_library"
  /** Export the selected results (or the open case study), asking the format. */
  | "export";

export type DragDrop =
  { type: "enter"; paths: string[] } | { type: "over" } | { type: "drop"; paths: string[] } | { type: "leave" };

export const api = {
  search: (request: SearchRequest) => call<SearchResponse>("search", { request }),
  trends: (request: TrendsRequest) => call<Trends>("trends", { request }),
  getCaseStudy: (id: number) => call<CaseStudyDetail>("get_case_study", { id }),
  renderCaseStudy: (id: number) => call<RenderedBody>("render_case_study", { id }),
  libraryInfo: () => call<LibraryInfo>("library_info"),
  related: (id: number) => call<RelatedCaseStudy[]>("related", { id }),
  /** Every company (spellings and aliases merged), most case studies first. */
  companies: () => call<CompanySummary[]>("companies"),
  /** A company by key (or any name of it) with its case studies by year. */
  company: (key: string) => call<CompanyDetail>("company", { key }),
  taxonomy: () => call<Taxonomy>("get_taxonomy"),
  chooseImport: (pick: ImportPick) => call<string[]>("choose_import", { pick }),
  importPaths: (paths: string[]) => call<ImportReport>("import_paths", { paths }),
  cancelImport: () => call<boolean>("cancel_import"),
  loadUiState: () => call<UiState>("load_ui_state"),
  saveUiState: (ui: UiState) => call<null>("save_ui_state", { ui }),

  // Annotating and organising
  annotations: (id: number) => call<Annotations>("annotations", { id }),
  plainText: (id: number) => call<string>("plain_text", { id }),
  addHighlight: (id: number, input: HighlightInput) => call<Highlight>("add_highlight", { id, input }),
  updateHighlight: (highlight: number, update: HighlightUpdate) =>
    call<Highlight>("update_highlight", { highlight, update }),
  deleteHighlight: (highlight: number) => call<null>("delete_highlight", { highlight }),
  setNote: (id: number, note: string) => call<null>("set_note", { id, note }),
  setStarred: (id: number, on: boolean) => call<null>("set_starred", { id, on }),
  setRead: (id: number, on: boolean) => call<null>("set_read", { id, on }),
  markOpened: (id: number) => call<null>("mark_opened", { id }),
  addTags: (ids: number[], tag: string) => call<number>("add_tags", { ids, tag }),
  removeTags: (ids: number[], tag: string) => call<number>("remove_tags", { ids, tag }),
  acceptTag: (id: number, tag: string) => call<null>("accept_tag", { id, tag }),
  dismissTag: (id: number, tag: string) => call<null>("dismiss_tag", { id, tag }),
  collections: () => call<Collection[]>("collections"),
  createCollection: (name: string) => call<Collection>("create_collection", { name }),
  addToCollection: (collection: number, ids: number[]) => call<number>("add_to_collection", { collection, ids }),
  removeFromCollection: (collection: number, ids: number[]) =>
    call<number>("remove_from_collection", { collection, ids }),
  savedSearches: () => call<SavedSearch[]>("saved_searches"),
  saveSearch: (name: string, request: SearchRequest) => call<SavedSearch>("save_search", { name, request }),
  deleteSavedSearch: (id: number) => call<null>("delete_saved_search", { id }),
  trash: (ids: number[]) => call<null>("trash", { ids }),
  restore: (ids: number[]) => call<null>("restore", { ids }),
  trashList: () => call<TrashedCaseStudy[]>("trash_list"),
  /** Deletes the trashed case studies for good; returns how many. */
  emptyTrash: () => call<number>("empty_trash"),
  /** The user's own tags with counts, most used first. */
  userTags: () => call<TagCount[]>("user_tags"),
  /** Renames (or, onto an existing tag, merges) a user tag; returns the case studies changed. */
  renameTag: (from: string, to: string) => call<number>("rename_tag", { from, to }),
  renameCollection: (collection: number, name: string) => call<Collection>("rename_collection", { collection, name }),
  deleteCollection: (collection: number) => call<null>("delete_collection", { collection }),
  /** A note's Markdown as sanitised HTML (sanitise it again before showing it). */
  renderNote: (markdown: string) => call<string>("render_note", { markdown }),
  /** Rust asks where (system dialog); null when the user cancelled. */
  exportCaseStudies: (ids: number[], format: ExportFormat) =>
    call<ExportOutcome | null>("export_case_studies", { ids, format }),
  exportCollection: (collection: number, format: ExportFormat) =>
    call<ExportOutcome | null>("export_collection", { collection, format }),
  backupNow: () => call<BackupInfo>("backup_now"),
  /** Oldest first. */
  backups: () => call<BackupInfo[]>("backups"),
  /** Replaces the library with a backup; returns its number of case studies. */
  restoreBackup: (name: string) => call<number>("restore_backup", { name }),
  /** Verifies the whole library; with `repair`, fixes what it can first. */
  checkLibrary: (repair: boolean) => call<CheckReport>("check_library", { repair }),
  watchedFolders: () => call<WatchedFolder[]>("watched_folders"),
  /** Rust asks which folder (system dialog); null when the user cancelled. */
  addWatchedFolder: () => call<WatchedFolder | null>("add_watched_folder"),
  removeWatchedFolder: (id: number) => call<null>("remove_watched_folder", { id }),

  /** Opens an http(s) link in the system browser; the webview itself never navigates. */
  async openExternal(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ApiError("invalid", `Not a link: ${url}`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new ApiError("invalid", `Only web links can be opened (${parsed.protocol} refused).`);
    }
    try {
      await openUrl(parsed.href);
    } catch (e) {
      throw toApiError(e);
    }
  },

  onImportProgress: (cb: (p: ImportProgress) => void): Promise<UnlistenFn> =>
    listen<ImportProgress>(IMPORT_PROGRESS_EVENT, (e) => cb(e.payload)),

  /** The report of files a watched folder brought in (only when something changed or failed). */
  onWatchImport: (cb: (r: ImportReport) => void): Promise<UnlistenFn> =>
    listen<ImportReport>(WATCH_IMPORT_EVENT, (e) => cb(e.payload)),

  onLibraryChanged: (cb: () => void): Promise<UnlistenFn> => listen(LIBRARY_CHANGED_EVENT, () => cb()),

  onMenu: (cb: (action: MenuAction) => void): Promise<UnlistenFn> =>
    listen<MenuAction>(MENU_EVENT, (e) => cb(e.payload)),

  /** The OS drag-and-drop of files onto the window (gives real paths, unlike HTML5 drops). */
  onDragDrop: (cb: (e: DragDrop) => void): Promise<UnlistenFn> =>
    getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === "enter") cb({ type: "enter", paths: p.paths });
      else if (p.type === "over") cb({ type: "over" });
      else if (p.type === "drop") cb({ type: "drop", paths: p.paths });
      else cb({ type: "leave" });
    }),
};
