//! The search index end to end: small indexes in temp dirs from hand-made documents.

use casebook_core::index::{IndexDoc, IndexState, SearchIndex, VALIDATED_FILE, VERSION_FILE};
use casebook_core::{Filters, Page, SearchRequest, SearchResponse, Sort, TagMode};
use std::collections::{BTreeMap, BTreeSet};

fn doc(
    id: i64,
    title: &str,
    company: &str,
    industry: &str,
    year: i32,
    tags: &[&str],
    body: &str,
) -> IndexDoc {
    IndexDoc {
        id,
        slug: format!("case-{id}"),
        title: title.to_string(),
        company: (!company.is_empty()).then(|| company.to_string()),
        industry: (!industry.is_empty()).then(|| industry.to_string()),
        year: (year > 0).then_some(year),
        summary: Some(format!("Summary of case {id}: {title}.")),
        body_text: body.to_string(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    }
}

fn corpus() -> Vec<IndexDoc> {
    vec![
        doc(1, "Scaling RAG at Acme", "Acme Corp", "tech", 2023, &["rag", "embeddings"],
            "Acme built a retrieval augmented generation system with a vector database. Retrieval quality mattered."),
        doc(2, "Fine-tuning Llama for support", "Globex", "finance", 2024, &["fine-tuning", "chatbot"],
            "Globex fine-tuned an open model. The fine tuning pipeline used LoRA adapters on customer support tickets."),
        doc(3, "Agents in production", "Initech", "tech", 2025, &["agents", "monitoring"],
            "Initech deployed agents with monitoring and guardrails. Agent traces were evaluated daily."),
        doc(4, "Evaluation of chatbots", "Umbrella", "healthcare", 2022, &["evals", "chatbot"],
            "Umbrella evaluated chatbots with LLM-as-judge. Finetuning was not needed; prompts sufficed. rag is mentioned once."),
        doc(5, "Cost optimisation with caching", "Acme Corp", "tech", 2024, &["cost-optimization", "rag"],
            "Semantic caching cut inference cost. The retrieval layer was also cached <script>alert(1)</script> safely."),
        doc(6, "Document processing pipeline", "Hooli", "legal", 2023, &["document-processing"],
            "Hooli extracts clauses from contracts. Mentions Acme as a competitor. Vector search over clauses."),
        doc(7, "Zebra voice assistant", "Stark Industries", "media-entertainment", 0, &["speech"],
            "A voice assistant for fans, with speech recognition and text to speech."),
    ]
}

fn build(docs: Vec<IndexDoc>) -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let (idx, state) = SearchIndex::open(dir.path()).unwrap();
    assert!(matches!(state, IndexState::Recreated { .. }));
    idx.upsert(docs).unwrap();
    idx.commit(1).unwrap();
    (dir, idx)
}

fn req(q: &str) -> SearchRequest {
    SearchRequest {
        query: q.to_string(),
        ..Default::default()
    }
}

fn ids(r: &SearchResponse) -> Vec<i64> {
    r.hits.iter().map(|h| h.id).collect()
}

fn sorted_ids(r: &SearchResponse) -> Vec<i64> {
    let mut v = ids(r);
    v.sort();
    v
}

fn search(idx: &SearchIndex, q: &str) -> SearchResponse {
    idx.search(&req(q)).unwrap()
}

/// The query a search ran instead of `q`, and what it found.
fn corrected(idx: &SearchIndex, q: &str) -> (Option<String>, Vec<i64>) {
    let r = search(idx, q);
    (r.corrected_query.clone(), sorted_ids(&r))
}

fn some(q: &str) -> Option<String> {
    Some(q.to_string())
}

#[test]
fn bm25_title_boost_ranks_title_matches_first() {
    let (_d, idx) = build(corpus());
    // "acme" is in the title of 1, company of 1 and 5, body of 1 and 6.
    let r = search(&idx, "acme");
    assert_eq!(r.total, 3);
    assert_eq!(
        ids(&r)[0],
        1,
        "title + company + body match ranks first: {:?}",
        ids(&r)
    );
    assert_eq!(
        *ids(&r).last().unwrap(),
        6,
        "body-only match ranks last: {:?}",
        ids(&r)
    );
    assert!(r.hits[0].score > r.hits[2].score);
}

#[test]
fn bare_words_are_anded() {
    let (_d, idx) = build(corpus());
    assert_eq!(sorted_ids(&search(&idx, "retrieval cached")), vec![5]);
    assert_eq!(search(&idx, "retrieval zebra").total, 0);
}

#[test]
fn stemming_matches_word_forms() {
    let (_d, idx) = build(corpus());
    assert_eq!(sorted_ids(&search(&idx, "agent")), vec![3]);
    assert_eq!(sorted_ids(&search(&idx, "chatbot")), vec![4]);
    assert_eq!(sorted_ids(&search(&idx, "evaluating")), vec![3, 4]);
}

#[test]
fn phrases() {
    let (_d, idx) = build(corpus());
    assert_eq!(sorted_ids(&search(&idx, "\"vector database\"")), vec![1]);
    assert_eq!(sorted_ids(&search(&idx, "\"vector search\"")), vec![6]);
    // The words are in 1 but not adjacent in that order.
    assert_eq!(search(&idx, "\"database vector\"").total, 0);
}

#[test]
fn exclusion() {
    let (_d, idx) = build(corpus());
    assert_eq!(sorted_ids(&search(&idx, "retrieval -cached")), vec![1]);
    assert_eq!(
        sorted_ids(&search(&idx, "vector -\"vector database\"")),
        vec![6]
    );
    // Only exclusions: everything else.
    assert_eq!(search(&idx, "-acme").total, 4);
}

