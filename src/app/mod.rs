//! The desktop app: an editor for designs (feature `gui`).
//!
//! This is the only part of archsim that uses egui. [`ArchsimApp`] is the
//! `eframe::App`; each panel is a module with a `*_ui` function or a
//! struct with a `ui` method: [`menu`], the run toolbar ([`run`]),
//! [`palette`] (left), [`canvas`] (middle) with the [`animation`] of a run
//! and the [`focus`] highlights, on the right [`inspector`], [`findings`],
//! [`suggestions`] and [`results`] in tabs, [`charts`] (bottom),
//! [`status_bar`], [`legend`], [`dialogs`]. The open design lives in a
//! [`document::Document`] (design, file, unsaved changes, undo history);
//! the canvas and inspector are views of it. Every action the user can take
//! is a [`command::Command`], carried out in one place and guarded against
//! losing unsaved work. Simulations and the advisor run on other threads
//! ([`run::job`]); the window never waits for them.
//!
//! Everything that touches the outside world is injected through
//! [`Environment`] (file dialogs, the data folder for autosaves), and time
//! is egui's input time, so tests drive the real app headless.

pub mod analysed;
pub mod animation;
pub mod autosave;
pub mod canvas;
mod canvas_view;
pub mod charts;
pub mod clipboard;
pub mod command;
pub mod dialogs;
pub mod document;
pub mod edit;
pub mod export;
mod file_ops;
pub mod files;
pub mod findings;
pub mod focus;
pub mod history;
pub mod imported;
pub mod inspector;
pub mod legend;
pub mod menu;
pub mod palette;
pub mod results;
pub mod run;
pub mod selection;
pub mod shortcuts;
pub mod status_bar;
pub mod studies;
pub mod suggestions;
pub mod validation;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Instant;

use egui::{Panel, Ui, ViewportCommand};
use serde::{Deserialize, Serialize};

use crate::library;
use crate::model::{Design, DiskStamp, LoadError, file};

use analysed::Analysed;
use animation::Animation;
use autosave::Autosave;
use canvas::{Canvas, CanvasOverlay};
use command::{Command, ThemeChoice};
use dialogs::{Answer, Dialog, FilePurpose};
use document::{Document, Origin};
use files::{FileDialogs, NativeDialogs, PendingPick, RecentFiles};
use findings::{FindingsAction, FindingsPanel, RunFindings};
use focus::Focus;
use inspector::{Inspector, InspectorAction, InspectorEdit};
use run::Simulation;
use run::toolbar::Toolbar;
use run::what_if::{self, Draft};
use selection::Selection;
use studies::{StudiesAction, StudiesPanel};
use suggestions::{Preview, SuggestionsAction, SuggestionsPanel};
use validation::{Owner, Validation};

/// The application id: names the data folder and the window class.
pub const APP_ID: &str = "archsim";

/// The key the settings are persisted under.
const SETTINGS_KEY: &str = "archsim-settings";

/// How long a status-bar message stays, seconds.
const MESSAGE_SECONDS: f64 = 6.0;

/// Seconds between two looks at whether the open file changed on disk
/// (only its metadata is read while it has not).
const DISK_CHECK_S: f64 = 2.0;

/// What the app uses from the outside world, so tests can replace it.
pub struct Environment {
    /// The folder for autosaves and crash recovery; `None` turns autosave
    /// off (benchmarks).
    pub data_dir: Option<PathBuf>,
    /// Open and save dialogs.
    pub dialogs: Box<dyn FileDialogs>,
}

impl Environment {
    /// The real thing: native dialogs and the app's data folder.
    pub fn native() -> Self {
        Self {
            data_dir: eframe::storage_dir(APP_ID),
            dialogs: Box::new(NativeDialogs),
        }
    }
}

/// What the app opens at start.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// A built-in example.
    Example(&'static str),
    /// A design file (an error dialog if it does not load).
    File(PathBuf),
    /// A new, empty design.
    Empty,
}

impl Default for Start {
    fn default() -> Self {
        Self::Example(library::DEFAULT_EXAMPLE)
    }
}

/// What the app remembers between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recently opened and saved files.
    pub recent: RecentFiles,
    /// Whether the legend is shown.
    pub legend: bool,
    /// Light, dark or system.
    pub theme: ThemeChoice,
    /// Whether the charts of a run are open (else collapsed to their
    /// title bar).
    pub charts: bool,
    /// Whether the legend is open (else collapsed to its title).
    pub legend_open: bool,
    /// Whether the palette shows its labels (else only icons).
    pub palette: bool,
    /// Whether the side panel is open (else collapsed to a strip).
    pub side_panel: bool,
    /// The side panel's width, points.
    pub side_width: f32,
    /// Whether moved and added nodes snap to the grid.
    pub snap: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recent: RecentFiles::default(),
            legend: true,
            theme: ThemeChoice::System,
            charts: true,
            legend_open: true,
            palette: true,
            side_panel: true,
            side_width: SIDE_WIDTH,
            snap: false,
        }
    }
}

