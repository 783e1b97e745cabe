//! Markdown → sanitised HTML (for the reader) and plain text (for search and snippets).
//!
//! Markdown is parsed with pulldown-cmark (tables, strikethrough, task lists, footnotes).
//! Raw HTML inside Markdown passes through the parser, so **ammonia is the security
//! boundary**: an explicit allow-list of tags and attributes, no `style`, links only
//! `http`/`https`/`mailto` (plus in-page `#h-…`/`#fn-…` anchors) with
//! `rel="noopener noreferrer"`, no images at all.
//!
//! The HTML contract with the UI:
//! * headings carry `id="h-<slug>"` (unique; the [`TocEntry::anchor`]); every `id` in the
//!   output starts with `h-`, `fn-` or `fnref-` (others are dropped), so no id can clobber
//!   a global of the webview's scripts;
//! * images become `<a class="remote-image" href="URL">[image: alt]</a>` (or a
//!   `<span class="remote-image">` when the source is not an http(s) URL or the image sits
//!   inside a link): reading stays offline and private;
//! * table cells carry `class="align-left|align-center|align-right"` instead of styles;
//! * task-list markers are `<span class="task-done">☑</span>` / `<span class="task-open">☐</span>`;
//! * footnote references are `<sup class="footnote-reference"><a href="#fn-N">N</a></sup>`,
//!   definitions `<div class="footnote-definition" id="fn-N">`.

use crate::model::{RenderedBody, TocEntry};
use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Prefix of heading ids.
pub const HEADING_ID_PREFIX: &str = "h-";
const FOOTNOTE_ID_PREFIX: &str = "fn-";
const FOOTNOTE_REF_ID_PREFIX: &str = "fnref-";
/// Longest heading slug (characters) before the prefix and uniqueness suffix.
const MAX_ANCHOR_CHARS: usize = 64;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

// ---------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------

/// Render Markdown to HTML safe for the webview, with a table of contents.
pub fn to_html(markdown: &str) -> RenderedBody {
    let (events, toc) = prepare_events(markdown);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2 + 64);
    pulldown_cmark::html::push_html(&mut raw, events.into_iter());
    let html = sanitizer().clean(&raw).to_string();
    RenderedBody { html, toc }
}

/// Most Markdown the reader renders of one body: 7× the longest write-up of the LLMOps corpus
/// (37 KB). A 3 MB page of 100,000 headings took the webview minutes to lay out; past this,
/// the reader shows the blocks that fit and says so (search and export keep all of it).
pub const READER_MAX_MARKDOWN: usize = 256 * 1024;

/// [`to_html`] of at most [`READER_MAX_MARKDOWN`] bytes of `markdown`, cut before the first
/// top-level block that does not fit (or inside a first block larger than that, at a
/// space), with a last paragraph saying how much is not shown.
pub fn to_reader_html(markdown: &str) -> RenderedBody {
    if markdown.len() <= READER_MAX_MARKDOWN {
        return to_html(markdown);
    }
    let mut cut = 0;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            if range.end > READER_MAX_MARKDOWN {
                break;
            }
            cut = range.end;
        }
    }
    if cut == 0 {
        let mut at = READER_MAX_MARKDOWN;
        while !markdown.is_char_boundary(at) {
            at -= 1;
        }
        cut = markdown[..at]
            .rfind(char::is_whitespace)
            .filter(|&i| i > at / 2)
            .unwrap_or(at);
    }
    let shown = format!(
        "{}\n\n---\n\n*The reader shows the first {} KB of this case study's {} KB; search and \
         export use all of it.*\n",
        &markdown[..cut],
        cut / 1024,
        markdown.len() / 1024
    );
    to_html(&shown)
}

