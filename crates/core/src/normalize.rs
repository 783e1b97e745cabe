//! A parsed case study → its canonical form (tags, industry, title, plain text).
//!
//! Pure and deterministic: the same [`ParsedCaseStudy`] always gives the same
//! [`NormalizedCaseStudy`].

use crate::import::limits;
use crate::model::{NormalizedCaseStudy, ParsedCaseStudy};
use crate::{render, taxonomy};
use std::collections::HashSet;

/// Longest slug [`slugify`] makes.
pub const MAX_SLUG_CHARS: usize = 80;
/// Words kept when a title is made from a sentence.
const INFERRED_TITLE_WORDS: usize = 12;
/// Title of a case study with no text to make one from.
pub const UNTITLED: &str = "Untitled case study";

pub fn normalize(p: ParsedCaseStudy) -> NormalizedCaseStudy {
    let body_text = render::to_plain_text(&p.body_markdown);
    let company = clean_field(p.company.as_deref());
    let summary = clean_field(p.summary.as_deref());

    let (title, title_inferred) = match clean_field(p.title.as_deref()) {
        Some(t) => (t, false),
        None => (
            infer_title(&p.body_markdown, summary.as_deref(), company.as_deref()),
            true,
        ),
    };
    let title = cap_chars_at_word(&title, limits::MAX_TITLE_CHARS);

    // Source tags: canonical, first MAX_TAGS distinct ones in source order, then sorted.
    let mut seen = HashSet::new();
    let mut tags: Vec<String> = p
        .tags
        .iter()
        .filter_map(|t| taxonomy::canonical_tag(t))
        .filter(|t| seen.insert(t.clone()))
        .take(limits::MAX_TAGS)
        .collect();
    tags.sort();

    let inferred_tags = if tags.is_empty() {
        taxonomy::infer_tags(&title, summary.as_deref().unwrap_or(""), &body_text)
            .into_iter()
            .filter(|t| !seen.contains(t))
            .take(limits::MAX_TAGS)
            .collect()
    } else {
        Vec::new()
    };

    NormalizedCaseStudy {
        title,
        title_inferred,
        slug: p.slug.as_deref().map(clean_slug).filter(|s| !s.is_empty()),
        company,
        industry: p.industry.as_deref().and_then(taxonomy::canonical_industry),
        year: p.year.filter(|y| (1990..=2100).contains(y)),
        link: p.link.as_deref().and_then(clean_link),
        summary,
        tags,
        inferred_tags,
        body_markdown: p.body_markdown,
        body_text,
    }
}

/// A source's own slug kept as it is when it already is one (the corpus's are, some longer
/// than [`slugify`] makes), else slugified.
pub fn clean_slug(s: &str) -> String {
    let s = s.trim();
    let is_slug = !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if is_slug {
        s.to_string()
    } else {
        slugify(s)
    }
}

/// URL-safe slug: ASCII-folded (`Café` → `cafe`), lower case, runs of anything but letters
/// and digits → `-`, trimmed, at most [`MAX_SLUG_CHARS`] characters cut at a word boundary.
/// Empty when nothing is left.
pub fn slugify(s: &str) -> String {
    slugify_with_limit(s, MAX_SLUG_CHARS)
}

/// [`slugify`] with another length limit (characters = bytes: the slug is ASCII).
pub fn slugify_with_limit(s: &str, max: usize) -> String {
    let folded = deunicode::deunicode(s);
    let mut out = String::with_capacity(folded.len().min(max.saturating_add(1)));
    let mut dash = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
            // One character past the limit tells whether the cut falls between words.
            if out.len() > max {
                break;
            }
        } else {
            dash = true;
        }
    }
    if out.len() > max {
        let cut = if out.as_bytes().get(max) == Some(&b'-') {
            max
        } else {
            match out.get(..max).and_then(|head| head.rfind('-')) {
                Some(i) if i > 0 => i,
                _ => max,
            }
        };
        out.truncate(cut);
        while out.ends_with('-') {
            out.pop();
        }
    }
    out
}

/// Invisible characters dropped from one-line fields: zero-width space and BOM, and the
/// bidirectional embeddings, overrides and isolates, with which a title could display
/// reordered (`\u{202E}` turns `evil` into `live`) in lists, the reader and exports.
const INVISIBLE: [char; 11] = [
    '\u{200B}', '\u{FEFF}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
    '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Trim, drop control and [`INVISIBLE`] characters, collapse whitespace; `None` when empty.
fn clean_field(s: Option<&str>) -> Option<String> {
    let s = s?.replace(INVISIBLE, "");
    let cleaned: String = s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_string())
}

