//! `casebook`: the command-line face of the Casebook library. Its `--json` output is a
//! contract other tools read; human output is for a terminal.

use anyhow::{Context, Result};
use casebook_core::taxonomy::TagGroup;
use casebook_core::{
    CaseStudy, CaseStudyDetail, FieldMatch, Filters, ImportReport, Library, OpenOptions, Page,
    SearchRequest, SearchResponse, Sort, TagMode, TrendDimension, TrendsRequest,
};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

// See the workspace Cargo.toml for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod organise;
mod stress;
mod watch;
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
    /// Every company (spellings and aliases merged) with its case-study count and years.
    Companies {
        #[arg(long)]
        json: bool,
    },
    /// One company's case studies by year, by key, name or any spelling or alias.
    Company {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// How tags (or industries) rise and fall per year among what a search finds: counts
    /// and share of each year's case studies.
    Trends(TrendsArgs),
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
    /// Watched folders: list, add, remove, and `run` (import what is saved there).
    #[command(subcommand)]
    Watch(watch::WatchCmd),
}

/// The filters `search`, `trends` and `saved-search save` take.
#[derive(clap::Args)]
struct FilterArgs {
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
}

impl FilterArgs {
    fn filters(&self, library: &Library) -> Result<Filters> {
        let (year_from, year_to) = match self.year {
            Some(y) => (Some(y), Some(y)),
            None => (self.from, self.to),
        };
        Ok(Filters {
            tags: self.tags.clone(),
            tag_mode: if self.any_tag {
                TagMode::Any
            } else {
                TagMode::All
            },
            industries: self.industry.clone(),
            companies: self.company.clone(),
            year_from,
            year_to,
            annotated_only: self.annotated,
            starred_only: self.starred,
            unread_only: self.unread,
            collection: match &self.collection {
                Some(c) => Some(library.collection(c)?.id),
                None => None,
            },
        })
    }
}