/// `markdown` without its first block when that is a first-level heading saying the same as
/// `title` (case and spacing aside; or its start, when the title was cut short): bare
/// Markdown files begin with `# Title`, which the reader already shows above the body.
pub fn without_title_heading<'a>(markdown: &'a str, title: &str) -> &'a str {
    let mut events = Parser::new_ext(markdown, options()).into_offset_iter();
    let Some((
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        }),
        heading,
    )) = events.next()
    else {
        return markdown;
    };
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    let (text, title) = (
        collapse_whitespace(&text).to_lowercase(),
        collapse_whitespace(title).to_lowercase(),
    );
    let cut_short = title
        .strip_suffix('…')
        .is_some_and(|start| !start.is_empty() && text.starts_with(start.trim_end()));
    if !text.is_empty() && (text == title || cut_short) {
        markdown.get(heading.end..).unwrap_or(markdown)
    } else {
        markdown
    }
}

/// The headings of a Markdown body, as [`to_html`] anchors them (cheaper: no HTML).
pub fn headings(markdown: &str) -> Vec<TocEntry> {
    let mut toc = Vec::new();
    let mut anchors = Anchors::default();
    let mut current: Option<(u8, String)> = None;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((level_number(level), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = current.take() {
                    let text = collapse_whitespace(&text);
                    let anchor = anchors.make(&text);
                    toc.push(TocEntry {
                        level,
                        text,
                        anchor,
                    });
                }
            }
            _ => {}
        }
    }
    toc
}

/// The text of the first paragraph of a Markdown body that has any (whitespace collapsed,
/// raw HTML tags dropped); empty when there is none.
pub fn first_paragraph(markdown: &str) -> String {
    let mut text = String::new();
    let mut in_paragraph = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) => {
                in_paragraph = false;
                if !text.trim().is_empty() {
                    break;
                }
                text.clear();
            }
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    collapse_whitespace(&text)
}

/// Unique heading anchors: `h-overview`, `h-overview-1`, …
#[derive(Default)]
struct Anchors {
    used: HashSet<String>,
    /// Per base anchor, the next number to try.
    next: HashMap<String, usize>,
}

impl Anchors {
    fn make(&mut self, text: &str) -> String {
        let mut slug = anchor_slug(text);
        if slug.is_empty() {
            slug.push_str("section");
        }
        let base = format!("{HEADING_ID_PREFIX}{slug}");
        let mut anchor = base.clone();
        // Numbering resumes where this base's last one stopped: 100,000 headings alike
        // would otherwise try every number before theirs (minutes).
        let n = self.next.entry(base.clone()).or_insert(1);
        while self.used.contains(&anchor) {
            anchor = format!("{base}-{n}");
            *n += 1;
        }
        self.used.insert(anchor.clone());
        anchor
    }
}

/// GitHub-like heading slug: lower case, letters and digits of any script kept, anything
/// else → `-`, collapsed, trimmed, at most [`MAX_ANCHOR_CHARS`] characters.
fn anchor_slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    let mut count = 0usize;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
                count += 1;
            }
            dash = false;
            for l in c.to_lowercase() {
                out.push(l);
            }
            count += 1;
            if count >= MAX_ANCHOR_CHARS {
                break;
            }
        } else {
            dash = true;
        }
    }
    out
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Deepest nesting of quotes, lists and list items the reader shows; deeper ones are shown
/// at this depth. (The sanitiser's HTML parser works in the square of the nesting: 20,000
/// nested `>` quotes took a second, 100,000 a minute.)
const MAX_CONTAINER_DEPTH: usize = 48;
/// Most tags and attributes (counted as `<` and `=`) of raw HTML in a body passed on to the
/// sanitiser; past them, raw HTML is shown as text (same reason, and its parser compares
/// each attribute of a tag with the ones before it).
const MAX_RAW_HTML_TAGS: usize = 4_000;

/// What raw HTML costs of [`MAX_RAW_HTML_TAGS`].
fn raw_html_cost(h: &str) -> usize {
    h.bytes().filter(|&c| c == b'<' || c == b'=').count()
}

