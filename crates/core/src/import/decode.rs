//! Bytes → text.
//!
//! Order: size limit, known binary signatures, byte-order marks (UTF-8, UTF-16 LE/BE),
//! BOM-less UTF-16, valid UTF-8, mostly-valid UTF-8 (a few bad bytes become U+FFFD), else
//! a legacy encoding guessed by chardetng (Windows-1252 and friends; Windows-1252 rather
//! than a Latin look-alike when the text is English) and decoded by encoding_rs. Binary data (many NULs or control characters) is refused. The text comes
//! back with LF line ends, no NULs and no BOM.

use crate::import::{limits, ParseError};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Decode a file's bytes to text. See the module docs for the order of attempts.
pub fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    let size = bytes.len() as u64;
    if size > limits::MAX_FILE_BYTES {
        return Err(ParseError::TooLarge {
            size,
            limit: limits::MAX_FILE_BYTES,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::NoText);
    }
    if let Some(kind) = sniff_binary(bytes) {
        return Err(ParseError::Unsupported(kind.to_string()));
    }

    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        check_controls(rest)?;
        decode_with(UTF_8, rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        decode_utf16(UTF_16LE, rest)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        decode_utf16(UTF_16BE, rest)?
    } else if let Some(enc) = bomless_utf16(bytes) {
        decode_utf16(enc, bytes)?
    } else {
        check_controls(bytes)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) if mostly_utf8(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Err(_) => {
                let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                det.feed(bytes, true);
                let guess = det.guess(None, chardetng::Utf8Detection::Deny);
                decode_with(prefer_windows_1252(guess, bytes), bytes)
            }
        }
    };

    let text = normalise(text);
    if text.trim().is_empty() {
        return Err(ParseError::NoText);
    }
    Ok(text)
}

/// Latin-script legacy encodings chardetng may pick for English text whose few non-ASCII
/// bytes it has too little context to place (`£1 billion` read as `Ł1 billion` in
/// Windows-1250).
const LATIN_LOOKALIKES: [&Encoding; 7] = [
    encoding_rs::WINDOWS_1250,
    encoding_rs::ISO_8859_2,
    encoding_rs::WINDOWS_1254,
    encoding_rs::WINDOWS_1257,
    encoding_rs::ISO_8859_4,
    encoding_rs::ISO_8859_13,
    encoding_rs::ISO_8859_15,
];

/// Windows-1252 instead of a Latin look-alike guessed for a text written in English (its
/// ASCII words are one in ten or more English function words) that has no byte Windows-1252
/// leaves undefined: case studies are English, and their legacy files Western. A Polish or
/// Czech text has too few of those words to be switched; English naming Polish people
/// (`Łukasz`) is not switched when the Western reading has more misplaced signs than the
/// guessed one (`£ukasz` against `£1 billion`).
fn prefer_windows_1252(guess: &'static Encoding, b: &[u8]) -> &'static Encoding {
    const UNDEFINED_IN_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];
    const ENGLISH: [&str; 20] = [
        "the", "and", "of", "that", "with", "for", "this", "from", "which", "their", "they",
        "have", "has", "were", "are", "was", "is", "by", "its", "into",
    ];
    if !LATIN_LOOKALIKES.contains(&guess) || b.iter().any(|c| UNDEFINED_IN_1252.contains(c)) {
        return guess;
    }
    let (mut words, mut english) = (0usize, 0usize);
    for w in b
        .split(|c| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        english += usize::from(ENGLISH.iter().any(|e| w.eq_ignore_ascii_case(e.as_bytes())));
    }
    let western = encoding_rs::WINDOWS_1252;
    if words >= 20
        && english * 10 >= words
        && misplaced(&decode_with(western, b)) <= misplaced(&decode_with(guess, b))
    {
        western
    } else {
        guess
    }
}

