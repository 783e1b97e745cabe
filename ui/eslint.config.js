import js from "@eslint/js";
import ts from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import svelteConfig from "./svelte.config.js";

export default ts.config(
  { ignores: ["dist/", "tests/ui/.build/", "test-results/", "playwright-report/", "src/lib/bindings/"] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: [".svelte"], svelteConfig } },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The one place HTML is inserted is sanitised twice (core + DOMPurify); see Reader/ResultList.
      "svelte/no-at-html-tags": "off",
      // Flags plain Maps/Sets used as local scratch inside $derived blocks; they never need reactivity.
      "svelte/prefer-svelte-reactivity": "off",
      // Tauri's IPC mock errors are plain objects, as the real bridge's are.
      "@typescript-eslint/only-throw-error": "off",
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@tauri-apps/api/core",
              importNames: ["invoke"],
              message: "Call the backend through src/lib/api.ts only.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/lib/api.ts", "tests/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