/// Excluded phrases over many documents, against a brute-force reading of the same words.
/// tantivy 0.27's phrase scorer asserts (in debug builds) that an exclusion is never sought
/// backwards, which its own `seek_danger` contract allows (quickwit-oss/tantivy#2811): the
/// workspace builds tantivy without debug assertions, and this checks the answers are right.
#[test]
fn excluded_phrases_agree_with_brute_force() {
    const WORDS: [&str; 6] = ["red", "blue", "green", "cat", "dog", "fish"];
    let mut rng = fastrand::Rng::with_seed(2811);
    let texts: Vec<Vec<&str>> = (0..400)
        .map(|_| {
            (0..rng.usize(3..14))
                .map(|_| WORDS[rng.usize(..6)])
                .collect()
        })
        .collect();
    let docs = texts
        .iter()
        .enumerate()
        .map(|(i, words)| IndexDoc {
            id: i as i64 + 1,
            slug: format!("doc-{i}"),
            title: format!("Document {i}"),
            body_text: words.join(" "),
            ..Default::default()
        })
        .collect();
    let (_d, idx) = build(docs);
    let has_phrase = |w: &[&str], a: &str, b: &str| w.windows(2).any(|p| p == [a, b]);
    for &must in &WORDS {
        for &a in &WORDS {
            for &b in &WORDS {
                let query = format!("{must} -\"{a} {b}\"");
                let mut want: Vec<i64> = texts
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.contains(&must) && !has_phrase(w, a, b))
                    .map(|(i, _)| i as i64 + 1)
                    .collect();
                want.sort();
                let mut r = req(&query);
                r.page.limit = 500;
                assert_eq!(sorted_ids(&idx.search(&r).unwrap()), want, "{query}");
            }
        }
    }
}

#[test]
fn or_between_terms() {
    let (_d, idx) = build(corpus());
    assert_eq!(sorted_ids(&search(&idx, "zebra OR guardrails")), vec![3, 7]);
    assert_eq!(
        sorted_ids(&search(&idx, "agents zebra OR guardrails")),
        vec![3]
    );
}

#[test]
fn prefix() {
    let (_d, idx) = build(corpus());
    assert_eq!(sorted_ids(&search(&idx, "guardr*")), vec![3]);
    assert_eq!(sorted_ids(&search(&idx, "contra*")), vec![6]);
    assert_eq!(search(&idx, "qqqzz*").total, 0);
}

/// The index holds stems, and a word's stem can be shorter than a prefix of it: `evaluated`
/// and `Evaluation` are stemmed to `evalu`, `fine-tuning` to `fine` + `tune`.
#[test]
fn prefix_running_past_the_stem() {
    let (_d, idx) = build(corpus());
    assert_eq!(sorted_ids(&search(&idx, "evaluat*")), vec![3, 4]);
    assert_eq!(sorted_ids(&search(&idx, "tunin*")), vec![2]);
    assert_eq!(search(&idx, "evaluatx*").total, 0);
}

/// A word being typed finds what it starts: a word alone is completed as a prefix, a part of
/// a hyphenated word with the ending its most frequent word has; typos are still respelt.
#[test]
fn unfinished_words_are_completed_not_respelt() {
    let (_d, idx) = build(corpus());
    assert_eq!(corrected(&idx, "evaluat"), (some("evaluat*"), vec![3, 4]));
    // `guardr` is one edit from `guard`, which no document has; completion comes first.
    assert_eq!(corrected(&idx, "Guardr"), (some("Guardr*"), vec![3]));
    assert_eq!(
        corrected(&idx, "fine-tunin"),
        (some("fine-tuning"), vec![2, 4])
    );
    assert_eq!(
        corrected(&idx, "retrieval augmen"),
        (some("retrieval augmen*"), vec![1])
    );
    // Short words are not completed (too many words start with them).
    assert_eq!(search(&idx, "eva").corrected_query, None);
    let r = search(&idx, "agnets");
    assert_eq!(r.corrected_query.as_deref(), Some("agents"));
}

#[test]
fn field_prefixes() {
    let (_d, idx) = build(corpus());
    assert_eq!(sorted_ids(&search(&idx, "title:acme")), vec![1]);
    assert_eq!(sorted_ids(&search(&idx, "company:acme")), vec![1, 5]);
    assert_eq!(
        sorted_ids(&search(&idx, "company:\"Acme Corp\"")),
        vec![1, 5]
    );
    assert_eq!(
        sorted_ids(&search(&idx, "company:\"Stark Industries\"")),
        vec![7]
    );
    assert_eq!(sorted_ids(&search(&idx, "tag:rag")), vec![1, 5]);
    assert_eq!(sorted_ids(&search(&idx, "tag:fine_tuning")), vec![2]);
    assert_eq!(sorted_ids(&search(&idx, "tag:Fine-Tuning")), vec![2]);
    assert_eq!(sorted_ids(&search(&idx, "industry:finance")), vec![2]);
    assert_eq!(
        sorted_ids(&search(&idx, "industry:tech retrieval")),
        vec![1, 5]
    );
    assert_eq!(sorted_ids(&search(&idx, "year:2023")), vec![1, 6]);
    assert_eq!(sorted_ids(&search(&idx, "title:pipeline")), vec![6]);
}

#[test]
fn year_ranges() {
    let (_d, idx) = build(corpus());
    assert_eq!(
        sorted_ids(&search(&idx, "year:2023..2024")),
        vec![1, 2, 5, 6]
    );
    assert_eq!(sorted_ids(&search(&idx, "year:2024..")), vec![2, 3, 5]);
    assert_eq!(sorted_ids(&search(&idx, "year:..2022")), vec![4]);
    assert_eq!(sorted_ids(&search(&idx, "year:2024-2025")), vec![2, 3, 5]);
}

