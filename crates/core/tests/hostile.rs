//! Hostile and broken input, end to end through `Library::import`: each bad file is
//! reported with a clear reason, the good files beside it are imported, nothing is written
//! outside the library; untrusted text never reaches the webview as live HTML; and the
//! committed fuzz corpus replays through the fuzz targets' entry points.

#[path = "support/hostile.rs"]
mod hostile;

use casebook_core::{CaseStudyId, ImportReport, Library, OpenOptions, SearchRequest};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// A scratch folder holding `library/` (where Casebook may write) and `input/` (the files
/// dropped on it); `outside()` lists everything not under `library/`.
struct Scratch {
    root: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("input")).unwrap();
        Scratch { root }
    }
    fn input(&self) -> PathBuf {
        self.root.path().join("input")
    }
    fn library(&self) -> Library {
        Library::open_with(
            &self.root.path().join("library"),
            &OpenOptions {
                seed_new_library: false,
            },
        )
        .unwrap()
    }
    /// Every path (with its size) in the scratch folder outside `library/`, symlinks not
    /// followed.
    fn outside(&self) -> BTreeSet<(PathBuf, u64)> {
        walkdir::WalkDir::new(self.root.path())
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.path() != self.root.path().join("library"))
            .filter_map(Result::ok)
            .map(|e| {
                let len = e.path().symlink_metadata().map_or(0, |m| m.len());
                (e.path().to_path_buf(), len)
            })
            .collect()
    }
    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.input().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

fn import(lib: &Library, paths: &[PathBuf]) -> ImportReport {
    lib.import(paths, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn good_case(i: usize) -> String {
    format!(
        "---\ntitle: \"Good case study {i}\"\ncompany: \"Good Co {i}\"\nyear: 2024\n---\n\n\
         ## Overview\n\nGood company {i} shipped assistant {i}; goodword{i} appears only here.\n"
    )
}

/// The failure reported for the path ending in `suffix`.
fn reason<'a>(r: &'a ImportReport, suffix: &str) -> &'a str {
    let matching: Vec<&str> = r
        .failed
        .iter()
        .filter(|f| f.path.ends_with(suffix))
        .map(|f| f.error.as_str())
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "one failure for {suffix}: {:#?}",
        r.failed
    );
    matching[0]
}

fn titles(lib: &Library) -> BTreeSet<String> {
    lib.list().unwrap().into_iter().map(|c| c.title).collect()
}

