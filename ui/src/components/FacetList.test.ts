// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import FacetList from "./FacetList.svelte";

const items = Array.from({ length: 9 }, (_, i) => ({ value: `v${i}`, label: `Value ${i}`, count: 20 - i }));

afterEach(cleanup);

describe("FacetList", () => {
  it("lists the top values by count, then all on demand", async () => {
    render(FacetList, { id: "x", title: "Things", items, selected: [], onToggle: () => {}, limit: 3 });
    expect(screen.getAllByRole("checkbox")).toHaveLength(3);
    await fireEvent.click(screen.getByRole("button", { name: "Show all 9" }));
    expect(screen.getAllByRole("checkbox")).toHaveLength(9);
  });

  it("keeps a selected value listed first, even with no hits", () => {
    render(FacetList, { id: "x", title: "Things", items, selected: ["gone"], onToggle: () => {}, limit: 3 });
    const boxes = screen.getAllByRole("checkbox") as HTMLInputElement[];
    expect(boxes[0].checked).toBe(true);
    expect(boxes[0].closest("label")?.textContent).toContain("gone");
  });

  it("reports toggles and filters by name", async () => {
    const onToggle = vi.fn();
    render(FacetList, { id: "x", title: "Things", items, selected: [], onToggle, limit: 3, searchable: true });
    await fireEvent.input(screen.getByRole("searchbox", { name: "Filter things" }), { target: { value: "Value 7" } });
    const boxes = screen.getAllByRole("checkbox");
    expect(boxes).toHaveLength(1);
    await fireEvent.click(boxes[0]);
    expect(onToggle).toHaveBeenCalledWith("v7");
  });
});

describe("FacetList with no values", () => {
  it("says none are in the results once a search has answered, and nothing before", () => {
    const base = { id: "x", title: "Things", items: [], selected: [], onToggle: () => {} };
    const answered = render(FacetList, base);
    expect(screen.getByText("None in these results")).toBeTruthy();
    answered.unmount();
    render(FacetList, { ...base, pending: true });
    expect(screen.queryByText("None in these results")).toBeNull();
  });
});
