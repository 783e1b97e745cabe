//! Labelled-field dumps: `Company` / `Title` / `Industry` / `Year` / `Summary (short)`
//! label lines each followed by a value line (or `Label: value` on one line), then the
//! body flattened onto one line with inline `## Heading Text First sentence…` and
//! ` - item - item` lists, then possibly a site footer.
//!
//! [`restore_flattened`] puts the structure back: a break before every `#` heading, the
//! heading ended where its first sentence starts, list items on their own lines.

use crate::import::detect::{inline_label, label_key};
use crate::import::markdown::{self, clean, split_tags, year_from_str};
use crate::model::ParsedCaseStudy;

/// Parse a labelled dump.
pub fn parse(text: &str) -> ParsedCaseStudy {
    let lines: Vec<&str> = text.lines().collect();
    let mut cs = ParsedCaseStudy::default();
    let mut i = 0;
    let mut body_start = lines.len();
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        if let Some(key) = label_key(line) {
            // The value is the next non-empty line, unless that is a label itself.
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim().is_empty() {
                j += 1;
            }
            match lines.get(j).map(|l| l.trim()) {
                Some(v) if label_key(v).is_none() && !v.starts_with('#') => {
                    set(&mut cs, key, v);
                    i = j + 1;
                }
                _ => i += 1,
            }
            continue;
        }
        if let Some((key, v)) = inline_label(line) {
            set(&mut cs, key, v);
            i += 1;
            continue;
        }
        body_start = i;
        break;
    }
    let mut body_lines: Vec<&str> = lines.get(body_start..).unwrap_or(&[]).to_vec();
    strip_footer(&mut body_lines);
    let body = body_lines.join("\n");
    cs.body_markdown = restore_flattened_with(&body, cs.company.as_deref());
    markdown::finish(cs)
}

fn set(cs: &mut ParsedCaseStudy, key: &str, v: &str) {
    let v = v.trim();
    match key {
        "company" => cs.company = cs.company.take().or_else(|| clean(v)),
        "title" => cs.title = cs.title.take().or_else(|| clean(v)),
        "industry" => cs.industry = cs.industry.take().or_else(|| clean(v)),
        "year" => cs.year = cs.year.or_else(|| year_from_str(v)),
        "summary" => cs.summary = cs.summary.take().or_else(|| clean(v)),
        "link" => cs.link = cs.link.take().or_else(|| clean(v)),
        "tags" if cs.tags.is_empty() => {
            cs.tags = if v.contains([',', ';', '|']) {
                split_tags(v)
            } else {
                v.split_whitespace().map(str::to_string).collect()
            };
        }
        _ => {}
    }
}

/// Drop trailing blank lines and footer calls to action.
pub(crate) fn strip_footer(lines: &mut Vec<&str>) {
    while let Some(last) = lines.last() {
        if last.trim().is_empty() || markdown::is_footer_cta(last) {
            lines.pop();
        } else {
            break;
        }
    }
}

/// Words that may sit lower-case inside a Title Case heading.
const CONNECTORS: &[&str] = &[
    "a", "an", "the", "and", "or", "nor", "but", "of", "for", "in", "on", "at", "to", "by", "with",
    "from", "into", "onto", "via", "vs", "vs.", "versus", "as", "per", "over", "under", "&", "-",
    "–", "—", "/", "is", "are", "not", "without", "within", "across", "through", "beyond", "than",
    "up", "out", "off", "its", "their", "your", "our",
];

/// Words that commonly open a sentence (after a heading, or after a list's last item).
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "These",
    "That",
    "Those",
    "Its",
    "Their",
    "Our",
    "His",
    "Her",
    "In",
    "On",
    "At",
    "For",
    "From",
    "While",
    "When",
    "After",
    "Before",
    "During",
    "Despite",
    "Although",
    "Though",
    "As",
    "By",
    "With",
    "Unlike",
    "Like",
    "One",
    "Another",
    "Each",
    "Every",
    "Both",
    "Many",
    "Most",
    "Some",
    "Several",
    "Beyond",
    "Rather",
    "To",
    "Given",
    "Once",
    "Since",
    "Because",
    "If",
    "Instead",
    "Here",
    "There",
    "It",
    "We",
    "They",
    "He",
    "She",
    "You",
    "Additionally",
    "However",
    "Moreover",
    "Furthermore",
    "Overall",
    "Finally",
    "First",
    "Initially",
    "Traditionally",
    "Historically",
    "According",
    "Throughout",
    "Ultimately",
    "Notably",
    "Importantly",
    "Interestingly",
    "Perhaps",
    "Today",
    "Currently",
    "Taken",
    "What",
    "Why",
    "How",
    "Where",
    "Who",
    "All",
    "Not",
    "Only",
    "Such",
    "Using",
    "Through",
    "Over",
    "Under",
    "Within",
    "Across",
    "Following",
    "Based",
    "Unlike",
];

