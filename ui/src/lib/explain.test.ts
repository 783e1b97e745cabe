import { describe, expect, it } from "vitest";
import { matchedSummary } from "./explain";

describe("matchedSummary", () => {
  it("names fields as a reader would and quotes phrases", () => {
    expect(
      matchedSummary([
        { field: "title", terms: ["rag"] },
        { field: "body", terms: ["agents", "vector search"] },
        { field: "annotations", terms: ["rag"] },
      ]),
    ).toBe("title (rag), text (agents, “vector search”), your notes (rag)");
  });

  it("leaves out the filter-like fields every hit matches, unless asked", () => {
    const m = [
      { field: "tags" as const, terms: ["rag"] },
      { field: "summary" as const, terms: ["agents"] },
      { field: "year" as const, terms: ["2024"] },
    ];
    expect(matchedSummary(m)).toBe("summary (agents)");
    expect(matchedSummary(m, true)).toBe("tags (rag), summary (agents), year (2024)");
  });

  it("is empty for an empty query", () => {
    expect(matchedSummary([])).toBe("");
    expect(matchedSummary([{ field: "title", terms: [] }])).toBe("");
  });
});
