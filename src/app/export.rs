//! File ▸ Export report…: ask where, then make the report on a background
//! thread (it simulates the design and every suggestion), showing progress
//! in a small window with Cancel, so the editor never freezes.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::model::{Design, file};
use crate::report::{self, Format, ReportOptions, Source};
use crate::sim::RunControl;
use crate::study::Studies;

use super::ArchsimApp;
use super::dialogs::{Dialog, FilePurpose};
use super::document::Origin;
use super::files;
use super::run::what_if;

/// A report being made on another thread.
pub struct ExportJob {
    /// Where it goes.
    path: PathBuf,
    /// Progress and cancel, shared with the thread.
    control: RunControl,
    /// Replications it will run in all.
    planned: u32,
    /// The thread's answer: the report written, or why not.
    done: Receiver<Result<(), String>>,
}

impl ExportJob {
    /// Starts making the report of `design` into `path`, in the format
    /// its extension names (HTML when none does).
    /// `studies` are those already run on the design, which the report
    /// includes.
    pub fn start(
        design: Design,
        source: Source,
        studies: Studies,
        path: PathBuf,
    ) -> Result<Self, String> {
        let format = Format::from_path(&path).unwrap_or(Format::Html);
        let options = ReportOptions {
            studies,
            generated_unix_s: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs()),
            ..ReportOptions::new(source)
        };
        let planned = if format.simulates() {
            report::simulations_needed(&design, &options) * options.replications
        } else {
            0
        };
        let control = options.control.clone();
        let (sender, done) = mpsc::channel();
        let target = path.clone();
        std::thread::Builder::new()
            .name("archsim-report".into())
            .spawn(move || {
                let result = report::generate(&design, format, &options)
                    .map_err(|e| e.to_string())
                    .and_then(|text| {
                        file::write_atomically(&target, text.as_bytes())
                            .map_err(|e| format!("cannot write {}: {e}", target.display()))
                    });
                // The app may be gone; then nobody needs the answer.
                let _ = sender.send(result);
            })
            .map_err(|e| format!("cannot start the export: {e}"))?;
        Ok(Self {
            path,
            control,
            planned,
            done,
        })
    }

    /// Where the report goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How far it is, 0 to 1.
    pub fn progress(&self) -> f32 {
        if self.planned == 0 {
            return 0.0;
        }
        let done = self.control.replications_done.load(Ordering::Relaxed);
        (done as f32 / self.planned as f32).min(1.0)
    }

    /// Asks the thread to stop as soon as it can.
    pub fn cancel(&self) {
        self.control.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether it was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.control.cancel.load(Ordering::Relaxed)
    }

    /// The outcome, once the thread has finished.
    pub fn finished(&self) -> Option<Result<(), String>> {
        match self.done.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the export stopped unexpectedly".into())),
        }
    }
}

/// The progress window; returns whether Cancel was clicked.
fn progress_ui(ctx: &egui::Context, job: &ExportJob) -> bool {
    let mut cancel = false;
    egui::Window::new("Exporting report")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
        .show(ctx, |ui| {
            ui.label(format!(
                "Simulating the design and every suggestion for {}",
                job.path().display()
            ));
            ui.add(egui::ProgressBar::new(job.progress()).show_percentage());
            if job.cancelled() {
                ui.weak("Cancelling…");
            } else {
                cancel = ui.button("Cancel").clicked();
            }
        });
    cancel
}

impl ArchsimApp {
    /// File ▸ Export report…: asks where, then starts the job.
    pub(super) fn export_report(&mut self) {
        if self.export.is_some() {
            self.say("A report is being exported already.");
            return;
        }
        let dir = self
            .doc
            .path()
            .and_then(Path::parent)
            .or(self.settings.recent.last_dir())
            .map(Path::to_owned);
        let name = files::report_file_name(&self.doc.design().name);
        let fallback = dir.clone().unwrap_or_default().join(&name);
        self.pick(FilePurpose::ExportReport, fallback, move |dialogs| {
            dialogs.save_report(dir.as_deref(), &name)
        });
    }

    /// Starts making the report into `path`.
    pub(super) fn export_to(&mut self, path: PathBuf) {
        if self.export.is_some() {
            self.say("A report is being exported already.");
            return;
        }
        let (design_file, saved) = match self.doc.origin() {
            Origin::File(p) => (p.display().to_string(), true),
            Origin::Example(slug) => ((*slug).to_owned(), true),
            Origin::Recovered {
                original: Some(p), ..
            } => (p.display().to_string(), false),
            Origin::Untitled | Origin::Recovered { .. } => {
                (files::file_name_for(&self.doc.design().name), false)
            }
        };
        let source = Source {
            design: design_file,
            output: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            unsaved_changes: !saved || self.doc.is_dirty(),
            what_ifs: self
                .simulation
                .what_ifs()
                .iter()
                .map(|w| w.describe(self.doc.design()))
                .collect(),
        };
        // What the app shows is what the report measures: with the
        // what-if faults in force.
        let design = what_if::with_faults(self.doc.design(), self.simulation.what_ifs());
        let included = source.what_ifs.len();
        let studies = self.studies.studies_of(self.doc.revision());
        let studied = !studies.is_empty();
        match ExportJob::start(design, source, studies, path) {
            Ok(job) => {
                self.export = Some(job);
                if included > 0 {
                    self.say(format!(
                        "The report includes the {included} what-if fault{} in force, and says so{}.",
                        if included == 1 { "" } else { "s" },
                        if studied {
                            "; its studies are of the design without them"
                        } else {
                            ""
                        }
                    ));
                }
            }
            Err(message) => self.dialogs.push_back(Dialog::Error {
                title: "Cannot export the report".into(),
                message,
            }),
        }
    }

    /// Shows the running export and reports its end.
    pub(super) fn export_frame(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.export else {
            return;
        };
        if let Some(result) = job.finished() {
            let path = job.path().display().to_string();
            let cancelled = job.cancelled();
            self.export = None;
            match result {
                Ok(()) => self.say(format!("Exported the report to {path}")),
                Err(_) if cancelled => self.say("Export cancelled."),
                Err(message) => self.dialogs.push_back(Dialog::Error {
                    title: "Cannot export the report".into(),
                    message,
                }),
            }
            return;
        }
        if progress_ui(ctx, job) {
            job.cancel();
        }
        ctx.request_repaint_after(Duration::from_millis(100));
    }

    /// The report being exported, if one is.
    pub fn export_job(&self) -> Option<&ExportJob> {
        self.export.as_ref()
    }
}
