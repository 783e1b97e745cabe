//! `Library`: one library folder (SQLite database + search index). The one entry point for
//! import, search, read; shells only talk to this.
//! (being written)

use crate::error::{Error, Result};
use crate::model::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// The per-user library folder the CLI and the desktop app use when none is named.
pub fn default_library_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Casebook", "Casebook")
        .map(|d| d.data_dir().join("library"))
}

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Import the embedded seed case studies when the library is new.
    pub seed_new_library: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            seed_new_library: true,
        }
    }
}

pub struct Library {
    root: PathBuf,
}

impl Library {
    /// Opens (creating if needed) the library in `dir`.
    pub fn open(dir: &Path) -> Result<Library> {
        Self::open_with(dir, &OpenOptions::default())
    }

    pub fn open_with(dir: &Path, _options: &OpenOptions) -> Result<Library> {
        Ok(Library {
            root: dir.to_path_buf(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn search(&self, _req: &SearchRequest) -> Result<SearchResponse> {
        Err(Error::Invalid("not implemented".into()))
    }

    pub fn list(&self) -> Result<Vec<CaseStudy>> {
        Err(Error::Invalid("not implemented".into()))
    }

    /// A case study by id (digits) or slug.
    pub fn get(&self, key: &str) -> Result<CaseStudyDetail> {
        Err(Error::NotFound(key.into()))
    }

    /// The case study's body rendered for the reader.
    pub fn render(&self, id: CaseStudyId) -> Result<RenderedBody> {
        Err(Error::NotFound(id.to_string()))
    }

    /// Imports files, folders (recursively) and .zip archives. `progress` is called after
    /// each batch; setting `cancel` stops after the current batch (committed work stays).
    pub fn import(
        &self,
        _paths: &[PathBuf],
        _progress: &(dyn Fn(&ImportProgress) + Sync),
        _cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        Err(Error::Invalid("not implemented".into()))
    }

    /// Rebuilds the search index from the database; returns the number of documents.
    pub fn reindex(&self) -> Result<u64> {
        Err(Error::Invalid("not implemented".into()))
    }

    pub fn stats(&self) -> Result<Stats> {
        Err(Error::Invalid("not implemented".into()))
    }
}
