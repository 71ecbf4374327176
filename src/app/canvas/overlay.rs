//! What other parts of the app put on the canvas, frame by frame, without
//! touching how nodes and links are drawn: emphasis (findings highlight
//! some nodes and links and dim the rest), and extra painting in graph
//! coordinates (messages moving along links, occupancy bars, badges).

use std::collections::HashMap;

use egui::{Painter, Pos2, Rect, Vec2};

use crate::model::{LinkIdx, NodeIdx};
use crate::visual::Emphasis;

/// The map between graph coordinates (the design's positions) and screen
/// points, for the frame being drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenFromGraph {
    /// Screen points per graph unit.
    pub zoom: f32,
    /// The screen position of the graph origin.
    pub offset: Vec2,
}

impl Default for ScreenFromGraph {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            offset: Vec2::ZERO,
        }
    }
}

impl ScreenFromGraph {
    /// Where `pos_in_graph` is on screen.
    pub fn screen_from_graph(&self, pos_in_graph: Pos2) -> Pos2 {
        (pos_in_graph.to_vec2() * self.zoom + self.offset).to_pos2()
    }

    /// Where `pos_on_screen` is in the graph.
    pub fn graph_from_screen(&self, pos_on_screen: Pos2) -> Pos2 {
        ((pos_on_screen.to_vec2() - self.offset) / self.zoom).to_pos2()
    }

    /// `rect_in_graph` on screen.
    pub fn screen_rect_from_graph(&self, rect_in_graph: Rect) -> Rect {
        Rect::from_min_max(
            self.screen_from_graph(rect_in_graph.min),
            self.screen_from_graph(rect_in_graph.max),
        )
    }
}

/// Paints on top of the diagram, given the painter (clipped to the canvas)
/// and the frame's transform.
pub type OverlayPainter<'a> = Box<dyn Fn(&Painter, &ScreenFromGraph) + 'a>;

/// One frame's decorations of the canvas from outside the editor.
#[derive(Default)]
pub struct CanvasOverlay<'a> {
    /// The emphasis of every node and link not listed below.
    pub default: Emphasis,
    /// Nodes with their own emphasis.
    pub nodes: HashMap<NodeIdx, Emphasis>,
    /// Links with their own emphasis.
    pub links: HashMap<LinkIdx, Emphasis>,
    /// Extra painting, in order, after the diagram.
    pub painters: Vec<OverlayPainter<'a>>,
}

impl CanvasOverlay<'_> {
    /// The emphasis of node `i`.
    pub fn node(&self, i: usize) -> Emphasis {
        self.nodes.get(&NodeIdx(i)).copied().unwrap_or(self.default)
    }

    /// The emphasis of link `i`.
    pub fn link(&self, i: usize) -> Emphasis {
        self.links.get(&LinkIdx(i)).copied().unwrap_or(self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn the_transform_round_trips() {
        let t = ScreenFromGraph {
            zoom: 2.0,
            offset: egui::vec2(10.0, -5.0),
        };
        let p = pos2(3.0, 4.0);
        assert_eq!(t.screen_from_graph(p), pos2(16.0, 3.0));
        assert_eq!(t.graph_from_screen(t.screen_from_graph(p)), p);
    }

    #[test]
    fn listed_elements_override_the_default() {
        let overlay = CanvasOverlay {
            default: Emphasis::Dimmed,
            nodes: HashMap::from([(NodeIdx(1), Emphasis::Highlighted)]),
            ..Default::default()
        };
        assert_eq!(overlay.node(0), Emphasis::Dimmed);
        assert_eq!(overlay.node(1), Emphasis::Highlighted);
        assert_eq!(overlay.link(0), Emphasis::Dimmed);
    }
}
