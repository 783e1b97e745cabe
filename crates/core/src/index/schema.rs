//! The index's schema, its version stamp, its text analyser, and how an [`IndexDoc`] becomes
//! a tantivy document.

use super::IndexDoc;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
    STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};
use tantivy::TantivyDocument;

/// Bump whenever the schema, the analyser or the meaning of a field changes: an index stamped
/// with another version is recreated (and refilled from SQLite) on open.
pub const SCHEMA_VERSION: u32 = 3;

/// Name under which [`analyzer`] is registered on the index.
pub const TEXT_TOKENIZER: &str = "casebook_en";

/// The analyser of every full-text field and of the query's words: split on anything that is
/// not a letter or digit, drop absurdly long tokens, lower-case, fold accents to ASCII, and
/// stem English (`agents` → `agent`, `fine-tuned`/`fine-tuning` → `fine tune`).
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(MemoStemmer)
        .build()
}

/// Words a [`MemoStemmer`] remembers before it starts afresh (~100 bytes each).
const STEM_MEMO_WORDS: usize = 50_000;

/// tantivy's English stemmer (the same Snowball algorithm of the same `frostem`, pinned to
/// tantivy's version), remembering the words it has stemmed. Stemming was a sixth of an
/// import's CPU; text repeats its words (Zipf), so most tokens are looked up instead. The
/// memo belongs to the thread ([`STEMS`]): every analyser clone on it (an indexing thread's
/// segments, a search's snippets) finds it warm, and nothing is shared between threads.
#[derive(Clone)]
struct MemoStemmer;

thread_local! {
    /// Word → its stem, or `None` when the stem is the word.
    static STEMS: std::cell::RefCell<FxHashMap<String, Option<String>>> =
        std::cell::RefCell::new(FxHashMap::default());
}

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter { inner }
    }
}

#[derive(Clone)]
struct MemoStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        STEMS.with_borrow_mut(|memo| {
            if memo.len() > STEM_MEMO_WORDS {
                memo.clear();
            }
        });
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

struct MemoStemmerStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        STEMS.with_borrow_mut(|memo| {
            if let Some(stem) = memo.get(&token.text) {
                if let Some(stem) = stem {
                    token.text.clone_from(stem);
                }
                return;
            }
            let stem = match self.stemmer.stem(&token.text) {
                Cow::Owned(s) if s != token.text => Some(s),
                Cow::Borrowed(s) if s != token.text => Some(s.to_string()),
                _ => None,
            };
            match stem {
                Some(stem) => {
                    let word = std::mem::replace(&mut token.text, stem);
                    memo.insert(word, Some(token.text.clone()));
                }
                None => {
                    memo.insert(token.text.clone(), None);
                }
            }
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The analysed tokens of `text`, with their byte offsets in it.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        out.push((t.text.clone(), t.offset_from, t.offset_to));
    }
    out
}

/// The fields, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Case-study id: u64 indexed (delete by term), fast (tie-breaks), stored.
    pub id: Field,
    pub slug: Field,
    /// Full text, stored for hits.
    pub title: Field,
    /// Lower-cased title for sorting (fast str column).
    pub title_key: Field,
    /// Full text (as written, and the display name when it differs), stored for hits.
    pub company: Field,
    /// The company's display name in the library's grouping, fast (facet counts).
    pub company_facet: Field,
    /// The company's key ([`crate::company`]), fast (the filter).
    pub company_key: Field,
    /// Canonical industry slug: indexed raw, fast, stored.
    pub industry: Field,
    /// i64: indexed (ranges), fast (filters, facets, sort), stored.
    pub year: Field,
    pub summary: Field,
    pub body: Field,
    /// Canonical tag slugs, multi-valued: indexed raw, fast.
    pub tags: Field,
    /// Highlights, notes and user tags: full text, stored (to tell a hit matched them).
    pub annotations: Field,
    /// u64 bit set ([`FLAG_ANNOTATED`], [`FLAG_STARRED`], [`FLAG_READ`]): fast, indexed.
    pub flags: Field,
    /// i64 ms since the epoch of the last opening: fast (sort by recently opened).
    pub opened_at: Field,
}

pub const FLAG_ANNOTATED: u64 = 1;
pub const FLAG_STARRED: u64 = 2;
pub const FLAG_READ: u64 = 4;

