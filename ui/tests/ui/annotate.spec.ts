import { test, expect, openApp, rows, calls } from "./fixtures";
import type { Page } from "@playwright/test";

/** Selects `text` in the reader's body as a user would (a DOM range, then mouseup). */
async function selectInBody(page: Page, text: string) {
  await page.evaluate((needle) => {
    const body = document.querySelector(".prose")!;
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = (n as Text).data.indexOf(needle);
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(n, i);
      range.setEnd(n, i + needle.length);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
      body.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
      return;
    }
    throw new Error(`not in the body: ${needle}`);
  }, text);
}

async function openFirst(page: Page) {
  await openApp(page);
  await rows(page).first().click();
  await expect(page.locator("#reader-title")).toHaveText("Scaling RAG for Customer Support at Acme");
}

test("selecting text and picking a colour highlights it: a mark and an entry in the side panel", async ({ app }) => {
  await openFirst(app);
  await selectInBody(app, "deflected 30% of tickets");
  const toolbar = app.getByRole("toolbar", { name: "Highlight the selection" });
  await expect(toolbar).toBeVisible();
  await toolbar.getByRole("button", { name: "Highlight green" }).click();
  await expect(toolbar).toBeHidden();
  const mark = app.locator(".prose mark.hl");
  await expect(mark).toHaveText("deflected 30% of tickets");
  await expect(mark).toHaveClass(/hl-green/);
  const added = (await calls(app, "add_highlight")) as {
    id: number;
    input: { start: number; end: number; quote: string };
  }[];
  expect(added).toHaveLength(1);
  expect(added[0].input.quote).toBe("deflected 30% of tickets");
  await app.getByTestId("annotations-toggle").click();
  const panel = app.getByRole("complementary", { name: "Notes and highlights" });
  await expect(panel.getByTestId("hl-item")).toHaveCount(1);
  await expect(panel.getByTestId("hl-item")).toContainText("deflected 30% of tickets");
  await expect(app.getByTestId("annotations-toggle")).toContainText("(1)");
});

test("a selection across a heading and a paragraph maps to the core's plain text", async ({ app }) => {
  await openFirst(app);
  // The DOM text has no space between "Overview" and "Acme"; the core's text does.
  await app.evaluate(() => {
    const body = document.querySelector(".prose")!;
    const h2 = body.querySelector("h2")!.firstChild!;
    const p = body.querySelector("p")!.firstChild!;
    const range = document.createRange();
    range.setStart(h2, 4);
    range.setEnd(p, 4);
    window.getSelection()!.removeAllRanges();
    window.getSelection()!.addRange(range);
    body.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  });
  await app.getByRole("button", { name: "Highlight blue" }).click();
  await expect(app.locator(".prose mark.hl")).toHaveText(["view", "Acme"]);
  await expect(app.locator(".notice.error")).toHaveCount(0);
});

test("a highlight with a note; the note is searchable and the row shows the annotation marker", async ({ app }) => {
  await openFirst(app);
  await selectInBody(app, "Reranking");
  await app.getByRole("button", { name: "Note…" }).click();
  await app.getByRole("textbox", { name: "Note for this highlight" }).fill("zebrafish idea");
  await app.getByRole("button", { name: "Highlight pink" }).click();
  await expect(app.locator(".prose mark.hl-pink")).toHaveText("Reranking");
  await app.getByTestId("annotations-toggle").click();
  await expect(app.getByTestId("hl-note")).toHaveText("zebrafish idea");

  await app.getByRole("searchbox", { name: "Search case studies" }).fill("zebrafish");
  await expect(app.getByTestId("result-count")).toHaveText("1");
  await expect(rows(app).first()).toContainText("Scaling RAG");
  await expect(rows(app).first().getByTestId("annot-marker")).toBeVisible();
});

