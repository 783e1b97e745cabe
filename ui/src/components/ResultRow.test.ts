// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import type { SearchHit } from "../lib/bindings/SearchHit";
import ResultRow from "./ResultRow.svelte";

const hit = (over: Partial<SearchHit> = {}): SearchHit => ({
  id: 7,
  slug: "scaling-rag",
  title: "Scaling RAG",
  company: "Acme",
  year: 2024,
  industry: "e_commerce",
  score: 1,
  snippet: "…we built <mark>rag</mark> pipelines",
  matched_annotations: false,
  matched: [],
  ...over,
});

afterEach(cleanup);

describe("ResultRow", () => {
  it("shows the title, company, year and industry by name", () => {
    const { container } = render(ResultRow, { hit: hit(), picked: false, onCheck: () => {} });
    expect(container.querySelector(".row-title")?.textContent).toBe("Scaling RAG");
    const meta = [...container.querySelectorAll(".row-meta span")].map((s) => s.textContent);
    expect(meta).toEqual(["Acme", "2024", "E commerce"]);
  });

  it("keeps only <mark> of the snippet, and leads it to the first mark", () => {
    const snippet = `${"word ".repeat(60)}<mark>rag</mark> <img src=x onerror=alert(1)><b>bold</b>`;
    const { container } = render(ResultRow, { hit: hit({ snippet }), picked: false, onCheck: () => {} });
    const s = container.querySelector(".row-snippet")!;
    expect(s.querySelector("mark")?.textContent).toBe("rag");
    expect(s.querySelector("img, b, [onerror]")).toBeNull();
    expect(s.textContent!.trim().startsWith("…")).toBe(true);
  });

  it("says where the words matched only when something matched outside the filters", () => {
    const matched: SearchHit["matched"] = [
      { field: "title", terms: ["rag"] },
      { field: "tags", terms: ["rag"] },
      { field: "body", terms: ["vector search"] },
    ];
    const { container } = render(ResultRow, { hit: hit({ matched }), picked: false, onCheck: () => {} });
    expect(screen.getByTestId("row-matched").textContent!.replace(/\s+/g, " ").trim()).toBe(
      "Matched in title (rag), text (“vector search”)",
    );
    expect(container.querySelector(".row-snippet.one-line")).not.toBeNull();
    cleanup();
    render(ResultRow, { hit: hit({ matched: [{ field: "tags", terms: ["rag"] }] }), picked: false, onCheck: () => {} });
    expect(screen.queryByTestId("row-matched")).toBeNull();
  });

  it("marks hits in the user's notes, and reports the checkbox", async () => {
    const onCheck = vi.fn();
    render(ResultRow, { hit: hit({ matched_annotations: true }), picked: true, onCheck });
    expect(screen.getByTestId("annot-marker")).toBeTruthy();
    const box = screen.getByRole("checkbox", { name: "Select Scaling RAG" }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    await fireEvent.click(box);
    expect(onCheck).toHaveBeenCalledTimes(1);
  });
});
