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
import type { TrendsPrefs } from "./bindings/TrendsPrefs";
import type { Annotations } from "./bindings/Annotations";
import type { Collection } from "./bindings/Collection";
import type { HighlightColor } from "./bindings/HighlightColor";
import type { SavedSearch } from "./bindings/SavedSearch";
import type { TagCount } from "./bindings/TagCount";
import type { TrashedCaseStudy } from "./bindings/TrashedCaseStudy";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { WatchedFolder } from "./bindings/WatchedFolder";
import type { CheckReport } from "./bindings/CheckReport";
import { formatBytes, formatDateTime, plural, prettySlug, tagKey } from "./labels";
import { pickRange, togglePicked } from "./selection";
import type { TrendDimension } from "./bindings/TrendDimension";
import { defaultTrendsPrefs, drillDown } from "./trends";

/**
 * Results fetched at a time. The first page is fetched on every keystroke, and each of its
 * hits costs the core a stored document and a snippet, so it is a screenful (the list shows
 * ~15–25 rows), not more; further pages come as rows scroll into view.
 */
export const PAGE_SIZE = 25;
/** How many case studies the compare view puts side by side. */
export const MIN_COMPARE = 2;
export const MAX_COMPARE = 4;
/**
 * Replaces the User Timing mark `name` (one of each is kept): scripts/bench-app reads the
 * latest search's marks to split keystroke-to-results into waiting, the search call and the
 * rendering.
 */
function timing(name: string, detail?: unknown): void {
  performance.clearMarks(name);
  performance.mark(name, { detail });
}

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
    collection: null,
  };
}

function emptyFacets(): Facets {
  return { tags: {}, industry: {}, year: {}, company: {} };
}

export type Chip = { key: string; label: string; kind: string; remove: () => void };

export type NoticeAction = { label: string; run: () => void };

export type Notice = { id: number; kind: "error" | "info"; message: string; action?: NoticeAction };

/** A question the confirmation dialog asks; `resolve` gets the answer. */
export type ConfirmRequest = {
  title: string;
  message: string;
  confirm: string;
  danger: boolean;
  resolve: (ok: boolean) => void;
};

