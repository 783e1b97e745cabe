//! Which shape a text is. Content decides; the file name's extension is only a tie-breaker
//! (e.g. an invalid `.json` file is reported as malformed JSON rather than read as prose).

/// The shapes `parse_file` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `---` YAML front matter `---`, then Markdown.
    FrontMatter,
    /// A JSON document (object, array, or object holding an array).
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma- (or tab-/semicolon-) separated records with a header row.
    Csv,
    /// A saved HTML page.
    Html,
    /// `Company` / `Title` / … label lines, then a flattened body.
    Labelled,
    /// Text scraped from a case-study web page.
    Scraped,
    /// Anything else: Markdown or plain text.
    Markdown,
}

/// How many lines from the top are looked at for line-based shapes.
const HEAD_LINES: usize = 60;

/// Detect the shape of `text` (already decoded). `name` is the file name.
pub fn detect(name: &str, text: &str) -> Shape {
    let ext = extension(name);
    let start = text.trim_start();

    if front_matter_bounds(text).is_some() {
        return Shape::FrontMatter;
    }
    if looks_like_html(start)
        || (matches!(ext.as_str(), "html" | "htm" | "xhtml") && start.starts_with('<'))
    {
        return Shape::Html;
    }
    if start.starts_with('{') || start.starts_with('[') {
        if serde_json::from_str::<serde::de::IgnoredAny>(start).is_ok() {
            return Shape::Json;
        }
        let first = start.lines().next().unwrap_or("").trim();
        if first.starts_with('{')
            && serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first).is_ok()
        {
            return Shape::Jsonl;
        }
        match ext.as_str() {
            "json" => return Shape::Json,
            "jsonl" | "ndjson" => return Shape::Jsonl,
            _ => {}
        }
    }
    if matches!(ext.as_str(), "jsonl" | "ndjson") && start.starts_with('{') {
        return Shape::Jsonl;
    }
    if matches!(ext.as_str(), "csv" | "tsv") || looks_like_csv(start) {
        return Shape::Csv;
    }
    if looks_labelled(start) {
        return Shape::Labelled;
    }
    if looks_scraped(start) {
        return Shape::Scraped;
    }
    Shape::Markdown
}

