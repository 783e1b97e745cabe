// The desktop app's benchmark (issue 5): the real app, through its real webview, on a large
// library. Not a test (nothing here fails on a slow machine); run by scripts/bench-app, which
// builds the library and the app and starts Xvfb. Measures:
//
// - window to first results: from the WebDriver session request (the app process starts) to
//   the first results on screen, and the same from the page's own navigation start;
// - keystroke to results: a real key event typed into the search box (WebDriver sends key
//   events) to the frame after the results and counts for the new text are in the DOM, one
//   keystroke at a time, over words of the benchmark's query mix; with BENCH_WARMUP=N, N
//   words of the mix are searched first, unmeasured (the first keystrokes after start pay
//   once for the webview's cold code paths and caches: see BENCHMARKS.md);
// - scrolling: the result list scrolled by 3 rows a frame for ~3 s; frame intervals, and
//   frames over 25 ms (1.5× a 60 Hz display's interval: a frame missed) counted as dropped.
//   Xvfb has no vsync, so the webview may run faster than 60 Hz; a median-relative count
//   would call a 17 ms frame after 9 ms ones dropped, though a 60 Hz display shows both;
// - memory: resident memory (PSS where the kernel gives it) of the app and its WebKit
//   processes, after the measurements.
//
// env: CASEBOOK_APP (built app), CASEBOOK_LIBRARY (the library), BENCH_OUT (JSON file),
// WEBDRIVER_PORT, TAURI_DRIVER, WEBKIT_DRIVER; BENCH_KEYSTROKES (default 120), BENCH_WARMUP
// (default 0).
import { spawn } from "node:child_process";
import {
  readFileSync,
  readdirSync,
  writeFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { WebDriver } from "./webdriver.mjs";

const app = resolve(
  process.env.CASEBOOK_APP ?? "target/debug/casebook-desktop",
);
const library = process.env.CASEBOOK_LIBRARY;
const out = process.env.BENCH_OUT ?? "bench-out/app.json";
// Not the e2e tests' or the screenshots' ports; its WebKitWebDriver listens on the next one.
const port = Number(process.env.WEBDRIVER_PORT ?? 4448);
const keystrokes = Number(process.env.BENCH_KEYSTROKES ?? 120);
const warmupWords = Number(process.env.BENCH_WARMUP ?? 0);
if (!library) throw new Error("CASEBOOK_LIBRARY must name the library to open");

const SEARCH = 'input[aria-label="Search case studies"]';
const COUNT = "[data-testid=result-count]";
/** A frame interval over this misses a 60 Hz display's refresh (1.5 × 16.7 ms). */
const MISSED_FRAME_MS = 25;
const wd = new WebDriver(`http://127.0.0.1:${port}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
    : null;
};
const summary = (xs) => ({
  n: xs.length,
  p50: percentile(xs, 50),
  p95: percentile(xs, 95),
  p99: percentile(xs, 99),
  max: xs.length ? Math.max(...xs) : null,
});

/** The process ids of `root` and everything below it. */
function tree(root) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const all = [];
  const walk = (p) => {
    all.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(root);
  return all;
}

function memoryOf(pid) {
  const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  let kb = null;
  let kind = "pss";
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(
      readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"),
    );
    kb = m ? Number(m[1]) : null;
  } catch {
    // no smaps_rollup: RSS
  }
  if (kb === null) {
    kind = "rss";
    const m = /^VmRSS:\s+(\d+) kB/m.exec(
      readFileSync(`/proc/${pid}/status`, "utf8"),
    );
    kb = m ? Number(m[1]) : 0;
  }
  // Resident memory by kind: anonymous (heap, caches) and file-backed (mapped index files and
  // libraries: page cache the kernel can drop and re-read).
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const library = libraryPss(pid);
  const field = (name) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  };
  return {
    pid,
    comm,
    mib: Math.round((kb / 1024) * 10) / 10,
    kind,
    rss_anon_mib: field("RssAnon"),
    rss_file_mib: field("RssFile"),
    library_files_pss_mib: library?.total ?? null,
    library_files_by_kind_mib: library?.by_kind ?? null,
  };
}

/** PSS of the mappings of files inside the library (the search index's mmapped segments), in
 * total and by file kind (tantivy's segment suffixes: .store, .idx, .pos, .term, .fast, ...). */
function libraryPss(pid) {
  const prefix = resolve(library) + "/";
  const byKind = {};
  let kind = null;
  try {
    for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
      const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
      if (mapping)
        kind = mapping[1].startsWith(prefix)
          ? (/\.([a-z]+)$/.exec(mapping[1])?.[1] ?? "other")
          : null;
      else if (kind && line.startsWith("Pss:"))
        byKind[kind] = (byKind[kind] ?? 0) + Number(/(\d+)/.exec(line)[1]);
    }
  } catch {
    return null;
  }
  const mib = (kb) => Math.round((kb / 1024) * 10) / 10;
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  return {
    total: mib(total),
    by_kind: Object.fromEntries(
      Object.entries(byKind)
        .sort((a, b) => b[1] - a[1])
        .map(([k, kb]) => [k, mib(kb)]),
    ),
  };
}

/** The pid of the process running the built app, below the driver. */
function appPidUnder(driverPid) {
  return tree(driverPid).find((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0")[0] === app;
    } catch {
      return false;
    }
  });
}

/**
 * When the app's process started, in ms since the epoch (10 ms resolution): its start in
 * clock ticks since boot (/proc/PID/stat), with boot placed on the wall clock through
 * /proc/uptime read now (the integer `btime` of /proc/stat would be up to 1 s off).
 */
function processStartEpochMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const startTicks = Number(
    stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19],
  );
  const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const bootEpochMs = Date.now() - uptime * 1000;
  return bootEpochMs + (startTicks / 100) * 1000; // USER_HZ is 100 on Linux
}

/** The app's processes: the one running the built binary, and its WebKit helpers. */
function appMemory(driverPid) {
  const appPid = appPidUnder(driverPid);
  if (!appPid) return { processes: [], total_mib: null };
  const processes = tree(appPid).map(memoryOf);
  const total = processes.reduce((a, p) => a + p.mib, 0);
  // Anonymous memory is what the app itself holds; file pages (the mapped index, libraries)
  // are page cache the kernel shares and can drop.
  const anon = processes.reduce((a, p) => a + (p.rss_anon_mib ?? 0), 0);
  return {
    processes,
    total_mib: Math.round(total * 10) / 10,
    anon_mib: Math.round(anon * 10) / 10,
  };
}

async function main() {
  const profile = mkdtempSync(join(tmpdir(), "casebook-bench-app-"));
  const driver = spawn(
    process.env.TAURI_DRIVER ?? "tauri-driver",
    [
      "--port",
      String(port),
      "--native-port",
      String(port + 1),
      "--native-driver",
      process.env.WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver",
    ],
    {
      // A fresh user profile: the user's saved search, filters and window size would
      // otherwise decide what "first results" means (a saved query is a smaller search).
      env: {
        ...process.env,
        CASEBOOK_LIBRARY: library,
        XDG_CONFIG_HOME: join(profile, "config"),
        XDG_DATA_HOME: join(profile, "data"),
        XDG_CACHE_HOME: join(profile, "cache"),
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  try {
    await wd.until(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/status`).catch(() => null))?.ok,
      "tauri-driver",
      20000,
    );
    const t0 = performance.now();
    await wd.start(app);
    const firstResults = await wd.until(
      async () => {
        const rows = await wd.$$(".results [role=option] .row-title");
        return rows.length > 0 ? performance.now() - t0 : null;
      },
      "the first results",
      60000,
    );
    const inPage = await wd.exec(() => performance.now());
    const total = Number((await wd.text(COUNT)).replace(/,/g, ""));
    console.log(
      `window to first results: ${firstResults.toFixed(0)} ms (page: ≤ ${inPage.toFixed(0)} ms); ${total} case studies`,
    );
    // The same without WebDriver's start-up and polling: from the app process's start to the
    // frame after the first results rendered (the page's User Timing marks), and the steps.
    const appPid = appPidUnder(driver.pid);
    // The rows can be in the DOM before the frame that shows them (its mark) has run.
    await wd.until(
      () =>
        wd.exec(
          () =>
            performance.getEntriesByName("casebook:first-results").length > 0,
        ),
      "the first results' frame",
      10000,
    );
    const marks = await wd.exec(() => ({
      origin: performance.timeOrigin,
      marks: performance
        .getEntriesByType("mark")
        .filter((m) => m.name.startsWith("casebook:"))
        .map((m) => [m.name.slice(9), m.startTime])
        .concat(
          performance
            .getEntriesByType("paint")
            .map((p) => [p.name, p.startTime]),
        ),
    }));
    const processStart = appPid ? processStartEpochMs(appPid) : null;
    const startup = {
      page_start_after_process_ms:
        processStart === null ? null : marks.origin - processStart,
      marks_ms: Object.fromEntries(marks.marks),
    };
    const first = startup.marks_ms["first-results"];
    startup.process_to_first_results_ms =
      first === undefined || startup.page_start_after_process_ms === null
        ? null
        : startup.page_start_after_process_ms + first;
    console.log(
      `process start to first results: ${startup.process_to_first_results_ms?.toFixed(0)} ms (page starts ${startup.page_start_after_process_ms?.toFixed(0)} ms after the process; in the page: ${marks.marks.map(([n, t]) => `${n} ${t.toFixed(0)}`).join(", ")})`,
    );

    // Keystroke to results, one key at a time, over words of the query mix.
    const words = readFileSync(
      resolve(
        dirname(new URL(import.meta.url).pathname),
        "../../bench/queries.txt",
      ),
      "utf8",
    )
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^[a-z][a-z -]+$/.test(l));
    // Timed in the page, not by polling over WebDriver (whose round trips and 150 ms poll
    // would be measured too): from the keydown to the frame after the results for the new
    // text are in the DOM (`data-shown-query` of the result list changes).
    await wd.exec(() => {
      const w = window;
      w.__bench = { keyAt: 0, shown: {}, parts: {} };
      document.addEventListener(
        "keydown",
        () => (w.__bench.keyAt = performance.now()),
        true,
      );
      new MutationObserver((changes) => {
        for (const c of changes) {
          const q = c.target.dataset?.shownQuery;
          if (q === undefined) continue;
          const keyAt = w.__bench.keyAt;
          const domAt = performance.now();
          requestAnimationFrame(() => {
            if (w.__bench.shown[q] !== undefined) return;
            const now = performance.now();
            w.__bench.shown[q] = now - keyAt;
            // The store's marks of the search shown: waiting for the core, the call, the
            // rendering up to this frame.
            const last = (n) => performance.getEntriesByName(n).at(-1);
            const sent = last("casebook:search-sent");
            const answered = last("casebook:search-answered");
            if (sent && answered && answered.detail?.query === q)
              w.__bench.parts[q] = {
                wait: sent.startTime - keyAt,
                call: answered.startTime - sent.startTime,
                core: answered.detail.took_ms,
                render: now - answered.startTime,
                // of the rendering: the page's own work up to the DOM change, then the
                // wait for and the work of the next frame (style, layout, paint)
                dom: domAt - answered.startTime,
                frame: now - domAt,
              };
          });
        }
      }).observe(document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ["data-shown-query", "data-shown-gen"],
      });
      return true;
    });
    const latencies = [];
    // Each key's query, time and parts, to see which keys make the tail.
    const samples = [];
    const parts = {
      wait: [],
      call: [],
      core: [],
      render: [],
      dom: [],
      frame: [],
    };
    // Optional warm-up: whole words searched (not typed) before the measured keys, from the
    // end of the mix (the keys are typed from its start).
    for (const text of [
      ...(warmupWords > 0 ? words.slice(-warmupWords) : []),
      "",
    ]) {
      await wd.exec(
        (sel, v) => {
          const el = document.querySelector(sel);
          el.value = v;
          el.dispatchEvent(new Event("input", { bubbles: true }));
          return true;
        },
        SEARCH,
        text,
      );
      await wd.until(
        () =>
          wd.exec(
            (v) => document.querySelector(".results")?.dataset.shownQuery === v,
            text,
          ),
        `the warm-up search "${text}"`,
        30000,
      );
    }
    let wi = 0;
    while (latencies.length < keystrokes && wi < words.length * 4) {
      const word = words[wi++ % words.length];
      // Clear the box (one search), then type the word key by key.
      await wd.exec((sel) => {
        const el = document.querySelector(sel);
        window.__bench.shown = {};
        window.__bench.parts = {};
        el.focus();
        el.value = "";
        el.dispatchEvent(new Event("input", { bubbles: true }));
        return true;
      }, SEARCH);
      await wd.until(
        () =>
          wd.exec(
            () => document.querySelector(".results")?.dataset.shownQuery === "",
          ),
        "the cleared search",
        30000,
      );
      let typed = "";
      for (const ch of word) {
        typed += ch;
        await wd.type(SEARCH, ch);
        const ms = await wd.until(
          () =>
            wd.exec((want) => window.__bench.shown[want] ?? null, typed.trim()),
          `results for "${typed}"`,
          30000,
        );
        if (typed.trim() === typed) {
          latencies.push(ms);
          const p = await wd.exec(
            (want) => window.__bench.parts[want] ?? null,
            typed,
          );
          if (p) for (const k of Object.keys(parts)) parts[k].push(p[k]);
          samples.push({ query: typed, ms, ...(p ?? {}) });
        }
        if (latencies.length >= keystrokes) break;
      }
    }
    const keys = summary(latencies);
    console.log(
      `keystroke to results: p50 ${keys.p50?.toFixed(1)} ms, p95 ${keys.p95?.toFixed(1)}, p99 ${keys.p99?.toFixed(1)}, max ${keys.max?.toFixed(1)} (${keys.n} keys)`,
    );
    const split = Object.fromEntries(
      Object.entries(parts).map(([k, v]) => [k, summary(v)]),
    );
    console.log(
      `  of it (p50 / p95 ms, ${split.call.n} keys): ${Object.entries(split)
        .map(([k, v]) => `${k} ${v.p50?.toFixed(1)} / ${v.p95?.toFixed(1)}`)
        .join(", ")}`,
    );

    // The slowest keys with their parts: which searches or renders make the tail.
    const slowest = [...samples].sort((a, b) => b.ms - a.ms).slice(0, 5);
    console.log(
      `  slowest keys: ${slowest.map((s) => `"${s.query}" ${s.ms.toFixed(0)} (core ${s.core?.toFixed(1)}, call ${s.call?.toFixed(0)}, dom ${s.dom?.toFixed(0)}, frame ${s.frame?.toFixed(0)})`).join("; ")}`,
    );

    // Scrolling the whole list: all results again, then 3 rows a frame for ~3 s.
    await wd.exec((sel) => {
      const el = document.querySelector(sel);
      el.value = "";
      el.dispatchEvent(new Event("input", { bubbles: true }));
      return true;
    }, SEARCH);
    await wd.until(
      () =>
        wd.exec(
          () => document.querySelector(".results")?.dataset.shownQuery === "",
        ),
      "all results",
      30000,
    );
    await sleep(500);
    const scroll = await wd.cmd("POST", "/execute/async", {
      script: `const done = arguments[arguments.length - 1];
        const list = document.querySelector(".results .vlist") ?? document.querySelector(".results .list");
        const row = document.querySelector(".results [role=option]");
        const step = (row ? row.getBoundingClientRect().height : 64) * 3;
        const frames = [];
        let last = performance.now();
        const end = last + 3000;
        const tick = (now) => {
          frames.push(now - last);
          last = now;
          const scroller = [list, ...list.querySelectorAll("*")].find((e) => e.scrollHeight > e.clientHeight + 10) ?? list;
          scroller.scrollTop += step;
          if (now < end) requestAnimationFrame(tick);
          else done({ frames: frames.slice(1), top: scroller.scrollTop, rows: document.querySelectorAll(".results [role=option] .row-title").length });
        };
        requestAnimationFrame(tick);`,
      args: [],
    });
    const interval = percentile(scroll.frames, 50);
    const dropped = scroll.frames.filter((f) => f > MISSED_FRAME_MS).length;
    const frames = summary(scroll.frames);
    console.log(
      `scrolling: ${scroll.frames.length} frames, median interval ${interval?.toFixed(1)} ms, p99 ${frames.p99?.toFixed(1)} ms, max ${frames.max?.toFixed(1)} ms, ${dropped} dropped (over ${MISSED_FRAME_MS} ms); scrolled to ${Math.round(scroll.top)} px with ${scroll.rows} rows rendered`,
    );

    await sleep(1000);
    const memory = appMemory(driver.pid);
    console.log(
      `memory: ${memory.total_mib} MiB (anonymous ${memory.anon_mib}) in ${memory.processes.length} processes (${memory.processes.map((p) => `${p.comm} ${p.mib}: anon ${p.rss_anon_mib}, files ${p.rss_file_mib}, of which the library's ${p.library_files_pss_mib} ${JSON.stringify(p.library_files_by_kind_mib)}`).join("; ")})`,
    );

    // The same 10 s later, nothing done meanwhile: what WebKit's allocator and the
    // JavaScript heap give back of what the searches and the scrolling left behind.
    await sleep(10000);
    const memoryAtRest = appMemory(driver.pid);
    console.log(
      `memory 10 s later, at rest: ${memoryAtRest.total_mib} MiB (anonymous ${memoryAtRest.anon_mib}; ${memoryAtRest.processes.map((p) => `${p.comm} ${p.mib}: anon ${p.rss_anon_mib}`).join("; ")})`,
    );

    const result = {
      library_case_studies: total,
      window_to_first_results_ms: firstResults,
      page_time_at_first_results_ms: inPage,
      startup,
      keystroke_to_results_ms: keys,
      // waiting for the core, the search call (core: the search itself), the rendering
      keystroke_parts_ms: split,
      keystroke_samples_ms: latencies,
      keystroke_samples: samples,
      warmup_words: warmupWords,
      scrolling: {
        frames: scroll.frames.length,
        median_interval_ms: interval,
        p99_interval_ms: frames.p99,
        max_interval_ms: frames.max,
        dropped,
        rows_rendered: scroll.rows,
      },
      memory,
      memory_at_rest: memoryAtRest,
    };
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2));
    console.log(`wrote ${out}`);
    await wd.stop();
  } finally {
    driver.kill();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