test("the case study's note is edited in place, previewed as rendered Markdown, and saved", async ({ app }) => {
  await openFirst(app);
  await app.getByTestId("annotations-toggle").click();
  await app.getByRole("button", { name: "Write a note" }).click();
  // The mock's renderer lets raw HTML through (a sanitiser gap in the core): DOMPurify must not.
  const note = "**Bold** <img src=x onerror=\"window.__pwned='note'\">\n\nSee [the post](https://example.com/post).";
  const editor = app.getByRole("textbox", { name: "Note on this case study (Markdown)" });
  await editor.fill(note);
  await app.getByRole("button", { name: "Preview" }).click();
  const preview = app.getByTestId("note-preview");
  await expect(preview.locator("strong")).toHaveText("Bold");
  await expect(preview.getByRole("link", { name: "the post" })).toBeVisible();
  expect(await calls(app, "render_note")).toEqual([{ markdown: note }]);
  expect(await preview.locator("[onerror]").count()).toBe(0);
  expect(await app.evaluate(() => window.__pwned)).toBeUndefined();
  // A link in the preview opens in the browser, never in the app's window.
  const url = app.url();
  await preview.getByRole("link", { name: "the post" }).click();
  await expect
    .poll(() => calls(app, "plugin:opener|open_url"))
    .toEqual([expect.objectContaining({ url: "https://example.com/post" })]);
  expect(app.url()).toBe(url);

  await app.getByRole("button", { name: "Preview" }).click();
  await expect(editor).toHaveValue(note);
  await app.getByRole("button", { name: "Save note" }).click();
  // Saved, the note is shown rendered too (and sanitised again).
  const saved = app.getByTestId("note-text");
  await expect(saved.locator("strong")).toHaveText("Bold");
  await expect(saved.getByRole("link", { name: "the post" })).toBeVisible();
  expect(await saved.locator("[onerror]").count()).toBe(0);
  expect(await calls(app, "set_note")).toEqual([{ id: 1, note }]);
  expect(await app.evaluate(() => window.__pwned)).toBeUndefined();
});

test("a note that cannot be rendered says so and stays editable", async ({ app }) => {
  await openFirst(app);
  await app.evaluate(() => (window.__mock.fail.render_note = { code: "internal", message: "renderer broke" }));
  await app.getByTestId("annotations-toggle").click();
  await app.getByRole("button", { name: "Write a note" }).click();
  await app.getByRole("textbox", { name: "Note on this case study (Markdown)" }).fill("draft");
  await app.getByRole("button", { name: "Preview" }).click();
  await expect(app.locator(".notice.error")).toContainText("Could not preview the note: renderer broke");
  await expect(app.getByRole("textbox", { name: "Note on this case study (Markdown)" })).toHaveValue("draft");
  await expect(app.getByRole("button", { name: "Preview" })).toHaveAttribute("aria-pressed", "false");
});

test("orphaned highlights are listed apart with their quote and note", async ({ app }) => {
  await app.addInitScript(() => {
    const install = () => {
      if (!window.__mock) return setTimeout(install, 0);
      window.__mock.highlights.push({
        id: 7,
        case_study_id: 1,
        start: 0,
        end: 5,
        quote: "a passage that is gone",
        prefix: "",
        suffix: "",
        color: "purple",
        note: "why it mattered",
        orphan: true,
        created_at: 0,
        updated_at: 0,
      });
    };
    install();
  });
  await openFirst(app);
  await app.getByTestId("annotations-toggle").click();
  const orphans = app.getByTestId("orphans");
  await expect(orphans).toContainText("Orphaned");
  await expect(orphans).toContainText("a passage that is gone");
  await expect(orphans).toContainText("why it mattered");
  await expect(app.locator(".prose mark.hl")).toHaveCount(0);
});

test("star, read and opened: the reader's toggles call the core", async ({ app }) => {
  await openFirst(app);
  await expect.poll(() => calls(app, "mark_opened")).toEqual([{ id: 1 }]);
  const reader = app.getByRole("region", { name: "Reader" });
  await reader.getByRole("button", { name: "☆ Star" }).click();
  await expect(reader.getByRole("button", { name: "★ Starred" })).toHaveAttribute("aria-pressed", "true");
  await reader.getByRole("button", { name: "Unread" }).click();
  await expect(reader.getByRole("button", { name: "✓ Read" })).toBeVisible();
  expect(await calls(app, "set_starred")).toEqual([{ id: 1, on: true }]);
  expect(await calls(app, "set_read")).toEqual([{ id: 1, on: true }]);
});

