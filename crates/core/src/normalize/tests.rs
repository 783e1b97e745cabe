use super::*;

fn parsed() -> ParsedCaseStudy {
    ParsedCaseStudy {
        title: Some("  Building   a\n RAG chatbot  ".into()),
        slug: Some("Building a RAG Chatbot".into()),
        company: Some(" Acme\tCorp ".into()),
        industry: Some("Media & Entertainment".into()),
        year: Some(2024),
        link: Some(" https://example.com/post ".into()),
        summary: Some("Acme built a\n\nchatbot.".into()),
        tags: vec![
            "fine_tuning".into(),
            "RAG".into(),
            "Fine-Tuning".into(),
            " ".into(),
            "Generative AI".into(),
            "retrieval-augmented-generation".into(),
        ],
        body_markdown: "# Intro\n\nThe *body*.".into(),
    }
}

#[test]
fn fields_are_cleaned_and_canonical() {
    let n = normalize(parsed());
    assert_eq!(n.title, "Building a RAG chatbot");
    assert!(!n.title_inferred);
    assert_eq!(n.slug.as_deref(), Some("building-a-rag-chatbot"));
    assert_eq!(n.company.as_deref(), Some("Acme Corp"));
    assert_eq!(n.summary.as_deref(), Some("Acme built a chatbot."));
    assert_eq!(n.industry.as_deref(), Some("media-entertainment"));
    assert_eq!(n.year, Some(2024));
    assert_eq!(n.link.as_deref(), Some("https://example.com/post"));
    assert_eq!(n.tags, ["fine-tuning", "generative-ai", "rag"]);
    assert!(n.inferred_tags.is_empty(), "source had tags");
    assert_eq!(n.body_text, "Intro\n\nThe body.");
    assert_eq!(n.body_markdown, "# Intro\n\nThe *body*.");
}

#[test]
fn bidi_controls_and_invisible_characters_leave_one_line_fields() {
    let n = normalize(ParsedCaseStudy {
        title: Some("\u{202E}evil\u{202C} title\u{2066}x\u{2069}".into()),
        company: Some("Ac\u{200B}me\u{202D}".into()),
        summary: Some("\u{FEFF}Sum\u{2067}mary.".into()),
        ..parsed()
    });
    assert_eq!(n.title, "evil titlex");
    assert_eq!(n.company.as_deref(), Some("Acme"));
    assert_eq!(n.summary.as_deref(), Some("Summary."));
    let from_heading = normalize(ParsedCaseStudy {
        title: None,
        body_markdown: "# \u{202E}Scaling\u{202C} agents\n\nBody.".into(),
        ..parsed()
    });
    assert_eq!(from_heading.title, "Scaling agents");
}

#[test]
fn years_and_links_are_validated() {
    for (y, keep) in [
        (1989, false),
        (1990, true),
        (2100, true),
        (2101, false),
        (-5, false),
    ] {
        let n = normalize(ParsedCaseStudy {
            year: Some(y),
            ..parsed()
        });
        assert_eq!(n.year.is_some(), keep, "{y}");
    }
    for (l, keep) in [
        ("https://a.example/x", Some("https://a.example/x")),
        ("HTTP://a.example", Some("http://a.example")),
        ("javascript:alert(1)", None),
        ("ftp://a.example", None),
        ("https://", None),
        ("https:///path", None),
        ("https://a b.example", None),
        ("www.example.com", None),
        ("", None),
    ] {
        let n = normalize(ParsedCaseStudy {
            link: Some(l.into()),
            ..parsed()
        });
        assert_eq!(n.link.as_deref(), keep, "{l}");
    }
}

#[test]
fn long_titles_are_cut_at_a_word() {
    let long = "word ".repeat(200);
    let n = normalize(ParsedCaseStudy {
        title: Some(long),
        ..parsed()
    });
    assert!(
        n.title.chars().count() <= limits::MAX_TITLE_CHARS,
        "{}",
        n.title.len()
    );
    assert!(n.title.ends_with("word…"), "{}", n.title);
    let unbroken = "x".repeat(1000);
    let n = normalize(ParsedCaseStudy {
        title: Some(unbroken),
        ..parsed()
    });
    assert_eq!(n.title.chars().count(), limits::MAX_TITLE_CHARS);
}

#[test]
fn missing_title_comes_from_first_specific_heading() {
    let n = normalize(ParsedCaseStudy {
        title: None,
        body_markdown:
            "## Overview\n\nText.\n\n## Case Study Overview\n\n## Scaling Search at Acme\n\nMore."
                .into(),
        ..parsed()
    });
    assert_eq!(n.title, "Scaling Search at Acme");
    assert!(n.title_inferred);
}

