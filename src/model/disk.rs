//! What a design file looked like on disk when archsim last read or wrote
//! it, so that the app notices when someone else (another window, an
//! editor, `git checkout`) changed it since, instead of silently saving
//! over their work.

use std::fs::Metadata;
use std::io;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::file::MAX_FILE_BYTES;
use super::read::{self, Contents};

/// A file's size, modification time and a hash of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskStamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since 1970 (0 where the system does
    /// not say).
    pub modified_unix_ns: u128,
    /// FNV-1a hash of the bytes: a rewrite with the same content (a
    /// `touch`, a save of the same design) is not a change.
    pub hash: u64,
}

impl DiskStamp {
    /// The stamp of `bytes`, read from or written to a file with
    /// `metadata`.
    pub fn of(bytes: &[u8], metadata: &Metadata) -> Self {
        Self {
            len: bytes.len() as u64,
            modified_unix_ns: modified_ns(metadata),
            hash: fnv1a(bytes),
        }
    }

    /// When the file was modified, if the system says.
    pub fn modified(&self) -> Option<SystemTime> {
        let ns = u64::try_from(self.modified_unix_ns).ok()?;
        (ns > 0).then(|| UNIX_EPOCH + std::time::Duration::from_nanos(ns))
    }

    /// Whether the file at `path` still holds what this stamp saw. Cheap
    /// while nothing changed (only the metadata is read); when the size
    /// or time differ, the content decides. A file that is gone, or can
    /// no longer be read as a design, has changed.
    pub fn still_matches(&self, path: &Path) -> bool {
        match std::fs::metadata(path) {
            Ok(m) if m.len() == self.len && modified_ns(&m) == self.modified_unix_ns => true,
            Ok(_) => Self::read(path)
                .ok()
                .flatten()
                .is_some_and(|now| now.hash == self.hash && now.len == self.len),
            Err(_) => false,
        }
    }

    /// The stamp of the file at `path` as it is now; `None` when there is
    /// no file there.
    pub fn read(path: &Path) -> io::Result<Option<Self>> {
        match read::regular_file(path, MAX_FILE_BYTES) {
            Ok(Contents::Bytes(bytes, metadata)) => Ok(Some(Self::of(&bytes, &metadata))),
            Ok(Contents::TooLarge(len)) => Ok(Some(Self {
                len,
                modified_unix_ns: 0,
                hash: 0,
            })),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn modified_ns(metadata: &Metadata) -> u128 {
    metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The 64-bit FNV-1a hash: stable across builds and versions, so a stamp
/// kept in an autosave still compares after an update.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(path: &Path) -> DiskStamp {
        DiskStamp::read(path).expect("readable").expect("exists")
    }

    #[test]
    fn a_change_by_someone_else_is_seen_and_a_touch_is_not() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("d.archsim.ron");
        std::fs::write(&path, "(format: 1)").expect("written");
        let seen = stamp(&path);
        assert!(seen.still_matches(&path));
        // Same bytes, a later time: not a change.
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(later))
            .expect("touched");
        assert!(seen.still_matches(&path));
        // Other bytes of the same length: a change.
        std::fs::write(&path, "(format: 2)").expect("written");
        assert!(!seen.still_matches(&path));
        std::fs::remove_file(&path).expect("removed");
        assert!(!seen.still_matches(&path));
        assert_eq!(DiskStamp::read(&path).expect("no error"), None);
    }

    #[test]
    fn the_hash_is_the_published_fnv1a() {
        // Test vectors of FNV-1a, 64 bits.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
