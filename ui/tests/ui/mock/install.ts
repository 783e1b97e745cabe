// Installed into the page before the app loads (playwright addInitScript): a fake backend
// behind Tauri's own IPC mocks, so the production bundle runs unchanged in Chromium.
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { bulk, fixtures, type Doc } from "./fixtures";
import type { SearchRequest } from "../../../src/lib/bindings/SearchRequest";
import type { SearchResponse } from "../../../src/lib/bindings/SearchResponse";
import type { UiState } from "../../../src/lib/bindings/UiState";
import type { ImportReport } from "../../../src/lib/bindings/ImportReport";
import type { Highlight } from "../../../src/lib/bindings/Highlight";
import type { HighlightInput } from "../../../src/lib/bindings/HighlightInput";
import type { HighlightUpdate } from "../../../src/lib/bindings/HighlightUpdate";
import type { Collection } from "../../../src/lib/bindings/Collection";
import type { SavedSearch } from "../../../src/lib/bindings/SavedSearch";
import type { BackupInfo } from "../../../src/lib/bindings/BackupInfo";
import type { ExportFormat } from "../../../src/lib/bindings/ExportFormat";
import type { ExportOutcome } from "../../../src/lib/bindings/ExportOutcome";
import type { TrashedCaseStudy } from "../../../src/lib/bindings/TrashedCaseStudy";
import type { WatchedFolder } from "../../../src/lib/bindings/WatchedFolder";
import type { Taxonomy } from "../../../src/lib/bindings/Taxonomy";
import type { Trends } from "../../../src/lib/bindings/Trends";
import type { TrendsRequest } from "../../../src/lib/bindings/TrendsRequest";

type Call = { cmd: string; args: unknown };
type Failure = { code: string; message: string };

interface MockControl {
  calls: Call[];
  docs: Doc[];
  /** Make a command reject with this error (until cleared). */
  fail: Record<string, Failure | undefined>;
  /** Delay (ms) per command, or a function of the args. */
  delay: Record<string, number | ((args: Record<string, unknown>) => number)>;
  /** Hold every call of a command (or a named point such as "import-finish") until `release`:
   * for states a test must see that must not race a timer on a loaded machine. */
  hold(cmd: string): void;
  release(cmd: string): void;
  uiState: UiState | null;
  /** Annotations: highlights (all case studies), notes by case study id. */
  highlights: Highlight[];
  notes: Record<number, string>;
  collections: Collection[];
  /** Members of each collection (case study ids), by collection id. */
  members: Record<number, number[]>;
  saved: SavedSearch[];
  /** When each trashed case study was trashed (ms), by id. */
  trashed: Record<number, number>;
  backups: BackupInfo[];
  watched: WatchedFolder[];
  /** What the folder dialog of "Watch a folder…" answers: a folder, or null (cancelled). */
  watchAnswer: { name: string; location: string } | null;
  /** What the export answers: null = the user cancelled the save dialog. */
  exportAnswer: "ok" | "cancel";
  /** The next import: progress steps to emit and the report to return. */
  importPlan: { steps: number; stepMs: number; report: ImportReport; addDocs?: Doc[] };
  pendingPaths: string[];
  emit(event: string, payload: unknown): Promise<void>;
  useBulk(n: number): void;
  clear(): void;
}

const TAXONOMY: Taxonomy = {
  groups: [
    {
      group: "use_case",
      name: "Use cases",
      tags: [
        { slug: "customer-support", name: "Customer support" },
        { slug: "code-generation", name: "Code generation" },
        { slug: "document-processing", name: "Document processing" },
        { slug: "search", name: "Search" },
      ],
    },
    {
      group: "technique",
      name: "Techniques",
      tags: [
        { slug: "rag", name: "RAG" },
        { slug: "fine-tuning", name: "Fine-tuning" },
        { slug: "agents", name: "Agents" },
        { slug: "embeddings", name: "Embeddings" },
        { slug: "evaluation", name: "Evaluation" },
        { slug: "guardrails", name: "Guardrails" },
      ],
    },
    { group: "tool", name: "Tools", tags: [{ slug: "pytorch", name: "PyTorch" }] },
    {
      group: "provider",
      name: "Providers",
      tags: [
        { slug: "openai", name: "OpenAI" },
        { slug: "anthropic", name: "Anthropic" },
      ],
    },
  ],
  industries: [
    { slug: "tech", name: "Technology" },
    { slug: "e-commerce", name: "E-commerce" },
  ],
};