fn initial(word: &str) -> Option<char> {
    word.chars().find(|c| c.is_alphanumeric())
}

fn is_upper_word(word: &str) -> bool {
    initial(word).is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '&')
}

/// A lower-case word that is not a connector: all its letters lower case, no digits
/// (`vLLM`, `o1` and `iPhone` are names, not the start of prose).
fn is_lower_word(word: &str) -> bool {
    let b = bare(word);
    !b.is_empty()
        && initial(b).is_some_and(char::is_lowercase)
        && !b.chars().any(|c| c.is_uppercase() || c.is_ascii_digit())
        && !CONNECTORS.contains(&b)
}

/// Where the sentence after a heading may start: a capitalised word (or a `**bold**` lead).
fn can_start(word: &str) -> bool {
    word.starts_with("**") || initial(word).is_some_and(char::is_uppercase)
}

/// `Huron's`, `AstraZeneca’s`: the subject of a sentence more often than a heading word.
fn is_possessive(word: &str) -> bool {
    let b = bare(word);
    b.ends_with("'s") || b.ends_with("’s")
}

/// Split `## Heading Words First sentence…` into the heading and the rest. The heading
/// ends before the first lower-case word that is not a connector, minus the capitalised
/// words that open the sentence: a common sentence opener (`The`, `A`, `While`, …) or a
/// bold lead, else the company's name (`hint`), else a possessive (`Huron's`), else the
/// last capitalised word. Words up to a `:` stay in the heading; a `?` or `!` ends it.
pub fn split_heading(text: &str) -> (String, String) {
    split_heading_with(text, None)
}

fn split_heading_with(text: &str, hint: Option<&str>) -> (String, String) {
    let (heading, after) = split_heading_words(text, hint);
    // A heading never ends with a list marker: `Deployment Metrics - Handles 1.5M queries - …`
    // is a heading and then a list; so is a run of capitalised items with no sentence after
    // it (`Core Functions - Customer Service - Advisory`), though one dash may be the
    // heading's own (`Luigi - Binary Classifier`).
    if after.is_empty() && heading.matches(" - ").count() >= 2 {
        if let Some((head, list)) = heading.split_once(" - ") {
            return (head.to_string(), format!("- {list}"));
        }
    }
    match heading.rsplit_once(' ') {
        Some((head, "-" | "*" | "•")) if !head.trim().is_empty() => {
            let marker = &heading[head.len() + 1..];
            (
                head.to_string(),
                format!("{marker} {after}").trim_end().to_string(),
            )
        }
        _ => (heading, after),
    }
}

fn split_heading_words(text: &str, hint: Option<&str>) -> (String, String) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let join = |a: &[&str]| a.join(" ");
    let mut candidates: Vec<usize> = Vec::new();
    // A `**bold**` lead among the candidates: its `:` does not end the heading.
    let mut in_bold = false;
    for (i, w) in words.iter().enumerate() {
        if i > 0 && is_lower_word(w) && !candidates.is_empty() {
            let pick = candidates
                .iter()
                .copied()
                .rev()
                .find(|&s| {
                    words[s].starts_with("**")
                        || (SENTENCE_STARTERS.contains(&bare(words[s]))
                            && !words[s - 1].ends_with(':'))
                })
                .or_else(|| {
                    let h = hint?;
                    candidates.iter().copied().rev().find(|&s| {
                        let b = bare(words[s]);
                        let b = b.strip_suffix("'s").or(b.strip_suffix("’s")).unwrap_or(b);
                        b.eq_ignore_ascii_case(h)
                    })
                })
                .or_else(|| {
                    candidates
                        .iter()
                        .copied()
                        .find(|&s| is_possessive(words[s]))
                })
                .or(candidates.last().copied());
            if let Some(s) = pick {
                return (join(&words[..s]), join(&words[s..]));
            }
        }
        if i > 0 && is_lower_word(w) {
            // Lower-case prose before any capital: a sentence-case heading; go on.
            candidates.clear();
            in_bold = false;
            continue;
        }
        if (w.ends_with('?') || w.ends_with('!'))
            && words.get(i + 1).is_some_and(|n| is_upper_word(n))
            && !words[..i].iter().skip(1).any(|w| is_lower_word(w))
        {
            return (join(&words[..=i]), join(&words[i + 1..]));
        }
        if w.ends_with(':') && !in_bold {
            // `Heading: Subtitle …`: the sentence starts after the colon.
            candidates.clear();
            in_bold = false;
            continue;
        }
        if i > 0 && can_start(w) {
            in_bold |= w.starts_with("**");
            candidates.push(i);
        }
    }
    // No sentence found: the whole segment is the heading.
    (join(&words), String::new())
}