#[test]
fn hyphenated_words() {
    let (_d, idx) = build(corpus());
    // "fine-tuning" (title 2), "fine-tuned", "fine tuning" (body 2), "Finetuning" (body 4).
    assert_eq!(sorted_ids(&search(&idx, "fine-tuning")), vec![2, 4]);
    assert_eq!(sorted_ids(&search(&idx, "\"fine tuning\"")), vec![2]);
    assert_eq!(sorted_ids(&search(&idx, "llm-as-judge")), vec![4]);
}

#[test]
fn typo_fallback_sets_corrected_query() {
    let (_d, idx) = build(corpus());
    assert_eq!(
        corrected(&idx, "retreival"),
        (some("retrieval"), vec![1, 5])
    );
    assert_eq!(
        corrected(&idx, "guardrials agents"),
        (some("guardrails agents"), vec![3])
    );
}

#[test]
fn typo_fallback_does_not_fire_on_good_exact_results() {
    let (_d, idx) = build(corpus());
    // "speech" exists; its neighbours must not be mixed in.
    let r = search(&idx, "retrieval");
    assert_eq!(r.corrected_query, None);
    assert_eq!(sorted_ids(&r), vec![1, 5]);
    // Known words with no result are not "corrected" either.
    let r = search(&idx, "zebra guardrails");
    assert_eq!(r.total, 0);
    assert_eq!(r.corrected_query, None);
    // Gibberish has no correction.
    let r = search(&idx, "xqzvwk");
    assert_eq!(r.total, 0);
    assert_eq!(r.corrected_query, None);
}

#[test]
fn filters_tags_all_and_any() {
    let (_d, idx) = build(corpus());
    let mut r = req("");
    r.filters.tags = vec!["rag".into(), "embeddings".into()];
    assert_eq!(sorted_ids(&idx.search(&r).unwrap()), vec![1]);
    r.filters.tag_mode = TagMode::Any;
    assert_eq!(sorted_ids(&idx.search(&r).unwrap()), vec![1, 5]);
    r.filters.tags = vec!["chatbot".into(), "speech".into()];
    assert_eq!(sorted_ids(&idx.search(&r).unwrap()), vec![2, 4, 7]);
    r.filters.tag_mode = TagMode::All;
    assert_eq!(idx.search(&r).unwrap().total, 0);
    r.filters.tags = vec!["fine_tuning".into()];
    assert_eq!(sorted_ids(&idx.search(&r).unwrap()), vec![2]);
}

#[test]
fn filters_industry_company_year() {
    let (_d, idx) = build(corpus());
    let mut r = req("");
    r.filters.industries = vec!["tech".into(), "legal".into()];
    assert_eq!(sorted_ids(&idx.search(&r).unwrap()), vec![1, 3, 5, 6]);
    r.filters.companies = vec!["acme corp".into()];
    assert_eq!(sorted_ids(&idx.search(&r).unwrap()), vec![1, 5]);
    r.filters.year_from = Some(2024);
    assert_eq!(sorted_ids(&idx.search(&r).unwrap()), vec![5]);
    // With a query, filters combine with it.
    let mut r = req("retrieval");
    r.filters.year_to = Some(2023);
    assert_eq!(sorted_ids(&idx.search(&r).unwrap()), vec![1]);
    // Year filters exclude documents without a year.
    let mut r = req("");
    r.filters.year_from = Some(1900);
    assert_eq!(idx.search(&r).unwrap().total, 6);
}

/// Brute-force facet counts with the documented semantics.
fn brute_facets(
    docs: &[IndexDoc],
    matches: &dyn Fn(&IndexDoc) -> bool,
    f: &Filters,
) -> casebook_core::Facets {
    let tag_ok = |d: &IndexDoc| {
        f.tags.is_empty()
            || match f.tag_mode {
                TagMode::All => f.tags.iter().all(|t| d.tags.contains(t)),
                TagMode::Any => f.tags.iter().any(|t| d.tags.contains(t)),
            }
    };
    let ind_ok = |d: &IndexDoc| {
        f.industries.is_empty()
            || d.industry
                .as_ref()
                .is_some_and(|i| f.industries.contains(i))
    };
    let comp_ok = |d: &IndexDoc| {
        f.companies.is_empty()
            || d.company
                .as_ref()
                .is_some_and(|c| f.companies.iter().any(|x| x.eq_ignore_ascii_case(c)))
    };
    let year_ok = |d: &IndexDoc| {
        (f.year_from.is_none() && f.year_to.is_none())
            || d.year.is_some_and(|y| {
                f.year_from.is_none_or(|a| y >= a) && f.year_to.is_none_or(|b| y <= b)
            })
    };
    let mut out = casebook_core::Facets::default();
    let bump = |m: &mut BTreeMap<String, u64>, k: &str| *m.entry(k.to_string()).or_default() += 1;
    for d in docs.iter().filter(|d| matches(d)) {
        let (t, i, c, y) = (tag_ok(d), ind_ok(d), comp_ok(d), year_ok(d));
        let tags_count = match f.tag_mode {
            TagMode::All => t && i && c && y,
            TagMode::Any => i && c && y,
        };
        if tags_count {
            for tag in &d.tags {
                bump(&mut out.tags, tag);
            }
        }
        if t && c && y {
            if let Some(x) = &d.industry {
                bump(&mut out.industry, x);
            }
        }
        if t && i && y {
            if let Some(x) = &d.company {
                bump(&mut out.company, x);
            }
        }
        if t && i && c {
            if let Some(x) = d.year {
                bump(&mut out.year, &x.to_string());
            }
        }
    }
    out
}

