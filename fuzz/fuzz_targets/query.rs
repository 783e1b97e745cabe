#![no_main]
//! See `hostile::query` (shared with the stable replay in crates/core/tests/hostile.rs).

#[path = "../../crates/core/tests/support/hostile.rs"]
mod hostile;

libfuzzer_sys::fuzz_target!(|data: &[u8]| hostile::query(data));