test("user tags are added and removed; inferred tags accepted or dismissed", async ({ app }) => {
  await app.addInitScript(() => {
    const patch = () => {
      if (!window.__mock) return setTimeout(patch, 0);
      window.__mock.docs[0].inferred_tags = ["agents", "evaluation"];
    };
    patch();
  });
  await openFirst(app);
  await app.getByRole("textbox", { name: "Add a tag" }).fill("must read");
  await app.getByRole("textbox", { name: "Add a tag" }).press("Enter");
  await expect(app.getByTestId("user-tag")).toHaveText(/must read/i);
  await app.getByRole("button", { name: "Accept the tag Agents" }).click();
  await expect(app.getByTestId("user-tag")).toHaveCount(2);
  await app.getByRole("button", { name: "Dismiss the tag Evaluation" }).click();
  await expect(app.getByTestId("inferred-tag")).toHaveCount(0);
  await app.getByRole("button", { name: /Remove your tag Must/i }).click();
  await expect(app.getByTestId("user-tag")).toHaveCount(1);
  expect(await calls(app, "add_tags")).toEqual([{ ids: [1], tag: "must read" }]);
});

test("the Annotated / Starred / Unread toggles and Recently opened sort send the right request", async ({ app }) => {
  await openApp(app);
  const sidebar = app.getByRole("complementary", { name: "Filters" });
  await sidebar.getByRole("button", { name: "Annotated only" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("0");
  await sidebar.getByRole("button", { name: "Annotated only" }).click();
  await sidebar.getByRole("button", { name: "Starred" }).click();
  await sidebar.getByRole("button", { name: "Unread" }).click();
  await app.getByRole("combobox", { name: "Sort by" }).selectOption("recently_opened");
  await expect
    .poll(async () => {
      const reqs = (await calls(app, "search")) as { request: { filters: Record<string, unknown>; sort: string } }[];
      const last = reqs[reqs.length - 1].request;
      return [last.filters.annotated_only, last.filters.starred_only, last.filters.unread_only, last.sort];
    })
    .toEqual([false, true, true, "recently_opened"]);
});

test("a search is saved with a live count and applied again from the sidebar", async ({ app }) => {
  await openApp(app);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("rag");
  await expect(rows(app).first()).toContainText("Scaling RAG");
  const sidebar = app.getByRole("complementary", { name: "Filters" });
  await sidebar.getByRole("button", { name: "Save this search…" }).click();
  await sidebar.getByRole("textbox", { name: "Name of the saved search" }).fill("All RAG");
  await sidebar.getByRole("button", { name: "Save", exact: true }).click();
  const saved = sidebar.getByTestId("saved-searches");
  await expect(saved).toContainText("All RAG");
  const count = await app.getByTestId("result-count").textContent();
  await expect(saved.locator(".count")).toHaveText(count!);

  await app.getByRole("searchbox", { name: "Search case studies" }).fill("");
  await expect(app.getByTestId("result-count")).not.toHaveText(count!);
  await saved.getByRole("button", { name: "All RAG", exact: true }).click();
  await expect(app.getByRole("searchbox", { name: "Search case studies" })).toHaveValue("rag");
  await expect(app.getByTestId("result-count")).toHaveText(count!);
});

test("clicking a highlight in the text opens the panel at it; deleting it removes the mark", async ({ app }) => {
  await openFirst(app);
  await selectInBody(app, "Reranking");
  await app.getByRole("button", { name: "Highlight purple" }).click();
  await app.locator(".prose mark.hl").click();
  const panel = app.getByRole("complementary", { name: "Notes and highlights" });
  await expect(panel.getByTestId("hl-item")).toContainText("Reranking");
  await panel.getByRole("button", { name: "Delete" }).click();
  await expect(app.locator(".prose mark.hl")).toHaveCount(0);
  await expect(panel.getByTestId("hl-item")).toHaveCount(0);
  expect((await calls(app, "delete_highlight")).length).toBe(1);
});
