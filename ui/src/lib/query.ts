// Terms of a query in Casebook's syntax that should be highlighted in the reader: words and
// quoted phrases, without operators, field prefixes or excluded terms.
const OPERATORS = new Set(["and", "or", "not", "to"]);

export function highlightTerms(query: string): string[] {
  const terms: string[] = [];
  const re = /(-|\+)?(?:([a-z_]+):)?(?:"([^"]*)"|(\S+))/gi;
  for (const m of query.matchAll(re)) {
    const [, sign, , phrase, word] = m;
    if (sign === "-") continue;
    const raw = (phrase ?? word ?? "").replace(/[()[\]{}^~*?\\:]/g, " ").trim();
    if (!raw) continue;
    if (phrase === undefined && OPERATORS.has(raw.toLowerCase())) continue;
    if (phrase !== undefined) terms.push(raw);
    else terms.push(...raw.split(/\s+/).filter((w) => w.length > 1 && !OPERATORS.has(w.toLowerCase())));
  }
  // Longest first so a phrase wins over its words; deduplicated case-insensitively.
  const seen = new Set<string>();
  return terms
    .sort((a, b) => b.length - a.length)
    .filter((t) => {
      const k = t.toLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A regexp matching any of the terms at word starts (so `rag` finds `RAG`, `rag-based`). */
export function termsRegExp(terms: string[]): RegExp | null {
  if (terms.length === 0) return null;
  const body = terms.map((t) => escapeRegExp(t).replace(/\s+/g, "\\s+")).join("|");
  try {
    return new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})`, "giu");
  } catch {
    // Webviews without lookbehind (WKWebView before Safari 16.4): ASCII word starts.
    return new RegExp(`\\b(?:${body})`, "gi");
  }
}

/**
 * Wraps matches of `terms` in text nodes under `root` with `<mark class="hit">`, outside code
 * blocks. Returns the marks, in document order.
 */
/** Most matches marked in one case study: a 4 MB page of one word repeated would otherwise
 * take the reader hundreds of thousands of elements (and seconds) to show. */
export const MAX_MARKS = 2000;

export function markTerms(root: HTMLElement, terms: string[]): HTMLElement[] {
  const re = termsRegExp(terms);
  if (!re) return [];
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (!parent || parent.closest("pre, code, mark, script, style")) return NodeFilter.FILTER_REJECT;
      return node.nodeValue && node.nodeValue.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
    },
  });
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  const marks: HTMLElement[] = [];
  for (const node of nodes) {
    if (marks.length >= MAX_MARKS) break;
    const text = node.nodeValue ?? "";
    re.lastIndex = 0;
    let last = 0;
    let frag: DocumentFragment | null = null;
    for (const m of text.matchAll(re)) {
      if (!m[0]) continue;
      if (marks.length >= MAX_MARKS) break;
      frag ??= doc.createDocumentFragment();
      const at = m.index ?? 0;
      if (at > last) frag.append(text.slice(last, at));
      const mark = doc.createElement("mark");
      mark.className = "hit";
      mark.textContent = m[0];
      frag.append(mark);
      marks.push(mark);
      last = at + m[0].length;
    }
    if (frag) {
      if (last < text.length) frag.append(text.slice(last));
      node.replaceWith(frag);
    }
  }
  return marks;
}
