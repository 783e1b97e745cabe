//! Sources: the files (or records) a case study came from, each with its normalised record,
//! from which merges are recomputed.
//!
//! A record (the `parsed` column) is JSON holding what the source said, stored lean:
//!
//! - its plain text only when it is not what `render::to_plain_text` makes of its Markdown
//!   (it always is for imported files; an export from another version may differ);
//! - its Markdown only when it is not the case study's own: the first source of a new case
//!   study is the case study's body (`"body": "case_study"`), so the text is kept once.
//!   Before a case study's body changes, [`materialize_bodies`] writes such sources' Markdown
//!   into their records.
//!
//! The content hash is of the record's meaning, not its stored form: the same source hashes
//! the same whichever way it is stored.

use super::now_ms;
use crate::error::{Error, Result};
use crate::model::*;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The `body` value of a record whose Markdown is its case study's.
const BODY_OF_CASE_STUDY: &str = "case_study";

/// A stored source (file or record) of a case study.
#[derive(Debug, Clone)]
pub struct StoredSource {
    pub id: i64,
    pub case_study_id: CaseStudyId,
    pub path: String,
    pub format: SourceFormat,
    pub content_hash: String,
    pub parsed: NormalizedCaseStudy,
    /// Its Markdown is stored as the case study's, not in its record.
    pub body_in_case_study: bool,
}

/// A source about to be written.
pub struct NewSource<'a> {
    pub path: &'a str,
    pub format: SourceFormat,
    /// [`content_hash`] of the record.
    pub content_hash: &'a str,
    pub size: u64,
    /// Its record as [`record_json`] makes it.
    pub parsed_json: &'a str,
}

/// A record's fields other than its texts, in the stored field order.
#[derive(Serialize)]
struct Meta<'a> {
    title: &'a str,
    title_inferred: bool,
    slug: &'a Option<String>,
    company: &'a Option<String>,
    industry: &'a Option<String>,
    year: Option<i32>,
    link: &'a Option<String>,
    summary: &'a Option<String>,
    tags: &'a [String],
    inferred_tags: &'a [String],
}

/// A record as read: every version's (older ones hold both texts, always).
#[derive(Deserialize)]
struct RecordIn {
    title: String,
    title_inferred: bool,
    slug: Option<String>,
    company: Option<String>,
    industry: Option<String>,
    year: Option<i32>,
    link: Option<String>,
    summary: Option<String>,
    tags: Vec<String>,
    inferred_tags: Vec<String>,
    body_markdown: Option<String>,
    body_text: Option<String>,
    body: Option<String>,
}

/// A record's metadata as a JSON object (no texts): the part of [`record_json`] that does
/// not depend on how the texts are stored.
pub fn record_meta(parsed: &NormalizedCaseStudy) -> String {
    let meta = Meta {
        title: &parsed.title,
        title_inferred: parsed.title_inferred,
        slug: &parsed.slug,
        company: &parsed.company,
        industry: &parsed.industry,
        year: parsed.year,
        link: &parsed.link,
        summary: &parsed.summary,
        tags: &parsed.tags,
        inferred_tags: &parsed.inferred_tags,
    };
    // Serialising strings and numbers cannot fail.
    serde_json::to_string(&meta).unwrap_or_default()
}

fn text_is_derived(parsed: &NormalizedCaseStudy) -> bool {
    crate::render::to_plain_text(&parsed.body_markdown) == parsed.body_text
}

