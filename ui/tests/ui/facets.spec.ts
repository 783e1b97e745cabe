import { test, expect, openApp, rows, calls } from "./fixtures";

function facet(app: import("@playwright/test").Page, id: string, label: string) {
  return app.locator(`[data-facet=${id}] .facet-item`, { hasText: label });
}

test("apply and clear an industry facet, with a removable chip", async ({ app }) => {
  await openApp(app);
  await facet(app, "industry", "Healthcare").click();
  await expect(app.getByTestId("result-count")).toHaveText("1");
  const chip = app.locator(".chip", { hasText: "Healthcare" });
  await expect(chip).toBeVisible();
  const last = (await calls(app, "search")).at(-1) as { request: { filters: { industries: string[] } } };
  expect(last.request.filters.industries).toEqual(["healthcare"]);
  await app.getByRole("button", { name: "Remove filter Industry: Healthcare" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("7");
  await expect(app.locator(".chip")).toHaveCount(0);
});

test("tags are grouped by the taxonomy and combine all-of / any-of", async ({ app }) => {
  await openApp(app);
  await expect(app.locator("[data-facet=tags-technique] summary")).toContainText("Techniques");
  await expect(app.locator("[data-facet=tags-provider] summary")).toContainText("Providers");
  await expect(app.locator("[data-facet=tags-other]")).toContainText("Security"); // not in the taxonomy
  await facet(app, "tags-technique", "RAG").click();
  await facet(app, "tags-use_case", "Customer support").click();
  await expect(app.getByTestId("result-count")).toHaveText("1");
  await app.getByRole("radio", { name: "Any of" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("3");
  await expect(app.locator(".chip-mode")).toHaveText("tags: any of");
});

test("facet counts are live and selected values stay listed", async ({ app }) => {
  await openApp(app);
  await facet(app, "industry", "Finance").click();
  await expect(facet(app, "industry", "Finance")).toContainText("1");
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("rag");
  // Finance has no RAG case study: still listed (to untick), with 0.
  await expect(facet(app, "industry", "Finance")).toContainText("0");
  await expect(facet(app, "industry", "Finance").locator("input")).toBeChecked();
});

test("year range from the histogram and the selects", async ({ app }) => {
  await openApp(app);
  await app.getByRole("button", { name: /^2024: 2 case studies$/ }).click();
  await expect(app.locator(".chip", { hasText: "2024" })).toBeVisible();
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await app.getByRole("combobox", { name: "From year" }).selectOption("2022");
  await expect(app.locator(".chip", { hasText: "2022–2024" })).toBeVisible();
  await expect(app.getByTestId("result-count")).toHaveText("5");
});

test("companies can be filtered by name", async ({ app }) => {
  await openApp(app);
  await app.locator("[data-facet=company]").getByRole("searchbox", { name: "Filter company" }).fill("glob");
  await expect(app.locator("[data-facet=company] .facet-item")).toHaveCount(1);
  await facet(app, "company", "Globex").click();
  await expect(rows(app)).toHaveCount(1);
});

test("clear all removes every filter", async ({ app }) => {
  await openApp(app);
  await facet(app, "industry", "Technology").click();
  await facet(app, "company", "Acme").click();
  await expect(app.locator(".chip")).toHaveCount(2);
  await app.locator(".chips").getByRole("button", { name: "Clear all" }).click();
  await expect(app.locator(".chip")).toHaveCount(0);
  await expect(app.getByTestId("result-count")).toHaveText("7");
});

test("query, filters and the open case study survive a restart", async ({ app }) => {
  await openApp(app);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("acme");
  await facet(app, "industry", "Technology").click();
  await rows(app).first().click();
  await expect(app.locator("#reader-title")).toHaveText("Scaling RAG for Customer Support at Acme");
  await expect.poll(() => app.evaluate(() => window.__mock.uiState?.open_id)).toBe(1);
  await app.reload();
  await expect(app.getByRole("searchbox")).toHaveValue("acme");
  await expect(app.locator(".chip", { hasText: "Technology" })).toBeVisible();
  await expect(app.getByTestId("result-count")).toHaveText("1");
  await expect(app.locator("#reader-title")).toHaveText("Scaling RAG for Customer Support at Acme");
});
