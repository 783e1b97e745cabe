import { describe, expect, it } from "vitest";
import { colour, drillDown, values } from "./trends";
import type { Filters } from "./bindings/Filters";
import type { Trends } from "./bindings/Trends";

const none: Filters = {
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

describe("drillDown", () => {
  it("adds the tag and pins the year", () => {
    const r = drillDown("agents", { ...none, tags: ["finance-tag"], year_from: 2022 }, "tags", "rag", 2024);
    expect(r.query).toBe("agents");
    expect(r.filters.tags).toEqual(["finance-tag", "rag"]);
    expect([r.filters.year_from, r.filters.year_to]).toEqual([2024, 2024]);
  });
  it("does not add a tag twice and leaves the input alone", () => {
    const f = { ...none, tags: ["rag"] };
    const r = drillDown("", f, "tags", "rag", 2023);
    expect(r.filters.tags).toEqual(["rag"]);
    expect(f.year_from).toBeNull();
  });
  it("puts the tag in the query under an any-of filter of other tags", () => {
    const r = drillDown("llm", { ...none, tags: ["a", "b"], tag_mode: "any" }, "tags", "rag", 2025);
    expect(r.filters.tags).toEqual(["a", "b"]);
    expect(r.filters.tag_mode).toBe("any");
    expect(r.query).toBe("llm tag:rag");
    expect(drillDown(r.query, r.filters, "tags", "rag", 2025).query).toBe("llm tag:rag");
  });
  it("replaces the industries with the one clicked", () => {
    const r = drillDown("", { ...none, industries: ["finance", "tech"] }, "industries", "tech", 2024);
    expect(r.filters.industries).toEqual(["tech"]);
    expect(r.filters.tags).toEqual([]);
  });
});

describe("values", () => {
  const t: Trends = {
    years: [2023, 2024],
    totals_per_year: [4, 3],
    series: [{ key: "rag", label: "RAG", counts: [1, 3], share: [0.25, 1 / 3], total: 4 }],
    undated: 0,
    total: 7,
    dimension: "tags",
    corrected_query: null,
  };
  it("plots counts or shares in percent", () => {
    expect(values(t, 0, "counts")).toEqual([1, 3]);
    expect(values(t, 0, "share")).toEqual([25, 33.3]);
    expect(values(t, 5, "share")).toEqual([]);
  });
});

describe("colour", () => {
  it("reads the palette from CSS variables, cycling", () => {
    const vars: Record<string, string> = { "--chart-1": " #123456", "--chart-8": "#abcdef" };
    const read = (n: string) => vars[n] ?? "";
    expect(colour(read, 0)).toBe("#123456");
    expect(colour(read, 7)).toBe("#abcdef");
    expect(colour(read, 8)).toBe("#123456");
    expect(colour(read, 1)).toBe("#888888");
  });
});
