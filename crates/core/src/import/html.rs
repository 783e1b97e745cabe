//! A saved web page of a case study.
//!
//! Metadata comes from `<meta>` tags (Open Graph, article:*, description, keywords,
//! explicit company/industry metas), `<link rel=canonical>`, JSON-LD `datePublished`, the
//! first `<h1>` and `<title>`. The body is the page's main article (the `<article>` with
//! the most text, else `<main>`, else `<body>`) converted to Markdown: headings,
//! paragraphs, lists, tables, code, quotes, links, emphasis. Navigation, headers, footers,
//! asides, forms, scripts, styles, cookie banners and similar chrome are dropped; script
//! and style text never reaches the output.

use crate::import::markdown::{self, clean, split_tags, year_from_str};
use crate::import::ParseError;
use crate::model::ParsedCaseStudy;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

/// Recursion depth past which a subtree is flattened to plain text (iteratively).
const MAX_DEPTH: usize = 100;

/// Deepest element nesting an HTML file or fragment may have. The HTML parser checks the
/// elements open around each new one, so its work grows with the square of the nesting:
/// 100,000 nested `<div>`s (1 MB) took minutes. Real pages stay far below this.
pub const MAX_NESTING: usize = 2048;

/// Elements that never hold others, or whose end tag may be left out (so that an unclosed
/// one does not nest what follows): not counted by [`nesting`].
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "frame", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
    "tfoot", "option", "optgroup", "rt", "rp", "colgroup", "html", "head", "body", "image",
];

/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "plaintext"];

/// Most attributes one tag may have: the HTML parser compares each new attribute with the
/// ones before it (100,000 on one tag took 3 s; a 32 MiB file of them, an hour).
pub const MAX_ATTRIBUTES: usize = 1024;

/// What the tags of an HTML text say of the tree the parser would build.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TagShape {
    /// How deeply elements nest (an upper estimate).
    pub deepest: usize,
    /// The most attributes on one tag.
    pub most_attributes: usize,
}

impl TagShape {
    /// Why the HTML parser should not be given this text, if it should not.
    pub fn refusal(&self) -> Option<String> {
        if self.deepest > MAX_NESTING {
            Some(format!("elements nested more than {MAX_NESTING} deep"))
        } else if self.most_attributes > MAX_ATTRIBUTES {
            Some(format!("a tag with more than {MAX_ATTRIBUTES} attributes"))
        } else {
            None
        }
    }
}

/// [`TagShape`] of `html`, from its tags alone (linear, no tree), stopping once past the
/// limits. An end tag closes one level even where the parser would close several
/// (`<div><span></div>`): an over-estimate on purpose, since popping to the matching
/// element would under-count what the parser reopens (formatting elements such as `<b>`
/// left open are reconstructed inside the next element, so they still nest).
pub(crate) fn tag_shape(html: &str) -> TagShape {
    let b = html.as_bytes();
    let mut shape = TagShape {
        deepest: 0,
        most_attributes: 0,
    };
    let (mut depth, mut i) = (0usize, 0usize);
    while let Some(at) = b[i..].iter().position(|&c| c == b'<') {
        i += at + 1;
        let closing = b.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let len = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if len == 0 {
            continue; // a comment, a doctype, a lone `<`
        }
        let name = &html[start..start + len];
        let (end, attributes) = tag_end(b, start + len);
        shape.most_attributes = shape.most_attributes.max(attributes);
        i = end;
        let is = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
        if is(NOT_NESTING) || (closing && is(RAW_TEXT)) {
            // opens (or closes) nothing that nests
        } else if closing {
            depth = depth.saturating_sub(1);
        } else if end > 0 && b.get(end - 1) == Some(&b'/') {
            // `<x/>`: opens nothing
        } else if is(RAW_TEXT) {
            i = end_tag(b, end, name.as_bytes()); // its text's `<`s are not tags
        } else {
            depth += 1;
            shape.deepest = shape.deepest.max(depth);
        }
        if shape.refusal().is_some() {
            break;
        }
    }
    shape
}

