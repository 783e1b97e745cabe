use super::*;

fn ids_grouped(names: &[&str], evidence: &[(i64, &str)]) -> Vec<(String, String)> {
    let companies: Vec<(i64, String)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (i as i64, n.to_string()))
        .collect();
    let evidence: Vec<(i64, String)> = evidence.iter().map(|(i, a)| (*i, a.to_string())).collect();
    let g = group(&companies, &evidence);
    (0..names.len() as i64)
        .map(|i| (g[&i].key.clone(), g[&i].name.clone()))
        .collect()
}

#[test]
fn normalising_folds_spelling_suffixes_and_domains() {
    for (a, b) in [
        ("DoorDash", "Doordash"),
        ("Fuzzy Labs", "FuzzyLabs"),
        ("Delivery Hero", "DeliveryHero"),
        ("Booking.com", "Booking"),
        ("Monday.com", "monday"),
        ("Exa.ai", "Exa"),
        ("Dust.tt", "Dust"),
        ("Perplexity AI", "Perplexity"),
        ("Acme, Inc.", "ACME"),
        ("Acme Corp", "acme corporation"),
        ("Globex GmbH", "Globex"),
        ("Initech Ltd", "Initech LLC"),
        ("The Browser Company", "Browser Company"),
        ("Yahoo!", "yahoo"),
        ("Moody’s", "Moodys"),
        ("Condé Nast", "Conde Nast"),
        ("https://www.stripe.com", "Stripe"),
        ("Amazon (Alexa)", "Amazon"),
    ] {
        assert_eq!(normalize(a), normalize(b), "{a} / {b}");
    }
    for (a, b) in [
        ("Loblaws", "Loblaw Digital"),
        ("Circle", "CircleCI"),
        ("Thomson Reuters", "Reuters"),
        ("Komodo", "Komodo Health"),
        ("Bloomberg", "Bloomberg Media"),
        ("App.build", "App"),
    ] {
        assert_ne!(normalize(a), normalize(b), "{a} / {b}");
    }
    // A suffix alone is a name, not nothing.
    assert_eq!(normalize("AI"), "ai");
    assert_eq!(normalize("Corp."), "corp");
    assert_eq!(normalize("(((").as_str(), "");
}

#[test]
fn built_in_table_and_parent_units() {
    for name in [
        "AWS",
        "Amazon Web Services",
        "Amazon",
        "amazon.com",
        "AWS Sales",
        "AWS (Alexa)",
        "Amazon Logistics",
        "Amazon Web Services Japan",
    ] {
        assert_eq!(key(name), "amazon", "{name}");
    }
    for name in ["Google Cloud", "Google Deepmind", "Alphabet", "Google"] {
        assert_eq!(key(name), "google", "{name}");
    }
    assert_eq!(key("Facebook"), "meta");
    assert_eq!(key("Square"), "block");
    assert_eq!(key("Block (Square)"), "block");
    assert_eq!(key("Codeium"), "windsurf");
    assert_eq!(key("British Telecom"), "bt");
    assert_eq!(key("Commonwealth Bank of Australia"), "commbank");
    // Only the listed parents have units; several companies are never a unit.
    assert_eq!(key("Square Enix"), "squareenix");
    assert_eq!(key("Block Party"), "blockparty");
    assert_eq!(key("Meta / Ray Ban"), "metarayban");
    assert_eq!(key("Microsoft / GitHub"), "microsoftgithub");
    assert_eq!(key("Uber, Microsoft"), "ubermicrosoft");
    assert!(
        is_multi("Harvey / Lance") && is_multi("Payfit, Alan") && is_multi("MediaRadar | Vivvix")
    );
    assert!(!is_multi("Various (Alation, GrottoAI, Nvidia, OLX)") && !is_multi("Google, "));
}

