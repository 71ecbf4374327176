//! The studies panel: the questions of a design review answered by many
//! simulations on another thread, with progress and Stop — how much load
//! before an objective breaks (capacity, with its curve), which service
//! matters most (sensitivity, a tornado), what breaks when a node goes
//! down (chaos, a matrix). A node named in a result can be shown on the
//! canvas.

use egui::{Color32, DragValue, Grid, ProgressBar, RichText, ScrollArea, Sense, Ui, vec2};
use egui_plot::{AxisHints, Corner, HLine, Legend, Line, Plot, PlotPoints, VLine};

use crate::model::{Design, NodeId};
use crate::numbers::{self, Measure};
use crate::report::content::studies::heat_text;
use crate::sim;
use crate::study::capacity::{Bound, CapacityStudy};
use crate::study::chaos::{self, ChaosStudy};
use crate::study::sensitivity::{self, SensitivityStudy};
use crate::study::{Kind, Runs, Studies, Study};
use crate::visual::{self, Palette};

use super::canvas::{self, paint};
use super::charts;
use super::run::RunSettings;
use super::run::job::{Job, Polled, Workload};

/// The button's name of a study.
fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Capacity => "Capacity",
        Kind::Sensitivity => "Sensitivity",
        Kind::Chaos => "Chaos",
    }
}

/// The question a study answers, under its buttons.
fn question(kind: Kind) -> &'static str {
    match kind {
        Kind::Capacity => {
            "How much more load does each entry point take while it meets its objectives, and what saturates first?"
        }
        Kind::Sensitivity => {
            "Which service's work, store's latency or link's latency moves each entry point's p99 most (each ±20 %)?"
        }
        Kind::Chaos => {
            "What breaks, and what is only delayed, when each node goes down (then 5× slower) for a while?"
        }
    }
}

/// What the panel asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum StudiesAction {
    /// Select this node and bring it into view.
    Show(NodeId),
}

/// A study under way, and the revision of the design it studies.
#[derive(Debug)]
struct Running {
    job: Job<Result<Study, String>>,
    revision: u64,
}

/// The panel's state: the study chosen, the one under way, the last
/// answer of each kind (with the revision of the design it studied).
#[derive(Debug)]
pub struct StudiesPanel {
    kind: Kind,
    replications: u32,
    running: Option<Running>,
    finished: Vec<(Study, u64)>,
    error: Option<String>,
}

impl Default for StudiesPanel {
    fn default() -> Self {
        Self {
            kind: Kind::default(),
            replications: 5,
            running: None,
            finished: Vec::new(),
            error: None,
        }
    }
}

impl StudiesPanel {
    /// Forgets everything: another document was opened.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The last answer of the study chosen, if any, and the revision of
    /// the design it studied.
    fn shown(&self) -> Option<&(Study, u64)> {
        self.finished.iter().find(|(s, _)| s.kind() == self.kind)
    }

    /// The last answer of the study chosen, if any.
    pub fn finished(&self) -> Option<&Study> {
        self.shown().map(|(s, _)| s)
    }

    /// Every study finished on the design at `revision` (not changed
    /// since): what an exported report includes.
    pub fn studies_of(&self, revision: u64) -> Studies {
        let mut studies = Studies::default();
        for (study, _) in self.finished.iter().filter(|(_, r)| *r == revision) {
            studies.keep(study.clone());
        }
        studies
    }

    /// Whether a study is under way.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Starts the chosen study of `design` on another thread.
    fn start(&mut self, design: &Design, revision: u64, settings: &RunSettings) {
        self.error = None;
        let runs = Runs {
            replications: self.replications.max(2),
            seed: Some(settings.seed),
            duration_s: Some(settings.duration_s),
            ..Runs::default()
        };
        let sims = self.kind.simulations(design);
        let workload = Workload {
            replications: runs.replications * sims as u32,
            span_ns: sim::time::from_s(settings.duration_s + design.scenario.drain_s),
        };
        let (kind, mine) = (self.kind, design.clone());
        let spawned = Job::spawn("archsim-study", workload, move |control| {
            let runs = Runs { control, ..runs };
            Study::run(kind, &mine, runs).map_err(|e| e.to_string())
        });
        match spawned {
            Ok(job) => self.running = Some(Running { job, revision }),
            Err(e) => self.error = Some(format!("Cannot start the study: {e}")),
        }
    }

