//! Text helpers shared by the parsers: trimming, entities, years, tags, HTML-wrapped
//! Markdown, footer calls to action, and the final tidy-up of a parsed case study.
//!
//! Everything here is linear in its input and never indexes outside data by byte offsets
//! that could fall inside a UTF-8 character.

use crate::import::limits;
use crate::model::ParsedCaseStudy;

/// Trimmed, or `None` when empty.
pub(crate) fn clean(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// A year in a plausible range, from `2024`, `"2024"`, `2024-05-01`, `2024-05-01T10:00Z`,
/// `05/01/2024`, `March 5, 2024`.
pub(crate) fn year_from_str(s: &str) -> Option<i32> {
    let t = s.trim();
    if t.is_empty() || t.len() > 200 {
        return None;
    }
    if let Ok(n) = t.parse::<i64>() {
        return plausible_year(n);
    }
    if let Ok(f) = t.parse::<f64>() {
        if f.fract() == 0.0 && f.is_finite() {
            return plausible_year(f as i64);
        }
        return None;
    }
    // The first standalone run of exactly four digits.
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                let n: i64 = t.get(start..i)?.parse().ok()?;
                if let Some(y) = plausible_year(n) {
                    return Some(y);
                }
            }
        } else {
            i += 1;
        }
    }
    None
}

pub(crate) fn plausible_year(n: i64) -> Option<i32> {
    if (1900..=2200).contains(&n) {
        Some(n as i32)
    } else {
        None
    }
}

/// Tags written as one string: split on `,`, `;` and `|`.
pub(crate) fn split_tags(s: &str) -> Vec<String> {
    s.split([',', ';', '|']).filter_map(clean).collect()
}

/// Decode HTML character references (`&amp;`, `&#39;`, `&#x2014;`, common named ones).
/// Unknown references are left as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        // A reference is at most ~10 characters up to its `;`.
        let semi = after
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = semi.and_then(|i| {
            let name = &after[..i];
            entity(name).map(|c| (c, i))
        });
        match decoded {
            Some((c, i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return match char::from_u32(code) {
            Some('\0') | None => Some('\u{FFFD}'),
            Some(c) => Some(c),
        };
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "times" => '×',
        "rarr" => '→',
        "larr" => '←',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        "euro" => '€',
        "pound" => '£',
        _ => return None,
    })
}

/// True when a body is Markdown wrapped in HTML paragraphs, as older LLMOps Database
/// entries are: `<p>## Heading<br /><br />Text…<br /></p>`.
pub(crate) fn is_html_wrapped(body: &str) -> bool {
    let t = body.trim_start();
    let head: String = t.chars().take(3).collect::<String>().to_ascii_lowercase();
    (head == "<p>" || head == "<p ") && {
        let l = t.to_ascii_lowercase();
        l.contains("<br") || l.contains("</p>")
    }
}

/// Unwrap HTML-wrapped Markdown: `<br>` → newline, paragraph tags → blank lines, entities
/// decoded. Other tags are left as they are (they are part of the Markdown).
pub(crate) fn unwrap_html_markdown(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        // Tags here are short; a `<` with no `>` soon is text.
        let gt = after
            .char_indices()
            .take(64)
            .find(|&(_, c)| c == '>')
            .map(|(i, _)| i);
        let starts_tag = after[1..]
            .trim_start_matches('/')
            .starts_with(|c: char| c.is_ascii_alphabetic());
        let (Some(gt), true) = (gt, starts_tag) else {
            out.push('<');
            rest = &after[1..];
            continue;
        };
        let tag = &after[1..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "br" => out.push('\n'),
            "p" => out.push_str("\n\n"),
            _ => out.push_str(&after[..=gt]),
        }
        rest = &after[gt + 1..];
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    tidy_blank_lines(&decoded)
}

/// Trim trailing spaces of lines, collapse runs of blank lines into one, trim the ends.
pub(crate) fn tidy_blank_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0usize;
    for line in s.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

