//! From a parsed query to a tantivy query (expanding prefixes against the term dictionary),
//! and typo correction against the term dictionary.

use super::query::{prefix_norm, Clause, Item, ParsedQuery, QToken, TextScope};
use super::schema::Fields;
use crate::model::MatchField;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::termdict::{TermDictionary, TermStreamer};
use tantivy::{Searcher, Term};

/// Most terms a prefix expands to (the most frequent are kept).
const MAX_PREFIX_TERMS: usize = 50;
/// Most dictionary terms scanned for a prefix.
const MAX_PREFIX_SCAN: usize = 20_000;

pub struct Plan {
    pub query: Box<dyn Query>,
    /// Analysed terms to highlight.
    pub highlight: Vec<String>,
    /// Whether any positive clause is free text (else relevance means nothing).
    pub has_text: bool,
}

pub fn build(searcher: &Searcher, f: &Fields, pq: &ParsedQuery) -> Plan {
    let mut highlight = Vec::new();
    let mut has_text = false;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for group in &pq.groups {
        let mut qs: Vec<Box<dyn Query>> = group
            .iter()
            .map(|it| {
                has_text |= matches!(it.clause, Clause::Text { .. } | Clause::Prefix { .. });
                item_query(searcher, f, it, Some(&mut highlight))
            })
            .collect();
        let q = if qs.len() == 1 {
            qs.pop().expect("one")
        } else {
            Box::new(BooleanQuery::new(
                qs.into_iter().map(|q| (Occur::Should, q)).collect(),
            ))
        };
        clauses.push((Occur::Must, q));
    }
    for it in &pq.excluded {
        clauses.push((Occur::MustNot, item_query(searcher, f, it, None)));
    }
    let query: Box<dyn Query> = if clauses.is_empty() {
        Box::new(AllQuery)
    } else {
        if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(clauses))
    };
    highlight.sort();
    highlight.dedup();
    Plan {
        query,
        highlight,
        has_text,
    }
}

fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn term_q(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn item_query(
    searcher: &Searcher,
    f: &Fields,
    it: &Item,
    highlight: Option<&mut Vec<String>>,
) -> Box<dyn Query> {
    match &it.clause {
        Clause::Text {
            scope,
            tokens,
            joined,
            ..
        } => {
            if let Some(h) = highlight {
                h.extend(tokens.iter().map(|t| t.text.clone()));
                h.extend(joined.iter().cloned());
            }
            let mut shoulds: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (field, boost) in scope.fields(f) {
                let q: Box<dyn Query> = if tokens.len() == 1 {
                    term_q(field, &tokens[0].text)
                } else {
                    Box::new(PhraseQuery::new_with_offset(
                        tokens
                            .iter()
                            .map(|t| (t.pos, Term::from_field_text(field, &t.text)))
                            .collect(),
                    ))
                };
                shoulds.push((Occur::Should, boosted(q, boost)));
                if let Some(j) = joined {
                    shoulds.push((Occur::Should, boosted(term_q(field, j), boost)));
                }
            }
            Box::new(BooleanQuery::new(shoulds))
        }
        Clause::Prefix { scope, prefix } => {
            let fields = scope.fields(f);
            let terms = expand_prefix(searcher, &scope.plain_fields(f), prefix);
            if terms.is_empty() {
                return Box::new(EmptyQuery);
            }
            if let Some(h) = highlight {
                h.extend(terms.iter().take(10).cloned());
            }
            let mut shoulds: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (field, boost) in fields {
                for t in &terms {
                    shoulds.push((Occur::Should, boosted(term_q(field, t), boost)));
                }
            }
            Box::new(BooleanQuery::new(shoulds))
        }
        Clause::Tag(t) => filter(Box::new(TermQuery::new(
            Term::from_field_text(f.tags, t),
            IndexRecordOption::Basic,
        ))),
        Clause::Industry(t) => filter(Box::new(TermQuery::new(
            Term::from_field_text(f.industry, t),
            IndexRecordOption::Basic,
        ))),
        Clause::Year { from, to } => {
            let b = |v: &Option<i64>| match v {
                Some(y) => Bound::Included(Term::from_field_i64(f.year, *y)),
                None => Bound::Unbounded,
            };
            filter(Box::new(RangeQuery::new(b(from), b(to))))
        }
    }
}

/// One positive item of the query restricted to one field, for explaining hits: a hit
/// matches `query` when the user's `word` matched in `field`.
pub struct Probe {
    pub field: MatchField,
    pub word: String,
    pub query: Box<dyn Query>,
}

/// The field a text field of the schema is reported as.
fn match_field(f: &Fields, field: Field) -> MatchField {
    if field == f.title {
        MatchField::Title
    } else if field == f.company {
        MatchField::Company
    } else if field == f.summary {
        MatchField::Summary
    } else if field == f.annotations {
        MatchField::Annotations
    } else {
        MatchField::Body
    }
}

/// A probe per (positive item, field it searches), in query order. Exclusions match no
/// hit, so they have none.
pub fn probes(searcher: &Searcher, f: &Fields, pq: &ParsedQuery) -> Vec<Probe> {
    let mut out = Vec::new();
    for it in pq.positive() {
        let word = it.surface.clone();
        match &it.clause {
            Clause::Text {
                scope,
                tokens,
                joined,
                quoted,
            } => {
                // The words and their joined form (`fine-tuning`, `finetuning`) are probed
                // apart: a union of the two, seeked from hit to hit, would advance its phrase
                // through every document in between, checking positions at each.
                let mut forms = vec![tokens.clone()];
                if let (Some(j), Some(first)) = (joined, tokens.first()) {
                    forms.push(vec![QToken {
                        text: j.clone(),
                        pos: 0,
                        ..first.clone()
                    }]);
                }
                for (field, _) in scope.fields(f) {
                    for form in &forms {
                        let single = Item {
                            clause: Clause::Text {
                                scope: TextScope::Only(field),
                                tokens: form.clone(),
                                joined: None,
                                quoted: *quoted,
                            },
                            negated: false,
                            surface: String::new(),
                        };
                        out.push(Probe {
                            field: match_field(f, field),
                            word: word.clone(),
                            query: item_query(searcher, f, &single, None),
                        });
                    }
                }
            }
            Clause::Prefix { scope, prefix } => {
                let fields = scope.plain_fields(f);
                let terms = expand_prefix(searcher, &fields, prefix);
                if terms.is_empty() {
                    continue;
                }
                for field in fields {
                    let shoulds: Vec<(Occur, Box<dyn Query>)> = terms
                        .iter()
                        .map(|t| (Occur::Should, term_q(field, t)))
                        .collect();
                    out.push(Probe {
                        field: match_field(f, field),
                        word: word.clone(),
                        query: Box::new(BooleanQuery::new(shoulds)),
                    });
                }
            }
            Clause::Tag(_) | Clause::Industry(_) | Clause::Year { .. } => out.push(Probe {
                field: match &it.clause {
                    Clause::Tag(_) => MatchField::Tags,
                    Clause::Industry(_) => MatchField::Industry,
                    _ => MatchField::Year,
                },
                word,
                query: item_query(searcher, f, it, None),
            }),
        }
    }
    out
}

/// Endings that, added to a word being typed, make the words whose stem is shorter than what
/// was typed (`evaluat` + `ion` → `evalu`, `hallucinati` + `ng` → `hallucin`, `tuni` + `ng`
/// → `tune`). The index holds stems, so without them a prefix that runs past its words' stem
/// would find nothing.
const ENDINGS: &[&str] = &[
    "s", "e", "es", "ed", "d", "y", "ies", "ied", "ing", "ng", "g", "n", "on", "ons", "ion",
    "ions", "ation", "ations", "tion", "tions", "t", "te", "ted", "ting", "al", "ally", "ly", "er",
    "ers", "or", "ors", "ity", "ities", "ive", "ize", "ized", "izing", "ization", "ise", "ised",
    "ising", "isation", "ic", "ical", "ics", "ist", "ists", "ism", "ness", "able", "ability",
    "ful", "ous", "ent", "ence", "ency", "ance", "ancy", "cy", "ce", "ment", "ments",
];

/// Each ending of [`ENDINGS`] with the stem it makes of `word`, when `word` + ending is one
/// token.
fn ending_stems(word: &str) -> Vec<(&'static str, String)> {
    let mut an = super::schema::analyzer();
    ENDINGS
        .iter()
        .filter_map(|&ending| {
            let mut tokens = super::schema::analyze(&mut an, &format!("{word}{ending}"));
            match (tokens.pop(), tokens.is_empty()) {
                (Some((stem, _, _)), true) => Some((ending, stem)),
                _ => None,
            }
        })
        .collect()
}

/// The stems of `prefix` + each of [`ENDINGS`] that do not start with `prefix` (those that
/// do, the dictionary scan finds).
fn stems_within(prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = ending_stems(prefix)
        .into_iter()
        .map(|(_, stem)| stem)
        .filter(|stem| stem.len() >= 3 && !stem.starts_with(prefix))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The ending of [`ENDINGS`] that makes of `word` the word whose stem is in the most
/// documents (the shortest such ending on a tie: `agen` → `agent`, not `agention`), if any
/// is in one.
fn best_ending(searcher: &Searcher, fields: &[Field], word: &str) -> Option<&'static str> {
    let mut best: Option<(u64, &'static str)> = None;
    for (ending, stem) in ending_stems(word) {
        let n = doc_freq(searcher, fields, &stem);
        if n > 0 && best.is_none_or(|(m, e)| n > m || (n == m && ending.len() < e.len())) {
            best = Some((n, ending));
        }
    }
    best.map(|(_, e)| e)
}

/// The terms of `fields` that words starting with `prefix` are stemmed to, most frequent
/// first: the dictionary's terms starting with it, and the stems within it
/// ([`stems_within`]).
fn expand_prefix(searcher: &Searcher, fields: &[Field], prefix: &str) -> Vec<String> {
    let mut df: HashMap<Vec<u8>, u64> = HashMap::new();
    for stem in stems_within(prefix) {
        let n = doc_freq(searcher, fields, &stem);
        if n > 0 {
            df.insert(stem.into_bytes(), n);
        }
    }
    let mut scanned = 0;
    'outer: for seg in searcher.segment_readers() {
        for &field in fields {
            let Ok(inv) = seg.inverted_index(field) else {
                continue;
            };
            let Some(mut stream) = terms_starting_with(inv.terms(), prefix) else {
                continue;
            };
            while stream.advance() {
                *df.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
                scanned += 1;
                if scanned >= MAX_PREFIX_SCAN {
                    break 'outer;
                }
            }
        }
    }
    let mut v: Vec<(Vec<u8>, u64)> = df.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter()
        .take(MAX_PREFIX_TERMS)
        .filter_map(|(k, _)| String::from_utf8(k).ok())
        .collect()
}

/// Whether [`expand_prefix`] finds anything, without collecting and ranking its terms: a
/// stem within `prefix` in a document, or one term starting with it.
fn prefix_expands(searcher: &Searcher, fields: &[Field], prefix: &str) -> bool {
    stems_within(prefix)
        .iter()
        .any(|stem| doc_freq(searcher, fields, stem) > 0)
        || searcher.segment_readers().iter().any(|seg| {
            fields.iter().any(|&field| {
                seg.inverted_index(field).is_ok_and(|inv| {
                    terms_starting_with(inv.terms(), prefix).is_some_and(|mut s| s.advance())
                })
            })
        })
}

/// The terms of a dictionary that start with `prefix`, in order.
fn terms_starting_with<'a>(terms: &'a TermDictionary, prefix: &str) -> Option<TermStreamer<'a>> {
    let mut upper = prefix.as_bytes().to_vec();
    upper.push(0xff);
    terms
        .range()
        .ge(prefix.as_bytes())
        .lt(&upper)
        .into_stream()
        .ok()
}