fn extension(name: &str) -> String {
    let base = name.rsplit(['/', '\\', '!']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Byte ranges of a front-matter block: (YAML start, YAML end, body start). `None` when
/// the first line is not `---` or no closing `---` (or `...`) line follows.
pub(crate) fn front_matter_bounds(text: &str) -> Option<(usize, usize, usize)> {
    let text_start = text.len() - text.trim_start_matches(['\n', ' ', '\t']).len();
    let rest = &text[text_start..];
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = text_start + first_end + 1;
    let mut pos = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---" || l == "..." {
            return Some((yaml_start, pos, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

fn looks_like_html(start: &str) -> bool {
    let head: String = start
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}');
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || ((head.starts_with("<?xml")
            || head.starts_with("<!--")
            || head.starts_with("<!doctype"))
            && head.contains("<html"))
        || (head.starts_with('<') && (head.contains("<head>") || head.contains("<body")))
}

/// Header names a case-study CSV is likely to have.
const CSV_FIELDS: &[&str] = &[
    "title",
    "name",
    "company",
    "organization",
    "organisation",
    "industry",
    "industries",
    "industrytags",
    "year",
    "sourceurl",
    "link",
    "url",
    "tags",
    "llmopstags",
    "techniques",
    "shortsummary",
    "summary",
    "description",
    "fullsummary",
    "body",
    "content",
    "text",
    "markdown",
    "bodymarkdown",
    "slug",
];

pub(crate) fn field_key(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '"' | '\''))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The delimiter of a CSV header line, when the line looks like one.
pub(crate) fn csv_delimiter(header: &str) -> Option<u8> {
    [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|&d| header.bytes().filter(|&b| b == d).count())
        .filter(|&d| header.bytes().any(|b| b == d))
}

fn looks_like_csv(start: &str) -> bool {
    let mut lines = start.lines();
    let Some(header) = lines.next() else {
        return false;
    };
    if header.len() > 2000 || lines.next().is_none() {
        return false;
    }
    let Some(delim) = csv_delimiter(header) else {
        return false;
    };
    let fields: Vec<String> = header
        .split(delim as char)
        .map(|f| field_key(f.trim()))
        .collect();
    fields.len() >= 2
        && fields.iter().all(|f| f.len() <= 40)
        && fields
            .iter()
            .filter(|f| CSV_FIELDS.contains(&f.as_str()))
            .count()
            >= 2
}

/// Labels of a labelled-field dump, normalised (lower case, `(…)` and `:` dropped).
pub(crate) fn label_key(line: &str) -> Option<&'static str> {
    let t = line.trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let t = t.trim_end_matches(':').trim();
    let t = match t.find('(') {
        Some(i) if t.ends_with(')') => t[..i].trim(),
        _ => t,
    };
    Some(match t.to_lowercase().as_str() {
        "company" | "organization" | "organisation" => "company",
        "title" => "title",
        "industry" | "industries" => "industry",
        "year" | "date" => "year",
        "summary" | "short summary" | "description" | "abstract" => "summary",
        "tags" | "technologies" | "techniques" | "llmops tags" => "tags",
        "link" | "url" | "source" | "source url" | "original source" => "link",
        _ => return None,
    })
}

/// `Label: value` on one line, with a known label.
pub(crate) fn inline_label(line: &str) -> Option<(&'static str, &str)> {
    let (label, value) = line.split_once(':')?;
    if value.starts_with("//") {
        return None;
    }
    let key = label_key(label)?;
    let value = value.trim();
    (!value.is_empty()).then_some((key, value))
}

fn looks_labelled(start: &str) -> bool {
    let mut lines = start.lines().filter(|l| !l.trim().is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    if label_key(first).is_none() && inline_label(first).is_none() {
        return false;
    }
    let mut labels = std::collections::HashSet::new();
    for line in std::iter::once(first).chain(lines).take(24) {
        if let Some(k) = label_key(line).or_else(|| inline_label(line).map(|(k, _)| k)) {
            labels.insert(k);
        }
    }
    labels.len() >= 3
}

/// `Company 2024`: a short line ending in a year.
pub(crate) fn company_year(line: &str) -> Option<(&str, i32)> {
    let t = line.trim();
    if t.chars().count() > 100 {
        return None;
    }
    let (company, year) = t.rsplit_once(' ')?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y = crate::import::markdown::plausible_year(year.parse().ok()?)?;
    let company = company.trim();
    (!company.is_empty()).then_some((company, y))
}

pub(crate) fn is_view_source(line: &str) -> bool {
    let l = line
        .trim()
        .trim_end_matches(['→', '›', '>', ' '])
        .to_lowercase();
    matches!(
        l.as_str(),
        "view original source"
            | "view source"
            | "original source"
            | "read original"
            | "read the original"
            | "view original"
    )
}

pub(crate) fn is_related_marker(line: &str) -> bool {
    let l = line.trim().trim_end_matches(':').to_lowercase();
    matches!(
        l.as_str(),
        "more like this"
            | "related"
            | "related case studies"
            | "related articles"
            | "related posts"
            | "similar case studies"
            | "similar"
            | "you might also like"
            | "you may also like"
            | "more case studies"
            | "other case studies"
            | "see also"
            | "read next"
    )
}

fn looks_scraped(start: &str) -> bool {
    let lines: Vec<&str> = start
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(HEAD_LINES)
        .collect();
    let mut score = 0;
    if lines.iter().any(|l| is_view_source(l)) {
        score += 2;
    }
    if lines.iter().take(8).any(|l| company_year(l).is_some()) {
        score += 1;
    }
    for (i, l) in lines.iter().enumerate() {
        let bare = l.trim_end_matches(':').to_lowercase();
        if bare == "industry" && lines.get(i + 1).is_some_and(|v| v.chars().count() <= 60) {
            score += 1;
            break;
        }
    }
    if lines.iter().any(|l| {
        matches!(
            l.trim_end_matches(':').to_lowercase().as_str(),
            "technologies" | "tags"
        )
    }) {
        score += 1;
    }
    if start.lines().any(is_related_marker) {
        score += 1;
    }
    score >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            detect("a.md", "---\ntitle: x\n---\nbody"),
            Shape::FrontMatter
        );
        assert_eq!(detect("a.md", "---\ntitle: x\nno end"), Shape::Markdown);
        assert_eq!(detect("a.txt", "[{\"title\": \"x\"}]"), Shape::Json);
        assert_eq!(
            detect("a", "{\"title\": \"x\"}\n{\"title\": \"y\"}\n"),
            Shape::Jsonl
        );
        assert_eq!(detect("a.json", "{broken"), Shape::Json);
        assert_eq!(
            detect("a.md", "[link](http://x) is Markdown"),
            Shape::Markdown
        );
        assert_eq!(
            detect("a.txt", "title,company,year\nA,B,2024\n"),
            Shape::Csv
        );
        assert_eq!(
            detect("a.txt", "<!DOCTYPE html><html><body>x</body></html>"),
            Shape::Html
        );
        assert_eq!(
            detect(
                "a.txt",
                "Company\nAcme\nTitle\nX\nIndustry\nTech\n## Overview Text"
            ),
            Shape::Labelled
        );
        assert_eq!(
            detect(
                "a.txt",
                "Site\n\nA Title\n\nAcme 2024\nView original source\n\nSummary.\n\nIndustry\n\nTech\n\nBody"
            ),
            Shape::Scraped
        );
    }

    #[test]
    fn markdown_mentioning_labels_is_markdown() {
        let md =
            "# Notes\n\nIndustry\n\nThe industry is tech. Company 2024 was good.\n\nTags are nice.";
        assert_eq!(detect("a.md", md), Shape::Markdown);
        let md2 = "Some prose about the company, title and year, with commas.\nAnd a second line.";
        assert_eq!(detect("a.txt", md2), Shape::Markdown);
    }

    #[test]
    fn extension_helper() {
        assert_eq!(extension("dir/x.JSONL"), "jsonl");
        assert_eq!(extension("a.zip!b/c.csv"), "csv");
        assert_eq!(extension(".hidden"), "");
    }
}
