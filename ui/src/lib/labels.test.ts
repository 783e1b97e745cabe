import { describe, expect, it } from "vitest";
import { formatBytes, plural, prettySlug } from "./labels";

describe("labels", () => {
  it("prettifies slugs", () => {
    expect(prettySlug("rag")).toBe("RAG");
    expect(prettySlug("fine-tuning")).toBe("Fine tuning");
    expect(prettySlug("openai")).toBe("OpenAI");
    expect(prettySlug("llm_ops-monitoring")).toBe("LLM ops monitoring");
  });
  it("pluralises and formats", () => {
    expect(plural(1, "case study", "case studies")).toBe("1 case study");
    expect(plural(1500, "case study", "case studies")).toBe("1,500 case studies");
    expect(formatBytes(123456)).toBe("121 KB");
  });
});