/// Parser events rewritten for Casebook's HTML contract (ids, images, cells, footnotes,
/// tasks), with the table of contents; nesting and raw HTML within the limits above.
fn prepare_events(markdown: &str) -> (Vec<Event<'_>>, Vec<TocEntry>) {
    let mut out: Vec<Event<'_>> = Vec::new();
    // Per open quote, list or item: whether it is shown; how many shown are open.
    let mut containers: Vec<bool> = Vec::new();
    let mut shown_depth = 0usize;
    let mut raw_tags = 0usize;
    let mut toc = Vec::new();
    let mut anchors = Anchors::default();
    // Heading being buffered: level, its inner events, its text.
    let mut heading: Option<(u8, Vec<Event<'_>>, String)> = None;
    // Image being collected: destination, title, alt text, nesting depth of inner images.
    let mut image: Option<(CowStr<'_>, CowStr<'_>, String, usize)> = None;
    let mut link_depth = 0usize;
    let mut alignments: Vec<Alignment> = Vec::new();
    let mut in_table_head = false;
    let mut cell = 0usize;
    let mut footnotes: HashMap<String, usize> = HashMap::new();
    let mut footnote_refs_seen: HashSet<usize> = HashSet::new();

    for event in Parser::new_ext(markdown, options()) {
        // Inside an image: collect the alt text only.
        if let Some((_, _, alt, depth)) = image.as_mut() {
            match event {
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Image) => {
                    if let Some((dest, title, alt, _)) = image.take() {
                        let html = image_placeholder(&dest, &title, &alt, link_depth > 0);
                        push(&mut out, &mut heading, Event::Html(html.into()));
                    }
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
            continue;
        }
        match &event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) => {
                let shown = shown_depth < MAX_CONTAINER_DEPTH;
                containers.push(shown);
                if !shown {
                    continue;
                }
                shown_depth += 1;
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) => {
                if containers.pop() == Some(false) {
                    continue;
                }
                shown_depth = shown_depth.saturating_sub(1);
            }
            _ => {}
        }
        let event = match event {
            Event::Html(h) | Event::InlineHtml(h)
                if raw_tags + raw_html_cost(&h) > MAX_RAW_HTML_TAGS =>
            {
                raw_tags = MAX_RAW_HTML_TAGS;
                Event::Text(h)
            }
            other => {
                if let Event::Html(h) | Event::InlineHtml(h) = &other {
                    raw_tags += raw_html_cost(h);
                }
                other
            }
        };
        let rewritten: Event<'_> = match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level_number(level), Vec::new(), String::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, inner, text)) = heading.take() {
                    let text = collapse_whitespace(&text);
                    let anchor = anchors.make(&text);
                    out.push(Event::Html(
                        format!("<h{level} id=\"{}\">", escape_attr(&anchor)).into(),
                    ));
                    out.extend(inner);
                    out.push(Event::Html(format!("</h{level}>\n").into()));
                    toc.push(TocEntry {
                        level,
                        text,
                        anchor,
                    });
                }
                continue;
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                image = Some((dest_url, title, String::new(), 0));
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                link_depth += 1;
                let dest_url = match dest_url.strip_prefix('#') {
                    Some(fragment) if !is_own_fragment(fragment) => {
                        CowStr::from(format!("#{HEADING_ID_PREFIX}{}", anchor_slug(fragment)))
                    }
                    _ => dest_url,
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                Event::End(TagEnd::Link)
            }
            Event::Start(Tag::Table(a)) => {
                alignments = a.clone();
                Event::Start(Tag::Table(a))
            }
            Event::Start(Tag::TableHead) => {
                in_table_head = true;
                cell = 0;
                Event::Start(Tag::TableHead)
            }
            Event::End(TagEnd::TableHead) => {
                in_table_head = false;
                Event::End(TagEnd::TableHead)
            }
            Event::Start(Tag::TableRow) => {
                cell = 0;
                Event::Start(Tag::TableRow)
            }
            Event::Start(Tag::TableCell) => {
                let name = if in_table_head { "th" } else { "td" };
                let class = match alignments.get(cell) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    _ => "",
                };
                Event::Html(format!("<{name}{class}>").into())
            }
            Event::End(TagEnd::TableCell) => {
                let name = if in_table_head { "th" } else { "td" };
                cell += 1;
                Event::Html(format!("</{name}>").into())
            }
            Event::TaskListMarker(done) => Event::Html(
                if done {
                    "<span class=\"task-done\">☑</span> "
                } else {
                    "<span class=\"task-open\">☐</span> "
                }
                .into(),
            ),
            Event::FootnoteReference(name) => {
                let n = footnote_number(&name, &mut footnotes);
                let id = if footnote_refs_seen.insert(n) {
                    format!(" id=\"{FOOTNOTE_REF_ID_PREFIX}{n}\"")
                } else {
                    String::new()
                };
                Event::Html(
                    format!(
                        "<sup class=\"footnote-reference\"><a href=\"#{FOOTNOTE_ID_PREFIX}{n}\"{id}>{n}</a></sup>"
                    )
                    .into(),
                )
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let n = footnote_number(&name, &mut footnotes);
                Event::Html(
                    format!(
                        "\n<div class=\"footnote-definition\" id=\"{FOOTNOTE_ID_PREFIX}{n}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                    )
                    .into(),
                )
            }
            Event::End(TagEnd::FootnoteDefinition) => Event::Html("</div>\n".into()),
            Event::Html(h) => Event::Html(rewrite_raw_images(h)),
            Event::InlineHtml(h) => Event::InlineHtml(rewrite_raw_images(h)),
            other => other,
        };
        if let Some((_, _, text)) = heading.as_mut() {
            if let Event::Text(t) | Event::Code(t) = &rewritten {
                text.push_str(t);
            }
        }
        push(&mut out, &mut heading, rewritten);
    }
    // Unterminated constructs cannot happen with pulldown-cmark, but never lose text.
    if let Some((level, inner, text)) = heading.take() {
        let anchor = anchors.make(&collapse_whitespace(&text));
        out.push(Event::Html(format!("<h{level} id=\"{anchor}\">").into()));
        out.extend(inner);
        out.push(Event::Html(format!("</h{level}>\n").into()));
    }
    (out, toc)
}

