//! Annotations and organisation: highlights, notes, user tags, collections, saved searches,
//! reading state and the trash.

use super::{case_study, now_ms, queue_for_index};
use crate::anchor::Selector;
use crate::error::{Error, Result};
use crate::model::*;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Fails with `NotFound` unless the case study exists (trashed or not).
pub fn ensure_exists(conn: &Connection, id: CaseStudyId) -> Result<()> {
    if conn
        .prepare_cached("SELECT 1 FROM case_studies WHERE id = ?1")?
        .exists([id])?
    {
        Ok(())
    } else {
        Err(Error::NotFound(id.to_string()))
    }
}

/// True when the library's derived plain texts come from an older renderer than this
/// build's ([`crate::render::PLAIN_TEXT_VERSION`]).
pub fn plain_texts_stale(conn: &Connection) -> Result<bool> {
    let v: Option<i64> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'plain_text_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.unwrap_or(0) < crate::render::PLAIN_TEXT_VERSION)
}

/// The case studies whose plain text is derived from their Markdown (see
/// `store::plain_text`), and whether each has highlights.
pub fn derived_text_ids(conn: &Connection) -> Result<Vec<(CaseStudyId, bool)>> {
    let mut stmt = conn.prepare(
        "SELECT id, EXISTS (SELECT 1 FROM highlights h WHERE h.case_study_id = c.id)
         FROM case_studies c WHERE body_text = '' ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn stamp_plain_text_version(conn: &Connection) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('plain_text_version', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [crate::render::PLAIN_TEXT_VERSION],
    )?;
    Ok(())
}

/// A case study's plain text (see `store::plain_text`).
pub fn body_text(conn: &Connection, id: CaseStudyId) -> Result<String> {
    let (markdown, stored): (String, String) = conn
        .prepare_cached("SELECT body_markdown, body_text FROM case_studies WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::NotFound(id.to_string()))?;
    Ok(super::plain_text(&markdown, stored))
}

const HIGHLIGHT_COLUMNS: &str = "id, case_study_id, start, \"end\", quote, prefix, suffix, color, \
     note, orphan, created_at, updated_at";

fn highlight_from_row(r: &Row) -> rusqlite::Result<Highlight> {
    let color: String = r.get(7)?;
    Ok(Highlight {
        id: r.get(0)?,
        case_study_id: r.get(1)?,
        start: r.get::<_, i64>(2)?.max(0) as u64,
        end: r.get::<_, i64>(3)?.max(0) as u64,
        quote: r.get(4)?,
        prefix: r.get(5)?,
        suffix: r.get(6)?,
        color: HighlightColor::parse(&color).unwrap_or_default(),
        note: r.get(8)?,
        orphan: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

/// A stored highlight, as it was written (for export/restore): created time included.
pub fn insert_highlight(
    conn: &Connection,
    id: CaseStudyId,
    sel: &Selector,
    color: HighlightColor,
    note: &str,
    orphan: bool,
    created_at: Option<i64>,
) -> Result<Highlight> {
    let now = now_ms();
    conn.prepare_cached(
        "INSERT INTO highlights (case_study_id, start, \"end\", quote, prefix, suffix, color, note,
           orphan, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id,
        sel.start as i64,
        sel.end as i64,
        sel.quote,
        sel.prefix,
        sel.suffix,
        color.as_str(),
        note,
        orphan,
        created_at.unwrap_or(now),
        now
    ])?;
    highlight(conn, conn.last_insert_rowid())
}

pub fn highlight(conn: &Connection, hid: HighlightId) -> Result<Highlight> {
    conn.prepare_cached(&format!(
        "SELECT {HIGHLIGHT_COLUMNS} FROM highlights WHERE id = ?1"
    ))?
    .query_row([hid], highlight_from_row)
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("highlight {hid}")))
}

/// A case study's highlights in reading order, orphans last.
pub fn highlights_of(conn: &Connection, id: CaseStudyId) -> Result<Vec<Highlight>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {HIGHLIGHT_COLUMNS} FROM highlights WHERE case_study_id = ?1
         ORDER BY orphan, start, \"end\", id"
    ))?;
    let rows = stmt.query_map([id], highlight_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn update_highlight(
    conn: &Connection,
    hid: HighlightId,
    u: &HighlightUpdate,
) -> Result<Highlight> {
    let h = highlight(conn, hid)?;
    conn.prepare_cached(
        "UPDATE highlights SET color = ?2, note = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![
        hid,
        u.color.unwrap_or(h.color).as_str(),
        u.note.as_deref().unwrap_or(&h.note),
        now_ms()
    ])?;
    queue_for_index(conn, h.case_study_id)?;
    highlight(conn, hid)
}

