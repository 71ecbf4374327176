//! The suggestions panel: the refactorings the findings propose, each
//! measured by the advisor — applied to a copy, simulated with the same
//! seeds before and after (on another thread, with progress and Stop) —
//! and ranked. Each can be previewed on the canvas (the transformed design,
//! what changed highlighted), applied (one undo step), and compared with
//! the design as it is (a table and the two latency distributions).

use egui::{DragValue, Grid, ProgressBar, RichText, ScrollArea, Ui};

use crate::advice::{self, Advice, Change, Evaluation, RefactorError, Suggestion};
use crate::model::{Design, LinkIdx, NodeId, NodeIdx};
use crate::numbers::{self, Measure, percent};
use crate::sim::{self, SimOptions};
use crate::visual::{Emphasis, NodeShape, Palette, Theme};

use super::analysed::Analysed;
use super::canvas::{self, OverlayPainter, paint};
use super::charts;
use super::document::{Document, Origin};
use super::focus::Emphases;
use super::run::job::{Job, Polled, Workload};
use super::run::{RunSettings, same_behaviour};

/// What the panel asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum SuggestionsAction {
    /// Show this suggestion applied, on the canvas.
    Preview(Suggestion),
    /// Back to the design as it is.
    ClosePreview,
    /// Apply this suggestion to the design (one undo step).
    Apply(Suggestion),
}

/// `suggestion` applied to `design`, with the nodes it adds placed clear
/// of the others (the refactoring puts them between their neighbours,
/// where they would hide the links): what preview and apply show.
pub fn applied(design: &Design, suggestion: &Suggestion) -> Result<Design, RefactorError> {
    let mut after = suggestion.refactor.apply(design)?;
    crate::placement::place_added(design, &mut after);
    Ok(after)
}

/// A suggestion shown applied on the canvas, without changing the design.
#[derive(Debug)]
pub struct Preview {
    /// The transformed design, as a document the canvas can draw.
    pub doc: Document,
    /// The suggestion.
    pub suggestion: Suggestion,
    /// What changed, highlighted.
    pub emphases: Emphases,
    /// The links the suggestion takes away, as the ids of the nodes they
    /// joined: drawn as ghosts.
    pub removed: Vec<(NodeId, NodeId)>,
}

impl Preview {
    /// `suggestion` applied to `design`.
    pub fn new(design: &Design, suggestion: Suggestion) -> Result<Self, RefactorError> {
        let after = applied(design, &suggestion)?;
        let mut emphases = Emphases::default();
        for (i, node) in after.nodes.iter().enumerate() {
            if design.node(&node.id).is_none_or(|n| n.kind != node.kind) {
                emphases.nodes.insert(NodeIdx(i), Emphasis::Highlighted);
            }
        }
        for (i, link) in after.links.iter().enumerate() {
            if !design.links.contains(link) {
                emphases.links.insert(LinkIdx(i), Emphasis::Highlighted);
            }
        }
        let removed = design
            .links
            .iter()
            .filter(|l| !after.links.iter().any(|a| a.from == l.from && a.to == l.to))
            .map(|l| (l.from.clone(), l.to.clone()))
            .collect();
        Ok(Self {
            doc: Document::new(after, Origin::Untitled),
            suggestion,
            emphases,
            removed,
        })
    }
}

impl Preview {
    /// Paints the links the suggestion takes away as ghosts: thin dashed
    /// lines between the nodes they joined, crossed in the middle.
    pub fn ghosts_painter(&self, theme: Theme) -> OverlayPainter<'static> {
        let design = self.doc.design();
        let centre = |id: &NodeId| {
            design
                .node(id)
                .map(|n| (egui::pos2(n.pos.x, n.pos.y), NodeShape::of(&n.kind)))
        };
        let ends: Vec<(egui::Pos2, egui::Pos2)> = self
            .removed
            .iter()
            .filter_map(|(a, b)| crate::visual::link_ends(centre(a)?, centre(b)?, 0.0))
            .collect();
        let color = paint::color(Palette::of(theme).text_muted.faded(0.7));
        Box::new(move |painter, transform| {
            let stroke = egui::Stroke::new(1.5, color);
            for &(a, b) in &ends {
                let (a, b) = (
                    transform.screen_from_graph(a),
                    transform.screen_from_graph(b),
                );
                painter.extend(egui::Shape::dashed_line(&[a, b], stroke, 6.0, 5.0));
                let middle = a.lerp(b, 0.5);
                let arm = 5.0;
                for d in [egui::vec2(arm, arm), egui::vec2(arm, -arm)] {
                    painter.line_segment([middle - d, middle + d], stroke);
                }
            }
        })
    }
}