/// Footnotes are numbered in order of first appearance (reference or definition).
fn footnote_number(name: &str, footnotes: &mut HashMap<String, usize>) -> usize {
    let next = footnotes.len() + 1;
    *footnotes.entry(name.to_string()).or_insert(next)
}

fn push<'a>(
    out: &mut Vec<Event<'a>>,
    heading: &mut Option<(u8, Vec<Event<'a>>, String)>,
    e: Event<'a>,
) {
    match heading.as_mut() {
        Some((_, inner, _)) => inner.push(e),
        None => out.push(e),
    }
}

fn is_own_fragment(fragment: &str) -> bool {
    [
        HEADING_ID_PREFIX,
        FOOTNOTE_ID_PREFIX,
        FOOTNOTE_REF_ID_PREFIX,
    ]
    .iter()
    .any(|p| fragment.starts_with(p))
}

fn is_http_url(url: &str) -> bool {
    let lower = url
        .trim()
        .get(..8)
        .unwrap_or(url.trim())
        .to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The offline stand-in for an image.
fn image_placeholder(dest: &str, title: &str, alt: &str, inside_link: bool) -> String {
    let alt = collapse_whitespace(alt);
    let label = if alt.is_empty() {
        "[image]".to_string()
    } else {
        format!("[image: {}]", escape_text(&alt))
    };
    let title_attr = if title.trim().is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape_attr(title))
    };
    if !inside_link && is_http_url(dest) {
        format!(
            "<a class=\"remote-image\" href=\"{}\"{title_attr}>{label}</a>",
            escape_attr(dest.trim())
        )
    } else {
        format!("<span class=\"remote-image\"{title_attr}>{label}</span>")
    }
}

