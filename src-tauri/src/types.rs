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
    pub trends: TrendsPrefs,
}

/// The Trends view's choices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TrendsPrefs {
    pub count: TrendCount,
    pub mode: TrendMode,
    pub chart: TrendChart,
    /// The series the user picked (tag or industry slugs); none: the most frequent.
    pub series: Option<Vec<String>>,
}

/// What the Trends view counts: one tag group, every tag, or industries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TrendCount {
    #[default]
    Technique,
    UseCase,
    Tool,
    Provider,
    AllTags,
    Industries,
}

/// Case studies per year, or their share of the year's case studies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TrendMode {
    #[default]
    Counts,
    Share,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TrendChart {
    #[default]
    Lines,
    Bars,
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
