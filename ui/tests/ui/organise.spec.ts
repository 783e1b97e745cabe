import { test, expect, openApp, rows, calls, emit } from "./fixtures";
import type { Page } from "@playwright/test";

/** Changes the mock's library before the app loads (runs again on reload). */
async function seed(page: Page, fn: () => void) {
  await page.addInitScript(fn);
}

function sidebar(page: Page) {
  return page.getByRole("complementary", { name: "Filters" });
}

async function lastSearch(page: Page) {
  const reqs = (await calls(page, "search")) as {
    request: { query: string; sort: string; filters: Record<string, unknown> };
  }[];
  return reqs[reqs.length - 1].request;
}

/** The notice saying `text`. */
function notice(page: Page, text: string) {
  return page.locator(".notice", { hasText: text });
}

/** Picks rows by index with Ctrl-click. */
async function pick(page: Page, ...indexes: number[]) {
  for (const i of indexes)
    await rows(page)
      .nth(i)
      .click({ modifiers: ["Control"] });
}

// ---- collections ---------------------------------------------------------------------

test("a collection in the sidebar filters the results, as a chip, kept across a restart", async ({ app }) => {
  await seed(app, () => {
    window.__mock.members[1] = [2, 4];
  });
  await openApp(app);
  await expect(app.getByTestId("result-count")).toHaveText("7");
  const collections = sidebar(app).getByTestId("collections");
  await expect(collections.locator(".count")).toHaveText("2");
  await collections.getByRole("button", { name: "Reading list", exact: true }).click();
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await expect(rows(app)).toHaveText([/Fine-tuning Small Models/, /Evaluating LLM Outputs/]);
  await expect(collections.getByRole("button", { name: "Reading list", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  expect((await lastSearch(app)).filters.collection).toBe(1);
  const chips = app.getByRole("list", { name: "Active filters" });
  await expect(chips.getByRole("listitem")).toHaveText([/Collection\s*Reading list/]);

  // Saved with the other filters, and restored on the next launch.
  await expect.poll(() => app.evaluate(() => window.__mock.uiState?.filters.collection)).toBe(1);
  await app.reload();
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await expect(app.getByRole("list", { name: "Active filters" })).toContainText("Reading list");

  await app.getByRole("button", { name: "Remove filter Collection: Reading list" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("7");
  expect((await lastSearch(app)).filters.collection).toBeNull();
});

test("a collection is renamed in place and deleted after a confirmation", async ({ app }) => {
  await seed(app, () => {
    window.__mock.members[1] = [1];
  });
  await openApp(app);
  const collections = sidebar(app).getByTestId("collections");
  await collections.getByRole("button", { name: "Reading list", exact: true }).click();
  await expect(app.getByTestId("result-count")).toHaveText("1");

  await collections.getByRole("button", { name: "Rename the collection Reading list" }).click();
  const name = collections.getByRole("textbox", { name: "New name of the collection Reading list" });
  await expect(name).toBeFocused();
  await name.fill("Must read first");
  await name.press("Enter");
  await expect(collections.getByRole("button", { name: "Must read first", exact: true })).toBeVisible();
  await expect(app.getByRole("list", { name: "Active filters" })).toContainText("Must read first");
  expect(await calls(app, "rename_collection")).toEqual([{ collection: 1, name: "Must read first" }]);

  // Cancelling the confirmation deletes nothing.
  await collections.getByRole("button", { name: "Delete the collection Must read first" }).click();
  const dialog = app.getByRole("alertdialog", { name: "Delete the collection “Must read first”?" });
  await expect(dialog).toContainText("stay in the library");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await app.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  expect(await calls(app, "delete_collection")).toEqual([]);

  await collections.getByRole("button", { name: "Delete the collection Must read first" }).click();
  await dialog.getByRole("button", { name: "Delete collection" }).click();
  await expect(collections.getByRole("listitem")).toHaveCount(0);
  expect(await calls(app, "delete_collection")).toEqual([{ collection: 1 }]);
  // The filter on it goes with it.
  await expect(app.getByTestId("result-count")).toHaveText("7");
  await expect(app.getByRole("list", { name: "Active filters" })).toHaveCount(0);
});

// ---- the user's tags -----------------------------------------------------------------

test("Your tags lists the user's tags with counts; a click filters by one", async ({ app }) => {
  await seed(app, () => {
    window.__mock.docs[0].user_tags = ["must-read"];
    window.__mock.docs[2].user_tags = ["must-read", "later"];
  });
  await openApp(app);
  const tags = sidebar(app).getByTestId("user-tags");
  await expect(tags.getByRole("listitem")).toHaveText([/Must read\s*2/, /Later\s*1/]);
  await tags.getByRole("button", { name: "Must read", exact: true }).click();
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await expect(rows(app)).toHaveText([/Scaling RAG/, /Voice Ordering/]);
  expect((await lastSearch(app)).filters.tags).toEqual(["must-read"]);
  await expect(tags.getByRole("button", { name: "Must read", exact: true })).toHaveAttribute("aria-pressed", "true");
});

test("tagging in the reader refreshes Your tags", async ({ app }) => {
  await openApp(app);
  const tags = sidebar(app).getByTestId("user-tags");
  await expect(tags.getByRole("listitem")).toHaveCount(0);
  await rows(app).first().click();
  await app.getByRole("textbox", { name: "Add a tag" }).fill("follow up");
  await app.getByRole("textbox", { name: "Add a tag" }).press("Enter");
  await expect(tags.getByRole("listitem")).toHaveText([/Follow up\s*1/]);
});

test("a library change elsewhere (an import, a restore) refreshes Your tags and the trash", async ({ app }) => {
  await openApp(app);
  const tags = sidebar(app).getByTestId("user-tags");
  await expect(tags.getByRole("listitem")).toHaveCount(0);
  await app.evaluate(() => {
    window.__mock.docs[3].user_tags = ["imported-tag"];
    window.__mock.trashed[5] = Date.now();
  });
  await emit(app, "library-changed", null);
  await expect(tags.getByRole("listitem")).toHaveText([/Imported tag\s*1/]);
  await expect(sidebar(app).getByRole("button", { name: "Trash (1)" })).toBeVisible();
  await expect(app.getByTestId("result-count")).toHaveText("6");
});

test("renaming a tag onto another of the user's tags says it merges, and asks first", async ({ app }) => {
  await seed(app, () => {
    window.__mock.docs[0].user_tags = ["must-read"];
    window.__mock.docs[1].user_tags = ["later"];
    window.__mock.docs[2].user_tags = ["later"];
  });
  await openApp(app);
  const tags = sidebar(app).getByTestId("user-tags");
  await tags.getByRole("button", { name: "Later", exact: true }).click(); // a filter on it follows the rename
  await expect(app.getByTestId("result-count")).toHaveText("2");

  await tags.getByRole("button", { name: "Rename the tag Later" }).click();
  const input = tags.getByRole("textbox", { name: "New name of the tag Later" });
  await input.fill("Someday");
  await expect(sidebar(app).locator(".rename-hint")).toBeHidden();
  await input.fill("Must Read");
  await expect(sidebar(app).locator(".rename-hint")).toHaveText(/will be merged/);
  await tags.getByRole("button", { name: "Merge…" }).click();
  const dialog = app.getByRole("alertdialog", { name: "Merge “Later” into “Must read”?" });
  await expect(dialog).toContainText("already one of your tags (1 case study)");
  await dialog.getByRole("button", { name: "Merge tags" }).click();

  await expect(tags.getByRole("listitem")).toHaveText([/Must read\s*3/]);
  expect(await calls(app, "rename_tag")).toEqual([{ from: "later", to: "Must Read" }]);
  expect((await lastSearch(app)).filters.tags).toEqual(["must-read"]);
  await expect(app.getByTestId("result-count")).toHaveText("3");
});

test("a plain rename needs no confirmation; cancelling a merge changes nothing", async ({ app }) => {
  await seed(app, () => {
    window.__mock.docs[0].user_tags = ["must-read"];
    window.__mock.docs[1].user_tags = ["later"];
  });
  await openApp(app);
  const tags = sidebar(app).getByTestId("user-tags");
  await tags.getByRole("button", { name: "Rename the tag Later" }).click();
  await tags.getByRole("textbox", { name: "New name of the tag Later" }).fill("must read");
  await tags.getByRole("button", { name: "Merge…" }).click();
  await app.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
  expect(await calls(app, "rename_tag")).toEqual([]);

  await tags.getByRole("textbox", { name: "New name of the tag Later" }).fill("Someday");
  await tags.getByRole("button", { name: "Rename", exact: true }).click();
  await expect(app.getByRole("alertdialog")).toHaveCount(0);
  await expect(tags.getByRole("listitem")).toHaveText([/Must read\s*1/, /Someday\s*1/]);
  expect(await calls(app, "rename_tag")).toEqual([{ from: "later", to: "Someday" }]);
});

// ---- multi-select and bulk actions ---------------------------------------------------

test("Ctrl-click picks rows, Shift-click extends, the checkbox toggles, Esc clears", async ({ app }) => {
  await openApp(app);
  await pick(app, 0, 2);
  const bar = app.getByRole("toolbar", { name: "Actions on the selected case studies" });
  await expect(bar.getByTestId("picked-count")).toHaveText("2 selected");
  await expect(app.locator("#reader-title")).toHaveCount(0); // picking does not open
  await rows(app)
    .nth(4)
    .click({ modifiers: ["Shift"] });
  await expect(bar.getByTestId("picked-count")).toHaveText("4 selected");
  await expect(rows(app).nth(1)).not.toHaveClass(/picked/);
  for (const i of [0, 2, 3, 4]) await expect(rows(app).nth(i)).toHaveClass(/picked/);
  await rows(app).nth(3).getByRole("checkbox").click();
  await expect(bar.getByTestId("picked-count")).toHaveText("3 selected");
  await expect(rows(app).nth(3).getByRole("checkbox")).not.toBeChecked();
  await expect(rows(app).nth(0).getByRole("checkbox")).toBeChecked();

  await app.getByRole("listbox", { name: "Case studies" }).focus();
  await app.keyboard.press("Escape");
  await expect(bar).toHaveCount(0);
  await expect(rows(app).locator(".row-check:checked")).toHaveCount(0);
});

test("x on the list picks the current row; a new search drops the picks", async ({ app }) => {
  await openApp(app);
  const list = app.getByRole("listbox", { name: "Case studies" });
  await list.focus();
  await app.keyboard.press("j");
  await app.keyboard.press("x");
  await app.keyboard.press("j");
  await app.keyboard.press(" ");
  const bar = app.getByRole("toolbar", { name: "Actions on the selected case studies" });
  await expect(bar.getByTestId("picked-count")).toHaveText("2 selected");
  await expect(rows(app).nth(1)).toHaveClass(/picked/);
  await expect(rows(app).nth(2)).toHaveClass(/picked/);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("agents");
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await expect(bar).toHaveCount(0);
});

test("bulk: add and remove a tag on the picked case studies", async ({ app }) => {
  await openApp(app);
  await pick(app, 0, 1);
  const bar = app.getByRole("toolbar", { name: "Actions on the selected case studies" });
  await bar.getByRole("button", { name: "Add tag…" }).click();
  await bar.getByRole("combobox", { name: "Tag to add to 2 case studies" }).fill("shortlist");
  await bar.getByRole("button", { name: "Add", exact: true }).click();
  expect(await calls(app, "add_tags")).toEqual([{ ids: [1, 2], tag: "shortlist" }]);
  const tags = sidebar(app).getByTestId("user-tags");
  await expect(tags.getByRole("listitem")).toHaveText([/Shortlist\s*2/]);
  // Still picked after a change: the same search, refreshed.
  await expect(bar.getByTestId("picked-count")).toHaveText("2 selected");

  await rows(app)
    .nth(0)
    .click({ modifiers: ["Control"] }); // unpick the first
  await bar.getByRole("button", { name: "Remove tag…" }).click();
  await bar.getByRole("combobox", { name: "Tag to remove from 1 case study" }).fill("shortlist");
  await bar.getByRole("button", { name: "Remove", exact: true }).click();
  expect(await calls(app, "remove_tags")).toEqual([{ ids: [2], tag: "shortlist" }]);
  await expect(tags.getByRole("listitem")).toHaveText([/Shortlist\s*1/]);
});

test("bulk: add to an existing collection, or to a new one", async ({ app }) => {
  await openApp(app);
  await pick(app, 2, 3);
  const bar = app.getByRole("toolbar", { name: "Actions on the selected case studies" });
  await bar.getByRole("button", { name: "Add to collection…" }).click();
  await expect(bar.getByRole("combobox", { name: "Collection" })).toHaveValue("1");
  await bar.getByRole("button", { name: "Add", exact: true }).click();
  expect(await calls(app, "add_to_collection")).toEqual([{ collection: 1, ids: [3, 4] }]);
  const collections = sidebar(app).getByTestId("collections");
  await expect(collections.getByRole("listitem")).toHaveText([/Reading list\s*2/]);

  await bar.getByRole("button", { name: "Add to collection…" }).click();
  await bar.getByRole("combobox", { name: "Collection" }).selectOption("new");
  await bar.getByRole("textbox", { name: "Name of the new collection" }).fill("Voice and eval");
  await bar.getByRole("button", { name: "Add", exact: true }).click();
  expect(await calls(app, "create_collection")).toEqual([{ name: "Voice and eval" }]);
  const added = (await calls(app, "add_to_collection")) as { collection: number; ids: number[] }[];
  expect(added).toHaveLength(2);
  expect(added[1].ids).toEqual([3, 4]);
  expect(added[1].collection).not.toBe(1);
  await expect(collections.getByRole("listitem")).toHaveText([/Reading list\s*2/, /Voice and eval\s*2/]);
});

test("bulk: star and mark read / unread call the core for each picked case study", async ({ app }) => {
  await openApp(app);
  await pick(app, 0, 4);
  const bar = app.getByRole("toolbar", { name: "Actions on the selected case studies" });
  await bar.getByRole("button", { name: "☆ Star" }).click();
  await expect
    .poll(() => calls(app, "set_starred"))
    .toEqual([
      { id: 1, on: true },
      { id: 5, on: true },
    ]);
  await bar.getByRole("button", { name: "Mark read" }).click();
  await expect
    .poll(() => calls(app, "set_read"))
    .toEqual([
      { id: 1, on: true },
      { id: 5, on: true },
    ]);
  await sidebar(app).getByRole("button", { name: "Starred" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await sidebar(app).getByRole("button", { name: "Starred" }).click();
  await sidebar(app).getByRole("button", { name: "Unread" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("5");
  await sidebar(app).getByRole("button", { name: "Unread" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("7");
  await pick(app, 0);
  await bar.getByRole("button", { name: "Mark unread" }).click();
  await expect.poll(async () => (await calls(app, "set_read")).slice(2)).toEqual([{ id: 1, on: false }]);
});

test("bulk: move to trash clears the selection; Undo in the notice restores", async ({ app }) => {
  await openApp(app);
  await pick(app, 0, 1);
  const bar = app.getByRole("toolbar", { name: "Actions on the selected case studies" });
  await bar.getByRole("button", { name: "Move to trash" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("5");
  await expect(bar).toHaveCount(0);
  expect(await calls(app, "trash")).toEqual([{ ids: [1, 2] }]);
  await expect(sidebar(app).getByRole("button", { name: "Trash (2)" })).toBeVisible();
  const notice = app.locator(".notice", { hasText: "Moved 2 case studies to the trash." });
  await notice.getByRole("button", { name: "Undo" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("7");
  expect(await calls(app, "restore")).toEqual([{ ids: [1, 2] }]);
  await expect(sidebar(app).getByRole("button", { name: "Trash (0)" })).toBeVisible();
});

// ---- trash ---------------------------------------------------------------------------

test("the reader moves its case study to the trash; the trash view restores it", async ({ app }) => {
  await openApp(app);
  await rows(app).nth(1).click();
  await expect(app.locator("#reader-title")).toHaveText("Fine-tuning Small Models for Code Review");
  await app.getByRole("region", { name: "Reader" }).getByRole("button", { name: "Move to trash" }).click();
  await expect(app.locator("#reader-title")).toHaveCount(0);
  await expect(app.getByTestId("result-count")).toHaveText("6");
  expect(await calls(app, "trash")).toEqual([{ ids: [2] }]);
  await expect(notice(app, "Moved 1 case study to the trash.")).toBeVisible();

  await sidebar(app).getByRole("button", { name: "Trash (1)" }).click();
  const trash = app.getByRole("region", { name: "Trash" });
  const row = trash.getByTestId("trash-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Fine-tuning Small Models for Code Review");
  await expect(row).toContainText("Globex");
  const today = new Date().toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric" });
  await expect(row).toContainText(`Deleted ${today}`);
  await row.getByRole("button", { name: "Restore Fine-tuning Small Models for Code Review" }).click();
  await expect(trash.getByTestId("trash-row")).toHaveCount(0);
  await expect(trash).toContainText("The trash is empty.");
  expect(await calls(app, "restore")).toEqual([{ ids: [2] }]);
  await expect(sidebar(app).getByRole("button", { name: "Trash (0)" })).toBeVisible();

  await trash.getByRole("button", { name: "← Back to the results" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("7");
  await expect(rows(app)).toHaveCount(7);
});

test("Empty trash asks first, says it cannot be undone, then deletes for good", async ({ app }) => {
  await openApp(app);
  await pick(app, 0, 1);
  await app.getByRole("button", { name: "Move to trash" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("5");
  await sidebar(app).getByRole("button", { name: "Trash (2)" }).click();
  const trash = app.getByRole("region", { name: "Trash" });
  await expect(trash.getByTestId("trash-row")).toHaveCount(2);

  await trash.getByRole("button", { name: "Empty trash…" }).click();
  const dialog = app.getByRole("alertdialog", { name: "Empty the trash?" });
  await expect(dialog).toContainText("2 case studies are deleted for good");
  await expect(dialog).toContainText("cannot be undone");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect(await calls(app, "empty_trash")).toEqual([]);
  await expect(trash.getByTestId("trash-row")).toHaveCount(2);

  await trash.getByRole("button", { name: "Empty trash…" }).click();
  await dialog.getByRole("button", { name: "Empty trash" }).click();
  await expect(trash.getByTestId("trash-row")).toHaveCount(0);
  await expect(trash.getByRole("button", { name: "Empty trash…" })).toBeDisabled();
  expect((await calls(app, "empty_trash")).length).toBe(1);
  await expect(notice(app, "Deleted 2 case studies for good.")).toBeVisible();
  // A filter click goes back to the results.
  await sidebar(app).getByRole("button", { name: "Starred" }).click();
  await expect(app.getByRole("region", { name: "Trash" })).toHaveCount(0);
  await expect(app.getByTestId("result-count")).toHaveText("0");
});

// ---- export --------------------------------------------------------------------------

test("export the picked results as one JSON file", async ({ app }) => {
  await openApp(app);
  await pick(app, 0, 2, 5);
  await app.getByRole("toolbar").getByRole("button", { name: "Export…" }).click();
  const dialog = app.getByRole("dialog", { name: "Export 3 case studies" });
  await expect(dialog.getByRole("radio", { name: /Markdown files/ })).toBeChecked();
  await dialog.getByRole("radio", { name: /One JSON file/ }).check();
  await dialog.getByRole("button", { name: "Export…" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await calls(app, "export_case_studies")).toEqual([{ ids: [1, 3, 6], format: "json" }]);
  await expect(notice(app, "Exported 3 case studies (1 file).")).toBeVisible();
});

test("menu Export: the open case study when nothing is picked; a cancelled save says nothing", async ({ app }) => {
  await openApp(app);
  await emit(app, "menu", "export");
  await expect(notice(app, "Select case studies in the results (or open one)")).toBeVisible();
  await expect(app.getByRole("dialog")).toHaveCount(0);

  await rows(app).nth(3).click();
  await expect(app.locator("#reader-title")).toHaveText("Evaluating LLM Outputs in Healthcare");
  await app.evaluate(() => (window.__mock.exportAnswer = "cancel"));
  await emit(app, "menu", "export");
  const dialog = app.getByRole("dialog", { name: "Export 1 case study" });
  await dialog.getByRole("button", { name: "Export…" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await calls(app, "export_case_studies")).toEqual([{ ids: [4], format: "markdown" }]);
  await expect(app.locator(".notice", { hasText: "Exported" })).toHaveCount(0);
});

test("a whole collection is exported from its sidebar entry", async ({ app }) => {
  await openApp(app);
  await pick(app, 1, 3);
  const bar = app.getByRole("toolbar", { name: "Actions on the selected case studies" });
  await bar.getByRole("button", { name: "Add to collection…" }).click();
  await bar.getByRole("button", { name: "Add", exact: true }).click();
  await expect(sidebar(app).getByTestId("collections").getByRole("listitem")).toHaveText([/Reading list\s*2/]);
  await sidebar(app).getByRole("button", { name: "Export the collection Reading list" }).click();
  const dialog = app.getByRole("dialog", { name: "Export the collection Reading list (2 case studies)" });
  await dialog.getByRole("radio", { name: /One JSON file/ }).check();
  await dialog.getByRole("button", { name: "Export…" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await calls(app, "export_collection")).toEqual([{ collection: 1, format: "json" }]);
  expect(await calls(app, "export_case_studies")).toEqual([]);
  await expect(notice(app, "Exported 2 case studies (1 file).")).toBeVisible();
});

// ---- backups -------------------------------------------------------------------------

test("menu Back up: backs up now and says so", async ({ app }) => {
  await openApp(app);
  await emit(app, "menu", "backup");
  await expect(notice(app, "Backed up the library (2.4 MB).")).toBeVisible();
  expect((await calls(app, "backup_now")).length).toBe(1);
});

test("the backups dialog lists backups, backs up now, and restores after a warning", async ({ app }) => {
  await seed(app, () => {
    window.__mock.backups = [{ name: "casebook-001763900000000.sqlite3", created_at: 1763900000000, size_bytes: 1536 }];
  });
  await openApp(app);
  // A change made after the backup (lost when it is restored).
  await pick(app, 0);
  await app.getByRole("button", { name: "Move to trash" }).click();
  await expect(app.getByTestId("result-count")).toHaveText("6");

  await emit(app, "menu", "backups");
  const dialog = app.getByRole("dialog", { name: "Backups" });
  const when = new Date(1763900000000).toLocaleString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
  await expect(dialog.getByTestId("backup")).toHaveText([new RegExp(`${when}\\s*1\\.5 KB`)]);
  await expect(dialog).not.toContainText("casebook-001763900000000");
  await dialog.getByRole("button", { name: "Back up now" }).click();
  await expect(dialog.getByTestId("backup")).toHaveCount(2);
  await expect(dialog.getByTestId("backup").first()).toContainText("2.4 MB"); // newest first

  await dialog.getByRole("button", { name: `Restore the backup of ${when}` }).click();
  const confirm = app.getByRole("alertdialog", { name: `Restore the backup of ${when}?` });
  await expect(confirm).toContainText("replaces the whole library");
  await expect(confirm).toContainText("are lost");
  await confirm.getByRole("button", { name: "Replace the library" }).click();
  expect(await calls(app, "restore_backup")).toEqual([{ name: "casebook-001763900000000.sqlite3" }]);
  await expect(notice(app, `Restored the backup of ${when}: 7 case studies.`)).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await expect(app.getByTestId("result-count")).toHaveText("7");
  await expect(sidebar(app).getByRole("button", { name: "Trash (0)" })).toBeVisible();
});

test("the backups dialog closes with Esc and keeps focus inside while open", async ({ app }) => {
  await openApp(app);
  await emit(app, "menu", "backups");
  const dialog = app.getByRole("dialog", { name: "Backups" });
  await expect(dialog.getByTestId("no-backups")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Back up now" })).toBeFocused();
  for (let i = 0; i < 4; i++) {
    await app.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await app.keyboard.press("j"); // the list's keys do not act behind the dialog
  await expect(rows(app).nth(0)).toHaveAttribute("aria-selected", "true");
  await app.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});

// ---- palette and sort ----------------------------------------------------------------

test("the palette offers Recently opened, the trash and backups", async ({ app }) => {
  await openApp(app);
  await app.keyboard.press("Control+k");
  await app.keyboard.type("recently opened");
  await app.keyboard.press("Enter");
  await expect(app.getByRole("combobox", { name: "Sort by" })).toHaveValue("recently_opened");
  await expect.poll(async () => (await lastSearch(app)).sort).toBe("recently_opened");
  await app.keyboard.press("Control+k");
  await app.keyboard.type("show the trash");
  await app.keyboard.press("Enter");
  await expect(app.getByRole("region", { name: "Trash" })).toBeVisible();
  await app.keyboard.press("Control+k");
  await app.keyboard.type("backups");
  await app.keyboard.press("Enter");
  await expect(app.getByRole("dialog", { name: "Backups" })).toBeVisible();
});