/// Raw `<img …>` tags in HTML passed through Markdown → image placeholders. Best effort for
/// readability only: the sanitiser drops any `<img>` this misses.
fn rewrite_raw_images(html: CowStr<'_>) -> CowStr<'_> {
    if !contains_ignore_ascii_case(&html, "<img") {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest: &str = &html;
    while let Some(pos) = find_ignore_ascii_case(rest, "<img") {
        let after = &rest[pos + 4..];
        let boundary = after
            .chars()
            .next()
            .is_none_or(|c| c.is_ascii_whitespace() || c == '/' || c == '>');
        if !boundary {
            out.push_str(&rest[..pos + 4]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..pos]);
        let (attrs, consumed) = parse_attributes(after);
        let get = |name: &str| {
            attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| decode_entities(v))
        };
        let src = get("src").unwrap_or_default();
        let alt = get("alt").unwrap_or_default();
        let title = get("title").unwrap_or_default();
        out.push_str(&image_placeholder(&src, &title, &alt, false));
        rest = after.get(consumed..).unwrap_or("");
    }
    out.push_str(rest);
    out.into()
}

/// Attributes of a start tag from just after its name up to and including `>` (or the end
/// of the input): `(name, raw value)` pairs and the bytes consumed.
fn parse_attributes(s: &str) -> (Vec<(String, String)>, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut attrs = Vec::new();
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = s.get(start..i).unwrap_or("").to_string();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vstart = i + 1;
                i = vstart;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = s.get(vstart..i).unwrap_or("").to_string();
                i = (i + 1).min(b.len());
            } else {
                let vstart = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = s.get(vstart..i).unwrap_or("").to_string();
            }
        }
        if name.is_empty() {
            i += 1;
        } else {
            attrs.push((name, value));
        }
    }
    (attrs, b.len())
}

fn find_ignore_ascii_case(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    find_ignore_ascii_case(hay, needle).is_some()
}

fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML text or attribute values (also used for search snippets).
pub(crate) fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The allow-list sanitiser, built once.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "a",
            "abbr",
            "b",
            "blockquote",
            "br",
            "caption",
            "cite",
            "code",
            "col",
            "colgroup",
            "dd",
            "del",
            "details",
            "dfn",
            "div",
            "dl",
            "dt",
            "em",
            "figcaption",
            "figure",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "i",
            "ins",
            "kbd",
            "li",
            "mark",
            "ol",
            "p",
            "pre",
            "q",
            "s",
            "samp",
            "small",
            "span",
            "strike",
            "strong",
            "sub",
            "summary",
            "sup",
            "table",
            "tbody",
            "td",
            "tfoot",
            "th",
            "thead",
            "time",
            "tr",
            "u",
            "ul",
            "var",
            "wbr",
        ]
        .into_iter()
        .collect();
        // Dropped together with everything inside them.
        let clean_content: HashSet<&str> = [
            "script", "style", "template", "iframe", "noscript", "noembed", "noframes", "object",
            "applet", "textarea", "title", "xmp", "svg", "math", "select", "head", "frameset",
        ]
        .into_iter()
        .collect();
        let attrs = |list: &[&'static str]| list.iter().copied().collect::<HashSet<&str>>();
        let mut tag_attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
        tag_attributes.insert("a", attrs(&["href", "class", "id"]));
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            tag_attributes.insert(h, attrs(&["id"]));
        }
        tag_attributes.insert("div", attrs(&["class", "id"]));
        tag_attributes.insert("sup", attrs(&["class", "id"]));
        tag_attributes.insert("li", attrs(&["id"]));
        tag_attributes.insert("span", attrs(&["class"]));
        tag_attributes.insert("code", attrs(&["class"]));
        tag_attributes.insert("th", attrs(&["class", "colspan", "rowspan", "scope"]));
        tag_attributes.insert("td", attrs(&["class", "colspan", "rowspan"]));
        tag_attributes.insert("ol", attrs(&["start"]));
        tag_attributes.insert("time", attrs(&["datetime"]));

        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .clean_content_tags(clean_content)
            .tag_attributes(tag_attributes)
            .generic_attributes(attrs(&["title", "lang"]))
            .url_schemes(attrs(&["http", "https", "mailto"]))
            .link_rel(Some("noopener noreferrer"))
            .strip_comments(true)
            .url_relative(ammonia::UrlRelative::Custom(Box::new(own_fragment_only)))
            .attribute_filter(filter_attribute);
        b
    })
}

