//! The status bar: which file, whether it has unsaved changes, how big the
//! design is, whether it is valid (click the problem count to go to the
//! first problem), and the latest message.

use egui::{RichText, Ui};

use crate::model::FieldPath;
use crate::visual::Palette;

use super::canvas;

use super::document::Document;
use super::validation::Validation;

/// Draws the status bar; `live` says what the simulation shows now.
/// Returns the path of the problem to show when the problem count was
/// clicked.
pub fn status_bar_ui(
    ui: &mut Ui,
    doc: &Document,
    validation: &Validation,
    live: Option<&str>,
    message: Option<&str>,
) -> Option<FieldPath> {
    let mut go_to = None;
    ui.horizontal(|ui| {
        ui.label(doc.display_name());
        if doc.is_dirty() {
            ui.label(RichText::new("• unsaved").color(ui.visuals().warn_fg_color));
        }
        ui.separator();
        let d = doc.design();
        ui.label(format!(
            "{} node{} · {} link{}",
            d.nodes.len(),
            plural(d.nodes.len()),
            d.links.len(),
            plural(d.links.len())
        ));
        ui.separator();
        match validation.problems() {
            [] => {
                let ok = Palette::of(canvas::theme_of(ui)).ok;
                ui.label(RichText::new("✔ valid").color(canvas::paint::color(ok)));
            }
            problems @ [first, ..] => {
                let text = format!("⚠ {} problem{}", problems.len(), plural(problems.len()));
                let button =
                    egui::Button::new(RichText::new(text).color(ui.visuals().error_fg_color))
                        .frame(false);
                if ui.add(button).on_hover_text(first.to_string()).clicked() {
                    go_to = Some(first.path.clone());
                }
            }
        }
        if let Some(live) = live {
            ui.separator();
            ui.label(live);
        }
        if let Some(message) = message {
            ui.separator();
            ui.label(message);
        }
    });
    go_to
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
