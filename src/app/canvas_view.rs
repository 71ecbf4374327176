//! The canvas column: the canvas with this frame's highlights, animation
//! and callouts (a preview shows the transformed design, read-only), and
//! what floats over it — the entry point chooser, the zoom buttons, the
//! banner of a preview or of out-of-date results.

use egui::Ui;

use crate::model::Design;

use super::animation::{self, Scene};
use super::canvas::{self, CanvasOverlay, OverlayPainter};
use super::command::Command;
use super::focus::{self, Focus};
use super::run::what_if::{self, Draft, WhatIf};
use super::selection::Selection;
use super::suggestions::SuggestionsAction;
use super::{ArchsimApp, SideTab};

impl ArchsimApp {
    /// The canvas, with this frame's highlights, animation and callouts;
    /// a preview shows the transformed design instead, read-only.
    pub(super) fn canvas_ui(&mut self, ui: &mut Ui, now: f64) {
        let theme = canvas::theme_of(ui);
        let design = self.doc.design();
        let emphases = match &self.preview {
            Some(p) => Some(p.emphases.clone()),
            None => self.focus.emphases(design, &self.analysed),
        };
        let slowdowns = self
            .simulation
            .current()
            .map(|o| animation::slowdowns(&o.design))
            .unwrap_or_default();
        let mut overlay = match &emphases {
            Some(e) => CanvasOverlay {
                default: e.default,
                nodes: e.nodes.clone(),
                links: e.links.clone(),
                painters: Vec::new(),
            },
            None => CanvasOverlay {
                default: self.overlay.default,
                nodes: self.overlay.nodes.clone(),
                links: self.overlay.links.clone(),
                painters: Vec::new(),
            },
        };
        let animated = self
            .simulation
            .current()
            .filter(|_| self.preview.is_none())
            .and_then(|o| Some((o, o.trace()?)));
        if let Some((outcome, trace)) = animated {
            self.animation
                .sync(&self.canvas, design, self.doc.revision());
            let scene = Scene {
                trace,
                index: &outcome.index,
                time_ns: crate::sim::time::from_s(self.simulation.playback.time_s()),
                speed: self.simulation.playback.speed(),
                theme,
                slowdowns: &slowdowns,
            };
            let fade = emphases.clone();
            overlay
                .painters
                .push(self.animation.painter(scene, move |link| {
                    fade.as_ref().map_or(1.0, |e| e.link(link).opacity())
                }));
        } else {
            self.animation.clear_stats();
        }
        if self.preview.is_none()
            && let Focus::Entry(name) = &self.focus
            && let Some(summary) = self.analysed.entry(name)
            && let Some(anchor) = focus::callout_anchor(design, summary)
        {
            overlay.painters.push(focus::callout_painter(
                focus::entry_callout_lines(summary),
                anchor,
                theme,
            ));
        }
        if let Some(preview) = &self.preview {
            overlay.painters.push(preview.ghosts_painter(theme));
        } else if let Some(painter) = step_order_painter(design, &self.selection, theme) {
            overlay.painters.push(painter);
        }
        if self.preview.is_none()
            && let Some(painter) = self.import.guesses_painter(design, theme)
        {
            overlay.painters.push(painter);
        }
        for painter in &self.overlay.painters {
            let outside: OverlayPainter<'_> = Box::new(move |p, t| painter(p, t));
            overlay.painters.push(outside);
        }
        let default_at = if self.simulation.current().is_some() {
            self.simulation.playback.time_s()
        } else {
            design.scenario.duration_s / 3.0
        };
        let duration = self.simulation.settings(design).duration_s;
        let draft = &mut self.fault_draft;
        let mut injected: Option<WhatIf> = None;
        let mut node_menu = |ui: &mut Ui, design: &Design, node: usize| {
            let draft = draft.get_or_insert_with(|| Draft::new(default_at, duration));
            if let Some(w) = what_if::node_menu_ui(ui, design, node, draft) {
                injected = Some(w);
            }
        };
        self.canvas.read_only = self.preview.is_some();
        self.canvas.snap = self.settings.snap;
        let doc = match &mut self.preview {
            Some(p) => &mut p.doc,
            None => &mut self.doc,
        };
        let menu: Option<canvas::NodeMenu<'_>> = if self.canvas.read_only {
            None
        } else {
            Some(&mut node_menu)
        };
        let selected_before = self.selection.clone();
        let response = self.canvas.ui(
            ui,
            doc,
            &mut self.selection,
            &self.validation,
            &overlay,
            menu,
        );
        drop(overlay);
        if self.selection != selected_before && !self.selection.is_empty() {
            // Something was picked on the canvas: show what it is.
            self.side = SideTab::Inspector;
        }
        if response.menu_opened {
            self.fault_draft = None;
        }
        if let Some(w) = injected {
            let text = format!(
                "What-if fault (not saved): {}",
                w.describe(self.doc.design())
            );
            self.simulation.add_what_if(w, self.doc.design());
            self.say(text);
        }
        if response.rename {
            // Renaming needs the inspector, even when it was collapsed.
            self.side = SideTab::Inspector;
            self.settings.side_panel = true;
            self.inspector.focus_name = true;
        }
        if let Some(text) = response.message {
            self.message = Some((text, Some(now)));
        }
    }

    /// What floats over the canvas besides the zoom buttons: the entry
    /// point chooser (top left) and a banner for a preview or out-of-date
    /// results (top middle). Returns where the chooser ends (screen y).
    pub(super) fn canvas_controls_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) -> f32 {
        let rect = self.canvas.rect();
        if !rect.is_positive() {
            return rect.top();
        }
        let ctx = ui.ctx().clone();
        let mut bottom = rect.top();
        if self.preview.is_none() && !self.doc.design().entry_points.is_empty() {
            bottom = egui::Area::new(egui::Id::new("entry-chooser"))
                .fixed_pos(rect.left_top() + egui::vec2(10.0, 10.0))
                .order(egui::Order::Middle)
                .show(&ctx, |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        if focus::entry_chooser_ui(ui, self.doc.design(), &mut self.focus) {
                            self.frame_focus();
                        }
                    });
                })
                .response
                .rect
                .bottom();
        }
        // Below the chooser and the zoom buttons, as wide as the canvas
        // allows: the text wraps, the buttons stay on one line.
        let banner = |ui: &mut Ui, add: &mut dyn FnMut(&mut Ui)| {
            egui::Area::new(egui::Id::new("canvas-banner"))
                .pivot(egui::Align2::CENTER_TOP)
                .fixed_pos(rect.center_top() + egui::vec2(0.0, 52.0))
                .order(egui::Order::Middle)
                .show(ui.ctx(), |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width((rect.width() - 60.0).clamp(200.0, 720.0));
                        add(ui);
                    });
                });
        };
        if let Some(preview) = &self.preview {
            let mut action = None;
            banner(ui, &mut |ui: &mut Ui| {
                ui.label(egui::RichText::new("Preview: the design is unchanged until you apply this change; what it adds is highlighted.").strong());
                ui.label(&preview.suggestion.description);
                ui.horizontal(|ui| {
                    if ui.button("Apply").clicked() {
                        action = Some(SuggestionsAction::Apply(preview.suggestion.clone()));
                    }
                    if ui.button("Close preview").clicked() {
                        action = Some(SuggestionsAction::ClosePreview);
                    }
                });
            });
            if let Some(action) = action {
                self.suggestion_action(action);
            }
        } else if self.simulation.is_stale() && self.simulation.progress().is_none() {
            banner(ui, &mut |ui: &mut Ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "⚠ The design changed since this run: its results are out of date.",
                    );
                    if ui.button("Run again").clicked() {
                        commands.push(Command::Run);
                    }
                });
            });
        }
        bottom
    }

    /// Zoom buttons in the canvas's top-right corner. Returns where they
    /// end (screen y).
    pub(super) fn zoom_controls_ui(&mut self, ui: &mut Ui) -> f32 {
        let rect = self.canvas.rect();
        if !rect.is_positive() {
            return rect.top();
        }
        let mut fit = false;
        let bottom = egui::Area::new(egui::Id::new("zoom-controls"))
            .pivot(egui::Align2::RIGHT_TOP)
            .fixed_pos(rect.right_top() + egui::vec2(-10.0, 10.0))
            .order(egui::Order::Middle)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        if ui.button("−").on_hover_text("Zoom out").clicked() {
                            self.canvas.zoom_by(ui, 1.0 / 1.25);
                        }
                        ui.label(format!("{:.0}%", self.canvas.transform().zoom * 100.0));
                        if ui.button("+").on_hover_text("Zoom in").clicked() {
                            self.canvas.zoom_by(ui, 1.25);
                        }
                        fit = ui
                            .button("Fit")
                            .on_hover_text("Fit the design into view (F)")
                            .clicked();
                        let snap = ui.selectable_label(self.settings.snap, "#").on_hover_text(
                            "Snap to grid: moved and added nodes go to the grid's dots",
                        );
                        snap.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::WidgetType::SelectableLabel,
                                true,
                                self.settings.snap,
                                "Snap to grid",
                            )
                        });
                        if snap.clicked() {
                            self.settings.snap = !self.settings.snap;
                        }
                    });
                });
            })
            .response
            .rect
            .bottom();
        if fit {
            self.canvas.request_fit();
        }
        bottom
    }
}

