//! The design's file: opening, reloading, saving (asking where, or for a
//! typed path when no file dialog can be shown), and noticing when someone
//! else changed it. Every way of replacing the open document goes through
//! [`ArchsimApp::replace`].

use std::path::{Path, PathBuf};

use crate::model::{DiskStamp, LoadError, file};

use super::autosave::Recoverable;
use super::command::Command;
use super::dialogs::{Answer, Dialog, FilePurpose};
use super::document::{Document, Origin};
use super::files::{self, FileDialogs, PendingPick, Picked};
use super::focus::Focus;
use super::inspector::Inspector;
use super::{ArchsimApp, DISK_CHECK_S, load_error};

impl ArchsimApp {
    pub(super) fn forget(&mut self, found: &Recoverable) {
        let Some(dir) = self.env.data_dir.clone() else {
            return;
        };
        if let Err(e) = found.forget(&dir) {
            self.say(format!("Cannot delete the recovered copy: {e}"));
        }
    }

    /// Makes `doc` the open document, with a fresh view.
    pub(super) fn replace(&mut self, doc: Document) {
        self.doc = doc;
        self.disk_noticed = None;
        self.selection.clear();
        self.canvas.reset();
        self.inspector = Inspector::default();
        self.simulation.reset();
        self.suggestions.reset();
        self.studies.reset();
        self.preview = None;
        self.focus = Focus::None;
        self.fault_draft = None;
        // An import report is about the design it came with.
        self.import = super::imported::ImportPanel::default();
        if self.side == super::SideTab::Import {
            self.side = super::SideTab::Inspector;
        }
    }

    pub(super) fn open_file(&mut self, path: &Path) {
        match file::load_stamped(path) {
            Ok((design, stamp)) => {
                self.replace(
                    Document::new(design, Origin::File(path.to_owned())).with_disk(Some(stamp)),
                );
                self.settings.recent.add(path);
            }
            Err(e) => {
                if matches!(&e, LoadError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
                {
                    self.settings.recent.remove(path);
                }
                self.dialogs.push_back(load_error(path, &e));
            }
        }
    }

    /// Makes the design the traces at `path` show the open document (new,
    /// unsaved), with its import report in a window.
    pub(super) fn import_traces(&mut self, path: &Path) {
        match super::imported::import_file(path) {
            Ok((design, report)) => {
                let guesses = report.guesses.len();
                let panel = super::imported::ImportPanel::new(report, &design);
                self.replace(Document::imported(design));
                // After `replace`, which closes the report of the design before.
                self.import = panel;
                self.side = super::SideTab::Import;
                self.say(format!(
                    "Imported {}: check the {guesses} guesses in the import report, then save",
                    path.display()
                ));
            }
            Err(e) => self.dialogs.push_back(Dialog::Error {
                title: "Cannot import traces".into(),
                message: e.to_string(),
            }),
        }
    }

    /// Reads the design's file again, as someone else left it. Returns
    /// whether it could.
    pub(super) fn reload(&mut self) -> bool {
        let Some(path) = self.doc.path().map(Path::to_owned) else {
            return false;
        };
        match file::load_stamped(&path) {
            Ok((design, stamp)) => {
                self.replace(
                    Document::new(design, Origin::File(path.clone())).with_disk(Some(stamp)),
                );
                self.say(format!("Reloaded {}", path.display()));
                true
            }
            Err(e) => {
                self.dialogs.push_back(load_error(&path, &e));
                false
            }
        }
    }

    /// Saves to the document's file, or asks where. When someone else
    /// changed the file since it was opened or saved here, asks first
    /// (Reload, Overwrite, Save as) and carries out `then` once that is
    /// answered. Returns whether it saved now.
    pub(super) fn save(&mut self, then: Option<&Command>) -> bool {
        match self.doc.path().map(Path::to_owned) {
            Some(path) if self.doc.changed_on_disk() => {
                self.ask_about_disk(path, then.cloned());
                false
            }
            Some(path) => self.save_to(&path),
            None => self.save_as(then.cloned()),
        }
    }

    /// Asks what to do about the file at `path` changed on disk, unless
    /// that is being asked already.
    pub(super) fn ask_about_disk(&mut self, path: PathBuf, then: Option<Command>) {
        let asked = self
            .dialogs
            .iter()
            .any(|d| matches!(d, Dialog::ChangedOnDisk { then: t, .. } if *t == then));
        if !asked {
            self.dialogs.push_back(Dialog::ChangedOnDisk {
                path,
                unsaved: self.doc.is_dirty(),
                then,
            });
        }
    }

    /// Every [`DISK_CHECK_S`]: when the open file was changed by someone
    /// else, says so once per change. (A recovered design that never saw
    /// its file is asked about when it is saved, not here.)
    pub(super) fn notice_disk_change(&mut self, now: f64) {
        let last = *self.disk_checked.get_or_insert(now);
        if now - last < DISK_CHECK_S {
            return;
        }
        self.disk_checked = Some(now);
        let Some(path) = self.doc.path().map(Path::to_owned) else {
            return;
        };
        if self.doc.disk().is_none() || !self.doc.changed_on_disk() {
            return;
        }
        let seen = DiskStamp::read(&path).ok().flatten();
        if seen.is_some() && seen != self.disk_noticed {
            self.disk_noticed = seen;
            self.ask_about_disk(path, None);
        }
    }

    /// Asks where, then saves. Returns whether it saved. When no file
    /// dialog can be shown, asks for the path in a dialog of its own and
    /// carries out `then` once that saved.
    pub(super) fn save_as(&mut self, then: Option<Command>) -> bool {
        let name = self
            .doc
            .path()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| files::file_name_for(&self.doc.design().name));
        let dir = self.doc.path().and_then(Path::parent).map(Path::to_owned);
        let dir = dir
            .as_deref()
            .or(self.settings.recent.last_dir())
            .map(Path::to_owned);
        let fallback = dir.clone().unwrap_or_default().join(&name);
        self.pick(FilePurpose::SaveDesign { then }, fallback, move |dialogs| {
            dialogs.save_design(dir.as_deref(), &name)
        });
        // Saved (and `then` carried out) when the dialog answers.
        false
    }