/// Where the tag whose name ends at `from` ends (just past its `>`, or the text's end),
/// and how many attributes it has (`=` outside quoted values).
fn tag_end(b: &[u8], from: usize) -> (usize, usize) {
    let (mut quote, mut attributes) = (None, 0usize);
    for (k, &c) in b.iter().enumerate().skip(from) {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'=') => attributes += 1,
            (None, b'>') => return (k + 1, attributes),
            _ => {}
        }
    }
    (b.len(), attributes)
}

/// Where the end tag `</name` of a raw-text element starts, searching from `from`.
fn end_tag(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(at) = b[i..].windows(2).position(|w| w == b"</") {
        let after = i + at + 2;
        if b.get(after..after + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return i + at;
        }
        i = after;
    }
    b.len()
}

/// Elements never rendered.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "input", "select", "textarea", "option", "label", "iframe", "object", "embed", "svg",
    "canvas", "video", "audio", "dialog", "menu", "link", "meta", "head", "title", "img",
    "picture", "source",
];

/// Class/id fragments of page chrome.
const CHROME_HINTS: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "subscribe",
    "breadcrumb",
    "sidebar",
    "advert",
    "promo",
    "popup",
    "modal",
    "social",
    "share",
    "related",
    "comment",
    "navbar",
    "menu",
    "footer",
    "banner",
    "signup",
    "sign-up",
    "toolbar",
    "skip-link",
];

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

fn first_attr(doc: &Html, selector: &str, attr: &str) -> Option<String> {
    let s = sel(selector)?;
    doc.select(&s).find_map(|e| e.attr(attr).and_then(clean))
}

fn meta(doc: &Html, keys: &[&str]) -> Option<String> {
    let s = sel("meta")?;
    for key in keys {
        for m in doc.select(&s) {
            let k = m.attr("property").or(m.attr("name")).or(m.attr("itemprop"));
            if k.is_some_and(|k| k.eq_ignore_ascii_case(key)) {
                if let Some(v) = m.attr("content").and_then(clean) {
                    return Some(v);
                }
            }
        }
    }
    None
}

fn metas(doc: &Html, key: &str) -> Vec<String> {
    let Some(s) = sel("meta") else {
        return Vec::new();
    };
    doc.select(&s)
        .filter(|m| {
            m.attr("property")
                .or(m.attr("name"))
                .is_some_and(|k| k.eq_ignore_ascii_case(key))
        })
        .filter_map(|m| m.attr("content").and_then(clean))
        .collect()
}

/// `Title | Site`, `Title — Site` → `Title`.
fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    for sep in [" | ", " — ", " – ", " · ", " :: ", " - "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let tail = tail.trim();
            let is_site = site.is_some_and(|s| s.eq_ignore_ascii_case(tail));
            let short = tail.split_whitespace().count() <= 4;
            if !head.trim().is_empty() && (is_site || (sep != " - " && short)) {
                return head.trim().to_string();
            }
        }
    }
    title.trim().to_string()
}

fn text_of(el: ElementRef) -> String {
    markdown::one_line(&plain_text(el))
}

/// Text of a subtree without script/style, iteratively.
fn plain_text(el: ElementRef) -> String {
    let mut out = String::new();
    let mut skip = 0usize;
    for edge in el.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e)
                    if skip > 0
                        || matches!(e.name(), "script" | "style" | "noscript" | "template") =>
                {
                    skip += 1
                }
                Node::Text(t) if skip == 0 => {
                    out.push_str(t);
                }
                _ => {}
            },
            Edge::Close(n) => {
                if n.value().is_element() && skip > 0 {
                    skip -= 1;
                }
            }
        }
    }
    out
}

