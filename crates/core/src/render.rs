//! Markdown → sanitised HTML (for the reader) and plain text (for search and snippets).
//! (being written)

use crate::model::RenderedBody;

/// Render Markdown to HTML safe for the webview, with a table of contents.
pub fn to_html(markdown: &str) -> RenderedBody {
    RenderedBody {
        html: ammonia::clean(markdown),
        toc: Vec::new(),
    }
}

/// The readable text of a Markdown body: no markup, paragraphs separated by blank lines.
pub fn to_plain_text(markdown: &str) -> String {
    markdown.to_string()
}
