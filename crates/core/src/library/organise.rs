//! Annotating and organising: highlights, notes, user tags, collections, saved searches,
//! reading state, the trash. Every write is one transaction that queues the ids it changed;
//! the index is committed right after, so the change is searchable at once.

use super::{lock, Library};
use crate::anchor::{self, Selector};
use crate::error::{Error, Result};
use crate::model::*;
use crate::store;
use rusqlite::{Connection, TransactionBehavior};

/// Canonical slug of a tag typed by the user.
fn user_tag(raw: &str) -> Result<String> {
    crate::taxonomy::canonical_tag(raw)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::Invalid(format!("'{raw}' is not a usable tag")))
}

/// Places every highlight of `id` again in its new plain text `text` (see [`crate::anchor`]).
/// Those that cannot be placed become orphans. Runs inside the caller's transaction.
pub(super) fn reanchor(conn: &Connection, id: CaseStudyId, text: &str) -> Result<()> {
    for h in store::highlights_of(conn, id)? {
        let sel = Selector {
            start: h.start as usize,
            end: h.end as usize,
            quote: h.quote.clone(),
            prefix: h.prefix.clone(),
            suffix: h.suffix.clone(),
        };
        let placed = anchor::anchor(text, &sel).and_then(|(s, e, _)| anchor::describe(text, s, e));
        if placed.is_none() && !h.orphan {
            tracing::info!(case_study = id, highlight = h.id, "highlight orphaned");
        }
        store::place_highlight(conn, h.id, placed.as_ref())?;
    }
    store::queue_for_index(conn, id)
}

