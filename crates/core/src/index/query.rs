//! Casebook's query syntax, parsed forgivingly: nothing the user types is an error; what does
//! not parse as syntax is searched as plain words.
//!
//! - bare words: all must match (AND), each in title, company, summary or body;
//! - `"a phrase"`; an unclosed quote searches its words as plain words;
//! - `-word`, `-"a phrase"`, `-tag:x`, `NOT word`: exclude;
//! - `a OR b` (upper-case `OR`, or `|`): either; `a b OR c` is `a AND (b OR c)`;
//! - `word*`: prefix (at least two characters);
//! - `title:word`, `title:"a phrase"`, `company:acme`, `company:"Acme Corp"`;
//! - `tag:rag` (`tag:fine_tuning` is canonicalised), `industry:finance`;
//! - `year:2023`, `year:2023..2025`, `year:2023..`, `year:..2020` (`year:2023-2025` too);
//! - hyphenated words (`fine-tuning`) match the words as a phrase (`fine-tuning`, `fine
//!   tuning`, `fine-tuned`) or joined (`finetuning`).
//!
//! Parentheses are ignored; `AND` and `&&` are accepted and redundant.

use super::schema::{analyze, Fields};
use crate::taxonomy::{canonical_industry, canonical_tag};
use tantivy::tokenizer::TextAnalyzer;

/// Which text fields a word is searched in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextScope {
    All,
    Title,
    Company,
    /// One field only (search explanations probe each field apart).
    Only(tantivy::schema::Field),
}

impl TextScope {
    /// The fields and their boosts.
    pub fn fields(self, f: &Fields) -> Vec<(tantivy::schema::Field, f32)> {
        match self {
            TextScope::All => vec![
                (f.title, 3.0),
                (f.company, 2.0),
                (f.summary, 1.5),
                (f.body, 1.0),
                (f.annotations, 1.0),
            ],
            TextScope::Title => vec![(f.title, 1.0)],
            TextScope::Company => vec![(f.company, 1.0)],
            TextScope::Only(field) => vec![(field, 1.0)],
        }
    }

    /// The fields without their boosts (term lookups: prefixes, completion, respelling).
    pub fn plain_fields(self, f: &Fields) -> Vec<tantivy::schema::Field> {
        self.fields(f).into_iter().map(|(field, _)| field).collect()
    }
}

/// An analysed token of the query and where its surface form is in the query string.
#[derive(Debug, Clone, PartialEq)]
pub struct QToken {
    pub text: String,
    /// Position in the analysed text (phrases keep gaps of dropped tokens).
    pub pos: usize,
    pub from: usize,
    pub to: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// One token: a term; several: a phrase. `joined` is the analysed concatenation of a
    /// hyphenated word (`fine-tuning` → `finetun`), matched as an alternative.
    Text {
        scope: TextScope,
        tokens: Vec<QToken>,
        joined: Option<String>,
        /// Typed in quotes: never typo-corrected.
        quoted: bool,
    },
    /// Lower-cased, folded (not stemmed) prefix.
    Prefix {
        scope: TextScope,
        prefix: String,
    },
    Tag(String),
    Industry(String),
    Year {
        from: Option<i64>,
        to: Option<i64>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub clause: Clause,
    pub negated: bool,
    /// The words as the user typed them, without quotes or a `field:` prefix (`agents`,
    /// `vector search`, `retriev*`, `rag`): what search explanations name.
    pub surface: String,
}

/// The parsed query: every group must match (a group is one item or items joined by `OR`),
/// no excluded item may match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedQuery {
    pub groups: Vec<Vec<Item>>,
    pub excluded: Vec<Item>,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.excluded.is_empty()
    }
    /// Positive items (for highlighting and typo correction).
    pub fn positive(&self) -> impl Iterator<Item = &Item> {
        self.groups.iter().flatten()
    }
}

/// A raw lexeme: its text (quotes removed), where it starts, whether it was quoted, whether it
/// was preceded by `-`.
#[derive(Debug)]
struct Lexeme<'a> {
    text: &'a str,
    start: usize,
    quoted: bool,
    negated: bool,
    /// `field:"quoted value"`: the field name.
    field: Option<&'a str>,
}