/// Deletes a highlight; returns its case study.
pub fn delete_highlight(conn: &Connection, hid: HighlightId) -> Result<CaseStudyId> {
    let h = highlight(conn, hid)?;
    conn.prepare_cached("DELETE FROM highlights WHERE id = ?1")?
        .execute([hid])?;
    queue_for_index(conn, h.case_study_id)?;
    Ok(h.case_study_id)
}

/// Moves a highlight to `sel`, or flags it an orphan (keeping quote and context) on `None`.
pub fn place_highlight(conn: &Connection, hid: HighlightId, sel: Option<&Selector>) -> Result<()> {
    match sel {
        Some(sel) => conn
            .prepare_cached(
                "UPDATE highlights SET start = ?2, \"end\" = ?3, quote = ?4, prefix = ?5,
                   suffix = ?6, orphan = 0 WHERE id = ?1",
            )?
            .execute(params![
                hid,
                sel.start as i64,
                sel.end as i64,
                sel.quote,
                sel.prefix,
                sel.suffix
            ])?,
        None => conn
            .prepare_cached("UPDATE highlights SET orphan = 1 WHERE id = ?1")?
            .execute([hid])?,
    };
    Ok(())
}

pub fn note_of(conn: &Connection, id: CaseStudyId) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT markdown FROM notes WHERE case_study_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// Sets the case study's note; an empty (or blank) note removes it.
pub fn set_note(conn: &Connection, id: CaseStudyId, markdown: &str) -> Result<()> {
    if markdown.trim().is_empty() {
        conn.prepare_cached("DELETE FROM notes WHERE case_study_id = ?1")?
            .execute([id])?;
    } else {
        conn.prepare_cached(
            "INSERT INTO notes (case_study_id, markdown, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (case_study_id) DO UPDATE SET markdown = ?2, updated_at = ?3",
        )?
        .execute(params![id, markdown, now_ms()])?;
    }
    queue_for_index(conn, id)
}

/// What the index searches as a case study's annotations: highlight quotes and notes, the
/// note, the user tags (one per line).
pub fn annotation_text(conn: &Connection, id: CaseStudyId) -> Result<String> {
    let mut out = String::new();
    let mut push = |s: &str| {
        if !s.trim().is_empty() {
            out.push_str(s);
            out.push('\n');
        }
    };
    for h in highlights_of(conn, id)? {
        push(&h.quote);
        push(&h.note);
    }
    push(&note_of(conn, id)?);
    let mut stmt = conn.prepare_cached(
        "SELECT tag FROM tags WHERE case_study_id = ?1 AND origin = 'user' ORDER BY tag",
    )?;
    let tags: Vec<String> = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in tags {
        push(&t.replace('-', " "));
    }
    Ok(out)
}

/// Adds a user tag; true when it was not there. Removes an inferred copy of it (accepted).
pub fn add_user_tag(conn: &Connection, id: CaseStudyId, tag: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO tags (case_study_id, tag, origin) VALUES (?1, ?2, 'user')",
        )?
        .execute(params![id, tag])?;
    conn.prepare_cached(
        "DELETE FROM tags WHERE case_study_id = ?1 AND tag = ?2 AND origin = 'inferred'",
    )?
    .execute(params![id, tag])?;
    queue_for_index(conn, id)?;
    Ok(n > 0)
}

pub fn remove_user_tag(conn: &Connection, id: CaseStudyId, tag: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "DELETE FROM tags WHERE case_study_id = ?1 AND tag = ?2 AND origin = 'user'",
        )?
        .execute(params![id, tag])?;
    queue_for_index(conn, id)?;
    Ok(n > 0)
}

const USER_TAG_IDS: &str =
    "SELECT case_study_id FROM tags WHERE tag = ?1 AND origin = 'user' ORDER BY case_study_id";

pub fn ids_with_user_tag(conn: &Connection, tag: &str) -> Result<Vec<CaseStudyId>> {
    let mut stmt = conn.prepare_cached(USER_TAG_IDS)?;
    let rows = stmt.query_map([tag], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The user's tags with the number of case studies (not trashed) carrying each, most used
/// first.
pub fn user_tag_counts(conn: &Connection) -> Result<Vec<TagCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.tag, count(*) AS n FROM tags t INDEXED BY tags_of_user
         JOIN case_studies s ON s.id = t.case_study_id
         WHERE t.origin = 'user' AND s.deleted_at IS NULL
         GROUP BY t.tag ORDER BY n DESC, t.tag",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(TagCount {
            tag: r.get(0)?,
            count: r.get::<_, i64>(1)?.max(0) as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Dismisses an inferred tag: removed now, and not inferred again by a re-import.
pub fn dismiss_inferred_tag(conn: &Connection, id: CaseStudyId, tag: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "DELETE FROM tags WHERE case_study_id = ?1 AND tag = ?2 AND origin = 'inferred'",
        )?
        .execute(params![id, tag])?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO dismissed_tags (case_study_id, tag) VALUES (?1, ?2)",
    )?
    .execute(params![id, tag])?;
    queue_for_index(conn, id)?;
    Ok(n > 0)
}

