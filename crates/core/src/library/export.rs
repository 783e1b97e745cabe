//! Export: Markdown files (Obsidian-friendly, one per case study) and one versioned JSON
//! file that restores losslessly ([`Library::import_export`]).

use super::{lock, recompute, Library};
use crate::anchor::Selector;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The `format` field of a JSON export.
pub const EXPORT_FORMAT: &str = "casebook-export";
/// The JSON export's version; files of a newer version are refused.
pub const EXPORT_VERSION: u32 = 1;
/// Where the source of a case study restored from an export says it came from.
const EXPORT_SOURCE_PREFIX: &str = "casebook-export:";

/// A JSON export: case studies with their annotations, and the collections they are in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportFile {
    pub format: String,
    pub version: u32,
    /// ms since the epoch.
    pub exported_at: i64,
    pub case_studies: Vec<ExportedCaseStudy>,
    pub collections: Vec<ExportedCollection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedCaseStudy {
    pub slug: String,
    pub title: String,
    pub company: Option<String>,
    pub industry: Option<String>,
    pub year: Option<i32>,
    pub link: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub inferred_tags: Vec<String>,
    pub user_tags: Vec<String>,
    pub body_markdown: String,
    /// The plain text the highlights' offsets refer to.
    pub body_text: String,
    pub starred: bool,
    pub read: bool,
    pub last_opened_at: Option<i64>,
    pub note: String,
    pub highlights: Vec<ExportedHighlight>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedHighlight {
    pub start: u64,
    pub end: u64,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    pub color: HighlightColor,
    pub note: String,
    pub orphan: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedCollection {
    pub name: String,
    /// Slugs of the exported case studies in it.
    pub members: Vec<String>,
}

impl ExportFile {
    /// True when `bytes` look like a JSON export (checked before a full parse).
    pub fn sniff(bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(512)];
        let head = String::from_utf8_lossy(head);
        head.trim_start().starts_with('{') && head.contains(&format!("\"{EXPORT_FORMAT}\""))
    }
}

fn exported(conn: &Connection, id: CaseStudyId) -> Result<ExportedCaseStudy> {
    let d = store::detail(conn, id)?;
    let cs = d.case_study;
    Ok(ExportedCaseStudy {
        slug: cs.slug,
        title: cs.title,
        company: cs.company,
        industry: cs.industry,
        year: cs.year,
        link: cs.link,
        summary: cs.summary,
        tags: cs.tags,
        inferred_tags: cs.inferred_tags,
        user_tags: cs.user_tags,
        body_markdown: d.body_markdown,
        body_text: d.body_text,
        starred: cs.starred,
        read: cs.read,
        last_opened_at: cs.last_opened_at,
        note: store::note_of(conn, id)?,
        highlights: store::highlights_of(conn, id)?
            .into_iter()
            .map(|h| ExportedHighlight {
                start: h.start,
                end: h.end,
                quote: h.quote,
                prefix: h.prefix,
                suffix: h.suffix,
                color: h.color,
                note: h.note,
                orphan: h.orphan,
                created_at: h.created_at,
            })
            .collect(),
    })
}

/// A file name from a slug: lower-case letters, digits and dashes, at most 100 characters.
fn safe_file_stem(slug: &str, id: CaseStudyId) -> String {
    let s: String = slug
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-');
    let s: String = s.chars().take(100).collect();
    if s.is_empty() {
        format!("case-study-{id}")
    } else {
        s
    }
}

/// A YAML scalar: JSON strings are valid YAML double-quoted scalars.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn yaml_list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| yaml_str(s)).collect();
    format!("[{}]", items.join(", "))
}

/// One case study as Markdown: YAML front matter, the body, the note, the highlights.
pub fn to_markdown(cs: &ExportedCaseStudy, collections: &[String]) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml_str(&cs.title)));
    out.push_str(&format!("slug: {}\n", yaml_str(&cs.slug)));
    for (k, v) in [
        ("company", &cs.company),
        ("industry", &cs.industry),
        ("link", &cs.link),
        ("summary", &cs.summary),
    ] {
        if let Some(v) = v {
            out.push_str(&format!("{k}: {}\n", yaml_str(v)));
        }
    }
    if let Some(y) = cs.year {
        out.push_str(&format!("year: {y}\n"));
    }
    let mut tags: Vec<String> = cs
        .tags
        .iter()
        .chain(&cs.inferred_tags)
        .chain(&cs.user_tags)
        .cloned()
        .collect();
    tags.sort();
    tags.dedup();
    out.push_str(&format!("tags: {}\n", yaml_list(&tags)));
    if !cs.user_tags.is_empty() {
        out.push_str(&format!("user_tags: {}\n", yaml_list(&cs.user_tags)));
    }
    if !collections.is_empty() {
        out.push_str(&format!("collections: {}\n", yaml_list(collections)));
    }
    out.push_str(&format!("starred: {}\nread: {}\n", cs.starred, cs.read));
    out.push_str("---\n\n");
    out.push_str(cs.body_markdown.trim_end());
    out.push('\n');
    if !cs.note.trim().is_empty() {
        out.push_str("\n## Note\n\n");
        out.push_str(cs.note.trim_end());
        out.push('\n');
    }
    if !cs.highlights.is_empty() {
        out.push_str("\n## Highlights\n");
        for h in &cs.highlights {
            out.push('\n');
            for line in h.quote.lines() {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
            let mut meta = vec![format!("colour: {}", h.color.as_str())];
            if h.orphan {
                meta.push("no longer found in the text".into());
            }
            out.push_str(&format!("\n*{}*\n", meta.join("; ")));
            if !h.note.trim().is_empty() {
                out.push('\n');
                out.push_str(h.note.trim_end());
                out.push('\n');
            }
        }
    }
    out
}

