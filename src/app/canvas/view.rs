//! Pan and zoom. egui_graphs keeps them in its frame metadata (in egui's
//! memory, under the graph's id); these helpers read and change them, so
//! the canvas can fit the design, zoom with buttons and pan with the wheel
//! while egui_graphs handles drag-to-pan and Ctrl+wheel zoom.

use egui::{Pos2, Rect, Ui, Vec2, pos2, vec2};
use egui_graphs::MetadataFrame;

use crate::model::Node;
use crate::visual::NodeShape;

use super::overlay::ScreenFromGraph;
use super::paint::MIN_FIT_ZOOM;

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
/// are in view, centred; see [`fitted`].
pub fn fit(ui: &mut Ui, rect: Rect, bounds: Option<Rect>) {
    store(ui, rect, fitted(rect, bounds));
}

/// The transform that shows `bounds` (graph units; a default area when
/// `None`) in `rect` (screen): as big as fits, but never smaller than
/// [`MIN_FIT_ZOOM`], where names are still legible, nor bigger than
/// [`MAX_FIT_ZOOM`]. Along an axis where the design fits it is centred;
/// along one where it does not, its start (left or top: where the calls
/// begin) is shown and the rest is a pan away.
pub fn fitted(rect: Rect, bounds: Option<Rect>) -> ScreenFromGraph {
    let bounds = bounds
        .unwrap_or(Rect::from_center_size(Pos2::ZERO, vec2(400.0, 300.0)))
        .expand(FIT_MARGIN);
    let zoom = (rect.width() / bounds.width())
        .min(rect.height() / bounds.height())
        .clamp(MIN_FIT_ZOOM, MAX_FIT_ZOOM);
    let axis = |screen_min: f32, screen_size: f32, min: f32, size: f32| {
        if size * zoom <= screen_size {
            screen_min + (screen_size - size * zoom) / 2.0 - min * zoom
        } else {
            screen_min - min * zoom
        }
    };
    let offset = vec2(
        axis(rect.min.x, rect.width(), bounds.min.x, bounds.width()),
        axis(rect.min.y, rect.height(), bounds.min.y, bounds.height()),
    );
    ScreenFromGraph { zoom, offset }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn screen() -> Rect {
        Rect::from_min_size(pos2(100.0, 50.0), vec2(800.0, 600.0))
    }

    #[test]
    fn a_small_design_is_centred_at_the_zoom_that_fits_it() {
        let bounds = Rect::from_min_size(pos2(0.0, 0.0), vec2(920.0, 520.0));
        let t = fitted(screen(), Some(bounds));
        // 920 + 2 × 40 margin = 1000 wide: 800 / 1000 is the limiting axis.
        assert!((t.zoom - 0.8).abs() < 1e-6);
        let centre = t.screen_from_graph(bounds.center());
        assert!(centre.distance(screen().center()) < 1e-3);
    }

    #[test]
    fn a_big_design_is_never_fitted_below_the_legible_zoom_and_shows_its_start() {
        let bounds = Rect::from_min_size(pos2(-500.0, 0.0), vec2(4000.0, 300.0));
        let t = fitted(screen(), Some(bounds));
        assert_eq!(t.zoom, MIN_FIT_ZOOM);
        // Too wide: the left edge (with its margin) at the left of the screen.
        let left = t.screen_from_graph(pos2(bounds.min.x - FIT_MARGIN, 0.0));
        assert!((left.x - screen().min.x).abs() < 1e-3);
        // Low enough: centred vertically.
        let middle = t.screen_from_graph(bounds.center());
        assert!((middle.y - screen().center().y).abs() < 1e-3);
    }

    #[test]
    fn a_tiny_design_is_not_blown_up() {
        let bounds = Rect::from_center_size(Pos2::ZERO, vec2(10.0, 10.0));
        assert_eq!(fitted(screen(), Some(bounds)).zoom, MAX_FIT_ZOOM);
    }
}