/// The advisor's answer for one version of the design.
#[derive(Debug)]
struct Evaluated {
    /// The design evaluated (what-if faults included).
    design: Design,
    settings: RunSettings,
    advice: Advice,
}

/// The advisor at work on one version of the design.
#[derive(Debug)]
struct Measuring {
    job: Job<Result<Advice, String>>,
    /// The design measured (what-if faults included).
    design: Design,
    settings: RunSettings,
}

/// The panel's state between frames.
#[derive(Debug)]
pub struct SuggestionsPanel {
    running: Option<Measuring>,
    evaluated: Option<Evaluated>,
    error: Option<String>,
    /// Replications per simulation (two or more give intervals).
    pub replications: u32,
    /// The suggestion whose comparison window is open.
    compare: Option<String>,
}

impl Default for SuggestionsPanel {
    fn default() -> Self {
        Self {
            running: None,
            evaluated: None,
            error: None,
            replications: 5,
            compare: None,
        }
    }
}

impl SuggestionsPanel {
    /// Starts measuring every suggestion for `design` (what-if faults
    /// included) with `settings`, on another thread.
    pub fn evaluate(&mut self, design: &Design, settings: &RunSettings, suggestions: usize) {
        self.error = None;
        let settings = RunSettings {
            replications: self.replications.max(1),
            ..settings.clone()
        };
        let options = SimOptions {
            seed: Some(settings.seed),
            duration_s: Some(settings.duration_s),
            replications: settings.replications,
            load_multiplier: settings.load,
            ..SimOptions::default()
        };
        let workload = Workload {
            replications: settings.replications * (suggestions as u32 + 1),
            span_ns: sim::time::from_s(settings.duration_s + design.scenario.drain_s),
        };
        let mine = design.clone();
        match Job::spawn("archsim-advisor", workload, move |control| {
            advice::evaluate(&mine, &SimOptions { control, ..options }).map_err(|e| e.to_string())
        }) {
            Ok(job) => {
                self.running = Some(Measuring {
                    job,
                    design: design.clone(),
                    settings,
                })
            }
            Err(e) => self.error = Some(format!("Cannot start the advisor: {e}")),
        }
    }

    /// Whether the advisor is at work.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The measured suggestions, when they describe `design` (what-if
    /// faults included) with `settings`.
    pub fn current(&self, design: &Design, settings: &RunSettings) -> Option<&Advice> {
        current_advice(self.evaluated.as_ref(), design, settings)
    }

