//! Casebook's core: import case studies from every shape they come in, keep them in SQLite
//! (the source of truth), index them with tantivy (derived, rebuildable), search them.
//!
//! Shells (the `casebook` CLI, the desktop app) talk only to [`Library`].

pub mod anchor;
pub mod company;
pub mod error;
pub mod import;
pub mod index;
pub mod library;
pub mod model;
pub mod normalize;
pub mod render;
pub mod store;
pub mod taxonomy;
pub mod watch;

pub use error::{Error, Result};
pub use library::{default_library_dir, Library, OpenOptions};
pub use model::*;
