//! The run toolbar, under the menu: Run, Pause, Step, Reset; the playback
//! speed; the timeline; the load multiplier; the run settings; the what-if
//! faults; and what the simulation is doing (progress and Stop, or why its
//! results are out of date).

use egui::{Align, DragValue, Layout, ProgressBar, RichText, Slider, Ui};

use crate::model::Design;
use crate::sim::time;
use crate::visual::live_colors;

use super::super::canvas::{self, paint};
use super::super::command::Command;
use super::playback::{MAX_SPEED, MIN_SPEED};
use super::timeline::{self, FaultMark, Marks};
use super::what_if::WhatIf;
use super::{Overrides, Simulation};

/// The toolbar's own state between frames.
#[derive(Debug, Default)]
pub struct Toolbar {
    /// The load multiplier while it is being dragged: the run starts when
    /// it is let go, not at every step of the drag.
    load_edit: Option<f64>,
}

impl Toolbar {
    /// Draws the toolbar for `sim` on `design`; returns the commands chosen.
    pub fn ui(&mut self, ui: &mut Ui, sim: &mut Simulation, design: &Design) -> Vec<Command> {
        let mut out = Vec::new();
        let running = sim.progress().is_some();
        let current = sim.current().is_some();
        let playing = sim.playback.is_playing();
        ui.horizontal(|ui| {
            let run = ui
                .add_enabled(!playing && !running, egui::Button::new("▶ Run"))
                .on_hover_text("Simulate the design and play it (Space); plays the run shown when it is up to date");
            if run.clicked() {
                out.push(Command::Run);
            }
            if ui
                .add_enabled(playing, egui::Button::new("⏸ Pause"))
                .on_hover_text("Pause the playback (Space)")
                .clicked()
            {
                out.push(Command::Pause);
            }
            if ui
                .add_enabled(current, egui::Button::new("⏭ Step"))
                .on_hover_text("Move on by what a tenth of a second of playing shows")
                .clicked()
            {
                out.push(Command::Step);
            }
            if ui
                .add_enabled(current, egui::Button::new("⏮ Reset"))
                .on_hover_text("Back to the start of the run")
                .clicked()
            {
                out.push(Command::Rewind);
            }
            ui.separator();
            let mut speed = sim.playback.speed();
            ui.label("Speed");
            ui.add(
                Slider::new(&mut speed, MIN_SPEED..=MAX_SPEED)
                    .logarithmic(true)
                    .suffix("×")
                    .max_decimals(1),
            )
            .on_hover_text("Simulated seconds per second. Messages are drawn slowed down so they can be seen: each takes at least 0.4 s to cross, longer hops longer.");
            sim.playback.set_speed(speed);
            ui.separator();
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                self.status_ui(ui, sim, &mut out);
                what_ifs_ui(ui, sim, design, &mut out);
                settings_ui(ui, sim, design);
                self.load_ui(ui, sim, design);
                ui.separator();
                ui.add_sized(timeline::TIME_LABEL_WIDTH, egui::Label::new(
                    RichText::new(timeline::time_label(&sim.playback)).monospace(),
                ));
                let marks = marks(sim, design);
                let width = ui.available_width().max(60.0);
                timeline::timeline_ui(ui, width, &mut sim.playback, &marks);
            });
        });
        out
    }

    /// The load multiplier; changing it re-runs.
    fn load_ui(&mut self, ui: &mut Ui, sim: &mut Simulation, design: &Design) {
        let mut load = self.load_edit.unwrap_or(sim.overrides().load);
        let response = ui
            .add(
                DragValue::new(&mut load)
                    .range(0.0..=50.0)
                    .speed(0.02)
                    .prefix("×")
                    .max_decimals(2),
            )
            .on_hover_text("Load multiplier: scales every arrival rate. Changing it runs the simulation again.");
        ui.label("Load");
        if response.dragged() {
            self.load_edit = Some(load);
        } else if response.changed() || response.drag_stopped() {
            self.load_edit = None;
            let overrides = Overrides {
                load,
                ..sim.overrides().clone()
            };
            sim.set_overrides(overrides, design);
        }
    }

    /// Progress and Stop while simulating, else what is wrong with the
    /// results shown.
    fn status_ui(&mut self, ui: &mut Ui, sim: &Simulation, out: &mut Vec<Command>) {
        if let Some(progress) = sim.progress() {
            if ui
                .button("■ Stop")
                .on_hover_text("Stop the simulation; what it simulated so far is kept")
                .clicked()
            {
                out.push(Command::StopRun);
            }
            ui.add(
                ProgressBar::new(progress)
                    .desired_width(130.0)
                    .text(format!("Simulating {:.0} %", progress * 100.0)),
            );
        } else if let Some(error) = sim.error() {
            ui.colored_label(ui.visuals().error_fg_color, "⚠ Cannot run")
                .on_hover_text(error);
        } else if sim.is_stale() {
            ui.colored_label(ui.visuals().warn_fg_color, "⚠ Results out of date")
                .on_hover_text("The design, the what-if faults or the run settings changed since this run. Run again to see the current design; undoing the change brings the results back.");
        } else if let Some(outcome) = sim.current() {
            let s = &outcome.settings;
            ui.weak(format!(
                "seed {} · {} run{}",
                s.seed,
                s.replications,
                if s.replications == 1 { "" } else { "s" }
            ))
            .on_hover_text("Seed and replications of the run shown (Run settings changes them)");
        }
    }
}

