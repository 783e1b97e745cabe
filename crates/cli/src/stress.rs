//! `casebook stress-writes` (hidden): annotation writes in a loop for the crash tests. Each
//! line printed names a write that is committed (the line is printed after the call
//! returns), so a test that kills the process knows what must survive.

use anyhow::{bail, Result};
use casebook_core::{HighlightColor, HighlightInput, Library};
use serde_json::json;
use std::io::Write;

/// `0..n` (0 when `n` is 0), from the seeded generator.
fn below(rng: &mut fastrand::Rng, n: u64) -> u64 {
    rng.u64(..n.max(1))
}

pub fn write_loop(library: &Library, seed: u64, count: u64) -> Result<()> {
    let ids: Vec<_> = library.list()?.iter().map(|c| c.id).collect();
    if ids.is_empty() {
        bail!("the library is empty: nothing to annotate");
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = std::io::stdout().lock();
    for seq in 0..count {
        let id = ids[below(&mut rng, ids.len() as u64) as usize];
        let line = match below(&mut rng, 3) {
            0 => {
                let text =
                    format!("Note {seq} of {seed}: stressnote{seed}x{seq} by the crash test.");
                library.set_note(id, &text)?;
                json!({"op": "note", "seq": seq, "id": id, "text": text})
            }
            1 => {
                let n = library.plain_text(id)?.chars().count() as u64;
                if n < 2 {
                    continue;
                }
                let len = 1 + below(&mut rng, 40.min(n - 1));
                let start = below(&mut rng, n - len);
                let input = HighlightInput {
                    start,
                    end: start + len,
                    quote: None,
                    color: HighlightColor::Green,
                    note: Some(format!("stresshl{seq}")),
                };
                let h = library.add_highlight(id, &input)?;
                json!({"op": "highlight", "seq": seq, "id": id, "highlight": h.id,
                       "quote": h.quote, "note": h.note})
            }
            _ => {
                let tag = format!("stresstag{}", below(&mut rng, 20));
                library.add_tags(&[id], &tag)?;
                let canonical = casebook_core::taxonomy::canonical_tag(&tag).unwrap_or(tag);
                json!({"op": "tag", "seq": seq, "id": id, "tag": canonical})
            }
        };
        writeln!(out, "{line}")?;
    }
    Ok(())
}
