//! The one error type that crosses IPC: `{code, message}`.
//!
//! A `code` exists only where the UI does something different for it; everything else is
//! `internal` with a message meant for a person.

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// The case study is gone (e.g. the library changed under the UI): the reader says so.
    NotFound,
    /// Another Casebook process holds the library: the UI shows a blocking screen.
    InUse,
    /// The library cannot be opened at all (newer schema, unreadable folder): blocking screen.
    LibraryUnavailable,
    /// An import is already running: the UI points at it instead of starting another.
    Busy,
    /// The request made no sense (bad query value, a path that was not dropped or chosen).
    Invalid,
    /// Anything else: shown as a message, the app stays usable.
    Internal,
}

/// An error as the UI receives it (the rejected value of `invoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    /// A sentence for a person.
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError {
            code,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::Internal, message)
    }

    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::Invalid, message)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl From<casebook_core::Error> for AppError {
    fn from(e: casebook_core::Error) -> AppError {
        use casebook_core::Error as E;
        let code = match &e {
            E::NotFound(_) => ErrorCode::NotFound,
            E::InUse(_) => ErrorCode::InUse,
            E::NewerSchema { .. } => ErrorCode::LibraryUnavailable,
            E::Invalid(_) | E::Ambiguous { .. } => ErrorCode::Invalid,
            E::Io { .. } | E::Db(_) | E::Index(_) => ErrorCode::Internal,
        };
        if code == ErrorCode::Internal {
            tracing::error!(error = %e, "core error");
        }
        AppError::new(code, e.to_string())
    }
}

/// A blocking task that panicked or was cancelled: never let it cross IPC as a panic.
impl From<tauri::Error> for AppError {
    fn from(e: tauri::Error) -> AppError {
        tracing::error!(error = %e, "tauri error");
        AppError::internal(format!("internal error: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let e: AppError = casebook_core::Error::NotFound("42".into()).into();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "not_found");
        assert_eq!(json["message"], "no case study '42'");
    }

    #[test]
    fn in_use_and_schema_are_distinct_codes() {
        let e: AppError = casebook_core::Error::InUse("/x".into()).into();
        assert_eq!(e.code, ErrorCode::InUse);
        let e: AppError = casebook_core::Error::NewerSchema {
            found: 9,
            supported: 1,
        }
        .into();
        assert_eq!(e.code, ErrorCode::LibraryUnavailable);
    }

    #[test]
    fn an_ambiguous_quote_is_invalid_input() {
        let e: AppError = casebook_core::Error::Ambiguous {
            what: "quote".into(),
            count: 2,
        }
        .into();
        assert_eq!(e.code, ErrorCode::Invalid);
    }
}
