// Serves ui/dist with the Content-Security-Policy from src-tauri/tauri.conf.json, as Tauri
// would, so the UI tests run the production bundle under the production CSP.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = join(here, "../../dist");
const conf = JSON.parse(await readFile(join(here, "../../../src-tauri/tauri.conf.json"), "utf8"));
const csp = Object.entries(conf.app.security.csp)
  .map(([k, v]) => `${k} ${v}`)
  .join("; ");
const port = Number(process.env.PORT ?? 4173);
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, "");
  const file = join(dist, rel === "/" ? "index.html" : rel);
  try {
    const body = await readFile(file);
    const headers = { "content-type": types[extname(file)] ?? "application/octet-stream" };
    if (url.searchParams.get("nocsp") !== "1" && extname(file) === ".html") headers["content-security-policy"] = csp;
    res.writeHead(200, headers);
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end("not found");
  }
}).listen(port, "127.0.0.1", () => console.log(`serving ${dist} on http://127.0.0.1:${port}`));
