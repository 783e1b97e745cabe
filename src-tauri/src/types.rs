//! IPC types owned by the desktop shell (the rest come from `casebook_core::model`).

use casebook_core::{Filters, Sort, Stats};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What is in the library (status bar, empty state). No path: the UI never sees one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LibraryInfo {
    pub stats: Stats,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ThemePreference {
    #[default]
    System,
    Light,
    Dark,
}

/// What the UI restores on the next launch. Unknown or broken files fall back to defaults
/// field by field, so an older or newer app never fails to start over it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct UiState {
    pub query: String,
    pub filters: Filters,
    pub sort: Sort,
    /// The case study open in the reader.
    #[ts(type = "number | null")]
    pub open_id: Option<i64>,
    pub theme: ThemePreference,
}

/// Paths the user chose in the import dialog (empty when the dialog was dismissed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportPick {
    /// Files, including .zip archives.
    Files,
    /// Folders, read recursively.
    Folders,
}
