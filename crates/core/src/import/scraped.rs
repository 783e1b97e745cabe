//! Text scraped from a case-study web page.
//!
//! The shape: a site-name line, the title, a `Company Year` line, `View original source`,
//! the summary, `Industry` + value, `Technologies` (+ maybe a tag line), the body (headings
//! as short lines without end punctuation), then a "More Like This" list of *other* case
//! studies and a footer call to action. Only this case study's parts are kept.

use crate::import::detect::{company_year, is_related_marker, is_view_source};
use crate::import::labelled::strip_footer;
use crate::import::markdown::{self, clean, split_tags};
use crate::model::ParsedCaseStudy;
use crate::normalize::ends_with_abbreviation;

/// How far from the top the header parts are looked for (non-empty lines).
const HEAD: usize = 60;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    Industry,
    Tags,
    Company,
    Year,
}

fn label_of(line: &str) -> Option<Label> {
    let l = line.trim().trim_end_matches(':').trim().to_lowercase();
    Some(match l.as_str() {
        "industry" | "industries" | "sector" => Label::Industry,
        "technologies" | "technology" | "tags" | "llmops tags" | "techniques" | "tech stack" => {
            Label::Tags
        }
        "company" | "organization" | "organisation" => Label::Company,
        "year" | "date" | "published" => Label::Year,
        _ => return None,
    })
}

/// `Industry: Tech` on one line.
fn inline_label_of(line: &str) -> Option<(Label, &str)> {
    let (l, v) = line.split_once(':')?;
    let label = label_of(l)?;
    let v = v.trim();
    (!v.is_empty() && v.chars().count() <= 200).then_some((label, v))
}

/// A line of tags: `healthcare customer_support content_moderation +43`, or a short
/// comma-separated list `RAG, Fine Tuning, Agents`.
pub(crate) fn tag_line(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    if t.is_empty() || t.chars().count() > 2000 {
        return None;
    }
    let token_ok = |w: &str| {
        let plus = w
            .strip_prefix('+')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let slug = w
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        plus || slug
    };
    if t.split_whitespace().all(token_ok) {
        let tags: Vec<String> = t
            .split_whitespace()
            .filter(|w| !w.starts_with('+'))
            .map(str::to_string)
            .collect();
        return (!tags.is_empty()).then_some(tags);
    }
    if t.contains(',') && !t.ends_with('.') {
        let items = split_tags(t);
        if items.len() >= 2
            && items
                .iter()
                .all(|i| i.chars().count() <= 40 && i.split_whitespace().count() <= 4)
        {
            return Some(items);
        }
    }
    None
}

/// A body line that reads as a heading: short, capitalised, no end punctuation (a `?`
/// is allowed), a single sentence.
fn is_heading_line(line: &str) -> bool {
    let t = line.trim();
    let chars = t.chars().count();
    if chars == 0 || chars > 100 || t.split_whitespace().count() > 14 {
        return false;
    }
    if !t
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    if t.ends_with(['.', ',', ';', ':', '!', '"', '”', '’', '\'', ']', '…']) {
        return false;
    }
    // `Chain of Thought (CoT)` is a heading; `… (see below).` or a lone `x)` is not.
    if t.ends_with(')') && (t.matches('(').count() != t.matches(')').count() || t.ends_with(".)")) {
        return false;
    }
    // `N-gram vs. Draft Models` is one heading; `Fast. Cheap.` is sentences.
    let sentences = t
        .match_indices(". ")
        .any(|(i, _)| !ends_with_abbreviation(&t[..i]));
    !is_list_item(t) && !sentences
}

/// Small words a Title Case heading leaves in lower case.
const SMALL_WORDS: [&str; 30] = [
    "a", "an", "the", "and", "or", "but", "nor", "for", "of", "in", "on", "at", "to", "by", "with",
    "from", "as", "vs", "vs.", "via", "into", "over", "per", "is", "are", "be", "its", "than",
    "up", "out",
];

/// Every word after the first capitalised, but for small words: `Scaling Agents at Acme`,
/// not `Anticipate upcoming steps in the call flow`.
fn is_title_case(line: &str) -> bool {
    line.split_whitespace().skip(1).all(|w| {
        let w = w.trim_start_matches(|c: char| !c.is_alphanumeric());
        !w.chars().next().is_some_and(char::is_lowercase)
            || SMALL_WORDS.contains(&w.trim_end_matches(|c: char| !c.is_alphanumeric()))
    })
}

