// The UI's state and the flows over it: search (debounced, stale responses dropped, rows
// fetched by page as the list scrolls), filters, the reader, imports, notices.
import { api, toApiError, type ApiError } from "./api";
import type { CaseStudyDetail } from "./bindings/CaseStudyDetail";
import type { Facets } from "./bindings/Facets";
import type { Filters } from "./bindings/Filters";
import type { ImportPick } from "./bindings/ImportPick";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { LibraryInfo } from "./bindings/LibraryInfo";
import type { RenderedBody } from "./bindings/RenderedBody";
import type { SearchHit } from "./bindings/SearchHit";
import type { SearchRequest } from "./bindings/SearchRequest";
import type { Sort } from "./bindings/Sort";
import type { TagMode } from "./bindings/TagMode";
import type { Taxonomy } from "./bindings/Taxonomy";
import type { ThemePreference } from "./bindings/ThemePreference";
import type { UiState } from "./bindings/UiState";
import type { Annotations } from "./bindings/Annotations";
import type { Collection } from "./bindings/Collection";
import type { HighlightColor } from "./bindings/HighlightColor";
import type { SavedSearch } from "./bindings/SavedSearch";
import { prettySlug } from "./labels";

export const PAGE_SIZE = 50;
/** Delay after a keystroke before searching: short enough to feel live, long enough to skip
 * the intermediate states of fast typing. Stale responses are dropped regardless. */
export const TYPING_DEBOUNCE_MS = 70;

export function emptyFilters(): Filters {
  return {
    tags: [],
    tag_mode: "all",
    industries: [],
    companies: [],
    year_from: null,
    year_to: null,
    annotated_only: false,
    starred_only: false,
    unread_only: false,
  };
}

function emptyFacets(): Facets {
  return { tags: {}, industry: {}, year: {}, company: {} };
}

export type Chip = { key: string; label: string; kind: string; remove: () => void };

export type Notice = { id: number; kind: "error" | "info"; message: string };

export type ImportState =
  | { phase: "idle" }
  | { phase: "running"; progress: ImportProgress; cancelling: boolean; startedAt: number }
  | { phase: "done"; report: ImportReport }
  | { phase: "failed"; message: string };

export type ReaderState =
  | { status: "empty" }
  | { status: "loading"; id: number }
  | {
      status: "ready";
      id: number;
      detail: CaseStudyDetail;
      body: RenderedBody;
      /** The core's plain text (highlight offsets count its characters) and annotations. */
      plain: string;
      annotations: Annotations;
    }
  | { status: "error"; id: number; message: string; gone: boolean };

export class AppStore {
  // Library
  status = $state<"loading" | "ready" | "unavailable">("loading");
  fatal = $state<ApiError | null>(null);
  info = $state<LibraryInfo | null>(null);
  taxonomy = $state.raw<Taxonomy>({ groups: [], industries: [] });

  // What the user asked for (persisted)
  query = $state("");
  filters = $state<Filters>(emptyFilters());
  sort = $state<Sort>("relevance");
  theme = $state<ThemePreference>("system");

  // Results of the search on screen
  total = $state(0);
  facets = $state.raw<Facets>(emptyFacets());
  tookMs = $state(0);
  corrected = $state<string | null>(null);
  pages = $state.raw<Record<number, SearchHit[]>>({});
  shownGen = $state(0);
  searching = $state(false);
  searchError = $state<string | null>(null);
  /** The query the results on screen answer (for highlighting). */
  shownQuery = $state("");

  // Selection and reader
  selected = $state(-1);
  openId = $state<number | null>(null);
  reader = $state.raw<ReaderState>({ status: "empty" });

  // Organising
  collections = $state.raw<Collection[]>([]);
  savedSearches = $state.raw<SavedSearch[]>([]);

  // Import and notices
  importState = $state.raw<ImportState>({ phase: "idle" });
  notices = $state<Notice[]>([]);
  paletteOpen = $state(false);

  private seq = 0;
  private shownRequest: SearchRequest | null = null;
  private loadingPages = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private noticeSeq = 0;
  private restored = false;

  // ---- startup -------------------------------------------------------------------------

