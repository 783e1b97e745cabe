//! Where the index's files live: tantivy's `MmapDirectory`, except that the document store
//! (`.store`, the stored titles, summaries and bodies: ~80 % of the index) is read with
//! positioned reads instead of being mapped.
//!
//! Why: a search reads ~20 stored documents at random places for its snippets. Mapped, each
//! read faults in the kernel's read-around window (64–128 KiB, not the ~16 KiB block), and the
//! pages stay mapped into the app: after a hundred searches and a long scroll at 100,000 case
//! studies the store alone held 234 MiB of the app's memory (BENCHMARKS.md, "memory"). Read
//! with `pread`, a block costs one copy of its compressed bytes into tantivy's small block
//! cache, and the file's pages stay the kernel's page cache, not the app's. The postings, terms
//! and columns stay mapped: they are read sequentially or are small.
//!
//! Not tantivy-common's `WrapFile`, which does the same reads on Unix: it refuses an empty
//! range, cuts a range past the end short instead of failing, and elsewhere seeks a cloned
//! handle, whose position Windows shares between the clones (concurrent searches would race).

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::HasLen;

/// An `MmapDirectory` whose `.store` files are read with positioned reads.
#[derive(Clone, Debug)]
pub(crate) struct IndexDirectory {
    root: PathBuf,
    mmap: MmapDirectory,
}

impl IndexDirectory {
    pub(crate) fn open(root: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(IndexDirectory {
            root: root.to_path_buf(),
            mmap: MmapDirectory::open(root)?,
        })
    }
}

fn is_doc_store(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "store")
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if !is_doc_store(path) {
            return self.mmap.get_file_handle(path);
        }
        let file = File::open(self.root.join(path)).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                OpenReadError::FileDoesNotExist(path.to_path_buf())
            } else {
                OpenReadError::wrap_io_error(e, path.to_path_buf())
            }
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len() as usize;
        Ok(Arc::new(ReadAtFile { file, len }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mmap.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mmap.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mmap.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mmap.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(callback)
    }
}

/// A file read with positioned reads (no shared cursor: safe from many threads at once).
#[derive(Debug)]
struct ReadAtFile {
    file: File,
    /// The length when opened: segment files are written once and never change.
    len: usize,
}

impl HasLen for ReadAtFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadAtFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("read of {range:?} in a file of {} bytes", self.len),
            ));
        }
        let mut buf = vec![0; range.end - range.start];
        read_exact_at(&self.file, &mut buf, range.start as u64)?;
        Ok(OwnedBytes::new(buf))
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        match file.seek_read(&mut buf[done..], offset + done as u64)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => done += n,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_files_are_read_in_place_and_ranges_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.store"), b"0123456789").unwrap();
        std::fs::write(dir.path().join("a.idx"), b"abc").unwrap();
        let d = IndexDirectory::open(dir.path()).unwrap();

        let store = d.get_file_handle(Path::new("a.store")).unwrap();
        assert_eq!(store.len(), 10);
        assert_eq!(store.read_bytes(2..5).unwrap().as_slice(), b"234");
        assert_eq!(store.read_bytes(10..10).unwrap().as_slice(), b"");
        assert!(store.read_bytes(8..11).is_err(), "past the end");
        assert_eq!(
            d.open_read(Path::new("a.idx"))
                .unwrap()
                .read_bytes()
                .unwrap()
                .as_slice(),
            b"abc"
        );
        assert!(matches!(
            d.get_file_handle(Path::new("gone.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