/// How many non-ASCII characters sit where that character hardly ever does: a letter
/// against a figure (`Ł1 billion`), a sign or symbol starting a word (`£ukasz`, `¯ak`).
/// Comparing two readings of the same bytes, the wrong one has more of them.
fn misplaced(text: &str) -> usize {
    let mut count = 0;
    let mut chars = text.chars().chain([' ']);
    let (mut prev, Some(mut cur)) = (' ', chars.next()) else {
        return 0;
    };
    for next in chars {
        let odd = if cur.is_ascii() || cur.is_numeric() || cur.is_whitespace() {
            false
        } else if cur.is_alphabetic() {
            (prev.is_ascii_digit() || next.is_ascii_digit()) && !matches!(cur, 'ª' | 'º' | 'µ')
        } else {
            // Opening quotes and marks, apostrophes and dashes do come before a letter.
            next.is_alphabetic() && !"“‘„‚«‹¿¡’ʼ–—·•…".contains(cur)
        };
        count += usize::from(odd);
        (prev, cur) = (cur, next);
    }
    count
}

/// Known binary formats by their magic numbers.
fn sniff_binary(b: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF document"),
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"\x7FELF", "ELF executable"),
        (b"PK\x03\x04", "zip archive"),
        (b"PK\x05\x06", "zip archive"),
        (b"\x1F\x8B", "gzip archive"),
        (b"BZh", "bzip2 archive"),
        (b"\xFD7zXZ\x00", "xz archive"),
        (b"7z\xBC\xAF\x27\x1C", "7-zip archive"),
        (b"Rar!\x1A\x07", "RAR archive"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "legacy Office document",
        ),
        (b"SQLite format 3\x00", "SQLite database"),
        (b"\x00asm", "WebAssembly module"),
        (b"\xCA\xFE\xBA\xBE", "Mach-O or Java class file"),
        (b"\xCF\xFA\xED\xFE", "Mach-O executable"),
        (b"\xCE\xFA\xED\xFE", "Mach-O executable"),
        (b"II*\x00", "TIFF image"),
        (b"MM\x00*", "TIFF image"),
        (b"OggS", "Ogg media"),
        (b"fLaC", "FLAC audio"),
        (b"ID3", "MP3 audio"),
        (b"\x1A\x45\xDF\xA3", "Matroska/WebM video"),
        (b"wOFF", "web font"),
        (b"wOF2", "web font"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| b.starts_with(m)) {
        return Some(kind);
    }
    if b.starts_with(b"MZ") && b.iter().take(256).any(|&c| c == 0) {
        return Some("Windows executable");
    }
    if b.starts_with(b"RIFF") && b.len() >= 12 {
        return Some(match b.get(8..12) {
            Some(b"WEBP") => "WebP image",
            Some(b"WAVE") => "WAV audio",
            Some(b"AVI ") => "AVI video",
            _ => "RIFF media",
        });
    }
    if b.get(4..8) == Some(b"ftyp") {
        return Some("MP4/QuickTime media");
    }
    None
}

/// Refuse binary data: more than a few NULs, or many C0 control characters other than
/// tab, newline, carriage return and form feed. A stray NUL in a text file is dropped later.
fn check_controls(b: &[u8]) -> Result<(), ParseError> {
    let sample = &b[..b.len().min(1 << 20)];
    let (mut nuls, mut controls) = (0usize, 0usize);
    for &c in sample {
        if c < 0x20 || c == 0x7F {
            match c {
                0 => nuls += 1,
                b'\t' | b'\n' | b'\r' | 0x0C => {}
                _ => controls += 1,
            }
        }
    }
    let n = sample.len().max(1);
    // (A short file needs a larger share before it counts: one stray NUL is not binary.)
    if nuls * 100 > n && (nuls > 8 || nuls * 5 > n) {
        return Err(ParseError::Unreadable(format!(
            "binary data ({nuls} NUL bytes)"
        )));
    }
    if controls * 50 > n && (controls > 4 || controls * 10 > n) {
        return Err(ParseError::Unreadable(format!(
            "binary data ({controls} control bytes)"
        )));
    }
    Ok(())
}