/// Parse a saved HTML page.
pub fn parse(text: &str) -> Result<ParsedCaseStudy, ParseError> {
    if let Some(reason) = tag_shape(text).refusal() {
        return Err(ParseError::Malformed {
            format: "HTML",
            reason,
        });
    }
    let doc = Html::parse_document(text);
    let site = meta(&doc, &["og:site_name", "application-name"]);
    let h1 = sel("h1").and_then(|s| doc.select(&s).map(text_of).find(|t| !t.is_empty()));
    let title = meta(&doc, &["og:title", "twitter:title"])
        .map(|t| strip_site_suffix(&t, site.as_deref()))
        .or_else(|| h1.clone())
        .or_else(|| {
            sel("title")
                .and_then(|s| doc.select(&s).next().map(text_of))
                .map(|t| strip_site_suffix(&t, site.as_deref()))
        });
    let mut cs = ParsedCaseStudy {
        title,
        summary: meta(
            &doc,
            &["description", "og:description", "twitter:description"],
        ),
        company: meta(
            &doc,
            &["company", "organization", "organisation", "article:company"],
        ),
        industry: meta(&doc, &["industry", "article:industry"]),
        link: first_attr(&doc, "link[rel=canonical]", "href").or_else(|| meta(&doc, &["og:url"])),
        ..Default::default()
    };
    cs.year = meta(
        &doc,
        &[
            "article:published_time",
            "datePublished",
            "date",
            "publish_date",
            "pubdate",
            "citation_publication_date",
            "dc.date",
            "year",
        ],
    )
    .and_then(|d| year_from_str(&d))
    .or_else(|| json_ld_year(&doc))
    .or_else(|| {
        first_attr(
            &doc,
            "article time[datetime], main time[datetime]",
            "datetime",
        )
        .and_then(|d| year_from_str(&d))
    });
    let mut tags = metas(&doc, "article:tag");
    if tags.is_empty() {
        if let Some(k) = meta(&doc, &["keywords"]) {
            tags = split_tags(&k);
        }
    }
    cs.tags = tags;

    if let Some(root) = main_root(&doc) {
        let mut r = Renderer::default();
        r.block(root, 0);
        r.flush();
        // The page title repeated as the first heading adds nothing.
        if let (Some(first), Some(t)) = (r.blocks.first(), cs.title.as_deref()) {
            if first.trim_start_matches('#').trim() == t
                || first.starts_with("# ") && h1.as_deref() == first.get(2..)
            {
                r.blocks.remove(0);
            }
        }
        cs.body_markdown = r.blocks.join("\n\n");
    }
    Ok(markdown::finish(cs))
}

/// An HTML fragment (a line of a Markdown body written in HTML) as Markdown; past the
/// limits of [`TagShape::refusal`], its text only.
pub(crate) fn fragment_to_markdown(fragment: &str) -> String {
    if tag_shape(fragment).refusal().is_some() {
        return text_without_tags(fragment);
    }
    let doc = Html::parse_fragment(fragment);
    let mut r = Renderer::default();
    r.block(doc.root_element(), 0);
    r.flush();
    r.blocks.join("\n\n")
}

/// The text between an HTML string's tags (`<…>` dropped, entities left as written).
fn text_without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn json_ld_year(doc: &Html) -> Option<i32> {
    let s = sel("script[type='application/ld+json']")?;
    doc.select(&s).find_map(|e| {
        let text: String = e.text().collect();
        let v: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
        find_key(&v, "datePublished", 0).and_then(year_from_str)
    })
}

fn find_key<'a>(v: &'a serde_json::Value, key: &str, depth: u8) -> Option<&'a str> {
    if depth > 6 {
        return None;
    }
    match v {
        serde_json::Value::Object(o) => o
            .get(key)
            .and_then(|x| x.as_str())
            .or_else(|| o.values().find_map(|x| find_key(x, key, depth + 1))),
        serde_json::Value::Array(a) => a.iter().find_map(|x| find_key(x, key, depth + 1)),
        _ => None,
    }
}