/// A hint over the canvas while files are dragged over the window.
pub(super) fn drop_hint(ui: &Ui, rect: egui::Rect) {
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color.gamma_multiply(0.8));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop a design file to open it",
        egui::FontId::proportional(20.0),
        ui.visuals().strong_text_color(),
    );
}

/// The order of the selected service's steps, as numbered marks on the
/// links they go through (`2`, `3∥`, `4?`, `5↩`: see
/// [`crate::visual::order`]), so the sequential and parallel versions of
/// a design no longer look the same.
fn step_order_painter(
    design: &Design,
    selection: &Selection,
    theme: crate::visual::Theme,
) -> Option<OverlayPainter<'static>> {
    let [node] = selection.nodes.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    if !selection.links.is_empty() {
        return None;
    }
    let marks = crate::visual::order::step_marks(design, node);
    if marks.is_empty() {
        return None;
    }
    let positions: Vec<_> = design.nodes.iter().map(|n| n.pos).collect();
    let routes = crate::visual::link_routes(design, &positions);
    let placed: Vec<(egui::Pos2, String)> = marks
        .iter()
        .filter_map(|m| {
            let route = routes.get(m.link.0)?;
            let piece = route.first()?;
            let (a, b) = crate::visual::longest_segment(piece)?;
            // A third of the way along, clear of the arrow head and of
            // the technology label in the middle.
            let at = a + (b - a) / 3.0;
            Some((at, m.text()))
        })
        .collect();
    let palette = crate::visual::Palette::of(theme);
    let ink = canvas::paint::color(palette.text);
    let paper = canvas::paint::color(palette.canvas);
    Some(Box::new(move |painter, transform| {
        // Readable at any zoom: never smaller than body text.
        let size = (11.0 * transform.zoom).max(11.0);
        for (at, text) in &placed {
            let centre = transform.screen_from_graph(*at);
            let galley =
                painter.layout_no_wrap(text.clone(), egui::FontId::proportional(size), paper);
            let radius = galley.size().x.max(galley.size().y) / 2.0 + 3.0;
            painter.circle_filled(centre, radius, ink);
            painter.galley(centre - galley.size() / 2.0, galley, paper);
        }
    }))
}