export type ImportState =
  | { phase: "idle" }
  | { phase: "running"; progress: ImportProgress; cancelling: boolean; startedAt: number }
  /** `watched`: brought in by a watched folder, not by the user's drop or choice. */
  | { phase: "done"; report: ImportReport; watched?: boolean }
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
  /** The Trends view's choices: what is counted, counts or share, lines or bars, the series. */
  trendsPrefs = $state<TrendsPrefs>(defaultTrendsPrefs());

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
  userTags = $state.raw<TagCount[]>([]);
  trash = $state.raw<TrashedCaseStudy[]>([]);
  /** What the main area shows: the results (and reader), the trash, trends, or a comparison. */
  view = $state<"results" | "trash" | "trends" | "compare">("results");
  /** The case studies side by side in the compare view (2–4). */
  compareIds = $state.raw<number[]>([]);

  // Multi-select in the results (case study ids), and the row a Shift-click extends from.
  picked = $state.raw<number[]>([]);
  pickedSet = $derived(new Set(this.picked));
  private pickAnchor = -1;

  // Dialogs
  confirmRequest = $state.raw<ConfirmRequest | null>(null);
  backupsOpen = $state(false);
  backups = $state.raw<BackupInfo[] | null>(null);
  watchedOpen = $state(false);
  /** The library check: null = closed; "running" while it runs. */
  check = $state.raw<CheckReport | "running" | null>(null);
  watched = $state.raw<WatchedFolder[] | null>(null);
  /** The export dialog is open for these case studies. */
  exportIds = $state.raw<number[] | null>(null);
  /** Set instead of `exportIds` when a whole collection is exported. */
  exportCollection = $state.raw<Collection | null>(null);

  // Import and notices
  importState = $state.raw<ImportState>({ phase: "idle" });
  notices = $state<Notice[]>([]);
  paletteOpen = $state(false);

  private seq = 0;
  private shownRequest: SearchRequest | null = null;
  private loadingPages = new Set<string>();
  private inFlight = false;
  private rerun = false;
  private noticeSeq = 0;
  private restored = false;

  // ---- startup -------------------------------------------------------------------------

  async init(): Promise<void> {
    performance.mark("casebook:init");
    // The library's counts are not needed for the first results: asked for beside them.
    const info = Promise.allSettled([api.libraryInfo()]).then(([r]) => r);
    const [ui, taxonomy] = await Promise.allSettled([api.loadUiState(), api.taxonomy()]);
    if (ui.status === "fulfilled") this.restore(ui.value);
    else this.notify("error", `Could not restore the last session: ${toApiError(ui.reason).message}`);
    this.restored = true;
    if (taxonomy.status === "fulfilled") this.taxonomy = taxonomy.value;
    performance.mark("casebook:restored");
    this.status = "ready";
    const firstSearch = this.runSearch();
    const counted = await info;
    performance.mark("casebook:counts");
    if (counted.status === "rejected") {
      const err = toApiError(counted.reason);
      if (err.code === "in_use" || err.code === "library_unavailable") {
        this.fatal = err;
        this.status = "unavailable";
        return;
      }
      this.notify("error", err.message);
    } else {
      this.info = counted.value;
    }
    await firstSearch;
    performance.mark("casebook:first-search");
    if (this.openId !== null) void this.loadReader(this.openId);
    void this.refreshLists();
  }

  private restore(ui: UiState): void {
    this.query = ui.query ?? "";
    this.filters = { ...emptyFilters(), ...ui.filters };
    this.sort = ui.sort ?? "relevance";
    this.openId = ui.open_id ?? null;
    this.theme = ui.theme ?? "system";
    this.trendsPrefs = { ...defaultTrendsPrefs(), ...ui.trends };
  }

  /** What gets saved for the next launch. */
  snapshot(): UiState {
    return {
      query: this.query,
      filters: $state.snapshot(this.filters) as Filters,
      sort: this.sort,
      open_id: this.openId,
      theme: this.theme,
      trends: $state.snapshot(this.trendsPrefs) as TrendsPrefs,
    };
  }

  /** A search has answered: until then the list shows placeholders, not "0 case studies". */
  get hasResults(): boolean {
    return this.status === "ready" && this.shownGen > 0;
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
    if (this.view !== "trends") this.view = "results";
    this.schedule();
  }

  setSort(s: Sort): void {
    this.sort = s;
    this.schedule();
  }

  /**
   * Searches now, or, while a search runs, once it returns (with the state as it is then;
   * the answer in flight is dropped). One search at a time: a keystroke is answered as soon
   * as the core is free, never after a fixed delay, and a burst of keystrokes costs two.
   */
  schedule(): void {
    if (this.inFlight) {
      this.rerun = true;
      return;
    }
    void this.runSearch();
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
    this.inFlight = true;
    try {
      timing("casebook:search-sent");
      const res = await api.search(request);
      // A newer search was started, or asked for while this one ran: drop this answer.
      if (gen !== this.seq || this.rerun) return;
      timing("casebook:search-answered", { query: request.query, took_ms: res.took_ms });
      const previousSelectedId = this.hitAt(this.selected)?.id;
      // Another search (not the same one refreshed after a change) drops the picked rows.
      if (this.shownRequest && requestKey(this.shownRequest) !== requestKey(request)) this.clearPicks();
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
      if (gen !== this.seq || this.rerun) return;
      this.searchError = toApiError(e).message;
    } finally {
      if (gen === this.seq) {
        this.inFlight = false;
        if (this.rerun) {
          this.rerun = false;
          void this.runSearch();
        } else {
          this.searching = false;
        }
      }
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

  /** A filter changed: back to the results (the trends view stays: it charts them), searched again. */
  private refilter(): void {
    if (this.view !== "trends") this.view = "results";
    this.schedule();
  }

  toggleTag(slug: string): void {
    this.filters.tags = this.toggleIn(this.filters.tags, slug);
    this.refilter();
  }

  toggleIndustry(slug: string): void {
    this.filters.industries = this.toggleIn(this.filters.industries, slug);
    this.refilter();
  }

  toggleCompany(name: string): void {
    this.filters.companies = this.toggleIn(this.filters.companies, name);
    this.refilter();
  }

  /** Shows only the members of a collection (again: shows everything). */
  toggleCollection(id: number | null): void {
    this.filters.collection = id === null || this.filters.collection === id ? null : id;
    this.refilter();
  }

  setTagMode(mode: TagMode): void {
    this.filters.tag_mode = mode;
    if (this.filters.tags.length > 1) this.schedule();
  }

  setYears(from: number | null, to: number | null): void {
    if (from !== null && to !== null && from > to) [from, to] = [to, from];
    this.filters.year_from = from;
    this.filters.year_to = to;
    this.refilter();
  }

  clearFilters(): void {
    this.filters = { ...emptyFilters(), tag_mode: this.filters.tag_mode };
    this.refilter();
  }

  get hasFilters(): boolean {
    const f = this.filters;
    return (
      f.tags.length + f.industries.length + f.companies.length > 0 ||
      f.year_from !== null ||
      f.year_to !== null ||
      f.annotated_only ||
      f.starred_only ||
      f.unread_only ||
      f.collection !== null
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
    if (f.collection !== null) {
      const id = f.collection;
      chips.push({
        key: "col",
        kind: "Collection",
        label: this.collections.find((c) => c.id === id)?.name ?? `#${id}`,
        remove: () => this.toggleCollection(null),
      });
    }
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
    this.schedule();
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
    this.refilter();
  }

  /** The sidebar's lists: collections, saved searches, the user's tags, the trash. */
  async refreshLists(): Promise<void> {
    const [c, s, t, tr] = await Promise.allSettled([
      api.collections(),
      api.savedSearches(),
      api.userTags(),
      api.trashList(),
    ]);
    if (c.status === "fulfilled") this.collections = c.value;
    if (s.status === "fulfilled") this.savedSearches = s.value;
    if (t.status === "fulfilled") this.userTags = t.value;
    if (tr.status === "fulfilled") this.trash = tr.value;
  }

  /** Something changed the library behind the UI's back (an import, a restore). */
  onLibraryChanged(): void {
    void this.refreshInfo();
    void this.refreshLists();
    this.schedule();
  }

  createCollection(name: string) {
    return this.change("Could not create the collection", () => api.createCollection(name));
  }

  renameCollection(id: number, name: string) {
    return this.change("Could not rename the collection", () => api.renameCollection(id, name));
  }

  async deleteCollection(c: Collection): Promise<boolean> {
    const ok = await this.confirm({
      title: `Delete the collection “${c.name}”?`,
      message: "The case studies in it stay in the library; only the collection goes.",
      confirm: "Delete collection",
      danger: true,
    });
    if (!ok) return false;
    return this.change("Could not delete the collection", async () => {
      await api.deleteCollection(c.id);
      if (this.filters.collection === c.id) this.filters.collection = null;
    });
  }

  /**
   * Renames a user tag. Landing on another of the user's tags merges the two: asked first.
   * A filter on the old tag follows it.
   */
  async renameTag(from: string, to: string): Promise<boolean> {
    const target = tagKey(to);
    if (!target) return false;
    if (target === from) return true;
    const existing = this.userTags.find((t) => t.tag === target);
    if (existing) {
      const ok = await this.confirm({
        title: `Merge “${this.tagName(from)}” into “${this.tagName(target)}”?`,
        message: `“${this.tagName(target)}” is already one of your tags (${plural(existing.count, "case study", "case studies")}). Every case study tagged “${this.tagName(from)}” gets “${this.tagName(target)}” instead, and “${this.tagName(from)}” goes.`,
        confirm: "Merge tags",
        danger: false,
      });
      if (!ok) return false;
    }
    return this.change(
      "Could not rename the tag",
      async () => {
        const n = await api.renameTag(from, to.trim());
        if (this.filters.tags.includes(from))
          this.filters.tags = [...new Set(this.filters.tags.map((t) => (t === from ? target : t)))];
        this.notify("info", `Renamed the tag on ${plural(n, "case study", "case studies")}.`);
      },
      true,
    );
  }

  // ---- multi-select and bulk actions ----------------------------------------------------

  /** Ctrl/Cmd-click: picks or unpicks one row. */
  togglePick(index: number): void {
    const id = this.hitAt(index)?.id;
    if (id === undefined) return;
    this.picked = togglePicked(this.picked, id);
    this.pickAnchor = index;
  }

  /** Shift-click: picks the rows from the last one clicked to this one. */
  pickTo(index: number): void {
    const from = this.pickAnchor >= 0 ? this.pickAnchor : Math.max(0, this.selected);
    this.picked = pickRange(this.picked, from, index, (i) => this.hitAt(i)?.id);
    this.pickAnchor = index;
  }

  /** A plain click: where the next Shift-click extends from. */
  setPickAnchor(index: number): void {
    this.pickAnchor = index;
  }

  clearPicks(): void {
    if (this.picked.length) this.picked = [];
    this.pickAnchor = -1;
  }

  private bulk(what: string, run: (ids: number[]) => Promise<unknown>) {
    const ids = [...this.picked];
    if (ids.length === 0) return Promise.resolve(false);
    return this.change(what, () => run(ids), true);
  }

  bulkAddTag(tag: string) {
    return this.bulk("Could not add the tag", (ids) => api.addTags(ids, tag));
  }

  bulkRemoveTag(tag: string) {
    return this.bulk("Could not remove the tag", (ids) => api.removeTags(ids, tag));
  }

  bulkAddToCollection(collection: number) {
    return this.bulk("Could not add to the collection", (ids) => api.addToCollection(collection, ids));
  }

  bulkAddToNewCollection(name: string) {
    return this.bulk("Could not add to a new collection", async (ids) => {
      const c = await api.createCollection(name);
      await api.addToCollection(c.id, ids);
    });
  }

  bulkStar(on: boolean) {
    return this.bulk(on ? "Could not star" : "Could not remove the stars", (ids) =>
      Promise.all(ids.map((id) => api.setStarred(id, on))),
    );
  }

  bulkRead(on: boolean) {
    return this.bulk(on ? "Could not mark as read" : "Could not mark as unread", (ids) =>
      Promise.all(ids.map((id) => api.setRead(id, on))),
    );
  }

  // ---- trash ---------------------------------------------------------------------------

  /** Moves case studies to the trash, with an Undo in the notice. */
  async trashIds(ids: number[]): Promise<boolean> {
    if (ids.length === 0) return false;
    const ok = await this.change("Could not move to the trash", async () => {
      await api.trash(ids);
      if (this.openId !== null && ids.includes(this.openId)) this.closeReader();
    });
    if (!ok) return false;
    this.clearPicks();
    this.notify("info", `Moved ${plural(ids.length, "case study", "case studies")} to the trash.`, {
      label: "Undo",
      run: () => void this.restoreFromTrash(ids),
    });
    return true;
  }

  trashPicked() {
    return this.trashIds([...this.picked]);
  }

  async restoreFromTrash(ids: number[]): Promise<boolean> {
    const ok = await this.change("Could not restore", () => api.restore(ids));
    if (ok) this.notify("info", `Restored ${plural(ids.length, "case study", "case studies")}.`);
    return ok;
  }

  async emptyTrash(): Promise<boolean> {
    const n = this.trash.length;
    const ok = await this.confirm({
      title: "Empty the trash?",
      message: `${plural(n, "case study is", "case studies are")} deleted for good, with their highlights and notes. This cannot be undone.`,
      confirm: "Empty trash",
      danger: true,
    });
    if (!ok) return false;
    return this.change("Could not empty the trash", async () => {
      const deleted = await api.emptyTrash();
      this.notify("info", `Deleted ${plural(deleted, "case study", "case studies")} for good.`);
    });
  }

  /** Shows (or hides) the Trends view: charts of what the search and filters find. */
  showTrends(on: boolean): void {
    this.view = on ? "trends" : "results";
  }

  /** A point of the trends chart: narrows the search to that year and tag, shows the list. */
  drillDown(dimension: TrendDimension, key: string, year: number): void {
    const r = drillDown(this.query, $state.snapshot(this.filters) as Filters, dimension, key, year);
    this.query = r.query;
    this.filters = r.filters;
    this.view = "results";
    this.schedule();
  }

  /** Compare the picked case studies side by side (2–4 of them). */
  compareEnabled(): boolean {
    return this.picked.length >= MIN_COMPARE && this.picked.length <= MAX_COMPARE;
  }

  openCompare(): void {
    if (!this.compareEnabled()) {
      this.notify("info", `Select ${MIN_COMPARE} to ${MAX_COMPARE} case studies to compare them.`);
      return;
    }
    this.compareIds = [...this.picked];
    this.view = "compare";
  }

  closeCompare(): void {
    this.compareIds = [];
    this.view = "results";
  }

  showTrash(on: boolean): void {
    this.view = on ? "trash" : "results";
    if (on) void this.refreshLists();
  }

  // ---- export and backups --------------------------------------------------------------

  /** Export: the picked results, else the open case study. Opens the format dialog. */
  requestExport(): void {
    const ids = this.picked.length ? [...this.picked] : this.openId !== null ? [this.openId] : [];
    if (ids.length === 0) {
      this.notify("info", "Select case studies in the results (or open one) to export them.");
      return;
    }
    this.exportCollection = null;
    this.exportIds = ids;
  }

  requestCollectionExport(c: Collection): void {
    if (c.count === 0) {
      this.notify("info", `The collection ${c.name} is empty.`);
      return;
    }
    this.exportCollection = c;
    this.exportIds = [];
  }

  async exportAs(format: ExportFormat): Promise<void> {
    const ids = this.exportIds;
    const collection = this.exportCollection;
    this.exportIds = null;
    this.exportCollection = null;
    if (!ids) return;
    try {
      const out = collection
        ? await api.exportCollection(collection.id, format)
        : await api.exportCaseStudies(ids, format);
      if (out)
        this.notify(
          "info",
          `Exported ${plural(out.case_studies, "case study", "case studies")} (${plural(out.files, "file")}).`,
        );
    } catch (e) {
      this.notify("error", `Could not export: ${toApiError(e).message}`);
    }
  }

  async backupNow(): Promise<void> {
    try {
      const b = await api.backupNow();
      this.notify("info", `Backed up the library (${formatBytes(b.size_bytes)}).`);
      if (this.backupsOpen) await this.loadBackups();
    } catch (e) {
      this.notify("error", `Could not back up: ${toApiError(e).message}`);
    }
  }

  openBackups(): void {
    this.backupsOpen = true;
    void this.loadBackups();
  }

  async loadBackups(): Promise<void> {
    try {
      this.backups = await api.backups();
    } catch (e) {
      this.backups = [];
      this.notify("error", `Could not list the backups: ${toApiError(e).message}`);
    }
  }

  async restoreBackup(b: BackupInfo): Promise<boolean> {
    const when = formatDateTime(b.created_at);
    const ok = await this.confirm({
      title: `Restore the backup of ${when}?`,
      message: `It replaces the whole library as it is now. Case studies imported and highlights, notes, tags, stars and collections changed since ${when} are lost.`,
      confirm: "Replace the library",
      danger: true,
    });
    if (!ok) return false;
    try {
      const n = await api.restoreBackup(b.name);
      this.notify("info", `Restored the backup of ${when}: ${plural(n, "case study", "case studies")}.`);
    } catch (e) {
      this.notify("error", `Could not restore the backup: ${toApiError(e).message}`);
      return false;
    }
    this.backupsOpen = false;
    this.clearPicks();
    await Promise.all([this.refreshInfo(), this.refreshLists(), this.runSearch()]);
    if (this.openId !== null) void this.loadReader(this.openId);
    return true;
  }

  // ---- checking the library ----------------------------------------------------------

  async runCheck(repair: boolean): Promise<void> {
    this.check = "running";
    try {
      this.check = await api.checkLibrary(repair);
    } catch (e) {
      this.check = null;
      this.notify("error", `Could not check the library: ${toApiError(e).message}`);
      return;
    }
    if (repair) await Promise.all([this.refreshInfo(), this.refreshLists(), this.runSearch()]);
  }

  // ---- watched folders ----------------------------------------------------------------

  openWatched(): void {
    this.watchedOpen = true;
    void this.loadWatched();
  }

  async loadWatched(): Promise<void> {
    try {
      this.watched = await api.watchedFolders();
    } catch (e) {
      this.watched = [];
      this.notify("error", `Could not list the watched folders: ${toApiError(e).message}`);
    }
  }

  async addWatched(): Promise<void> {
    try {
      const added = await api.addWatchedFolder();
      if (added) this.notify("info", `Watching ${added.name}: its case studies are imported as they are saved.`);
    } catch (e) {
      this.notify("error", `Could not watch the folder: ${toApiError(e).message}`);
    }
    await this.loadWatched();
  }

  async removeWatched(f: WatchedFolder): Promise<void> {
    try {
      await api.removeWatchedFolder(f.id);
      this.notify("info", `Stopped watching ${f.name}. What it brought in stays in the library.`);
    } catch (e) {
      this.notify("error", `Could not stop watching the folder: ${toApiError(e).message}`);
    }
    await this.loadWatched();
  }

  /** A watched folder brought files in: the same report as a drop, unless one is running. */
  onWatchImport(report: ImportReport): void {
    if (this.importState.phase === "running") {
      this.notify("info", `A watched folder added ${plural(report.added, "case study", "case studies")}.`);
      return;
    }
    this.importState = { phase: "done", report, watched: true };
  }

  // ---- confirmation --------------------------------------------------------------------

  /** Asks a yes/no question in the confirmation dialog. */
  confirm(q: Omit<ConfirmRequest, "resolve">): Promise<boolean> {
    this.confirmRequest?.resolve(false);
    return new Promise((resolve) => (this.confirmRequest = { ...q, resolve }));
  }

  answerConfirm(ok: boolean): void {
    const q = this.confirmRequest;
    this.confirmRequest = null;
    q?.resolve(ok);
  }

  /** A dialog of the app's own is open (keys go to it). */
  get dialogOpen(): boolean {
    return (
      this.paletteOpen ||
      this.confirmRequest !== null ||
      this.backupsOpen ||
      this.watchedOpen ||
      this.check !== null ||
      this.exportIds !== null
    );
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
    this.refilter();
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

  notify(kind: Notice["kind"], message: string, action?: NoticeAction): void {
    const id = ++this.noticeSeq;
    this.notices = [...this.notices.slice(-3), { id, kind, message, action }];
    if (kind === "info") setTimeout(() => this.dismissNotice(id), action ? 10_000 : 6000);
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}

/** What makes a search another search (its page aside). */
function requestKey(r: SearchRequest): string {
  return JSON.stringify([r.query, r.filters, r.sort]);
}

export const store = new AppStore();