    /// Forgets everything: another document was opened.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Once a frame: picks up the advisor's answer.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(Measuring { job, .. }) = &self.running else {
            return;
        };
        ctx.request_repaint_after(std::time::Duration::from_millis(50));
        let cancelled = job.is_cancelled();
        match job.poll() {
            Polled::Running => {}
            Polled::Done(answer) => {
                if let Some(Measuring {
                    design, settings, ..
                }) = self.running.take()
                {
                    match answer {
                        Ok(_) if cancelled => {
                            self.error = Some("Stopped: nothing was measured.".into())
                        }
                        Ok(advice) => {
                            self.evaluated = Some(Evaluated {
                                design,
                                settings,
                                advice,
                            });
                        }
                        Err(e) => self.error = Some(e),
                    }
                }
            }
            Polled::Lost => {
                self.running = None;
                self.error = Some("The advisor stopped unexpectedly (a bug in archsim).".into());
            }
        }
    }

    /// Draws the panel. `design` is the design with the what-if faults,
    /// `settings` the run settings; `previewed` the id of the suggestion
    /// shown on the canvas.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        analysed: &Analysed,
        design: &Design,
        settings: &RunSettings,
        previewed: Option<&str>,
    ) -> Option<SuggestionsAction> {
        let Some(analysis) = analysed.get() else {
            ui.weak("Fix the design's problems (see the status bar) to see suggestions.");
            return None;
        };
        let suggestions = advice::suggestions(analysis);
        let mut action = None;
        if let Some(Measuring { job, .. }) = &self.running {
            let progress = job.progress();
            ui.horizontal(|ui| {
                ui.add(
                    ProgressBar::new(progress)
                        .desired_width(ui.available_width() - 90.0)
                        .text(format!("Measuring {:.0} %", progress * 100.0)),
                );
                if ui.button("■ Stop").clicked() {
                    job.cancel();
                }
            });
        } else {
            ui.horizontal(|ui| {
                let evaluate = ui
                    .add_enabled(!suggestions.is_empty(), egui::Button::new("Evaluate suggestions"))
                    .on_hover_text("Apply each suggestion to a copy and simulate before and after with the same seeds, the run settings and the what-if faults");
                ui.add(DragValue::new(&mut self.replications).range(1..=50))
                    .on_hover_text("Replications per simulation: two or more give 95 % intervals");
                ui.label("runs each");
                if evaluate.clicked() {
                    self.evaluate(design, settings, suggestions.len());
                }
            });
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().warn_fg_color, e);
        }
        ui.separator();
        if suggestions.is_empty() {
            ui.weak("No suggestions: the findings propose no refactoring for this design.");
            return None;
        }
        let current = current_advice(self.evaluated.as_ref(), design, settings);
        if current.is_none() {
            ui.weak(if self.evaluated.is_some() {
                "The design or the run settings changed since the last measurement: evaluate again to measure these."
            } else {
                "Not measured yet: Evaluate simulates each one before and after."
            });
        }
        let palette = Palette::of(canvas::theme_of(ui));
        let mut compare = None;
        ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| match current {
                Some(advice) => {
                    for (rank, evaluation) in advice.evaluations.iter().enumerate() {
                        ui.push_id(&evaluation.suggestion.id, |ui| {
                            let shown = previewed == Some(evaluation.suggestion.id.as_str());
                            heading_ui(ui, rank, &evaluation.suggestion);
                            measured_ui(ui, evaluation, palette);
                            let (a, c) = buttons_ui(ui, &evaluation.suggestion, shown, true);
                            action = action.take().or(a);
                            if c {
                                compare = Some(evaluation.suggestion.id.clone());
                            }
                        });
                        ui.separator();
                    }
                }
                None => {
                    for (rank, suggestion) in suggestions.iter().enumerate() {
                        ui.push_id(&suggestion.id, |ui| {
                            let shown = previewed == Some(suggestion.id.as_str());
                            heading_ui(ui, rank, suggestion);
                            let (a, _) = buttons_ui(ui, suggestion, shown, false);
                            action = action.take().or(a);
                        });
                        ui.separator();
                    }
                }
            });
        if compare.is_some() {
            self.compare = compare;
        }
        compare_window(ui.ctx(), &mut self.compare, current);
        action
    }
}

/// `evaluated`, if it measured `design` with `settings` (replications
/// aside: they are the panel's own).
fn current_advice<'a>(
    evaluated: Option<&'a Evaluated>,
    design: &Design,
    settings: &RunSettings,
) -> Option<&'a Advice> {
    let e = evaluated?;
    let same_settings = RunSettings {
        replications: e.settings.replications,
        ..settings.clone()
    } == e.settings;
    (same_settings && same_behaviour(&e.design, design)).then_some(&e.advice)
}