fn passes(d: &IndexDoc, f: &Filters) -> bool {
    let tags = f.tags.is_empty()
        || match f.tag_mode {
            TagMode::All => f.tags.iter().all(|t| d.tags.contains(t)),
            TagMode::Any => f.tags.iter().any(|t| d.tags.contains(t)),
        };
    let ind = f.industries.is_empty()
        || d.industry
            .as_ref()
            .is_some_and(|i| f.industries.contains(i));
    let comp = f.companies.is_empty()
        || d.company
            .as_ref()
            .is_some_and(|c| f.companies.iter().any(|x| x.eq_ignore_ascii_case(c)));
    let year = (f.year_from.is_none() && f.year_to.is_none())
        || d.year.is_some_and(|y| {
            f.year_from.is_none_or(|a| y >= a) && f.year_to.is_none_or(|b| y <= b)
        });
    tags && ind && comp && year
}

#[test]
fn facet_counts_equal_brute_force() {
    // More documents, several segments (several commits), some deleted. Each segment also
    // has tags, an industry and companies of its own, sorting before, among and after the
    // shared ones, so one value has a different ordinal in each segment.
    let mut docs = Vec::new();
    let tags = ["rag", "agent-based", "evals", "chatbot", "fine-tuning"];
    let own_tags = ["aaa-first", "d-middle", "zz-last"];
    let inds = ["tech", "finance", "legal"];
    let own_inds = ["aerospace", "mining", "zoology"];
    let comps = ["Acme", "Globex", "Initech", "Hooli"];
    for i in 0..120i64 {
        let batch = i as usize / 40;
        let mut t: Vec<&str> = tags
            .iter()
            .enumerate()
            .filter(|(k, _)| (i as usize + k).is_multiple_of(k + 2))
            .map(|(_, t)| *t)
            .collect();
        if i % 2 == 0 {
            t.push(own_tags[batch]);
        }
        let body = if i % 3 == 0 {
            "alpha beta"
        } else {
            "beta gamma"
        };
        // A rare word: a hit or two a segment, counted tag by tag; the common ones take the
        // other way of counting tags (popcounts of bit sets, see `collect::TagCounts`).
        let body = if i % 37 == 0 {
            format!("{body} delta")
        } else {
            body.to_string()
        };
        let company = format!("{} {}", comps[i as usize % 4], ["", "B", "C"][batch]);
        docs.push(doc(
            i + 1,
            &format!("Case {i}"),
            company.trim(),
            if i % 5 == 0 {
                own_inds[batch]
            } else {
                inds[i as usize % 3]
            },
            if i % 7 == 0 {
                0
            } else {
                2019 + (i as i32 % 6) + batch as i32
            },
            &t,
            &body,
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let (idx, _) = SearchIndex::open(dir.path()).unwrap();
    for (n, chunk) in docs.chunks(40).enumerate() {
        idx.upsert(chunk.to_vec()).unwrap();
        idx.commit(n as u64 + 1).unwrap();
    }
    idx.delete(&[5, 50, 100]).unwrap();
    idx.commit(9).unwrap();
    let mut live: Vec<IndexDoc> = docs
        .into_iter()
        .filter(|d| ![5, 50, 100].contains(&d.id))
        .collect();
    let filter_sets = vec![
        Filters::default(),
        Filters {
            tags: vec!["rag".into(), "evals".into()],
            ..Default::default()
        },
        Filters {
            tags: vec!["rag".into(), "evals".into()],
            tag_mode: TagMode::Any,
            ..Default::default()
        },
        Filters {
            tags: vec!["d-middle".into(), "rag".into()],
            tag_mode: TagMode::Any,
            ..Default::default()
        },
        Filters {
            industries: vec!["tech".into(), "legal".into(), "mining".into()],
            companies: vec!["acme".into(), "HOOLI B".into()],
            ..Default::default()
        },
        Filters {
            year_from: Some(2021),
            year_to: Some(2023),
            tags: vec!["agent-based".into()],
            ..Default::default()
        },
    ];
    let check = |idx: &SearchIndex, live: &[IndexDoc], when: &str| {
        for q in ["", "alpha", "beta", "gamma -alpha", "delta"] {
            let matches = |d: &IndexDoc| match q {
                "" | "beta" => true,
                "alpha" => d.body_text.contains("alpha"),
                "delta" => d.body_text.contains("delta"),
                _ => !d.body_text.contains("alpha"),
            };
            for f in &filter_sets {
                let r = idx
                    .search(&SearchRequest {
                        query: q.into(),
                        filters: f.clone(),
                        ..Default::default()
                    })
                    .unwrap();
                let want = brute_facets(live, &matches, f);
                assert_eq!(r.facets, want, "{when}: query {q:?} filters {f:?}");
                let total = live.iter().filter(|d| matches(d) && passes(d, f)).count();
                assert_eq!(r.total as usize, total, "{when}: query {q:?} filters {f:?}");
            }
        }
    };
    check(&idx, &live, "three segments");
    // A document re-indexed with other values lands in a new segment with a vocabulary of
    // its own; the cached columns of the old segments must not count it twice.
    let changed = live.iter_mut().find(|d| d.id == 2).unwrap();
    changed.tags = vec!["rag".into(), "brand-new".into()];
    changed.industry = Some("aerospace".into());
    changed.company = Some("Newco".into());
    let changed = changed.clone();
    idx.upsert(vec![changed]).unwrap();
    idx.commit(10).unwrap();
    check(&idx, &live, "after an update");
}

#[test]
fn sorts() {
    let (_d, idx) = build(corpus());
    let mut r = req("");
    r.sort = Sort::Newest;
    let got = ids(&idx.search(&r).unwrap());
    // 2025, 2024 (2, 5 by id), 2023 (1, 6), 2022, no year last.
    assert_eq!(got, vec![3, 2, 5, 1, 6, 4, 7]);
    r.sort = Sort::Title;
    let got: Vec<String> = idx
        .search(&r)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.title)
        .collect();
    let mut want = got.clone();
    want.sort_by_key(|t| t.to_lowercase());
    assert_eq!(got, want);
    assert_eq!(got[0], "Agents in production");
    // Relevance with an empty query falls back to newest.
    r.sort = Sort::Relevance;
    assert_eq!(ids(&idx.search(&r).unwrap())[0], 3);
}

/// Title order across segments whose title dictionaries span many blocks: each hit gets its
/// own title's key (a mix-up would put titles out of order), pages join up.
#[test]
fn title_sort_across_segments_and_dictionary_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let (idx, _) = SearchIndex::open(dir.path()).unwrap();
    let mut titles = Vec::new();
    for commit in 0..3i64 {
        let docs: Vec<IndexDoc> = (0..400i64)
            .map(|n| {
                let id = commit * 1000 + n + 1;
                // Scattered, so that each segment's top hits lie far apart in its dictionary.
                let title = format!(
                    "Case {:05} of a long title that fills blocks",
                    (id * 7919) % 100_003
                );
                titles.push(title.clone());
                doc(
                    id,
                    &title,
                    "Acme",
                    "tech",
                    2024,
                    &["rag"],
                    "Retrieval at scale.",
                )
            })
            .collect();
        idx.upsert(docs).unwrap();
        idx.commit(commit as u64 + 1).unwrap();
    }
    titles.sort();
    let mut got = Vec::new();
    for offset in (0..titles.len() as u32).step_by(50) {
        let mut r = req("retrieval");
        r.sort = Sort::Title;
        r.page = Page { offset, limit: 50 };
        got.extend(idx.search(&r).unwrap().hits.into_iter().map(|h| h.title));
    }
    assert_eq!(got, titles);
}

#[test]
fn paging() {
    let (_d, idx) = build(corpus());
    let all = {
        let mut r = req("");
        r.sort = Sort::Title;
        ids(&idx.search(&r).unwrap())
    };
    let mut r = req("");
    r.sort = Sort::Title;
    r.page = Page {
        offset: 2,
        limit: 3,
    };
    let page = idx.search(&r).unwrap();
    assert_eq!(page.total, 7);
    assert_eq!(ids(&page), all[2..5].to_vec());
    r.page = Page {
        offset: 6,
        limit: 3,
    };
    assert_eq!(ids(&idx.search(&r).unwrap()), all[6..].to_vec());
    r.page = Page {
        offset: 60,
        limit: 3,
    };
    let past = idx.search(&r).unwrap();
    assert!(past.hits.is_empty());
    assert_eq!(past.total, 7);
    r.page = Page {
        offset: 0,
        limit: 100_000,
    };
    assert_eq!(idx.search(&r).unwrap().hits.len(), 7);
}

#[test]
fn snippets_mark_hits_and_escape_html() {
    let (_d, idx) = build(corpus());
    let r = search(&idx, "cached");
    assert_eq!(r.hits.len(), 1);
    let s = &r.hits[0].snippet;
    assert!(s.contains("<mark>cached</mark>"), "{s}");
    assert!(s.contains("&lt;script&gt;"), "{s}");
    assert!(!s.contains("<script>"), "{s}");
    // Stemmed forms are highlighted.
    let r = search(&idx, "agent");
    assert!(
        r.hits[0].snippet.contains("<mark>agents</mark>"),
        "{}",
        r.hits[0].snippet
    );
    // Empty query: the start of the summary.
    let r = search(&idx, "");
    assert!(r
        .hits
        .iter()
        .all(|h| h.snippet.starts_with("Summary of case")));
    // A match only in the title: the summary's start.
    let r = search(&idx, "title:zebra");
    assert!(r.hits[0].snippet.contains("Zebra"), "{}", r.hits[0].snippet);
}

#[test]
fn long_bodies_get_short_snippets_around_the_match() {
    let body = format!(
        "{} the needle is here {}",
        "filler text ".repeat(2000),
        "more filler ".repeat(2000)
    );
    let (_d, idx) = build(vec![doc(1, "Long", "X", "tech", 2024, &[], &body)]);
    let r = search(&idx, "needle");
    let s = &r.hits[0].snippet;
    assert!(s.contains("<mark>needle</mark>"), "{s}");
    assert!(s.chars().count() < 260, "{}", s.chars().count());
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let (_d, idx) = build(corpus());
    assert_eq!(idx.num_docs(), 7);
    let mut d = corpus().remove(0);
    d.title = "Renamed quokka".into();
    idx.upsert(vec![d]).unwrap();
    idx.commit(2).unwrap();
    assert_eq!(idx.num_docs(), 7);
    assert_eq!(sorted_ids(&search(&idx, "quokka")), vec![1]);
    assert_eq!(search(&idx, "title:scaling").total, 0);
    idx.delete(&[1, 2]).unwrap();
    idx.commit(3).unwrap();
    assert_eq!(idx.num_docs(), 5);
    assert_eq!(search(&idx, "quokka").total, 0);
    idx.clear().unwrap();
    idx.commit(4).unwrap();
    assert_eq!(idx.num_docs(), 0);
    assert_eq!(search(&idx, "").total, 0);
}

#[test]
fn generation_round_trips_through_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (idx, state) = SearchIndex::open(dir.path()).unwrap();
        assert!(matches!(state, IndexState::Recreated { .. }));
        assert_eq!(idx.generation(), 0);
        idx.upsert(corpus()).unwrap();
        idx.commit(42).unwrap();
        assert_eq!(idx.generation(), 42);
    }
    let (idx, state) = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(state, IndexState::Ready { generation: 42 });
    assert_eq!(idx.generation(), 42);
    assert_eq!(idx.num_docs(), 7);
}