/** The core's trends, computed naively over the mock's own search. */
function trends(docs: Doc[], req: TrendsRequest): Trends {
  const found = search(docs, {
    query: req.query,
    filters: req.filters,
    sort: "relevance",
    page: { offset: 0, limit: 1e9 },
  });
  const byId = new Map(docs.map((d) => [d.id, d]));
  const hits = found.hits.map((h) => byId.get(h.id)!).filter(Boolean);
  const keysOf = (d: Doc) => (req.dimension === "industries" ? (d.industry ? [d.industry] : []) : allTags(d));
  const dated = hits.filter((d) => d.year !== null);
  const ys = dated.map((d) => d.year!);
  const years: number[] = [];
  if (ys.length) for (let y = Math.min(...ys); y <= Math.max(...ys); y++) years.push(y);
  const totals = years.map((y) => dated.filter((d) => d.year === y).length);
  const keyTotals = new Map<string, number>();
  for (const d of hits) for (const k of keysOf(d)) keyTotals.set(k, (keyTotals.get(k) ?? 0) + 1);
  const groupOf = new Map(TAXONOMY.groups.flatMap((g) => g.tags.map((t) => [t.slug, g.group] as const)));
  const forced = req.dimension === "tags" && req.filters.tag_mode === "all" ? req.filters.tags : [];
  const keys =
    req.series && req.series.length
      ? req.series
      : [...keyTotals.entries()]
          .filter(([k]) => !forced.includes(k))
          .filter(([k]) => req.dimension !== "tags" || !req.tag_group || groupOf.get(k) === req.tag_group)
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, req.top_n)
          .map(([k]) => k);
  const names = new Map(
    [...TAXONOMY.groups.flatMap((g) => g.tags), ...TAXONOMY.industries].map((t) => [t.slug, t.name] as const),
  );
  return {
    years,
    totals_per_year: totals,
    series: keys.map((key) => {
      const counts = years.map((y) => dated.filter((d) => d.year === y && keysOf(d).includes(key)).length);
      return {
        key,
        label: names.get(key) ?? key,
        counts,
        share: counts.map((n, i) => (totals[i] ? n / totals[i] : 0)),
        total: keyTotals.get(key) ?? 0,
      };
    }),
    undated: hits.length - dated.length,
    total: hits.length,
    dimension: req.dimension,
    corrected_query: null,
  };
}

declare global {
  interface Window {
    __mock: MockControl;
    __pwned?: string;
    __TAURI_INTERNALS__: { invoke: (cmd: string, args?: unknown) => Promise<unknown> };
  }
}

const STORAGE_KEY = "casebook-mock-ui-state";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function words(query: string): string[] {
  return query
    .toLowerCase()
    .replace(/"/g, " ")
    .split(/\s+/)
    .filter((w) => w && !["and", "or", "not"].includes(w) && !w.startsWith("-"))
    .map((w) => w.replace(/^[a-z_]+:/, ""));
}

let annotationText: (d: Doc) => string = () => "";
let inTrash: (d: Doc) => boolean = () => false;
let memberOf: (d: Doc, collection: number) => boolean = () => false;

/** The slug the core makes of a user tag, roughly. */
function slugTag(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, "-");
}

/** Source and user tags (the core's tag filter and facet count both). */
const allTags = (d: Doc) => [...new Set([...d.tags, ...d.user_tags])];

/** The mock's company key: lower-cased letters and digits, a trailing "inc" dropped. */
export function companyKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .replace(/ inc$/, "")
    .replace(/ /g, "");
}

/** Companies of the live docs, grouped by key; the most frequent spelling names each. */
function companyGroups(docs: Doc[]): Map<string, { name: string; docs: Doc[] }> {
  const groups = new Map<string, { name: string; docs: Doc[] }>();
  for (const d of docs) {
    if (!d.company || inTrash(d)) continue;
    const key = companyKey(d.company);
    const g = groups.get(key) ?? { name: d.company, docs: [] };
    g.docs.push(d);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const n = (s: string) => g.docs.filter((d) => d.company === s).length;
    g.name = [...new Set(g.docs.map((d) => d.company as string))].sort((a, b) => n(b) - n(a) || a.localeCompare(b))[0];
  }
  return groups;
}