/// What each body line is. A heading-like line (see [`is_heading_line`]) is a heading,
/// unless it is one of a list whose markers the copy lost: in a run of such lines next to
/// each other, the ones not in Title Case are items, and so is a Title Case one after
/// another Title Case one (or first, after a line ending with `:`); a Title Case line after
/// items heads the next part. A lone line in sentence case after a `:` is an item too.
/// Runs of Title Case lines only stay headings (a heading and its first subheading).
fn body_kinds(body: &[&str]) -> Vec<Kind> {
    let n = body.len();
    let mut kinds: Vec<Kind> = body
        .iter()
        .enumerate()
        .map(|(k, line)| {
            if k + 1 < n && is_heading_line(line) {
                Kind::Heading
            } else if line.starts_with("• ") {
                Kind::Item
            } else {
                Kind::Text
            }
        })
        .collect();
    let mut k = 0;
    while k < n {
        if kinds[k] != Kind::Heading {
            k += 1;
            continue;
        }
        let end = (k..n).find(|&j| kinds[j] != Kind::Heading).unwrap_or(n);
        let after_colon = k > 0 && body[k - 1].ends_with(':');
        let title: Vec<bool> = body[k..end].iter().map(|l| is_title_case(l)).collect();
        let mixed = title.contains(&false);
        for i in 0..title.len() {
            // A Title Case line right after items ends their list and heads the next part.
            let heads = if i == 0 { !after_colon } else { !title[i - 1] };
            let item = if title.len() >= 2 {
                mixed && !(title[i] && heads)
            } else {
                after_colon && !title[i]
            };
            if item {
                kinds[k + i] = Kind::Item;
            }
        }
        k = end;
    }
    kinds
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heading,
    Item,
    Text,
}

