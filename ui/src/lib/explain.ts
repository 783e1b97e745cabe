// How a search hit's "matched in" line reads: which of the query's words matched where.
import type { FieldMatch } from "./bindings/FieldMatch";
import type { MatchField } from "./bindings/MatchField";

/** Field names as a reader would say them. */
export const FIELD_LABELS: Record<MatchField, string> = {
  title: "title",
  company: "company",
  summary: "summary",
  body: "text",
  annotations: "your notes",
  tags: "tags",
  industry: "industry",
  year: "year",
};

/** A word as shown: phrases in quotes. */
function term(t: string): string {
  return /\s/.test(t) ? `“${t}”` : t;
}

/**
 * `title (rag), text (agents, “vector search”)`; empty when nothing is listed. Filter-like
 * fields (tags, industry, year) every hit matches are left out unless `all`: they would
 * repeat on every row.
 */
export function matchedSummary(matched: readonly FieldMatch[], all = false): string {
  return matched
    .filter((m) => all || !["tags", "industry", "year"].includes(m.field))
    .filter((m) => m.terms.length > 0)
    .map((m) => `${FIELD_LABELS[m.field]} (${m.terms.map(term).join(", ")})`)
    .join(", ");
}
