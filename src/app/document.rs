//! The open document: the design, where it came from, whether it has
//! unsaved changes, and its undo history.
//!
//! The [`Design`] here is the source of truth; the canvas's graph and the
//! inspector's fields are views rebuilt from it. Every change goes through
//! [`Document::edit`], which records the undo step and bumps the revision
//! the views watch.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::file::{self, SaveError};
use crate::model::{Design, DiskStamp};

use super::history::{EditKey, History};

/// Where the document was opened from, which decides where Save writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A new, empty design (Save asks where).
    Untitled,
    /// A built-in example (Save asks where, the example stays untouched).
    Example(&'static str),
    /// A file on disk (Save writes back to it).
    File(PathBuf),
    /// An autosave recovered after a crash; Save writes to the file it was
    /// a copy of, if it had one.
    Recovered {
        /// The file the lost session was editing.
        original: Option<PathBuf>,
        /// What the lost session called the design.
        title: String,
    },
}

/// Revisions are unique across documents, so a view synced to one
/// document's revision never mistakes another for it.
fn next_revision() -> u64 {
    static REVISION: AtomicU64 = AtomicU64::new(1);
    REVISION.fetch_add(1, Ordering::Relaxed)
}

/// A design being edited.
#[derive(Debug)]
pub struct Document {
    design: Design,
    origin: Origin,
    /// The design as last opened or saved; `None` when it was never saved
    /// anywhere (a recovered autosave), which makes it always dirty.
    baseline: Option<Design>,
    dirty: bool,
    history: History,
    revision: u64,
    /// The file as this document last read or wrote it: whoever changes
    /// it after that is someone else.
    disk: Option<DiskStamp>,
}

impl Document {
    /// A document for `design`, unchanged since it came from `origin`.
    pub fn new(design: Design, origin: Origin) -> Self {
        Self {
            baseline: Some(design.clone()),
            design,
            origin,
            dirty: false,
            history: History::default(),
            revision: next_revision(),
            disk: None,
        }
    }

    /// The document, knowing what its file looked like on disk when its
    /// design was read from it (or, recovered, when the lost session last
    /// read or wrote it).
    pub fn with_disk(mut self, stamp: Option<DiskStamp>) -> Self {
        self.disk = stamp;
        self
    }

    /// What its file looked like when this document last read or wrote
    /// it.
    pub fn disk(&self) -> Option<&DiskStamp> {
        self.disk.as_ref()
    }

    /// Whether saving to its file would overwrite what someone else wrote
    /// there since this document read or wrote it. A file that is gone is
    /// not: saving loses nothing. A recovered design that never saw its
    /// file does not know what it held, so any file there counts.
    pub fn changed_on_disk(&self) -> bool {
        let Some(path) = self.path() else {
            return false;
        };
        if !path.exists() {
            return false;
        }
        self.disk.is_none_or(|stamp| !stamp.still_matches(path))
    }

    /// A document for a design imported from traces: new, and unsaved
    /// until saved (closing asks first).
    pub fn imported(design: Design) -> Self {
        Self {
            // No file holds it: every state of it is unsaved.
            baseline: None,
            dirty: true,
            ..Self::new(design, Origin::Untitled)
        }
    }

    /// A document for a design recovered from an autosave: it has unsaved
    /// changes until saved.
    pub fn recovered(design: Design, original: Option<PathBuf>, title: String) -> Self {
        Self {
            design,
            origin: Origin::Recovered { original, title },
            baseline: None,
            dirty: true,
            history: History::default(),
            revision: next_revision(),
            disk: None,
        }
    }