fn reopen_state(dir: &std::path::Path) -> IndexState {
    let (idx, state) = SearchIndex::open(dir).unwrap();
    if matches!(state, IndexState::Recreated { .. }) {
        assert_eq!(idx.num_docs(), 0);
        assert_eq!(idx.generation(), 0);
    }
    state
}

fn filled_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (idx, _) = SearchIndex::open(dir.path()).unwrap();
    idx.upsert(corpus()).unwrap();
    idx.commit(7).unwrap();
    idx.wait_merges().unwrap();
    dir
}

/// Eight one-document commits: tantivy's merge policy merges once eight segments are alike,
/// so the eighth commit starts a merge that ends after that commit's validated stamp.
fn index_merging_after_its_last_commit(dir: &std::path::Path) -> SearchIndex {
    let (idx, _) = SearchIndex::open(dir).unwrap();
    for (n, mut d) in corpus().into_iter().cycle().take(8).enumerate() {
        d.id += 100 * n as i64;
        idx.upsert(vec![d]).unwrap();
        idx.commit(n as u64 + 1).unwrap();
    }
    idx
}

/// The segments `meta.json` lists, and those the validated stamp lists.
fn committed_and_stamped_segments(dir: &std::path::Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
    let committed = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    let stamp = std::fs::read_to_string(dir.join(VALIDATED_FILE)).unwrap();
    let stamped = stamp
        .lines()
        .filter_map(|line| line.split(['.', ' ']).next())
        .filter(|name| *name != "meta")
        .map(str::to_string)
        .collect();
    (committed, stamped)
}