/// A body as Markdown: HTML-wrapped Markdown unwrapped, blank-line runs tidied.
pub(crate) fn body_markdown(body: &str) -> String {
    let body = if is_html_wrapped(body) {
        unwrap_html_markdown(body)
    } else {
        body.to_string()
    };
    tidy_blank_lines(&convert_html_lines(&body))
}

/// HTML block markup on a line of its own (outside code fences), as some bodies end with
/// an HTML-written section: `<h2>…</h2><ul><li>…</li></ul><p>…<br />…</p>`.
fn has_html_blocks(line: &str) -> bool {
    if !line.contains('<') {
        return false;
    }
    // Tags as HTML writes them, with their closing tags: `<B>` or a lone `<p>` in prose
    // is text.
    const PAIRS: &[(&str, &str)] = &[
        ("<p>", "</p>"),
        ("<h1>", "</h1>"),
        ("<h2>", "</h2>"),
        ("<h3>", "</h3>"),
        ("<h4>", "</h4>"),
        ("<ul>", "</ul>"),
        ("<ol>", "</ol>"),
        ("<li>", "</li>"),
        ("<table", "</table>"),
        ("<blockquote>", "</blockquote>"),
    ];
    ["<br />", "<br/>", "<br>"].iter().any(|t| line.contains(t))
        || PAIRS
            .iter()
            .any(|(o, c)| line.contains(o) && line.contains(c))
}

