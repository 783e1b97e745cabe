//! `casebook`: the command-line face of the Casebook library. Its `--json` output is a
//! contract other tools read; human output is for a terminal.

use anyhow::{Context, Result};
use casebook_core::{
    CaseStudy, CaseStudyDetail, Filters, ImportReport, Library, OpenOptions, Page, SearchRequest,
    SearchResponse, Sort, TagMode,
};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

mod organise;
mod stress;
use organise::{CollectionCmd, ExportArgs, HighlightCmd, NoteCmd, SavedSearchCmd, TagCmd};

#[derive(Parser)]
#[command(
    name = "casebook",
    version,
    about = "A local knowledge base of case studies"
)]
struct Cli {
    /// The library folder (default: $CASEBOOK_LIBRARY, else the per-user data folder).
    #[arg(long, global = true, env = "CASEBOOK_LIBRARY")]
    library: Option<PathBuf>,
    /// Do not add the seed case studies when creating a new library.
    #[arg(long, global = true)]
    no_seed: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import files, folders (recursively) and .zip archives.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
        /// After each batch is committed, print `{"done": N, "current": PATH}` on a line of
        /// its own: the first N files scanned are stored (the crash tests read it).
        #[arg(long, hide = true)]
        progress_lines: bool,
    },
    /// Verify the library (database, rows, search index against the database) and, with
    /// --repair, fix what can be fixed. Exit status 6 when problems remain.
    Check {
        #[arg(long)]
        repair: bool,
        #[arg(long)]
        json: bool,
    },
    /// Annotation writes in a loop (highlights, notes, user tags on random case studies),
    /// printing one JSON line after each is committed, until COUNT writes or killed. For
    /// the crash tests.
    #[command(hide = true)]
    StressWrites {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = u64::MAX)]
        count: u64,
    },
    /// List every case study.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one case study, by id or slug.
    Show {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// The case studies most like one, with the tags they share.
    Related {
        key: String,
        #[arg(long, default_value_t = 6)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Search (query syntax: "phrase", -exclude, a OR b, prefix*, title:, company:, tag:,
    /// industry:, year:2024, year:2023..2025).
    Search(SearchArgs),
    /// Rebuild the search index from the database.
    Reindex,
    /// Library-wide numbers.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Highlights: add (by quote), list, remove.
    #[command(subcommand)]
    Highlight(HighlightCmd),
    /// A case study's Markdown note: set, show.
    #[command(subcommand)]
    Note(NoteCmd),
    /// User tags: add, remove, rename, merge; accept or dismiss inferred tags.
    #[command(subcommand)]
    Tag(TagCmd),
    /// Collections: create, rename, delete, add, remove, list, show.
    #[command(subcommand)]
    Collection(CollectionCmd),
    /// Saved searches (smart collections): save, list (with live counts), delete.
    #[command(subcommand, name = "saved-search")]
    SavedSearch(SavedSearchCmd),
    /// Star a case study.
    Star {
        key: String,
        #[arg(long)]
        json: bool,
    },
    Unstar {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark a case study read.
    Read {
        key: String,
        #[arg(long)]
        json: bool,
    },
    Unread {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// Move case studies to the trash (hidden, kept with their annotations).
    Trash {
        #[arg(required = true)]
        keys: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Restore case studies from the trash, or (given a backup file) the whole library.
    Restore {
        #[arg(required = true)]
        what: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete the trashed case studies for good.
    EmptyTrash {
        #[arg(long)]
        json: bool,
    },
    /// The case studies in the trash.
    TrashList {
        #[arg(long)]
        json: bool,
    },
    /// Export case studies (or a collection) as Markdown files or one JSON file.
    Export(ExportArgs),
    /// Back the database up to DEST (a file or folder), or into the library's backups/
    /// folder (the 10 newest kept).
    Backup {
        dest: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct SearchArgs {
    /// The query; may be empty to browse with filters.
    #[arg(default_value = "")]
    query: String,
    /// Only case studies with this tag (repeatable; all of them unless --any-tag).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Case studies with any of the --tag tags.
    #[arg(long)]
    any_tag: bool,
    #[arg(long)]
    industry: Vec<String>,
    #[arg(long)]
    company: Vec<String>,
    /// Only this year.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    year: Option<i32>,
    #[arg(long)]
    from: Option<i32>,
    #[arg(long)]
    to: Option<i32>,
    /// Only case studies with highlights, a note or user tags.
    #[arg(long)]
    annotated: bool,
    #[arg(long)]
    starred: bool,
    #[arg(long)]
    unread: bool,
    /// Only case studies in this collection (name or id).
    #[arg(long)]
    collection: Option<String>,
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
    #[arg(long, default_value_t = 20)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Run one query per line of FILE ('-' for stdin), printing one JSON line each.
    #[arg(long, value_name = "FILE")]
    queries: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    Relevance,
    Newest,
    Title,
    RecentlyOpened,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CASEBOOK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("casebook: {e:#}");
            // 3: no such thing; 4: ambiguous (e.g. a quote found several times); 5: the
            // library is in use by another process; 1: the rest.
            match e.downcast_ref::<casebook_core::Error>() {
                Some(casebook_core::Error::NotFound(_)) => ExitCode::from(3),
                Some(casebook_core::Error::Ambiguous { .. }) => ExitCode::from(4),
                Some(casebook_core::Error::InUse(_)) => ExitCode::from(5),
                _ => ExitCode::from(1),
            }
        }
    }
}

fn open(cli: &Cli) -> Result<Library> {
    let dir = match &cli.library {
        Some(d) => d.clone(),
        None => casebook_core::default_library_dir()
            .context("no library folder: pass --library DIR or set CASEBOOK_LIBRARY")?,
    };
    let options = OpenOptions {
        seed_new_library: !cli.no_seed,
    };
    let library = Library::open_with(&dir, &options)
        .with_context(|| format!("cannot open the library at {}", dir.display()))?;
    if let Some(notice) = library.index_notice() {
        eprintln!("casebook: {notice}");
    }
    Ok(library)
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode> {
    let library = open(&cli)?;
    match cli.command {
        Command::Import {
            paths,
            json,
            progress_lines,
        } => {
            let report = import(&library, &paths, json, progress_lines)?;
            if json {
                print_json(&report)?;
            } else {
                print_report(&report);
            }
            return Ok(if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            });
        }
        Command::List { json } => {
            let all = library.list()?;
            if json {
                print_json(&all)?;
            } else {
                for cs in &all {
                    println!("{:>6}  {}", cs.id, describe(cs));
                }
                println!("{} case studies", all.len());
            }
        }
        Command::Related { key, limit, json } => {
            let id = library.resolve_id(&key)?;
            let related = library.related(id, limit)?;
            if json {
                print_json(&related)?;
            } else {
                for r in &related {
                    let why = if r.shared_tags.is_empty() {
                        "similar wording".to_string()
                    } else {
                        r.shared_tags
                            .iter()
                            .map(|t| casebook_core::taxonomy::tag_name(t))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    println!("{:.2}  {}  ({why})", r.score, r.title);
                }
            }
        }
        Command::Show { key, json } => {
            let cs = library.get(&key)?;
            if json {
                print_json(&cs)?;
            } else {
                print_detail(&cs);
            }
        }
        Command::Search(args) => search(&library, &args)?,
        Command::Check { repair, json } => {
            let report = library.check(repair)?;
            if json {
                print_json(&report)?;
            } else {
                print_check(&report);
            }
            return Ok(if report.remaining == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(6)
            });
        }
        Command::StressWrites { seed, count } => stress::write_loop(&library, seed, count)?,
        Command::Reindex => {
            let n = library.reindex()?;
            println!("reindexed {n} case studies");
        }
        Command::Highlight(cmd) => organise::highlight(&library, cmd)?,
        Command::Note(cmd) => organise::note(&library, cmd)?,
        Command::Tag(cmd) => organise::tag(&library, cmd)?,
        Command::Collection(cmd) => organise::collection(&library, cmd)?,
        Command::SavedSearch(cmd) => organise::saved_search(&library, cmd)?,
        Command::Star { key, json } => organise::flag(&library, &key, "starred", true, json)?,
        Command::Unstar { key, json } => organise::flag(&library, &key, "starred", false, json)?,
        Command::Read { key, json } => organise::flag(&library, &key, "read", true, json)?,
        Command::Unread { key, json } => organise::flag(&library, &key, "read", false, json)?,
        Command::Trash { keys, json } => organise::trash(&library, &keys, json)?,
        Command::Restore { what, json } => organise::restore(&library, &what, json)?,
        Command::EmptyTrash { json } => organise::empty_trash(&library, json)?,
        Command::TrashList { json } => organise::trash_list(&library, json)?,
        Command::Export(args) => organise::export(&library, args)?,
        Command::Backup { dest, json } => organise::backup(&library, dest, json)?,
        Command::Stats { json } => {
            let stats = library.stats()?;
            if json {
                print_json(&stats)?;
            } else {
                println!("library       {}", library.root().display());
                println!("case studies  {}", stats.case_studies);
                println!("sources       {}", stats.sources);
                println!("companies     {}", stats.companies);
                println!("tags          {}", stats.tags);
                if let (Some(a), Some(b)) = (stats.year_min, stats.year_max) {
                    println!("years         {a}–{b}");
                }
                println!("indexed       {}", stats.indexed);
                println!("on disk       {:.1} MB", stats.disk_bytes as f64 / 1e6);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_check(r: &casebook_core::CheckReport) {
    if let Some(notice) = &r.opened_with {
        println!("on opening: {notice}");
    }
    for p in &r.problems {
        let state = if p.fixed { "fixed" } else { "PROBLEM" };
        println!("{state}: {}", p.found);
        if let Some(a) = &p.action {
            println!("  done: {a}");
        }
    }
    println!(
        "{} case studies, {} indexed, generation {} (index {}), {} queued",
        r.case_studies, r.indexed, r.database_generation, r.index_generation, r.queued
    );
    match (r.problems.len(), r.remaining) {
        (0, _) => println!("the library is consistent"),
        (n, 0) => println!("{n} problems found, all fixed"),
        (_, m) if r.repair => println!("{m} problems remain"),
        (_, m) => println!("{m} problems: run `casebook check --repair` to fix what can be"),
    }
}

fn import(
    library: &Library,
    paths: &[PathBuf],
    json: bool,
    progress_lines: bool,
) -> Result<ImportReport> {
    let bar = if std::io::stderr().is_terminal() && !json {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let progress = |p: &casebook_core::ImportProgress| {
        if progress_lines {
            // Best effort: a closed stdout must not stop the import.
            let line = serde_json::json!({"done": p.done, "current": p.current});
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
        if let Some(bar) = &bar {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
        }
    };
    let report = library
        .import(paths, &progress, &AtomicBool::new(false))
        .context("import failed")?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(report)
}

fn print_report(r: &ImportReport) {
    println!(
        "{} added, {} updated, {} merged, {} unchanged, {} failed",
        r.added,
        r.updated,
        r.merged,
        r.unchanged,
        r.failed.len()
    );
    for f in &r.failed {
        println!("  failed: {}: {}", f.path, f.error);
    }
}

fn describe(cs: &CaseStudy) -> String {
    let mut parts = vec![cs.title.clone()];
    let mut meta = Vec::new();
    if let Some(c) = &cs.company {
        meta.push(c.clone());
    }
    if let Some(y) = cs.year {
        meta.push(y.to_string());
    }
    if let Some(i) = &cs.industry {
        meta.push(i.clone());
    }
    if !meta.is_empty() {
        parts.push(format!("({})", meta.join(", ")));
    }
    parts.join(" ")
}

fn print_detail(d: &CaseStudyDetail) {
    let cs = &d.case_study;
    println!("{}", cs.title);
    println!("{}", "=".repeat(cs.title.chars().count().min(80)));
    let field = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            println!("{name:<10} {v}");
        }
    };
    field("id", Some(cs.id.to_string()));
    field("slug", Some(cs.slug.clone()));
    field("company", cs.company.clone());
    field("year", cs.year.map(|y| y.to_string()));
    field("industry", cs.industry.clone());
    field("link", cs.link.clone());
    field("tags", (!cs.tags.is_empty()).then(|| cs.tags.join(", ")));
    field(
        "inferred",
        (!cs.inferred_tags.is_empty()).then(|| cs.inferred_tags.join(", ")),
    );
    field(
        "user tags",
        (!cs.user_tags.is_empty()).then(|| cs.user_tags.join(", ")),
    );
    field("starred", cs.starred.then(|| "yes".to_string()));
    for s in &cs.sources {
        field(
            "source",
            Some(format!("{} ({})", s.path, s.format.as_str())),
        );
    }
    if let Some(s) = &cs.summary {
        println!("\n{s}");
    }
    println!("\n{}", d.body_text);
}

fn request(library: &Library, args: &SearchArgs, query: &str) -> Result<SearchRequest> {
    let (year_from, year_to) = match args.year {
        Some(y) => (Some(y), Some(y)),
        None => (args.from, args.to),
    };
    Ok(SearchRequest {
        query: query.to_string(),
        filters: Filters {
            tags: args.tags.clone(),
            tag_mode: if args.any_tag {
                TagMode::Any
            } else {
                TagMode::All
            },
            industries: args.industry.clone(),
            companies: args.company.clone(),
            year_from,
            year_to,
            annotated_only: args.annotated,
            starred_only: args.starred,
            unread_only: args.unread,
            collection: match &args.collection {
                Some(c) => Some(library.collection(c)?.id),
                None => None,
            },
        },
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
            SortArg::Title => Sort::Title,
            SortArg::RecentlyOpened => Sort::RecentlyOpened,
        },
        page: Page {
            offset: args.offset,
            limit: args.limit,
        },
    })
}

fn search(library: &Library, args: &SearchArgs) -> Result<()> {
    if let Some(source) = &args.queries {
        let reader: Box<dyn BufRead> = if source == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            let file =
                std::fs::File::open(source).with_context(|| format!("cannot read {source}"))?;
            Box::new(std::io::BufReader::new(file))
        };
        for line in reader.lines() {
            let line = line.context("cannot read the queries")?;
            print_json(&library.search(&request(library, args, &line)?)?)?;
        }
        return Ok(());
    }
    let response = library.search(&request(library, args, &args.query)?)?;
    if args.json {
        print_json(&response)
    } else {
        print_hits(&response);
        Ok(())
    }
}

/// Snippets are HTML (`<mark>` around hits, text escaped): show them as terminal text.
fn snippet_for_terminal(html: &str, color: bool) -> String {
    let (on, off) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    html.replace("<mark>", on)
        .replace("</mark>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn print_hits(r: &SearchResponse) {
    let color = std::io::stdout().is_terminal();
    if let Some(q) = &r.corrected_query {
        println!("No exact matches; showing results for: {q}\n");
    }
    for hit in &r.hits {
        let mut meta = Vec::new();
        if let Some(c) = &hit.company {
            meta.push(c.clone());
        }
        if let Some(y) = hit.year {
            meta.push(y.to_string());
        }
        if let Some(i) = &hit.industry {
            meta.push(i.clone());
        }
        println!("{:>6}  {}", hit.id, hit.title);
        if !meta.is_empty() {
            println!("        {}", meta.join(" · "));
        }
        let snippet = snippet_for_terminal(&hit.snippet, color);
        if !snippet.trim().is_empty() {
            println!("        {}", snippet.replace('\n', " "));
        }
        println!();
    }
    let noun = if r.total == 1 { "result" } else { "results" };
    println!("{} {noun} ({:.1} ms)", r.total, r.took_ms);
}