/// UTF-16 without a BOM: in ASCII-heavy text every other byte is NUL.
fn bomless_utf16(b: &[u8]) -> Option<&'static Encoding> {
    if b.len() < 8 || !b.len().is_multiple_of(2) {
        return None;
    }
    let sample = &b[..b.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&c| c == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&c| c == 0)
        .count();
    if odd_nul * 10 >= pairs * 7 && even_nul * 10 <= pairs {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 7 && odd_nul * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn decode_utf16(enc: &'static Encoding, b: &[u8]) -> Result<String, ParseError> {
    let text = decode_with(enc, b);
    let n = text.chars().count().max(1);
    let bad = text
        .chars()
        .filter(|&c| {
            c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}'))
        })
        .count();
    if bad > 4 && bad * 50 > n {
        return Err(ParseError::Unreadable(format!(
            "not readable as {} text",
            enc.name()
        )));
    }
    Ok(text)
}

fn decode_with(enc: &'static Encoding, b: &[u8]) -> String {
    let (text, _had_errors) = enc.decode_without_bom_handling(b);
    text.into_owned()
}

/// UTF-8 with a few broken bytes (a truncated or hand-edited file) rather than a legacy
/// encoding: valid multi-byte sequences outnumber the invalid bytes clearly.
fn mostly_utf8(b: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in b.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    valid_multibyte >= 1 && invalid <= valid_multibyte * 2
}