/// The element holding the article: the `<article>` with the most text, else `<main>`,
/// `[role=main]`, `<body>`.
fn main_root(doc: &Html) -> Option<ElementRef<'_>> {
    if let Some(s) = sel("article") {
        let best = doc
            .select(&s)
            .filter(|a| !is_chrome(a))
            .map(|a| (plain_text(a).split_whitespace().count(), a))
            .max_by_key(|(n, _)| *n);
        if let Some((n, a)) = best {
            if n >= 20 {
                return Some(a);
            }
        }
    }
    for q in ["main", "[role=main]", "body"] {
        if let Some(e) = sel(q).and_then(|s| doc.select(&s).next()) {
            return Some(e);
        }
    }
    Some(doc.root_element())
}

fn is_chrome(el: &ElementRef) -> bool {
    let e = el.value();
    if SKIP_TAGS.contains(&e.name()) {
        return true;
    }
    if e.attr("hidden").is_some()
        || e.attr("aria-hidden")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(role) = e.attr("role") {
        if matches!(
            role.to_ascii_lowercase().as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "dialog"
                | "alertdialog"
                | "search"
        ) {
            return true;
        }
    }
    if e.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    }) {
        return true;
    }
    let hints = format!(
        "{} {}",
        e.attr("class").unwrap_or(""),
        e.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    CHROME_HINTS.iter().any(|h| hints.contains(h))
}

#[derive(Default)]
struct Renderer {
    blocks: Vec<String>,
    inline: String,
}

impl Renderer {
    fn flush(&mut self) {
        let text = tidy_inline(&self.inline);
        if !text.is_empty() {
            self.blocks.push(text);
        }
        self.inline.clear();
    }