pub fn has_inferred_tag(conn: &Connection, id: CaseStudyId, tag: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM tags WHERE case_study_id = ?1 AND tag = ?2 AND origin = 'inferred'",
        )?
        .exists(params![id, tag])?)
}

pub fn set_flag(conn: &Connection, id: CaseStudyId, column: Flag, on: bool) -> Result<()> {
    let sql = match column {
        Flag::Starred => "UPDATE case_studies SET starred = ?2 WHERE id = ?1",
        Flag::Read => "UPDATE case_studies SET read = ?2 WHERE id = ?1",
    };
    if conn.prepare_cached(sql)?.execute(params![id, on])? == 0 {
        return Err(Error::NotFound(id.to_string()));
    }
    queue_for_index(conn, id)
}

/// Reading-state flags of a case study.
#[derive(Debug, Clone, Copy)]
pub enum Flag {
    Starred,
    Read,
}

/// Records an opening now; opening also marks it read.
pub fn mark_opened(conn: &Connection, id: CaseStudyId, at: i64) -> Result<()> {
    if conn
        .prepare_cached("UPDATE case_studies SET last_opened_at = ?2, read = 1 WHERE id = ?1")?
        .execute(params![id, at])?
        == 0
    {
        return Err(Error::NotFound(id.to_string()));
    }
    queue_for_index(conn, id)
}

// ---- collections ----

fn collection_from_row(r: &Row) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        name: r.get(1)?,
        count: r.get::<_, i64>(2)?.max(0) as u64,
        created_at: r.get(3)?,
    })
}

const COLLECTION_SELECT: &str = "SELECT c.id, c.name,
      (SELECT count(*) FROM collection_members m JOIN case_studies s ON s.id = m.case_study_id
       WHERE m.collection_id = c.id AND s.deleted_at IS NULL),
      c.created_at
    FROM collections c";

fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid("a name cannot be empty".into()));
    }
    Ok(name.chars().take(200).collect())
}

fn map_unique(e: rusqlite::Error, name: &str) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Error::Invalid(format!("the name '{name}' is already used"))
        }
        _ => Error::Db(e),
    }
}

pub fn create_collection(conn: &Connection, name: &str) -> Result<Collection> {
    let name = clean_name(name)?;
    conn.prepare_cached("INSERT INTO collections (name, created_at) VALUES (?1, ?2)")?
        .execute(params![name, now_ms()])
        .map_err(|e| map_unique(e, &name))?;
    collection(conn, conn.last_insert_rowid())
}

pub fn collection(conn: &Connection, cid: CollectionId) -> Result<Collection> {
    conn.prepare_cached(&format!("{COLLECTION_SELECT} WHERE c.id = ?1"))?
        .query_row([cid], collection_from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("collection {cid}")))
}

pub fn collection_by_name(conn: &Connection, name: &str) -> Result<Option<Collection>> {
    Ok(conn
        .prepare_cached(&format!(
            "{COLLECTION_SELECT} WHERE c.name = ?1 COLLATE NOCASE"
        ))?
        .query_row([name.trim()], collection_from_row)
        .optional()?)
}

pub fn collections(conn: &Connection) -> Result<Vec<Collection>> {
    let mut stmt =
        conn.prepare_cached(&format!("{COLLECTION_SELECT} ORDER BY lower(c.name), c.id"))?;
    let rows = stmt.query_map([], collection_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn rename_collection(conn: &Connection, cid: CollectionId, name: &str) -> Result<Collection> {
    let name = clean_name(name)?;
    let n = conn
        .prepare_cached("UPDATE collections SET name = ?2 WHERE id = ?1")?
        .execute(params![cid, name])
        .map_err(|e| map_unique(e, &name))?;
    if n == 0 {
        return Err(Error::NotFound(format!("collection {cid}")));
    }
    collection(conn, cid)
}

pub fn delete_collection(conn: &Connection, cid: CollectionId) -> Result<()> {
    if conn
        .prepare_cached("DELETE FROM collections WHERE id = ?1")?
        .execute([cid])?
        == 0
    {
        return Err(Error::NotFound(format!("collection {cid}")));
    }
    Ok(())
}

pub fn add_to_collection(conn: &Connection, cid: CollectionId, id: CaseStudyId) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT OR IGNORE INTO collection_members (collection_id, case_study_id, added_at)
             VALUES (?1, ?2, ?3)",
        )?
        .execute(params![cid, id, now_ms()])?
        > 0)
}

