import { describe, expect, it } from "vitest";
import { leadToFirstMark } from "./snippet";

describe("leadToFirstMark", () => {
  it("leaves a snippet whose first hit is near the start alone", () => {
    expect(leadToFirstMark("… the <mark>rag</mark> system")).toBe("… the <mark>rag</mark> system");
    expect(leadToFirstMark("plain text, no hit at all in this rather long snippet of words here")).toBe(
      "plain text, no hit at all in this rather long snippet of words here",
    );
  });
  it("drops the lead-in at a word, keeping a few words before the hit", () => {
    const s = "… College London), details the development and rigorous <mark>evaluation</mark> of it";
    const out = leadToFirstMark(s, 20);
    expect(out.startsWith("… ")).toBe(true);
    expect(out).toContain("<mark>evaluation</mark> of it");
    expect(out.indexOf("<mark>")).toBeLessThanOrEqual(24);
    expect(out).not.toContain("College");
  });
  it("never cuts inside an entity", () => {
    const s = "AT&amp;T&amp;Co&amp;more&amp;words&amp;without&amp;spaces&amp;at&amp;all <mark>x</mark>";
    const out = leadToFirstMark(s, 10);
    expect(out).toBe("… <mark>x</mark>");
  });
});
