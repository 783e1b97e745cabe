//! Which case study a parsed one is: content fingerprints, identity keys, and the merge of
//! several sources of one case study into the record shown to the user.

use crate::model::NormalizedCaseStudy;

/// Words per shingle.
const SHINGLE_WORDS: usize = 5;
/// One shingle in `SAMPLE_MODULUS` is kept. Sampling by hash value (not position) keeps
/// the same shingles in every copy of a text, so shared samples estimate shared text.
const SAMPLE_MODULUS: u64 = 32;
/// Most fingerprints kept per case study (the smallest hashes: still a consistent sample).
const MAX_FINGERPRINTS: usize = 160;

/// Two texts are the same case study when at least this share of the smaller one's
/// fingerprints is in the other (containment, robust to one copy losing lists or chrome).
pub const SAME_CONTENT_CONTAINMENT: f64 = 0.5;
/// ... and they share at least this many fingerprints (short texts prove nothing).
pub const MIN_SHARED_FINGERPRINTS: u32 = 4;
/// A fingerprint found in this many case studies already is boilerplate: it is not looked
/// up (see `store::Candidates`).
pub const MAX_FINGERPRINT_SHARERS: u32 = 16;

/// Multiplier of the word hash (odd; the golden ratio's bits).
const WORD_MUL: u64 = 0x9e37_79b9_7f4a_7c15;
/// Base of the rolling polynomial over a shingle's word hashes (odd).
const SHINGLE_BASE: u64 = 0xff51_afd7_ed55_8ccd;

/// Folds a word's lower-cased bytes, 8 at a time, into a hash; `lower` maps each chunk
/// (little-endian, zero-padded) to its lower-cased form.
fn fold_chunks(bytes: &[u8], lower: impl Fn(u64, usize) -> u64) -> u64 {
    let mut h = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let mut buf = [0u8; 8];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = lower(u64::from_le_bytes(buf), chunk.len());
        h = (h.rotate_left(23) ^ v).wrapping_mul(WORD_MUL);
    }
    fmix64(h)
}

/// The hash of a word, lower-cased.
fn word_hash(word: &str) -> u64 {
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        // Nearly every word: for ASCII letters and digits, setting bit 5 of each byte is
        // lower-casing (digits have it set already), eight bytes at once.
        fold_chunks(word.as_bytes(), |v, len| {
            v | (0x2020_2020_2020_2020u64 >> (8 * (8 - len)))
        })
    } else {
        let lower: String = word.chars().flat_map(char::to_lowercase).collect();
        fold_chunks(lower.as_bytes(), |v, _| v)
    }
}

/// The 64-bit finaliser of MurmurHash3: every output bit depends on every input bit, so the
/// low bits used for sampling are well mixed.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Content fingerprints of a plain text: sampled hashes of its word 5-grams, case and
/// punctuation ignored. Each word is hashed once and a 5-gram's hash combines its words'
/// in order. Stored in the database: a different function needs a migration that queues
/// every case study to be fingerprinted again (see `store::fingerprints`).
pub fn fingerprints(text: &str) -> Vec<i64> {
    // A shingle's hash is the polynomial sum(w[k] * BASE^(4 - k)) of its word hashes, kept
    // rolling: the oldest word's term leaves, the new word's comes in.
    let top = SHINGLE_BASE.wrapping_pow(SHINGLE_WORDS as u32 - 1);
    let mut window = [0u64; SHINGLE_WORDS];
    let mut words = 0usize;
    let mut rolling = 0u64;
    let mut out = Vec::new();
    let mut add = |word: &str| {
        let slot = words % SHINGLE_WORDS;
        let w = word_hash(word);
        if words >= SHINGLE_WORDS {
            rolling = rolling.wrapping_sub(window[slot].wrapping_mul(top));
        }
        rolling = rolling.wrapping_mul(SHINGLE_BASE).wrapping_add(w);
        window[slot] = w;
        words += 1;
        if words < SHINGLE_WORDS {
            return;
        }
        let h = fmix64(rolling);
        if h.is_multiple_of(SAMPLE_MODULUS) {
            out.push(h as i64);
        }
    };
    // Words are runs of alphanumeric characters. ASCII bytes are classified as bytes; a
    // non-ASCII byte starts a character classified as a `char` (Unicode letters and digits
    // are word characters too).
    let bytes = text.as_bytes();
    let (mut i, mut start) = (0usize, None::<usize>);
    while i < bytes.len() {
        let b = bytes[i];
        let (is_word, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        };
        match (is_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                add(&text[s..i]);
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        add(&text[s..]);
    }
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_FINGERPRINTS);
    out
}

