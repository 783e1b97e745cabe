//! A parsed case study → its canonical form (tags, industry, title, plain text).
//! (being written)

use crate::model::{NormalizedCaseStudy, ParsedCaseStudy};
use crate::{render, taxonomy};

pub fn normalize(p: ParsedCaseStudy) -> NormalizedCaseStudy {
    let body_text = render::to_plain_text(&p.body_markdown);
    NormalizedCaseStudy {
        title_inferred: p.title.is_none(),
        title: p.title.unwrap_or_else(|| "Untitled case study".into()),
        slug: p.slug,
        company: p.company,
        industry: p.industry.as_deref().map(taxonomy::canonical_industry),
        year: p.year,
        link: p.link,
        summary: p.summary,
        tags: p.tags.iter().map(|t| taxonomy::canonical_tag(t)).collect(),
        inferred_tags: Vec::new(),
        body_markdown: p.body_markdown,
        body_text,
    }
}

/// (stub, being written) A URL-safe slug of `s`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(80).collect()
}
