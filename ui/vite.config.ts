import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri serves dist/ itself; the dev server is only for `tauri dev`.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    // WebKitGTK / WKWebView / WebView2 all run at least this.
    target: "safari13",
    minify: true,
    sourcemap: false,
    outDir: "dist",
    emptyOutDir: true,
  },
});
