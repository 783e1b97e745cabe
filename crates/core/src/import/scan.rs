//! Paths the user gave → the raw files to parse: folders walked recursively, .zip archives
//! read in memory (never extracted to disk), every read bounded.

use super::ParseError;
use crate::model::ImportFailure;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Limits on folders and archives. Documented in the README.
pub mod limits {
    /// Deepest folder nesting walked below a dropped folder.
    pub const MAX_DEPTH: usize = 64;
    /// Largest .zip archive read (it is held in memory while read).
    pub const MAX_ARCHIVE_BYTES: u64 = 512 * 1024 * 1024;
    /// Most entries read from one archive.
    pub const MAX_ARCHIVE_ENTRIES: usize = 100_000;
    /// Most bytes expanded from one archive, all entries together (zip-bomb guard).
    pub const MAX_ARCHIVE_EXPANDED_BYTES: u64 = 2 * 1024 * 1024 * 1024;
}

/// Something to read: a plain file, or an archive whose members are files.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    File(PathBuf),
    Zip(PathBuf),
}

/// One file's bytes (or why they could not be had), named for reports.
#[derive(Debug)]
pub struct RawFile {
    /// Shown in reports and stored as the source path: the file's absolute path, with
    /// `!member` appended for archive members.
    pub display: String,
    pub bytes: Result<Vec<u8>, ParseError>,
    /// Set for one line of a streamed JSON Lines file: its 0-based line number (the
    /// record's locator), `bytes` holding that line only.
    pub record: Option<usize>,
}

fn display(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

fn is_zip_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Expands the given paths into inputs, in a stable order (folders sorted by name).
/// Problems (missing paths, unreadable folders, symlink loops) go to `failed`.
pub fn scan(paths: &[PathBuf], failed: &mut Vec<ImportFailure>) -> Vec<Input> {
    let mut inputs = Vec::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                failed.push(ImportFailure {
                    path: display(root),
                    error: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        if meta.is_file() {
            inputs.push(classify(root.clone()));
            continue;
        }
        if !meta.is_dir() {
            failed.push(not_a_file(root));
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .max_depth(limits::MAX_DEPTH)
            .sort_by_file_name()
            .into_iter()
            // Hidden files and folders (.git, .DS_Store) are not case studies.
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => inputs.push(classify(e.into_path())),
                Ok(e) if e.file_type().is_dir() => {
                    // walkdir lists a folder at the depth limit without entering it.
                    let has_entries = e.depth() == limits::MAX_DEPTH
                        && std::fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_some());
                    if has_entries {
                        failed.push(ImportFailure {
                            path: display(e.path()),
                            error: format!(
                                "folder nested deeper than {} levels: skipped",
                                limits::MAX_DEPTH
                            ),
                        });
                    }
                }
                // Reading a pipe would wait for a writer forever; a device may never end.
                Ok(e) => failed.push(not_a_file(e.path())),
                Err(e) => {
                    let path = e.path().map(display).unwrap_or_else(|| display(root));
                    let reason = if e.loop_ancestor().is_some() {
                        "symbolic link loop: skipped".to_string()
                    } else {
                        match e.io_error() {
                            Some(io) => format!("cannot read: {io}"),
                            None => e.to_string(),
                        }
                    };
                    failed.push(ImportFailure {
                        path,
                        error: reason,
                    });
                }
            }
        }
    }
    inputs
}

fn not_a_file(path: &Path) -> ImportFailure {
    ImportFailure {
        path: display(path),
        error: "not a regular file (a pipe, socket or device): skipped".into(),
    }
}

fn classify(path: PathBuf) -> Input {
    if is_zip_name(&path) {
        Input::Zip(path)
    } else {
        Input::File(path)
    }
}