/// Relative URLs: in-page anchors of our own only; any other relative URL would navigate
/// the webview inside the app.
fn own_fragment_only(url: &str) -> Option<Cow<'_, str>> {
    url.strip_prefix('#')
        .filter(|f| is_own_fragment(f))
        .map(|_| Cow::Borrowed(url))
}

fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match attribute {
        "id" => is_own_fragment(value).then_some(Cow::Borrowed(value)),
        "class" => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|c| allowed_class(element, c))
                .collect();
            if kept.is_empty() {
                None
            } else {
                Some(Cow::Owned(kept.join(" ")))
            }
        }
        "start" | "colspan" | "rowspan" => {
            (!value.is_empty() && value.len() <= 6 && value.bytes().all(|b| b.is_ascii_digit()))
                .then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

fn allowed_class(element: &str, class: &str) -> bool {
    match element {
        "a" => matches!(class, "remote-image"),
        "span" => matches!(class, "remote-image" | "task-done" | "task-open"),
        "th" | "td" => matches!(class, "align-left" | "align-center" | "align-right"),
        "div" => class == "footnote-definition",
        "sup" => matches!(class, "footnote-reference" | "footnote-definition-label"),
        "code" => class.strip_prefix("language-").is_some_and(|lang| {
            !lang.is_empty()
                && lang.len() <= 32
                && lang.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'#' | b'.')
                })
        }),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Plain text
// ---------------------------------------------------------------------------------------

/// Separation owed before the next text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    None,
    Space,
    Line,
    Paragraph,
}

struct TextOut {
    out: String,
    pending: Break,
}

impl TextOut {
    fn brk(&mut self, b: Break) {
        self.pending = self.pending.max(b);
    }

    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if !self.out.is_empty() {
            match self.pending {
                Break::None => {}
                Break::Space => {
                    if !self.out.ends_with(char::is_whitespace)
                        && !s.starts_with(char::is_whitespace)
                    {
                        self.out.push(' ');
                    }
                }
                Break::Line => {
                    trim_end_spaces(&mut self.out);
                    self.out.push('\n');
                }
                Break::Paragraph => {
                    trim_end_spaces(&mut self.out);
                    self.out.push_str("\n\n");
                }
            }
        }
        self.pending = Break::None;
        if self.out.is_empty() || self.out.ends_with('\n') {
            self.out.push_str(s.trim_start_matches([' ', '\t']));
        } else {
            self.out.push_str(s);
        }
    }
}

fn trim_end_spaces(s: &mut String) {
    let t = s.trim_end().len();
    s.truncate(t);
}

/// The version of [`to_plain_text`]'s output. Libraries keep most plain texts as "what
/// `to_plain_text` makes of the Markdown" and highlights as offsets into them: bump this
/// whenever the output can change, and opening a library places its highlights again and
/// reindexes (`Library::open`).
pub const PLAIN_TEXT_VERSION: i64 = 1;