function companySummaries(docs: Doc[]) {
  return [...companyGroups(docs).entries()]
    .map(([key, g]) => {
      const years = g.docs.map((d) => d.year).filter((y): y is number => y !== null);
      return {
        key,
        name: g.name,
        aliases: [...new Set(g.docs.map((d) => d.company as string))].filter((a) => a !== g.name).sort(),
        count: g.docs.length,
        first_year: years.length ? Math.min(...years) : null,
        last_year: years.length ? Math.max(...years) : null,
      };
    })
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

function search(docs: Doc[], req: SearchRequest): SearchResponse {
  const t0 = performance.now();
  const ws = words(req.query);
  const f = req.filters;
  const match = (d: Doc, skip?: "tags" | "industry" | "company" | "year") => {
    const text = `${d.title} ${d.summary} ${d.body_text} ${d.company} ${d.tags.join(" ")}`.toLowerCase();
    const notes = annotationText(d).toLowerCase();
    if (!ws.every((w) => text.includes(w) || notes.includes(w))) return false;
    if (f.annotated_only && !notes) return false;
    if (f.starred_only && !d.starred) return false;
    if (f.unread_only && d.read) return false;
    if (f.collection !== null && f.collection !== undefined && !memberOf(d, f.collection)) return false;
    if (skip !== "industry" && f.industries.length && !f.industries.includes(d.industry ?? "")) return false;
    if (
      skip !== "company" &&
      f.companies.length &&
      !f.companies.some((c) => companyKey(c) === companyKey(d.company ?? ""))
    )
      return false;
    if (skip !== "year" && f.year_from !== null && (d.year ?? 0) < f.year_from) return false;
    if (skip !== "year" && f.year_to !== null && (d.year ?? 9999) > f.year_to) return false;
    if (skip !== "tags" && f.tags.length) {
      const has = (t: string) => allTags(d).includes(t);
      if (f.tag_mode === "all" ? !f.tags.every(has) : !f.tags.some(has)) return false;
    }
    return true;
  };
  let hits = docs.filter((d) => !inTrash(d) && match(d));
  if (req.sort === "newest") hits = [...hits].sort((a, b) => (b.year ?? 0) - (a.year ?? 0) || a.id - b.id);
  if (req.sort === "recently_opened")
    hits = [...hits].sort((a, b) => (b.last_opened_at ?? -1) - (a.last_opened_at ?? -1) || a.id - b.id);
  if (req.sort === "title") hits = [...hits].sort((a, b) => a.title.localeCompare(b.title));
  const count = (key: (d: Doc) => string[]) => {
    const out: Record<string, number> = {};
    for (const d of hits) for (const k of key(d)) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  const re = ws.length
    ? new RegExp(`(${ws.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "gi")
    : null;
  const snippet = (d: Doc) => {
    const s = escapeHtml(d.summary ?? "");
    return re ? s.replace(re, "<mark>$1</mark>") : s;
  };
  const page = hits.slice(req.page.offset, req.page.offset + req.page.limit);
  return {
    total: hits.length,
    took_ms: performance.now() - t0,
    hits: page.map((d) => ({
      id: d.id,
      slug: d.slug,
      title: d.title,
      company: d.company,
      year: d.year,
      industry: d.industry,
      score: 1,
      snippet: snippet(d),
      matched_annotations: ws.length > 0 && ws.some((w) => annotationText(d).toLowerCase().includes(w)),
      matched: (
        [
          ["title", d.title],
          ["company", d.company ?? ""],
          ["summary", d.summary ?? ""],
          ["body", d.body_text],
          ["annotations", annotationText(d)],
        ] as const
      )
        .map(([field, text]) => ({ field, terms: ws.filter((w) => text.toLowerCase().includes(w)) }))
        .filter((m) => m.terms.length > 0),
    })),
    facets: {
      tags: count(allTags),
      industry: count((d) => (d.industry ? [d.industry] : [])),
      year: count((d) => (d.year ? [String(d.year)] : [])),
      company: count((d) => (d.company ? [d.company] : [])),
    },
    corrected_query: req.query === "retreival" ? "retrieval" : null,
  };
}

function install() {
  const held = new Map<string, (() => void)[]>();
  const gate = async (point: string) => {
    const waiting = held.get(point);
    if (waiting) await new Promise<void>((go) => waiting.push(go));
  };
  const saved = localStorage.getItem(STORAGE_KEY);
  const control: MockControl = {
    calls: [],
    docs: fixtures(),
    fail: {},
    delay: {},
    hold(cmd) {
      held.set(cmd, held.get(cmd) ?? []);
    },
    release(cmd) {
      const waiting = held.get(cmd) ?? [];
      held.delete(cmd);
      for (const go of waiting) go();
    },
    uiState: saved ? (JSON.parse(saved) as UiState) : null,
    highlights: [],
    notes: {},
    collections: [{ id: 1, name: "Reading list", count: 0, created_at: 0 }],
    members: {},
    saved: [],
    trashed: {},
    backups: [],
    watched: [],
    watchAnswer: { name: "case-studies", location: "/home/me/case-studies" },
    exportAnswer: "ok",
    importPlan: {
      steps: 4,
      stepMs: 40,
      report: {
        added: 2,
        updated: 0,
        merged: 1,
        unchanged: 3,
        failed: [{ path: "/drop/bad.pdf", error: "unsupported file type (pdf)" }],
        changed_ids: [1, 2],
        cancelled: false,
      },
    },
    pendingPaths: [],
    async emit(event, payload) {
      await window.__TAURI_INTERNALS__.invoke("plugin:event|emit", { event, payload });
    },
    useBulk(n) {
      control.docs = bulk(n);
    },
    clear() {
      control.calls = [];
    },
  };
  window.__mock = control;
  // Scenario switches in the page URL: ?bulk=N, ?empty=1, ?fail=cmd:code
  const params = new URLSearchParams(location.search);
  if (params.get("bulk")) control.useBulk(Number(params.get("bulk")));
  if (params.get("empty")) control.docs = [];
  const fail = params.get("fail");
  if (fail) {
    const [cmd, code] = fail.split(":");
    control.fail[cmd] = { code, message: `mock failure (${code})` };
  }
  let cancelled = false;
  let nextId = 100;
  inTrash = (d) => control.trashed[d.id] !== undefined;
  memberOf = (d, c) => (control.members[c] ?? []).includes(d.id);
  const collectionById = (id: unknown) => {
    const c = control.collections.find((x) => x.id === id);
    if (!c) throw { code: "not_found", message: `no collection ${String(id)}` };
    return c;
  };
  annotationText = (d) =>
    [
      control.notes[d.id] ?? "",
      ...control.highlights.filter((h) => h.case_study_id === d.id).map((h) => `${h.quote} ${h.note}`),
    ]
      .join(" ")
      .trim();
  const annotationsOf = (id: number) => ({
    case_study_id: id,
    highlights: control.highlights
      .filter((h) => h.case_study_id === id)
      .sort((a, b) => Number(a.orphan) - Number(b.orphan) || a.start - b.start),
    note: control.notes[id] ?? "",
  });
  const hlById = (id: unknown) => {
    const h = control.highlights.find((x) => x.id === id);
    if (!h) throw { code: "not_found", message: `no highlight ${String(id)}` };
    return h;
  };
  const countSaved = (s: SavedSearch): SavedSearch => ({
    ...s,
    count: search(control.docs, { ...s.request, page: { offset: 0, limit: 0 } }).total,
  });

  mockWindows("main");
  mockIPC(
    async (cmd, rawArgs) => {
      const args = (rawArgs ?? {}) as Record<string, unknown>;
      control.calls.push({ cmd, args: structuredClone(args) });
      const d = control.delay[cmd];
      const ms = typeof d === "function" ? d(args) : d;
      if (ms) await sleep(ms);
      await gate(cmd);
      const failure = control.fail[cmd];
      if (failure) throw failure;
      const byId = (id: unknown) => {
        const found = control.docs.find((x) => x.id === id);
        if (!found) throw { code: "not_found", message: `no case study '${String(id)}'` };
        return found;
      };
      switch (cmd) {
        case "search":
          return search(control.docs, args.request as SearchRequest);
        case "companies":
          return companySummaries(control.docs);
        case "company": {
          const key = companyKey(String(args.key));
          const summary = companySummaries(control.docs).find((c) => c.key === key);
          const g = companyGroups(control.docs).get(key);
          if (!summary || !g) throw { code: "not_found", message: `no company '${String(args.key)}'` };
          const studies = [...g.docs].sort((a, b) => (b.year ?? -1) - (a.year ?? -1) || a.title.localeCompare(b.title));
          const years: { year: number | null; case_studies: unknown[] }[] = [];
          for (const d of studies) {
            const { html: _h, toc: _t, body_markdown: _m, body_text: _b, ...cs } = d;
            const last = years[years.length - 1];
            if (last && last.year === d.year) last.case_studies.push({ ...cs, company_key: key });
            else years.push({ year: d.year, case_studies: [{ ...cs, company_key: key }] });
          }
          return { ...summary, years };
        }
        case "get_case_study": {
          const { html: _h, toc: _t, ...detail } = byId(args.id);
          return detail;
        }
        case "render_case_study": {
          const found = byId(args.id);
          return { html: found.html, toc: found.toc };
        }
        case "related": {
          // Like the core: others ranked by what they share (tags here), each with the reason.
          const me = byId(args.id);
          const mine = new Set([...me.tags, ...me.inferred_tags, ...me.user_tags]);
          return control.docs
            .filter((d) => d.id !== me.id && !inTrash(d))
            .map((d) => {
              const shared = [...d.tags, ...d.inferred_tags, ...d.user_tags].filter((t) => mine.has(t));
              return { d, shared: [...new Set(shared)] };
            })
            .filter((x) => x.shared.length > 0)
            .sort((a, b) => b.shared.length - a.shared.length || a.d.id - b.d.id)
            .slice(0, 6)
            .map(({ d, shared }) => ({
              id: d.id,
              slug: d.slug,
              title: d.title,
              company: d.company,
              year: d.year,
              score: shared.length / mine.size,
              shared_tags: shared,
            }));
        }
        case "library_info": {
          const years = control.docs.map((x) => x.year ?? 0).filter(Boolean);
          return {
            stats: {
              case_studies: control.docs.length,
              sources: control.docs.length,
              companies: new Set(control.docs.map((x) => x.company)).size,
              tags: 10,
              year_min: years.length ? Math.min(...years) : null,
              year_max: years.length ? Math.max(...years) : null,
              disk_bytes: 123456,
              indexed: control.docs.length,
            },
          };
        }
        case "get_taxonomy":
          return TAXONOMY;
        case "trends":
          return trends(control.docs, args.request as TrendsRequest);
        case "load_ui_state":
          return (
            control.uiState ?? {
              query: "",
              filters: {
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
              },
              sort: "relevance",
              open_id: null,
              theme: "system",
              trends: { count: "technique", mode: "counts", chart: "lines", series: null },
            }
          );
        case "save_ui_state":
          control.uiState = args.ui as UiState;
          localStorage.setItem(STORAGE_KEY, JSON.stringify(args.ui));
          return null;
        case "choose_import":
          return control.pendingPaths;
        case "cancel_import":
          cancelled = true;
          control.release("import-finish");
          return true;
        case "import_paths": {
          cancelled = false;
          const plan = control.importPlan;
          const total = plan.steps * 10;
          for (let i = 1; i <= plan.steps; i++) {
            await sleep(plan.stepMs);
            await control.emit("import-progress", { done: i * 10, total, current: `/drop/file-${i}.md` });
            if (cancelled) return { ...plan.report, cancelled: true };
          }
          await gate("import-finish");
          if (cancelled) return { ...plan.report, cancelled: true };
          if (plan.addDocs) control.docs = [...control.docs, ...plan.addDocs];
          await control.emit("library-changed", null);
          return plan.report;
        }
        case "plugin:opener|open_url":
          return null;
        case "plain_text":
          return byId(args.id).body_text;
        case "annotations":
          byId(args.id);
          return annotationsOf(args.id as number);
        case "add_highlight": {
          const d = byId(args.id);
          const input = args.input as HighlightInput;
          const chars = Array.from(d.body_text);
          if (input.end <= input.start || input.end > chars.length)
            throw { code: "invalid", message: `${input.start}..${input.end} is not a range of the text` };
          const quote = chars.slice(input.start, input.end).join("");
          if (input.quote !== null && input.quote !== quote)
            throw { code: "invalid", message: "the quote is not the text at that range (the text may have changed)" };
          const h: Highlight = {
            id: nextId++,
            case_study_id: d.id,
            start: input.start,
            end: input.end,
            quote,
            prefix: chars.slice(Math.max(0, input.start - 32), input.start).join(""),
            suffix: chars.slice(input.end, input.end + 32).join(""),
            color: input.color,
            note: input.note ?? "",
            orphan: false,
            created_at: Date.now(),
            updated_at: Date.now(),
          };
          control.highlights.push(h);
          return h;
        }
        case "update_highlight": {
          const h = hlById(args.highlight);
          const u = args.update as HighlightUpdate;
          if (u.color !== null) h.color = u.color;
          if (u.note !== null) h.note = u.note;
          return h;
        }
        case "delete_highlight":
          hlById(args.highlight);
          control.highlights = control.highlights.filter((h) => h.id !== args.highlight);
          return null;
        case "set_note":
          byId(args.id);
          control.notes[args.id as number] = args.note as string;
          return null;
        case "set_starred":
          byId(args.id).starred = args.on as boolean;
          return null;
        case "set_read":
          byId(args.id).read = args.on as boolean;
          return null;
        case "mark_opened":
          byId(args.id).last_opened_at = Date.now();
          return null;
        case "add_tags":
        case "remove_tags": {
          let n = 0;
          const tag = (args.tag as string).trim().toLowerCase().replace(/\s+/g, "-");
          for (const id of args.ids as number[]) {
            const d = byId(id);
            const has = d.user_tags.includes(tag);
            if (cmd === "add_tags" && !has) {
              d.user_tags = [...d.user_tags, tag];
              n++;
            } else if (cmd === "remove_tags" && has) {
              d.user_tags = d.user_tags.filter((t) => t !== tag);
              n++;
            }
          }
          return n;
        }
        case "accept_tag": {
          const d = byId(args.id);
          d.user_tags = [...d.user_tags, args.tag as string];
          return null;
        }
        case "dismiss_tag": {
          const d = byId(args.id);
          d.inferred_tags = d.inferred_tags.filter((t) => t !== args.tag);
          return null;
        }
        case "collections":
          return control.collections.map((c) => ({
            ...c,
            count: control.docs.filter((d) => !inTrash(d) && memberOf(d, c.id)).length,
          }));
        case "create_collection": {
          const c = { id: nextId++, name: args.name as string, count: 0, created_at: Date.now() };
          control.collections = [...control.collections, c];
          return c;
        }
        case "add_to_collection":
        case "remove_from_collection": {
          const c = collectionById(args.collection);
          const before = control.members[c.id] ?? [];
          const ids = args.ids as number[];
          for (const id of ids) byId(id);
          const after =
            cmd === "add_to_collection" ? [...new Set([...before, ...ids])] : before.filter((id) => !ids.includes(id));
          control.members[c.id] = after;
          return Math.abs(after.length - before.length);
        }
        case "rename_collection": {
          const c = collectionById(args.collection);
          const name = (args.name as string).trim();
          if (!name) throw { code: "invalid", message: "a collection needs a name" };
          c.name = name;
          return { ...c };
        }
        case "delete_collection":
          collectionById(args.collection);
          control.collections = control.collections.filter((x) => x.id !== args.collection);
          delete control.members[args.collection as number];
          return null;
        case "user_tags": {
          const counts: Record<string, number> = {};
          for (const d of control.docs) if (!inTrash(d)) for (const t of d.user_tags) counts[t] = (counts[t] ?? 0) + 1;
          return Object.entries(counts)
            .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
            .map(([tag, count]) => ({ tag, count }));
        }
        case "rename_tag": {
          const from = args.from as string;
          const to = slugTag(args.to as string);
          if (!to) throw { code: "invalid", message: `'${String(args.to)}' is not a usable tag` };
          let n = 0;
          for (const d of control.docs)
            if (d.user_tags.includes(from)) {
              d.user_tags = [...new Set(d.user_tags.map((t) => (t === from ? to : t)))];
              n++;
            }
          return n;
        }
        case "trash":
          for (const id of args.ids as number[]) {
            byId(id);
            control.trashed[id] = Date.now();
          }
          return null;
        case "restore":
          for (const id of args.ids as number[]) delete control.trashed[id];
          return null;
        case "trash_list":
          return control.docs
            .filter(inTrash)
            .sort((a, b) => control.trashed[b.id] - control.trashed[a.id])
            .map((d): TrashedCaseStudy => {
              const { html: _h, toc: _t, body_markdown: _m, body_text: _b, ...rest } = d;
              return { ...rest, deleted_at: control.trashed[d.id] };
            });
        case "empty_trash": {
          const gone = control.docs.filter(inTrash);
          control.docs = control.docs.filter((d) => !inTrash(d));
          control.trashed = {};
          return gone.length;
        }
        case "render_note": {
          // Crude Markdown, and raw HTML passed through on purpose: a core whose sanitiser
          // missed something. The UI's own DOMPurify pass must still make it harmless.
          const md = args.markdown as string;
          return md
            .split(/\n{2,}/)
            .map(
              (p) =>
                `<p>${p
                  .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
                  .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>')}</p>`,
            )
            .join("\n");
        }
        case "export_case_studies": {
          const ids = args.ids as number[];
          for (const id of ids) byId(id);
          if (control.exportAnswer === "cancel") return null;
          const out: ExportOutcome = {
            case_studies: ids.length,
            files: (args.format as ExportFormat) === "json" ? 1 : ids.length,
          };
          return out;
        }
        case "export_collection": {
          const members = control.members[args.collection as number];
          if (!members) throw { code: "not_found", message: `collection ${String(args.collection)} not found` };
          if (control.exportAnswer === "cancel") return null;
          const out: ExportOutcome = {
            case_studies: members.length,
            files: (args.format as ExportFormat) === "json" ? 1 : members.length,
          };
          return out;
        }
        case "backups":
          return [...control.backups].sort((a, b) => a.created_at - b.created_at);
        case "backup_now": {
          const at = Date.now();
          const b: BackupInfo = {
            name: `casebook-${String(at).padStart(15, "0")}.sqlite3`,
            created_at: at,
            size_bytes: 2_500_000,
          };
          control.backups = [...control.backups, b];
          return b;
        }
        case "restore_backup": {
          if (!control.backups.some((b) => b.name === args.name))
            throw { code: "not_found", message: `no backup '${String(args.name)}'` };
          // The backup holds the library as it first was.
          control.docs = fixtures();
          control.trashed = {};
          await control.emit("library-changed", null);
          return control.docs.length;
        }
        case "check_library": {
          // A library whose index missed one case study: found, then repaired.
          const problem = {
            area: "index",
            found: "case study 3 is not in the search index",
            action: args.repair ? "rebuilt the search index" : null,
            fixed: Boolean(args.repair),
          };
          return {
            repair: Boolean(args.repair),
            problems: [problem],
            remaining: args.repair ? 0 : 1,
            opened_with: null,
            case_studies: control.docs.length,
            indexed: control.docs.length - (args.repair ? 0 : 1),
            database_generation: 9,
            index_generation: 9,
            queued: 0,
          };
        }
        case "watched_folders":
          return control.watched;
        case "add_watched_folder": {
          const a = control.watchAnswer;
          if (!a) return null;
          if (control.watched.some((f) => a.location.startsWith(f.location)))
            throw { code: "invalid", message: `${a.location} is already watched` };
          const f: WatchedFolder = { id: control.watched.length + 1, ...a, available: true };
          control.watched = [...control.watched, f];
          return f;
        }
        case "remove_watched_folder":
          control.watched = control.watched.filter((f) => f.id !== args.id);
          return null;
        case "saved_searches":
          return control.saved.map(countSaved);
        case "save_search": {
          const s = countSaved({
            id: nextId++,
            name: args.name as string,
            request: args.request as SearchRequest,
            count: 0,
          });
          control.saved = [...control.saved, s];
          return s;
        }
        case "delete_saved_search":
          control.saved = control.saved.filter((x) => x.id !== args.id);
          return null;
        default:
          throw { code: "internal", message: `mock: unknown command ${cmd}` };
      }
    },
    { shouldMockEvents: true },
  );
}

install();