impl Library {
    /// Runs `f` in one write transaction, bumps the generation, commits, and brings the index
    /// up to date with the ids `f` queued.
    pub(super) fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        self.other_writes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        store::bump_generation(&tx)?;
        tx.commit()?;
        self.flush_index_queue(&conn)?;
        Ok(out)
    }

    /// A case study's id from its id (digits) or slug.
    pub fn resolve_id(&self, key: &str) -> Result<CaseStudyId> {
        let conn = lock(&self.reader);
        let id = self.resolve(&conn, key)?;
        store::ensure_exists(&conn, id)?;
        Ok(id)
    }

    /// The plain text highlights are anchored in (the same as `CaseStudyDetail::body_text`).
    pub fn plain_text(&self, id: CaseStudyId) -> Result<String> {
        store::body_text(&lock(&self.reader), id)
    }

    /// A case study's highlights (reading order, orphans last) and note.
    pub fn annotations(&self, id: CaseStudyId) -> Result<Annotations> {
        let conn = lock(&self.reader);
        store::ensure_exists(&conn, id)?;
        Ok(Annotations {
            case_study_id: id,
            highlights: store::highlights_of(&conn, id)?,
            note: store::note_of(&conn, id)?,
        })
    }

    /// Highlights `input.start..input.end` (characters of [`Library::plain_text`]).
    pub fn add_highlight(&self, id: CaseStudyId, input: &HighlightInput) -> Result<Highlight> {
        self.write(|conn| {
            let text = store::body_text(conn, id)?;
            let sel = anchor::describe(&text, input.start as usize, input.end as usize)
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "{}..{} is not a range of the text ({} characters)",
                        input.start,
                        input.end,
                        text.chars().count()
                    ))
                })?;
            if let Some(q) = &input.quote {
                if *q != sel.quote {
                    return Err(Error::Invalid(
                        "the quote is not the text at that range (the text may have changed)"
                            .into(),
                    ));
                }
            }
            let note = input.note.as_deref().unwrap_or("");
            let h = store::insert_highlight(conn, id, &sel, input.color, note, false, None)?;
            store::queue_for_index(conn, id)?;
            Ok(h)
        })
    }

    /// The character range of `quote` in the case study's plain text: its only occurrence, or
    /// the `occurrence`-th (1-based) when there are several.
    pub fn find_quote(
        &self,
        id: CaseStudyId,
        quote: &str,
        occurrence: Option<usize>,
    ) -> Result<(u64, u64)> {
        let text = self.plain_text(id)?;
        let found = anchor::find_all(&text, quote);
        let pick = match (found.len(), occurrence) {
            (0, _) => return Err(Error::NotFound(format!("quote \"{quote}\""))),
            (_, Some(n)) => found.get(n.wrapping_sub(1)).copied(),
            (1, None) => found.first().copied(),
            (count, None) => {
                return Err(Error::Ambiguous {
                    what: format!("quote \"{quote}\""),
                    count,
                })
            }
        };
        let (s, e) = pick.ok_or_else(|| {
            Error::Invalid(format!(
                "the quote occurs {} times; no occurrence {}",
                found.len(),
                occurrence.unwrap_or(0)
            ))
        })?;
        Ok((s as u64, e as u64))
    }

    pub fn update_highlight(
        &self,
        hid: HighlightId,
        update: &HighlightUpdate,
    ) -> Result<Highlight> {
        self.write(|conn| store::update_highlight(conn, hid, update))
    }

    pub fn delete_highlight(&self, hid: HighlightId) -> Result<()> {
        self.write(|conn| store::delete_highlight(conn, hid).map(|_| ()))
    }

    /// Sets the case study's Markdown note (empty removes it).
    pub fn set_note(&self, id: CaseStudyId, markdown: &str) -> Result<()> {
        self.write(|conn| {
            store::ensure_exists(conn, id)?;
            store::set_note(conn, id, markdown)
        })
    }

    /// Adds a user tag to many case studies; returns how many did not have it.
    pub fn add_tags(&self, ids: &[CaseStudyId], tag: &str) -> Result<u32> {
        let tag = user_tag(tag)?;
        self.write(|conn| {
            let mut n = 0;
            for &id in ids {
                store::ensure_exists(conn, id)?;
                n += u32::from(store::add_user_tag(conn, id, &tag)?);
            }
            Ok(n)
        })
    }

    /// Removes a user tag from many case studies; returns how many had it.
    pub fn remove_tags(&self, ids: &[CaseStudyId], tag: &str) -> Result<u32> {
        let tag = user_tag(tag)?;
        self.write(|conn| {
            let mut n = 0;
            for &id in ids {
                n += u32::from(store::remove_user_tag(conn, id, &tag)?);
            }
            Ok(n)
        })
    }

    /// Replaces a case study's user tags; returns them, canonical and sorted.
    pub fn set_user_tags(&self, id: CaseStudyId, tags: &[String]) -> Result<Vec<String>> {
        let mut wanted = tags
            .iter()
            .map(|t| user_tag(t))
            .collect::<Result<Vec<_>>>()?;
        wanted.sort();
        wanted.dedup();
        self.write(|conn| {
            store::ensure_exists(conn, id)?;
            let (_, _, current) = store::tags_of(conn, id)?;
            for t in current.iter().filter(|t| !wanted.contains(t)) {
                store::remove_user_tag(conn, id, t)?;
            }
            for t in &wanted {
                store::add_user_tag(conn, id, t)?;
            }
            Ok(wanted.clone())
        })
    }

    /// The user's tags with their counts, most used first.
    pub fn user_tags(&self) -> Result<Vec<TagCount>> {
        store::user_tag_counts(&lock(&self.reader))
    }

    /// Renames a user tag across the library; returns the case studies changed. Source and
    /// inferred tags come from the files and are not renamed.
    pub fn rename_tag(&self, old: &str, new: &str) -> Result<u32> {
        self.merge_tags(&[old.to_string()], new)
    }

    /// Merges user tags `from` into `into` across the library; returns the case studies
    /// changed.
    pub fn merge_tags(&self, from: &[String], into: &str) -> Result<u32> {
        let into = user_tag(into)?;
        let from = from
            .iter()
            .map(|t| user_tag(t))
            .collect::<Result<Vec<_>>>()?;
        self.write(|conn| {
            let mut changed = std::collections::BTreeSet::new();
            for old in from.iter().filter(|t| **t != into) {
                for id in store::ids_with_user_tag(conn, old)? {
                    store::remove_user_tag(conn, id, old)?;
                    store::add_user_tag(conn, id, &into)?;
                    changed.insert(id);
                }
            }
            Ok(changed.len() as u32)
        })
    }

    /// Accepts an inferred tag: it becomes a user tag.
    pub fn accept_tag(&self, id: CaseStudyId, tag: &str) -> Result<()> {
        let tag = user_tag(tag)?;
        self.write(|conn| {
            if !store::has_inferred_tag(conn, id, &tag)? {
                return Err(Error::NotFound(format!("inferred tag '{tag}' on {id}")));
            }
            store::add_user_tag(conn, id, &tag).map(|_| ())
        })
    }

    /// Dismisses an inferred tag: removed, and remembered so a re-import does not bring it back.
    pub fn dismiss_tag(&self, id: CaseStudyId, tag: &str) -> Result<()> {
        let tag = user_tag(tag)?;
        self.write(|conn| {
            if !store::has_inferred_tag(conn, id, &tag)? {
                return Err(Error::NotFound(format!("inferred tag '{tag}' on {id}")));
            }
            store::dismiss_inferred_tag(conn, id, &tag).map(|_| ())
        })
    }

    // ---- collections ----

    pub fn create_collection(&self, name: &str) -> Result<Collection> {
        self.write(|conn| store::create_collection(conn, name))
    }

    pub fn rename_collection(&self, id: CollectionId, name: &str) -> Result<Collection> {
        self.write(|conn| store::rename_collection(conn, id, name))
    }

    pub fn delete_collection(&self, id: CollectionId) -> Result<()> {
        self.write(|conn| store::delete_collection(conn, id))
    }

    /// Collections by name, with their sizes.
    pub fn collections(&self) -> Result<Vec<Collection>> {
        store::collections(&lock(&self.reader))
    }

    /// A collection by id (digits) or name (case-insensitive).
    pub fn collection(&self, key: &str) -> Result<Collection> {
        let conn = lock(&self.reader);
        if let Ok(id) = key.trim().parse::<CollectionId>() {
            if let Ok(c) = store::collection(&conn, id) {
                return Ok(c);
            }
        }
        store::collection_by_name(&conn, key)?
            .ok_or_else(|| Error::NotFound(format!("collection '{key}'")))
    }

    /// Adds case studies to a collection; returns how many were not in it.
    pub fn add_to_collection(&self, id: CollectionId, ids: &[CaseStudyId]) -> Result<u32> {
        self.write(|conn| {
            store::collection(conn, id)?;
            let mut n = 0;
            for &cs in ids {
                store::ensure_exists(conn, cs)?;
                n += u32::from(store::add_to_collection(conn, id, cs)?);
            }
            Ok(n)
        })
    }

    pub fn remove_from_collection(&self, id: CollectionId, ids: &[CaseStudyId]) -> Result<u32> {
        self.write(|conn| {
            store::collection(conn, id)?;
            let mut n = 0;
            for &cs in ids {
                n += u32::from(store::remove_from_collection(conn, id, cs)?);
            }
            Ok(n)
        })
    }

    /// The ids of a collection's case studies (not trashed), by title.
    pub fn collection_member_ids(&self, id: CollectionId) -> Result<Vec<CaseStudyId>> {
        let conn = lock(&self.reader);
        store::collection(&conn, id)?;
        store::collection_ids(&conn, id)
    }

    /// The case studies of a collection (not trashed), by title.
    pub fn collection_members(&self, id: CollectionId) -> Result<Vec<CaseStudy>> {
        let conn = lock(&self.reader);
        store::collection(&conn, id)?;
        store::collection_ids(&conn, id)?
            .into_iter()
            .map(|cs| store::case_study(&conn, cs))
            .collect()
    }

    // ---- saved searches ----

    /// Saves (or replaces, by name) a search.
    pub fn save_search(&self, name: &str, request: &SearchRequest) -> Result<SavedSearch> {
        let mut saved = self.write(|conn| store::save_search(conn, name, request))?;
        saved.count = self.search_count(&saved.request)?;
        Ok(saved)
    }

    /// Saved searches with their live hit counts.
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>> {
        let mut all = store::saved_searches(&lock(&self.reader))?;
        for s in &mut all {
            s.count = self.search_count(&s.request)?;
        }
        Ok(all)
    }

    /// Deletes a saved search by id or name.
    pub fn delete_saved_search(&self, key: &str) -> Result<()> {
        self.write(|conn| store::delete_saved_search(conn, key))
    }

    fn search_count(&self, request: &SearchRequest) -> Result<u64> {
        let mut r = request.clone();
        r.page = Page {
            offset: 0,
            limit: 0,
        };
        Ok(self.search(&r)?.total)
    }

    // ---- reading state ----

    pub fn set_starred(&self, id: CaseStudyId, starred: bool) -> Result<()> {
        self.write(|conn| store::set_flag(conn, id, store::Flag::Starred, starred))
    }

    pub fn set_read(&self, id: CaseStudyId, read: bool) -> Result<()> {
        self.write(|conn| store::set_flag(conn, id, store::Flag::Read, read))
    }

    /// Records that the case study was opened now (for "recently opened"); also marks it read.
    pub fn mark_opened(&self, id: CaseStudyId) -> Result<()> {
        self.write(|conn| store::mark_opened(conn, id, store::now_ms()))
    }

    // ---- trash ----

    /// Moves case studies to the trash: hidden from list, search and stats, kept with their
    /// sources and annotations until the trash is emptied. A trashed case study stays trashed
    /// when its files are imported again (its sources are still known); restore it instead.
    pub fn trash(&self, ids: &[CaseStudyId]) -> Result<()> {
        let at = store::now_ms();
        self.write(|conn| {
            for &id in ids {
                store::set_trashed(conn, id, Some(at))?;
            }
            Ok(())
        })
    }

    /// Brings case studies back from the trash, with their annotations.
    pub fn restore(&self, ids: &[CaseStudyId]) -> Result<()> {
        self.write(|conn| {
            for &id in ids {
                store::set_trashed(conn, id, None)?;
            }
            Ok(())
        })
    }

    /// The trash, most recently deleted first.
    pub fn trash_list(&self) -> Result<Vec<TrashedCaseStudy>> {
        store::trash_list(&lock(&self.reader))
    }

    /// Deletes the trashed case studies for good; returns how many. Importing their files
    /// again afterwards brings them back as new case studies.
    pub fn empty_trash(&self) -> Result<u64> {
        let _import = lock(&self.import_lock);
        self.write(|conn| {
            let ids = store::empty_trash(conn)?;
            // A spelling only the deleted ones had may have named their company.
            store::regroup_companies(conn)?;
            Ok(ids.len() as u64)
        })
    }
}
