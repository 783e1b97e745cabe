//! Commands that annotate and organise: highlights, notes, tags, collections, saved searches,
//! reading state, the trash, export, backup and restore.

use crate::{print_json, request, SearchArgs};
use anyhow::{bail, Context, Result};
use casebook_core::{CaseStudyId, HighlightColor, HighlightInput, Library};
use clap::{Subcommand, ValueEnum};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// Rolling backups kept by `casebook backup` without a destination.
const KEEP_BACKUPS: usize = 10;

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Yellow,
    Green,
    Blue,
    Pink,
    Purple,
}

impl From<ColorArg> for HighlightColor {
    fn from(c: ColorArg) -> Self {
        match c {
            ColorArg::Yellow => HighlightColor::Yellow,
            ColorArg::Green => HighlightColor::Green,
            ColorArg::Blue => HighlightColor::Blue,
            ColorArg::Pink => HighlightColor::Pink,
            ColorArg::Purple => HighlightColor::Purple,
        }
    }
}

#[derive(Subcommand)]
pub enum HighlightCmd {
    /// Highlight a quote of a case study's text (it must occur once, or name --occurrence).
    Add {
        key: String,
        #[arg(long)]
        quote: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, value_enum, default_value_t = ColorArg::Yellow)]
        color: ColorArg,
        /// Which occurrence of the quote (1-based) when it occurs several times.
        #[arg(long)]
        occurrence: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// A case study's highlights (reading order, orphans last) and note.
    List {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a highlight by its id.
    Remove {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum NoteCmd {
    /// Set a case study's note (Markdown; empty removes it).
    Set {
        key: String,
        text: String,
        #[arg(long)]
        json: bool,
    },
    Show {
        key: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum TagCmd {
    /// List the user's tags with their counts, most used first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a user tag: `tag add ID... TAG`.
    Add {
        #[arg(required = true, num_args = 2..)]
        args: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Remove a user tag: `tag remove ID... TAG`.
    Remove {
        #[arg(required = true, num_args = 2..)]
        args: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Rename a user tag across the library.
    Rename {
        old: String,
        new: String,
        #[arg(long)]
        json: bool,
    },
    /// Merge user tags into one: `tag merge FROM... INTO`.
    Merge {
        #[arg(required = true, num_args = 2..)]
        args: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Accept an inferred tag (it becomes a user tag).
    Accept {
        key: String,
        tag: String,
        #[arg(long)]
        json: bool,
    },
    /// Dismiss an inferred tag (a re-import will not bring it back).
    Dismiss {
        key: String,
        tag: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum CollectionCmd {
    Create {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Rename a collection (by id or name).
    Rename {
        collection: String,
        name: String,
        #[arg(long)]
        json: bool,
    },
    Delete {
        collection: String,
        #[arg(long)]
        json: bool,
    },
    /// Add case studies: `collection add NAME ID...`.
    Add {
        collection: String,
        #[arg(required = true)]
        keys: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    Remove {
        collection: String,
        #[arg(required = true)]
        keys: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    /// The case studies of a collection.
    Show {
        collection: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum SavedSearchCmd {
    /// Save a search under a name (same query and filters as `casebook search`).
    Save {
        name: String,
        #[command(flatten)]
        search: SearchArgs,
    },
    /// Saved searches with their current counts.
    List {
        #[arg(long)]
        json: bool,
    },
    Delete {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Case studies to export (ids or slugs; repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', required_unless_present = "collection")]
    ids: Vec<String>,
    /// Export a collection (by id or name).
    #[arg(long, conflicts_with = "ids")]
    collection: Option<String>,
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// A folder for Markdown, a file for JSON.
    #[arg(long)]
    out: PathBuf,
    #[arg(long)]
    json: bool,
}

fn ids(library: &Library, keys: &[String]) -> Result<Vec<CaseStudyId>> {
    keys.iter()
        .map(|k| library.resolve_id(k).map_err(anyhow::Error::from))
        .collect()
}

/// `ID... TAG` or `FROM... INTO`: all but the last, and the last.
fn split_last(args: &[String]) -> Result<(&[String], &String)> {
    match args.split_last() {
        Some((last, rest)) if !rest.is_empty() => Ok((rest, last)),
        _ => bail!("expected at least two arguments"),
    }
}

fn done(json: bool, value: serde_json::Value, text: impl FnOnce() -> String) -> Result<()> {
    if json {
        print_json(&value)
    } else {
        println!("{}", text());
        Ok(())
    }
}

pub fn highlight(library: &Library, cmd: HighlightCmd) -> Result<()> {
    match cmd {
        HighlightCmd::Add {
            key,
            quote,
            note,
            color,
            occurrence,
            json,
        } => {
            let id = library.resolve_id(&key)?;
            let (start, end) = library.find_quote(id, &quote, occurrence)?;
            let h = library.add_highlight(
                id,
                &HighlightInput {
                    start,
                    end,
                    quote: Some(quote),
                    color: color.into(),
                    note,
                },
            )?;
            if json {
                print_json(&h)
            } else {
                println!("highlight {} at {}..{}", h.id, h.start, h.end);
                Ok(())
            }
        }
        HighlightCmd::List { key, json } => {
            let a = library.annotations(library.resolve_id(&key)?)?;
            if json {
                return print_json(&a);
            }
            for h in &a.highlights {
                let at = if h.orphan {
                    "orphan".to_string()
                } else {
                    format!("{}..{}", h.start, h.end)
                };
                println!("{:>5}  [{}] {at}  “{}”", h.id, h.color.as_str(), h.quote);
                if !h.note.is_empty() {
                    println!("       {}", h.note);
                }
            }
            if !a.note.is_empty() {
                println!("\nNote:\n{}", a.note);
            }
            Ok(())
        }
        HighlightCmd::Remove { id, json } => {
            library.delete_highlight(id)?;
            done(json, json!({ "removed": id }), || {
                format!("removed highlight {id}")
            })
        }
    }
}

pub fn note(library: &Library, cmd: NoteCmd) -> Result<()> {
    match cmd {
        NoteCmd::Set { key, text, json } => {
            let id = library.resolve_id(&key)?;
            library.set_note(id, &text)?;
            done(json, json!({ "id": id, "note": text }), || {
                format!("note of {id} saved")
            })
        }
        NoteCmd::Show { key, json } => {
            let id = library.resolve_id(&key)?;
            let a = library.annotations(id)?;
            done(json, json!({ "id": id, "note": a.note }), || a.note.clone())
        }
    }
}

pub fn tag(library: &Library, cmd: TagCmd) -> Result<()> {
    match cmd {
        TagCmd::List { json } => {
            let tags = library.user_tags()?;
            if json {
                return print_json(&tags);
            }
            for t in &tags {
                println!("{:>6}  {}", t.count, t.tag);
            }
            Ok(())
        }
        TagCmd::Add { args, json } => {
            let (keys, tag) = split_last(&args)?;
            let n = library.add_tags(&ids(library, keys)?, tag)?;
            done(json, json!({ "tag": tag, "changed": n }), || {
                format!("tagged {n} case studies '{tag}'")
            })
        }
        TagCmd::Remove { args, json } => {
            let (keys, tag) = split_last(&args)?;
            let n = library.remove_tags(&ids(library, keys)?, tag)?;
            done(json, json!({ "tag": tag, "changed": n }), || {
                format!("removed '{tag}' from {n} case studies")
            })
        }
        TagCmd::Rename { old, new, json } => {
            let n = library.rename_tag(&old, &new)?;
            done(
                json,
                json!({ "from": old, "to": new, "changed": n }),
                || format!("renamed '{old}' to '{new}' on {n} case studies"),
            )
        }
        TagCmd::Merge { args, json } => {
            let (from, into) = split_last(&args)?;
            let n = library.merge_tags(from, into)?;
            done(
                json,
                json!({ "from": from, "to": into, "changed": n }),
                || format!("merged into '{into}' on {n} case studies"),
            )
        }
        TagCmd::Accept { key, tag, json } => {
            let id = library.resolve_id(&key)?;
            library.accept_tag(id, &tag)?;
            done(json, json!({ "id": id, "accepted": tag }), || {
                format!("accepted '{tag}'")
            })
        }
        TagCmd::Dismiss { key, tag, json } => {
            let id = library.resolve_id(&key)?;
            library.dismiss_tag(id, &tag)?;
            done(json, json!({ "id": id, "dismissed": tag }), || {
                format!("dismissed '{tag}'")
            })
        }
    }
}

pub fn collection(library: &Library, cmd: CollectionCmd) -> Result<()> {
    match cmd {
        CollectionCmd::Create { name, json } => {
            let c = library.create_collection(&name)?;
            done(json, serde_json::to_value(&c)?, || {
                format!("created collection {} '{}'", c.id, c.name)
            })
        }
        CollectionCmd::Rename {
            collection,
            name,
            json,
        } => {
            let c = library.collection(&collection)?;
            let c = library.rename_collection(c.id, &name)?;
            done(json, serde_json::to_value(&c)?, || {
                format!("renamed to '{}'", c.name)
            })
        }
        CollectionCmd::Delete { collection, json } => {
            let c = library.collection(&collection)?;
            library.delete_collection(c.id)?;
            done(json, json!({ "deleted": c.id }), || {
                format!("deleted collection '{}'", c.name)
            })
        }
        CollectionCmd::Add {
            collection,
            keys,
            json,
        } => {
            let c = library.collection(&collection)?;
            let n = library.add_to_collection(c.id, &ids(library, &keys)?)?;
            done(json, json!({ "collection": c.id, "added": n }), || {
                format!("added {n} to '{}'", c.name)
            })
        }
        CollectionCmd::Remove {
            collection,
            keys,
            json,
        } => {
            let c = library.collection(&collection)?;
            let n = library.remove_from_collection(c.id, &ids(library, &keys)?)?;
            done(json, json!({ "collection": c.id, "removed": n }), || {
                format!("removed {n} from '{}'", c.name)
            })
        }
        CollectionCmd::List { json } => {
            let all = library.collections()?;
            if json {
                return print_json(&all);
            }
            for c in &all {
                println!("{:>5}  {} ({})", c.id, c.name, c.count);
            }
            Ok(())
        }
        CollectionCmd::Show { collection, json } => {
            let c = library.collection(&collection)?;
            let members = library.collection_members(c.id)?;
            if json {
                return print_json(&json!({ "collection": c, "case_studies": members }));
            }
            println!("{} ({})", c.name, members.len());
            for cs in &members {
                println!("{:>6}  {}", cs.id, cs.title);
            }
            Ok(())
        }
    }
}

pub fn saved_search(library: &Library, cmd: SavedSearchCmd) -> Result<()> {
    match cmd {
        SavedSearchCmd::Save { name, search } => {
            let s = library.save_search(&name, &request(library, &search, &search.query)?)?;
            done(search.json, serde_json::to_value(&s)?, || {
                format!("saved '{}' ({} results now)", s.name, s.count)
            })
        }
        SavedSearchCmd::List { json } => {
            let all = library.saved_searches()?;
            if json {
                return print_json(&all);
            }
            for s in &all {
                println!(
                    "{:>5}  {} — “{}” ({})",
                    s.id, s.name, s.request.query, s.count
                );
            }
            Ok(())
        }
        SavedSearchCmd::Delete { name, json } => {
            library.delete_saved_search(&name)?;
            done(json, json!({ "deleted": name }), || {
                format!("deleted '{name}'")
            })
        }
    }
}

/// `star`, `unstar`, `read`, `unread`.
pub fn flag(library: &Library, key: &str, which: &str, on: bool, json: bool) -> Result<()> {
    let id = library.resolve_id(key)?;
    match which {
        "starred" => library.set_starred(id, on)?,
        _ => library.set_read(id, on)?,
    }
    done(json, json!({ "id": id, which: on }), || {
        format!("{id}: {which} = {on}")
    })
}

pub fn trash(library: &Library, keys: &[String], json: bool) -> Result<()> {
    let ids = ids(library, keys)?;
    library.trash(&ids)?;
    done(json, json!({ "trashed": ids }), || {
        format!("moved {} to the trash", ids.len())
    })
}

pub fn trash_list(library: &Library, json: bool) -> Result<()> {
    let all = library.trash_list()?;
    if json {
        return print_json(&all);
    }
    for t in &all {
        println!("{:>6}  {}", t.case_study.id, t.case_study.title);
    }
    println!("{} in the trash", all.len());
    Ok(())
}

pub fn empty_trash(library: &Library, json: bool) -> Result<()> {
    let n = library.empty_trash()?;
    done(json, json!({ "deleted": n }), || {
        format!("deleted {n} case studies for good")
    })
}

/// `restore X`: a backup file when X is a file, else case studies from the trash.
pub fn restore(library: &Library, what: &[String], json: bool) -> Result<()> {
    if let [one] = what {
        let path = PathBuf::from(one);
        if path.is_file() {
            let n = library
                .restore_backup(&path)
                .with_context(|| format!("cannot restore {}", path.display()))?;
            return done(
                json,
                json!({ "restored": path.display().to_string(), "indexed": n }),
                || format!("restored {} ({n} case studies)", path.display()),
            );
        }
    }
    let ids = ids(library, what)?;
    library.restore(&ids)?;
    done(json, json!({ "restored": ids }), || {
        format!("restored {} from the trash", ids.len())
    })
}

pub fn export(library: &Library, args: ExportArgs) -> Result<()> {
    let ids = match &args.collection {
        Some(c) => {
            let c = library.collection(c)?;
            library
                .collection_members(c.id)?
                .into_iter()
                .map(|cs| cs.id)
                .collect()
        }
        None => ids(library, &args.ids)?,
    };
    let files: Vec<String> = match args.format {
        ExportFormat::Md => library
            .export_markdown(&ids, &args.out)?
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        ExportFormat::Json => {
            let bytes = library.export_json(&ids)?;
            if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            std::fs::write(&args.out, bytes)
                .with_context(|| format!("cannot write {}", args.out.display()))?;
            vec![args.out.display().to_string()]
        }
    };
    done(
        args.json,
        json!({ "case_studies": ids.len(), "files": files }),
        || {
            format!(
                "exported {} case studies to {} file(s)",
                ids.len(),
                files.len()
            )
        },
    )
}

pub fn backup(library: &Library, dest: Option<PathBuf>, json: bool) -> Result<()> {
    let path = match dest {
        Some(d) => library.backup(&d)?,
        None => library
            .auto_backup(KEEP_BACKUPS, Duration::ZERO)?
            .context("no backup was made")?,
    };
    done(
        json,
        json!({ "backup": path.display().to_string() }),
        || format!("backed up to {}", path.display()),
    )
}