/// Restore the structure of a flattened Markdown body.
pub fn restore_flattened(body: &str) -> String {
    restore_flattened_with(body, None)
}

/// [`restore_flattened`] with the company's name as a hint: a sentence after a heading
/// often opens with it (`## Overview Thomson Reuters built …`).
pub fn restore_flattened_with(body: &str, company: Option<&str>) -> String {
    let hint = company.and_then(|c| c.split_whitespace().next()).map(bare);
    let mut blocks: Vec<String> = Vec::new();
    for line in body.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        for seg in split_at_headings(line) {
            let seg = seg.trim();
            if seg.is_empty() {
                continue;
            }
            if let Some(stripped) = heading_marks(seg) {
                let (hashes, rest) = stripped;
                let (heading, after) = split_heading_with(rest, hint);
                blocks.push(format!("{hashes} {heading}"));
                if !after.is_empty() {
                    push_paragraph(&mut blocks, &after);
                }
            } else {
                push_paragraph(&mut blocks, seg);
            }
        }
    }
    blocks.join("\n\n")
}

/// `(hashes, rest)` for a segment starting with `## `.
fn heading_marks(seg: &str) -> Option<(&str, &str)> {
    let n = seg.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&n) && seg.as_bytes().get(n) == Some(&b' ') {
        Some((&seg[..n], &seg[n + 1..]))
    } else {
        None
    }
}

