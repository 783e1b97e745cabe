//! Anchoring highlights to a case study's plain text, the way web annotators do it (W3C
//! `TextQuoteSelector` + `TextPositionSelector`, as Hypothesis uses them).
//!
//! A highlight keeps its position (`start..end`, in **characters** — Unicode scalar values —
//! of the plain text), the quoted text, and up to [`CONTEXT_CHARS`] characters of prefix and
//! suffix. When the text changes it is placed again by, in order:
//!
//! 1. **position** — the quote is still at the stored offsets;
//! 2. **exact quote** — every occurrence of the quote, scored by how much of the prefix and
//!    suffix still surround it, then by nearness to the old position;
//! 3. **fuzzy quote** — approximate occurrences within an edit distance of a quarter of the
//!    quote (SIMD Levenshtein search from `triple_accel`), scored by how much of the context
//!    agrees minus two characters per edit, then by nearness; long quotes are matched by
//!    their head and tail, as Hypothesis does, and the span between kept if its length is
//!    close to the quote's.
//!
//! What none of these places is an orphan: the caller keeps it, flagged, never drops it.

use triple_accel::levenshtein::{levenshtein_search_simd_with_opts, LEVENSHTEIN_COSTS};
use triple_accel::SearchType;

/// Characters of context kept on each side of a quote.
pub const CONTEXT_CHARS: usize = 32;
/// Quotes longer than this (bytes) are fuzzily matched by head and tail.
const LONG_QUOTE: usize = 128;
/// Bytes of head and tail used for a long quote.
const HEAD_TAIL: usize = 48;

/// Where a highlight is, and what it quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// Character offsets in the plain text, `start < end`.
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
}

/// How a selector was placed in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// The quote is still at the stored position.
    Position,
    /// The quote was found verbatim elsewhere.
    Quote,
    /// An approximate match of the quote.
    Fuzzy,
}

/// Char ↔ byte offsets of one text.
struct Offsets<'a> {
    text: &'a str,
    /// Byte offset of every char, then the text's length.
    starts: Vec<usize>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        starts.push(text.len());
        Offsets { text, starts }
    }
    fn chars(&self) -> usize {
        self.starts.len() - 1
    }
    fn byte(&self, ch: usize) -> usize {
        self.starts.get(ch).copied().unwrap_or(self.text.len())
    }
    /// The char at or before byte `b` (a byte inside a char maps to that char).
    fn char_floor(&self, b: usize) -> usize {
        match self.starts.binary_search(&b) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
    /// The first char starting at or after byte `b`.
    fn char_ceil(&self, b: usize) -> usize {
        match self.starts.binary_search(&b) {
            Ok(i) => i,
            Err(i) => i.min(self.chars()),
        }
    }
    fn slice(&self, a: usize, b: usize) -> &'a str {
        let (a, b) = (self.byte(a), self.byte(b));
        self.text.get(a..b).unwrap_or("")
    }
}

/// The selector of `start..end` (characters) in `text`; `None` when the range is empty or
/// outside the text.
pub fn describe(text: &str, start: usize, end: usize) -> Option<Selector> {
    let o = Offsets::new(text);
    if start >= end || end > o.chars() {
        return None;
    }
    Some(Selector {
        start,
        end,
        quote: o.slice(start, end).to_string(),
        prefix: o
            .slice(start.saturating_sub(CONTEXT_CHARS), start)
            .to_string(),
        suffix: o
            .slice(end, (end + CONTEXT_CHARS).min(o.chars()))
            .to_string(),
    })
}

/// Every occurrence (character offsets) of `quote` in `text`, overlapping ones included.
pub fn find_all(text: &str, quote: &str) -> Vec<(usize, usize)> {
    if quote.is_empty() {
        return Vec::new();
    }
    let o = Offsets::new(text);
    let n = quote.chars().count();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find(quote)) {
        let b = from + i;
        let c = o.char_floor(b);
        out.push((c, c + n));
        // Step one char on, to find overlapping occurrences too.
        from = o.byte(c + 1);
        if from > text.len() {
            break;
        }
    }
    out
}

/// Characters the two strings share at their ends (`a`'s end with `b`'s end).
fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// How well the context around `start..end` agrees with the selector's prefix and suffix.
fn context_score(o: &Offsets, sel: &Selector, start: usize, end: usize) -> usize {
    let before = o.slice(start.saturating_sub(CONTEXT_CHARS), start);
    let after = o.slice(end, (end + CONTEXT_CHARS).min(o.chars()));
    common_suffix(before, &sel.prefix) + common_prefix(after, &sel.suffix)
}