/// Longest input considered: anything beyond is ignored (a pasted essay is not a query).
pub const MAX_QUERY_BYTES: usize = 1024;
/// Most items considered.
const MAX_ITEMS: usize = 32;

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The part of the query considered (the first [`MAX_QUERY_BYTES`]).
pub fn truncate(query: &str) -> &str {
    &query[..floor_char_boundary(query, MAX_QUERY_BYTES)]
}

fn lex(q: &str) -> Vec<Lexeme<'_>> {
    let bytes = q.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        let c = bytes[i];
        if c.is_ascii_whitespace() || c == b'(' || c == b')' {
            i += 1;
            continue;
        }
        let mut negated = false;
        if c == b'-' {
            negated = true;
            i += 1;
            if i >= n || bytes[i].is_ascii_whitespace() {
                continue; // a lone `-`
            }
        }
        if bytes[i] == b'"' {
            let start = i + 1;
            match q[start..].find('"') {
                Some(len) => {
                    out.push(Lexeme {
                        text: &q[start..start + len],
                        start,
                        quoted: true,
                        negated,
                        field: None,
                    });
                    i = start + len + 1;
                }
                None => {
                    // Unclosed quote: the rest as plain words.
                    i = start;
                }
            }
            continue;
        }
        // A bare lexeme up to whitespace; `field:"…"` runs to the closing quote.
        let start = i;
        let mut pushed = false;
        while i < n && !bytes[i].is_ascii_whitespace() {
            if bytes[i] == b':' && i + 1 < n && bytes[i + 1] == b'"' {
                let vstart = i + 2;
                if let Some(len) = q[vstart..].find('"') {
                    out.push(Lexeme {
                        text: &q[vstart..vstart + len],
                        start: vstart,
                        quoted: true,
                        negated,
                        field: Some(&q[start..i]),
                    });
                    i = vstart + len + 1;
                    pushed = true;
                    break;
                }
                // Unclosed: drop the quote, keep going as a bare lexeme.
            }
            i += 1;
        }
        if !pushed {
            let raw = &q[start..i];
            let trimmed = raw.trim_matches(|c| c == '(' || c == ')' || c == '"');
            if !trimmed.is_empty() {
                let off = raw.find(trimmed).unwrap_or(0);
                out.push(Lexeme {
                    text: trimmed,
                    start: start + off,
                    quoted: false,
                    negated,
                    field: None,
                });
            }
        }
    }
    out
}

fn parse_year(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `2023`, `2023..2025`, `2023..`, `..2025`, `2023-2025`, `>=2023`, `<2020`.
fn parse_year_range(v: &str) -> Option<(Option<i64>, Option<i64>)> {
    let v = v.trim();
    if let Some((a, b)) = v.split_once("..").or_else(|| v.split_once('-')) {
        let from = if a.is_empty() {
            None
        } else {
            Some(parse_year(a)?)
        };
        let to = if b.is_empty() {
            None
        } else {
            Some(parse_year(b)?)
        };
        if from.is_none() && to.is_none() {
            return None;
        }
        return Some(match (from, to) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            r => r,
        });
    }
    if let Some(r) = v.strip_prefix(">=") {
        return Some((Some(parse_year(r)?), None));
    }
    if let Some(r) = v.strip_prefix("<=") {
        return Some((None, Some(parse_year(r)?)));
    }
    if let Some(r) = v.strip_prefix('>') {
        return Some((Some(parse_year(r)? + 1), None));
    }
    if let Some(r) = v.strip_prefix('<') {
        return Some((None, Some(parse_year(r)? - 1)));
    }
    let y = parse_year(v)?;
    Some((Some(y), Some(y)))
}

/// Analyses `text` (which starts at byte `base` of the query) into a text clause; `None` when
/// it holds no word.
fn text_clause(
    an: &mut TextAnalyzer,
    scope: TextScope,
    text: &str,
    base: usize,
    quoted: bool,
) -> Option<Clause> {
    let tokens: Vec<QToken> = analyze(an, text)
        .into_iter()
        .enumerate()
        .map(|(i, (t, a, b))| QToken {
            text: t,
            pos: i,
            from: base + a,
            to: base + b,
        })
        .collect();
    if tokens.is_empty() {
        return None;
    }
    let joined = if !quoted && tokens.len() > 1 {
        let squashed: String = text.chars().filter(|c| c.is_alphanumeric()).collect();
        let j = analyze(an, &squashed);
        match j.as_slice() {
            [(t, _, _)] => Some(t.clone()),
            _ => None,
        }
    } else {
        None
    };
    Some(Clause::Text {
        scope,
        tokens,
        joined,
        quoted,
    })
}

