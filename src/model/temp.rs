//! The temporary files of atomic saves: what they are called, and removing
//! those that a killed save left behind.
//!
//! A save writes `.NAME.archsim-save-XXXXXX.tmp` beside `NAME` (the file
//! being saved; `XXXXXX` random), holds a lock on it while writing, and
//! renames it over `NAME`. A process killed in between leaves the
//! temporary file; the next save or open of `NAME` removes every one of
//! its temporary files that nobody holds locked and that is older than a
//! minute (a save in progress is locked, and a fresh file may not be
//! locked yet). Files named `.archsim-save-XXXXXX.tmp`, which versions
//! before this one left without saying whose they were, are removed when
//! they are older than an hour.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The part of a temporary file's name before the random part.
fn prefix(target: &Path) -> Option<String> {
    // Keep the name short enough that prefix, random part and suffix fit
    // in a file name (255 bytes) whatever the target is called.
    const MOST: usize = 120;
    let name = target.file_name()?.to_string_lossy();
    let mut end = name.len().min(MOST);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!(".{}.{SAVE_MARK}", &name[..end]))
}

/// What every temporary file of a save has in its name.
const SAVE_MARK: &str = "archsim-save-";
/// How every temporary file of a save ends.
const SUFFIX: &str = ".tmp";
/// A temporary file younger than this is never removed.
const FRESH: Duration = Duration::from_secs(60);
/// Temporary files of earlier versions (no owner in the name, no lock)
/// younger than this are left alone.
const LEGACY_FRESH: Duration = Duration::from_secs(3600);

/// Creates the temporary file for a save of `target`, in `dir`, with
/// `permissions` where given.
pub(crate) fn create(
    target: &Path,
    dir: &Path,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let prefix = prefix(target).unwrap_or_else(|| format!(".{SAVE_MARK}"));
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(SUFFIX);
    if let Some(p) = permissions {
        builder.permissions(p);
    }
    builder.tempfile_in(dir)
}

/// Holds `file` locked while a save writes it, so that another process's
/// cleanup leaves it alone. A file system without locks saves anyway.
pub(crate) fn lock_while_writing(file: &File) {
    let _ = file.try_lock();
}

/// Removes the temporary files that killed saves of `target` left in its
/// folder (see the module's documentation). Best effort: what cannot be
/// read or removed is left.
pub(crate) fn remove_stale(target: &Path) {
    let Some(prefix) = prefix(target) else { return };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let legacy = format!(".{SAVE_MARK}");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let fresh = if name.starts_with(&prefix) && name.ends_with(SUFFIX) {
            FRESH
        } else if name.starts_with(&legacy) && name.ends_with(SUFFIX) {
            LEGACY_FRESH
        } else {
            continue;
        };
        let path = entry.path();
        if is_stale(&path, fresh) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Whether the temporary file at `path` is a regular file older than
/// `fresh` that no save holds locked.
fn is_stale(path: &Path, fresh: Duration) -> bool {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return false;
    };
    let old = metadata
        .modified()
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age >= fresh);
    if !(metadata.is_file() && old) {
        return false;
    }
    // Unlocked now: no save is writing it (the lock goes with the file
    // handle when the test ends).
    File::open(path).is_ok_and(|f| f.try_lock().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path, by: Duration) {
        File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(SystemTime::now() - by))
            .expect("aged");
    }

    #[test]
    fn only_old_unlocked_temporary_files_of_the_design_are_removed() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let target = dir.path().join("orders.archsim.ron");
        let stale = dir
            .path()
            .join(".orders.archsim.ron.archsim-save-abc123.tmp");
        let fresh = dir
            .path()
            .join(".orders.archsim.ron.archsim-save-def456.tmp");
        let locked = dir
            .path()
            .join(".orders.archsim.ron.archsim-save-ghi789.tmp");
        let other = dir
            .path()
            .join(".billing.archsim.ron.archsim-save-abc123.tmp");
        let legacy_old = dir.path().join(".archsim-save-Xy12Zq.tmp");
        let legacy_new = dir.path().join(".archsim-save-Qq34Rr.tmp");
        for p in [&stale, &fresh, &locked, &other, &legacy_old, &legacy_new] {
            std::fs::write(p, "half a design").expect("written");
        }
        for p in [&stale, &locked, &other] {
            age(p, Duration::from_secs(120));
        }
        age(&legacy_old, Duration::from_secs(7200));
        age(&legacy_new, Duration::from_secs(120));
        let holder = File::open(&locked).expect("opens");
        holder.lock().expect("locks");
        remove_stale(&target);
        assert!(!stale.exists(), "an old unlocked leftover goes");
        assert!(
            !legacy_old.exists(),
            "an hour-old leftover of an old version goes"
        );
        for kept in [&fresh, &locked, &other, &legacy_new] {
            assert!(kept.exists(), "{} is kept", kept.display());
        }
    }

    #[test]
    fn names_fit_whatever_the_design_is_called() {
        let long = "ä".repeat(120) + ".archsim.ron";
        let p = prefix(Path::new(&long)).expect("a name");
        assert!(p.len() + 6 + SUFFIX.len() < 255, "{}", p.len());
        assert!(p.starts_with('.') && p.ends_with(SAVE_MARK));
    }
}