fn good_titles(n: usize) -> BTreeSet<String> {
    (0..n).map(|i| format!("Good case study {i}")).collect()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

// ------------------------------------------------------------------- broken files

#[test]
fn broken_files_each_get_a_reason_and_the_good_ones_beside_them_import() {
    let s = Scratch::new();
    let lib = s.library();
    for i in 0..3 {
        s.write(&format!("good-{i}.md"), good_case(i));
    }
    s.write("empty.md", "");
    s.write(
        "binary.md",
        (0u8..=255).cycle().take(4096).collect::<Vec<u8>>(),
    );
    s.write("image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01");
    s.write(
        "wrong-types.json",
        r#"{"title": 5, "tags": "x", "year": "y", "body": {"a": 1}}"#,
    );
    s.write("not-records.json", r#"[1, "two", null, true]"#);
    s.write("broken.json", r#"{"title": "Broken", "body": "#);
    s.write(
        "broken-quotes.csv",
        "title,body\n\"Unterminated quote,body text\nnext,row\n",
    );
    s.write("nul.txt", b"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    s.write(
        "too-large.md",
        vec![b'a'; casebook_core::import::limits::MAX_FILE_BYTES as usize + 1],
    );
    let before = s.outside();
    let r = import(&lib, &[s.input()]);
    assert_eq!(r.added, 3, "{r:#?}");
    assert_eq!(titles(&lib), good_titles(3));
    assert_eq!(reason(&r, "empty.md"), "no text");
    assert!(
        reason(&r, "binary.md").starts_with("unreadable: "),
        "{r:#?}"
    );
    assert!(reason(&r, "image.md").contains("PNG"), "{r:#?}");
    assert!(
        reason(&r, "wrong-types.json").starts_with("malformed"),
        "{r:#?}"
    );
    for i in 0..4 {
        assert!(reason(&r, &format!("not-records.json#{i}")).starts_with("malformed"));
    }
    assert!(
        reason(&r, "broken.json").starts_with("malformed JSON"),
        "{r:#?}"
    );
    assert!(
        reason(&r, "broken-quotes.csv#0").starts_with("malformed CSV"),
        "{r:#?}"
    );
    assert!(reason(&r, "nul.txt").starts_with("unreadable"), "{r:#?}");
    assert!(
        reason(&r, "too-large.md").starts_with("too large (33554433 bytes; the limit is 33554432)")
    );
    assert_eq!(r.failed.len(), 12, "{:#?}", r.failed);
    assert_eq!(s.outside(), before, "nothing written outside the library");
}

/// A file of many bad records is one problem: its first 20 are listed, then how many more
/// (a JSON array of 200,000 numbers once made a report of 200,000 lines). Its good records
/// and the other files' failures are all kept; a large JSON Lines file (read record by
/// record) is counted the same way.
#[test]
fn a_file_of_many_bad_records_lists_the_first_and_counts_the_rest() {
    let s = Scratch::new();
    let lib = s.library();
    let mut items: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
    items[2500] = r#"{"title": "The one good record", "body": "It reads fine."}"#.into();
    s.write("numbers.json", format!("[{}]", items.join(",")));
    s.write("few.json", "[1, 2, 3]");
    let bad_line = format!("{{\"title\": 1, \"pad\": \"{}\"}}\n", "x".repeat(1000));
    let streamed = casebook_core::import::scan::STREAM_JSONL_BYTES as usize / bad_line.len() + 10;
    s.write("big.jsonl", bad_line.repeat(streamed));
    let r = import(&lib, &[s.input()]);
    assert_eq!(
        titles(&lib),
        BTreeSet::from(["The one good record".to_string()])
    );
    let of = |file: &str| -> Vec<&casebook_core::ImportFailure> {
        r.failed.iter().filter(|f| f.path.contains(file)).collect()
    };
    let numbers = of("numbers.json");
    assert_eq!(numbers.len(), 21, "{numbers:#?}");
    assert!(numbers[..20]
        .iter()
        .all(|f| f.error.starts_with("malformed record")));
    assert!(
        numbers[20].path.ends_with("numbers.json"),
        "{:?}",
        numbers[20]
    );
    assert_eq!(
        numbers[20].error,
        "4979 more records of this file could not be read either (the first 20 are listed)"
    );
    assert_eq!(of("few.json").len(), 3);
    let big = of("big.jsonl");
    assert_eq!(big.len(), 21, "{:#?}", &big[..3]);
    assert!(
        big[20]
            .error
            .starts_with(&format!("{} more records", streamed - 20)),
        "{:?}",
        big[20]
    );
    assert_eq!(r.failed.len(), 21 + 3 + 21);
}

#[test]
fn oversized_titles_and_tag_lists_are_capped_not_refused() {
    let s = Scratch::new();
    let lib = s.library();
    let tags: Vec<String> = (0..5000).map(|i| format!("\"tag-{i}\"")).collect();
    s.write(
        "huge.md",
        format!(
            "---\ntitle: \"{}\"\ntags: [{}]\n---\n\nBody of the huge one.\n",
            "word ".repeat(20_000),
            tags.join(", ")
        ),
    );
    s.write(
        "huge.json",
        format!(
            r#"{{"title": "{}", "tags": [{}], "body": "Body of the JSON one."}}"#,
            "é".repeat(100_000),
            tags.join(",")
        ),
    );
    let r = import(&lib, &[s.input()]);
    assert_eq!((r.added, r.failed.len()), (2, 0), "{r:#?}");
    for cs in lib.list().unwrap() {
        let n = cs.title.chars().count();
        assert!(
            (1..=casebook_core::import::limits::MAX_TITLE_CHARS).contains(&n),
            "{n}"
        );
        let d = lib.get(&cs.id.to_string()).unwrap();
        assert!(d.case_study.tags.len() <= casebook_core::import::limits::MAX_TAGS);
    }
}

// ------------------------------------------------------------------- folders

#[test]
fn a_folder_nested_200_deep_is_walked_to_the_limit_and_the_rest_reported() {
    let s = Scratch::new();
    let lib = s.library();
    s.write("good-0.md", good_case(0));
    let limit = casebook_core::import::scan::limits::MAX_DEPTH;
    let mut deep = s.input();
    for level in 1..=200 {
        deep.push("d");
        if level == limit - 1 {
            std::fs::create_dir_all(&deep).unwrap();
            std::fs::write(deep.join("good-1.md"), good_case(1)).unwrap();
        }
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("too-deep.md"), good_case(2)).unwrap();
    let before = s.outside();
    let r = import(&lib, &[s.input()]);
    assert_eq!(titles(&lib), good_titles(2), "{r:#?}");
    assert_eq!(r.failed.len(), 1, "{r:#?}");
    assert_eq!(
        r.failed[0].error,
        format!("folder nested deeper than {limit} levels: skipped")
    );
    assert_eq!(s.outside(), before);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_reported_and_the_rest_imported() {
    let s = Scratch::new();
    let lib = s.library();
    s.write("a/good-0.md", good_case(0));
    s.write("b/good-1.md", good_case(1));
    std::os::unix::fs::symlink(s.input(), s.input().join("a/loop")).unwrap();
    std::os::unix::fs::symlink(s.input().join("b"), s.input().join("b/self")).unwrap();
    std::os::unix::fs::symlink(s.input().join("missing.md"), s.input().join("dangling.md"))
        .unwrap();
    let before = s.outside();
    let r = import(&lib, &[s.input()]);
    assert_eq!(titles(&lib), good_titles(2), "{r:#?}");
    assert_eq!(reason(&r, "a/loop"), "symbolic link loop: skipped");
    assert_eq!(reason(&r, "b/self"), "symbolic link loop: skipped");
    assert!(
        reason(&r, "dangling.md").starts_with("cannot read: "),
        "{r:#?}"
    );
    assert_eq!(r.failed.len(), 3, "{r:#?}");
    assert_eq!(s.outside(), before);
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    if is_root() {
        // Permissions do not stop root from reading: nothing to test.
        eprintln!("skipped: running as root, chmod 000 does not block reads");
        return;
    }
    let s = Scratch::new();
    let lib = s.library();
    s.write("good-0.md", good_case(0));
    let file = s.write("locked.md", good_case(1));
    let dir = s.input().join("locked-dir");
    s.write("locked-dir/inside.md", good_case(2));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = import(&lib, &[s.input()]);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(titles(&lib), good_titles(1), "{r:#?}");
    assert!(
        reason(&r, "locked.md").contains("ermission denied"),
        "{r:#?}"
    );
    assert!(
        reason(&r, "locked-dir").contains("ermission denied"),
        "{r:#?}"
    );
}

/// A pipe blocks a reader until someone writes, a device may never end: neither is read,
/// whether dropped directly or met in a folder.
#[cfg(unix)]
#[test]
fn pipes_and_devices_are_refused_without_blocking() {
    let s = Scratch::new();
    let lib = s.library();
    s.write("good-0.md", good_case(0));
    let fifo = s.input().join("pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|st| st.success());
    assert!(made, "mkfifo");
    let r = import(&lib, &[s.input(), fifo.clone(), PathBuf::from("/dev/zero")]);
    assert_eq!(titles(&lib), good_titles(1), "{r:#?}");
    let not_file = "not a regular file (a pipe, socket or device): skipped";
    let pipe: Vec<&str> = r
        .failed
        .iter()
        .filter(|f| f.path.ends_with("pipe.md"))
        .map(|f| f.error.as_str())
        .collect();
    assert_eq!(
        pipe,
        [not_file, not_file],
        "in the folder and dropped directly"
    );
    assert_eq!(reason(&r, "/dev/zero"), not_file);
}

/// A file another program is still writing: each read either has all of it or says it
/// changed, never a torn half. (Deterministic cases, and JSON Lines streamed while appended
/// to: `scan::tests::a_file_written_to_while_it_is_read_is_refused_not_read_torn`; a file
/// growing without end is cut at the limit: `a_source_that_never_ends_is_cut_at_the_limit`.)
#[test]
fn a_file_that_grows_while_it_is_read_is_reported_not_read_torn() {
    use casebook_core::import::{scan, ParseError};
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    let s = Scratch::new();
    let path = s.write(
        "download.md",
        format!("# Still downloading\n\n{}", "text ".repeat(800_000)),
    );
    let writing = AtomicBool::new(true);
    let (mut changed, mut whole) = (0, 0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut w = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            for _ in 0..4_000 {
                w.write_all(&[b'x'; 1024]).unwrap();
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
            writing.store(false, Ordering::SeqCst);
        });
        while writing.load(Ordering::SeqCst) {
            match scan::read_file(&path).bytes {
                Err(ParseError::Changed) => changed += 1,
                Ok(_) => whole += 1,
                Err(e) => panic!("a growing file read as {e}"),
            }
        }
    });
    assert!(
        changed > 0,
        "no read overlapped the writer ({whole} whole reads)"
    );
    let done = scan::read_file(&path)
        .bytes
        .expect("the finished file reads");
    assert_eq!(done.len() as u64, std::fs::metadata(&path).unwrap().len());
    assert!(ParseError::Changed.to_string().contains("import it again"));
}

/// A file that disappears between the scan and the read.
#[test]
fn a_file_that_vanishes_before_the_read_is_reported() {
    use casebook_core::import::{scan, ParseError};
    let s = Scratch::new();
    let gone = s.write("gone.md", good_case(0));
    let mut failed = Vec::new();
    let inputs = scan::scan(&[s.input()], &mut failed);
    assert_eq!(inputs, [scan::Input::File(gone.clone())]);
    std::fs::remove_file(&gone).unwrap();
    let raw = scan::read_file(&gone);
    assert!(
        matches!(&raw.bytes, Err(ParseError::Unreadable(e)) if e.contains("No such file")),
        "{:?}",
        raw.bytes
    );
    assert!(failed.is_empty(), "{failed:?}");
}

// ------------------------------------------------------------------- archives

#[test]
fn hostile_archive_members_are_reported_never_extracted() {
    let s = Scratch::new();
    let lib = s.library();
    let good0 = good_case(0);
    let good1 = good_case(1);
    let zip = zip_of(&[
        ("cases/good-0.md", good0.as_bytes()),
        ("../../escape.md", good_case(7).as_bytes()),
        ("/etc/absolute.md", good_case(8).as_bytes()),
        ("cases/../../up.md", good_case(9).as_bytes()),
        ("nested.zip", b"PK\x03\x04"),
        ("cases/good-1.md", good1.as_bytes()),
    ]);
    s.write("cases.zip", &zip);
    let before = s.outside();
    let r = import(&lib, &[s.input()]);
    let mut expected = good_titles(2);
    expected.insert("Good case study 8".into());
    assert_eq!(titles(&lib), expected, "{r:#?}");
    for name in ["!../../escape.md", "!cases/../../up.md"] {
        assert_eq!(
            reason(&r, name),
            "unsupported file type (unsafe path in archive)"
        );
    }
    assert_eq!(
        reason(&r, "!nested.zip"),
        "unsupported file type (archive inside an archive)"
    );
    assert_eq!(r.failed.len(), 3);
    assert_eq!(s.outside(), before, "nothing extracted anywhere");
}

/// Deflated zeros: ~1,000× smaller than what they expand to.
fn zeros_member(w: &mut zip::ZipWriter<&mut std::io::Cursor<Vec<u8>>>, name: &str, mib: usize) {
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(mib >= 4096);
    w.start_file(name, opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..mib {
        w.write_all(&chunk).unwrap();
    }
}

/// Overwrites the uncompressed size (local header and central directory) of every member:
/// an archive that lies about what it expands to.
fn lie_about_sizes(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 46 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            b"PK\x01\x02" => zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

#[test]
fn zip_bombs_are_refused_with_a_capped_read() {
    use casebook_core::import::scan::read_zip_bytes;
    // 4 members of 48 MiB of zeros each (192 MiB expanded, ~200 KiB on disk), beside a
    // good member: each bomb member is refused by its declared size without inflating it.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for i in 0..4 {
            zeros_member(&mut w, &format!("bomb-{i}.txt"), 48);
        }
        w.start_file("good-0.md", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(good_case(0).as_bytes()).unwrap();
        w.finish().unwrap();
    }
    let bomb = buf.into_inner();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let mut results = Vec::new();
    read_zip_bytes("bomb.zip", &bomb, &mut |raw| {
        results.push((raw.display, raw.bytes.map(|b| b.len())));
        true
    });
    assert_eq!(results.len(), 5, "{results:?}");
    for (name, r) in &results[..4] {
        assert!(
            matches!(r, Err(e) if e.to_string() == "too large (50331648 bytes; the limit is 33554432)"),
            "{name}: {r:?}"
        );
    }
    assert_eq!(results[4].0, "bomb.zip!good-0.md");
    assert!(results[4].1.is_ok());

    // The same archive claiming each member expands to 100 bytes: the read is still
    // bounded by bytes inflated, never by the declaration.
    let mut liar = bomb.clone();
    lie_about_sizes(&mut liar, 100);
    let mut largest = 0usize;
    let mut members = 0;
    read_zip_bytes("liar.zip", &liar, &mut |raw| {
        members += 1;
        if let Ok(b) = &raw.bytes {
            largest = largest.max(b.len());
        }
        true
    });
    assert!(members >= 1);
    assert!(
        largest as u64 <= casebook_core::import::limits::MAX_FILE_BYTES,
        "{largest}"
    );

    // Through the library: the good member beside the bombs is imported.
    let s = Scratch::new();
    let lib = s.library();
    s.write("bomb.zip", &bomb);
    let before = s.outside();
    let r = import(&lib, &[s.input()]);
    assert_eq!(titles(&lib), good_titles(1), "{r:#?}");
    assert_eq!(r.failed.len(), 4);
    assert_eq!(s.outside(), before);
}

/// Expands 2.1 GiB (members just under the per-file limit, so each is inflated): the
/// archive stops at its expansion cap (~3 s: zeros inflate fast).
#[test]
fn an_archive_expanding_past_its_cap_stops_there() {
    use casebook_core::import::scan::{limits, read_zip_bytes};
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for i in 0..70 {
            zeros_member(&mut w, &format!("m-{i}.txt"), 31);
        }
        w.finish().unwrap();
    }
    let z = buf.into_inner();
    let mut seen = Vec::new();
    read_zip_bytes("cap.zip", &z, &mut |raw| {
        seen.push((raw.display, raw.bytes.map(|b| b.len())));
        true
    });
    let (last, result) = seen.last().unwrap();
    assert_eq!(last, "cap.zip");
    assert!(
        matches!(result, Err(e) if e.to_string().contains(&limits::MAX_ARCHIVE_EXPANDED_BYTES.to_string())),
        "{result:?}"
    );
    assert!(seen.len() < 70, "stopped before the end: {}", seen.len());
}

// ------------------------------------------------------------------- untrusted content

fn payloads() -> Vec<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xss-payloads.txt");
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A YAML double-quoted scalar (JSON's string syntax is a subset).
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Every payload as the title, summary, company, a tag and the body (Markdown) of a case
/// study, as the body of a saved HTML page, and as a note: the reader's HTML, the rendered
/// note and every search snippet are inert; titles and the other fields stay plain text.
#[test]
fn xss_payloads_never_reach_the_webview_live() {
    let payloads = payloads();
    assert!(payloads.len() >= 100, "{}", payloads.len());
    let s = Scratch::new();
    let lib = s.library();
    for (i, p) in payloads.iter().enumerate() {
        s.write(
            &format!("md/{i:03}.md"),
            format!(
                "---\ntitle: {t}\nslug: xss-{i}\nsummary: {t}\ncompany: {t}\ntags: [{t}, rag]\n\
                 year: 2024\n---\n\n\
                 ## Overview {p}\n\n{p}\n\nxssmd{i} marker.\n\n- {p}\n\n> {p}\n",
                t = yaml_str(p)
            ),
        );
        s.write(
            &format!("html/{i:03}.html"),
            format!(
                "<!DOCTYPE html><html><head><title>Page {i}</title></head><body><article>\
                 <h1>Saved page {i}</h1><p>xsshtml{i} marker.</p>{p}<p>{p}</p></article></body></html>"
            ),
        );
    }
    let r = import(&lib, &[s.input()]);
    assert!(r.added as usize >= payloads.len(), "{r:#?}");
    let all = lib.list().unwrap();
    let mut rendered = 0;
    for cs in &all {
        let body = lib.render(cs.id).unwrap();
        hostile::assert_inert(&body.html);
        rendered += 1;
        lib.set_note(cs.id, &format!("note {}", cs.title)).unwrap();
    }
    // Titles are plain text: the payload is kept as written (the UI shows it as text),
    // its whitespace squashed, cut at the title limit.
    for (i, p) in payloads.iter().enumerate() {
        let cs = lib.get(&format!("xss-{i}")).unwrap().case_study;
        let words = p.split_whitespace().collect::<Vec<_>>().join(" ");
        if words.chars().count() <= casebook_core::import::limits::MAX_TITLE_CHARS {
            assert_eq!(cs.title, words, "payload {i}");
        } else {
            let n = cs.title.chars().count();
            assert!(
                n <= casebook_core::import::limits::MAX_TITLE_CHARS,
                "payload {i}: {n}"
            );
        }
        // The note as the notes panel previews it.
        hostile::assert_inert(&casebook_core::render::to_html(p).html);
    }
    // Snippets of searches for the payloads' words, their markers and the notes.
    let mut snippets = 0;
    for q in [
        "script",
        "alert",
        "onerror",
        "javascript",
        "img",
        "svg",
        "iframe",
        "xss",
        "href",
        "style",
        "onload",
        "data",
        "note",
        "marker",
        "\"<script>\"",
        "title:script",
    ] {
        for (_, snippet) in search(&lib, q) {
            hostile::assert_snippet_inert(&snippet);
            snippets += 1;
        }
    }
    assert!(snippets > 100, "{snippets}");
    eprintln!(
        "{} payloads, {} case studies rendered, {snippets} snippets checked",
        payloads.len(),
        rendered
    );
}

/// (id, snippet) of every hit.
fn search(lib: &Library, q: &str) -> Vec<(CaseStudyId, String)> {
    lib.search(&SearchRequest {
        query: q.into(),
        page: casebook_core::Page {
            limit: 500,
            offset: 0,
        },
        ..Default::default()
    })
    .unwrap()
    .hits
    .into_iter()
    .map(|h| (h.id, h.snippet))
    .collect()
}

// ------------------------------------------------------------------- fuzz corpus

/// Every file of the committed fuzz corpus (`tests/fuzz-corpus/<target>/`), replayed
/// through the fuzz target's own entry point: no panic, and the checks it makes hold.
/// A fuzz target: its corpus folder's name and its entry point.
type Target = (&'static str, fn(&[u8]));

#[test]
fn the_fuzz_corpus_replays_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let targets: [Target; 4] = [
        ("parse_file", hostile::parse),
        ("zip_archive", hostile::zip),
        ("query", hostile::query),
        ("render_markdown", hostile::render_markdown),
    ];
    for (target, run) in targets {
        let dir = root.join(target);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{target}: empty corpus");
        for f in &files {
            let data = std::fs::read(f).unwrap();
            if std::panic::catch_unwind(|| run(&data)).is_err() {
                panic!("{target}: {} fails", f.display());
            }
        }
        eprintln!("{target}: {} inputs replayed", files.len());
    }
}
