//! The core's error type. Shells map it to their own (the desktop app to `{code, message}`).

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder of the library could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// SQLite failed (a bug, a full disk, or a damaged database).
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// The search index failed; it can always be rebuilt from the database.
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The library was written by a newer Casebook; it is left untouched.
    #[error("this library was written by a newer version of Casebook (schema version {found}; this version reads up to {supported}); it was left untouched")]
    NewerSchema { found: i64, supported: i64 },
    /// Another process holds the library open for writing.
    #[error("the library at {0} is in use by another Casebook process (the desktop app or a casebook command); close it and try again")]
    InUse(PathBuf),
    /// No case study has that id or slug.
    #[error("no case study '{0}'")]
    NotFound(String),
    /// Something the caller named matches several times (e.g. a quote to highlight that
    /// occurs more than once: pick one by its occurrence number).
    #[error("{what} occurs {count} times; say which one")]
    Ambiguous { what: String, count: usize },
    /// The caller asked for something that makes no sense (bad id, bad argument).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
