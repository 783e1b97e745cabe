//! The tag groups and industries for the sidebar.
//!
//! The canonical taxonomy lives in `casebook_core::taxonomy` (being written); until it lands
//! this returns the four groups without members, and the UI shows every tag under "Other".
//! Only this function changes when it does.

use crate::types::{TagGroup, TaxonomyView};

pub fn view() -> TaxonomyView {
    let group = |id: &str, name: &str| TagGroup {
        id: id.into(),
        name: name.into(),
        tags: Vec::new(),
    };
    TaxonomyView {
        groups: vec![
            group("use_case", "Use cases"),
            group("technique", "Techniques"),
            group("tool", "Tools"),
            group("provider", "Providers"),
        ],
        industries: Vec::new(),
    }
}
