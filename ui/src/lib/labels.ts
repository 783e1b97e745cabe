// Display names for slugs the taxonomy does not name.
const UPPER = new Set([
  "ai",
  "api",
  "aws",
  "cpu",
  "gpu",
  "llm",
  "llms",
  "ml",
  "mlops",
  "llmops",
  "nlp",
  "rag",
  "sql",
  "ui",
  "ux",
  "qa",
  "tpu",
  "sdk",
  "cv",
  "ocr",
  "gcp",
  "hr",
  "it",
  "iot",
  "saas",
  "b2b",
  "etl",
]);
const WORDS: Record<string, string> = {
  openai: "OpenAI",
  langchain: "LangChain",
  llamaindex: "LlamaIndex",
  pytorch: "PyTorch",
  huggingface: "Hugging Face",
  github: "GitHub",
  mongodb: "MongoDB",
  postgresql: "PostgreSQL",
  fastapi: "FastAPI",
  vllm: "vLLM",
  kubernetes: "Kubernetes",
  chromadb: "ChromaDB",
};

/** `retrieval-augmented-generation` → `Retrieval augmented generation`; `rag` → `RAG`. */
export function prettySlug(slug: string): string {
  const words = slug.split(/[-_\s]+/).filter(Boolean);
  return words
    .map((w, i) => {
      const lw = w.toLowerCase();
      if (UPPER.has(lw)) return lw.toUpperCase();
      if (WORDS[lw]) return WORDS[lw];
      return i === 0 ? lw.charAt(0).toUpperCase() + lw.slice(1) : lw;
    })
    .join(" ");
}

// One formatter for every count, made once (the facet lists format ~400 counts a keystroke).
const COUNT_FORMAT = new Intl.NumberFormat("en-US");

/** `n` with thousands separators: 12,345. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A day, for lists (`Nov 23, 2025`), in the user's time zone. */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric" });
}

/** A moment, for backups (`Nov 23, 2025, 2:13 PM`), in the user's time zone. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
}

/**
 * A best guess at the slug the core makes of a typed tag (`Must read` → `must-read`), to tell
 * the user before renaming that it lands on a tag that exists. The core decides in the end.
 */
export function tagKey(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}
