// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { highlightTerms, markTerms, MAX_MARKS } from "./query";

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
  it("marks at most MAX_MARKS matches, keeping all the text", () => {
    const root = document.createElement("div");
    root.innerHTML = `<p>${"rag ".repeat(MAX_MARKS)}</p><p>${"rag ".repeat(500)}end</p>`;
    const text = root.textContent;
    expect(markTerms(root, ["rag"])).toHaveLength(MAX_MARKS);
    expect(root.querySelectorAll("mark")).toHaveLength(MAX_MARKS);
    expect(root.textContent).toBe(text);
  });
  it("never interprets the text as HTML", () => {
    const root = document.createElement("div");
    root.textContent = "<img src=x onerror=alert(1)> rag";
    markTerms(root, ["rag"]);
    expect(root.querySelector("img")).toBeNull();
  });
});
