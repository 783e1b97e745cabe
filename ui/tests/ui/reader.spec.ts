import { test, expect, openApp, rows, calls } from "./fixtures";

test("the reader renders metadata, summary, body, tables, code and a table of contents", async ({ app }) => {
  await openApp(app);
  await rows(app).first().click();
  const reader = app.getByRole("region", { name: "Reader" });
  await expect(reader.locator("#reader-title")).toHaveText("Scaling RAG for Customer Support at Acme");
  await expect(reader.locator(".eyebrow")).toContainText("Acme");
  await expect(reader.locator(".eyebrow")).toContainText("2024");
  await expect(reader.locator(".eyebrow")).toContainText("Technology");
  await expect(reader.getByRole("list", { name: "Tags" })).toContainText("RAG");
  await expect(reader.getByRole("complementary", { name: "Summary" })).toContainText("retrieval-augmented");
  await expect(reader.locator(".prose h2#user-content-overview")).toHaveText("Overview");
  await expect(reader.locator(".prose table td").first()).toHaveText("Latency");
  await expect(reader.locator(".prose pre code")).toContainText("rerank");
  await expect(reader.locator(".prose li")).toHaveCount(2);
  const toc = reader.getByRole("navigation", { name: "Contents" }).filter({ visible: true });
  await expect(toc.getByRole("link")).toHaveText(["Overview", "Architecture", "Results"]);
});

test("a case study of 200,000 headings opens, its contents listing the first 300", async ({ app, problems }) => {
  await openApp(app);
  await app.evaluate(() => {
    const doc = window.__mock.docs[0];
    doc.toc = Array.from({ length: 200_000 }, (_, i) => ({ level: 2, text: `Part ${i}`, anchor: `h-part-${i}` }));
  });
  await rows(app).first().click();
  const reader = app.getByRole("region", { name: "Reader" });
  await expect(reader.locator("#reader-title")).toHaveText("Scaling RAG for Customer Support at Acme");
  const toc = reader.getByRole("navigation", { name: "Contents" }).filter({ visible: true });
  await expect(toc.getByRole("link")).toHaveCount(300);
  await expect(toc.getByRole("link").last()).toHaveText("Part 299");
  await expect(toc).toContainText("and 199,700 more headings");
  expect(problems).toEqual([]);
});

test("table-of-contents links scroll inside the reader without navigating", async ({ app }) => {
  await app.setViewportSize({ width: 1360, height: 500 });
  await openApp(app);
  await rows(app).first().click();
  const url = app.url();
  await app
    .getByRole("navigation", { name: "Contents" })
    .filter({ visible: true })
    .getByRole("link", { name: "Results" })
    .click();
  await expect(app.locator(".prose h2#user-content-results")).toBeInViewport();
  expect(app.url()).toBe(url);
});

test("search hits are highlighted in the text, with next/previous", async ({ app }) => {
  await openApp(app);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("rag");
  await expect(rows(app).first()).toContainText("Scaling RAG");
  await rows(app).first().click();
  await expect(app.locator(".prose mark.hit").first()).toHaveText("RAG");
  await expect(app.getByTestId("match-count")).toHaveText("2 matches");
  await app.getByRole("button", { name: "Next match (n)" }).click();
  await expect(app.getByTestId("match-count")).toHaveText("1 / 2 matches");
  // Code blocks are left alone.
  await expect(app.locator(".prose pre mark")).toHaveCount(0);
});

test("the source link and links in the text open in the system browser", async ({ app }) => {
  await openApp(app);
  await rows(app).first().click();
  const url = app.url();
  await app.getByRole("button", { name: "Open source" }).click();
  await app.locator(".prose a", { hasText: "the blog" }).click();
  await expect
    .poll(async () => (await calls(app, "plugin:opener|open_url")).map((a) => (a as { url: string }).url))
    .toEqual(["https://example.com/case/1", "https://acme.example/blog"]);
  expect(app.url()).toBe(url);
});

test("clicking a tag in the reader filters by it", async ({ app }) => {
  await openApp(app);
  await rows(app).first().click();
  await app.getByRole("list", { name: "Tags" }).getByRole("button", { name: "Embeddings" }).click();
  await expect(app.locator(".chip", { hasText: "Embeddings" })).toBeVisible();
  await expect(app.getByTestId("result-count")).toHaveText("2");
});

test("a case study that is gone says so", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => (window.__mock.fail.get_case_study = { code: "not_found", message: "no case study '1'" }));
  await rows(app).first().click();
  await expect(app.getByRole("alert")).toContainText("no longer in the library");
  await app.getByRole("button", { name: "Close" }).click();
  await expect(app.getByText("Select a case study to read it.")).toBeVisible();
});

test("other reader errors can be retried", async ({ app }) => {
  await openApp(app);
  await app.evaluate(
    () => (window.__mock.fail.render_case_study = { code: "internal", message: "database error: disk I/O" }),
  );
  await rows(app).first().click();
  await expect(app.getByRole("alert")).toContainText("database error: disk I/O");
  await app.evaluate(() => (window.__mock.fail.render_case_study = undefined));
  await app.getByRole("button", { name: "Try again" }).click();
  await expect(app.locator("#reader-title")).toBeVisible();
});

test("light and dark themes follow the system", async ({ app }) => {
  await app.emulateMedia({ colorScheme: "dark" });
  await openApp(app);
  const bg = () => app.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await bg()).toBe("rgb(21, 22, 27)");
  await app.emulateMedia({ colorScheme: "light" });
  expect(await bg()).toBe("rgb(247, 247, 249)");
});

test("the reader lists related case studies with the tags they share, and opens one", async ({ app }) => {
  await openApp(app);
  await rows(app).first().click();
  const reader = app.getByRole("region", { name: "Reader" });
  await expect(reader.locator("#reader-title")).toHaveText("Scaling RAG for Customer Support at Acme");
  const related = reader.getByRole("region", { name: "Related case studies" });
  const items = related.getByTestId("related").getByRole("listitem");
  await expect(items.first()).toBeVisible();
  expect(await calls(app, "related")).toEqual([{ id: 1 }]);
  // Each says why, in tag names (not slugs); the open one is never listed.
  const texts = await items.allInnerTexts();
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) expect(t).toMatch(/Also /);
  expect(texts.join("\n")).not.toContain("Scaling RAG for Customer Support at Acme");
  const firstTitle = (await items.first().locator(".related-title").innerText()).trim();
  await items.first().getByRole("button").click();
  await expect(reader.locator("#reader-title")).toHaveText(firstTitle);
  await expect.poll(() => calls(app, "related")).toHaveLength(2);
});

test("related case studies that cannot be found say so, and the reader still works", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => (window.__mock.fail.related = { code: "internal", message: "index busy" }));
  await rows(app).first().click();
  const reader = app.getByRole("region", { name: "Reader" });
  await expect(reader.getByRole("region", { name: "Related case studies" })).toContainText(
    "Could not find related case studies: index busy",
  );
  await expect(reader.locator(".prose h2#user-content-overview")).toHaveText("Overview");
});
