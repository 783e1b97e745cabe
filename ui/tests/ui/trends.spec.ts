import type { Page } from "@playwright/test";
import { test, expect, openApp, rows, calls } from "./fixtures";

type ChartLike = {
  config: { type: string };
  data: {
    labels: string[];
    datasets: { label: string; data: number[]; borderColor: string; pointStyle?: string; borderDash?: number[] }[];
  };
  legend: { legendItems: { text: string }[] };
  options: { scales: { y: { title: { text: string } }; x: { ticks: { color: string } } } };
  getDatasetMeta(i: number): { data: { x: number; y: number; base?: number }[] };
};

/** What the chart on screen plots (Chart.js's own view of it). */
async function chartState(page: Page) {
  return page.evaluate(() => {
    const canvas = document.querySelector("[data-testid=trends-chart]") as
      (HTMLCanvasElement & { casebookChart?: ChartLike }) | null;
    const chart = canvas?.casebookChart;
    if (!chart) return null;
    return {
      type: chart.config.type,
      labels: chart.data.labels,
      datasets: chart.data.datasets.map((d) => ({
        label: d.label,
        data: d.data,
        colour: d.borderColor,
        pointStyle: d.pointStyle,
        dash: d.borderDash,
      })),
      legend: chart.legend.legendItems.map((l) => l.text),
      yTitle: chart.options.scales.y.title.text,
      tickColour: chart.options.scales.x.ticks.color,
    };
  });
}

async function openTrends(page: Page, query = "") {
  await openApp(page, query);
  await page.getByRole("listbox", { name: "Case studies" }).focus();
  await page.keyboard.press("t");
  await expect(page.getByTestId("trends-view")).toBeVisible();
  await expect(page.getByTestId("trends-chart")).toBeVisible();
  await expect.poll(async () => (await chartState(page))?.datasets.length ?? 0).toBeGreaterThan(0);
}