/// Reads at most `limit` bytes; `TooLarge` when there are more.
/// What tells a file's content changed: its length and modification time.
fn snapshot(file: &std::fs::File) -> Option<(u64, Option<std::time::SystemTime>)> {
    let meta = file.metadata().ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// Reads `file` whole through `reader` (the file itself, or in tests a reader over it),
/// bounded by `limit`, and fails with [`ParseError::Changed`] when the file's length or
/// modification time moved during the read or the bytes read are not its length: a file
/// still being written is reported, never imported torn.
fn read_unchanged(
    file: &std::fs::File,
    reader: impl Read,
    limit: u64,
) -> Result<Vec<u8>, ParseError> {
    let before = snapshot(file);
    let bytes = read_bounded(reader, limit)?;
    let after = snapshot(file);
    match after {
        Some((len, _)) if before == after && len == bytes.len() as u64 => Ok(bytes),
        _ => Err(ParseError::Changed),
    }
}

fn read_bounded(reader: impl Read, limit: u64) -> Result<Vec<u8>, ParseError> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ParseError::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(ParseError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// JSON Lines files larger than this are streamed record by record (never held whole in
/// memory), so their size is not limited by `MAX_FILE_BYTES`; each line is.
pub const STREAM_JSONL_BYTES: u64 = 4 * 1024 * 1024;

/// A `.jsonl` / `.ndjson` file larger than [`STREAM_JSONL_BYTES`].
pub fn is_large_jsonl(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("jsonl" | "ndjson"))
        && std::fs::metadata(path).is_ok_and(|m| m.len() > STREAM_JSONL_BYTES)
}

/// Streams a JSON Lines file: one `RawFile` per non-blank line (`record` = its line
/// number), read with a bounded buffer; a line over `MAX_FILE_BYTES` fails alone. Stops
/// when `each` returns false, or after `MAX_RECORDS_PER_FILE` records.
pub fn read_jsonl_records(path: &Path, each: &mut dyn FnMut(RawFile) -> bool) {
    use std::io::BufRead;
    let name = display(path);
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            each(RawFile {
                display: name,
                bytes: Err(ParseError::Unreadable(e.to_string())),
                record: None,
            });
            return;
        }
    };
    let limit = super::limits::MAX_FILE_BYTES;
    let before = snapshot(&file);
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut records = 0usize;
    for line_no in 0usize.. {
        let mut line = Vec::new();
        let read = (&mut reader).take(limit + 1).read_until(b'\n', &mut line);
        let too_long = line.len() as u64 > limit && line.last() != Some(&b'\n');
        if too_long {
            // Skip the rest of the line without keeping it.
            let mut skipped = line.len() as u64;
            loop {
                let buf = match reader.fill_buf() {
                    Ok(b) if !b.is_empty() => b,
                    _ => break,
                };
                let (used, end) = match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                reader.consume(used);
                skipped += used as u64;
                if end {
                    break;
                }
            }
            if !each(RawFile {
                display: name.clone(),
                bytes: Err(ParseError::TooLarge {
                    size: skipped,
                    limit,
                }),
                record: Some(line_no),
            }) {
                return;
            }
            continue;
        }
        match read {
            Ok(0) => {
                // Appended to while streamed (its last line may be torn): said once, for
                // the file, so that it is imported again when complete (dedup skips the
                // records already in).
                if snapshot(reader.get_ref()) != before {
                    each(RawFile {
                        display: name.clone(),
                        bytes: Err(ParseError::Changed),
                        record: None,
                    });
                }
                return;
            }
            Ok(_) => {}
            Err(e) => {
                each(RawFile {
                    display: name.clone(),
                    bytes: Err(ParseError::Unreadable(e.to_string())),
                    record: Some(line_no),
                });
                return;
            }
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        records += 1;
        if records > super::limits::MAX_RECORDS_PER_FILE {
            tracing::warn!(
                limit = super::limits::MAX_RECORDS_PER_FILE,
                "too many records; the rest are skipped"
            );
            return;
        }
        if !each(RawFile {
            display: name.clone(),
            bytes: Ok(line),
            record: Some(line_no),
        }) {
            return;
        }
    }
}