/// Places `sel` in `text`: the new character range and how it was found, or `None` (orphan).
pub fn anchor(text: &str, sel: &Selector) -> Option<(usize, usize, Placed)> {
    if sel.quote.is_empty() {
        return None;
    }
    let o = Offsets::new(text);
    if sel.start < sel.end && sel.end <= o.chars() && o.slice(sel.start, sel.end) == sel.quote {
        return Some((sel.start, sel.end, Placed::Position));
    }
    let best = |cands: Vec<(usize, usize)>| {
        cands.into_iter().max_by(|a, b| {
            let sa = context_score(&o, sel, a.0, a.1);
            let sb = context_score(&o, sel, b.0, b.1);
            sa.cmp(&sb)
                .then_with(|| b.0.abs_diff(sel.start).cmp(&a.0.abs_diff(sel.start)))
        })
    };
    if let Some((s, e)) = best(find_all(text, &sel.quote)) {
        return Some((s, e, Placed::Quote));
    }
    // Approximate matches: context agreement counts, each edit costs two characters of it.
    let (s, e, _) = fuzzy(&o, &sel.quote).into_iter().max_by(|a, b| {
        let score =
            |c: &(usize, usize, u32)| context_score(&o, sel, c.0, c.1) as i64 - 2 * i64::from(c.2);
        score(a)
            .cmp(&score(b))
            .then_with(|| b.2.cmp(&a.2))
            .then_with(|| b.0.abs_diff(sel.start).cmp(&a.0.abs_diff(sel.start)))
    })?;
    Some((s, e, Placed::Fuzzy))
}

/// Most approximate matches of a head or tail kept (the fewest edits).
const MAX_PARTS: usize = 64;

/// Byte ranges and edit counts of the approximate matches of `needle` in `hay` (edit distance
/// at most a quarter of the needle).
fn approx(needle: &[u8], hay: &[u8]) -> Vec<(usize, usize, u32)> {
    let k = (needle.len() / 4) as u32;
    if needle.len() < 4 || hay.is_empty() {
        return Vec::new();
    }
    levenshtein_search_simd_with_opts(needle, hay, k, SearchType::All, LEVENSHTEIN_COSTS, false)
        .map(|m| (m.start, m.end, m.k))
        .collect()
}

