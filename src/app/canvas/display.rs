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
use crate::visual::{Emphasis, LinkLook, NodeShape, Palette, Theme, link_look, style_color};

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
    /// Whether validation found problems with it.
    pub problem: bool,
    /// Set every frame from the canvas overlay.
    pub emphasis: Emphasis,
    /// Set every frame from egui's visuals.
    pub theme: Theme,
    /// Set every frame: the pointer is over it.
    pub hovered: bool,
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
        self.pos + dir.normalized() * self.view.shape.boundary_distance((dir.x, dir.y))
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
        out
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
    order: usize,
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

    /// Sideways distance from the line between the centres, in graph
    /// units, so several links between the same two nodes stay apart.
    fn offset(&self) -> f32 {
        self.order as f32 * 16.0
    }

    /// The link's path in graph units.
    fn path(&self, start: &GraphNode, end: &GraphNode) -> Option<Vec<Pos2>> {
        let (a, b) = (start.location(), end.location());
        if start.id() == end.id() {
            return Some(paint::self_loop(a, start.payload().shape));
        }
        let (from, to) = paint::link_ends(
            (a, start.payload().shape),
            (b, end.payload().shape),
            self.offset(),
        )?;
        Some(vec![from, to])
    }
}

impl From<EdgeProps<LinkView>> for LinkDisplay {
    fn from(props: EdgeProps<LinkView>) -> Self {
        Self {
            order: props.order,
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
        let Some(path) = self.path(start, end) else {
            self.drawn = None;
            return Vec::new();
        };
        let screen: Vec<Pos2> = path
            .iter()
            .map(|p| ctx.meta.canvas_to_screen_pos(*p))
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
            out.push(Shape::line(screen.clone(), stroke));
        }
        let stroke = LinkStroke {
            look,
            color: paint::color(style_color(view.style, view.theme).faded(view.emphasis.opacity())),
            scale: scale * view.emphasis.width_factor(),
            background: paint::color(palette.canvas),
        };
        paint::link_shapes(&mut out, &screen, &stroke);
        self.drawn = Some(look);
        if let (&[from, to], Some(text)) = (screen.as_slice(), view.label)
            && (ctx.meta.zoom >= 0.55 || self.selected || view.hovered)
        {
            let colors = (
                paint::color(palette.text_muted.faded(view.emphasis.opacity())),
                paint::color(palette.canvas.faded(0.85)),
            );
            paint::link_label_shapes(ctx.ctx, &mut out, from, to, text, colors, scale);
        }
        if view.problem {
            let middle = screen[screen.len() / 2];
            out.push(Shape::circle_filled(
                middle,
                5.0 * scale,
                paint::color(palette.problem),
            ));
        }
        out
    }

    fn update(&mut self, props: &EdgeProps<LinkView>) {
        self.order = props.order;
        self.selected = props.selected;
        self.view.clone_from(&props.payload);
    }

    fn is_inside(&self, start: &GraphNode, end: &GraphNode, pos: Pos2) -> bool {
        let tolerance = 6.0 / self.zoom.max(0.01);
        self.path(start, end).is_some_and(|path| {
            path.windows(2)
                .any(|w| paint::distance_to_segment(pos, w[0], w[1]) <= tolerance)
        })
    }
}
