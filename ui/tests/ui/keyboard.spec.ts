import { test, expect, openApp, rows } from "./fixtures";

test("/ focuses the search box from anywhere", async ({ app }) => {
  await openApp(app);
  await app.locator("body").click({ position: { x: 900, y: 500 } });
  await app.keyboard.press("/");
  await expect(app.getByRole("searchbox", { name: "Search case studies" })).toBeFocused();
});

test("arrows and j/k move through results, Enter opens, Esc goes back", async ({ app }) => {
  await openApp(app);
  const search = app.getByRole("searchbox", { name: "Search case studies" });
  await search.focus();
  await app.keyboard.press("ArrowDown"); // into the list
  const list = app.getByRole("listbox", { name: "Case studies" });
  await expect(list).toBeFocused();
  await expect(rows(app).nth(0)).toHaveAttribute("aria-selected", "true");
  await app.keyboard.press("j");
  await app.keyboard.press("ArrowDown");
  await expect(rows(app).nth(2)).toHaveAttribute("aria-selected", "true");
  await app.keyboard.press("k");
  await expect(rows(app).nth(1)).toHaveAttribute("aria-selected", "true");
  await expect(list).toHaveAttribute("aria-activedescendant", "result-1");
  await app.keyboard.press("Enter");
  await expect(app.locator("#reader-title")).toHaveText("Fine-tuning Small Models for Code Review");
  await expect(app.locator(".reader-article")).toBeFocused();
  await app.keyboard.press("Escape");
  await expect(list).toBeFocused();
  await app.keyboard.press("Escape");
  await expect(search).toBeFocused();
  await app.keyboard.type("voice");
  await expect(app.getByTestId("result-count")).toHaveText("1");
  await app.keyboard.press("Enter"); // Enter in the box opens the first result
  await expect(app.locator("#reader-title")).toHaveText("Voice Ordering Agents in Drive-Thrus");
  await app.keyboard.press("Escape");
});

test("Escape in the search box clears it", async ({ app }) => {
  await openApp(app);
  const search = app.getByRole("searchbox", { name: "Search case studies" });
  await search.fill("rag");
  await search.press("Escape");
  await expect(search).toHaveValue("");
});

test("Ctrl+K opens the command palette; commands run from the keyboard", async ({ app }) => {
  await openApp(app);
  await app.keyboard.press("Control+k");
  const dialog = app.getByRole("dialog", { name: "Command palette" });
  await expect(dialog).toBeVisible();
  await app.keyboard.type("theme dark");
  await app.keyboard.press("Enter");
  await expect(dialog).toHaveCount(0);
  await expect(app.locator("html")).toHaveAttribute("data-theme", "dark");
});

test("the palette finds case studies and opens them", async ({ app }) => {
  await openApp(app);
  await app.keyboard.press("Control+k");
  await app.keyboard.type("drive-thrus");
  const option = app.getByRole("dialog").getByRole("option", { name: /Voice Ordering Agents/ });
  await expect(option).toBeVisible();
  await app.keyboard.press("ArrowDown");
  await expect(option).toHaveAttribute("aria-selected", "true");
  await app.keyboard.press("Enter");
  await expect(app.locator("#reader-title")).toHaveText("Voice Ordering Agents in Drive-Thrus");
});

test("Escape closes the palette and gives focus back", async ({ app }) => {
  await openApp(app);
  const search = app.getByRole("searchbox", { name: "Search case studies" });
  await search.focus();
  await app.keyboard.press("Control+k");
  await expect(app.getByRole("dialog")).toBeVisible();
  await app.keyboard.press("Escape");
  await expect(app.getByRole("dialog")).toHaveCount(0);
  await expect(search).toBeFocused();
});

test("controls have accessible names", async ({ app }) => {
  await openApp(app);
  for (const name of ["Search case studies", "Sort by", "Command palette (Ctrl+K)", "From year", "To year"]) {
    await expect(app.getByLabel(name, { exact: true }).first()).toBeVisible();
  }
  await expect(app.getByRole("complementary", { name: "Filters" })).toBeVisible();
  await expect(app.getByRole("region", { name: "Reader" })).toBeVisible();
});