/// The hash identifying a source's record: its format, metadata ([`record_meta`]),
/// Markdown and (when not derived from the Markdown) plain text. `text_derived` may be
/// passed when known (imports derive it); `None` finds out.
pub fn content_hash(
    format: SourceFormat,
    meta: &str,
    parsed: &NormalizedCaseStudy,
    text_derived: Option<bool>,
) -> String {
    let mut h = blake3::Hasher::new();
    h.update(format.as_str().as_bytes());
    h.update(&[0]);
    h.update(meta.as_bytes());
    h.update(&[0]);
    h.update(parsed.body_markdown.as_bytes());
    if !text_derived.unwrap_or_else(|| text_is_derived(parsed)) {
        h.update(&[0]);
        h.update(parsed.body_text.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// The stored record: `meta` ([`record_meta`] of `parsed`) with the texts it must keep.
/// With `body_in_case_study`, its Markdown is the case study's (which must hold exactly
/// `parsed.body_markdown` when this is written).
pub fn record_json(
    meta: &str,
    parsed: &NormalizedCaseStudy,
    text_derived: Option<bool>,
    body_in_case_study: bool,
) -> String {
    let mut json = String::with_capacity(meta.len() + 32);
    json.push_str(meta.strip_suffix('}').unwrap_or(meta));
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    if body_in_case_study {
        json.push_str(&format!(",\"body\":\"{BODY_OF_CASE_STUDY}\""));
    } else {
        json.push_str(",\"body_markdown\":");
        json.push_str(&quoted(&parsed.body_markdown));
    }
    if !text_derived.unwrap_or_else(|| text_is_derived(parsed)) {
        json.push_str(",\"body_text\":");
        json.push_str(&quoted(&parsed.body_text));
    }
    json.push('}');
    json
}

/// A stored record read back; `case_study_body` gives the case study's Markdown for a
/// record that keeps none of its own. Returns the record and whether it was such a one.
fn read_record(
    json: &str,
    case_study_body: &mut dyn FnMut() -> Result<String>,
) -> Result<(NormalizedCaseStudy, bool)> {
    let r: RecordIn = serde_json::from_str(json).map_err(|e| Error::Invalid(e.to_string()))?;
    let in_case_study = r.body.as_deref() == Some(BODY_OF_CASE_STUDY);
    let body_markdown = match (r.body_markdown, in_case_study) {
        (Some(m), _) => m,
        (None, true) => case_study_body()?,
        (None, false) => return Err(Error::Invalid("no body_markdown".into())),
    };
    let body_text = r
        .body_text
        .unwrap_or_else(|| crate::render::to_plain_text(&body_markdown));
    let parsed = NormalizedCaseStudy {
        title: r.title,
        title_inferred: r.title_inferred,
        slug: r.slug,
        company: r.company,
        industry: r.industry,
        year: r.year,
        link: r.link,
        summary: r.summary,
        tags: r.tags,
        inferred_tags: r.inferred_tags,
        body_markdown,
        body_text,
    };
    Ok((parsed, in_case_study))
}

fn case_study_markdown(conn: &Connection, id: CaseStudyId) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT body_markdown FROM case_studies WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

/// The record of source `source_id`, and whether its Markdown is kept as its case study's.
pub fn source_record(conn: &Connection, source_id: i64) -> Result<(NormalizedCaseStudy, bool)> {
    let (case_study, json): (CaseStudyId, String) = conn
        .prepare_cached("SELECT case_study_id, parsed FROM sources WHERE id = ?1")?
        .query_row([source_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    read_record(&json, &mut || case_study_markdown(conn, case_study))
        .map_err(|e| Error::Invalid(format!("stored source {source_id} is damaged: {e}")))
}

/// Records that source `source_id` holds what it held, in the current stored form (an
/// older version's record, hashed differently).
pub fn restamp_source(conn: &Connection, source_id: i64, s: &NewSource) -> Result<()> {
    conn.prepare_cached("UPDATE sources SET content_hash = ?2, parsed = ?3 WHERE id = ?1")?
        .execute(params![source_id, s.content_hash, s.parsed_json])?;
    Ok(())
}

pub fn source_by_path(conn: &Connection, path: &str) -> Result<Option<(i64, CaseStudyId, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, case_study_id, content_hash FROM sources WHERE path = ?1")?
        .query_row([path], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

pub fn hash_known(conn: &Connection, content_hash: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM sources WHERE content_hash = ?1 LIMIT 1")?
        .exists([content_hash])?)
}

pub fn insert_source(conn: &Connection, case_study_id: CaseStudyId, s: &NewSource) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sources (case_study_id, path, format, content_hash, size, imported_at, parsed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        case_study_id,
        s.path,
        s.format.as_str(),
        s.content_hash,
        s.size as i64,
        now_ms(),
        s.parsed_json
    ])?;
    Ok(())
}

pub fn update_source(conn: &Connection, source_id: i64, s: &NewSource) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sources SET format = ?2, content_hash = ?3, size = ?4, imported_at = ?5, parsed = ?6
         WHERE id = ?1",
    )?
    .execute(params![
        source_id,
        s.format.as_str(),
        s.content_hash,
        s.size as i64,
        now_ms(),
        s.parsed_json
    ])?;
    Ok(())
}

/// Every source of a case study, best first (format rank, then hash and path: a stable
/// order, so a merge gives the same result whatever order the files arrived in).
pub fn sources_of(conn: &Connection, id: CaseStudyId) -> Result<Vec<StoredSource>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, case_study_id, path, format, content_hash, parsed FROM sources
         WHERE case_study_id = ?1",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut body: Option<String> = None;
    let mut out = Vec::new();
    for row in rows {
        let (sid, cs, path, format, hash, parsed) = row?;
        let format = SourceFormat::parse(&format)
            .ok_or_else(|| Error::Invalid(format!("unknown source format '{format}'")))?;
        let (parsed, body_in_case_study) = read_record(&parsed, &mut || {
            if body.is_none() {
                body = Some(case_study_markdown(conn, cs)?);
            }
            Ok(body.clone().unwrap_or_default())
        })
        .map_err(|e| Error::Invalid(format!("stored source {path} is damaged: {e}")))?;
        out.push(StoredSource {
            id: sid,
            case_study_id: cs,
            path,
            format,
            content_hash: hash,
            parsed,
            body_in_case_study,
        });
    }
    out.sort_by(|a, b| {
        (a.format.rank(), &a.content_hash, &a.path).cmp(&(
            b.format.rank(),
            &b.content_hash,
            &b.path,
        ))
    });
    Ok(out)
}

/// Before a case study's Markdown becomes `new_body`: the sources whose Markdown was kept
/// as the case study's, and is not `new_body`, get it into their own records.
pub fn materialize_bodies(
    conn: &Connection,
    sources: &[StoredSource],
    new_body: &str,
) -> Result<()> {
    for s in sources {
        if s.body_in_case_study && s.parsed.body_markdown != new_body {
            let json = record_json(&record_meta(&s.parsed), &s.parsed, None, false);
            conn.prepare_cached("UPDATE sources SET parsed = ?2 WHERE id = ?1")?
                .execute(params![s.id, json])?;
        }
    }
    Ok(())
}

/// The slugs the sources of a case study name themselves (front matter, records).
pub fn source_slugs(conn: &Connection, id: CaseStudyId) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT json_extract(parsed, '$.slug') FROM sources
         WHERE case_study_id = ?1 AND json_extract(parsed, '$.slug') IS NOT NULL",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