/// Segments merged after the last commit are stamped as validated when the merges are
/// waited for (`Library::close`); else the next open would check every file's checksum.
#[test]
fn waiting_for_merges_stamps_the_merged_segments() {
    let dir = tempfile::tempdir().unwrap();
    index_merging_after_its_last_commit(dir.path())
        .wait_merges()
        .unwrap();
    let (committed, stamped) = committed_and_stamped_segments(dir.path());
    assert_eq!(committed.len(), 1, "the eight segments were not merged");
    assert_eq!(stamped, committed);
}

/// An app exits without waiting for merges; the stamp it leaves covers those that finished.
#[test]
fn stamping_at_exit_covers_the_merges_that_finished() {
    let dir = tempfile::tempdir().unwrap();
    let idx = index_merging_after_its_last_commit(dir.path());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while committed_and_stamped_segments(dir.path()).0.len() > 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the merge never finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let (committed, stamped) = committed_and_stamped_segments(dir.path());
    assert_ne!(
        stamped, committed,
        "the last commit's stamp already had the merge"
    );
    idx.stamp_validated();
    let (committed, stamped) = committed_and_stamped_segments(dir.path());
    assert_eq!(stamped, committed);
}

/// Commits one document at a time (one segment each), ids `ids`, generation = id.
fn commit_one_by_one(idx: &SearchIndex, ids: std::ops::Range<i64>) {
    for (mut d, id) in corpus().into_iter().cycle().zip(ids) {
        d.id = id;
        idx.upsert(vec![d]).unwrap();
        idx.commit(id as u64).unwrap();
    }
}

/// A bulk write (an import, a rebuild) holds tantivy's merges back, then merges what it
/// wrote into one segment (here, far fewer than 20,000 documents) before it ends, leaves
/// older segments alone, and gives the merge policy back.
#[test]
fn a_bulk_write_merges_its_segments_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let segments = |dir: &tempfile::TempDir| committed_and_stamped_segments(dir.path()).0;
    let (idx, _) = SearchIndex::open(dir.path()).unwrap();
    commit_one_by_one(&idx, 1..2);
    let older = segments(&dir);
    {
        let _bulk = idx.bulk_write();
        commit_one_by_one(&idx, 2..14);
        // Twelve new segments: the merge policy would have merged eight of them.
        assert_eq!(segments(&dir).len(), 13);
    }
    // Merged when the bulk write ends, and stamped as validated.
    let (after, stamped) = committed_and_stamped_segments(dir.path());
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(stamped, after);
    assert!(older.is_subset(&after), "the older segment was merged too");
    assert_eq!(search(&idx, "").total, 13);
    // The policy is back: eight more segments alike get merged (without it: 2 + 8).
    commit_one_by_one(&idx, 14..22);
    idx.wait_merges().unwrap();
    assert!(segments(&dir).len() < 10, "{:?}", segments(&dir));
    let (idx, _) = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(search(&idx, "").total, 21);
}

#[test]
fn schema_version_mismatch_recreates() {
    let dir = filled_dir();
    std::fs::write(dir.path().join(VERSION_FILE), "0\n").unwrap();
    assert!(matches!(
        reopen_state(dir.path()),
        IndexState::Recreated { .. }
    ));
    // And the recreated index is stamped and opens as Ready next time.
    assert_eq!(
        reopen_state(dir.path()),
        IndexState::Ready { generation: 0 }
    );
    // A missing stamp next to an index also recreates.
    let dir = filled_dir();
    std::fs::remove_file(dir.path().join(VERSION_FILE)).unwrap();
    assert!(matches!(
        reopen_state(dir.path()),
        IndexState::Recreated { .. }
    ));
}