pub fn read_file(path: &Path) -> RawFile {
    let bytes = (|| {
        // Checked again here: the file may have been replaced since the scan.
        let meta = std::fs::metadata(path).map_err(|e| ParseError::Unreadable(e.to_string()))?;
        if !meta.is_file() {
            return Err(ParseError::Unsupported(
                "not a regular file (a pipe, socket or device)".into(),
            ));
        }
        let file = std::fs::File::open(path).map_err(|e| ParseError::Unreadable(e.to_string()))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len > super::limits::MAX_FILE_BYTES {
            return Err(ParseError::TooLarge {
                size: len,
                limit: super::limits::MAX_FILE_BYTES,
            });
        }
        // Bounded even if the file grows while it is read; refused if it does.
        read_unchanged(&file, &file, super::limits::MAX_FILE_BYTES)
    })();
    RawFile {
        display: display(path),
        bytes,
        record: None,
    }
}

/// Reads every member of a .zip archive in memory, calling `each` per member (in archive
/// order). An archive that cannot be read at all yields one failed `RawFile`.
pub fn read_zip(path: &Path, each: &mut dyn FnMut(RawFile) -> bool) {
    let archive_name = display(path);
    let fail = |error: ParseError| RawFile {
        display: archive_name.clone(),
        bytes: Err(error),
        record: None,
    };
    let bytes = match std::fs::File::open(path)
        .map_err(|e| ParseError::Unreadable(e.to_string()))
        .and_then(|f| read_unchanged(&f, &f, limits::MAX_ARCHIVE_BYTES))
    {
        Ok(b) => b,
        Err(e) => {
            each(fail(e));
            return;
        }
    };
    read_zip_bytes(&archive_name, &bytes, each);
}

