// Multi-select in the result list: the picked case study ids, in the order they were picked.

/** Adds `id` when it is not picked, removes it when it is. */
export function togglePicked(picked: readonly number[], id: number): number[] {
  return picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id];
}

/**
 * Adds the rows from `from` to `to` (either order, both included) to the picked ids. Rows not
 * loaded yet (`idAt` gives undefined) are skipped: a range is picked from what is on screen.
 */
export function pickRange(
  picked: readonly number[],
  from: number,
  to: number,
  idAt: (index: number) => number | undefined,
): number[] {
  const out = [...picked];
  const seen = new Set(picked);
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  for (let i = Math.max(0, lo); i <= hi; i++) {
    const id = idAt(i);
    if (id !== undefined && !seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}