  async init(): Promise<void> {
    const [ui, info, taxonomy] = await Promise.allSettled([api.loadUiState(), api.libraryInfo(), api.taxonomy()]);
    if (ui.status === "fulfilled") this.restore(ui.value);
    else this.notify("error", `Could not restore the last session: ${toApiError(ui.reason).message}`);
    this.restored = true;
    if (taxonomy.status === "fulfilled") this.taxonomy = taxonomy.value;
    if (info.status === "rejected") {
      const err = toApiError(info.reason);
      if (err.code === "in_use" || err.code === "library_unavailable") {
        this.fatal = err;
        this.status = "unavailable";
        return;
      }
      this.notify("error", err.message);
    } else {
      this.info = info.value;
    }
    this.status = "ready";
    await this.runSearch();
    if (this.openId !== null) void this.loadReader(this.openId);
    void this.refreshLists();
  }

  private restore(ui: UiState): void {
    this.query = ui.query ?? "";
    this.filters = { ...emptyFilters(), ...ui.filters };
    this.sort = ui.sort ?? "relevance";
    this.openId = ui.open_id ?? null;
    this.theme = ui.theme ?? "system";
  }

  /** What gets saved for the next launch. */
  snapshot(): UiState {
    return {
      query: this.query,
      filters: $state.snapshot(this.filters) as Filters,
      sort: this.sort,
      open_id: this.openId,
      theme: this.theme,
    };
  }

  get isRestored(): boolean {
    return this.restored;
  }

  async refreshInfo(): Promise<void> {
    try {
      this.info = await api.libraryInfo();
    } catch (e) {
      this.notify("error", toApiError(e).message);
    }
  }

  // ---- search --------------------------------------------------------------------------

  setQuery(q: string): void {
    this.query = q;
    this.schedule(TYPING_DEBOUNCE_MS);
  }

  setSort(s: Sort): void {
    this.sort = s;
    this.schedule(0);
  }

