// End-to-end tests through the real app: the built Tauri binary in WebKitGTK, driven by
// tauri-driver + WebKitWebDriver, under Xvfb, with the real core on a fresh temporary library.
// Run by tests/run-ui-and-e2e.sh (which builds the app and starts Xvfb); needs DISPLAY.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import {
  mkdtempSync,
  mkdirSync,
  writeFileSync,
  rmSync,
  existsSync,
  readFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { WebDriver } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const app = resolve(
  process.env.CASEBOOK_APP ?? join(targetDir, "debug", "casebook-desktop"),
);
const port = Number(process.env.WEBDRIVER_PORT ?? 4444);
const shots = process.env.E2E_SCREENSHOTS ?? join(here, ".out");
const tauriDriver = process.env.TAURI_DRIVER ?? "tauri-driver";

const SEARCH = 'input[aria-label="Search case studies"]';
const COUNT = "[data-testid=result-count]";
const ROWS = ".results [role=option]";

let tmp;
let driverProc;
const wd = new WebDriver(`http://127.0.0.1:${port}`);

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function count() {
  return Number((await wd.text(COUNT)).replace(/,/g, ""));
}

async function shot(name) {
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, `${name}.png`), await wd.screenshot());
}

async function launch() {
  await wd.start(app);
  await wd.until(
    async () => (await wd.$$(COUNT)).length > 0,
    "the result count",
  );
}

async function setQuery(text) {
  await wd.exec(
    (sel, value) => {
      const el = document.querySelector(sel);
      el.focus();
      el.value = "";
      el.dispatchEvent(new Event("input", { bubbles: true }));
      return true;
    },
    SEARCH,
    "",
  );
  if (text) await wd.type(SEARCH, text);
  // Until the results on screen are this text's (when the list is shown): the count of the
  // previous search may equal the one a test waits for, and its rows are about to go.
  await wd.until(
    () =>
      wd.exec((q) => {
        const list = document.querySelector(".results");
        return !list || list.dataset.shownQuery === q;
      }, text.trim()),
    `the results for "${text}"`,
  );
}

function caseStudy(slug, title, company, year, tags, body) {
  // The LLMOps Database's own export shape (as in seeds/).
  return `---\ntitle: "${title}"\nslug: "${slug}"\ncompany: "${company}"\nyear: ${year}\nindustryTags: "tech"\nllmopsTags:\n${tags
    .map((t) => `  - "${t}"`)
    .join(
      "\n",
    )}\nsummary: "${title} — a test case study."\n---\n\n## Overview\n\n${body}\n\n## Results\n\nIt worked in production.\n`;
}

before(async () => {
  assert.ok(
    existsSync(app),
    `built app not found at ${app} (run tests/run-ui-and-e2e.sh)`,
  );
  assert.ok(process.env.DISPLAY, "DISPLAY is not set: run under xvfb-run");
  tmp = mkdtempSync(join(tmpdir(), "casebook-e2e-"));
  const env = {
    ...process.env,
    CASEBOOK_LIBRARY: join(tmp, "library"),
    XDG_CONFIG_HOME: join(tmp, "config"),
    XDG_DATA_HOME: join(tmp, "data"),
    XDG_CACHE_HOME: join(tmp, "cache"),
  };
  driverProc = spawn(
    tauriDriver,
    [
      "--port",
      String(port),
      "--native-driver",
      process.env.WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver",
    ],
    { env, stdio: ["ignore", "inherit", "inherit"] },
  );
  await wd.until(
    async () =>
      (await fetch(`http://127.0.0.1:${port}/status`).catch(() => null))?.ok,
    "tauri-driver",
    20000,
  );
  await launch();
});

after(async () => {
  await wd.stop().catch(() => {});
  driverProc?.kill();
  // WebKit's processes may still be writing their shader cache as they exit: retried, and
  // a temporary folder left behind is reported, not a failed test.
  if (tmp && !process.env.E2E_KEEP) {
    try {
      rmSync(tmp, {
        recursive: true,
        force: true,
        maxRetries: 20,
        retryDelay: 100,
      });
    } catch (e) {
      console.warn(`could not remove ${tmp}: ${e.message}`);
    }
  }
});