/// The side panel's width when nothing was chosen: at 1280 points wide,
/// it and the palette leave the canvas two thirds of the width.
const SIDE_WIDTH: f32 = 300.0;

/// The width of a collapsed side panel or palette.
const COLLAPSED_WIDTH: f32 = 46.0;

/// The tabs of the right-hand panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SideTab {
    /// The selection's properties (or the design's).
    #[default]
    Inspector,
    /// Where the design is fragile.
    Findings,
    /// Refactorings, measured.
    Suggestions,
    /// What the run measured.
    Results,
    /// Capacity, sensitivity and chaos studies.
    Studies,
    /// The import report of a design imported from traces (while there is
    /// one).
    Import,
}

/// The desktop app.
pub struct ArchsimApp {
    env: Environment,
    doc: Document,
    selection: Selection,
    /// The revision the selection was last checked against.
    selection_revision: u64,
    canvas: Canvas,
    inspector: Inspector,
    validation: Validation,
    settings: Settings,
    theme_applied: Option<ThemeChoice>,
    autosave: Option<Autosave>,
    dialogs: VecDeque<Dialog>,
    message: Option<(String, Option<f64>)>,
    title: String,
    close_allowed: bool,
    /// Whether a text field had the keyboard at the end of the last frame.
    was_typing: bool,
    /// Decorations of the canvas from outside the app, set before a frame
    /// (the app's own highlights, when there are some, take precedence).
    pub overlay: CanvasOverlay<'static>,
    analysed: Analysed,
    simulation: Simulation,
    toolbar: Toolbar,
    animation: Animation,
    focus: Focus,
    /// The revision the focus was last checked against.
    focus_revision: u64,
    findings: FindingsPanel,
    suggestions: SuggestionsPanel,
    studies: StudiesPanel,
    /// A file dialog open on its own thread, and what its answer is for.
    picking: Option<PendingPick<FilePurpose>>,
    preview: Option<Preview>,
    /// The revision the preview was made from.
    preview_revision: u64,
    side: SideTab,
    /// The values in the open fault menu of a node.
    fault_draft: Option<Draft>,
    /// The text this window last put on the clipboard (Paste from the
    /// menu uses it: only a paste key brings the system clipboard's text).
    copied: Option<String>,
    /// When set, the first frame reports how long start-up took and closes
    /// the window (for measuring cold start).
    startup_probe: Option<Instant>,
    /// The report being exported in the background (File ▸ Export report…).
    export: Option<export::ExportJob>,
    /// The import report of a design imported from traces.
    import: imported::ImportPanel,
    /// Input time of the last look at the design's file, seconds.
    disk_checked: Option<f64>,
    /// The file as it was when the app last said it changed on disk, so a
    /// change is announced once.
    disk_noticed: Option<DiskStamp>,
}

impl ArchsimApp {
    /// The app with `start` open, the world reached through `env`, and the
    /// `settings` remembered from last time. Offers to recover the work of
    /// a session that crashed.
    pub fn new(env: Environment, start: Start, settings: Settings) -> Self {
        let mut dialogs = VecDeque::new();
        let mut message = None;
        let doc = match &start {
            Start::Empty => Document::new(Design::new("Untitled design"), Origin::Untitled),
            Start::Example(slug) => match library::find(slug).map(|e| e.design()) {
                Some(Ok(design)) => Document::new(design, Origin::Example(slug)),
                Some(Err(e)) => {
                    dialogs.push_back(load_error(Path::new(slug), &e));
                    empty_document()
                }
                None => {
                    dialogs.push_back(Dialog::Error {
                        title: "Unknown example".into(),
                        message: format!("There is no built-in example called {slug}."),
                    });
                    empty_document()
                }
            },
            Start::File(path) => match file::load_stamped(path) {
                Ok((design, stamp)) => {
                    Document::new(design, Origin::File(path.clone())).with_disk(Some(stamp))
                }
                Err(e) => {
                    dialogs.push_back(load_error(path, &e));
                    empty_document()
                }
            },
        };
        let mut settings = settings;
        if let (Start::File(path), Origin::File(_)) = (&start, doc.origin()) {
            settings.recent.add(path);
        }
        let autosave = env
            .data_dir
            .as_deref()
            .and_then(|dir| match Autosave::start(dir) {
                Ok((autosave, found)) => {
                    dialogs.extend(found.into_iter().map(Dialog::Recover));
                    Some(autosave)
                }
                Err(e) => {
                    message = Some((
                        format!("Autosave is off: cannot use {}: {e}", dir.display()),
                        None,
                    ));
                    None
                }
            });
        Self {
            env,
            selection_revision: doc.revision(),
            doc,
            selection: Selection::default(),
            canvas: Canvas::default(),
            inspector: Inspector::default(),
            validation: Validation::default(),
            settings,
            theme_applied: None,
            autosave,
            dialogs,
            message,
            title: String::new(),
            close_allowed: false,
            was_typing: false,
            overlay: CanvasOverlay::default(),
            analysed: Analysed::default(),
            simulation: Simulation::default(),
            toolbar: Toolbar::default(),
            animation: Animation::default(),
            focus: Focus::None,
            focus_revision: 0,
            findings: FindingsPanel::default(),
            suggestions: SuggestionsPanel::default(),
            studies: StudiesPanel::default(),
            picking: None,
            preview: None,
            preview_revision: 0,
            side: SideTab::Inspector,
            fault_draft: None,
            copied: None,
            startup_probe: None,
            export: None,
            import: imported::ImportPanel::default(),
            disk_checked: None,
            disk_noticed: None,
        }
    }