/// Split a line before every `#…# ` that starts a word.
fn split_at_headings(line: &str) -> Vec<&str> {
    let b = line.as_bytes();
    let mut cuts = vec![0];
    let mut i = 1;
    while i < b.len() {
        if b[i] == b'#' && b[i - 1] == b' ' {
            let n = b[i..].iter().take_while(|&&c| c == b'#').count();
            if (2..=6).contains(&n) && b.get(i + n) == Some(&b' ') {
                cuts.push(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    cuts.push(b.len());
    cuts.windows(2)
        .filter_map(|w| line.get(w[0]..w[1]))
        .collect()
}

/// A paragraph, with ` - item - item` runs put on their own lines.
fn push_paragraph(blocks: &mut Vec<String>, text: &str) {
    let items = split_list(text);
    if items.len() <= 1 {
        blocks.push(text.trim().to_string());
        return;
    }
    let mut iter = items.into_iter();
    let lead = iter.next().unwrap_or_default();
    if !lead.is_empty() {
        blocks.push(lead);
    }
    let mut list: Vec<String> = iter.collect();
    // The last item may run into the next paragraph.
    let mut tail = None;
    if let Some(last) = list.last_mut() {
        if let Some((item, rest)) = split_trailing_sentence(last) {
            tail = Some(rest);
            *last = item;
        }
    }
    blocks.push(
        list.iter()
            .map(|i| format!("- {i}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    if let Some(t) = tail {
        blocks.push(t);
    }
}

/// `lead - item - item` → [lead, item, item]. A ` - ` counts as a list marker when the
/// first one follows a `:` (or starts the text) and the item starts with a capital,
/// a digit or `*`.
fn split_list(text: &str) -> Vec<String> {
    let t = text.trim();
    let (lead, rest) = if let Some(r) = t.strip_prefix("- ") {
        ("", r)
    } else {
        match t.find(": - ") {
            Some(i) => (&t[..=i], &t[i + 4..]),
            None => return vec![t.to_string()],
        }
    };
    let mut out = vec![lead.trim().to_string()];
    let mut cur = String::new();
    let parts: Vec<&str> = rest.split(" - ").collect();
    for (k, p) in parts.iter().enumerate() {
        let starts_item = k == 0
            || p.starts_with("**")
            || p.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        if starts_item && k > 0 {
            out.push(std::mem::take(&mut cur).trim().to_string());
        } else if k > 0 {
            cur.push_str(" - ");
        }
        cur.push_str(p);
    }
    out.push(cur.trim().to_string());
    out
}

/// `item text The next paragraph …` → (`item text`, `The next paragraph …`).
fn split_trailing_sentence(item: &str) -> Option<(String, String)> {
    let words: Vec<&str> = item.split_whitespace().collect();
    for i in 2..words.len() {
        let prev = words[i - 1];
        if SENTENCE_STARTERS.contains(&words[i])
            && !prev.ends_with(['.', ':', ';', ',', '!', '?'])
            && initial(prev).is_some_and(|c| c.is_lowercase())
            && words
                .get(i + 1)
                .is_some_and(|n| initial(n).is_some_and(|c| c.is_lowercase()))
        {
            return Some((words[..i].join(" "), words[i..].join(" ")));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_split_where_the_sentence_starts() {
        let cases = [
            ("Overview This panel discussion", "Overview"),
            (
                "Getting Started: Prototype-First Approach A strong consensus",
                "Getting Started: Prototype-First Approach",
            ),
            (
                "Technical Architecture and Implementation The system uses",
                "Technical Architecture and Implementation",
            ),
            (
                "Why fine-tuning matters The team",
                "Why fine-tuning matters",
            ),
            ("Scaling the Platform The team grew", "Scaling the Platform"),
            ("Results Despite the challenges, it", "Results"),
            ("Key Results In 2023, the team", "Key Results"),
            (
                "The Core Debate: Is LLMOps a Distinct Discipline? Despite this",
                "The Core Debate: Is LLMOps a Distinct Discipline?",
            ),
            ("Key Takeaways", "Key Takeaways"),
            (
                "Solution Architecture: The Lumos Platform Harman built",
                "Solution Architecture: The Lumos Platform",
            ),
            (
                "Production Challenges **Evaluation Complexity**: Teams need more",
                "Production Challenges",
            ),
            ("Overview Thomson Reuters developed", "Overview Thomson"),
            ("Overview Huron's team", "Overview"),
            (
                "Implementation Details in vLLM The engine runs",
                "Implementation Details in vLLM",
            ),
        ];
        for (input, heading) in cases {
            assert_eq!(split_heading(input).0, heading, "{input}");
        }
    }

    #[test]
    fn restores_a_flattened_body() {
        let flat = "## Overview This is text. ## Getting Started: Prototype-First Approach A strong consensus emerged: - **Versioning** matters - Hardware is scarce The panel agreed on it. ### Sub Part More text.";
        let r = restore_flattened(flat);
        assert_eq!(
            r,
            "## Overview\n\nThis is text.\n\n## Getting Started: Prototype-First Approach\n\nA strong consensus emerged:\n\n- **Versioning** matters\n- Hardware is scarce\n\nThe panel agreed on it.\n\n### Sub Part\n\nMore text."
        );
    }

    #[test]
    fn a_list_right_after_a_heading_is_not_part_of_it() {
        let flat = "### Deployment Metrics - Handles 1.5 million queries a month - Supports twelve languages ### Core Functions - Customer Service - Advisory Services ### Luigi - Binary Classifier Luigi decides which tickets need a person.";
        assert_eq!(
            restore_flattened(flat),
            "### Deployment Metrics\n\n- Handles 1.5 million queries a month\n- Supports twelve languages\n\n\
             ### Core Functions\n\n- Customer Service\n- Advisory Services\n\n\
             ### Luigi - Binary Classifier\n\nLuigi decides which tickets need a person."
        );
    }
    #[test]
    fn parses_labels_and_strips_footer() {
        let t = "Company\nAcme\nTitle\nA Title\nIndustry\nTech\nYear\n2023\nSummary (short)\nShort one.\nTags: rag, agents\n## Overview Body text here.\n\nStart deploying reproducible AI workflows today\n\nEnterprise-grade MLOps platform trusted by thousands of companies in production.";
        let cs = parse(t);
        assert_eq!(cs.company.as_deref(), Some("Acme"));
        assert_eq!(cs.title.as_deref(), Some("A Title"));
        assert_eq!(cs.industry.as_deref(), Some("Tech"));
        assert_eq!(cs.year, Some(2023));
        assert_eq!(cs.summary.as_deref(), Some("Short one."));
        assert_eq!(cs.tags, ["rag", "agents"]);
        assert_eq!(cs.body_markdown, "## Overview\n\nBody text here.");
    }

    #[test]
    fn hostile_input_is_linear_and_safe() {
        let long = "## ".to_string() + &"Word ".repeat(200_000) + "é ## # - - ";
        let r = restore_flattened(&long);
        assert!(r.starts_with("## Word"));
        assert!(restore_flattened("## é").contains('é'));
        assert_eq!(restore_flattened("#"), "#");
    }
}