/// What the timeline marks for the run shown (or the one that would run).
fn marks(sim: &Simulation, design: &Design) -> Marks {
    let settings = sim.settings(design);
    let messages_until_s = sim
        .outcome()
        .and_then(|o| o.trace())
        .map_or(f64::INFINITY, |t| time::to_s(t.complete_until()));
    Marks {
        warmup_s: design.scenario.warmup_s,
        duration_s: settings.duration_s,
        messages_until_s,
        faults: design
            .scenario
            .faults
            .iter()
            .chain(sim.what_ifs().iter().filter_map(|w| match w {
                WhatIf::Fault(f) => Some(f),
                WhatIf::Errors { .. } => None,
            }))
            .filter_map(|f| FaultMark::of(f, design))
            .collect(),
    }
}

/// Seed, duration and replications for the runs of this session.
fn settings_ui(ui: &mut Ui, sim: &mut Simulation, design: &Design) {
    ui.menu_button("⚙ Run settings", |ui| {
        let scenario = &design.scenario;
        let mut o = sim.overrides().clone();
        let mut seed = o.seed.unwrap_or(scenario.seed);
        let mut duration = o.duration_s.unwrap_or(scenario.duration_s);
        ui.label(RichText::new("For the runs of this session; the scenario (Inspector, with nothing selected) is what is saved.").small().weak());
        egui::Grid::new("run-settings").num_columns(2).show(ui, |ui| {
            ui.label("Seed");
            if ui.add(DragValue::new(&mut seed)).changed() {
                o.seed = Some(seed);
            }
            ui.end_row();
            ui.label("Duration");
            let min = scenario.warmup_s + 1.0;
            if ui
                .add(DragValue::new(&mut duration).range(min..=86_400.0).suffix(" s"))
                .changed()
            {
                o.duration_s = Some(duration.max(min));
            }
            ui.end_row();
            ui.label("Replications");
            ui.add(DragValue::new(&mut o.replications).range(1..=50))
                .on_hover_text("Independent runs with seeds seed, seed + 1, …: the results get 95 % intervals. The first is animated.");
            ui.end_row();
        });
        if ui.button("Use the scenario's values").clicked() {
            o = Overrides {
                load: o.load,
                ..Overrides::default()
            };
        }
        sim.set_overrides(o, design);
    });
}

/// The what-if faults, in amber because they are not saved.
fn what_ifs_ui(ui: &mut Ui, sim: &mut Simulation, design: &Design, out: &mut Vec<Command>) {
    let count = sim.what_ifs().len();
    if count == 0 {
        return;
    }
    let amber = paint::color(live_colors(canvas::theme_of(ui)).waiting);
    let title = RichText::new(format!(
        "{count} what-if fault{} (not saved)",
        if count == 1 { "" } else { "s" }
    ))
    .color(amber);
    ui.menu_button(title, |ui| {
        let mut remove = None;
        for (i, w) in sim.what_ifs().iter().enumerate() {
            ui.horizontal(|ui| {
                if ui.small_button("🗙").on_hover_text("Remove").clicked() {
                    remove = Some(i);
                }
                ui.label(w.describe(design));
            });
        }
        if let Some(i) = remove {
            sim.remove_what_if(i);
        }
        ui.separator();
        if ui
            .button("Keep them in the design")
            .on_hover_text("Add them to the scenario (or the service's error rate): saved with the design, one undo step")
            .clicked()
        {
            out.push(Command::KeepWhatIfs);
            ui.close();
        }
    });
}