pub const F_ID: &str = "id";
pub const F_TITLE_KEY: &str = "title_key";
pub const F_COMPANY_FACET: &str = "company_facet";
pub const F_COMPANY_KEY: &str = "company_key";
pub const F_INDUSTRY: &str = "industry";
pub const F_YEAR: &str = "year";
pub const F_TAGS: &str = "tags";
pub const F_FLAGS: &str = "flags";
pub const F_OPENED_AT: &str = "opened_at";

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_stored = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fast_str = TextOptions::default().set_fast("raw");
    let fields = Fields {
        id: b.add_u64_field(
            F_ID,
            NumericOptions::default()
                .set_indexed()
                .set_fast()
                .set_stored(),
        ),
        slug: b.add_text_field("slug", STORED),
        title: b.add_text_field("title", text_stored.clone()),
        title_key: b.add_text_field(F_TITLE_KEY, fast_str.clone()),
        company: b.add_text_field("company", text_stored.clone()),
        company_facet: b.add_text_field(F_COMPANY_FACET, fast_str.clone()),
        company_key: b.add_text_field(F_COMPANY_KEY, fast_str),
        industry: b.add_text_field(F_INDUSTRY, STRING | FAST | STORED),
        year: b.add_i64_field(
            F_YEAR,
            NumericOptions::default()
                .set_indexed()
                .set_fast()
                .set_stored(),
        ),
        summary: b.add_text_field("summary", text_stored.clone()),
        body: b.add_text_field("body", text_stored.clone()),
        tags: b.add_text_field(F_TAGS, STRING | FAST),
        annotations: b.add_text_field("annotations", text_stored),
        flags: b.add_u64_field(F_FLAGS, NumericOptions::default().set_indexed().set_fast()),
        opened_at: b.add_i64_field(F_OPENED_AT, NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

/// The key titles sort by: lower-cased, leading punctuation dropped (`"Foo"` sorts under f).
pub fn title_key(title: &str) -> String {
    title
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

pub fn to_document(f: &Fields, d: &IndexDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, d.id as u64);
    doc.add_text(f.slug, &d.slug);
    doc.add_text(f.title, &d.title);
    doc.add_text(f.title_key, title_key(&d.title));
    if let Some(c) = d
        .company
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        doc.add_text(f.company, c);
        let name = d
            .company_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(c);
        if name != c {
            doc.add_text(f.company, name);
        }
        doc.add_text(f.company_facet, name);
        let key = match d.company_key.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => k.to_string(),
            None => crate::company::key(c),
        };
        doc.add_text(f.company_key, key);
    }
    if let Some(i) = d
        .industry
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        doc.add_text(f.industry, i);
    }
    if let Some(y) = d.year {
        doc.add_i64(f.year, y as i64);
    }
    if let Some(s) = d.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        doc.add_text(f.summary, s);
    }
    doc.add_text(f.body, &d.body_text);
    let mut tags: Vec<&str> = d
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    for t in tags {
        doc.add_text(f.tags, t);
    }
    if !d.annotations.trim().is_empty() {
        doc.add_text(f.annotations, &d.annotations);
    }
    let flags = (if d.annotated { FLAG_ANNOTATED } else { 0 })
        | (if d.starred { FLAG_STARRED } else { 0 })
        | (if d.read { FLAG_READ } else { 0 });
    doc.add_u64(f.flags, flags);
    if let Some(t) = d.opened_at {
        doc.add_i64(f.opened_at, t);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{Language, Stemmer};

    /// The analyser as tantivy's own stemmer would make it.
    fn reference() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(48))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build()
    }

    #[test]
    fn the_memo_stemmer_stems_as_tantivys_stemmer_does() {
        let texts = [
            include_str!("../../../../seeds/000_aab0bd6cfb60beaa.txt"),
            include_str!("../../../../seeds/003_16fbb66ddafbb9d7.txt"),
            "Agents agentic fine-tuned fine-tuning généralisation ÉVALUATIONS running ran runs",
        ];
        let (mut ours, mut theirs) = (analyzer(), reference());
        let mut tokens = 0;
        // Twice: the second pass reads every word from the memo.
        for text in texts.iter().chain(texts.iter()) {
            let a = analyze(&mut ours, text);
            assert_eq!(a, analyze(&mut theirs, text));
            tokens += a.len();
        }
        assert!(tokens > 2_000, "{tokens} tokens");
        // More distinct words than the memo holds: it starts afresh and stays right.
        let many: String = (0..STEM_MEMO_WORDS + 10)
            .map(|i| format!("w{i}ings "))
            .collect();
        for _ in 0..2 {
            assert_eq!(analyze(&mut ours, &many), analyze(&mut theirs, &many));
        }
    }
}
