//! The data Casebook deals in: what parsers produce, what is stored, what search returns.
//!
//! Types that cross into the desktop UI derive `ts_rs::TS`; their TypeScript bindings are
//! generated into `ui/src/lib/bindings/` by `cargo test -p casebook-core export_bindings`
//! and checked for drift by the test command.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A case study's stable id (SQLite rowid).
pub type CaseStudyId = i64;

/// The shape a source file (or one record of it) had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SourceFormat {
    /// Markdown with a YAML front-matter block.
    FrontMatter,
    /// JSON, JSONL or CSV records of the dataset.
    Record,
    /// A saved HTML page.
    Html,
    /// A labelled-field dump (`Company` / `Title` / … lines, then a flattened body).
    Labelled,
    /// Text scraped from a case-study web page.
    Scraped,
    /// Markdown (or plain text) with no metadata.
    Markdown,
}

impl SourceFormat {
    /// How much a source of this shape is trusted when sources of one case study disagree:
    /// lower wins. Structured metadata beats text we had to take apart.
    pub fn rank(self) -> u8 {
        match self {
            SourceFormat::FrontMatter => 0,
            SourceFormat::Record => 1,
            SourceFormat::Html => 2,
            SourceFormat::Labelled => 3,
            SourceFormat::Scraped => 4,
            SourceFormat::Markdown => 5,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::FrontMatter => "front_matter",
            SourceFormat::Record => "record",
            SourceFormat::Html => "html",
            SourceFormat::Labelled => "labelled",
            SourceFormat::Scraped => "scraped",
            SourceFormat::Markdown => "markdown",
        }
    }

    pub fn parse(s: &str) -> Option<SourceFormat> {
        Some(match s {
            "front_matter" => SourceFormat::FrontMatter,
            "record" => SourceFormat::Record,
            "html" => SourceFormat::Html,
            "labelled" => SourceFormat::Labelled,
            "scraped" => SourceFormat::Scraped,
            "markdown" => SourceFormat::Markdown,
            _ => return None,
        })
    }
}

/// One case study as a parser found it in one file (or one record of a file), before
/// canonicalisation. Every field is what the source says, trimmed; absent is `None`/empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParsedCaseStudy {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub company: Option<String>,
    /// Raw industry as written (`Media & Entertainment`, `tech`, …).
    pub industry: Option<String>,
    pub year: Option<i32>,
    pub link: Option<String>,
    pub summary: Option<String>,
    /// Raw tags as written (`fine_tuning`, `Fine-Tuning`, …).
    pub tags: Vec<String>,
    /// The body as Markdown (HTML-wrapped Markdown already unwrapped, flattened bodies restored).
    pub body_markdown: String,
}

/// A parsed case study after canonicalisation: what the store merges and keeps per source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NormalizedCaseStudy {
    pub title: String,
    /// True when the title was made up from the text (no title in the source).
    pub title_inferred: bool,
    pub slug: Option<String>,
    pub company: Option<String>,
    /// Canonical industry slug (`media-entertainment`), or the raw value lower-cased and
    /// slugified when it is not in the taxonomy.
    pub industry: Option<String>,
    pub year: Option<i32>,
    pub link: Option<String>,
    pub summary: Option<String>,
    /// Canonical tag slugs from the source, sorted, deduplicated.
    pub tags: Vec<String>,
    /// Canonical tag slugs inferred from the text (only when the source had none).
    pub inferred_tags: Vec<String>,
    pub body_markdown: String,
    pub body_text: String,
}

/// A source file (or record) that contributed to a case study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceRef {
    /// Where it was imported from (`dir/file.md`, `export.jsonl#12`, `cases.zip!a/b.md`).
    pub path: String,
    pub format: SourceFormat,
}

/// A stored case study's metadata: one row of `casebook list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseStudy {
    #[ts(type = "number")]
    pub id: CaseStudyId,
    pub slug: String,
    pub title: String,
    pub company: Option<String>,
    /// The key of its company in the library's grouping (see `CompanySummary`).
    #[serde(default)]
    pub company_key: Option<String>,
    pub industry: Option<String>,
    pub year: Option<i32>,
    pub link: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub inferred_tags: Vec<String>,
    /// Tags the user added (or accepted from the inferred ones).
    #[serde(default)]
    pub user_tags: Vec<String>,
    pub sources: Vec<SourceRef>,
    #[serde(default)]
    pub starred: bool,
    #[serde(default)]
    pub read: bool,
    /// When it was last opened (ms since the epoch).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub last_opened_at: Option<i64>,
}

