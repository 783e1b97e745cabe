import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDate, formatDateTime, plural, prettySlug, tagKey } from "./labels";

describe("labels", () => {
  it("prettifies slugs", () => {
    expect(prettySlug("rag")).toBe("RAG");
    expect(prettySlug("fine-tuning")).toBe("Fine tuning");
    expect(prettySlug("openai")).toBe("OpenAI");
    expect(prettySlug("llm_ops-monitoring")).toBe("LLM ops monitoring");
  });
  it("pluralises and formats", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(plural(1, "case study", "case studies")).toBe("1 case study");
    expect(plural(1500, "case study", "case studies")).toBe("1,500 case studies");
    expect(formatBytes(123456)).toBe("121 KB");
  });
  it("formats dates in the local time zone", () => {
    const noon = new Date(2025, 10, 23, 14, 5).getTime();
    expect(formatDate(noon)).toBe("Nov 23, 2025");
    expect(formatDateTime(noon)).toMatch(/^Nov 23, 2025,? 2:05\sPM$/);
  });
  it("guesses the slug of a typed tag", () => {
    expect(tagKey("  Must Read! ")).toBe("must-read");
    expect(tagKey("LLM  ops/eval")).toBe("llm-ops-eval");
    expect(tagKey("Ünïcode tag")).toBe("ünïcode-tag");
    expect(tagKey("--")).toBe("");
  });
});
