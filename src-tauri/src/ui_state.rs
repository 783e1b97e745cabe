//! The UI's state across restarts, as a small JSON file in the app's config folder.

use crate::error::{AppError, AppResult};
use crate::types::UiState;
use std::path::Path;

/// Reads the saved state; a missing or broken file gives the defaults (and is logged).
pub fn load(file: &Path) -> UiState {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!(file = %file.display(), error = %e, "ignoring unreadable UI state");
            UiState::default()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => UiState::default(),
        Err(e) => {
            tracing::warn!(file = %file.display(), error = %e, "cannot read UI state");
            UiState::default()
        }
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
    }
}
