//! Entry points shared by the fuzz targets (`fuzz/fuzz_targets/*.rs` include this file) and
//! by the stable replay of their corpus (`tests/hostile.rs`): each takes arbitrary bytes,
//! drives one part of the core the way the app does, and panics only when an invariant
//! breaks (a crash in the fuzzer, a failure in the replay).
//!
//! [`assert_inert`] is the HTML check used by the XSS tests as well: it parses the HTML
//! with html5ever (through `scraper`) rather than matching strings.

#![allow(dead_code)]

use casebook_core::import::{limits, parse_file, scan};
use casebook_core::{normalize::normalize, render, Library, SearchRequest};

/// File names the first byte of a `parse` input chooses between, so every extension path
/// of detection is reached (the extension is a tie-breaker, never trusted alone).
pub const NAMES: [&str; 16] = [
    "a.md",
    "a.markdown",
    "a.txt",
    "a.html",
    "a.htm",
    "a.json",
    "a.jsonl",
    "a.ndjson",
    "a.csv",
    "a.tsv",
    "a.text",
    "noextension",
    "a.xml",
    "a.pdf",
    "a.PNG",
    ".md",
];

/// Parse → normalise → render, as `Library::import` and the reader do, checking what the
/// library would store: a title within the cap, tags within the cap, sane text, inert HTML.
pub fn parse(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Ok(entries) = parse_file(name, bytes) else {
        return;
    };
    assert!(entries.len() <= limits::MAX_RECORDS_PER_FILE);
    for entry in entries {
        let Ok(parsed) = entry.result else { continue };
        if let Some(t) = &parsed.title {
            assert!(
                t.chars().count() <= limits::MAX_TITLE_CHARS,
                "title too long"
            );
        }
        assert!(parsed.tags.len() <= limits::MAX_TAGS, "too many tags");
        let n = normalize(parsed);
        assert!(n.title.chars().count() <= limits::MAX_TITLE_CHARS);
        assert!(!n.title.trim().is_empty(), "empty title after normalising");
        assert!(n.tags.len() <= limits::MAX_TAGS && n.inferred_tags.len() <= limits::MAX_TAGS);
        assert!(n.body_markdown.len() <= bytes.len().saturating_mul(4) + 4096);
        let _ = casebook_core::import::dedup::fingerprints(&n.body_text);
        assert_inert(&render::to_html(&n.body_markdown).html);
    }
}

/// A .zip archive read in memory as `Library::import` reads one, every member parsed.
/// First byte even: the rest is the archive's raw bytes. Odd: the rest describes members
/// (`name\0content\0` pairs), written into a real archive, so the fuzzer gets past the CRCs
/// to member names (`../`, absolute, hidden, nested archives) and contents.
pub fn zip(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let archive = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        build_zip(rest, mode & 2 != 0)
    };
    let mut members = 0usize;
    scan::read_zip_bytes("fuzz.zip", &archive, &mut |raw| {
        members += 1;
        assert!(members <= scan::limits::MAX_ARCHIVE_ENTRIES + 1);
        assert!(raw.display.starts_with("fuzz.zip"));
        if let Ok(bytes) = &raw.bytes {
            assert!(bytes.len() as u64 <= limits::MAX_FILE_BYTES);
            let name = raw.display.rsplit(['/', '\\', '!']).next().unwrap_or("");
            let _ = parse_file(name, bytes);
        }
        true
    });
}

fn build_zip(spec: &[u8], deflate: bool) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = ::zip::ZipWriter::new(&mut out);
    let method = if deflate {
        ::zip::CompressionMethod::Deflated
    } else {
        ::zip::CompressionMethod::Stored
    };
    let opts = ::zip::write::SimpleFileOptions::default().compression_method(method);
    let mut parts = spec.split(|&b| b == 0);
    while let (Some(name), Some(content)) = (parts.next(), parts.next()) {
        let name = String::from_utf8_lossy(name);
        // The writer refuses some names; the reader is what is under test.
        if w.start_file(name.as_ref(), opts).is_ok() {
            let _ = w.write_all(content);
        }
    }
    let _ = w.finish();
    out.into_inner()
}

/// A small library (the seeds) in a temporary folder, opened once per process.
pub fn seeded_library() -> &'static Library {
    use std::sync::OnceLock;
    static LIB: OnceLock<(tempfile::TempDir, Library)> = OnceLock::new();
    &LIB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let lib = Library::open(dir.path()).expect("open library");
        (dir, lib)
    })
    .1
}

