// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import DOMPurify from "dompurify";
import { sanitizeSnippet } from "./sanitize";

function rendered(html: string) {
  const el = document.createElement("div");
  el.innerHTML = html;
  return {
    text: el.textContent,
    marks: [...el.querySelectorAll("mark")].map((m) => m.textContent),
    elements: [...el.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()),
  };
}

describe("sanitizeSnippet", () => {
  it("passes escaped text with marks through as it is, rendering as DOMPurify's output would", () => {
    for (const s of [
      "plain words",
      "a <mark>retrieval</mark> pipeline &amp; <mark>RAG</mark> … &lt;script&gt;",
      "x & y, &quot;quoted&quot; <mark>",
      "",
    ]) {
      expect(sanitizeSnippet(s)).toBe(s);
      expect(rendered(sanitizeSnippet(s))).toEqual(
        rendered(DOMPurify.sanitize(s, { ALLOWED_TAGS: ["mark"], ALLOWED_ATTR: [] })),
      );
    }
  });

  it("keeps only <mark> of anything else", () => {
    for (const s of [
      '</mark><img src=x onerror="window.__pwned=1"><b>bold</b>',
      "<mark onclick=alert(1)>x</mark>",
      "<markx>y</markx><script>alert(1)</script>",
      "<MARK>a</MARK><svg onload=alert(1)>",
      "a > b <mark>c</mark> <!-- comment -->",
    ]) {
      const out = rendered(sanitizeSnippet(s));
      expect(out.elements.every((e) => e === "mark")).toBe(true);
      expect(sanitizeSnippet(s)).not.toMatch(/on\w+=|<(?!\/?mark>)/i);
    }
  });
});