    /// Shows a file dialog through `ask` on its own thread (the window
    /// keeps repainting), and acts on its answer for `purpose` when it
    /// comes ([`Self::poll_file_dialog`]); `fallback` starts the app's own
    /// path dialog should no file dialog show.
    pub(super) fn pick(
        &mut self,
        purpose: FilePurpose,
        fallback: PathBuf,
        ask: impl FnOnce(&mut dyn FileDialogs) -> Picked + Send + 'static,
    ) {
        if self.picking.is_some() {
            self.say("A file dialog is open already: answer it first.");
            return;
        }
        self.picking = Some(PendingPick::ask(
            self.env.dialogs.as_mut(),
            purpose,
            fallback,
            ask,
        ));
    }

    /// Once a frame: acts on the file dialog's answer, once there is one.
    pub(super) fn poll_file_dialog(&mut self, ctx: &egui::Context) {
        let Some(picking) = self.picking.take() else {
            return;
        };
        let Some(picked) = picking.poll() else {
            // The dialog's thread answers without a frame to wake us.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
            self.picking = Some(picking);
            return;
        };
        let PendingPick {
            purpose, fallback, ..
        } = picking;
        match picked {
            Picked::Chosen(path) => self.answer(ctx, Answer::Path(purpose, path)),
            Picked::Cancelled => {}
            Picked::Unavailable(reason) => self.ask_for_path(purpose, reason, fallback),
        }
    }

    /// Asks for a file's path in a dialog of the app's own (no file
    /// dialog could be shown, for `reason`), starting from `path`.
    pub(super) fn ask_for_path(&mut self, purpose: FilePurpose, reason: String, path: PathBuf) {
        self.dialogs.push_back(Dialog::PathEntry {
            purpose,
            reason,
            path: path.display().to_string(),
        });
    }

    pub(super) fn save_to(&mut self, path: &Path) -> bool {
        match self.doc.save_to(path) {
            Ok(()) => {
                self.settings.recent.add(path);
                self.say(format!("Saved {}", path.display()));
                self.disk_noticed = None;
                // The copy is older than the file now.
                if let Some(autosave) = &mut self.autosave
                    && let Err(e) = autosave.saved()
                {
                    self.say(format!("Saved, but cannot remove the autosave copy: {e}"));
                }
                true
            }
            Err(e) => {
                self.dialogs.push_back(Dialog::Error {
                    title: "Cannot save".into(),
                    message: e.to_string(),
                });
                false
            }
        }
    }
}