/// LF line ends, no NULs, no leading BOM.
fn normalise(text: String) -> String {
    let s = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    if !s.bytes().any(|b| b == b'\r' || b == 0) {
        // Nearly every file: nothing to change but, maybe, the BOM.
        return if s.len() == text.len() {
            text
        } else {
            s.to_string()
        };
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\0' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, be: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if be { b"\xFE\xFF" } else { b"\xFF\xFE" });
        }
        for u in s.encode_utf16() {
            let b = if be { u.to_be_bytes() } else { u.to_le_bytes() };
            out.extend_from_slice(&b);
        }
        out
    }

    #[test]
    fn utf8_plain_and_bom() {
        assert_eq!(decode("héllo\n".as_bytes()).unwrap(), "héllo\n");
        assert_eq!(decode(b"\xEF\xBB\xBFhi").unwrap(), "hi");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let s = "Title: Café “quoted”\nLine two";
        assert_eq!(decode(&utf16(s, false, true)).unwrap(), s);
        assert_eq!(decode(&utf16(s, true, true)).unwrap(), s);
        assert_eq!(decode(&utf16(s, false, false)).unwrap(), s);
        assert_eq!(decode(&utf16(s, true, false)).unwrap(), s);
    }

    /// English with a few Western letters and signs in Windows-1252 (chardetng alone reads
    /// the pound signs as Windows-1250's `Ł`), and Central European and Turkish texts in
    /// their own encodings, which stay theirs.
    #[test]
    fn english_legacy_text_is_western_and_other_latin_texts_keep_their_encoding() {
        use encoding_rs::{WINDOWS_1250, WINDOWS_1252, WINDOWS_1254};
        let english = "UK e-commerce fraud reached £1 billion in 2024, despite preventing £1.5 \
            billion. The team described the approach, which they have run for three years \
            with their vendor, and the results that were reported.";
        let accents = "The team at Café Crème in Cañon City described the approach, which they \
            have run for three years with their vendor, and the results that were reported.";
        let polish = "Zespół z Łodzi wdrożył model językowy, który odpowiada na pytania klientów \
            banku. Żaden z pracowników nie musiał zmieniać swoich nawyków, a koszty spadły o \
            połowę w ciągu pół roku. Źródła danych są aktualizowane codziennie.";
        let czech = "Tým v Brně nasadil jazykový model, který odpovídá na otázky zákazníků. \
            Náklady klesly o polovinu během šesti měsíců a spokojenost uživatelů vzrostla.";
        let turkish =
            "İstanbul'daki ekip, müşteri sorularını yanıtlayan bir dil modeli geliştirdi. \
            Maliyetler altı ayda yarı yarıya düştü ve kullanıcı memnuniyeti arttı.";
        for (text, enc) in [
            (english, WINDOWS_1252),
            (accents, WINDOWS_1252),
            (polish, WINDOWS_1250),
            (czech, WINDOWS_1250),
            (turkish, WINDOWS_1254),
        ] {
            let (bytes, _, lossy) = enc.encode(text);
            assert!(!lossy, "{text}");
            assert_eq!(decode(&bytes).unwrap(), text, "{}", enc.name());
        }
    }

    /// English naming Polish people and places, in a Central European encoding: the English
    /// words alone would switch it to Windows-1252 and make `Łukasz` read `£ukasz`. A pound
    /// sign is followed by a figure, not by the rest of a name.
    #[test]
    fn english_with_central_european_names_keeps_its_encoding() {
        use encoding_rs::{ISO_8859_2, WINDOWS_1250};
        let text = "Łukasz Nowak and Paweł Żak from the team in Łódź described the approach, \
            which they have run for three years with their vendor, and the results that were \
            reported by the bank.";
        for enc in [WINDOWS_1250, ISO_8859_2] {
            let (bytes, _, lossy) = enc.encode(text);
            assert!(!lossy);
            assert_eq!(decode(&bytes).unwrap(), text, "{}", enc.name());
        }
    }

    #[test]
    fn misplaced_signs_and_letters() {
        assert_eq!(
            misplaced("£1 billion, “quoted”, don’t, 5 m², the 1º and 3µs"),
            0
        );
        assert_eq!(misplaced("Ł1 billion and 2Ł"), 2);
        assert_eq!(misplaced("£ukasz Pawe³ ¯ak"), 2);
        assert_eq!(misplaced(""), 0);
    }

    #[test]
    fn windows_1252() {
        let bytes = b"The \x93caf\xe9\x94 is open \x96 daily. Caf\xe9 cr\xe8me br\xfbl\xe9e.";
        assert_eq!(
            decode(bytes).unwrap(),
            "The “café” is open – daily. Café crème brûlée."
        );
    }

    #[test]
    fn line_ends_and_nuls() {
        assert_eq!(decode(b"a\r\nb\rc\n\0d").unwrap(), "a\nb\nc\nd");
    }

    #[test]
    fn mostly_utf8_keeps_utf8() {
        let bytes = "Café — naïve résumé "
            .as_bytes()
            .iter()
            .copied()
            .chain([0xFF])
            .collect::<Vec<_>>();
        assert_eq!(decode(&bytes).unwrap(), "Café — naïve résumé \u{FFFD}");
    }

    #[test]
    fn refusals() {
        assert_eq!(decode(b""), Err(ParseError::NoText));
        assert_eq!(decode(b" \n\t \r\n"), Err(ParseError::NoText));
        assert!(
            matches!(decode(b"%PDF-1.7\n..."), Err(ParseError::Unsupported(k)) if k.contains("PDF"))
        );
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(ParseError::Unsupported(_))
        ));
        assert!(matches!(
            decode(b"\x7FELF\x02\x01\x01\0\0\0"),
            Err(ParseError::Unsupported(_))
        ));
        assert!(
            matches!(decode(b"PK\x03\x04\x14\0"), Err(ParseError::Unsupported(k)) if k.contains("zip"))
        );
        // Pseudo-random bytes.
        let mut x: u32 = 12345;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        assert!(matches!(decode(&noise), Err(ParseError::Unreadable(_))));
        // Mostly NULs.
        let mut nul = b"text".to_vec();
        nul.extend(std::iter::repeat_n(0u8, 500));
        nul.extend(b"more text here");
        assert!(matches!(decode(&nul), Err(ParseError::Unreadable(_))));
    }

    #[test]
    fn too_large() {
        let big = vec![b'a'; limits::MAX_FILE_BYTES as usize + 1];
        assert!(matches!(decode(&big), Err(ParseError::TooLarge { .. })));
    }
}
