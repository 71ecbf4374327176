//! How egui_graphs draws archsim's nodes and links: the payloads the graph
//! carries and the [`DisplayNode`] / [`DisplayEdge`] implementations that
//! paint them through [`super::paint`].
//!
//! Payloads are cheap to clone (egui_graphs clones both end nodes of every
//! edge every frame): shared strings and small enums, filled in from the
//! design by [`super::mirror`].

use std::sync::Arc;

use egui::{Pos2, Shape, Vec2};
use egui_graphs::{DisplayEdge, DisplayNode, DrawContext, EdgeProps, NodeProps};
use petgraph::Directed;
use petgraph::stable_graph::DefaultIx;

use crate::model::Style;
use crate::visual::{self, Emphasis, LinkLook, NodeShape, Palette, Theme, link_look, style_color};

use super::paint::{self, LinkStroke, NodeLook};

/// What the canvas draws for a node, taken from the design.
#[derive(Debug, Clone)]
pub struct NodeView {
    /// Outline, from the node's kind.
    pub shape: NodeShape,
    /// The node's name.
    pub label: Arc<str>,
    /// The node's key facts, under the name.
    pub caption: Arc<str>,
    /// Whether validation found problems with it.
    pub problem: bool,
    /// Set every frame from the canvas overlay.
    pub emphasis: Emphasis,
    /// Set every frame from egui's visuals.
    pub theme: Theme,
}

/// What the canvas draws for a link, taken from the design.
#[derive(Debug, Clone)]
pub struct LinkView {
    /// The link's communication style.
    pub style: Style,
    /// Its technology, when worth a label.
    pub label: Option<&'static str>,
    /// Its timeout, retries and delivery limit, when it has any.
    pub badge: Option<Arc<str>>,
    /// Whether validation found problems with it.
    pub problem: bool,
    /// Set every frame from the canvas overlay.
    pub emphasis: Emphasis,
    /// Set every frame from egui's visuals.
    pub theme: Theme,
    /// Set every frame: the pointer is over it.
    pub hovered: bool,
    /// For a request through a queue: where the queue is (graph units)
    /// and its outline; the link is drawn through it.
    pub via: Option<(Pos2, NodeShape)>,
    /// Sideways distance from the line between the centres, graph units,
    /// so links between the same two nodes stay apart: the place the
    /// report gives it too ([`visual::link_orders`]).
    pub offset: f32,
}

/// A graph node as egui_graphs stores it.
pub type GraphNode = egui_graphs::Node<NodeView, LinkView, Directed, DefaultIx, NodeDisplay>;

/// Draws a node.
#[derive(Debug, Clone)]
pub struct NodeDisplay {
    view: NodeView,
    pos: Pos2,
    selected: bool,
    hovered: bool,
}

impl From<NodeProps<NodeView>> for NodeDisplay {
    fn from(props: NodeProps<NodeView>) -> Self {
        Self {
            pos: props.location(),
            selected: props.selected,
            hovered: props.hovered,
            view: props.payload,
        }
    }
}

impl DisplayNode<NodeView, LinkView, Directed, DefaultIx> for NodeDisplay {
    fn closest_boundary_point(&self, dir: Vec2) -> Pos2 {
        self.pos + dir.normalized() * self.view.shape.boundary_distance(dir)
    }

    fn shapes(&mut self, ctx: &DrawContext<'_>) -> Vec<Shape> {
        let mut out = Vec::with_capacity(6);
        let look = NodeLook {
            shape: self.view.shape,
            label: &self.view.label,
            caption: &self.view.caption,
            theme: self.view.theme,
            emphasis: self.view.emphasis,
            selected: self.selected,
            hovered: self.hovered,
            problem: self.view.problem,
        };
        let center = ctx.meta.canvas_to_screen_pos(self.pos);
        paint::node_shapes(ctx.ctx, &mut out, &look, center, ctx.meta.zoom);
        // One shape per node: egui_graphs adds each shape separately, and
        // each add takes egui's lock.
        vec![Shape::Vec(out)]
    }

    fn update(&mut self, props: &NodeProps<NodeView>) {
        self.pos = props.location();
        self.selected = props.selected;
        self.hovered = props.hovered;
        self.view.clone_from(&props.payload);
    }

    fn is_inside(&self, pos: Pos2) -> bool {
        paint::node_contains(self.view.shape, self.pos, pos)
    }
}

/// Draws a link.
#[derive(Debug, Clone)]
pub struct LinkDisplay {
    view: LinkView,
    selected: bool,
    /// The zoom of the last frame drawn, for hit tests in graph units.
    zoom: f32,
    /// The look the link was last drawn with.
    drawn: Option<LinkLook>,
}

impl LinkDisplay {
    /// The look this link was drawn with in the last frame (`None` before
    /// its first frame, or when its ends overlap): what the user saw.
    pub fn drawn_look(&self) -> Option<LinkLook> {
        self.drawn
    }

    /// Sideways distance from the line between the centres, graph units.
    fn offset(&self) -> f32 {
        self.view.offset
    }