/// Weights for highlighting: rarer terms weigh more.
pub fn highlight_weights(
    searcher: &Searcher,
    field: Field,
    terms: &[String],
) -> BTreeMap<String, f32> {
    terms
        .iter()
        .map(|t| {
            let df = searcher
                .doc_freq(&Term::from_field_text(field, t))
                .unwrap_or(0);
            (t.clone(), 1.0 / (1.0 + df as f32))
        })
        .collect()
}

/// Documents with the term in any of the fields.
fn doc_freq(searcher: &Searcher, fields: &[Field], text: &str) -> u64 {
    fields
        .iter()
        .map(|&f| {
            searcher
                .doc_freq(&Term::from_field_text(f, text))
                .unwrap_or(0)
        })
        .sum()
}

/// The query string with unknown words (analysed term in no document) completed when words
/// start with them, else replaced by the closest frequent term of the dictionary; `None` when
/// there is nothing to correct.
/// Quoted phrases, numbers and words shorter than four letters are left alone.
pub fn correct(searcher: &Searcher, f: &Fields, pq: &ParsedQuery, query: &str) -> Option<String> {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for it in pq.positive() {
        let Clause::Text {
            scope,
            tokens,
            quoted: false,
            ..
        } = &it.clause
        else {
            continue;
        };
        let fields = scope.plain_fields(f);
        for tok in tokens {
            let Some(surface) = query.get(tok.from..tok.to) else {
                continue;
            };
            let len = surface.chars().count();
            if len < 4 || surface.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            if doc_freq(searcher, &fields, &tok.text) > 0 {
                continue;
            }
            // A word being typed is completed rather than respelt: a word alone as a prefix
            // (`evaluat*`, `guardr*`), when words start with it; a part of a hyphenated word
            // or phrase with an ending (`fine-tunin` → `fine-tuning`).
            if surface.chars().all(char::is_alphanumeric) {
                let norm = prefix_norm(surface);
                if tokens.len() == 1 {
                    if prefix_expands(searcher, &fields, &norm) {
                        edits.push((tok.from, tok.to, format!("{surface}*")));
                        continue;
                    }
                } else if let Some(ending) = best_ending(searcher, &fields, &norm) {
                    edits.push((tok.from, tok.to, format!("{surface}{ending}")));
                    continue;
                }
            }
            let distance = if len >= 8 { 2 } else { 1 };
            if let Some(best) = best_correction(searcher, &fields, &tok.text, distance) {
                edits.push((tok.from, tok.to, surface_form(surface, &tok.text, &best)));
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(query.len());
    let mut at = 0;
    for (a, b, w) in edits {
        if a < at {
            continue;
        }
        out.push_str(&query[at..a]);
        out.push_str(&w);
        at = b;
    }
    out.push_str(&query[at..]);
    Some(out)
}

/// The corrected word as a user would write it: the stem's correction plus the word's own
/// ending (`retreival` → stem `retreiv` → `retriev` + `al`).
fn surface_form(surface: &str, stem: &str, corrected: &str) -> String {
    let lower = surface.to_lowercase();
    match lower.strip_prefix(stem) {
        Some(rest) => format!("{corrected}{rest}"),
        None => corrected.to_string(),
    }
}

fn best_correction(
    searcher: &Searcher,
    fields: &[Field],
    term: &str,
    distance: u8,
) -> Option<String> {
    let mut candidates: Vec<String> = Vec::new();
    // The automaton depends on the word only: built once, run on every segment and field
    // (building one for distance 2 costs more than running it).
    let field = fields.first()?;
    let automaton = FuzzyTermQuery::new(Term::from_field_text(*field, term), distance, true)
        .automaton()
        .ok()?;
    for seg in searcher.segment_readers() {
        for &field in fields {
            let Ok(inv) = seg.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inv.terms().search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(s) = std::str::from_utf8(stream.key()) {
                    candidates.push(s.to_string());
                }
                if candidates.len() > 500 {
                    break;
                }
            }
        }
    }
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .filter(|c| c.chars().count() >= 2)
        .map(|c| {
            let d = damerau(term, &c);
            let df = doc_freq(searcher, fields, &c);
            (d, std::cmp::Reverse(df), c)
        })
        .filter(|(_, df, _)| df.0 > 0)
        .min()
        .map(|(_, _, c)| c)
}

/// Optimal-string-alignment distance (a transposition counts one).
pub fn damerau(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damerau_counts_transpositions_once() {
        assert_eq!(damerau("retreiv", "retriev"), 1);
        assert_eq!(damerau("agnet", "agent"), 1);
        assert_eq!(damerau("kitten", "sitting"), 3);
    }

    #[test]
    fn surface_keeps_the_ending() {
        assert_eq!(surface_form("Retreival", "retreiv", "retriev"), "retrieval");
        assert_eq!(surface_form("xyz", "abc", "abd"), "abd");
    }
}
