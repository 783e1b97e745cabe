import { describe, expect, it } from "vitest";
import { filterCompanies, foldName, yearSpan } from "./companies";
import type { CompanySummary } from "./bindings/CompanySummary";

const c = (name: string, aliases: string[] = [], key = foldName(name)): CompanySummary => ({
  key,
  name,
  aliases,
  count: 1,
  first_year: null,
  last_year: null,
});

describe("filterCompanies", () => {
  const list = [c("Amazon", ["AWS", "Amazon Web Services"]), c("DoorDash", ["Doordash"]), c("Condé Nast")];

  it("matches names, aliases and keys, ignoring case, accents and punctuation", () => {
    expect(filterCompanies(list, "aws").map((x) => x.name)).toEqual(["Amazon"]);
    expect(filterCompanies(list, "web serv").map((x) => x.name)).toEqual(["Amazon"]);
    expect(filterCompanies(list, "door-dash").map((x) => x.name)).toEqual(["DoorDash"]);
    expect(filterCompanies(list, "conde").map((x) => x.name)).toEqual(["Condé Nast"]);
    expect(filterCompanies(list, "globex")).toEqual([]);
  });

  it("keeps everything, in order, for an empty filter", () => {
    expect(filterCompanies(list, "  ")).toEqual(list);
  });
});

describe("yearSpan", () => {
  it("reads as a range, a year or nothing", () => {
    expect(yearSpan(2021, 2024)).toBe("2021–2024");
    expect(yearSpan(2024, 2024)).toBe("2024");
    expect(yearSpan(null, null)).toBe("");
  });
});
