//! The UI's state across restarts, as a small JSON file in the app's config folder.

use crate::error::{AppError, AppResult};
use crate::types::UiState;
use serde_json::Value;
use std::path::Path;

/// Reads the saved state; a missing or broken file gives the defaults (and is logged), and
/// a value this version cannot read (an older or newer app's) gives that field's default.
pub fn load(file: &Path) -> UiState {
    match std::fs::read(file) {
        Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(found) => lenient(found),
            Err(e) => {
                tracing::warn!(file = %file.display(), error = %e, "ignoring unreadable UI state");
                UiState::default()
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => UiState::default(),
        Err(e) => {
            tracing::warn!(file = %file.display(), error = %e, "cannot read UI state");
            UiState::default()
        }
    }
}

/// `found` laid over the defaults field by field (objects recursively), each field kept only
/// if the whole still reads as a [`UiState`]; unknown fields are ignored.
fn lenient(found: Value) -> UiState {
    let mut state = serde_json::to_value(UiState::default()).unwrap_or(Value::Null);
    let reads = |v: &Value| serde_json::from_value::<UiState>(v.clone()).is_ok();
    if let Value::Object(found) = found {
        lay_over(&mut state, &mut Vec::new(), found, &reads);
    }
    serde_json::from_value(state).unwrap_or_default()
}

fn lay_over(
    root: &mut Value,
    path: &mut Vec<String>,
    found: serde_json::Map<String, Value>,
    reads: &dyn Fn(&Value) -> bool,
) {
    for (key, value) in found {
        path.push(key);
        let pointer: String = path
            .iter()
            .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
            .collect();
        match (root.pointer(&pointer).cloned(), value) {
            (Some(Value::Object(_)), Value::Object(inner)) => lay_over(root, path, inner, reads),
            (Some(old), value) => {
                if let Some(slot) = root.pointer_mut(&pointer) {
                    *slot = value;
                }
                if !reads(root) {
                    if let Some(slot) = root.pointer_mut(&pointer) {
                        *slot = old;
                    }
                }
            }
            (None, _) => {}
        }
        path.pop();
    }
}

/// Writes the state atomically (temp file + rename): a crash never leaves half a file.
pub fn save(file: &Path, state: &UiState) -> AppResult<()> {
    let fail = |e: std::io::Error| {
        AppError::internal(format!(
            "could not save the window state to {}: {e}",
            file.display()
        ))
    };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let json = serde_json::to_vec_pretty(state)
        .map_err(|e| AppError::internal(format!("could not encode the window state: {e}")))?;
    let tmp = file.with_extension("json.tmp");
    std::fs::write(&tmp, json).map_err(fail)?;
    std::fs::rename(&tmp, file).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ThemePreference, TrendChart, TrendMode};
    use casebook_core::{Filters, TagMode};

    #[test]
    fn round_trips_and_tolerates_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/ui-state.json");
        assert_eq!(load(&file), UiState::default());
        let state = UiState {
            query: "rag".into(),
            filters: Filters {
                tags: vec!["rag".into()],
                tag_mode: TagMode::Any,
                year_from: Some(2023),
                ..Default::default()
            },
            open_id: Some(3),
            ..Default::default()
        };
        save(&file, &state).unwrap();
        assert_eq!(load(&file), state);
        std::fs::write(&file, b"{not json").unwrap();
        assert_eq!(load(&file), UiState::default());
        // Unknown fields (a newer app) and missing ones (an older app) are fine.
        std::fs::write(&file, br#"{"query":"x","future":1}"#).unwrap();
        assert_eq!(load(&file).query, "x");
        // A value this version cannot read loses that field only.
        std::fs::write(
            &file,
            br#"{"query":"y","theme":"sepia","sort":"newest","filters":{"tags":"rag","year_from":2020},"trends":{"mode":"share","chart":"pie","series":["rag"]}}"#,
        )
        .unwrap();
        let read = load(&file);
        assert_eq!(read.query, "y");
        assert_eq!(
            read.filters,
            Filters {
                year_from: Some(2020),
                ..Default::default()
            }
        );
        assert_eq!(read.theme, ThemePreference::System);
        assert_eq!(read.sort, casebook_core::Sort::Newest);
        assert_eq!(read.trends.mode, TrendMode::Share);
        assert_eq!(read.trends.chart, TrendChart::Lines);
        assert_eq!(read.trends.series, Some(vec!["rag".to_string()]));
    }
}
