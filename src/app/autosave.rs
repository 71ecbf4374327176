//! Autosave and recovery after a crash.
//!
//! Every running app is a session with a lock file in the app's data
//! folder, held locked for as long as the app runs. While the design has
//! unsaved changes, the session writes a copy of it next to its lock every
//! [`Autosave::INTERVAL_S`] seconds. A clean exit deletes both files. When
//! the app starts and finds a lock that nobody holds any more, that session
//! crashed: if it left a copy, the app offers to recover it. Sessions still
//! running (their lock is held) are left alone, so two windows never steal
//! each other's work.
//!
//! A successful save removes the session's copy at once (it is older than
//! what was saved), and before offering a copy the app compares it with
//! the file it was a copy of: a copy that holds what the file holds is
//! removed without asking, and one older than the file's last save says
//! so.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::model::{DiskStamp, file};

use super::document::{Document, Origin};

/// What a session's copy is a copy of, written beside it as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutosaveInfo {
    /// The design's name for people (file name or example name).
    pub title: String,
    /// The file the session was editing, if any.
    pub original: Option<PathBuf>,
    /// What that file looked like when the session last read or wrote it:
    /// a recovered design saved over a file changed since is a conflict.
    #[serde(default)]
    pub disk: Option<DiskStamp>,
}

/// A copy left behind by a session that crashed.
#[derive(Debug, Clone, PartialEq)]
pub struct Recoverable {
    /// The copy of the design.
    pub design: PathBuf,
    /// What it is a copy of.
    pub info: AutosaveInfo,
    /// When it was written.
    pub written: Option<SystemTime>,
    /// When the file it is a copy of was saved, if that was after the copy
    /// was written: the copy is then older than what is saved.
    pub saved_after: Option<SystemTime>,
    session: String,
}

/// This app's session: its lock, and the copy it keeps of a dirty design.
#[derive(Debug)]
pub struct Autosave {
    dir: PathBuf,
    session: String,
    /// Held (locked) while the app runs; closing it releases the lock.
    _lock: File,
    /// Input time of the last check, seconds.
    last_check: Option<f64>,
    /// Revision of the design last written.
    written: Option<u64>,
}

impl Autosave {
    /// Seconds between two copies of a dirty design.
    pub const INTERVAL_S: f64 = 30.0;

    /// Starts a session in `dir` (created if needed). Returns it with the
    /// copies left by crashed sessions, newest first.
    pub fn start(dir: &Path) -> io::Result<(Self, Vec<Recoverable>)> {
        std::fs::create_dir_all(dir)?;
        let found = crashed_sessions(dir)?;
        let session = new_session_id();
        let lock = File::create(lock_path(dir, &session))?;
        // A fresh file nobody else knows: the lock cannot be contended.
        lock.try_lock().map_err(|e| match e {
            TryLockError::Error(e) => e,
            TryLockError::WouldBlock => io::Error::other("session lock is taken"),
        })?;
        let autosave = Self {
            dir: dir.to_owned(),
            session,
            _lock: lock,
            last_check: None,
            written: None,
        };
        Ok((autosave, found))
    }

    /// Where this session writes its copy.
    pub fn copy_path(&self) -> PathBuf {
        copy_path(&self.dir, &self.session)
    }

    /// Called every frame with the input time in seconds: every
    /// [`Self::INTERVAL_S`], writes a copy of `doc` if it has unsaved
    /// changes not yet copied, and removes the copy once it has none.
    /// Returns whether it wrote.
    pub fn tick(&mut self, now: f64, doc: &Document) -> io::Result<bool> {
        let last = *self.last_check.get_or_insert(now);
        if now - last < Self::INTERVAL_S {
            return Ok(false);
        }
        self.last_check = Some(now);
        if !doc.is_dirty() {
            if self.written.take().is_some() {
                self.remove_copy()?;
            }
            return Ok(false);
        }
        if self.written == Some(doc.revision()) {
            return Ok(false);
        }
        let text = file::to_string(doc.design()).map_err(io::Error::other)?;
        file::write_atomically(&self.copy_path(), text.as_bytes())?;
        let info = AutosaveInfo {
            title: doc.display_name(),
            original: match doc.origin() {
                Origin::File(p) => Some(p.clone()),
                Origin::Recovered { original, .. } => original.clone(),
                Origin::Untitled | Origin::Example(_) => None,
            },
            disk: doc.disk().copied(),
        };
        let json = serde_json::to_vec_pretty(&info).map_err(io::Error::other)?;
        file::write_atomically(&info_path(&self.dir, &self.session), &json)?;
        self.written = Some(doc.revision());
        Ok(true)
    }

    /// The document was saved: its copy is older than the file now, so it
    /// goes (a crash right after a save must not offer the older copy as
    /// unsaved work).
    pub fn saved(&mut self) -> io::Result<()> {
        self.written = None;
        self.remove_copy()
    }