/// Lower-cases and folds a prefix the way the analyser would, without stemming.
pub(super) fn prefix_norm(s: &str) -> String {
    let mut an = TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
        .filter(tantivy::tokenizer::LowerCaser)
        .filter(tantivy::tokenizer::AsciiFoldingFilter)
        .build();
    let mut st = an.token_stream(s);
    let mut out = String::new();
    while st.advance() {
        out.extend(st.token().text.chars().filter(|c| c.is_alphanumeric()));
    }
    out
}

/// Parses the user's query. Never fails.
pub fn parse(query: &str, an: &mut TextAnalyzer) -> ParsedQuery {
    let query = truncate(query);
    let lexemes = lex(query);
    let mut pq = ParsedQuery::default();
    let mut pending_or = false;
    let mut pending_not = false;
    let mut items = 0;
    let count = lexemes.len();
    for (idx, lx) in lexemes.into_iter().enumerate() {
        if items >= MAX_ITEMS {
            break;
        }
        let negated = lx.negated || std::mem::take(&mut pending_not);
        let text = lx.text;
        let is_last = idx + 1 == count;
        if !lx.quoted && !lx.negated {
            match text {
                "OR" | "|" | "||" if !pq.groups.is_empty() && !is_last && !pending_or => {
                    pending_or = true;
                    continue;
                }
                "AND" | "&&" if !pq.groups.is_empty() && !is_last => continue,
                "NOT" if !is_last => {
                    pending_not = true;
                    continue;
                }
                _ => {}
            }
        }
        let (clause, surface) = if let Some(field) = lx.field {
            (
                field_clause(an, field, text, lx.start, true)
                    .or_else(|| text_clause(an, TextScope::All, text, lx.start, true)),
                text,
            )
        } else if lx.quoted {
            (text_clause(an, TextScope::All, text, lx.start, true), text)
        } else if let Some((field, value)) = text.split_once(':') {
            match field_clause(an, field, value, lx.start + field.len() + 1, false) {
                Some(c) => (Some(c), value),
                None => (text_clause(an, TextScope::All, text, lx.start, false), text),
            }
        } else {
            (bare_clause(an, TextScope::All, text, lx.start), text)
        };
        let Some(clause) = clause else {
            continue;
        };
        items += 1;
        let item = Item {
            clause,
            negated,
            surface: surface.trim().to_string(),
        };
        if item.negated {
            pending_or = false;
            pq.excluded.push(item);
        } else if std::mem::take(&mut pending_or) {
            pq.groups.last_mut().expect("checked non-empty").push(item);
        } else {
            pq.groups.push(vec![item]);
        }
    }
    pq
}

fn bare_clause(
    an: &mut TextAnalyzer,
    scope: TextScope,
    text: &str,
    start: usize,
) -> Option<Clause> {
    if let Some(p) = text.strip_suffix('*') {
        let p = p.trim_end_matches('*');
        let norm = prefix_norm(p);
        if norm.chars().count() >= 2 && p.chars().all(|c| c.is_alphanumeric()) {
            return Some(Clause::Prefix {
                scope,
                prefix: norm,
            });
        }
    }
    text_clause(an, scope, text, start, false)
}

