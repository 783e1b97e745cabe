// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { highlightTerms, markTerms } from "./query";

describe("highlightTerms", () => {
  it("drops operators, field prefixes and excluded terms", () => {
    expect(highlightTerms('rag AND company:uber -chatbot "fine tuning" OR x')).toEqual(["fine tuning", "uber", "rag"]);
  });
  it("is empty for an empty query", () => {
    expect(highlightTerms("   ")).toEqual([]);
  });
});

describe("markTerms", () => {
  it("marks word starts outside code, case-insensitively", () => {
    const root = document.createElement("div");
    root.innerHTML = "<p>RAG and rag-based, not drag.</p><pre><code>rag()</code></pre>";
    const marks = markTerms(root, ["rag"]);
    expect(marks.map((m) => m.textContent)).toEqual(["RAG", "rag"]);
    expect(root.querySelector("pre")?.innerHTML).toBe("<code>rag()</code>");
    expect(root.textContent).toContain("not drag.");
  });
  it("never interprets the text as HTML", () => {
    const root = document.createElement("div");
    root.textContent = "<img src=x onerror=alert(1)> rag";
    markTerms(root, ["rag"]);
    expect(root.querySelector("img")).toBeNull();
  });
});