fn segment_files(dir: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

#[test]
fn deleted_segment_file_recreates() {
    let dir = filled_dir();
    let files = segment_files(dir.path(), "idx");
    assert!(!files.is_empty());
    std::fs::remove_file(&files[0]).unwrap();
    match reopen_state(dir.path()) {
        IndexState::Recreated { reason } => assert!(reason.contains("missing"), "{reason}"),
        s => panic!("{s:?}"),
    }
}

#[test]
fn corrupted_files_recreate() {
    // A flipped byte in a segment file.
    let dir = filled_dir();
    let f = &segment_files(dir.path(), "store")[0];
    let mut bytes = std::fs::read(f).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(f, bytes).unwrap();
    assert!(matches!(
        reopen_state(dir.path()),
        IndexState::Recreated { .. }
    ));
    // Garbage meta.json.
    let dir = filled_dir();
    std::fs::write(dir.path().join("meta.json"), "{ not json").unwrap();
    assert!(matches!(
        reopen_state(dir.path()),
        IndexState::Recreated { .. }
    ));
    // Truncated segment file.
    let dir = filled_dir();
    let f = &segment_files(dir.path(), "pos")[0];
    std::fs::write(f, b"x").unwrap();
    assert!(matches!(
        reopen_state(dir.path()),
        IndexState::Recreated { .. }
    ));
}

#[test]
fn stale_lock_files_do_not_prevent_opening() {
    let dir = filled_dir();
    std::fs::write(dir.path().join(".tantivy-writer.lock"), "").unwrap();
    std::fs::write(dir.path().join(".tantivy-meta.lock"), "").unwrap();
    let (idx, state) = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(state, IndexState::Ready { generation: 7 });
    idx.upsert(vec![doc(99, "After lock", "", "", 2020, &[], "x")])
        .unwrap();
    idx.commit(8).unwrap();
    assert_eq!(idx.num_docs(), 8);
}

#[test]
fn hostile_queries_never_error() {
    let (_d, idx) = build(corpus());
    let long = "a".repeat(10_000);
    let long_words = "retrieval ".repeat(1_000);
    let hostile = [
        "\"",
        "\"unbalanced",
        "(((",
        ")))",
        "title:",
        "company:",
        "tag:",
        "year:",
        "year:abc",
        "year:2023..abc",
        "year:99999",
        "-",
        "--",
        "- -",
        "*",
        "**",
        "a*",
        "OR",
        "OR OR",
        "AND",
        "NOT",
        "-\"\"",
        "\"\"",
        "日本語の検索",
        "Ünïcödé façade",
        "emoji 🚀 rocket",
        "\u{0}\u{1}",
        "title:\"",
        "company:\"Acme",
        ":::",
        "a:b:c",
        "-retrieval -cached",
        "\\",
        "[]{}^~",
        "+retrieval",
        "retrieval~2",
        "year:2025..2023",
        "industry:",
        "-tag:rag",
        &long,
        &long_words,
    ];
    for q in hostile {
        for sort in [Sort::Relevance, Sort::Newest, Sort::Title] {
            let r = idx
                .search(&SearchRequest {
                    query: q.to_string(),
                    sort,
                    ..Default::default()
                })
                .unwrap_or_else(|e| panic!("{q:?}: {e}"));
            assert!(r.total <= 7);
        }
    }
    // A few of them still mean something.
    assert_eq!(
        sorted_ids(&search(&idx, "year:2025..2023")),
        vec![1, 2, 3, 5, 6]
    );
    assert_eq!(sorted_ids(&search(&idx, "-tag:rag")), vec![2, 3, 4, 6, 7]);
    assert_eq!(search(&idx, "Ünïcödé façade").total, 0);
}

#[test]
fn searches_run_concurrently_with_an_import() {
    let (_d, idx) = build(corpus());
    let idx = std::sync::Arc::new(idx);
    let writer = {
        let idx = idx.clone();
        std::thread::spawn(move || {
            for batch in 0..5i64 {
                let docs = (0..50)
                    .map(|i| {
                        doc(
                            1000 + batch * 50 + i,
                            "Bulk",
                            "Bulk Co",
                            "tech",
                            2020,
                            &["bulk"],
                            "bulk words",
                        )
                    })
                    .collect();
                idx.upsert(docs).unwrap();
                idx.commit(10 + batch as u64).unwrap();
            }
        })
    };
    for _ in 0..50 {
        let r = search(&idx, "retrieval");
        assert_eq!(r.total, 2);
    }
    writer.join().unwrap();
    // Visible right after commit.
    assert_eq!(search(&idx, "bulk").total, 250);
    assert_eq!(idx.generation(), 14);
}

#[test]
fn took_ms_is_measured_and_total_exact() {
    let (_d, idx) = build(corpus());
    let mut r = req("");
    r.page.limit = 2;
    let res = idx.search(&r).unwrap();
    assert_eq!(res.total, 7);
    assert_eq!(res.hits.len(), 2);
    assert!(res.took_ms > 0.0);
}

/// Documents whose every field is chosen, for exact search explanations.
fn explain_corpus() -> Vec<IndexDoc> {
    let d = |id: i64, title: &str, company: &str, summary: &str, body: &str| IndexDoc {
        id,
        slug: format!("x-{id}"),
        title: title.into(),
        company: Some(company.into()),
        year: Some(2020 + id as i32),
        industry: Some("tech".into()),
        summary: (!summary.is_empty()).then(|| summary.to_string()),
        body_text: body.into(),
        tags: vec!["rag".into()],
        ..Default::default()
    };
    let mut docs = vec![
        d(
            1,
            "Agents at Acme",
            "Acme Corp",
            "",
            "We used rag with a vector search over tickets.",
        ),
        d(
            2,
            "Search vector tricks",
            "Globex",
            "Fine tuning of an agent.",
            "Retrieval helped; vector and search apart.",
        ),
        d(3, "Caching", "Initech", "", "Nothing relevant here."),
    ];
    docs[2].annotations = "my note about agents".into();
    docs[2].annotated = true;
    docs
}

fn matched(r: &SearchResponse, id: i64) -> Vec<(String, Vec<String>)> {
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == id)
        .unwrap_or_else(|| panic!("{id} not a hit: {:?}", ids(r)));
    hit.matched
        .iter()
        .map(|m| (m.field.as_str().to_string(), m.terms.clone()))
        .collect()
}