  /** Runs the search soon; a newer call replaces an older pending one. */
  schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runSearch();
    }, delay);
  }

  buildRequest(offset: number, limit = PAGE_SIZE): SearchRequest {
    return {
      query: this.query.trim(),
      filters: $state.snapshot(this.filters) as Filters,
      sort: this.sort,
      page: { offset, limit },
    };
  }

  async runSearch(): Promise<void> {
    if (this.status !== "ready") return;
    const gen = ++this.seq;
    const request = this.buildRequest(0);
    this.searching = true;
    try {
      const res = await api.search(request);
      if (gen !== this.seq) return; // a newer search was started: drop this answer
      const previousSelectedId = this.hitAt(this.selected)?.id;
      this.shownRequest = request;
      this.shownGen = gen;
      this.shownQuery = request.query;
      this.total = res.total;
      this.facets = res.facets;
      this.tookMs = res.took_ms;
      this.corrected = res.corrected_query;
      this.pages = { 0: res.hits };
      this.loadingPages.clear();
      this.searchError = null;
      const keep = res.hits.findIndex((h) => h.id === previousSelectedId);
      this.selected = keep >= 0 ? keep : res.total > 0 ? 0 : -1;
    } catch (e) {
      if (gen !== this.seq) return;
      this.searchError = toApiError(e).message;
    } finally {
      if (gen === this.seq) this.searching = false;
    }
  }

  hitAt(index: number): SearchHit | undefined {
    if (index < 0) return undefined;
    const page = this.pages[Math.floor(index / PAGE_SIZE)];
    return page?.[index % PAGE_SIZE];
  }

  /** Fetches the page holding row `index` if it is not there yet (called as rows appear). */
  async ensureRow(index: number): Promise<void> {
    const p = Math.floor(index / PAGE_SIZE);
    const gen = this.shownGen;
    const key = `${gen}:${p}`;
    if (this.pages[p] || this.loadingPages.has(key) || !this.shownRequest) return;
    this.loadingPages.add(key);
    try {
      const res = await api.search({ ...this.shownRequest, page: { offset: p * PAGE_SIZE, limit: PAGE_SIZE } });
      if (gen !== this.shownGen) return;
      this.pages = { ...this.pages, [p]: res.hits };
    } catch (e) {
      if (gen === this.shownGen) this.notify("error", `Could not load more results: ${toApiError(e).message}`);
    } finally {
      this.loadingPages.delete(key);
    }
  }

  // ---- filters -------------------------------------------------------------------------

  private toggleIn(list: string[], value: string): string[] {
    return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  }

  toggleTag(slug: string): void {
    this.filters.tags = this.toggleIn(this.filters.tags, slug);
    this.schedule(0);
  }

  toggleIndustry(slug: string): void {
    this.filters.industries = this.toggleIn(this.filters.industries, slug);
    this.schedule(0);
  }

  toggleCompany(name: string): void {
    this.filters.companies = this.toggleIn(this.filters.companies, name);
    this.schedule(0);
  }

  setTagMode(mode: TagMode): void {
    this.filters.tag_mode = mode;
    if (this.filters.tags.length > 1) this.schedule(0);
  }

  setYears(from: number | null, to: number | null): void {
    if (from !== null && to !== null && from > to) [from, to] = [to, from];
    this.filters.year_from = from;
    this.filters.year_to = to;
    this.schedule(0);
  }

  clearFilters(): void {
    this.filters = { ...emptyFilters(), tag_mode: this.filters.tag_mode };
    this.schedule(0);
  }

  get hasFilters(): boolean {
    const f = this.filters;
    return (
      f.tags.length + f.industries.length + f.companies.length > 0 ||
      f.year_from !== null ||
      f.year_to !== null ||
      f.annotated_only ||
      f.starred_only ||
      f.unread_only
    );
  }

  tagName(slug: string): string {
    for (const g of this.taxonomy.groups) {
      const t = g.tags.find((t) => t.slug === slug);
      if (t) return t.name;
    }
    return prettySlug(slug);
  }

  industryName(slug: string): string {
    return this.taxonomy.industries.find((t) => t.slug === slug)?.name ?? prettySlug(slug);
  }

  get chips(): Chip[] {
    const f = this.filters;
    const chips: Chip[] = [];
    for (const i of f.industries)
      chips.push({
        key: `i:${i}`,
        kind: "Industry",
        label: this.industryName(i),
        remove: () => this.toggleIndustry(i),
      });
    if (f.year_from !== null || f.year_to !== null) {
      const label =
        f.year_from !== null && f.year_to !== null
          ? f.year_from === f.year_to
            ? `${f.year_from}`
            : `${f.year_from}–${f.year_to}`
          : f.year_from !== null
            ? `from ${f.year_from}`
            : `until ${f.year_to}`;
      chips.push({ key: "y", kind: "Year", label, remove: () => this.setYears(null, null) });
    }
    for (const c of f.companies)
      chips.push({ key: `c:${c}`, kind: "Company", label: c, remove: () => this.toggleCompany(c) });
    for (const t of f.tags)
      chips.push({ key: `t:${t}`, kind: "Tag", label: this.tagName(t), remove: () => this.toggleTag(t) });
    return chips;
  }

  // ---- selection and reader ------------------------------------------------------------

  select(index: number): void {
    if (this.total === 0) {
      this.selected = -1;
      return;
    }
    this.selected = Math.max(0, Math.min(this.total - 1, index));
    void this.ensureRow(this.selected);
  }

  open(id: number): void {
    this.openId = id;
    void this.loadReader(id);
  }

  openSelected(): boolean {
    const hit = this.hitAt(this.selected);
    if (!hit) return false;
    this.open(hit.id);
    return true;
  }

  closeReader(): void {
    this.openId = null;
    this.reader = { status: "empty" };
  }

  async loadReader(id: number): Promise<void> {
    this.reader = { status: "loading", id };
    try {
      const [detail, body, plain, annotations] = await Promise.all([
        api.getCaseStudy(id),
        api.renderCaseStudy(id),
        api.plainText(id),
        api.annotations(id),
      ]);
      if (this.openId !== id) return;
      this.reader = { status: "ready", id, detail, body, plain, annotations };
      api.markOpened(id).catch((e: unknown) => this.notify("error", toApiError(e).message));
    } catch (e) {
      if (this.openId !== id) return;
      const err = toApiError(e);
      this.reader = {
        status: "error",
        id,
        gone: err.code === "not_found",
        message: err.code === "not_found" ? "This case study is no longer in the library." : err.message,
      };
    }
  }

  // ---- annotating and organising ------------------------------------------------------

  /** Runs a change, then refreshes the open case study's annotations and the results. */
  private async change(what: string, run: () => Promise<unknown>, reloadDetail = false): Promise<boolean> {
    try {
      await run();
    } catch (e) {
      this.notify("error", `${what}: ${toApiError(e).message}`);
      return false;
    }
    const r = this.reader;
    if (r.status === "ready") {
      try {
        const [annotations, detail] = await Promise.all([
          api.annotations(r.id),
          reloadDetail ? api.getCaseStudy(r.id) : Promise.resolve(r.detail),
        ]);
        const now = this.reader;
        if (now.status === "ready" && now.id === r.id) this.reader = { ...now, annotations, detail };
      } catch (e) {
        this.notify("error", toApiError(e).message);
      }
    }
    this.schedule(0);
    void this.refreshLists();
    return true;
  }

  addHighlight(id: number, start: number, end: number, quote: string, color: HighlightColor, note = "") {
    return this.change("Could not highlight", () =>
      api.addHighlight(id, { start, end, quote, color, note: note || null }),
    );
  }

  updateHighlight(hid: number, color: HighlightColor | null, note: string | null) {
    return this.change("Could not change the highlight", () => api.updateHighlight(hid, { color, note }));
  }

  deleteHighlight(hid: number) {
    return this.change("Could not delete the highlight", () => api.deleteHighlight(hid));
  }

  setNote(id: number, note: string) {
    return this.change("Could not save the note", () => api.setNote(id, note));
  }

  setStarred(id: number, on: boolean) {
    return this.change("Could not star", () => api.setStarred(id, on), true);
  }

  setRead(id: number, on: boolean) {
    return this.change("Could not mark as read", () => api.setRead(id, on), true);
  }

  addUserTag(id: number, tag: string) {
    return this.change("Could not add the tag", () => api.addTags([id], tag), true);
  }

  removeUserTag(id: number, tag: string) {
    return this.change("Could not remove the tag", () => api.removeTags([id], tag), true);
  }

  acceptTag(id: number, tag: string) {
    return this.change("Could not accept the tag", () => api.acceptTag(id, tag), true);
  }

  dismissTag(id: number, tag: string) {
    return this.change("Could not dismiss the tag", () => api.dismissTag(id, tag), true);
  }

  toggleFlag(flag: "annotated_only" | "starred_only" | "unread_only"): void {
    this.filters[flag] = !this.filters[flag];
    this.schedule(0);
  }

  async refreshLists(): Promise<void> {
    const [c, s] = await Promise.allSettled([api.collections(), api.savedSearches()]);
    if (c.status === "fulfilled") this.collections = c.value;
    if (s.status === "fulfilled") this.savedSearches = s.value;
  }

  createCollection(name: string) {
    return this.change("Could not create the collection", () => api.createCollection(name));
  }

  addToCollection(collection: number, id: number) {
    return this.change("Could not add to the collection", () => api.addToCollection(collection, [id]));
  }

  saveSearch(name: string) {
    return this.change("Could not save the search", () => api.saveSearch(name, this.buildRequest(0)));
  }

  deleteSavedSearch(id: number) {
    return this.change("Could not delete the saved search", () => api.deleteSavedSearch(id));
  }

  applySavedSearch(s: SavedSearch): void {
    this.query = s.request.query;
    this.filters = { ...emptyFilters(), ...s.request.filters };
    this.sort = s.request.sort;
    this.schedule(0);
  }

  // ---- import --------------------------------------------------------------------------

  get importing(): boolean {
    return this.importState.phase === "running";
  }

  async chooseAndImport(pick: ImportPick): Promise<void> {
    if (this.importing) {
      this.notify("info", "An import is already running.");
      return;
    }
    try {
      const paths = await api.chooseImport(pick);
      if (paths.length > 0) await this.importPaths(paths);
    } catch (e) {
      this.notify("error", `Could not open the file dialog: ${toApiError(e).message}`);
    }
  }

  async importPaths(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    if (this.importing) {
      this.notify("info", "An import is already running; drop again when it has finished.");
      return;
    }
    this.importState = {
      phase: "running",
      progress: { done: 0, total: paths.length, current: null },
      cancelling: false,
      startedAt: performance.now(),
    };
    try {
      const report = await api.importPaths(paths);
      this.importState = { phase: "done", report };
    } catch (e) {
      const err = toApiError(e);
      this.importState = { phase: "failed", message: err.message };
    }
    await this.refreshInfo();
    await this.runSearch();
  }

  onImportProgress(p: ImportProgress): void {
    const s = this.importState;
    if (s.phase === "running") this.importState = { ...s, progress: p };
  }

  async cancelImport(): Promise<void> {
    const s = this.importState;
    if (s.phase !== "running") return;
    this.importState = { ...s, cancelling: true };
    try {
      await api.cancelImport();
    } catch (e) {
      this.notify("error", `Could not cancel the import: ${toApiError(e).message}`);
    }
  }

  dismissImport(): void {
    if (this.importState.phase !== "running") this.importState = { phase: "idle" };
  }

  // ---- notices -------------------------------------------------------------------------

  notify(kind: Notice["kind"], message: string): void {
    const id = ++this.noticeSeq;
    this.notices = [...this.notices.slice(-3), { id, kind, message }];
    if (kind === "info") setTimeout(() => this.dismissNotice(id), 6000);
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}

export const store = new AppStore();