    fn block(&mut self, el: ElementRef, depth: usize) {
        if depth > MAX_DEPTH {
            self.inline.push(' ');
            self.inline.push_str(&markdown::one_line(&plain_text(el)));
            return;
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => push_text(&mut self.inline, t),
                Node::Element(_) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if is_chrome(&c) {
                        continue;
                    }
                    self.element(c, depth + 1);
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, el: ElementRef, depth: usize) {
        let name = el.value().name();
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                let level = name[1..].parse::<usize>().unwrap_or(2);
                let t = tidy_inline(&inline(el, depth)).replace('\n', " ");
                if !t.is_empty() {
                    self.blocks.push(format!("{} {t}", "#".repeat(level)));
                }
            }
            "p" => {
                self.flush();
                self.inline = inline(el, depth);
                self.flush();
            }
            "ul" | "ol" => {
                self.flush();
                let list = list(el, name == "ol", 0, depth);
                if !list.trim().is_empty() {
                    self.blocks.push(list.trim_end().to_string());
                }
            }
            "pre" => {
                self.flush();
                let lang = el
                    .descendent_elements()
                    .take(2)
                    .find_map(|c| c.attr("class"))
                    .or(el.attr("class"))
                    .and_then(|c| {
                        c.split_whitespace()
                            .find_map(|t| t.strip_prefix("language-"))
                    })
                    .unwrap_or("");
                let code = plain_text(el);
                let code = code.trim_matches('\n');
                let fence = if code.contains("```") { "~~~~" } else { "```" };
                self.blocks.push(format!("{fence}{lang}\n{code}\n{fence}"));
            }
            "blockquote" => {
                self.flush();
                let mut sub = Renderer::default();
                sub.block(el, depth);
                sub.flush();
                let q = sub.blocks.join("\n\n");
                if !q.is_empty() {
                    self.blocks.push(
                        q.lines()
                            .map(|l| {
                                if l.is_empty() {
                                    ">".to_string()
                                } else {
                                    format!("> {l}")
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("\n"),
                    );
                }
            }
            "table" => {
                self.flush();
                if let Some(t) = table(el) {
                    self.blocks.push(t);
                }
            }
            "hr" => {
                self.flush();
                self.blocks.push("---".into());
            }
            "br" => self.inline.push('\n'),
            "a" | "strong" | "b" | "em" | "i" | "code" | "span" | "small" | "sub" | "sup"
            | "mark" | "abbr" | "cite" | "q" | "u" | "s" | "del" | "ins" | "time" | "kbd"
            | "var" => {
                let t = inline_element(el, depth);
                self.inline.push_str(&t);
            }
            _ => {
                // Block-level container (div, section, figure, …): its own blocks.
                self.flush();
                self.block(el, depth);
                self.flush();
            }
        }
    }
}

fn push_text(buf: &mut String, t: &str) {
    let mut last_space = buf.ends_with([' ', '\n']) || buf.is_empty();
    for c in t.chars() {
        if c.is_whitespace() {
            if !last_space {
                buf.push(' ');
                last_space = true;
            }
        } else {
            buf.push(c);
            last_space = false;
        }
    }
}

/// Trim each line of an inline run; drop empty lines.
fn tidy_inline(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Markdown of an element's inline content.
fn inline(el: ElementRef, depth: usize) -> String {
    let mut out = String::new();
    if depth > MAX_DEPTH {
        push_text(&mut out, &plain_text(el));
        return out;
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) => push_text(&mut out, t),
            Node::Element(_) => {
                let Some(c) = ElementRef::wrap(child) else {
                    continue;
                };
                if is_chrome(&c) {
                    continue;
                }
                let t = inline_element(c, depth + 1);
                out.push_str(&t);
            }
            _ => {}
        }
    }
    out
}

fn inline_element(el: ElementRef, depth: usize) -> String {
    let wrap = |mark: &str, inner: String| {
        let t = inner.trim();
        if t.is_empty() {
            inner
        } else {
            // Keep the spaces outside the marks.
            let lead = if inner.starts_with(' ') { " " } else { "" };
            let trail = if inner.ends_with(' ') { " " } else { "" };
            format!("{lead}{mark}{t}{mark}{trail}")
        }
    };
    match el.value().name() {
        "br" => "\n".into(),
        "strong" | "b" => wrap("**", inline(el, depth)),
        "em" | "i" => wrap("*", inline(el, depth)),
        "code" | "kbd" => {
            let t = markdown::one_line(&plain_text(el));
            if t.is_empty() {
                String::new()
            } else if t.contains('`') {
                format!("`` {t} ``")
            } else {
                format!("`{t}`")
            }
        }
        "a" => {
            let text = inline(el, depth);
            let t = text.trim();
            let href = el.attr("href").map(str::trim).filter(|h| {
                !h.is_empty()
                    && !h.starts_with('#')
                    && !h.to_ascii_lowercase().starts_with("javascript:")
                    && !h.to_ascii_lowercase().starts_with("data:")
            });
            match href {
                Some(h) if !t.is_empty() => {
                    let lead = if text.starts_with(' ') { " " } else { "" };
                    let trail = if text.ends_with(' ') { " " } else { "" };
                    format!(
                        "{lead}[{t}]({}){trail}",
                        h.replace(' ', "%20").replace(')', "%29")
                    )
                }
                _ => text,
            }
        }
        "ul" | "ol" | "p" | "div" | "li" => {
            let t = inline(el, depth);
            format!(" {t} ")
        }
        _ => inline(el, depth),
    }
}

fn list(el: ElementRef, ordered: bool, indent: usize, depth: usize) -> String {
    let mut out = String::new();
    let pad = " ".repeat(indent);
    let mut n = 1usize;
    for li in el.child_elements() {
        if li.value().name() != "li" || is_chrome(&li) {
            continue;
        }
        let mut text = String::new();
        let mut nested = String::new();
        for child in li.children() {
            match child.value() {
                Node::Text(t) => push_text(&mut text, t),
                Node::Element(e) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if is_chrome(&c) {
                        continue;
                    }
                    if matches!(e.name(), "ul" | "ol") && depth < MAX_DEPTH {
                        nested.push_str(&list(
                            c,
                            e.name() == "ol",
                            indent + if ordered { 3 } else { 2 },
                            depth + 1,
                        ));
                    } else {
                        text.push_str(&inline_element(c, depth + 1));
                    }
                }
                _ => {}
            }
        }
        let text = markdown::one_line(&text);
        let marker = if ordered { format!("{n}.") } else { "-".into() };
        n += 1;
        if !text.is_empty() || !nested.is_empty() {
            out.push_str(&format!("{pad}{marker} {text}\n"));
            out.push_str(&nested);
        }
    }
    out
}