    /// The open document.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// What is selected.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The canvas (its transform, what it drew).
    pub fn canvas(&self) -> &Canvas {
        &self.canvas
    }

    /// The simulation: settings, the run shown, playback.
    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    /// The simulation, to drive it (tests and benchmarks).
    pub fn simulation_mut(&mut self) -> &mut Simulation {
        &mut self.simulation
    }

    /// What the canvas highlights.
    pub fn focus(&self) -> &Focus {
        &self.focus
    }

    /// The static analysis of the design, when it is valid.
    pub fn analysis(&self) -> Option<&crate::analysis::Analysis> {
        self.analysed.get()
    }

    /// What the animation drew in the last frame.
    pub fn animation(&self) -> animation::FrameStats {
        self.animation.last_frame()
    }

    /// The suggestion previewed on the canvas, if one is.
    pub fn preview(&self) -> Option<&Preview> {
        self.preview.as_ref()
    }

    /// The suggestions panel.
    pub fn suggestions(&self) -> &SuggestionsPanel {
        &self.suggestions
    }

    /// The studies panel.
    pub fn studies(&self) -> &StudiesPanel {
        &self.studies
    }

    /// The nodes marked "guessed" on the canvas: those of an imported
    /// design with a guess the user has not confirmed.
    pub fn guessed_nodes(&self) -> Vec<&str> {
        self.import.guessed_nodes()
    }

    /// The tab shown on the right.
    pub fn side_tab(&self) -> SideTab {
        self.side
    }