test("a fresh library opens with the seeds, searchable", async () => {
  await wd.until(async () => (await count()) === 4, "4 seed case studies");
  // Rows are fetched by range after the count arrives.
  await wd.until(async () => (await wd.$$(ROWS)).length === 4, "4 rows");
  await shot("01-first-launch");
});

test("typing a query changes the counts and the results", async () => {
  const facetTotal = async () =>
    wd.exec(() =>
      [...document.querySelectorAll("[data-facet=industry] .facet-count")]
        .map((e) => e.textContent)
        .join(","),
    );
  const facetsBefore = await facetTotal();
  // Stemmed: "debating" also finds a panel that "debates"; the best match comes first.
  await setQuery("debating");
  await wd.until(async () => {
    const n = await count();
    return n >= 1 && n < 4;
  }, "fewer results for 'debating'");
  const titles = await wd.until(async () => {
    const t = await wd.exec(
      (sel) =>
        [...document.querySelectorAll(sel)]
          .map((e) => e.textContent)
          .join(" | "),
      `${ROWS} .row-title`,
    );
    return /Debating the Value and Future of LLMOps/.test(t) ? t : null;
  }, "the debate among the results");
  assert.doesNotMatch(
    titles,
    /Best Practices for LLMs/,
    "a case study without the word is gone",
  );
  assert.notEqual(
    await facetTotal(),
    facetsBefore,
    "facet counts follow the query",
  );
  await setQuery("");
  await wd.until(async () => (await count()) === 4, "all 4 again");
});

test("applying and clearing a facet", async () => {
  await setQuery("");
  await wd.until(
    async () => (await count()) === 4 && (await wd.$$(ROWS)).length === 4,
    "all 4",
  );
  const labels = await wd.exec(() =>
    [...document.querySelectorAll("[data-facet=company] .facet-item")].map(
      (e) => e.textContent.trim(),
    ),
  );
  assert.ok(labels.length > 0, "company facet has values");
  await wd.click("[data-facet=company] .facet-item input");
  await wd.until(async () => (await wd.$$(".chip")).length === 1, "a chip");
  await wd.until(async () => (await count()) < 4, "fewer results");
  await shot("02-facet");
  await wd.click(".chip-remove");
  await wd.until(async () => (await wd.$$(".chip")).length === 0, "no chip");
  await wd.until(async () => (await count()) === 4, "all 4 again");
});

test("opening a case study renders it in the reader", async () => {
  // The core's query syntax, typed in the box: a field and a phrase.
  await setQuery('title:debating "distinct discipline"');
  await wd.until(async () => (await count()) === 1, "1 result");
  await wd.click(ROWS);
  await wd.until(
    async () => /Debating the Value/.test(await wd.text("#reader-title")),
    "the reader title",
  );
  const prose = await wd.until(async () => {
    const t = await wd.text(".prose");
    return t.length > 200 ? t : null;
  }, "the body");
  assert.ok(prose.length > 200);
  const marks = await wd.exec(
    () => document.querySelectorAll(".prose mark.hit, .summary mark").length,
  );
  assert.ok(marks > 0, "the phrase is marked in the text");
  const shown = await wd.exec(() => {
    const r = document.querySelector("#reader-title")?.getBoundingClientRect();
    return r ? r.width > 0 && r.height > 0 : false;
  });
  assert.ok(shown, "the reader is on screen");
  // Related case studies come from the core through the real IPC, without an error.
  const related = await wd.until(async () => {
    const busy = await wd.exec(() => {
      const el = document.querySelector(".related");
      return el ? String(el.getAttribute("aria-busy")) : "missing";
    });
    return busy === "true" || busy === "missing"
      ? null
      : await wd.text(".related");
  }, "the related case studies");
  assert.match(related, /Related case studies/i); // the heading is upper-cased by CSS
  assert.doesNotMatch(related, /Could not/);
  await sleep(300);
  await shot("03-reader");
});