/// A table's own rows (directly or in its `thead`/`tbody`/`tfoot`) and their own cells: a
/// table nested in a cell is that cell's text, not rows of this table too (taking every
/// descendant row repeated nested content once per level: quadratic output from a few KB).
fn table(el: ElementRef) -> Option<String> {
    fn children(e: ElementRef<'_>) -> Vec<ElementRef<'_>> {
        e.children().filter_map(ElementRef::wrap).collect()
    }
    let own_rows = children(el)
        .into_iter()
        .flat_map(|c| match c.value().name() {
            "tr" => vec![c],
            "thead" | "tbody" | "tfoot" => children(c)
                .into_iter()
                .filter(|r| r.value().name() == "tr")
                .collect(),
            _ => Vec::new(),
        });
    let rows: Vec<Vec<String>> = own_rows
        .take(10_000)
        .map(|r| {
            children(r)
                .into_iter()
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|c| text_of(c).replace('|', "\\|"))
                .collect::<Vec<_>>()
        })
        .filter(|r| !r.is_empty())
        .collect();
    let width = rows.iter().map(Vec::len).max()?.min(64);
    let line = |r: &[String]| {
        let mut cells: Vec<&str> = r.iter().take(width).map(String::as_str).collect();
        cells.resize(width, "");
        format!("| {} |", cells.join(" | "))
    };
    let mut out = vec![line(&rows[0]), format!("|{}", " --- |".repeat(width))];
    out.extend(rows[1..].iter().map(|r| line(r)));
    Some(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html>
<html><head>
<title>How Acme Ships Agents | Acme Engineering</title>
<meta name="description" content="Acme built &amp; shipped agents.">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<meta name="company" content="Acme">
<meta property="article:tag" content="agents"><meta property="article:tag" content="rag">
<link rel="canonical" href="https://acme.example/agents">
<script>var tracking = "SECRET_SCRIPT";</script>
<style>.x { color: red }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/blog">Blog</a></nav>
<header class="site-header">Acme Engineering</header>
<div id="cookie-banner">We use cookies. <button>Accept</button></div>
<article>
<h1>How Acme Ships Agents</h1>
<p>Acme runs <strong>many</strong> agents in <a href="https://prod.example">production</a>.</p>
<h2>Architecture</h2>
<ul><li>Planner<ul><li>Nested step</li></ul></li><li>Executor with <code>tools()</code></li></ul>
<ol><li>First</li><li>Second</li></ol>
<pre><code class="language-python">def f():
    return 1</code></pre>
<table><tr><th>Metric</th><th>Value</th></tr><tr><td>Latency</td><td>200 ms</td></tr></table>
<blockquote><p>It works.</p></blockquote>
<script>document.write("INLINE_SCRIPT")</script>
<aside>Related: other posts</aside>
</article>
<footer>© 2024 Acme. All rights reserved.</footer>
</body></html>"#;

    #[test]
    fn converts_a_saved_page() {
        let cs = parse(PAGE).unwrap();
        assert_eq!(cs.title.as_deref(), Some("How Acme Ships Agents"));
        assert_eq!(cs.summary.as_deref(), Some("Acme built & shipped agents."));
        assert_eq!(cs.year, Some(2024));
        assert_eq!(cs.company.as_deref(), Some("Acme"));
        assert_eq!(cs.tags, ["agents", "rag"]);
        assert_eq!(cs.link.as_deref(), Some("https://acme.example/agents"));
        let b = &cs.body_markdown;
        assert_eq!(
            b,
            "Acme runs **many** agents in [production](https://prod.example).\n\n## Architecture\n\n- Planner\n  - Nested step\n- Executor with `tools()`\n\n1. First\n2. Second\n\n```python\ndef f():\n    return 1\n```\n\n| Metric | Value |\n| --- | --- |\n| Latency | 200 ms |\n\n> It works."
        );
        for bad in [
            "SCRIPT",
            "cookies",
            "Home",
            "Related",
            "rights reserved",
            "color",
        ] {
            assert!(!b.contains(bad), "{bad} leaked into {b}");
        }
    }

    #[test]
    fn title_fallbacks() {
        let cs = parse("<html><head><title>Plain Title — Site</title></head><body><p>Hello there.</p></body></html>").unwrap();
        assert_eq!(cs.title.as_deref(), Some("Plain Title"));
        assert_eq!(cs.body_markdown, "Hello there.");
        let cs = parse("<html><body><h1>Only H1</h1><p>x</p></body></html>").unwrap();
        assert_eq!(cs.title.as_deref(), Some("Only H1"));
        assert_eq!(cs.body_markdown, "x");
    }

    /// The parser's work grows with the square of the nesting (100,000 nested `<div>`s took
    /// minutes): a file nested past the limit is refused at once; siblings, void elements,
    /// elements with optional end tags and the text of scripts do not count.
    #[test]
    fn nesting_past_the_limit_is_refused_and_counted_from_tags() {
        let deep = |n: usize| {
            format!(
                "<html><body>{}x{}</body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            )
        };
        assert_eq!(tag_shape(&deep(MAX_NESTING)).deepest, MAX_NESTING);
        let t = std::time::Instant::now();
        assert_eq!(
            parse(&deep(100_000)),
            Err(ParseError::Malformed {
                format: "HTML",
                reason: format!("elements nested more than {MAX_NESTING} deep"),
            })
        );
        assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
        let flat = format!(
            "<html><body><ul>{}</ul>{}<p>a<p>b<br><img src=x><hr/><script>{}</script></body></html>",
            "<li>item".repeat(10_000),
            "<div>x</div>".repeat(10_000),
            "<div>".repeat(10_000)
        );
        assert_eq!(
            tag_shape(&flat),
            TagShape {
                deepest: 1,
                most_attributes: 1
            }
        );
        assert!(parse(&flat).is_ok());
        // One tag with too many attributes is refused too (quoted values do not count).
        let attrs = format!(
            "<html><body><p {}>x</p></body></html>",
            "a=1 ".repeat(100_000)
        );
        assert!(
            matches!(parse(&attrs), Err(ParseError::Malformed { reason, .. }) if reason.contains("attributes"))
        );
        let data = format!(
            "<html><body><img src=\"data:image/png;base64,{}\"><p>x</p></body></html>",
            "QUFB=".repeat(100_000)
        );
        assert_eq!(tag_shape(&data).most_attributes, 1);
        // Many scripts: each one's text is skipped once (no quadratic rescans).
        let scripts = "<script>if (a<b) x()</SCRIPT><div>".repeat(50_000);
        assert_eq!(tag_shape(&scripts).deepest, MAX_NESTING + 1);
        // A Markdown line written in HTML that deep keeps its text.
        let line = format!(
            "{}some words{}",
            "<div>".repeat(10_000),
            "</div>".repeat(10_000)
        );
        assert_eq!(fragment_to_markdown(&line), "some words");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!(
            "<html><body>{}deep text{}</body></html>",
            "<div>".repeat(2_000),
            "</div>".repeat(2_000)
        );
        let cs = parse(&html).unwrap();
        assert!(cs.body_markdown.contains("deep text"));
        let html = format!(
            "<html><body>{}<script>bad()</script>x</body></html>",
            "<span>".repeat(2_000)
        );
        assert!(!parse(&html).unwrap().body_markdown.contains("bad"));
    }

    #[test]
    fn nested_tables_give_their_text_once() {
        let depth = 40;
        let html = format!(
            "<html><body><article><h1>T</h1>{}{}</article></body></html>",
            "<table><tr><td>cell words here".repeat(depth),
            "</td></tr></table>".repeat(depth)
        );
        let md = parse(&html).unwrap().body_markdown;
        assert_eq!(md.matches("cell words here").count(), depth, "{md}");
        assert!(
            md.len() < html.len(),
            "{} bytes from {}",
            md.len(),
            html.len()
        );
    }
}