/// The before/after comparison of suggestion `compare` in a window, while
/// it is measured; closing the window forgets it.
fn compare_window(ctx: &egui::Context, compare: &mut Option<String>, advice: Option<&Advice>) {
    let Some(id) = compare.clone() else {
        return;
    };
    let Some((advice, evaluation)) = advice.and_then(|a| {
        a.evaluations
            .iter()
            .find(|e| e.suggestion.id == id)
            .map(|e| (a, e))
    }) else {
        *compare = None;
        return;
    };
    let mut open = true;
    egui::Window::new("Before and after")
        .open(&mut open)
        .default_width(560.0)
        .collapsible(false)
        .show(ctx, |ui| compare_ui(ui, advice, evaluation));
    if !open {
        *compare = None;
    }
}

fn heading_ui(ui: &mut Ui, rank: usize, suggestion: &Suggestion) {
    ui.label(RichText::new(format!("{}. {}", rank + 1, suggestion.description)).strong())
        .on_hover_text(&suggestion.id);
}

/// What the measurement found, in sentences.
fn measured_ui(ui: &mut Ui, e: &Evaluation, palette: &Palette) {
    let benefit = numbers::fixed(e.benefit, 2);
    let sign = if benefit.starts_with('-') { "" } else { "+" };
    ui.weak(format!("benefit {sign}{benefit}"))
        .on_hover_text("Relative fall in failures and in p99 latency (and half the fall in time until all triggered work is done), averaged over entry points, plus a tenth per finding resolved");
    for line in &e.better {
        ui.label(RichText::new(format!("✔ {line}")).color(paint::color(palette.ok)));
    }
    for line in &e.worse {
        ui.label(RichText::new(format!("⚠ {line}")).color(paint::color(palette.problem)));
    }
    if !e.findings_resolved.is_empty() {
        ui.weak(format!("resolves {}", e.findings_resolved.join(", ")));
    }
}

/// Preview, Apply and (when measured) Compare. Returns the action and
/// whether Compare was clicked.
fn buttons_ui(
    ui: &mut Ui,
    suggestion: &Suggestion,
    shown: bool,
    measured: bool,
) -> (Option<SuggestionsAction>, bool) {
    let mut action = None;
    let mut compare = false;
    ui.horizontal(|ui| {
        if ui
            .selectable_label(shown, "Preview")
            .on_hover_text("Show the design with this change on the canvas, without changing it")
            .clicked()
        {
            action = Some(if shown {
                SuggestionsAction::ClosePreview
            } else {
                SuggestionsAction::Preview(suggestion.clone())
            });
        }
        if ui
            .button("Apply")
            .on_hover_text("Change the design (one undo step)")
            .clicked()
        {
            action = Some(SuggestionsAction::Apply(suggestion.clone()));
        }
        if measured
            && ui
                .button("Compare")
                .on_hover_text("The two runs side by side")
                .clicked()
        {
            compare = true;
        }
    });
    (action, compare)
}

/// Before, after, and the paired difference with its sign and interval,
/// so a change of −63 ms ± 80 ms never reads as "no change".
fn change_cells(ui: &mut Ui, c: &Change, measure: Measure) {
    ui.label(numbers::value(c.before.mean, measure));
    ui.label(numbers::value(c.after.mean, measure));
    ui.label(numbers::difference(c.difference, measure));
}