test("the Trends view charts the library and a point lists its case studies", async () => {
  await setQuery("");
  await wd.until(async () => (await count()) === 4, "all 4");
  await wd.click("[data-testid=trends-toggle]");
  // Chart.js is loaded on first use; the counts come from the core through the real IPC.
  const point = await wd.until(
    () =>
      wd.exec(() => {
        const canvas = document.querySelector("[data-testid=trends-chart]");
        const chart = canvas?.casebookChart;
        if (!chart || chart.data.datasets.length === 0) return null;
        const ds = chart.data.datasets.findIndex((d) =>
          d.data.some((v) => v > 0),
        );
        if (ds < 0) return null;
        const yi = chart.data.datasets[ds].data.findIndex((v) => v > 0);
        const p = chart.getDatasetMeta(ds).data[yi];
        const r = canvas.getBoundingClientRect();
        return {
          x: r.left + p.x,
          y: r.top + p.y,
          value: chart.data.datasets[ds].data[yi],
          series: chart.data.datasets.map((d) => d.label),
        };
      }),
    "a chart with a point",
  );
  assert.ok(point.series.length > 0, "series are charted");
  await sleep(300);
  await shot("trends");
  await wd.exec(
    (x, y) => {
      const canvas = document.querySelector("[data-testid=trends-chart]");
      const init = { clientX: x, clientY: y, bubbles: true };
      canvas.dispatchEvent(new MouseEvent("mousemove", init));
      canvas.dispatchEvent(new MouseEvent("click", init));
    },
    point.x,
    point.y,
  );
  await wd.until(
    async () => (await wd.$$("[data-testid=trends-view]")).length === 0,
    "back to the list",
  );
  await wd.until(
    async () => (await count()) === point.value,
    `the ${point.value} case studies of that point`,
  );
  await wd.until(
    async () => (await wd.$$(".chip")).length === 2,
    "tag and year chips",
  );
  await wd.exec(() => document.querySelector(".chips .link")?.click());
  await wd.until(async () => (await count()) === 4, "all 4 again");
});

test("a real OS drag and drop of files and a folder imports them", async () => {
  const drop = join(tmp, "drop");
  const folder = join(drop, "more");
  mkdirSync(folder, { recursive: true });
  const f1 = join(drop, "acme-rag.md");
  const f2 = join(drop, "globex-agents.md");
  writeFileSync(
    f1,
    caseStudy(
      "acme-rag",
      "Acme Ships RAG Support Bot",
      "Acmeco",
      2025,
      ["rag"],
      "Zebrafish retrieval at Acmeco.",
    ),
  );
  writeFileSync(
    f2,
    caseStudy(
      "globex-agents",
      "Globex Agents for Invoices",
      "Globex",
      2024,
      ["agents"],
      "Zebrafish agents at Globex.",
    ),
  );
  for (let i = 0; i < 3; i++) {
    writeFileSync(
      join(folder, `case-${i}.md`),
      caseStudy(
        `folder-case-${i}`,
        `Folder Case Study ${i}`,
        `Initech ${i}`,
        2023,
        ["evaluation"],
        `Zebrafish evaluation number ${i}.`,
      ),
    );
  }
  writeFileSync(
    join(folder, "hostile.md"),
    caseStudy(
      "hostile",
      "Hostile Zebrafish Write-up",
      "Evil Corp",
      2021,
      ["security"],
      [
        "Zebrafish text.",
        '<script>window.__pwned = "script"</script>',
        `<img src="x" onerror="window.__pwned='onerror'">`,
        '<a id="js" href="javascript:window.__pwned=\'link\'">click</a>',
        `<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`,
        `<svg><script>window.__pwned='svg'</script></svg>`,
        `<form action="javascript:window.__pwned='form'"><button>go</button></form>`,
      ].join("\n\n"),
    ),
  );
  writeFileSync(
    join(folder, "broken.png"),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]),
  );
  await setQuery("");
  await sleep(500);
  const before = await count();

  const src = spawn(
    process.env.E2E_PYTHON ?? "/usr/bin/python3",
    [join(here, "drag_source.py"), "1000", "650", f1, f2, folder],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise((resolve, reject) => {
    src.stdout.on("data", (d) => String(d).includes("ready") && resolve());
    src.on("exit", (c) => reject(new Error(`drag source exited ${c}`)));
  });
  const xdo = (...args) => execFileSync("xdotool", args.map(String));
  xdo("mousemove", 1060, 680);
  await sleep(200);
  xdo("mousedown", 1);
  for (let i = 1; i <= 12; i++) {
    xdo("mousemove", 1060 - i * 50, 680 - i * 25);
    await sleep(60);
  }
  await sleep(300);
  const overlay = (await wd.$$("[data-testid=drop-overlay]")).length > 0;
  await shot("04-drop-target");
  xdo("mouseup", 1);

  const phase = await wd.until(
    async () => {
      const p = await wd.exec(
        () =>
          document.querySelector("[data-testid=import-panel]")?.dataset.phase ??
          null,
      );
      return p === "done" || p === "failed" ? p : null;
    },
    "the import report",
    30000,
  );
  assert.equal(phase, "done", await wd.text("[data-testid=import-panel]"));
  // The report names the new case studies by title once they are fetched.
  await wd.until(
    async () =>
      /Acme Ships RAG/.test(await wd.text("[data-testid=import-panel]")),
    "titles in the report",
  );
  const added = Number(await wd.text("[data-testid=report-added]"));
  const failed = Number(await wd.text("[data-testid=report-failed]"));
  assert.equal(added, 6, "6 new case studies");
  assert.equal(failed, 1, "the .png failed");
  assert.ok(overlay, "the drop target showed while dragging");
  await wd.until(
    async () => (await count()) === before + 6,
    "6 more case studies after the import",
  );
  await shot("05-import-report");
  // The new ones can be opened from the report.
  await wd.click(".import-panel .changed button");
  await wd.until(
    async () =>
      /Acme|Globex|Folder Case Study/.test(await wd.text("#reader-title")),
    "a new one opened",
  );
  await setQuery("zebrafish");
  await wd.until(
    async () => (await count()) === 6,
    "the 6 new ones found by their text",
  );
  src.kill();
});