/// At most `max` characters, cut at a word boundary with an ellipsis when cut.
fn cap_chars_at_word(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let head: String = s.chars().take(keep).collect();
    // Cut at the last space when it does not throw away more than half.
    let head = match head.rfind(' ') {
        Some(i) if head[..i].chars().count() >= keep / 2 => &head[..i],
        _ => head.as_str(),
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
    format!("{head}…")
}

/// An http(s) URL with a host and no whitespace, scheme lower-cased; `None` otherwise.
fn clean_link(s: &str) -> Option<String> {
    let s = s.trim();
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let hostname = host.split(':').next().unwrap_or("");
    if hostname.is_empty() || hostname.starts_with('.') || hostname.contains(['<', '>', '"', '\\'])
    {
        return None;
    }
    Some(format!("{scheme}://{rest}"))
}

/// Words that make a heading generic when it consists of nothing else.
const GENERIC_HEADING_WORDS: &[&str] = &[
    "overview",
    "introduction",
    "intro",
    "summary",
    "background",
    "case",
    "study",
    "studies",
    "executive",
    "context",
    "abstract",
    "conclusion",
    "conclusions",
    "key",
    "takeaways",
    "the",
    "and",
    "of",
    "a",
    "an",
    "tl",
    "dr",
    "tldr",
    "contents",
    "table",
    "about",
    "details",
    "description",
    "problem",
    "challenge",
    "challenges",
    "solution",
    "results",
    "outcome",
    "outcomes",
    "project",
    "company",
    "notes",
    "lessons",
    "learned",
    "highlights",
    "preface",
    "analysis",
    "discussion",
    "main",
    "general",
    "document",
    "article",
    "content",
    "setting",
];

fn is_generic_heading(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    words.is_empty()
        || words.iter().all(|w| {
            GENERIC_HEADING_WORDS.contains(&w.as_str()) || w.chars().all(|c| c.is_ascii_digit())
        })
}

/// A readable title for a case study that has none: the first non-generic heading of the
/// body, else the first sentence of the summary or of the body shortened to about twelve
/// words, else the company, else [`UNTITLED`]. Never a file name or hash.
fn infer_title(body_markdown: &str, summary: Option<&str>, company: Option<&str>) -> String {
    if let Some(h) = render::headings(body_markdown)
        .into_iter()
        .filter_map(|h| clean_field(Some(&h.text)))
        .find(|t| !is_generic_heading(t))
    {
        return h;
    }
    let sentence = summary
        .and_then(first_sentence)
        .or_else(|| first_sentence(&render::first_paragraph(body_markdown)));
    if let Some(s) = sentence {
        return shorten_words(&s, INFERRED_TITLE_WORDS);
    }
    match company {
        Some(c) => format!("Case study: {c}"),
        None => UNTITLED.to_string(),
    }
}

/// Words after which a full stop does not end a sentence, compared without case.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "inc", "ltd", "co", "corp", "mr", "mrs", "ms", "dr", "st", "no",
    "u.s", "u.k", "approx", "fig", "al",
];

/// Whether the text before a full stop ends with an abbreviation (`e.g`, `vs`, `Inc`) or a
/// single letter (`J. Smith`), so that the stop does not end a sentence.
pub(crate) fn ends_with_abbreviation(before_stop: &str) -> bool {
    let word = before_stop
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(|c: char| !c.is_alphanumeric());
    let mut chars = word.chars();
    let single_letter = chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none();
    single_letter || ABBREVIATIONS.iter().any(|a| word.eq_ignore_ascii_case(a))
}

/// The first sentence of a text (whitespace collapsed), without its final full stop.
fn first_sentence(text: &str) -> Option<String> {
    let text = clean_field(Some(text))?;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?' | '。') {
            continue;
        }
        let next = text[i + c.len_utf8()..].chars().next();
        if !next.is_none_or(char::is_whitespace) {
            continue; // 3.5, example.com
        }
        if c == '.' && ends_with_abbreviation(&text[..i]) {
            continue;
        }
        end = if c == '.' { i } else { i + c.len_utf8() };
        break;
    }
    let s = text[..end].trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// At most `n` words; an ellipsis when shortened.
fn shorten_words(s: &str, n: usize) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() <= n {
        return words.join(" ");
    }
    let head = words[..n].join(" ");
    let head = head.trim_end_matches(|c: char| ",;:-–—(".contains(c) || c.is_whitespace());
    format!("{head}…")
}

#[cfg(test)]
mod tests;
