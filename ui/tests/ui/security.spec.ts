import { test, expect, openApp, calls } from "./fixtures";
import type { Page } from "@playwright/test";

const HOSTILE_TITLE = "Hostile Case Study";

async function openHostile(app: Page) {
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("hostile");
  await app.locator(".results [role=option]", { hasText: HOSTILE_TITLE }).click();
  await expect(app.locator("#reader-title")).toHaveText(HOSTILE_TITLE);
  await expect(app.locator(".prose #user-content-tail")).toHaveText("After the attack.");
}

async function assertInert(app: Page, startUrl: string) {
  let dialogs = 0;
  app.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  const prose = app.locator(".prose");
  // Nothing executable or embeddable survived.
  for (const sel of ["script", "iframe", "object", "embed", "svg", "math", "form", "button", "meta", "base", "style"]) {
    await expect(prose.locator(sel), sel).toHaveCount(0);
  }
  const handlerAttrs = await prose.evaluate((root) =>
    [...root.querySelectorAll("*")]
      .flatMap((el) => [...el.attributes].map((a) => a.name))
      .filter((n) => /^on/i.test(n) || n === "style"),
  );
  expect(handlerAttrs).toEqual([]);
  await expect(prose.locator("#user-content-jslink")).not.toHaveAttribute("href", /.+/);
  // Clicking the javascript: link does nothing; the web link goes to the system browser.
  await prose.locator("#user-content-jslink").click();
  await prose.locator("#user-content-weblink").click();
  await app.waitForTimeout(300);
  expect(await app.evaluate(() => window.__pwned)).toBeUndefined();
  expect(await calls(app, "import_paths")).toEqual([]);
  expect((await calls(app, "plugin:opener|open_url")).map((a) => (a as { url: string }).url)).toEqual([
    "https://example.com/ok",
  ]);
  expect(dialogs).toBe(0);
  expect(app.url()).toBe(startUrl);
}

test("a hostile case study renders inert under the app's CSP", async ({ app, problems }) => {
  await openApp(app);
  const url = app.url();
  await openHostile(app);
  await assertInert(app, url);
  expect(problems.filter((p) => !p.includes("Content Security Policy"))).toEqual([]);
});

test("a hostile case study is inert even without CSP (DOMPurify alone)", async ({ app }) => {
  await openApp(app, "?nocsp=1");
  const url = app.url();
  await openHostile(app);
  await assertInert(app, url);
});

test("hostile snippets keep only <mark>", async ({ app }) => {
  await openApp(app);
  await app.evaluate(() => {
    const d = window.__mock.docs.find((x) => x.id === 666)!;
    d.summary = "</mark><img src=x onerror=\"window.__pwned='snippet'\"><b>bold</b>";
  });
  await app.getByRole("searchbox", { name: "Search case studies" }).fill("hostile");
  const row = app.locator(".results [role=option]", { hasText: HOSTILE_TITLE });
  await expect(row).toBeVisible();
  await expect(row.locator(".row-snippet img, .row-snippet b")).toHaveCount(0);
  expect(await app.evaluate(() => window.__pwned)).toBeUndefined();
});

test("the page cannot reach commands through a frozen prototype or globals it should not have", async ({ app }) => {
  await openApp(app);
  // No Node, no fs plugin in the page.
  expect(await app.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe("undefined");
  expect(await app.evaluate(() => typeof (window as unknown as { process?: unknown }).process)).toBe("undefined");
});