test("a hostile case study renders inert in the real webview", async () => {
  await setQuery("hostile");
  await wd.until(async () => (await count()) === 1, "the hostile one");
  await wd.click(ROWS);
  await wd.until(
    async () => /Hostile Zebrafish/.test(await wd.text("#reader-title")),
    "it opened",
  );
  await wd.until(
    async () => (await wd.text(".prose")).includes("Zebrafish text"),
    "its body",
  );
  const found = await wd.exec(
    () =>
      [
        ...document.querySelectorAll(
          ".prose script, .prose iframe, .prose svg, .prose form, .prose [onerror]",
        ),
      ].length,
  );
  assert.equal(found, 0, "nothing executable in the rendered body");
  const links = await wd.$$(".prose a");
  for (const l of links)
    await wd.cmd("POST", `/element/${l}/click`, {}).catch(() => {});
  await sleep(500);
  assert.equal(
    await wd.exec(() => window.__pwned ?? null),
    null,
    "no script ran",
  );
  assert.match(
    await wd.exec(() => location.href),
    /^(tauri|http):\/\/(localhost|tauri\.localhost)/,
    "still in the app",
  );
  await shot("07-hostile");
});

test(
  "a second launch hands over to the first and exits",
  { skip: !process.env.DBUS_SESSION_BUS_ADDRESS && "no D-Bus session bus" },
  async () => {
    const env = {
      ...process.env,
      CASEBOOK_LIBRARY: join(tmp, "library"),
      XDG_CONFIG_HOME: join(tmp, "config"),
      XDG_DATA_HOME: join(tmp, "data"),
    };
    const second = spawnSync(app, [], { env, timeout: 20000 });
    assert.equal(
      second.error,
      undefined,
      "the second instance ended by itself",
    );
    assert.equal(second.status, 0);
    // The first one still answers.
    assert.ok((await count()) > 0);
  },
);