#[derive(clap::Args)]
struct SearchArgs {
    /// The query; may be empty to browse with filters.
    #[arg(default_value = "")]
    query: String,
    #[command(flatten)]
    filters: FilterArgs,
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
    #[arg(long, default_value_t = 20)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Run one query per line of FILE ('-' for stdin), printing one JSON line each.
    #[arg(long, value_name = "FILE")]
    queries: Option<String>,
    /// Say under each hit which of the query's words matched in which field.
    #[arg(long)]
    explain: bool,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct TrendsArgs {
    /// The query; may be empty to count everything the filters let through.
    #[arg(default_value = "")]
    query: String,
    #[command(flatten)]
    filters: FilterArgs,
    /// What to count per year.
    #[arg(long, value_enum, default_value_t = DimensionArg::Tags)]
    dimension: DimensionArg,
    /// The tags (or industries) to plot, comma-separated (default: the most frequent).
    #[arg(long, value_delimiter = ',')]
    series: Vec<String>,
    /// Pick the most frequent tags from one taxonomy group only.
    #[arg(long, value_enum)]
    group: Option<GroupArg>,
    /// How many series to pick when --series is not given (at most 20).
    #[arg(long, default_value_t = 6)]
    top: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum DimensionArg {
    Tags,
    Industries,
}

#[derive(Clone, Copy, ValueEnum)]
enum GroupArg {
    UseCase,
    Technique,
    Tool,
    Provider,
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
    let code = execute(&library, cli.command)?;
    // The index may still be merging segments after the last writes; exiting at once would
    // drop those merges and leave their half-written files for the next writer.
    library
        .close()
        .context("could not finish the search index's merges")?;
    Ok(code)
}

fn execute(library: &Library, command: Command) -> Result<ExitCode> {
    match command {
        Command::Import {
            paths,
            json,
            progress_lines,
        } => {
            let report = import(library, &paths, json, progress_lines)?;
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
        Command::Search(args) => search(library, &args)?,
        Command::Companies { json } => {
            let all = library.companies()?;
            if json {
                print_json(&all)?;
            } else {
                for c in &all {
                    let years = match (c.first_year, c.last_year) {
                        (Some(a), Some(b)) if a == b => format!("  {a}"),
                        (Some(a), Some(b)) => format!("  {a}–{b}"),
                        _ => String::new(),
                    };
                    let aliases = if c.aliases.is_empty() {
                        String::new()
                    } else {
                        format!("  (also {})", c.aliases.join(", "))
                    };
                    println!("{:>5}  {}{years}{aliases}  [{}]", c.count, c.name, c.key);
                }
                println!("{} companies", all.len());
            }
        }
        Command::Company { name, json } => {
            let c = library.company(&name)?;
            if json {
                print_json(&c)?;
            } else {
                println!("{}  [{}]", c.name, c.key);
                if !c.aliases.is_empty() {
                    println!("also written: {}", c.aliases.join(", "));
                }
                for y in &c.years {
                    match y.year {
                        Some(year) => println!("\n{year}"),
                        None => println!("\nno year"),
                    }
                    for cs in &y.case_studies {
                        println!("{:>6}  {}", cs.id, cs.title);
                    }
                }
                let noun = if c.count == 1 {
                    "case study"
                } else {
                    "case studies"
                };
                println!("\n{} {noun}", c.count);
            }
        }
        Command::Trends(args) => trends(library, &args)?,
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
        Command::StressWrites { seed, count } => stress::write_loop(library, seed, count)?,
        Command::Reindex => {
            let n = library.reindex()?;
            println!("reindexed {n} case studies");
        }
        Command::Highlight(cmd) => organise::highlight(library, cmd)?,
        Command::Note(cmd) => organise::note(library, cmd)?,
        Command::Tag(cmd) => organise::tag(library, cmd)?,
        Command::Collection(cmd) => organise::collection(library, cmd)?,
        Command::SavedSearch(cmd) => organise::saved_search(library, cmd)?,
        Command::Star { key, json } => organise::flag(library, &key, "starred", true, json)?,
        Command::Unstar { key, json } => organise::flag(library, &key, "starred", false, json)?,
        Command::Read { key, json } => organise::flag(library, &key, "read", true, json)?,
        Command::Unread { key, json } => organise::flag(library, &key, "read", false, json)?,
        Command::Trash { keys, json } => organise::trash(library, &keys, json)?,
        Command::Restore { what, json } => organise::restore(library, &what, json)?,
        Command::EmptyTrash { json } => organise::empty_trash(library, json)?,
        Command::TrashList { json } => organise::trash_list(library, json)?,
        Command::Export(args) => organise::export(library, args)?,
        Command::Backup { dest, json } => organise::backup(library, dest, json)?,
        Command::Watch(cmd) => watch::watch(library, cmd)?,
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
    Ok(SearchRequest {
        query: query.to_string(),
        filters: args.filters.filters(library)?,
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

fn trends(library: &Library, args: &TrendsArgs) -> Result<()> {
    let t = library.trends(&TrendsRequest {
        query: args.query.clone(),
        filters: args.filters.filters(library)?,
        dimension: match args.dimension {
            DimensionArg::Tags => TrendDimension::Tags,
            DimensionArg::Industries => TrendDimension::Industries,
        },
        tag_group: args.group.map(|g| match g {
            GroupArg::UseCase => TagGroup::UseCase,
            GroupArg::Technique => TagGroup::Technique,
            GroupArg::Tool => TagGroup::Tool,
            GroupArg::Provider => TagGroup::Provider,
        }),
        series: (!args.series.is_empty()).then(|| args.series.clone()),
        top_n: args.top,
    })?;
    if args.json {
        return print_json(&t);
    }
    if let Some(q) = &t.corrected_query {
        println!("No exact matches; counting results for: {q}\n");
    }
    // A table: one row per year, one column per series (count and share).
    let width = t
        .series
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(10, 24);
    print!("{:<6}{:>7}", "year", "total");
    for s in &t.series {
        let label: String = s.label.chars().take(width).collect();
        print!("  {label:>width$}");
    }
    println!();
    for (i, y) in t.years.iter().enumerate() {
        let total = t.totals_per_year.get(i).copied().unwrap_or(0);
        print!("{y:<6}{total:>7}");
        for s in &t.series {
            let n = s.counts.get(i).copied().unwrap_or(0);
            let share = s.share.get(i).copied().unwrap_or(0.0) * 100.0;
            let cell = format!("{n} ({share:.0}%)");
            print!("  {cell:>width$}");
        }
        println!();
    }
    let noun = if t.total == 1 {
        "case study"
    } else {
        "case studies"
    };
    println!("{} {noun}, {} without a year", t.total, t.undated);
    Ok(())
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
        print_hits(&response, args.explain);
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

/// `title (agents), body (rag, "vector search")`: where each of the query's words matched.
fn explain_line(matched: &[FieldMatch]) -> String {
    matched
        .iter()
        .map(|m| {
            let terms: Vec<String> = m
                .terms
                .iter()
                .map(|t| {
                    if t.contains(char::is_whitespace) {
                        format!("\"{t}\"")
                    } else {
                        t.clone()
                    }
                })
                .collect();
            format!("{} ({})", m.field.as_str(), terms.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_hits(r: &SearchResponse, explain: bool) {
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
        if explain && !hit.matched.is_empty() {
            println!("        matched in: {}", explain_line(&hit.matched));
        }
        println!();
    }
    let noun = if r.total == 1 { "result" } else { "results" };
    println!("{} {noun} ({:.1} ms)", r.total, r.took_ms);
}
