import { test, expect, openApp, rows, calls } from "./fixtures";

async function openCompanies(app: import("@playwright/test").Page) {
  await app.getByRole("button", { name: "Companies" }).click();
  await expect(app.getByRole("heading", { name: "Companies" })).toBeVisible();
}

test("the Companies view lists companies with counts and years, and filters them", async ({ app, problems }) => {
  await openApp(app);
  await openCompanies(app);
  const list = app.getByTestId("company-row");
  await expect(list).toHaveCount(6);
  await expect(list.first()).toContainText("Acme");
  await expect(list.first().locator(".n")).toHaveText("2");
  await expect(list.first().locator(".years")).toHaveText("2022–2024");
  await expect(app.getByTestId("companies-count")).toContainText("6 companies");
  await app.getByRole("searchbox", { name: "Filter the companies" }).fill("medi");
  await expect(list).toHaveCount(1);
  await expect(list.first()).toContainText("MediCorp");
  await expect(app.getByTestId("companies-count")).toContainText("1 of 6 companies");
  await app.getByRole("searchbox", { name: "Filter the companies" }).fill("nobody");
  await expect(app.getByText("No company matches “nobody”.")).toBeVisible();
  expect(problems).toEqual([]);
});

test("a company page groups its case studies by year and opens them in the reader", async ({ app }) => {
  await openApp(app);
  await openCompanies(app);
  await app.getByTestId("company-row").filter({ hasText: "Acme" }).click();
  await expect(app.getByRole("heading", { name: "Acme", level: 2 })).toBeVisible();
  const years = app.locator(".companies-view .year h3");
  await expect(years).toHaveText(["2024", "2022"]);
  await expect(app.getByRole("region", { name: "2022" }).getByTestId("company-study")).toHaveText(
    "Search Relevance with Embeddings",
  );
  await app.getByTestId("company-study").first().click();
  await expect(app.locator("#reader-title")).toHaveText("Scaling RAG for Customer Support at Acme");
  expect(await calls(app, "company")).toEqual([{ key: "acme" }]);
  // Escape goes back to the list, then to the results.
  await app.getByRole("button", { name: "← All companies" }).click();
  await expect(app.getByTestId("company-row")).toHaveCount(6);
  await app.getByRole("button", { name: "← Back to the results" }).click();
  await expect(rows(app)).toHaveCount(7);
});

test("aliases are shown and searchable, and a company shows as results", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => {
    const d = window.__mock.docs.find((x) => x.id === 6);
    if (d) d.company = "ACME Inc.";
  });
  await openCompanies(app);
  const acme = app.getByTestId("company-row").filter({ hasText: "Acme" });
  await expect(acme.locator(".aliases")).toHaveText("also ACME Inc.");
  await app.getByRole("searchbox", { name: "Filter the companies" }).fill("inc");
  await expect(app.getByTestId("company-row")).toHaveCount(1);
  await acme.click();
  await expect(app.getByTestId("company-aliases")).toHaveText("Also written: ACME Inc.");
  await expect(app.getByTestId("company-study").filter({ hasText: "Search Relevance" })).toContainText("as ACME Inc.");
  await app.getByRole("button", { name: "Show as results" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("2");
  const last = (await calls(app, "search")).at(-1) as { request: { filters: { companies: string[] } } };
  expect(last.request.filters.companies).toEqual(["Acme"]);
});

test("typing a query goes back from the Companies view to the results", async ({ app }) => {
  await openApp(app);
  await openCompanies(app);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("agents");
  await expect(app.getByRole("heading", { name: "Companies" })).toHaveCount(0);
  await expect(app.getByTestId("result-count")).toHaveText("2");
});

test("a failing companies call says why", async ({ app }) => {
  await openApp(app, "?fail=companies:internal");
  await openCompanies(app);
  await expect(app.getByRole("alert").filter({ hasText: "mock failure (internal)" })).toBeVisible();
});

test("each hit says where the query's words matched; an empty query says nothing", async ({ app }) => {
  await openApp(app);
  await expect(app.getByTestId("row-matched")).toHaveCount(0);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("rag");
  const first = rows(app).filter({ hasText: "Scaling RAG" });
  await expect(first.getByTestId("row-matched")).toHaveText("Matched in title (rag), text (rag)");
  // The snippet gives up its second line to it, so rows keep their height.
  await expect(first.locator(".row-snippet")).toHaveClass(/one-line/);
  const box = await first.boundingBox();
  expect(box?.height).toBe(104);
});

test("the reader's company opens the company's page", async ({ app }) => {
  await openApp(app);
  await rows(app).filter({ hasText: "Search Relevance" }).click();
  await app.getByRole("button", { name: "Acme", exact: true }).click();
  await expect(app.getByRole("heading", { name: "Acme", level: 2 })).toBeVisible();
  await expect(app.getByTestId("company-study")).toHaveCount(2);
  expect(await calls(app, "company")).toEqual([{ key: "acme" }]);
});