test("after a restart the state is kept", async () => {
  await setQuery("zebrafish");
  await wd.until(
    async () => (await count()) === 6,
    "the 6 zebrafish case studies",
  );
  await wd.until(
    async () => (await wd.$$("[data-facet=company] .facet-item")).length >= 5,
    "their companies",
  );
  await wd.click("[data-facet=company] .facet-item input");
  await wd.until(async () => (await wd.$$(".chip")).length === 1, "a chip");
  const n = await count();
  await sleep(800); // the UI state is saved 300 ms after a change
  await wd.stop();
  await sleep(500);
  await launch();
  await wd.until(
    async () =>
      (await wd.exec((s) => document.querySelector(s).value, SEARCH)) ===
      "zebrafish",
    "the query back",
  );
  await wd.until(
    async () => (await wd.$$(".chip")).length === 1,
    "the chip back",
  );
  await wd.until(async () => (await count()) === n, "the same results");
  await shot("06-after-restart");
});

// Selects `needle` in the reader's body as a user ends a selection: a DOM range over the text
// nodes (it may cross search marks), then mouseup.
async function selectInBody(needle) {
  return wd.exec((n) => {
    const body = document.querySelector(".prose");
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = "";
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      nodes.push([t, text.length]);
      text += t.data;
    }
    const i = text.indexOf(n);
    if (i < 0) return false;
    const at = (pos) => {
      for (const [t, s] of nodes)
        if (pos <= s + t.data.length) return [t, pos - s];
      return null;
    };
    const range = document.createRange();
    range.setStart(...at(i));
    range.setEnd(...at(i + n.length));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    body.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    return true;
  }, needle);
}

test("a highlight with a note survives a restart and its note is searchable", async () => {
  if ((await wd.$$(".chip-remove")).length) await wd.click(".chip-remove");
  await setQuery('title:debating "distinct discipline"');
  await wd.until(async () => (await count()) === 1, "1 result");
  await wd.click(ROWS);
  await wd.until(
    async () => (await wd.text(".prose")).length > 200,
    "the body",
  );
  const quote = "distinctly different perspectives";
  assert.ok(await selectInBody(quote), "the quote is in the body");
  await wd.until(
    async () => (await wd.$$(".hl-toolbar")).length === 1,
    "the toolbar",
  );
  await wd.click(".hl-toolbar .hl-note-btn");
  await wd.until(
    async () => (await wd.$$(".hl-note-input")).length === 1,
    "the note box",
  );
  await wd.exec(() => {
    const el = document.querySelector(".hl-note-input");
    el.value = "quokkanote about framing";
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  });
  await wd.click('.hl-toolbar button[aria-label="Highlight green"]');
  const marked = async () =>
    wd.exec(() =>
      [...document.querySelectorAll(".prose mark.hl")]
        .map((m) => m.textContent)
        .join(""),
    );
  await wd.until(async () => (await marked()) === quote, "the highlight");
  await wd.click("[data-testid=annotations-toggle]");
  await wd.until(
    async () => /quokkanote/.test(await wd.text("#annotation-panel")),
    "the note in the panel",
  );
  await sleep(300);
  await shot("07-reader-highlight");

  await sleep(800); // the UI state (the open case study) is saved 300 ms after a change
  await wd.stop();
  await sleep(500);
  await launch();
  await wd.until(
    async () => (await wd.$$(".prose mark.hl")).length > 0,
    "the highlight back after a restart",
  );
  assert.equal(await marked(), quote);

  await setQuery("quokkanote");
  await wd.until(async () => (await count()) === 1, "found by its note");
  await wd.until(
    async () =>
      (await wd.$$(`${ROWS} [data-testid=annot-marker]`)).length === 1,
    "the annotation marker on the row",
  );
  await shot("08-note-search");
});