/// The readable text of a Markdown body: no markup, no raw HTML tags, entities decoded;
/// paragraphs (and headings, blocks, tables) separated by blank lines, list items and table
/// rows on their own lines, table cells separated by spaces. Deterministic.
pub fn to_plain_text(markdown: &str) -> String {
    let mut t = TextOut {
        out: String::with_capacity(markdown.len()),
        pending: Break::None,
    };
    let mut html = HtmlText::default();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            // Text between inline `<script>`…`</script>` tags is not content.
            Event::Text(_) | Event::Code(_) if html.skipping.is_some() => {}
            Event::Text(s) | Event::Code(s) | Event::InlineMath(s) | Event::DisplayMath(s) => {
                t.text(&s)
            }
            Event::Html(s) | Event::InlineHtml(s) => html.feed(&s, &mut t),
            Event::SoftBreak => t.brk(Break::Space),
            Event::HardBreak => t.brk(Break::Line),
            Event::Rule => t.brk(Break::Paragraph),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
            Event::Start(tag) => match tag {
                Tag::Item | Tag::TableRow | Tag::TableHead | Tag::DefinitionListTitle => {
                    t.brk(Break::Line)
                }
                Tag::DefinitionListDefinition => t.brk(Break::Line),
                Tag::TableCell => t.brk(Break::Space),
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList
                | Tag::MetadataBlock(_) => t.brk(Break::Paragraph),
                Tag::Image { .. } => t.brk(Break::None),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead => t.brk(Break::Line),
                TagEnd::DefinitionListTitle | TagEnd::DefinitionListDefinition => {
                    t.brk(Break::Line)
                }
                TagEnd::TableCell => t.brk(Break::Space),
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::List(_)
                | TagEnd::Table
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionList
                | TagEnd::MetadataBlock(_) => t.brk(Break::Paragraph),
                _ => {}
            },
        }
    }
    let mut out = t.out;
    // Code blocks keep their lines; nothing else ends in whitespace.
    let end = out.trim_end().len();
    out.truncate(end);
    out
}

/// Raw HTML → text, across the fragments pulldown-cmark hands out (an HTML block arrives
/// line by line, a tag may span lines).
#[derive(Default)]
struct HtmlText {
    state: HtmlState,
    /// Name of the element whose content is being skipped (`script`, `style`, …).
    skipping: Option<String>,
    /// The tag being read: its name so far, whether it is a closing tag.
    tag_name: String,
    closing: bool,
    quote: Option<char>,
    /// Text not yet flushed (entities are decoded on flush).
    text: String,
    /// Dashes seen at the end of a comment so far.
    comment_dashes: u8,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum HtmlState {
    #[default]
    Text,
    TagName,
    InTag,
    Comment,
    /// `<!DOCTYPE …>`, `<?…>`: skipped up to `>`.
    Declaration,
}

const SKIP_CONTENT: &[&str] = &[
    "script", "style", "template", "iframe", "noscript", "noembed", "noframes", "object", "applet",
    "textarea", "title", "xmp", "svg", "math", "select", "head",
];
const LINE_TAGS: &[&str] = &["br", "li", "tr", "dt", "dd", "option"];
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "nav",
    "main",
    "figure",
    "figcaption",
    "hr",
    "details",
    "summary",
    "address",
    "form",
    "fieldset",
    "caption",
    "center",
];
const CELL_TAGS: &[&str] = &["td", "th"];

