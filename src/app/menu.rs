//! The menu bar: File, Edit, View, Help. Each item yields a [`Command`];
//! shortcut hints come from the shortcut table.

use std::path::PathBuf;

use egui::{Button, Ui};

use crate::library::EXAMPLES;

use super::command::{Command, ThemeChoice};
use super::shortcuts;

/// What the menus need to know to show enabled items and check marks.
#[derive(Debug)]
pub struct MenuState<'a> {
    /// Whether Undo would do something.
    pub can_undo: bool,
    /// Whether Redo would do something.
    pub can_redo: bool,
    /// Whether something is selected (for Delete, Cut, Copy).
    pub has_selection: bool,
    /// Whether this window copied something to paste.
    pub can_paste: bool,
    /// The recent files, newest first.
    pub recent: &'a [PathBuf],
    /// Whether the legend is shown.
    pub legend: bool,
    /// Whether the palette shows its labels.
    pub palette: bool,
    /// Whether the side panel is open.
    pub side_panel: bool,
    /// Whether nodes snap to the grid.
    pub snap: bool,
    /// The theme setting.
    pub theme: ThemeChoice,
    /// What the Simulation menu can do.
    pub simulation: SimulationMenu,
}

/// What the Simulation menu needs to know.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimulationMenu {
    /// A simulation is under way.
    pub running: bool,
    /// The playback is playing.
    pub playing: bool,
    /// A run is shown and describes the design.
    pub current: bool,
    /// There are what-if faults.
    pub what_ifs: bool,
    /// The charts are open.
    pub charts: bool,
}

/// A menu item with the command's shortcut as its hint.
fn item(ui: &mut Ui, label: &str, command: Command, enabled: bool, out: &mut Vec<Command>) {
    let mut button = Button::new(label);
    if let Some(keys) = shortcuts::for_command(&command) {
        button = button.shortcut_text(ui.ctx().format_shortcut(&keys));
    }
    if ui.add_enabled(enabled, button).clicked() {
        out.push(command);
        ui.close();
    }
}

/// The Simulation menu.
fn simulation_menu_ui(ui: &mut Ui, s: &SimulationMenu, out: &mut Vec<Command>) {
    ui.menu_button("Simulation", |ui| {
        item(ui, "Run", Command::Run, !s.running && !s.playing, out);
        item(ui, "Pause", Command::Pause, s.playing, out);
        item(ui, "Step", Command::Step, s.current, out);
        item(ui, "Back to the start", Command::Rewind, s.current, out);
        item(ui, "Stop the simulation", Command::StopRun, s.running, out);
        ui.separator();
        item(
            ui,
            "Keep the what-if faults in the design",
            Command::KeepWhatIfs,
            s.what_ifs,
            out,
        );
        ui.separator();
        let mut charts = s.charts;
        if ui.checkbox(&mut charts, "Charts").clicked() {
            out.push(Command::ToggleCharts);
            ui.close();
        }
    });
}

/// Draws the menu bar; returns the commands chosen.
pub fn menu_ui(ui: &mut Ui, state: &MenuState<'_>) -> Vec<Command> {
    let mut out = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(ui, "New", Command::New, true, &mut out);
            item(ui, "Open…", Command::Open, true, &mut out);
            ui.menu_button("Open recent", |ui| {
                if state.recent.is_empty() {
                    ui.weak("No recent files");
                }
                for path in state.recent {
                    let label = path.display().to_string();
                    if ui.button(label).clicked() {
                        out.push(Command::OpenFile(path.clone()));
                        ui.close();
                    }
                }
            });
            item(ui, "Import traces…", Command::ImportTraces, true, &mut out);
            ui.menu_button("Examples", |ui| {
                for example in EXAMPLES {
                    let title = example.design().map(|d| d.name).unwrap_or_default();
                    let response = ui.button(example.slug).on_hover_text(title);
                    if response.clicked() {
                        out.push(Command::OpenExample(example.slug));
                        ui.close();
                    }
                }
            });
            ui.separator();
            item(ui, "Save", Command::Save, true, &mut out);
            item(ui, "Save as…", Command::SaveAs, true, &mut out);
            ui.separator();
            item(ui, "Export report…", Command::ExportReport, true, &mut out);
            ui.separator();
            item(ui, "Quit", Command::Quit, true, &mut out);
        });
        ui.menu_button("Edit", |ui| {
            item(ui, "Undo", Command::Undo, state.can_undo, &mut out);
            item(ui, "Redo", Command::Redo, state.can_redo, &mut out);
            ui.separator();
            item(ui, "Cut", Command::Cut, state.has_selection, &mut out);
            item(ui, "Copy", Command::Copy, state.has_selection, &mut out);
            item(ui, "Paste", Command::Paste(None), state.can_paste, &mut out);
            item(ui, "Delete", Command::Delete, state.has_selection, &mut out);
            item(ui, "Select all", Command::SelectAll, true, &mut out);
        });
        ui.menu_button("View", |ui| {
            item(ui, "Fit", Command::Fit, true, &mut out);
            item(ui, "Auto layout", Command::AutoLayout, true, &mut out);
            ui.separator();
            for (shown, label, command) in [
                (state.legend, "Legend", Command::ToggleLegend),
                (state.palette, "Palette with labels", Command::TogglePalette),
                (state.side_panel, "Side panel", Command::ToggleSidePanel),
                (state.snap, "Snap to grid", Command::ToggleSnap),
            ] {
                let mut shown = shown;
                if ui.checkbox(&mut shown, label).clicked() {
                    out.push(command);
                    ui.close();
                }
            }
            ui.menu_button("Theme", |ui| {
                for choice in ThemeChoice::ALL {
                    if ui.radio(state.theme == choice, choice.label()).clicked() {
                        out.push(Command::SetTheme(choice));
                        ui.close();
                    }
                }
            });
        });
        simulation_menu_ui(ui, &state.simulation, &mut out);
        ui.menu_button("Help", |ui| {
            item(ui, "Shortcuts", Command::ShowShortcuts, true, &mut out);
            item(ui, "About", Command::ShowAbout, true, &mut out);
        });
    });
    out
}
