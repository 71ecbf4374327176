//! File dialogs and the list of recent files.
//!
//! Native dialogs block the thread that shows them and need a desktop
//! portal, so the app only sees them through [`FileDialogs`] and shows them
//! on a thread of their own ([`FileDialogs::on_a_thread`], [`PendingPick`]):
//! the window keeps repainting while one is open. Tests pass scripted
//! answers.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::file::EXTENSION;
use crate::report::Format;

/// What a file dialog answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// The user chose this file.
    Chosen(PathBuf),
    /// The user cancelled.
    Cancelled,
    /// No dialog could be shown; the text says why. The app then asks for
    /// the path itself.
    Unavailable(String),
}

impl From<Option<PathBuf>> for Picked {
    /// A chosen path, or cancelled.
    fn from(path: Option<PathBuf>) -> Self {
        path.map_or(Self::Cancelled, Self::Chosen)
    }
}

/// Asks the user for a file to open or a place to save.
pub trait FileDialogs {
    /// A design to open, starting in `dir` when known.
    fn open_design(&mut self, dir: Option<&Path>) -> Picked;
    /// Trace files (OTLP, Jaeger or Zipkin JSON) to import a design from,
    /// starting in `dir` when known.
    fn open_traces(&mut self, dir: Option<&Path>) -> Picked;
    /// Where to save a design, starting in `dir` with `file_name` filled in.
    fn save_design(&mut self, dir: Option<&Path>, file_name: &str) -> Picked;
    /// Where to write a report, starting in `dir` with `file_name` filled
    /// in; the extension chooses the format.
    fn save_report(&mut self, dir: Option<&Path>, file_name: &str) -> Picked;

    /// Dialogs like these to show on another thread, so that the window
    /// keeps repainting while one is open; `None` (the default): they
    /// answer at once on the UI thread (scripted answers, no dialogs).
    fn on_a_thread(&self) -> Option<Box<dyn FileDialogs + Send>> {
        None
    }
}

/// A file dialog asked for and not answered yet, with what its answer is
/// for and the path to offer should no dialog show.
#[derive(Debug)]
pub struct PendingPick<P> {
    /// What the answer is for.
    pub purpose: P,
    /// The path the app's own path dialog starts from when no file dialog
    /// could be shown.
    pub fallback: PathBuf,
    answer: std::sync::mpsc::Receiver<Picked>,
}

impl<P> PendingPick<P> {
    /// Asks `dialogs` through `ask`: on a thread of their own when they
    /// have one ([`FileDialogs::on_a_thread`]), otherwise at once.
    pub fn ask(
        dialogs: &mut dyn FileDialogs,
        purpose: P,
        fallback: PathBuf,
        ask: impl FnOnce(&mut dyn FileDialogs) -> Picked + Send + 'static,
    ) -> Self {
        let (sender, answer) = std::sync::mpsc::channel();
        match dialogs.on_a_thread() {
            Some(mut own) => {
                let theirs = sender.clone();
                let spawned = std::thread::Builder::new()
                    .name("archsim-file-dialog".into())
                    .spawn(move || {
                        // The receiver is gone when the app stopped waiting.
                        let _ = theirs.send(ask(own.as_mut()));
                    });
                if let Err(e) = spawned {
                    let _ = sender.send(Picked::Unavailable(format!(
                        "Cannot open the file dialog: {e}."
                    )));
                }
            }
            None => {
                let _ = sender.send(ask(dialogs));
            }
        }
        Self {
            purpose,
            fallback,
            answer,
        }
    }

    /// The answer, once there is one (a dialog whose thread ended without
    /// one counts as cancelled).
    pub fn poll(&self) -> Option<Picked> {
        match self.answer.try_recv() {
            Ok(picked) => Some(picked),
            Err(std::sync::mpsc::TryRecvError::Empty) => None,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Some(Picked::Cancelled),
        }
    }
}

/// Dialogs that never show and always answer "cancelled": for running the
/// app headless (benchmarks, tests that never open or save).
#[derive(Debug, Default)]
pub struct NoDialogs;

impl FileDialogs for NoDialogs {
    fn open_design(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::Cancelled
    }

    fn open_traces(&mut self, _dir: Option<&Path>) -> Picked {
        Picked::Cancelled
    }

    fn save_design(&mut self, _dir: Option<&Path>, _file_name: &str) -> Picked {
        Picked::Cancelled
    }

    fn save_report(&mut self, _dir: Option<&Path>, _file_name: &str) -> Picked {
        Picked::Cancelled
    }
}

/// The operating system's dialogs (through the XDG desktop portal on
/// Linux, or zenity).
#[derive(Debug, Default)]
pub struct NativeDialogs;

/// A dialog that answers "cancelled" sooner than this never showed: no
/// one closes a file dialog that fast.
const TOO_QUICK: std::time::Duration = std::time::Duration::from_millis(150);

impl NativeDialogs {
    fn dialog(dir: Option<&Path>) -> rfd::FileDialog {
        let dialog = rfd::FileDialog::new()
            .add_filter("archsim design", &["ron"])
            .add_filter("all files", &["*"]);
        match dir {
            Some(d) => dialog.set_directory(d),
            None => dialog,
        }
    }

    /// Shows a dialog through `show`, telling a cancel from a dialog that
    /// could not be shown.
    fn ask(show: impl FnOnce() -> Option<PathBuf>) -> Picked {
        if let Some(why) = missing_service() {
            return Picked::Unavailable(why);
        }
        let started = std::time::Instant::now();
        match show() {
            Some(path) => Picked::Chosen(path),
            None if started.elapsed() < TOO_QUICK => Picked::Unavailable(
                "The desktop's file dialog did not open (is xdg-desktop-portal running, or zenity installed?)."
                    .into(),
            ),
            None => Picked::Cancelled,
        }
    }
}