/// A search as the search box runs it: the query never fails, snippets are escaped text
/// with `<mark>` only. An input starting with a NUL byte is instead a whole request as the
/// webview sends it over IPC (JSON: filters, sort, page), so every request that deserialises
/// is searched too.
pub fn query(data: &[u8]) {
    let req = match data.split_first() {
        Some((0, json)) => match serde_json::from_slice::<SearchRequest>(json) {
            Ok(req) => req,
            Err(_) => return,
        },
        _ => SearchRequest {
            query: String::from_utf8_lossy(data).into_owned(),
            ..Default::default()
        },
    };
    let mut an = casebook_core::index::schema::analyzer();
    let _ = casebook_core::index::query::parse(&req.query, &mut an);
    let resp = seeded_library().search(&req).expect("a search never fails");
    assert!(
        resp.hits.len() as u64 <= resp.total,
        "more hits than the total"
    );
    assert!(
        resp.hits.len() <= req.page.limit as usize,
        "more hits than asked for"
    );
    for hit in &resp.hits {
        assert_snippet_inert(&hit.snippet);
    }
}

/// Markdown → HTML (and the plain-text and heading views of the same body).
pub fn render_markdown(data: &[u8]) {
    let md = String::from_utf8_lossy(data);
    let out = render::to_html(&md);
    assert_inert(&out.html);
    let _ = render::to_plain_text(&md);
    let _ = render::first_paragraph(&md);
    for h in render::headings(&md) {
        assert!(h.anchor.starts_with(render::HEADING_ID_PREFIX));
    }
}

/// A snippet is escaped text with `<mark>…</mark>` around hits and nothing else.
pub fn assert_snippet_inert(snippet: &str) {
    let rest = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!rest.contains('<'), "markup in a snippet: {snippet}");
    assert_inert(snippet);
}

/// Elements that may appear in HTML handed to the webview (render.rs's allow-list).
const ALLOWED: &[&str] = &[
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
];

/// Attributes that may appear (render.rs's allow-list; `rel` is added by the sanitiser).
const ALLOWED_ATTRIBUTES: &[&str] = &[
    "href", "class", "id", "title", "lang", "rel", "colspan", "rowspan", "scope", "start",
    "datetime",
];

/// Panics unless `html` is inert: parsed as the webview would parse it (html5ever, as a
/// fragment inside a `<div>`), every element is on the allow-list (so no script, style,
/// iframe, object, embed, form, meta, base, svg, math, img…), no attribute is an event
/// handler or `style`, and every URL is `http(s):`, `mailto:` or an in-page `#…` anchor.
pub fn assert_inert(html: &str) {
    let frag = scraper::Html::parse_fragment(html);
    for node in frag.tree.root().descendants() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let tag = el.name();
        if tag == "html" {
            continue; // the fragment's own wrapper
        }
        assert!(
            ALLOWED.contains(&tag),
            "element <{tag}> survived in: {html}"
        );
        for (name, value) in el.attrs() {
            let name = name.to_ascii_lowercase();
            // So no event handler (`on…`), `style`, `src`, `srcset`, `action`, `target`…
            assert!(
                ALLOWED_ATTRIBUTES.contains(&name.as_str()),
                "attribute {name}={value:?} survived in: {html}"
            );
            match name.as_str() {
                "href" => assert!(safe_url(value), "URL {value:?} survived in: {html}"),
                // Ids of our own only, so none clobbers a global of the webview's scripts.
                "id" => assert!(
                    ["h-", "fn-", "fnref-"].iter().any(|p| value.starts_with(p)),
                    "id {value:?} survived in: {html}"
                ),
                _ => {}
            }
        }
    }
}

/// True for an in-page anchor of ours or a URL whose scheme is `http`, `https` or `mailto`,
/// read as a browser reads it: control characters and whitespace are stripped first, and
/// the scheme is what comes before the first `:` (so `https:/host/x`, which browsers take
/// as `https://host/x`, is https; a URL with no scheme, which would resolve against the
/// app's own origin, is not safe).
fn safe_url(url: &str) -> bool {
    let squashed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme = squashed.split_once(':').map(|(scheme, _)| scheme);
    squashed.starts_with("#h-")
        || squashed.starts_with("#fn")
        || matches!(scheme, Some("http" | "https" | "mailto"))
}