/// A case study with its body: `casebook show`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseStudyDetail {
    #[serde(flatten)]
    pub case_study: CaseStudy,
    pub body_markdown: String,
    pub body_text: String,
}

impl CaseStudyDetail {
    /// The same, with each source named by its file name only (`hostile.md`,
    /// `export.jsonl#12`, `b.md` for `cases.zip!a/b.md`): for the webview, which is shown
    /// where a case study came from but never a path on the user's disk.
    pub fn with_source_names(mut self) -> Self {
        for source in &mut self.case_study.sources {
            let after_archive = source.path.rsplit('!').next().unwrap_or(&source.path);
            let name = after_archive
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(after_archive);
            source.path = name.to_string();
        }
        self
    }
}

/// An entry of a rendered case study's table of contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TocEntry {
    /// Heading level, 1–6.
    pub level: u8,
    pub text: String,
    /// The `id` attribute of the heading in the rendered HTML.
    pub anchor: String,
}

/// A Markdown body rendered for the reader: sanitised HTML and its headings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RenderedBody {
    /// Sanitised HTML: safe to insert into the webview.
    pub html: String,
    pub toc: Vec<TocEntry>,
}

/// How tag filters combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TagMode {
    /// A case study must carry every selected tag.
    #[default]
    All,
    /// A case study must carry at least one selected tag.
    Any,
}

/// Search filters; empty means "no restriction".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Filters {
    /// Canonical tag slugs (source or inferred tags both count).
    pub tags: Vec<String>,
    pub tag_mode: TagMode,
    /// Canonical industry slugs, any of.
    pub industries: Vec<String>,
    /// Company names, any of (exact, case-insensitive).
    pub companies: Vec<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// Only case studies with highlights, a note or user tags.
    pub annotated_only: bool,
    pub starred_only: bool,
    pub unread_only: bool,
    /// Only members of this collection.
    #[ts(type = "number | null")]
    pub collection: Option<CollectionId>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Title,
    /// Most recently opened first; never opened last.
    RecentlyOpened,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Page {
    pub offset: u32,
    pub limit: u32,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            offset: 0,
            limit: 20,
        }
    }
}

/// `{query, filters, sort, page}` in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SearchRequest {
    /// The user's query in Casebook's syntax; empty matches everything.
    pub query: String,
    pub filters: Filters,
    pub sort: Sort,
    pub page: Page,
}

/// One result row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchHit {
    #[ts(type = "number")]
    pub id: CaseStudyId,
    pub slug: String,
    pub title: String,
    pub company: Option<String>,
    pub year: Option<i32>,
    pub industry: Option<String>,
    pub score: f32,
    /// A short extract as HTML: text escaped, hits wrapped in `<mark>…</mark>`, nothing else.
    pub snippet: String,
    /// True when the query's words are in the case study's highlights, notes or user tags
    /// (the same as `matched` naming [`MatchField::Annotations`]).
    #[serde(default)]
    pub matched_annotations: bool,
    /// Which of the query's words matched in which field, fields in [`MatchField`] order,
    /// words in query order; empty for an empty query.
    #[serde(default)]
    pub matched: Vec<FieldMatch>,
}

/// A field a query's word can match in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MatchField {
    Title,
    Company,
    Summary,
    Body,
    /// Highlights, notes and user tags.
    Annotations,
    /// `tag:` in the query.
    Tags,
    /// `industry:` in the query.
    Industry,
    /// `year:` in the query.
    Year,
}

impl MatchField {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchField::Title => "title",
            MatchField::Company => "company",
            MatchField::Summary => "summary",
            MatchField::Body => "body",
            MatchField::Annotations => "annotations",
            MatchField::Tags => "tags",
            MatchField::Industry => "industry",
            MatchField::Year => "year",
        }
    }
}

/// The query's words (as typed: `agents`, `vector search`, `retriev*`) found in one field
/// of a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldMatch {
    pub field: MatchField,
    pub terms: Vec<String>,
}