/// Candidate character ranges (with their edit counts) for an approximate occurrence of
/// `quote`.
fn fuzzy(o: &Offsets, quote: &str) -> Vec<(usize, usize, u32)> {
    let (q, hay) = (quote.as_bytes(), o.text.as_bytes());
    let to_chars = |(a, b, k): (usize, usize, u32)| {
        let (s, e) = (o.char_floor(a), o.char_ceil(b));
        (s < e).then_some((s, e, k))
    };
    if q.len() <= LONG_QUOTE {
        return approx(q, hay).into_iter().filter_map(to_chars).collect();
    }
    // Head and tail, then spans of a plausible length between them.
    let fewest = |mut v: Vec<(usize, usize, u32)>| {
        v.sort_by_key(|m| m.2);
        v.truncate(MAX_PARTS);
        v
    };
    let heads = fewest(approx(&q[..HEAD_TAIL], hay));
    let tails = fewest(approx(&q[q.len() - HEAD_TAIL..], hay));
    let (lo, hi) = (q.len() - q.len() / 4, q.len() + q.len() / 4);
    let mut out = Vec::new();
    for &(a, _, ka) in &heads {
        for &(_, b, kb) in &tails {
            if b > a && (lo..=hi).contains(&(b - a)) {
                out.extend(to_chars((a, b, ka + kb)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TEXT: &str = "Retrieval augmented generation lets the model cite its sources. \
        The team measured latency at every step and found the reranker dominated. \
        They cached embeddings, which halved the cost of the pipeline overall.";

    fn sel_of(text: &str, quote: &str) -> Selector {
        let i = text.find(quote).unwrap();
        let s = text[..i].chars().count();
        describe(text, s, s + quote.chars().count()).unwrap()
    }

    #[test]
    fn unchanged_text_anchors_by_position() {
        let sel = sel_of(TEXT, "the reranker dominated");
        assert_eq!(
            anchor(TEXT, &sel),
            Some((sel.start, sel.end, Placed::Position))
        );
    }

    #[test]
    fn moved_quote_is_found_and_context_picks_the_right_copy() {
        let text = "alpha beta gamma. one two alpha beta gamma three.";
        let i = text.rfind("alpha beta").unwrap();
        let sel = describe(text, i, i + 10).unwrap();
        let edited = format!("A new first line. {text}");
        let (s, e, how) = anchor(&edited, &sel).unwrap();
        assert_eq!(how, Placed::Quote);
        assert_eq!((s, e), (i + 18, i + 28));
    }

    #[test]
    fn small_edit_inside_is_found_fuzzily() {
        let sel = sel_of(TEXT, "measured latency at every step");
        let edited = TEXT.replace("at every step", "at each step");
        let (s, e, how) = anchor(&edited, &sel).unwrap();
        assert_eq!(how, Placed::Fuzzy);
        let got: String = edited.chars().skip(s).take(e - s).collect();
        assert!(got.contains("latency at each"), "{got}");
    }

    #[test]
    fn long_quote_is_matched_by_head_and_tail() {
        let quote = "The team measured latency at every step and found the reranker dominated. \
            They cached embeddings, which halved the cost";
        let sel = sel_of(TEXT, quote);
        let edited = TEXT.replace("dominated", "was the slowest part by far");
        let (s, e, how) = anchor(&edited, &sel).unwrap();
        assert_eq!(how, Placed::Fuzzy);
        let got: String = edited.chars().skip(s).take(e - s).collect();
        assert!(
            got.starts_with("The team") && got.ends_with("halved the cost"),
            "{got}"
        );
    }

    #[test]
    fn removed_text_orphans() {
        let sel = sel_of(TEXT, "cached embeddings, which halved");
        let edited = "Something else entirely, nothing in common with before.";
        assert_eq!(anchor(edited, &sel), None);
    }

    #[test]
    fn non_ascii_offsets_are_characters() {
        let text = "Zürich café — naïve résumé of the déjà vu";
        let sel = sel_of(text, "résumé");
        assert_eq!(sel.start, 20);
        assert_eq!(sel.prefix, "Zürich café — naïve ");
        let edited = format!("ü{text}");
        assert_eq!(anchor(&edited, &sel), Some((21, 27, Placed::Quote)));
    }

    #[test]
    fn describe_rejects_bad_ranges() {
        assert!(describe("abc", 2, 2).is_none());
        assert!(describe("abc", 1, 4).is_none());
    }

    /// A text of distinct words, so a quote of several words occurs once.
    fn words() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec("[a-z]{3,9}", 30..80).prop_map(|ws| {
            ws.into_iter()
                .enumerate()
                .map(|(i, w)| format!("{w}{i}"))
                .collect()
        })
    }

    #[derive(Debug, Clone, Copy)]
    enum Where {
        Before,
        Inside,
        After,
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn anchoring_survives_edits(
            ws in words(),
            first in 0usize..1000,
            len in 4usize..8,
            place in prop_oneof![Just(Where::Before), Just(Where::Inside), Just(Where::After)],
            at in 0usize..10_000,
            del in 0usize..4,
            ins in "[A-Z ]{0,4}",
        ) {
            let text = ws.join(" ");
            let first = first % (ws.len() - len);
            // The highlight covers words first..first+len.
            let start: usize = ws[..first].iter().map(|w| w.len() + 1).sum();
            let end = start + ws[first..first + len].join(" ").len();
            let sel = describe(&text, start, end).unwrap();
            // One edit: delete `del` chars at `at` and insert `ins`, in the chosen region.
            let (lo, hi) = match place {
                Where::Before => (0, start.saturating_sub(del)),
                Where::Inside => (start + 1, end.saturating_sub(del + 1)),
                Where::After => (end, text.len().saturating_sub(del)),
            };
            prop_assume!(hi > lo);
            let pos = lo + at % (hi - lo);
            let mut edited = text.clone();
            edited.replace_range(pos..pos + del, &ins);
            let delta = ins.len() as isize - del as isize;
            let (s, e, how) = anchor(&edited, &sel).expect("orphaned by a small edit");
            match place {
                Where::Before => {
                    prop_assert_eq!((s as isize, e as isize), (start as isize + delta, end as isize + delta));
                    prop_assert_ne!(how, Placed::Fuzzy);
                }
                Where::After => prop_assert_eq!((s, e), (start, end)),
                Where::Inside => {
                    // The span still covers the edited words, give or take the edit.
                    let slack = 4 + del + ins.len();
                    prop_assert!(s.abs_diff(start) <= slack, "start {} vs {}", s, start);
                    prop_assert!((e as isize - (end as isize + delta)).unsigned_abs() <= slack,
                        "end {} vs {}", e, end as isize + delta);
                }
            }
        }

        #[test]
        fn unrelated_text_orphans(ws in words(), other in words()) {
            let text = ws.join(" ");
            let sel = describe(&text, 0, ws[0].len() + 1 + ws[1].len() + 1 + ws[2].len()).unwrap();
            // Different words, no digits in common with the quote's suffixes: nothing to find.
            let unrelated: String = other.iter().map(|w| w.to_uppercase()).collect::<Vec<_>>().join(" ");
            prop_assert_eq!(anchor(&unrelated, &sel), None);
        }
    }
}
