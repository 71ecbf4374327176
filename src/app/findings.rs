//! The findings panel: where the design is fragile, most severe first, with
//! a filter. Static findings are always there (for a valid design); those
//! of the simulation (saturated services, blocked workers, growing queues,
//! cascades) join them after a run, while the run is current. Clicking one
//! highlights and frames what it is about, and shows its explanation.

use egui::{RichText, ScrollArea, TextEdit, Ui};

use crate::analysis::{Finding, Severity};
use crate::visual::{Palette, Rgba};

use super::analysed::Analysed;
use super::canvas::{self, paint};
use super::focus::Focus;

/// What the panel asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum FindingsAction {
    /// Highlight and frame this finding.
    Show(Box<Finding>),
    /// Highlight nothing.
    Clear,
}

/// The findings panel's state between frames.
#[derive(Debug)]
pub struct FindingsPanel {
    /// Shown are findings whose text contains this (any case).
    pub filter: String,
    /// Which severities are shown: error, warning, info.
    pub severities: [bool; 3],
}

impl Default for FindingsPanel {
    fn default() -> Self {
        Self {
            filter: String::new(),
            severities: [true; 3],
        }
    }
}

/// The simulation's findings as the panel sees them.
#[derive(Debug, Clone, Copy)]
pub enum RunFindings<'a> {
    /// No run yet.
    None,
    /// The run shown no longer describes the design.
    Stale,
    /// The current run's findings.
    Current(&'a [Finding]),
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

/// The colour of a severity's mark.
pub fn severity_color(severity: Severity, palette: &Palette) -> Rgba {
    match severity {
        Severity::Error => palette.problem,
        Severity::Warning => palette.highlight,
        Severity::Info => palette.text_muted,
    }
}

impl FindingsPanel {
    /// Whether `finding` passes the filter.
    pub fn shows(&self, finding: &Finding) -> bool {
        let Some(i) = SEVERITIES.iter().position(|s| *s == finding.severity) else {
            return false;
        };
        if !self.severities[i] {
            return false;
        }
        let needle = self.filter.trim().to_lowercase();
        needle.is_empty()
            || [
                finding.title.as_str(),
                finding.explanation.as_str(),
                finding.rule.id(),
                finding.entry_point.as_deref().unwrap_or_default(),
            ]
            .iter()
            .any(|t| t.to_lowercase().contains(&needle))
            || finding
                .nodes
                .iter()
                .any(|n| n.as_str().to_lowercase().contains(&needle))
    }

    /// The number of findings in the panel's list.
    pub fn count(&self, analysed: &Analysed, run: RunFindings<'_>) -> usize {
        all(analysed, run).len()
    }

    /// Draws the panel.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        analysed: &Analysed,
        run: RunFindings<'_>,
        focus: &Focus,
    ) -> Option<FindingsAction> {
        let Some(_) = analysed.get() else {
            ui.weak("Fix the design's problems (see the status bar) to see its findings.");
            return None;
        };
        let findings = all(analysed, run);
        let palette = Palette::of(canvas::theme_of(ui));
        ui.horizontal(|ui| {
            let label = ui.label("Filter");
            ui.add(
                TextEdit::singleline(&mut self.filter)
                    .hint_text("text, rule, node…")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        });
        ui.horizontal_wrapped(|ui| {
            for (i, severity) in SEVERITIES.iter().enumerate() {
                let n = findings.iter().filter(|f| f.severity == *severity).count();
                let name = match severity {
                    Severity::Error => "Errors",
                    Severity::Warning => "Warnings",
                    Severity::Info => "Info",
                };
                let text = RichText::new(format!("{name} {n}"))
                    .color(paint::color(severity_color(*severity, palette)));
                ui.toggle_value(&mut self.severities[i], text);
            }
        });
        match run {
            RunFindings::None => {
                ui.weak("Run the simulation to add what load shows: saturated services, blocked workers, growing queues, cascades.");
            }
            RunFindings::Stale => {
                ui.weak("The findings of the last run are hidden: the design changed since.");
            }
            RunFindings::Current(_) => {}
        }
        ui.separator();
        let mut action = None;
        let shown: Vec<&Finding> = findings.into_iter().filter(|f| self.shows(f)).collect();
        if shown.is_empty() {
            ui.weak("No finding matches.");
        }
        ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for finding in shown {
                    let open = matches!(focus, Focus::Finding(f) if f.as_ref() == finding);
                    ui.push_id((finding.rule.id(), &finding.title, &finding.nodes), |ui| {
                        if let Some(a) = finding_ui(ui, finding, open, palette) {
                            action = Some(a);
                        }
                    });
                }
            });
        action
    }
}

/// Static findings and the current run's, most severe first.
fn all<'a>(analysed: &'a Analysed, run: RunFindings<'a>) -> Vec<&'a Finding> {
    let mut findings: Vec<&Finding> = analysed
        .get()
        .map_or(Vec::new(), |a| a.findings.iter().collect());
    if let RunFindings::Current(dynamic) = run {
        findings.extend(dynamic);
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

/// One finding: its title, and when open, what it means and what helps.
fn finding_ui(
    ui: &mut Ui,
    finding: &Finding,
    open: bool,
    palette: &Palette,
) -> Option<FindingsAction> {
    let mut action = None;
    let color = paint::color(severity_color(finding.severity, palette));
    ui.horizontal_top(|ui| {
        let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 16.0), egui::Sense::hover());
        ui.painter().circle_filled(dot.center(), 4.5, color);
        let mut title = RichText::new(&finding.title);
        if open {
            title = title.strong();
        }
        let response = ui
            .add(egui::Button::selectable(open, title).wrap())
            .on_hover_text(format!("{} · {}", finding.severity, finding.rule));
        if response.clicked() {
            action = Some(if open {
                FindingsAction::Clear
            } else {
                FindingsAction::Show(Box::new(finding.clone()))
            });
        }
    });
    if open {
        ui.indent("explanation", |ui| {
            let tag = if finding.rule.is_dynamic() {
                " · from the simulation"
            } else {
                ""
            };
            ui.weak(format!("{} · {}{tag}", finding.severity, finding.rule));
            ui.label(&finding.explanation);
            if !finding.suggestions.is_empty() {
                ui.add_space(2.0);
                ui.label(RichText::new("What helps (measured in Suggestions):").strong());
                for s in &finding.suggestions {
                    ui.label(format!("• {}", s.description));
                }
            }
        });
    }
    ui.add_space(2.0);
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    #[test]
    fn the_filter_matches_text_rules_and_nodes_and_severities() {
        let design = library::example("fraud-check-blocking");
        let analysis = crate::analysis::analyse(&design);
        let mut panel = FindingsPanel::default();
        let count = |p: &FindingsPanel| analysis.findings.iter().filter(|f| p.shows(f)).count();
        let all = count(&panel);
        assert!(all >= 2);
        panel.filter = "LONG-blocking".into();
        assert_eq!(count(&panel), 1);
        panel.filter = "fraud_detection".into();
        assert!(count(&panel) >= 1);
        panel.filter = "no such thing".into();
        assert_eq!(count(&panel), 0);
        panel.filter.clear();
        panel.severities = [false; 3];
        assert_eq!(count(&panel), 0);
    }
}