#[test]
fn missing_title_falls_back_to_a_shortened_sentence() {
    let n = normalize(ParsedCaseStudy {
        title: Some("   ".into()),
        summary: Some("Acme Inc. deployed a retrieval system for its support agents across twelve countries in 2024. It worked.".into()),
        body_markdown: "## Overview\n\nBody.".into(),
        ..parsed()
    });
    assert!(n.title_inferred);
    assert_eq!(
        n.title,
        "Acme Inc. deployed a retrieval system for its support agents across twelve…"
    );

    let n = normalize(ParsedCaseStudy {
        title: None,
        summary: None,
        body_markdown: "# Introduction\n\nShort body sentence. Another one.".into(),
        ..parsed()
    });
    assert_eq!(n.title, "Short body sentence");

    let n = normalize(ParsedCaseStudy {
        title: None,
        summary: None,
        body_markdown: String::new(),
        company: None,
        ..parsed()
    });
    assert_eq!(n.title, UNTITLED);
    let n = normalize(ParsedCaseStudy {
        title: None,
        summary: None,
        body_markdown: String::new(),
        ..parsed()
    });
    assert_eq!(n.title, "Case study: Acme Corp");
}

#[test]
fn tags_are_inferred_only_without_source_tags() {
    let p = ParsedCaseStudy {
        title: Some("Fine-tuning Llama for customer support".into()),
        tags: vec![],
        summary: Some("We fine-tuned a model with LoRA to answer customer support tickets.".into()),
        ..parsed()
    };
    let n = normalize(p);
    assert!(n.tags.is_empty());
    assert!(
        n.inferred_tags.iter().any(|t| t == "fine-tuning"),
        "{:?}",
        n.inferred_tags
    );
    assert!(
        n.inferred_tags.iter().any(|t| t == "customer-support"),
        "{:?}",
        n.inferred_tags
    );
    // Only blank tags in the source: still "no tags".
    let n = normalize(ParsedCaseStudy {
        tags: vec!["  ".into(), "!!".into()],
        title: Some("RAG at scale".into()),
        ..parsed()
    });
    assert!(n.tags.is_empty());
    assert!(n.inferred_tags.iter().any(|t| t == "rag"));
}

#[test]
fn tags_are_capped() {
    let tags: Vec<String> = (0..(limits::MAX_TAGS + 50))
        .map(|i| format!("tag {i}"))
        .collect();
    let n = normalize(ParsedCaseStudy { tags, ..parsed() });
    assert_eq!(n.tags.len(), limits::MAX_TAGS);
    let mut sorted = n.tags.clone();
    sorted.sort();
    assert_eq!(n.tags, sorted);
}

#[test]
fn slugify_folds_and_limits() {
    assert_eq!(slugify("Hello, World!"), "hello-world");
    assert_eq!(slugify("Café Crème — Über"), "cafe-creme-uber");
    assert_eq!(slugify("  --  "), "");
    assert_eq!(slugify("Fiddler's LLMOps"), "fiddler-s-llmops");
    let long = slugify(&"segment ".repeat(30));
    assert!(
        long.len() <= MAX_SLUG_CHARS && !long.ends_with('-'),
        "{long}"
    );
    assert!(long.ends_with("segment"), "{long}");
    assert_eq!(slugify(&"x".repeat(200)).len(), MAX_SLUG_CHARS);
    // Exactly at the limit keeps the whole last word.
    let exact = format!("{} {}", "a".repeat(40), "b".repeat(39));
    assert_eq!(slugify(&exact).len(), 80);
    assert!(slugify("北京 case").contains("case"));
}

#[test]
fn deterministic_and_panic_free_on_odd_input() {
    let mut seed: u64 = 42;
    let alphabet: Vec<char> = "aZ 9.!?\n\t#-_&<>\"'é😀\u{0}\u{200B}\u{FEFF}*`[]()/:"
        .chars()
        .collect();
    let mut rand_string = |max: u64| {
        let mut s = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (seed >> 33) % max;
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(alphabet[((seed >> 33) % alphabet.len() as u64) as usize]);
        }
        s
    };
    for i in 0..500i32 {
        let p = ParsedCaseStudy {
            title: Some(rand_string(40)).filter(|s| !s.starts_with('a')),
            slug: Some(rand_string(30)),
            company: Some(rand_string(20)),
            industry: Some(rand_string(20)),
            year: Some(i * 7 - 500),
            link: Some(rand_string(30)),
            summary: Some(rand_string(200)),
            tags: (0..3).map(|_| rand_string(15)).collect(),
            body_markdown: rand_string(400),
        };
        let a = normalize(p.clone());
        let b = normalize(p);
        assert_eq!(a, b);
        assert!(!a.title.trim().is_empty());
        assert!(a.title.chars().count() <= limits::MAX_TITLE_CHARS);
        for t in a.tags.iter().chain(&a.inferred_tags) {
            assert!(
                !t.is_empty()
                    && t.bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'),
                "{t:?}"
            );
        }
        let s = rand_string(120);
        let _ = slugify(&s);
        let _ = taxonomy::canonical_tag(&s);
        let _ = taxonomy::canonical_industry(&s);
        let _ = taxonomy::infer_tags(&s, &s, &s);
    }
}

#[test]
fn a_full_stop_after_an_abbreviation_or_initial_does_not_end_a_sentence() {
    for before in ["Retrieval vs", "tools, e.g", "Acme Inc", "(etc", "J", "U.S"] {
        assert!(ends_with_abbreviation(before), "{before}");
    }
    for before in ["It was fast", "GPT-4", "", "costs fell 40%", "Version 2"] {
        assert!(!ends_with_abbreviation(before), "{before}");
    }
}