#[test]
fn acronyms_in_the_text_are_aliases_of_the_company() {
    let text = "At London Stock Exchange Group (LSEG), analysts review news.";
    assert_eq!(
        text_aliases("LSEG", &[text]),
        vec!["London Stock Exchange Group"]
    );
    assert_eq!(
        text_aliases("London Stock Exchange Group", &[text]),
        vec!["LSEG"]
    );
    // Small words may be skipped or counted; an all-capitals word counts whole.
    assert_eq!(
        text_aliases(
            "UCLA",
            &["the University of California, Los Angeles (UCLA) said"]
        ),
        vec!["University of California Los Angeles"]
    );
    assert_eq!(
        text_aliases(
            "Facebook AI Research",
            &["Facebook AI Research (FAIR) built it"]
        ),
        vec!["FAIR"]
    );
    // `ACR (Full Name)` too.
    assert_eq!(
        text_aliases(
            "AWS",
            &["We run on AWS (Amazon Web Services) in two regions."]
        ),
        vec!["Amazon Web Services"]
    );
    // The company field's own parenthesis.
    assert_eq!(text_aliases("Bank CenterCredit (BCC)", &[]), vec!["BCC"]);
    // An acronym of another organisation says nothing about this company.
    assert!(text_aliases(
        "Acme",
        &["Acme uses Amazon Web Services (AWS) and the NHS (National Health Service)."]
    )
    .is_empty());
    // Initials that do not match are not an acronym.
    assert!(text_aliases("Acme Robotics", &["Acme Robotics (ACR) grew."]).is_empty());
    assert!(text_aliases("Harvey / Lance", &["Harvey / Lance (HL)"]).is_empty());
}

#[test]
fn former_names_in_the_text_are_aliases() {
    assert_eq!(
        text_aliases("Block", &["Block (formerly Square) ships agents."]),
        vec!["Square"]
    );
    assert_eq!(
        text_aliases("Windsurf", &["Windsurf, formerly Codeium, builds an IDE."]),
        vec!["Codeium"]
    );
    assert_eq!(
        text_aliases(
            "Acme",
            &["Acme (previously known as Acme Widgets, Inc.) sells."]
        ),
        vec!["Acme Widgets"]
    );
    // Someone else's former name is not this company's.
    assert!(text_aliases("Acme", &["Globex (formerly Hooli) competes with Acme."]).is_empty());
    assert!(text_aliases("Acme", &["Acme, formerly a startup, grew."]).is_empty());
}

#[test]
fn grouping_merges_spellings_table_and_evidence() {
    let g = ids_grouped(
        &[
            "Doordash",
            "Doordash",
            "DoorDash", // 0-2: spellings; the capitals win
            "AWS",
            "Amazon Web Services",
            "Amazon", // 3-5: built in
            "LSEG",
            "London Stock Exchange Group", // 6-7: joined by 6's text
            "Loblaws",
            "Loblaw Digital", // 8-9: stay apart
            "Harvey / Lance",
            "Harvey", // 10-11: several companies stay apart
        ],
        &[(6, "London Stock Exchange Group"), (10, "Harvey")],
    );
    let k = |i: usize| g[i].0.as_str();
    assert_eq!(g[0], ("doordash".into(), "DoorDash".into()));
    assert_eq!(k(0), k(2));
    assert!(g[3..=5]
        .iter()
        .all(|x| x == &("amazon".to_string(), "Amazon".to_string())));
    assert_eq!(k(6), k(7));
    assert_eq!(g[6].1, "LSEG", "ties go to the shorter spelling");
    assert_ne!(k(8), k(9));
    assert_ne!(k(10), k(11));
}

#[test]
fn evidence_never_joins_two_built_in_companies() {
    let g = ids_grouped(
        &["Google", "Facebook", "Acme"],
        &[(0, "Facebook"), (2, "Facebook")],
    );
    assert_eq!(g[0].0, "google");
    assert_eq!(g[1].0, "meta");
    // A company the table does not know may join a built-in one through its text.
    assert_eq!(g[2].0, "meta");
}