/// Counts of hits per facet value, over the whole hit set (not just the page).
///
/// Counts honour the query and the filters, except that a sidebar filter does not narrow its
/// own facet where the filter is "any of" ("disjunctive faceting"): the industry, company and
/// year counts ignore the industry, company and year filters respectively (so the sidebar
/// shows what picking another value would add), and the tag counts ignore the tag filter in
/// [`TagMode::Any`]. In [`TagMode::All`] tag counts are among the hits (picking a tag
/// narrows). Restrictions typed in the query (`tag:`, `year:`…) always apply. `company`
/// holds at most the 300 most frequent companies; the other facets are complete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Facets {
    #[ts(type = "Record<string, number>")]
    pub tags: BTreeMap<String, u64>,
    #[ts(type = "Record<string, number>")]
    pub industry: BTreeMap<String, u64>,
    #[ts(type = "Record<string, number>")]
    pub year: BTreeMap<String, u64>,
    #[ts(type = "Record<string, number>")]
    pub company: BTreeMap<String, u64>,
}

/// `{hits, total, facets}` out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchResponse {
    #[ts(type = "number")]
    pub total: u64,
    pub took_ms: f64,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    /// Set when nothing (or very little) matched as typed and close spellings were used
    /// instead: the query that was actually run, e.g. `retrieval augmented`.
    pub corrected_query: Option<String>,
}

/// A file (or record) that could not be imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportFailure {
    pub path: String,
    pub error: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    /// New case studies.
    pub added: u32,
    /// Case studies whose source (same path) changed and was re-read.
    pub updated: u32,
    /// Sources recognised as a case study already in the library and merged into it.
    pub merged: u32,
    /// Sources already imported as they are.
    pub unchanged: u32,
    pub failed: Vec<ImportFailure>,
    /// Ids of the case studies added, updated or merged, for "open the new ones".
    #[ts(type = "number[]")]
    pub changed_ids: Vec<CaseStudyId>,
    /// True when the import was cancelled; what was committed before stays.
    pub cancelled: bool,
}

/// Progress of a running import, reported per batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    /// Files (or records) processed so far.
    pub done: u32,
    /// Files found so far (grows while folders are scanned).
    pub total: u32,
    /// The file being processed, for display.
    pub current: Option<String>,
}

/// Library-wide numbers: `casebook stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Stats {
    #[ts(type = "number")]
    pub case_studies: u64,
    #[ts(type = "number")]
    pub sources: u64,
    #[ts(type = "number")]
    pub companies: u64,
    #[ts(type = "number")]
    pub tags: u64,
    pub year_min: Option<i32>,
    pub year_max: Option<i32>,
    /// Bytes on disk (database + index).
    #[ts(type = "number")]
    pub disk_bytes: u64,
    /// Documents in the search index (equals `case_studies` when consistent).
    #[ts(type = "number")]
    pub indexed: u64,
}

/// The colours a highlight can have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HighlightColor {
    #[default]
    Yellow,
    Green,
    Blue,
    Pink,
    Purple,
}

impl HighlightColor {
    pub fn as_str(self) -> &'static str {
        match self {
            HighlightColor::Yellow => "yellow",
            HighlightColor::Green => "green",
            HighlightColor::Blue => "blue",
            HighlightColor::Pink => "pink",
            HighlightColor::Purple => "purple",
        }
    }

    pub fn parse(s: &str) -> Option<HighlightColor> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "yellow" => HighlightColor::Yellow,
            "green" => HighlightColor::Green,
            "blue" => HighlightColor::Blue,
            "pink" => HighlightColor::Pink,
            "purple" => HighlightColor::Purple,
            _ => return None,
        })
    }
}

/// A highlight id (SQLite rowid).
pub type HighlightId = i64;

/// A highlighted passage of a case study's plain text (`CaseStudyDetail::body_text`), with an
/// optional note. Offsets count characters (Unicode scalar values, as `Array.from(text)` in
/// JavaScript), `start..end`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Highlight {
    #[ts(type = "number")]
    pub id: HighlightId,
    #[ts(type = "number")]
    pub case_study_id: CaseStudyId,
    /// Current position; meaningless when `orphan`.
    #[ts(type = "number")]
    pub start: u64,
    #[ts(type = "number")]
    pub end: u64,
    /// The quoted text, and up to 32 characters before and after it (anchoring context).
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    pub color: HighlightColor,
    /// Markdown; empty when none.
    pub note: String,
    /// True when the text changed and the quote could not be placed again: kept, shown apart.
    pub orphan: bool,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

/// A new highlight: a character range of the plain text. When `quote` is given it must be
/// the text at that range (a guard against the UI using a stale text).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HighlightInput {
    #[ts(type = "number")]
    pub start: u64,
    #[ts(type = "number")]
    pub end: u64,
    pub quote: Option<String>,
    pub color: HighlightColor,
    pub note: Option<String>,
}

/// A change to a highlight; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HighlightUpdate {
    pub color: Option<HighlightColor>,
    pub note: Option<String>,
}