test("two picked results compared side by side, with the highlight count", async () => {
  await setQuery("");
  await wd.until(
    async () => (await count()) >= 4 && (await wd.$$(ROWS)).length >= 4,
    "the library's rows",
  );
  // The debate (highlighted with a note in the test before) and one other, by their boxes.
  const picked = await wd.exec((rows) => {
    const all = [...document.querySelectorAll(rows)];
    const debate = all.find((r) =>
      /Debating the Value/.test(
        r.querySelector(".row-title")?.textContent ?? "",
      ),
    );
    const other = all.find((r) => r !== debate);
    if (!debate || !other) return null;
    const titles = [debate, other].map((r) =>
      r.querySelector(".row-title").textContent.trim(),
    );
    for (const r of [debate, other]) r.querySelector("input.row-check").click();
    return titles;
  }, ROWS);
  assert.ok(picked, "two rows to pick");
  await wd.until(
    async () =>
      (await wd.$$("[data-testid=compare-button]:not([disabled])")).length ===
      1,
    "Compare enabled for two",
  );
  await wd.click("[data-testid=compare-button]");
  const cols = await wd.until(async () => {
    const c = await wd.exec(() =>
      [...document.querySelectorAll("[data-testid=compare-col]")].map(
        (col) => ({
          title: col.querySelector(".compare-title")?.textContent ?? "",
          highlights:
            col.querySelector("[data-testid=compare-highlights]")
              ?.textContent ?? "",
          summary: col.querySelector(".compare-summary")?.textContent ?? "",
        }),
      ),
    );
    return c.length === 2 && c.every((x) => x.title) ? c : null;
  }, "two columns with their case studies");
  assert.deepEqual(
    cols.map((c) => c.title),
    picked,
    "the picked case studies, in order",
  );
  assert.equal(cols[0].highlights, "1", "the debate's highlight is counted");
  assert.ok(
    cols.every((c) => c.summary.length > 20),
    "both summaries shown",
  );
  await sleep(300);
  await shot("compare");
  await wd.click("[data-testid=compare-close]");
  await wd.until(
    async () => (await wd.$$("[data-testid=compare-view]")).length === 0,
    "back to the list",
  );
  await wd.click("[data-testid=bulk-clear]");
  await wd.until(
    async () => (await wd.$$("[data-testid=bulk-bar]")).length === 0,
    "the selection cleared",
  );
});

