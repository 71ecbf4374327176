//! Modal dialogs: unsaved changes, a file changed by someone else, errors,
//! crash recovery, shortcuts, about. One is shown at a time; the app keeps
//! a queue.

use std::path::PathBuf;
use std::time::SystemTime;

use egui::{Id, Modal, RichText, Ui};

use super::autosave::Recoverable;
use super::command::Command;
use super::shortcuts;

/// A dialog waiting for the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    /// `then` would throw away unsaved changes: Save, Discard or Cancel.
    Unsaved {
        /// What the user asked for.
        then: Command,
    },
    /// The design's file was changed by someone else (another window, an
    /// editor) since it was opened or saved here: Reload, Overwrite, Save
    /// as, or Cancel. Asked before a save would overwrite it, and when the
    /// app notices the change.
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
        /// Whether the design here has changes the file does not.
        unsaved: bool,
        /// What to carry out once resolved (the command a save was for).
        then: Option<Command>,
    },
    /// Something went wrong; the message says what and where.
    Error {
        /// One line: what failed.
        title: String,
        /// The details (for load errors: `file:line:col: ...`).
        message: String,
    },
    /// A crashed session left a copy of its design.
    Recover(Recoverable),
    /// No file dialog could be shown: the path is typed instead.
    PathEntry {
        /// What the file is for.
        purpose: FilePurpose,
        /// Why the file dialog did not show.
        reason: String,
        /// The path typed so far.
        path: String,
    },
    /// Help ▸ Shortcuts.
    Shortcuts,
    /// Help ▸ About.
    About,
}

/// What a file asked for is for.
#[derive(Debug, Clone, PartialEq)]
pub enum FilePurpose {
    /// A design to open.
    Open,
    /// Where to save the design; then carry out the command.
    SaveDesign {
        /// What the save was for.
        then: Option<Command>,
    },
    /// Where to write a report.
    ExportReport,
    /// Trace files to import a design from.
    ImportTraces,
}

impl FilePurpose {
    /// The dialog's title and its button.
    fn words(&self) -> (&'static str, &'static str) {
        match self {
            Self::Open => ("Open a design", "Open"),
            Self::SaveDesign { .. } => ("Save the design", "Save"),
            Self::ExportReport => ("Export a report", "Export"),
            Self::ImportTraces => ("Import traces", "Import"),
        }
    }
}

/// What the user answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Save, then carry out the command.
    SaveThen(Command),
    /// Carry out the command, dropping the changes.
    DiscardThen(Command),
    /// Read the file again, dropping the changes here; then the command.
    Reload(Option<Command>),
    /// Save over the other changes; then the command.
    Overwrite(Option<Command>),
    /// Save to another file; then the command.
    SaveAsThen(Option<Command>),
    /// Open the crashed session's copy.
    Recover(Recoverable),
    /// Delete the crashed session's copy.
    DeleteRecovery(Recoverable),
    /// The file typed in for `purpose`.
    Path(FilePurpose, PathBuf),
    /// Close the dialog, doing nothing.
    Close,
}

/// Shows `dialog` (whose fields the user may edit); returns the answer
/// once the user gives one.
pub fn dialog_ui(ctx: &egui::Context, dialog: &mut Dialog) -> Option<Answer> {
    let mut answer = None;
    let modal = Modal::new(Id::new("archsim-dialog")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        answer = match dialog {
            Dialog::Unsaved { then } => unsaved_ui(ui, then),
            Dialog::ChangedOnDisk {
                path,
                unsaved,
                then,
            } => changed_on_disk_ui(ui, path, *unsaved, then),
            Dialog::PathEntry {
                purpose,
                reason,
                path,
            } => path_entry_ui(ui, purpose, reason, path),
            Dialog::Error { title, message } => error_ui(ui, title, message),
            Dialog::Recover(found) => recover_ui(ui, found),
            Dialog::Shortcuts => shortcuts_ui(ui),
            Dialog::About => about_ui(ui),
        };
    });
    // Escape or a click outside: cancel. Never deletes anything.
    if answer.is_none() && modal.should_close() {
        answer = Some(Answer::Close);
    }
    answer
}

fn unsaved_ui(ui: &mut Ui, then: &Command) -> Option<Answer> {
    ui.heading("Unsaved changes");
    ui.label(format!(
        "The design has changes that are not saved. Save them before “{}”?",
        then.describe()
    ));
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Save").clicked() {
            Some(Answer::SaveThen(then.clone()))
        } else if ui.button("Discard").clicked() {
            Some(Answer::DiscardThen(then.clone()))
        } else if ui.button("Cancel").clicked() {
            Some(Answer::Close)
        } else {
            None
        }
    })
    .inner
}

