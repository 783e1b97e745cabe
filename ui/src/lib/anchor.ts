// Highlights in the rendered body. The core counts characters (Unicode scalar values) of its
// own plain text, which differs from the DOM's text (headings, whitespace, list markers). So a
// highlight is placed by searching its quote (whitespace-insensitively) in the DOM text, the
// occurrence whose prefix/suffix agree best and that lies nearest the expected position; and a
// new selection is mapped to the plain text the same way, then checked by the core.

/** Characters (code points) of `s`, as the core counts them. */
export function charLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** UTF-16 index of code point `cp` in `s`. */
export function cpToUtf16(s: string, cp: number): number {
  let i = 0;
  let n = 0;
  for (const ch of s) {
    if (n === cp) return i;
    i += ch.length;
    n++;
  }
  return s.length;
}

/** `s` without whitespace, and for each of its UTF-16 units the index in `s` it came from.
 * Matching ignores whitespace: the DOM may have none where the plain text has a line break
 * (between a heading and a paragraph), or the other way round. */
export function strip(s: string): { text: string; map: number[] } {
  let text = "";
  const map: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (/\s/.test(c)) continue;
    text += c;
    map.push(i);
  }
  return { text, map };
}

function squash(s: string): string {
  return s.replace(/\s+/g, "");
}

/** How many characters `a`'s end and `b`'s end share (prefix agreement). */
function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

export type Quote = { quote: string; prefix: string; suffix: string; /** 0..1 */ at: number };

/** Where `q.quote` is in `text` (UTF-16 `[start, end)` of `text`), or null. */
export function locate(text: string, q: Quote): [number, number] | null {
  const needle = squash(q.quote);
  if (!needle) return null;
  const hay = strip(text);
  const prefix = squash(q.prefix);
  const suffix = squash(q.suffix);
  let best: [number, number] | null = null;
  let bestScore = -Infinity;
  for (let i = hay.text.indexOf(needle); i >= 0; i = hay.text.indexOf(needle, i + 1)) {
    const before = hay.text.slice(Math.max(0, i - prefix.length), i);
    const after = hay.text.slice(i + needle.length, i + needle.length + suffix.length);
    const context = commonSuffix(before, prefix) + commonPrefix(after, suffix);
    const distance = Math.abs(i / Math.max(1, hay.text.length) - q.at);
    const score = context - distance * 50;
    if (score > bestScore) {
      bestScore = score;
      best = [hay.map[i], hay.map[i + needle.length - 1] + 1];
    }
  }
  return best;
}

type Segment = { node: Text; start: number };

/** The text nodes under `root` and the concatenation of their data. */
export function textOf(root: Node): { text: string; segments: Segment[] } {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const segments: Segment[] = [];
  let text = "";
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    segments.push({ node: n as Text, start: text.length });
    text += (n as Text).data;
  }
  return { text, segments };
}

/** UTF-16 offset in `textOf(root).text` of a DOM boundary point. */
export function offsetOf(root: Node, segments: Segment[], node: Node, offset: number): number {
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = segments.find((s) => s.node === node);
    return seg ? seg.start + offset : 0;
  }
  // An element boundary: the text before its `offset`-th child.
  const r = document.createRange();
  r.selectNodeContents(root);
  r.setEnd(node, offset);
  return r.toString().length;
}

/** Wraps `[start, end)` of `root`'s text in marks made by `make` (one per text node piece). */
export function wrap(root: Node, start: number, end: number, make: () => HTMLElement): HTMLElement[] {
  const { segments } = textOf(root);
  const out: HTMLElement[] = [];
  for (const seg of segments) {
    const len = seg.node.data.length;
    const s = Math.max(start, seg.start);
    const e = Math.min(end, seg.start + len);
    if (e <= s) continue;
    let node = seg.node;
    if (s > seg.start) node = node.splitText(s - seg.start);
    if (e < seg.start + len) node.splitText(e - s);
    if (!node.data.trim()) continue;
    const mark = make();
    node.parentNode?.insertBefore(mark, node);
    mark.appendChild(node);
    out.push(mark);
  }
  return out;
}

/** The core's character range for a DOM selection of `[start, end)` in `domText`. */
export function toPlain(
  plain: string,
  domText: string,
  start: number,
  end: number,
): { start: number; end: number; quote: string } | null {
  const raw = domText.slice(start, end);
  const ctx = 32;
  const q: Quote = {
    quote: raw,
    prefix: domText.slice(Math.max(0, start - ctx), start),
    suffix: domText.slice(end, end + ctx),
    at: start / Math.max(1, domText.length),
  };
  const found = locate(plain, q);
  if (!found) return null;
  const [s, e] = found;
  const startCp = charLen(plain.slice(0, s));
  const quote = plain.slice(s, e);
  return { start: startCp, end: startCp + charLen(quote), quote };
}
