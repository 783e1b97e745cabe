// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { charLen, locate, textOf, toPlain, wrap } from "./anchor";

describe("locate", () => {
  it("picks the occurrence whose context agrees", () => {
    const text = "the cat sat. the dog sat. the cat ran.";
    const at = locate(text, { quote: "the cat", prefix: "dog sat. ", suffix: " ran.", at: 0.7 });
    expect(at).toEqual([26, 33]);
  });
  it("ignores whitespace differences (DOM has no break between blocks)", () => {
    const dom = "OverviewAcme runs a RAG pipeline.";
    const at = locate(dom, { quote: "Overview\n\nAcme runs", prefix: "", suffix: " a RAG", at: 0 });
    expect(at && dom.slice(at[0], at[1])).toBe("OverviewAcme runs");
  });
  it("is null when the quote is not there", () => {
    expect(locate("abc", { quote: "xyz", prefix: "", suffix: "", at: 0 })).toBeNull();
  });
});

describe("toPlain", () => {
  it("counts characters as code points, not UTF-16 units", () => {
    const plain = "😀 emoji first\n\nthen the quote here";
    const dom = "😀 emoji firstthen the quote here";
    const i = dom.indexOf("quote");
    const r = toPlain(plain, dom, i, i + 5);
    expect(r).toEqual({
      start: charLen("😀 emoji first\n\nthen the "),
      end: charLen("😀 emoji first\n\nthen the quote"),
      quote: "quote",
    });
    expect(Array.from(plain).slice(r!.start, r!.end).join("")).toBe("quote");
  });
});

describe("wrap", () => {
  it("marks a range across elements", () => {
    const div = document.createElement("div");
    div.innerHTML = "<p>one <b>two</b> three</p>";
    const marks = wrap(div, 2, 9, () => document.createElement("mark"));
    expect(marks.map((m) => m.textContent)).toEqual(["e ", "two", " t"]);
    expect(textOf(div).text).toBe("one two three");
  });
});