/// Why no file dialog can be shown, when that is clear before trying: on
/// Linux, without a D-Bus session there is no desktop portal, and without
/// zenity no other way.
fn missing_service() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
    let zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join("zenity").is_file()));
    (!bus && !zenity).then(|| {
        "No file dialog is available: there is no D-Bus session for the desktop portal, and zenity is not installed.".into()
    })
}

impl FileDialogs for NativeDialogs {
    fn on_a_thread(&self) -> Option<Box<dyn FileDialogs + Send>> {
        Some(Box::new(Self))
    }

    fn open_design(&mut self, dir: Option<&Path>) -> Picked {
        Self::ask(|| Self::dialog(dir).set_title("Open design").pick_file())
    }

    fn open_traces(&mut self, dir: Option<&Path>) -> Picked {
        Self::ask(|| {
            let mut dialog = rfd::FileDialog::new()
                .set_title("Import traces")
                .add_filter("Traces (OTLP, Jaeger, Zipkin JSON)", &["json", "jsonl"]);
            if let Some(d) = dir {
                dialog = dialog.set_directory(d);
            }
            dialog.pick_file()
        })
    }

    fn save_design(&mut self, dir: Option<&Path>, file_name: &str) -> Picked {
        Self::ask(|| {
            Self::dialog(dir)
                .set_title("Save design")
                .set_file_name(file_name)
                .save_file()
                .map(with_design_extension)
        })
    }

    fn save_report(&mut self, dir: Option<&Path>, file_name: &str) -> Picked {
        Self::ask(|| {
            let mut dialog = rfd::FileDialog::new().set_title("Export report");
            for format in Format::ALL {
                dialog = dialog.add_filter(format.label(), format.extensions());
            }
            if let Some(d) = dir {
                dialog = dialog.set_directory(d);
            }
            dialog
                .set_file_name(file_name)
                .save_file()
                .map(with_report_extension)
        })
    }
}

/// `path`, with `.html` added when its extension names no report format,
/// so "review" becomes the page people expect.
pub fn with_report_extension(path: PathBuf) -> PathBuf {
    if Format::from_path(&path).is_some() {
        return path;
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(Format::Html.extension());
    path.with_file_name(name)
}

/// A file name for the report of a design called `title`:
/// `orders-report.html`.
pub fn report_file_name(title: &str) -> String {
    let design = file_name_for(title);
    let stem = design
        .strip_suffix(&format!(".{EXTENSION}"))
        .unwrap_or(&design);
    format!("{stem}-report.{}", Format::Html.extension())
}

/// `path`, with `.archsim.ron` added when it has no `.ron` extension, so a
/// design saved as "orders" is found again by Open.
pub fn with_design_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some_and(|e| e == "ron") {
        return path;
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(EXTENSION);
    path.with_file_name(name)
}

/// A file name for a design called `title`: `orders.archsim.ron`.
pub fn file_name_for(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    let stem = if stem.is_empty() { "design" } else { stem };
    format!("{stem}.{EXTENSION}")
}

/// The designs opened or saved most recently, newest first; kept across
/// restarts by the app's persistence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecentFiles {
    paths: Vec<PathBuf>,
}

impl RecentFiles {
    /// How many files the list keeps.
    const MAX: usize = 10;

    /// Puts `path` first.
    pub fn add(&mut self, path: &Path) {
        self.paths.retain(|p| p != path);
        self.paths.insert(0, path.to_owned());
        self.paths.truncate(Self::MAX);
    }

    /// Forgets `path` (it could not be opened).
    pub fn remove(&mut self, path: &Path) {
        self.paths.retain(|p| p != path);
    }

    /// The files, newest first.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// The folder of the newest file, where dialogs start.
    pub fn last_dir(&self) -> Option<&Path> {
        self.paths.first().and_then(|p| p.parent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_keep_the_newest_first_without_repeats() {
        let mut r = RecentFiles::default();
        for i in 0..12 {
            r.add(Path::new(&format!("/d/{i}.archsim.ron")));
        }
        r.add(Path::new("/d/5.archsim.ron"));
        assert_eq!(r.paths().len(), RecentFiles::MAX);
        assert_eq!(r.paths()[0], Path::new("/d/5.archsim.ron"));
        assert_eq!(
            r.paths()
                .iter()
                .filter(|p| p.ends_with("5.archsim.ron"))
                .count(),
            1
        );
        assert_eq!(r.last_dir(), Some(Path::new("/d")));
    }

    #[test]
    fn saved_files_get_the_design_extension() {
        assert_eq!(
            with_design_extension(PathBuf::from("/d/orders")),
            PathBuf::from("/d/orders.archsim.ron")
        );
        assert_eq!(
            with_design_extension(PathBuf::from("/d/o.archsim.ron")),
            PathBuf::from("/d/o.archsim.ron")
        );
        assert_eq!(
            file_name_for("Order flow: v2"),
            "order-flow--v2.archsim.ron"
        );
        assert_eq!(file_name_for("  "), "design.archsim.ron");
    }

    #[test]
    fn reports_get_a_format_extension() {
        assert_eq!(
            with_report_extension(PathBuf::from("/d/review")),
            PathBuf::from("/d/review.html")
        );
        assert_eq!(
            with_report_extension(PathBuf::from("/d/review.md")),
            PathBuf::from("/d/review.md")
        );
        assert_eq!(report_file_name("Order flow"), "order-flow-report.html");
    }
}