fn field_clause(
    an: &mut TextAnalyzer,
    field: &str,
    value: &str,
    start: usize,
    quoted: bool,
) -> Option<Clause> {
    let value_trim = value.trim();
    if value_trim.is_empty() {
        return None;
    }
    match field.to_ascii_lowercase().as_str() {
        "title" | "company" => {
            let scope = if field.eq_ignore_ascii_case("title") {
                TextScope::Title
            } else {
                TextScope::Company
            };
            if quoted {
                text_clause(an, scope, value, start, true)
            } else {
                bare_clause(an, scope, value, start)
            }
        }
        "tag" | "tags" => canonical_tag(value_trim).map(Clause::Tag),
        "industry" => canonical_industry(value_trim).map(Clause::Industry),
        "year" => parse_year_range(value_trim).map(|(from, to)| Clause::Year { from, to }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::analyzer;

    fn p(q: &str) -> ParsedQuery {
        parse(q, &mut analyzer())
    }

    fn words(c: &Clause) -> Vec<String> {
        match c {
            Clause::Text { tokens, .. } => tokens.iter().map(|t| t.text.clone()).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn bare_words_are_and_groups() {
        let q = p("RAG agents");
        assert_eq!(q.groups.len(), 2);
        assert_eq!(words(&q.groups[1][0].clause), vec!["agent"]);
    }

    #[test]
    fn or_binds_neighbours() {
        let q = p("a1 b2 OR c3 d4");
        assert_eq!(q.groups.len(), 3);
        assert_eq!(q.groups[1].len(), 2);
        // Leading, trailing, doubled OR are words or ignored, never errors.
        let q = p("OR OR");
        assert!(q.groups.len() <= 2);
        let q = p("x OR");
        assert_eq!(q.groups.len(), 2);
    }

    #[test]
    fn phrases_and_exclusions() {
        let q = p(r#""vector search" -pinecone -"open source""#);
        assert_eq!(q.groups.len(), 1);
        assert_eq!(words(&q.groups[0][0].clause), vec!["vector", "search"]);
        assert_eq!(q.excluded.len(), 2);
        assert_eq!(words(&q.excluded[1].clause), vec!["open", "sourc"]);
    }

    #[test]
    fn unclosed_quote_is_plain_words() {
        let q = p(r#""retrieval augmented"#);
        assert_eq!(q.groups.len(), 2);
    }

    #[test]
    fn fields() {
        let q = p(
            r#"title:agents company:"Acme Corp" tag:fine_tuning industry:Finance year:2023..2025 year:2024.. year:abc"#,
        );
        let cs: Vec<&Clause> = q.positive().map(|i| &i.clause).collect();
        assert!(matches!(
            cs[0],
            Clause::Text {
                scope: TextScope::Title,
                ..
            }
        ));
        assert!(
            matches!(cs[1], Clause::Text { scope: TextScope::Company, tokens, .. } if tokens.len() == 2)
        );
        assert_eq!(cs[2], &Clause::Tag("fine-tuning".into()));
        assert_eq!(cs[3], &Clause::Industry("finance".into()));
        assert_eq!(
            cs[4],
            &Clause::Year {
                from: Some(2023),
                to: Some(2025)
            }
        );
        assert_eq!(
            cs[5],
            &Clause::Year {
                from: Some(2024),
                to: None
            }
        );
        // `year:abc` is searched as words.
        assert_eq!(words(cs[6]), vec!["year", "abc"]);
    }

    #[test]
    fn hyphenated_words_get_a_joined_alternative() {
        let q = p("fine-tuning");
        match &q.groups[0][0].clause {
            Clause::Text { tokens, joined, .. } => {
                assert_eq!(tokens.len(), 2);
                assert_eq!(joined.as_deref(), Some("finetun"));
            }
            c => panic!("{c:?}"),
        }
    }

    #[test]
    fn prefix() {
        let q = p("retriev* t* title:Agen*");
        assert_eq!(
            q.groups[0][0].clause,
            Clause::Prefix {
                scope: TextScope::All,
                prefix: "retriev".into()
            }
        );
        // One letter is too short for a prefix: searched as the word.
        assert!(matches!(q.groups[1][0].clause, Clause::Text { .. }));
        assert_eq!(
            q.groups[2][0].clause,
            Clause::Prefix {
                scope: TextScope::Title,
                prefix: "agen".into()
            }
        );
    }

    #[test]
    fn hostile_input_parses() {
        for q in [
            "",
            "\"",
            "\"\"",
            "(((",
            ")))",
            "title:",
            "title:\"",
            "year:",
            "year:abc",
            "-",
            "--",
            "*",
            "**",
            "OR",
            "OR OR",
            "AND",
            "NOT",
            "-\"",
            "tag:",
            "::::",
            "a:b:c",
            "日本語 検索",
            "ñandú*",
            "\u{0}",
            "-(-(-",
            "year:99999..",
            "year:..",
            "company:\"unterminated",
        ] {
            let _ = p(q);
        }
        let long = "word ".repeat(2_000) + "\"" + &"é".repeat(5000);
        let q = p(&long);
        assert!(q.groups.len() <= MAX_ITEMS);
    }

    #[test]
    fn token_offsets_point_into_the_query() {
        let s = "xx retreival";
        let q = p(s);
        match &q.groups[1][0].clause {
            Clause::Text { tokens, .. } => {
                assert_eq!(&s[tokens[0].from..tokens[0].to], "retreival")
            }
            c => panic!("{c:?}"),
        }
    }
}
