import { describe, expect, it } from "vitest";
import { pickRange, togglePicked } from "./selection";

describe("togglePicked", () => {
  it("adds an id that is not picked and removes one that is", () => {
    expect(togglePicked([3, 5], 7)).toEqual([3, 5, 7]);
    expect(togglePicked([3, 5, 7], 5)).toEqual([3, 7]);
  });
});

describe("pickRange", () => {
  const ids = [10, 11, 12, 13, 14];
  const idAt = (i: number) => ids[i];
  it("adds every row between the two ends, in either order, without duplicates", () => {
    expect(pickRange([12], 1, 3, idAt)).toEqual([12, 11, 13]);
    expect(pickRange([], 4, 2, idAt)).toEqual([12, 13, 14]);
  });
  it("skips rows that are not loaded", () => {
    expect(pickRange([], 0, 3, (i) => (i === 1 ? undefined : ids[i]))).toEqual([10, 12, 13]);
  });
});
