import { test, expect, openApp, calls, emit } from "./fixtures";
import type { Page } from "@playwright/test";

function notice(page: Page, text: string) {
  return page.locator(".notice", { hasText: text });
}

test("the watched folders dialog adds, lists and stops watching folders", async ({ app }) => {
  await openApp(app);
  await emit(app, "menu", "watched_folders");
  const dialog = app.getByRole("dialog", { name: "Watched folders" });
  await expect(dialog.getByTestId("no-watched")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Watch a folder…" })).toBeFocused();

  await dialog.getByRole("button", { name: "Watch a folder…" }).click();
  await expect(dialog.getByTestId("watched-folder")).toHaveCount(1);
  await expect(dialog.getByTestId("watched-folder")).toContainText("case-studies");
  await expect(dialog.getByTestId("watched-folder")).toContainText("/home/me/case-studies");
  await expect(notice(app, "Watching case-studies")).toBeVisible();

  // The same folder again: the core's refusal is shown, the list is unchanged.
  await dialog.getByRole("button", { name: "Watch a folder…" }).click();
  await expect(notice(app, "Could not watch the folder: /home/me/case-studies is already watched")).toBeVisible();
  await expect(dialog.getByTestId("watched-folder")).toHaveCount(1);

  await dialog.getByRole("button", { name: "Stop watching case-studies" }).click();
  expect(await calls(app, "remove_watched_folder")).toEqual([{ id: 1 }]);
  await expect(dialog.getByTestId("no-watched")).toBeVisible();
  await expect(notice(app, "What it brought in stays in the library")).toBeVisible();
  await app.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});

test("cancelling the folder dialog adds nothing; an unreachable folder is marked", async ({ app }) => {
  await app.addInitScript(() => {
    window.__mock.watchAnswer = null;
    window.__mock.watched = [{ id: 7, name: "nas-share", location: "/mnt/nas/share", available: false }];
  });
  await openApp(app);
  await app.keyboard.press("Control+k");
  await app.keyboard.type("watched folders");
  await app.keyboard.press("Enter");
  const dialog = app.getByRole("dialog", { name: "Watched folders" });
  await expect(dialog.getByTestId("watched-unavailable")).toHaveText("not available");
  await dialog.getByRole("button", { name: "Watch a folder…" }).click();
  await expect(dialog.getByTestId("watched-folder")).toHaveCount(1);
  expect((await calls(app, "add_watched_folder")).length).toBe(1);
});

test("a watched folder's import shows the same report as a drop, and the list refreshes", async ({ app }) => {
  await openApp(app);
  await expect(app.getByTestId("result-count")).toHaveText("7");
  const searches = (await calls(app, "search")).length;
  await emit(app, "watch-import", {
    added: 1,
    updated: 1,
    merged: 0,
    unchanged: 0,
    failed: [{ path: "/home/me/case-studies/broken.json", error: "not a case study: expected an object" }],
    changed_ids: [3],
    cancelled: false,
  });
  await emit(app, "library-changed", null);
  const panel = app.getByTestId("import-panel");
  await expect(panel).toContainText("Imported from a watched folder");
  await expect(panel.getByTestId("report-added")).toHaveText("1");
  await panel.getByRole("button", { name: "Show why 1 file failed" }).click();
  await expect(panel).toContainText("broken.json");
  await expect.poll(async () => (await calls(app, "search")).length).toBeGreaterThan(searches);
});

test("Check Library reports a problem, repairs it on request, and says so", async ({ app }) => {
  await openApp(app);
  await emit(app, "menu", "check_library");
  const dialog = app.getByRole("dialog", { name: "Check the library" });
  await expect(dialog.getByTestId("check-summary")).toHaveText("1 problem found.");
  await expect(dialog.getByTestId("check-problem")).toContainText(
    "Search index: case study 3 is not in the search index",
  );
  await dialog.getByRole("button", { name: "Repair" }).click();
  await expect(dialog.getByTestId("check-summary")).toHaveText("Repaired: 1 problem found and fixed.");
  await expect(dialog.getByTestId("check-problem")).toContainText("rebuilt the search index");
  await expect(dialog.getByRole("button", { name: "Repair" })).toHaveCount(0);
  expect(await calls(app, "check_library")).toEqual([{ repair: false }, { repair: true }]);
  await app.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});