    /// Ends the session cleanly: its files are removed, so the next start
    /// offers nothing to recover.
    pub fn clean_exit(self) -> io::Result<()> {
        self.remove_copy()?;
        remove_if_present(&lock_path(&self.dir, &self.session))
    }

    fn remove_copy(&self) -> io::Result<()> {
        remove_if_present(&self.copy_path())?;
        remove_if_present(&info_path(&self.dir, &self.session))
    }
}

impl Recoverable {
    /// Deletes the crashed session's files (after recovering or declining).
    pub fn forget(&self, dir: &Path) -> io::Result<()> {
        remove_if_present(&self.design)?;
        remove_if_present(&info_path(dir, &self.session))?;
        remove_if_present(&lock_path(dir, &self.session))
    }
}

fn new_session_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn lock_path(dir: &Path, session: &str) -> PathBuf {
    dir.join(format!("session-{session}.lock"))
}

fn copy_path(dir: &Path, session: &str) -> PathBuf {
    dir.join(format!("session-{session}.{}", file::EXTENSION))
}

fn info_path(dir: &Path, session: &str) -> PathBuf {
    dir.join(format!("session-{session}.json"))
}

/// When the copy's original was last saved, if after the copy was
/// written.
fn saved_after(info: &AutosaveInfo, written: Option<SystemTime>) -> Option<SystemTime> {
    let saved = std::fs::metadata(info.original.as_ref()?)
        .and_then(|m| m.modified())
        .ok()?;
    (saved > written?).then_some(saved)
}

/// Whether a crashed session's copy holds the very design its original
/// file holds: nothing to recover.
fn holds_what_is_saved(found: &Recoverable) -> bool {
    let Some(original) = &found.info.original else {
        return false;
    };
    match (file::load(&found.design), file::load(original)) {
        (Ok(copy), Ok(saved)) => copy == saved,
        _ => false,
    }
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The copies left by sessions whose lock nobody holds, newest first. A
/// crashed session that left no copy has its lock removed.
fn crashed_sessions(dir: &Path) -> io::Result<Vec<Recoverable>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(session) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("session-"))
            .and_then(|n| n.strip_suffix(".lock"))
            .map(str::to_owned)
        else {
            continue;
        };
        let Ok(lock) = File::open(&path) else {
            continue;
        };
        match lock.try_lock() {
            Ok(()) => {}
            // Held: that session is running.
            Err(TryLockError::WouldBlock) => continue,
            Err(TryLockError::Error(e)) => return Err(e),
        }
        drop(lock);
        let design = copy_path(dir, &session);
        if !design.exists() {
            remove_if_present(&path)?;
            continue;
        }
        let info = std::fs::read(info_path(dir, &session))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_else(|| AutosaveInfo {
                title: "Untitled".into(),
                original: None,
                disk: None,
            });
        let written = std::fs::metadata(&design).and_then(|m| m.modified()).ok();
        let found_one = Recoverable {
            saved_after: saved_after(&info, written),
            design,
            info,
            written,
            session,
        };
        if holds_what_is_saved(&found_one) {
            found_one.forget(dir)?;
            continue;
        }
        found.push(found_one);
    }
    found.sort_by_key(|r| std::cmp::Reverse(r.written));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Design;

    fn dirty_doc() -> Document {
        let mut doc = Document::new(Design::new("a"), Origin::Untitled);
        doc.edit(None, |d| d.name = "b".into());
        doc
    }

    #[test]
    fn a_dirty_design_is_copied_every_interval() {
        let dir = tempfile::tempdir().unwrap();
        let (mut autosave, found) = Autosave::start(dir.path()).unwrap();
        assert!(found.is_empty());
        let doc = dirty_doc();
        assert!(!autosave.tick(0.0, &doc).unwrap());
        assert!(!autosave.tick(29.0, &doc).unwrap());
        assert!(autosave.tick(30.0, &doc).unwrap());
        assert!(autosave.copy_path().exists());
        // Nothing new: no write.
        assert!(!autosave.tick(61.0, &doc).unwrap());
    }

    #[test]
    fn a_crashed_session_is_offered_and_a_clean_exit_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let (mut crashed, _) = Autosave::start(dir.path()).unwrap();
        let doc = dirty_doc();
        crashed.tick(0.0, &doc).unwrap();
        crashed.tick(31.0, &doc).unwrap();
        // A running session is not offered.
        let (clean, found) = Autosave::start(dir.path()).unwrap();
        assert!(found.is_empty());
        drop(crashed); // the lock goes with the process
        clean.clean_exit().unwrap();
        let (_next, found) = Autosave::start(dir.path()).unwrap();
        assert_eq!(found.len(), 1);
        let recovered = file::load(&found[0].design).unwrap();
        assert_eq!(recovered.name, "b");
        assert_eq!(found[0].info.title, "Untitled");
        found[0].forget(dir.path()).unwrap();
        let (_again, found) = Autosave::start(dir.path()).unwrap();
        assert!(found.is_empty());
    }
}