/// The comparison: per entry point, per service, findings, distributions.
fn compare_ui(ui: &mut Ui, advice: &Advice, e: &Evaluation) {
    ui.label(RichText::new(&e.suggestion.description).strong());
    ui.weak(format!(
        "{} from seed {}, paired before and after",
        numbers::count(advice.replications as usize, "replication", "replications"),
        advice.seed
    ));
    // The distributions first, so they are never below the fold; the
    // tables scroll under them.
    ui.label(RichText::new("Client latency, before (grey) and after").strong());
    charts::distributions_ui(
        ui,
        &e.suggestion.id,
        &advice.baseline.latency_distribution,
        &e.report.latency_distribution,
    );
    ui.add_space(4.0);
    ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
        for entry in &e.entry_points {
            ui.add_space(4.0);
            ui.label(RichText::new(format!("Entry point {}", entry.entry_point)).strong());
            Grid::new(("compare", &entry.entry_point))
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    for h in ["", "Before", "After", "Change"] {
                        ui.label(RichText::new(h).small().strong());
                    }
                    ui.end_row();
                    let rows: [(&str, &Change, Measure); 4] = [
                        ("Latency p50", &entry.latency_p50_ms, Measure::Ms),
                        ("Latency p99", &entry.latency_p99_ms, Measure::Ms),
                        ("Availability", &entry.availability, Measure::Percent),
                        (
                            "All work done p99",
                            &entry.flow_completion_p99_ms,
                            Measure::Ms,
                        ),
                    ];
                    for (label, change, measure) in rows {
                        ui.label(label);
                        change_cells(ui, change, measure);
                        ui.end_row();
                    }
                    for (label, c) in [
                        ("Services needed up", entry.coupling_set),
                        ("Blocking chain hops", entry.blocking_chain_hops),
                    ] {
                        ui.label(label);
                        ui.label(c.before.to_string());
                        ui.label(c.after.to_string());
                        ui.label(format!("{:+}", c.after as i64 - c.before as i64));
                        ui.end_row();
                    }
                });
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Services").strong());
        Grid::new("compare-services")
            .num_columns(5)
            .striped(true)
            .show(ui, |ui| {
                for h in ["", "Occupied before", "after", "Blocked before", "after"] {
                    ui.label(RichText::new(h).small().strong());
                }
                ui.end_row();
                for before in &advice.baseline.results.services {
                    let after = e
                        .report
                        .results
                        .services
                        .iter()
                        .find(|s| s.node == before.node);
                    ui.label(e.design.display_name(&before.node.as_str().into()));
                    ui.label(percent(before.occupancy.mean));
                    ui.label(after.map_or("–".into(), |a| percent(a.occupancy.mean)));
                    ui.label(percent(before.blocked_share.mean));
                    ui.label(after.map_or("–".into(), |a| percent(a.blocked_share.mean)));
                    ui.end_row();
                }
            });
        if !e.findings_resolved.is_empty() || !e.findings_introduced.is_empty() {
            ui.add_space(6.0);
            ui.label(format!("Findings resolved: {}", list(&e.findings_resolved)));
            ui.label(format!(
                "Findings introduced: {}",
                list(&e.findings_introduced)
            ));
        }
    });
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    #[test]
    fn a_preview_highlights_what_changed() -> Result<(), RefactorError> {
        let design = library::example("fraud-check-blocking");
        let analysis = crate::analysis::analyse(&design);
        let suggestion = advice::suggestions(&analysis)
            .into_iter()
            .find(|s| s.kind == "move-to-background");
        let Some(suggestion) = suggestion else {
            panic!("the blocking chain has a suggestion");
        };
        let preview = Preview::new(&design, suggestion)?;
        let after = preview.doc.design();
        assert!(after.nodes.len() > design.nodes.len(), "a new broker");
        assert!(!preview.emphases.nodes.is_empty());
        assert!(!preview.emphases.links.is_empty());
        assert!(
            preview
                .emphases
                .links
                .keys()
                .all(|l| !design.links.contains(&after.links[l.0]))
        );
        // The blocking call it replaces is a ghost.
        assert!(
            preview
                .removed
                .iter()
                .any(|(a, b)| a.as_str() == "payment" && b.as_str() == "fraud_detection"),
            "{:?}",
            preview.removed
        );
        // The new broker is clear of every node that was there.
        let added: Vec<_> = after
            .nodes
            .iter()
            .filter(|n| design.node(&n.id).is_none())
            .collect();
        for node in added {
            let spot = crate::placement::free_spot(&design, NodeShape::of(&node.kind), node.pos);
            assert_eq!(spot, node.pos, "{} overlaps nothing", node.id);
        }
        Ok(())
    }
}
