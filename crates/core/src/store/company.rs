//! Companies in SQLite: the aliases each case study's text gives its company, and the
//! library-wide grouping (see [`crate::company`]) written per case study.

use crate::company;
use crate::error::Result;
use crate::model::CaseStudyId;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeSet;

/// Records the aliases the case study's text gives its company ([`company_aliases`]), and
/// places it in a company at once: the group its spelling already belongs to, else its own
/// [`company::key`]. [`regroup_companies`] (after an import) then settles display names and
/// joins found in the text, so a long import does not regroup the library per batch.
///
/// `before` is the company as written before this write (`None` for a new case study).
/// When the spelling or the aliases changed, the library is marked for regrouping in the
/// same transaction ([`companies_dirty`]); an edit that leaves both alone (most re-imports)
/// does not regroup the library, which at 100,000 case studies takes over a second.
/// Returns the company's key and display name as placed.
pub fn write_company(
    conn: &Connection,
    id: CaseStudyId,
    before: Option<&str>,
    written: Option<&str>,
    aliases: &[String],
) -> Result<Option<(String, String)>> {
    let old_aliases: BTreeSet<String> = {
        let mut stmt =
            conn.prepare_cached("SELECT alias FROM company_aliases WHERE case_study_id = ?1")?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    conn.prepare_cached("DELETE FROM company_aliases WHERE case_study_id = ?1")?
        .execute([id])?;
    let respelled = spelled(before) != spelled(written);
    let Some(written) = spelled(written) else {
        conn.prepare_cached("DELETE FROM case_study_companies WHERE case_study_id = ?1")?
            .execute([id])?;
        if respelled || !old_aliases.is_empty() {
            mark_companies_dirty(conn)?;
        }
        return Ok(None);
    };
    let key = match resolve_company(conn, written)? {
        Some(k) => k,
        None => company::key(written),
    };
    let mut placed = None;
    if !key.is_empty() {
        let lowered = written.to_lowercase();
        let current: Option<String> = conn
            .prepare_cached(
                "SELECT company_name FROM case_study_companies WHERE company_key = ?1
                 ORDER BY case_study_id DESC LIMIT 1",
            )?
            .query_row([&key], |r| r.get(0))
            .optional()?;
        let built_in = company::built_in_display(&key);
        let name = match current {
            // The same name with more capitals is what the regrouping after the import
            // shows (see `company::group`): placing this and later case studies under it
            // now spares re-indexing them then (most of what an import's regrouping
            // changed was such names: `Doordash` → `DoorDash`).
            Some(current)
                if built_in.is_none()
                    && current.to_lowercase() == lowered
                    && company::capitals(written) > company::capitals(&current) =>
            {
                written.to_string()
            }
            Some(current) => current,
            None => built_in.unwrap_or(written).to_string(),
        };
        conn.prepare_cached(
            "INSERT INTO case_study_companies (case_study_id, company_key, company_name)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (case_study_id) DO UPDATE
               SET company_key = excluded.company_key, company_name = excluded.company_name",
        )?
        .execute(params![id, key, name])?;
        let mut names = conn.prepare_cached(
            "INSERT OR IGNORE INTO company_names (name, company_key) VALUES (?1, ?2)",
        )?;
        names.execute(params![lowered, key])?;
        names.execute(params![key, key])?;
        placed = Some((key, name));
    }
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO company_aliases (case_study_id, alias) VALUES (?1, ?2)",
    )?;
    let new_aliases: BTreeSet<String> = aliases.iter().cloned().collect();
    for alias in &new_aliases {
        insert.execute(params![id, alias])?;
    }
    if respelled || old_aliases != new_aliases {
        mark_companies_dirty(conn)?;
    }
    Ok(placed)
}

/// A company as written, trimmed; `None` when there is none.
fn spelled(c: Option<&str>) -> Option<&str> {
    c.map(str::trim).filter(|c| !c.is_empty())
}

fn mark_companies_dirty(conn: &Connection) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('companies_dirty', 1)
         ON CONFLICT (key) DO UPDATE SET value = 1",
    )?
    .execute([])?;
    Ok(())
}

