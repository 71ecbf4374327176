//! Commands: what menus, shortcuts and buttons ask the app to do.
//!
//! Every way of triggering an action (menu item, keyboard shortcut, palette
//! button, dialog button) produces a [`Command`]; the app carries commands
//! out in one place, after the panels are drawn, and guards the ones that
//! would throw away unsaved changes.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::edit::NewNode;

/// Light, dark, or whatever the system uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the operating system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in menu order.
    pub const ALL: [ThemeChoice; 3] = [Self::System, Self::Light, Self::Dark];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    /// The egui preference it stands for.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// One thing the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start a new, empty design.
    New,
    /// Ask for a design file, then open it.
    Open,
    /// Open this design file.
    OpenFile(PathBuf),
    /// Open a built-in example.
    OpenExample(&'static str),
    /// Ask for a trace file, then import a design from it.
    ImportTraces,
    /// Import a design from this trace file (OTLP, Jaeger or Zipkin JSON).
    ImportTracesFile(PathBuf),
    /// Save to the current file (or ask where, if there is none).
    Save,
    /// Ask where, then save there.
    SaveAs,
    /// Ask where, then write a report of the design there (simulated in
    /// the background).
    ExportReport,
    /// Close the window.
    Quit,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Delete the selected nodes and links.
    Delete,
    /// Put the selected nodes, with the links among them, on the
    /// clipboard.
    Copy,
    /// Copy, then delete the selection.
    Cut,
    /// Add the nodes on the clipboard: this text (from the system
    /// clipboard), or what was copied last in this window.
    Paste(Option<String>),
    /// Select every node and link.
    SelectAll,
    /// Zoom and pan so the whole design is in view.
    Fit,
    /// Lay the design out left to right (one undo step).
    AutoLayout,
    /// Show or hide the legend.
    ToggleLegend,
    /// Switch between light and dark.
    SetTheme(ThemeChoice),
    /// List the keyboard shortcuts.
    ShowShortcuts,
    /// Say what archsim is.
    ShowAbout,
    /// Cancel the current tool or gesture, or clear the selection.
    Cancel,
    /// Add a node of this kind in the middle of the view.
    AddNode(NewNode),

    // Simulation and playback.
    /// Simulate the design, or play the run shown if it is current.
    Run,
    /// Pause the playback.
    Pause,
    /// Play or pause.
    PlayPause,
    /// Move the playback one step on.
    Step,
    /// Back to the start of the run, paused.
    Rewind,
    /// Stop the simulation under way (what it did so far is kept).
    StopRun,
    /// Make the what-if faults part of the design's scenario (one undo step).
    KeepWhatIfs,
    /// Open or collapse the charts.
    ToggleCharts,
    /// Show the palette with its labels, or only its icons.
    TogglePalette,
    /// Show or collapse the side panel (inspector, findings, suggestions,
    /// results).
    ToggleSidePanel,
    /// Put moved and added nodes on the grid, or not.
    ToggleSnap,
}

impl Command {
    /// What it does, in a few words (Help ▸ Shortcuts).
    pub fn describe(&self) -> String {
        match self {
            Self::New => "New design".into(),
            Self::Open => "Open a design…".into(),
            Self::OpenFile(p) => format!("Open {}", p.display()),
            Self::OpenExample(slug) => format!("Open example {slug}"),
            Self::ImportTraces => "Import a design from traces…".into(),
            Self::ImportTracesFile(p) => format!("Import traces from {}", p.display()),
            Self::Save => "Save".into(),
            Self::SaveAs => "Save as…".into(),
            Self::ExportReport => "Export a report…".into(),
            Self::Quit => "Quit".into(),
            Self::Undo => "Undo".into(),
            Self::Redo => "Redo".into(),
            Self::Delete => "Delete the selection".into(),
            Self::Copy => "Copy the selected nodes and their links".into(),
            Self::Cut => "Cut the selected nodes and their links".into(),
            Self::Paste(_) => "Paste nodes".into(),
            Self::SelectAll => "Select all".into(),
            Self::Fit => "Fit the design into view".into(),
            Self::AutoLayout => "Auto layout".into(),
            Self::ToggleLegend => "Show or hide the legend".into(),
            Self::SetTheme(t) => format!("{} theme", t.label()),
            Self::ShowShortcuts => "Keyboard shortcuts".into(),
            Self::ShowAbout => "About archsim".into(),
            Self::Cancel => "Cancel the tool or gesture, or clear the selection".into(),
            Self::AddNode(kind) => format!("Add a {}", kind.label().to_lowercase()),

            Self::Run => "Run the simulation, or play the run".into(),
            Self::Pause => "Pause the playback".into(),
            Self::PlayPause => "Play or pause".into(),
            Self::Step => "Step the playback".into(),
            Self::Rewind => "Back to the start of the run".into(),
            Self::StopRun => "Stop the simulation".into(),
            Self::KeepWhatIfs => "Keep the what-if faults in the design".into(),
            Self::ToggleCharts => "Open or collapse the charts".into(),
            Self::TogglePalette => "Show the palette in full or as icons".into(),
            Self::ToggleSidePanel => "Show or collapse the side panel".into(),
            Self::ToggleSnap => "Snap to grid".into(),
        }
    }

    /// Whether carrying it out replaces the open design, so unsaved changes
    /// must be saved or discarded first.
    pub fn replaces_document(&self) -> bool {
        matches!(
            self,
            Self::New
                | Self::OpenFile(_)
                | Self::OpenExample(_)
                | Self::ImportTracesFile(_)
                | Self::Quit
        )
    }
}