/// Lines holding HTML blocks converted to Markdown with the HTML parser.
fn convert_html_lines(body: &str) -> String {
    if !body.lines().any(has_html_blocks) {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut fenced = false;
    for line in body.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
        }
        if !fenced && has_html_blocks(line) {
            out.push('\n');
            out.push_str(&crate::import::html::fragment_to_markdown(line));
            out.push_str("\n\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A site's footer call to action (`Start deploying reproducible AI workflows today`,
/// `Enterprise-grade MLOps platform trusted by …`, `Book a demo`, …).
pub(crate) fn is_footer_cta(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.chars().count() > 160 {
        return false;
    }
    let l = t.to_lowercase();
    const STARTS: &[&str] = &[
        "start deploying",
        "get started",
        "start for free",
        "start your free",
        "sign up",
        "book a demo",
        "request a demo",
        "schedule a demo",
        "subscribe to",
        "join our newsletter",
        "try zenml",
        "try it free",
        "try for free",
        "contact us",
        "contact sales",
        "enterprise-grade",
        "©",
        "copyright ",
        "all rights reserved",
        "privacy policy",
        "cookie",
    ];
    const CONTAINS: &[&str] = &[
        "trusted by thousands",
        "all rights reserved",
        "reproducible ai workflows",
        "mlops platform",
    ];
    STARTS.iter().any(|p| l.starts_with(p)) || CONTAINS.iter().any(|p| l.contains(p))
}

/// Cut a title longer than [`limits::MAX_TITLE_CHARS`] at a word boundary.
pub(crate) fn cut_title(title: &str) -> String {
    if title.chars().count() <= limits::MAX_TITLE_CHARS {
        return title.to_string();
    }
    let cut: String = title.chars().take(limits::MAX_TITLE_CHARS).collect();
    match cut.rfind(char::is_whitespace) {
        Some(i) if i > limits::MAX_TITLE_CHARS / 2 => cut[..i].trim_end().to_string(),
        _ => cut,
    }
}

/// Collapse whitespace (newlines included) into single spaces.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The last tidy-up every parser applies: trim every field, empty → `None`, titles and
/// other single-line fields on one line, titles cut to the limit, tags capped (kept as
/// written, duplicates included: canonicalising them is normalisation's job).
pub(crate) fn finish(mut cs: ParsedCaseStudy) -> ParsedCaseStudy {
    let line = |v: Option<String>| v.as_deref().map(one_line).and_then(|s| clean(&s));
    cs.title = line(cs.title).map(|t| cut_title(&t));
    cs.slug = line(cs.slug);
    cs.company = line(cs.company);
    cs.industry = line(cs.industry);
    cs.link = line(cs.link);
    cs.summary = cs.summary.as_deref().and_then(clean);
    cs.tags = std::mem::take(&mut cs.tags)
        .iter()
        .filter_map(|t| clean(&one_line(t)))
        .take(limits::MAX_TAGS)
        .collect();
    cs.body_markdown = cs.body_markdown.trim().to_string();
    cs
}

/// True when a parsed case study holds nothing worth keeping.
pub(crate) fn is_empty(cs: &ParsedCaseStudy) -> bool {
    cs.title.is_none() && cs.summary.is_none() && cs.body_markdown.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years() {
        assert_eq!(year_from_str("2024"), Some(2024));
        assert_eq!(year_from_str(" 2024-05-01T10:00:00Z "), Some(2024));
        assert_eq!(year_from_str("March 5, 2023"), Some(2023));
        assert_eq!(year_from_str("05/01/2022"), Some(2022));
        assert_eq!(year_from_str("2024.0"), Some(2024));
        assert_eq!(year_from_str("12345"), None);
        assert_eq!(year_from_str("banana"), None);
        assert_eq!(year_from_str(""), None);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &#39;c&#39; &#x2014; &mdash; &bogus; & x"),
            "a & b 'c' — — &bogus; & x"
        );
        assert_eq!(decode_entities("&#0;"), "\u{FFFD}");
        assert_eq!(decode_entities("&#99999999999;"), "&#99999999999;");
        assert_eq!(decode_entities("é&"), "é&");
    }

    #[test]
    fn unwraps_html_wrapped_markdown() {
        let b = "<p>Intro text.<br /><br />## Heading<br /><br />Tom &amp; Jerry&#39;s <b>x</b><br /></p>";
        assert!(is_html_wrapped(b));
        assert_eq!(
            unwrap_html_markdown(b),
            "Intro text.\n\n## Heading\n\nTom & Jerry's <b>x</b>"
        );
        assert!(!is_html_wrapped("## Heading\n\n<p>not wrapped"));
        // A stray `<` never panics or loops.
        assert_eq!(unwrap_html_markdown("<p>a < b<br>é<"), "a < b\né<");
    }

    #[test]
    fn html_lines_in_a_markdown_body() {
        let b = "## Intro\n\nText.\n<h2>Later</h2><ul><li>One</li><li>Two</li></ul><p>End &amp; more.<br />Next.</p>\n```\n<p>code</p>\n```";
        assert_eq!(
            body_markdown(b),
            "## Intro\n\nText.\n\n## Later\n\n- One\n- Two\n\nEnd & more.\nNext.\n\n```\n<p>code</p>\n```"
        );
    }

    #[test]
    fn literal_angle_brackets_are_text() {
        let b = "Markers (<B>), (<P>) and a lone <p> stay.";
        assert_eq!(body_markdown(b), b);
    }

    #[test]
    fn tags_and_titles() {
        assert_eq!(
            split_tags(" rag, fine_tuning;agents | |"),
            ["rag", "fine_tuning", "agents"]
        );
        let long = "word ".repeat(20_000);
        let t = cut_title(&long);
        assert!(t.chars().count() <= limits::MAX_TITLE_CHARS);
        assert!(t.ends_with("word"));
    }

    #[test]
    fn finish_trims_and_caps() {
        let cs = finish(ParsedCaseStudy {
            title: Some("  A\n title  ".into()),
            company: Some("   ".into()),
            tags: (0..1000).map(|i| format!(" t{i} ")).collect(),
            ..Default::default()
        });
        assert_eq!(cs.title.as_deref(), Some("A title"));
        assert_eq!(cs.company, None);
        assert_eq!(cs.tags.len(), limits::MAX_TAGS);
        assert_eq!(cs.tags[0], "t0");
    }

    #[test]
    fn footer_cta() {
        assert!(is_footer_cta(
            "Start deploying reproducible AI workflows today"
        ));
        assert!(is_footer_cta(
            "Enterprise-grade MLOps platform trusted by thousands of companies in production."
        ));
        assert!(!is_footer_cta("The team started deploying models in 2023."));
    }
}
