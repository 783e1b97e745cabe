//! Snippets: a short extract of the body (or the summary when the body does not match) with
//! the query's words wrapped in `<mark>…</mark>` and everything else HTML-escaped.
//!
//! Re-analysing whole bodies is what makes naive snippets slow; here a cheap byte scan of
//! the lower-cased text finds where the query's words probably are (each analysed term's
//! stem as a word prefix), and only a window of about a kilobyte around the densest spot is
//! analysed by tantivy's [`SnippetGenerator`].

use std::collections::BTreeMap;
use tantivy::schema::Field;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::tokenizer::TextAnalyzer;

/// Length of a snippet's fragment, in characters.
pub const SNIPPET_CHARS: usize = 180;
/// Bytes of text analysed around the best spot.
const WINDOW_BEFORE: usize = 60;
const WINDOW_AFTER: usize = 360;
/// When the scan finds nothing, this much of the start of the text is analysed.
const FALLBACK_BYTES: usize = 1_000;

pub struct Highlighter {
    generator: SnippetGenerator,
    /// Lower-case ASCII-ish word prefixes to scan for.
    needles: Vec<String>,
}

impl Highlighter {
    /// `terms`: analysed terms with a weight (rarer terms weigh more).
    pub fn new(terms: BTreeMap<String, f32>, analyzer: TextAnalyzer, field: Field) -> Self {
        let mut needles: Vec<String> = terms
            .keys()
            .map(|t| {
                // Stems may end differently from the word (`tune` ← `tuning`, `happi` ←
                // `happy`): drop such a last letter.
                match t.strip_suffix(['e', 'i', 'y']) {
                    Some(s) if s.len() >= 3 => s.to_string(),
                    _ => t.clone(),
                }
            })
            .collect();
        needles.sort();
        needles.dedup();
        let mut generator = SnippetGenerator::new(terms, analyzer, field, SNIPPET_CHARS);
        generator.set_max_num_chars(SNIPPET_CHARS);
        Highlighter { generator, needles }
    }

    pub fn has_terms(&self) -> bool {
        !self.needles.is_empty()
    }

    /// A highlighted snippet of `text`, or `None` when none of the terms is in it.
    pub fn snippet(&self, text: &str) -> Option<String> {
        if text.is_empty() || self.needles.is_empty() {
            return None;
        }
        let region = match best_spot(text, &self.needles) {
            Some(pos) => {
                let a = floor(text, pos.saturating_sub(WINDOW_BEFORE));
                // Start the region at a word boundary.
                let a = text[a..pos]
                    .find(char::is_whitespace)
                    .map_or(a, |i| a + i + 1)
                    .min(pos);
                let b = floor(text, pos + WINDOW_AFTER);
                (a, b)
            }
            None => (0, floor(text, FALLBACK_BYTES)),
        };
        let snip = self.generator.snippet(&text[region.0..region.1]);
        if snip.highlighted().is_empty() {
            return None;
        }
        Some(render(text, region.0, snip))
    }
}

fn render(text: &str, base: usize, mut snip: Snippet) -> String {
    snip.set_snippet_prefix_postfix("<mark>", "</mark>");
    let range = snip.fragment_range();
    let mut html = String::new();
    if base + range.start > 0 {
        html.push_str("… ");
    }
    html.push_str(snip.to_html().trim());
    if base + range.end < text.len() {
        html.push_str(" …");
    }
    html
}

fn floor(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte position where the most distinct needles occur within a snippet's length, or
/// `None` when none occurs.
fn best_spot(text: &str, needles: &[String]) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for (ni, needle) in needles.iter().enumerate() {
        if needle.is_empty() {
            continue;
        }
        let mut count = 0;
        for (pos, _) in lower.match_indices(needle.as_str()) {
            let word_start = pos == 0 || !bytes[pos - 1].is_ascii_alphanumeric();
            if word_start {
                hits.push((pos, ni));
                count += 1;
                if count >= 64 {
                    break;
                }
            }
        }
    }
    if hits.is_empty() {
        return None;
    }
    hits.sort_unstable();
    // Sliding window over the hits: most distinct needles within SNIPPET_CHARS bytes.
    let mut best = (0usize, hits[0].0);
    let mut counts = vec![0u32; needles.len()];
    let mut distinct = 0usize;
    let mut lo = 0;
    for hi in 0..hits.len() {
        if counts[hits[hi].1] == 0 {
            distinct += 1;
        }
        counts[hits[hi].1] += 1;
        while hits[hi].0 - hits[lo].0 > SNIPPET_CHARS {
            counts[hits[lo].1] -= 1;
            if counts[hits[lo].1] == 0 {
                distinct -= 1;
            }
            lo += 1;
        }
        if distinct > best.0 {
            best = (distinct, hits[lo].0);
        }
    }
    Some(best.1)
}

/// `body` after its first words when they are the title (a bare Markdown file's `# Title`
/// line): the row under the title need not repeat it.
pub fn after_title<'a>(body: &'a str, title: &str) -> &'a str {
    let body = body.trim_start();
    match body.get(..title.len()) {
        Some(start) if !title.is_empty() && start.eq_ignore_ascii_case(title) => {
            &body[title.len()..]
        }
        _ => body,
    }
}

/// The start of `text`, about a snippet long, cut at a word boundary, escaped.
pub fn lead(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= SNIPPET_CHARS {
        return crate::render::escape_attr(text);
    }
    let cut = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let cut = text[..cut]
        .rfind(char::is_whitespace)
        .filter(|&i| i > SNIPPET_CHARS / 2)
        .unwrap_or(cut);
    format!("{} …", crate::render::escape_attr(text[..cut].trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_spot_prefers_dense_windows() {
        let text = format!("agent here. {} retrieval agents together", "x ".repeat(300));
        let spot = best_spot(&text, &["agent".into(), "retriev".into()]).unwrap();
        assert!(spot > 300, "{spot}");
    }

    #[test]
    fn a_body_starting_with_its_title_leads_after_it() {
        let body = "Cutting Latency at Acme\nOverview\nAcme answers questions.";
        assert_eq!(
            after_title(body, "Cutting latency at Acme").trim_start(),
            "Overview\nAcme answers questions."
        );
        assert_eq!(after_title(body, "Something else"), body);
        assert_eq!(after_title(body, ""), body);
        // A multi-byte title, and a body shorter than it.
        assert_eq!(after_title("Café — A", "Café — A study"), "Café — A");
        assert_eq!(
            after_title("Café — A\ntext", "café — a").trim_start(),
            "text"
        );
    }

    #[test]
    fn lead_cuts_and_escapes() {
        let s = "<b>".to_string() + &"word ".repeat(100);
        let l = lead(&s);
        assert!(l.starts_with("&lt;b&gt;"));
        assert!(l.ends_with('…'));
        assert!(l.chars().count() < SNIPPET_CHARS + 20);
    }
}
