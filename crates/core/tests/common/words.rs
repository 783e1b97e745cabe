//! Word sets for comparing texts, shared by `corpus.rs` and `import_shapes.rs`.

use std::collections::BTreeSet;

/// The lower-cased words of a text (runs of letters and digits, two characters or more).
pub fn words(text: &str) -> BTreeSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(str::to_string)
        .collect()
}

/// The share of `a`'s words that are in `b` (1 when `a` has none).
pub fn share(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() {
        return 1.0;
    }
    a.intersection(b).count() as f64 / a.len() as f64
}