/// A case study's annotations: highlights in reading order (orphans last), and its note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Annotations {
    #[ts(type = "number")]
    pub case_study_id: CaseStudyId,
    pub highlights: Vec<Highlight>,
    /// The case study's free Markdown note; empty when none.
    pub note: String,
}

/// A collection id (SQLite rowid).
pub type CollectionId = i64;

/// A hand-made collection of case studies (a case study may be in several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Collection {
    #[ts(type = "number")]
    pub id: CollectionId,
    pub name: String,
    /// Case studies in it (trashed ones not counted).
    #[ts(type = "number")]
    pub count: u64,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// A smart collection: a named search, counted live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedSearch {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub request: SearchRequest,
    /// Hits of the search now (filled by `Library::saved_searches`).
    #[ts(type = "number")]
    pub count: u64,
}

/// A case study in the trash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TrashedCaseStudy {
    #[serde(flatten)]
    pub case_study: CaseStudy,
    #[ts(type = "number")]
    pub deleted_at: i64,
}

/// What restoring a JSON export did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportImportReport {
    /// Case studies created from the export (not in the library before).
    pub added: u32,
    /// Case studies already in the library (same slug) whose annotations were restored.
    pub matched: u32,
    pub highlights: u32,
    /// Highlights that could not be placed in the library's text (kept as orphans).
    pub orphans: u32,
    pub collections: u32,
    #[ts(type = "number[]")]
    pub changed_ids: Vec<CaseStudyId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_drop_every_directory() {
        let source = |path: &str| SourceRef {
            path: path.into(),
            format: SourceFormat::FrontMatter,
        };
        let detail = CaseStudyDetail {
            case_study: CaseStudy {
                sources: vec![
                    source("/home/ann/drop/hostile.md"),
                    source("C:\\Users\\ann\\cases.jsonl#12"),
                    source("/tmp/cases.zip!a/b/c.md"),
                    source("plain.md"),
                ],
                ..CaseStudy::default()
            },
            body_markdown: String::new(),
            body_text: String::new(),
        };
        let names: Vec<String> = detail
            .with_source_names()
            .case_study
            .sources
            .into_iter()
            .map(|s| s.path)
            .collect();
        assert_eq!(names, ["hostile.md", "cases.jsonl#12", "c.md", "plain.md"]);
    }
}

/// A user tag and how many case studies carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TagCount {
    pub tag: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// One of the library's rolling backups, named by its file name only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub name: String,
    /// When it was written (ms since the epoch).
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub size_bytes: u64,
}

/// What an export writes: one Markdown file per case study, or one JSON file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Markdown,
    Json,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportOutcome {
    #[ts(type = "number")]
    pub case_studies: u64,
    #[ts(type = "number")]
    pub files: u64,
}

/// A case study like another one, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RelatedCaseStudy {
    #[ts(type = "number")]
    pub id: CaseStudyId,
    pub slug: String,
    pub title: String,
    pub company: Option<String>,
    pub year: Option<i32>,
    /// 0–1: text similarity (relative to the best match) plus shared tags.
    pub score: f32,
    /// Tag slugs both carry (source, inferred or the user's), taxonomy order.
    pub shared_tags: Vec<String>,
}

/// A company of the library: its spellings and aliases merged (see `company`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CompanySummary {
    /// Stable key (`amazon`, `doordash`): what `Library::company` and filters accept.
    pub key: String,
    /// Display name (`Amazon`, `DoorDash`).
    pub name: String,
    /// Other ways its case studies write it (`AWS`, `Amazon Web Services`), sorted.
    pub aliases: Vec<String>,
    #[ts(type = "number")]
    pub count: u64,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
}

/// One year of a company's case studies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CompanyYear {
    /// `None`: case studies without a year (listed last).
    pub year: Option<i32>,
    pub case_studies: Vec<CaseStudy>,
}

/// A company and its case studies over time, newest year first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CompanyDetail {
    pub key: String,
    pub name: String,
    pub aliases: Vec<String>,
    #[ts(type = "number")]
    pub count: u64,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    pub years: Vec<CompanyYear>,
}

/// A folder Casebook watches: files saved or changed in it are imported on their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WatchedFolder {
    #[ts(type = "number")]
    pub id: i64,
    /// The folder's name, to show.
    pub name: String,
    /// Where it is, to show (the UI never opens it; it removes a folder by `id`).
    pub location: String,
    /// False when the folder is gone or unreachable (an unplugged or network drive).
    pub available: bool,
}

