//! Companies through the library: spellings and aliases merged into one company, its case
//! studies by year, and the company filter and facet using the merged company.

use casebook_core::{Error, Filters, Library, OpenOptions, SearchRequest};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

fn library(dir: &Path) -> Library {
    Library::open_with(
        dir,
        &OpenOptions {
            seed_new_library: false,
        },
    )
    .unwrap()
}

fn write(dir: &Path, name: &str, title: &str, company: &str, year: i32, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("---\ntitle: \"{title}\"\ncompany: \"{company}\"\nyear: {year}\n---\n{body}\n"),
    )
    .unwrap();
    path
}

fn import(lib: &Library, paths: &[PathBuf]) {
    let r = lib.import(paths, &|_| {}, &AtomicBool::new(false)).unwrap();
    assert!(r.failed.is_empty(), "{:?}", r.failed);
}

fn filtered(lib: &Library, company: &str) -> (u64, Vec<(String, u64)>) {
    let r = lib
        .search(&SearchRequest {
            filters: Filters {
                companies: vec![company.into()],
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
    let all = lib.search(&SearchRequest::default()).unwrap();
    (r.total, all.facets.company.into_iter().collect())
}

fn fixture(files: &Path) -> Vec<PathBuf> {
    vec![
        write(
            files,
            "a.md",
            "Dispatch with agents",
            "Doordash",
            2022,
            "Routing orders.",
        ),
        write(
            files,
            "b.md",
            "Support bot",
            "DoorDash",
            2024,
            "A support chatbot.",
        ),
        write(
            files,
            "c.md",
            "Sales planning",
            "AWS",
            2023,
            "Account plans for sellers.",
        ),
        write(
            files,
            "d.md",
            "Catalogue quality",
            "Amazon",
            2024,
            "Product listings.",
        ),
        write(
            files,
            "e.md",
            "Bedrock agents",
            "Amazon Web Services",
            2024,
            "Agents on Bedrock.",
        ),
        write(
            files,
            "f.md",
            "News curation",
            "LSEG",
            2025,
            "At London Stock Exchange Group (LSEG) analysts read news.",
        ),
        write(files, "g.md", "Pricing", "Loblaws", 2023, "Grocery prices."),
        write(
            files,
            "h.md",
            "Search",
            "Loblaw Digital",
            2024,
            "Site search.",
        ),
        write(
            files,
            "i.md",
            "Market data",
            "London Stock Exchange Group",
            2024,
            "Data feeds.",
        ),
    ]
}

#[test]
fn spellings_and_aliases_are_one_company_with_its_years() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let lib = library(dir.path());
    import(&lib, &fixture(files.path()));

    let companies = lib.companies().unwrap();
    // key | name | count | aliases | years
    let summary: Vec<String> = companies
        .iter()
        .map(|c| {
            format!(
                "{} | {} | {} | {} | {:?}-{:?}",
                c.key,
                c.name,
                c.count,
                c.aliases.join(", "),
                c.first_year,
                c.last_year
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "amazon | Amazon | 3 | Amazon Web Services, AWS | Some(2023)-Some(2024)",
            "doordash | DoorDash | 2 | Doordash | Some(2022)-Some(2024)",
            // Joined by f's text; the tie between spellings goes to the shorter.
            "lseg | LSEG | 2 | London Stock Exchange Group | Some(2024)-Some(2025)",
            "loblawdigital | Loblaw Digital | 1 |  | Some(2024)-Some(2024)",
            "loblaws | Loblaws | 1 |  | Some(2023)-Some(2023)",
        ]
    );
    assert_eq!(lib.stats().unwrap().companies, 5);

    // By key, name or any spelling; case studies newest year first.
    for name in ["amazon", "AWS", "amazon web services", "Amazon"] {
        let detail = lib.company(name).unwrap();
        assert_eq!(detail.key, "amazon");
        let years: Vec<(Option<i32>, Vec<&str>)> = detail
            .years
            .iter()
            .map(|y| {
                (
                    y.year,
                    y.case_studies.iter().map(|c| c.title.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            years,
            vec![
                (Some(2024), vec!["Bedrock agents", "Catalogue quality"]),
                (Some(2023), vec!["Sales planning"]),
            ]
        );
        assert!(detail.years[0]
            .case_studies
            .iter()
            .all(|c| c.company_key.as_deref() == Some("amazon")));
    }
    assert!(matches!(lib.company("Globex"), Err(Error::NotFound(_))));

    // The filter takes any spelling and keeps to the company; the facet is by company.
    let (n, facets) = filtered(&lib, "Amazon Web Services");
    assert_eq!(n, 3);
    assert_eq!(
        facets,
        vec![
            ("Amazon".to_string(), 3),
            ("DoorDash".to_string(), 2),
            ("LSEG".to_string(), 2),
            ("Loblaw Digital".to_string(), 1),
            ("Loblaws".to_string(), 1),
        ]
    );
    assert_eq!(filtered(&lib, "london stock exchange group").0, 2);
    assert_eq!(filtered(&lib, "Loblaws").0, 1);
    // `company:` in the query finds the display name too.
    let r = lib
        .search(&SearchRequest {
            query: "company:amazon".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 3);
}

#[test]
fn an_import_whose_text_joins_two_companies_regroups_them() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let lib = library(dir.path());
    import(
        &lib,
        &[
            write(
                files.path(),
                "a.md",
                "Careers",
                "UCLA",
                2023,
                "Student services.",
            ),
            write(
                files.path(),
                "b.md",
                "Research",
                "University of California Los Angeles",
                2024,
                "Papers.",
            ),
        ],
    );
    assert_eq!(lib.companies().unwrap().len(), 2);
    import(
        &lib,
        &[write(
            files.path(),
            "c.md",
            "Advising",
            "UCLA",
            2025,
            "The University of California, Los Angeles (UCLA) advises students.",
        )],
    );
    let companies = lib.companies().unwrap();
    assert_eq!(companies.len(), 1, "{companies:?}");
    assert_eq!(companies[0].name, "UCLA");
    assert_eq!(companies[0].count, 3);
    // The index follows: the first two were re-indexed with the merged company.
    assert_eq!(filtered(&lib, "UCLA").0, 3);
}

#[test]
fn a_library_grouped_by_older_rules_regroups_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let before = {
        let lib = library(dir.path());
        import(&lib, &fixture(files.path()));
        lib.companies().unwrap()
    };
    {
        // As a library from before companies: nothing grouped, rules version 0.
        let c = rusqlite::Connection::open(dir.path().join("casebook.sqlite3")).unwrap();
        c.execute_batch(
            "DELETE FROM case_study_companies; DELETE FROM company_aliases; DELETE FROM company_names;
             UPDATE meta SET value = 0 WHERE key = 'company_rules';",
        )
        .unwrap();
    }
    let lib = library(dir.path());
    assert_eq!(lib.companies().unwrap(), before);
    assert_eq!(filtered(&lib, "AWS").0, 3);
}

/// (name, count) of every company, as the companies view lists them.
fn names_and_counts(lib: &Library) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = lib
        .companies()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.count))
        .collect();
    v.sort();
    v
}

#[test]
fn re_imports_regroup_exactly_when_a_spelling_or_alias_changed() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let lib = library(dir.path());
    let mut paths = fixture(files.path());
    paths.push(write(
        files.path(),
        "j.md",
        "Careers",
        "UCLA",
        2023,
        "Student services.",
    ));
    paths.push(write(
        files.path(),
        "k.md",
        "Research",
        "University of California Los Angeles",
        2024,
        "Papers.",
    ));
    import(&lib, &paths);
    let grouped = names_and_counts(&lib);

    // A body edit that names no other company: the grouping stays, the word is found.
    write(
        files.path(),
        "a.md",
        "Dispatch with agents",
        "Doordash",
        2022,
        "Routing orders with zebrafinch heuristics.",
    );
    import(&lib, &paths[..1]);
    assert_eq!(names_and_counts(&lib), grouped);
    assert_eq!(
        lib.search(&SearchRequest {
            query: "zebrafinch".into(),
            ..Default::default()
        })
        .unwrap()
        .total,
        1
    );

    // Same spelling, a new alias in the text: UCLA and its expansion become one company.
    write(
        files.path(),
        "j.md",
        "Careers",
        "UCLA",
        2023,
        "The University of California, Los Angeles (UCLA) advises students.",
    );
    import(&lib, &paths[9..10]);
    let after_alias = names_and_counts(&lib);
    assert!(
        after_alias.contains(&("UCLA".to_string(), 2)) && after_alias.len() == grouped.len() - 1,
        "{after_alias:?}"
    );
    assert_eq!(filtered(&lib, "University of California Los Angeles").0, 2);

    // A new spelling: the case study moves to the company it now names.
    write(
        files.path(),
        "d.md",
        "Catalogue quality",
        "DoorDash",
        2024,
        "Product listings.",
    );
    import(&lib, &paths[3..4]);
    let moved = names_and_counts(&lib);
    assert!(moved.contains(&("Amazon".to_string(), 2)), "{moved:?}");
    assert!(moved.contains(&("DoorDash".to_string(), 3)), "{moved:?}");
    assert_eq!(filtered(&lib, "doordash").0, 3);
}

#[test]
fn a_regrouping_cut_short_by_a_crash_is_finished_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let expected = {
        let lib = library(dir.path());
        import(&lib, &fixture(files.path()));
        names_and_counts(&lib)
    };
    {
        // As if the process died after an import's commit and before it regrouped: every
        // case study in its own company, the mark left behind.
        let c = rusqlite::Connection::open(dir.path().join("casebook.sqlite3")).unwrap();
        c.execute_batch(
            "UPDATE case_study_companies SET company_key = 'k' || case_study_id,
                                             company_name = 'n' || case_study_id;
             INSERT INTO meta (key, value) VALUES ('companies_dirty', 1);",
        )
        .unwrap();
    }
    let lib = library(dir.path());
    assert_eq!(names_and_counts(&lib), expected);
}