fn changed_on_disk_ui(
    ui: &mut Ui,
    path: &std::path::Path,
    unsaved: bool,
    then: &Option<Command>,
) -> Option<Answer> {
    ui.heading("The file changed on disk");
    ui.label(format!(
        "{} was changed by someone else (another window or program) since it was opened or saved here.",
        path.display()
    ));
    ui.label(if unsaved {
        "Reload drops the changes made here; Overwrite replaces the other changes with these; Save as keeps both."
    } else {
        "Reload shows the other changes; Overwrite replaces them with the design shown here; Save as keeps both."
    });
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Reload").clicked() {
            Some(Answer::Reload(then.clone()))
        } else if ui.button("Overwrite").clicked() {
            Some(Answer::Overwrite(then.clone()))
        } else if ui.button("Save as…").clicked() {
            Some(Answer::SaveAsThen(then.clone()))
        } else if ui.button("Cancel").clicked() {
            Some(Answer::Close)
        } else {
            None
        }
    })
    .inner
}

fn path_entry_ui(
    ui: &mut Ui,
    purpose: &FilePurpose,
    reason: &str,
    path: &mut String,
) -> Option<Answer> {
    let (title, verb) = purpose.words();
    ui.heading(title);
    ui.label(reason);
    ui.label("Type the file's path instead.");
    let field = ui
        .horizontal(|ui| {
            let label = ui.label("Path");
            ui.add(
                egui::TextEdit::singleline(path)
                    .desired_width(f32::INFINITY)
                    .hint_text("/path/to/design.archsim.ron"),
            )
            .labelled_by(label.id)
        })
        .inner;
    if ui.memory(|m| m.focused().is_none()) {
        field.request_focus();
    }
    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.add_space(8.0);
    let chosen = std::path::Path::new(path.trim());
    let ready = !chosen.as_os_str().is_empty();
    ui.horizontal(|ui| {
        let go = ui.add_enabled(ready, egui::Button::new(verb)).clicked();
        if (go || entered) && ready {
            Some(Answer::Path(purpose.clone(), chosen.to_owned()))
        } else if ui.button("Cancel").clicked() {
            Some(Answer::Close)
        } else {
            None
        }
    })
    .inner
}

fn error_ui(ui: &mut Ui, title: &str, message: &str) -> Option<Answer> {
    ui.heading(title);
    egui::ScrollArea::vertical()
        .max_height(300.0)
        .show(ui, |ui| {
            ui.label(RichText::new(message).monospace());
        });
    ui.add_space(8.0);
    ui.button("OK").clicked().then_some(Answer::Close)
}

fn recover_ui(ui: &mut Ui, found: &Recoverable) -> Option<Answer> {
    ui.heading("Recover unsaved work?");
    ui.label(format!(
        "archsim did not close properly last time. It kept a copy of “{}” with changes that were not saved.",
        found.info.title
    ));
    if let Some(original) = &found.info.original {
        ui.weak(format!(
            "Saving the recovered design writes to {}.",
            original.display()
        ));
        if let Some(saved) = found.saved_after {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "That file was saved {} after this copy was made, so the copy is probably older than what is saved. Recover it only if it has work the file lacks.",
                    how_long(found.written, saved)
                ),
            );
        }
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Recover").clicked() {
            Some(Answer::Recover(found.clone()))
        } else if ui
            .button("Discard")
            .on_hover_text("Delete the copy")
            .clicked()
        {
            Some(Answer::DeleteRecovery(found.clone()))
        } else if ui
            .button("Later")
            .on_hover_text("Keep the copy; ask again next time")
            .clicked()
        {
            Some(Answer::Close)
        } else {
            None
        }
    })
    .inner
}

/// "3 minutes", "2 hours": how long after `from` `to` came.
fn how_long(from: Option<SystemTime>, to: SystemTime) -> String {
    let Some(seconds) = from
        .and_then(|f| to.duration_since(f).ok())
        .map(|d| d.as_secs())
    else {
        return "some time".into();
    };
    let (n, unit) = match seconds {
        0..120 => (seconds, "second"),
        120..7200 => (seconds / 60, "minute"),
        7200..172_800 => (seconds / 3600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn shortcuts_ui(ui: &mut Ui) -> Option<Answer> {
    ui.heading("Keyboard shortcuts");
    ui.weak("Shortcuts do nothing while you type in a text field.");
    egui::Grid::new("shortcuts")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for s in shortcuts::table() {
                ui.monospace(ui.ctx().format_shortcut(&s.keys));
                ui.label(s.command.describe());
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    ui.strong("On the canvas");
    egui::Grid::new("gestures")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (gesture, effect) in shortcuts::GESTURES {
                ui.label(*gesture);
                ui.label(*effect);
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    ui.button("Close").clicked().then_some(Answer::Close)
}

fn about_ui(ui: &mut Ui) -> Option<Answer> {
    ui.heading(format!("archsim {}", env!("CARGO_PKG_VERSION")));
    ui.label(env!("CARGO_PKG_DESCRIPTION"));
    ui.add_space(4.0);
    ui.label(
        "Draw services and the links between them, tag every link with its communication style, \
         and see where the design is fragile.",
    );
    ui.add_space(8.0);
    ui.button("Close").clicked().then_some(Answer::Close)
}
