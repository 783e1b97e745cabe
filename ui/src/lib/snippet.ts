// Result rows show a line or two of the snippet: when the core's fragment starts well before
// its first hit, the row would show context and cut the hit off. This drops the lead-in up
// to a word a few words before the first `<mark>`.

/** `html` (escaped text with `<mark>…</mark>`) with at most about `lead` characters before the first mark. */
export function leadToFirstMark(html: string, lead = 40): string {
  const at = html.indexOf("<mark>");
  if (at <= lead) return html;
  const before = html.slice(0, at);
  // Cut at a space (never inside an entity such as `&amp;`), the last one leaving ≥ `lead`.
  let cut = before.indexOf(" ", at - lead);
  if (cut < 0 || cut >= at) cut = before.lastIndexOf(" ", at - 1);
  if (cut <= 0) return html;
  return `… ${html.slice(cut + 1)}`;
}
