//! Reading a design file from disk, bounded by what is read.
//!
//! What a file claims is not what it gives: `/dev/zero` reports a size of
//! 0 and never ends, a named pipe (FIFO) with a writer that keeps writing
//! never ends either, and one with no writer blocks the first read for
//! ever. So only regular files are read (anything else is refused, with
//! what it is, before it is opened), the file is opened without waiting
//! should it be swapped for a pipe in between, and at most one byte more
//! than the limit is ever read, whatever the size said.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// The bytes of a regular file, or how far past `limit` it went.
#[derive(Debug)]
pub(crate) enum Contents {
    /// Everything, at most `limit` bytes, with the file's metadata as it
    /// was when opened.
    Bytes(Vec<u8>, Metadata),
    /// More than `limit` bytes: at least this many.
    TooLarge(u64),
}

/// Reads the regular file at `path`, at most `limit` bytes. A path to
/// anything else (a directory, a FIFO, a device, a socket) is an
/// `InvalidInput` error that says what it is.
pub(crate) fn regular_file(path: &Path, limit: u64) -> io::Result<Contents> {
    refuse_unless_regular(&std::fs::metadata(path)?)?;
    let file = open_without_waiting(path)?;
    let metadata = file.metadata()?;
    refuse_unless_regular(&metadata)?;
    if metadata.len() > limit {
        return Ok(Contents::TooLarge(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        // It grew while being read.
        return Ok(Contents::TooLarge(bytes.len() as u64));
    }
    Ok(Contents::Bytes(bytes, metadata))
}

/// `Ok` for a regular file; otherwise an error naming what it is.
fn refuse_unless_regular(metadata: &Metadata) -> io::Result<()> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "it is {}, not a regular file; archsim reads designs from files only",
            what_it_is(metadata)
        ),
    ))
}

/// What kind of thing a path that is not a regular file names.
fn what_it_is(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Opens `path` for reading without blocking, should it have become a
/// FIFO since it was looked at (regular files ignore the flag).
fn open_without_waiting(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn refusal(path: &Path) -> String {
        match regular_file(path, 1024) {
            Err(e) => {
                assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
                e.to_string()
            }
            Ok(c) => panic!("{} was read: {c:?}", path.display()),
        }
    }

    #[test]
    fn devices_folders_and_pipes_are_refused_without_reading() {
        assert!(refusal(Path::new("/dev/zero")).contains("a character device"));
        let dir = tempfile::tempdir().expect("temporary folder");
        assert!(refusal(dir.path()).contains("a folder"));
        let fifo = dir.path().join("pipe.archsim.ron");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // No writer: opening it for reading in the usual way would wait
        // for ever.
        assert!(refusal(&fifo).contains("a named pipe (FIFO)"));
    }

    #[test]
    fn no_more_than_the_limit_is_kept() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'x'; 2000]).expect("written");
        assert!(matches!(
            regular_file(&path, 1000).expect("read"),
            Contents::TooLarge(2000)
        ));
        match regular_file(&path, 2000).expect("read") {
            Contents::Bytes(bytes, _) => assert_eq!(bytes.len(), 2000),
            other => panic!("{other:?}"),
        }
    }
}
