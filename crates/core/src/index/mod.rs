//! The tantivy search index: derived from SQLite, rebuildable at any time.
//! (being written)

use crate::error::Result;
use crate::model::{CaseStudyId, SearchRequest, SearchResponse};
use std::path::Path;

/// What the index holds of one case study.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexDoc {
    pub id: CaseStudyId,
    pub slug: String,
    pub title: String,
    pub company: Option<String>,
    pub industry: Option<String>,
    pub year: Option<i32>,
    pub summary: Option<String>,
    pub body_text: String,
    /// Every tag slug the case study carries (source, inferred, user).
    pub tags: Vec<String>,
}

/// How the index was found when opened.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexState {
    /// It opened and carries this generation stamp (from its last commit).
    Ready { generation: u64 },
    /// It was missing, of another schema version or unreadable, and was recreated empty:
    /// the caller must refill it from SQLite. The reason is for logs.
    Recreated { reason: String },
}

pub struct SearchIndex {}

impl SearchIndex {
    pub fn open(_dir: &Path) -> Result<(SearchIndex, IndexState)> {
        Ok((
            SearchIndex {},
            IndexState::Recreated {
                reason: "not implemented".into(),
            },
        ))
    }
    /// Adds or replaces documents (by id). Not visible until `commit`.
    pub fn upsert(&self, _docs: Vec<IndexDoc>) -> Result<()> {
        Ok(())
    }
    /// Removes documents by id. Not visible until `commit`.
    pub fn delete(&self, _ids: &[CaseStudyId]) -> Result<()> {
        Ok(())
    }
    /// Removes every document. Not visible until `commit`.
    pub fn clear(&self) -> Result<()> {
        Ok(())
    }
    /// Commits pending changes stamped with `generation`, then reloads the reader.
    pub fn commit(&self, _generation: u64) -> Result<()> {
        Ok(())
    }
    pub fn num_docs(&self) -> u64 {
        0
    }
    pub fn search(&self, _req: &SearchRequest) -> Result<SearchResponse> {
        Ok(SearchResponse::default())
    }
}