pub fn remove_from_collection(
    conn: &Connection,
    cid: CollectionId,
    id: CaseStudyId,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM collection_members WHERE collection_id = ?1 AND case_study_id = ?2",
        )?
        .execute(params![cid, id])?
        > 0)
}

/// Ids in a collection (not trashed), by title.
pub fn collection_ids(conn: &Connection, cid: CollectionId) -> Result<Vec<CaseStudyId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.case_study_id FROM collection_members m
         JOIN case_studies s ON s.id = m.case_study_id
         WHERE m.collection_id = ?1 AND s.deleted_at IS NULL ORDER BY lower(s.title), s.id",
    )?;
    let rows = stmt.query_map([cid], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Names of the collections a case study is in.
pub fn collections_of(conn: &Connection, id: CaseStudyId) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.name FROM collection_members m JOIN collections c ON c.id = m.collection_id
         WHERE m.case_study_id = ?1 ORDER BY lower(c.name)",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- saved searches ----

pub fn save_search(conn: &Connection, name: &str, req: &SearchRequest) -> Result<SavedSearch> {
    let name = clean_name(name)?;
    let json = serde_json::to_string(req).map_err(|e| Error::Invalid(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO saved_searches (name, request, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET request = ?2",
    )?
    .execute(params![name, json, now_ms()])?;
    saved_searches(conn)?
        .into_iter()
        .find(|s| s.name.eq_ignore_ascii_case(&name))
        .ok_or_else(|| Error::NotFound(name.clone()))
}

/// Saved searches by name, counts left at 0 (the library fills them in).
pub fn saved_searches(conn: &Connection) -> Result<Vec<SavedSearch>> {
    let mut stmt = conn
        .prepare_cached("SELECT id, name, request FROM saved_searches ORDER BY lower(name), id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, json) = row?;
        // A request this version cannot read is shown as an empty search, not an error.
        let request = serde_json::from_str(&json).unwrap_or_default();
        out.push(SavedSearch {
            id,
            name,
            request,
            count: 0,
        });
    }
    Ok(out)
}

/// Deletes a saved search by id or name.
pub fn delete_saved_search(conn: &Connection, key: &str) -> Result<()> {
    let n = match key.trim().parse::<i64>() {
        Ok(id) => conn.execute("DELETE FROM saved_searches WHERE id = ?1", [id])?,
        Err(_) => conn.execute(
            "DELETE FROM saved_searches WHERE name = ?1 COLLATE NOCASE",
            [key.trim()],
        )?,
    };
    if n == 0 {
        return Err(Error::NotFound(format!("saved search '{key}'")));
    }
    Ok(())
}

// ---- trash ----

pub fn is_trashed(conn: &Connection, id: CaseStudyId) -> Result<bool> {
    let d: Option<Option<i64>> = conn
        .prepare_cached("SELECT deleted_at FROM case_studies WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match d {
        None => Err(Error::NotFound(id.to_string())),
        Some(d) => Ok(d.is_some()),
    }
}

/// Moves into (`Some(time)`) or out of (`None`) the trash; queued so the index follows.
pub fn set_trashed(conn: &Connection, id: CaseStudyId, at: Option<i64>) -> Result<()> {
    if conn
        .prepare_cached("UPDATE case_studies SET deleted_at = ?2 WHERE id = ?1")?
        .execute(params![id, at])?
        == 0
    {
        return Err(Error::NotFound(id.to_string()));
    }
    queue_for_index(conn, id)
}

pub fn trash_list(conn: &Connection) -> Result<Vec<TrashedCaseStudy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, deleted_at FROM case_studies WHERE deleted_at IS NOT NULL
         ORDER BY deleted_at DESC, id",
    )?;
    let rows: Vec<(i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, deleted_at)| {
            Ok(TrashedCaseStudy {
                case_study: case_study(conn, id)?,
                deleted_at,
            })
        })
        .collect()
}

/// Deletes every trashed case study for good (with its sources and annotations).
pub fn empty_trash(conn: &Connection) -> Result<Vec<CaseStudyId>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM case_studies WHERE deleted_at IS NOT NULL")?;
    let ids: Vec<CaseStudyId> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    super::remove_fingerprints(conn, &ids)?;
    conn.execute("DELETE FROM case_studies WHERE deleted_at IS NOT NULL", [])?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::USER_TAG_IDS;
    use crate::store::{open_in_memory, query_plan};

    /// Renaming or merging a user tag finds its case studies through `tags_of_user`, not by
    /// reading every tag of the library (there is no index of all tags by name).
    #[test]
    fn a_user_tag_is_found_through_the_index_of_user_tags() {
        let conn = open_in_memory().unwrap();
        let plan = query_plan(&conn, USER_TAG_IDS, ["x"]);
        assert_eq!(
            plan,
            ["SEARCH tags USING COVERING INDEX tags_of_user (tag=?)"],
            "{plan:?}"
        );
    }
}
