//! File ▸ Import traces…: a design from distributed traces, and the
//! window with the import report (what was read, what is guessed, what
//! traces cannot show) that stays until the user closes it.

use std::path::Path;

use egui::{RichText, Ui};

use crate::import::{self, ImportError, ImportReport, Spans};

/// The import report of the design that came from traces, while its
/// window is open.
#[derive(Debug, Default)]
pub struct ImportWindow {
    /// The report, when the window is open.
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

impl ImportWindow {
    /// Shows the window while there is a report.
    pub fn window_ui(&mut self, ctx: &egui::Context) {
        let Some(report) = &self.report else { return };
        let mut open = true;
        egui::Window::new("Import report")
            .open(&mut open)
            .default_width(620.0)
            .default_height(480.0)
            .vscroll(true)
            .show(ctx, |ui| report_ui(ui, report));
        if !open {
            self.report = None;
        }
    }
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
        for g in &report.guesses {
            ui.label(format!("• {}: {}", g.what, g.value))
                .on_hover_text(&g.why);
            ui.weak(format!("   {}", g.why));
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
    let repaired = r.duplicate_ids + r.missing_parents + r.cycles_cut;
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