    /// The dialog shown, if any.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialogs.front()
    }

    /// The window title: file name, and a • when there are unsaved changes.
    pub fn window_title(&self) -> String {
        let mark = if self.doc.is_dirty() { " •" } else { "" };
        format!("{}{mark} — archsim", self.doc.display_name())
    }

    /// What is remembered between runs.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Where this session's autosave copy is written, when autosave is on.
    pub fn autosave_path(&self) -> Option<PathBuf> {
        self.autosave.as_ref().map(Autosave::copy_path)
    }

    /// Ends the session cleanly: the autosave copy is removed, so the next
    /// start offers no recovery. Called when the window closes.
    pub fn clean_exit(&mut self) {
        if let Some(autosave) = self.autosave.take()
            && let Err(e) = autosave.clean_exit()
        {
            eprintln!("archsim: cannot remove the autosave: {e}");
        }
    }

    /// Draws one frame and handles its input.
    pub fn frame_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if self.theme_applied.is_none() {
            ctx.set_fonts(fonts());
        }
        if self.theme_applied != Some(self.settings.theme) {
            ctx.set_theme(self.settings.theme.preference());
            self.theme_applied = Some(self.settings.theme);
        }
        let now = ui.input(|i| i.time);
        self.validation.update(&self.doc);
        self.update_views(&ctx, now);
        self.import.note_edits(self.doc.design());
        let mut commands = if self.dialogs.is_empty() {
            shortcuts::pressed(&ctx, self.was_typing)
        } else {
            Vec::new()
        };
        if let Some(path) = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .find(|p| !p.as_os_str().is_empty())
        }) {
            commands.push(Command::OpenFile(path));
        }
        if ctx.input(|i| i.viewport().close_requested())
            && !self.close_allowed
            && self.doc.is_dirty()
        {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
            commands.push(Command::Quit);
        }

        let menu_state = menu::MenuState {
            can_undo: self.doc.can_undo(),
            can_redo: self.doc.can_redo(),
            has_selection: !self.selection.is_empty(),
            can_paste: self.copied.is_some(),
            recent: self.settings.recent.paths(),
            legend: self.settings.legend,
            palette: self.settings.palette,
            side_panel: self.settings.side_panel,
            snap: self.settings.snap,
            theme: self.settings.theme,
            simulation: menu::SimulationMenu {
                running: self.simulation.progress().is_some(),
                playing: self.simulation.playback.is_playing(),
                current: self.simulation.current().is_some(),
                what_ifs: !self.simulation.what_ifs().is_empty(),
                charts: self.settings.charts,
            },
        };
        Panel::top("menu").show(ui, |ui| commands.extend(menu::menu_ui(ui, &menu_state)));
        Panel::top("run").show(ui, |ui| {
            commands.extend(self.toolbar.ui(ui, &mut self.simulation, self.doc.design()))
        });
        let message = self.current_message(now);
        let live = self.live_summary();
        let go_to = Panel::bottom("status")
            .show(ui, |ui| {
                status_bar::status_bar_ui(
                    ui,
                    &self.doc,
                    &self.validation,
                    live.as_deref(),
                    message.as_deref(),
                )
            })
            .inner;
        if let Some(path) = go_to {
            self.go_to_problem(path);
        }
        if let Some((outcome, stale, playback)) = self.simulation.shown_mut() {
            if self.settings.charts {
                Panel::bottom("charts")
                    .resizable(true)
                    .default_size(160.0)
                    .min_size(120.0)
                    .show(ui, |ui| {
                        ui.horizontal_top(|ui| {
                            if collapse_button(ui, "▾", "Collapse the charts") {
                                commands.push(Command::ToggleCharts);
                            }
                            ui.vertical(|ui| charts::charts_ui(ui, outcome, stale, playback));
                        });
                    });
            } else {
                Panel::bottom("charts-collapsed")
                    .resizable(false)
                    .show(ui, |ui| {
                        if collapse_button(ui, "▸ Charts", "Open the charts") {
                            commands.push(Command::ToggleCharts);
                        }
                    });
            }
        }
        let palette_width = if self.settings.palette {
            palette::WIDTH
        } else {
            COLLAPSED_WIDTH
        };
        Panel::left("palette")
            .resizable(false)
            .exact_size(palette_width)
            .show(ui, |ui| {
                commands.extend(palette::palette_ui(
                    ui,
                    &mut self.canvas,
                    self.settings.palette,
                ))
            });
        let actions = if self.settings.side_panel {
            let shown = Panel::right("inspector")
                .resizable(true)
                .default_size(self.settings.side_width)
                .min_size(240.0)
                .max_size(640.0)
                .show(ui, |ui| self.side_ui(ui, &mut commands));
            self.settings.side_width = shown.response.rect.width();
            shown.inner
        } else {
            Panel::right("side-collapsed")
                .resizable(false)
                .exact_size(COLLAPSED_WIDTH)
                .show(ui, |ui| {
                    if collapse_button(ui, "«", "Show the side panel") {
                        commands.push(Command::ToggleSidePanel);
                    }
                });
            Vec::new()
        };
        egui::CentralPanel::no_frame().show(ui, |ui| {
            self.canvas_ui(ui, now);
            // What floats at the top; the next fit keeps the design clear
            // of it.
            let bottom = self
                .zoom_controls_ui(ui)
                .max(self.canvas_controls_ui(ui, &mut commands));
            self.canvas.covered_top = (bottom - self.canvas.rect().top()).max(0.0);
            if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
                canvas_view::drop_hint(ui, self.canvas.rect());
            }
        });
        // The legend is drawn after the canvas (it floats over it); the
        // next fit keeps the design clear of it.
        let animating = self.simulation.current().is_some() && self.preview.is_none();
        self.canvas.covered_bottom = if self.settings.legend {
            let (height, toggled) = legend::legend_ui(
                &ctx,
                self.canvas.rect(),
                animating,
                self.settings.legend_open,
            );
            if toggled {
                self.settings.legend_open = !self.settings.legend_open;
            }
            height + 20.0
        } else {
            0.0
        };
        self.apply(actions, &mut commands);
        if let Some(answer) = self
            .dialogs
            .front_mut()
            .and_then(|d| dialogs::dialog_ui(&ctx, d))
        {
            self.dialogs.pop_front();
            self.answer(&ctx, answer);
        }
        for command in commands {
            self.run(&ctx, command);
        }
        self.export_frame(&ctx);
        self.end_frame(&ctx, now);
    }

    /// Brings what is derived from the design up to date: the analysis,
    /// the simulation (a finished run, the clock, staleness), the advisor,
    /// and highlights or previews the design has moved away from.
    fn update_views(&mut self, ctx: &egui::Context, now: f64) {
        let revision = self.doc.revision();
        let valid = self.validation.problems().is_empty();
        self.analysed.update(self.doc.design(), revision, valid);
        if let Some(text) = self.simulation.frame(ctx, now, self.doc.design(), revision) {
            self.say(text);
        }
        self.suggestions.poll(ctx);
        self.studies.poll(ctx);
        self.poll_file_dialog(ctx);
        if self.preview.is_some() && self.preview_revision != revision {
            self.preview = None;
        }
        if self.focus_revision != revision {
            self.focus_revision = revision;
            if let Focus::Finding(f) = &self.focus {
                let still = self.analysed.get().is_some_and(|a| a.findings.contains(f))
                    || self
                        .simulation
                        .current()
                        .is_some_and(|o| o.findings.contains(f));
                if !still {
                    self.focus = Focus::None;
                }
            }
        }
    }

    /// What the animation shows now, for the status bar.
    fn live_summary(&self) -> Option<String> {
        if self.preview.is_some() {
            return None;
        }
        self.simulation.current()?;
        let stats = self.animation.last_frame();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        Some(format!(
            "{} shown · {} blocked · {} queued{}",
            plural(stats.glyphs, "message", "messages"),
            plural(stats.blocked_workers as usize, "worker", "workers"),
            stats.waiting,
            if stats.crossed_out.is_empty() {
                String::new()
            } else {
                format!(" · {} down", stats.crossed_out.len())
            }
        ))
    }

    /// The right-hand panel: tabs, then the tab's content.
    fn side_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) -> Vec<InspectorAction> {
        let run_findings = match (self.simulation.current(), self.simulation.outcome()) {
            (Some(o), _) => RunFindings::Current(&o.findings),
            (None, Some(_)) => RunFindings::Stale,
            (None, None) => RunFindings::None,
        };
        let count = self.findings.count(&self.analysed, run_findings);
        // Wrapped within the room left of the collapse button: in a
        // narrow panel the last tabs go to a second line, and the row
        // never asks the panel to grow.
        ui.horizontal(|ui| {
            let room = egui::vec2((ui.available_width() - 24.0).max(0.0), 0.0);
            ui.allocate_ui(room, |ui| {
                ui.horizontal_wrapped(|ui| {
                    let import = self
                        .import
                        .report
                        .is_some()
                        .then(|| (SideTab::Import, "Import".to_owned()));
                    for (tab, label) in [
                        (SideTab::Inspector, "Inspector".to_owned()),
                        (SideTab::Findings, format!("Findings {count}")),
                        (SideTab::Suggestions, "Suggestions".to_owned()),
                        (SideTab::Results, "Results".to_owned()),
                        (SideTab::Studies, "Studies".to_owned()),
                    ]
                    .into_iter()
                    .chain(import)
                    {
                        ui.selectable_value(&mut self.side, tab, label);
                    }
                });
            });
            if collapse_button(ui, "»", "Collapse the side panel") {
                commands.push(Command::ToggleSidePanel);
            }
        });
        ui.separator();
        match self.side {
            SideTab::Inspector => {
                return self.inspector.ui(
                    ui,
                    self.doc.design(),
                    &self.selection,
                    self.validation.problems(),
                );
            }
            SideTab::Findings => {
                match self
                    .findings
                    .ui(ui, &self.analysed, run_findings, &self.focus)
                {
                    Some(FindingsAction::Show(f)) => {
                        self.focus = Focus::Finding(f);
                        self.frame_focus();
                    }
                    Some(FindingsAction::Clear) => self.focus = Focus::None,
                    None => {}
                }
            }
            SideTab::Suggestions => {
                // A copy only when there are faults to put in: this runs
                // every frame the tab is shown.
                let what_ifs = self.simulation.what_ifs();
                let design = if what_ifs.is_empty() {
                    std::borrow::Cow::Borrowed(self.doc.design())
                } else {
                    std::borrow::Cow::Owned(what_if::with_faults(self.doc.design(), what_ifs))
                };
                let settings = self.simulation.settings(&design);
                let previewed = self.preview.as_ref().map(|p| p.suggestion.id.clone());
                let action = self.suggestions.ui(
                    ui,
                    &self.analysed,
                    &design,
                    &settings,
                    previewed.as_deref(),
                );
                if let Some(action) = action {
                    self.suggestion_action(action);
                }
            }
            SideTab::Studies => {
                let settings = self.simulation.settings(self.doc.design());
                let valid = self.validation.problems().is_empty();
                let action =
                    self.studies
                        .ui(ui, self.doc.design(), self.doc.revision(), valid, &settings);
                if let Some(StudiesAction::Show(id)) = action {
                    let index = self.doc.design().nodes.iter().position(|n| n.id == id);
                    if let Some(i) = index {
                        self.selection = Selection::only_node(id);
                        self.canvas.request_fit_to(vec![i]);
                    }
                }
            }
            SideTab::Import => {
                self.import.ui(ui);
                if self.import.report.is_none() {
                    self.side = SideTab::Inspector;
                }
            }
            SideTab::Results => match self.simulation.outcome() {
                Some(outcome) => results::results_ui(ui, outcome, self.simulation.is_stale()),
                None => {
                    ui.weak("Run the simulation (▶ Run, or F5) to see what it measures.");
                }
            },
        }
        Vec::new()
    }

    /// Frames the nodes the focus is about.
    fn frame_focus(&mut self) {
        let nodes = self.focus.nodes(self.doc.design(), &self.analysed);
        if !nodes.is_empty() {
            self.canvas.request_fit_to(nodes);
        }
    }

    fn suggestion_action(&mut self, action: SuggestionsAction) {
        match action {
            SuggestionsAction::Preview(suggestion) => {
                match Preview::new(self.doc.design(), suggestion) {
                    Ok(preview) => {
                        self.preview = Some(preview);
                        self.preview_revision = self.doc.revision();
                    }
                    Err(e) => self.say(format!("Cannot preview: {e}")),
                }
            }
            SuggestionsAction::ClosePreview => self.preview = None,
            SuggestionsAction::Apply(suggestion) => self.apply_suggestion(&suggestion),
        }
    }

    /// Applies `suggestion` to the design, as one undo step.
    fn apply_suggestion(&mut self, suggestion: &crate::advice::Suggestion) {
        let mut failed = None;
        self.doc
            .edit(None, |d| match suggestions::applied(d, suggestion) {
                Ok(after) => *d = after,
                Err(e) => failed = Some(e),
            });
        self.preview = None;
        self.focus = Focus::None;
        match failed {
            Some(e) => self.say(format!("Cannot apply: {e}")),
            None => self.say(format!(
                "Applied: {}. Undo takes it back.",
                suggestion.description
            )),
        }
    }

    /// The status message, while it is fresh.
    fn current_message(&mut self, now: f64) -> Option<String> {
        let (text, since) = self.message.as_mut()?;
        let since = *since.get_or_insert(now);
        if now - since > MESSAGE_SECONDS {
            self.message = None;
            return None;
        }
        Some(text.clone())
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), None));
    }

    fn apply(&mut self, actions: Vec<InspectorAction>, commands: &mut Vec<Command>) {
        for action in actions {
            match action {
                InspectorAction::Edit { edit, key } => {
                    if let InspectorEdit::RenameNode { old, new } = &edit
                        && self.selection.nodes.remove(old)
                    {
                        self.selection.nodes.insert(new.clone());
                    }
                    self.doc.edit(key, |d| edit.apply(d));
                }
                InspectorAction::Select(selection) => self.selection = selection,
                InspectorAction::Delete => commands.push(Command::Delete),
            }
        }
    }

    /// Selects what the problem at `path` is about and shows its field.
    fn go_to_problem(&mut self, path: crate::model::FieldPath) {
        self.selection = match Owner::of(&path) {
            Owner::Node(i) => self
                .doc
                .design()
                .nodes
                .get(i)
                .map(|n| Selection::only_node(n.id.clone()))
                .unwrap_or_default(),
            Owner::Link(i) => Selection::only_link(i),
            Owner::Design => Selection::default(),
        };
        self.inspector.reveal = Some(path);
    }

    /// Carries out `command`, first asking what to do with unsaved changes
    /// if it would replace the design.
    fn run(&mut self, ctx: &egui::Context, command: Command) {
        if command.replaces_document() && self.doc.is_dirty() {
            self.dialogs.push_back(Dialog::Unsaved { then: command });
        } else {
            self.execute(ctx, command);
        }
    }

    fn execute(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::New => self.replace(empty_document()),
            Command::Open => {
                let dir = self.doc.path().and_then(Path::parent).map(Path::to_owned);
                let dir = dir
                    .as_deref()
                    .or(self.settings.recent.last_dir())
                    .map(Path::to_owned);
                let fallback = dir.as_ref().map(|d| d.join("")).unwrap_or_default();
                self.pick(FilePurpose::Open, fallback, move |dialogs| {
                    dialogs.open_design(dir.as_deref())
                });
            }
            Command::OpenFile(path) => self.open_file(&path),
            Command::ImportTraces => {
                let dir = self.settings.recent.last_dir().map(Path::to_owned);
                let fallback = dir.as_ref().map(|d| d.join("")).unwrap_or_default();
                self.pick(FilePurpose::ImportTraces, fallback, move |dialogs| {
                    dialogs.open_traces(dir.as_deref())
                });
            }
            Command::ImportTracesFile(path) => self.import_traces(&path),
            Command::OpenExample(slug) => match library::find(slug).map(|e| e.design()) {
                Some(Ok(design)) => self.replace(Document::new(design, Origin::Example(slug))),
                Some(Err(e)) => self.dialogs.push_back(load_error(Path::new(slug), &e)),
                None => {}
            },
            Command::Save => {
                self.save(None);
            }
            Command::SaveAs => {
                self.save_as(None);
            }
            Command::ExportReport => self.export_report(),
            Command::Quit => {
                self.close_allowed = true;
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            Command::Undo | Command::Redo => {
                let keys = self.selection.link_keys(self.doc.design());
                let changed = if command == Command::Undo {
                    self.doc.undo()
                } else {
                    self.doc.redo()
                };
                if changed {
                    self.selection.find_again(self.doc.design(), &keys);
                    self.selection_revision = self.doc.revision();
                }
            }
            Command::Delete => {
                let (nodes, links) = (self.selection.nodes.clone(), self.selection.links.clone());
                self.doc.edit(None, |d| edit::delete(d, &nodes, &links));
                self.selection.clear();
            }
            Command::Copy => {
                self.copy(ctx);
            }
            Command::Cut => {
                if self.copy(ctx) {
                    self.execute(ctx, Command::Delete);
                }
            }
            Command::Paste(text) => self.paste(text),
            Command::SelectAll => self.selection = Selection::all(self.doc.design()),
            Command::Fit => self.canvas.request_fit(),
            Command::AutoLayout => {
                let positions = crate::layout::layered(self.doc.design());
                if self.doc.edit(None, |d| edit::set_positions(d, &positions)) {
                    self.canvas.request_fit();
                }
            }
            Command::ToggleLegend => self.settings.legend = !self.settings.legend,
            Command::Run => {
                self.simulation.run_or_play(self.doc.design());
                if let Some(e) = self.simulation.error() {
                    let text = e.to_owned();
                    self.say(text);
                }
            }
            Command::Pause => self.simulation.playback.pause(),
            Command::PlayPause => {
                if self.simulation.playback.is_playing() {
                    self.simulation.playback.pause();
                } else {
                    self.execute(ctx, Command::Run);
                }
            }
            Command::Step => {
                if self.simulation.current().is_some() {
                    self.simulation.playback.step();
                }
            }
            Command::Rewind => self.simulation.playback.rewind(),
            Command::StopRun => self.simulation.stop(),
            Command::KeepWhatIfs => {
                let what_ifs = self.simulation.take_what_ifs();
                if self.doc.edit(None, |d| what_if::keep_in(d, &what_ifs)) {
                    self.say(format!(
                        "Kept {} fault{} in the design's scenario. Undo takes them out.",
                        what_ifs.len(),
                        if what_ifs.len() == 1 { "" } else { "s" }
                    ));
                }
            }
            Command::ToggleCharts => self.settings.charts = !self.settings.charts,
            Command::TogglePalette => self.settings.palette = !self.settings.palette,
            Command::ToggleSidePanel => self.settings.side_panel = !self.settings.side_panel,
            Command::ToggleSnap => self.settings.snap = !self.settings.snap,
            Command::SetTheme(theme) => self.settings.theme = theme,
            Command::ShowShortcuts => self.dialogs.push_back(Dialog::Shortcuts),
            Command::ShowAbout => self.dialogs.push_back(Dialog::About),
            Command::Cancel => {
                if self.preview.take().is_none() && !self.canvas.cancel() {
                    if self.selection.is_empty() {
                        self.focus = Focus::None;
                    }
                    self.selection.clear();
                }
            }
            Command::AddNode(kind) => {
                let center = self.canvas.visible_center();
                let at =
                    self.canvas
                        .free_place(self.doc.design(), kind, egui::pos2(center.x, center.y));
                let mut added = None;
                self.doc
                    .edit(None, |d| added = Some(edit::add_node(d, kind, at)));
                if let Some(id) = added {
                    self.selection = Selection::only_node(id);
                }
            }
        }
    }

    /// Puts the selected nodes and the links among them on the clipboard.
    /// Returns whether there were nodes to copy.
    fn copy(&mut self, ctx: &egui::Context) -> bool {
        let Some(clip) = clipboard::Clip::of(self.doc.design(), &self.selection) else {
            self.say("Select the nodes to copy first.");
            return false;
        };
        let text = clip.to_text();
        ctx.copy_text(text.clone());
        self.copied = Some(text);
        let (nodes, links) = (clip.nodes.len(), clip.links.len());
        self.say(format!(
            "Copied {nodes} node{} and {links} link{}.",
            if nodes == 1 { "" } else { "s" },
            if links == 1 { "" } else { "s" }
        ));
        true
    }

    /// Adds the nodes in `text` (or those copied last in this window),
    /// as one undo step, and selects them.
    fn paste(&mut self, text: Option<String>) {
        let Some(text) = text.or_else(|| self.copied.clone()) else {
            self.say("Nothing to paste: copy some nodes first.");
            return;
        };
        match clipboard::Clip::from_text(&text) {
            Ok(clip) => {
                let mut added = Selection::default();
                self.doc.edit(None, |d| added = clip.paste_into(d));
                self.selection = added;
                self.selection_revision = self.doc.revision();
            }
            Err(e) => self.say(format!("Cannot paste: {e}.")),
        }
    }

    fn answer(&mut self, ctx: &egui::Context, answer: Answer) {
        let mut then = None;
        match answer {
            Answer::SaveThen(command) => {
                if self.save(Some(&command)) {
                    then = Some(command);
                }
            }
            Answer::DiscardThen(command) => then = Some(command),
            Answer::Reload(command) => {
                if self.reload() {
                    then = command;
                }
            }
            Answer::Overwrite(command) => {
                let saved = self
                    .doc
                    .path()
                    .map(Path::to_owned)
                    .is_some_and(|p| self.save_to(&p));
                if saved {
                    then = command;
                }
            }
            Answer::SaveAsThen(command) => {
                if self.save_as(command.clone()) {
                    then = command;
                }
            }
            // A file chosen to open replaces the design: unsaved changes
            // are asked about first, as for every other way of opening.
            Answer::Path(purpose, path) => match purpose {
                FilePurpose::Open => self.run(ctx, Command::OpenFile(path)),
                FilePurpose::ImportTraces => self.run(ctx, Command::ImportTracesFile(path)),
                FilePurpose::SaveDesign { then: after } => {
                    if self.save_to(&files::with_design_extension(path)) {
                        then = after;
                    }
                }
                FilePurpose::ExportReport => {
                    self.export_to(files::with_report_extension(path));
                }
            },
            Answer::Recover(found) => match file::load(&found.design) {
                Ok(design) => {
                    let (original, title) = (found.info.original.clone(), found.info.title.clone());
                    self.replace(
                        Document::recovered(design, original, title).with_disk(found.info.disk),
                    );
                    self.forget(&found);
                    self.say("Recovered the unsaved design. Save it to keep it.");
                }
                Err(e) => self.dialogs.push_back(load_error(&found.design, &e)),
            },
            Answer::DeleteRecovery(found) => self.forget(&found),
            Answer::Close => {}
        }
        if let Some(command) = then {
            self.execute(ctx, command);
        }
    }

    /// Housekeeping after the frame: end continuous edits whose widget let
    /// go, drop selected things that no longer exist, autosave, title.
    fn end_frame(&mut self, ctx: &egui::Context, now: f64) {
        self.was_typing = ctx.text_edit_focused();
        if let Some(key) = self.doc.open_session()
            && !ctx.memory(|m| m.has_focus(key))
            && !ctx.is_being_dragged(key)
        {
            self.doc.close_session();
        }
        if self.selection_revision != self.doc.revision() {
            self.selection.retain_existing(self.doc.design());
            self.selection_revision = self.doc.revision();
        }
        if let Some(autosave) = &mut self.autosave
            && let Err(e) = autosave.tick(now, &self.doc)
        {
            self.message = Some((format!("Autosave failed: {e}"), Some(now)));
        }
        self.notice_disk_change(now);
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if let Some(started) = self.startup_probe.take() {
            eprintln!(
                "archsim: first frame drawn {:.0} ms after start",
                started.elapsed().as_secs_f64() * 1000.0
            );
            self.close_allowed = true;
            ctx.send_viewport_cmd(ViewportCommand::Close);
        }
    }
}