    /// The design.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Where it came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The file Save writes to, if there is one.
    pub fn path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::File(p) => Some(p),
            Origin::Recovered { original, .. } => original.as_deref(),
            Origin::Untitled | Origin::Example(_) => None,
        }
    }

    /// The name shown in the title bar and status bar: the file name, the
    /// example's name, or "Untitled".
    pub fn display_name(&self) -> String {
        let file_name = |p: &Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        match &self.origin {
            Origin::Untitled => "Untitled".into(),
            Origin::Example(slug) => format!("{slug} (example)"),
            Origin::File(p) => file_name(p),
            Origin::Recovered {
                original: Some(p), ..
            } => format!("{} (recovered)", file_name(p)),
            Origin::Recovered {
                original: None,
                title,
            } => format!("{title} (recovered)"),
        }
    }

    /// Whether there are changes that Save has not written.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Changes with every edit, undo and redo; views rebuild when it does.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Applies `change` as one undo step, or as part of the open step when
    /// `key` continues it. A change that changes nothing adds no step.
    /// Returns whether the design changed.
    pub fn edit(&mut self, key: Option<EditKey>, change: impl FnOnce(&mut Design)) -> bool {
        if self.history.continues(key) {
            change(&mut self.design);
            self.changed();
            return true;
        }
        let before = self.design.clone();
        change(&mut self.design);
        if self.design == before {
            return false;
        }
        self.history.record(before, key);
        self.changed();
        true
    }

    /// Ends the open continuous edit, if any.
    pub fn close_session(&mut self) {
        self.history.close_session();
    }

    /// The key of the open continuous edit, if any.
    pub fn open_session(&self) -> Option<EditKey> {
        self.history.open_session()
    }

    /// Whether Undo would do something.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// Whether Redo would do something.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Undoes the last step; false when there is none.
    pub fn undo(&mut self) -> bool {
        let done = self.history.undo(&mut self.design);
        if done {
            self.changed();
        }
        done
    }

    /// Redoes the last undone step; false when there is none.
    pub fn redo(&mut self) -> bool {
        let done = self.history.redo(&mut self.design);
        if done {
            self.changed();
        }
        done
    }

    /// Saves the design to `path` (atomically); from then on the document
    /// is that file and has no unsaved changes. It does not ask whether
    /// someone else changed the file: see [`Self::changed_on_disk`].
    pub fn save_to(&mut self, path: &Path) -> Result<(), SaveError> {
        self.disk = Some(file::save_stamped(&self.design, path)?);
        self.origin = Origin::File(path.to_owned());
        self.baseline = Some(self.design.clone());
        self.dirty = false;
        Ok(())
    }

    fn changed(&mut self) {
        self.revision = next_revision();
        self.dirty = self.baseline.as_ref() != Some(&self.design);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_make_it_dirty_and_undo_makes_it_clean() {
        let mut doc = Document::new(Design::new("a"), Origin::Untitled);
        assert!(!doc.is_dirty());
        assert!(doc.edit(None, |d| d.name = "b".into()));
        assert!(doc.is_dirty());
        doc.undo();
        assert!(!doc.is_dirty());
        assert_eq!(doc.design().name, "a");
    }

    #[test]
    fn a_change_that_changes_nothing_is_no_step() {
        let mut doc = Document::new(Design::new("a"), Origin::Untitled);
        let rev = doc.revision();
        assert!(!doc.edit(None, |d| d.name = "a".into()));
        assert!(!doc.can_undo());
        assert_eq!(doc.revision(), rev);
    }

    #[test]
    fn one_session_is_one_step() {
        let mut doc = Document::new(Design::new(""), Origin::Untitled);
        let key = Some(egui::Id::new("name"));
        for text in ["a", "ab", "abc"] {
            doc.edit(key, |d| d.name = text.into());
        }
        doc.close_session();
        doc.edit(key, |d| d.name = "abcd".into());
        doc.undo();
        assert_eq!(doc.design().name, "abc");
        doc.undo();
        assert_eq!(doc.design().name, "");
        assert!(!doc.can_undo());
    }

    #[test]
    fn a_file_changed_by_someone_else_is_noticed() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("d.archsim.ron");
        file::save(&Design::new("theirs"), &path).expect("saved");
        let (design, stamp) = file::load_stamped(&path).expect("loads");
        let mut doc = Document::new(design, Origin::File(path.clone())).with_disk(Some(stamp));
        assert!(!doc.changed_on_disk());
        file::save(&Design::new("someone else's"), &path).expect("saved");
        assert!(doc.changed_on_disk());
        // Our own save is not someone else's change.
        doc.save_to(&path).expect("saved");
        assert!(!doc.changed_on_disk());
        // A recovered design that never saw the file: any file is a change.
        let recovered = Document::recovered(Design::new("a"), Some(path.clone()), "a".into());
        assert!(recovered.changed_on_disk());
        std::fs::remove_file(&path).expect("removed");
        assert!(!recovered.changed_on_disk(), "nothing to overwrite");
    }

    #[test]
    fn recovered_documents_are_dirty_and_save_to_their_original() {
        let doc = Document::recovered(
            Design::new("a"),
            Some(PathBuf::from("/tmp/x.archsim.ron")),
            "a".into(),
        );
        assert!(doc.is_dirty());
        assert_eq!(doc.path(), Some(Path::new("/tmp/x.archsim.ron")));
        assert_eq!(doc.display_name(), "x.archsim.ron (recovered)");
    }
}
