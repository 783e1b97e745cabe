import { test, expect, openApp, calls, emit } from "./fixtures";

const pos = { x: 400, y: 300 };

test("dragging files over the window shows the drop target", async ({ app }) => {
  await openApp(app);
  await emit(app, "tauri://drag-enter", { paths: ["/drop/a.md"], position: pos });
  await expect(app.getByTestId("drop-overlay")).toBeVisible();
  await expect(app.getByTestId("drop-overlay")).toContainText("Drop to import");
  await emit(app, "tauri://drag-leave", null);
  await expect(app.getByTestId("drop-overlay")).toHaveCount(0);
});

test("a drop imports in the background with progress, then a report", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => window.__mock.hold("import-finish"));
  await emit(app, "tauri://drag-enter", { paths: ["/drop/a.md", "/drop/dir"], position: pos });
  await emit(app, "tauri://drag-drop", { paths: ["/drop/a.md", "/drop/dir"], position: pos });
  await expect(app.getByTestId("drop-overlay")).toHaveCount(0);
  const panel = app.getByTestId("import-panel");
  await expect(panel).toHaveAttribute("data-phase", "running");
  await expect(panel.getByRole("progressbar", { name: "Import progress" })).toBeVisible();
  await expect(app.getByTestId("import-count")).toContainText("/ 40");
  // The app stays usable while importing.
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("acme");
  await expect(app.getByTestId("result-count")).toHaveText("2");
  await expect(panel).toHaveAttribute("data-phase", "running");
  await app.evaluate(() => window.__mock.release("import-finish"));
  await expect(panel).toHaveAttribute("data-phase", "done", { timeout: 5000 });
  expect(await calls(app, "import_paths")).toEqual([{ paths: ["/drop/a.md", "/drop/dir"] }]);
  await expect(app.getByTestId("report-added")).toHaveText("2");
  await expect(app.getByTestId("report-merged")).toHaveText("1");
  await expect(app.getByTestId("report-unchanged")).toHaveText("3");
  await expect(app.getByTestId("report-failed")).toHaveText("1");
  await panel.getByRole("button", { name: /Show why 1 file failed/ }).click();
  await expect(panel).toContainText("unsupported file type (pdf)");
  // The new case studies can be opened from the report.
  await panel.getByRole("button", { name: "Fine-tuning Small Models for Code Review" }).click();
  await expect(app.locator("#reader-title")).toHaveText("Fine-tuning Small Models for Code Review");
  // The search was re-run after the import.
  expect((await calls(app, "search")).length).toBeGreaterThan(2);
});

test("a large import can be cancelled", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => {
    window.__mock.importPlan.steps = 50;
    window.__mock.importPlan.stepMs = 60;
    window.__mock.hold("import-finish");
  });
  await emit(app, "tauri://drag-drop", { paths: ["/drop/big.zip"], position: pos });
  const panel = app.getByTestId("import-panel");
  await expect(panel).toHaveAttribute("data-phase", "running");
  await panel.getByRole("button", { name: "Cancel" }).click();
  await expect(panel).toHaveAttribute("data-phase", "done");
  await expect(panel).toContainText("Import cancelled");
  expect((await calls(app, "cancel_import")).length).toBe(1);
});

test("Import… opens the system dialog and imports what was chosen", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => (window.__mock.pendingPaths = ["/home/me/cases.zip"]));
  await app.getByRole("button", { name: "Import…" }).click();
  await expect(app.getByTestId("import-panel")).toHaveAttribute("data-phase", "done");
  expect(await calls(app, "choose_import")).toEqual([{ pick: "files" }]);
  expect(await calls(app, "import_paths")).toEqual([{ paths: ["/home/me/cases.zip"] }]);
});

test("the Import Folder menu item asks for folders", async ({ app }) => {
  await openApp(app);
  await emit(app, "menu", "import_folder");
  await expect.poll(() => calls(app, "choose_import")).toEqual([{ pick: "folders" }]);
  // The dialog was dismissed (no paths): nothing is imported.
  expect(await calls(app, "import_paths")).toEqual([]);
});

test("a failed import is reported in words and the app stays usable", async ({ app }) => {
  await openApp(app);
  await app.evaluate(
    () => (window.__mock.fail.import_paths = { code: "busy", message: "an import is already running" }),
  );
  await emit(app, "tauri://drag-drop", { paths: ["/drop/a.md"], position: pos });
  const panel = app.getByTestId("import-panel");
  await expect(panel).toHaveAttribute("data-phase", "failed");
  await expect(panel).toContainText("an import is already running");
  await app.keyboard.press("Escape");
  await expect(panel).toHaveCount(0);
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("globex");
  await expect(app.getByTestId("result-count")).toHaveText("1");
});

test("an empty library explains how to import", async ({ app }) => {
  await app.goto("/?empty=1");
  await expect(app.getByRole("heading", { name: "Your library is empty" })).toBeVisible();
  await expect(app.getByText("Drop case-study files, folders or")).toBeVisible();
  await expect(app.getByRole("button", { name: "Import files…" })).toBeVisible();
});

test("a library that cannot be opened gets a clear screen", async ({ app }) => {
  await app.goto("/?fail=library_info:in_use");
  await expect(app.getByRole("heading", { name: "The library is open in another Casebook" })).toBeVisible();
});
