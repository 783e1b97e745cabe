// Bundles the IPC mock (install.ts) into one classic script for playwright's addInitScript.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  logLevel: "warn",
  publicDir: false,
  build: {
    target: "es2022",
    minify: false,
    emptyOutDir: true,
    outDir: fileURLToPath(new URL("../.build", import.meta.url)),
    lib: {
      entry: fileURLToPath(new URL("./install.ts", import.meta.url)),
      formats: ["iife"],
      name: "casebookMock",
      fileName: () => "mock.js",
    },
  },
});