/// The in-memory half of [`read_zip`], separate for tests and embedded archives.
pub fn read_zip_bytes(archive_name: &str, bytes: &[u8], each: &mut dyn FnMut(RawFile) -> bool) {
    let mut archive = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            each(RawFile {
                display: archive_name.to_string(),
                bytes: Err(ParseError::Malformed {
                    format: "zip archive",
                    reason: e.to_string(),
                }),
                record: None,
            });
            return;
        }
    };
    let mut expanded: u64 = 0;
    for i in 0..archive.len() {
        if i >= limits::MAX_ARCHIVE_ENTRIES {
            each(RawFile {
                display: archive_name.to_string(),
                bytes: Err(ParseError::TooLarge {
                    size: archive.len() as u64,
                    limit: limits::MAX_ARCHIVE_ENTRIES as u64,
                }),
                record: None,
            });
            return;
        }
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let keep_going = each(RawFile {
                    display: format!("{archive_name}!#{i}"),
                    bytes: Err(ParseError::Malformed {
                        format: "zip entry",
                        reason: e.to_string(),
                    }),
                    record: None,
                });
                if !keep_going {
                    return;
                }
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let raw_name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{i}"));
        let member = format!("{archive_name}!{raw_name}");
        // Members are never written to disk, but a path escaping the archive or a link
        // is a sign of a hostile archive: report it rather than read it.
        let Some(inner) = entry.enclosed_name() else {
            if !each(RawFile {
                display: member,
                bytes: Err(ParseError::Unsupported("unsafe path in archive".into())),
                record: None,
            }) {
                return;
            }
            continue;
        };
        if entry.is_symlink() {
            if !each(RawFile {
                display: member,
                bytes: Err(ParseError::Unsupported("symbolic link in archive".into())),
                record: None,
            }) {
                return;
            }
            continue;
        }
        if inner
            .components()
            .any(|c| is_hidden(c.as_os_str()) || c.as_os_str() == "__MACOSX")
        {
            continue;
        }
        if is_zip_name(&inner) {
            if !each(RawFile {
                display: member,
                bytes: Err(ParseError::Unsupported("archive inside an archive".into())),
                record: None,
            }) {
                return;
            }
            continue;
        }
        // The size the archive declares, checked before inflating anything; the bounded
        // read below holds even when the declaration lies.
        if entry.size() > super::limits::MAX_FILE_BYTES {
            if !each(RawFile {
                display: member,
                bytes: Err(ParseError::TooLarge {
                    size: entry.size(),
                    limit: super::limits::MAX_FILE_BYTES,
                }),
                record: None,
            }) {
                return;
            }
            continue;
        }
        let remaining = limits::MAX_ARCHIVE_EXPANDED_BYTES.saturating_sub(expanded);
        let limit = remaining.min(super::limits::MAX_FILE_BYTES);
        // Every byte inflated counts, also those of a member refused as too large or
        // broken: a bomb of many oversized members stops at the archive's cap.
        let mut counted = Counted {
            inner: &mut entry,
            bytes: 0,
        };
        let bytes = read_bounded(&mut counted, limit);
        expanded += counted.bytes;
        if let Err(ParseError::TooLarge { .. }) = &bytes {
            if remaining <= super::limits::MAX_FILE_BYTES
                || expanded >= limits::MAX_ARCHIVE_EXPANDED_BYTES
            {
                each(RawFile {
                    display: archive_name.to_string(),
                    bytes: Err(ParseError::TooLarge {
                        size: limits::MAX_ARCHIVE_EXPANDED_BYTES + 1,
                        limit: limits::MAX_ARCHIVE_EXPANDED_BYTES,
                    }),
                    record: None,
                });
                return;
            }
        }
        if !each(RawFile {
            display: member,
            bytes,
            record: None,
        }) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            for (name, data) in entries {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    fn collect(bytes: &[u8]) -> Vec<RawFile> {
        let mut out = Vec::new();
        read_zip_bytes("a.zip", bytes, &mut |r| {
            out.push(r);
            true
        });
        out
    }

    #[test]
    fn zip_members_are_read_in_memory_and_hostile_ones_reported() {
        let z = zip_of(&[
            ("cases/one.md", b"# One\n\ntext"),
            ("../evil.md", b"escape"),
            (".hidden/x.md", b"hidden"),
            ("inner.zip", b"PK"),
        ]);
        let files = collect(&z);
        assert_eq!(files.len(), 3, "{files:?}");
        assert_eq!(files[0].display, "a.zip!cases/one.md");
        assert_eq!(files[0].bytes.as_deref().unwrap(), b"# One\n\ntext");
        assert!(matches!(files[1].bytes, Err(ParseError::Unsupported(_))));
        assert!(matches!(files[2].bytes, Err(ParseError::Unsupported(_))));
    }

    /// Reads a file and, at its first read, appends to it through another handle: a writer
    /// still at work, deterministically.
    struct AppendsOnFirstRead {
        file: std::fs::File,
        path: PathBuf,
        appended: bool,
    }

    impl Read for AppendsOnFirstRead {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if !self.appended {
                self.appended = true;
                let mut w = std::fs::OpenOptions::new().append(true).open(&self.path)?;
                w.write_all(b"\\nmore text, still being written")?;
            }
            self.file.read(buf)
        }
    }

    #[test]
    fn a_file_written_to_while_it_is_read_is_refused_not_read_torn() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("growing.md");
        std::fs::write(&path, "# Growing\n\nThe first half of a case study").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let reader = AppendsOnFirstRead {
            file: file.try_clone().unwrap(),
            path: path.clone(),
            appended: false,
        };
        assert_eq!(
            read_unchanged(&file, reader, 1 << 20),
            Err(ParseError::Changed)
        );
        // Once the writer is done, the whole file reads.
        let raw = read_file(&path);
        assert!(raw
            .bytes
            .as_ref()
            .is_ok_and(|b| b.ends_with(b"still being written")));
        // A file nobody writes to reads as it is.
        let still = std::fs::File::open(&path).unwrap();
        assert_eq!(
            read_unchanged(&still, &still, 1 << 20).map(|b| b.len() as u64),
            Ok(std::fs::metadata(&path).unwrap().len())
        );
    }

    #[test]
    fn a_json_lines_file_appended_to_while_streamed_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.jsonl");
        let line = |i: usize| format!("{{\"title\": \"Case {i}\", \"body\": \"text\"}}\n");
        std::fs::write(&path, (0..3).map(line).collect::<String>()).unwrap();
        let mut seen = Vec::new();
        read_jsonl_records(&path, &mut |raw| {
            if raw.record == Some(1) {
                // A writer appends while the stream is half way.
                let mut w = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap();
                w.write_all(b"{\"title\": \"Case 3\", \"bo").unwrap();
            }
            seen.push((raw.record, raw.bytes.err()));
            true
        });
        // The records read are there (the torn last one fails as a record); the file as a
        // whole says it changed, once.
        assert_eq!(seen.len(), 5, "{seen:?}");
        assert!(seen[..3].iter().all(|(_, e)| e.is_none()), "{seen:?}");
        assert_eq!(seen[4], (None, Some(ParseError::Changed)));
        // Read again untouched: no such report.
        let mut again = Vec::new();
        read_jsonl_records(&path, &mut |raw| {
            again.push(raw.bytes.err());
            true
        });
        assert!(!again.contains(&Some(ParseError::Changed)), "{again:?}");
    }

    #[test]
    fn a_source_that_never_ends_is_cut_at_the_limit() {
        // A file growing faster than it is read (or a device) looks like this to the
        // reader: the read stops one byte past the limit.
        let r = read_bounded(std::io::repeat(b'x'), 1024);
        assert_eq!(
            r,
            Err(ParseError::TooLarge {
                size: 1025,
                limit: 1024
            })
        );
    }

    #[test]
    fn broken_zip_is_one_clear_failure() {
        let files = collect(b"PK\x03\x04 not really a zip");
        assert_eq!(files.len(), 1);
        assert!(matches!(files[0].bytes, Err(ParseError::Malformed { .. })));
    }

    #[test]
    fn zip_bomb_member_is_capped() {
        // 40 MiB of zeros compresses to ~40 KiB; reading stops at the per-file limit.
        let big = vec![0u8; 40 * 1024 * 1024];
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file("bomb.txt", opts).unwrap();
            w.write_all(&big).unwrap();
            w.finish().unwrap();
        }
        let z = buf.into_inner();
        assert!(z.len() < 1024 * 1024);
        let files = collect(&z);
        assert_eq!(files.len(), 1);
        assert!(matches!(files[0].bytes, Err(ParseError::TooLarge { .. })));
    }

    #[test]
    fn folders_are_walked_sorted_skipping_hidden_and_reporting_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/deeper")).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join("b/deeper/2.md"), "x").unwrap();
        std::fs::write(dir.path().join("a.md"), "x").unwrap();
        std::fs::write(dir.path().join("c.zip"), "x").unwrap();
        std::fs::write(dir.path().join(".git/config"), "x").unwrap();
        let mut failed = Vec::new();
        let inputs = scan(
            &[dir.path().to_path_buf(), dir.path().join("missing.md")],
            &mut failed,
        );
        let names: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                Input::File(p) => format!("file:{}", p.strip_prefix(dir.path()).unwrap().display()),
                Input::Zip(p) => format!("zip:{}", p.strip_prefix(dir.path()).unwrap().display()),
            })
            .collect();
        assert_eq!(names, ["file:a.md", "file:b/deeper/2.md", "zip:c.zip"]);
        assert_eq!(failed.len(), 1);
        assert!(failed[0].path.ends_with("missing.md"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.md"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
        let mut failed = Vec::new();
        let inputs = scan(&[dir.path().to_path_buf()], &mut failed);
        assert_eq!(inputs.len(), 1);
        assert!(
            failed.iter().any(|f| f.error.contains("loop")),
            "{failed:?}"
        );
    }
}