/// Whether `shared` fingerprints out of `a` and `b` make the two texts one case study.
pub fn same_content(shared: u32, a: u32, b: u32) -> bool {
    let smaller = a.min(b).max(1);
    shared >= MIN_SHARED_FINGERPRINTS && shared as f64 / smaller as f64 >= SAME_CONTENT_CONTAINMENT
}

/// A link reduced to what identifies the page: no scheme, `www.`, fragment, or trailing `/`.
pub fn link_key(link: &str) -> String {
    let l = link.trim();
    let l = l.split('#').next().unwrap_or(l);
    let l = l
        .strip_prefix("https://")
        .or_else(|| l.strip_prefix("http://"))
        .unwrap_or(l);
    let l = l.strip_prefix("www.").unwrap_or(l);
    let (host, rest) = l.split_once('/').unwrap_or((l, ""));
    format!("{}/{}", host.to_lowercase(), rest.trim_end_matches('/'))
}

/// Merges the sources of one case study, best first (see `SourceFormat::rank`): each field
/// comes from the best source that has it, tags are the union of the sources' tags, and the
/// body is the best source's unless a lower-ranked one is much fuller (a record holding only
/// a summary must not replace a whole article).
pub fn merge(sources: &[&NormalizedCaseStudy]) -> NormalizedCaseStudy {
    let Some(first) = sources.first() else {
        return NormalizedCaseStudy::default();
    };
    let pick =
        |f: &dyn Fn(&NormalizedCaseStudy) -> Option<String>| sources.iter().find_map(|s| f(s));
    let titled = sources.iter().find(|s| !s.title_inferred).unwrap_or(first);
    let longest = sources.iter().map(|s| s.body_text.len()).max().unwrap_or(0);
    let body = sources
        .iter()
        .find(|s| s.body_text.len() * 2 >= longest)
        .unwrap_or(first);
    let mut tags: Vec<String> = sources
        .iter()
        .flat_map(|s| s.tags.iter().cloned())
        .collect();
    tags.sort();
    tags.dedup();
    let inferred_tags = if tags.is_empty() {
        body.inferred_tags.clone()
    } else {
        Vec::new()
    };
    NormalizedCaseStudy {
        title: titled.title.clone(),
        title_inferred: titled.title_inferred,
        slug: pick(&|s| s.slug.clone()),
        company: pick(&|s| s.company.clone()),
        industry: pick(&|s| s.industry.clone()),
        year: sources.iter().find_map(|s| s.year),
        link: pick(&|s| s.link.clone()),
        summary: pick(&|s| s.summary.clone()),
        tags,
        inferred_tags,
        body_markdown: body.body_markdown.clone(),
        body_text: body.body_text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real case-study body: long enough for a meaningful sample.
    const TEXT: &str = include_str!("../../../../seeds/001_8e12bdf6b48924d6.txt");

    #[test]
    fn same_text_in_another_shape_shares_fingerprints() {
        let a = fingerprints(TEXT);
        let reflowed = TEXT.replace(". ", ".\n\n").to_uppercase();
        let b = fingerprints(&format!("Site chrome\n{reflowed}\nMore like this"));
        assert!(a.len() >= MIN_SHARED_FINGERPRINTS as usize, "{}", a.len());
        let shared = a.iter().filter(|h| b.contains(h)).count() as u32;
        assert!(same_content(shared, a.len() as u32, b.len() as u32));
    }

    #[test]
    fn fingerprints_ignore_case_and_punctuation_but_not_word_order() {
        let a = fingerprints(TEXT);
        let shouted = fingerprints(&TEXT.to_uppercase().replace(' ', " -- "));
        assert_eq!(a, shouted);
        let words: Vec<&str> = TEXT.split_whitespace().collect();
        let reversed: Vec<&str> = words.iter().rev().copied().collect();
        let b = fingerprints(&reversed.join(" "));
        let shared = a.iter().filter(|h| b.contains(h)).count();
        assert!(a.len() > 20 && shared == 0, "{} of {}", shared, a.len());
        // Words outside ASCII are lower-cased too.
        assert_eq!(word_hash("FAÇADE"), word_hash("façade"));
        assert_eq!(word_hash("Über"), word_hash("über"));
        assert_ne!(word_hash("über"), word_hash("uber"));
        // The eight-bytes-at-once path lower-cases as the general one does, at every length.
        for w in [
            "A",
            "Rag7",
            "ABCDEFGH",
            "Internationalisation2024",
            "K\u{212A}",
        ] {
            let lower: String = w.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(word_hash(w), fold_chunks(lower.as_bytes(), |v, _| v), "{w}");
            assert_eq!(word_hash(w), word_hash(&lower), "{w}");
        }
        assert_ne!(word_hash("ab"), word_hash("ab0"));
    }

    #[test]
    fn the_byte_scan_finds_the_words_a_unicode_split_finds() {
        // The words as `split` on non-alphanumeric characters sees them, hashed the same way.
        fn reference(text: &str) -> Vec<i64> {
            let words: Vec<u64> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(word_hash)
                .collect();
            let mut out: Vec<i64> = words
                .windows(SHINGLE_WORDS)
                .map(|w| {
                    let h = w
                        .iter()
                        .fold(0u64, |h, x| h.wrapping_mul(SHINGLE_BASE).wrapping_add(*x));
                    fmix64(h)
                })
                .filter(|h| h % SAMPLE_MODULUS == 0)
                .map(|h| h as i64)
                .collect();
            out.sort_unstable();
            out.dedup();
            out.truncate(MAX_FINGERPRINTS);
            out
        }
        let mixed = format!(
            "{TEXT}\nÜber-Straße naïve café — 東京の会社 ١٢٣ x²y e\u{301}t\u{e9} {}",
            "mot-à-mot “quoted” (paren) ok. ".repeat(200)
        );
        for text in [TEXT, mixed.as_str(), "", "one", "a b c d e f g"] {
            assert_eq!(fingerprints(text), reference(text));
        }
        assert!(!fingerprints(&mixed).is_empty());
    }

    #[test]
    fn different_texts_do_not_match() {
        let other = include_str!("../../../../seeds/000_aab0bd6cfb60beaa.txt");
        let a = fingerprints(TEXT);
        let b = fingerprints(other);
        let shared = a.iter().filter(|h| b.contains(h)).count() as u32;
        assert!(!same_content(shared, a.len() as u32, b.len() as u32));
    }

    #[test]
    fn link_keys_ignore_scheme_www_and_trailing_slash() {
        assert_eq!(
            link_key("https://www.YouTube.com/watch?v=abc/"),
            link_key("http://youtube.com/watch?v=abc#t=10")
        );
        assert_ne!(link_key("https://a.com/x"), link_key("https://a.com/y"));
    }

    #[test]
    fn merge_takes_each_field_from_the_best_source_that_has_it() {
        let rich = NormalizedCaseStudy {
            title: "Real title".into(),
            company: Some("Acme".into()),
            tags: vec!["rag".into()],
            body_text: "x".repeat(100),
            body_markdown: "rich".into(),
            ..Default::default()
        };
        let bare = NormalizedCaseStudy {
            title: "Made up".into(),
            title_inferred: true,
            year: Some(2024),
            tags: vec!["agent-based".into()],
            inferred_tags: vec!["chatbot".into()],
            body_text: "y".repeat(120),
            body_markdown: "bare".into(),
            ..Default::default()
        };
        let m = merge(&[&bare, &rich]);
        assert_eq!(m.title, "Real title");
        assert!(!m.title_inferred);
        assert_eq!(m.company.as_deref(), Some("Acme"));
        assert_eq!(m.year, Some(2024));
        assert_eq!(m.tags, ["agent-based", "rag"]);
        assert!(m.inferred_tags.is_empty());
        assert_eq!(m.body_markdown, "bare");
    }
}