impl Library {
    /// The JSON export of `ids` (see [`ExportFile`]), pretty-printed.
    pub fn export_json(&self, ids: &[CaseStudyId]) -> Result<Vec<u8>> {
        let file = self.export(ids)?;
        serde_json::to_vec_pretty(&file).map_err(|e| Error::Invalid(e.to_string()))
    }

    /// The export of `ids` as a structure.
    pub fn export(&self, ids: &[CaseStudyId]) -> Result<ExportFile> {
        let conn = lock(&self.reader);
        let mut case_studies = Vec::with_capacity(ids.len());
        let mut seen = BTreeSet::new();
        for &id in ids {
            if seen.insert(id) {
                case_studies.push(exported(&conn, id)?);
            }
        }
        let mut collections = Vec::new();
        for c in store::collections(&conn)? {
            let members: Vec<String> = store::collection_ids(&conn, c.id)?
                .into_iter()
                .filter(|id| seen.contains(id))
                .map(|id| store::case_study(&conn, id).map(|cs| cs.slug))
                .collect::<Result<_>>()?;
            if !members.is_empty() {
                collections.push(ExportedCollection {
                    name: c.name,
                    members,
                });
            }
        }
        Ok(ExportFile {
            format: EXPORT_FORMAT.into(),
            version: EXPORT_VERSION,
            exported_at: store::now_ms(),
            case_studies,
            collections,
        })
    }

    /// Writes one Markdown file per case study into `dir` (created if needed); returns the
    /// files written. Existing files of the same name are replaced.
    pub fn export_markdown(&self, ids: &[CaseStudyId], dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut written = Vec::new();
        let mut names = BTreeSet::new();
        let conn = lock(&self.reader);
        for &id in ids {
            let cs = exported(&conn, id)?;
            let collections = store::collections_of(&conn, id)?;
            let stem = safe_file_stem(&cs.slug, id);
            let mut name = format!("{stem}.md");
            let mut n = 2;
            while !names.insert(name.clone()) {
                name = format!("{stem}-{n}.md");
                n += 1;
            }
            let path = dir.join(&name);
            std::fs::write(&path, to_markdown(&cs, &collections))
                .map_err(|e| Error::io(&path, e))?;
            written.push(path);
        }
        Ok(written)
    }

    /// Exports `ids` to `dest`: Markdown files into the folder `dest`, or one JSON file at
    /// `dest` (written whole, then renamed into place).
    pub fn export_to(
        &self,
        ids: &[CaseStudyId],
        format: ExportFormat,
        dest: &Path,
    ) -> Result<ExportOutcome> {
        let case_studies = ids.iter().collect::<BTreeSet<_>>().len() as u64;
        match format {
            ExportFormat::Markdown => {
                let files = self.export_markdown(ids, dest)?.len() as u64;
                Ok(ExportOutcome {
                    case_studies,
                    files,
                })
            }
            ExportFormat::Json => {
                let bytes = self.export_json(ids)?;
                let tmp = dest.with_extension("partial");
                std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
                std::fs::rename(&tmp, dest).map_err(|e| Error::io(dest, e))?;
                Ok(ExportOutcome {
                    case_studies,
                    files: 1,
                })
            }
        }
    }

