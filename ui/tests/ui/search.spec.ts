import { test, expect, openApp, rows, calls } from "./fixtures";

test("first launch shows the library, searchable, with counts", async ({ app, problems }) => {
  await openApp(app);
  await expect(app.getByTestId("result-count")).toHaveText("7");
  await expect(rows(app)).toHaveCount(7);
  await expect(app.locator("[data-facet=industry] .facet-item").first()).toContainText("Technology");
  await expect(app.locator("[data-facet=industry] .facet-item").first()).toContainText("3");
  expect(await app.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
  expect(problems).toEqual([]);
});

test("before the first search answers, the window shows placeholders, not an empty library", async ({ app }) => {
  // Held, not delayed: a loaded machine may take longer than any delay to load the page.
  await app.addInitScript(() => window.__mock.hold("search"));
  await app.goto("/");
  await expect(app.getByLabel("Loading")).toBeVisible();
  await expect(app.locator("#search-status")).toHaveText("");
  await expect(app.getByText("None in these results")).toHaveCount(0);
  await expect(app.getByText("No tags in these results")).toHaveCount(0);
  await expect(app.getByText("No case studies match")).toHaveCount(0);
  await app.evaluate(() => window.__mock.release("search"));
  await expect(app.getByTestId("result-count")).toHaveText("7");
  await expect(app.getByLabel("Loading")).toHaveCount(0);
  await expect(rows(app)).toHaveCount(7);
});

test("typing updates results and facet counts as you type", async ({ app }) => {
  await openApp(app);
  const search = app.getByRole("searchbox", { name: "Search case studies" });
  await search.pressSequentially("fine", { delay: 20 });
  await expect(app.getByTestId("result-count")).toHaveText("1");
  await expect(rows(app).first()).toContainText("Fine-tuning Small Models");
  await expect(app.locator("[data-facet=industry] .facet-item")).toHaveCount(1);
  await search.fill("acme");
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await expect(app.locator("[data-facet=company] .facet-item").first()).toContainText("Acme");
});

test("snippets mark the hits", async ({ app }) => {
  await openApp(app);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("support");
  await expect(rows(app).first().locator(".row-snippet mark")).toHaveText("support");
});

test("a slow stale response never overwrites a newer one", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => {
    window.__mock.delay.search = (args) => ((args as { request: { query: string } }).request.query === "ac" ? 600 : 0);
  });
  const search = app.getByRole("searchbox", { name: "Search case studies" });
  await search.fill("ac");
  await app.waitForTimeout(150); // "ac" is in flight
  await search.fill("acme voice");
  await expect(app.getByTestId("result-count")).toHaveText("0");
  await app.waitForTimeout(700); // the "ac" answer arrives now, and must be dropped
  await expect(app.getByTestId("result-count")).toHaveText("0");
});

test("typing stays responsive while searches are slow", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => (window.__mock.delay.search = 400));
  const search = app.getByRole("searchbox", { name: "Search case studies" });
  await search.pressSequentially("embeddings", { delay: 10 });
  await expect(search).toHaveValue("embeddings");
  await expect(app.getByTestId("result-count")).toHaveText("2");
  // Debounced: far fewer searches than keystrokes.
  expect((await calls(app, "search")).length).toBeLessThan(6);
});

test("a keystroke is searched at once; keystrokes during a search cost one more, with the newest text", async ({
  app,
}) => {
  await openApp(app);
  await app.evaluate(() => (window.__mock.delay.search = 1000));
  const search = app.getByRole("searchbox", { name: "Search case studies" });
  await search.pressSequentially("embed", { delay: 20 });
  await expect(search).toHaveValue("embed");
  const queries = async () =>
    ((await calls(app, "search")) as { request: { query: string } }[]).map((c) => c.request.query);
  // The first letter went out at once (no typing delay); the rest waited for it, as one.
  await expect.poll(queries).toEqual(["", "e", "embed"]);
  await expect(app.getByTestId("result-count")).toHaveText("2");
  expect(await queries()).toEqual(["", "e", "embed"]);
});

test("the spinner shows only once a search has taken long enough to notice", async ({ app }) => {
  await openApp(app);
  // From the spinner's insertion, each frame's opacity: when it first shows, if ever.
  await app.evaluate(() => {
    const w = window as unknown as { __spin: { shownAfter: number | null; atInsert: string | null } };
    w.__spin = { shownAfter: null, atInsert: null };
    new MutationObserver(() => {
      const el = document.querySelector<HTMLElement>(".spinner");
      if (!el || w.__spin.atInsert !== null) return;
      const from = performance.now();
      w.__spin.atInsert = getComputedStyle(el).opacity;
      const tick = () => {
        if (!el.isConnected) return;
        if (Number(getComputedStyle(el).opacity) > 0.5) w.__spin.shownAfter = performance.now() - from;
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }).observe(document.body, { childList: true, subtree: true });
    window.__mock.delay.search = 1500;
  });
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("fine");
  const spin = () => app.evaluate(() => (window as unknown as { __spin: object }).__spin);
  await expect.poll(spin).toMatchObject({ atInsert: "0" });
  await expect.poll(spin, { timeout: 5000 }).toMatchObject({ shownAfter: expect.any(Number) });
  expect(((await spin()) as { shownAfter: number }).shownAfter).toBeGreaterThanOrEqual(250);
  await expect(app.getByTestId("result-count")).toHaveText("1");
  await expect(app.locator(".spinner")).toHaveCount(0);
});

test("with reduced motion the spinner is still, and shown at once", async ({ app }) => {
  await app.emulateMedia({ reducedMotion: "reduce" });
  await openApp(app);
  await app.evaluate(() => (window.__mock.delay.search = 1500));
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("fine");
  await expect(app.locator(".spinner")).toHaveCSS("opacity", "1");
  await expect(app.locator(".spinner")).toHaveCSS("animation-name", "none");
});

test("the core's query syntax goes through untouched", async ({ app }) => {
  await openApp(app);
  const q = '"fine-tuning" AND company:globex -chatbot';
  await app.getByRole("searchbox", { name: "Search case studies" }).fill(q);
  await expect
    .poll(async () => (await calls(app, "search")).map((a) => (a as { request: { query: string } }).request.query))
    .toContain(q);
});

test("a corrected query is shown", async ({ app }) => {
  await openApp(app);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("retreival");
  await expect(app.getByText("Showing results for")).toContainText("retrieval");
});

test("no results explains itself", async ({ app }) => {
  await openApp(app);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("zzzz");
  await expect(app.getByText("No case studies match")).toBeVisible();
});

test("search errors are shown in words and the app recovers", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => (window.__mock.fail.search = { code: "internal", message: "search index error: boom" }));
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("rag");
  await expect(app.getByRole("alert")).toContainText("search index error: boom");
  await app.evaluate(() => (window.__mock.fail.search = undefined));
  await app.getByRole("button", { name: "Try again" }).click();
  await expect(app.getByRole("alert")).toHaveCount(0);
  await expect(rows(app).first()).toBeVisible();
});

