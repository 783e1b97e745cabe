// The README's screenshots of the real app on a real library (scripts/screenshots makes the
// library from the LLMOps corpus and starts Xvfb). Each scene starts the app afresh with a
// saved UI state (theme, query, Trends choices), as a user's restart would.
//
// env: CASEBOOK_APP, CASEBOOK_LIBRARY, SHOTS (output folder), WEBDRIVER_PORT.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { WebDriver } from "./webdriver.mjs";

const app = resolve(
  process.env.CASEBOOK_APP ?? "target/debug/casebook-desktop",
);
const library = process.env.CASEBOOK_LIBRARY;
const shots = resolve(process.env.SHOTS ?? "docs/screenshots");
const port = Number(process.env.WEBDRIVER_PORT ?? 4446);
if (!library) throw new Error("CASEBOOK_LIBRARY must name the library to open");
const config = mkdtempSync(join(tmpdir(), "casebook-shots-"));
const wd = new WebDriver(`http://127.0.0.1:${port}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const noFilters = {
  tags: [],
  tag_mode: "all",
  industries: [],
  companies: [],
  year_from: null,
  year_to: null,
  annotated_only: false,
  starred_only: false,
  unread_only: false,
  collection: null,
};

function state(over) {
  return {
    query: "",
    filters: noFilters,
    sort: "relevance",
    open_id: null,
    theme: "light",
    trends: {
      count: "technique",
      mode: "counts",
      chart: "lines",
      series: null,
    },
    ...over,
  };
}

async function scene(name, ui, act) {
  const dir = join(config, "org.casebook.desktop");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ui-state.json"), JSON.stringify(ui));
  await wd.start(app);
  await wd.until(
    async () => (await wd.$$(".results [role=option] .row-title")).length > 0,
    "results",
    60000,
  );
  await act();
  await sleep(700);
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, `${name}.png`), await wd.screenshot());
  console.log(`${name}.png`);
  await wd.stop();
  await sleep(500);
}

const openFirst = async () => {
  await wd.click(".results [role=option]");
  await wd.until(
    async () => (await wd.text(".prose")).length > 200,
    "the reader",
  );
};

const trendsUp = async () => {
  await wd.click("[data-testid=trends-toggle]");
  await wd.until(
    () =>
      wd.exec(
        () =>
          document.querySelector("[data-testid=trends-chart]")?.casebookChart
            ?.data.datasets.length > 0,
      ),
    "the chart",
  );
};

async function main() {
  const driver = spawn(
    process.env.TAURI_DRIVER ?? "tauri-driver",
    [
      "--port",
      String(port),
      "--native-driver",
      process.env.WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver",
    ],
    {
      env: {
        ...process.env,
        CASEBOOK_LIBRARY: library,
        XDG_CONFIG_HOME: config,
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  try {
    await wd.until(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/status`).catch(() => null))?.ok,
      "tauri-driver",
      20000,
    );
    await scene("main", state({ query: "rag evaluation" }), openFirst);
    const agentsVsRag = {
      count: "technique",
      mode: "share",
      chart: "lines",
      series: ["agents", "rag", "fine-tuning"],
    };
    await scene("trends", state({ trends: agentsVsRag }), trendsUp);
    await scene(
      "trends-dark",
      state({
        theme: "dark",
        query: "",
        filters: { ...noFilters, industries: ["finance"] },
        trends: { ...agentsVsRag, mode: "counts", chart: "bars" },
      }),
      trendsUp,
    );
    await scene(
      "reader-dark",
      state({ theme: "dark", query: "guardrails" }),
      openFirst,
    );
    await scene("companies", state({}), async () => {
      await wd.click("[data-testid=companies-button]");
      await wd.until(
        async () => (await wd.$$("[data-testid=companies-count]")).length > 0,
        "the companies",
      );
      // Amazon: AWS, Amazon Web Services and Amazon's teams under one name.
      await wd.exec(() => {
        const row = [
          ...document.querySelectorAll("[data-testid=company-row]"),
        ].find((r) => /^\s*Amazon\b/.test(r.textContent ?? ""));
        row?.click();
        return Boolean(row);
      });
      await wd.until(
        async () => (await wd.$$("[data-testid=company-study]")).length > 0,
        "Amazon's case studies",
      );
      await wd.click("[data-testid=company-study]");
      await wd.until(
        async () => (await wd.text(".prose")).length > 200,
        "the reader",
      );
    });
  } finally {
    await wd.stop().catch(() => {});
    driver.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