    /// Restores a JSON export: case studies not in the library (by slug) are added; for every
    /// case study its highlights (re-anchored when the library's text differs), note, user
    /// tags, reading state and collections are restored. Highlights already there (same
    /// range and quote) are not doubled.
    pub fn import_export(&self, bytes: &[u8]) -> Result<ExportImportReport> {
        let file: ExportFile = serde_json::from_slice(bytes)
            .map_err(|e| Error::Invalid(format!("not a Casebook export: {e}")))?;
        if file.format != EXPORT_FORMAT {
            return Err(Error::Invalid(format!(
                "not a Casebook export (format '{}')",
                file.format
            )));
        }
        if file.version > EXPORT_VERSION {
            return Err(Error::Invalid(format!(
                "this export was written by a newer Casebook (version {}; this version reads up to {EXPORT_VERSION})",
                file.version
            )));
        }
        let _import = lock(&self.import_lock);
        self.write(|conn| {
            let mut report = ExportImportReport::default();
            let mut pending = store::PendingFingerprints::default();
            for cs in &file.case_studies {
                let id = match store::id_by_slug(conn, &cs.slug)? {
                    Some(id) => {
                        report.matched += 1;
                        id
                    }
                    None => {
                        report.added += 1;
                        add_exported(conn, cs, &mut pending)?
                    }
                };
                report.changed_ids.push(id);
                restore_annotations(conn, id, cs, &mut report)?;
            }
            for c in &file.collections {
                let col = match store::collection_by_name(conn, &c.name)? {
                    Some(col) => col,
                    None => store::create_collection(conn, &c.name)?,
                };
                report.collections += 1;
                for slug in &c.members {
                    if let Some(id) = store::id_by_slug(conn, slug)? {
                        store::add_to_collection(conn, col.id, id)?;
                    }
                }
            }
            pending.flush(conn)?;
            store::regroup_companies(conn)?;
            Ok(report)
        })
    }
}

/// A case study of an export that the library does not have: stored with one source that
/// holds the exported data, so merges and recomputes keep working.
fn add_exported(
    conn: &Connection,
    cs: &ExportedCaseStudy,
    pending: &mut store::PendingFingerprints,
) -> Result<CaseStudyId> {
    let parsed = NormalizedCaseStudy {
        title: cs.title.clone(),
        title_inferred: false,
        slug: Some(cs.slug.clone()),
        company: cs.company.clone(),
        industry: cs.industry.clone(),
        year: cs.year,
        link: cs.link.clone(),
        summary: cs.summary.clone(),
        tags: cs.tags.clone(),
        inferred_tags: cs.inferred_tags.clone(),
        body_markdown: cs.body_markdown.clone(),
        body_text: cs.body_text.clone(),
    };
    let format = SourceFormat::FrontMatter;
    let meta = store::record_meta(&parsed);
    let hash = store::content_hash(format, &meta, &parsed, None);
    let parsed_json = store::record_json(&meta, &parsed, None, false);
    let path = format!("{EXPORT_SOURCE_PREFIX}{}", cs.slug);
    let id = match store::source_by_path(conn, &path)? {
        Some((_, id, _)) => id,
        None => {
            let id = store::create_case_study(conn)?;
            store::insert_source(
                conn,
                id,
                &store::NewSource {
                    path: &path,
                    format,
                    content_hash: &hash,
                    size: cs.body_markdown.len() as u64,
                    parsed_json: &parsed_json,
                },
            )?;
            id
        }
    };
    recompute(conn, id, pending)?;
    Ok(id)
}

fn restore_annotations(
    conn: &Connection,
    id: CaseStudyId,
    cs: &ExportedCaseStudy,
    report: &mut ExportImportReport,
) -> Result<()> {
    let existing = store::highlights_of(conn, id)?;
    for h in &cs.highlights {
        if existing
            .iter()
            .any(|e| e.start == h.start && e.end == h.end && e.quote == h.quote)
        {
            continue;
        }
        let sel = Selector {
            start: h.start as usize,
            end: h.end as usize,
            quote: h.quote.clone(),
            prefix: h.prefix.clone(),
            suffix: h.suffix.clone(),
        };
        store::insert_highlight(
            conn,
            id,
            &sel,
            h.color,
            &h.note,
            h.orphan,
            Some(h.created_at),
        )?;
        report.highlights += 1;
    }
    let text = store::body_text(conn, id)?;
    if text != cs.body_text && !cs.highlights.is_empty() {
        super::organise::reanchor(conn, id, &text)?;
    }
    report.orphans += store::highlights_of(conn, id)?
        .iter()
        .filter(|h| h.orphan)
        .count() as u32;
    let note = store::note_of(conn, id)?;
    if !cs.note.trim().is_empty() && note.trim() != cs.note.trim() {
        let merged = if note.trim().is_empty() {
            cs.note.clone()
        } else {
            format!("{}\n\n{}", note.trim_end(), cs.note)
        };
        store::set_note(conn, id, &merged)?;
    }
    for t in &cs.user_tags {
        store::add_user_tag(conn, id, t)?;
    }
    if cs.starred {
        store::set_flag(conn, id, store::Flag::Starred, true)?;
    }
    if cs.read {
        store::set_flag(conn, id, store::Flag::Read, true)?;
    }
    if let Some(t) = cs.last_opened_at {
        conn.execute(
            "UPDATE case_studies SET last_opened_at = max(coalesce(last_opened_at, 0), ?2)
             WHERE id = ?1",
            rusqlite::params![id, t],
        )?;
    }
    store::queue_for_index(conn, id)
}