test("the Trends view charts the top techniques per year, under the CSP", async ({ app, problems }) => {
  await openTrends(app);
  const s = await chartState(app);
  // Fixture years 2021–2025; techniques by frequency (ties by slug): agents, embeddings, rag 2 each.
  expect(s?.labels).toEqual(["2021", "2022", "2023", "2024", "2025"]);
  expect(s?.legend.slice(0, 3)).toEqual(["Agents", "Embeddings", "RAG"]);
  expect(s?.datasets.find((d) => d.label === "RAG")?.data).toEqual([0, 0, 1, 1, 0]);
  expect(s?.yTitle).toBe("Case studies");
  await expect(app.getByTestId("series-chip")).toHaveCount(6);
  await expect(app.getByTestId("trends-summary")).toHaveText("7 case studies.");
  const req = (await calls(app, "trends")).at(-1) as { request: { tag_group: string; series: unknown } };
  expect(req.request.tag_group).toBe("technique");
  expect(req.request.series).toBeNull();
  expect(await app.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
  expect(problems).toEqual([]);
  // t again (or Esc) goes back to the list.
  await app.keyboard.press("t");
  await expect(rows(app)).toHaveCount(7);
});

test("counts or share per year", async ({ app }) => {
  await openTrends(app);
  await app.getByRole("button", { name: "Share per year" }).click();
  await expect.poll(async () => (await chartState(app))?.yTitle).toBe("Share of the year's case studies");
  const s = await chartState(app);
  // 2023 and 2024 have two case studies each, one with RAG: 50 %.
  expect(s?.datasets.find((d) => d.label === "RAG")?.data).toEqual([0, 0, 50, 50, 0]);
  await app.getByRole("button", { name: "Counts" }).click();
  await expect.poll(async () => (await chartState(app))?.yTitle).toBe("Case studies");
});

test("choosing the series: remove one, add a tag by name, back to the most frequent, industries", async ({ app }) => {
  await openTrends(app);
  await app.getByRole("button", { name: "Remove Embeddings from the chart" }).click();
  await expect.poll(async () => (await chartState(app))?.legend).not.toContain("Embeddings");
  const add = app.getByRole("combobox", { name: "Add a tag to the chart" });
  await add.fill("PyTorch");
  await add.press("Enter");
  await expect.poll(async () => (await chartState(app))?.legend.at(-1)).toBe("PyTorch");
  const last = (await calls(app, "trends")).at(-1) as { request: { series: string[] } };
  expect(last.request.series).toContain("pytorch");
  expect(last.request.series).not.toContain("embeddings");

  await app.getByRole("button", { name: "Most frequent" }).click();
  await expect.poll(async () => (await chartState(app))?.legend).toContain("Embeddings");

  await app.getByTestId("trends-count").selectOption("industries");
  await expect.poll(async () => (await chartState(app))?.legend[0]).toBe("Technology");
});

test("the chart follows the search and the filters", async ({ app }) => {
  await openTrends(app);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("agents");
  await expect(app.getByTestId("trends-view")).toBeVisible(); // typing keeps the chart
  await expect(app.getByTestId("trends-summary")).toHaveText("2 case studies.");
  const last = (await calls(app, "trends")).at(-1) as { request: { query: string } };
  expect(last.request.query).toBe("agents");
  await expect.poll(async () => (await chartState(app))?.labels).toEqual(["2024", "2025"]);
});

test("clicking a point lists the case studies of that year and tag", async ({ app }) => {
  // bulk: tag rag on odd, agents on even numbers; year 2019 + i % 7. 2019 has i = 7, 21 with RAG.
  await openTrends(app, "?bulk=30");
  const pos = await app.evaluate(() => {
    const canvas = document.querySelector("[data-testid=trends-chart]") as HTMLCanvasElement & {
      casebookChart: ChartLike;
    };
    const chart = canvas.casebookChart;
    const di = chart.data.datasets.findIndex((d) => d.label === "RAG");
    const yi = chart.data.labels.indexOf("2019");
    const p = chart.getDatasetMeta(di).data[yi];
    return { x: p.x, y: p.y, value: chart.data.datasets[di].data[yi] };
  });
  expect(pos.value).toBe(2);
  await app.getByTestId("trends-chart").click({ position: { x: pos.x, y: pos.y } });
  await expect(app.getByTestId("trends-view")).toHaveCount(0);
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await expect(rows(app)).toHaveCount(2);
  const chips = app.getByRole("list", { name: "Active filters" });
  await expect(chips).toContainText("RAG");
  await expect(chips).toContainText("2019");
  const search = (await calls(app, "search")).at(-1) as {
    request: { filters: { tags: string[]; year_from: number; year_to: number } };
  };
  expect(search.request.filters.tags).toEqual(["rag"]);
  expect([search.request.filters.year_from, search.request.filters.year_to]).toEqual([2019, 2019]);
});

test("series that coincide stay apart: each has its own point shape and dash pattern", async ({ app }) => {
  await openTrends(app);
  const s = await chartState(app);
  const looks = (s?.datasets ?? []).map((d) => `${d.pointStyle} ${JSON.stringify(d.dash)}`);
  expect(looks.length).toBeGreaterThan(3);
  expect(new Set(looks).size).toBe(looks.length);
  expect(new Set((s?.datasets ?? []).map((d) => d.colour)).size).toBe(looks.length);
});

test("bars: a click on a bar lists the case studies of that year and tag", async ({ app }) => {
  await openTrends(app, "?bulk=30");
  await app.getByRole("button", { name: "Bars" }).click();
  await expect.poll(async () => (await chartState(app))?.type).toBe("bar");
  const pos = await app.evaluate(() => {
    const canvas = document.querySelector("[data-testid=trends-chart]") as HTMLCanvasElement & {
      casebookChart: ChartLike;
    };
    const chart = canvas.casebookChart;
    const di = chart.data.datasets.findIndex((d) => d.label === "RAG");
    const yi = chart.data.labels.indexOf("2019");
    const bar = chart.getDatasetMeta(di).data[yi];
    return { x: bar.x, y: (bar.y + (bar.base ?? bar.y)) / 2, value: chart.data.datasets[di].data[yi] };
  });
  expect(pos.value).toBe(2);
  await app.getByTestId("trends-chart").click({ position: { x: pos.x, y: pos.y } });
  await expect(app.getByTestId("trends-view")).toHaveCount(0);
  await expect(app.getByTestId("result-count")).toHaveText("2");
  const search = (await calls(app, "search")).at(-1) as {
    request: { filters: { tags: string[]; year_from: number; year_to: number } };
  };
  expect(search.request.filters.tags).toEqual(["rag"]);
  expect([search.request.filters.year_from, search.request.filters.year_to]).toEqual([2019, 2019]);
});

test("the Trends choices survive a restart", async ({ app }) => {
  await openTrends(app);
  await app.getByTestId("trends-count").selectOption("industries");
  await app.getByRole("button", { name: "Share per year" }).click();
  await app.getByRole("button", { name: "Bars" }).click();
  await expect.poll(async () => (await chartState(app))?.legend[0]).toBe("Technology");
  const industries = (await chartState(app))?.legend ?? [];
  expect(industries.length).toBeGreaterThan(1);
  await app.getByRole("button", { name: `Remove ${industries[0]} from the chart` }).click();
  await expect.poll(async () => (await chartState(app))?.legend).not.toContain(industries[0]);
  // Saved a moment after the change.
  await expect
    .poll(async () => (await app.evaluate(() => localStorage.getItem("casebook-mock-ui-state"))) ?? "")
    .toContain('"chart":"bars"');

  await app.reload();
  await openTrends(app);
  await expect(app.getByTestId("trends-count")).toHaveValue("industries");
  await expect(app.getByRole("button", { name: "Bars" })).toHaveAttribute("aria-pressed", "true");
  await expect(app.getByRole("button", { name: "Share per year" })).toHaveAttribute("aria-pressed", "true");
  const s = await chartState(app);
  expect(s?.type).toBe("bar");
  expect(s?.yTitle).toBe("Share of the year's case studies");
  expect(s?.legend).toEqual(industries.slice(1));
  const req = (await calls(app, "trends")).at(-1) as { request: { dimension: string; series: string[] } };
  expect(req.request.dimension).toBe("industries");
  expect(req.request.series).toHaveLength(industries.length - 1);
});

test("the numbers table lists the cells and opens them too", async ({ app }) => {
  await openTrends(app);
  await app.getByText("Numbers").click();
  const row2023 = app.getByRole("row", { name: /^2023/ });
  await expect(row2023.getByRole("cell").first()).toHaveText("2");
  await row2023.getByRole("button", { name: /^1/ }).first().click();
  await expect(app.getByTestId("trends-view")).toHaveCount(0);
  await expect(app.getByTestId("result-count")).toHaveText("1");
});

test("dark theme: the chart takes its colours from the dark palette", async ({ app, problems }) => {
  await app.emulateMedia({ colorScheme: "dark" });
  await openTrends(app);
  const s = await chartState(app);
  expect(s?.datasets[0].colour).toBe("#8b85ff");
  expect(s?.tickColour).toBe("#a2a5b4");
  // Switching the theme redraws with the light palette.
  await app.evaluate(() => document.documentElement.setAttribute("data-theme", "light"));
  await app.emulateMedia({ colorScheme: "light" });
  await expect.poll(async () => (await chartState(app))?.datasets[0].colour).toBe("#4f46e5");
  expect(problems).toEqual([]);
});

// ---- compare ---------------------------------------------------------------------------

async function pick(page: Page, ...indexes: number[]) {
  for (const i of indexes)
    await rows(page)
      .nth(i)
      .click({ modifiers: ["Control"] });
}

test("Compare is enabled for 2 to 4 selected case studies only", async ({ app }) => {
  await openApp(app);
  await pick(app, 0);
  const compare = app.getByTestId("compare-button");
  await expect(compare).toBeDisabled();
  await pick(app, 1);
  await expect(compare).toBeEnabled();
  await pick(app, 2, 3);
  await expect(compare).toBeEnabled();
  await pick(app, 4);
  await expect(app.getByTestId("picked-count")).toHaveText("5 selected");
  await expect(compare).toBeDisabled();
});

test("the compare view puts metadata, summaries and notes side by side", async ({ app, problems }) => {
  await openApp(app);
  await app.evaluate(() => {
    window.__mock.notes[1] = "**Key** point about <img src=x onerror=\"window.__pwned='note'\"> RAG";
    window.__mock.notes[2] = "Compare with Acme.";
  });
  await pick(app, 0, 1, 2);
  const ids = await rows(app).evaluateAll((els) => els.slice(0, 3).map((e) => Number(e.getAttribute("data-id"))));
  await app.getByTestId("compare-button").click();
  const view = app.getByTestId("compare-view");
  await expect(view).toBeVisible();
  const cols = view.getByTestId("compare-col");
  await expect(cols).toHaveCount(3);
  const titles = await app.evaluate(
    (wanted) => wanted.map((id) => window.__mock.docs.find((d) => d.id === id)?.title ?? ""),
    ids,
  );
  for (let i = 0; i < 3; i++) await expect(cols.nth(i).getByRole("heading", { level: 3 })).toHaveText(titles[i]);
  const withNote = cols.filter({ hasText: "Scaling RAG" });
  await expect(withNote.getByTestId("compare-note").locator("strong")).toHaveText("Key");
  await expect(withNote.locator("[onerror]")).toHaveCount(0);
  await expect(withNote).toContainText("Acme");
  await expect(withNote).toContainText("2024");
  await expect(withNote).toContainText("Technology");
  await expect(withNote.getByText("OpenAI")).toBeVisible();
  await expect(withNote.getByTestId("compare-highlights")).toHaveText(/^\d+$/);
  expect(await app.evaluate(() => window.__pwned)).toBeUndefined();
  await app.getByTestId("compare-close").click();
  await expect(view).toHaveCount(0);
  await expect(rows(app)).toHaveCount(7);
  // The hostile note's handler is stripped (the CSP reports the parse-time attempt, as in
  // security.spec.ts; nothing runs).
  expect(problems.filter((p) => !p.includes("Content Security Policy"))).toEqual([]);
});
