//! Import: bytes of a file → case studies.
//!
//! `parse_file` is a pure function of a file's name and bytes: decode → detect → parse.
//! Scanning folders and archives, deduplication and writing live in `scan`, `dedup` and
//! `Library::import`.

pub mod decode;
pub mod dedup;
pub mod detect;
pub mod frontmatter;
pub mod html;
pub mod labelled;
mod markdown;
pub mod records;
pub mod scan;
pub mod scraped;

use crate::model::{ParsedCaseStudy, SourceFormat};

/// Limits on what one file may hold. Documented in the README.
pub mod limits {
    /// Largest single file (or archive entry) read: 32 MiB.
    pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
    /// Longest title kept (characters); longer ones are cut at a word boundary.
    pub const MAX_TITLE_CHARS: usize = 300;
    /// Most tags kept per case study.
    pub const MAX_TAGS: usize = 200;
    /// Most records read from one JSON/JSONL/CSV file.
    pub const MAX_RECORDS_PER_FILE: usize = 1_000_000;
}

/// Why a file (or one record of it) could not be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    /// Not a case-study file Casebook reads (image, PDF, executable, …).
    #[error("unsupported file type ({0})")]
    Unsupported(String),
    /// Binary data, or text in no encoding Casebook can read.
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// The file holds no text worth keeping.
    #[error("no text")]
    NoText,
    /// Larger than the limit for one file.
    #[error("too large ({size} bytes; the limit is {limit})")]
    TooLarge { size: u64, limit: u64 },
    /// The file changed while it was read (still being written, or rewritten): what was read
    /// may be torn, so a file or archive is not imported from it; of a streamed JSON Lines
    /// file, the complete records read before are kept.
    #[error(
        "changed while it was read (still being written?); import it again once it is complete"
    )]
    Changed,
    /// The structure is broken beyond repair (e.g. invalid JSON).
    #[error("malformed {format}: {reason}")]
    Malformed {
        format: &'static str,
        reason: String,
    },
}

/// One case study found in a file: `locator` tells records of a multi-record file apart
/// (`#12` for the 13th JSONL line, CSV row or JSON array item); `None` for single files.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEntry {
    pub locator: Option<String>,
    pub format: SourceFormat,
    pub result: Result<ParsedCaseStudy, ParseError>,
}

/// Parse one file. `name` is the file name (its extension is a hint, never trusted alone).
/// Errors concern the file as a whole; a multi-record file reports bad records per entry.
pub fn parse_file(name: &str, bytes: &[u8]) -> Result<Vec<ParsedEntry>, ParseError> {
    let text = decode::decode(bytes)?;
    parse_text(name, &text)
}

/// Parse already-decoded text (what `parse_file` does after decoding).
pub fn parse_text(name: &str, text: &str) -> Result<Vec<ParsedEntry>, ParseError> {
    use detect::Shape;
    let single = |format: SourceFormat, cs: ParsedCaseStudy| {
        if markdown::is_empty(&cs) {
            return Err(ParseError::NoText);
        }
        Ok(vec![ParsedEntry {
            locator: None,
            format,
            result: Ok(cs),
        }])
    };
    match detect::detect(name, text) {
        Shape::FrontMatter => match frontmatter::parse(text) {
            Some(cs) => single(SourceFormat::FrontMatter, cs),
            None => single(SourceFormat::Markdown, markdown_only(text)),
        },
        Shape::Json => records::parse_json(text),
        Shape::Jsonl => records::parse_jsonl(text),
        Shape::Csv => records::parse_csv(text),
        Shape::Html => single(SourceFormat::Html, html::parse(text)?),
        Shape::Labelled => single(SourceFormat::Labelled, labelled::parse(text)),
        Shape::Scraped => single(SourceFormat::Scraped, scraped::parse(text)),
        Shape::Markdown => single(SourceFormat::Markdown, markdown_only(text)),
    }
}

/// Markdown or plain text with no metadata: the body only.
fn markdown_only(text: &str) -> ParsedCaseStudy {
    markdown::finish(ParsedCaseStudy {
        body_markdown: markdown::body_markdown(text),
        ..Default::default()
    })
}
