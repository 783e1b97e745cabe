// Shared test setup: the IPC mock goes in before the app, CSP violations and page errors fail
// the test.
import { test as base, expect, type Page } from "@playwright/test";
import { fileURLToPath } from "node:url";

const mockScript = fileURLToPath(new URL("./.build/mock.js", import.meta.url));

type Fixtures = { app: Page; problems: string[] };

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- playwright needs the destructuring
  problems: async ({}, use) => {
    await use([]);
  },
  app: async ({ page, problems }, use) => {
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    await page.addInitScript({ path: mockScript });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await use(page);
  },
});

export { expect };

export async function openApp(page: Page, query = "") {
  await page.goto(`/${query}`);
  await expect(page.getByTestId("result-count")).toBeVisible();
  // The hidden warm-up after the first results (Warmup.svelte) has come and gone.
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName("casebook:warmed").length)).toBe(1);
}

export function rows(page: Page) {
  return page.locator(".results [role=option]");
}

export async function calls(page: Page, cmd: string) {
  return page.evaluate((c) => window.__mock.calls.filter((x) => x.cmd === c).map((x) => x.args), cmd);
}

export async function emit(page: Page, event: string, payload: unknown) {
  await page.evaluate(([e, p]) => window.__mock.emit(e as string, p), [event, payload] as const);
}