    /// Once a frame: picks up the study's answer.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(running) = &self.running else {
            return;
        };
        ctx.request_repaint_after(std::time::Duration::from_millis(50));
        match running.job.poll() {
            Polled::Running => {}
            Polled::Done(answer) => {
                let revision = running.revision;
                self.running = None;
                match answer {
                    Ok(study) => {
                        self.finished.retain(|(s, _)| s.kind() != study.kind());
                        self.kind = study.kind();
                        self.finished.push((study, revision));
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Polled::Lost => {
                self.running = None;
                self.error = Some("The study stopped unexpectedly (a bug in archsim).".into());
            }
        }
    }

    /// Draws the panel for `design` at `revision`; `valid` says whether it
    /// can be simulated.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        design: &Design,
        revision: u64,
        valid: bool,
        settings: &RunSettings,
    ) -> Option<StudiesAction> {
        ui.horizontal_wrapped(|ui| {
            for kind in Kind::ALL {
                ui.selectable_value(&mut self.kind, kind, label(kind));
            }
        });
        ui.weak(question(self.kind));
        if let Some(Running { job, .. }) = &self.running {
            let progress = job.progress();
            ui.horizontal(|ui| {
                ui.add(
                    ProgressBar::new(progress)
                        .desired_width(ui.available_width() - 90.0)
                        .text(format!("Studying about {:.0} %", progress * 100.0)),
                );
                if ui.button("■ Stop").clicked() {
                    job.cancel();
                }
            });
        } else {
            ui.horizontal(|ui| {
                let run = ui
                    .add_enabled(valid, egui::Button::new(format!("Run {}", self.kind.name())))
                    .on_hover_text("Simulate the design many times on another thread, with the run settings' seed and duration and the same seeds for every simulation")
                    .on_disabled_hover_text("Fix the design's problems first (see the status bar)");
                ui.add(DragValue::new(&mut self.replications).range(2..=50))
                    .on_hover_text("Replications per simulation: the same seeds for all");
                ui.label("runs each");
                if run.clicked() {
                    self.start(design, revision, settings);
                }
            });
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().warn_fg_color, e);
        }
        ui.separator();
        let Some((finished, studied)) = self.shown() else {
            ui.weak(format!("No {} study yet: Run it. The command line runs the same: archsim study {} FILE. File ▸ Export report includes every study run on the design as it is.", self.kind.name(), self.kind.name()));
            return None;
        };
        if *studied != revision {
            ui.weak("The design changed since this study: run it again to study these changes (a report leaves it out).");
        }
        let palette = Palette::of(canvas::theme_of(ui));
        let mut action = None;
        ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                action = match finished {
                    Study::Capacity(s) => capacity_ui(ui, design, s),
                    Study::Sensitivity(s) => sensitivity_ui(ui, s, palette),
                    Study::Chaos(s) => chaos_ui(ui, s, palette),
                };
            });
        action
    }
}

/// A button naming a node: clicked, the node is shown on the canvas.
fn node_button(ui: &mut Ui, id: &str, name: &str) -> Option<StudiesAction> {
    ui.link(name)
        .on_hover_text("Show it on the canvas")
        .clicked()
        .then(|| StudiesAction::Show(NodeId::new(id)))
}