    /// The link's visible pieces in graph units: one line, or for a
    /// request through a queue, one into the queue and one out of it.
    pub fn pieces(&self, start: &GraphNode, end: &GraphNode) -> Option<Vec<Vec<Pos2>>> {
        let (a, b) = (start.location(), end.location());
        if start.id() == end.id() {
            return Some(vec![visual::self_loop(a, start.payload().shape)]);
        }
        let (from, to) = ((a, start.payload().shape), (b, end.payload().shape));
        if let Some(via) = self.view.via {
            let (a, via_in) = visual::link_ends(from, via, self.offset())?;
            let (via_out, b) = visual::link_ends(via, to, self.offset())?;
            return Some(vec![vec![a, via_in], vec![via_out, b]]);
        }
        let (a, b) = visual::link_ends(from, to, self.offset())?;
        Some(vec![vec![a, b]])
    }
}

impl From<EdgeProps<LinkView>> for LinkDisplay {
    fn from(props: EdgeProps<LinkView>) -> Self {
        Self {
            selected: props.selected,
            view: props.payload,
            zoom: 1.0,
            drawn: None,
        }
    }
}

impl DisplayEdge<NodeView, LinkView, Directed, DefaultIx, NodeDisplay> for LinkDisplay {
    fn shapes(&mut self, start: &GraphNode, end: &GraphNode, ctx: &DrawContext<'_>) -> Vec<Shape> {
        self.zoom = ctx.meta.zoom;
        let Some(pieces) = self.pieces(start, end) else {
            self.drawn = None;
            return Vec::new();
        };
        let pieces: Vec<Vec<Pos2>> = pieces
            .iter()
            .map(|piece| {
                piece
                    .iter()
                    .map(|p| ctx.meta.canvas_to_screen_pos(*p))
                    .collect()
            })
            .collect();
        let view = &self.view;
        let palette = Palette::of(view.theme);
        let look = link_look(view.style);
        let scale = paint::stroke_scale(ctx.meta.zoom);
        let mut out = Vec::new();
        let halo = if view.emphasis == Emphasis::Highlighted {
            Some((palette.highlight.faded(0.55), 9.0))
        } else if self.selected {
            Some((palette.selection.faded(0.4), 7.0))
        } else if view.hovered {
            Some((palette.selection.faded(0.2), 6.0))
        } else {
            None
        };
        if let Some((color, extra)) = halo {
            let stroke = egui::Stroke::new(look.width * scale + extra * scale, paint::color(color));
            out.extend(
                pieces
                    .iter()
                    .map(|piece| Shape::line(piece.clone(), stroke)),
            );
        }
        let stroke = LinkStroke {
            look,
            color: paint::color(style_color(view.style, view.theme).faded(view.emphasis.opacity())),
            scale: scale * view.emphasis.width_factor(),
            background: paint::color(palette.canvas),
            marks: ctx.meta.zoom >= paint::MARKS_MIN_ZOOM,
        };
        for (i, piece) in pieces.iter().enumerate() {
            // Through a queue, the response comes back beside the first
            // piece only: one return arrow per link.
            let look = LinkLook {
                return_arrow: look.return_arrow && i == 0,
                ..look
            };
            paint::link_shapes(&mut out, piece, &LinkStroke { look, ..stroke });
        }
        self.drawn = Some(look);
        let longest = pieces
            .iter()
            .filter_map(|piece| visual::longest_segment(piece))
            .max_by(|x, y| x.0.distance(x.1).total_cmp(&y.0.distance(y.1)));
        if let (Some((from, to)), Some(text)) = (longest, view.label)
            && (ctx.meta.zoom >= 0.55 || self.selected || view.hovered)
        {
            let colors = (
                paint::color(palette.text_muted.faded(view.emphasis.opacity())),
                paint::color(palette.canvas.faded(0.85)),
            );
            paint::link_label_shapes(
                ctx.ctx,
                &mut out,
                from,
                to,
                text,
                colors,
                scale,
                paint::Side::Above,
            );
        }
        if let (Some((from, to)), Some(badge)) = (longest, &view.badge) {
            let colors = (
                paint::color(palette.text.faded(view.emphasis.opacity())),
                paint::color(palette.canvas.faded(0.85)),
            );
            paint::link_label_shapes(
                ctx.ctx,
                &mut out,
                from,
                to,
                badge,
                colors,
                scale,
                paint::Side::Below,
            );
        }
        if let (true, Some((from, to))) = (view.problem, longest) {
            let middle = from + (to - from) * 0.5;
            out.push(Shape::circle_filled(
                middle,
                5.0 * scale,
                paint::color(palette.problem),
            ));
        }
        // One shape per link: see `NodeDisplay::shapes`.
        vec![Shape::Vec(out)]
    }

    fn update(&mut self, props: &EdgeProps<LinkView>) {
        self.selected = props.selected;
        self.view.clone_from(&props.payload);
    }

    fn is_inside(&self, start: &GraphNode, end: &GraphNode, pos: Pos2) -> bool {
        let tolerance = 6.0 / self.zoom.max(0.01);
        // Most links are nowhere near the pointer: rule them out cheaply.
        let reach = tolerance + self.offset() + 120.0;
        let mut bounds = egui::Rect::from_two_pos(start.location(), end.location());
        if let Some((via, _)) = self.view.via {
            bounds.extend_with(via);
        }
        if !bounds.expand(reach).contains(pos) {
            return false;
        }
        self.pieces(start, end).is_some_and(|pieces| {
            pieces
                .iter()
                .flat_map(|piece| piece.windows(2))
                .any(|w| paint::distance_to_segment(pos, w[0], w[1]) <= tolerance)
        })
    }
}
