//! The LLMOps tag and industry taxonomy: canonical slugs, display names, groups, inference.
//! (being written)

/// Canonical slug of a raw tag (`fine_tuning`, `Fine-Tuning` → `fine-tuning`).
pub fn canonical_tag(raw: &str) -> String {
    raw.trim().to_lowercase().replace(['_', ' '], "-")
}

/// Canonical slug of a raw industry (`Media & Entertainment` → `media-entertainment`).
pub fn canonical_industry(raw: &str) -> String {
    canonical_tag(raw)
}

/// Tags of the taxonomy that the text is about.
pub fn infer_tags(_title: &str, _summary: &str, _body_text: &str) -> Vec<String> {
    Vec::new()
}