/// True when a write changed a company's spelling or aliases since the last
/// [`regroup_companies`]: the grouping must be settled again (after an import, or at open
/// when the process stopped before it could).
pub fn companies_dirty(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM meta WHERE key = 'companies_dirty'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// True when the grouping was computed by older rules (or never): the library must run
/// [`refresh_companies`].
pub fn companies_stale(conn: &Connection) -> Result<bool> {
    let v: Option<i64> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'company_rules'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.unwrap_or(0) < company::RULES_VERSION)
}

/// Re-reads every case study's text for aliases (after a rules change or a migration),
/// then regroups. Returns the number of case studies whose company changed.
pub fn refresh_companies(conn: &Connection) -> Result<u64> {
    let rows: Vec<(CaseStudyId, Option<String>)> = {
        let mut stmt = conn.prepare("SELECT id, company FROM case_studies ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut text = conn.prepare_cached(
        "SELECT title, coalesce(summary, ''), body_markdown, body_text FROM case_studies
         WHERE id = ?1",
    )?;
    for (id, written) in rows {
        let (title, summary, markdown, stored): (String, String, String, String) =
            text.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        let body = super::plain_text(&markdown, stored);
        let aliases = written
            .as_deref()
            .map(|w| company::text_aliases(w, &[&title, &summary, &body]))
            .unwrap_or_default();
        write_company(conn, id, written.as_deref(), written.as_deref(), &aliases)?;
    }
    let changed = regroup_companies(conn)?.len() as u64;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('company_rules', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [company::RULES_VERSION],
    )?;
    Ok(changed)
}

/// Groups every case study's company (trashed ones too: restoring one must not move
/// another), writes the key and display name of those that changed and queues them for
/// indexing, and rewrites the name lookup. Returns the ids of those that changed.
pub fn regroup_companies(conn: &Connection) -> Result<Vec<CaseStudyId>> {
    let written: Vec<(CaseStudyId, String)> = {
        let mut stmt = conn.prepare(
            "SELECT id, company FROM case_studies
             WHERE company IS NOT NULL AND trim(company) != '' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let evidence: Vec<(CaseStudyId, String)> = {
        let mut stmt = conn.prepare("SELECT case_study_id, alias FROM company_aliases")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let grouped = company::group(&written, &evidence);
    let before: std::collections::HashMap<CaseStudyId, (String, String)> = {
        let mut stmt = conn
            .prepare("SELECT case_study_id, company_key, company_name FROM case_study_companies")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut changed = Vec::new();
    let mut upsert = conn.prepare_cached(
        "INSERT INTO case_study_companies (case_study_id, company_key, company_name)
         VALUES (?1, ?2, ?3)
         ON CONFLICT (case_study_id) DO UPDATE
           SET company_key = excluded.company_key, company_name = excluded.company_name",
    )?;
    for (id, g) in &grouped {
        let same = before
            .get(id)
            .is_some_and(|(k, n)| *k == g.key && *n == g.name);
        if !same {
            upsert.execute(params![id, g.key, g.name])?;
            super::queue_for_index(conn, *id)?;
            changed.push(*id);
        }
    }
    let mut remove =
        conn.prepare_cached("DELETE FROM case_study_companies WHERE case_study_id = ?1")?;
    for id in before.keys().filter(|id| !grouped.contains_key(id)) {
        remove.execute([id])?;
        super::queue_for_index(conn, *id)?;
        changed.push(*id);
    }
    conn.execute("DELETE FROM company_names", [])?;
    let mut name = conn.prepare_cached(
        "INSERT OR IGNORE INTO company_names (name, company_key) VALUES (?1, ?2)",
    )?;
    // Keys and display names first: they win over a spelling that happens to equal another
    // company's key.
    for g in grouped.values() {
        name.execute(params![g.key, g.key])?;
        name.execute(params![g.name.to_lowercase(), g.key])?;
    }
    for (id, w) in &written {
        if let Some(g) = grouped.get(id) {
            name.execute(params![w.trim().to_lowercase(), g.key])?;
            name.execute(params![company::normalize(w), g.key])?;
        }
    }
    for (id, alias) in &evidence {
        if let Some(g) = grouped.get(id) {
            name.execute(params![alias.to_lowercase(), g.key])?;
            name.execute(params![company::normalize(alias), g.key])?;
        }
    }
    conn.execute("DELETE FROM meta WHERE key = 'companies_dirty'", [])?;
    Ok(changed)
}

/// The company key a name, spelling, alias or key stands for in this library; `None` when
/// no case study's company is known by it.
pub fn resolve_company(conn: &Connection, name: &str) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT company_key FROM company_names WHERE name = ?1")?;
    for candidate in [name.trim().to_lowercase(), company::normalize(name)] {
        if let Some(k) = stmt.query_row([&candidate], |r| r.get(0)).optional()? {
            return Ok(Some(k));
        }
    }
    Ok(None)
}

/// One case study's company: `(key, display name, company as written, year)`.
pub type CompanyRow = (String, String, String, Option<i32>);

/// The [`CompanyRow`] of every case study not in the trash.
pub fn company_rows(conn: &Connection) -> Result<Vec<CompanyRow>> {
    let mut stmt = conn.prepare(COMPANY_ROWS)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Reads `case_studies` through its index `case_studies_live` only (schema v9).
const COMPANY_ROWS: &str = "SELECT k.company_key, k.company_name, c.company, c.year
     FROM case_study_companies k JOIN case_studies c ON c.id = k.case_study_id
     WHERE c.deleted_at IS NULL";

/// The case studies (not in the trash) of the company `key`.
pub fn company_case_studies(conn: &Connection, key: &str) -> Result<Vec<CaseStudyId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.case_study_id FROM case_study_companies k
         JOIN case_studies c ON c.id = k.case_study_id
         WHERE k.company_key = ?1 AND c.deleted_at IS NULL ORDER BY k.case_study_id",
    )?;
    let rows = stmt.query_map([key], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::{regroup_companies, write_company, COMPANY_ROWS};
    use crate::store::open_in_memory;

    /// Places case studies one by one as an import does; returns each one's display name.
    fn place(conn: &rusqlite::Connection, spellings: &[&str]) -> Vec<String> {
        spellings
            .iter()
            .map(|&spelling| {
                conn.execute(
                    "INSERT INTO case_studies (slug, title, company, body_markdown, body_text,
                       created_at, updated_at)
                     VALUES ('s' || (SELECT count(*) FROM case_studies), 't', ?1, 'b', '', 0, 0)",
                    [spelling],
                )
                .unwrap();
                let id = conn.last_insert_rowid();
                let placed = write_company(conn, id, None, Some(spelling), &[]).unwrap();
                placed.unwrap().1
            })
            .collect()
    }

    /// A group's name while an import places case studies: the first spelling, then the
    /// same name with more capitals once one turns up (what the regrouping after the import
    /// settles on), so that the regrouping re-indexes only those placed before it.
    #[test]
    fn later_case_studies_are_placed_under_the_name_with_more_capitals() {
        let conn = open_in_memory().unwrap();
        let names = place(&conn, &["Doordash", "DoorDash", "Doordash", "doordash"]);
        assert_eq!(names, ["Doordash", "DoorDash", "DoorDash", "DoorDash"]);
        // A built-in company keeps its own name; another spelling (not just its case) does
        // not take over a group before the regrouping counts the spellings.
        let names = place(
            &conn,
            &["Amazon", "AMAZON", "Factory.ai", "FACTORY", "Factory.ai"],
        );
        assert_eq!(
            names,
            ["Amazon", "Amazon", "Factory.ai", "Factory.ai", "Factory.ai"]
        );
        let changed = regroup_companies(&conn).unwrap();
        assert_eq!(changed, [1], "only the first Doordash is renamed");
    }

    /// The companies list must not read case-study rows (their first pages hold the bodies):
    /// the plan finds the live ones, their company and year in `case_studies_live`.
    #[test]
    fn the_companies_list_reads_the_index_not_the_rows() {
        let conn = open_in_memory().unwrap();
        let plan = crate::store::query_plan(&conn, COMPANY_ROWS, []);
        let of_case_studies: Vec<&String> = plan.iter().filter(|s| s.contains(" c ")).collect();
        assert_eq!(
            of_case_studies,
            ["SEARCH c USING COVERING INDEX case_studies_live (deleted_at=?)"],
            "{plan:?}"
        );
    }
}
