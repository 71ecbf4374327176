//! File ▸ Import traces…: a design from distributed traces, and the side
//! panel's Import tab with the import report (what was read, what is
//! guessed, what traces cannot show), there until the user closes it.

use std::path::Path;

use egui::{RichText, Ui};

use crate::import::{self, Guess, ImportError, ImportReport, Spans};

/// The import report of the design that came from traces, while its tab
/// is open.
#[derive(Debug, Default)]
pub struct ImportPanel {
    /// The report, while the tab is open.
    pub report: Option<ImportReport>,
}

/// Reads the trace file at `path` and infers its design, named after the
/// file.
pub fn import_file(path: &Path) -> Result<(crate::model::Design, ImportReport), ImportError> {
    let mut spans = Spans::default();
    spans.read_file(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .map(|n| n.split('.').next().unwrap_or_default().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Imported design".to_owned());
    import::infer(&spans, &name)
}

impl ImportPanel {
    /// The side panel's Import tab: the report, and a button that closes
    /// it (the tab goes with it).
    pub fn ui(&mut self, ui: &mut Ui) {
        let Some(report) = &self.report else { return };
        let mut close = false;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                report_ui(ui, report);
                ui.add_space(8.0);
                close = ui
                    .button("Done: close the import report")
                    .on_hover_text("The design stays; the report goes")
                    .clicked();
            });
        if close {
            self.report = None;
        }
    }
}

/// Guesses made for the same reason, as one line each: `workers:
/// gateway 9, orders 9` when they name one property of several nodes.
fn grouped(guesses: &[Guess]) -> Vec<(String, &str)> {
    let mut groups: Vec<(&str, Vec<&Guess>)> = Vec::new();
    for g in guesses {
        match groups.iter_mut().find(|(why, _)| *why == g.why) {
            Some((_, members)) => members.push(g),
            None => groups.push((&g.why, vec![g])),
        }
    }
    groups
        .into_iter()
        .map(|(why, members)| {
            let property = members[0].what.split_once(" of ").map(|(p, _)| p);
            let shared = property.filter(|p| {
                members.len() > 1
                    && members
                        .iter()
                        .all(|g| g.what.starts_with(&format!("{p} of ")))
            });
            let values = match shared {
                Some(p) => format!(
                    "{p}: {}",
                    members
                        .iter()
                        .map(|g| format!("{} {}", &g.what[p.len() + 4..], g.value))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => members
                    .iter()
                    .map(|g| format!("{}: {}", g.what, g.value))
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            (values, why)
        })
        .collect()
}

/// The report: what was read first, then the guesses to check, then what
/// traces cannot show; the values measured and the repairs folded.
fn report_ui(ui: &mut Ui, report: &ImportReport) {
    let mut lines = report.lines().into_iter();
    for line in lines.by_ref().take(2) {
        ui.label(line);
    }
    if !report.guesses.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new(format!("Check these {} guesses", report.guesses.len())).strong());
        for (values, why) in grouped(&report.guesses) {
            ui.label(format!("• {values}")).on_hover_text(why);
            ui.weak(format!("   {why}"));
        }
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Traces cannot show, so set these by hand").strong());
    for c in &report.cannot_show {
        ui.label(format!("• {c}"));
    }
    ui.add_space(6.0);
    egui::CollapsingHeader::new(format!("Measured ({} values)", report.inferred.len()))
        .default_open(false)
        .show(ui, |ui| {
            for i in &report.inferred {
                ui.label(format!("{}: {}", i.what, i.value))
                    .on_hover_text(format!("{} → {}", i.how, i.field));
            }
        });
    let r = &report.repairs;
    let rules = &report.rules;
    let repaired = r.duplicate_ids + r.missing_parents + r.cycles_cut + r.clock_skew;
    let decided = rules.client_spans_as_producers
        + rules.server_spans_as_consumers
        + rules.internal_spans_as_servers
        + rules.consumers_by_link
        + rules.unanswered_calls_matched;
    if repaired + decided > 0 {
        egui::CollapsingHeader::new("Repaired and decided")
            .default_open(false)
            .show(ui, |ui| {
                for line in report.lines() {
                    if line.starts_with("  ")
                        && line.chars().nth(2).is_some_and(|c| c.is_ascii_digit())
                    {
                        ui.label(line.trim());
                    }
                }
            });
    }
}