test("sort order is sent to the core", async ({ app }) => {
  await openApp(app);
  await app.getByRole("combobox", { name: "Sort by" }).selectOption("newest");
  await expect(rows(app).first()).toContainText("Document Processing with Agents"); // 2025
});

test("100,000 results scroll with rows fetched by page, even when scrolled the moment they arrive", async ({ app }) => {
  // Building and searching 100,000 mock documents in the page takes seconds on a loaded machine.
  test.setTimeout(60_000);
  // Jump to the end in the same task that shows the results: the list's own "new results start
  // at the top" must not pull the user back (it did, by a scroll virtua re-applied for 150 ms).
  await app.addInitScript(() => {
    const observer = new MutationObserver(() => {
      const count = document.querySelector("[data-testid=result-count]");
      const list = document.querySelector(".vlist");
      if (count?.textContent === "100,000" && list) {
        observer.disconnect();
        list.scrollTop = list.scrollHeight;
      }
    });
    document.addEventListener("DOMContentLoaded", () =>
      observer.observe(document.body, { subtree: true, childList: true, characterData: true }),
    );
  });
  await app.goto("/?bulk=100000");
  await expect(app.getByTestId("result-count")).toHaveText("100,000", { timeout: 40_000 });
  await expect(app.getByText("Case study number 99999", { exact: true })).toBeVisible({ timeout: 15_000 });
  expect(await rows(app).count()).toBeLessThan(60);
  const pages = (await calls(app, "search")) as { request: { page: { offset: number; limit: number } } }[];
  // Every keystroke fetches the first page, and each of its hits costs the core a stored
  // document and a snippet: a screenful (this window shows ~15 rows), not more.
  expect(Math.max(...pages.map((p) => p.request.page.limit))).toBeLessThanOrEqual(30);
  expect(pages.some((p) => p.request.page.offset >= 99_950)).toBe(true);
});

test("a long company list in a result row gives way to the year and industry", async ({ app }) => {
  await openApp(app);
  const meta = rows(app).first().locator(".row-meta");
  await meta
    .locator(".company")
    .evaluate(
      (el) => (el.textContent = `Various (${Array.from({ length: 40 }, (_, i) => `Company ${i}`).join(", ")})`),
    );
  const box = await meta.boundingBox();
  const last = await meta.locator("span").last().boundingBox();
  const company = await meta.locator(".company").evaluate((el) => ({
    clipped: el.scrollWidth > el.clientWidth,
    ellipsis: getComputedStyle(el).textOverflow,
  }));
  expect(box && last).toBeTruthy();
  expect(last!.x + last!.width).toBeLessThanOrEqual(box!.x + box!.width + 0.5);
  expect(company).toEqual({ clipped: true, ellipsis: "ellipsis" });
});

test("once, after the first results, the search views are painted hidden and removed", async ({ app }) => {
  type Seen = { rows: number; ariaHidden: string | null; inert: boolean; opacity: number; parts: string[] };
  await app.addInitScript(() => {
    const w = window as unknown as { __warmups: Seen[] };
    w.__warmups = [];
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes)
          if (n instanceof HTMLElement && n.classList.contains("warmup"))
            w.__warmups.push({
              rows: document.querySelectorAll(".results [role=option]").length,
              ariaHidden: n.getAttribute("aria-hidden"),
              inert: n.inert,
              opacity: Number(getComputedStyle(n).opacity),
              parts: [".corrected", ".row-snippet mark", ".row-matched", ".annot-marker", ".no-results code"].filter(
                (sel) => n.querySelector(sel) !== null,
              ),
            });
    }).observe(document, { childList: true, subtree: true });
  });
  const seen = () => app.evaluate(() => (window as unknown as { __warmups: Seen[] }).__warmups);
  await openApp(app);
  await expect.poll(async () => (await seen()).length).toBe(1);
  await expect(app.locator(".warmup")).toHaveCount(0);
  const [w] = await seen();
  expect(w.rows).toBe(7); // after the results, never before them
  expect(w).toMatchObject({ ariaHidden: "true", inert: true });
  expect(w.opacity).toBeLessThan(0.05);
  // The real row and notices, with every part the first searches show.
  expect(w.parts).toEqual([".corrected", ".row-snippet mark", ".row-matched", ".annot-marker", ".no-results code"]);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("zzzz");
  await expect(app.getByText("No case studies match")).toBeVisible();
  expect(await seen()).toHaveLength(1);
});