fn capacity_ui(ui: &mut Ui, design: &Design, study: &CapacityStudy) -> Option<StudiesAction> {
    let mut action = None;
    ui.label(format!(
        "{} load points, {} replications each",
        study.points.len(),
        study.replications
    ));
    for (i, c) in study.capacities.iter().enumerate() {
        ui.add_space(4.0);
        ui.label(RichText::new(&c.entry_point).strong());
        ui.label(c.describe());
        if let Some(b) = &c.bottleneck {
            ui.horizontal(|ui| {
                ui.label("Bottleneck:");
                action = action.take().or(node_button(ui, &b.node, &b.name));
            });
        }
        let p99: Vec<[f64; 2]> = study
            .points
            .iter()
            .filter(|p| p.entry_points[i].p99_ms.mean.is_finite())
            .map(|p| [p.load_multiplier, p.entry_points[i].p99_ms.mean])
            .collect();
        let p50: Vec<[f64; 2]> = study
            .points
            .iter()
            .filter(|p| p.entry_points[i].p50_ms.mean.is_finite())
            .map(|p| [p.load_multiplier, p.entry_points[i].p50_ms.mean])
            .collect();
        let objective = design.entry_points.get(i).and_then(|e| e.objectives.p99_ms);
        // Deep overload runs to the timeouts and would flatten the knee:
        // the view shows up to 2.5 times the worst p99 that still met
        // (or the objective); the rest is a drag away.
        let met_p99 = study
            .points
            .iter()
            .filter(|p| p.entry_points[i].meets)
            .map(|p| p.entry_points[i].p99_ms.mean)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let top = 2.5 * met_p99.max(objective.unwrap_or(0.0));
        Plot::new(("capacity", i))
            .height(180.0)
            .legend(Legend::default().position(Corner::LeftTop))
            .custom_x_axes(vec![
                AxisHints::new_x()
                    .label("load (× the design's)")
                    .formatter(|mark, _| charts::tick_label(mark.value, "×")),
            ])
            .custom_y_axes(vec![
                AxisHints::new_y()
                    .label("latency")
                    .formatter(|mark, _| charts::tick_label(mark.value, "ms")),
            ])
            .x_grid_spacer(charts::round_ticks())
            .y_grid_spacer(charts::round_ticks())
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                plot_ui.line(Line::new("p99", PlotPoints::from(p99)).width(2.0));
                plot_ui.line(Line::new("p50", PlotPoints::from(p50)));
                if let Some(ms) = objective {
                    plot_ui.hline(HLine::new("p99 objective", ms).color(Color32::RED));
                }
                if c.bound == Bound::Found {
                    plot_ui.vline(VLine::new("capacity", c.load).color(Color32::GRAY));
                }
                if top > 0.0 {
                    plot_ui.set_plot_bounds_y(0.0..=top);
                }
            });
    }
    for w in &study.warnings {
        ui.colored_label(ui.visuals().warn_fg_color, w);
    }
    action
}

fn sensitivity_ui(
    ui: &mut Ui,
    study: &SensitivityStudy,
    palette: &Palette,
) -> Option<StudiesAction> {
    let mut action = None;
    let change = numbers::setting(study.change * 100.0);
    ui.label(format!(
        "Each factor {change} % slower (right) and faster (left): the change of the p99"
    ));
    for (i, base) in study.baseline.iter().enumerate() {
        ui.add_space(4.0);
        ui.label(
            RichText::new(format!(
                "{}: p99 {}",
                base.entry_point,
                numbers::estimate(base.p99_ms, Measure::Ms)
            ))
            .strong(),
        );
        let mut ranked: Vec<_> = study.factors.iter().map(|f| (f, &f.effects[i])).collect();
        ranked.sort_by(|a, b| b.1.p99_swing_ms.abs().total_cmp(&a.1.p99_swing_ms.abs()));
        let widest = ranked
            .iter()
            .flat_map(|(_, e)| [e.slower.p99_ms.mean.abs(), e.faster.p99_ms.mean.abs()])
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
        for (k, (factor, effect)) in ranked.iter().take(10).enumerate() {
            ui.push_id(("factor", i, k), |ui| {
                // Name above, bar and figure below: the panel stays narrow.
                ui.horizontal_wrapped(|ui| {
                    ui.label(factor.kind.words());
                    if factor.kind == sensitivity::FactorKind::LinkLatency {
                        ui.label(&factor.name);
                    } else {
                        action = action
                            .take()
                            .or(node_button(ui, &factor.target, &factor.name));
                    }
                });
                ui.horizontal(|ui| {
                    tornado_bar_ui(ui, effect, widest, palette);
                    ui.label(numbers::difference(effect.slower.p99_ms, Measure::Ms));
                });
            });
        }
    }
    action
}