fn m(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    pairs
        .iter()
        .map(|(f, ts)| (f.to_string(), ts.iter().map(|t| t.to_string()).collect()))
        .collect()
}

#[test]
fn explain_names_fields_and_the_words_as_typed() {
    let (_d, idx) = build(explain_corpus());
    // Stemmed matches are reported with the user's word; fields in a fixed order.
    let r = search(&idx, "agents rag");
    assert_eq!(sorted_ids(&r), vec![1]);
    assert_eq!(
        matched(&r, 1),
        m(&[("title", &["agents"]), ("body", &["rag"])])
    );
    let r = search(&idx, "agents");
    assert_eq!(sorted_ids(&r), vec![1, 2, 3]);
    assert_eq!(matched(&r, 2), m(&[("summary", &["agents"])]));
    assert_eq!(matched(&r, 3), m(&[("annotations", &["agents"])]));
    assert!(
        r.hits
            .iter()
            .find(|h| h.id == 3)
            .unwrap()
            .matched_annotations
    );
    assert!(
        !r.hits
            .iter()
            .find(|h| h.id == 1)
            .unwrap()
            .matched_annotations
    );
}

#[test]
fn explain_phrases_prefixes_hyphens_and_fields() {
    let (_d, idx) = build(explain_corpus());
    // The phrase is only adjacent in 1's body; 2 has both words apart (title and body).
    let r = search(&idx, "\"vector search\"");
    assert_eq!(sorted_ids(&r), vec![1]);
    assert_eq!(matched(&r, 1), m(&[("body", &["vector search"])]));
    let r = search(&idx, "retriev*");
    assert_eq!(matched(&r, 2), m(&[("body", &["retriev*"])]));
    let r = search(&idx, "fine-tuning");
    assert_eq!(matched(&r, 2), m(&[("summary", &["fine-tuning"])]));
    let r = search(&idx, "company:acme tag:rag year:2021 industry:tech");
    assert_eq!(
        matched(&r, 1),
        m(&[
            ("company", &["acme"]),
            ("tags", &["rag"]),
            ("industry", &["tech"]),
            ("year", &["2021"])
        ])
    );
}

/// A hyphenated word is explained where it matched as words or joined (`Finetuning`), each
/// field once.
#[test]
fn explain_hyphenated_words_written_apart_or_joined() {
    let (_d, idx) = build(corpus());
    let r = search(&idx, "fine-tuning");
    assert_eq!(sorted_ids(&r), vec![2, 4]);
    let all = m(&[
        ("title", &["fine-tuning"]),
        ("summary", &["fine-tuning"]),
        ("body", &["fine-tuning"]),
    ]);
    assert_eq!(matched(&r, 2), all);
    assert_eq!(matched(&r, 4), m(&[("body", &["fine-tuning"])]));
}

#[test]
fn explain_lists_only_what_matched() {
    let (_d, idx) = build(explain_corpus());
    // Of an OR, only the side that matched; never an excluded word.
    let r = search(&idx, "zebra OR caching -tickets");
    assert_eq!(sorted_ids(&r), vec![3]);
    assert_eq!(matched(&r, 3), m(&[("title", &["caching"])]));
    let r = search(&idx, "search OR caching");
    assert_eq!(
        matched(&r, 2),
        m(&[("title", &["search"]), ("body", &["search"])])
    );
    // The empty query lists nothing.
    let r = search(&idx, "");
    assert_eq!(r.hits.len(), 3);
    assert!(r.hits.iter().all(|h| h.matched.is_empty()));
    // A corrected query is explained with the words that were run.
    let r = search(&idx, "agnets");
    assert_eq!(r.corrected_query.as_deref(), Some("agents"));
    assert_eq!(matched(&r, 1), m(&[("title", &["agents"])]));
}

/// The document store is read with positioned reads, never mapped into the process: mapped,
/// the snippets' random reads kept hundreds of MiB of it in the app (index/directory.rs). The
/// postings stay mapped (which shows the check can see a mapping).
#[cfg(target_os = "linux")]
#[test]
fn the_document_store_is_read_not_mapped() {
    let (dir, idx) = build(corpus());
    let r = search(&idx, "retrieval");
    assert!(r.hits.iter().all(|h| !h.snippet.is_empty()));
    let root = dir.path().canonicalize().unwrap();
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let mapped: Vec<&str> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| std::path::Path::new(p).starts_with(&root))
        .collect();
    assert!(mapped.iter().any(|p| p.ends_with(".idx")), "{mapped:?}");
    assert!(!mapped.iter().any(|p| p.ends_with(".store")), "{mapped:?}");
}
