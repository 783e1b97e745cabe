// Pure helpers of the Companies view.
import type { CompanySummary } from "./bindings/CompanySummary";

/** Lower-cased, accents and punctuation dropped: how the filter box compares names. */
export function foldName(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

/** The companies whose name, key or an alias contains `text` (all when it is empty). */
export function filterCompanies(list: readonly CompanySummary[], text: string): CompanySummary[] {
  const q = foldName(text);
  if (!q) return [...list];
  return list.filter((c) => [c.name, c.key, ...c.aliases].some((n) => foldName(n).includes(q)));
}

/** `2021–2024`, `2024`, or empty when no case study has a year. */
export function yearSpan(first: number | null, last: number | null): string {
  if (first === null || last === null) return "";
  return first === last ? String(first) : `${first}–${last}`;
}