// The OWASP-style payloads the core's sanitiser is tested with, in every field the app shows,
// each also in a variant that would call a command through the IPC bridge if it ran.
test("XSS payloads in every field run nothing and reach no command", async () => {
  const payloads = readFileSync(
    join(root, "crates/core/tests/fixtures/xss-payloads.txt"),
    "utf8",
  )
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"));
  assert.ok(payloads.length >= 100, `${payloads.length} payloads`);
  const invoke =
    "window.__TAURI_INTERNALS__.invoke('create_collection',{name:'pwned'})";
  const all = payloads.flatMap((p) => [
    p,
    p.replace(/alert\([^)]*\)/g, invoke),
  ]);
  // Spread over a dozen case studies: each payload lands once in each field.
  const N = 12;
  const share = (k) => all.filter((_, i) => i % N === k);
  const records = Array.from({ length: N }, (_, k) => ({
    title: `Xsscarrier ${k} ${share(k).slice(0, 6).join(" ")}`,
    company: share(k).slice(6, 9).join(" "),
    summary: `xsscarrier ${share(k).join(" ")}`,
    tags: ["xsscarrier", ...share((k + 1) % N)],
    link: k % 2 ? "javascript:window.__pwned='link'" : share(k)[0],
    year: 2025,
    body: `## Xsscarrier ${k}\n\n${share(k).join("\n\n")}\n\n<div>${share((k + 2) % N).join("")}</div>\n\nxsscarrier tail`,
  }));
  const file = join(tmp, "xss.jsonl");
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n"));

  const cli = join(targetDir, "debug", "casebook");
  assert.ok(existsSync(cli), `the casebook CLI at ${cli}`);
  const run = (...args) =>
    execFileSync(cli, ["--library", join(tmp, "library"), ...args], {
      encoding: "utf8",
    });
  await wd.stop();
  // The app lets go of the library as it exits.
  const report = JSON.parse(
    await wd.until(async () => {
      try {
        return run("import", file, "--json");
      } catch (e) {
        if (/in use/.test(String(e.stderr))) return null;
        throw e;
      }
    }, "the library free for the CLI"),
  );
  assert.equal(report.added, N, JSON.stringify(report.failed));
  const ids = JSON.parse(run("search", "xsscarrier", "--json")).hits.map(
    (h) => h.id,
  );
  assert.equal(ids.length, N);
  for (const [k, id] of ids.entries())
    run(
      "note",
      "set",
      String(id),
      `xsscarrier note ${share((k + 3) % N).join("\n\n")}`,
    );
  await launch();

  // Anything that runs from here on is caught, whatever it calls.
  const arm = () =>
    wd.exec(() => {
      for (const f of ["alert", "confirm", "prompt", "print", "open"])
        window[f] = () => {
          window.__pwned = f;
        };
      return true;
    });
  await arm();
  const titleBefore = await wd.exec(() => document.title);
  await setQuery("xsscarrier");
  await wd.until(async () => (await count()) === N, `the ${N} carriers`);
  await sleep(500);
  for (let k = 0; k < N; k++) {
    // One carrier at a time (the list only renders the rows in view).
    await setQuery(`title:"xsscarrier ${k}"`);
    await wd.until(async () => (await count()) === 1, `carrier ${k} found`);
    await wd.until(
      async () => (await wd.$$(ROWS)).length === 1,
      `carrier ${k}'s row`,
    );
    await wd.click(ROWS);
    await wd.until(
      async () =>
        new RegExp(`xsscarrier ${k}\\b`, "i").test(await wd.text(".prose")),
      `carrier ${k} open`,
    );
    // The notes panel, where the note is rendered: open it once; it stays open.
    await wd.exec(() => {
      if (!document.querySelector("#annotation-panel"))
        document.querySelector("[data-testid=annotations-toggle]")?.click();
      return true;
    });
    await wd.until(
      async () => /xsscarrier note/.test(await wd.text("#annotation-panel")),
      `carrier ${k}'s note shown`,
    );
  }
  await sleep(800);
  const dom = await wd.exec(() => {
    const bad = [];
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes)
        if (/^on/i.test(a.name)) bad.push(`${el.tagName} ${a.name}`);
      if (
        ["IFRAME", "OBJECT", "EMBED", "BASE", "META"].includes(el.tagName) &&
        el.closest("body")
      )
        bad.push(el.tagName);
      // The app has forms of its own (add a tag, save a search); none may come from a
      // case study or a note.
      if (
        ["FORM", "INPUT", "BUTTON", "TEXTAREA", "SELECT"].includes(
          el.tagName,
        ) &&
        el.closest(
          ".prose, .summary, .note-preview, .note-rendered, .row-snippet",
        )
      )
        bad.push(`${el.tagName} in content`);
      if (el.tagName === "SCRIPT" && !el.src.startsWith(location.origin))
        bad.push(`script ${el.src}`);
      for (const attr of ["href", "src", "action", "formaction"]) {
        const v = el.getAttribute(attr) ?? "";
        if (/^\s*(javascript|data|vbscript):/i.test(v))
          bad.push(`${el.tagName} ${attr}=${v.slice(0, 40)}`);
      }
    }
    return bad;
  });
  assert.deepEqual(dom, [], "nothing executable in the page");
  assert.equal(
    await wd.exec(() => window.__pwned ?? null),
    null,
    "no script ran",
  );
  assert.equal(await wd.exec(() => document.title), titleBefore);
  assert.match(
    await wd.exec(() => location.href),
    /^(tauri|http):\/\/(localhost|tauri\.localhost)/,
    "still in the app",
  );
  await shot("09-xss-payloads");
  await wd.stop();
  const collections = JSON.parse(
    await wd.until(async () => {
      try {
        return run("collection", "list", "--json");
      } catch (e) {
        if (/in use/.test(String(e.stderr))) return null;
        throw e;
      }
    }, "the library free for the CLI"),
  );
  assert.ok(
    !collections.some((c) => c.name === "pwned"),
    "no payload reached a command",
  );
  console.log(
    `# ${all.length} payloads (${payloads.length} and their IPC variants) in titles, companies, summaries, tags, links, bodies and notes: none ran`,
  );
  await launch();
});
