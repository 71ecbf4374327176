//! File ▸ Import traces…: a design from distributed traces, and the side
//! panel's Import tab with the import report (what was read, what is
//! guessed, what traces cannot show), there until the user closes it.

use std::collections::HashSet;
use std::path::Path;

use egui::{RichText, Ui};

use super::canvas::{self, OverlayPainter};
use crate::import::{self, Guess, ImportError, ImportReport, Spans};
use crate::model::{Design, Node};
use crate::visual::{NodeShape, Palette, Theme};

/// The import report of the design that came from traces, while its tab
/// is open, and which of its guesses the user confirmed.
#[derive(Debug, Default)]
pub struct ImportPanel {
    /// The report, while the tab is open.
    pub report: Option<ImportReport>,
    /// Nodes whose guesses the user confirmed (by id), or edited since
    /// the import: no longer marked.
    confirmed: HashSet<String>,
    /// The guessed nodes as imported, to notice the user editing them.
    imported: Vec<Node>,
}

/// Reads the trace file at `path` and infers its design, named after the
/// file.
pub fn import_file(path: &Path) -> Result<(Design, ImportReport), ImportError> {
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
        let confirmed = &mut self.confirmed;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                report_ui(ui, report, confirmed);
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

    /// A panel showing `report` of the import of `design`.
    pub fn new(report: ImportReport, design: &Design) -> Self {
        let guessed: HashSet<&str> = report
            .guesses
            .iter()
            .filter_map(|g| g.node.as_deref())
            .collect();
        let imported = design
            .nodes
            .iter()
            .filter(|n| guessed.contains(n.id.as_str()))
            .cloned()
            .collect();
        Self {
            report: Some(report),
            confirmed: HashSet::new(),
            imported,
        }
    }

    /// Counts a guessed node the user changed (or deleted) in `design` as
    /// confirmed: setting the real value is the answer to the guess.
    pub fn note_edits(&mut self, design: &Design) {
        if self.report.is_none() {
            return;
        }
        for node in &self.imported {
            if !self.confirmed.contains(node.id.as_str()) && design.node(&node.id) != Some(node) {
                self.confirmed.insert(node.id.0.clone());
            }
        }
    }

    /// The ids of the nodes with a guess the user has not confirmed.
    pub fn guessed_nodes(&self) -> Vec<&str> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        let mut nodes: Vec<&str> = report
            .guesses
            .iter()
            .filter_map(|g| g.node.as_deref())
            .filter(|n| !self.confirmed.contains(*n))
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }

    /// Marks the nodes of `design` with an unconfirmed guess "guessed" on
    /// the canvas, at their top right corner.
    pub fn guesses_painter(
        &self,
        design: &Design,
        theme: Theme,
    ) -> Option<OverlayPainter<'static>> {
        let guessed = self.guessed_nodes();
        let corners: Vec<egui::Pos2> = design
            .nodes
            .iter()
            .filter(|n| guessed.contains(&n.id.as_str()))
            .map(|n| {
                let (w, h) = NodeShape::of(&n.kind).size();
                egui::pos2(n.pos.x + w / 2.0, n.pos.y - h / 2.0)
            })
            .collect();
        if corners.is_empty() {
            return None;
        }
        let palette = Palette::of(theme);
        let fill = canvas::paint::color(palette.highlight);
        let ink = canvas::paint::color(palette.canvas);
        Some(Box::new(move |painter, transform| {
            // Readable at any zoom: never smaller than small text.
            let size = (10.0 * transform.zoom).max(10.0);
            for corner in &corners {
                let at = transform.screen_from_graph(*corner);
                let galley = painter.layout_no_wrap(
                    "guessed".to_owned(),
                    egui::FontId::proportional(size),
                    ink,
                );
                let rect = egui::Rect::from_center_size(at, galley.size() + egui::vec2(8.0, 2.0));
                painter.rect_filled(rect, rect.height() / 2.0, fill);
                painter.galley(rect.center() - galley.size() / 2.0, galley, ink);
            }
        }))
    }
}

/// Guesses made for the same reason, as one line each: `workers:
/// gateway 9, orders 9` when they name one property of several nodes;
/// with the reason and the ids of the nodes they are about.
fn grouped(guesses: &[Guess]) -> Vec<(String, &str, Vec<&str>)> {
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
            let nodes = members.iter().filter_map(|g| g.node.as_deref()).collect();
            (values, why, nodes)
        })
        .collect()
}

/// The report: what was read first, then the guesses to check (each with
/// a button that takes its mark off the canvas), then what traces cannot
/// show; the values measured and the repairs folded.
fn report_ui(ui: &mut Ui, report: &ImportReport, confirmed: &mut HashSet<String>) {
    let mut lines = report.lines().into_iter();
    for line in lines.by_ref().take(2) {
        ui.label(line);
    }
    if !report.guesses.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new(format!("Check these {} guesses", report.guesses.len())).strong());
        for (values, why, nodes) in grouped(&report.guesses) {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("• {values}")).on_hover_text(why);
                let open = nodes.iter().any(|n| !confirmed.contains(*n));
                if open
                    && ui
                        .small_button("Confirm")
                        .on_hover_text("Take the \"guessed\" mark off these nodes on the canvas")
                        .clicked()
                {
                    confirmed.extend(nodes.iter().map(|n| (*n).to_owned()));
                }
            });
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
    let noted = report.repaired_and_decided();
    if !noted.is_empty() {
        egui::CollapsingHeader::new("Repaired and decided")
            .default_open(false)
            .show(ui, |ui| {
                for line in noted {
                    ui.label(line);
                }
            });
    }
}