fn is_list_item(t: &str) -> bool {
    t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with("• ")
        || t.split_once(". ").is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Parse a scraped page.
pub fn parse(text: &str) -> ParsedCaseStudy {
    let nl: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut cs = ParsedCaseStudy::default();

    // The header: everything before "View original source", or up to a `Company Year` line.
    let view = nl.iter().take(HEAD).position(|l| is_view_source(l));
    let header_end = match view {
        Some(v) => v,
        None => match nl.iter().take(10).position(|l| company_year(l).is_some()) {
            Some(cy) => cy + 1,
            None => nl
                .iter()
                .take(HEAD)
                .position(|l| label_of(l).is_some())
                .unwrap_or(0)
                .min(2),
        },
    };
    let header = nl.get(..header_end).unwrap_or(&[]);
    let title_at = match header.last().and_then(|l| company_year(l)) {
        Some((company, year)) => {
            cs.company = clean(company);
            cs.year = Some(year);
            header.len().checked_sub(2)
        }
        None => header.len().checked_sub(1),
    };
    cs.title = title_at.and_then(|i| header.get(i)).and_then(|t| clean(t));

    // The summary: paragraphs up to the first label, close below the header.
    let mut p = if view.is_some() {
        header_end + 1
    } else {
        header_end
    };
    let label_at = (p..nl.len().min(p + 6))
        .find(|&i| label_of(nl[i]).is_some() || inline_label_of(nl[i]).is_some());
    match label_at {
        Some(l) => {
            cs.summary = clean(&nl[p..l].join("\n\n"));
            p = l;
        }
        None => {
            if let Some(first) = nl
                .get(p)
                .filter(|l| l.chars().count() > 40 && !is_heading_line(l))
            {
                cs.summary = clean(first);
                p += 1;
            }
        }
    }

    // Labels and their values.
    while let Some(line) = nl.get(p) {
        if let Some((label, v)) = inline_label_of(line) {
            set(&mut cs, label, v);
            p += 1;
            continue;
        }
        let Some(label) = label_of(line) else { break };
        p += 1;
        let Some(next) = nl.get(p) else { break };
        if label_of(next).is_some() {
            continue;
        }
        let takes = match label {
            Label::Tags => tag_line(next).is_some(),
            _ => next.chars().count() <= 80 && !next.ends_with('.'),
        };
        if takes {
            set(&mut cs, label, next);
            p += 1;
        }
    }

    // The body: up to the related-case-studies list (or the first block that looks like
    // one), without the footer.
    let rest = nl.get(p..).unwrap_or(&[]);
    let end = rest
        .iter()
        .position(|l| is_related_marker(l))
        .or_else(|| related_block_start(rest))
        .unwrap_or(rest.len());
    let mut body: Vec<&str> = rest[..end].to_vec();
    strip_footer(&mut body);
    let mut out = String::new();
    let mut last = Kind::Text;
    for (line, kind) in body.iter().zip(body_kinds(&body)) {
        if !out.is_empty() {
            // A list's items one under the other, as one list.
            out.push_str(if kind == Kind::Item && last == Kind::Item {
                "\n"
            } else {
                "\n\n"
            });
        }
        match kind {
            Kind::Heading => out.push_str(&format!("## {line}")),
            Kind::Item => out.push_str(&format!("- {}", line.strip_prefix("• ").unwrap_or(line))),
            Kind::Text => out.push_str(line),
        }
        last = kind;
    }
    cs.body_markdown = out;
    markdown::finish(cs)
}

fn set(cs: &mut ParsedCaseStudy, label: Label, v: &str) {
    match label {
        Label::Industry => cs.industry = cs.industry.take().or_else(|| clean(v)),
        Label::Company => cs.company = cs.company.take().or_else(|| clean(v)),
        Label::Year => cs.year = cs.year.or_else(|| markdown::year_from_str(v)),
        Label::Tags if cs.tags.is_empty() => {
            cs.tags = tag_line(v).unwrap_or_else(|| split_tags(v));
        }
        Label::Tags => {}
    }
}

/// Where a list of other case studies starts when it has no heading: a title line, then
/// `Company Year`, then (within a few lines) a tag line.
fn related_block_start(lines: &[&str]) -> Option<usize> {
    (1..lines.len()).find_map(|q| {
        company_year(lines[q])?;
        let window = lines.get(q + 1..(q + 4).min(lines.len()))?;
        window
            .iter()
            .any(|l| tag_line(l).is_some() && l.split_whitespace().count() >= 2)
            .then_some(q - 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Acme Blog\n\nScaling Agents at Acme\n\nAcme Corp 2025\nView original source\n\nAcme scaled agents to millions of users with careful evaluation.\n\nINDUSTRY:\n\nE-commerce\n\nTechnologies\n\nrag agents evals\n\nOverview\n\nAcme runs agents. They work.\n\nWhat Went Wrong?\n\nLatency was high.\n\nRelated case studies\n\nOther Study\n\nOther Co 2024\n\nOther summary.\n\nhealthcare chatbot +12\n";

    #[test]
    fn parses_a_variant_page() {
        let cs = parse(PAGE);
        assert_eq!(cs.title.as_deref(), Some("Scaling Agents at Acme"));
        assert_eq!(cs.company.as_deref(), Some("Acme Corp"));
        assert_eq!(cs.year, Some(2025));
        assert_eq!(cs.industry.as_deref(), Some("E-commerce"));
        assert_eq!(cs.tags, ["rag", "agents", "evals"]);
        assert_eq!(
            cs.summary.as_deref(),
            Some("Acme scaled agents to millions of users with careful evaluation.")
        );
        assert_eq!(
            cs.body_markdown,
            "## Overview\n\nAcme runs agents. They work.\n\n## What Went Wrong?\n\nLatency was high."
        );
    }

    /// List items whose markers the copy lost are items, not headings; the headings around
    /// them stay headings.
    #[test]
    fn lines_of_a_list_are_items_and_headings_stay_headings() {
        let page = PAGE.replace(
            "Latency was high.\n\n",
            "Latency was high. The fixes were:\n\nCaching of repeated prompts\n\nShorter timeouts on slow tools\n\n\
             Chain of Thought (CoT)\n\nPrompts ask for reasoning first.\n\nLessons Learned\n\nSmaller models were enough\n\n\
             Evaluation came first\n\nN-gram vs. Draft Model Approaches\n\nBoth were tried.\n\n",
        );
        let cs = parse(&page);
        assert_eq!(
            cs.body_markdown,
            "## Overview\n\nAcme runs agents. They work.\n\n## What Went Wrong?\n\n\
             Latency was high. The fixes were:\n\n- Caching of repeated prompts\n- Shorter timeouts on slow tools\n\n\
             ## Chain of Thought (CoT)\n\nPrompts ask for reasoning first.\n\n## Lessons Learned\n\n\
             - Smaller models were enough\n- Evaluation came first\n\n\
             ## N-gram vs. Draft Model Approaches\n\nBoth were tried."
        );
    }

    #[test]
    fn related_list_without_heading_is_cut() {
        let page = PAGE.replace("Related case studies\n\n", "");
        let cs = parse(&page);
        assert!(
            cs.body_markdown.ends_with("Latency was high."),
            "{}",
            cs.body_markdown
        );
        assert!(!cs.body_markdown.contains("Other"));
    }

    #[test]
    fn tag_lines() {
        assert_eq!(
            tag_line("healthcare customer_support +43").unwrap(),
            ["healthcare", "customer_support"]
        );
        assert_eq!(
            tag_line("RAG, Fine Tuning").unwrap(),
            ["RAG", "Fine Tuning"]
        );
        assert!(tag_line("Overview").is_none());
        assert!(tag_line("The team, the plan, and more.").is_none());
    }
}
