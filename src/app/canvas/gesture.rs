//! Gestures with the primary button that egui_graphs does not provide:
//! moving the selection, dragging out a new link, and box selection.
//!
//! A gesture starts on the frame the button goes down on the canvas (egui
//! decides what was pressed, so menus and the legend on top keep their
//! clicks). While one is under way, egui_graphs's panning is switched off,
//! so the same drag never both moves nodes and pans.

use egui::{Pos2, Rect, Ui};

use crate::model::{Design, NodeId, Position};

use super::super::document::Document;
use super::super::edit;
use super::super::selection::Selection;
use super::{Canvas, CanvasResponse, Tool, node_at};

/// The gesture under way.
#[derive(Debug, Clone, PartialEq)]
pub enum Gesture {
    /// Nothing: egui_graphs pans, zooms and reports clicks.
    Idle,
    /// The button went down on node `node`: a drag will move the selection,
    /// a release is a click.
    Pressed {
        /// The node pressed.
        node: usize,
    },
    /// Moving the selected nodes, node `node` held at `grab` from the
    /// pointer (graph units); the others keep their places relative to it.
    Moving {
        /// The node held.
        node: usize,
        /// Its centre minus the pointer.
        grab: egui::Vec2,
    },
    /// Dragging a new link out of node `from` towards `to` (graph units).
    Connecting {
        /// The node the link starts at.
        from: usize,
        /// The pointer.
        to: Pos2,
    },
    /// Selecting the nodes in the box between two corners (graph units).
    Boxing {
        /// Where the drag started.
        start: Pos2,
        /// The pointer.
        end: Pos2,
    },
}

impl Canvas {
    /// Starts a gesture if the primary button went down on the canvas
    /// this frame: from a connect handle (or any node with the Connect
    /// tool) a link, from a node a move, from empty canvas with Shift a
    /// selection box. Plain drags on empty canvas are left to egui_graphs,
    /// which pans.
    pub(super) fn begin_gesture(
        &mut self,
        ui: &Ui,
        widget: &egui::Response,
        design: &Design,
        selection: &Selection,
    ) {
        let (pressed, shift) = ui.input(|i| (i.pointer.primary_pressed(), i.modifiers.shift));
        let Some(pos_on_screen) = widget.interact_pointer_pos() else {
            return;
        };
        if !pressed || !widget.is_pointer_button_down_on() {
            return;
        }
        let pos_in_graph = self.transform.graph_from_screen(pos_on_screen);
        self.gesture = if let Some(from) = self.handle_at(pos_on_screen, design, selection) {
            Gesture::Connecting {
                from,
                to: pos_in_graph,
            }
        } else if let Some(node) = node_at(design, pos_in_graph) {
            match self.tool {
                Tool::Connect => Gesture::Connecting {
                    from: node,
                    to: pos_in_graph,
                },
                Tool::Select => Gesture::Pressed { node },
            }
        } else if shift {
            Gesture::Boxing {
                start: pos_in_graph,
                end: pos_in_graph,
            }
        } else {
            Gesture::Idle
        };
    }

    /// Carries the gesture on with the pointer, and finishes it when the
    /// button is released.
    pub(super) fn continue_gesture(
        &mut self,
        ui: &Ui,
        widget: &egui::Response,
        doc: &mut Document,
        selection: &mut Selection,
        response: &mut CanvasResponse,
    ) {
        let (down, shift, pointer) = ui.input(|i| {
            (
                i.pointer.primary_down(),
                i.modifiers.shift,
                i.pointer.latest_pos(),
            )
        });
        let pointer_in_graph = pointer.map(|p| self.transform.graph_from_screen(p));
        match self.gesture.clone() {
            Gesture::Idle => {}
            Gesture::Pressed { node } => {
                if !down {
                    self.gesture = Gesture::Idle;
                } else if widget.dragged()
                    && let (Some(now), Some(origin)) =
                        (pointer_in_graph, widget.interact_pointer_pos())
                {
                    if let Some(id) = doc.design().nodes.get(node).map(|n| n.id.clone())
                        && !selection.nodes.contains(&id)
                    {
                        if !shift {
                            *selection = Selection::only_node(id.clone());
                        }
                        selection.nodes.insert(id);
                    }
                    let start = self
                        .transform
                        .graph_from_screen(press_origin(ui).unwrap_or(origin));
                    if let Some(n) = doc.design().nodes.get(node) {
                        let grab = egui::pos2(n.pos.x, n.pos.y) - start;
                        self.gesture = Gesture::Moving { node, grab };
                        self.move_selection(widget, doc, selection, node, now + grab);
                    }
                }
            }
            Gesture::Moving { node, grab } => {
                if let Some(now) = pointer_in_graph {
                    self.move_selection(widget, doc, selection, node, now + grab);
                }
                if !down {
                    doc.close_session();
                    self.gesture = Gesture::Idle;
                }
            }
            Gesture::Connecting { from, to } => {
                let to = pointer_in_graph.unwrap_or(to);
                if down {
                    self.gesture = Gesture::Connecting { from, to };
                } else {
                    self.gesture = Gesture::Idle;
                    if let Some(target) = node_at(doc.design(), to).filter(|t| *t != from) {
                        self.connect(doc, selection, from, target, response);
                    }
                }
            }
            Gesture::Boxing { start, end } => {
                let end = pointer_in_graph.unwrap_or(end);
                if down {
                    self.gesture = Gesture::Boxing { start, end };
                } else {
                    self.gesture = Gesture::Idle;
                    let area = Rect::from_two_pos(start, end);
                    selection.nodes.extend(nodes_in(doc.design(), area));
                }
            }
        }
    }

    /// Moves the selected nodes so that node `held` is at `to` (on the
    /// grid when snapping), as part of the drag's single undo step.
    fn move_selection(
        &self,
        widget: &egui::Response,
        doc: &mut Document,
        selection: &Selection,
        held: usize,
        to: Pos2,
    ) {
        let Some(node) = doc.design().nodes.get(held) else {
            return;
        };
        let to = self.placed(Position { x: to.x, y: to.y });
        let delta = egui::vec2(to.x - node.pos.x, to.y - node.pos.y);
        if delta == egui::Vec2::ZERO {
            return;
        }
        doc.edit(Some(widget.id), |d| {
            edit::move_nodes(d, &selection.nodes, delta.x, delta.y)
        });
    }

    fn connect(
        &self,
        doc: &mut Document,
        selection: &mut Selection,
        from: usize,
        to: usize,
        response: &mut CanvasResponse,
    ) {
        let ids = |i: usize| doc.design().nodes.get(i).map(|n| n.id.clone());
        let (Some(a), Some(b)) = (ids(from), ids(to)) else {
            return;
        };
        let mut result = Err(String::new());
        doc.edit(None, |d| {
            result = edit::connect(d, &a, &b, self.new_link_style)
        });
        match result {
            Ok(link) => *selection = Selection::only_link(link.0),
            Err(why) => response.message = Some(format!("Cannot link {a} to {b}: {why}")),
        }
    }
}

/// Where the primary button went down, on screen.
fn press_origin(ui: &Ui) -> Option<Pos2> {
    ui.input(|i| i.pointer.press_origin())
}

/// The nodes whose outline meets `area` (graph units).
fn nodes_in(design: &Design, area: Rect) -> Vec<NodeId> {
    design
        .nodes
        .iter()
        .filter(|n| {
            let shape = crate::visual::NodeShape::of(&n.kind);
            super::paint::node_rect(shape, egui::pos2(n.pos.x, n.pos.y), 1.0).intersects(area)
        })
        .map(|n| n.id.clone())
        .collect()
}