impl HtmlText {
    fn feed(&mut self, s: &str, t: &mut TextOut) {
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match self.state {
                HtmlState::Text => {
                    if let Some(name) = &self.skipping {
                        // Look for `</name` from here.
                        let rest = &s[i..];
                        let needle = format!("</{name}");
                        match find_ignore_ascii_case(rest, &needle) {
                            Some(p) => {
                                let skip_to = i + p + needle.len();
                                while chars.peek().is_some_and(|&(j, _)| j < skip_to) {
                                    chars.next();
                                }
                                self.skipping = None;
                                self.state = HtmlState::InTag;
                                self.closing = true;
                                self.tag_name.clear();
                            }
                            None => return,
                        }
                        continue;
                    }
                    if c == '<' {
                        match chars.peek().map(|&(_, n)| n) {
                            Some(n) if n.is_ascii_alphabetic() || n == '/' => {
                                self.flush(t);
                                self.state = HtmlState::TagName;
                                self.tag_name.clear();
                                self.closing = n == '/';
                                if self.closing {
                                    chars.next();
                                }
                            }
                            Some('!') => {
                                self.flush(t);
                                if s[i..].starts_with("<!--") {
                                    chars.next();
                                    chars.next();
                                    chars.next();
                                    self.state = HtmlState::Comment;
                                    self.comment_dashes = 0;
                                } else {
                                    self.state = HtmlState::Declaration;
                                }
                            }
                            Some('?') => {
                                self.flush(t);
                                self.state = HtmlState::Declaration;
                            }
                            _ => self.text.push(c),
                        }
                    } else {
                        self.text.push(c);
                    }
                }
                HtmlState::TagName => {
                    if c.is_ascii_alphanumeric() || c == '-' || c == ':' {
                        if self.tag_name.len() < 32 {
                            self.tag_name.push(c.to_ascii_lowercase());
                        }
                    } else if c == '>' {
                        self.end_tag(t);
                    } else {
                        self.state = HtmlState::InTag;
                        self.quote = None;
                    }
                }
                HtmlState::InTag => match (self.quote, c) {
                    (Some(q), c) if c == q => self.quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => self.quote = Some(c),
                    (None, '>') => self.end_tag(t),
                    _ => {}
                },
                HtmlState::Comment => {
                    if c == '-' {
                        self.comment_dashes = self.comment_dashes.saturating_add(1);
                    } else if c == '>' && self.comment_dashes >= 2 {
                        self.state = HtmlState::Text;
                    } else {
                        self.comment_dashes = 0;
                    }
                }
                HtmlState::Declaration => {
                    if c == '>' {
                        self.state = HtmlState::Text;
                    }
                }
            }
        }
        if self.state == HtmlState::Text {
            self.flush(t);
        }
    }

    fn end_tag(&mut self, t: &mut TextOut) {
        self.state = HtmlState::Text;
        self.quote = None;
        let name = self.tag_name.as_str();
        if LINE_TAGS.contains(&name) {
            t.brk(Break::Line);
        } else if BLOCK_TAGS.contains(&name) {
            t.brk(Break::Paragraph);
        } else if CELL_TAGS.contains(&name) {
            t.brk(Break::Space);
        }
        if !self.closing && SKIP_CONTENT.contains(&name) {
            self.skipping = Some(name.to_string());
        }
    }

    fn flush(&mut self, t: &mut TextOut) {
        if self.text.is_empty() {
            return;
        }
        let raw = std::mem::take(&mut self.text);
        let decoded = decode_entities(&raw);
        // HTML collapses whitespace: runs become one separating space.
        let mut first = true;
        if decoded.starts_with(char::is_whitespace) {
            t.brk(Break::Space);
        }
        for word in decoded.split_whitespace() {
            if !first {
                t.brk(Break::Space);
            }
            t.text(word);
            first = false;
        }
        if decoded.ends_with(char::is_whitespace) {
            t.brk(Break::Space);
        }
    }
}

/// Decode HTML character references: named (the full HTML5 table), decimal and hex.
/// Anything that is not a complete reference stays as written.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // The longest entity name is 32 characters; look a little further for `;`.
        let window = after.get(..after.len().min(40)).unwrap_or(after);
        let decoded = window.find(';').and_then(|semi| {
            let body = &after[..semi];
            let c = if let Some(num) = body.strip_prefix('#') {
                let cp = match num.strip_prefix(['x', 'X']) {
                    Some(hex) if !hex.is_empty() => u32::from_str_radix(hex, 16).ok(),
                    None if !num.is_empty() => num.parse::<u32>().ok(),
                    _ => None,
                }?;
                let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                if c == '\0' {
                    '\u{FFFD}'.to_string()
                } else {
                    c.to_string()
                }
            } else {
                let key = &after[..=semi];
                let &(a, b) = web_atoms::NAMED_ENTITIES.get(key)?;
                let mut s = String::new();
                s.extend(char::from_u32(a));
                if b != 0 {
                    s.extend(char::from_u32(b));
                }
                s
            };
            Some((c, semi + 1))
        });
        match decoded {
            Some((text, len)) => {
                out.push_str(&text);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