/// A small button that opens or collapses a panel; `label` is what it
/// shows, `meaning` what it does (its tooltip and accessible name).
/// Returns whether it was clicked.
fn collapse_button(ui: &mut Ui, label: &str, meaning: &str) -> bool {
    let response = ui.add(egui::Button::new(label).frame(false));
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::WidgetType::Button, ui.is_enabled(), meaning)
    });
    response.on_hover_text(meaning).clicked()
}

/// egui's fonts, with its monospace font as the last fallback of the
/// proportional one: the texts of findings and advice use arrows (→) and
/// other symbols the proportional font lacks.
fn fonts() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    let mono = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|f| f.first().cloned());
    if let (Some(mono), Some(proportional)) = (
        mono,
        fonts.families.get_mut(&egui::FontFamily::Proportional),
    ) {
        proportional.push(mono);
    }
    fonts
}

fn empty_document() -> Document {
    Document::new(Design::new("Untitled design"), Origin::Untitled)
}

/// The dialog for a design that does not load; the message names the
/// file, line and column.
fn load_error(path: &Path, e: &LoadError) -> Dialog {
    Dialog::Error {
        title: format!("Cannot open {}", path.display()),
        message: e.to_string(),
    }
}

impl eframe::App for ArchsimApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.clean_exit();
    }

    fn persist_egui_memory(&self) -> bool {
        // Pan and zoom come from the design and the Fit on open; stale
        // view state from an earlier run would only fight them.
        false
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }
}

/// Opens the app window on `start` and runs it until it is closed.
///
/// With the environment variable `ARCHSIM_STARTUP_PROBE` set, the app
/// prints how long it took from this call to the first drawn frame and
/// closes: the cold-start measurement.
pub fn run(start: Start) -> Result<(), String> {
    let started = Instant::now();
    let probe = std::env::var_os("ARCHSIM_STARTUP_PROBE").is_some();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("archsim")
            .with_app_id(APP_ID)
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        APP_ID,
        options,
        Box::new(move |cc| {
            let settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
                .unwrap_or_default();
            let mut app = ArchsimApp::new(Environment::native(), start, settings);
            app.startup_probe = probe.then_some(started);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| e.to_string())
}
