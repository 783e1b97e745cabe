//! SQLite store (being written)
