// Pure helpers of the Trends view: which filters a click on the chart sets, the values a
// chart plots, and the series colours (from CSS variables, so both themes look right).
import type { Filters } from "./bindings/Filters";
import type { TrendDimension } from "./bindings/TrendDimension";
import type { Trends } from "./bindings/Trends";
import type { TrendMode } from "./bindings/TrendMode";
import type { TrendsPrefs } from "./bindings/TrendsPrefs";

/** The Trends view as it first opens: techniques, counts, lines, the most frequent. */
export function defaultTrendsPrefs(): TrendsPrefs {
  return { count: "technique", mode: "counts", chart: "lines", series: null };
}

/** Point shapes and dash patterns by series, so lines that coincide stay apart to the eye. */
export const POINT_STYLES = ["circle", "rect", "triangle", "rectRot", "star", "crossRot"] as const;
export const DASHES: number[][] = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

/** How series `i` is drawn beside its colour. */
export function seriesStyle(i: number): { pointStyle: (typeof POINT_STYLES)[number]; borderDash: number[] } {
  return { pointStyle: POINT_STYLES[i % POINT_STYLES.length], borderDash: DASHES[i % DASHES.length] };
}

/** How many chart colours app.css defines (`--chart-1` …). */
export const CHART_COLOURS = 8;

/**
 * The query and filters that list exactly the case studies behind one point of the chart:
 * the current ones narrowed to that year and that tag (or industry). Tags: added to an
 * all-of filter; under an any-of filter of other tags (a ∨ b), the tag goes into the query
 * (`tag:x`), since adding it to the filter would widen it to a ∨ b ∨ x.
 */
export function drillDown(
  query: string,
  filters: Filters,
  dimension: TrendDimension,
  key: string,
  year: number,
): { query: string; filters: Filters } {
  const f: Filters = { ...filters, tags: [...filters.tags], industries: [...filters.industries] };
  f.year_from = year;
  f.year_to = year;
  let q = query;
  if (dimension === "industries") {
    f.industries = [key];
  } else if (f.tag_mode === "all" || f.tags.length === 0 || f.tags.every((t) => t === key)) {
    f.tag_mode = f.tags.length === 0 ? f.tag_mode : "all";
    if (!f.tags.includes(key)) f.tags.push(key);
  } else {
    const clause = `tag:${key}`;
    if (!q.split(/\s+/).includes(clause)) q = q.trim() ? `${q.trim()} ${clause}` : clause;
  }
  return { query: q, filters: f };
}

/** The numbers a series plots: counts, or shares in percent (rounded to 0.1). */
export function values(trends: Trends, index: number, mode: TrendMode): number[] {
  const s = trends.series[index];
  if (!s) return [];
  return mode === "counts" ? s.counts.map(Number) : s.share.map((v) => Math.round(v * 1000) / 10);
}

/** Colour `i` of the palette, read from the CSS variables (cycling). */
export function colour(read: (name: string) => string, i: number): string {
  const v = read(`--chart-${(i % CHART_COLOURS) + 1}`).trim();
  return v || "#888888";
}
