//! Pan and zoom. egui_graphs keeps them in its frame metadata (in egui's
//! memory, under the graph's id); these helpers read and change them, so
//! the canvas can fit the design, zoom with buttons and pan with the wheel
//! while egui_graphs handles drag-to-pan and Ctrl+wheel zoom.

use egui::{Pos2, Rect, Ui, Vec2, pos2, vec2};
use egui_graphs::MetadataFrame;

use crate::model::Node;
use crate::visual::NodeShape;

use super::overlay::ScreenFromGraph;

/// The id egui_graphs stores the canvas's pan, zoom and layout under.
pub const GRAPH_ID: &str = "archsim-canvas";

/// Zoom limits: far enough out for a thousand nodes, far enough in to read
/// a link's label comfortably.
pub const MIN_ZOOM: f32 = 0.02;
/// See [`MIN_ZOOM`].
pub const MAX_ZOOM: f32 = 4.0;

/// Fitting never zooms in further than this: a small design should look
/// like a diagram, not a poster.
const MAX_FIT_ZOOM: f32 = 1.3;

/// Margin around the design when fitting, graph units.
const FIT_MARGIN: f32 = 40.0;

fn load(ui: &Ui) -> MetadataFrame {
    MetadataFrame::new(Some(GRAPH_ID.to_owned())).load(ui)
}

/// The transform of the canvas at `rect`, as egui_graphs will draw it.
pub fn transform(ui: &Ui, rect: Rect) -> ScreenFromGraph {
    let meta = load(ui);
    ScreenFromGraph {
        zoom: meta.zoom,
        offset: meta.pan + rect.min.to_vec2(),
    }
}

/// Sets pan and zoom so that `transform` holds on the canvas at `rect`.
fn store(ui: &mut Ui, rect: Rect, transform: ScreenFromGraph) {
    let mut meta = load(ui);
    meta.zoom = transform.zoom;
    meta.pan = transform.offset - rect.min.to_vec2();
    meta.save(ui);
}

/// Zooms to `zoom` (clamped to the limits), keeping the graph point under
/// `anchor` (screen) where it is.
pub fn zoom_about(ui: &mut Ui, rect: Rect, zoom: f32, anchor: Pos2) {
    let old = transform(ui, rect);
    let zoom = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
    let fixed = old.graph_from_screen(anchor);
    let offset = anchor.to_vec2() - fixed.to_vec2() * zoom;
    store(ui, rect, ScreenFromGraph { zoom, offset });
}

/// Keeps the zoom within the limits (egui_graphs does not limit it).
pub fn clamp_zoom(ui: &mut Ui, rect: Rect) {
    let zoom = transform(ui, rect).zoom;
    if !(MIN_ZOOM..=MAX_ZOOM).contains(&zoom) || !zoom.is_finite() {
        let zoom = if zoom.is_finite() { zoom } else { 1.0 };
        zoom_about(ui, rect, zoom, rect.center());
    }
}

/// Moves the drawing by `delta` screen points.
pub fn pan_by(ui: &mut Ui, rect: Rect, delta: Vec2) {
    let mut t = transform(ui, rect);
    t.offset += delta;
    store(ui, rect, t);
}

/// Zooms and pans so `bounds` (graph units; a default area when `None`)
/// are in view, centred.
pub fn fit(ui: &mut Ui, rect: Rect, bounds: Option<Rect>) {
    let bounds = bounds
        .unwrap_or(Rect::from_center_size(Pos2::ZERO, vec2(400.0, 300.0)))
        .expand(FIT_MARGIN);
    let zoom = (rect.width() / bounds.width())
        .min(rect.height() / bounds.height())
        .clamp(MIN_ZOOM, MAX_FIT_ZOOM);
    let offset = rect.center().to_vec2() - bounds.center().to_vec2() * zoom;
    store(ui, rect, ScreenFromGraph { zoom, offset });
}

/// The rectangle covering `nodes` with their labels, in graph units.
pub fn bounds_of<'a>(nodes: impl Iterator<Item = &'a Node>) -> Option<Rect> {
    nodes
        .filter(|n| n.pos.x.is_finite() && n.pos.y.is_finite())
        .map(|n| {
            let shape = NodeShape::of(&n.kind);
            let (w, h) = shape.size();
            // A person's name, under the circle, is wider than the circle.
            let half_width = if shape == NodeShape::Person {
                60.0
            } else {
                w / 2.0
            };
            let center = pos2(n.pos.x, n.pos.y);
            let min = center - vec2(half_width, h / 2.0);
            let max = center + vec2(half_width, h / 2.0 + shape.label_below());
            Rect::from_min_max(min, max)
        })
        .reduce(|a, b| a.union(b))
}