/// What a trends chart counts per year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TrendDimension {
    /// Tags (source, inferred and the user's), optionally one taxonomy group of them.
    #[default]
    Tags,
    Industries,
}

/// `casebook trends`: how tags or industries rise and fall over the years among the case
/// studies a search finds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TrendsRequest {
    /// The query, as in [`SearchRequest::query`].
    pub query: String,
    /// The filters, as in [`SearchRequest::filters`]: they narrow the counted set exactly as
    /// they narrow search hits.
    pub filters: Filters,
    pub dimension: TrendDimension,
    /// With [`TrendDimension::Tags`] and no `series`: pick the top tags from this taxonomy
    /// group only (`technique` for "RAG vs fine-tuning vs agents").
    pub tag_group: Option<crate::taxonomy::TagGroup>,
    /// The tags (or industries) to plot, in this order. `None` or empty: the `top_n` most
    /// frequent in the counted set (ties by name), leaving out tags every hit must carry.
    pub series: Option<Vec<String>>,
    /// How many series to pick when `series` is not given (at most 20).
    pub top_n: u32,
}

impl Default for TrendsRequest {
    fn default() -> Self {
        TrendsRequest {
            query: String::new(),
            filters: Filters::default(),
            dimension: TrendDimension::Tags,
            tag_group: None,
            series: None,
            top_n: 6,
        }
    }
}

/// One line of a trends chart: a tag or industry's count and share per year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TrendSeries {
    /// The tag or industry slug (what a filter takes).
    pub key: String,
    /// Its display name.
    pub label: String,
    /// Case studies carrying it, per year of [`Trends::years`].
    #[ts(type = "number[]")]
    pub counts: Vec<u64>,
    /// `counts[i] / totals_per_year[i]` (0 when that year has none): the share of that
    /// year's case studies carrying it. A case study has several tags, so tag shares of one
    /// year need not add up to 1.
    pub share: Vec<f64>,
    /// Case studies carrying it in all (undated ones included).
    #[ts(type = "number")]
    pub total: u64,
}

/// Counts per year over the case studies a search finds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Trends {
    /// Every year from the earliest to the latest dated hit, gaps included; empty when no
    /// hit has a year.
    pub years: Vec<i32>,
    /// Hits per year (the denominator of the shares).
    #[ts(type = "number[]")]
    pub totals_per_year: Vec<u64>,
    pub series: Vec<TrendSeries>,
    /// Hits with no year (not in any year's count).
    #[ts(type = "number")]
    pub undated: u64,
    /// All hits: the search's `total`.
    #[ts(type = "number")]
    pub total: u64,
    pub dimension: TrendDimension,
    /// As in [`SearchResponse::corrected_query`]: the query that was counted when the typed
    /// one found (almost) nothing.
    pub corrected_query: Option<String>,
}

/// What `Library::check` looked at: one area per kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CheckArea {
    /// SQLite's own integrity check of the database file.
    Database,
    /// Rows that point at rows that do not exist, or case studies without a source.
    Rows,
    /// The search index against SQLite: documents, ids, contents, generation stamp.
    Index,
    /// Case studies queued for indexing but not yet indexed.
    Queue,
}

/// One thing `Library::check` found wrong, and what was done about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CheckProblem {
    pub area: CheckArea,
    /// What was found, for people.
    pub found: String,
    /// What the repair did (`None` when nothing was done: not asked, or nothing possible).
    pub action: Option<String>,
    /// The problem is gone (verified after the repair).
    pub fixed: bool,
}

/// The result of `Library::check` (`casebook check`, the "Check library" menu item).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CheckReport {
    /// Repairs were asked for.
    pub repair: bool,
    /// Everything found, each with what was done.
    pub problems: Vec<CheckProblem>,
    /// Problems not fixed: zero means the library is consistent.
    pub remaining: u32,
    /// What opening the library found and did before the check (e.g. that the search index
    /// was rebuilt, and why); `None` when opening found it in step.
    pub opened_with: Option<String>,
    /// Case studies not in the trash (each must be indexed exactly once), after repairs.
    #[ts(type = "number")]
    pub case_studies: u64,
    /// Documents in the search index, after repairs.
    #[ts(type = "number")]
    pub indexed: u64,
    /// The database's generation stamp and the index's (equal when in step), after repairs.
    #[ts(type = "number")]
    pub database_generation: u64,
    #[ts(type = "number")]
    pub index_generation: u64,
    /// Case studies waiting to be indexed, after repairs.
    #[ts(type = "number")]
    pub queued: u64,
}