/// One bar of a tornado: the faster side to the left of the middle, the
/// slower side to the right, both on one scale.
fn tornado_bar_ui(ui: &mut Ui, effect: &sensitivity::Effect, widest: f64, palette: &Palette) {
    let (rect, _) = ui.allocate_exact_size(vec2(120.0, 14.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let middle = rect.center().x;
    let half = rect.width() / 2.0;
    let extent = |ms: f64| (ms / widest).clamp(-1.0, 1.0) as f32 * half;
    let bar = |from: f32, to: f32, color: Color32| {
        let (l, r) = (from.min(to), from.max(to));
        painter.rect_filled(
            egui::Rect::from_x_y_ranges(l..=r, rect.top() + 2.0..=rect.bottom() - 2.0),
            1.0,
            color,
        );
    };
    let slower = effect.slower.p99_ms.mean;
    let faster = effect.faster.p99_ms.mean;
    if slower.is_finite() {
        bar(
            middle,
            middle + extent(slower),
            paint::color(palette.problem),
        );
    }
    if faster.is_finite() {
        bar(middle, middle + extent(faster), paint::color(palette.ok));
    }
    painter.vline(
        middle,
        rect.y_range(),
        (1.0, ui.visuals().weak_text_color()),
    );
}

/// One cell of the chaos heat map: filled by what happened, its figure
/// on it, the details on hover.
fn heat_cell_ui(ui: &mut Ui, palette: &Palette, c: &chaos::Cell) {
    let text = heat_text(c).unwrap_or_else(|| "·".to_owned());
    let (rect, response) = ui.allocate_exact_size(vec2(76.0, 18.0), Sense::hover());
    let fill = visual::chaos_fill(palette, c.outcome, c.availability_drop.mean);
    ui.painter().rect_filled(rect, 2.0, paint::color(fill));
    ui.painter().text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::TextStyle::Small.resolve(ui.style()),
        paint::color(palette.text),
    );
    response.on_hover_text(format!(
        "{} {}: availability −{}, p99 {}, work done {}",
        c.entry_point,
        c.outcome.as_str(),
        numbers::estimate(c.availability_drop, Measure::Percent),
        numbers::difference(c.p99_ms, Measure::Ms),
        numbers::difference(c.flow_p99_ms, Measure::Ms)
    ));
}

fn chaos_ui(ui: &mut Ui, study: &ChaosStudy, palette: &Palette) -> Option<StudiesAction> {
    let mut action = None;
    ui.label(format!(
        "Each node down (then {}× slower) from {} for {}",
        numbers::setting(study.slow_factor),
        numbers::setting_ms(study.at_s * 1e3),
        numbers::setting_ms(study.for_s * 1e3)
    ));
    Grid::new("chaos matrix")
        .num_columns(study.baseline.len() + 1)
        .spacing([6.0, 3.0])
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            for b in &study.baseline {
                ui.label(RichText::new(&b.entry_point).strong());
            }
            ui.end_row();
            for e in &study.experiments {
                ui.horizontal(|ui| {
                    ui.label(match e.injury {
                        chaos::Injury::Crash => "crash".to_owned(),
                        chaos::Injury::SlowDown => {
                            format!("slow ×{}", numbers::setting(study.slow_factor))
                        }
                    });
                    action = action.take().or(node_button(ui, &e.node, &e.name));
                    if let (Some(id), Some(name)) = (&e.with_node, &e.with_name) {
                        ui.label("+");
                        action = action.take().or(node_button(ui, id, name));
                    }
                });
                for c in &e.cells {
                    heat_cell_ui(ui, palette, c);
                }
                ui.end_row();
            }
        });
    let lost: Vec<String> = study
        .experiments
        .iter()
        .filter(|e| e.messages_lost.interval().0 > 0.0)
        .map(|e| {
            format!(
                "{}: {} messages lost",
                e.label(study.slow_factor),
                numbers::value(e.messages_lost.mean, Measure::Count)
            )
        })
        .collect();
    for line in lost {
        ui.colored_label(ui.visuals().warn_fg_color, line);
    }
    action
}
