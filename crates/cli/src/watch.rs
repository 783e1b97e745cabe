//! `casebook watch`: the folders whose new and changed case studies are imported on their
//! own, and `watch run`, which does that in the foreground until interrupted.

use crate::{import, print_json, print_report};
use anyhow::{Context, Result};
use casebook_core::watch::{FolderWatcher, WatchOptions};
use casebook_core::{ImportReport, Library};
use clap::Subcommand;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Subcommand)]
pub enum WatchCmd {
    /// The watched folders.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Watch a folder (its case studies are imported by `watch run` and the desktop app).
    Add {
        folder: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Stop watching a folder (by the id `watch list` shows); nothing imported is removed.
    Remove {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Import what the watched folders hold now, then every file saved or changed there,
    /// until interrupted. One report per import (a JSON line each with --json).
    Run {
        /// Also compare every file's size and time this often, for drives that send no
        /// change events (network drives).
        #[arg(long, default_value_t = 30)]
        poll_seconds: u64,
        /// Wait this long after a file's last change before importing it.
        #[arg(long, default_value_t = 1500)]
        debounce_ms: u64,
        #[arg(long)]
        json: bool,
    },
}

pub fn watch(library: &Library, cmd: WatchCmd) -> Result<()> {
    match cmd {
        WatchCmd::List { json } => {
            let folders = library.watched_folders()?;
            if json {
                return print_json(&folders);
            }
            for f in &folders {
                let gone = if f.available { "" } else { "  (not available)" };
                println!("{:>4}  {}{gone}", f.id, f.location);
            }
            if folders.is_empty() {
                println!("no watched folders");
            }
        }
        WatchCmd::Add { folder, json } => {
            let added = library.add_watched_folder(&folder)?;
            if json {
                return print_json(&added);
            }
            println!("watching {} (id {})", added.location, added.id);
        }
        WatchCmd::Remove { id, json } => {
            library.remove_watched_folder(id)?;
            if json {
                return print_json(&serde_json::json!({ "removed": id }));
            }
            println!("no longer watching folder {id}");
        }
        WatchCmd::Run {
            poll_seconds,
            debounce_ms,
            json,
        } => run(library, poll_seconds, debounce_ms, json)?,
    }
    Ok(())
}

fn run(library: &Library, poll_seconds: u64, debounce_ms: u64, json: bool) -> Result<()> {
    let folders = library.watched_paths()?;
    if folders.is_empty() {
        anyhow::bail!("no watched folder is available: add one with `casebook watch add FOLDER`");
    }
    let show = |report: &ImportReport| -> Result<()> {
        if json {
            print_json(report)
        } else {
            print_report(report);
            Ok(())
        }
    };
    // Start watching before the first sync, so nothing saved during it is missed.
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let options = WatchOptions {
        debounce: Duration::from_millis(debounce_ms),
        poll_interval: (poll_seconds > 0).then(|| Duration::from_secs(poll_seconds)),
        native: true,
    };
    let _watcher = FolderWatcher::start(&folders, options, move |paths| {
        let _ = tx.send(paths);
    })
    .context("cannot watch the folders")?;
    show(&import(library, &folders, json, false)?)?;
    if !json {
        eprintln!("watching {} folder(s); Ctrl-C to stop", folders.len());
    }
    for paths in rx {
        show(&import(library, &paths, json, false)?)?;
    }
    Ok(())
}
